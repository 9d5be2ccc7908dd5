"""Every report a person can choose, who may run it, building one for a period, and its PDF
and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from synergy_desk.documents.data import Cell, ChartSeries, ReportDoc, ReportTable
from synergy_desk.domain.csv_cells import neutralise_cell
from synergy_desk.domain.enums import (
    Role,
)
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.domain.money import decimal_pence
from synergy_desk.domain.zones import (
    DEFAULT_ZONE,
    day_text,
    format_datetime,
    local_date,
    utc_start,
)
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import ENGINEERS, EVERYONE, Actor, read_snapshot, require
from synergy_desk.services.office.office_details import printed_office
from synergy_desk.services.office.office_time import office_zone
from synergy_desk.services.office.settings import office_settings
from synergy_desk.services.reporting.reports import (
    cashup,
    contracts,
    incidents,
    overrides,
    registers,
    requests,
    tickets,
)
from synergy_desk.services.reporting.reports.helpers import (
    ReportRequest,
    Sections,
)
from synergy_desk.services.reporting.reports.period import (
    Period,
    period_text,
    validate_period,
)

__all__ = ["ReportData", "ReportKind", "REPORT_KINDS", "Cell", "ReportTable", "ChartSeries",
           "report_kinds", "build_report", "report_pdf", "report_csv", "csv_cell"]


#: A report's data (the documents package's ReportDoc, named for the services' callers).
ReportData = ReportDoc


@dataclass(frozen=True)
class ReportKind:
    """One report a person can choose."""

    name: str
    title: str
    description: str
    reception_allowed: bool
    #: Builds the report's sections (each report's module's ``build``).
    build: Callable[[ReportRequest], Sections] = field(repr=False, compare=False)


REPORT_KINDS: tuple[ReportKind, ...] = (
    ReportKind("cashup", "End-of-day cash-up",
               "Takings by payment method and by user, refunds, net, the receipts and credit "
               "notes in number order, and the cash to be in the drawer.", True, cashup.build),
    ReportKind("incidents", "Incidents",
               "Incidents opened, resolved and closed, by status, resolution, product and "
               "engineer, with the time to resolution.", False, incidents.build),
    ReportKind("tickets", "Season tickets",
               "Tickets sold, incidents redeemed, live balances, tickets expiring in the next "
               "30 days and incidents lapsed.", False, tickets.build),
    ReportKind("contracts", "Support contracts",
               "Incidents covered per contract, with each contract's dates, state, price and "
               "what was paid for it.", False, contracts.build),
    ReportKind("overrides", "Waivers and overrides",
               "Waivers granted, ticket adjustments, refunds and voids, out-of-remit closures "
               "and funding handed back.", False, overrides.build),
    ReportKind("registers", "Registers",
               "Enhancement requests by number of customers and escalations by status.", False,
               registers.build),
    ReportKind("requests", "Payment requests",
               "Payment requests issued: what was asked, what has arrived and what is still to "
               "come, open, part paid, overdue, paid and cancelled, with totals per status.",
               False, requests.build),
)


_KINDS = {k.name: k for k in REPORT_KINDS}


def report_kinds(actor: Actor) -> tuple[ReportKind, ...]:
    """The reports the actor may run (reception: only the cash-up of their own takings)."""
    if actor.role is Role.RECEPTION:
        return tuple(k for k in REPORT_KINDS if k.reception_allowed)
    return REPORT_KINDS


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
    start, end = validate_period(start, end)
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
                    f"Reception may run the cash-up for today ({day_text(today)}) only; ask a "
                    "manager for other days.")
        period = Period(start, end, zone, utc_start(start, zone),
                         utc_start(end + dt.timedelta(days=1), zone))
        summary, tables, charts, warnings = kind.build(ReportRequest(actor, period, now, scoped))
        return ReportDoc(
            name=kind.name, title=kind.title, start=start, end=end,
            period_text=period_text(start, end), generated_at=now,
            generated_by=actor.full_name, timezone=settings.timezone or DEFAULT_ZONE,
            office=printed_office(settings), summary=tuple(summary), tables=tuple(tables),
            charts=tuple(charts), warnings=tuple(warnings),
            scope=f"Takings of {actor.full_name} only" if scoped else "")


def report_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes (ReportLab; identical data gives identical bytes)."""
    from synergy_desk.documents import render_report

    return render_report(data)


def report_csv(data: ReportData) -> str:
    """The report as CSV text: what it is, the key figures, then every table with its title.

    Figures are values a spreadsheet reads as numbers and dates (see :func:`csv_cell`); text
    a spreadsheet would run as a formula is neutralised.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def row(cells: Iterable[str]) -> None:
        writer.writerow([neutralise_cell(str(c)) for c in cells])

    def cell_row(cells: Iterable[Cell], *more: str) -> None:
        writer.writerow([csv_cell(c) for c in cells] + list(more))

    row([data.title])
    row(["Period", data.period_text])
    row(["Office", data.office.name])
    if data.scope:
        row(["Scope", data.scope])
    row(["Generated", f"{format_datetime(data.generated_at, data.timezone)} by {data.generated_by}"])
    for warning in data.warnings:
        row(["Warning", warning])
    writer.writerow([])
    row(["Key figures"])
    for label, figure in data.summary:
        writer.writerow([neutralise_cell(label), csv_cell(figure)])
    for table in data.tables:
        writer.writerow([])
        row([table.title])
        row(table.columns)
        for i, cells in enumerate(table.rows):
            cell_row(cells, *(["GAP"] if i in table.flagged_rows else []))
        if table.totals is not None:
            cell_row(table.totals)
        if table.note:
            row([table.note])
    return out.getvalue()


def csv_cell(cell: Cell) -> str:
    """A report cell as a spreadsheet should read it.

    Money is a plain decimal (1075.50), counts and numbers whole numbers, office days ISO
    (2026-12-01) and moments ISO in the office's time (2026-12-01 14:05:00), as the customer
    and payment exports write them. A cell with no value, text and durations ("8.1 h", "4.2
    days": hours alone would lose their unit) are written as printed, neutralised if a
    spreadsheet would run them as a formula; the numbers written here never need it ("-2.50"
    is a number, not a formula).
    """
    value = cell.value
    if value is None:
        return neutralise_cell(cell.text)
    if cell.kind == "money" and isinstance(value, int):
        return decimal_pence(value)
    if cell.kind in ("count", "number") and isinstance(value, int):
        return str(value)
    if cell.kind == "datetime" and isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
    if cell.kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return neutralise_cell(cell.text)
