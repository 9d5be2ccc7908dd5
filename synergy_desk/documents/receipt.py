"""The receipt a customer takes away: a UK VAT receipt or invoice, or a credit note reversing one.

HMRC's rules decide what is printed. Every receipt shows the supplier's name, address and VAT
registration number, the receipt number, the date and time of supply (the tax point, which is
the payment date, shown in the office's zone), each item with its VAT rate, and the total
including VAT. That is a *simplified* VAT invoice, allowed up to £250. A *full* VAT invoice,
printed on request or whenever the total is above £250, adds the customer's name and address,
each line's net, VAT and gross, and the totals of net, VAT and gross.

An office that is not VAT-registered charges no VAT: its receipt says so ("Not VAT
registered — no VAT charged"), is not a VAT invoice, and prints one amount per line and the
total, with no VAT columns.
"""

from __future__ import annotations

from dataclasses import replace

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from synergy_desk.documents.data import DocLine, ReceiptDoc
from synergy_desk.documents.layout import (
    CONTENT_WIDTH,
    RULE,
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
from synergy_desk.domain.zones import format_datetime

#: Above this total (in pence) only a full VAT invoice will do (HMRC: £250).
SIMPLIFIED_LIMIT_PENCE = 25_000
#: What a document of an office that is not VAT-registered says about VAT.
NO_VAT_CHARGED = "Not VAT registered — no VAT charged"


def render_receipt(doc: ReceiptDoc) -> bytes:
    """Print a receipt or credit note as an A4 PDF.

    A receipt above £250 prints as a full VAT invoice even if ``full_invoice`` is false. A credit
    note prints every amount as a negative. Identical input gives byte-identical output, so a
    reprint can be compared with the original.

    Raises:
        ValueError: when the document does not add up (a line's net + VAT is not its gross, or
            the totals are not the sums of the lines), has no lines, is of an unknown kind, or is
            a credit note that does not name the receipt it reverses: printing such a document is
            never right, so it is a bug in the caller.
    """
    _check(doc)
    return _Receipt(doc).render()


def is_full_invoice(doc: ReceiptDoc) -> bool:
    """True when the document must be a full VAT invoice: on request or above £250."""
    return doc.full_invoice or abs(doc.gross_pence) > SIMPLIFIED_LIMIT_PENCE


def _check(doc: ReceiptDoc) -> None:
    if doc.kind not in ("receipt", "credit_note"):
        raise ValueError(f"Unknown kind of receipt {doc.kind!r}.")
    if not doc.lines:
        raise ValueError(f"{doc.number} has no lines.")
    if doc.kind == "credit_note" and not doc.original_number.strip():
        raise ValueError(f"Credit note {doc.number} does not say which receipt it reverses.")
    for line in doc.lines:
        if line.net_pence + line.vat_pence != line.gross_pence:
            raise ValueError(f"{doc.number}: line {line.description!r} net + VAT is not its gross.")
    sums = (sum(line.net_pence for line in doc.lines), sum(line.vat_pence for line in doc.lines),
            sum(line.gross_pence for line in doc.lines))
    if sums != (doc.net_pence, doc.vat_pence, doc.gross_pence):
        raise ValueError(f"{doc.number}: the totals are not the sums of the lines.")


class _Receipt:
    """One receipt being laid out."""

    def __init__(self, doc: ReceiptDoc) -> None:
        self.doc = doc
        self.credit = doc.kind == "credit_note"
        #: The office charged no VAT: no VAT columns, and the document says so.
        self.no_vat = not doc.vat_registered
        self.full = is_full_invoice(doc) and not self.no_vat
        self.vat_registered = doc.vat_registered and bool(doc.office.vat_number.strip())
        self.st = styles()

    # Credit notes always print negative amounts, whichever sign the caller used.
    def money(self, pence: int) -> str:
        return format_pence(-abs(pence) if self.credit else pence)

    @property
    def title(self) -> str:
        if self.credit:
            return f"Credit note {self.doc.number}"
        if not self.vat_registered:
            return f"Receipt {self.doc.number}"
        return f"{'VAT invoice' if self.full else 'VAT receipt'} {self.doc.number}"

    @property
    def noun(self) -> str:
        return "credit note" if self.credit else "receipt"

    def render(self) -> bytes:
        doc = self.doc
        # An office that charged no VAT prints no VAT number, whatever is on record.
        office = replace(doc.office, vat_number="") if self.no_vat else doc.office
        story: list[Flowable] = [header(office, self._identity()), Spacer(1, 4 * mm)]
        if doc.copy:
            story.append(Paragraph(
                f"Copy of {self.noun} {safe(doc.number)}, first issued "
                f"{safe(format_datetime(doc.issued_at, doc.timezone))}. This is a reprint, not a "
                f"new {'refund' if self.credit else 'payment'}.", self.st.bold))
            story.append(Spacer(1, 3 * mm))
        story.append(self._parties())
        story.append(Spacer(1, 5 * mm))
        story.append(self._lines_table())
        story.append(Spacer(1, 3 * mm))
        # The totals, payment and closing words stay together: never a page of "Thank you".
        story.append(KeepTogether([self._totals(), *self._no_vat(), Spacer(1, 6 * mm),
                                   *self._payment(), *self._notes()]))
        footer = " · ".join(part for part in (
            plain(office.name),
            f"VAT reg. no. {plain(office.vat_number)}" if self.vat_registered else "",
            plain(printed_phone(office.phone)), plain(office.email)) if part.strip())
        return build_pdf(
            story,
            furniture=PageFurniture(
                footer=footer, running_header=f"{self.title} (continued)",
                watermark="COPY" if doc.copy else ""),
            title=self.title, subject=f"{self.title} for {plain(doc.customer_name)}",
            author=plain(office.name), created_at=doc.issued_at,
        )

    def _identity(self) -> list[Flowable]:
        """The top right: COPY, the title and number, and when the supply took place."""
        doc, st = self.doc, self.st
        out: list[Flowable] = []
        if doc.copy:
            out.append(Paragraph("COPY", st.copy_banner))
        out.append(Paragraph(safe(self.title), st.title_right))
        when = format_datetime(doc.issued_at, doc.timezone)
        if self.credit:
            rows = [("Date of credit", when)]
        else:
            rows = [("Date and time (tax point)", when)]
            kind = ("Full VAT invoice" if self.full else "Simplified VAT invoice") \
                if self.vat_registered else "Receipt"
            out.append(Paragraph(f"{kind} · paid in full", st.muted_right))
        if self.no_vat:
            out.append(Paragraph(NO_VAT_CHARGED, st.muted_right))
        out.append(Spacer(1, 2 * mm))
        out.append(key_values(rows, CONTENT_WIDTH * 0.48, label_width=CONTENT_WIDTH * 0.48 - 44 * mm))
        return out

    def _parties(self) -> Table:
        """The customer (with the address on a full invoice) and, for a credit note, why."""
        doc, st = self.doc, self.st
        left: list[Flowable] = []
        with_address = self.full or (self.no_vat and doc.full_invoice)
        if doc.customer_name.strip() or with_address:
            label = ("Customer" if not with_address
                     else "Credited to" if self.credit else "Invoice to")
            left.append(Paragraph(label, st.muted))
            left.append(Paragraph(safe(doc.customer_name) or "—", st.bold))
            if with_address:
                lines = address_lines(doc.customer_address)
                if lines:
                    left.append(Paragraph("<br/>".join(safe(line) for line in lines), st.body))
        right: list[Flowable] = []
        if self.credit:
            right.append(Paragraph(f"Refund of receipt {safe(doc.original_number)}", st.bold))
            if doc.reason.strip():
                right.append(Paragraph(f"Reason: {safe(doc.reason)}", st.body))
        return side_by_side(left, right)

    def _description(self, line: DocLine) -> list[Flowable]:
        return described(line.description, line.detail, self.st)

    def _lines_table(self) -> Table:
        """One row per item; a full invoice shows net, rate, VAT and gross, a simplified one
        the rate and the amount including VAT."""
        st = self.st
        if self.no_vat:
            widths = [34 * mm]
            head = ["Description", "Amount"]
            rows = [[self._description(line), self.money(line.gross_pence)]
                    for line in self.doc.lines]
        elif self.full:
            widths = [22 * mm, 19 * mm, 22 * mm, 24 * mm]
            head = ["Description", "Net", "VAT rate", "VAT", "Gross"]
            rows = [[self._description(line), self.money(line.net_pence),
                     format_rate(line.vat_rate_bp), self.money(line.vat_pence),
                     self.money(line.gross_pence)] for line in self.doc.lines]
        else:
            widths = [20 * mm, 34 * mm]
            head = ["Description", "VAT rate", "Amount incl. VAT"]
            rows = [[self._description(line), format_rate(line.vat_rate_bp),
                     self.money(line.gross_pence)] for line in self.doc.lines]
        header_row: list[object] = [Paragraph(head[0], st.cell_head)]
        header_row += [Paragraph(text, st.cell_head_right) for text in head[1:]]
        table = Table([header_row, *rows], colWidths=[CONTENT_WIDTH - sum(widths), *widths],
                      repeatRows=1)
        table.setStyle(table_style(("ALIGN", (1, 1), (-1, -1), "RIGHT")))
        return table

    def _totals(self) -> Table:
        """The totals, right-aligned under the amounts they add up."""
        doc = self.doc
        rows: list[tuple[str, str]] = []
        total_label = "Total refunded incl. VAT" if self.credit else "Total incl. VAT"
        if self.no_vat:
            rows.append(("Total refunded" if self.credit else "Total",
                         self.money(doc.gross_pence)))
        elif self.full:
            rows.append(("Total net", self.money(doc.net_pence)))
            by_rate = _vat_by_rate(doc.lines)
            if len(by_rate) > 1:
                for rate, (net, vat) in by_rate.items():
                    rows.append((f"VAT at {format_rate(rate)} on {self.money(net)}",
                                 self.money(vat)))
            rows.append(("Total VAT", self.money(doc.vat_pence)))
            rows.append((total_label, self.money(doc.gross_pence)))
        else:
            rows.append((total_label, self.money(doc.gross_pence)))
            rows.append(("of which VAT", self.money(doc.vat_pence)))
        total_row = len(rows) - 1 if self.full else 0
        return totals_table(rows, total_row,
                            ("TOPPADDING", (0, total_row), (-1, total_row), 4),
                            ("BOTTOMPADDING", (0, total_row), (-1, total_row), 5))

    def _no_vat(self) -> list[Flowable]:
        """Under the total of an office that is not VAT-registered: that no VAT was charged."""
        if not self.no_vat:
            return []
        return [Spacer(1, 2 * mm), Paragraph(NO_VAT_CHARGED + ".", self.st.muted_right)]

    def _payment(self) -> list[Flowable]:
        """How it was paid (or refunded), the masked reference, cash tendered, who took it."""
        doc, st = self.doc, self.st
        out: list[Flowable] = [Paragraph("Refund" if self.credit else "Payment", st.heading)]
        verb = "Refunded by" if self.credit else "Paid by"
        line = f"{verb} <b>{safe(doc.method_label)}</b>"
        if doc.reference_masked.strip():
            line += f" — {safe(doc.reference_masked)}"
        out.append(Paragraph(line, st.body))
        if doc.tendered_pence is not None:
            cash = f"Cash tendered {format_pence(doc.tendered_pence)}"
            if doc.change_pence is not None:
                cash += f" · Change given {format_pence(doc.change_pence)}"
            out.append(Paragraph(cash, st.body))
        if doc.taken_by.strip():
            out.append(Paragraph(f"{'Issued' if self.credit else 'Taken'} by {safe(doc.taken_by)}",
                                 st.body))
        return out

    def _notes(self) -> list[Flowable]:
        st = self.st
        out: list[Flowable] = []
        if self.doc.notes:
            out.append(Spacer(1, 3 * mm))
            out.extend(Paragraph(safe(note), st.body) for note in self.doc.notes)
        closing = (f"This credit note reverses receipt {safe(self.doc.original_number)} by the "
                   "amounts shown." if self.credit else "Thank you for your custom.")
        out.append(Spacer(1, 6 * mm))
        out.append(_Rule())
        out.append(Spacer(1, 2 * mm))
        out.append(Paragraph(closing, st.muted))
        return out


def _vat_by_rate(lines: tuple[DocLine, ...]) -> dict[int, tuple[int, int]]:
    """Net and VAT per rate, highest rate first, for the VAT analysis of a full invoice."""
    totals: dict[int, tuple[int, int]] = {}
    for line in lines:
        net, vat = totals.get(line.vat_rate_bp, (0, 0))
        totals[line.vat_rate_bp] = (net + line.net_pence, vat + line.vat_pence)
    return dict(sorted(totals.items(), reverse=True))


class _Rule(Flowable):  # type: ignore[misc]  # ReportLab ships no types
    """A thin line across the page."""

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, 0.5

    def draw(self) -> None:
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.5)
        self.canv.line(0, 0, self.width, 0)
