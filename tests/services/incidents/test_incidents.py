"""Incidents: logging calls, funding before work, splitting, merging, resolving, re-opening.

The helpers at the top are shared by the other incident tests, which import them from here.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from synergy_desk.domain.enums import (
    EscalationStatus,
    FundingKind,
    IncidentStatus,
    PaymentMethod,
    Priority,
    Resolution,
    TimelineKind,
)
from synergy_desk.domain.errors import (
    ConflictError,
    FundingRequired,
    NotFound,
    ValidationError,
)
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import closing, intake, registers, reshape, work
from synergy_desk.services.incidents.changes import IncidentRef
from synergy_desk.services.incidents.closing import EscalationInput
from synergy_desk.services.incidents.detail import incident_detail
from synergy_desk.services.incidents.intake import LogCallInput
from synergy_desk.services.money import funding, payments, tickets

CARD = "4111 1111 1111 1111"

# --- shared helpers ---

_codes = itertools.count(1)


def make_customer(name: str = "Acme Joinery") -> t.Customer:
    return t.Customer.create(account_code=f"T{next(_codes):06d}", name=name,
                             address="2 Mill Lane\nYork", postcode="YO1 7HH")


def new_call(actor: Actor, customer: t.Customer, product: t.Product,
             subject: str = "Cannot print invoices", text: str = "Prints blank pages",
             duration: int = 120, **extra: object) -> IncidentRef:
    return intake.log_call(actor, LogCallInput(
        customer_id=customer.id, product_id=product.id, subject=subject, text=text,
        duration_seconds=duration, **extra))  # type: ignore[arg-type]


def buy_ticket(actor: Actor, customer: t.Customer, size: int = 10) -> int:
    """Sell the customer a season ticket; returns its id."""
    receipt = payments.take_payment(actor, payments.PaymentRequest(
        customer_id=customer.id, ticket_size=size, method=PaymentMethod.CASH,
        tendered_pence=1_000_000))
    ticket_id = receipt.lines[-1].ticket_id
    assert ticket_id is not None
    return ticket_id


def pay_for(actor: Actor, customer: t.Customer, *incident_ids: int) -> payments.ReceiptInfo:
    return payments.take_payment(actor, payments.PaymentRequest(
        customer_id=customer.id, incident_ids=tuple(incident_ids), method=PaymentMethod.CASH,
        tendered_pence=1_000_000))


def ticket_funded(actor: Actor, customer: t.Customer, product: t.Product,
                  subject: str = "Cannot print invoices") -> tuple[IncidentRef, int]:
    """A new incident funded from a (new, if need be) season ticket; returns it and the ticket."""
    live = tickets.live_tickets(customer.id, utcnow())
    ticket_id = live[0][0].id if live else buy_ticket(actor, customer)
    ref = new_call(actor, customer, product, subject=subject)
    funding.fund_from_ticket(actor, ref.id)
    return ref, ticket_id


def in_progress(engineer: Actor, reception: Actor, customer: t.Customer,
                product: t.Product, subject: str = "Cannot print invoices") -> IncidentRef:
    ref, _ = ticket_funded(reception, customer, product, subject)
    return work.start_work(engineer, ref.id)


def row(ref: IncidentRef | int) -> t.Incident:
    return t.Incident.get_by_id(ref if isinstance(ref, int) else ref.id)


def entries(ref: IncidentRef | int, *, system: bool = False) -> list[t.TimelineEntry]:
    incident_id = ref if isinstance(ref, int) else ref.id
    query = t.TimelineEntry.select().where(t.TimelineEntry.incident == incident_id)
    if not system:
        query = query.where(t.TimelineEntry.kind != TimelineKind.SYSTEM)
    return list(query.order_by(t.TimelineEntry.occurred_at, t.TimelineEntry.id))


def searchable(incident_id: int) -> str:
    param = "?" if db.obj.__class__.__name__.startswith("Sqlite") else "%s"
    cursor = db.execute_sql(f"SELECT body FROM incident_search WHERE rowid = {param}",
                            (incident_id,))
    found = cursor.fetchone()
    return found[0] if found else ""


# --- logging calls ---


def test_log_call_opens_an_unfunded_incident_with_the_call_on_its_timeline(
        reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product, text="Blank pages since the update",
                   duration=300, priority=Priority.HIGH, product_version="12.4")
    assert ref.reference == "INC-000001"
    assert ref.status is IncidentStatus.AWAITING_PAYMENT
    assert ref.funding is FundingKind.NONE
    incident = row(ref)
    assert incident.customer_id == customer.id and incident.priority is Priority.HIGH
    [call] = entries(ref)
    assert call.kind is TimelineKind.PHONE_IN
    assert call.duration_seconds == 300
    assert call.text == "Blank pages since the update"
    assert call.author_id == reception.id
    counted = (t.IncidentCount.select().where(
        (t.IncidentCount.status == IncidentStatus.AWAITING_PAYMENT)
        & (t.IncidentCount.product_id == product.id)).get())
    assert counted.count == 1
    assert "Blank pages since the update" in searchable(ref.id)
    assert t.AuditLog.select().where((t.AuditLog.entity == "incident")
                                     & (t.AuditLog.action == "incident.create")).count() == 1


def test_a_second_call_continues_the_same_incident(reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    first = new_call(reception, customer, product)
    again = intake.log_call(reception, LogCallInput(
        customer_id=customer.id, incident_id=first.id, text="Still blank", duration_seconds=60))
    assert again.id == first.id
    assert [e.text for e in entries(first)] == ["Prints blank pages", "Still blank"]
    assert t.Incident.select().count() == 1


def test_a_call_cannot_continue_another_customers_incident(reception: Actor,
                                                           product: t.Product) -> None:
    theirs = new_call(reception, make_customer("Bravo Ltd"), product)
    with pytest.raises(ValidationError, match="another customer"):
        intake.log_call(reception, LogCallInput(
            customer_id=make_customer("Charlie Ltd").id, incident_id=theirs.id, text="Hello"))
    assert len(entries(theirs)) == 1


@pytest.mark.parametrize("subject", ["", "   ", "x" * 201])
def test_a_new_incident_needs_a_one_line_subject(reception: Actor, product: t.Product,
                                                 subject: str) -> None:
    with pytest.raises(ValidationError) as caught:
        new_call(reception, make_customer(), product, subject=subject)
    assert caught.value.field == "subject"
    assert t.Incident.select().count() == 0


def test_a_call_on_a_resolved_incident_reopens_it_with_no_new_charge(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    ref, ticket_id = ticket_funded(reception, customer, product)
    work.start_work(engineer, ref.id)
    closing.resolve(engineer, ref.id, Resolution.SOLUTION, "Reinstalled the printer driver")
    balance = tickets.balance(ticket_id)
    receipts = t.Payment.select().count()

    again = intake.log_call(reception, LogCallInput(
        customer_id=customer.id, incident_id=ref.id, text="Blank again", duration_seconds=30))

    assert again.status is IncidentStatus.IN_PROGRESS
    assert again.funding is FundingKind.TICKET
    assert any("re-opened" in n for n in again.notices)
    incident = row(ref)
    assert incident.reopen_count == 1 and incident.resolution is None
    assert tickets.balance(ticket_id) == balance
    assert t.Payment.select().count() == receipts


def test_a_call_on_a_closed_incident_is_refused(engineer: Actor, reception: Actor,
                                                product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    closing.close_unresolved(engineer, ref.id, "Customer never paid")
    with pytest.raises(ValidationError, match="closed"):
        intake.log_call(reception, LogCallInput(customer_id=customer.id,
                                                   incident_id=ref.id, text="Hello?"))


def test_a_new_incident_of_a_contract_customer_is_funded_at_once(
        manager: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    today = dt.date.today()
    funding.create_contract(manager, customer.id, "SC-12", today - dt.timedelta(days=30),
                            today + dt.timedelta(days=300))
    ref = new_call(reception, customer, product)
    assert ref.funding is FundingKind.CONTRACT
    assert ref.status is IncidentStatus.QUEUED
    assert any("SC-12" in n for n in ref.notices)
    assert row(ref).contract_id is not None


def test_a_card_number_in_the_call_notes_is_masked_and_never_stored(
        reception: Actor, product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product,
                   text=f"Wanted to pay with {CARD} over the phone")
    [call] = entries(ref)
    assert "4111 1111 1111 1111" not in call.text and "4111111111111111" not in call.text
    assert "1111]" in call.text
    assert any("masked" in n for n in ref.notices)
    assert "4111 1111 1111 1111" not in searchable(ref.id)


def test_a_card_number_in_the_subject_is_refused(reception: Actor, product: t.Product) -> None:
    with pytest.raises(ValidationError, match="card number"):
        new_call(reception, make_customer(), product, subject=f"Card {CARD} declined")


# --- the timeline ---


def test_a_card_number_in_a_timeline_entry_is_masked(reception: Actor,
                                                     product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    result = work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE,
                                          f"Customer read out {CARD} — told them not to")
    assert result.masked is True
    assert "masked" in result.message
    stored = t.TimelineEntry.get_by_id(result.entry_id).text
    assert "4111 1111 1111 1111" not in stored
    assert stored.startswith("Customer read out [card")


def test_a_plain_timeline_entry_is_not_reported_as_masked(engineer: Actor,
                                                          reception: Actor,
                                                          product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    before = row(ref)
    result = work.add_timeline_entry(engineer, ref.id, TimelineKind.EMAIL_OUT,
                                          "Sent the driver link", occurred_at=utcnow())
    assert result.masked is False and result.message == ""
    after = row(ref)
    # An entry is appended, not an edit: nobody's open copy of the incident goes stale.
    assert after.version == before.version
    assert after.last_activity_at >= before.last_activity_at
    assert "Sent the driver link" in searchable(ref.id)


@pytest.mark.parametrize("kind", [TimelineKind.PHONE_IN, TimelineKind.PHONE_OUT,
                                  TimelineKind.NOTE])
def test_reception_may_log_calls_and_notes(reception: Actor, product: t.Product,
                                           kind: TimelineKind) -> None:
    ref = new_call(reception, make_customer(), product)
    work.add_timeline_entry(reception, ref.id, kind, "Rang back", duration_seconds=45)
    assert entries(ref)[-1].kind is kind


def test_events_cannot_be_typed_onto_a_timeline(engineer: Actor, reception: Actor,
                                                product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(ValidationError):
        work.add_timeline_entry(engineer, ref.id, TimelineKind.SYSTEM, "Resolved!")


@pytest.mark.parametrize("duration", [-1, 24 * 60 * 60 + 1])
def test_a_call_duration_must_be_sensible(reception: Actor, product: t.Product,
                                          duration: int) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(ValidationError):
        work.add_timeline_entry(reception, ref.id, TimelineKind.PHONE_IN, "Call",
                                     duration_seconds=duration)


def test_a_timeline_entry_cannot_be_dated_in_the_future(reception: Actor,
                                                       product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(ValidationError, match="future"):
        work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE, "Later",
                                     occurred_at=utcnow() + dt.timedelta(hours=2))


# --- paid before support ---


def test_starting_an_unfunded_incident_raises_funding_required(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(FundingRequired, match=f"{ref.reference} is not funded"):
        work.start_work(engineer, ref.id)
    incident = row(ref)
    assert incident.status is IncidentStatus.AWAITING_PAYMENT
    assert incident.work_started_at is None and incident.engineer_id is None


def test_once_funded_the_incident_starts_and_is_taken_by_the_engineer(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    assert row(ref).status is IncidentStatus.QUEUED
    started = work.start_work(engineer, ref.id)
    assert started.status is IncidentStatus.IN_PROGRESS
    incident = row(ref)
    assert incident.engineer_id == engineer.id
    assert incident.work_started_at is not None
    assert entries(ref, system=True)[-1].text.startswith("Work started by Eddie Engineer")


def test_waiting_on_the_customer_then_resuming(engineer: Actor, reception: Actor,
                                               product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    waiting = work.wait_on_customer(engineer, ref.id, "Asked for the error log")
    assert waiting.status is IncidentStatus.WAITING_ON_CUSTOMER
    resumed = work.resume(engineer, ref.id)
    assert resumed.status is IncidentStatus.IN_PROGRESS
    assert "resumed" in entries(ref, system=True)[-1].text


def test_starting_twice_is_refused(engineer: Actor, reception: Actor,
                                   product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    with pytest.raises(ValidationError, match="already in progress"):
        work.start_work(engineer, ref.id)


def test_assigning_and_claiming(engineer: Actor, reception: Actor, product: t.Product,
                                office: dict[str, object]) -> None:
    erin: Actor = office["engineer2"]  # type: ignore[assignment]
    ref = new_call(reception, make_customer(), product)
    assigned = work.assign(engineer, ref.id, erin.id)
    assert row(ref).engineer_id == erin.id
    claimed = work.claim(engineer, ref.id, expected_version=assigned.version)
    assert row(ref).engineer_id == engineer.id
    with pytest.raises(ConflictError):
        work.assign(engineer, ref.id, None, expected_version=assigned.version)
    work.assign(engineer, ref.id, None, expected_version=claimed.version)
    assert row(ref).engineer_id is None


def test_only_engineers_and_managers_can_hold_incidents(engineer: Actor, reception: Actor,
                                                        product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(ValidationError, match="reception"):
        work.assign(engineer, ref.id, reception.id)


def test_taking_an_in_progress_incident_off_everyone_puts_it_back_in_the_queue(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    assert work.assign(engineer, ref.id, None).status is IncidentStatus.QUEUED


# --- optimistic locking ---


def test_a_stale_edit_names_who_changed_what_and_overwrites_nothing(
        engineer: Actor, reception: Actor, product: t.Product,
        office: dict[str, object]) -> None:
    erin: Actor = office["engineer2"]  # type: ignore[assignment]
    ref = new_call(reception, make_customer(), product, description="First words")
    opened_version = ref.version  # both engineers open the incident now

    intake.edit_incident(erin, ref.id, opened_version, subject="Blank invoices on HP")
    with pytest.raises(ConflictError) as caught:
        intake.edit_incident(engineer, ref.id, opened_version,
                                description="My better description")

    error = caught.value
    assert "Erin Engineer" in error.message and "subject" in error.message
    assert error.changed_by == "Erin Engineer"
    assert error.changes["subject"] == ("Cannot print invoices", "Blank invoices on HP")
    incident = row(ref)
    assert incident.subject == "Blank invoices on HP"
    assert incident.description == "First words"
    assert incident.version == opened_version + 1


def test_an_edit_with_the_current_version_saves(reception: Actor, product: t.Product,
                                                office: dict[str, object]) -> None:
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    ref = new_call(reception, make_customer(), product)
    saved = intake.edit_incident(reception, ref.id, ref.version, product_id=payroll.id,
                                    priority="urgent", product_version="8.1")
    assert saved.version == ref.version + 1
    incident = row(ref)
    assert (incident.product_id, incident.priority, incident.product_version) == (
        payroll.id, Priority.URGENT, "8.1")
    # The kept counts follow the product.
    assert t.IncidentCount.get((t.IncidentCount.product_id == payroll.id)
                               & (t.IncidentCount.status == ref.status)).count == 1
    assert t.IncidentCount.get((t.IncidentCount.product_id == product.id)
                               & (t.IncidentCount.status == ref.status)).count == 0


def test_a_module_must_belong_to_the_product(reception: Actor, product: t.Product,
                                            office: dict[str, object]) -> None:
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    module = t.Module.create(product=payroll.id, name="Pensions")
    with pytest.raises(ValidationError, match="not a module"):
        new_call(reception, make_customer(), product, module_id=module.id)


# --- split ---


def test_split_moves_the_chosen_entries_to_a_new_unfunded_incident(
        engineer: Actor, reception: Actor, product: t.Product,
        office: dict[str, object]) -> None:
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    customer = make_customer()
    ref = in_progress(engineer, reception, customer, product)
    work.add_timeline_entry(reception, ref.id, TimelineKind.PHONE_IN,
                                 "Also: payslips wrong", duration_seconds=200)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.EMAIL_IN,
                                 "Payslip screenshot attached")
    first, second, third = entries(ref)

    new = reshape.split(engineer, ref.id, [second.id, third.id],
                          subject="Payslips show the wrong tax code", product_id=payroll.id)

    assert new.status is IncidentStatus.AWAITING_PAYMENT
    assert new.funding is FundingKind.NONE
    assert any("own funding" in n for n in new.notices)
    moved = entries(new)
    assert [e.id for e in moved] == [second.id, third.id]
    assert all(e.moved_from_id == ref.id for e in moved)
    assert [e.id for e in entries(ref)] == [first.id]
    child = row(new)
    assert child.split_from_id == ref.id and child.customer_id == customer.id
    assert child.product_id == payroll.id
    # The original keeps its funding and its work.
    assert row(ref).funding is FundingKind.TICKET
    assert row(ref).status is IncidentStatus.IN_PROGRESS
    assert "split off into " + new.reference in entries(ref, system=True)[-1].text
    assert "Split from " + ref.reference in entries(new, system=True)[-1].text
    assert "Payslip screenshot" in searchable(new.id)
    assert "Payslip screenshot" not in searchable(ref.id)
    with pytest.raises(FundingRequired):
        work.start_work(engineer, new.id)


def test_split_must_leave_an_entry_behind(engineer: Actor, reception: Actor,
                                          product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE, "Second")
    everything = [e.id for e in entries(ref)]
    with pytest.raises(ValidationError, match="must stay"):
        reshape.split(engineer, ref.id, everything, subject="All of it", product_id=product.id)
    with pytest.raises(ValidationError, match="at least one"):
        reshape.split(engineer, ref.id, [], subject="Nothing", product_id=product.id)
    assert t.Incident.select().count() == 1


def test_split_refuses_entries_of_another_incident(engineer: Actor, reception: Actor,
                                                   product: t.Product) -> None:
    customer = make_customer()
    ref = in_progress(engineer, reception, customer, product)
    work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE, "Second")
    other = new_call(reception, customer, product, subject="Another thing")
    with pytest.raises(ValidationError, match="not on"):
        reshape.split(engineer, ref.id, [entries(other)[0].id], subject="X",
                        product_id=product.id)


# --- merge ---


def test_merging_a_ticket_funded_duplicate_recredits_the_ticket(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    now = utcnow()
    survivor, ticket_id = ticket_funded(reception, customer, product, "Invoices print blank")
    duplicate, same_ticket = ticket_funded(reception, customer, product, "Blank invoice prints")
    assert same_ticket == ticket_id and tickets.balance(ticket_id) == 8
    work.add_timeline_entry(reception, survivor.id, TimelineKind.NOTE, "S early",
                                 occurred_at=now - dt.timedelta(hours=3))
    work.add_timeline_entry(reception, duplicate.id, TimelineKind.NOTE, "D middle",
                                 occurred_at=now - dt.timedelta(hours=2))
    work.add_timeline_entry(reception, survivor.id, TimelineKind.NOTE, "S late",
                                 occurred_at=now - dt.timedelta(hours=1))

    summary = reshape.merge(engineer, duplicate.id, survivor.id)

    assert tickets.balance(ticket_id) == 9
    assert f"{duplicate.reference} merged into {survivor.reference}" in summary
    assert "re-credited" in summary
    dup = row(duplicate)
    assert dup.status is IncidentStatus.CLOSED and dup.resolution is Resolution.MERGED
    assert dup.merged_into_id == survivor.id and dup.funding is FundingKind.NONE
    assert entries(duplicate) == []
    texts = [e.text for e in entries(survivor)][:3]
    assert texts == ["S early", "D middle", "S late"]
    detail = incident_detail(survivor.id)
    assert [link.reference for link in detail.merged_duplicates] == [duplicate.reference]
    assert incident_detail(duplicate.id).merged_into.reference == survivor.reference
    assert t.AuditLog.select().where(t.AuditLog.action == "incident.merge").count() >= 1


def test_merging_moves_a_payment_to_an_unfunded_survivor(engineer: Actor, reception: Actor,
                                                         product: t.Product) -> None:
    customer = make_customer()
    survivor = new_call(reception, customer, product, subject="Invoices print blank")
    duplicate = new_call(reception, customer, product, subject="Blank invoice prints")
    pay_for(reception, customer, duplicate.id)
    summary = reshape.merge(engineer, duplicate.id, survivor.id)
    assert "now funds " + survivor.reference in summary
    kept = row(survivor)
    assert kept.funding is FundingKind.PAYMENT and kept.status is IncidentStatus.QUEUED
    assert t.CreditNote.select().count() == 0


def test_only_one_customers_incidents_can_be_merged(engineer: Actor, reception: Actor,
                                                    product: t.Product) -> None:
    a = new_call(reception, make_customer("Alpha Ltd"), product)
    b = new_call(reception, make_customer("Bravo Ltd"), product)
    with pytest.raises(ValidationError, match="different customers"):
        reshape.merge(engineer, a.id, b.id)
    with pytest.raises(ValidationError, match="itself"):
        reshape.merge(engineer, a.id, a.id)
    assert row(a).status is IncidentStatus.AWAITING_PAYMENT


# --- resolving ---


@pytest.mark.parametrize("resolution", [Resolution.UNRESOLVED, Resolution.MERGED,
                                        Resolution.OUT_OF_REMIT, "fixed it"])
def test_resolution_is_one_of_the_four(engineer: Actor, reception: Actor, product: t.Product,
                                       resolution: object) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    with pytest.raises(ValidationError, match="one of"):
        closing.resolve(engineer, ref.id, resolution, "Note")  # type: ignore[arg-type]
    assert row(ref).status is IncidentStatus.IN_PROGRESS


def test_a_resolution_needs_a_note(engineer: Actor, reception: Actor,
                                   product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    with pytest.raises(ValidationError, match="resolution note"):
        closing.resolve(engineer, ref.id, Resolution.SOLUTION, "  ")


def test_an_unfunded_incident_cannot_be_resolved(engineer: Actor, reception: Actor,
                                                 product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(FundingRequired):
        closing.resolve(engineer, ref.id, Resolution.SOLUTION, "Told them how")


def test_resolving_with_a_solution(engineer: Actor, reception: Actor,
                                   product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    done = closing.resolve(engineer, ref.id, Resolution.WORKAROUND, "Print to PDF first")
    assert done.status is IncidentStatus.RESOLVED
    incident = row(ref)
    assert incident.resolution is Resolution.WORKAROUND
    assert incident.resolution_note == "Print to PDF first"
    assert incident.resolved_by_id == engineer.id and incident.resolved_at is not None


def test_an_enhancement_request_counts_each_customer_once(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    alpha, bravo = make_customer("Alpha Ltd"), make_customer("Bravo Ltd")
    first = in_progress(engineer, reception, alpha, product, "Wants CSV export")
    closing.resolve(engineer, first.id, Resolution.ENHANCEMENT, "Forwarded to product",
                      enhancement_title="Export invoices to CSV")
    [request] = registers.list_enhancement_requests()
    assert request.customer_count == 1

    second = in_progress(engineer, reception, bravo, product, "CSV export please")
    resolved = closing.resolve(engineer, second.id, Resolution.ENHANCEMENT, "Same request",
                                 enhancement_request_id=request.id)
    assert any("2 customers" in n for n in resolved.notices)
    assert registers.list_enhancement_requests()[0].customer_count == 2

    third = in_progress(engineer, reception, alpha, product, "CSV export again")
    closing.resolve(engineer, third.id, Resolution.ENHANCEMENT, "Alpha asks again",
                      enhancement_request_id=request.id)
    [request] = registers.list_enhancement_requests()
    assert request.customer_count == 2
    assert request.customer_names == ("Alpha Ltd", "Bravo Ltd")
    assert len(request.incident_references) == 3
    assert row(third).enhancement_request_id == request.id


def test_an_enhancement_needs_a_request(engineer: Actor, reception: Actor,
                                        product: t.Product, office: dict[str, object]) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    with pytest.raises(ValidationError, match="enhancement request"):
        closing.resolve(engineer, ref.id, Resolution.ENHANCEMENT, "Wants a feature")
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    other = t.EnhancementRequest.create(product=payroll.id, title="Payroll thing",
                                        created_by=engineer.id)
    with pytest.raises(ValidationError, match="another product"):
        closing.resolve(engineer, ref.id, Resolution.ENHANCEMENT, "Wants a feature",
                          enhancement_request_id=other.id)


def test_an_escalation_lands_on_the_escalation_register(engineer: Actor, reception: Actor,
                                                        product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer("Alpha Ltd"), product)
    closing.resolve(engineer, ref.id, Resolution.ESCALATED, "Looks like a bug",
                      escalation=EscalationInput("1. Open an invoice\n2. Print",
                                                 product_version="12.4.1"))
    [escalation] = registers.list_escalations()
    assert escalation.incident_reference == ref.reference
    assert escalation.customer_name == "Alpha Ltd"
    assert escalation.product_version == "12.4.1"
    assert escalation.steps_to_reproduce == "1. Open an invoice\n2. Print"
    assert escalation.status is EscalationStatus.OPEN
    assert incident_detail(ref.id).escalation_id == escalation.id


@pytest.mark.parametrize("escalation", [None, EscalationInput("  ", product_version="12.4"),
                                        EscalationInput("Open and print", product_version="")])
def test_an_escalation_needs_steps_and_a_version(engineer: Actor, reception: Actor,
                                                 product: t.Product,
                                                 escalation: EscalationInput | None) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    with pytest.raises(ValidationError):
        closing.resolve(engineer, ref.id, Resolution.ESCALATED, "Bug", escalation=escalation)
    assert t.Escalation.select().count() == 0
    assert row(ref).status is IncidentStatus.IN_PROGRESS


# --- closing and re-opening ---


def test_reopening_charges_nothing_new(engineer: Actor, reception: Actor,
                                       product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    receipt = pay_for(reception, customer, ref.id)
    work.start_work(engineer, ref.id)
    closing.resolve(engineer, ref.id, Resolution.SOLUTION, "Driver reinstalled")
    lines = t.PaymentLine.select().count()
    fundings = t.IncidentFunding.select().count()

    reopened = closing.reopen(engineer, ref.id, "Customer says it is back")

    assert reopened.status is IncidentStatus.IN_PROGRESS
    assert reopened.funding is FundingKind.PAYMENT
    assert t.PaymentLine.select().count() == lines
    assert t.IncidentFunding.select().count() == fundings
    assert funding.funding_of(ref.id).receipt_number == receipt.number
    incident = row(ref)
    assert incident.reopen_count == 1
    assert incident.resolution is None and incident.resolved_at is None
    assert "no new charge" in entries(ref, system=True)[-1].text


def test_closing_unresolved_then_reopening(engineer: Actor, reception: Actor,
                                           product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    closed = closing.close_unresolved(engineer, ref.id, "Cannot reproduce on any machine")
    assert closed.status is IncidentStatus.CLOSED
    assert row(ref).resolution is Resolution.UNRESOLVED
    with pytest.raises(ValidationError, match="reason"):
        closing.close_unresolved(engineer, in_progress(
            engineer, reception, make_customer(), product).id, "")
    assert closing.reopen(engineer, ref.id).status is IncidentStatus.IN_PROGRESS


def test_merged_and_out_of_remit_incidents_stay_closed(
        engineer: Actor, manager: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    survivor = new_call(reception, customer, product)
    duplicate = new_call(reception, customer, product, subject="Same again")
    reshape.merge(engineer, duplicate.id, survivor.id)
    with pytest.raises(ValidationError, match="merged into"):
        closing.reopen(engineer, duplicate.id)
    closing.out_of_remit(manager, survivor.id, "Wants a custom report written")
    with pytest.raises(ValidationError, match="out of remit"):
        closing.reopen(engineer, survivor.id)


def test_out_of_remit_recredits_the_ticket(engineer: Actor, manager: Actor,
                                           reception: Actor, product: t.Product) -> None:
    ref, ticket_id = ticket_funded(reception, make_customer(), product)
    assert tickets.balance(ticket_id) == 9
    closed = closing.out_of_remit(manager, ref.id, "Wants their data file converted")
    assert closed.status is IncidentStatus.CLOSED and closed.funding is FundingKind.NONE
    assert row(ref).resolution is Resolution.OUT_OF_REMIT
    assert tickets.balance(ticket_id) == 10
    assert any("re-credited" in n for n in closed.notices)


def test_out_of_remit_refunds_a_payment_by_credit_note(manager: Actor, reception: Actor,
                                                       product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    closed = closing.out_of_remit(manager, ref.id, "Custom development")
    [note] = list(t.CreditNote.select())
    assert note.gross_pence == 9000  # £75 + 20% VAT
    assert any("CN-" in n for n in closed.notices)


# --- the detail pane ---


def test_incident_detail_has_everything_the_pane_shows(engineer: Actor, reception: Actor,
                                                       product: t.Product) -> None:
    customer = make_customer("Alpha Ltd")
    contact = t.Contact.create(customer=customer.id, name="Pat Jones", phone="01132 496000")
    ref = new_call(reception, customer, product, contact_id=contact.id,
                   description="Since Tuesday", product_version="12.4", duration=90)
    buy_ticket(reception, customer)
    funding.fund_from_ticket(reception, ref.id)
    work.start_work(engineer, ref.id)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.REMOTE_SESSION,
                                 "Reinstalled driver", duration_seconds=900)

    detail = incident_detail(ref.id)

    assert (detail.reference, detail.customer_name, detail.contact_name) == (
        ref.reference, "Alpha Ltd", "Pat Jones")
    assert (detail.product_name, detail.product_version) == ("Ledger Accounts", "12.4")
    assert detail.status is IncidentStatus.IN_PROGRESS
    assert detail.engineer_name == "Eddie Engineer"
    assert detail.funding is FundingKind.TICKET
    assert detail.funding_description.startswith("Season ticket")
    assert detail.created_by_name == "Rita Reception"
    kinds = [r.kind for r in detail.timeline]
    assert kinds[0] is TimelineKind.PHONE_IN and TimelineKind.REMOTE_SESSION in kinds
    call = detail.timeline[0]
    assert (call.author_name, call.duration_seconds) == ("Rita Reception", 90)
    assert detail.version == row(ref).version


def test_detail_of_a_missing_incident_is_not_found(office: dict[str, object]) -> None:
    with pytest.raises(NotFound):
        incident_detail(999)
