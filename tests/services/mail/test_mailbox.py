"""The support mailbox read from a real IMAP server (Dovecot on the loopback address): the
connection test, the lease, the cursor, IDLE, and every message stored once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import pytest

from synergy_desk.domain.enums import IncidentStatus, Resolution
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import closing, work
from synergy_desk.services.mail import mailbox, outbox
from synergy_desk.services.mail.mailbox import Fetcher, MailboxError
from synergy_desk.services.money import tickets
from tests.mail_servers import ImapServer, SmtpSink
from tests.services.incidents.incident_helpers import ticket_funded
from tests.services.mail.mail_helpers import customer_with_contact


def message(subject: str = "Printer offline", body: str = "It stopped printing this morning.",
            sender: str = "raj@acme.example", **headers: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = f"Raj Patel <{sender}>"
    mail["To"] = "support@example.test"
    mail["Subject"] = subject
    mail["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    mail["Message-ID"] = make_msgid(domain="acme.example")
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail


def stored_in() -> list[t.EmailMessage]:
    return list(t.EmailMessage.select().where(t.EmailMessage.direction == "in")
                .order_by(t.EmailMessage.id))


def use_sink(sink: SmtpSink, **changes: Any) -> None:
    values: dict[str, Any] = {"smtp_host": sink.host, "smtp_port": sink.port,
                              "smtp_from": "support@synergy.example", "smtp_starttls": False}
    values.update(changes)
    t.OfficeSettings.update(values).execute()


# --- the connection test ---------------------------------------------------------------------

def test_a_connection_test_says_what_it_found_and_that_the_server_offers_idle(
        imap_server: ImapServer) -> None:
    imap_server.append(message())
    text = mailbox.test_connection(imap_server.settings())
    assert text == (f"Connected to 127.0.0.1 as {imap_server.user}: 1 message in INBOX; the "
                    "server offers IDLE, so new mail arrives at once.")


@pytest.mark.parametrize(("change", "words"), [
    ({"password": "wrong"}, "refused the user name"),
    ({"folder": "Nowhere"}, "has no folder “Nowhere”"),
    ({"port": "closed"}, "Nothing answers at 127.0.0.1"),
    ({"host": "no-such-host.invalid"}, "is not known"),
    ({"security": "ssl"}, "A secure connection to 127.0.0.1, port"),
    ({"security": "starttls"}, "does not offer STARTTLS; choose SSL/TLS"),
])
def test_a_connection_that_fails_says_why_in_plain_words(imap_server: ImapServer,
                                                          change: dict[str, Any],
                                                          words: str) -> None:
    from tests.mail_servers import free_port

    if change.get("port") == "closed":
        change = {"port": free_port()}
    with pytest.raises(MailboxError, match=words) as caught:
        mailbox.test_connection(imap_server.settings(**change))
    assert "Traceback" not in str(caught.value)


def test_a_connection_needs_a_server_and_a_user() -> None:
    with pytest.raises(ValidationError, match="mailbox server's name"):
        mailbox.test_connection(mailbox.ImapSettings("", 993, "ssl", "u", "p", "INBOX"))


def test_only_a_manager_tries_the_saved_password(manager: Actor, reception: Actor) -> None:
    t.OfficeSettings.update(imap_password="saved-secret").execute()
    with pytest.raises(PermissionDenied):
        mailbox.imap_settings_from_form(reception, "imap.example.test", 993, "ssl", "u", None,
                                        "INBOX")
    typed = mailbox.imap_settings_from_form(manager, " imap.example.test ", 143, "starttls",
                                            "support", None, "INBOX")
    assert (typed.host, typed.port, typed.security, typed.password) == (
        "imap.example.test", 143, "starttls", "saved-secret")
    assert "saved-secret" not in repr(typed)
    with pytest.raises(ValidationError, match="SSL/TLS, STARTTLS or none"):
        mailbox.imap_settings_from_form(manager, "imap.example.test", 993, "tls", "u", "p",
                                        "INBOX")


# --- fetching --------------------------------------------------------------------------------

def test_a_new_message_lands_in_triage_and_the_cursor_moves(
        office: dict[str, Any], imap_server: ImapServer) -> None:
    imap_server.append(message())
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        report = fetcher.fetch_new()
    finally:
        fetcher.close()
    assert (report.stored, report.triage, report.errors) == (1, 1, [])
    (mail,) = stored_in()
    assert (mail.state, mail.subject, mail.from_address) == ("triage", "Printer offline",
                                                             "raj@acme.example")
    assert mail.uid and mail.uid_validity
    state = t.MailboxState.get(t.MailboxState.name == "support")
    assert (state.last_uid, state.holder, state.last_error) == (mail.uid, "desk-1", "")
    assert mailbox.mailbox_status().last_fetch_at is not None


def test_a_reply_with_the_reference_threads_onto_its_incident(
        reception: Actor, product: t.Product, imap_server: ImapServer) -> None:
    # The sender is the customer's contact: a subject's reference counts only from them.
    customer, _ = customer_with_contact(email="raj@acme.example")
    ticket_funded(reception, customer, product, subject="Other work")
    ref, _ticket = ticket_funded(reception, customer, product)
    imap_server.append(message(f"Re: Cannot print invoices [{ref.reference}]",
                               "Still not printing."))
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        report = fetcher.fetch_new()
    finally:
        fetcher.close()
    assert (report.stored, report.filed) == (1, 1)
    (mail,) = stored_in()
    assert mail.state == "filed" and mail.incident_id == ref.id
    link = t.EmailLink.get(t.EmailLink.message == mail.id)
    entry = t.TimelineEntry.get_by_id(link.entry_id)
    assert entry.incident_id == ref.id and entry.kind == "email_in"


def test_a_reply_to_a_resolved_incident_reopens_it_without_a_charge(
        engineer: Actor, reception: Actor, product: t.Product,
        imap_server: ImapServer) -> None:
    # The sender is the customer's contact: a subject's reference counts only from them.
    customer, _ = customer_with_contact(email="raj@acme.example")
    ref, ticket_id = ticket_funded(reception, customer, product)
    work.start_work(engineer, ref.id)
    closing.resolve(engineer, ref.id, Resolution.SOLUTION, "Reinstalled the printer driver")
    balance, payments = tickets.balance(ticket_id), t.Payment.select().count()
    imap_server.append(message(f"Re: Cannot print invoices [{ref.reference}]",
                               "It has stopped again."))
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        assert fetcher.fetch_new().stored == 1
    finally:
        fetcher.close()
    incident = t.Incident.get_by_id(ref.id)
    assert incident.status == IncidentStatus.IN_PROGRESS.value
    assert incident.reopen_count == 1
    assert tickets.balance(ticket_id) == balance
    assert t.Payment.select().count() == payments


def test_a_message_fetched_again_is_stored_once(office: dict[str, Any],
                                                 imap_server: ImapServer) -> None:
    imap_server.append(message())
    imap_server.append(message("Second question"))
    first = Fetcher("desk-1", imap_server.settings())
    try:
        assert first.fetch_new().stored == 2
        # The folder's numbers "start again" (a rebuilt mailbox): read from the beginning.
        t.MailboxState.update(uid_validity=1, last_uid=0).execute()
        again = first.fetch_new()
    finally:
        first.close()
    assert (again.stored, again.duplicates) == (0, 2)
    # A restart: a new Fetcher, with the cursor lost, reads everything again.
    t.MailboxState.update(last_uid=0).execute()
    restarted = Fetcher("desk-1", imap_server.settings())
    try:
        assert restarted.fetch_new().duplicates == 2
        assert restarted.fetch_new() == mailbox.FetchReport()
    finally:
        restarted.close()
    assert len(stored_in()) == 2


def _on_thread(work_: Any, results: list[Any], start: threading.Barrier) -> threading.Thread:
    def run() -> None:
        try:
            start.wait()
            results.append(work_())
        except BaseException as exc:  # reported by the test
            results.append(exc)
        finally:
            db.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_desks_fetching_at_once_store_each_message_once(
        office: dict[str, Any], imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(6):
        imap_server.append(message(f"Question {number}"))
    desks = [Fetcher(f"desk-{n}", imap_server.settings()) for n in (1, 2)]
    # The lease lets one desk hold the mailbox.
    results: list[Any] = []
    start = threading.Barrier(2)
    threads = [_on_thread(desk.take_lease, results, start) for desk in desks]
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False, True]
    # With the lease bypassed, both fetch at once: still each message once.
    t.MailboxState.update(lease_until=None).execute()
    monkeypatch.setattr(Fetcher, "take_lease", lambda self: True)
    original = mailbox._advance
    monkeypatch.setattr(mailbox, "_advance",
                        lambda *args, **kwargs: original(*args, require_lease=False))
    results.clear()
    start = threading.Barrier(2)
    threads = [_on_thread(desk.fetch_new, results, start) for desk in desks]
    for thread in threads:
        thread.join(60)
    for desk in desks:
        desk.close()
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(r.stored for r in results) == 6
    assert all(r.errors == [] for r in results), results
    assert sorted(m.subject for m in stored_in()) == [f"Question {n}" for n in range(6)]


def test_the_lease_passes_to_another_desk_once_it_expires(office: dict[str, Any]) -> None:
    first, second = Fetcher("desk-1"), Fetcher("desk-2")
    assert first.take_lease()
    assert not second.take_lease()
    assert first.take_lease()  # renewed
    t.MailboxState.update(
        lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)).execute()
    assert second.take_lease()
    assert not first.take_lease()
    assert mailbox.mailbox_status().holder == "desk-2"
    second.release()
    assert first.take_lease()


def test_a_desk_that_lost_the_lease_fetches_nothing(office: dict[str, Any],
                                                    imap_server: ImapServer) -> None:
    imap_server.append(message())
    assert Fetcher("desk-2").take_lease()
    fetcher = Fetcher("desk-1", imap_server.settings())
    report = fetcher.fetch_new()
    assert report.stored == 0 and "Another desk" in report.errors[0]
    assert stored_in() == []


def test_idle_wakes_the_wait_when_a_message_arrives(office: dict[str, Any],
                                                    imap_server: ImapServer) -> None:
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        assert fetcher.fetch_new().stored == 0
        timer = threading.Timer(0.5, imap_server.append, [message()])
        started = time.monotonic()
        timer.start()
        fetcher.wait_for_mail(20)
        waited = time.monotonic() - started
        timer.join()
        assert 0.4 < waited < 10
        assert fetcher.fetch_new().stored == 1
        stop = threading.Event()
        stop.set()
        started = time.monotonic()
        fetcher.wait_for_mail(20, stop)
        assert time.monotonic() - started < 5
    finally:
        fetcher.close()


def test_a_broken_mailbox_is_told_and_kept_for_the_status(office: dict[str, Any],
                                                          imap_server: ImapServer) -> None:
    fetcher = Fetcher("desk-1", imap_server.settings(password="wrong"))
    report = fetcher.fetch_new()
    assert report.stored == 0 and "refused the user name" in report.errors[0]
    assert "refused the user name" in mailbox.mailbox_status().last_error


def test_a_card_number_in_a_fetched_body_is_masked(office: dict[str, Any],
                                                   imap_server: ImapServer) -> None:
    imap_server.append(message(body="My card is 4111 1111 1111 1111, please charge it."))
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        fetcher.fetch_new()
    finally:
        fetcher.close()
    (mail,) = stored_in()
    assert mail.masked and "4111 1111 1111 1111" not in mail.body_text
    assert "1111" in mail.body_text


def test_an_auto_reply_sends_nothing_back(office: dict[str, Any], imap_server: ImapServer,
                                         smtp_sink: SmtpSink) -> None:
    use_sink(smtp_sink, mail_acknowledge=True)
    imap_server.append(message("Printer offline", sender="raj@acme.example"))
    imap_server.append(message("Out of Office: Printer offline", sender="jo@acme.example",
                               Auto_Submitted="auto-replied"))
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        assert fetcher.fetch_new().stored == 2
    finally:
        fetcher.close()
    report = outbox.send_due("desk-1")
    assert report.sent == 1
    (ack,) = smtp_sink.wait_for(1)
    assert ack["To"] == "raj@acme.example"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert outbox.send_due("desk-1").sent == 0
    assert [to for _sender, to in smtp_sink.envelopes] == [["raj@acme.example"]]


def test_without_idle_the_wait_asks_the_server_until_mail_arrives(
        office: dict[str, Any], imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from imapclient import IMAPClient

    real = IMAPClient.has_capability
    monkeypatch.setattr(IMAPClient, "has_capability",
                        lambda self, name: False if name == "IDLE" else real(self, name))
    monkeypatch.setattr(IMAPClient, "idle", lambda self: pytest.fail("IDLE was used"))
    monkeypatch.setattr(mailbox, "POLL_SECONDS", 0.2)
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        assert fetcher.fetch_new().stored == 0
        timer = threading.Timer(0.3, imap_server.append, [message()])
        started = time.monotonic()
        timer.start()
        fetcher.wait_for_mail(20, threading.Event())
        timer.join()
        assert time.monotonic() - started < 10
        assert fetcher.fetch_new().stored == 1
    finally:
        fetcher.close()


def test_a_message_over_the_hard_cap_waits_to_be_sorted_by_its_headers_alone(
        office: dict[str, Any], imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    imap_server.append(message("Huge", body="x" * 5000))
    imap_server.append(message("Small"))
    monkeypatch.setattr(mailbox, "MAX_MESSAGE_BYTES", 4000)
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        report = fetcher.fetch_new()
    finally:
        fetcher.close()
    assert report.stored == 2 and "larger than" in report.errors[0]
    huge, small = stored_in()
    # The customer's mail is seen: who sent it and what about, and where the message is.
    assert (huge.subject, huge.from_address, huge.state) == ("Huge", "raj@acme.example", "triage")
    assert "left in the support mailbox" in huge.body_text and "xxxx" not in huge.body_text
    assert small.subject == "Small"
    status = mailbox.mailbox_status()
    assert "left in the mailbox" in status.last_error
    assert t.MailboxState.get(t.MailboxState.name == "support").last_uid == small.uid


def test_a_mailbox_read_for_the_first_time_takes_only_its_recent_mail(
        office: dict[str, Any], imap_server: ImapServer) -> None:
    client = imap_server.client()
    try:
        old = dt.datetime.now() - dt.timedelta(days=mailbox.FIRST_READ_DAYS + 30)
        client.append("INBOX", message("Dealt with last spring").as_bytes(), msg_time=old)
    finally:
        client.logout()
    imap_server.append(message("Asked this morning"))
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        assert fetcher.fetch_new().stored == 1
    finally:
        fetcher.close()
    assert [m.subject for m in stored_in()] == ["Asked this morning"]


def test_another_folder_is_read_afresh_and_its_messages_never_taken_for_the_old_ones(
        office: dict[str, Any], imap_server: ImapServer) -> None:
    client = imap_server.client()
    try:
        if not client.folder_exists("Support"):
            client.create_folder("Support")
    finally:
        client.logout()
    imap_server.empty("Support")
    imap_server.append(message("In the inbox"))
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        assert fetcher.fetch_new().stored == 1
    finally:
        fetcher.close()
    # The manager points the desk at another folder: its first message has UID 1 too.
    imap_server.append(message("In the support folder"), folder="Support")
    fetcher = Fetcher("desk-1", imap_server.settings(folder="Support"))
    try:
        assert fetcher.fetch_new().stored == 1
    finally:
        fetcher.close()
    inbox, support = stored_in()
    assert (inbox.subject, support.subject) == ("In the inbox", "In the support folder")
    state = t.MailboxState.get(t.MailboxState.name == "support")
    assert state.mailbox_key.endswith("/Support") and state.last_uid == support.uid


def test_a_message_the_database_refuses_is_passed_over_and_the_mail_behind_it_stored(
        office: dict[str, Any], imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import peewee

    from synergy_desk.services.mail import inbound

    imap_server.append(message("Refused"))
    imap_server.append(message("Behind it"))
    real = inbound.receive

    def refusing(raw: bytes, **kwargs: Any) -> Any:
        if b"Subject: Refused" in raw:
            raise peewee.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
        return real(raw, **kwargs)

    monkeypatch.setattr(inbound, "receive", refusing)
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        report = fetcher.fetch_new()
        assert report.stored == 1 and "could not be stored" in report.errors[0]
        assert [m.subject for m in stored_in()] == ["Behind it"]
        # Passed over for good: the next fetch does not stumble on it again.
        assert fetcher.fetch_new().errors == []
    finally:
        fetcher.close()


def test_a_message_that_cannot_be_stored_is_told_and_taken_again_next_time(
        office: dict[str, Any], imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from synergy_desk.domain.errors import LockTimeout
    from synergy_desk.services.mail import inbound

    imap_server.append(message())
    real = inbound.receive

    def busy(raw: bytes, **kwargs: Any) -> Any:
        raise LockTimeout("Another desk is still saving something this change needs.")

    monkeypatch.setattr(inbound, "receive", busy)
    fetcher = Fetcher("desk-1", imap_server.settings())
    try:
        report = fetcher.fetch_new()
        assert report.stored == 0 and "still saving" in report.errors[0]
        assert "still saving" in mailbox.mailbox_status().last_error
        monkeypatch.setattr(inbound, "receive", real)
        assert fetcher.fetch_new().stored == 1
    finally:
        fetcher.close()
    assert mailbox.mailbox_status().last_error == ""
