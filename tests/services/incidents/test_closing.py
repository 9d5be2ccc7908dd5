"""Ending an incident: the four resolutions, closing unresolved or out of remit, re-opening."""

from __future__ import annotations

import pytest

from synergy_desk.domain.enums import (
    EscalationStatus,
    FundingKind,
    IncidentStatus,
    Resolution,
)
from synergy_desk.domain.errors import (
    FundingRequired,
    ValidationError,
)
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import closing, registers, reshape, work
from synergy_desk.services.incidents.closing import EscalationInput
from synergy_desk.services.incidents.detail import incident_detail
from synergy_desk.services.money import funding, refund_queue, tickets
from tests.services.incidents.incident_helpers import (
    entries,
    in_progress,
    make_customer,
    new_call,
    pay_for,
    row,
    ticket_funded,
)


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


def test_out_of_remit_refunds_a_payment_by_credit_note_once_a_manager_approves(
        manager: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    closed = closing.out_of_remit(manager, ref.id, "Custom development")
    assert t.CreditNote.select().count() == 0  # the refund waits in the queue
    assert any("waits for a manager's approval" in n for n in closed.notices)
    [waiting] = refund_queue.pending_refunds()
    refund_queue.approve_refund(manager, waiting.id)
    [note] = list(t.CreditNote.select())
    assert note.gross_pence == 9000  # £75 + 20% VAT
