"""The manager's reports: cash-up, incidents, season tickets, overrides, registers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playhouse.test_utils import count_queries

from synergy_desk.domain.enums import (
    EscalationStatus,
    IncidentStatus,
    PaymentMethod,
    Resolution,
    Role,
    WaiverKind,
)
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.money import funding, payments, tickets
from synergy_desk.services.office import office_time
from synergy_desk.services.reporting import reports
from synergy_desk.services.reporting.reports import Cell
from tests.conftest import sqlite_steps
from tests.documents.test_report import as_text
from tests.services.money.test_funding import buy_ticket, cash, new_customer, new_incident

DAY = dt.date(2026, 12, 1)
#: 1 Dec 2026 is winter time in London: local midnight is 00:00 UTC.
NOON = dt.datetime(2026, 12, 1, 12, 0)


def request(customer: t.Customer, method: PaymentMethod, size: int = 1
            ) -> payments.PaymentInput:
    if method is PaymentMethod.CASH:
        return cash(customer, ticket_size=size)
    if method is PaymentMethod.CARD:
        return payments.PaymentInput(customer_id=customer.id, ticket_size=size,
                                       method=method, card_brand="Visa", card_last4="4242",
                                       auth_code="123456")
    return payments.PaymentInput(customer_id=customer.id, ticket_size=size, method=method,
                                   bank_reference="BACS 991")


def move_money_to(moment: dt.datetime) -> None:
    """Put every payment and credit note on one day, a second apart, in number order."""
    for i, (pid,) in enumerate(t.Payment.select(t.Payment.id).order_by(t.Payment.id).tuples()):
        (t.Payment.update(taken_at=moment + dt.timedelta(seconds=i))
         .where(t.Payment.id == pid).execute())
    for i, (nid,) in enumerate(t.CreditNote.select(t.CreditNote.id)
                               .order_by(t.CreditNote.id).tuples()):
        (t.CreditNote.update(issued_at=moment + dt.timedelta(minutes=30, seconds=i))
         .where(t.CreditNote.id == nid).execute())


def table(data: reports.ReportData, title: str) -> reports.ReportTable:
    return next(tb for tb in data.tables if tb.title.startswith(title))


def pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def texts(cells: Iterable[Cell]) -> tuple[str, ...]:
    """The cells as printed."""
    return tuple(c.text for c in cells)


def figures(data: reports.ReportData) -> dict[str, Any]:
    """The key figures' values, by label."""
    return {label: figure.value for label, figure in data.summary}


# --- the cash-up ---


def test_cashup_of_500_payments_equals_the_sums_of_the_tables(office, manager, reception) -> None:
    customers = [new_customer(f"Customer {i}") for i in range(5)]
    methods = list(PaymentMethod)
    receipts = []
    for i in range(500):
        taker = reception if i % 3 else manager
        receipts.append(payments.take_payment(
            taker, request(customers[i % 5], methods[i % 3], size=1 + i % 4)))
    for receipt in receipts[:12:3]:
        payments.refund(manager, receipt.payment_id, reason="Bought by mistake")
    move_money_to(dt.datetime(2026, 12, 1, 8, 0))
    # One payment the evening before: not in the day's figures.
    extra = payments.take_payment(reception, request(customers[0], PaymentMethod.CASH))
    (t.Payment.update(taken_at=dt.datetime(2026, 11, 30, 23, 59))
     .where(t.Payment.id == extra.payment_id).execute())

    data = reports.build_report(manager, "cashup", DAY, DAY, now=NOON)

    since, until = dt.datetime(2026, 12, 1), dt.datetime(2026, 12, 2)
    gross = {m: 0 for m in methods}
    net = {m: 0 for m in methods}
    count = {m: 0 for m in methods}
    for p in t.Payment.select():
        if since <= p.taken_at < until:
            gross[PaymentMethod(p.method)] += p.gross_pence
            net[PaymentMethod(p.method)] += p.net_pence
            count[PaymentMethod(p.method)] += 1
    back = {m: 0 for m in methods}
    for n in t.CreditNote.select():
        if since <= n.issued_at < until:
            back[PaymentMethod(n.method)] += n.gross_pence
    assert sum(count.values()) == 500 and sum(back.values()) > 0

    takings = table(data, "Takings by payment method")
    for row, m in zip(takings.rows, methods, strict=True):
        assert row == (Cell.plain(m.label), Cell.count(count[m]), Cell.money(net[m]),
                       Cell.money(gross[m] - net[m]), Cell.money(gross[m]))
        assert texts(row) == (m.label, f"{count[m]:,}", pounds(net[m]),
                              pounds(gross[m] - net[m]), pounds(gross[m]))
    assert takings.totals == (Cell.plain("Total"), Cell.count(500), Cell.money(sum(net.values())),
                              Cell.money(sum(gross.values()) - sum(net.values())),
                              Cell.money(sum(gross.values())))
    net_table = table(data, "Net takings by method")
    for row, m in zip(net_table.rows, methods, strict=True):
        assert [c.value for c in row] == [m.label, gross[m], back[m], gross[m] - back[m]]
        assert [c.kind for c in row] == ["text", "money", "money", "money"]
    summary = dict(data.summary)
    assert summary["Net takings"] == Cell.money(sum(gross.values()) - sum(back.values()))
    assert summary["Net takings"].text == pounds(sum(gross.values()) - sum(back.values()))
    assert summary["Cash to be in the drawer (before any float)"] == Cell.money(
        gross[PaymentMethod.CASH] - back[PaymentMethod.CASH])
    assert summary["Receipts"] == Cell.count(500)
    by_user = table(data, "Takings by user")
    assert {r[0].text: r[1].value for r in by_user.rows} == {"Mary Manager": 167,
                                                           "Rita Reception": 333}
    listing = table(data, "Receipts in number order")
    assert len(listing.rows) == 500 and listing.flagged_rows == ()
    assert [r[0].text for r in listing.rows] == [f"R-{n:06d}" for n in range(1, 501)]
    assert [r[1].value for r in listing.rows] == sorted(r[1].value for r in listing.rows)
    assert len(table(data, "Credit notes in number order").rows) == 4
    assert data.charts[0].values == (sum(gross.values()),)
    assert data.warnings == ()


def test_cashup_totals_sit_under_their_columns_and_long_reasons_print_on_one_line(
        office, manager, reception) -> None:
    customer = new_customer()
    paid = [payments.take_payment(reception, request(customer, PaymentMethod.CASH))
            for _ in range(3)]
    long_reason = ("Customer asked for this season ticket to be refunded because it was sold "
                   "twice by mistake on the same day, and the manager confirmed it with them.")
    payments.refund(manager, paid[0].payment_id, reason=long_reason)
    payments.refund(manager, paid[1].payment_id, reason="Keyed twice", void=True)
    move_money_to(dt.datetime(2026, 12, 1, 9, 0))

    data = reports.build_report(manager, "cashup", DAY, DAY, now=NOON)

    for tb in data.tables:
        if tb.totals is None:
            continue
        for cell, numeric, column in zip(tb.totals, tb.numeric, tb.columns, strict=True):
            if cell.kind in ("money", "count"):
                assert numeric, f"{tb.title}: the total {cell.text} is under “{column}”"
    notes = table(data, "Credit notes in number order")
    assert notes.totals is not None
    assert texts(notes.totals) == ("Total", "", "", "", "", pounds(notes.totals[5].value),
                                   "", "2 credit notes")
    assert notes.totals[5].value == sum(row[5].value for row in notes.rows)
    reason = notes.columns.index("Reason")
    assert notes.one_line == (reason,)
    assert notes.rows[0][reason].text == long_reason  # the CSV keeps it whole


def test_a_removed_receipt_is_flagged_as_a_gap(office, manager, reception) -> None:
    customer = new_customer()
    for _ in range(5):
        payments.take_payment(reception, request(customer, PaymentMethod.CASH))
    move_money_to(dt.datetime(2026, 12, 1, 9, 0))
    gone = t.Payment.get(t.Payment.receipt_number == 3)
    t.PaymentLine.delete().where(t.PaymentLine.payment == gone.id).execute()
    t.Payment.delete().where(t.Payment.id == gone.id).execute()

    data = reports.build_report(manager, "cashup", DAY, DAY, now=NOON)
    listing = table(data, "Receipts in number order")
    assert [r[0].text for r in listing.rows] == ["R-000001", "R-000002", "R-000003",
                                                 "R-000004", "R-000005"]
    assert listing.flagged_rows == (2,)
    # The missing receipt's row reads as before; its time and amount have no value.
    assert texts(listing.rows[2]) == ("R-000003", "—", "MISSING — no receipt has this number",
                                      "—", "—", "—")
    assert listing.rows[2][1] == Cell.blank("datetime")
    assert listing.rows[2][4] == Cell.blank("money")
    assert any("R-000003" in w and "missing" in w for w in data.warnings)
    assert dict(data.summary)["Receipts"] == Cell.count(4)


def test_a_receipt_missing_on_another_day_is_warned_about(office, manager, reception) -> None:
    customer = new_customer()
    for _ in range(4):
        payments.take_payment(reception, request(customer, PaymentMethod.CASH))
    move_money_to(dt.datetime(2026, 11, 30, 9, 0))
    (t.Payment.update(taken_at=dt.datetime(2026, 12, 1, 9, 0))
     .where(t.Payment.receipt_number == 4).execute())
    gone = t.Payment.get(t.Payment.receipt_number == 2)
    t.PaymentLine.delete().where(t.PaymentLine.payment == gone.id).execute()
    t.Payment.delete().where(t.Payment.id == gone.id).execute()

    data = reports.build_report(manager, "cashup", DAY, DAY, now=NOON)
    assert table(data, "Receipts in number order").flagged_rows == ()
    assert any("R-000002" in w and "outside this period" in w for w in data.warnings)


def test_days_are_the_offices_days_in_summer_time(office, manager, reception) -> None:
    customer = new_customer()
    payments.take_payment(reception, request(customer, PaymentMethod.CASH))
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    move_money_to(dt.datetime(2026, 6, 30, 23, 30))
    july = reports.build_report(manager, "cashup", dt.date(2026, 7, 1), dt.date(2026, 7, 1),
                                now=dt.datetime(2026, 7, 1, 12))
    june = reports.build_report(manager, "cashup", dt.date(2026, 6, 30), dt.date(2026, 6, 30),
                                now=dt.datetime(2026, 7, 1, 12))
    assert figures(july)["Receipts"] == 1
    assert figures(june)["Receipts"] == 0
    # The time is the office's: 00:30 summer time, a moment in the office's zone.
    when = table(july, "Receipts in number order").rows[0][1]
    assert when.text == "01/07/2026 00:30" and when.kind == "datetime"
    assert when.value == dt.datetime(2026, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/London"))
    assert isinstance(when.value, dt.datetime) and when.value.utcoffset() == dt.timedelta(
        hours=1)


def test_reception_sees_only_their_own_takings_of_today(office, manager, reception) -> None:
    customer = new_customer()
    mine = payments.take_payment(reception, request(customer, PaymentMethod.CASH))
    payments.take_payment(manager, request(customer, PaymentMethod.CARD))
    now = utcnow()
    today = office_time.office_today(now)

    data = reports.build_report(reception, "cashup", today, today, now=now)
    assert data.scope == "Takings of Rita Reception only"
    assert [r[0].text for r in table(data, "Receipts in number order").rows] == [mine.number]
    assert dict(data.summary)["Gross takings"] == Cell.money(mine.gross_pence)
    everyone = reports.build_report(manager, "cashup", today, today, now=now)
    assert figures(everyone)["Receipts"] == 2 and everyone.scope == ""

    with pytest.raises(PermissionDenied, match="today"):
        reports.build_report(reception, "cashup", today - dt.timedelta(days=1),
                             today - dt.timedelta(days=1), now=now)
    with pytest.raises(PermissionDenied, match="today"):
        reports.build_report(reception, "cashup", today - dt.timedelta(days=1), today, now=now)
    for name in ("incidents", "tickets", "contracts", "overrides", "registers", "requests"):
        with pytest.raises(PermissionDenied):
            reports.build_report(reception, name, today, today, now=now)
    assert [k.name for k in reports.report_kinds(reception)] == ["cashup"]
    assert len(reports.report_kinds(manager)) == 7


def test_engineers_may_run_every_report(office, engineer) -> None:
    assert [k.name for k in reports.report_kinds(engineer)] == [
        "cashup", "incidents", "tickets", "contracts", "overrides", "registers", "requests"]
    for kind in reports.report_kinds(engineer):
        data = reports.build_report(engineer, kind.name, DAY, DAY, now=NOON)
        assert data.title == kind.title and data.period_text == "1 Dec 2026"


@pytest.mark.parametrize(("name", "start", "end", "message"), [
    ("takings", DAY, DAY,
     "cashup, incidents, tickets, contracts, overrides, registers, requests"),
    ("cashup", DAY, DAY - dt.timedelta(days=1), "after its last day"),
    ("cashup", DAY, DAY + dt.timedelta(days=400), "at most 400 days"),
])
def test_bad_requests_are_refused(office, manager, name, start, end, message) -> None:
    with pytest.raises(ValidationError, match=message):
        reports.build_report(manager, name, start, end, now=NOON)


# --- incidents ---


def place(incident: t.Incident, **fields: object) -> None:
    t.Incident.update(**fields).where(t.Incident.id == incident.id).execute()


def test_incidents_report_counts_a_small_scene(office, manager, engineer, product) -> None:
    customer = new_customer()
    erin: Actor = office["engineer2"]  # type: ignore[assignment]
    nov = dt.datetime(2026, 11, 10, 9)
    a = new_incident(manager, customer, product)
    b = new_incident(manager, customer, product)
    c = new_incident(manager, customer, office["product2"])  # type: ignore[arg-type]
    old = new_incident(manager, customer, product)
    place(a, opened_at=dt.datetime(2026, 12, 1, 9), status=IncidentStatus.RESOLVED,
          engineer=engineer.id, resolution=Resolution.SOLUTION,
          resolved_at=dt.datetime(2026, 12, 1, 13))
    place(b, opened_at=dt.datetime(2026, 12, 2, 9), status=IncidentStatus.IN_PROGRESS,
          engineer=erin.id)
    place(c, opened_at=dt.datetime(2026, 12, 3, 9), status=IncidentStatus.CLOSED,
          resolution=Resolution.UNRESOLVED, closed_at=dt.datetime(2026, 12, 3, 10))
    place(old, opened_at=nov, status=IncidentStatus.CLOSED, engineer=engineer.id,
          resolution=Resolution.WORKAROUND, resolved_at=dt.datetime(2026, 12, 5, 9),
          closed_at=dt.datetime(2026, 12, 6, 9))

    data = reports.build_report(manager, "incidents", DAY, dt.date(2026, 12, 31), now=NOON)
    summary = figures(data)
    assert (summary["Opened"], summary["Resolved"], summary["Closed"]) == (3, 2, 2)
    # 4 hours and 25 days: median and mean about 12.58 days (302 hours), printed 12.6.
    median = dict(data.summary)["Median time to resolution"]
    assert median.text == "12.6 days" and median.kind == "hours"
    assert median.value == pytest.approx((4 + 25 * 24) / 2)
    status = {r[0].text: r[1].value for r in table(data, "Incidents opened in the period").rows}
    assert (status["Resolved"], status["In progress"], status["Closed"]) == (1, 1, 1)
    resolution = {r[0].text: r[1] for r in table(data, "Incidents resolved or closed").rows}
    assert (resolution["Solution"], resolution["Work-around"],
            resolution["Closed unresolved"], resolution["Escalated"]) == (
        Cell.count(1), Cell.count(1), Cell.count(1), Cell.count(0))
    products = {r[0].text: texts(r[1:]) for r in table(data, "By product").rows}
    assert products == {"Ledger Accounts": ("2", "2"), "Payroll Plus": ("1", "0")}
    engineers = {r[0].text: r[1:] for r in table(data, "By engineer").rows}
    assert texts(engineers["Eddie Engineer"]) == ("1", "2", "12.6 days", "12.6 days")
    assert engineers["Erin Engineer"] == (Cell.count(1), Cell.count(0), Cell.blank("hours"),
                                          Cell.blank("hours"))
    assert texts(engineers["Erin Engineer"]) == ("1", "0", "—", "—")
    assert texts(engineers["Unassigned"][:2]) == ("1", "0")
    chart = data.charts[0]
    assert chart.title == "Incidents by resolution"
    assert dict(zip(chart.labels, chart.values, strict=True)) == {
        "Solution": 1, "Work-around": 1, "Closed unresolved": 1}


# --- tickets and overrides ---


def test_tickets_report_on_a_small_scene(office, manager, reception, product) -> None:
    customer = new_customer("Bolt Builders")
    now = utcnow()
    today = office_time.office_today(now)
    soon = buy_ticket(reception, customer, size=5, days=10)
    later = buy_ticket(reception, customer, size=3, days=200)
    incident = new_incident(reception, customer, product)
    funding.fund_from_ticket(reception, incident.id)
    lapsing = buy_ticket(reception, new_customer("Gone Ltd"), size=2, days=30)
    (t.SeasonTicket.update(expires_at=now - dt.timedelta(minutes=1))
     .where(t.SeasonTicket.id == lapsing).execute())
    tickets.expire_tickets(manager, now=now)

    data = reports.build_report(manager, "tickets", today, today, now=utcnow())
    summary = figures(data)
    assert summary["Tickets sold"] == 3 and summary["Incidents bought"] == 10
    gross = sum(p.gross_pence for p in t.Payment.select())
    assert dict(data.summary)["Tickets sold, gross"] == Cell.money(gross)
    assert summary["Incidents redeemed (net of re-credits)"] == 1
    assert summary["Incidents lapsed"] == 2
    live = table(data, "Live balances").rows
    used = next(tid for tid in (soon, later)
                if tickets.balance(tid) < t.SeasonTicket.get_by_id(tid).size)
    assert {texts(r[1:3]) for r in live} == {
        (str(used), "4 of 5" if used == soon else "2 of 3"),
        (str(later if used == soon else soon), "3 of 3" if used == soon else "5 of 5")}
    # "4 of 5" is the count of incidents left: the totals row adds those up.
    assert sorted(r[2].value for r in live) == sorted([4, 3] if used == soon else [5, 2])
    assert table(data, "Live balances").totals[2] == Cell.count(7)
    expiring = table(data, "Expiring in the 30 days").rows
    assert [r[1] for r in expiring] == [Cell.number(soon)]
    lapsed = table(data, "Lapsed at expiry").rows[0]
    assert lapsed[1:] == (Cell.plain("Gone Ltd"), Cell.number(lapsing), Cell.count(2))
    assert lapsed[0] == Cell.date(today)


def test_overrides_report_on_a_small_scene(office, manager, reception, product) -> None:
    customer = new_customer("Kind Co")
    now = utcnow()
    today = office_time.office_today(now)
    waived = new_incident(reception, customer, product)
    funding.waive(manager, waived.id, WaiverKind.GOODWILL, "Long-standing customer")
    ticket = buy_ticket(reception, customer, size=4)
    tickets.adjust(manager, ticket, -1, "Counted twice")
    paid = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (paid.id,)))
    from synergy_desk.services.incidents import closing

    closing.out_of_remit(manager, paid.id, "Hardware fault, not our software")
    from synergy_desk.services.money import refund_queue

    # The out-of-remit refund is the manager's to approve: then it is a credit note.
    refund_queue.approve_refund(manager, refund_queue.pending_refunds()[0].id)

    data = reports.build_report(manager, "overrides", today, today, now=now)
    waivers = table(data, "Waivers granted").rows
    assert texts(waivers[0][1:6]) == (waived.reference, "Kind Co", "Goodwill",
                                      "Long-standing customer", "Mary Manager")
    assert waivers[0][0] == Cell.date(today)
    # Never revoked: no date, and the column says so.
    assert waivers[0][6] == Cell.blank("date", "No")
    adjustments = table(data, "Season-ticket adjustments").rows
    assert texts(adjustments[0][1:]) == ("Kind Co", str(ticket), "-1", "Counted twice",
                                         "Mary Manager")
    assert adjustments[0][3] == Cell.count(-1, "-1")
    refunds = table(data, "Refunds and voids").rows
    assert refunds[0][2].text == receipt.number
    assert refunds[0][4] == Cell.money(receipt.gross_pence)
    assert "Out of remit" in refunds[0][5].text
    remit = table(data, "Closed as out of remit").rows
    assert texts(remit[0][1:]) == (paid.reference, "Kind Co", "Hardware fault, not our software",
                                   "Mary Manager")
    # The reason is the one written at the time, whatever the incident says later.
    t.Incident.update(resolution_note="").where(t.Incident.id == paid.id).execute()
    again = reports.build_report(manager, "overrides", today, today, now=now)
    assert table(again, "Closed as out of remit").rows[0][3].text == (
        "Hardware fault, not our software")
    handed = table(data, "Funding handed back").rows
    # Handed back at the close; refunded on CN-000001 when the manager approved it (above).
    assert handed[0][1].text == paid.reference and "due for refund" in handed[0][4].text
    assert figures(data)["Waivers granted"] == 1
    # Two figures in one key figure: it stays the text it prints.
    assert dict(data.summary)["Refunds and voids"] == Cell.plain(
        f"1 ({pounds(receipt.gross_pence)})")


def test_registers_report_lists_requests_and_counts_escalations(office, manager,
                                                                product) -> None:
    customer = new_customer()
    popular = t.EnhancementRequest.create(product=product.id, title="Export to PDF",
                                          customer_count=3, created_by=manager.id)
    t.EnhancementRequest.create(product=product.id, title="Dark mode", customer_count=1,
                                created_by=manager.id)
    for status in (EscalationStatus.OPEN, EscalationStatus.OPEN, EscalationStatus.FIXED):
        incident = new_incident(manager, customer, product)
        t.Escalation.create(incident=incident.id, product=product.id, status=status,
                            created_by=manager.id)
    now = utcnow()
    today = office_time.office_today(now)
    data = reports.build_report(manager, "registers", today, today, now=now)
    requests = table(data, "Enhancement requests").rows
    assert [r[2].text for r in requests] == ["Export to PDF", "Dark mode"]
    assert requests[0][0] == Cell.number(popular.id) and requests[0][4] == Cell.count(3)
    assert requests[0][5] == Cell.date(today)
    counts = {r[0].text: texts(r[1:]) for r in table(data, "Escalations by status").rows}
    assert counts["Open"] == ("2", "2") and counts["Fixed"] == ("1", "1")
    assert table(data, "Escalations by status").totals == (Cell.plain("Total"), Cell.count(3),
                                                           Cell.count(3))
    register = table(data, "Escalation register").rows
    assert len(register) == 3
    # No version was given: a dash with no value.
    assert {r[3] for r in register} == {Cell.blank()}


# --- output and parsing ---


def test_every_report_prints_what_its_cells_say(office, manager, reception, product) -> None:
    customer = new_customer("Acme Joinery")
    taken = [payments.take_payment(reception, request(customer, method))
             for method in (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.CASH)]
    payments.refund(manager, taken[1].payment_id, reason="Bought by mistake")
    move_money_to(dt.datetime(2026, 12, 1, 9, 0))
    gone = t.Payment.get(t.Payment.receipt_number == 3)
    t.PaymentLine.delete().where(t.PaymentLine.payment == gone.id).execute()
    t.Payment.delete().where(t.Payment.id == gone.id).execute()
    built = {kind.name: reports.build_report(manager, kind.name, DAY, DAY, now=NOON)
             for kind in reports.report_kinds(manager)}
    assert table(built["cashup"], "Receipts in number order").flagged_rows == (2,)
    for name, data in built.items():
        # The values are for sorting and the CSV: the PDF is the cells' text, as it was.
        assert reports.report_pdf(data) == reports.report_pdf(as_text(data)), name


def test_csv_has_every_table_and_neutralises_formulas(office, manager, reception) -> None:
    customer = new_customer("=HYPERLINK(1)")
    payments.take_payment(reception, request(customer, PaymentMethod.CASH))
    move_money_to(dt.datetime(2026, 12, 1, 9))
    data = reports.build_report(manager, "cashup", DAY, DAY, now=NOON)
    rows = list(csv.reader(io.StringIO(reports.report_csv(data))))
    assert rows[0] == ["End-of-day cash-up"]
    assert ["Period", "1 Dec 2026"] in rows
    titles = [tb.title for tb in data.tables]
    assert all([title] in rows for title in titles)
    receipt_row = next(r for r in rows if r and r[0] == "R-000001")
    assert receipt_row[2] == "'=HYPERLINK(1)"


LONDON = ZoneInfo("Europe/London")


def hand_made_report(**changes: Any) -> reports.ReportData:
    """A report of chosen cells, as a report module would build it."""
    from synergy_desk.documents import Office

    listing = reports.ReportTable(
        "Receipts in number order", ("Receipt", "Time", "Customer", "Gross", "Items"),
        ((Cell.plain("R-000001"), Cell.datetime(dt.datetime(2026, 12, 1, 14, 5, 9, tzinfo=LONDON)),
          Cell.plain("=HYPERLINK(1)"), Cell.money(107550), Cell.count(1204)),
         (Cell.plain("R-000002"), Cell.blank("datetime"),
          Cell.plain("MISSING — no receipt has this number"), Cell.blank("money"), Cell.blank()),
         (Cell.plain("R-000003"), Cell.datetime(dt.datetime(2026, 7, 1, 0, 30, tzinfo=LONDON)),
          Cell.plain("Cole Ltd"), Cell.money(-250), Cell.count(4, "4 of 10"))),
        (False, False, False, True, True),
        (Cell.plain("Total"), Cell.plain(""), Cell.plain("2 receipts"), Cell.money(107300),
         Cell.count(12)), flagged_rows=(1,))
    tickets_sold = reports.ReportTable(
        "Season-ticket adjustments", ("Date", "Ticket", "Change", "Revoked"),
        ((Cell.date(dt.date(2026, 1, 2)), Cell.number(1234), Cell.count(-1, "-1"),
          Cell.blank("date", "No")),), (False, True, True, False))
    values: dict[str, Any] = dict(
        name="cashup", title="End-of-day cash-up", start=DAY, end=DAY, period_text="1 Dec 2026",
        generated_at=NOON, generated_by="Mary Manager", timezone="Europe/London",
        office=Office("Synergy Support Ltd", "", "", "", ""),
        summary=(("Net takings", Cell.money(107550)), ("Receipts", Cell.count(12)),
                 ("Median time to resolution", Cell.hours(8.1)),
                 ("Refunds and voids", Cell.plain("3 (£270.00)"))),
        tables=(listing, tickets_sold), charts=())
    values.update(changes)
    return reports.ReportData(**values)


def test_the_csv_carries_numbers_and_iso_dates() -> None:
    lines = reports.report_csv(hand_made_report()).splitlines()
    start = lines.index("Key figures")
    assert lines[start:start + 5] == [
        "Key figures", "Net takings,1075.50", "Receipts,12",
        # A duration stays as printed: hours alone would lose the unit ("4.2 days").
        "Median time to resolution,8.1 h",
        # Two figures in one are text.
        "Refunds and voids,3 (£270.00)"]
    start = lines.index("Receipts in number order")
    assert lines[start:start + 6] == [
        "Receipts in number order",
        "Receipt,Time,Customer,Gross,Items",
        # The office's time, ISO; a formula neutralised; money and counts as numbers.
        "R-000001,2026-12-01 14:05:09,'=HYPERLINK(1),1075.50,1204",
        # A flagged row keeps its dashes and its marker.
        "R-000002,—,MISSING — no receipt has this number,—,—,GAP",
        # A negative amount is a number, not a formula; "4 of 10" is the 4 left.
        "R-000003,2026-07-01 00:30:00,Cole Ltd,-2.50,4",
        "Total,,2 receipts,1073.00,12"]
    start = lines.index("Season-ticket adjustments")
    assert lines[start + 2] == "2026-01-02,1234,-1,No"


def test_the_csv_is_what_a_spreadsheet_reads_as_numbers(office, manager, reception) -> None:
    customer = new_customer()
    for _ in range(12):
        payments.take_payment(reception, request(customer, PaymentMethod.CASH))
    move_money_to(dt.datetime(2026, 12, 1, 9, 0))
    gross = sum(p.gross_pence for p in t.Payment.select())
    net = sum(p.net_pence for p in t.Payment.select())
    data = reports.build_report(manager, "cashup", DAY, DAY, now=NOON)
    text = reports.report_csv(data)
    rows = list(csv.reader(io.StringIO(text)))
    assert "£" not in text
    assert ["Receipts", "12"] in rows
    assert ["Gross takings", f"{gross // 100}.{gross % 100:02d}"] in rows
    by_method = rows[rows.index(["Takings by payment method"]) + 2:][:4]
    assert by_method[0][:2] == ["Cash", "12"] and by_method[3][:2] == ["Total", "12"]
    assert [Decimal(v) * 100 for v in by_method[3][2:]] == [net, gross - net, gross]
    first = next(r for r in rows if r and r[0] == "R-000001")
    assert first[1] == "2026-12-01 09:00:00"


@pytest.mark.parametrize(("text", "day"), [
    ("2026-12-01", DAY), ("01/12/2026", DAY), ("1/12/2026", DAY), (" Today ", DAY),
    ("yesterday", dt.date(2026, 11, 30)),
])
def test_parse_day_reads_what_people_type(text, day) -> None:
    assert reports.parse_day(text, today=DAY) == day


@pytest.mark.parametrize("text", ["", "tomorrow", "2026-13-01", "31/02/2026", "12/2026",
                                  "2026/12/01"])
def test_parse_day_refuses_anything_else(text) -> None:
    with pytest.raises(ValidationError):
        reports.parse_day(text, today=DAY)


def test_period_text() -> None:
    assert reports.period_text(DAY, DAY) == "1 Dec 2026"
    assert reports.period_text(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) == (
        "1 Nov 2026 – 30 Nov 2026")



# --- on a large office ---

def _sqlite_office(password_hash: str) -> Actor:
    from tests.conftest import make_user

    t.OfficeSettings.create(company_name="Synergy Support Ltd", incident_price_pence=7500,
                            vat_rate_bp=2000)
    return make_user("mary", Role.MANAGER, password_hash, "Mary Manager")


def _payments_before(actor: Actor, customer: t.Customer, first: int, count: int) -> None:
    """Receipts ``first`` to ``first + count - 1``, a minute apart, before 1 Dec 2026."""
    start = dt.datetime(2026, 1, 5, 9, 0)
    rows = [{"receipt_number": n, "customer": customer.id, "method": PaymentMethod.CASH,
             "net_pence": 6250, "vat_pence": 1250, "gross_pence": 7500,
             "tendered_pence": 7500, "customer_name": customer.name, "taken_by": actor.id,
             "taken_at": start + dt.timedelta(minutes=n), "prev_hash": "", "row_hash": ""}
            for n in range(first, first + count)]
    with db.atomic():
        for i in range(0, len(rows), 200):
            t.Payment.insert_many(rows[i:i + 200]).execute()
        t.Sequence.update(last_value=first + count - 1).where(
            t.Sequence.name == "receipt").execute()


def test_a_days_cashup_reads_the_day_not_every_receipt(sqlite_db_url: str,
                                                       password_hash: str) -> None:
    manager = _sqlite_office(password_hash)
    customer = new_customer()
    _payments_before(manager, customer, 1, 300)
    short = sqlite_steps(lambda: reports.build_report(manager, "cashup", DAY, DAY, now=NOON))
    _payments_before(manager, customer, 301, 6000)
    data = reports.build_report(manager, "cashup", DAY, DAY, now=NOON)
    assert data.warnings == () and figures(data)["Receipts"] == 0
    # Twenty times the receipts on other days, about the same work for the day.
    long = sqlite_steps(lambda: reports.build_report(manager, "cashup", DAY, DAY, now=NOON))
    assert long < 2 * short + 5, (short, long)


def test_a_years_takings_by_day_fall_on_the_offices_days(office, manager, reception) -> None:
    customer = new_customer()
    for _ in range(3):
        payments.take_payment(reception, request(customer, PaymentMethod.CASH))
    # 31 Mar 2026 00:30 UTC is 01:30 summer time: the last day of March in the office.
    for pid, moment in zip([p.id for p in t.Payment.select().order_by(t.Payment.id)],
                           (dt.datetime(2026, 3, 30, 23, 30), dt.datetime(2026, 3, 31, 0, 30),
                            dt.datetime(2026, 12, 1, 0, 0)), strict=True):
        t.Payment.update(taken_at=moment).where(t.Payment.id == pid).execute()
    start, end = dt.date(2025, 12, 2), DAY
    data = reports.build_report(manager, "cashup", start, end, now=NOON)
    chart = next(c for c in data.charts if c.title == "Takings by day")
    by_day = dict(zip(chart.labels, chart.values, strict=True))
    each = t.Payment.select().first().gross_pence
    assert len(chart.values) == 365 and sum(chart.values) == 3 * each
    assert by_day["31/03"] == 2 * each and by_day["30/03"] == 0 and by_day["01/12"] == each


def test_a_report_takes_no_write_lock(sqlite_db_url: str, password_hash: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    manager = _sqlite_office(password_hash)
    path = db.database
    written: list[str] = []
    from synergy_desk.services.reporting.reports import incidents as incidents_report

    build = incidents_report._incidents

    def incidents_while_a_desk_saves(period: Any) -> Any:
        other = sqlite3.connect(path, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE office_settings SET email = 'desk@example.com'")
            other.execute("COMMIT")
            written.append("saved")
        finally:
            other.close()
        return build(period)

    monkeypatch.setattr(incidents_report, "_incidents", incidents_while_a_desk_saves)
    data = reports.build_report(manager, "incidents", DAY, DAY, now=NOON)
    assert written == ["saved"] and figures(data)["Opened"] == 0


def test_the_escalation_register_lists_the_open_and_the_periods(office, manager,
                                                                product) -> None:
    customer = new_customer()
    long_ago = dt.datetime(2025, 6, 1, 10, 0)
    for status, at in ((EscalationStatus.FIXED, long_ago), (EscalationStatus.WONT_FIX, long_ago),
                       (EscalationStatus.ACKNOWLEDGED, long_ago),
                       (EscalationStatus.FIXED, NOON)):
        incident = new_incident(manager, customer, product)
        t.Escalation.create(incident=incident.id, product=product.id, status=status,
                            created_by=manager.id, created_at=at)
    data = reports.build_report(manager, "registers", DAY, DAY, now=NOON)
    rows = table(data, "Escalation register").rows
    assert [(r[4].text, r[5]) for r in rows] == [("Acknowledged", Cell.date(dt.date(2025, 6, 1))),
                                                 ("Fixed", Cell.date(DAY))]
    assert [r[5].text for r in rows] == ["01/06/2025", "01/12/2026"]
    counts = {r[0].text: texts(r[1:]) for r in table(data, "Escalations by status").rows}
    assert counts["Fixed"] == ("2", "1") and counts["Won't fix"] == ("1", "0")


def test_the_incidents_report_reads_the_period_in_a_few_queries(office, manager,
                                                                product) -> None:
    customer = new_customer()
    for _ in range(3):
        new_incident(manager, customer, product)
    now = utcnow()
    today = office_time.office_today(now)
    with count_queries() as counter:
        data = reports.build_report(manager, "incidents", today, today, now=now)
    # The permission check, the office, then the opened incidents grouped once, the resolved
    # ones fetched once, the closed counted, the resolutions, the products and the names.
    assert counter.count <= 9, [q.msg[0][:80] for q in counter.get_queries()]
    assert figures(data)["Opened"] == 3
    assert table(data, "By product").rows == ((Cell.plain(product.name), Cell.count(3),
                                               Cell.count(0)),)
