"""Engineers decide the remit: an engineer closes an incident as out of remit; ticket, contract
or waiver cover is handed back at once, and a paid incident's refund waits in a queue that a
manager approves (a credit note, audited) or declines with a reason."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.enums import FundingKind, IncidentStatus, Resolution, WaiverKind
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import closing
from synergy_desk.services.incidents.detail import incident_detail
from synergy_desk.services.money import funding, payments, refund_queue, tickets
from tests.services.incidents.incident_helpers import (
    make_customer,
    new_call,
    pay_for,
    row,
    ticket_funded,
)


def _paid(reception: Actor, product: t.Product) -> tuple[int, payments.ReceiptInfo]:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    return ref.id, pay_for(reception, customer, ref.id)


def _audit(action: str) -> list[t.AuditLog]:
    return list(t.AuditLog.select().where(t.AuditLog.action == action))


def test_an_engineer_closes_out_of_remit_and_the_ticket_is_re_credited_at_once(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    ref, ticket_id = ticket_funded(reception, make_customer(), product)
    closed = closing.out_of_remit(engineer, ref.id, "Wants their data file converted")
    assert closed.status is IncidentStatus.CLOSED and closed.funding is FundingKind.NONE
    assert row(ref).resolution is Resolution.OUT_OF_REMIT
    assert tickets.balance(ticket_id) == 10
    assert refund_queue.pending_refunds_count() == 0


def test_an_engineer_closes_out_of_remit_and_the_waiver_is_revoked(
        engineer: Actor, manager: Actor, reception: Actor, product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    funding.waive(manager, ref.id, WaiverKind.GOODWILL, "Loyal customer")
    closing.out_of_remit(engineer, ref.id, "Custom report")
    assert t.Waiver.get(t.Waiver.incident == ref.id).revoked_at is not None
    assert incident_detail(ref.id).funding_description.startswith("Handed back: the waiver")


def test_an_engineer_closes_out_of_remit_and_the_contract_no_longer_funds_it(
        engineer: Actor, manager: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    today = dt.date.today()
    funding.create_contract(manager, customer.id, "SC-7", today - dt.timedelta(days=1),
                            today + dt.timedelta(days=30))
    ref = new_call(reception, customer, product)
    assert row(ref).funding is FundingKind.CONTRACT
    closing.out_of_remit(engineer, ref.id, "Custom report")
    assert row(ref).funding is FundingKind.NONE
    assert "contract SC-7 no longer funds it" in incident_detail(ref.id).funding_description


def test_a_paid_incidents_refund_waits_for_a_manager(engineer: Actor, reception: Actor,
                                                     product: t.Product) -> None:
    incident_id, receipt = _paid(reception, product)
    closed = closing.out_of_remit(engineer, incident_id, "Wants a macro written")
    assert closed.status is IncidentStatus.CLOSED and closed.funding is FundingKind.NONE
    assert t.CreditNote.select().count() == 0  # no credit note yet
    assert any("waits for a manager's approval" in n for n in closed.notices)
    [waiting] = refund_queue.pending_refunds()
    assert (waiting.incident_id, waiting.receipt_number, waiting.gross_pence) == (
        incident_id, receipt.number, 9000)
    assert waiting.reason == "Wants a macro written"
    assert waiting.requested_by == engineer.full_name
    assert "awaits a manager's approval" in incident_detail(incident_id).funding_description
    assert len(_audit("refund.queue")) == 1


def test_a_manager_approves_the_refund_on_a_credit_note(engineer: Actor, manager: Actor,
                                                        reception: Actor,
                                                        product: t.Product) -> None:
    incident_id, receipt = _paid(reception, product)
    closing.out_of_remit(engineer, incident_id, "Wants a macro written")
    [waiting] = refund_queue.pending_refunds()
    note = refund_queue.approve_refund(manager, waiting.id)
    assert note.number.startswith("CN-") and note.gross_pence == 9000
    assert refund_queue.pending_refunds() == []
    request = t.RefundRequest.get_by_id(waiting.id)
    assert request.state == "approved" and request.decided_by_id == manager.id
    [approved] = _audit("refund.approve")
    assert approved.user_id == manager.id and note.number in approved.after
    assert incident_detail(incident_id).funding_description.startswith(
        f"Refunded on credit note {note.number}")
    with pytest.raises(ValidationError, match="already"):
        refund_queue.approve_refund(manager, waiting.id)


def test_a_manager_declines_the_refund_with_a_reason(engineer: Actor, manager: Actor,
                                                     reception: Actor,
                                                     product: t.Product) -> None:
    incident_id, receipt = _paid(reception, product)
    closing.out_of_remit(engineer, incident_id, "Wants a macro written")
    [waiting] = refund_queue.pending_refunds()
    with pytest.raises(ValidationError, match="reason"):
        refund_queue.decline_refund(manager, waiting.id, "  ")
    refund_queue.decline_refund(manager, waiting.id, "Support was given before it was judged")
    assert refund_queue.pending_refunds() == []
    assert t.CreditNote.select().count() == 0
    request = t.RefundRequest.get_by_id(waiting.id)
    assert request.state == "declined"
    assert request.decision_reason == "Support was given before it was judged"
    assert len(_audit("refund.decline")) == 1
    assert f"the refund of payment {receipt.number} (£90.00) was declined" in \
        incident_detail(incident_id).funding_description
    events = [e.text for e in t.TimelineEntry.select().where(
        t.TimelineEntry.incident == incident_id)]
    assert any(e.startswith(f"Refund of payment {receipt.number} (£90.00) declined by "
                            f"{manager.full_name}") for e in events)


@pytest.mark.parametrize("who", ["reception", "engineer"])
def test_only_a_manager_approves_or_declines(request: pytest.FixtureRequest, engineer: Actor,
                                             reception: Actor, product: t.Product,
                                             who: str) -> None:
    actor: Actor = request.getfixturevalue(who)
    incident_id, _ = _paid(reception, product)
    closing.out_of_remit(engineer, incident_id, "Wants a macro written")
    [waiting] = refund_queue.pending_refunds()
    with pytest.raises(PermissionDenied):
        refund_queue.approve_refund(actor, waiting.id)
    with pytest.raises(PermissionDenied):
        refund_queue.decline_refund(actor, waiting.id, "No")
    assert len(refund_queue.pending_refunds()) == 1
    assert t.CreditNote.select().count() == 0


def test_reception_cannot_close_out_of_remit(reception: Actor, product: t.Product) -> None:
    incident_id, _ = _paid(reception, product)
    with pytest.raises(PermissionDenied):
        closing.out_of_remit(reception, incident_id, "Not support")
    assert row(incident_id).status is IncidentStatus.QUEUED
    assert refund_queue.pending_refunds() == []


def test_a_payment_refunded_from_the_receipt_leaves_the_queue(
        engineer: Actor, manager: Actor, reception: Actor, product: t.Product) -> None:
    incident_id, receipt = _paid(reception, product)
    closing.out_of_remit(engineer, incident_id, "Wants a macro written")
    [waiting] = refund_queue.pending_refunds()
    payments.refund(manager, receipt.payment_id, reason="Refunded at the counter")
    assert refund_queue.pending_refunds() == []
    with pytest.raises(ValidationError, match="already been refunded"):
        refund_queue.approve_refund(manager, waiting.id)
