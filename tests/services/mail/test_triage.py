"""Sorting e-mail that did not file itself, and the e-mails an incident shows (both engines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from synergy_desk.domain.enums import FundingKind, IncidentStatus, Resolution, TimelineKind
from synergy_desk.domain.errors import ConflictError, NotFound, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor, transaction
from synergy_desk.services.incidents import closing, reshape, work
from synergy_desk.services.mail import inbound, outgoing, triage
from synergy_desk.services.money import funding
from tests.services.incidents.incident_helpers import entries, new_call, pay_for, row
from tests.services.mail.mail_helpers import customer_with_contact, office_mail, raw_mail


@pytest.fixture
def settings(office: dict[str, Any]) -> t.OfficeSettings:
    office_mail(office["settings"])  # type: ignore[arg-type]
    return t.OfficeSettings.get_by_id(office["settings"].id)  # type: ignore[attr-defined]


@pytest.fixture
def acme(settings: t.OfficeSettings) -> tuple[t.Customer, t.Contact]:
    return customer_with_contact()


def arrived(**kwargs: Any) -> triage.MessageDetail:
    return triage.message_detail(inbound.receive(raw_mail(**kwargs)).email_id)


def audited(action: str, email_id: int) -> int:
    return int(t.AuditLog.select().where((t.AuditLog.action == action)
                                         & (t.AuditLog.entity == "email_message")
                                         & (t.AuditLog.entity_id == str(email_id))).count())


def email_entries(incident_id: int) -> list[t.TimelineEntry]:
    return [e for e in entries(incident_id) if e.kind is TimelineKind.EMAIL_IN]


def test_the_list_to_sort_shows_each_message_with_its_customer_and_files(
        acme: tuple[t.Customer, t.Contact]) -> None:
    customer, _ = acme
    first = arrived(subject="Printer offline", files=(("log.txt", "text/plain", b"x"),))
    second = arrived(sender="stranger@gmail.com", subject="Quote for a new licence")
    rows = triage.triage_list()
    assert [r.email_id for r in rows] == [second.email_id, first.email_id]
    mine = rows[1]
    assert (mine.customer_id, mine.customer_label, mine.attachment_count) == (
        customer.id, "Acme Joinery", 1)
    assert mine.from_address == "raj.patel@acme-joinery.co.uk" and mine.state == "triage"
    assert [r.email_id for r in triage.triage_list(text="LICENCE")] == [second.email_id]
    assert [r.email_id for r in triage.triage_list(text="acme-joinery")] == [first.email_id]
    assert triage.triage_list("held") == []
    assert triage.triage_counts() == triage.TriageCounts(2, 0)
    with pytest.raises(ValidationError):
        triage.triage_list("filed")


def test_a_message_in_full_names_the_customers_its_sender_may_be(
        acme: tuple[t.Customer, t.Contact]) -> None:
    customer, contact = acme
    detail = arrived(files=(("setup.exe", "application/octet-stream", b"MZ"),))
    assert detail.direction == "in" and detail.state == "triage" and detail.version == 1
    assert [(c.customer_id, c.contact_id, c.how) for c in detail.candidates] == [
        (customer.id, contact.id, "contact address")]
    assert [(a.filename, a.kept, a.risky) for a in detail.attachments] == [
        ("setup.exe", True, True)]
    assert detail.incidents == []
    with pytest.raises(NotFound):
        triage.message_detail(999_999)


def test_an_incident_made_from_an_email_is_unfunded_and_has_it_on_its_timeline(
        reception: Actor, product: t.Product, acme: tuple[t.Customer, t.Contact]) -> None:
    customer, contact = acme
    detail = arrived(body="The printer says offline.")
    ref = triage.create_incident_from_email(
        reception, detail.email_id, customer_id=customer.id, product_id=product.id,
        subject="Printer offline", contact_id=contact.id, expected_version=detail.version)
    assert ref.status is IncidentStatus.AWAITING_PAYMENT and ref.funding is FundingKind.NONE
    [entry] = email_entries(ref.id)
    assert entry.text.endswith("The printer says offline.")
    after = triage.message_detail(detail.email_id)
    assert after.state == "filed" and after.incidents == [(ref.id, ref.reference)]
    assert after.version == detail.version + 1
    assert audited("email.create_incident", detail.email_id) == 1
    assert triage.triage_list() == []
    # Support work waits for the money like any new incident's.
    with pytest.raises(Exception, match="not funded"):
        work.add_timeline_entry(reception, ref.id, TimelineKind.EMAIL_OUT, "Try this")


def test_an_incident_from_an_email_is_funded_at_once_by_a_contract_that_covers_it(
        manager: Actor, reception: Actor, product: t.Product,
        acme: tuple[t.Customer, t.Contact]) -> None:
    customer, _ = acme
    today = dt.date.today()
    funding.create_contract(manager, customer.id, "SC-1", today - dt.timedelta(days=10),
                            today + dt.timedelta(days=300))
    detail = arrived()
    ref = triage.create_incident_from_email(
        reception, detail.email_id, customer_id=customer.id, product_id=product.id,
        subject="Printer offline", expected_version=detail.version)
    assert ref.funding is FundingKind.CONTRACT
    assert any("covered by contract SC-1" in notice for notice in ref.notices)


def test_one_message_about_two_aspects_makes_two_incidents(
        reception: Actor, product: t.Product, office: dict[str, Any],
        acme: tuple[t.Customer, t.Contact]) -> None:
    customer, _ = acme
    detail = arrived(body="The printer is offline. Also payroll will not open.")
    first = triage.create_incident_from_email(
        reception, detail.email_id, customer_id=customer.id, product_id=product.id,
        subject="Printer offline", another_aspect=True, expected_version=detail.version)
    middle = triage.message_detail(detail.email_id)
    assert middle.state == "triage"
    second = triage.create_incident_from_email(
        reception, detail.email_id, customer_id=customer.id,
        product_id=office["product2"].id, subject="Payroll will not open",  # type: ignore[attr-defined]
        expected_version=middle.version)
    assert first.id != second.id
    assert len(email_entries(first.id)) == 1 and len(email_entries(second.id)) == 1
    final = triage.message_detail(detail.email_id)
    assert final.state == "filed"
    assert final.incidents == [(first.id, first.reference), (second.id, second.reference)]
    assert t.EmailMessage.get_by_id(detail.email_id).incident_id == first.id
    assert audited("email.create_incident", detail.email_id) == 2


def test_putting_an_email_on_a_resolved_incident_reopens_it_without_a_charge(
        engineer: Actor, reception: Actor, product: t.Product,
        acme: tuple[t.Customer, t.Contact]) -> None:
    customer, _ = acme
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    work.start_work(engineer, ref.id)
    closing.resolve(engineer, ref.id, Resolution.SOLUTION, "Driver reinstalled")
    lines, fundings = t.PaymentLine.select().count(), t.IncidentFunding.select().count()
    detail = arrived(subject="It is back")
    result = triage.attach_to_incident(reception, detail.email_id, ref.id,
                                       expected_version=detail.version)
    assert result.status is IncidentStatus.IN_PROGRESS and result.funding is FundingKind.PAYMENT
    assert (t.PaymentLine.select().count(), t.IncidentFunding.select().count()) == (
        lines, fundings)
    assert any("(no new charge)" in e.text for e in entries(ref.id, system=True))
    assert len(email_entries(ref.id)) == 1
    assert triage.message_detail(detail.email_id).state == "filed"
    assert audited("email.attach", detail.email_id) == 1
    again = triage.message_detail(detail.email_id)
    with pytest.raises(ValidationError, match="already"):
        triage.attach_to_incident(reception, detail.email_id, ref.id,
                                  expected_version=again.version)


def test_an_email_is_not_put_on_a_closed_or_merged_incident(
        engineer: Actor, reception: Actor, product: t.Product,
        acme: tuple[t.Customer, t.Contact]) -> None:
    customer, _ = acme
    closed = new_call(reception, customer, product)
    pay_for(reception, customer, closed.id)
    work.start_work(engineer, closed.id)
    closing.close_unresolved(engineer, closed.id, "Cannot reproduce")
    survivor = new_call(reception, customer, product, subject="Survivor")
    merged = new_call(reception, customer, product, subject="Duplicate")
    reshape.merge(engineer, merged.id, survivor.id)
    detail = arrived()
    with pytest.raises(ValidationError, match="closed"):
        triage.attach_to_incident(reception, detail.email_id, closed.id,
                                  expected_version=detail.version)
    with pytest.raises(ValidationError, match="merged into"):
        triage.attach_to_incident(reception, detail.email_id, merged.id,
                                  expected_version=detail.version)
    assert triage.message_detail(detail.email_id).state == "triage"
    assert row(closed.id).status is IncidentStatus.CLOSED


def test_not_support_and_back_to_triage_are_audited(
        reception: Actor, acme: tuple[t.Customer, t.Contact]) -> None:
    detail = arrived(subject="Buy cheap watches")
    with pytest.raises(ValidationError, match="reason"):
        triage.mark_not_support(reception, detail.email_id, "  ",
                                expected_version=detail.version)
    triage.mark_not_support(reception, detail.email_id, "Spam",
                            expected_version=detail.version)
    marked = triage.message_detail(detail.email_id)
    assert marked.state == "not_support" and "Spam" in marked.note
    assert [r.email_id for r in triage.triage_list("not_support")] == [detail.email_id]
    triage.return_to_triage(reception, detail.email_id, expected_version=marked.version)
    assert triage.message_detail(detail.email_id).state == "triage"
    assert audited("email.not_support", detail.email_id) == 1
    assert audited("email.return_to_triage", detail.email_id) == 1


def test_a_held_message_is_sorted_only_after_it_is_released(
        reception: Actor, product: t.Product, settings: t.OfficeSettings,
        acme: tuple[t.Customer, t.Contact]) -> None:
    customer, _ = acme
    office_mail(settings, mail_flood_limit=1)
    inbound.receive(raw_mail(subject="one"))
    held = arrived(subject="two")
    assert held.state == "held"
    assert triage.triage_counts() == triage.TriageCounts(1, 1)
    with pytest.raises(ValidationError, match="held"):
        triage.create_incident_from_email(
            reception, held.email_id, customer_id=customer.id, product_id=product.id,
            subject="Two", expected_version=held.version)
    triage.return_to_triage(reception, held.email_id, expected_version=held.version)
    released = triage.message_detail(held.email_id)
    assert released.state == "triage"
    ref = triage.create_incident_from_email(
        reception, held.email_id, customer_id=customer.id, product_id=product.id,
        subject="Two", expected_version=released.version)
    assert len(email_entries(ref.id)) == 1


def test_a_stale_screen_is_told_and_nothing_changes(
        reception: Actor, engineer: Actor, product: t.Product,
        acme: tuple[t.Customer, t.Contact]) -> None:
    customer, _ = acme
    detail = arrived()
    triage.mark_not_support(engineer, detail.email_id, "Sales", expected_version=detail.version)
    with pytest.raises(ConflictError, match="Eddie Engineer"):
        triage.create_incident_from_email(
            reception, detail.email_id, customer_id=customer.id, product_id=product.id,
            subject="Printer", expected_version=detail.version)
    with pytest.raises(ConflictError):
        triage.return_to_triage(reception, detail.email_id, expected_version=detail.version)
    assert t.Incident.select().count() == 0
    assert triage.message_detail(detail.email_id).state == "not_support"


def test_the_timeline_shows_emails_in_and_out_with_their_files(
        reception: Actor, product: t.Product, acme: tuple[t.Customer, t.Contact]) -> None:
    customer, _ = acme
    ref = new_call(reception, customer, product)
    got = inbound.receive(raw_mail(subject=f"Logs [{ref.reference}]", files=(
        ("../log.txt", "text/plain", b"hello"), ("run.bat", "text/plain", b"@echo"))))
    with transaction():
        sent = outgoing.queue_in_tx(reception, to="raj.patel@acme-joinery.co.uk",
                                    subject="How to pay", body="Here is how.",
                                    incident_id=ref.id, about_payment=True,
                                    files=(outgoing.OutgoingFile("pr.pdf", "application/pdf",
                                                                 b"%PDF"),))
    shown = triage.emails_on_timeline(ref.id)
    assert len(shown) == 2
    by_direction = {e.direction: e for e in shown.values()}
    incoming, out = by_direction["in"], by_direction["out"]
    assert incoming.email_id == got.email_id and incoming.state == "filed"
    assert incoming.from_text == "Raj Patel <raj.patel@acme-joinery.co.uk>"
    assert [(a.filename, a.risky) for a in incoming.attachments] == [
        ("log.txt", False), ("run.bat", True)]
    assert out.email_id == sent.id and out.state == "queued" and out.attempts == 0
    assert out.to_text == "raj.patel@acme-joinery.co.uk"
    assert [a.filename for a in out.attachments] == ["pr.pdf"]
    assert {e.entry_id for e in shown.values()} == set(shown)
    name, content_type, data = triage.attachment_file(incoming.attachments[0].attachment_id)
    assert (name, content_type, data) == ("log.txt", "text/plain", b"hello")
    last = triage.last_email_in(ref.id)
    assert last is not None and last.email_id == got.email_id
    assert triage.last_email_in(new_call(reception, customer, product).id) is None


def test_an_attachment_that_was_not_kept_cannot_be_opened(
        settings: t.OfficeSettings, acme: tuple[t.Customer, t.Contact]) -> None:
    office_mail(settings, mail_attachment_limit_kb=1)
    detail = arrived(files=(("big.pdf", "application/pdf", b"x" * 4096),))
    [info] = detail.attachments
    assert not info.kept
    with pytest.raises(NotFound, match="not kept"):
        triage.attachment_file(info.attachment_id)
    with pytest.raises(NotFound):
        triage.attachment_file(999_999)


def test_everyone_may_sort_mail(manager: Actor, engineer: Actor, reception: Actor,
                                acme: tuple[t.Customer, t.Contact]) -> None:
    for actor in (manager, engineer, reception):
        detail = arrived(subject=f"From {actor.username}")
        triage.mark_not_support(actor, detail.email_id, "Sales",
                                expected_version=detail.version)
    assert len(triage.triage_list("not_support")) == 3
