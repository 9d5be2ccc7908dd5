"""The outbox: replies written from an incident and sent through a real SMTP server on the
loopback address (aiosmtpd), retried when it fails, each message sent once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from synergy_desk.domain.enums import TimelineKind
from synergy_desk.domain.errors import FundingRequired, PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.mail import outbox
from synergy_desk.services.mail.outgoing import OutgoingFile
from tests.mail_servers import SmtpSink, free_port
from tests.services.incidents.incident_helpers import make_customer, new_call, ticket_funded


def use_sink(sink: SmtpSink, **changes: Any) -> None:
    values: dict[str, Any] = {"smtp_host": sink.host, "smtp_port": sink.port,
                              "smtp_from": "support@synergy.example", "smtp_starttls": False,
                              "mail_signature": "Eddie at Synergy Support\n0113 496 0000"}
    values.update(changes)
    t.OfficeSettings.update(values).execute()


def customer_wrote(incident_id: int, subject: str = "Printer offline",
                   body: str = "It stopped printing.\nPlease help.") -> t.EmailMessage:
    """An e-mail in on the incident's timeline, as the mailbox stores one."""
    mail = t.EmailMessage.create(
        direction="in", state="filed", message_id="<m1@acme.example>",
        reference_ids="<m0@acme.example>", from_address="raj@acme.example",
        from_name="Raj Patel", to_addresses="support@synergy.example", subject=subject,
        body_text=body, sent_at=dt.datetime(2026, 12, 5, 14, 2, tzinfo=dt.UTC),
        incident=incident_id)
    entry = t.TimelineEntry.create(incident=incident_id, kind=TimelineKind.EMAIL_IN,
                                   text=body, occurred_at=utcnow(), created_at=utcnow())
    t.EmailLink.create(message=mail.id, incident=incident_id, entry=entry.id)
    return mail


def out_rows() -> list[t.EmailMessage]:
    return list(t.EmailMessage.select().where(t.EmailMessage.direction == "out")
                .order_by(t.EmailMessage.id))


def make_due(**changes: Any) -> None:
    t.EmailMessage.update(next_attempt_at=utcnow() - dt.timedelta(seconds=1), **changes).where(
        t.EmailMessage.direction == "out").execute()


def test_an_engineers_reply_reaches_the_customer_threaded_and_is_on_the_timeline(
        engineer: Actor, reception: Actor, product: t.Product, smtp_sink: SmtpSink) -> None:
    use_sink(smtp_sink)
    ref, _ticket = ticket_funded(reception, make_customer(), product)
    customer_wrote(ref.id)
    draft = outbox.draft_reply(engineer, ref.id)
    assert draft.to == "raj@acme.example"
    assert draft.subject == f"Re: Printer offline [{ref.reference}]"
    assert draft.in_reply_to == "<m1@acme.example>"
    assert draft.references == ("<m0@acme.example>", "<m1@acme.example>")
    assert "Eddie at Synergy Support" in draft.body
    assert "On 05/12/2026 14:02 GMT, Raj Patel wrote:\n> It stopped printing." in draft.body
    assert not draft.needs_about_payment

    queued = outbox.send_reply(engineer, ref.id, to=draft.to, subject=draft.subject,
                               body="Try the new driver.\n" + draft.body,
                               in_reply_to=draft.in_reply_to, references=draft.references,
                               files=[OutgoingFile("steps.txt", "text/plain", b"1. Restart")])
    assert queued.incident_reference == ref.reference and "outbox" in queued.notice
    entry = t.TimelineEntry.get_by_id(queued.entry_id)
    assert entry.kind == TimelineKind.EMAIL_OUT.value and entry.incident_id == ref.id
    assert outbox.outbox_counts() == outbox.OutboxCounts(waiting=1, failed=0)

    report = outbox.send_due("desk-1")
    assert (report.sent, report.errors) == (1, ())
    (sent,) = smtp_sink.wait_for(1)
    assert sent["Subject"] == f"Re: Printer offline [{ref.reference}]"
    assert sent["In-Reply-To"] == "<m1@acme.example>"
    assert sent["References"] == "<m0@acme.example> <m1@acme.example>"
    assert sent["From"] == "Synergy Support Ltd <support@synergy.example>"
    assert sent["Auto-Submitted"] is None
    body = sent.get_body(("plain",))
    assert body is not None and "Try the new driver." in body.get_content()
    (attachment,) = list(sent.iter_attachments())
    assert attachment.get_filename() == "steps.txt"
    (row,) = out_rows()
    assert sent["Message-ID"] == row.message_id
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None
    assert outbox.outbox_counts() == outbox.OutboxCounts(waiting=0, failed=0)


def test_a_reply_with_no_e_mail_in_goes_to_the_contact_or_customer(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    t.Customer.update(email="accounts@acme.example").where(
        t.Customer.id == customer.id).execute()
    ref, _ticket = ticket_funded(reception, customer, product)
    draft = outbox.draft_reply(engineer, ref.id)
    assert (draft.to, draft.in_reply_to, draft.references) == ("accounts@acme.example", "", ())
    assert draft.subject == f"Re: Cannot print invoices [{ref.reference}]"


def test_only_engineers_reply_and_an_unfunded_incident_gets_only_payment_mail(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(PermissionDenied):
        outbox.send_reply(reception, ref.id, to="raj@acme.example", subject="Hello", body="Hi")
    assert outbox.draft_reply(engineer, ref.id).needs_about_payment
    with pytest.raises(FundingRequired):
        outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="Fixed",
                          body="Try this.")
    assert out_rows() == []
    outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="Paying for support",
                      body="The fee is £75; here is how to pay.", about_payment=True)
    assert len(out_rows()) == 1
    with pytest.raises(ValidationError, match="card"):
        outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="Card",
                          body="Your card 4111 1111 1111 1111", about_payment=True)


def test_a_failing_server_leaves_the_message_queued_then_it_goes_when_the_server_is_back(
        engineer: Actor, reception: Actor, product: t.Product, smtp_sink: SmtpSink) -> None:
    use_sink(smtp_sink, smtp_port=free_port())  # nothing listens there
    ref, _ticket = ticket_funded(reception, make_customer(), product)
    outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="Fixed", body="Done.")
    report = outbox.send_due("desk-1")
    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    assert "Could not send the e-mail" in report.errors[0]
    (row,) = out_rows()
    assert (row.state, row.attempts) == ("queued", 1)
    assert "Could not send the e-mail" in row.last_error
    assert row.next_attempt_at > utcnow() + dt.timedelta(seconds=30)
    use_sink(smtp_sink)  # the server is back
    assert outbox.send_due("desk-1").sent == 0  # not due yet
    outbox.retry_now(engineer, row.id)
    assert outbox.send_due("desk-1").sent == 1
    assert len(smtp_sink.wait_for(1)) == 1
    assert t.EmailMessage.get_by_id(row.id).state == "sent"


def test_after_the_last_attempt_a_message_is_failed_and_shown(
        engineer: Actor, reception: Actor, manager: Actor, product: t.Product,
        smtp_sink: SmtpSink) -> None:
    use_sink(smtp_sink, smtp_port=free_port())
    ref, _ticket = ticket_funded(reception, make_customer(), product)
    outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="Fixed", body="Done.")
    make_due(attempts=outbox.MAX_ATTEMPTS - 1)
    report = outbox.send_due("desk-1")
    assert report.failed == 1
    (row,) = out_rows()
    assert row.state == "failed" and row.last_error
    assert outbox.outbox_counts() == outbox.OutboxCounts(waiting=0, failed=1)
    (listed,) = outbox.outbox_list()
    assert (listed.state, listed.incident_reference, listed.written_by_name) == (
        "failed", ref.reference, "Eddie Engineer")
    # Only a manager takes mail out of the outbox unsent, as the outbox window offers it.
    with pytest.raises(PermissionDenied):
        outbox.cancel(engineer, row.id)
    assert t.EmailMessage.get_by_id(row.id).state == "failed"
    outbox.cancel(manager, row.id)
    assert t.EmailMessage.get_by_id(row.id).state == "cancelled"
    assert outbox.outbox_list() == []
    with pytest.raises(ValidationError, match="cancelled already"):
        outbox.retry_now(engineer, row.id)


def test_a_recipient_refused_for_good_fails_at_once_with_the_servers_words(
        engineer: Actor, reception: Actor, product: t.Product, smtp_sink: SmtpSink) -> None:
    use_sink(smtp_sink)
    smtp_sink.refuse = "550 5.1.1 No such user here"
    ref, _ticket = ticket_funded(reception, make_customer(), product)
    outbox.send_reply(engineer, ref.id, to="nobody@acme.example", subject="Fixed",
                      body="Done.")
    assert outbox.send_due("desk-1").failed == 1
    (row,) = out_rows()
    assert row.state == "failed" and "No such user here" in row.last_error
    assert row.attempts == 1


def test_two_desks_sending_at_once_send_each_message_once(
        engineer: Actor, reception: Actor, product: t.Product, smtp_sink: SmtpSink) -> None:
    use_sink(smtp_sink)
    ref, _ticket = ticket_funded(reception, make_customer(), product)
    for number in range(6):
        outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject=f"Note {number}",
                          body="Done.")
    start = threading.Barrier(2)
    reports: list[Any] = []

    def desk(name: str) -> None:
        try:
            start.wait()
            reports.append(outbox.send_due(name, limit=10))
        except BaseException as exc:  # reported by the test
            reports.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=desk, args=(f"desk-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [r for r in reports if isinstance(r, BaseException)], reports
    assert sum(r.sent for r in reports) == 6
    smtp_sink.wait_for(6)
    assert sorted(str(m["Subject"]) for m in smtp_sink.messages) == [
        f"Note {n}" for n in range(6)]
    assert {r.state for r in out_rows()} == {"sent"}


def test_a_message_that_cannot_be_put_together_fails_at_once_and_the_rest_still_go(
        engineer: Actor, reception: Actor, product: t.Product, smtp_sink: SmtpSink) -> None:
    use_sink(smtp_sink)
    ref, _ticket = ticket_funded(reception, make_customer(), product)
    bad = outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="First",
                            body="See the file.",
                            files=[OutgoingFile("notes.txt", "text/plain", b"x")])
    # A row already in the outbox with a file name the e-mail package refuses (a line feed).
    t.EmailAttachment.update(filename="notes\nfinal.txt").where(
        t.EmailAttachment.message == bad.email_id).execute()
    outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="Second", body="Hello")
    outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="Third", body="Bye")
    report = outbox.send_due("desk-1")
    assert (report.sent, report.retrying, report.failed) == (2, 0, 1)
    assert report.errors == (t.EmailMessage.get_by_id(bad.email_id).last_error,)
    states = [(row.subject, row.state, row.attempts) for row in out_rows()]
    assert states == [("First", "failed", 1), ("Second", "sent", 1), ("Third", "sent", 1)]
    error = t.EmailMessage.get_by_id(bad.email_id).last_error
    assert error.startswith("The message could not be put together: ")
    assert error.endswith("; nothing was sent.")
    assert sorted(str(m["Subject"]) for m in smtp_sink.wait_for(2)) == ["Second", "Third"]
    assert outbox.send_due("desk-1") == outbox.SendReport()  # never claimed again


def test_a_message_whose_attempts_are_spent_is_failed_not_claimed_again(
        engineer: Actor, reception: Actor, product: t.Product, smtp_sink: SmtpSink) -> None:
    use_sink(smtp_sink)
    ref, _ticket = ticket_funded(reception, make_customer(), product)
    outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="Fixed", body="Done.")
    # A desk stopped half-way through its last attempt: the claim ran out.
    make_due(state="sending", attempts=outbox.MAX_ATTEMPTS, last_error="Timed out",
             claimed_until=utcnow() - dt.timedelta(seconds=1))
    report = outbox.send_due("desk-1")
    assert (report.sent, report.failed) == (0, 1)
    (row,) = out_rows()
    assert (row.state, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert "Timed out" in row.last_error
    assert smtp_sink.messages == []


def test_a_desk_that_lost_its_claim_does_not_mark_the_message(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    ref, _ticket = ticket_funded(reception, make_customer(), product)
    outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="Fixed", body="Done.")
    first = outbox._claim()
    assert first is not None
    # Its claim ran out and another desk claimed the message.
    make_due(claimed_until=utcnow() - dt.timedelta(seconds=1))
    second = outbox._claim()
    assert second is not None and second.version > first.version
    outbox._mark_failed_attempt(first, "late", permanent=True)
    outbox._mark_sent(first)
    (row,) = out_rows()
    assert (row.state, row.last_error, row.attempts) == ("sending", "", 2)
    outbox._mark_sent(second)
    assert out_rows()[0].state == "sent"


def test_a_message_is_claimed_for_longer_than_its_longest_send(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    from synergy_desk.services.office import mailer
    ref, _ticket = ticket_funded(reception, make_customer(), product)
    big = b"\x00" * 2_000_000
    outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject="Log", body="Attached.",
                      files=[OutgoingFile("log.bin", "application/octet-stream", big)])
    before = utcnow()
    claim = outbox._claim()
    assert claim is not None
    (row,) = out_rows()
    mail = outbox._outgoing(claim.email_id)
    size = len(outbox._mime(mailer.smtp_settings(), mail).as_bytes())
    assert row.claimed_until - before >= dt.timedelta(
        seconds=2 * mailer.send_timeout(size) + outbox.CLAIM_SECONDS - 1)


@pytest.mark.slow
def test_two_desks_with_a_short_claim_and_a_slow_server_send_each_message_once(
        engineer: Actor, reception: Actor, product: t.Product, smtp_sink: SmtpSink,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from synergy_desk.services.office import mailer
    use_sink(smtp_sink)
    ref, _ticket = ticket_funded(reception, make_customer(), product)
    for number in range(6):
        outbox.send_reply(engineer, ref.id, to="raj@acme.example", subject=f"Note {number}",
                          body="Done.")
    # Scaled down: a claim margin of 1 s, a time-out of 0.1 s, each send taking 0.4 s.
    monkeypatch.setattr(outbox, "CLAIM_SECONDS", 1)
    monkeypatch.setattr(mailer, "TIMEOUT_SECONDS", 0.1)
    delivered: list[str] = []
    real = mailer.deliver

    def slow(settings: mailer.SmtpSettings, message: Any, fallback: str) -> None:
        time.sleep(0.4)
        real(settings, message, fallback)
        delivered.append(str(message["Subject"]))

    monkeypatch.setattr(mailer, "deliver", slow)
    reports: list[Any] = []

    def desk(name: str, delay: float) -> None:
        try:
            time.sleep(delay)
            reports.append(outbox.send_due(name))
        except BaseException as exc:  # reported by the test
            reports.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=desk, args=("desk-1", 0.0)),
               threading.Thread(target=desk, args=("desk-2", 1.3))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [r for r in reports if isinstance(r, BaseException)], reports
    assert sorted(delivered) == [f"Note {n}" for n in range(6)]
    assert sum(r.sent for r in reports) == 6
    assert len(smtp_sink.wait_for(6)) == 6
    assert {r.state for r in out_rows()} == {"sent"}


PDF = b"%PDF-1.4\n% a receipt\n%%EOF\n"


def _worker_takes_it_first(monkeypatch: pytest.MonkeyPatch, seconds: float) -> list[Any]:
    """The desk's mail worker claims a document the moment it is queued, and its sending
    takes ``seconds``; returns the worker's reports."""
    import time

    from synergy_desk.services.office import mailer
    real_deliver, real_queue = mailer.deliver, outbox._queue_document
    started = threading.Event()
    reports: list[Any] = []

    def slow(settings: mailer.SmtpSettings, message: Any, fallback: str) -> None:
        started.set()
        time.sleep(seconds)
        real_deliver(settings, message, fallback)

    def worker() -> None:
        try:
            reports.append(outbox.send_due("mail-worker"))
        except BaseException as exc:  # reported by the test
            reports.append(exc)
        finally:
            db.close()

    def queue(*args: Any) -> int:
        email_id = real_queue(*args)
        threading.Thread(target=worker).start()
        assert started.wait(10)
        return email_id

    monkeypatch.setattr(mailer, "deliver", slow)
    monkeypatch.setattr(outbox, "_queue_document", queue)
    return reports


def _report_of(reports: list[Any]) -> Any:
    import time
    deadline = time.monotonic() + 10
    while not reports and time.monotonic() < deadline:
        time.sleep(0.05)
    (report,) = reports
    assert not isinstance(report, BaseException), report
    return report


def test_a_document_the_mail_worker_sends_first_is_reported_sent_once(
        office: dict, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> None:
    use_sink(smtp_sink)
    reports = _worker_takes_it_first(monkeypatch, 0.5)
    assert outbox.email_document(None, to="raj@acme.example", subject="Receipt R-000001",
                                 body="Attached.", filename="R-000001.pdf",
                                 pdf=PDF) == "raj@acme.example"
    (row,) = out_rows()
    assert row.state == "sent"  # it went before the document was reported sent
    assert _report_of(reports).sent == 1
    assert len(smtp_sink.wait_for(1)) == 1


def test_a_document_still_being_sent_by_another_desk_is_not_an_error(
        office: dict, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> None:
    use_sink(smtp_sink)
    monkeypatch.setattr(outbox, "SEND_NOW_WAIT_SECONDS", 0.2)
    reports = _worker_takes_it_first(monkeypatch, 1.0)
    assert outbox.email_document(None, to="raj@acme.example", subject="Receipt R-000002",
                                 body="Attached.", filename="R-000002.pdf",
                                 pdf=PDF) == "raj@acme.example"
    assert _report_of(reports).sent == 1
    assert len(smtp_sink.wait_for(1)) == 1


def test_a_document_another_desk_could_not_send_is_reported(
        office: dict, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> None:
    from synergy_desk.services.office.mailer import MailError
    use_sink(smtp_sink)
    smtp_sink.refuse = "550 5.1.1 No such user here"
    reports = _worker_takes_it_first(monkeypatch, 0.3)
    with pytest.raises(MailError, match="No such user here.*marked failed"):
        outbox.email_document(None, to="nobody@acme.example", subject="Receipt R-000003",
                              body="Attached.", filename="R-000003.pdf", pdf=PDF)
    assert _report_of(reports).failed == 1
