"""Paying by bank transfer before support: payment requests, and the money when it arrives.

Reception issues a numbered request (``PR-000001``) for a customer's unfunded incidents and/or
a season ticket, priced that day, with the office's bank details, a payment reference with a
check character (``PR1-Z``) and a due date. The incidents stay unfunded ("awaiting transfer"):
nobody can start them, and nothing else may fund them while the request is open (they would be
paid twice). When the money arrives it is recorded (:func:`record_transfer`, by hand or from
the bank statement): once the transfers add up to the request, the receipt is issued at the
request's prices with the day the money arrived as its tax point, the incidents are funded and
join the queue, and the request is paid, all in one transaction. A part payment is recorded
and the request stays open for the rest; money beyond the request is recorded and shown as
overpaid, for the office to refund or hold. A manager may cancel an open request with a
reason; its incidents are then simply awaiting payment again.

Lock order (see :mod:`synergy_desk.services.incident_state`): the request's row is locked
first (before the incidents its receipt funds), so two desks recording money for one request
run one after the other and the second sees what the first did.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peewee import JOIN, IntegrityError, fn

from synergy_desk.domain.bank import BankDetails, find_reference, payment_reference
from synergy_desk.domain.enums import LineKind, PaymentMethod
from synergy_desk.domain.errors import NotFound, ValidationError
from synergy_desk.domain.money import MAX_PENCE, format_pence, format_rate, parse_pence
from synergy_desk.domain.numbers import (
    PAYMENT_REQUEST,
    incident_reference,
    payment_request_text,
    receipt_text,
)
from synergy_desk.domain.text import screened_text
from synergy_desk.domain.zones import utc_start
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services.common import (
    EVERYONE,
    MANAGERS,
    Actor,
    audit,
    chain_append,
    get_or_404,
    next_number,
    read_snapshot,
    require,
    retried,
    snapshot,
    transaction,
    tuples,
)
from synergy_desk.services.incident_events import incident_event
from synergy_desk.services.incident_state import counts_in_one_pass
from synergy_desk.services.money import payments
from synergy_desk.services.money.chains import TRANSFER_CHAIN, transfer_content
from synergy_desk.services.office import office_details
from synergy_desk.services.office.office_time import (
    date_text,
    office_date,
    office_today,
    office_zone,
)
from synergy_desk.services.office.settings import office_settings

__all__ = [
    "OPEN", "PAID", "CANCELLED", "STATE_LABELS", "RequestInput", "RequestLine", "TransferInfo",
    "RequestInfo", "RequestSummary", "TransferResult", "bank_details", "missing_bank_details",
    "issue_request", "request_info", "find_requests", "awaiting_transfer", "record_transfer",
    "cancel_request", "mark_reminded", "statement_keys_recorded", "MAX_DUE_DAYS",
    "hand_recorded", "SAME_MONEY_DAYS",
]

OPEN = "open"
PAID = "paid"
CANCELLED = "cancelled"
#: How a request's state reads (an open request with money on it is "part paid"; one past
#: its due date "overdue").
STATE_LABELS = {OPEN: "Open", "part_paid": "Part paid", "overdue": "Overdue", PAID: "Paid",
                CANCELLED: "Cancelled"}
#: The latest due date a request may be given, in days from today.
MAX_DUE_DAYS = 365
_NOON = dt.time(12, 0)


@dataclass(frozen=True)
class RequestInput:
    """What the payment-request dialog collects; issue_request checks it all."""

    customer_id: int
    incident_ids: tuple[int, ...] = ()
    ticket_size: int | None = None
    ticket_validity_days: int | None = None
    due_on: dt.date | None = None  # None: the office's usual number of days from today


@dataclass(frozen=True)
class RequestLine:
    kind: LineKind
    description: str
    net_pence: int
    vat_rate_bp: int
    vat_rate_text: str  # "20%"
    vat_pence: int
    gross_pence: int
    incident_id: int | None = None
    incident_reference: str | None = None
    #: An incident the season ticket on the same request will fund: no charge of its own.
    from_ticket: bool = False
    ticket_size: int | None = None
    ticket_validity_days: int | None = None


@dataclass(frozen=True)
class TransferInfo:
    transfer_id: int
    received_on: dt.date
    amount_pence: int
    bank_reference: str
    from_statement: bool
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class RequestSummary:
    """One request as a list shows it."""

    request_id: int
    number: str  # "PR-000001"
    reference: str  # "PR1-Z", what the payer types
    customer_id: int
    account_code: str
    customer_name: str
    customer_phone: str
    customer_email: str
    gross_pence: int
    received_pence: int
    due_on: dt.date
    issued_at: dt.datetime
    state: str  # OPEN, PAID or CANCELLED as stored
    status: str  # OPEN, "part_paid", "overdue", PAID or CANCELLED
    items: str  # "INC-000012, Season ticket (10)"
    receipt_number: str | None
    reminded_at: dt.datetime | None

    @property
    def outstanding_pence(self) -> int:
        return max(0, self.gross_pence - self.received_pence) if self.state == OPEN else 0

    @property
    def over_pence(self) -> int:
        """Money received beyond the request, for the office to refund or hold: all of it
        for a cancelled request."""
        if self.state == CANCELLED:
            return self.received_pence
        return max(0, self.received_pence - self.gross_pence)

    @property
    def status_label(self) -> str:
        return STATE_LABELS[self.status]


@dataclass(frozen=True)
class RequestInfo(RequestSummary):
    """Everything a payment request document and the request's screen show."""

    sequence_number: int = 0
    customer_address: str = ""
    lines: tuple[RequestLine, ...] = ()
    net_pence: int = 0
    vat_pence: int = 0
    vat_by_rate: tuple[tuple[int, int, int], ...] = ()  # (rate in basis points, net, VAT)
    issued_by: str = ""
    bank: BankDetails = BankDetails("", "", "")
    office: office_details.OfficeDetailsAt | None = None
    due_text: str = ""  # "19 Dec 2026"
    transfers: tuple[TransferInfo, ...] = ()
    cancelled_by: str = ""
    cancelled_at: dt.datetime | None = None
    cancel_reason: str = ""
    version: int = 1

    @property
    def incident_ids(self) -> tuple[int, ...]:
        return tuple(ln.incident_id for ln in self.lines if ln.incident_id is not None)

    @property
    def awaiting_text(self) -> str:
        """As an incident on it shows: "Awaiting transfer PR-000001 (£90.00, due 19 Dec 2026)"."""
        return _awaiting_text(self.number, self.gross_pence, self.received_pence, self.due_text)


@dataclass(frozen=True)
class TransferResult:
    """What recording money did: the request as it is now, the receipt when it was paid in
    full, and any money beyond it."""

    request: RequestInfo
    receipt: payments.ReceiptInfo | None
    transfer_id: int
    over_pence: int


def _awaiting_text(number: str, gross: int, received: int, due_text: str) -> str:
    if received:
        return (f"Awaiting transfer {number} ({format_pence(gross - received)} of "
                f"{format_pence(gross)} still to come, due {due_text})")
    return f"Awaiting transfer {number} ({format_pence(gross)}, due {due_text})"


# --- the office's bank details ---

def bank_details(settings: t.OfficeSettings | None = None) -> BankDetails:
    """The office's bank account as requests print it now."""
    s = settings or office_settings()
    return BankDetails(s.bank_account_name, s.bank_sort_code, s.bank_account_number,
                       s.bank_iban, s.bank_bic)


def missing_bank_details(settings: t.OfficeSettings | None = None) -> list[str]:
    """What a request cannot be issued without, as a sentence names it ([] when complete)."""
    bank = bank_details(settings)
    wanted = (("the account's name", bank.account_name), ("the sort code", bank.sort_code),
              ("the account number", bank.account_number))
    return [name for name, value in wanted if not value]


# --- issuing ---

def _due_on(value: dt.date | None, settings: t.OfficeSettings) -> dt.date:
    today = office_today()
    if value is None:
        return today + dt.timedelta(days=int(settings.request_due_days))
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError("Give the date the payment is due.", "due_on")
    if value < today:
        raise ValidationError("The due date is in the past; give today or a later day.",
                              "due_on")
    if value > today + dt.timedelta(days=MAX_DUE_DAYS):
        raise ValidationError(f"A payment request is due within {MAX_DUE_DAYS} days.", "due_on")
    return value


@retried
def issue_request(actor: Actor, request: RequestInput) -> RequestInfo:
    """Issue the next payment request for a customer's unfunded incidents and/or a season
    ticket, at today's prices; the incidents stay unfunded and wait for the transfer.

    Raises:
        PermissionDenied: the actor may not issue payment requests.
        NotFound: no such customer or incident.
        ValidationError: no bank details set; an incident not the customer's, closed, funded
            or on another open request; a ticket out of range; nothing to ask for; a due date
            in the past or too far ahead.
    """
    with transaction():
        require(actor, EVERYONE, "issue payment requests")
        settings = office_settings()
        missing = missing_bank_details(settings)
        if missing:
            raise ValidationError(
                f"No payment request can be issued: the office's bank details lack "
                f"{' and '.join(missing)}. A manager sets them in Office settings ▸ Bank. "
                "Nothing was issued.", "bank")
        due_on = _due_on(request.due_on, settings)
        customer = get_or_404(t.Customer, request.customer_id, "customer")
        # The same checks and locks as a payment at the counter (incidents by id, each open,
        # unfunded and on no other open request), and the same prices and VAT.
        priced = payments.quote_in_tx(customer.id, request.incident_ids, request.ticket_size,
                                      request.ticket_validity_days)
        if priced.gross_pence <= 0:
            raise ValidationError("There is nothing to ask for; a manager can waive the charge "
                                  "instead.")
        # What the receipt will need when the money arrives, asked for now: money that has
        # arrived must never wait on a detail nobody can fill in at the time.
        payments.check_receipts_allowed(settings)
        if priced.full_invoice_required and not payments.customer_address(customer):
            raise ValidationError(
                f"The receipt for more than £250 will be a full VAT invoice, which needs the "
                f"customer's address: add {customer.name}'s address first. Nothing was issued.",
                "customer")
        number = next_number("payment_request")
        bank = bank_details(settings)
        row = t.PaymentRequest.create(
            number=number, reference=payment_reference(number), customer=customer.id,
            customer_name=payments.receipt_customer_name(customer.name, customer.company),
            customer_address=payments.customer_address(customer),
            net_pence=priced.net_pence, vat_pence=priced.vat_pence,
            gross_pence=priced.gross_pence, due_on=due_on, state=OPEN,
            bank_account_name=bank.account_name, bank_sort_code=bank.sort_code,
            bank_account_number=bank.account_number, bank_iban=bank.iban, bank_bic=bank.bic,
            issued_by=actor.id, issued_at=utcnow())
        position = 0
        for incident_id in priced.ticket_funds:
            position += 1
            t.PaymentRequestLine.create(
                request=row.id, position=position, kind=LineKind.INCIDENT, incident=incident_id,
                from_ticket=True, description=_incident_text(incident_id))
        for line in priced.lines:
            position += 1
            t.PaymentRequestLine.create(
                request=row.id, position=position, kind=line.kind, incident=line.incident_id,
                description=line.description, net_pence=line.net_pence,
                vat_rate_bp=line.vat_rate_bp, vat_pence=line.vat_pence,
                gross_pence=line.gross_pence, ticket_size=line.ticket_size,
                ticket_validity_days=line.ticket_validity_days)
        text = payment_request_text(number)
        due_text = date_text(due_on)
        for incident_id in [*priced.ticket_funds,
                            *(ln.incident_id for ln in priced.lines if ln.incident_id)]:
            incident_event(actor, incident_id,
                           f"Payment request {text} issued: {format_pence(priced.gross_pence)} "
                           f"by bank transfer, reference {row.reference}, due {due_text}.")
        audit(actor, "payment_request.issue", "payment_request", row.id, None,
              {**snapshot(row), "number": text})
    return request_info(row.id)


def _incident_text(incident_id: int) -> str:
    number, subject = tuples(t.Incident.select(t.Incident.number, t.Incident.subject)
                             .where(t.Incident.id == incident_id))[0]
    return f"{incident_reference(number)} — {subject}"[:300]


# --- reading ---

def _status(state: str, received: int, due_on: dt.date, today: dt.date) -> str:
    if state != OPEN:
        return state
    if due_on < today:
        return "overdue"
    return "part_paid" if received else OPEN


def _received(request_ids: Sequence[int]) -> dict[int, int]:
    if not request_ids:
        return {}
    return {int(rid): int(total or 0) for rid, total in tuples(
        t.BankTransfer.select(t.BankTransfer.request, fn.SUM(t.BankTransfer.amount_pence))
        .where(t.BankTransfer.request.in_(list(request_ids)))
        .group_by(t.BankTransfer.request))}


def _items(request_ids: Sequence[int]) -> dict[int, str]:
    items: dict[int, list[str]] = {int(i): [] for i in request_ids}
    if not request_ids:
        return {}
    for rid, kind, number, size in tuples(
            t.PaymentRequestLine.select(t.PaymentRequestLine.request, t.PaymentRequestLine.kind,
                                        t.Incident.number, t.PaymentRequestLine.ticket_size)
            .join(t.Incident, JOIN.LEFT_OUTER,
                  on=(t.PaymentRequestLine.incident == t.Incident.id))
            .where(t.PaymentRequestLine.request.in_(list(request_ids)))
            .order_by(t.PaymentRequestLine.request, t.PaymentRequestLine.position)):
        items[int(rid)].append(incident_reference(number) if LineKind(kind) is LineKind.INCIDENT
                               else f"Season ticket ({size})")
    return {rid: ", ".join(texts) for rid, texts in items.items()}


def _summaries(rows: Sequence[t.PaymentRequest]) -> list[RequestSummary]:
    ids = [r.id for r in rows]
    received = _received(ids)
    items = _items(ids)
    payment_ids = [r.__data__["payment"] for r in rows if r.__data__.get("payment")]
    receipts = {int(pid): receipt_text(n) for pid, n in tuples(
        t.Payment.select(t.Payment.id, t.Payment.receipt_number)
        .where(t.Payment.id.in_(payment_ids)))} if payment_ids else {}
    customer_ids = sorted({r.__data__["customer"] for r in rows})
    customers = {c.id: c for c in t.Customer.select().where(t.Customer.id.in_(customer_ids))} \
        if customer_ids else {}
    today = office_today()
    out = []
    for r in rows:
        c = customers[r.__data__["customer"]]
        got = received.get(r.id, 0)
        out.append(RequestSummary(
            request_id=r.id, number=payment_request_text(r.number), reference=r.reference,
            customer_id=c.id, account_code=c.account_code,
            customer_name=payments.receipt_customer_name(c.name, c.company),
            customer_phone=c.phone, customer_email=_customer_email(c),
            gross_pence=r.gross_pence, received_pence=got, due_on=r.due_on,
            issued_at=r.issued_at, state=r.state,
            status=_status(r.state, got, r.due_on, today), items=items.get(r.id, ""),
            receipt_number=receipts.get(r.__data__.get("payment") or 0),
            reminded_at=r.reminded_at))
    return out


def _customer_email(customer: t.Customer) -> str:
    if customer.email:
        return str(customer.email)
    primary = (t.Contact.select(t.Contact.email)
               .where((t.Contact.customer == customer.id) & (t.Contact.email != ""))
               .order_by(t.Contact.is_primary.desc(), t.Contact.id).scalar())
    return str(primary or "")


def _find_row(number_or_id: str | int) -> t.PaymentRequest:
    if isinstance(number_or_id, int) and not isinstance(number_or_id, bool):
        return get_or_404(t.PaymentRequest, number_or_id, "payment request")
    text = str(number_or_id).strip()
    found = find_reference(text)
    number = found.number if found is not None else PAYMENT_REQUEST.find(text)
    if number is None:
        raise ValidationError(f"“{text}” is not a payment request number such as PR-000012 "
                              "or a reference such as PR12-X.")
    if found is not None and found.check and not found.check_ok:
        raise ValidationError(f"“{text}” is not a valid payment reference: its last character "
                              "does not match (mistyped?).")
    row = t.PaymentRequest.get_or_none(t.PaymentRequest.number == number)
    other = found.checked_reading() if found is not None else None
    if row is None and other is not None:  # "PR389" typed for PR38-9
        row = t.PaymentRequest.get_or_none(t.PaymentRequest.number == other.number)
    if row is None:
        raise NotFound(f"There is no payment request {payment_request_text(number)}.")
    return row


def request_info(number_or_id: str | int) -> RequestInfo:
    """A request by id (an int), number as printed ("PR-000012", "12") or reference ("PR12-X").

    Raises:
        NotFound: no such request.
        ValidationError: the text is no request number or reference, or its check character
            is wrong.
    """
    with read_snapshot():
        row = _find_row(number_or_id)
        summary = _summaries([row])[0]
        zone = office_zone()
        lines = list(t.PaymentRequestLine.select()
                     .where(t.PaymentRequestLine.request == row.id)
                     .order_by(t.PaymentRequestLine.position))
        refs = {int(i): incident_reference(n) for i, n in tuples(
            t.Incident.select(t.Incident.id, t.Incident.number)
            .where(t.Incident.id.in_([ln.__data__["incident"] for ln in lines
                                      if ln.__data__.get("incident")])))}
        rows = list(t.BankTransfer.select().where(t.BankTransfer.request == row.id)
                    .order_by(t.BankTransfer.received_on, t.BankTransfer.id))
        by_rate: dict[int, list[int]] = {}
        out_lines = []
        for ln in lines:
            incident_id = ln.__data__.get("incident")
            out_lines.append(RequestLine(
                LineKind(ln.kind), ln.description, ln.net_pence, ln.vat_rate_bp,
                format_rate(ln.vat_rate_bp), ln.vat_pence, ln.gross_pence,
                incident_id=incident_id, incident_reference=refs.get(incident_id or 0),
                from_ticket=bool(ln.from_ticket), ticket_size=ln.ticket_size,
                ticket_validity_days=ln.ticket_validity_days))
            if not ln.from_ticket:
                totals = by_rate.setdefault(ln.vat_rate_bp, [0, 0])
                totals[0] += ln.net_pence
                totals[1] += ln.vat_pence
        users = {int(i): name for i, name in tuples(
            t.User.select(t.User.id, t.User.full_name).where(t.User.id.in_(
                [row.__data__["issued_by"], row.__data__.get("cancelled_by") or 0]
                + [tr.__data__["recorded_by"] for tr in rows])))}
        transfers = tuple(
            TransferInfo(tr.id, tr.received_on, tr.amount_pence, tr.bank_reference,
                         tr.statement_key is not None, users.get(tr.__data__["recorded_by"], ""),
                         tr.recorded_at)
            for tr in rows)
        # Made out as it was issued: the name and address the receipt will carry.
        asked = {name: getattr(summary, name) for name in RequestSummary.__dataclass_fields__}
        asked["customer_name"] = row.customer_name or summary.customer_name
        return RequestInfo(
            **asked, sequence_number=row.number, customer_address=row.customer_address,
            lines=tuple(out_lines), net_pence=row.net_pence, vat_pence=row.vat_pence,
            vat_by_rate=tuple((rate, n, v) for rate, (n, v) in sorted(by_rate.items())),
            issued_by=users.get(row.__data__["issued_by"], ""),
            bank=BankDetails(row.bank_account_name, row.bank_sort_code,
                             row.bank_account_number, row.bank_iban, row.bank_bic),
            office=office_details.details_at(row.issued_at),
            due_text=date_text(row.due_on, zone), transfers=transfers,
            cancelled_by=users.get(row.__data__.get("cancelled_by") or 0, ""),
            cancelled_at=row.cancelled_at, cancel_reason=row.cancel_reason,
            version=row.version)


_AMOUNT = re.compile(r"£?\s*\d[\d,]*(\.\d{1,2})?")


def find_requests(text: str = "", *, states: Iterable[str] | None = None,
                  overdue_only: bool = False, customer_id: int | None = None,
                  issued_from: dt.date | None = None, issued_to: dt.date | None = None,
                  limit: int = 200) -> list[RequestSummary]:
    """Requests, newest first, found by reference or number ("PR12-X", "PR-000012"), by the
    customer (name, company or account code), or by amount ("90", "£90.00": the request's total
    or what is still to come); limited to ``states`` (OPEN, PAID, CANCELLED), to those past
    their due date, to one customer, or to those issued in a period (office dates).
    """
    with read_snapshot():
        query = t.PaymentRequest.select().join(
            t.Customer, on=(t.PaymentRequest.customer == t.Customer.id))
        wanted = list(states) if states is not None else None
        if wanted is not None:
            query = query.where(t.PaymentRequest.state.in_(wanted))
        if overdue_only:
            query = query.where((t.PaymentRequest.state == OPEN)
                                & (t.PaymentRequest.due_on < office_today()))
        if customer_id is not None:
            query = query.where(t.PaymentRequest.customer == customer_id)
        zone = office_zone()
        if issued_from is not None:
            query = query.where(t.PaymentRequest.issued_at >= utc_start(issued_from, zone))
        if issued_to is not None:
            query = query.where(t.PaymentRequest.issued_at
                                < utc_start(issued_to + dt.timedelta(days=1), zone))
        needle = (text or "").strip()
        if needle:
            query = query.where(_matching(needle))
        rows = list(query.order_by(t.PaymentRequest.number.desc()).limit(max(1, int(limit))))
        return _summaries(rows)


def _matching(needle: str) -> object:
    found = find_reference(needle)
    other = found.checked_reading() if found is not None else None
    if other is not None:  # "PR389": PR-000389, or PR38-9 typed without its dash
        return t.PaymentRequest.number.in_([found.number, other.number])  # type: ignore[union-attr]
    number = found.number if found is not None else PAYMENT_REQUEST.find(needle,
                                                                         prefix_required=True)
    if number is not None:
        return t.PaymentRequest.number == number
    if _AMOUNT.fullmatch(needle):
        try:
            pence = parse_pence(needle, allow_zero=False)
        except ValidationError:
            pence = None
        if pence is not None:
            received = (t.BankTransfer.select(fn.COALESCE(fn.SUM(t.BankTransfer.amount_pence), 0))
                        .where(t.BankTransfer.request == t.PaymentRequest.id))
            return ((t.PaymentRequest.gross_pence == pence)
                    | ((t.PaymentRequest.state == OPEN)
                       & (t.PaymentRequest.gross_pence - received == pence)))
    like = f"%{needle.lower()}%"
    return (fn.LOWER(t.Customer.name).contains(needle.lower())
            | fn.LOWER(t.Customer.company) ** like
            | (fn.LOWER(t.Customer.account_code) == needle.lower()))


def awaiting_transfer(incident_ids: Iterable[int]) -> dict[int, str]:
    """For each of these incidents on an open request, what it is waiting for:
    "Awaiting transfer PR-000001 (£90.00, due 19 Dec 2026)"."""
    ids = sorted({int(i) for i in incident_ids})
    if not ids:
        return {}
    rows = tuples(
        t.PaymentRequestLine.select(t.PaymentRequestLine.incident, t.PaymentRequest.id,
                                    t.PaymentRequest.number, t.PaymentRequest.gross_pence,
                                    t.PaymentRequest.due_on)
        .join(t.PaymentRequest, on=(t.PaymentRequestLine.request == t.PaymentRequest.id))
        .where(t.PaymentRequestLine.incident.in_(ids) & (t.PaymentRequest.state == OPEN)))
    received = _received([int(r[1]) for r in rows])
    zone = office_zone()
    return {int(incident): _awaiting_text(payment_request_text(number), gross,
                                          received.get(int(rid), 0), date_text(due, zone))
            for incident, rid, number, gross, due in rows}


#: How far apart the day a desk typed and the day on the bank's statement may be for the
#: same money (a weekend, a bank holiday).
SAME_MONEY_DAYS = 4


def hand_recorded(request_id: int, received_on: dt.date, amount_pence: int) -> dt.date | None:
    """The day of a transfer recorded by hand for the request with this amount, within
    :data:`SAME_MONEY_DAYS` of ``received_on``: a statement line that is the same money, which
    must not be recorded again. None when there is none."""
    days = dt.timedelta(days=SAME_MONEY_DAYS)
    found = (t.BankTransfer.select(t.BankTransfer.received_on)
             .where((t.BankTransfer.request == request_id)
                    & t.BankTransfer.statement_key.is_null()
                    & (t.BankTransfer.amount_pence == amount_pence)
                    & t.BankTransfer.received_on.between(received_on - days,
                                                         received_on + days))
             .order_by(t.BankTransfer.received_on).scalar())
    return found  # type: ignore[no-any-return]


def statement_keys_recorded(keys: Iterable[str]) -> dict[str, str]:
    """Of these statement lines' keys, those recorded already, with the request each went to
    ("PR-000001")."""
    wanted = sorted(set(keys))
    out: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        for key, number in tuples(
                t.BankTransfer.select(t.BankTransfer.statement_key, t.PaymentRequest.number)
                .join(t.PaymentRequest, on=(t.BankTransfer.request == t.PaymentRequest.id))
                .where(t.BankTransfer.statement_key.in_(wanted[start:start + 500]))):
            out[str(key)] = payment_request_text(number)
    return out


# --- the money arriving ---

def _taken_at(received_on: dt.date) -> dt.datetime:
    """The receipt's tax point for money that arrived on ``received_on``: now when that is
    today, else midday of that day in the office's time zone."""
    if received_on == office_today():
        return utcnow()
    zone = office_zone()
    local = dt.datetime.combine(received_on, _NOON, tzinfo=zone)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _priced(row: t.PaymentRequest, lines: Sequence[t.PaymentRequestLine],
            settings: t.OfficeSettings) -> tuple[payments.Quote, payments.PaymentInput]:
    charged = [ln for ln in lines if not ln.from_ticket]
    from_ticket = tuple(int(ln.__data__["incident"]) for ln in lines if ln.from_ticket)
    quote_lines = tuple(payments.QuoteLine(
        LineKind(ln.kind), ln.description, ln.net_pence, ln.vat_rate_bp, ln.vat_pence,
        ln.gross_pence, incident_id=ln.__data__.get("incident"), ticket_size=ln.ticket_size,
        ticket_validity_days=ln.ticket_validity_days) for ln in charged)
    gross = sum(ln.gross_pence for ln in quote_lines)
    full = bool(settings.vat_registered) and gross > payments.FULL_INVOICE_ABOVE_PENCE
    quote = payments.Quote(row.__data__["customer"], quote_lines,
                           sum(ln.net_pence for ln in quote_lines),
                           sum(ln.vat_pence for ln in quote_lines), gross, full, from_ticket)
    ticket = next((ln for ln in charged if LineKind(ln.kind) is LineKind.SEASON_TICKET), None)
    incident_ids = (*from_ticket, *(ln.incident_id for ln in quote_lines if ln.incident_id))
    return quote, payments.PaymentInput(
        customer_id=row.__data__["customer"], incident_ids=tuple(int(i) for i in incident_ids),
        ticket_size=ticket.ticket_size if ticket else None,
        ticket_validity_days=ticket.ticket_validity_days if ticket else None,
        method=PaymentMethod.BANK_TRANSFER, bank_reference=row.reference)


@retried
def record_transfer(actor: Actor, request_id: int, *, received_on: dt.date, amount_pence: int,
                    bank_reference: str = "", statement_key: str | None = None
                    ) -> TransferResult:
    """Record money that arrived for a request. When what has arrived covers the request,
    its receipt is issued (tax point: the day this money arrived), its incidents are funded
    and queued and it is paid: one transaction, or nothing.

    Raises:
        PermissionDenied: the actor may not record transfers.
        NotFound: no such request.
        ValidationError: the request is paid or cancelled; an amount of nothing or too much;
            a date in the future or before the request was issued; a full card number in the
            bank's reference; a statement line recorded before, or one that is money recorded
            by hand already; the office cannot issue receipts (VAT details missing).
    """
    screened_text(bank_reference if isinstance(bank_reference, str) else "", "bank_reference",
                  "bank's reference")
    with transaction(), counts_in_one_pass():
        require(actor, EVERYONE, "record bank transfers")
        if not isinstance(amount_pence, int) or isinstance(amount_pence, bool) \
                or not 0 < amount_pence <= MAX_PENCE:
            raise ValidationError("Give the amount that arrived.", "amount_pence")
        if not isinstance(received_on, dt.date) or isinstance(received_on, dt.datetime):
            raise ValidationError("Give the date the money arrived.", "received_on")
        if received_on > office_today():
            raise ValidationError("The money cannot have arrived after today.", "received_on")
        reference = screened_text(bank_reference, "bank_reference", "bank's reference")[:140]
        # The first lock of this transaction: a second desk recording for the same request
        # waits here, then sees the first desk's money and the request's new state.
        row = get_or_404(t.PaymentRequest, request_id, "payment request", lock=True)
        text = payment_request_text(row.number)
        if statement_key is not None:
            seen = t.BankTransfer.get_or_none(t.BankTransfer.statement_key == statement_key)
            if seen is not None:
                raise ValidationError(
                    f"That statement line was recorded already, on "
                    f"{payment_request_text(seen.request.number)}; nothing was recorded.",
                    "statement_key")
        if row.state == PAID:
            receipt = receipt_text(t.Payment.select(t.Payment.receipt_number)
                                   .where(t.Payment.id == row.__data__["payment"]).scalar())
            raise ValidationError(f"{text} is paid already (receipt {receipt}); nothing was "
                                  "recorded.", "request")
        if row.state == CANCELLED:
            raise ValidationError(f"{text} was cancelled ({row.cancel_reason}); nothing was "
                                  "recorded.", "request")
        issued_on = office_date(row.issued_at)
        if received_on < issued_on:
            raise ValidationError(
                f"{text} was issued on {date_text(issued_on)}: its money cannot have arrived "
                "before that. Check the date.", "received_on")
        if statement_key is not None:
            by_hand = hand_recorded(row.id, received_on, amount_pence)
            if by_hand is not None:
                raise ValidationError(
                    f"{format_pence(amount_pence)} for {text} was recorded by hand already "
                    f"(arrived {date_text(by_hand)}); the statement line is that money, and "
                    "nothing was recorded again.", "statement_key")
        before = _received([row.id]).get(row.id, 0)
        total = before + amount_pence
        payment = None
        if total >= row.gross_pence:
            # Paid: the request stops guarding its incidents before the receipt funds them.
            # The receipt comes first (it locks the incidents, then the numbers and chains:
            # the lock order); the transfer's own chain and the audit follow.
            row.state = PAID
            row.version += 1
            row.save()
            lines = list(t.PaymentRequestLine.select()
                         .where(t.PaymentRequestLine.request == row.id)
                         .order_by(t.PaymentRequestLine.position))
            settings = office_settings()
            quote, paying = _priced(row, lines, settings)
            payment = payments.take_payment_in_tx(
                actor, paying, taken_at=_taken_at(received_on), priced=quote,
                billed_to=(row.customer_name, row.customer_address))
            row.payment = payment
            row.save()
        transfer = t.BankTransfer(
            request=row.id, received_on=received_on, amount_pence=amount_pence,
            bank_reference=reference, statement_key=statement_key, recorded_by=actor.id,
            recorded_at=utcnow())
        transfer.prev_hash, transfer.row_hash = chain_append(TRANSFER_CHAIN,
                                                             transfer_content(transfer))
        try:
            with db.atomic():  # a savepoint: PostgreSQL's transaction survives the refusal
                transfer.save(force_insert=True)
        except IntegrityError:
            # Another desk recorded this statement line, for another request, meanwhile.
            raise ValidationError("That statement line was recorded already at another desk; "
                                  "nothing was recorded.", "statement_key") from None
        audit(actor, "payment_request.transfer", "payment_request", row.id,
              {"received_pence": before},
              {"received_pence": total, "transfer": snapshot(transfer), "number": text})
        if payment is not None:
            receipt = receipt_text(payment.receipt_number)
            audit(actor, "payment_request.paid", "payment_request", row.id, {"state": OPEN},
                  {"state": PAID, "receipt": receipt, "number": text})
            # The funding's own event names the receipt; this one the request and the day.
            event = f"{text} paid: the bank transfer arrived on {date_text(received_on)}."
        else:
            event = (f"Part of the bank transfer for {text} arrived: {format_pence(total)} of "
                     f"{format_pence(row.gross_pence)}.")
        for (incident_id,) in tuples(
                t.PaymentRequestLine.select(t.PaymentRequestLine.incident)
                .where((t.PaymentRequestLine.request == row.id)
                       & t.PaymentRequestLine.incident.is_null(False))):
            incident_event(actor, int(incident_id), event)
    return TransferResult(
        request_info(row.id),
        payments.receipt_info(payment.id, copy=False) if payment is not None else None,
        transfer.id, max(0, total - row.gross_pence))


@retried
def cancel_request(actor: Actor, request_id: int, reason: str) -> RequestInfo:
    """A manager cancels an open request, with a reason; its incidents are awaiting payment
    again, to be paid another way or asked for anew. Money that arrived for it stays on the
    record, shown for the office to return.

    Raises:
        PermissionDenied: the actor is not a manager.
        NotFound: no such request.
        ValidationError: no reason; the request is paid or cancelled already.
    """
    with transaction():
        require(actor, MANAGERS, "cancel payment requests")
        why = screened_text(reason, "reason")
        if not why:
            raise ValidationError("Give the reason for cancelling the request.", "reason")
        row = get_or_404(t.PaymentRequest, request_id, "payment request", lock=True)
        text = payment_request_text(row.number)
        if row.state != OPEN:
            raise ValidationError(f"{text} is {row.state} already; nothing was changed.",
                                  "request")
        before = snapshot(row)
        row.state = CANCELLED
        row.__data__["cancelled_by"] = actor.id
        row.cancelled_at = utcnow()
        row.cancel_reason = why
        row.version += 1
        row.save()
        for (incident_id,) in tuples(
                t.PaymentRequestLine.select(t.PaymentRequestLine.incident)
                .where((t.PaymentRequestLine.request == row.id)
                       & t.PaymentRequestLine.incident.is_null(False))):
            incident_event(actor, int(incident_id),
                           f"Payment request {text} cancelled: {why}. Awaiting payment again.")
        audit(actor, "payment_request.cancel", "payment_request", row.id, before,
              {**snapshot(row), "number": text})
    return request_info(row.id)


@retried
def mark_reminded(actor: Actor, request_id: int) -> RequestInfo:
    """Note that a reminder was sent for an open request (the overdue view shows when).

    Raises:
        PermissionDenied: the actor may not chase payment requests.
        NotFound: no such request.
        ValidationError: the request is not open.
    """
    with transaction():
        require(actor, EVERYONE, "chase payment requests")
        row = get_or_404(t.PaymentRequest, request_id, "payment request", lock=True)
        text = payment_request_text(row.number)
        if row.state != OPEN:
            raise ValidationError(f"{text} is {row.state}; no reminder is needed.", "request")
        before = {"reminded_at": row.reminded_at}
        row.reminded_at = utcnow()
        row.save()
        for (incident_id,) in tuples(
                t.PaymentRequestLine.select(t.PaymentRequestLine.incident)
                .where((t.PaymentRequestLine.request == row.id)
                       & t.PaymentRequestLine.incident.is_null(False))):
            incident_event(actor, int(incident_id), f"Reminder sent for payment request {text}.")
        audit(actor, "payment_request.remind", "payment_request", row.id, before,
              {"reminded_at": row.reminded_at, "number": text})
    return request_info(row.id)

