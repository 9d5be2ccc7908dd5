"""Season tickets: ledger balances, expiry, adjustments and the statement."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.enums import IncidentStatus, LedgerKind, Resolution
from synergy_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import transaction
from synergy_desk.services.money import funding, tickets
from synergy_desk.services.reporting.integrity import check_tamper
from tests.services.money.test_funding import (
    buy_ticket,
    expire_ticket,
    new_customer,
    new_incident,
    reload,
)


def ledger_sum(ticket_id: int) -> int:
    return sum(e.delta for e in t.TicketLedger.select().where(t.TicketLedger.ticket == ticket_id))


def test_balance_is_the_sum_of_the_ledger(office, manager, product) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(manager, customer, size=10)
    for _ in range(3):
        funding.fund_from_ticket(manager, new_incident(manager, customer, product).id)
    tickets.adjust(manager, ticket_id, +1, "Goodwill for the outage")
    assert tickets.balance(ticket_id) == ledger_sum(ticket_id) == 8
    kinds = [e.kind for e in t.TicketLedger.select().order_by(t.TicketLedger.id)]
    assert kinds == [LedgerKind.PURCHASE] + [LedgerKind.REDEMPTION] * 3 + [LedgerKind.ADJUSTMENT]
    # Nothing but the ledger holds it: a row the ledger gains changes the balance.
    with transaction():
        tickets.append_ledger(manager.id, t.SeasonTicket.get_by_id(ticket_id),
                              LedgerKind.ADJUSTMENT, -2, reason="test")
    assert tickets.balance(ticket_id) == 6
    assert tickets.balances([ticket_id]) == {ticket_id: 6}


def test_every_ledger_row_is_chained(office, manager, product) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(manager, customer, size=4)
    funding.fund_from_ticket(manager, new_incident(manager, customer, product).id)
    tickets.adjust(manager, ticket_id, -1, "Counted twice")
    rows = list(t.TicketLedger.select().order_by(t.TicketLedger.id))
    assert rows[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.row_hash for a, b in zip(rows, rows[1:], strict=False))
    head = t.ChainHead.get_by_id("ticket_ledger")
    assert (head.last_hash, head.length) == (rows[-1].row_hash, 3)
    assert check_tamper() == []


def test_tickets_for_customer_shows_used_left_and_state(office, manager, product) -> None:
    customer = new_customer()
    live = buy_ticket(manager, customer, size=5, days=200)
    used_up = buy_ticket(manager, customer, size=1, days=100)
    old = buy_ticket(manager, customer, size=3, days=300)
    for _ in range(3):  # one from used_up (earliest), then two from live
        funding.fund_from_ticket(manager, new_incident(manager, customer, product).id)
    expire_ticket(old)
    infos = {i.id: i for i in tickets.tickets_for_customer(customer.id)}
    assert (infos[live].size, infos[live].used, infos[live].left, infos[live].state) == (
        5, 2, 3, "live")
    assert infos[live].summary == f"3 of 5 left, expires {infos[live].expires_text}"
    assert (infos[used_up].used, infos[used_up].left, infos[used_up].state) == (1, 0, "used up")
    assert infos[old].state == "expired"
    assert infos[live].receipt_number is not None
    order = [i.id for i in tickets.tickets_for_customer(customer.id)]
    assert order == [old, used_up, live]  # earliest-expiring first
    with pytest.raises(NotFound):
        tickets.tickets_for_customer(99999)


def test_expiry_lapses_what_is_left_once(office, manager, product) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(manager, customer, size=10)
    funding.fund_from_ticket(manager, new_incident(manager, customer, product).id)
    untouched = buy_ticket(manager, customer, size=10)
    expire_ticket(ticket_id)
    assert tickets.expire_tickets(None) == 1
    entry = t.TicketLedger.select().order_by(t.TicketLedger.id.desc()).get()
    assert (entry.kind, entry.delta, entry.__data__["ticket"]) == (LedgerKind.EXPIRY, -9, ticket_id)
    assert entry.reason == "lapsed at expiry (automatic)"
    assert tickets.balance(ticket_id) == 0
    info = tickets.ticket_info(ticket_id)
    assert (info.state, info.used, info.lapsed) == ("expired", 1, 9)
    assert "9 lapsed" in info.summary
    assert tickets.balance(untouched) == 10
    audit = t.AuditLog.get(t.AuditLog.action == "ticket.expired")
    assert '"lapsed":9' in audit.after
    rows = t.TicketLedger.select().count()
    assert tickets.expire_tickets(manager) == 0  # idempotent
    assert t.TicketLedger.select().count() == rows


def test_expiry_as_of_a_later_date(office, manager) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(manager, customer, size=2, days=30)
    assert tickets.expire_tickets(manager, now=utcnow() + dt.timedelta(days=29)) == 0
    assert tickets.expire_tickets(manager, now=utcnow() + dt.timedelta(days=31)) == 1
    assert tickets.balance(ticket_id) == 0


@pytest.mark.parametrize("who", ["reception", "engineer"])
def test_only_a_manager_may_adjust_a_ticket(office, who) -> None:
    ticket_id = buy_ticket(office[who], new_customer(), size=5)
    with pytest.raises(PermissionDenied):
        tickets.adjust(office[who], ticket_id, -1, "Mistake")
    assert tickets.balance(ticket_id) == 5


def test_an_adjustment_needs_a_reason_and_stays_within_the_ticket(office, manager) -> None:
    ticket_id = buy_ticket(manager, new_customer(), size=5)
    with pytest.raises(ValidationError, match="reason"):
        tickets.adjust(manager, ticket_id, -1, "")
    with pytest.raises(ValidationError, match="between 0 and 5"):
        tickets.adjust(manager, ticket_id, +1, "Goodwill")
    with pytest.raises(ValidationError, match="between 0 and 5"):
        tickets.adjust(manager, ticket_id, -6, "Too many")
    with pytest.raises(ValidationError, match="add or take away"):
        tickets.adjust(manager, ticket_id, 0, "Nothing")
    info = tickets.adjust(manager, ticket_id, -5, "Sold in error")
    assert info.left == 0 and tickets.balance(ticket_id) == 0
    entry = t.TicketLedger.select().order_by(t.TicketLedger.id.desc()).get()
    assert (entry.kind, entry.delta, entry.reason) == (LedgerKind.ADJUSTMENT, -5, "Sold in error")
    assert t.AuditLog.select().where(t.AuditLog.action == "ticket.adjust").count() == 1


def test_an_expired_ticket_cannot_be_adjusted(office, manager) -> None:
    ticket_id = buy_ticket(manager, new_customer(), size=5)
    expire_ticket(ticket_id)
    with pytest.raises(ValidationError, match="expired"):
        tickets.adjust(manager, ticket_id, -1, "Late correction")


def test_statement_lists_each_tickets_ledger_and_the_incidents_it_paid_for(
        office, manager, product) -> None:
    customer = new_customer("Acme Joinery")
    ticket_id = buy_ticket(manager, customer, size=3)
    solved = new_incident(manager, customer, product, "Backup fails")
    returned = new_incident(manager, customer, product, "Wants a custom report")
    funding.fund_from_ticket(manager, solved.id)
    funding.fund_from_ticket(manager, returned.id)
    (t.Incident.update(status=IncidentStatus.RESOLVED, resolution=Resolution.SOLUTION)
     .where(t.Incident.id == solved.id).execute())
    with transaction():
        funding.hand_back_funding(manager, reload(returned), "Out of remit")

    st = tickets.statement(customer.id)
    assert st.customer_name == "Acme Joinery"
    [ticket] = st.tickets
    assert ticket.ticket.id == ticket_id
    assert [(r.kind, r.delta, r.balance_after) for r in ticket.entries] == [
        (LedgerKind.PURCHASE, 3, 3), (LedgerKind.REDEMPTION, -1, 2),
        (LedgerKind.REDEMPTION, -1, 1), (LedgerKind.RECREDIT, 1, 2)]
    assert ticket.entries[1].incident_reference == solved.reference
    assert ticket.entries[3].reason == "Out of remit"
    assert ticket.entries[0].user_name == "Mary Manager"
    outcomes = {i.reference: (i.outcome, i.handed_back) for i in ticket.incidents}
    assert outcomes == {solved.reference: ("Solution", False),
                        returned.reference: ("Awaiting payment", True)}
    assert st.total_left == 2
