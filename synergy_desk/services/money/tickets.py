"""Season tickets: balances from the append-only ledger, expiry, manager adjustments, statements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from peewee import JOIN, fn

from synergy_desk.domain.enums import IncidentStatus, LedgerKind, Resolution
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.numbers import receipt_text
from synergy_desk.domain.text import screened_text
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    EVERYONE,
    MANAGERS,
    Actor,
    audit,
    chain_append,
    for_update,
    get_or_404,
    in_transaction,
    read_snapshot,
    require,
    retried,
    transaction,
    tuples,
)
from synergy_desk.services.money.chains import LEDGER_CHAIN, ledger_content
from synergy_desk.services.office.office_time import date_text, office_zone

__all__ = [
    "MIN_TICKET_SIZE", "MAX_TICKET_SIZE", "LEDGER_LABELS", "append_ledger", "lock_tickets",
    "balance", "balances", "TicketInfo", "ticket_info", "tickets_for_customer", "live_tickets",
    "TicketUse", "ticket_use", "expire_tickets", "adjust", "LedgerRow", "TicketIncident",
    "StatementTicket", "TicketStatement", "statement",
]

#: Season tickets hold between one and ten incidents.
MIN_TICKET_SIZE = 1
MAX_TICKET_SIZE = 10

LEDGER_LABELS = {
    LedgerKind.PURCHASE: "Bought",
    LedgerKind.REDEMPTION: "Incident",
    LedgerKind.RECREDIT: "Re-credited",
    LedgerKind.EXPIRY: "Lapsed at expiry",
    LedgerKind.ADJUSTMENT: "Adjusted by a manager",
    LedgerKind.CANCELLATION: "Cancelled (refunded)",
}


# --- small helpers the money services share ---

# --- the ledger ---

@in_transaction
def append_ledger(user_id: int, ticket: t.SeasonTicket, kind: LedgerKind, delta: int, *,
                  incident: t.Incident | int | None = None, reason: str = "") -> t.TicketLedger:
    """Append one chained row to a ticket's ledger, inside the caller's transaction.

    The caller has locked the ticket (:func:`lock_tickets`) and checked the new balance.
    """
    entry = t.TicketLedger(ticket=ticket.id, kind=kind, delta=int(delta),
                           incident=incident, reason=reason, user=user_id, created_at=utcnow())
    entry.prev_hash, entry.row_hash = chain_append(LEDGER_CHAIN, ledger_content(entry))
    entry.save(force_insert=True)
    return entry


@in_transaction
def lock_tickets(ticket_ids: Iterable[int]) -> dict[int, t.SeasonTicket]:
    """Lock season tickets (in id order, so two desks never deadlock) inside the caller's transaction."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return {}
    query = t.SeasonTicket.select().where(t.SeasonTicket.id.in_(ids)).order_by(t.SeasonTicket.id)
    return {row.id: row for row in _locked(query)}


def _locked(query: Any) -> list[t.SeasonTicket]:
    rows: list[t.SeasonTicket] = list(for_update(query))
    return rows


def balance(ticket_id: int) -> int:
    """The number of incidents left on a ticket: the sum of its ledger, never a stored counter."""
    total = (t.TicketLedger.select(fn.COALESCE(fn.SUM(t.TicketLedger.delta), 0))
             .where(t.TicketLedger.ticket == ticket_id).scalar())
    return int(total or 0)


def _sums(ticket_ids: Iterable[int], up_to_entry: int | None = None
          ) -> dict[int, dict[LedgerKind, int]]:
    """Sum of deltas per ticket and ledger kind (optionally up to and including one entry)."""
    ids = list(set(ticket_ids))
    out: dict[int, dict[LedgerKind, int]] = {i: {} for i in ids}
    if not ids:
        return out
    query = (t.TicketLedger
             .select(t.TicketLedger.ticket, t.TicketLedger.kind, fn.SUM(t.TicketLedger.delta))
             .where(t.TicketLedger.ticket.in_(ids)))
    if up_to_entry is not None:
        query = query.where(t.TicketLedger.id <= up_to_entry)
    for ticket_id, kind, total in tuples(query.group_by(t.TicketLedger.ticket,
                                                        t.TicketLedger.kind)):
        out[int(ticket_id)][LedgerKind(kind)] = int(total)
    return out


def balances(ticket_ids: Iterable[int]) -> dict[int, int]:
    """Balances of several tickets in one query."""
    return {i: sum(k.values()) for i, k in _sums(ticket_ids).items()}


def _used(sums: dict[LedgerKind, int]) -> int:
    # Incidents paid for: redemptions net of the ones handed back.
    return -(sums.get(LedgerKind.REDEMPTION, 0) + sums.get(LedgerKind.RECREDIT, 0))


@dataclass(frozen=True)
class TicketInfo:
    """One season ticket as the customer panel, a receipt and a statement show it."""

    id: int
    customer_id: int
    size: int
    used: int
    left: int
    lapsed: int
    cancelled: int
    purchased_at: dt.datetime
    expires_at: dt.datetime
    expires_text: str
    state: str  # "live", "used up", "expired" or "cancelled"
    price_pence: int
    receipt_number: str | None

    @property
    def is_live(self) -> bool:
        return self.state == "live"

    @property
    def summary(self) -> str:
        if self.state == "live":
            return f"{self.left} of {self.size} left, expires {self.expires_text}"
        if self.state == "used up":
            return f"all {self.size} used, would have expired {self.expires_text}"
        if self.state == "cancelled":
            return f"cancelled (refunded), {self.used} of {self.size} used"
        lapsed = f", {self.lapsed} lapsed" if self.lapsed else ""
        return f"expired {self.expires_text}, {self.used} of {self.size} used{lapsed}"


def _state(ticket: t.SeasonTicket, sums: dict[LedgerKind, int], now: dt.datetime) -> str:
    # A refund always writes its cancellation, even of nothing left: its presence decides.
    if LedgerKind.CANCELLATION in sums:
        return "cancelled"
    if ticket.expires_at <= now:
        return "expired"
    if sum(sums.values()) <= 0:
        return "used up"
    return "live"


def _receipts_for(ticket_ids: list[int]) -> dict[int, str]:
    rows = tuples(t.PaymentLine.select(t.PaymentLine.ticket, t.Payment.receipt_number)
                  .join(t.Payment).where(t.PaymentLine.ticket.in_(ticket_ids))) if ticket_ids else []
    return {int(tid): receipt_text(n) for tid, n in rows}


def _infos(tickets: list[t.SeasonTicket], now: dt.datetime) -> list[TicketInfo]:
    ids = [tk.id for tk in tickets]
    sums = _sums(ids)
    receipts = _receipts_for(ids)
    zone = office_zone()
    out = []
    for tk in tickets:
        s = sums[tk.id]
        out.append(TicketInfo(
            id=tk.id, customer_id=tk.__data__["customer"], size=tk.size, used=_used(s),
            left=max(0, sum(s.values())), lapsed=-s.get(LedgerKind.EXPIRY, 0),
            cancelled=-s.get(LedgerKind.CANCELLATION, 0), purchased_at=tk.purchased_at,
            expires_at=tk.expires_at, expires_text=date_text(tk.expires_at, zone),
            state=_state(tk, s, now), price_pence=tk.price_pence,
            receipt_number=receipts.get(tk.id)))
    return out


def ticket_info(ticket_id: int, now: dt.datetime | None = None) -> TicketInfo:
    ticket = get_or_404(t.SeasonTicket, ticket_id, "season ticket")
    return _infos([ticket], now or utcnow())[0]


def tickets_for_customer(customer_id: int, now: dt.datetime | None = None) -> list[TicketInfo]:
    """Every season ticket of a customer, earliest-expiring first, with what is used and left."""
    get_or_404(t.Customer, customer_id, "customer")
    tickets = list(t.SeasonTicket.select().where(t.SeasonTicket.customer == customer_id)
                   .order_by(t.SeasonTicket.expires_at, t.SeasonTicket.id))
    return _infos(tickets, now or utcnow())


def live_tickets(customer_id: int, now: dt.datetime, *, lock: bool = False
                 ) -> list[tuple[t.SeasonTicket, int]]:
    """A customer's tickets that can still be redeemed, earliest-expiring first, with balances.

    With ``lock`` the tickets are locked for the caller's transaction, so two desks cannot
    redeem the same last incident.
    """
    query = (t.SeasonTicket.select()
             .where((t.SeasonTicket.customer == customer_id) & (t.SeasonTicket.expires_at > now))
             .order_by(t.SeasonTicket.expires_at, t.SeasonTicket.id))
    found = _locked(query.order_by(t.SeasonTicket.id)) if lock else list(query)
    found.sort(key=lambda tk: (tk.expires_at, tk.id))
    sums = _sums(tk.id for tk in found)
    out = []
    for tk in found:
        left = sum(sums[tk.id].values())
        if left > 0 and LedgerKind.CANCELLATION not in sums[tk.id]:
            out.append((tk, left))
    return out


@dataclass(frozen=True)
class TicketUse:
    """One incident redeemed from a season ticket, as the customer is told about it."""

    ticket_id: int
    incident_id: int
    incident_reference: str
    used: int
    size: int
    left: int
    expires_at: dt.datetime
    redeemed_at: dt.datetime
    text: str  # "incident 4 of 10 used, 6 left, expires 12 Mar 2027"


def ticket_use(entry: t.TicketLedger) -> TicketUse:
    """What one redemption meant at the time it was made (stable however the ticket moves on)."""
    ticket = entry.ticket
    sums = _sums([ticket.id], up_to_entry=entry.id)[ticket.id]
    used, left = _used(sums), sum(sums.values())
    expires = date_text(ticket.expires_at)
    incident = t.Incident.get_by_id(entry.__data__["incident"])
    return TicketUse(ticket.id, incident.id, incident.reference, used, ticket.size, left,
                     ticket.expires_at, entry.created_at,
                     f"incident {used} of {ticket.size} used, {left} left, expires {expires}")


# --- use cases ---

@retried
def expire_tickets(actor: Actor | None, now: dt.datetime | None = None) -> int:
    """Lapse what is left on every ticket past its expiry; returns how many tickets lapsed.

    Each such ticket gets one EXPIRY entry of minus its balance, and an audit row saying how
    many incidents lapsed. Running it again finds nothing more to do. Automatic runs (no
    actor) are attributed in the ledger to the person who sold the ticket, since every ledger
    row names a user; the reason says it was automatic.
    """
    now = now or utcnow()
    # Finding them reads every expired ticket's ledger (half a second in a large office):
    # done without the write lock, so no desk waits; usually it finds none.
    with read_snapshot():
        if actor is not None:
            require(actor, EVERYONE, "lapse expired season tickets")
        candidates = [row[0] for row in tuples(
            t.SeasonTicket.select(t.SeasonTicket.id)
            .join(t.TicketLedger)
            .where(t.SeasonTicket.expires_at <= now)
            .group_by(t.SeasonTicket.id)
            .having(fn.SUM(t.TicketLedger.delta) > 0))]
    if not candidates:
        return 0
    with transaction():
        if actor is not None:
            require(actor, EVERYONE, "lapse expired season tickets")
        # Locked and counted again: another desk may have lapsed or used them meanwhile.
        tickets = lock_tickets(candidates)
        current = balances(tickets)
        lapsed_tickets = 0
        for ticket_id, ticket in tickets.items():
            left = current[ticket_id]
            if left <= 0:
                continue
            user = actor.id if actor else ticket.__data__["created_by"]
            why = "lapsed at expiry" if actor else "lapsed at expiry (automatic)"
            entry = append_ledger(user, ticket, LedgerKind.EXPIRY, -left, reason=why)
            audit(actor, "ticket.expired", "season_ticket", ticket_id, {"balance": left},
                  {"balance": 0, "lapsed": left, "ledger_entry": entry.id})
            lapsed_tickets += 1
        return lapsed_tickets


@retried
def adjust(actor: Actor, ticket_id: int, delta: int, reason: str) -> TicketInfo:
    """A manager's correction of a live ticket's balance, with a written reason.

    Raises:
        ValidationError: no reason, a zero change, a ticket no longer live, or a balance that
            would fall below nothing or rise above the ticket's size.
    """
    with transaction():
        require(actor, MANAGERS, "adjust season tickets")
        why = screened_text(reason, "reason")
        if not why:
            raise ValidationError("Give the reason for the adjustment.", "reason")
        if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0:
            raise ValidationError("Give the number of incidents to add or take away.", "delta")
        get_or_404(t.SeasonTicket, ticket_id, "season ticket")
        ticket = lock_tickets([ticket_id])[ticket_id]
        now = utcnow()
        sums = _sums([ticket_id])[ticket_id]
        state = _state(ticket, sums, now)
        if state in ("expired", "cancelled"):
            raise ValidationError(
                f"Season ticket {ticket_id} is {state}; only a live ticket can be adjusted.")
        before = sum(sums.values())
        after = before + delta
        if not 0 <= after <= ticket.size:
            raise ValidationError(
                f"Season ticket {ticket_id} has {before} of {ticket.size} left; the balance must "
                f"stay between 0 and {ticket.size}.", "delta")
        entry = append_ledger(actor.id, ticket, LedgerKind.ADJUSTMENT, delta, reason=why)
        audit(actor, "ticket.adjust", "season_ticket", ticket_id, {"balance": before},
              {"balance": after, "delta": delta, "reason": why, "ledger_entry": entry.id})
        return _infos([ticket], now)[0]


@dataclass(frozen=True)
class LedgerRow:
    id: int
    at: dt.datetime
    kind: LedgerKind
    label: str
    delta: int
    balance_after: int
    incident_reference: str | None
    reason: str
    user_name: str


@dataclass(frozen=True)
class TicketIncident:
    """An incident a ticket paid for, and how it ended."""

    incident_id: int
    reference: str
    subject: str
    redeemed_at: dt.datetime
    status: IncidentStatus
    outcome: str  # the resolution or the status, as people read it
    handed_back: bool
    #: Paid for before the ticket was refunded: it keeps its funding (docs/money.md).
    used_before_refund: bool = False


@dataclass(frozen=True)
class StatementTicket:
    ticket: TicketInfo
    entries: tuple[LedgerRow, ...]
    incidents: tuple[TicketIncident, ...]


@dataclass(frozen=True)
class TicketStatement:
    """Every season ticket of a customer, its ledger and the incidents it paid for."""

    customer_id: int
    customer_name: str
    account_code: str
    customer_address: str
    generated_at: dt.datetime
    tickets: tuple[StatementTicket, ...]

    @property
    def total_left(self) -> int:
        return sum(st.ticket.left for st in self.tickets if st.ticket.is_live)


def _outcome(incident: t.Incident) -> str:
    if incident.resolution:
        return Resolution(incident.resolution).label
    return IncidentStatus(incident.status).label


def statement(customer_id: int) -> TicketStatement:
    """Plain data for the season-ticket statement of one customer."""
    customer = get_or_404(t.Customer, customer_id, "customer")
    now = utcnow()
    infos = {i.id: i for i in tickets_for_customer(customer_id, now)}
    entries = list(
        t.TicketLedger.select(t.TicketLedger, t.User.full_name.alias("who"),
                              t.Incident.reference.alias("ref"))
        .join(t.User, on=(t.TicketLedger.user == t.User.id))
        .switch(t.TicketLedger)
        .join(t.Incident, join_type=JOIN.LEFT_OUTER, on=(t.TicketLedger.incident == t.Incident.id))
        .where(t.TicketLedger.ticket.in_(list(infos)))
        .order_by(t.TicketLedger.id).objects())
    incident_ids = {e.__data__["incident"] for e in entries if e.__data__.get("incident")}
    incidents = {i.id: i for i in t.Incident.select().where(t.Incident.id.in_(list(incident_ids)))}
    per_ticket: dict[int, list[LedgerRow]] = {i: [] for i in infos}
    redeemed: dict[int, dict[int, tuple[dt.datetime, int]]] = {i: {} for i in infos}
    running: dict[int, int] = dict.fromkeys(infos, 0)
    refunded: set[int] = set()  # tickets whose cancellation (by a refund) has been passed
    used_before: dict[int, set[int]] = {i: set() for i in infos}
    for e in entries:
        tid = e.__data__["ticket"]
        running[tid] += e.delta
        kind = LedgerKind(e.kind)
        if kind is LedgerKind.CANCELLATION and tid not in refunded:
            refunded.add(tid)
            used_before[tid] = {i for i, (_at, net) in redeemed[tid].items() if net > 0}
        per_ticket[tid].append(LedgerRow(e.id, e.created_at, kind, LEDGER_LABELS[kind], e.delta,
                                         running[tid], getattr(e, "ref", None), e.reason,
                                         getattr(e, "who", "")))
        inc = e.__data__.get("incident")
        if inc and kind in (LedgerKind.REDEMPTION, LedgerKind.RECREDIT):
            first, net = redeemed[tid].get(inc, (e.created_at, 0))
            redeemed[tid][inc] = (first, net - e.delta)
    tickets = []
    for tid, info in infos.items():
        rows = []
        for inc_id, (at, net) in redeemed[tid].items():
            inc = incidents[inc_id]
            rows.append(TicketIncident(inc.id, inc.reference, inc.subject, at,
                                       IncidentStatus(inc.status), _outcome(inc), net <= 0,
                                       net > 0 and inc_id in used_before[tid]))
        tickets.append(StatementTicket(info, tuple(per_ticket[tid]), tuple(rows)))
    return TicketStatement(customer.id, customer.name, customer.account_code,
                           customer.address, now, tuple(tickets))
