"""The log-call dialog: what stops a call being logged, and what the desk asked to do next."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from synergy_desk.services.people import customers
from synergy_desk.ui.dialogs.log_call import LogCallDialog


def open_dialog(qtbot: Any, office: dict[str, Any], customer_id: int | None = None
                ) -> LogCallDialog:
    dialog = LogCallDialog(None, office["reception"], customer_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # the shortcuts work in the active window
    return dialog


def test_ctrl_enter_before_a_caller_is_chosen_says_so(qtbot: Any,
                                                      office: dict[str, Any]) -> None:
    dialog = open_dialog(qtbot, office)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.findChild(type(dialog.message), "logCallMessage").text() == \
        "Find the caller first, or add them as a new customer."
    assert dialog.isVisible() and dialog.value is None
    assert dialog.focusWidget() is dialog.search


def test_log_and_take_payment_asks_the_window_to_take_it(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    dialog = open_dialog(qtbot, office, caller.id)
    dialog.pay_button.click()  # no subject yet: refused, and "pay" is not remembered
    assert "Give the incident a subject" in dialog.message.text()
    assert dialog.focusWidget() is dialog.subject
    dialog.subject.setText("Cannot print payslips")
    dialog.log_button.click()
    assert dialog.value is not None and dialog.value.then is None
    assert dialog.value.needs_funding and dialog.value.new_incident


def test_ctrl_shift_enter_logs_and_goes_on_to_the_payment(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    dialog = open_dialog(qtbot, office, caller.id)
    dialog.subject.setText("Cannot print payslips")
    qtbot.keyClick(dialog.subject, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert dialog.value is not None and dialog.value.then == "pay"
