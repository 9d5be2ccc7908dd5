"""A report printed as a PDF: header, warnings, key figures, charts and tables."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from synergy_desk.documents import (
    ChartSeries,
    Office,
    ReportDoc,
    ReportTable,
    render_report,
)
from synergy_desk.documents.report import MAX_PDF_ROWS

OFFICE = Office("Synergy Support Ltd", "1 High Street\nLeeds", "GB123456789", "0113 496 0000",
                "desk@example.com")


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def doc(**changes: object) -> ReportDoc:
    values: dict[str, object] = dict(
        name="cashup", title="End-of-day cash-up", start=dt.date(2026, 12, 1),
        end=dt.date(2026, 12, 1), period_text="1 Dec 2026",
        generated_at=dt.datetime(2026, 12, 1, 18, 0), generated_by="Mary Manager",
        timezone="Europe/London", office=OFFICE,
        summary=(("Net takings", "£1,234.50"), ("Cash to be in the drawer", "£400.00")),
        tables=(
            ReportTable("Takings by payment method", ("Method", "Count", "Gross"),
                        (("Cash", "3", "£400.00"), ("Card", "2", "£834.50")),
                        (False, True, True), ("Total", "5", "£1,234.50")),
            ReportTable("Receipts in number order", ("Receipt", "Customer", "Gross"),
                        (("R-000001", "Acme", "£90.00"), ("R-000002", "MISSING", "—"),
                         ("R-000003", "Bolt", "£90.00")),
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


def test_identical_input_gives_identical_bytes() -> None:
    assert render_report(doc()) == render_report(doc())


def test_a_long_listing_prints_its_first_rows_and_says_so() -> None:
    rows = tuple((f"R-{n:06d}", "Acme", "£1.00") for n in range(1, MAX_PDF_ROWS + 6))
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
    bad = ReportTable("Broken", ("A", "B"), (("1",),), (False, False))
    with pytest.raises(ValueError, match="Broken"):
        render_report(doc(tables=(bad,)))
