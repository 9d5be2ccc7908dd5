"""Credit notes: the numbered, chained documents that reverse a receipt's lines (a refund or a
void), refunding one line inside a caller's transaction, and what a credit note shows.

A receipt never changes once issued; money goes back only on a new credit note (CN-000001),
numbered from its own gap-free sequence. What happens to the incidents a refunded line
funded is the caller's business (:mod:`payments` ends their funding; :mod:`funding` hands it
back).

A season ticket refunded after some of its incidents were used gives back the unused ones
pro rata (:func:`pro_rata_amounts`); the full price only by the manager's explicit choice
(:attr:`TicketRefund.FULL`) with a written reason. The incidents it paid for before the
refund keep their funding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from peewee import fn

from synergy_desk.domain.enums import CreditNoteKind, LedgerKind, PaymentMethod
from synergy_desk.domain.errors import NotFound, ValidationError
from synergy_desk.domain.money import LineAmounts, format_pence, format_rate, line_amounts
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
from synergy_desk.services.incident_events import incident_event, refund_event_text
from synergy_desk.services.money import tickets
from synergy_desk.services.money.chains import CREDIT_NOTE_CHAIN, credit_note_content
from synergy_desk.services.office import office_details

__all__ = ["CreditNoteLineInfo", "CreditNoteInfo", "TicketRefund", "TicketRefundQuote",
           "pro_rata_amounts", "ticket_refund_quotes", "issue_credit_note_in_tx",
           "refund_line_in_tx", "refunds_of", "incident_references", "credit_note_info"]

#: A credit note line's description is cut to the column's length.
_DESCRIPTION_MAX = 300


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


# --- season tickets refunded after use ---

class TicketRefund(StrEnum):
    """How much of a season ticket a refund gives back."""

    #: The unused incidents' share of the price (the default).
    PRO_RATA = "pro_rata"
    #: The whole price, used incidents included: the manager's explicit choice, with a reason.
    FULL = "full"


@dataclass(frozen=True)
class TicketRefundQuote:
    """What refunding one season-ticket line would give back, either way."""

    line_id: int
    ticket_id: int
    size: int
    used: int  # incidents the ticket paid for, net of any handed back
    unused: int  # incidents still on it to refund: none once it has expired
    pro_rata: LineAmounts
    full: LineAmounts

    @property
    def differs(self) -> bool:
        """Whether the manager has a choice to make (some of the ticket is used or gone)."""
        return self.pro_rata.gross_pence != self.full.gross_pence


def pro_rata_amounts(net_pence: int, vat_rate_bp: int, unused: int, size: int) -> LineAmounts:
    """The unused incidents' share of a ticket line: its net times unused / size, rounded up
    to the penny (in the customer's favour), with VAT worked out on that net as on any line
    (once, half-up), so the credit note's line adds up as a receipt's does."""
    if size <= 0 or not 0 <= unused <= size:
        raise ValueError(f"{unused} unused of a ticket of {size}")
    net = -(-net_pence * unused // size)
    return line_amounts(net, vat_rate_bp)


def _quote(line: t.PaymentLine, now: dt.datetime) -> TicketRefundQuote:
    ticket_id = int(line.__data__["ticket"])
    info = tickets.ticket_info(ticket_id, now)
    unused = 0 if info.state == "expired" else max(0, min(info.left, info.size))
    full = LineAmounts(line.net_pence, line.vat_rate_bp, line.vat_pence, line.gross_pence)
    pro_rata = (full if unused == info.size
                else pro_rata_amounts(line.net_pence, line.vat_rate_bp, unused, info.size))
    return TicketRefundQuote(line.id, ticket_id, info.size, info.used, unused, pro_rata, full)


def ticket_refund_quotes(lines: Sequence[t.PaymentLine]) -> tuple[TicketRefundQuote, ...]:
    """What refunding each season-ticket line of ``lines`` not refunded yet would give back,
    pro rata and in full (read now; the refund reads it again under the ticket's lock)."""
    ticket_lines = [ln for ln in lines if ln.__data__.get("ticket")]
    refunded = refunds_of([ln.id for ln in ticket_lines])
    now = utcnow()
    return tuple(_quote(ln, now) for ln in ticket_lines if ln.id not in refunded)


def _incidents(n: int) -> str:
    return f"{n} incident{'s' if n != 1 else ''}"


def _used(n: int) -> str:
    return f"{n} used incident{'s' if n != 1 else ''}"


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
                           kind: CreditNoteKind, *,
                           ticket_refund: TicketRefund = TicketRefund.PRO_RATA,
                           full_refund_reason: str = "") -> t.CreditNote:
    """Write a chained credit note reversing ``lines`` (inside the caller's transaction).

    Season tickets on those lines lose what is left on them. A ticket line gives back the
    unused incidents' share of its price, unless ``ticket_refund`` is FULL with a
    ``full_refund_reason`` (then the whole line, used incidents included). Returns the
    credit note.

    Locks the tickets, then the payment (the lock order of
    :mod:`synergy_desk.services.incident_state`), and only then reads what was refunded
    before: a second manager refunding the same line waits for the first, then sees the
    first one's credit note.
    """
    ticket_ids = [ln.__data__["ticket"] for ln in lines if ln.__data__.get("ticket")]
    locked = tickets.lock_tickets(ticket_ids)
    get_or_404(t.Payment, payment.id, "payment", lock=True)
    receipt = receipt_text(payment.receipt_number)
    already = refunds_of([ln.id for ln in lines])
    if already:
        line = next(ln for ln in lines if ln.id in already)
        raise ValidationError(
            f"Line {line.position} of {receipt} "
            f"({line.description}) has already been refunded on {already[line.id]}.", "line_ids")
    now = utcnow()
    # What each ticket has used and has left, read under the tickets' locks: a desk redeeming
    # one meanwhile has either finished (and counts as used) or waits for this refund.
    quotes = {q.line_id: q for q in (_quote(ln, now) for ln in lines if ln.__data__.get("ticket"))}
    choice = _ticket_choice(kind, quotes, ticket_refund, full_refund_reason)
    if choice is TicketRefund.FULL and any(q.differs for q in quotes.values()):
        used = sum(q.used for q in quotes.values())
        reason = (f"{reason.rstrip('.')}. Full price refunded, the {_used(used)} "
                  f"included: {full_refund_reason}")
    number = next_number("credit_note")
    refunded_before = _refunded_state(payment)
    cn_text = credit_note_text(number)
    amounts: dict[int, LineAmounts] = {}
    note_lines = []
    for ln in lines:
        quote = quotes.get(ln.id)
        description = ln.description
        if quote is not None and quote.differs and choice is TicketRefund.PRO_RATA:
            amounts[ln.id] = quote.pro_rata
            description = (f"{description} — {quote.unused} of {_incidents(quote.size)} "
                           "unused, refunded pro rata")[:_DESCRIPTION_MAX]
        else:
            amounts[ln.id] = LineAmounts(ln.net_pence, ln.vat_rate_bp, ln.vat_pence,
                                         ln.gross_pence)
        a = amounts[ln.id]
        note_lines.append(t.CreditNoteLine(
            payment_line=ln.id, description=description, net_pence=a.net_pence,
            vat_rate_bp=a.vat_rate_bp, vat_pence=a.vat_pence, gross_pence=a.gross_pence))
    note = t.CreditNote(
        number=number, payment=payment.id, kind=kind, reason=reason, method=payment.method,
        net_pence=sum(cl.net_pence for cl in note_lines),
        vat_pence=sum(cl.vat_pence for cl in note_lines),
        gross_pence=sum(cl.gross_pence for cl in note_lines), issued_by=actor.id,
        issued_at=now)
    note.prev_hash, note.row_hash = chain_append(CREDIT_NOTE_CHAIN,
                                                 credit_note_content(note, note_lines))
    note.save(force_insert=True)
    for cl in note_lines:
        cl.credit_note = note
        cl.save(force_insert=True)
    for ln in (ln for ln in lines if ln.__data__.get("incident")):
        incident_event(actor, ln.__data__["incident"], refund_event_text(
            kind, amounts[ln.id].gross_pence, receipt, cn_text, reason))
    current = tickets.balances(locked)
    refunded_tickets: dict[str, dict[str, object]] = {}
    for quote in quotes.values():
        ticket_id = quote.ticket_id
        left = current[ticket_id]
        back = amounts[quote.line_id].gross_pence
        if choice is TicketRefund.PRO_RATA or not quote.differs:
            why = (f"Refunded on credit note {cn_text}: {quote.unused} unused "
                   f"{'incident' if quote.unused == 1 else 'incidents'} of {quote.size} "
                   f"refunded pro rata, {format_pence(back)}" if quote.differs
                   else f"Refunded on credit note {cn_text}, {format_pence(back)}")
        else:
            why = (f"Refunded in full on credit note {cn_text}, {format_pence(back)}, the "
                   f"{_used(quote.used)} included")
        # Written even when nothing is left: the ledger says the ticket was refunded, so it
        # can never be revived, and what it paid for before this entry was used before it.
        entry = tickets.append_ledger(actor.id, locked[ticket_id], LedgerKind.CANCELLATION,
                                      -left, reason=why)
        refunded_tickets[str(ticket_id)] = {
            "choice": (TicketRefund.FULL if quote.differs and choice is TicketRefund.FULL
                       else TicketRefund.PRO_RATA).value,
            "size": quote.size, "used": quote.used, "unused": quote.unused,
            "refunded_pence": back, "full_price_pence": quote.full.gross_pence}
        audit(actor, "ticket.cancel", "season_ticket", ticket_id, {"balance": left},
              {"balance": 0, "cancelled": left, "credit_note": cn_text, "receipt": receipt,
               "ledger_entry": entry.id, **refunded_tickets[str(ticket_id)]})
    after: dict[str, Any] = {
        **snapshot(note), "credit_note": cn_text, "receipt": receipt, **_refunded_state(payment),
        "lines": [snapshot(cl) for cl in note_lines],
        "tickets_cancelled": {str(k): current[k] for k in locked}}
    if refunded_tickets:
        after["tickets_refunded"] = refunded_tickets
        if choice is TicketRefund.FULL and any(q.differs for q in quotes.values()):
            after["full_refund_reason"] = full_refund_reason
    audit(actor, f"payment.{kind.value}", "credit_note", note.id,
          {"receipt": receipt, **refunded_before}, after)
    return note


def _ticket_choice(kind: CreditNoteKind, quotes: dict[int, TicketRefundQuote],
                   choice: TicketRefund, full_reason: str) -> TicketRefund:
    """The refund's choice for its ticket lines, refused when it cannot stand."""
    try:
        choice = TicketRefund(choice)
    except ValueError:
        raise ValidationError("Choose how much of the season ticket to refund.",
                              "ticket_refund") from None
    used = [q for q in quotes.values() if q.differs]
    if not used:
        return TicketRefund.PRO_RATA  # nothing used: pro rata is the full price
    first = used[0]
    state = (f"season ticket {first.ticket_id} has {first.used} of {_incidents(first.size)} "
             f"used and {first.unused} left to refund")
    if choice is TicketRefund.FULL:
        if not full_reason.strip():
            raise ValidationError(
                "Say why the used incidents are refunded too; without a reason only the unused "
                "ones are refunded, pro rata. Nothing was refunded.", "full_refund_reason")
        return choice
    if kind is CreditNoteKind.VOID:
        raise ValidationError(
            f"A void hands back the whole payment, but {state}. Refund the unused incidents "
            "instead, or choose the full price with a reason. Nothing was refunded.",
            "ticket_refund")
    if any(q.unused == 0 for q in used):
        empty = next(q for q in used if q.unused == 0)
        raise ValidationError(
            f"Season ticket {empty.ticket_id} has no unused incidents left "
            f"({empty.used} of {_incidents(empty.size)} used), so there is nothing to refund "
            "pro rata; choose the full price with a reason. Nothing was refunded.",
            "ticket_refund")
    return choice


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
