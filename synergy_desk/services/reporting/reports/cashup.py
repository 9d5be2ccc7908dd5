"""The end-of-day cash-up: takings by method and by user, refunds, net, the cash to be in the
drawer, and the receipts and credit notes in number order with any gap flagged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee
from peewee import SQL, fn

from synergy_desk.documents.data import Cell, ChartSeries, ReportTable
from synergy_desk.domain.enums import (
    CreditNoteKind,
    PaymentMethod,
)
from synergy_desk.domain.money import format_pence
from synergy_desk.domain.numbers import (
    CREDIT_NOTE,
    RECEIPT,
    NumberFormat,
    credit_note_text,
    payment_request_text,
    receipt_text,
)
from synergy_desk.domain.zones import local_date
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor, tuples
from synergy_desk.services.money import cash_counts
from synergy_desk.services.money.payments import receipt_customer_name
from synergy_desk.services.reporting.reports.helpers import (
    ReportRequest,
    Sections,
    count_cell,
    method_label,
    money_cell,
    user_names,
)
from synergy_desk.services.reporting.reports.period import Period

__all__ = ["build"]


def _missing_sentence(numbering: NumberFormat, numbers: list[int], where: str) -> str:
    what = numbering.what
    verb = "is" if len(numbers) == 1 else "are"
    noun = what if len(numbers) == 1 else f"{what}s"
    return f"{noun.capitalize()} {numbering.list_text(numbers)} {verb} missing{where}."


@dataclass(frozen=True)
class _Gaps:
    #: Missing numbers that belong among the period's numbers (flagged in the listing).
    in_period: tuple[int, ...]
    #: Warnings about the numbering as a whole.
    warnings: tuple[str, ...]


def _sequence_gaps(column: peewee.Field, moment: peewee.Field, counter: str,
                   numbering: NumberFormat, period: Period, numbers: list[int]) -> _Gaps:
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
        warnings.append(_missing_sentence(numbering, in_period, " from this period"))
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
            warnings.append(_missing_sentence(numbering, elsewhere,
                                              " from the numbering outside this period"))
    if last_value != highest and not (high > highest and in_period):
        warnings.append(
            f"The {numbering.what} counter stands at {last_value} but the highest {numbering.what} number issued "
            f"is {highest}.")
    return _Gaps(tuple(in_period), tuple(warnings))


def _cashup(actor: Actor, period: Period, scoped: bool) -> Sections:
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
                    ) -> tuple[tuple[tuple[Cell, ...], ...], tuple[Cell, ...]]:
        rows = tuple((Cell.plain(m.label), count_cell(data.get(m, zero)[0]),
                      money_cell(data.get(m, zero)[1]), money_cell(data.get(m, zero)[2]),
                      money_cell(data.get(m, zero)[3]))
                     for m in methods)
        sums = [sum(v[i] for v in data.values()) for i in range(4)]
        return rows, (Cell.plain("Total"), count_cell(sums[0]), money_cell(sums[1]),
                      money_cell(sums[2]), money_cell(sums[3]))

    money_cols = ("Method", "Count", "Net", "VAT", "Gross")
    money_numeric = (False, True, True, True, True)
    rows, totals = method_rows(taken)
    tables = [ReportTable("Takings by payment method", money_cols, rows, money_numeric, totals,
                          note="" if taken else "No payments in this period.")]

    by_user = tuples(P.select(P.taken_by, fn.COUNT(P.id), fn.SUM(P.gross_pence))
                     .where(pay_where).group_by(P.taken_by))
    names = user_names(uid for uid, _, _ in by_user)
    by_user.sort(key=lambda r: (names.get(int(r[0]), ""), r[0]))
    tables.append(ReportTable(
        "Takings by user", ("Taken by", "Receipts", "Gross"),
        tuple((Cell.plain(names.get(int(uid), f"User {uid}")), count_cell(c), money_cell(g))
              for uid, c, g in by_user),
        (False, True, True),
        (Cell.plain("Total"), count_cell(sum(int(r[1]) for r in by_user)),
         money_cell(sum(int(r[2] or 0) for r in by_user))) if by_user else None,
        note="" if by_user else "No payments in this period."))

    rows, totals = method_rows(refunded)
    tables.append(ReportTable("Refunds and voids by method (credit notes issued)", money_cols,
                              rows, money_numeric, totals,
                              note="" if refunded else "No refunds or voids in this period."))

    net_rows = []
    for m in methods:
        gross, back = taken.get(m, zero)[3], refunded.get(m, zero)[3]
        net_rows.append((Cell.plain(m.label), money_cell(gross), money_cell(back),
                         money_cell(gross - back)))
    gross_all = sum(v[3] for v in taken.values())
    back_all = sum(v[3] for v in refunded.values())
    tables.append(ReportTable("Net takings by method", ("Method", "Takings", "Refunds", "Net"),
                              tuple(net_rows), (False, True, True, True),
                              (Cell.plain("Total"), money_cell(gross_all),
                               money_cell(back_all), money_cell(gross_all - back_all))))
    cash = taken.get(PaymentMethod.CASH, zero)[3] - refunded.get(PaymentMethod.CASH, zero)[3]
    counts = cash_counts.latest_counts(period.start, period.end,
                                       actor.id if scoped else None)
    tables.append(_drawer_table(period, counts))
    bank_table, bank_difference = _bank_transfers(actor, period, scoped)
    tables.append(bank_table)

    # The receipts and credit notes in number order, with any hole in the numbering.
    receipts = tuples(P.select(P.receipt_number, P.taken_at, P.customer_name, P.method,
                               P.gross_pence, P.taken_by)
                      .where(pay_where).order_by(P.receipt_number))
    notes = tuples(CN.select(CN.number, CN.issued_at, P.receipt_number, CN.kind, CN.method,
                             CN.gross_pence, CN.issued_by, CN.reason)
                   .join(P, on=(CN.payment == P.id)).where(note_where).order_by(CN.number))
    names.update(user_names([r[5] for r in receipts] + [r[6] for r in notes]))
    receipt_gaps = _sequence_gaps(P.receipt_number, P.taken_at, "receipt", RECEIPT,
                                  period, [int(r[0]) for r in receipts])
    note_gaps = _sequence_gaps(CN.number, CN.issued_at, "credit_note", CREDIT_NOTE,
                               period, [int(r[0]) for r in notes])

    listing: list[tuple[int, tuple[Cell, ...], bool]] = [
        (int(n), (Cell.plain(receipt_text(n)), period.when(at), Cell.plain(name),
                  Cell.plain(method_label(m)), money_cell(g),
                  Cell.plain(names.get(int(uid), ""))), False)
        for n, at, name, m, g, uid in receipts]
    listing += [(n, (Cell.plain(receipt_text(n)), Cell.blank("datetime"),
                     Cell.plain("MISSING — no receipt has this number"), Cell.blank(),
                     Cell.blank("money"), Cell.blank()), True)
                for n in receipt_gaps.in_period]
    listing.sort(key=lambda r: r[0])
    tables.append(ReportTable(
        "Receipts in number order", ("Receipt", "Time", "Customer", "Method", "Gross",
                                     "Taken by"),
        tuple(r[1] for r in listing), (False, False, False, False, True, False),
        (Cell.plain("Total"), Cell.plain(""), Cell.plain(f"{len(receipts):,} receipts"),
         Cell.plain(""), money_cell(sum(int(r[4]) for r in receipts)), Cell.plain(""))
        if receipts else None,
        tuple(i for i, r in enumerate(listing) if r[2]),
        "" if listing else "No receipts in this period."))

    note_listing: list[tuple[int, tuple[Cell, ...], bool]] = [
        (int(n), (Cell.plain(credit_note_text(n)), period.when(at), Cell.plain(receipt_text(rn)),
                  Cell.plain("Void" if CreditNoteKind(k) is CreditNoteKind.VOID else "Refund"),
                  Cell.plain(method_label(m)), money_cell(g),
                  Cell.plain(names.get(int(uid), "")), Cell.plain(reason)), False)
        for n, at, rn, k, m, g, uid, reason in notes]
    note_listing += [(n, (Cell.plain(credit_note_text(n)), Cell.blank("datetime"), Cell.blank(),
                          Cell.plain("MISSING"), Cell.blank(), Cell.blank("money"), Cell.blank(),
                          Cell.plain("No credit note has this number")), True)
                     for n in note_gaps.in_period]
    note_listing.sort(key=lambda r: r[0])
    tables.append(ReportTable(
        "Credit notes in number order", ("Credit note", "Time", "Receipt", "Kind", "Method",
                                         "Gross", "Issued by", "Reason"),
        tuple(r[1] for r in note_listing),
        (False, False, False, False, False, True, False, False),
        # The count in words under the widest text column, as the receipts' listing has it.
        (Cell.plain("Total"), Cell.plain(""), Cell.plain(""), Cell.plain(""), Cell.plain(""),
         money_cell(sum(int(r[5]) for r in notes)), Cell.plain(""),
         Cell.plain(f"{len(notes):,} credit note{'' if len(notes) == 1 else 's'}"))
        if notes else None,
        tuple(i for i, r in enumerate(note_listing) if r[2]),
        "" if note_listing else "No credit notes in this period.", one_line=(7,)))

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
        ("Receipts", count_cell(receipt_count)),
        ("Gross takings", money_cell(gross_all)),
        ("Refunds and voids", money_cell(back_all)),
        ("Net takings", money_cell(gross_all - back_all)),
        ("Cash to be in the drawer (before any float)", money_cell(cash)),
    ]
    bank_takings = taken.get(PaymentMethod.BANK_TRANSFER, zero)[3]
    if bank_takings or bank_table.rows:
        # The receipts' bank transfers with the money they do not (yet) account for: what
        # the bank statement shows arrived in the period.
        summary.append(("Bank transfers that arrived (to match the bank statement)",
                        money_cell(bank_takings + bank_difference)))
    if period.start == period.end:
        summary += _count_summary(counts.get(period.start))
    return summary, tables, charts, list(receipt_gaps.warnings + note_gaps.warnings)


def _bank_transfers(actor: Actor, period: Period, scoped: bool) -> tuple[ReportTable, int]:
    """Money that arrived by bank transfer for payment requests in the period and is not in
    the period's receipts, and receipts of the period for money that arrived before it: a
    part payment (its receipt comes when the rest arrives), money over a request, money on a
    cancelled request. Returns the table and the sum of its differences (arrived − receipted).

    A request's receipt carries the day its money arrived as its tax point, so a request paid
    in one transfer is in the receipts of that day and is not listed here.
    """
    PR, BT, P = t.PaymentRequest, t.BankTransfer, t.Payment  # noqa: N806
    arrived_where = (BT.received_on >= period.start) & (BT.received_on <= period.end)
    receipted_where = period.within(P.taken_at)
    if scoped:
        arrived_where &= BT.recorded_by == actor.id
        receipted_where &= P.taken_by == actor.id
    arrived = {int(rid): int(total or 0) for rid, total in tuples(
        BT.select(BT.request, fn.SUM(BT.amount_pence)).where(arrived_where)
        .group_by(BT.request))}
    receipted = {int(rid) for (rid,) in tuples(
        PR.select(PR.id).join(P, on=(PR.payment == P.id)).where(receipted_where))}
    ids = sorted(set(arrived) | receipted)
    rows: list[tuple[tuple[Cell, ...], int, int]] = []
    if ids:
        details = tuples(
            PR.select(PR.id, PR.number, PR.gross_pence, PR.state, t.Customer.name,
                      t.Customer.company, P.receipt_number, P.taken_at, P.gross_pence)
            .join(t.Customer, on=(PR.customer == t.Customer.id))
            .switch(PR).join(P, peewee.JOIN.LEFT_OUTER, on=(PR.payment == P.id))
            .where(PR.id.in_(ids)).order_by(PR.number))
        everything = {int(rid): int(total or 0) for rid, total in tuples(
            BT.select(BT.request, fn.SUM(BT.amount_pence)).where(BT.request.in_(ids))
            .group_by(BT.request))}
        before = {int(rid): int(total or 0) for rid, total in tuples(
            BT.select(BT.request, fn.SUM(BT.amount_pence))
            .where(BT.request.in_(ids) & (BT.received_on < period.start))
            .group_by(BT.request))}
        for rid, number, gross, state, name, company, receipt, taken_at, receipt_gross in details:
            rid = int(rid)
            came = arrived.get(rid, 0)
            counted = int(receipt_gross or 0) if rid in receipted else 0
            difference = came - counted
            if difference == 0:
                continue
            why: list[str] = []
            if state == "cancelled":
                why.append("Request cancelled — to return")
            elif state == "open":
                why.append(f"Part payment — {format_pence(int(gross) - everything.get(rid, 0))} "
                           "still to come")
            elif rid in receipted:
                if before.get(rid, 0):
                    why.append(f"Receipt {receipt_text(receipt)} includes "
                               f"{format_pence(before[rid])} that arrived before this period")
                over = everything.get(rid, 0) - int(gross)
                if over > 0:
                    why.append(f"{format_pence(over)} over the request — to refund or hold")
            elif receipt is not None and taken_at is not None:
                day = local_date(taken_at, period.zone)
                when = "later" if day > period.end else "earlier"
                why.append(f"Part payment — receipted {when} on {receipt_text(receipt)} "
                           f"({day:%d/%m/%Y})")
            rows.append(((Cell.plain(payment_request_text(number)),
                          Cell.plain(receipt_customer_name(name, company or "")),
                          money_cell(came), money_cell(counted), money_cell(difference),
                          Cell.plain("; ".join(why))), came, counted))
    came_total, counted_total = sum(r[1] for r in rows), sum(r[2] for r in rows)
    difference_total = came_total - counted_total
    table = ReportTable(
        "Bank transfers received, not yet receipted / overpaid",
        ("Request", "Customer", "Arrived", "In receipts", "Difference", "Why"),
        tuple(r[0] for r in rows), (False, False, True, True, True, False),
        (Cell.plain("Total"), Cell.plain(""), money_cell(came_total), money_cell(counted_total),
         money_cell(difference_total), Cell.plain("")) if rows else None,
        (), "" if rows else "Every bank transfer that arrived in this period is in its receipts.")
    return table, difference_total


def _count_summary(count: cash_counts.CashCountInfo | None) -> list[tuple[str, Cell]]:
    """The day's drawer among the key figures: the latest count, or that it was not counted."""
    if count is None:
        return [("Drawer counted", Cell.plain("Not counted yet"))]
    return [
        ("Float", money_cell(count.float_pence)),
        ("Expected in the drawer",
         money_cell(count.expected_pence)),
        ("Counted", money_cell(count.counted_pence)),
        ("Variance (counted − expected)", money_cell(count.variance_pence)),
    ]


def _counted_by(period: Period, day: dt.date, count: cash_counts.CashCountInfo) -> str:
    """ "Helen Marsh, 17:42" (the date too when the drawer was counted on a later day)."""
    local = count.counted_at.replace(tzinfo=dt.UTC).astimezone(period.zone)
    when = f"{local:%H:%M}" if local.date() == day else f"{local:%d/%m/%Y %H:%M}"
    return f"{count.counted_by}, {when}"


def _drawer_table(period: Period,
                  counts: dict[dt.date, cash_counts.CashCountInfo]) -> ReportTable:
    """The latest count of each day's drawer: expected, counted and the variance."""
    rows = tuple(
        (Cell.date(day), money_cell(c.float_pence), money_cell(c.expected_pence),
         money_cell(c.counted_pence), money_cell(c.variance_pence),
         Cell.plain(_counted_by(period, day, c)), Cell.plain(c.reason))
        for day, c in sorted(counts.items()))
    totals = None
    if len(rows) > 1:
        values = list(counts.values())
        totals = (Cell.plain("Total"), money_cell(sum(c.float_pence for c in values)),
                  money_cell(sum(c.expected_pence for c in values)),
                  money_cell(sum(c.counted_pence for c in values)),
                  money_cell(sum(c.variance_pence for c in values)), Cell.plain(""),
                  Cell.plain(""))
    return ReportTable(
        "Cash drawer counted", ("Day", "Float", "Expected", "Counted", "Variance",
                                "Counted by", "Reason"),
        rows, (False, True, True, True, True, False, False), totals, (),
        "" if rows else "The drawer was not counted in this period.")


def build(request: ReportRequest) -> Sections:
    """The report's sections for the request's period."""
    return _cashup(request.actor, request.period, request.own_takings_only)
