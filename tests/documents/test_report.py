"""A report printed as a PDF: header, warnings, key figures, charts and tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from synergy_desk.documents import (
    Cell,
    ChartSeries,
    Office,
    ReportDoc,
    ReportTable,
    render_report,
)
from synergy_desk.documents.fonts import SANS
from synergy_desk.documents.layout import CONTENT_WIDTH
from synergy_desk.documents.report import MAX_PDF_ROWS, _widths, report_footer, wrap_label

OFFICE = Office("Synergy Support Ltd", "1 High Street\nLeeds", "GB123456789", "0113 496 0000",
                "desk@example.com")


def plain(*texts: str) -> tuple[Cell, ...]:
    """Cells of text only, for tables whose values do not matter here."""
    return tuple(Cell.plain(text) for text in texts)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def doc(**changes: object) -> ReportDoc:
    values: dict[str, object] = dict(
        name="cashup", title="End-of-day cash-up", start=dt.date(2026, 12, 1),
        end=dt.date(2026, 12, 1), period_text="1 Dec 2026",
        generated_at=dt.datetime(2026, 12, 1, 18, 0), generated_by="Mary Manager",
        timezone="Europe/London", office=OFFICE,
        summary=(("Net takings", Cell.money(123450)),
                 ("Cash to be in the drawer", Cell.money(40000))),
        tables=(
            ReportTable("Takings by payment method", ("Method", "Count", "Gross"),
                        ((Cell.plain("Cash"), Cell.count(3), Cell.money(40000)),
                         (Cell.plain("Card"), Cell.count(2), Cell.money(83450))),
                        (False, True, True),
                        (Cell.plain("Total"), Cell.count(5), Cell.money(123450))),
            ReportTable("Receipts in number order", ("Receipt", "Customer", "Gross"),
                        ((Cell.plain("R-000001"), Cell.plain("Acme"), Cell.money(9000)),
                         (Cell.plain("R-000002"), Cell.plain("MISSING"), Cell.blank("money")),
                         (Cell.plain("R-000003"), Cell.plain("Bolt"), Cell.money(9000))),
                        (False, False, True), flagged_rows=(1,)),
        ),
        charts=(ChartSeries("Takings by day", ("01/12",), (123450,), "pence"),
                ChartSeries("Takings by method", ("Cash", "Card"), (40000, 83450), "pence",
                            "pie")),
        warnings=("Receipt R-000002 is missing from this period.",),
    )
    values.update(changes)
    return ReportDoc(**values)  # type: ignore[arg-type]


def test_the_pdf_reads_back_with_its_totals_and_warnings() -> None:
    text = pdf_text(render_report(doc()))
    assert "End-of-day cash-up" in text and "Synergy Support Ltd" in text
    assert "1 Dec 2026" in text and "Mary Manager" in text
    assert "Please check" in text and "Receipt R-000002 is missing from this period." in text
    assert "Net takings £1,234.50" in text
    assert "Total 5 £1,234.50" in text
    assert "Takings by day" in text and "Cash: £400.00 (32%)" in text
    assert "R-000002 MISSING" in text


def as_text(report: ReportDoc) -> ReportDoc:
    """The same report with every cell plain text: what it printed before cells had values."""

    def cells(row: tuple[Cell, ...]) -> tuple[Cell, ...]:
        return plain(*(c.text for c in row))

    return dataclasses.replace(
        report, summary=tuple((label, Cell.plain(f.text)) for label, f in report.summary),
        tables=tuple(dataclasses.replace(
            tb, rows=tuple(cells(r) for r in tb.rows),
            totals=cells(tb.totals) if tb.totals is not None else None) for tb in report.tables))


def test_a_cells_value_never_changes_what_is_printed() -> None:
    typed = doc()
    assert as_text(typed) != typed  # the values differ...
    assert render_report(as_text(typed)) == render_report(typed)  # ...the PDF does not


def test_identical_input_gives_identical_bytes() -> None:
    assert render_report(doc()) == render_report(doc())


def test_a_long_listing_prints_its_first_rows_and_says_so() -> None:
    rows = tuple((Cell.plain(f"R-{n:06d}"), Cell.plain("Acme"), Cell.money(100))
                 for n in range(1, MAX_PDF_ROWS + 6))
    long = ReportTable("Receipts in number order", ("Receipt", "Customer", "Gross"), rows,
                       (False, False, True))
    text = pdf_text(render_report(doc(tables=(long,), charts=(), warnings=())))
    assert f"The first {MAX_PDF_ROWS:,} of {MAX_PDF_ROWS + 5:,} rows are printed" in text
    assert f"R-{MAX_PDF_ROWS:06d}" in text and f"R-{MAX_PDF_ROWS + 1:06d}" not in text


def test_a_day_by_day_chart_of_a_long_period_prints() -> None:
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    chart = ChartSeries("Takings by day", tuple(f"{d:%d/%m}" for d in days),
                        tuple(i * 100 for i in range(365)), "pence")
    assert pdf_text(render_report(doc(charts=(chart,)))).count("Takings by day") == 1


def test_an_empty_report_prints_its_notes() -> None:
    empty = ReportTable("Receipts in number order", ("Receipt",), (), (False,),
                        note="No receipts in this period.")
    chart = ChartSeries("Takings by method", ("Cash",), (0,), "pence", "pie")
    text = pdf_text(render_report(doc(tables=(empty,), charts=(chart,), warnings=())))
    assert "No receipts in this period." in text and "Nothing to show" in text


def test_rows_must_match_their_columns() -> None:
    bad = ReportTable("Broken", ("A", "B"), (plain("1"),), (False, False))
    with pytest.raises(ValueError, match="Broken"):
        render_report(doc(tables=(bad,)))


def _page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_long_period_footer_keeps_its_time_of_generation() -> None:
    long_name = "Pennine Software Support and Training Services Ltd"
    report = doc(office=Office(long_name, "1 High Street\nLeeds", "GB123456789", "", ""),
                 start=dt.date(2026, 9, 1), period_text="1 Sep 2026 – 1 Dec 2026")
    footer = report_footer(report)
    assert footer.endswith("Generated 01/12/2026 18:00 GMT")
    assert "1 Sep 2026 – 1 Dec 2026" in footer
    assert all("Generated 01/12/2026 18:00 GMT" in page
               for page in _page_texts(render_report(report)))
    # A short one keeps the office's name too.
    assert report_footer(doc()).startswith("Synergy Support Ltd · End-of-day cash-up")


def test_long_category_labels_wrap_to_their_bar() -> None:
    assert wrap_label("Merged into another incident", 50) == "Merged into\nanother\nincident"
    assert wrap_label("Solution", 50) == "Solution"
    assert wrap_label("Enhancement request", 200) == "Enhancement request"


def test_dates_and_times_are_not_broken_over_two_lines() -> None:
    note = ReportTable(
        "Credit notes in number order",
        ("Credit note", "Time", "Receipt", "Kind", "Method", "Gross", "Issued by", "Reason"),
        tuple((Cell.plain(f"CN-00000{i}"), Cell.datetime(dt.datetime(2026, 12, 1, 23, 38)),
               *plain("R-000146", "Refund", "Bank transfer"), Cell.money(9000),
               *plain("Helen Marsh", "Customer cancelled the order after a long wait"))
              for i in range(1, 4)),
        (False, False, False, False, False, True, False, False))
    widths = _widths(note)
    assert sum(widths) == pytest.approx(CONTENT_WIDTH)
    assert widths[1] >= stringWidth("01/12/2026 23:38", SANS, 8.5) + 12
    assert widths[5] >= stringWidth("£90.00", SANS, 8.5) + 12
    assert widths[7] < stringWidth(note.rows[0][7].text, SANS, 8.5)  # the reason wraps


@pytest.mark.parametrize("before", range(56, 68))
def test_a_short_table_is_not_split_from_its_total(before: int) -> None:
    # A listing of ``before`` rows ends near the foot of page 2, where the short table lands.
    filler = ReportTable("Receipts in number order", ("Receipt", "Gross"),
                         tuple((Cell.plain(f"R-{i:06d}"), Cell.money(9000))
                               for i in range(1, before)),
                         (False, True))
    small = ReportTable("By resolution", ("Resolution", "Incidents"),
                        tuple((Cell.plain(f"Kind {i}"), Cell.count(5)) for i in range(7)),
                        (False, True), (Cell.plain("Total"), Cell.count(35)))
    pages = _page_texts(render_report(doc(tables=(filler, small), charts=())))
    holding = [page for page in pages if "Kind 0 5" in page or "Total 35" in page]
    assert len(holding) == 1
    assert "By resolution" in holding[0] and "Kind 0 5" in holding[0] and "Total 35" in holding[0]


def test_a_title_too_long_for_the_footer_gives_way_to_the_time() -> None:
    report = doc(title="End-of-day cash-up of every desk of the office, every method, every "
                       "user, with every receipt and credit note in number order",
                 period_text="1 Sep 2026 – 1 Dec 2026")
    footer = report_footer(report)
    assert footer.endswith("Generated 01/12/2026 18:00 GMT")
    assert "…" in footer
    assert all("Generated 01/12/2026 18:00 GMT" in page
               for page in _page_texts(render_report(report)))


def test_a_long_reason_is_shortened_to_one_line_with_an_ellipsis() -> None:
    reason = ("Customer asked for this incident to be refunded because it was logged twice "
              "by mistake on the same day and the engineer confirmed it with the customer.")
    notes = ReportTable(
        "Credit notes in number order", ("Credit note", "Method", "Gross", "Reason"),
        ((Cell.plain("CN-000001"), Cell.plain("Bank transfer"), Cell.money(-78000),
          Cell.plain(reason)),
         (Cell.plain("CN-000002"), Cell.plain("Cash"), Cell.money(-9000), Cell.plain("Void"))),
        (False, False, True, False),
        (Cell.plain("Total"), Cell.plain("2 credit notes"), Cell.money(-87000), Cell.plain("")),
        one_line=(3,))
    pdf = render_report(doc(tables=(notes,)))
    lines = [line.strip() for line in
             "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).splitlines()]
    # Each cell reads back as a line of its own: the reason is one line, cut with "…".
    start = lines.index("CN-000001")
    assert lines[start:start + 5] == ["CN-000001", "Bank transfer", "-£780.00",
                                      lines[start + 3], "CN-000002"]
    assert lines[start + 3].startswith("Customer asked for this incident")
    assert lines[start + 3].endswith("…") and len(lines[start + 3]) < len(reason)
    assert reason not in flat_text(pdf)
    assert "Total 2 credit notes -£870.00" in flat_text(pdf)


def flat_text(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())
