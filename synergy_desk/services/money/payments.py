"""Taking payments before support: quotes, receipts, and refunds or voids of a payment.

The credit notes a refund issues are written by :mod:`credit_notes`; what funds an incident
by :mod:`funding`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peewee import JOIN, fn

from synergy_desk.domain.cards import validate_last_four
from synergy_desk.domain.enums import (
    CreditNoteKind,
    FundingKind,
    IncidentStatus,
    LedgerKind,
    LineKind,
    PaymentMethod,
)
from synergy_desk.domain.errors import NotFound, ValidationError
from synergy_desk.domain.money import MAX_PENCE, format_pence, format_rate, line_amounts
from synergy_desk.domain.numbers import RECEIPT, credit_note_text, receipt_text
from synergy_desk.domain.text import screened_text
from synergy_desk.domain.zones import zone_named
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    EVERYONE,
    MANAGERS,
    Actor,
    audit,
    chain_append,
    get_or_404,
    next_number,
    require,
    retried,
    snapshot,
    text_or_empty,
    transaction,
    tuples,
)
from synergy_desk.services.incident_state import (
    active_funding,
    check_fundable,
    counts_in_one_pass,
    lock_customer,
    lock_incident,
)
from synergy_desk.services.money import contracts, credit_notes, funding, tickets
from synergy_desk.services.money.chains import (
    PAYMENT_CHAIN,
    payment_content,
)
from synergy_desk.services.money.credit_notes import TicketRefund, TicketRefundQuote
from synergy_desk.services.office import office_details
from synergy_desk.services.office.office_time import date_text
from synergy_desk.services.office.settings import (
    charged_vat_rate,
    missing_for_receipts,
    office_settings,
)

__all__ = [
    "FULL_INVOICE_ABOVE_PENCE", "MIN_VALIDITY_DAYS", "MAX_VALIDITY_DAYS", "QuoteLine", "Quote",
    "quote", "quote_in_tx", "customer_address", "check_receipts_allowed", "PaymentInput", "ReceiptLine", "ReceiptInfo", "PaymentSummary",
    "receipt_customer_name", "take_payment", "take_payment_in_tx", "receipt_info", "payments_for_customer", "refund",
    "ticket_refund_quotes", "TicketRefund", "TicketRefundQuote",
]

#: Above this gross a receipt must be a full VAT invoice (UK: £250).
FULL_INVOICE_ABOVE_PENCE = 25_000
MIN_VALIDITY_DAYS = 1
MAX_VALIDITY_DAYS = 3650

_WORK_STARTED = (IncidentStatus.IN_PROGRESS, IncidentStatus.WAITING_ON_CUSTOMER,
                 IncidentStatus.RESOLVED)
_BRAND = re.compile(r"[A-Za-z][A-Za-z .&-]{0,23}")
_AUTH_CODE = re.compile(r"[A-Za-z0-9-]{1,16}")
_DESCRIPTION_MAX = 300


# --- quotes ---

@dataclass(frozen=True)
class QuoteLine:
    kind: LineKind
    description: str
    net_pence: int
    vat_rate_bp: int
    vat_pence: int
    gross_pence: int
    incident_id: int | None = None
    ticket_size: int | None = None
    ticket_validity_days: int | None = None


@dataclass(frozen=True)
class Quote:
    """What a payment would charge: one line per incident and per season ticket, VAT per line.

    Incidents paid for with a new season ticket are funded from it (``ticket_funds``, in the
    order chosen, as many as it holds) and have no line of their own.
    """

    customer_id: int
    lines: tuple[QuoteLine, ...]
    net_pence: int
    vat_pence: int
    gross_pence: int
    full_invoice_required: bool
    ticket_funds: tuple[int, ...] = ()


def _ticket_size(size: object) -> int | None:
    if size is None:
        return None
    if not isinstance(size, int) or isinstance(size, bool) \
            or not tickets.MIN_TICKET_SIZE <= size <= tickets.MAX_TICKET_SIZE:
        raise ValidationError(
            f"A season ticket holds {tickets.MIN_TICKET_SIZE} to {tickets.MAX_TICKET_SIZE} "
            "incidents.", "ticket_size")
    return size


def _validity(days: object, settings: t.OfficeSettings) -> int:
    value = settings.ticket_validity_days if days is None else days
    if not isinstance(value, int) or isinstance(value, bool) \
            or not MIN_VALIDITY_DAYS <= value <= MAX_VALIDITY_DAYS:
        raise ValidationError(
            f"A season ticket is valid for {MIN_VALIDITY_DAYS} to {MAX_VALIDITY_DAYS} days.",
            "ticket_validity_days")
    return value


def _incidents_to_pay(customer_id: int, incident_ids: Iterable[int], *,
                      lock: bool) -> list[t.Incident]:
    """The incidents, in the order given, each the customer's own, open and unfunded."""
    ids = list(incident_ids)
    if len(set(ids)) != len(ids):
        raise ValidationError("The same incident is listed twice.", "incident_ids")
    found: dict[int, t.Incident] = {}
    # Locked in id order, whatever order they were chosen in, so two desks never deadlock.
    for incident_id in sorted(ids):
        if lock:
            found[incident_id] = lock_incident(incident_id)
        else:
            found[incident_id] = get_or_404(t.Incident, incident_id, "incident")
    out = [found[i] for i in ids]
    for incident in out:
        if incident.__data__["customer"] != customer_id:
            raise ValidationError(
                f"{incident.reference} belongs to another customer.", "incident_ids")
        check_fundable(incident)
    return out


def _contract_to_pay(customer_id: int, contract_id: int | None, *,
                     lock: bool) -> t.Contract | None:
    """The customer's contract to charge for: priced, not cancelled, not paid for already."""
    if contract_id is None:
        return None
    contract = get_or_404(t.Contract, contract_id, "contract", lock=lock)
    if contract.__data__["customer"] != customer_id:
        raise ValidationError(f"Contract {contract.reference} belongs to another customer.",
                              "contract_id")
    if contract.cancelled:
        raise ValidationError(f"Contract {contract.reference} was cancelled.", "contract_id")
    if contract.price_pence <= 0:
        raise ValidationError(f"Contract {contract.reference} has no price; a manager sets its "
                              "price first.", "contract_id")
    paid = [receipt for _line, receipt, gross in contracts.paid_lines([contract.id])[contract.id]
            if gross > 0]
    if paid:
        raise ValidationError(f"Contract {contract.reference} was paid for on receipt "
                              f"{paid[0]} already.", "contract_id")
    return contract


def _build_quote(customer_id: int, incidents: Sequence[t.Incident], ticket_size: int | None,
                 validity_days: int, settings: t.OfficeSettings,
                 contract: t.Contract | None = None) -> Quote:
    rate = charged_vat_rate(settings)  # none for an office that is not VAT-registered
    lines = []
    # A ticket bought with incidents funds them (cover follows the customer): only those it
    # cannot hold are charged per incident.
    from_ticket = tuple(i.id for i in incidents[:ticket_size or 0])
    for incident in incidents[len(from_ticket):]:
        amounts = line_amounts(settings.incident_price_pence, rate)
        lines.append(QuoteLine(
            LineKind.INCIDENT, f"{incident.reference} — {incident.subject}"[:_DESCRIPTION_MAX],
            amounts.net_pence, rate, amounts.vat_pence, amounts.gross_pence,
            incident_id=incident.id))
    if ticket_size is not None:
        amounts = line_amounts(ticket_size * settings.ticket_incident_price_pence, rate)
        noun = "incident" if ticket_size == 1 else "incidents"
        lines.append(QuoteLine(
            LineKind.SEASON_TICKET,
            f"Season ticket, {ticket_size} {noun}, valid {validity_days} days",
            amounts.net_pence, rate, amounts.vat_pence, amounts.gross_pence,
            ticket_size=ticket_size, ticket_validity_days=validity_days))
    if contract is not None:
        amounts = line_amounts(contract.price_pence, rate)
        lines.append(QuoteLine(
            LineKind.CONTRACT,
            contracts.contract_line_text(contract.reference, contract.starts_on,
                                         contract.ends_on)[:_DESCRIPTION_MAX],
            amounts.net_pence, rate, amounts.vat_pence, amounts.gross_pence))
    gross = sum(ln.gross_pence for ln in lines)
    # Only a VAT-registered office issues VAT invoices, full ones above the limit.
    full = bool(settings.vat_registered) and gross > FULL_INVOICE_ABOVE_PENCE
    return Quote(customer_id, tuple(lines), sum(ln.net_pence for ln in lines),
                 sum(ln.vat_pence for ln in lines), gross, full, from_ticket)


def quote_in_tx(customer_id: int, incident_ids: Iterable[int], ticket_size: int | None = None,
                ticket_validity_days: int | None = None) -> Quote:
    """Price incidents and/or a season ticket inside the caller's transaction, the incidents
    locked (by id) and checked as a payment checks them: for a payment request, which charges
    them later at these prices.

    Raises:
        NotFound: no such customer or incident.
        ValidationError: as :func:`quote`.
    """
    settings = office_settings()
    size = _ticket_size(ticket_size)
    days = _validity(ticket_validity_days, settings)
    incidents = _incidents_to_pay(customer_id, incident_ids, lock=True)
    if not incidents and size is None:
        raise ValidationError("Choose the incidents to pay for or a season ticket.",
                              "incident_ids")
    return _build_quote(customer_id, incidents, size, days, settings)


def quote(customer_id: int, incident_ids: Iterable[int], ticket_size: int | None = None,
          ticket_validity_days: int | None = None, contract_id: int | None = None) -> Quote:
    """Price a payment before it is taken (the same rules and figures take_payment uses).

    Raises:
        NotFound: no such customer or incident.
        ValidationError: an incident not the customer's, closed or already funded; a ticket
            size or validity out of range; nothing to charge for.
    """
    get_or_404(t.Customer, customer_id, "customer")
    settings = office_settings()
    size = _ticket_size(ticket_size)
    days = _validity(ticket_validity_days, settings)
    incidents = _incidents_to_pay(customer_id, incident_ids, lock=False)
    contract = _contract_to_pay(customer_id, contract_id, lock=False)
    if not incidents and size is None and contract is None:
        raise ValidationError("Choose the incidents to pay for or a season ticket.",
                              "incident_ids")
    return _build_quote(customer_id, incidents, size, days, settings, contract)


# --- receipts ---

@dataclass(frozen=True)
class PaymentInput:
    """Everything the payment dialog collects; take_payment checks it all."""

    customer_id: int
    incident_ids: tuple[int, ...] = ()
    ticket_size: int | None = None
    ticket_validity_days: int | None = None
    method: PaymentMethod = PaymentMethod.CASH
    tendered_pence: int | None = None
    card_brand: str = ""
    card_last4: str = ""
    auth_code: str = ""
    bank_reference: str = ""
    full_invoice: bool = False
    contract_id: int | None = None  # a support contract to charge for, at its price


@dataclass(frozen=True)
class ReceiptLine:
    line_id: int
    position: int
    kind: LineKind
    description: str
    net_pence: int
    vat_rate_bp: int
    vat_rate_text: str  # "20%"
    vat_pence: int
    gross_pence: int
    incident_id: int | None = None
    incident_reference: str | None = None
    ticket_id: int | None = None
    ticket_size: int | None = None
    ticket_expires_at: dt.datetime | None = None
    ticket_expires_text: str | None = None
    refunded_on: str | None = None  # the credit note's number, once refunded
    #: The incidents a ticket bought on this receipt funded at once, as the customer is told:
    #: "INC-000012: incident 1 of 10 used, 9 left, expires 5 Dec 2027".
    ticket_uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReceiptInfo:
    """Everything a receipt (a UK VAT receipt or full VAT invoice) shows; its tax point is taken_at."""

    payment_id: int
    number: str  # "R-000001"
    sequence_number: int  # 1
    taken_at: dt.datetime  # UTC
    office: office_details.OfficeDetailsAt
    customer_id: int
    account_code: str
    customer_name: str
    customer_address: str
    lines: tuple[ReceiptLine, ...]
    net_pence: int
    vat_pence: int
    gross_pence: int
    vat_by_rate: tuple[tuple[int, int, int], ...]  # (rate in basis points, net, VAT)
    method: PaymentMethod
    method_label: str
    reference_text: str  # "Visa •••• 4242, auth 123456"
    card_brand: str
    card_last4: str
    auth_code: str
    bank_reference: str
    tendered_pence: int
    change_pence: int
    taken_by: str
    full_invoice: bool
    is_copy: bool
    credit_notes: tuple[str, ...] = field(default=())
    refunded_pence: int = 0


@dataclass(frozen=True)
class PaymentSummary:
    payment_id: int
    number: str  # "R-000001"
    taken_at: dt.datetime
    method: PaymentMethod
    method_label: str
    gross_pence: int
    refunded_pence: int
    items: str  # "INC-000012, Season ticket (10)"
    taken_by: str


def customer_address(customer: t.Customer) -> str:
    """The customer's address as a document prints it, with the postcode."""
    address = customer.address.strip()
    postcode = customer.postcode.strip()
    if postcode and postcode.replace(" ", "").upper() not in address.replace(" ", "").upper():
        address = f"{address}\n{postcode}" if address else postcode
    return address


def _customer_name(customer: t.Customer) -> str:
    return receipt_customer_name(customer.name, customer.company)


def receipt_customer_name(name: str, company: str) -> str:
    """Who a receipt is made out to: the customer, and their company when it adds to it."""
    name, company = name.strip(), company.strip()

    def starts_with_words(text: str, words: str) -> bool:
        return re.match(re.escape(words) + r"\b", text, re.IGNORECASE) is not None

    if company and company.lower() != name.lower():
        if starts_with_words(company, name):
            name = company  # "Kaur Estate Agents" of "Kaur Estate Agents Ltd"
        elif not starts_with_words(name, company):
            name = f"{name}, {company}"  # a person, and the company they buy for
    return name[:200]


def _reference_text(method: PaymentMethod, brand: str, last4: str, auth: str, bank: str,
                    tendered: int, change: int) -> str:
    if method is PaymentMethod.CARD:
        return f"{brand} •••• {last4}, auth {auth}"
    if method is PaymentMethod.BANK_TRANSFER:
        return f"Bank transfer, reference {bank}"
    return f"Cash, {format_pence(tendered)} tendered, {format_pence(change)} change"


def _method(value: object) -> PaymentMethod:
    try:
        return PaymentMethod(str(value))
    except ValueError:
        raise ValidationError("Choose how the customer is paying.", "method") from None


def _payment_details(request: PaymentInput, method: PaymentMethod,
                     gross: int) -> tuple[str, str, str, str, int]:
    """The card/bank/cash details to store: (brand, last4, auth, bank ref, tendered)."""
    if method is PaymentMethod.CARD:
        brand = text_or_empty(request.card_brand)
        if not _BRAND.fullmatch(brand):
            raise ValidationError("Give the card brand, for example Visa or Mastercard.",
                                  "card_brand")
        last4 = validate_last_four(request.card_last4)
        auth = text_or_empty(request.auth_code)
        if not _AUTH_CODE.fullmatch(auth):
            raise ValidationError(
                "Give the authorisation code from the card terminal (letters and digits, "
                "up to 16).", "auth_code")
        return brand, last4, auth.upper(), "", gross
    if method is PaymentMethod.BANK_TRANSFER:
        bank = screened_text(request.bank_reference, "bank_reference", "payment reference")
        if not bank:
            raise ValidationError("Give the bank transfer's reference.", "bank_reference")
        if len(bank) > 64:
            raise ValidationError("A bank reference has at most 64 characters.",
                                  "bank_reference")
        return "", "", "", bank, gross
    tendered = request.tendered_pence
    if not isinstance(tendered, int) or isinstance(tendered, bool):
        raise ValidationError("Give the cash handed over.", "tendered_pence")
    if tendered < gross:
        raise ValidationError(
            f"The cash handed over ({format_pence(tendered)}) is less than the total "
            f"({format_pence(gross)}).", "tendered_pence")
    if tendered > MAX_PENCE:
        raise ValidationError("The cash handed over is too large.", "tendered_pence")
    return "", "", "", "", tendered


def check_receipts_allowed(settings: t.OfficeSettings) -> None:
    """A VAT-registered office issues no receipt without its VAT number and address (it would
    be an invalid VAT receipt).

    Raises:
        ValidationError: naming what to set and who can set it.
    """
    missing = missing_for_receipts(settings)
    if missing:
        what = " and ".join(f"its {m}" for m in missing)
        raise ValidationError(
            f"No receipt can be issued: the office is VAT-registered but {what} "
            f"{'is' if len(missing) == 1 else 'are'} not set. A manager can set "
            f"{'it' if len(missing) == 1 else 'them'} in Office settings (or say there that "
            "the office is not VAT-registered). Nothing was charged.", "vat_number")


@retried
def take_payment(actor: Actor, request: PaymentInput) -> ReceiptInfo:
    """Take a payment, issue the next receipt and fund the incidents it pays for.

    One transaction: the receipt number, the payment and its lines (chained), any season
    ticket with its purchase in the ledger, the incidents' funding and the audit commit
    together or not at all.

    Raises:
        PermissionDenied: the actor may not take payments.
        NotFound: no such customer or incident.
        ValidationError: anything wrong with the request, including a full card number in
            any field (then nothing at all is stored), or a VAT-registered office without its
            VAT number or address (no receipt may be issued).
    """
    # Card numbers first: the message must be about the card number, whatever else is wrong.
    for value, label in ((request.card_brand, "card brand"), (request.card_last4, "last four digits"),
                         (request.auth_code, "authorisation code"),
                         (request.bank_reference, "payment reference")):
        screened_text(value if isinstance(value, str) else "", label)
    with transaction(), counts_in_one_pass():
        require(actor, EVERYONE, "take payments")
        payment = take_payment_in_tx(actor, request)
    # Read back after the commit, so the receipt number's lock is held no longer than needed.
    return _receipt_info(payment, is_copy=False)


def take_payment_in_tx(actor: Actor, request: PaymentInput, *, taken_at: dt.datetime | None = None,
                       priced: Quote | None = None,
                       billed_to: tuple[str, str] | None = None) -> t.Payment:
    """Take a payment inside the caller's transaction (after its role check); returns the
    payment row.

    ``taken_at`` is the tax point when it is not now (a bank transfer that arrived earlier);
    ``priced`` charges what was quoted before (a payment request's lines at the prices of the
    day it was issued) instead of today's prices, for the same incidents and ticket;
    ``billed_to`` is the customer's name and address as they were asked then.
    """
    settings = office_settings()
    check_receipts_allowed(settings)  # before anything is written or numbered
    method = _method(request.method)
    customer = get_or_404(t.Customer, request.customer_id, "customer")
    size = _ticket_size(request.ticket_size)
    days = _validity(request.ticket_validity_days, settings)
    incidents = _incidents_to_pay(customer.id, request.incident_ids, lock=True)
    # After the incidents (the lock order): two desks cannot both take its payment.
    contract = _contract_to_pay(customer.id, request.contract_id, lock=True)
    if not incidents and size is None and contract is None:
        raise ValidationError("Choose the incidents to pay for or a season ticket.",
                              "incident_ids")
    q = priced or _build_quote(customer.id, incidents, size, days, settings, contract)
    if q.gross_pence <= 0:
        raise ValidationError("There is nothing to charge; a manager can waive the charge "
                              "instead.")
    brand, last4, auth, bank, tendered = _payment_details(request, method, q.gross_pence)
    full_invoice = bool(request.full_invoice) or q.full_invoice_required
    name, address = billed_to or (_customer_name(customer), customer_address(customer))
    if full_invoice and not address:
        raise ValidationError(
            f"A full VAT invoice needs the customer's address; add {customer.name}'s "
            "address first.", "full_invoice")

    now = taken_at or utcnow()
    ticket = None
    if size is not None:
        ticket = t.SeasonTicket.create(
            customer=customer.id, size=size, price_pence=q.lines[-1].net_pence,
            purchased_at=now, expires_at=now + dt.timedelta(days=days),
            created_by=actor.id)
    # From here to the commit, other desks wait for the receipt number: keep it short.
    number = next_number("receipt")
    payment = t.Payment(
        receipt_number=number, customer=customer.id, method=method,
        net_pence=q.net_pence, vat_pence=q.vat_pence, gross_pence=q.gross_pence,
        tendered_pence=tendered, card_brand=brand, card_last4=last4, auth_code=auth,
        bank_reference=bank, full_invoice=full_invoice,
        customer_name=name, customer_address=address,
        taken_by=actor.id, taken_at=now)
    lines = [
        t.PaymentLine(
            position=i, kind=ql.kind, incident=ql.incident_id,
            ticket=ticket.id if ql.kind is LineKind.SEASON_TICKET and ticket else None,
            description=ql.description, net_pence=ql.net_pence, vat_rate_bp=ql.vat_rate_bp,
            vat_pence=ql.vat_pence, gross_pence=ql.gross_pence)
        for i, ql in enumerate(q.lines, start=1)]
    payment.prev_hash, payment.row_hash = chain_append(
        PAYMENT_CHAIN, payment_content(payment, lines))
    payment.save(force_insert=True)
    for line in lines:
        line.payment = payment
        line.save(force_insert=True)
    receipt = receipt_text(number)
    by_id = {i.id: i for i in incidents}
    for line in lines:
        if line.kind is LineKind.CONTRACT and contract is not None:
            t.ContractPayment.create(contract=contract.id, payment_line=line.id)
            audit(actor, "contract.pay", "contract", contract.id, {"paid_pence": 0},
                  {"paid_pence": line.gross_pence, "receipt": receipt,
                   "payment_line": line.id})
    if ticket is not None:
        purchase = tickets.append_ledger(actor.id, ticket, LedgerKind.PURCHASE, size or 0,
                                         reason=f"Bought on receipt {receipt}")
        # The ticket's own history starts here, so filtering the log by it finds the sale.
        audit(actor, "ticket.purchase", "season_ticket", ticket.id, {"balance": 0},
              {**snapshot(ticket), "balance": size or 0, "receipt": receipt,
               "ledger_entry": purchase.id})
        for used, incident_id in enumerate(q.ticket_funds):
            funding.redeem_in_tx(actor, by_id[incident_id], ticket, (size or 0) - used,
                                 reason=funding.bought_with_reason(receipt))
    for line in lines:
        if line.kind is LineKind.INCIDENT:
            funding.attach_funding(actor, by_id[line.__data__["incident"]],
                                   FundingKind.PAYMENT, payment_line=line)
    audit(actor, "payment.take", "payment", payment.id, None,
          {**snapshot(payment), "receipt": receipt,
           "lines": [snapshot(ln) for ln in lines]})
    return payment


def _lines_of(payment_id: int) -> list[t.PaymentLine]:
    return list(t.PaymentLine.select().where(t.PaymentLine.payment == payment_id)
                .order_by(t.PaymentLine.position))


def _receipt_info(payment: t.Payment, *, is_copy: bool) -> ReceiptInfo:
    office = office_details.details_at(payment.taken_at)
    zone = zone_named(office.timezone)
    customer = payment.customer
    lines = _lines_of(payment.id)
    refunds = credit_notes.refunds_of([ln.id for ln in lines])
    incident_ids = [ln.__data__["incident"] for ln in lines if ln.__data__.get("incident")]
    refs = credit_notes.incident_references(incident_ids)
    ticket_ids = [ln.__data__["ticket"] for ln in lines if ln.__data__.get("ticket")]
    ticket_rows = {tk.id: tk for tk in t.SeasonTicket.select()
                   .where(t.SeasonTicket.id.in_(ticket_ids))} if ticket_ids else {}
    uses: dict[int, list[str]] = {}
    if ticket_ids:
        for entry in (t.TicketLedger.select()
                      .where(t.TicketLedger.ticket.in_(ticket_ids)
                             & (t.TicketLedger.kind == LedgerKind.REDEMPTION)
                             & (t.TicketLedger.reason == funding.bought_with_reason(
                                 receipt_text(payment.receipt_number))))
                      .order_by(t.TicketLedger.id)):
            use = tickets.ticket_use(entry)
            uses.setdefault(use.ticket_id, []).append(f"{use.incident_reference}: {use.text}")
    out_lines = []
    by_rate: dict[int, list[int]] = {}
    for ln in lines:
        inc_id = ln.__data__.get("incident")
        tk = ticket_rows.get(ln.__data__.get("ticket") or 0)
        out_lines.append(ReceiptLine(
            ln.id, ln.position, LineKind(ln.kind), ln.description, ln.net_pence, ln.vat_rate_bp,
            format_rate(ln.vat_rate_bp), ln.vat_pence, ln.gross_pence,
            incident_id=inc_id, incident_reference=refs.get(inc_id) if inc_id else None,
            ticket_id=tk.id if tk else None, ticket_size=tk.size if tk else None,
            ticket_expires_at=tk.expires_at if tk else None,
            ticket_expires_text=date_text(tk.expires_at, zone) if tk else None,
            refunded_on=refunds.get(ln.id),
            ticket_uses=tuple(uses.get(tk.id, ())) if tk else ()))
        totals = by_rate.setdefault(ln.vat_rate_bp, [0, 0])
        totals[0] += ln.net_pence
        totals[1] += ln.vat_pence
    notes = tuples(t.CreditNote.select(t.CreditNote.number, t.CreditNote.gross_pence)
                           .where(t.CreditNote.payment == payment.id)
                           .order_by(t.CreditNote.number))
    method = PaymentMethod(payment.method)
    change = payment.tendered_pence - payment.gross_pence if method is PaymentMethod.CASH else 0
    return ReceiptInfo(
        payment_id=payment.id, number=receipt_text(payment.receipt_number),
        sequence_number=payment.receipt_number, taken_at=payment.taken_at,
        office=office, customer_id=customer.id, account_code=customer.account_code,
        customer_name=payment.customer_name, customer_address=payment.customer_address,
        lines=tuple(out_lines), net_pence=payment.net_pence, vat_pence=payment.vat_pence,
        gross_pence=payment.gross_pence,
        vat_by_rate=tuple((rate, n, v) for rate, (n, v) in sorted(by_rate.items())),
        method=method, method_label=method.label,
        reference_text=_reference_text(method, payment.card_brand, payment.card_last4,
                                       payment.auth_code, payment.bank_reference,
                                       payment.tendered_pence, change),
        card_brand=payment.card_brand, card_last4=payment.card_last4,
        auth_code=payment.auth_code, bank_reference=payment.bank_reference,
        tendered_pence=payment.tendered_pence, change_pence=change,
        taken_by=payment.taken_by.full_name, full_invoice=payment.full_invoice,
        is_copy=is_copy, credit_notes=tuple(credit_note_text(n) for n, _ in notes),
        refunded_pence=sum(g for _, g in notes))


def receipt_info(number_or_id: str | int, *, copy: bool = True) -> ReceiptInfo:
    """A receipt by its number as printed ("R-000012" or "12") or by payment id (an int).

    ``copy`` marks a reprint, which the document prints as COPY.

    Raises:
        NotFound: no such receipt.
    """
    if isinstance(number_or_id, str):
        number = RECEIPT.parse(number_or_id)
        payment = t.Payment.get_or_none(t.Payment.receipt_number == number)
        if payment is None:
            raise NotFound(f"There is no receipt {receipt_text(number)}.")
    else:
        payment = get_or_404(t.Payment, int(number_or_id), "payment")
    return _receipt_info(payment, is_copy=copy)


def payments_for_customer(customer_id: int, limit: int = 20) -> list[PaymentSummary]:
    """The customer's latest payments, newest first, with what each paid for and refunds."""
    get_or_404(t.Customer, customer_id, "customer")
    payments = list(t.Payment.select(t.Payment, t.User.full_name.alias("who"))
                    .join(t.User, on=(t.Payment.taken_by == t.User.id))
                    .where(t.Payment.customer == customer_id)
                    .order_by(t.Payment.taken_at.desc(), t.Payment.id.desc())
                    .limit(max(1, int(limit))).objects())
    ids = [p.id for p in payments]
    if not ids:
        return []
    items: dict[int, list[str]] = {i: [] for i in ids}
    for pid, kind, ref, size in tuples(
            t.PaymentLine.select(t.PaymentLine.payment, t.PaymentLine.kind, t.Incident.reference,
                                 t.SeasonTicket.size)
            .join(t.Incident, join_type=JOIN.LEFT_OUTER,
                  on=(t.PaymentLine.incident == t.Incident.id))
            .switch(t.PaymentLine)
            .join(t.SeasonTicket, join_type=JOIN.LEFT_OUTER,
                  on=(t.PaymentLine.ticket == t.SeasonTicket.id))
            .where(t.PaymentLine.payment.in_(ids))
            .order_by(t.PaymentLine.payment, t.PaymentLine.position)):
        line_kind = LineKind(kind)
        items[pid].append(ref if line_kind is LineKind.INCIDENT
                          else f"Season ticket ({size})" if line_kind is LineKind.SEASON_TICKET
                          else "Support contract")
    refunded: dict[int, int] = {
        int(pid): int(total or 0) for pid, total in tuples(
            t.CreditNote.select(t.CreditNote.payment, fn.SUM(t.CreditNote.gross_pence))
            .where(t.CreditNote.payment.in_(ids)).group_by(t.CreditNote.payment))}
    return [PaymentSummary(p.id, receipt_text(p.receipt_number), p.taken_at,
                           PaymentMethod(p.method), PaymentMethod(p.method).label, p.gross_pence,
                           refunded.get(p.id, 0), ", ".join(items[p.id]), getattr(p, "who", ""))
            for p in payments]


# --- refunds and voids ---

def _work_started(incident: t.Incident) -> bool:
    return (incident.work_started_at is not None
            or IncidentStatus(incident.status) in _WORK_STARTED)


def _funded_by(incident: t.Incident, line_ids: set[int]) -> bool:
    row = active_funding(incident.id)
    return row is not None and row.__data__.get("payment_line") in line_ids


def ticket_refund_quotes(payment_id: int) -> tuple[TicketRefundQuote, ...]:
    """What refunding each season ticket of a receipt would give back, pro rata and in full
    (for the refund dialog to show both before the manager chooses).

    Raises:
        NotFound: no such payment.
    """
    get_or_404(t.Payment, payment_id, "payment")
    return credit_notes.ticket_refund_quotes(_lines_of(payment_id))


@retried
def refund(actor: Actor, payment_id: int, *, line_ids: Iterable[int] | None = None,
           reason: str, void: bool = False, confirm_work_started: bool = False,
           ticket_refund: TicketRefund = TicketRefund.PRO_RATA,
           full_refund_reason: str = "") -> credit_notes.CreditNoteInfo:
    """A manager refunds a whole payment or chosen lines (or voids it) on a new credit note.

    The receipt itself never changes. Incidents the refunded lines fund become unfunded;
    refunded season tickets lose what is left on them. A season ticket some of whose
    incidents were used gives back the unused ones' share of its price (pro rata); the full
    price only with ``ticket_refund`` FULL and a ``full_refund_reason``. The incidents it
    paid for before the refund keep their funding.

    Which incidents the lines fund is read under the customer's lock, the first of the lock
    order (see :mod:`synergy_desk.services.incident_state`): a merge at another desk that
    moves one of these payments to another incident takes it too, so the refund sees the
    payment where the merge left it and takes the cover away from that incident.

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: no reason; a line not on this receipt or refunded before; a void of
            part of a payment; work started on an incident it funds (unless
            ``confirm_work_started``); a used season ticket voided, or refunded pro rata
            with nothing unused on it, or in full without a reason.
        NotFound: no such payment.
    """
    with transaction(), counts_in_one_pass():
        require(actor, MANAGERS, "refund or void payments")
        why = screened_text(reason, "reason")
        if not why:
            raise ValidationError("Give the reason for the refund.", "reason")
        try:
            why_full = screened_text(full_refund_reason,
                                           "reason for the full refund")
        except ValidationError as exc:  # named by its parameter, so the dialog finds the field
            raise ValidationError(str(exc), "full_refund_reason") from None
        payment = get_or_404(t.Payment, payment_id, "payment")
        lock_customer(payment.__data__["customer"])
        receipt = receipt_text(payment.receipt_number)
        all_lines = _lines_of(payment.id)
        refunded = credit_notes.refunds_of([ln.id for ln in all_lines])
        if line_ids is None:
            chosen = [ln for ln in all_lines if ln.id not in refunded]
            if not chosen:
                raise ValidationError(f"{receipt} has already been refunded in full.")
        else:
            wanted = list(dict.fromkeys(int(i) for i in line_ids))
            by_id = {ln.id: ln for ln in all_lines}
            if not wanted:
                raise ValidationError("Choose the lines to refund.", "line_ids")
            unknown = [i for i in wanted if i not in by_id]
            if unknown:
                raise ValidationError(f"Line {unknown[0]} is not on {receipt}.", "line_ids")
            chosen = [by_id[i] for i in wanted]
            chosen.sort(key=lambda ln: ln.position)
        if void and (refunded or len(chosen) != len(all_lines)):
            raise ValidationError(
                f"Only a whole payment can be voided, and part of {receipt} is chosen or was "
                "refunded already; refund the lines instead.", "void")
        chosen_ids = {ln.id for ln in chosen}
        funded = tuples(
            t.IncidentFunding.select(t.IncidentFunding.incident)
            .where(t.IncidentFunding.payment_line.in_(list(chosen_ids))
                   & t.IncidentFunding.active))
        incidents = [lock_incident(i) for i in sorted({row[0] for row in funded})]
        # Re-read under the incidents' locks: a desk may have handed one back meanwhile (a
        # close as out of remit does not take the customer's lock; nothing that does not
        # take it can move a payment to another incident).
        incidents = [i for i in incidents if _funded_by(i, chosen_ids)]
        started = [i for i in incidents if _work_started(i)]
        if started and not confirm_work_started:
            refs = ", ".join(i.reference for i in started)
            raise ValidationError(
                f"Work has started on {refs}; the refund would leave "
                f"{'it' if len(started) == 1 else 'them'} unfunded. Confirm to refund anyway.",
                "confirm_work_started")
        kind = CreditNoteKind.VOID if void else CreditNoteKind.REFUND
        note = credit_notes.issue_credit_note_in_tx(actor, payment, chosen, why, kind,
                                                    ticket_refund=ticket_refund,
                                                    full_refund_reason=why_full)
        cn_text = credit_note_text(note.number)
        for incident in incidents:
            funding.end_funding_in_tx(actor, incident, f"Refunded on credit note {cn_text}: {why}")
    return credit_notes.credit_note_info(note.number, copy=False)


