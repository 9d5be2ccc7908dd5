"""The incidents report: opened, resolved and closed in the period, by status, resolution,
product and engineer, with the time to resolution."""

from __future__ import annotations

import statistics

from peewee import fn

from synergy_desk.documents.data import Cell, ChartSeries, ReportTable
from synergy_desk.domain.enums import (
    IncidentStatus,
    Resolution,
)
from synergy_desk.models import tables as t
from synergy_desk.services.common import tuples
from synergy_desk.services.reporting.reports.helpers import (
    ReportRequest,
    Sections,
    count_cell,
    user_names,
)
from synergy_desk.services.reporting.reports.period import Period

__all__ = ["build"]


def _incidents(period: Period) -> Sections:
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
        tuple((Cell.plain(s.label), count_cell(status_counts.get(s, 0))) for s in IncidentStatus),
        (False, True), (Cell.plain("Total"), count_cell(opened)))]

    ended = (resolved_where | closed_where) & I.resolution.is_null(False)
    resolution_counts = {Resolution(r): int(c) for r, c in tuples(
        I.select(I.resolution, fn.COUNT(I.id)).where(ended).group_by(I.resolution))}
    ended_total = sum(resolution_counts.values())
    tables.append(ReportTable(
        "Incidents resolved or closed in the period, by resolution", ("Resolution", "Incidents"),
        tuple((Cell.plain(r.label), count_cell(resolution_counts.get(r, 0))) for r in Resolution),
        (False, True), (Cell.plain("Total"), count_cell(ended_total)),
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
        tuple((Cell.plain(name), count_cell(o), count_cell(r))
              for name, (o, r) in sorted(products.items())),
        (False, True, True), (Cell.plain("Total"), count_cell(opened), count_cell(resolved)),
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
    names = user_names(e for e in engineers if e)
    eng_rows = []
    for engineer in sorted(engineers, key=lambda e: (e == 0, names.get(e, ""))):
        o, r = engineers[engineer]
        hours_list = times.get(engineer, [])
        eng_rows.append((
            Cell.plain(names.get(engineer, "Unassigned") if engineer else "Unassigned"),
            count_cell(o), count_cell(r),
            Cell.hours(statistics.median(hours_list) if hours_list else None),
            Cell.hours(statistics.fmean(hours_list) if hours_list else None)))
    median = Cell.hours(statistics.median(all_hours) if all_hours else None)
    mean = Cell.hours(statistics.fmean(all_hours) if all_hours else None)
    tables.append(ReportTable(
        "By engineer", ("Engineer", "Opened", "Resolved", "Median time to resolution",
                        "Mean time to resolution"),
        tuple(eng_rows), (False, True, True, True, True),
        (Cell.plain("Total"), count_cell(opened), count_cell(resolved), median, mean),
        note="" if eng_rows else "No incidents were opened or resolved in this period."))

    summary = [("Opened", count_cell(opened)), ("Resolved", count_cell(resolved)),
               ("Closed", count_cell(closed)), ("Median time to resolution", median),
               ("Mean time to resolution", mean)]
    charts = [ChartSeries("Incidents by resolution",
                          tuple(r.label for r in Resolution if resolution_counts.get(r)),
                          tuple(resolution_counts[r] for r in Resolution
                                if resolution_counts.get(r)), "count", "bar")]
    return summary, tables, charts, []


def build(request: ReportRequest) -> Sections:
    """The report's sections for the request's period."""
    return _incidents(request.period)
