"""The registers report: enhancement requests by number of customers, escalations by status."""

from __future__ import annotations

import datetime as dt

from peewee import fn

from synergy_desk.documents.data import Cell, ChartSeries, ReportTable
from synergy_desk.domain.enums import (
    EnhancementStatus,
    EscalationStatus,
)
from synergy_desk.models import tables as t
from synergy_desk.services.common import tuples
from synergy_desk.services.incidents.registers import (
    ENHANCEMENT_STATUS_LABELS,
    ESCALATION_STATUS_LABELS,
)
from synergy_desk.services.reporting.reports.helpers import (
    ReportRequest,
    Sections,
    count_cell,
)
from synergy_desk.services.reporting.reports.period import Period

__all__ = ["build"]


#: Escalations development has not finished with.
_STILL_OPEN = (EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED,
               EscalationStatus.FIX_SCHEDULED)


def _sortable(moment: dt.datetime) -> float:
    return moment.replace(tzinfo=dt.UTC).timestamp()


def _registers(period: Period) -> Sections:
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
        tuple((Cell.number(rid), Cell.plain(product), Cell.plain(title),
               Cell.plain(ENHANCEMENT_STATUS_LABELS[EnhancementStatus(status)]),
               count_cell(asked), period.date(created))
              for rid, product, title, status, asked, created in requests),
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
        tuple((Cell.plain(ESCALATION_STATUS_LABELS[s]), count_cell(counts.get(s, 0)),
               count_cell(new.get(s, 0))) for s in EscalationStatus),
        (False, True, True),
        (Cell.plain("Total"), count_cell(sum(counts.values())),
         count_cell(sum(new.values())))))
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
        tuple((Cell.plain(ref), Cell.plain(customer), Cell.plain(product),
               Cell.plain(version) if version else Cell.blank(),
               Cell.plain(ESCALATION_STATUS_LABELS[EscalationStatus(status)]),
               period.date(created))
              for created, ref, customer, product, version, status, _id in escalations),
        (False,) * 6,
        note=("Escalations still open, and those raised in the period." if escalations
              else "No escalation is open or was raised in this period.")))
    open_requests = sum(1 for r in requests
                        if EnhancementStatus(r[3]) in (EnhancementStatus.OPEN,
                                                        EnhancementStatus.PLANNED))
    summary = [("Enhancement requests", count_cell(len(requests))),
               ("Open or planned", count_cell(open_requests)),
               ("Escalations", count_cell(sum(counts.values()))),
               ("Escalations raised in the period", count_cell(sum(new.values())))]
    charts = [ChartSeries("Escalations by status",
                          tuple(ESCALATION_STATUS_LABELS[s] for s in EscalationStatus
                                if counts.get(s)),
                          tuple(counts[s] for s in EscalationStatus if counts.get(s)),
                          "count", "bar")] if counts else []
    return summary, tables, charts, []


def build(request: ReportRequest) -> Sections:
    """The report's sections for the request's period."""
    return _registers(request.period)
