"""Credit notes: the numbered, chained documents that reverse a receipt's lines (a refund or a
void), refunding one line inside a caller's transaction, and what a credit note shows.

A receipt never changes once issued; money goes back only on a new credit note (CN-000001),
numbered from its own gap-free sequence. What happens to the incidents a refunded line
funded is the caller's business (:mod:`payments` ends their funding; :mod:`funding` hands it
back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from peewee import fn

from synergy_desk.domain.enums import CreditNoteKind, LedgerKind, PaymentMethod
from synergy_desk.domain.errors import NotFound, ValidationError
from synergy_desk.domain.money import format_rate
from synergy_desk.domain.numbers import CREDIT_NOTE, credit_note_text, receipt_text
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    MANAGERS,
    Actor,
    audit,
    chain_append,
    get_or_404,
    in_transaction,
    next_number,
    require,
    snapshot,
    tuples,
)
from synergy_desk.services.money import tickets
from synergy_desk.services.money.chains import CREDIT_NOTE_CHAIN, credit_note_content
from synergy_desk.services.office import office_details

__all__ = ["CreditNoteLineInfo", "CreditNoteInfo", "issue_credit_note_in_tx",
           "refund_line_in_tx", "refunds_of", "incident_references", "credit_note_info"]


@dataclass(frozen=True)
class CreditNoteLineInfo:
    payment_line_id: int
    position: int
    description: str
    net_pence: int
    vat_rate_bp: int
    vat_rate_text: str
    vat_pence: int
    gross_pence: int
    incident_reference: str | None = None
    ticket_id: int | None = None


@dataclass(frozen=True)
class CreditNoteInfo:
    """Everything a credit note shows: it mirrors the receipt it reverses (amounts positive)."""

    credit_note_id: int
    number: str  # "CN-000001"
    sequence_number: int  # 1
    kind: CreditNoteKind
    kind_label: str  # "Refund" or "Void"
    issued_at: dt.datetime  # UTC
    reason: str
    office: office_details.OfficeDetailsAt
    customer_id: int
    account_code: str
    customer_name: str
    customer_address: str
    payment_id: int
    receipt_number: str  # "R-000001"
    receipt_taken_at: dt.datetime
    lines: tuple[CreditNoteLineInfo, ...]
    net_pence: int
    vat_pence: int
    gross_pence: int
    method: PaymentMethod
    method_label: str
    reference_text: str
    issued_by: str
    full_invoice: bool
    is_copy: bool


# --- issuing ---

def refunds_of(line_ids: Sequence[int]) -> dict[int, str]:
    """Payment lines already refunded, with the credit note that refunded each."""
    if not line_ids:
        return {}
    rows = tuples(
        t.CreditNoteLine.select(t.CreditNoteLine.payment_line, t.CreditNote.number)
        .join(t.CreditNote).where(t.CreditNoteLine.payment_line.in_(list(line_ids))))
    return {int(line_id): credit_note_text(n) for line_id, n in rows}


@in_transaction
def issue_credit_note_in_tx(actor: Actor, payment: t.Payment,
                           lines: Sequence[t.PaymentLine], reason: str,
                           kind: CreditNoteKind) -> t.CreditNote:
    """Write a chained credit note reversing ``lines`` (inside the caller's transaction).

    Season tickets on those lines lose what is left on them. Returns the credit note.

    Locks the tickets, then the payment (the lock order of
    :mod:`synergy_desk.services.incident_state`), and only then reads what was refunded
    before: a second manager refunding the same line waits for the first, then sees the
    first one's credit note.
    """
    ticket_ids = [ln.__data__["ticket"] for ln in lines if ln.__data__.get("ticket")]
    locked = tickets.lock_tickets(ticket_ids)
    get_or_404(t.Payment, payment.id, "payment", lock=True)
    already = refunds_of([ln.id for ln in lines])
    if already:
        line = next(ln for ln in lines if ln.id in already)
        raise ValidationError(
            f"Line {line.position} of {receipt_text(payment.receipt_number)} "
            f"({line.description}) has already been refunded on {already[line.id]}.", "line_ids")
    number = next_number("credit_note")
    refunded_before = _refunded_state(payment)
    now = utcnow()
    note = t.CreditNote(
        number=number, payment=payment.id, kind=kind, reason=reason, method=payment.method,
        net_pence=sum(ln.net_pence for ln in lines), vat_pence=sum(ln.vat_pence for ln in lines),
        gross_pence=sum(ln.gross_pence for ln in lines), issued_by=actor.id, issued_at=now)
    note_lines = [t.CreditNoteLine(payment_line=ln.id, description=ln.description,
                                   net_pence=ln.net_pence, vat_rate_bp=ln.vat_rate_bp,
                                   vat_pence=ln.vat_pence, gross_pence=ln.gross_pence)
                  for ln in lines]
    note.prev_hash, note.row_hash = chain_append(CREDIT_NOTE_CHAIN,
                                                 credit_note_content(note, note_lines))
    note.save(force_insert=True)
    for cl in note_lines:
        cl.credit_note = note
        cl.save(force_insert=True)
    cn_text = credit_note_text(number)
    receipt = receipt_text(payment.receipt_number)
    current = tickets.balances(locked)
    for ticket_id, ticket in locked.items():
        left = current[ticket_id]
        if left > 0:
            entry = tickets.append_ledger(actor.id, ticket, LedgerKind.CANCELLATION, -left,
                                          reason=f"Refunded on credit note {cn_text}")
            audit(actor, "ticket.cancel", "season_ticket", ticket_id, {"balance": left},
                  {"balance": 0, "cancelled": left, "credit_note": cn_text, "receipt": receipt,
                   "ledger_entry": entry.id})
    audit(actor, f"payment.{kind.value}", "credit_note", note.id,
          {"receipt": receipt, **refunded_before},
          {**snapshot(note), "credit_note": cn_text, "receipt": receipt,
           **_refunded_state(payment),
           "lines": [snapshot(cl) for cl in note_lines],
           "tickets_cancelled": {str(k): current[k] for k in locked}})
    return note


def _refunded_state(payment: t.Payment) -> dict[str, Any]:
    """How much of a payment has been given back so far, for the audit's before and after."""
    refunded = int(t.CreditNote.select(fn.COALESCE(fn.SUM(t.CreditNote.gross_pence), 0))
                   .where(t.CreditNote.payment == payment.id).scalar() or 0)
    lines = sorted(row[0] for row in tuples(
        t.CreditNoteLine.select(t.CreditNoteLine.payment_line)
        .join(t.CreditNote).where(t.CreditNote.payment == payment.id)))
    return {"refunded_pence": refunded, "refunded_lines": lines,
            "outstanding_pence": int(payment.gross_pence) - refunded}


@in_transaction
def refund_line_in_tx(actor: Actor, payment_line: t.PaymentLine, reason: str) -> t.CreditNote:
    """Refund one payment line on a new credit note, inside the caller's transaction.

    The caller deals with the funding of the incident the line paid for.

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: the line was refunded before.
    """
    require(actor, MANAGERS, "refund payments")
    payment = t.Payment.get_by_id(payment_line.__data__["payment"])
    return issue_credit_note_in_tx(actor, payment, [payment_line], reason, CreditNoteKind.REFUND)


# --- reading ---

def incident_references(incident_ids: list[int]) -> dict[int, str]:
    if not incident_ids:
        return {}
    return {int(i): str(ref) for i, ref in tuples(
        t.Incident.select(t.Incident.id, t.Incident.reference)
        .where(t.Incident.id.in_(incident_ids)))}


def _refund_reference_text(method: PaymentMethod, brand: str, last4: str, bank: str) -> str:
    if method is PaymentMethod.CARD:
        return f"Refund to {brand} •••• {last4}"
    if method is PaymentMethod.BANK_TRANSFER:
        return f"Refund by bank transfer (paid with reference {bank})"
    return "Refund in cash"


def _credit_note_info(note: t.CreditNote, *, is_copy: bool) -> CreditNoteInfo:
    payment = note.payment
    customer = payment.customer
    rows = list(t.CreditNoteLine.select(t.CreditNoteLine, t.PaymentLine)
                .join(t.PaymentLine)
                .where(t.CreditNoteLine.credit_note == note.id)
                .order_by(t.PaymentLine.position))
    incident_ids = [r.payment_line.__data__["incident"] for r in rows
                    if r.payment_line.__data__.get("incident")]
    refs = incident_references(incident_ids)
    lines = tuple(CreditNoteLineInfo(
        r.payment_line.id, r.payment_line.position, r.description, r.net_pence, r.vat_rate_bp,
        format_rate(r.vat_rate_bp), r.vat_pence, r.gross_pence,
        incident_reference=refs.get(r.payment_line.__data__.get("incident")),
        ticket_id=r.payment_line.__data__.get("ticket")) for r in rows)
    method = PaymentMethod(note.method)
    kind = CreditNoteKind(note.kind)
    return CreditNoteInfo(
        credit_note_id=note.id, number=credit_note_text(note.number),
        sequence_number=note.number, kind=kind,
        kind_label="Void" if kind is CreditNoteKind.VOID else "Refund", issued_at=note.issued_at,
        reason=note.reason, office=office_details.details_at(note.issued_at), customer_id=customer.id,
        account_code=customer.account_code, customer_name=payment.customer_name,
        customer_address=payment.customer_address, payment_id=payment.id,
        receipt_number=receipt_text(payment.receipt_number),
        receipt_taken_at=payment.taken_at, lines=lines, net_pence=note.net_pence,
        vat_pence=note.vat_pence, gross_pence=note.gross_pence, method=method,
        method_label=method.label,
        reference_text=_refund_reference_text(method, payment.card_brand, payment.card_last4,
                                              payment.bank_reference),
        issued_by=note.issued_by.full_name, full_invoice=payment.full_invoice, is_copy=is_copy)


def credit_note_info(number: str | int, *, copy: bool = True) -> CreditNoteInfo:
    """A credit note by its number ("CN-000003", "3" or 3).

    Raises:
        NotFound: no such credit note.
    """
    value = CREDIT_NOTE.parse(number) if isinstance(number, str) else int(number)
    note = t.CreditNote.get_or_none(t.CreditNote.number == value)
    if note is None:
        raise NotFound(f"There is no credit note {credit_note_text(value)}.")
    return _credit_note_info(note, is_copy=copy)
