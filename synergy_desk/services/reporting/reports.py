"""Manager's reports for a period: cash-up, incidents, season tickets, overrides, registers.

Each report is read in one transaction, aggregated in SQL over indexed columns, and returned
as plain frozen data (``documents.ReportDoc``, here called :data:`ReportData`) that the window
shows and the PDF and CSV are printed from. Days are the office's calendar days.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import peewee
from peewee import SQL, fn

from synergy_desk.documents.data import ChartSeries, ReportDoc, ReportTable
from synergy_desk.domain.csv_cells import neutralise_cell
from synergy_desk.domain.enums import (
    CreditNoteKind,
    EnhancementStatus,
    EscalationStatus,
    IncidentStatus,
    LedgerKind,
    PaymentMethod,
    Resolution,
    Role,
    WaiverKind,
)
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.domain.money import format_pence
from synergy_desk.domain.numbers import (
    CREDIT_NOTE,
    RECEIPT,
    NumberFormat,
    credit_note_text,
    receipt_text,
)
from synergy_desk.domain.zones import local_date, zone_named
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import ENGINEERS, EVERYONE, Actor, read_snapshot, require, tuples
from synergy_desk.services.incidents.registers import (
    ENHANCEMENT_STATUS_LABELS,
    ESCALATION_STATUS_LABELS,
)
from synergy_desk.services.office.office_details import printed_office
from synergy_desk.services.office.office_time import office_today, office_zone
from synergy_desk.services.office.settings import office_settings

__all__ = ["ReportKind", "REPORT_KINDS", "ReportTable", "ChartSeries", "ReportData",
           "MAX_PERIOD_DAYS", "report_kinds", "build_report", "report_pdf", "report_csv",
           "parse_day", "period_text"]

#: A report's data (the documents package's ReportDoc, named for the services' callers).
ReportData = ReportDoc

#: The longest period a report covers, in days.
MAX_PERIOD_DAYS = 400
#: Tickets expiring within this many days of the report's end are listed.
EXPIRING_WITHIN_DAYS = 30

DASH = "—"


@dataclass(frozen=True)
class ReportKind:
    """One report a person can choose."""

    name: str
    title: str
    description: str
    reception_allowed: bool


REPORT_KINDS: tuple[ReportKind, ...] = (
    ReportKind("cashup", "End-of-day cash-up",
               "Takings by payment method and by user, refunds, net, the receipts and credit "
               "notes in number order, and the cash to be in the drawer.", True),
    ReportKind("incidents", "Incidents",
               "Incidents opened, resolved and closed, by status, resolution, product and "
               "engineer, with the time to resolution.", False),
    ReportKind("tickets", "Season tickets",
               "Tickets sold, incidents redeemed, live balances, tickets expiring in the next "
               "30 days and incidents lapsed.", False),
    ReportKind("overrides", "Waivers and overrides",
               "Waivers granted, ticket adjustments, refunds and voids, out-of-remit closures "
               "and funding handed back.", False),
    ReportKind("registers", "Registers",
               "Enhancement requests by number of customers and escalations by status.", False),
)
_KINDS = {k.name: k for k in REPORT_KINDS}



def report_kinds(actor: Actor) -> tuple[ReportKind, ...]:
    """The reports the actor may run (reception: only the cash-up of their own takings)."""
    if actor.role is Role.RECEPTION:
        return tuple(k for k in REPORT_KINDS if k.reception_allowed)
    return REPORT_KINDS


# --- days and periods ----------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_day(text: str, *, today: dt.date | None = None) -> dt.date:
    """A day typed by a person: "2026-12-01", "01/12/2026", "today" or "yesterday".

    "today" is the office's today (its time zone), unless ``today`` is given.

    Raises:
        ValidationError: anything else, or a date that does not exist.
    """
    value = (text or "").strip().lower()
    if value in ("today", "yesterday"):
        day = today if today is not None else office_today()
        return day if value == "today" else day - dt.timedelta(days=1)
    parts: tuple[int, int, int] | None = None
    if match := _ISO.fullmatch(value):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _UK.fullmatch(value):
        parts = (int(match[3]), int(match[2]), int(match[1]))
    if parts is None:
        raise ValidationError(
            f"“{text.strip()}” is not a date; give it as 2026-12-01, 01/12/2026, today or "
            "yesterday.", "date")
    try:
        return dt.date(*parts)
    except ValueError:
        raise ValidationError(f"{text.strip()} is not a date in the calendar.", "date") from None


def _day_text(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def period_text(start: dt.date, end: dt.date) -> str:
    """ "1 Dec 2026" for one day, "1 Nov 2026 – 30 Nov 2026" for longer."""
    if start == end:
        return _day_text(start)
    return f"{_day_text(start)} – {_day_text(end)}"


def _utc_start(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    """The (naive UTC) instant the office's day begins, daylight saving included."""
    local = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class _Period:
    start: dt.date
    end: dt.date
    zone: ZoneInfo
    #: [since, until): the period as naive UTC instants.
    since: dt.datetime
    until: dt.datetime

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i)
                for i in range((self.end - self.start).days + 1)]

    def day_range(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return _utc_start(day, self.zone), _utc_start(day + dt.timedelta(days=1), self.zone)

    def within(self, column: peewee.Field) -> peewee.Expression:
        return (column >= self.since) & (column < self.until)

    def when(self, moment: dt.datetime | None) -> str:
        if moment is None:
            return DASH
        loc = moment.replace(tzinfo=dt.UTC).astimezone(self.zone)
        return f"{loc:%d/%m/%Y %H:%M}"

    def date(self, moment: dt.datetime | None) -> str:
        if moment is None:
            return DASH
        return f"{local_date(moment, self.zone):%d/%m/%Y}"


def _validate_period(start: object, end: object) -> tuple[dt.date, dt.date]:
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise ValidationError("Choose the first and last day of the report.", "start")
    if isinstance(start, dt.datetime) or isinstance(end, dt.datetime):
        start = start.date() if isinstance(start, dt.datetime) else start
        end = end.date() if isinstance(end, dt.datetime) else end
    if start > end:
        raise ValidationError(
            f"The report starts on {_day_text(start)}, after its last day {_day_text(end)}; "
            "choose a first day on or before the last.", "start")
    days = (end - start).days + 1
    if days > MAX_PERIOD_DAYS:
        raise ValidationError(
            f"That period is {days} days long; a report covers at most {MAX_PERIOD_DAYS} days.",
            "end")
    return start, end


# --- small helpers -------------------------------------------------------------------------

def _money(pence: int | None) -> str:
    return format_pence(int(pence or 0))


def _count(value: int | None) -> str:
    return f"{int(value or 0):,}"


def _user_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({int(i) for i in ids if i is not None})
    if not wanted:
        return {}
    return {int(uid): name for uid, name in tuples(
        t.User.select(t.User.id, t.User.full_name).where(t.User.id.in_(wanted)))}


def _method_label(value: object) -> str:
    try:
        return PaymentMethod(str(value)).label
    except ValueError:
        return str(value)


def _duration(hours: float) -> str:
    """A time to resolution: "3.5 h" below two days, "4.2 days" above."""
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


def _missing_sentence(what: str, numbering: NumberFormat, numbers: list[int], where: str) -> str:
    verb = "is" if len(numbers) == 1 else "are"
    noun = what if len(numbers) == 1 else f"{what}s"
    return f"{noun.capitalize()} {numbering.list_text(numbers)} {verb} missing{where}."


# --- number sequences ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Gaps:
    #: Missing numbers that belong among the period's numbers (flagged in the listing).
    in_period: tuple[int, ...]
    #: Warnings about the numbering as a whole.
    warnings: tuple[str, ...]


def _sequence_gaps(column: peewee.Field, moment: peewee.Field, counter: str, what: str,
                   numbering: NumberFormat, period: _Period, numbers: list[int]) -> _Gaps:
    """Which numbers of a gap-free sequence are missing, judged as integrity.check_sequences.

    The period's numbers should run on, without a hole, from the last number issued before the
    period to the first issued after it (or the counter, when nothing came after).
    """
    model = column.model
    # The numbers just before and after the period, found along the time index (numbers are
    # issued in time order; MAX/MIN over the number would walk the whole numbering instead).
    before = (model.select(column).where(moment < period.since)
              .order_by(moment.desc(), column.desc()).limit(1).scalar())
    after = (model.select(column).where(moment >= period.until)
             .order_by(moment, column).limit(1).scalar())
    last_value = int(t.Sequence.select(t.Sequence.last_value)
                     .where(t.Sequence.name == counter).scalar() or 0)
    low = int(before) + 1 if before is not None else 1
    high = int(after) - 1 if after is not None else last_value
    if numbers:
        low, high = min(low, min(numbers)), max(high, max(numbers))
    in_period: list[int] = []
    span = (column >= low) & (column <= high)
    # Counted along the unique index first: the numbers are read only when some are missing.
    if high >= low and (model.select(fn.COUNT(column)).where(span).scalar() or 0) < (
            high - low + 1):
        present = {int(n) for (n,) in tuples(model.select(column).where(span))}
        in_period = [n for n in range(low, high + 1) if n not in present]
    warnings: list[str] = []
    if in_period:
        warnings.append(_missing_sentence(what, numbering, in_period, " from this period"))
    # The sequence as a whole: 1..N with no hole, the counter at N. The column is unique, so
    # no number repeats (counting the distinct numbers would sort the whole numbering).
    # COUNT(*) alone is counted from the table's pages, MIN and MAX from the ends of the index.
    total = int(model.select(fn.COUNT(SQL("*"))).scalar() or 0)
    lowest = model.select(fn.MIN(column)).scalar()
    highest = int(model.select(fn.MAX(column)).scalar() or 0)
    if total and not (lowest == 1 and highest == total):
        elsewhere: list[int] = []
        expected = 1
        skip = set(in_period)
        for (number,) in model.select(column).order_by(column).tuples().iterator():
            while expected < number:
                if expected not in skip:
                    elsewhere.append(expected)
                expected += 1
            expected = max(expected, number + 1)
        if elsewhere:
            warnings.append(_missing_sentence(what, numbering, elsewhere,
                                              " from the numbering outside this period"))
    if last_value != highest and not (high > highest and in_period):
        warnings.append(
            f"The {what} counter stands at {last_value} but the highest {what} number issued "
            f"is {highest}.")
    return _Gaps(tuple(in_period), tuple(warnings))


# --- the cash-up ---------------------------------------------------------------------------

def _cashup(actor: Actor, period: _Period, scoped: bool) -> tuple[
        list[tuple[str, str]], list[ReportTable], list[ChartSeries], list[str]]:
    P, CN = t.Payment, t.CreditNote  # noqa: N806
    pay_where = period.within(P.taken_at)
    note_where = period.within(CN.issued_at)
    if scoped:
        pay_where &= P.taken_by == actor.id
        note_where &= CN.issued_by == actor.id

    methods = list(PaymentMethod)
    taken = {PaymentMethod(m): (int(c), int(n or 0), int(v or 0), int(g or 0))
             for m, c, n, v, g in tuples(
                 P.select(P.method, fn.COUNT(P.id), fn.SUM(P.net_pence), fn.SUM(P.vat_pence),
                          fn.SUM(P.gross_pence)).where(pay_where).group_by(P.method))}
    refunded = {PaymentMethod(m): (int(c), int(n or 0), int(v or 0), int(g or 0))
                for m, c, n, v, g in tuples(
                    CN.select(CN.method, fn.COUNT(CN.id), fn.SUM(CN.net_pence),
                              fn.SUM(CN.vat_pence), fn.SUM(CN.gross_pence))
                    .where(note_where).group_by(CN.method))}
    zero = (0, 0, 0, 0)

    def method_rows(data: dict[PaymentMethod, tuple[int, int, int, int]]
                    ) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
        rows = tuple((m.label, _count(data.get(m, zero)[0]), _money(data.get(m, zero)[1]),
                      _money(data.get(m, zero)[2]), _money(data.get(m, zero)[3]))
                     for m in methods)
        sums = [sum(v[i] for v in data.values()) for i in range(4)]
        return rows, ("Total", _count(sums[0]), _money(sums[1]), _money(sums[2]),
                      _money(sums[3]))

    money_cols = ("Method", "Count", "Net", "VAT", "Gross")
    money_numeric = (False, True, True, True, True)
    rows, totals = method_rows(taken)
    tables = [ReportTable("Takings by payment method", money_cols, rows, money_numeric, totals,
                          note="" if taken else "No payments in this period.")]

    by_user = tuples(P.select(P.taken_by, fn.COUNT(P.id), fn.SUM(P.gross_pence))
                     .where(pay_where).group_by(P.taken_by))
    names = _user_names(uid for uid, _, _ in by_user)
    by_user.sort(key=lambda r: (names.get(int(r[0]), ""), r[0]))
    tables.append(ReportTable(
        "Takings by user", ("Taken by", "Receipts", "Gross"),
        tuple((names.get(int(uid), f"User {uid}"), _count(c), _money(g))
              for uid, c, g in by_user),
        (False, True, True),
        ("Total", _count(sum(int(r[1]) for r in by_user)),
         _money(sum(int(r[2] or 0) for r in by_user))) if by_user else None,
        note="" if by_user else "No payments in this period."))

    rows, totals = method_rows(refunded)
    tables.append(ReportTable("Refunds and voids by method (credit notes issued)", money_cols,
                              rows, money_numeric, totals,
                              note="" if refunded else "No refunds or voids in this period."))

    net_rows = []
    for m in methods:
        gross, back = taken.get(m, zero)[3], refunded.get(m, zero)[3]
        net_rows.append((m.label, _money(gross), _money(back), _money(gross - back)))
    gross_all = sum(v[3] for v in taken.values())
    back_all = sum(v[3] for v in refunded.values())
    tables.append(ReportTable("Net takings by method", ("Method", "Takings", "Refunds", "Net"),
                              tuple(net_rows), (False, True, True, True),
                              ("Total", _money(gross_all), _money(back_all),
                               _money(gross_all - back_all))))
    cash = taken.get(PaymentMethod.CASH, zero)[3] - refunded.get(PaymentMethod.CASH, zero)[3]

    # The receipts and credit notes in number order, with any hole in the numbering.
    receipts = tuples(P.select(P.receipt_number, P.taken_at, P.customer_name, P.method,
                               P.gross_pence, P.taken_by)
                      .where(pay_where).order_by(P.receipt_number))
    notes = tuples(CN.select(CN.number, CN.issued_at, P.receipt_number, CN.kind, CN.method,
                             CN.gross_pence, CN.issued_by, CN.reason)
                   .join(P, on=(CN.payment == P.id)).where(note_where).order_by(CN.number))
    names.update(_user_names([r[5] for r in receipts] + [r[6] for r in notes]))
    receipt_gaps = _sequence_gaps(P.receipt_number, P.taken_at, "receipt", "receipt", RECEIPT,
                                  period, [int(r[0]) for r in receipts])
    note_gaps = _sequence_gaps(CN.number, CN.issued_at, "credit_note", "credit note", CREDIT_NOTE,
                               period, [int(r[0]) for r in notes])

    listing: list[tuple[int, tuple[str, ...], bool]] = [
        (int(n), (receipt_text(n), period.when(at), name, _method_label(m), _money(g),
                  names.get(int(uid), "")), False)
        for n, at, name, m, g, uid in receipts]
    listing += [(n, (receipt_text(n), DASH, "MISSING — no receipt has this number", DASH, DASH,
                     DASH), True) for n in receipt_gaps.in_period]
    listing.sort(key=lambda r: r[0])
    tables.append(ReportTable(
        "Receipts in number order", ("Receipt", "Time", "Customer", "Method", "Gross",
                                     "Taken by"),
        tuple(r[1] for r in listing), (False, False, False, False, True, False),
        ("Total", "", f"{len(receipts):,} receipts", "", _money(sum(int(r[4]) for r in receipts)),
         "") if receipts else None,
        tuple(i for i, r in enumerate(listing) if r[2]),
        "" if listing else "No receipts in this period."))

    note_listing: list[tuple[int, tuple[str, ...], bool]] = [
        (int(n), (credit_note_text(n), period.when(at), receipt_text(rn),
                  "Void" if CreditNoteKind(k) is CreditNoteKind.VOID else "Refund",
                  _method_label(m), _money(g), names.get(int(uid), ""), reason), False)
        for n, at, rn, k, m, g, uid, reason in notes]
    note_listing += [(n, (credit_note_text(n), DASH, DASH, "MISSING", DASH, DASH, DASH,
                          "No credit note has this number"), True)
                     for n in note_gaps.in_period]
    note_listing.sort(key=lambda r: r[0])
    tables.append(ReportTable(
        "Credit notes in number order", ("Credit note", "Time", "Receipt", "Kind", "Method",
                                         "Gross", "Issued by", "Reason"),
        tuple(r[1] for r in note_listing),
        (False, False, False, False, False, True, False, False),
        ("Total", "", "", f"{len(notes):,}", "", _money(sum(int(r[5]) for r in notes)), "", "")
        if notes else None,
        tuple(i for i, r in enumerate(note_listing) if r[2]),
        "" if note_listing else "No credit notes in this period."))

    # Takings by day: a sum along the time index for each of the office's days (quicker, even
    # for a year, than reading every payment of the period into Python).
    days = period.days()
    by_day: list[int] = []
    for day in days:
        since, until = period.day_range(day)
        where = (P.taken_at >= since) & (P.taken_at < until)
        if scoped:
            where &= P.taken_by == actor.id
        by_day.append(int(P.select(fn.SUM(P.gross_pence)).where(where).scalar() or 0))
    charts = [
        ChartSeries("Takings by day", tuple(f"{d:%d/%m}" for d in days),
                    tuple(by_day), "pence", "bar"),
        ChartSeries("Takings by method", tuple(m.label for m in methods),
                    tuple(taken.get(m, zero)[3] for m in methods), "pence", "pie"),
    ]
    receipt_count = sum(v[0] for v in taken.values())
    summary = [
        ("Receipts", _count(receipt_count)),
        ("Gross takings", _money(gross_all)),
        ("Refunds and voids", _money(back_all)),
        ("Net takings", _money(gross_all - back_all)),
        ("Cash to be in the drawer (before any float)", _money(cash)),
    ]
    return summary, tables, charts, list(receipt_gaps.warnings + note_gaps.warnings)


# --- incidents -----------------------------------------------------------------------------

def _incidents(period: _Period) -> tuple[list[tuple[str, str]], list[ReportTable],
                                         list[ChartSeries], list[str]]:
    I = t.Incident  # noqa: N806, E741
    opened_where = period.within(I.opened_at)
    resolved_where = period.within(I.resolved_at)
    closed_where = period.within(I.closed_at)
    # The period's incidents are read twice along an index (opened, resolved), each time
    # grouped or fetched in one query: the tables below are sums of these.
    opened_groups = tuples(I.select(I.status, I.product, I.engineer, fn.COUNT(I.id))
                           .where(opened_where).group_by(I.status, I.product, I.engineer))
    resolved_rows = tuples(I.select(I.engineer, I.product, I.opened_at, I.resolved_at)
                           .where(resolved_where))
    opened = sum(int(c) for _s, _p, _e, c in opened_groups)
    resolved = len(resolved_rows)
    closed = I.select(fn.COUNT(I.id)).where(closed_where).scalar() or 0

    status_counts: dict[IncidentStatus, int] = {}
    for status, _p, _e, c in opened_groups:
        key = IncidentStatus(status)
        status_counts[key] = status_counts.get(key, 0) + int(c)
    tables = [ReportTable(
        "Incidents opened in the period, by current status", ("Status", "Incidents"),
        tuple((s.label, _count(status_counts.get(s, 0))) for s in IncidentStatus),
        (False, True), ("Total", _count(opened)))]

    ended = (resolved_where | closed_where) & I.resolution.is_null(False)
    resolution_counts = {Resolution(r): int(c) for r, c in tuples(
        I.select(I.resolution, fn.COUNT(I.id)).where(ended).group_by(I.resolution))}
    ended_total = sum(resolution_counts.values())
    tables.append(ReportTable(
        "Incidents resolved or closed in the period, by resolution", ("Resolution", "Incidents"),
        tuple((r.label, _count(resolution_counts.get(r, 0))) for r in Resolution),
        (False, True), ("Total", _count(ended_total)),
        note="" if ended_total else "No incidents were resolved or closed in this period."))

    product_names = {int(pid): name for pid, name in tuples(
        t.Product.select(t.Product.id, t.Product.name))}
    products: dict[str, list[int]] = {}
    for _s, product, _e, c in opened_groups:
        products.setdefault(product_names.get(int(product), ""), [0, 0])[0] += int(c)
    for _e, product, _o, _r in resolved_rows:
        products.setdefault(product_names.get(int(product), ""), [0, 0])[1] += 1
    tables.append(ReportTable(
        "By product", ("Product", "Opened", "Resolved"),
        tuple((name, _count(o), _count(r)) for name, (o, r) in sorted(products.items())),
        (False, True, True), ("Total", _count(opened), _count(resolved)),
        note="" if products else "No incidents were opened or resolved in this period."))

    # Time to resolution: from opening to resolving, of the incidents resolved in the period.
    times: dict[int, list[float]] = {}
    all_hours: list[float] = []
    for engineer, _product, opened_at, resolved_at in resolved_rows:
        hours = max((resolved_at - opened_at).total_seconds(), 0.0) / 3600
        all_hours.append(hours)
        times.setdefault(int(engineer or 0), []).append(hours)
    engineers: dict[int, list[int]] = {}
    for _s, _p, engineer, c in opened_groups:
        engineers.setdefault(int(engineer or 0), [0, 0])[0] += int(c)
    for engineer, hours_list in times.items():
        engineers.setdefault(engineer, [0, 0])[1] = len(hours_list)
    names = _user_names(e for e in engineers if e)
    eng_rows = []
    for engineer in sorted(engineers, key=lambda e: (e == 0, names.get(e, ""))):
        o, r = engineers[engineer]
        hours_list = times.get(engineer, [])
        eng_rows.append((names.get(engineer, "Unassigned") if engineer else "Unassigned",
                         _count(o), _count(r),
                         _duration(statistics.median(hours_list)) if hours_list else DASH,
                         _duration(statistics.fmean(hours_list)) if hours_list else DASH))
    median = _duration(statistics.median(all_hours)) if all_hours else DASH
    mean = _duration(statistics.fmean(all_hours)) if all_hours else DASH
    tables.append(ReportTable(
        "By engineer", ("Engineer", "Opened", "Resolved", "Median time to resolution",
                        "Mean time to resolution"),
        tuple(eng_rows), (False, True, True, True, True),
        ("Total", _count(opened), _count(resolved), median, mean),
        note="" if eng_rows else "No incidents were opened or resolved in this period."))

    summary = [("Opened", _count(opened)), ("Resolved", _count(resolved)),
               ("Closed", _count(closed)), ("Median time to resolution", median),
               ("Mean time to resolution", mean)]
    charts = [ChartSeries("Incidents by resolution",
                          tuple(r.label for r in Resolution if resolution_counts.get(r)),
                          tuple(resolution_counts[r] for r in Resolution
                                if resolution_counts.get(r)), "count", "bar")]
    return summary, tables, charts, []


# --- season tickets ------------------------------------------------------------------------

def _tickets(period: _Period, now: dt.datetime) -> tuple[
        list[tuple[str, str]], list[ReportTable], list[ChartSeries], list[str]]:
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
        tuple((str(tid), name, _count(size), period.date(bought), period.date(expires))
              for tid, name, size, bought, expires in sold),
        (True, False, True, False, False),
        ("Total", f"{len(sold):,} tickets", _count(sold_size), "", "") if sold else None,
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
        (("Redeemed", _count(redeemed)), ("Re-credited (handed back)", _count(recredited))),
        (False, True), ("Net redeemed", _count(redeemed - recredited))))

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
        tuple((name, str(tid), f"{int(left)} of {size}", period.date(expires))
              for tid, name, size, expires, left in live),
        (False, True, True, False),
        ("Total", f"{len(live):,} tickets", _count(sum(int(r[4]) for r in live)), "")
        if live else None,
        note=("Balances now." if now < period.until else "Balances at the end of the period.")
        + ("" if live else " No live season tickets.")))

    soon_from = period.until
    soon_to = _utc_start(period.end + dt.timedelta(days=EXPIRING_WITHIN_DAYS + 1), period.zone)
    expiring = [r for r in live if soon_from <= r[3] < soon_to]
    tables.append(ReportTable(
        f"Expiring in the {EXPIRING_WITHIN_DAYS} days after {_day_text(period.end)}",
        ("Customer", "Ticket", "Left", "Expires"),
        tuple((name, str(tid), f"{int(left)} of {size}", period.date(expires))
              for tid, name, size, expires, left in expiring),
        (False, True, True, False),
        ("Total", f"{len(expiring):,} tickets", _count(sum(int(r[4]) for r in expiring)), "")
        if expiring else None,
        note="" if expiring else "No live ticket expires in those days."))

    lapsed = tuples(L.select(L.created_at, t.Customer.name, ST.id, L.delta)
                    .join(ST, on=(L.ticket == ST.id))
                    .join(t.Customer, on=(ST.customer == t.Customer.id))
                    .where(in_period & (L.kind == LedgerKind.EXPIRY))
                    .order_by(L.created_at, L.id))
    lapsed_total = -sum(int(r[3]) for r in lapsed)
    tables.append(ReportTable(
        "Lapsed at expiry", ("Date", "Customer", "Ticket", "Incidents lapsed"),
        tuple((period.date(at), name, str(tid), _count(-delta))
              for at, name, tid, delta in lapsed),
        (False, False, True, True),
        ("Total", "", "", _count(lapsed_total)) if lapsed else None,
        note="" if lapsed else "No incidents lapsed in this period."))

    summary = [("Tickets sold", _count(sold_count)),
               ("Incidents bought", _count(sold_size)),
               ("Tickets sold, gross", _money(sold_gross)),
               ("Incidents redeemed (net of re-credits)", _count(redeemed - recredited)),
               ("Live tickets", _count(len(live))),
               (f"Expiring within {EXPIRING_WITHIN_DAYS} days", _count(len(expiring))),
               ("Incidents lapsed", _count(lapsed_total))]
    return summary, tables, [], []


# --- overrides -----------------------------------------------------------------------------

def _audit_rows(period: _Period, action: str) -> list[tuple[Any, ...]]:
    A = t.AuditLog  # noqa: N806
    return tuples(A.select(A.at, A.user, A.entity_id, A.after)
                  .where((A.action == action) & period.within(A.at)).order_by(A.at, A.id))


def _incident_refs(ids: Iterable[str]) -> dict[int, tuple[str, str]]:
    wanted = sorted({int(i) for i in ids if str(i).isdigit()})
    if not wanted:
        return {}
    return {int(iid): (ref, name) for iid, ref, name in tuples(
        t.Incident.select(t.Incident.id, t.Incident.reference, t.Customer.name)
        .join(t.Customer, on=(t.Incident.customer == t.Customer.id))
        .where(t.Incident.id.in_(wanted)))}


def _after(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _overrides(period: _Period) -> tuple[list[tuple[str, str]], list[ReportTable],
                                         list[ChartSeries], list[str]]:
    W, L, ST, CN, P = (t.Waiver, t.TicketLedger, t.SeasonTicket,  # noqa: N806
                       t.CreditNote, t.Payment)
    waivers = tuples(W.select(W.granted_at, t.Incident.reference, t.Customer.name, W.kind,
                              W.reason, t.User.full_name, W.revoked_at)
                     .join(t.Incident, on=(W.incident == t.Incident.id))
                     .join(t.Customer, on=(t.Incident.customer == t.Customer.id))
                     .switch(W).join(t.User, on=(W.granted_by == t.User.id))
                     .where(period.within(W.granted_at)).order_by(W.granted_at, W.id))
    tables = [ReportTable(
        "Waivers granted", ("Date", "Incident", "Customer", "Kind", "Reason", "Manager",
                            "Revoked"),
        tuple((period.date(at), ref, name, WaiverKind(kind).label,
               reason, manager, period.date(revoked) if revoked else "No")
              for at, ref, name, kind, reason, manager, revoked in waivers),
        (False,) * 7, note="" if waivers else "No waivers were granted in this period.")]

    adjustments = tuples(L.select(L.created_at, t.Customer.name, ST.id, L.delta, L.reason,
                                  t.User.full_name)
                         .join(ST, on=(L.ticket == ST.id))
                         .join(t.Customer, on=(ST.customer == t.Customer.id))
                         .switch(L).join(t.User, on=(L.user == t.User.id))
                         .where(period.within(L.created_at)
                                & (L.kind == LedgerKind.ADJUSTMENT))
                         .order_by(L.created_at, L.id))
    tables.append(ReportTable(
        "Season-ticket adjustments", ("Date", "Customer", "Ticket", "Change", "Reason",
                                      "Manager"),
        tuple((period.date(at), name, str(tid), f"{int(delta):+d}", reason, manager)
              for at, name, tid, delta, reason, manager in adjustments),
        (False, False, True, True, False, False),
        note="" if adjustments else "No season tickets were adjusted in this period."))

    notes = tuples(CN.select(CN.issued_at, CN.number, P.receipt_number, CN.kind, CN.gross_pence,
                             CN.reason, t.User.full_name)
                   .join(P, on=(CN.payment == P.id))
                   .switch(CN).join(t.User, on=(CN.issued_by == t.User.id))
                   .where(period.within(CN.issued_at)).order_by(CN.number))
    tables.append(ReportTable(
        "Refunds and voids", ("Date", "Credit note", "Receipt", "Kind", "Gross", "Reason", "By"),
        tuple((period.date(at), credit_note_text(n), receipt_text(rn),
               "Void" if CreditNoteKind(k) is CreditNoteKind.VOID else "Refund", _money(g),
               reason, who) for at, n, rn, k, g, reason, who in notes),
        (False, False, False, False, True, False, False),
        ("Total", f"{len(notes):,}", "", "", _money(sum(int(r[4]) for r in notes)), "", "")
        if notes else None,
        note="" if notes else "No refunds or voids in this period."))

    remit = _audit_rows(period, "incident.out_of_remit")
    hand_backs = _audit_rows(period, "funding.hand_back")
    refs = _incident_refs([r[2] for r in remit] + [r[2] for r in hand_backs])
    names = _user_names([r[1] for r in remit] + [r[1] for r in hand_backs])

    def who(uid: int | None) -> str:
        return names.get(int(uid), "") if uid is not None else "Automatic"

    tables.append(ReportTable(
        "Closed as out of remit", ("Date", "Incident", "Customer", "Reason", "By"),
        tuple((period.date(at), refs.get(int(eid), (f"#{eid}", ""))[0],
               # The reason as written then (re-opening clears the incident's own note).
               refs.get(int(eid), ("", ""))[1],
               str(_after(after_text).get("resolution_note", "")), who(uid))
              for at, uid, eid, after_text in remit if str(eid).isdigit()),
        (False,) * 5, note="" if remit else "No incidents were closed as out of remit."))
    tables.append(ReportTable(
        "Funding handed back", ("Date", "Incident", "Customer", "Reason", "What was done",
                                "By"),
        tuple((period.date(at), refs.get(int(eid), (f"#{eid}", ""))[0],
               refs.get(int(eid), ("", ""))[1], str(_after(after).get("reason", "")),
               str(_after(after).get("done", "")), who(uid))
              for at, uid, eid, after in hand_backs if str(eid).isdigit()),
        (False,) * 6, note="" if hand_backs else "No funding was handed back in this period."))

    summary = [("Waivers granted", _count(len(waivers))),
               ("Ticket adjustments", _count(len(adjustments))),
               ("Refunds and voids", f"{len(notes):,} ({_money(sum(int(r[4]) for r in notes))})"),
               ("Out of remit", _count(len(remit))),
               ("Funding handed back", _count(len(hand_backs)))]
    return summary, tables, [], []


# --- registers -----------------------------------------------------------------------------

#: Escalations development has not finished with.
_STILL_OPEN = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED,
               EscalationStatus.FIX_SCHEDULED)


def _sortable(moment: dt.datetime) -> float:
    return moment.replace(tzinfo=dt.UTC).timestamp()


def _registers(period: _Period) -> tuple[list[tuple[str, str]], list[ReportTable],
                                         list[ChartSeries], list[str]]:
    ER = t.EnhancementRequest  # noqa: N806
    # The register's own columns: the customers' names (a row for every incident that asked)
    # are not shown here, only how many asked.
    requests = tuples(ER.select(ER.id, t.Product.name, ER.title, ER.status, ER.customer_count,
                                ER.created_at)
                      .join(t.Product, on=(ER.product == t.Product.id))
                      .order_by(ER.customer_count.desc(), ER.id))
    tables = [ReportTable(
        "Enhancement requests by number of customers",
        ("No.", "Product", "Request", "Status", "Customers", "Raised"),
        tuple((str(rid), product, title, ENHANCEMENT_STATUS_LABELS[EnhancementStatus(status)],
               _count(asked), period.date(created)) for rid, product, title, status, asked,
              created in requests),
        (True, False, False, False, True, False),
        note="" if requests else "The enhancement-request register is empty.")]

    E = t.Escalation  # noqa: N806
    counts = {EscalationStatus(s): int(c) for s, c in tuples(
        E.select(E.status, fn.COUNT(E.id)).group_by(E.status))}
    new = {EscalationStatus(s): int(c) for s, c in tuples(
        E.select(E.status, fn.COUNT(E.id)).where(period.within(E.created_at))
        .group_by(E.status))}
    tables.append(ReportTable(
        "Escalations by status", ("Status", "Escalations", "Raised in the period"),
        tuple((ESCALATION_STATUS_LABELS[s], _count(counts.get(s, 0)), _count(new.get(s, 0)))
              for s in EscalationStatus),
        (False, True, True),
        ("Total", _count(sum(counts.values())), _count(sum(new.values())))))
    # The escalations still with development, and those raised in the period (the closed
    # ones of earlier periods are counted above, not listed: an office has tens of thousands).
    escalations = tuples(
        E.select(E.created_at, t.Incident.reference, t.Customer.name, t.Product.name,
                 E.product_version, E.status, E.id)
        .join(t.Incident, on=(E.incident == t.Incident.id))
        .join(t.Customer, on=(t.Incident.customer == t.Customer.id))
        .switch(E).join(t.Product, on=(E.product == t.Product.id))
        .where(E.status.in_(list(_STILL_OPEN)) | period.within(E.created_at)))
    order = {s: i for i, s in enumerate(EscalationStatus)}
    escalations.sort(key=lambda e: (order[EscalationStatus(e[5])], -_sortable(e[0]), e[6]))
    tables.append(ReportTable(
        "Escalation register", ("Incident", "Customer", "Product", "Version", "Status",
                                "Raised"),
        tuple((ref, customer, product, version or DASH,
               ESCALATION_STATUS_LABELS[EscalationStatus(status)], period.date(created))
              for created, ref, customer, product, version, status, _id in escalations),
        (False,) * 6,
        note=("Escalations still open, and those raised in the period." if escalations
              else "No escalation is open or was raised in this period.")))
    open_requests = sum(1 for r in requests
                        if EnhancementStatus(r[3]) in (EnhancementStatus.OPEN,
                                                        EnhancementStatus.PLANNED))
    summary = [("Enhancement requests", _count(len(requests))),
               ("Open or planned", _count(open_requests)),
               ("Escalations", _count(sum(counts.values()))),
               ("Escalations raised in the period", _count(sum(new.values())))]
    charts = [ChartSeries("Escalations by status",
                          tuple(ESCALATION_STATUS_LABELS[s] for s in EscalationStatus
                                if counts.get(s)),
                          tuple(counts[s] for s in EscalationStatus if counts.get(s)),
                          "count", "bar")] if counts else []
    return summary, tables, charts, []


# --- building ------------------------------------------------------------------------------

def build_report(actor: Actor, name: str, start: dt.date, end: dt.date, *,
                 now: dt.datetime | None = None) -> ReportData:
    """Build one report for the office-local days ``start`` to ``end`` inclusive.

    Raises:
        ValidationError: an unknown report, a first day after the last, or a period longer
            than :data:`MAX_PERIOD_DAYS`.
        PermissionDenied: reception asking for anything but today's cash-up of their own
            takings.
    """
    kind = _KINDS.get((name or "").strip().lower())
    if kind is None:
        choices = ", ".join(k.name for k in REPORT_KINDS)
        raise ValidationError(f"There is no report called “{name}”; choose one of {choices}.",
                              "name")
    start, end = _validate_period(start, end)
    now = now or utcnow()
    with read_snapshot():
        require(actor, EVERYONE if kind.reception_allowed else ENGINEERS,
                f"run the {kind.title.lower()} report")
        settings = office_settings()
        zone = office_zone(settings)
        scoped = actor.role is Role.RECEPTION
        if scoped:
            today = local_date(now, zone)
            if not start == end == today:
                raise PermissionDenied(
                    f"Reception may run the cash-up for today ({_day_text(today)}) only; ask a "
                    "manager for other days.")
        period = _Period(start, end, zone, _utc_start(start, zone),
                         _utc_start(end + dt.timedelta(days=1), zone))
        builders: dict[str, Callable[[], tuple[list[tuple[str, str]], list[ReportTable],
                                               list[ChartSeries], list[str]]]] = {
            "cashup": lambda: _cashup(actor, period, scoped),
            "incidents": lambda: _incidents(period),
            "tickets": lambda: _tickets(period, now),
            "overrides": lambda: _overrides(period),
            "registers": lambda: _registers(period),
        }
        summary, tables, charts, warnings = builders[kind.name]()
        return ReportDoc(
            name=kind.name, title=kind.title, start=start, end=end,
            period_text=period_text(start, end), generated_at=now,
            generated_by=actor.full_name, timezone=settings.timezone or "Europe/London",
            office=printed_office(settings), summary=tuple(summary), tables=tuple(tables),
            charts=tuple(charts), warnings=tuple(warnings),
            scope=f"Takings of {actor.full_name} only" if scoped else "")


# --- output --------------------------------------------------------------------------------

def report_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes (ReportLab; identical data gives identical bytes)."""
    from synergy_desk.documents import render_report

    return render_report(data)


def report_csv(data: ReportData) -> str:
    """The report as CSV text: what it is, the key figures, then every table with its title.

    Cells a spreadsheet would run as a formula are neutralised.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def row(cells: Iterable[str]) -> None:
        writer.writerow([neutralise_cell(str(c)) for c in cells])

    row([data.title])
    row(["Period", data.period_text])
    row(["Office", data.office.name])
    if data.scope:
        row(["Scope", data.scope])
    row(["Generated", f"{_when(data.generated_at, data.timezone)} by {data.generated_by}"])
    for warning in data.warnings:
        row(["Warning", warning])
    writer.writerow([])
    row(["Key figures"])
    for label, value in data.summary:
        row([label, value])
    for table in data.tables:
        writer.writerow([])
        row([table.title])
        row(table.columns)
        for i, cells in enumerate(table.rows):
            row(list(cells) + (["GAP"] if i in table.flagged_rows else []))
        if table.totals is not None:
            row(table.totals)
        if table.note:
            row([table.note])
    return out.getvalue()


def _when(moment: dt.datetime, tz_name: str) -> str:
    loc = moment.replace(tzinfo=dt.UTC).astimezone(zone_named(tz_name))
    return f"{loc:%d/%m/%Y %H:%M} {loc.tzname() or ''}".rstrip()

