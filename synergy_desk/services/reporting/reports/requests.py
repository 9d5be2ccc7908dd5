"""The payment-requests report: every request issued in the period, what was asked, what has
arrived and what is still to come, with its status now (open, part paid, overdue, paid with
its receipt, cancelled with the reason) and the totals per status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from synergy_desk.documents.data import Cell, ReportTable
from synergy_desk.domain.numbers import payment_request_text, receipt_text
from synergy_desk.domain.zones import local_date
from synergy_desk.models import tables as t
from synergy_desk.services.common import tuples
from synergy_desk.services.money.payments import receipt_customer_name
from synergy_desk.services.reporting.reports.helpers import (
    ReportRequest,
    Sections,
    count_cell,
    money_cell,
)

__all__ = ["STATUS_ORDER", "build"]

#: The statuses in the order the report totals them, with how each reads.
STATUS_ORDER = (("open", "Open"), ("part_paid", "Part paid"), ("overdue", "Overdue"),
                ("paid", "Paid"), ("cancelled", "Cancelled"))


@dataclass(frozen=True)
class _Row:
    number: int
    reference: str
    customer: str
    issued_at: dt.datetime
    due_on: dt.date
    gross: int
    received: int
    state: str
    receipt: int | None
    cancel_reason: str

    def status(self, today: dt.date) -> str:
        if self.state != "open":
            return self.state
        if self.due_on < today:
            return "overdue"
        return "part_paid" if self.received else "open"

    @property
    def outstanding(self) -> int:
        return max(0, self.gross - self.received) if self.state == "open" else 0

    @property
    def over(self) -> int:
        """Money beyond what was asked, or any money on a cancelled request: to hand back or
        hold as credit."""
        if self.state == "cancelled":
            return self.received
        return max(0, self.received - self.gross)

    def status_text(self, today: dt.date) -> str:
        status = self.status(today)
        label = dict(STATUS_ORDER)[status]
        if status == "paid" and self.receipt is not None:
            return f"Paid — receipt {receipt_text(self.receipt)}"
        if status == "cancelled":
            return f"Cancelled — {self.cancel_reason}" if self.cancel_reason else label
        if status == "overdue" and self.received:
            return "Overdue (part paid)"
        return label


def _rows(request: ReportRequest) -> list[_Row]:
    PR, BT = t.PaymentRequest, t.BankTransfer  # noqa: N806
    period = request.period
    found = tuples(PR.select(PR.id, PR.number, PR.reference, t.Customer.name,
                             t.Customer.company, PR.issued_at,
                             PR.due_on, PR.gross_pence, PR.state, t.Payment.receipt_number,
                             PR.cancel_reason)
                   .join(t.Customer, on=(PR.customer == t.Customer.id))
                   .switch(PR).join(t.Payment, JOIN.LEFT_OUTER, on=(PR.payment == t.Payment.id))
                   .where(period.within(PR.issued_at)).order_by(PR.number))
    ids = [int(r[0]) for r in found]
    received: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        received.update({int(rid): int(total or 0) for rid, total in tuples(
            BT.select(BT.request, fn.SUM(BT.amount_pence))
            .where(BT.request.in_(ids[start:start + 500])).group_by(BT.request))})
    return [_Row(int(number), reference, receipt_customer_name(name, company or ""), issued, due, int(gross), received.get(int(rid), 0), state,
                 int(receipt) if receipt is not None else None, reason or "")
            for rid, number, reference, name, company, issued, due, gross, state,
            receipt, reason in found]


def build(request: ReportRequest) -> Sections:
    """The report's sections for the requests issued in the request's period."""
    period = request.period
    today = local_date(request.now, period.zone)
    rows = _rows(request)
    count_text = f"{len(rows):,} request{'' if len(rows) == 1 else 's'}"
    none = "No payment requests were issued in this period."
    # Two tables of one row per request (what and when; the money), so each fits the page.
    listing = ReportTable(
        "Payment requests issued", ("Request", "Reference", "Customer", "Issued", "Due",
                                    "Status"),
        tuple((Cell.plain(payment_request_text(r.number)), Cell.plain(r.reference),
               Cell.plain(r.customer), period.date(r.issued_at), Cell.date(r.due_on),
               Cell.plain(r.status_text(today))) for r in rows),
        (False,) * 6, None, (), "" if rows else none)
    money = ReportTable(
        "Money asked and received", ("Request", "Customer", "Amount", "Received",
                                     "Still to come", "Over / to return"),
        tuple((Cell.plain(payment_request_text(r.number)), Cell.plain(r.customer),
               money_cell(r.gross), money_cell(r.received), money_cell(r.outstanding),
               money_cell(r.over)) for r in rows),
        (False, False, True, True, True, True),
        (Cell.plain("Total"), Cell.plain(count_text), money_cell(sum(r.gross for r in rows)),
         money_cell(sum(r.received for r in rows)), money_cell(sum(r.outstanding for r in rows)),
         money_cell(sum(r.over for r in rows))) if rows else None,
        (), "" if rows else none)

    by_status: list[tuple[Cell, ...]] = []
    for key, label in STATUS_ORDER:
        mine = [r for r in rows if r.status(today) == key]
        by_status.append((Cell.plain(label), count_cell(len(mine)),
                          money_cell(sum(r.gross for r in mine)),
                          money_cell(sum(r.received for r in mine)),
                          money_cell(sum(r.outstanding for r in mine)),
                          money_cell(sum(r.over for r in mine))))
    totals = (Cell.plain("Total"), count_cell(len(rows)), money_cell(sum(r.gross for r in rows)),
              money_cell(sum(r.received for r in rows)),
              money_cell(sum(r.outstanding for r in rows)), money_cell(sum(r.over for r in rows)))
    status_table = ReportTable(
        "Requests by status", ("Status", "Requests", "Amount", "Received", "Still to come",
                               "Over / to return"),
        tuple(by_status), (False, True, True, True, True, True), totals)

    overdue = [r for r in rows if r.status(today) == "overdue"]
    summary = [
        ("Requests issued", count_cell(len(rows))),
        ("Amount requested", money_cell(sum(r.gross for r in rows))),
        ("Received", money_cell(sum(r.received for r in rows))),
        ("Still to come", money_cell(sum(r.outstanding for r in rows))),
        ("Overdue", Cell.plain(f"{len(overdue):,} "
                               f"({money_cell(sum(r.outstanding for r in overdue)).text})")),
        ("Over or to return", money_cell(sum(r.over for r in rows))),
    ]
    return summary, [status_table, listing, money], [], []
