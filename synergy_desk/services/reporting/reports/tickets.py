"""The season-tickets report: tickets sold, incidents redeemed, live balances, tickets expiring
soon and incidents lapsed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import fn

from synergy_desk.documents.data import Cell, ReportTable
from synergy_desk.domain.enums import (
    LedgerKind,
)
from synergy_desk.domain.zones import day_text, utc_start
from synergy_desk.models import tables as t
from synergy_desk.services.common import tuples
from synergy_desk.services.reporting.reports.helpers import (
    ReportRequest,
    Sections,
    count_cell,
    money_cell,
)
from synergy_desk.services.reporting.reports.period import Period

__all__ = ["build", "EXPIRING_WITHIN_DAYS"]


#: Tickets expiring within this many days of the report's end are listed.
EXPIRING_WITHIN_DAYS = 30


def _balance_row(period: Period, row: tuple[Any, ...]) -> tuple[Cell, ...]:
    """A live ticket: its customer, number, incidents left ("4 of 10") and expiry."""
    tid, name, size, expires, left = row
    return (Cell.plain(name), Cell.number(tid), Cell.count(left, f"{int(left)} of {size}"),
            period.date(expires))


def _tickets(period: Period, now: dt.datetime) -> Sections:
    ST, L = t.SeasonTicket, t.TicketLedger  # noqa: N806
    sold_count, sold_size = tuples(ST.select(fn.COUNT(ST.id), fn.SUM(ST.size)).where(
        period.within(ST.purchased_at)))[0]
    sold_gross = (t.PaymentLine.select(fn.SUM(t.PaymentLine.gross_pence))
                  .join(ST, on=(t.PaymentLine.ticket == ST.id))
                  .where(period.within(ST.purchased_at)).scalar() or 0)
    sold = tuples(ST.select(ST.id, t.Customer.name, ST.size, ST.purchased_at, ST.expires_at)
                  .join(t.Customer, on=(ST.customer == t.Customer.id))
                  .where(period.within(ST.purchased_at)).order_by(ST.purchased_at, ST.id))
    tables = [ReportTable(
        "Tickets sold", ("Ticket", "Customer", "Incidents", "Bought", "Expires"),
        tuple((Cell.number(tid), Cell.plain(name), count_cell(size), period.date(bought),
               period.date(expires)) for tid, name, size, bought, expires in sold),
        (True, False, True, False, False),
        (Cell.plain("Total"), Cell.plain(f"{len(sold):,} tickets"), count_cell(sold_size),
         Cell.plain(""), Cell.plain("")) if sold else None,
        note="" if sold else "No season tickets were sold in this period.")]

    in_period = period.within(L.created_at)
    kinds = {LedgerKind(k): int(d or 0) for k, d in tuples(
        L.select(L.kind, fn.SUM(L.delta)).where(in_period
                                                & L.kind.in_([LedgerKind.REDEMPTION,
                                                              LedgerKind.RECREDIT,
                                                              LedgerKind.EXPIRY]))
        .group_by(L.kind))}
    redeemed = -kinds.get(LedgerKind.REDEMPTION, 0)
    recredited = kinds.get(LedgerKind.RECREDIT, 0)
    tables.append(ReportTable(
        "Incidents redeemed", ("", "Incidents"),
        ((Cell.plain("Redeemed"), count_cell(redeemed)),
         (Cell.plain("Re-credited (handed back)"), count_cell(recredited))),
        (False, True), (Cell.plain("Net redeemed"), count_cell(redeemed - recredited))))

    balance = fn.SUM(L.delta)
    as_of = min(now, period.until)
    live = tuples(ST.select(ST.id, t.Customer.name, ST.size, ST.expires_at, balance)
                  .join(L, on=((L.ticket == ST.id) & (L.created_at < as_of)))
                  .switch(ST).join(t.Customer, on=(ST.customer == t.Customer.id))
                  .where((ST.expires_at > as_of) & (ST.purchased_at < as_of))
                  .group_by(ST.id, t.Customer.name, ST.size, ST.expires_at)
                  .having(balance > 0)
                  .order_by(t.Customer.name, ST.expires_at, ST.id))
    tables.append(ReportTable(
        "Live balances", ("Customer", "Ticket", "Left", "Expires"),
        tuple(_balance_row(period, row) for row in live),
        (False, True, True, False),
        (Cell.plain("Total"), Cell.plain(f"{len(live):,} tickets"),
         count_cell(sum(int(r[4]) for r in live)), Cell.plain("")) if live else None,
        note=("Balances now." if now < period.until else "Balances at the end of the period.")
        + ("" if live else " No live season tickets.")))

    soon_from = period.until
    soon_to = utc_start(period.end + dt.timedelta(days=EXPIRING_WITHIN_DAYS + 1), period.zone)
    expiring = [r for r in live if soon_from <= r[3] < soon_to]
    tables.append(ReportTable(
        f"Expiring in the {EXPIRING_WITHIN_DAYS} days after {day_text(period.end)}",
        ("Customer", "Ticket", "Left", "Expires"),
        tuple(_balance_row(period, row) for row in expiring),
        (False, True, True, False),
        (Cell.plain("Total"), Cell.plain(f"{len(expiring):,} tickets"),
         count_cell(sum(int(r[4]) for r in expiring)), Cell.plain("")) if expiring else None,
        note="" if expiring else "No live ticket expires in those days."))

    lapsed = tuples(L.select(L.created_at, t.Customer.name, ST.id, L.delta)
                    .join(ST, on=(L.ticket == ST.id))
                    .join(t.Customer, on=(ST.customer == t.Customer.id))
                    .where(in_period & (L.kind == LedgerKind.EXPIRY))
                    .order_by(L.created_at, L.id))
    lapsed_total = -sum(int(r[3]) for r in lapsed)
    tables.append(ReportTable(
        "Lapsed at expiry", ("Date", "Customer", "Ticket", "Incidents lapsed"),
        tuple((period.date(at), Cell.plain(name), Cell.number(tid), count_cell(-delta))
              for at, name, tid, delta in lapsed),
        (False, False, True, True),
        (Cell.plain("Total"), Cell.plain(""), Cell.plain(""), count_cell(lapsed_total))
        if lapsed else None,
        note="" if lapsed else "No incidents lapsed in this period."))

    summary = [("Tickets sold", count_cell(sold_count)),
               ("Incidents bought", count_cell(sold_size)),
               ("Tickets sold, gross", money_cell(sold_gross)),
               ("Incidents redeemed (net of re-credits)", count_cell(redeemed - recredited)),
               ("Live tickets", count_cell(len(live))),
               (f"Expiring within {EXPIRING_WITHIN_DAYS} days", count_cell(len(expiring))),
               ("Incidents lapsed", count_cell(lapsed_total))]
    return summary, tables, [], []


def build(request: ReportRequest) -> Sections:
    """The report's sections for the request's period."""
    return _tickets(request.period, request.now)
