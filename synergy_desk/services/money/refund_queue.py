"""The queue of out-of-remit refunds: a paid incident an engineer closed as out of remit waits
here until a manager approves its refund (a credit note) or declines it with a reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import ModelSelect, fn

from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.money import format_pence
from synergy_desk.domain.numbers import credit_note_text, receipt_text
from synergy_desk.domain.text import screened_text
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    MANAGERS,
    Actor,
    audit,
    get_or_404,
    in_transaction,
    require,
    retried,
    snapshot,
    transaction,
)
from synergy_desk.services.incident_events import incident_event
from synergy_desk.services.money import credit_notes
from synergy_desk.services.money.credit_notes import CreditNoteInfo

__all__ = ["PENDING", "APPROVED", "DECLINED", "RefundRequestRow", "queue_refund_in_tx",
           "pending_refunds", "pending_refunds_count", "approve_refund", "decline_refund"]

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


@dataclass(frozen=True)
class RefundRequestRow:
    """One refund waiting for a manager, as the queue shows it."""

    id: int
    incident_id: int
    incident_reference: str
    subject: str
    customer_name: str
    receipt_number: str
    payment_id: int
    gross_pence: int
    reason: str
    requested_by: str
    requested_at: dt.datetime


@in_transaction
def queue_refund_in_tx(actor: Actor, incident: t.Incident, line: t.PaymentLine,
                       reason: str) -> str:
    """Put the refund of the payment line that funded the incident in the queue (caller's
    transaction); returns the line saying so, for the timeline and the desk."""
    now = utcnow()
    request = t.RefundRequest.create(incident=incident.id, payment_line=line.id, reason=reason,
                                     state=PENDING, requested_by=actor.id, requested_at=now)
    receipt = receipt_text(line.payment.receipt_number)
    audit(actor, "refund.queue", "refund_request", request.id, None,
          {**snapshot(request), "incident": incident.reference, "receipt": receipt,
           "gross_pence": line.gross_pence})
    return (f"The refund of payment {receipt} ({format_pence(line.gross_pence)}) waits for a "
            "manager's approval.")


def _pending_query() -> ModelSelect[Any]:
    refunded = (t.CreditNoteLine.select(t.CreditNoteLine.payment_line)
                .where(t.CreditNoteLine.payment_line == t.RefundRequest.payment_line))
    return (t.RefundRequest.select()
            .where((t.RefundRequest.state == PENDING) & ~fn.EXISTS(refunded))
            .order_by(t.RefundRequest.requested_at, t.RefundRequest.id))


def pending_refunds() -> list[RefundRequestRow]:
    """Refunds waiting for a manager, oldest first (a payment refunded from its receipt
    meanwhile has left the queue)."""
    rows = []
    for request in _pending_query():
        incident = request.incident
        line = request.payment_line
        payment = line.payment
        rows.append(RefundRequestRow(
            request.id, incident.id, incident.reference, incident.subject,
            incident.customer.name, receipt_text(payment.receipt_number), payment.id,
            line.gross_pence, request.reason, request.requested_by.full_name,
            request.requested_at))
    return rows


def pending_refunds_count() -> int:
    """How many refunds wait for a manager."""
    return int(_pending_query().count())


def _open_request(request_id: int) -> t.RefundRequest:
    request = get_or_404(t.RefundRequest, request_id, "refund request", lock=True)
    if request.state != PENDING:
        decided_by = request.decided_by
        who = decided_by.full_name if decided_by is not None else "someone"
        raise ValidationError(f"This refund was {request.state} already by {who}.")
    line_id = request.__data__["payment_line"]
    refunded = credit_notes.refunds_of([line_id]).get(line_id)
    if refunded is not None:
        raise ValidationError(f"That payment has already been refunded on credit note "
                              f"{refunded}; there is nothing left to approve.")
    return request


@retried
def approve_refund(actor: Actor, request_id: int) -> CreditNoteInfo:
    """A manager approves an out-of-remit refund: the payment line is refunded on a new
    credit note, which goes on the incident's timeline.

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: decided already, or the payment was refunded meanwhile.
        NotFound: no such request.
    """
    with transaction():
        require(actor, MANAGERS, "approve an out-of-remit refund")
        request = _open_request(request_id)
        before = snapshot(request)
        note = credit_notes.refund_line_in_tx(actor, request.payment_line,
                                              f"Out of remit: {request.reason}")
        now = utcnow()
        (t.RefundRequest.update(state=APPROVED, decided_by=actor.id, decided_at=now,
                                credit_note=note.id)
         .where(t.RefundRequest.id == request.id).execute())
        audit(actor, "refund.approve", "refund_request", request.id, before,
              {**snapshot(t.RefundRequest.get_by_id(request.id)),
               "credit_note": credit_note_text(note.number)})
        number = note.number
    return credit_notes.credit_note_info(number, copy=False)


@retried
def decline_refund(actor: Actor, request_id: int, reason: str) -> None:
    """A manager declines an out-of-remit refund, with the reason; the incident's timeline
    says so and the payment stays with the office.

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: no reason; decided already, or the payment was refunded meanwhile.
        NotFound: no such request.
    """
    with transaction():
        require(actor, MANAGERS, "decline an out-of-remit refund")
        why = screened_text(reason, "reason")
        if not why:
            raise ValidationError("Give the reason for declining the refund.", "reason")
        request = _open_request(request_id)
        before = snapshot(request)
        (t.RefundRequest.update(state=DECLINED, decided_by=actor.id, decided_at=utcnow(),
                                decision_reason=why)
         .where(t.RefundRequest.id == request.id).execute())
        audit(actor, "refund.decline", "refund_request", request.id, before,
              snapshot(t.RefundRequest.get_by_id(request.id)))
        line = request.payment_line
        incident_event(actor, request.__data__["incident"],
                       f"Refund of payment {receipt_text(line.payment.receipt_number)} "
                       f"({format_pence(line.gross_pence)}) declined by {actor.full_name}: "
                       f"{why.rstrip('.')}.")
