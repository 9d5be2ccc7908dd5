"""What arrives in the support mailbox, and where it goes (both engines)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from synergy_desk.domain.enums import FundingKind, IncidentStatus, Resolution, TimelineKind
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor, transaction
from synergy_desk.services.incidents import closing, reshape, work
from synergy_desk.services.mail import inbound, outgoing
from tests.services.incidents.incident_helpers import (
    entries,
    new_call,
    pay_for,
    row,
)
from tests.services.mail.mail_helpers import (
    OFFICE,
    customer_with_contact,
    office_mail,
    raw_mail,
    reindex_customer,
)

CARD = "4111 1111 1111 1111"


@pytest.fixture
def settings(office: dict[str, Any]) -> t.OfficeSettings:
    office_mail(office["settings"])  # type: ignore[arg-type]
    return t.OfficeSettings.get_by_id(office["settings"].id)  # type: ignore[attr-defined]


def stored(email_id: int) -> t.EmailMessage:
    return t.EmailMessage.get_by_id(email_id)


def newest(incident: Any) -> t.TimelineEntry:
    """The entry written last (an e-mail is dated as sent, so it may sort before others)."""
    return max(entries(incident), key=lambda e: e.id)


def outbox() -> list[t.EmailMessage]:
    return list(t.EmailMessage.select().where(t.EmailMessage.direction == "out"))


def resolved_incident(engineer: Actor, reception: Actor, customer: t.Customer,
                      product: t.Product) -> int:
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    work.start_work(engineer, ref.id)
    closing.resolve(engineer, ref.id, Resolution.SOLUTION, "Driver reinstalled")
    return ref.id


# --- to triage, and who sent it --------------------------------------------------------------


def test_a_new_message_waits_in_triage_with_its_sender_matched_by_contact_address(
        settings: t.OfficeSettings) -> None:
    customer, contact = customer_with_contact()
    got = inbound.receive(raw_mail(sender="Raj <RAJ.PATEL@acme-joinery.co.uk>"))
    assert got.outcome == "triage" and got.incident_id is None
    message = stored(got.email_id)
    assert message.state == "triage" and message.direction == "in"
    assert message.from_address == "raj.patel@acme-joinery.co.uk"
    assert message.customer_id == customer.id and message.contact_id == contact.id
    assert message.subject == "Printer offline" and message.body_text == "It stopped printing."
    assert t.TimelineEntry.select().count() == 0


def test_a_sender_is_matched_by_domain_but_never_by_a_public_mail_service(
        settings: t.OfficeSettings) -> None:
    customer, _ = customer_with_contact()
    other, _ = customer_with_contact("Bloggs Ltd", "fred.bloggs@gmail.com", "Fred Bloggs")
    by_domain = stored(inbound.receive(
        raw_mail(sender="Ann <ann@acme-joinery.co.uk>")).email_id)
    assert by_domain.customer_id == customer.id and by_domain.contact_id is None
    assert [c.how for c in inbound.sender_candidates("ann@acme-joinery.co.uk")] == ["domain"]
    stranger = stored(inbound.receive(raw_mail(sender="someone.else@gmail.com")).email_id)
    assert stranger.customer_id is None
    assert inbound.sender_candidates("someone.else@gmail.com") == []
    assert inbound.sender_candidates("someone.else@hotmail.co.uk") == []
    exact = inbound.sender_candidates("Fred.Bloggs@gmail.com")
    assert [(c.customer_id, c.how) for c in exact] == [(other.id, "contact address")]


def test_the_customers_own_address_matches_and_a_lookalike_domain_does_not(
        settings: t.OfficeSettings) -> None:
    customer, _ = customer_with_contact()
    t.Customer.update(email="Accounts@Acme-Joinery.co.uk").where(
        t.Customer.id == customer.id).execute()
    reindex_customer(customer.id)
    [own] = inbound.sender_candidates("accounts@acme-joinery.co.uk")
    assert (own.customer_id, own.contact_id, own.how) == (customer.id, None, "contact address")
    assert inbound.sender_candidates("raj@acme-joinery.co.uk.evil.example") == []
    assert inbound.sender_candidates("raj@joinery.co.uk") == []
    assert inbound.sender_candidates("not an address") == []


def test_a_contact_who_has_left_is_not_matched_by_address(settings: t.OfficeSettings) -> None:
    _customer, contact = customer_with_contact()
    t.Contact.update(retired_at=utcnow()).where(t.Contact.id == contact.id).execute()
    reindex_customer(_customer.id)
    matched = inbound.sender_candidates("raj.patel@acme-joinery.co.uk")
    assert all(c.contact_id is None for c in matched)


# --- threading ------------------------------------------------------------------------------


def test_a_reply_with_the_reference_in_its_subject_goes_on_that_incident(
        settings: t.OfficeSettings, reception: Actor, product: t.Product) -> None:
    customer, contact = customer_with_contact()
    ref = new_call(reception, customer, product)
    got = inbound.receive(raw_mail(subject=f"RE: Printer offline [{ref.reference.lower()}]",
                                   body="Still broken."))
    assert (got.outcome, got.incident_id, got.incident_reference) == (
        "filed", ref.id, ref.reference)
    message = stored(got.email_id)
    assert message.state == "filed" and message.incident_id == ref.id
    assert message.contact_id == contact.id
    entry = newest(ref)
    assert entry.kind is TimelineKind.EMAIL_IN
    assert entry.text.startswith("From: Raj Patel <raj.patel@acme-joinery.co.uk>\nSubject: RE:")
    assert entry.text.endswith("\n\nStill broken.")
    link = t.EmailLink.get(t.EmailLink.message == message.id)
    assert (link.incident_id, link.entry_id) == (ref.id, entry.id)


def test_a_reply_to_a_message_the_program_sent_threads_by_in_reply_to(
        settings: t.OfficeSettings, reception: Actor, product: t.Product) -> None:
    customer, _ = customer_with_contact()
    ref = new_call(reception, customer, product)
    other = new_call(reception, customer, product, subject="Another thing")
    with transaction():
        sent = outgoing.queue_in_tx(reception, to="raj.patel@acme-joinery.co.uk",
                                    subject="How to pay", body="Here is how.",
                                    incident_id=ref.id, about_payment=True)
    # The subject names another incident: the headers win.
    got = inbound.receive(raw_mail(subject=f"Re: How to pay [{other.reference}]",
                                   In_Reply_To=sent.message_id))
    assert got.incident_id == ref.id
    by_references = inbound.receive(raw_mail(
        subject="no reference", References=f"<unknown@x.example> {sent.message_id}"))
    assert by_references.incident_id == ref.id


def test_a_reply_to_a_resolved_incident_reopens_it_without_a_charge(
        settings: t.OfficeSettings, engineer: Actor, reception: Actor,
        product: t.Product) -> None:
    customer, _ = customer_with_contact()
    incident_id = resolved_incident(engineer, reception, customer, product)
    reference = row(incident_id).reference
    lines, fundings = t.PaymentLine.select().count(), t.IncidentFunding.select().count()
    payments = t.Payment.select().count()

    got = inbound.receive(raw_mail(subject=f"Re: Printer offline [{reference}]",
                                   body="It is back."))

    assert got.outcome == "reopened" and got.incident_id == incident_id
    incident = row(incident_id)
    assert incident.status is IncidentStatus.IN_PROGRESS
    assert incident.funding is FundingKind.PAYMENT
    assert incident.reopen_count == 1 and incident.resolution is None
    assert (t.PaymentLine.select().count(), t.IncidentFunding.select().count(),
            t.Payment.select().count()) == (lines, fundings, payments)
    texts = [e.text for e in entries(incident_id, system=True)]
    assert any(text.startswith("Re-opened by an e-mail from Raj Patel "
                               "<raj.patel@acme-joinery.co.uk> (no new charge)")
               for text in texts)
    assert newest(incident_id).kind is TimelineKind.EMAIL_IN


def test_the_customers_answer_by_e_mail_puts_an_incident_waiting_on_them_back_to_work(
        settings: t.OfficeSettings, engineer: Actor, reception: Actor,
        product: t.Product) -> None:
    customer, _ = customer_with_contact()
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    work.start_work(engineer, ref.id)
    work.wait_on_customer(engineer, ref.id, "Asked for the log file")

    got = inbound.receive(raw_mail(subject=f"Re: Printer offline [{ref.reference}]",
                                   body="The log is attached."))

    assert got.outcome == "filed"
    incident = row(ref.id)
    assert incident.status is IncidentStatus.IN_PROGRESS
    assert incident.engineer_id == engineer.id
    assert any(e.text == "The customer answered by e-mail; back in progress."
               for e in entries(ref.id, system=True))


def test_an_out_of_office_reply_leaves_an_incident_waiting_on_the_customer(
        settings: t.OfficeSettings, engineer: Actor, reception: Actor,
        product: t.Product) -> None:
    customer, _ = customer_with_contact()
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    work.start_work(engineer, ref.id)
    work.wait_on_customer(engineer, ref.id)

    got = inbound.receive(raw_mail(subject=f"Out of Office: Re: Printer offline "
                                           f"[{ref.reference}]", body="Away until Monday."))

    assert got.outcome == "filed"
    assert row(ref.id).status is IncidentStatus.WAITING_ON_CUSTOMER


def test_a_reply_to_a_closed_unresolved_incident_waits_in_triage_saying_which(
        settings: t.OfficeSettings, engineer: Actor, reception: Actor,
        product: t.Product) -> None:
    customer, _ = customer_with_contact()
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    work.start_work(engineer, ref.id)
    closing.close_unresolved(engineer, ref.id, "Cannot reproduce")
    got = inbound.receive(raw_mail(subject=f"Re: [{ref.reference}]"))
    assert got.outcome == "triage"
    message = stored(got.email_id)
    assert ref.reference in message.note and "not re-opened" in message.note
    assert row(ref.id).status is IncidentStatus.CLOSED
    assert t.EmailLink.select().count() == 0


def test_a_reply_to_an_out_of_remit_incident_is_not_reopened(
        settings: t.OfficeSettings, manager: Actor, reception: Actor,
        product: t.Product) -> None:
    customer, _ = customer_with_contact()
    ref = new_call(reception, customer, product)
    closing.out_of_remit(manager, ref.id, "Wants a custom report written")
    got = inbound.receive(raw_mail(subject=f"Re: [{ref.reference}]"))
    assert got.outcome == "triage" and "out of remit" in stored(got.email_id).note


def test_mail_for_a_merged_incident_goes_to_the_one_it_was_merged_into(
        settings: t.OfficeSettings, engineer: Actor, reception: Actor,
        product: t.Product) -> None:
    customer, _ = customer_with_contact()
    first = new_call(reception, customer, product)
    second = new_call(reception, customer, product, subject="Same again")
    third = new_call(reception, customer, product, subject="And again")
    reshape.merge(engineer, third.id, second.id)
    reshape.merge(engineer, second.id, first.id)
    got = inbound.receive(raw_mail(subject=f"Re: [{third.reference}]"))
    assert got.outcome == "filed" and got.incident_id == first.id
    assert newest(first).kind is TimelineKind.EMAIL_IN


# --- stored once ----------------------------------------------------------------------------


def test_the_same_message_received_twice_is_stored_once(settings: t.OfficeSettings) -> None:
    raw = raw_mail(message_id="<once@acme-joinery.co.uk>")
    first = inbound.receive(raw, uid_validity=7, uid=1)
    again = inbound.receive(raw, uid_validity=7, uid=2)
    assert first.outcome == "triage"
    assert (again.outcome, again.email_id) == ("duplicate", first.email_id)
    assert t.EmailMessage.select().count() == 1
    # The same numbers in another folder or on another server (UIDVALIDITY is only unique
    # within one folder) name a different message: it is stored, never taken for this one.
    other = inbound.receive(raw_mail(message_id="<other@acme-joinery.co.uk>"),
                            uid_validity=7, uid=1)
    assert other.outcome == "triage" and other.email_id != first.email_id
    assert t.EmailMessage.select().count() == 2
    # A message with no Message-ID is known by its content when it is fetched again.
    bare = raw_mail(message_id="<x@y>").replace(b"Message-ID: <x@y>\n", b"")
    assert b"Message-ID" not in bare
    assert inbound.receive(bare, uid_validity=7, uid=3).outcome == "triage"
    assert inbound.receive(bare, uid_validity=8, uid=1).outcome == "duplicate"
    assert inbound.receive(b"  \r\n").outcome == "ignored"


def test_two_desks_receiving_the_same_messages_at_once_store_each_once(
        settings: t.OfficeSettings, reception: Actor, product: t.Product) -> None:
    customer, _ = customer_with_contact()
    ref = new_call(reception, customer, product)
    raws = [raw_mail(message_id=f"<race-{n}@acme-joinery.co.uk>",
                     subject=f"Re: [{ref.reference}]" if n % 2 else "New question")
            for n in range(6)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []
    outcomes: list[str] = []

    def desk() -> None:
        try:
            start.wait(timeout=30)
            for uid, raw in enumerate(raws, start=1):
                outcomes.append(inbound.receive(raw, uid_validity=1, uid=uid).outcome)
        except BaseException as exc:  # noqa: BLE001 - handed to the test, not hidden
            failures.append(exc)

    desks = [threading.Thread(target=desk) for _ in range(2)]
    for thread in desks:
        thread.start()
    for thread in desks:
        thread.join(120)
    assert failures == []
    assert outcomes.count("duplicate") == len(raws)
    assert t.EmailMessage.select().count() == len(raws)
    assert t.EmailLink.select().count() == 3
    assert len([e for e in entries(ref) if e.kind is TimelineKind.EMAIL_IN]) == 3


# --- loops, floods and acknowledgements ------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {"Auto_Submitted": "auto-replied"},
    {"Precedence": "bulk"},
    {"Precedence": "junk"},
    {"Precedence": "list"},
    {"X_Autoreply": "yes"},
    {"X_Autorespond": "yes"},
    {"List_Id": "<news.acme-joinery.co.uk>"},
    {"Return_Path": "<>"},
    {"subject": "Out of Office: Printer offline"},
    {"subject": "Automatic reply: Printer offline"},
    {"sender": "MAILER-DAEMON@mail.acme-joinery.co.uk"},
    {"sender": "noreply@acme-joinery.co.uk"},
    {"sender": OFFICE},
])
def test_an_auto_reply_or_the_offices_own_mail_is_never_acknowledged(
        settings: t.OfficeSettings, headers: dict[str, str]) -> None:
    office_mail(settings, mail_acknowledge=True)
    got = inbound.receive(raw_mail(**headers))
    assert got.outcome == "triage"
    assert outbox() == []


def test_a_persons_message_in_triage_is_acknowledged_once_and_the_answer_not_again(
        settings: t.OfficeSettings) -> None:
    office_mail(settings, mail_acknowledge=True, company_name="Synergy Support Ltd")
    raw = raw_mail(message_id="<ask@acme-joinery.co.uk>")
    inbound.receive(raw)
    [ack] = outbox()
    assert ack.auto_reply and ack.state == "queued"
    assert ack.to_addresses == "raj.patel@acme-joinery.co.uk"
    assert ack.in_reply_to == "<ask@acme-joinery.co.uk>"
    assert ack.subject == "Re: Printer offline"
    # The acknowledgement comes back into the mailbox (a copy, or bounced by a loop).
    assert inbound.receive(raw).outcome == "duplicate"
    echo = raw_mail(sender=OFFICE, subject=ack.subject, message_id=ack.message_id,
                    Auto_Submitted="auto-replied")
    assert inbound.receive(echo).outcome == "duplicate"
    bounced = raw_mail(sender="Acme Helpdesk <help@acme-joinery.co.uk>",
                       subject="Automatic reply: Re: Printer offline",
                       In_Reply_To=ack.message_id, Auto_Submitted="auto-replied")
    assert inbound.receive(bounced).outcome == "triage"
    assert len(outbox()) == 1


def test_a_sender_is_acknowledged_at_most_once_a_day_however_much_they_write(
        settings: t.OfficeSettings) -> None:
    # Twenty offers from one sender, each under the flood limit, must not make twenty
    # acknowledgements: one answer a day per address, as automatic answers should be.
    office_mail(settings, mail_acknowledge=True)
    for n in range(5):
        assert inbound.receive(raw_mail(subject=f"Offer number {n}",
                                        message_id=f"<offer{n}@acme-joinery.co.uk>")
                               ).outcome == "triage"
    [ack] = outbox()
    assert ack.in_reply_to == "<offer0@acme-joinery.co.uk>"
    # A day later the next message is acknowledged again.
    t.EmailMessage.update(received_at=utcnow() - dt.timedelta(days=1, minutes=1)).execute()
    inbound.receive(raw_mail(subject="Another question", message_id="<q2@acme-joinery.co.uk>"))
    assert len(outbox()) == 2


def test_nothing_is_acknowledged_when_the_office_has_it_off(settings: t.OfficeSettings) -> None:
    inbound.receive(raw_mail())
    assert outbox() == []


def test_a_flooding_sender_is_held_and_nothing_comes_of_it(
        settings: t.OfficeSettings, engineer: Actor, reception: Actor,
        product: t.Product) -> None:
    office_mail(settings, mail_flood_limit=3, mail_acknowledge=True)
    customer, _ = customer_with_contact()
    incident_id = resolved_incident(engineer, reception, customer, product)
    reference = row(incident_id).reference
    outcomes = [inbound.receive(raw_mail(subject=f"Spam {n}")).outcome for n in range(3)]
    assert outcomes == ["triage"] * 3
    held = inbound.receive(raw_mail(subject=f"Re: [{reference}]"))
    assert held.outcome == "held" and held.incident_id is None
    assert "more than 3 messages within an hour" in stored(held.email_id).note
    assert row(incident_id).status is IncidentStatus.RESOLVED
    assert len(outbox()) == 1  # the first was acknowledged (once a day a sender), the held one not
    other = inbound.receive(raw_mail(sender="ann@acme-joinery.co.uk"))
    assert other.outcome == "triage"


def test_an_auto_reply_goes_on_an_open_incident_but_never_reopens_a_resolved_one(
        settings: t.OfficeSettings, engineer: Actor, reception: Actor,
        product: t.Product) -> None:
    customer, _ = customer_with_contact()
    open_one = new_call(reception, customer, product)
    got = inbound.receive(raw_mail(subject=f"Out of Office: Re: [{open_one.reference}]"))
    assert got.outcome == "filed" and stored(got.email_id).auto_reply
    incident_id = resolved_incident(engineer, reception, customer, product)
    reference = row(incident_id).reference
    away = inbound.receive(raw_mail(subject=f"Automatic reply: Re: [{reference}]"))
    assert away.outcome == "triage"
    assert reference in stored(away.email_id).note
    assert row(incident_id).status is IncidentStatus.RESOLVED


# --- what is kept ---------------------------------------------------------------------------


def test_a_card_number_in_the_subject_and_body_is_masked_everywhere(
        settings: t.OfficeSettings, reception: Actor, product: t.Product,
        office: dict[str, Any]) -> None:
    customer, _ = customer_with_contact()
    ref = new_call(reception, customer, product)
    got = inbound.receive(raw_mail(sender=f"Raj {CARD} <raj.patel@acme-joinery.co.uk>",
                                   subject=f"Card {CARD} [{ref.reference}]",
                                   body=f"Please charge {CARD} expiry 12/29.",
                                   files=((f"card {CARD}.txt", "text/plain", b"x"),)))
    message = stored(got.email_id)
    assert message.masked
    assert "1111" in message.body_text and "4111 1111 1111 1111" not in message.body_text
    digits = "4111111111111111"
    database = t.EmailMessage._meta.database
    for table, columns in (("email_message", ("subject", "body_text", "note", "from_name")),
                           ("timeline_entry", ("text",)), ("email_attachment", ("filename",)),
                           ("incident_search", ("body",))):
        for column in columns:
            for (value,) in database.execute_sql(f"SELECT {column} FROM {table}").fetchall():
                plain = "".join(ch for ch in str(value) if ch.isdigit())
                assert digits not in plain, (table, column, value)


def test_an_html_only_message_reads_as_text_without_tags_or_remote_content(
        settings: t.OfficeSettings) -> None:
    got = inbound.receive(raw_mail(html=(
        "<html><head><style>b {color: red}</style></head><body><p>Dear <b>support</b>,</p>"
        "<img src='https://tracker.example/open.gif'><script>steal()</script>"
        "<p>The printer is offline.</p></body></html>")))
    body = stored(got.email_id).body_text
    assert "Dear support," in body and "The printer is offline." in body
    for unwanted in ("<", "tracker.example", "steal", "color"):
        assert unwanted not in body


def test_attachments_over_the_limit_are_listed_not_kept(
        settings: t.OfficeSettings, reception: Actor, product: t.Product) -> None:
    office_mail(settings, mail_attachment_limit_kb=10)
    customer, _ = customer_with_contact()
    ref = new_call(reception, customer, product)
    got = inbound.receive(raw_mail(subject=f"Logs [{ref.reference}]", files=(
        ("small.txt", "text/plain", b"a" * 4096),
        ("big.bin", "application/octet-stream", b"b" * 8192),
        ("fits.png", "image/png", b"c" * 5000))))
    rows = list(t.EmailAttachment.select().where(t.EmailAttachment.message == got.email_id)
                .order_by(t.EmailAttachment.position))
    assert [(r.filename, r.size_bytes, r.data is not None) for r in rows] == [
        ("small.txt", 4096, True), ("big.bin", 8192, False), ("fits.png", 5000, True)]
    assert bytes(rows[0].data) == b"a" * 4096
    text = newest(ref).text
    assert ("Attachments: small.txt (4 KB), big.bin (not kept: over the limit), "
            "fits.png (5 KB)") in text


def test_a_very_long_body_is_cut_saying_how_long_it_was(settings: t.OfficeSettings) -> None:
    got = inbound.receive(raw_mail(body="word " * 10_000))
    body = stored(got.email_id).body_text
    assert len(body) < 20_100
    assert body.endswith("[… the rest of this message was not kept: it is 49 KB long]")


def test_the_entry_is_dated_as_sent_unless_the_date_is_implausible(
        settings: t.OfficeSettings, reception: Actor, product: t.Product) -> None:
    customer, _ = customer_with_contact()
    ref = new_call(reception, customer, product)
    sent = (utcnow() - dt.timedelta(hours=3)).replace(microsecond=0)
    inbound.receive(raw_mail(subject=f"[{ref.reference}]", date=sent.replace(tzinfo=dt.UTC)))
    assert newest(ref).occurred_at == sent
    future = utcnow() + dt.timedelta(days=2)
    before = utcnow()
    inbound.receive(raw_mail(subject=f"[{ref.reference}] again",
                             date=future.replace(tzinfo=dt.UTC)))
    last = newest(ref)
    assert before - dt.timedelta(seconds=1) <= last.occurred_at <= utcnow()


# --- what a stranger's or a machine's mail may not do ----------------------------------------


def test_a_stranger_naming_an_incident_in_the_subject_reopens_and_reads_nothing(
        settings: t.OfficeSettings, engineer: Actor, reception: Actor,
        product: t.Product) -> None:
    customer, _ = customer_with_contact()
    incident_id = resolved_incident(engineer, reception, customer, product)
    reference = row(incident_id).reference
    before = t.TimelineEntry.select().where(t.TimelineEntry.incident == incident_id).count()

    got = inbound.receive(raw_mail(sender="Mallory <mallory@evil.example>",
                                   subject=f"Re: [{reference}] please send the licence file"))

    assert got.outcome == "triage" and got.incident_id is None
    assert row(incident_id).status is IncidentStatus.RESOLVED
    assert t.TimelineEntry.select().where(t.TimelineEntry.incident == incident_id).count() \
        == before
    message = stored(got.email_id)
    assert message.customer_id is None and message.incident_id is None
    assert message.note.startswith(f"Names {reference} in its subject, but "
                                   "mallory@evil.example is not an address of")


def test_the_customers_answer_on_an_unfunded_incident_waits_for_payment_not_work(
        settings: t.OfficeSettings, engineer: Actor, reception: Actor,
        product: t.Product) -> None:
    customer, _ = customer_with_contact()
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    work.start_work(engineer, ref.id)
    work.wait_on_customer(engineer, ref.id)
    # The payment handed back while it waited (the refund leaves it waiting, unfunded).
    t.Incident.update(funding=FundingKind.NONE).where(t.Incident.id == ref.id).execute()

    inbound.receive(raw_mail(subject=f"Re: [{ref.reference}]", body="Here is the log."))

    assert row(ref.id).status is IncidentStatus.AWAITING_PAYMENT
    assert any(e.text == "The customer answered by e-mail; awaiting payment before work "
                         "resumes." for e in entries(ref.id, system=True))


def test_an_answer_to_the_offices_acknowledgement_is_never_answered_again(
        settings: t.OfficeSettings) -> None:
    # Another help desk answering ours without saying it is automatic: no ping-pong.
    office_mail(settings, mail_acknowledge=True)
    inbound.receive(raw_mail(sender="Desk <desk@other-helpdesk.example>",
                             message_id="<q1@other-helpdesk.example>"))
    [ack] = outbox()
    t.EmailMessage.update(received_at=utcnow() - dt.timedelta(days=2)).execute()
    got = inbound.receive(raw_mail(sender="Desk <desk@other-helpdesk.example>",
                                   subject="Re: Re: Printer offline",
                                   In_Reply_To=ack.message_id))
    assert got.outcome == "triage"
    assert outbox() == [ack]


def test_a_sender_at_a_big_uk_mail_service_is_not_matched_by_its_domain(
        settings: t.OfficeSettings) -> None:
    customer_with_contact(email="jo.bloggs@ntlworld.com", contact="Jo Bloggs")
    got = inbound.receive(raw_mail(sender="Someone <someone.else@ntlworld.com>"))
    assert stored(got.email_id).customer_id is None


def test_card_numbers_in_text_files_and_forwarded_mail_are_masked_before_they_are_kept(
        settings: t.OfficeSettings) -> None:
    import email
    import email.policy

    forwarded = email.message_from_bytes(
        raw_mail(sender="Ann <ann@acme-joinery.co.uk>", subject="Card details",
                 body=f"My card is {CARD}."), policy=email.policy.default)
    outer = email.message_from_bytes(raw_mail(files=(
        ("details.txt", "text/plain", f"card: {CARD}\n".encode()),
        ("photo.png", "image/png", b"\x89PNG not a card"))), policy=email.policy.default)
    outer.add_attachment(forwarded, filename="message.eml")  # type: ignore[attr-defined]
    got = inbound.receive(outer.as_bytes())
    message = stored(got.email_id)
    assert message.masked
    files = {a.filename: bytes(a.data).decode("utf-8", "replace") for a in
             t.EmailAttachment.select().where(t.EmailAttachment.message == message.id)}
    assert set(files) == {"details.txt", "message.txt", "photo.png"}
    assert "1111" in files["details.txt"]
    for name, text in files.items():
        assert "4111111111111111" not in "".join(ch for ch in text if ch.isdigit()), name
    assert files["message.txt"].startswith(
        "From: Ann <ann@acme-joinery.co.uk>\nSubject: Card details")
