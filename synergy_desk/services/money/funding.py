"""How an incident is paid for: entitlement, funding from tickets, contracts and waivers, hand-backs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from peewee import fn

from synergy_desk.domain.enums import (
    FundingKind,
    IncidentStatus,
    LedgerKind,
    PaymentMethod,
    WaiverKind,
)
from synergy_desk.domain.errors import ConflictError, ValidationError
from synergy_desk.domain.money import MAX_PENCE, format_pence, line_amounts
from synergy_desk.domain.numbers import credit_note_text, receipt_text
from synergy_desk.domain.text import screened_text
from synergy_desk.domain.zones import local_date
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    EVERYONE,
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
from synergy_desk.services.incident_state import (
    active_funding,
    check_fundable,
    counts_in_one_pass,
    lock_incident,
    update_incident,
)
from synergy_desk.services.money import credit_notes, tickets
from synergy_desk.services.money.tickets import TicketInfo, TicketUse
from synergy_desk.services.office.office_time import date_text, office_today, office_zone
from synergy_desk.services.office.settings import charged_vat_rate, office_settings

__all__ = [
    "ContractInfo", "Entitlement", "FundingInfo", "TicketUse", "attach_funding",
    "covering_contract", "create_contract", "end_funding_in_tx", "entitlement",
    "fund_from_contract", "fund_from_ticket", "funding_of", "hand_back_funding", "waive",
    "NUDGE_AT", "RECENTLY_RAN_OUT", "bought_with_reason", "Awaiting", "awaiting_cover",
    "fund_awaiting_from_contract", "contract_covers_product", "apply_cover", "incident_cover",
    "contract_info", "redeem_in_tx",
]

#: A customer whose last ticket ran out this recently is still offered a new one.
RECENTLY_RAN_OUT = dt.timedelta(days=90)
#: Reception is nudged to offer a new ticket when this many incidents or fewer are left.
NUDGE_AT = 2

_T = TypeVar("_T")


@dataclass(frozen=True)
class ContractInfo:
    id: int
    customer_id: int
    reference: str
    product_id: int | None
    product_name: str | None
    starts_on: dt.date
    ends_on: dt.date
    cancelled: bool
    price_pence: int = 0
    ended_early: bool = False

    @property
    def summary(self) -> str:
        product = f" ({self.product_name})" if self.product_name else ""
        return f"Contract {self.reference}{product} until {date_text(self.ends_on)}"


def contract_info(contract: t.Contract) -> ContractInfo:
    """A contract row as the services hand it out."""
    product = contract.product if contract.__data__.get("product") else None
    return ContractInfo(contract.id, contract.__data__["customer"], contract.reference,
                        product.id if product else None, product.name if product else None,
                        contract.starts_on, contract.ends_on, contract.cancelled,
                        contract.price_pence, contract.ended_early_at is not None)


@dataclass(frozen=True)
class Entitlement:
    """What a customer is entitled to right now: the banner on the customer panel."""

    customer_id: int
    product_id: int | None
    at: dt.datetime
    contract: ContractInfo | None
    tickets: tuple[TicketInfo, ...]  # live tickets, earliest-expiring first
    tickets_balance: int
    vat_rate_bp: int
    incident_net_pence: int
    incident_vat_pence: int
    incident_gross_pence: int
    ticket_default_size: int
    ticket_incident_price_pence: int
    nudge_new_ticket: bool
    summary: str

    @property
    def covered_by(self) -> FundingKind:
        """How the next incident would be funded without taking money."""
        if self.contract is not None:
            return FundingKind.CONTRACT
        if self.tickets_balance > 0:
            return FundingKind.TICKET
        return FundingKind.NONE


def covering_contract(customer_id: int, product_id: int | None,
                      day: dt.date | None = None) -> t.Contract | None:
    """The customer's contract that covers the product on the day (the office's today).

    A contract without a product covers every product. Of several, the one for this very
    product comes first, then the one that runs longest. With no product (the banner before
    one is chosen) any current contract of the customer counts.
    """
    on = day or office_today()
    query = (t.Contract.select()
             .where((t.Contract.customer == customer_id) & ~t.Contract.cancelled
                    & (t.Contract.starts_on <= on) & (t.Contract.ends_on >= on)))
    if product_id is not None:
        query = query.where(t.Contract.product.is_null() | (t.Contract.product == product_id))
    found: t.Contract | None = (
        query.order_by(t.Contract.product.is_null(), t.Contract.ends_on.desc(), t.Contract.id)
        .first())
    return found


def entitlement(customer_id: int, product_id: int | None = None,
                at: dt.datetime | None = None) -> Entitlement:
    """The customer's cover now: contract, live season tickets, or the per-incident price.

    ``nudge_new_ticket`` is true when the live tickets hold one or two incidents, or hold none
    because a ticket was used up or lapsed in the last 90 days (a ticket refunded does not
    count). A customer covered by a contract is never nudged.
    """
    customer = get_or_404(t.Customer, customer_id, "customer")
    now = at or utcnow()
    settings = office_settings()
    zone = office_zone(settings)
    today = local_date(now, zone)
    contract = covering_contract(customer.id, product_id, today)
    all_tickets = tickets.tickets_for_customer(customer.id, now)
    live = tuple(i for i in all_tickets if i.is_live)
    total = sum(i.left for i in live)
    price = line_amounts(settings.incident_price_pence, charged_vat_rate(settings))
    ran_out_lately = any(
        i.state == "used up" or (i.state == "expired" and now - i.expires_at <= RECENTLY_RAN_OUT)
        for i in all_tickets)
    nudge = contract is None and (0 < total <= NUDGE_AT or (total == 0 and ran_out_lately))
    parts = []
    if contract is not None:
        parts.append(contract_info(contract).summary)
    if live:
        first = live[0]
        text = f"Season ticket: {first.left} of {first.size} left, expires {first.expires_text}"
        if len(live) > 1:
            more = len(live) - 1
            text += f" (+{more} more ticket{'s' if more > 1 else ''}, {total} left in all)"
        parts.append(text)
    if not parts:
        parts.append(f"Pay per incident: {format_pence(price.gross_pence)}"
                     + (" inc. VAT" if settings.vat_registered else " (no VAT)"))
    return Entitlement(
        customer.id, product_id, now, contract_info(contract) if contract else None, live,
        total, charged_vat_rate(settings), price.net_pence, price.vat_pence, price.gross_pence,
        settings.ticket_default_size, settings.ticket_incident_price_pence, nudge,
        "; ".join(parts))


def incident_cover(incident_id: int) -> Entitlement:
    """The cover of an incident's customer for its product (what a split offers before asking
    for money).

    Raises:
        NotFound: no such incident.
    """
    incident = get_or_404(t.Incident, incident_id, "incident")
    return entitlement(incident.__data__["customer"], incident.__data__["product"])


# --- internal helpers, inside the caller's transaction ---

def _linked(value: _T | None, what: str) -> _T:
    """The record a funding row points at; its absence means the data was broken by hand."""
    if value is None:
        raise RuntimeError(f"A funding record has lost its {what}.")
    return value


@in_transaction
def attach_funding(actor: Actor, incident: t.Incident, kind: FundingKind, *,
                   payment_line: t.PaymentLine | None = None,
                   ticket_entry: t.TicketLedger | None = None,
                   contract: t.Contract | None = None,
                   waiver: t.Waiver | None = None) -> t.IncidentFunding:
    """Record what funds an incident, inside the caller's transaction.

    Creates the active IncidentFunding row and marks the incident funded; an incident
    awaiting payment moves to the queue.

    Raises:
        ValidationError: the incident is already funded, or resolved or closed.
    """
    kind = FundingKind(kind)
    links = {FundingKind.PAYMENT: payment_line, FundingKind.TICKET: ticket_entry,
             FundingKind.CONTRACT: contract, FundingKind.WAIVER: waiver}
    if kind is FundingKind.NONE or links[kind] is None:
        raise ValueError(f"attach_funding({kind.value}) needs its {kind.value} record")
    if any(v is not None for k, v in links.items() if k is not kind):
        raise ValueError("attach_funding takes the record of one kind of funding only")
    check_fundable(incident)
    was = FundingKind(incident.funding)
    now = utcnow()
    row = t.IncidentFunding.create(
        incident=incident.id, kind=kind, payment_line=payment_line, ticket_entry=ticket_entry,
        contract=contract, waiver=waiver, active=True, created_by=actor.id, created_at=now)
    changes: dict[str, object] = {"funding": kind, "funded_at": now}
    if contract is not None:
        changes["contract"] = contract.id
    if IncidentStatus(incident.status) is IncidentStatus.AWAITING_PAYMENT:
        changes["status"] = IncidentStatus.QUEUED
    update_incident(actor, incident, changes, action="incident.funded")
    audit(actor, "funding.attach", "incident", incident.id, {"funding": was, "active": False},
          {**snapshot(row), "funding": kind})
    incident_event(actor, incident.id, _funded_text(row))
    return row


@in_transaction
def end_funding_in_tx(actor: Actor, incident: t.Incident, reason: str) -> t.IncidentFunding:
    """End the incident's active funding and mark it unfunded, inside the caller's transaction.

    Only the funding record is ended; what happens to the money or the ticket is the caller's
    business. A queued incident goes back to awaiting payment; other statuses are left alone.

    Raises:
        ValidationError: the incident has no active funding.
        ConflictError: another desk ended it at the same moment.
    """
    row = _end_funding_row(incident, reason)
    _mark_unfunded(actor, incident, row, reason)
    return row


def _end_funding_row(incident: t.Incident, reason: str) -> t.IncidentFunding:
    row = active_funding(incident.id)
    if row is None:
        raise ValidationError(f"{incident.reference} is not funded; there is nothing to hand back.")
    now = utcnow()
    ended = (t.IncidentFunding.update(active=False, ended_at=now, ended_reason=reason)
             .where((t.IncidentFunding.id == row.id) & t.IncidentFunding.active).execute())
    if not ended:
        raise ConflictError(f"The funding of {incident.reference} was changed at another desk; "
                            "reload it and try again.")
    row.active, row.ended_at, row.ended_reason = False, now, reason
    return row


def _mark_unfunded(actor: Actor, incident: t.Incident, row: t.IncidentFunding,
                   reason: str) -> None:
    changes: dict[str, object] = {"funding": FundingKind.NONE, "funded_at": None,
                                  "contract": None}
    if IncidentStatus(incident.status) is IncidentStatus.QUEUED:
        changes["status"] = IncidentStatus.AWAITING_PAYMENT
    update_incident(actor, incident, changes, action="incident.unfunded")
    audit(actor, "funding.end", "incident", incident.id,
          {"funding_id": row.id, "kind": row.kind, "active": True, "ended_at": None},
          {"funding_id": row.id, "kind": row.kind, "active": False, "ended_at": row.ended_at,
           "reason": reason})


@in_transaction
def hand_back_funding(actor: Actor, incident: t.Incident, reason: str, *,
                      transfer_to: t.Incident | None = None, refund: bool = False) -> str:
    """Give back what funded an incident, inside the caller's transaction.

    A ticket incident is re-credited to the same ticket; if that ticket has since expired
    (or was cancelled) the returned incident lapses at once with it, and the answer says so.
    A waiver is revoked; a contract simply stops funding it. A payment moves to
    ``transfer_to`` when that incident is open and unfunded; otherwise, with ``refund``, a
    manager refunds it on a credit note; otherwise it is left as a refund due.

    Returns:
        One line saying what was done, for the timeline and the person at the desk.

    Raises:
        PermissionDenied: ``refund`` asked for by someone who is not a manager.
        ValidationError: no reason, or the incident is not funded.
    """
    why = screened_text(reason, "reason")
    if not why:
        raise ValidationError("Give the reason for handing the funding back.", "reason")
    if refund:
        require(actor, MANAGERS, "refund a payment")
    # The money side (ledger, credit note) is written before the incident itself changes, so
    # every money service takes its locks in one order: chains first, incident counts after.
    row = _end_funding_row(incident, why)
    kind = FundingKind(row.kind)
    before: dict[str, object] = {"funding_id": row.id, "kind": kind.value, "active": True}
    after: dict[str, object] = {"funding_id": row.id, "kind": kind.value, "active": False}
    if kind is FundingKind.TICKET:
        done = _recredit(actor, incident, row, why)
    elif kind is FundingKind.WAIVER:
        revoked = utcnow()
        (t.Waiver.update(revoked_at=revoked)
         .where(t.Waiver.id == row.__data__["waiver"]).execute())
        before["waiver_revoked_at"], after["waiver_revoked_at"] = None, revoked
        done = "The waiver was revoked."
    elif kind is FundingKind.CONTRACT:
        done = f"Contract {_linked(row.contract, 'contract').reference} no longer funds it."
    else:
        done = _hand_back_payment(actor, incident, row, why, transfer_to, refund)
    _mark_unfunded(actor, incident, row, why)
    audit(actor, "funding.hand_back", "incident", incident.id, before,
          {**after, "reason": why, "done": done})
    return done


def _recredit(actor: Actor, incident: t.Incident, row: t.IncidentFunding, why: str) -> str:
    redemption = _linked(row.ticket_entry, "ticket entry")
    ticket_id = redemption.__data__["ticket"]
    ticket = tickets.lock_tickets([ticket_id])[ticket_id]
    left = tickets.balance(ticket_id)
    entry = tickets.append_ledger(actor.id, ticket, LedgerKind.RECREDIT, +1,
                                  incident=incident.id, reason=why)
    info = tickets.ticket_info(ticket_id)
    after: dict[str, object] = {"balance": left + 1, "incident": incident.reference,
                                "reason": why, "ledger_entry": entry.id}
    if info.state in ("expired", "cancelled"):
        # The ticket is no longer usable: the returned incident goes with it, visibly.
        lapse = LedgerKind.EXPIRY if info.state == "expired" else LedgerKind.CANCELLATION
        lapsed = tickets.append_ledger(actor.id, ticket, lapse, -1, incident=incident.id,
                                       reason=f"re-credited after the ticket was {info.state}")
        audit(actor, "ticket.recredit", "season_ticket", ticket_id, {"balance": left},
              {**after, "balance": left, "lapsed": 1, "lapse_entry": lapsed.id})
        return (f"Season ticket {ticket_id} was re-credited, but it is {info.state} "
                f"({info.expires_text}), so the returned incident lapsed with it.")
    audit(actor, "ticket.recredit", "season_ticket", ticket_id, {"balance": left}, after)
    return f"Season ticket {ticket_id} was re-credited: {info.left} of {info.size} left."


def _hand_back_payment(actor: Actor, incident: t.Incident, row: t.IncidentFunding, why: str,
                       transfer_to: t.Incident | None, refund: bool) -> str:
    line = _linked(row.payment_line, "payment line")
    receipt = receipt_text(line.payment.receipt_number)
    amount = format_pence(line.gross_pence)
    # Read under the incident's lock: a refund of this line ends its funding under the same
    # lock, so a line refunded already funds nothing and must not move on.
    refunded = credit_notes.refunds_of([line.id]).get(line.id)
    if refunded is not None:
        return f"Payment {receipt} ({amount}) was refunded on credit note {refunded} already."
    not_moved = ""
    if transfer_to is not None:
        target = lock_incident(transfer_to.id)
        blocker = None
        if target.__data__["customer"] != incident.__data__["customer"]:
            blocker = "it belongs to another customer"
        elif not IncidentStatus(target.status).is_open:
            blocker = f"it is {IncidentStatus(target.status).label.lower()}"
        elif (active_funding(target.id) is not None
              or FundingKind(target.funding) is not FundingKind.NONE):
            blocker = "it is already funded"
        if blocker is None:
            attach_funding(actor, target, FundingKind.PAYMENT, payment_line=line)
            transfer_to.__data__.update(target.__data__)
            return f"Payment {receipt} ({amount}) now funds {target.reference}."
        not_moved = f"The payment could not move to {target.reference} ({blocker}). "
    if refund:
        note = credit_notes.refund_line_in_tx(actor, line, why)
        return (f"{not_moved}Refunded {amount} from {receipt} on credit note "
                f"{credit_note_text(note.number)}.")
    audit(actor, "funding.refund_due", "payment_line", line.id,
          {"refund_due": False, "funds": incident.reference},
          {"refund_due": True, "funds": None, "receipt": receipt,
           "incident": incident.reference, "gross_pence": line.gross_pence, "reason": why})
    return (f"{not_moved}Payment {receipt} ({amount}) is due for refund; a manager can refund "
            "it from the receipt.")


def bought_with_reason(receipt: str) -> str:
    """The ledger reason of a redemption made by the payment that bought the ticket (the
    receipt finds the incidents it funded by it)."""
    return f"Funded with the ticket bought on receipt {receipt}"


@in_transaction
def redeem_in_tx(actor: Actor, incident: t.Incident, ticket: t.SeasonTicket, left: int, *,
                 reason: str = "") -> TicketUse:
    """Fund the locked incident with one incident of the locked ticket holding ``left``."""
    entry = tickets.append_ledger(actor.id, ticket, LedgerKind.REDEMPTION, -1,
                                  incident=incident.id, reason=reason)
    attach_funding(actor, incident, FundingKind.TICKET, ticket_entry=entry)
    audit(actor, "ticket.redeem", "season_ticket", ticket.id, {"balance": left},
          {"balance": left - 1, "incident": incident.reference, "ledger_entry": entry.id})
    return tickets.ticket_use(entry)


# --- public services ---

@retried
def fund_from_ticket(actor: Actor, incident_id: int) -> TicketUse:
    """Redeem one incident from the customer's earliest-expiring live season ticket.

    Raises:
        ValidationError: the incident is already funded or not open, or the customer has no
            live ticket with incidents left (expired tickets are never used).
    """
    with transaction():
        require(actor, EVERYONE, "fund incidents from a season ticket")
        incident = lock_incident(incident_id)
        check_fundable(incident)
        live = tickets.live_tickets(incident.__data__["customer"], utcnow(), lock=True)
        if not live:
            raise ValidationError(
                f"{incident.customer.name} has no live season ticket with incidents left; "
                "take a payment or sell a new ticket.")
        ticket, left = live[0]
        return redeem_in_tx(actor, incident, ticket, left)


@retried
def fund_from_contract(actor: Actor, incident_id: int) -> FundingInfo:
    """Fund an incident from the customer's support contract covering its product today.

    Raises:
        ValidationError: no contract covers it, or it is already funded or not open.
    """
    with transaction():
        require(actor, EVERYONE, "fund incidents from a contract")
        incident = lock_incident(incident_id)
        check_fundable(incident)
        contract = covering_contract(incident.__data__["customer"], incident.__data__["product"])
        if contract is None:
            raise ValidationError(
                f"No support contract of {incident.customer.name} covers "
                f"{incident.product.name} today; take a payment or use a season ticket.")
        attach_funding(actor, incident, FundingKind.CONTRACT, contract=contract)
        info = funding_of(incident.id)
        assert info is not None
        return info


@dataclass(frozen=True)
class Awaiting:
    """An incident of the customer's that waits for payment and a cover could fund."""

    id: int
    reference: str
    subject: str
    product_name: str


def contract_covers_product(contract: t.Contract, product_id: int) -> bool:
    """Whether the contract is for this product: one without a product covers every one."""
    product = contract.__data__.get("product")
    return product is None or product == product_id


def _contract_covers(contract: t.Contract, incident: t.Incident, day: dt.date) -> bool:
    return (not contract.cancelled and contract.starts_on <= day <= contract.ends_on
            and contract_covers_product(contract, incident.__data__["product"]))


def awaiting_cover(contract_id: int) -> list[Awaiting]:
    """The customer's open incidents awaiting payment that the contract covers today (what
    recording it offers to fund), oldest first.

    Raises:
        NotFound: no such contract.
    """
    contract = get_or_404(t.Contract, contract_id, "contract")
    today = office_today()
    if contract.cancelled or not contract.starts_on <= today <= contract.ends_on:
        return []
    query = (t.Incident.select(t.Incident, t.Product.name.alias("product_name"))
             .join(t.Product, on=(t.Incident.product == t.Product.id))
             .where((t.Incident.customer == contract.__data__["customer"])
                    & (t.Incident.status == IncidentStatus.AWAITING_PAYMENT)
                    & (t.Incident.funding == FundingKind.NONE)
                    & t.Incident.merged_into.is_null())
             .order_by(t.Incident.id))
    if contract.__data__.get("product") is not None:
        query = query.where(t.Incident.product == contract.__data__["product"])
    return [Awaiting(i.id, i.reference, i.subject, getattr(i, "product_name", ""))
            for i in query.objects()]


@retried
def fund_awaiting_from_contract(actor: Actor, contract_id: int,
                                incident_ids: Iterable[int]) -> list[str]:
    """Fund the chosen incidents awaiting payment from the contract (the offer made when a
    contract is recorded); returns the references funded. An incident funded meanwhile at
    another desk, or that the contract does not cover, is left as it is.

    Raises:
        NotFound: no such contract.
    """
    with transaction(), counts_in_one_pass():
        require(actor, EVERYONE, "fund incidents from a contract")
        contract = get_or_404(t.Contract, contract_id, "contract")
        today = office_today()
        done = []
        # Locked in id order (the lock order), whatever order they were chosen in.
        for incident_id in sorted(set(incident_ids)):
            incident = lock_incident(incident_id)
            if (incident.__data__["customer"] != contract.__data__["customer"]
                    or FundingKind(incident.funding) is not FundingKind.NONE
                    or active_funding(incident.id) is not None
                    or not IncidentStatus(incident.status).is_open
                    or not _contract_covers(contract, incident, today)):
                continue
            attach_funding(actor, incident, FundingKind.CONTRACT, contract=contract)
            done.append(incident.reference)
        return done


@retried
def apply_cover(actor: Actor, incident_id: int) -> str:
    """Fund an unfunded incident from the customer's cover: the contract covering its product
    today, else the earliest-expiring live season ticket. Anyone at the desk may do it.

    Returns:
        What the desk tells the caller ("INC-000012 is funded from contract SC-12." or the
        ticket's "incident 4 of 10 used, 6 left, expires …").

    Raises:
        ValidationError: the incident is already funded or not open, or the customer has
            neither a covering contract nor a ticket with incidents left.
    """
    with transaction():
        require(actor, EVERYONE, "fund incidents from a contract or season ticket")
        incident = lock_incident(incident_id)
        check_fundable(incident)
        contract = covering_contract(incident.__data__["customer"], incident.__data__["product"])
        if contract is not None:
            attach_funding(actor, incident, FundingKind.CONTRACT, contract=contract)
            return f"{incident.reference} is funded from support contract {contract.reference}."
        live = tickets.live_tickets(incident.__data__["customer"], utcnow(), lock=True)
        if not live:
            raise ValidationError(
                f"{incident.customer.name} has no support contract covering "
                f"{incident.product.name} and no season ticket with incidents left; "
                "take a payment instead. Nothing was changed.")
        ticket, left = live[0]
        use = redeem_in_tx(actor, incident, ticket, left)
        return f"{incident.reference} is funded from season ticket {ticket.id}: {use.text}."


@retried
def waive(actor: Actor, incident_id: int, kind: WaiverKind, reason: str) -> FundingInfo:
    """A manager funds an incident without payment, with a written reason.

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: no reason, or the incident is already funded or not open.
    """
    with transaction():
        require(actor, MANAGERS, "waive a charge")
        why = screened_text(reason, "reason")
        if not why:
            raise ValidationError("Give the reason for waiving the charge.", "reason")
        try:
            waiver_kind = WaiverKind(kind)
        except ValueError:
            raise ValidationError(f"“{kind}” is not a kind of waiver.", "kind") from None
        incident = lock_incident(incident_id)
        check_fundable(incident)
        waiver = t.Waiver.create(incident=incident.id, kind=waiver_kind, reason=why,
                                 granted_by=actor.id, granted_at=utcnow())
        attach_funding(actor, incident, FundingKind.WAIVER, waiver=waiver)
        audit(actor, "funding.waive", "incident", incident.id, {"funding": FundingKind.NONE},
              {**snapshot(waiver), "funding": FundingKind.WAIVER})
        info = funding_of(incident.id)
        assert info is not None
        return info


@retried
def create_contract(actor: Actor, customer_id: int, reference: str, starts_on: dt.date,
                    ends_on: dt.date, product_id: int | None = None, *,
                    price_pence: int = 0) -> ContractInfo:
    """A manager records a support contract (all products, or one) and its price, net of VAT
    (0 when none is recorded; a receipt line for it is taken like any payment).

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: no reference, a reference the customer already has, dates out
            of order, or a price that is not a whole number of pence from 0 up.
        NotFound: no such customer or product.
    """
    with transaction():
        require(actor, MANAGERS, "record support contracts")
        get_or_404(t.Customer, customer_id, "customer")
        ref = screened_text(reference, "contract reference")
        if not ref:
            raise ValidationError("Give the contract's reference.", "reference")
        if len(ref) > 64:
            raise ValidationError("A contract reference has at most 64 characters.", "reference")
        if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
            raise ValidationError("Give the dates the contract starts and ends.", "starts_on")
        if isinstance(starts_on, dt.datetime) or isinstance(ends_on, dt.datetime):
            starts_on, ends_on = (d.date() if isinstance(d, dt.datetime) else d
                                  for d in (starts_on, ends_on))
        if ends_on < starts_on:
            raise ValidationError("A contract cannot end before it starts.", "ends_on")
        if product_id is not None:
            get_or_404(t.Product, product_id, "product")
        if (not isinstance(price_pence, int) or isinstance(price_pence, bool)
                or not 0 <= price_pence <= MAX_PENCE):
            raise ValidationError("Give the contract's price as an amount of money from £0.",
                                  "price_pence")
        # "sc-12" is the contract "SC-12" typed in a hurry, not another one.
        same = (t.Contract.select(t.Contract.reference)
                .where((t.Contract.customer == customer_id)
                       & (fn.LOWER(t.Contract.reference) == ref.lower()) & ~t.Contract.cancelled)
                .scalar())
        if same is not None:
            raise ValidationError(f"This customer already has contract {same}.", "reference")
        contract = t.Contract.create(customer=customer_id, reference=ref, product=product_id,
                                     starts_on=starts_on, ends_on=ends_on,
                                     price_pence=price_pence,
                                     created_by=actor.id, created_at=utcnow())
        audit(actor, "contract.create", "contract", contract.id, None, snapshot(contract))
        return contract_info(contract)


@dataclass(frozen=True)
class FundingInfo:
    """What funds an incident now, as the incident detail and its summary show it."""

    incident_id: int
    kind: FundingKind
    label: str  # "Paid", "Season ticket", "Contract", "Waived"
    description: str  # "Receipt R-000012", "Season ticket 5", "Contract SC-12", ...
    since: dt.datetime
    by: str
    payment_id: int | None = None
    receipt_number: str | None = None
    ticket_id: int | None = None
    ticket_use: str | None = None
    contract_reference: str | None = None
    waiver_kind: WaiverKind | None = None
    waiver_reason: str | None = None


def funding_of(incident_id: int) -> FundingInfo | None:
    """The incident's active funding, or None when it is unfunded."""
    row = active_funding(incident_id)
    if row is None:
        return None
    kind = FundingKind(row.kind)
    base: dict[str, Any] = {"incident_id": incident_id, "kind": kind, "label": kind.label,
            "since": row.created_at, "by": row.created_by.full_name}
    if kind is FundingKind.PAYMENT:
        payment = _linked(row.payment_line, "payment line").payment
        receipt = receipt_text(payment.receipt_number)
        return FundingInfo(**base, description=f"Receipt {receipt}", payment_id=payment.id,
                           receipt_number=receipt)
    if kind is FundingKind.TICKET:
        use = tickets.ticket_use(_linked(row.ticket_entry, "ticket entry"))
        return FundingInfo(**base, description=f"Season ticket {use.ticket_id}",
                           ticket_id=use.ticket_id, ticket_use=use.text)
    if kind is FundingKind.CONTRACT:
        reference = _linked(row.contract, "contract").reference
        return FundingInfo(**base, description=f"Contract {reference}",
                           contract_reference=reference)
    waiver = _linked(row.waiver, "waiver")
    waiver_kind = WaiverKind(waiver.kind)
    return FundingInfo(**base,
                       description=f"Waived ({waiver_kind.label.lower()}) by "
                                   f"{waiver.granted_by.full_name}",
                       waiver_kind=waiver_kind, waiver_reason=waiver.reason)


def _funded_text(row: t.IncidentFunding) -> str:
    """The timeline's line for the funding an incident has just been given."""
    kind = FundingKind(row.kind)
    if kind is FundingKind.PAYMENT:
        line = _linked(row.payment_line, "payment line")
        payment = line.payment
        return (f"Paid {format_pence(line.gross_pence)} by "
                f"{PaymentMethod(payment.method).label.lower()}: receipt "
                f"{receipt_text(payment.receipt_number)}.")
    if kind is FundingKind.TICKET:
        entry = _linked(row.ticket_entry, "ticket entry")
        use = tickets.ticket_use(entry)
        # A ticket bought with the incident says so (its ledger reason names the receipt).
        why = f" {entry.reason.rstrip('.')}." if entry.reason else ""
        return f"Season ticket {use.ticket_id}: {use.text}.{why}"
    if kind is FundingKind.CONTRACT:
        return f"Covered by contract {_linked(row.contract, 'contract').reference}."
    waiver = _linked(row.waiver, "waiver")
    return (f"Charge waived by {waiver.granted_by.full_name} "
            f"({WaiverKind(waiver.kind).label.lower()}): {waiver.reason.rstrip('.')}.")
