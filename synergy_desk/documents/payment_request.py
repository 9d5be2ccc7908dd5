"""The payment request a customer pays a bank transfer from: what is asked for, by when, and
how to pay it, clearly not a receipt.

A request is not a receipt and not a VAT invoice (the receipt, with its tax point, is issued
when the money arrives), and it says so at its top. It prints the office as it was at issue,
the customer, each item with its VAT, the totals, and a boxed "How to pay" panel with the
amount still to pay, the office's bank account and the payment reference, large, for the
customer to quote. A request already paid prints PAID with its receipt's number; a cancelled
one CANCELLED with the reason; a reminder says so, with the days it is overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from synergy_desk.documents.data import Office
from synergy_desk.documents.fonts import SANS_BOLD
from synergy_desk.documents.layout import (
    ACCENT,
    ALERT,
    CONTENT_WIDTH,
    INK,
    SHADE,
    PageFurniture,
    address_lines,
    build_pdf,
    described,
    header,
    key_values,
    plain,
    safe,
    side_by_side,
    styles,
    table_style,
    totals_table,
)
from synergy_desk.domain.money import format_pence, format_rate
from synergy_desk.domain.phones import printed_phone
from synergy_desk.domain.zones import day_text, zone_named

__all__ = ["NOT_A_RECEIPT", "PAYMENT_TERMS", "QUOTE_REFERENCE", "PaymentRequestDoc",
           "RequestDocLine", "RequestState", "render_payment_request"]

RequestState = Literal["open", "paid", "cancelled"]

#: What every request says near its top, so nobody files it as a receipt or a VAT invoice.
NOT_A_RECEIPT = ("This is a request for payment, not a receipt and not a VAT invoice: a receipt "
                 "is issued when the money arrives.")
#: Under the reference in the "How to pay" panel.
QUOTE_REFERENCE = "Please quote this reference so we can match your payment."
#: The request's terms.
PAYMENT_TERMS = "Support starts on these incidents once the money has arrived."


@dataclass(frozen=True)
class RequestDocLine:
    """One item asked for, its VAT already computed once (domain.money)."""

    description: str
    net_pence: int
    vat_rate_bp: int
    vat_pence: int
    gross_pence: int
    #: A second, smaller line, e.g. "10 incidents, valid for 365 days from payment".
    detail: str = ""
    #: An incident the season ticket on the same request will fund: printed with no charge.
    no_charge: bool = False


@dataclass(frozen=True)
class PaymentRequestDoc:
    """A payment request as printed; money in pence, ``issued_at`` naive UTC."""

    office: Office
    #: False when the office was not VAT-registered at issue: no VAT columns, and it says so.
    vat_registered: bool
    number: str  # "PR-000001"
    reference: str  # "PR1-Z", what the payer quotes
    issued_at: dt.datetime
    timezone: str
    due_on: dt.date
    customer_name: str
    customer_address: str
    account_code: str
    lines: tuple[RequestDocLine, ...]
    net_pence: int
    vat_pence: int
    gross_pence: int
    account_name: str
    sort_code: str
    account_number: str
    iban: str = ""
    bic: str = ""
    #: The money that has arrived so far: (the day it arrived, pence), oldest first.
    received: tuple[tuple[dt.date, int], ...] = ()
    state: RequestState = "open"
    #: Paid only: the receipt issued when the money arrived, e.g. "R-000012".
    receipt_number: str = ""
    #: Cancelled only: when and why.
    cancelled_on: dt.date | None = None
    cancel_reason: str = ""
    issued_by: str = ""
    #: A reminder of a request past its due date, and by how many days on ``printed_on``.
    reminder: bool = False
    days_overdue: int = 0

    @property
    def received_pence(self) -> int:
        return sum(amount for _day, amount in self.received)

    @property
    def outstanding_pence(self) -> int:
        return max(0, self.gross_pence - self.received_pence) if self.state == "open" else 0

    @property
    def title(self) -> str:
        return f"{'Reminder: payment request' if self.reminder else 'Payment request'} " \
               f"{self.number}"


def render_payment_request(doc: PaymentRequestDoc) -> bytes:
    """Print a payment request (or a reminder of one) as an A4 PDF; identical input gives
    identical bytes.

    Raises:
        ValueError: when the request does not add up (a line's net + VAT is not its gross, a
            line with no charge charges something, or the totals are not the sums of the
            lines) or has no lines: printing it is never right, so it is a bug in the caller.
    """
    _check(doc)
    return _Request(doc).render()


def _check(doc: PaymentRequestDoc) -> None:
    if not doc.lines:
        raise ValueError(f"{doc.number} has no lines.")
    for line in doc.lines:
        if line.net_pence + line.vat_pence != line.gross_pence:
            raise ValueError(f"{doc.number}: line {line.description!r} net + VAT is not its gross.")
        if line.no_charge and line.gross_pence:
            raise ValueError(f"{doc.number}: line {line.description!r} has no charge but an "
                             "amount.")
    sums = (sum(ln.net_pence for ln in doc.lines), sum(ln.vat_pence for ln in doc.lines),
            sum(ln.gross_pence for ln in doc.lines))
    if sums != (doc.net_pence, doc.vat_pence, doc.gross_pence):
        raise ValueError(f"{doc.number}: the totals are not the sums of the lines.")


def _day(value: dt.date) -> str:
    return day_text(value)


class _Request:
    """One payment request being laid out."""

    def __init__(self, doc: PaymentRequestDoc) -> None:
        self.doc = doc
        self.no_vat = not doc.vat_registered
        self.st = styles()
        self.reference_style = ParagraphStyle(
            "sd-pay-reference", parent=self.st.body, fontName=SANS_BOLD, fontSize=20,
            leading=24, textColor=ACCENT, alignment=TA_CENTER)
        self.amount_style = ParagraphStyle(
            "sd-pay-amount", parent=self.st.body, fontName=SANS_BOLD, fontSize=14, leading=18,
            textColor=INK)
        self.centre = ParagraphStyle("sd-pay-centre", parent=self.st.body, alignment=TA_CENTER)
        self.box_heading = ParagraphStyle("sd-pay-heading", parent=self.st.heading,
                                          spaceBefore=2, spaceAfter=0)

    def render(self) -> bytes:
        doc = self.doc
        office = replace(doc.office, vat_number="") if self.no_vat else doc.office
        story: list[Flowable] = [header(office, self._identity()), Spacer(1, 3 * mm),
                                 Paragraph(safe(NOT_A_RECEIPT), self.st.bold),
                                 Spacer(1, 1.5 * mm), *self._state(), Spacer(1, 3 * mm),
                                 self._parties(), Spacer(1, 4 * mm), self._lines_table(),
                                 Spacer(1, 3 * mm)]
        # The totals and how to pay stay together: never a page holding only the bank details.
        story.append(KeepTogether([self._totals(), Spacer(1, 4 * mm), self._how_to_pay(),
                                   *self._terms()]))
        footer = " · ".join(part for part in (
            plain(office.name),
            f"VAT reg. no. {plain(office.vat_number)}" if office.vat_number.strip() else "",
            plain(printed_phone(office.phone)), plain(office.email)) if part.strip())
        watermark = {"paid": "PAID", "cancelled": "CANCELLED"}.get(doc.state, "")
        return build_pdf(
            story,
            furniture=PageFurniture(footer=footer, running_header=f"{doc.title} (continued)",
                                    watermark=watermark),
            title=doc.title, subject=f"{doc.title} for {plain(doc.customer_name)}",
            author=plain(office.name), created_at=doc.issued_at)

    def _identity(self) -> list[Flowable]:
        doc, st = self.doc, self.st
        out: list[Flowable] = []
        if doc.state == "paid":
            out.append(Paragraph("PAID", st.copy_banner))
        elif doc.state == "cancelled":
            out.append(Paragraph("CANCELLED", st.copy_banner))
        elif doc.reminder:
            out.append(Paragraph("REMINDER", st.copy_banner))
        out.append(Paragraph(safe(f"Payment request {doc.number}"), st.title_right))
        out.append(Paragraph("Not a receipt · not a VAT invoice", st.muted_right))
        if self.no_vat:
            out.append(Paragraph("Not VAT registered — no VAT charged", st.muted_right))
        out.append(Spacer(1, 2 * mm))
        rows = [("Issued", day_text(doc.issued_at, zone_named(doc.timezone))),
                ("Due by", _day(doc.due_on)), ("Payment reference", doc.reference)]
        out.append(key_values(rows, CONTENT_WIDTH * 0.48,
                              label_width=CONTENT_WIDTH * 0.48 - 44 * mm))
        return out

    def _state(self) -> list[Flowable]:
        """What has become of the request: a reminder, paid or cancelled."""
        doc, st = self.doc, self.st
        alert = ParagraphStyle("sd-pay-alert", parent=st.bold, textColor=ALERT)
        if doc.state == "paid":
            when = f" on {_day(doc.received[-1][0])}" if doc.received else ""
            text = (f"PAID — the money arrived{when} and receipt {doc.receipt_number} was "
                    "issued. There is nothing more to pay.")
            over = doc.received_pence - doc.gross_pence
            if over > 0:
                text += (f" {format_pence(over)} more than was asked arrived; we will refund it "
                         "or hold it as credit.")
            return [Paragraph(safe(text), alert)]
        if doc.state == "cancelled":
            when = f" on {_day(doc.cancelled_on)}" if doc.cancelled_on else ""
            text = f"CANCELLED{when}: {doc.cancel_reason}. Please do not pay this request."
            if doc.received_pence:
                text += (f" The {format_pence(doc.received_pence)} that arrived for it will be "
                         "returned.")
            return [Paragraph(safe(text), alert)]
        if doc.reminder:
            days = doc.days_overdue
            late = (f"{days} day{'' if days == 1 else 's'} overdue" if days > 0
                    else "due today" if days == 0 else "not yet due")
            return [Paragraph(safe(
                f"Reminder: this request was due by {_day(doc.due_on)} and is {late}. If you "
                "have paid it in the last few days, thank you, and please ignore this "
                "reminder."), alert)]
        return []

    def _parties(self) -> Table:
        doc, st = self.doc, self.st
        left: list[Flowable] = [Paragraph("Requested from", st.muted),
                                Paragraph(safe(doc.customer_name) or "—", st.bold)]
        lines = address_lines(doc.customer_address)
        if lines:
            left.append(Paragraph("<br/>".join(safe(line) for line in lines), st.body))
        if doc.account_code.strip():
            left.append(Paragraph(f"Account {safe(doc.account_code)}", st.body))
        right: list[Flowable] = []
        if doc.issued_by.strip():
            right += [Paragraph("Issued by", st.muted), Paragraph(safe(doc.issued_by), st.body)]
        return side_by_side(left, right)

    def _description(self, line: RequestDocLine) -> list[Flowable]:
        return described(line.description, line.detail, self.st)

    def _lines_table(self) -> Table:
        st = self.st
        # The charged items first, so "funded by the season ticket above" has its ticket above.
        lines = [ln for ln in self.doc.lines if not ln.no_charge] + \
                [ln for ln in self.doc.lines if ln.no_charge]
        free = "No charge"
        if self.no_vat:
            widths = [34 * mm]
            head = ["Description", "Amount"]
            rows = [[self._description(ln), free if ln.no_charge else format_pence(ln.gross_pence)]
                    for ln in lines]
        else:
            widths = [22 * mm, 19 * mm, 22 * mm, 24 * mm]
            head = ["Description", "Net", "VAT rate", "VAT", "Gross"]
            rows = [[self._description(ln), "—", "—", "—", free] if ln.no_charge else
                    [self._description(ln), format_pence(ln.net_pence),
                     format_rate(ln.vat_rate_bp), format_pence(ln.vat_pence),
                     format_pence(ln.gross_pence)] for ln in lines]
        header_row: list[object] = [Paragraph(head[0], st.cell_head)]
        header_row += [Paragraph(text, st.cell_head_right) for text in head[1:]]
        table = Table([header_row, *rows], colWidths=[CONTENT_WIDTH - sum(widths), *widths],
                      repeatRows=1)
        table.setStyle(table_style(("ALIGN", (1, 1), (-1, -1), "RIGHT")))
        return table

    def _totals(self) -> Table:
        doc = self.doc
        rows: list[tuple[str, str]] = []
        if not self.no_vat:
            rows.append(("Total net", format_pence(doc.net_pence)))
            by_rate: dict[int, tuple[int, int]] = {}
            for ln in doc.lines:
                if ln.no_charge:
                    continue
                net, vat = by_rate.get(ln.vat_rate_bp, (0, 0))
                by_rate[ln.vat_rate_bp] = (net + ln.net_pence, vat + ln.vat_pence)
            if len(by_rate) > 1:
                for rate, (net, vat) in sorted(by_rate.items(), reverse=True):
                    rows.append((f"VAT at {format_rate(rate)} on {format_pence(net)}",
                                 format_pence(vat)))
            rows.append(("Total VAT", format_pence(doc.vat_pence)))
        rows.append(("Total requested incl. VAT" if not self.no_vat else "Total requested",
                     format_pence(doc.gross_pence)))
        total_row = len(rows) - 1
        if doc.received_pence:
            rows.append(("Received so far", format_pence(-doc.received_pence)))
            rows.append(("Still to pay", format_pence(doc.outstanding_pence)))
        return totals_table(rows, total_row,
                            ("FONTNAME", (0, -1), (-1, -1), SANS_BOLD))

    def _received_text(self) -> str:
        """ "£40.00 received on 3 Dec 2026 — £50.00 still to pay"."""
        doc = self.doc
        parts = [f"{format_pence(amount)} received on {_day(day)}" for day, amount in doc.received]
        return f"{', '.join(parts)} — {format_pence(doc.outstanding_pence)} still to pay"

    def _how_to_pay(self) -> Table:
        """The boxed panel a payer copies into their banking app."""
        doc, st = self.doc, self.st
        inner: list[list[object]] = []
        if doc.state == "cancelled":
            amount_text = "Nothing to pay: this request is cancelled."
        elif doc.state == "paid":
            amount_text = f"Nothing more to pay: paid in full (receipt {doc.receipt_number})."
        else:
            amount_text = f"Amount to pay: {format_pence(doc.outstanding_pence)}"
        inner.append([Paragraph("How to pay", self.box_heading), ""])
        inner.append([Paragraph(safe(amount_text), self.amount_style), ""])
        if doc.received_pence and doc.state == "open":
            inner.append([Paragraph(safe(self._received_text()), st.body), ""])
        if doc.state == "open":
            inner.append([Paragraph(f"By bank transfer by <b>{safe(_day(doc.due_on))}</b>, to:",
                                    st.body), ""])
        bank_rows = [("Account name", doc.account_name), ("Sort code", doc.sort_code),
                     ("Account number", doc.account_number), ("IBAN", doc.iban),
                     ("BIC", doc.bic)]
        first_bank = len(inner)
        for label, value in bank_rows:
            if value.strip():
                inner.append([Paragraph(label, st.muted), Paragraph(safe(value), st.bold)])
        last_bank = len(inner) - 1
        inner.append([Paragraph("Payment reference", st.bold),
                      Paragraph(safe(doc.reference), self.reference_style)])
        inner.append([Paragraph(safe(QUOTE_REFERENCE), self.centre), ""])
        label_width = 44 * mm
        table = Table(inner, colWidths=[label_width, CONTENT_WIDTH - label_width])
        commands: list[tuple[object, ...]] = [
            ("BOX", (0, 0), (-1, -1), 1.2, ACCENT),
            ("BACKGROUND", (0, 0), (-1, -1), SHADE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        ref_row = len(inner) - 2
        for row in range(len(inner)):
            if (row < first_bank or row > last_bank) and row != ref_row:
                commands.append(("SPAN", (0, row), (-1, row)))
        commands += [("BOX", (1, ref_row), (1, ref_row), 0.8, ACCENT),
                     ("BACKGROUND", (1, ref_row), (1, ref_row), "#ffffff"),
                     ("TOPPADDING", (0, ref_row), (-1, ref_row), 4),
                     ("BOTTOMPADDING", (0, ref_row), (-1, ref_row), 6),
                     ("BOTTOMPADDING", (0, -1), (-1, -1), 6)]
        table.setStyle(TableStyle(commands))
        return table

    def _terms(self) -> list[Flowable]:
        """The terms, in one short paragraph under the panel."""
        doc = self.doc
        text = f"<b>Payment terms.</b> {safe(PAYMENT_TERMS)}"
        if doc.state == "open":
            text += safe(f" Please pay {format_pence(doc.outstanding_pence)} by "
                         f"{_day(doc.due_on)}; your receipt, with the day the money arrived as "
                         "its tax point, follows once it has.")
        return [Spacer(1, 4 * mm), Paragraph(text, self.st.body)]
