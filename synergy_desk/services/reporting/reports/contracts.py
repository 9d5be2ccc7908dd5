"""The support-contracts report: the incidents each contract covered in the period, its
dates, state, price and what was paid for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from synergy_desk.documents.data import Cell, ChartSeries, ReportTable
from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.models import tables as t
from synergy_desk.services.common import tuples
from synergy_desk.services.money import contracts
from synergy_desk.services.reporting.reports.helpers import (
    ReportRequest,
    Sections,
    count_cell,
    money_cell,
)
from synergy_desk.services.reporting.reports.period import Period

__all__ = ["build"]

_STATE_LABELS = {"current": "Current", "not started": "Not started", "ended": "Ended",
                 "ended early": "Ended early", "cancelled": "Cancelled"}


def _covered_in(period: Period) -> list[tuple[int, str, str, str, dt.datetime, str]]:
    """Every incident a contract began to fund in the period (still funding it or not):
    (contract id, incident reference, customer, subject, when, status)."""
    f = t.IncidentFunding
    rows = tuples(f.select(f.contract, t.Incident.reference, t.Customer.name, t.Incident.subject,
                           f.created_at, t.Incident.status)
                  .join(t.Incident, on=(f.incident == t.Incident.id))
                  .join(t.Customer, on=(t.Incident.customer == t.Customer.id))
                  .where((f.kind == FundingKind.CONTRACT) & period.within(f.created_at))
                  .order_by(f.created_at, f.id))
    return [(int(cid), ref, name, subject, created, IncidentStatus(status).label)
            for cid, ref, name, subject, created, status in rows]


def _contracts(period: Period) -> Sections:
    covered = _covered_in(period)
    per_contract: dict[int, int] = {}
    for row in covered:
        per_contract[row[0]] = per_contract.get(row[0], 0) + 1
    # The contracts that ran on some day of the period, and any that covered an incident in it.
    running = {row.id: row for row in contracts.list_contracts()
               if (row.starts_on <= period.end and row.ends_on >= period.start)
               or row.id in per_contract}
    listed: Sequence[contracts.ContractRow] = sorted(
        running.values(), key=lambda r: (-per_contract.get(r.id, 0), r.customer_name.lower(),
                                         r.reference.lower(), r.id))
    references = {row.id: row.reference for row in listed}
    # Short headings: ten columns share the page, and long ones squeezed the contract's
    # reference and its customer to a few letters a line ("Covered": in the period; "Now":
    # the incidents it funds now).
    tables = [ReportTable(
        "Incidents covered per contract",
        ("Contract", "Customer", "Covers", "Starts", "Ends", "State", "Price", "Paid",
         "Covered", "Now"),
        tuple((Cell.plain(r.reference), Cell.plain(r.customer_name), Cell.plain(r.product_name),
               Cell.date(r.starts_on), Cell.date(r.ends_on),
               Cell.plain(_STATE_LABELS.get(r.state, r.state)),
               money_cell(r.price_pence), money_cell(r.paid_pence),
               count_cell(per_contract.get(r.id, 0)), count_cell(r.incidents_covered))
              for r in listed),
        (False, False, False, False, False, False, True, True, True, True),
        (Cell.plain("Total"), Cell.blank(), Cell.blank(), Cell.blank(), Cell.blank(),
         Cell.blank(), money_cell(sum(r.price_pence for r in listed)),
         money_cell(sum(r.paid_pence for r in listed)), count_cell(len(covered)),
         count_cell(sum(r.incidents_covered for r in listed))) if listed else None,
        note="" if listed else "No support contract ran in this period."),
        ReportTable(
            "Incidents funded from a contract in the period",
            ("Contract", "Incident", "Customer", "Subject", "Funded", "Status"),
            tuple((Cell.plain(references.get(cid, str(cid))), Cell.plain(ref),
                   Cell.plain(customer), Cell.plain(subject), period.date(created),
                   Cell.plain(status))
                  for cid, ref, customer, subject, created, status in covered),
            (False,) * 6,
            note="" if covered else "No incident was funded from a contract in this period.")]
    summary = [("Contracts in the period", count_cell(len(listed))),
               ("Current today", count_cell(sum(1 for r in listed if r.state == "current"))),
               ("Incidents covered in the period", count_cell(len(covered))),
               ("Paid for contracts", money_cell(sum(r.paid_pence for r in listed)))]
    charts = [ChartSeries("Incidents covered per contract",
                          tuple(r.reference for r in listed if per_contract.get(r.id)),
                          tuple(per_contract[r.id] for r in listed if per_contract.get(r.id)),
                          "count", "bar")] if per_contract else []
    return summary, tables, charts, []


def build(request: ReportRequest) -> Sections:
    """The report's sections for the request's period."""
    return _contracts(request.period)
