"""The reports window: choosing, running in the background, the figures, charts, tables, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush

from synergy_desk.domain.enums import PaymentMethod
from synergy_desk.domain.money import format_pence
from synergy_desk.services.money import payments
from synergy_desk.services.reporting.reports import Cell, ChartSeries, ReportTable
from synergy_desk.ui import formatting, palette
from synergy_desk.ui import reports as reports_ui
from synergy_desk.ui.chart import ChartWidget, nice_step
from synergy_desk.ui.pdf_preview import PdfPreviewDialog
from synergy_desk.ui.reports import (
    ReportsWindow,
    open_reports,
    quick_period,
    report_table_model,
    report_totals_model,
)
from synergy_desk.ui.table_model import SORT_ROLE, TableModel, sort_order
from synergy_desk.ui.worker import Background
from tests.ui.conftest import ShownErrors
from tests.ui.workbench_data import log_new, new_customer


@pytest.fixture
def two_payments(office: dict[str, Any]) -> list[payments.ReceiptInfo]:
    """£90.00 in cash taken by reception and £90.00 by card taken by the manager, today."""
    taken = []
    for name, actor, method in (("Harriet Oduya", office["reception"], PaymentMethod.CASH),
                                ("Tom Ashby", office["manager"], PaymentMethod.CARD)):
        customer = new_customer(office["reception"], name)
        incident = log_new(office["reception"], customer, office["product"].id,
                           f"{name}'s reports are blank")
        card = method is PaymentMethod.CARD
        taken.append(payments.take_payment(actor, payments.PaymentInput(
            customer_id=customer, incident_ids=(incident.id,), method=method,
            tendered_pence=None if card else 10_000, card_brand="Visa" if card else "",
            card_last4="4242" if card else "", auth_code="A1B2C3" if card else "")))
    return taken


def window_for(qtbot: Any, actor: Any, background: Background) -> ReportsWindow:
    window = ReportsWindow(actor, background)
    qtbot.addWidget(window)
    return window


def run_and_wait(qtbot: Any, window: ReportsWindow) -> Any:
    with qtbot.waitSignal(window.report_shown, timeout=20_000) as shown:
        window.run_button.click()
    return shown.args[0]


def test_manager_runs_the_cashup_and_sees_the_totals(
        qtbot: Any, office: dict[str, Any], two_payments: list[payments.ReceiptInfo],
        background: Background) -> None:
    window = window_for(qtbot, office["manager"], background)
    assert window.objectName() == "reportsWindow"
    assert not window.isModal()
    assert [window.chooser.item(i).data(reports_ui.NAME_ROLE)
            for i in range(window.chooser.count())] == [
        "cashup", "incidents", "tickets", "contracts", "overrides", "registers", "requests"]
    assert window.chooser.item(0).toolTip().startswith("Takings by payment method")
    assert window.select_report("cashup")
    window.set_quick_period("today")
    assert not window.preview_button.isEnabled()

    data = run_and_wait(qtbot, window)

    assert data.name == "cashup"
    figures = window.summary()
    assert figures["Gross takings"] == "£180.00"
    assert figures["Net takings"] == "£180.00"
    assert figures["Cash to be in the drawer (before any float)"] == "£90.00"
    assert window.summary_box.objectName() == "reportSummary"
    by_method = window.table_blocks[0]
    assert by_method.table.title == "Takings by payment method"
    rows = {by_method.model.index(r, 0).data(): by_method.model.index(r, 4).data()
            for r in range(by_method.model.rowCount())}
    assert rows["Cash"] == "£90.00" and rows["Card"] == "£90.00"
    # The totals row sits in its own one-row table, out of the sorting.
    assert by_method.totals_model is not None
    assert by_method.totals_model.rowCount() == 1
    assert by_method.totals_model.index(0, 4).data() == "£180.00"
    assert by_method.model.rowCount() == len(by_method.table.rows)
    receipts = next(b for b in window.table_blocks if b.table.title.startswith("Receipts"))
    numbers = [receipts.model.index(r, 0).data() for r in range(receipts.model.rowCount())]
    assert numbers == [two_payments[0].number, two_payments[1].number]

    by_day = next(c for c in window.charts if c.series is not None
                  and c.series.title == "Takings by day")
    assert [(bar.value, bar.text) for bar in by_day.bars()] == [(18_000, "£180.00")]
    assert all(chart.objectName() == "reportChart" for chart in window.charts)
    assert window.preview_button.isEnabled() and window.save_csv_button.isEnabled()
    assert window.run_button.isEnabled()
    assert not window.busy.isVisible()


def test_reception_sees_only_the_cashup_with_the_dates_fixed(
        qtbot: Any, office: dict[str, Any], two_payments: list[payments.ReceiptInfo],
        background: Background) -> None:
    window = window_for(qtbot, office["reception"], background)
    assert window.chooser.count() == 1
    assert window.current_name() == "cashup"
    assert not window.date_from.isEnabled() and not window.date_to.isEnabled()
    assert not any(b.isEnabled() for b in window.quick_buttons.values())
    assert "today only" in window.period_note.text()
    window.set_period(dt.date(2020, 1, 1), dt.date(2020, 1, 31))  # ignored: fixed to today
    assert window.period()[0] == window.period()[1] == formatting.office_today()

    data = run_and_wait(qtbot, window)

    assert data.scope  # "Takings of Rita Reception only"
    assert window.summary()["Gross takings"] == "£90.00"  # her own cash payment only


def test_open_reports_runs_the_report_asked_for(
        qtbot: Any, office: dict[str, Any], two_payments: list[payments.ReceiptInfo],
        background: Background) -> None:
    window = open_reports(None, office["reception"], background, report="cashup")
    qtbot.addWidget(window)
    assert window.isVisible()
    assert window.is_running()
    assert not window.run_button.isEnabled()
    assert window.busy.isVisibleTo(window)
    qtbot.waitUntil(lambda: window.report() is not None, timeout=20_000)
    assert window.report().name == "cashup"
    assert window.run_button.isEnabled()


def test_a_second_run_drops_the_first(qtbot: Any, office: dict[str, Any],
                                      two_payments: list[payments.ReceiptInfo],
                                      background: Background) -> None:
    window = window_for(qtbot, office["manager"], background)
    shown: list[Any] = []
    window.report_shown.connect(shown.append)
    window.select_report("incidents")
    window.run()
    window.select_report("cashup")
    window.run()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert background.wait(20_000)
    QCoreApplication.processEvents()  # deliver any queued callback of the first run
    assert [d.name for d in shown] == ["cashup"]
    assert window.report() is not None and window.report().name == "cashup"


def test_save_csv_writes_the_file_for_excel(
        qtbot: Any, office: dict[str, Any], two_payments: list[payments.ReceiptInfo],
        background: Background, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_for(qtbot, office["manager"], background)
    window.select_report("cashup")
    run_and_wait(qtbot, window)
    target = tmp_path / "cash-up.csv"
    asked: list[str] = []
    monkeypatch.setattr(window, "ask_save_path", lambda kind: asked.append(kind) or str(target))
    with qtbot.waitSignal(window.exported) as saved:
        window.save_csv_button.click()
    assert asked == ["csv"]
    assert saved.args == [str(target)]
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    text = raw.decode("utf-8-sig")
    assert "End-of-day cash-up" in text
    assert two_payments[0].number in text and two_payments[1].number in text
    # Money a spreadsheet reads as a number.
    assert "Gross takings,180.00" in text and "£" not in text


def test_save_pdf_and_preview(qtbot: Any, office: dict[str, Any],
                              two_payments: list[payments.ReceiptInfo],
                              background: Background, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    window = window_for(qtbot, office["manager"], background)
    window.select_report("cashup")
    run_and_wait(qtbot, window)
    target = tmp_path / "cash-up.pdf"
    monkeypatch.setattr(window, "ask_save_path", lambda kind: str(target))
    with qtbot.waitSignal(window.exported, timeout=20_000):
        window.save_pdf_button.click()
    assert target.read_bytes().startswith(b"%PDF")

    window.preview_button.click()
    qtbot.waitUntil(lambda: isinstance(getattr(window, "preview", None), PdfPreviewDialog),
                    timeout=20_000)
    preview = window.preview  # deletes itself when closed
    assert preview.isVisible()
    assert "End-of-day cash-up" in preview.windowTitle()
    preview.close()


def test_a_refused_report_is_shown_as_an_error(
        qtbot: Any, office: dict[str, Any], background: Background,
        shown_errors: ShownErrors) -> None:
    window = window_for(qtbot, office["manager"], background)
    window.select_report("cashup")
    with qtbot.waitSignal(window.failed, timeout=20_000) as failed:
        # A period over the service's limit: refused with a message, nothing shown.
        window.set_period(dt.date(2020, 1, 1), dt.date(2026, 1, 1))
        window.run()
    assert "at most 400 days" in failed.args[0]
    assert len(shown_errors.messages) == 1
    assert window.report() is None
    assert window.run_button.isEnabled()
    assert "at most 400 days" in window.message.text()
    assert palette.ERROR.hex() in window.message.styleSheet()  # said as a refusal

    window.set_period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    with qtbot.waitSignal(window.report_shown, timeout=20_000):
        window.run()
        assert palette.ERROR.hex() not in window.message.styleSheet()  # "Building…" is not red


# --- the table model --------------------------------------------------------------------------

def at(day: int, month: int, hour: int, minute: int) -> Cell:
    return Cell.datetime(dt.datetime(2026, month, day, hour, minute))


MONEY = ReportTable(
    title="Receipts in number order",
    columns=("Receipt", "Time", "Customer", "Gross"),
    rows=((Cell.plain("R-000001"), at(1, 12, 9, 5), Cell.plain("Oduya Joinery"),
           Cell.money(107550)),
          (Cell.plain("R-000002"), at(1, 12, 10, 40), Cell.plain("Ashby & Co"), Cell.money(9900)),
          (Cell.plain("R-000003"), Cell.blank("datetime"), Cell.plain("Missing from the numbering"),
           Cell.blank("money")),
          (Cell.plain("R-000004"), at(30, 11, 16, 20), Cell.plain("Bell Farm"), Cell.money(25000)),
          (Cell.plain("R-000005"), at(1, 12, 11, 0), Cell.plain("Cole Ltd"), Cell.money(-250))),
    numeric=(False, False, False, True),
    totals=(Cell.plain("Total"), Cell.plain(""), Cell.plain("4 receipts"), Cell.money(142200)),
    flagged_rows=(2,),
)


def test_table_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = report_table_model(MONEY)
    qtmodeltester.check(model)
    totals = report_totals_model(MONEY)
    qtmodeltester.check(totals)
    assert model.rowCount() == 5 and model.columnCount() == 4
    assert totals.rowCount() == 1 and totals.index(0, 3).data() == "£1,422.00"
    assert totals.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Gross"
    assert model.headerData(3, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.index(0, 3).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    # The flagged row is red on a red shade, in bold, and its text still says what is wrong.
    red = model.index(2, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(red, QBrush) and red.color().name() == "#a61b1b"
    shade = model.index(2, 3).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(shade, QBrush) and shade.color().name() == "#fde5e5"
    assert model.index(2, 1).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(2, 2).data() == "Missing from the numbering"
    assert model.index(0, 3).data(SORT_ROLE) == 107550  # the value, not "£1,075.50"


def test_rows_sort_money_by_value_and_dates_by_date_and_the_totals_stay() -> None:
    model = report_table_model(MONEY)
    model.sort(3, Qt.SortOrder.AscendingOrder)
    assert [model.index(r, 3).data() for r in range(5)] == [
        "—", "-£2.50", "£99.00", "£250.00", "£1,075.50"]
    # The flagged row is still the gap, wherever it sorts to.
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    model.sort(3, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 3).data() == "£1,075.50"
    model.sort(1, Qt.SortOrder.AscendingOrder)
    # No time first, then 30 Nov before the three of 1 Dec.
    assert [model.index(r, 0).data() for r in range(5)] == [
        "R-000003", "R-000004", "R-000001", "R-000002", "R-000005"]
    model.sort(-1)
    assert [model.index(r, 0).data() for r in range(5)] == [
        "R-000001", "R-000002", "R-000003", "R-000004", "R-000005"]
    totals = report_totals_model(MONEY)
    totals.sort(3, Qt.SortOrder.DescendingOrder)
    assert totals.rowCount() == 1 and totals.index(0, 0).data() == "Total"


def sorted_texts(cells: list[Cell], order: Qt.SortOrder = Qt.SortOrder.AscendingOrder
                 ) -> list[str]:
    """One column of ``cells``, sorted as the window sorts it, as shown."""
    model: TableModel[Any] = report_table_model(
        ReportTable("Figures", ("Figure",), tuple((c,) for c in cells), (True,)))
    model.sort(0, order)
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_money_sorts_by_its_pence_not_its_text() -> None:
    # As text "£10.00" < "£1,075.50" < "£9.00".
    cells = [Cell.money(1000), Cell.money(107550), Cell.money(900)]
    assert sorted_texts(cells) == ["£9.00", "£10.00", "£1,075.50"]
    assert sorted_texts(cells, Qt.SortOrder.DescendingOrder) == ["£1,075.50", "£10.00", "£9.00"]


def test_days_and_times_sort_by_date_not_their_text() -> None:
    # As text "02/01/2026" < "10/12/2025".
    assert sorted_texts([Cell.date(dt.date(2026, 1, 2)), Cell.date(dt.date(2025, 12, 10))]) == [
        "10/12/2025", "02/01/2026"]
    moments = [dt.datetime(2026, 1, 2, 9, 0), None, dt.datetime(2025, 12, 10, 9, 0),
               dt.datetime(2025, 12, 1, 23, 59)]
    assert sorted_texts([Cell.datetime(m) for m in moments]) == [
        "—", "01/12/2025 23:59", "10/12/2025 09:00", "02/01/2026 09:00"]


def test_the_sort_reads_the_value_never_the_text() -> None:
    assert sorted_texts([Cell.count(10, "ten"), Cell.count(2, "two")]) == ["two", "ten"]
    # A duration: 8.1 hours before 4.2 days, whatever the digits say.
    assert sorted_texts([Cell.hours(100.8), Cell.hours(8.1), Cell.hours(None)]) == [
        "—", "8.1 h", "4.2 days"]
    assert sort_order(Cell.money(900).value) < sort_order(Cell.money(107550).value)


def test_cells_of_different_kinds_sort_without_being_compared() -> None:
    # A waiver never revoked ("No", no value) among days, and text beside a count: no error,
    # the cells without a value first, each kind in its own order.
    shown = sorted_texts([Cell.date(dt.date(2026, 3, 1)), Cell.blank("date", "No"),
                          Cell.plain("b"), Cell.count(3), Cell.date(dt.date(2026, 1, 1)),
                          Cell.plain("A")])
    assert shown[0] == "No"
    assert shown.index("01/01/2026") < shown.index("01/03/2026")
    assert shown.index("A") < shown.index("b")
    assert len({sort_order(c.value)[:2] for c in (Cell.count(3), Cell.date(dt.date(2026, 1, 1)))}) == 2


@given(st.lists(st.integers(min_value=-10**9, max_value=10**9), max_size=40))
def test_any_money_column_sorts_in_the_order_of_its_pence(pence: list[int]) -> None:
    assert sorted_texts([Cell.money(p) for p in pence]) == [
        format_pence(p) for p in sorted(pence)]


@pytest.mark.parametrize(("which", "today", "expected"), [
    ("today", dt.date(2026, 12, 3), (dt.date(2026, 12, 3), dt.date(2026, 12, 3))),
    ("yesterday", dt.date(2026, 12, 1), (dt.date(2026, 11, 30), dt.date(2026, 11, 30))),
    ("week", dt.date(2026, 12, 3), (dt.date(2026, 11, 30), dt.date(2026, 12, 3))),
    ("month", dt.date(2026, 12, 3), (dt.date(2026, 12, 1), dt.date(2026, 12, 3))),
    ("last_month", dt.date(2026, 3, 15), (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
    ("last_month", dt.date(2026, 1, 5), (dt.date(2025, 12, 1), dt.date(2025, 12, 31))),
])
def test_quick_periods(which: str, today: dt.date, expected: tuple[dt.date, dt.date]) -> None:
    assert quick_period(which, today) == expected


# --- the chart --------------------------------------------------------------------------------

def test_chart_lays_out_one_bar_per_value(qtbot: Any) -> None:
    series = ChartSeries("Takings by day", ("29/11", "30/11", "01/12"), (0, 12_000, 30_050),
                         "pence")
    chart = ChartWidget(series)
    qtbot.addWidget(chart)
    chart.resize(520, 260)
    chart.show()
    bars = chart.bars()
    assert [(b.label, b.value, b.text) for b in bars] == [
        ("29/11", 0, "£0.00"), ("30/11", 12_000, "£120.00"), ("01/12", 30_050, "£300.50")]
    assert bars[0].rect.height() == 0
    assert 0 < bars[1].rect.height() < bars[2].rect.height()
    assert bars[1].rect.bottom() == pytest.approx(bars[2].rect.bottom())
    assert not chart.grab().isNull()  # paints without error

    pie = ChartWidget(ChartSeries("Takings by method", ("Cash", "Card"), (9_000, 27_000),
                                  "pence", "pie"))
    qtbot.addWidget(pie)
    assert pie.is_pie()
    assert [b.text for b in pie.bars()] == ["£90.00", "£270.00"]
    assert not pie.grab().isNull()


def test_chart_with_nothing_to_show_says_so(qtbot: Any) -> None:
    chart = ChartWidget(ChartSeries("Incidents by resolution", (), (), "count"))
    qtbot.addWidget(chart)
    assert chart.bars() == []
    assert not chart.grab().isNull()


@pytest.mark.parametrize(("largest", "unit", "step"), [
    (0, "count", 1), (7, "count", 2), (44, "count", 20), (18_000, "pence", 5_000),
    (54_000, "pence", 20_000), (90, "pence", 100),
])
def test_axis_steps_are_round(largest: int, unit: str, step: int) -> None:
    assert nice_step(largest, unit) == step


def test_pie_legend_keeps_its_labels_whole(qtbot: Any) -> None:
    pie = ChartWidget(ChartSeries("Takings by method", ("Cash", "Card", "Bank transfer"),
                                  (336_000, 1_653_000, 507_000), "pence", "pie"))
    qtbot.addWidget(pie)
    pie.resize(420, 260)
    pie.show()
    disc = pie.bars()[0].rect
    # The legend starts 20 px right of the pie and needs all of its width.
    assert disc.right() + 20 + pie.legend_width() <= pie.width() - 8
    assert disc.width() >= 48
