"""Counting the drawer from the cash-up: the count dialog, and the cash-up PDF with expected,
counted and the variance."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from synergy_desk.domain.enums import PaymentMethod
from synergy_desk.models import tables as t
from synergy_desk.services.money import cash_counts, payments
from synergy_desk.services.office.office_time import office_today
from synergy_desk.ui import palette
from synergy_desk.ui import reports as reports_ui
from synergy_desk.ui.reports import CashCountDialog, ReportsWindow
from synergy_desk.ui.worker import Background
from tests.ui.workbench_data import log_new, new_customer


@pytest.fixture
def cash_taken(office: dict[str, Any]) -> payments.ReceiptInfo:
    """£90.00 in cash taken by reception today."""
    customer = new_customer(office["reception"], "Harriet Oduya")
    incident = log_new(office["reception"], customer, office["product"].id,
                       "Harriet's reports are blank")
    return payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=customer, incident_ids=(incident.id,), method=PaymentMethod.CASH,
        tendered_pence=10_000))


def _dialog(qtbot: Any, actor: Any) -> CashCountDialog:
    expected = cash_counts.expected_cash(actor, office_today())
    dialog = CashCountDialog(None, actor, expected, 500)
    qtbot.addWidget(dialog)
    return dialog


def test_the_count_dialog_shows_the_variance_and_needs_a_reason_over_the_threshold(
        qtbot: Any, office: dict[str, Any], cash_taken: payments.ReceiptInfo) -> None:
    dialog = _dialog(qtbot, office["reception"])
    assert dialog.objectName() == "cashCountDialog"
    assert "£90.00 should be in the drawer" in dialog.findChild(
        type(dialog.variance), "cashCountIntro").text()
    dialog.float_edit.setText("100.00")
    dialog.counted.setText("180.00")
    assert dialog.variance.text() == "Expected £190.00: £10.00 short. Give the reason."
    dialog.accept()
    assert dialog.value is None  # refused, still open
    assert "needs a reason. Nothing was saved." in dialog.message.text()
    assert palette.ERROR.hex() in dialog.message.styleSheet()
    assert t.CashCount.select().count() == 0
    dialog.reason.setPlainText("A £10 note paid out for milk")
    dialog.accept()
    info = dialog.value
    assert info is not None
    assert (info.expected_pence, info.counted_pence, info.variance_pence) == (19_000, 18_000,
                                                                              -1_000)
    assert info.reason == "A £10 note paid out for milk"


def test_a_mistyped_amount_is_refused_in_the_dialog(
        qtbot: Any, office: dict[str, Any], cash_taken: payments.ReceiptInfo) -> None:
    dialog = _dialog(qtbot, office["reception"])
    dialog.float_edit.setText("100.005")
    dialog.counted.setText("190")
    dialog.accept()
    assert dialog.value is None
    assert "two decimal places" in dialog.message.text()
    assert t.CashCount.select().count() == 0


def _pdf_text(window: ReportsWindow, qtbot: Any, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> str:
    target = tmp_path / "cash-up.pdf"
    monkeypatch.setattr(window, "ask_save_path", lambda kind: str(target))
    with qtbot.waitSignal(window.exported, timeout=20_000):
        window.save_pdf_button.click()
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_reception_counts_the_drawer_and_the_cashup_pdf_shows_expected_counted_and_variance(
        qtbot: Any, office: dict[str, Any], cash_taken: payments.ReceiptInfo,
        background: Background, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = ReportsWindow(office["reception"], background)
    qtbot.addWidget(window)
    assert window.count_button.isEnabled()
    assert window.count_button.objectName() == "countDrawerButton"

    def fill_in(parent: Any, actor: Any, expected: Any, threshold: int) -> Any:
        dialog = CashCountDialog(parent, actor, expected, threshold)
        dialog.float_edit.setText("100.00")
        dialog.counted.setText("187.50")
        dialog.accept()
        return dialog.value

    monkeypatch.setattr(reports_ui.CashCountDialog, "ask", staticmethod(fill_in))
    with qtbot.waitSignal(window.report_shown, timeout=20_000):
        window.count_button.click()
    figures = window.summary()
    assert figures["Float"] == "£100.00"
    assert figures["Expected in the drawer"] == "£190.00"
    assert figures["Counted"] == "£187.50"
    assert figures["Variance (counted − expected)"] == "-£2.50"

    text = _pdf_text(window, qtbot, tmp_path, monkeypatch)
    flat = " ".join(text.split())
    assert "Float £100.00" in flat
    assert "Expected in the drawer £190.00" in flat
    assert "Counted £187.50" in flat
    assert "Variance (counted − expected) -£2.50" in flat
    assert "Cash drawer counted" in flat and "Rita Reception" in flat


def test_the_count_button_waits_for_a_single_day_of_the_cashup(
        qtbot: Any, office: dict[str, Any], background: Background) -> None:
    window = ReportsWindow(office["manager"], background)
    qtbot.addWidget(window)
    window.select_report("cashup")
    window.set_quick_period("today")
    assert window.count_button.isEnabled()
    window.set_quick_period("month")
    start, end = window.period()
    assert window.count_button.isEnabled() == (start == end)
    window.select_report("incidents")
    assert not window.count_button.isEnabled()


def test_the_office_menu_counts_todays_drawer(
        qtbot: Any, office: dict[str, Any], cash_taken: payments.ReceiptInfo, prefs: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.ui.test_main_window import make_window

    asked: list[cash_counts.ExpectedCash] = []

    def record(parent: Any, actor: Any, expected: Any, threshold: int) -> None:
        asked.append(expected)

    monkeypatch.setattr(reports_ui.CashCountDialog, "ask", staticmethod(record))
    window = make_window(qtbot, office["reception"], prefs)
    action = window.act_count_drawer
    assert action in window.office_menu.actions()
    assert action.shortcut().toString() == "Ctrl+Shift+H"
    action.trigger()
    assert [(e.day, e.drawer_of, e.takings_pence) for e in asked] == [
        (office_today(), office["reception"].id, 9_000)]
    for opened in window._windows:
        opened.close()


def test_the_manager_sets_the_variance_allowed_in_office_settings(
        qtbot: Any, office: dict[str, Any], background: Background) -> None:
    import json

    from synergy_desk.services.office.settings import get_settings
    from synergy_desk.ui.dialogs.office_settings import OfficeSettingsDialog

    dialog = OfficeSettingsDialog(None, office["manager"], background, get_settings())
    qtbot.addWidget(dialog)
    assert dialog.cash_variance.text() == "5.00"
    dialog.cash_variance.setText("7.50")
    assert dialog.changes() == {"cash_variance_threshold_pence": 750}
    dialog.save_button.click()
    assert get_settings().cash_variance_threshold_pence == 750
    row = t.AuditLog.select().where(t.AuditLog.action == "settings.update").get()
    assert json.loads(row.after)["cash_variance_threshold_pence"] == 750

    dialog = OfficeSettingsDialog(None, office["manager"], background, get_settings())
    qtbot.addWidget(dialog)
    dialog.cash_variance.setText("-1")
    dialog.save_button.click()
    assert "cannot be negative" in dialog.field_error("cash_variance_threshold_pence")
