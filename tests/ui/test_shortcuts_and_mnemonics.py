"""Every key the window offers works and has one owner: the mnemonics (&-letters) of each
window and dialog are unique, no two things answer the same shortcut, and each shortcut shown
in a menu, a tooltip or the README does what it says when pressed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from synergy_desk.domain.cards import contains_card_number
from synergy_desk.domain.enums import FundingKind, PaymentMethod
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.ui.dialogs.log_call import LogCallDialog
from synergy_desk.ui.dialogs.payment import PaymentDialog
from synergy_desk.ui.dialogs.resolve import ResolveDialog
from synergy_desk.ui.main_window import VIEWS, MainWindow
from tests.ui.keys import ambiguous_shortcuts, duplicate_mnemonics
from tests.ui.workbench_data import detail, incident_in_progress, log_new, new_customer

ROLES = ["reception", "engineer", "manager"]
PAN = "4111 1111 1111 1111"


# -- helpers -------------------------------------------------------------------------------------


def make_window(qtbot: Any, actor: Actor, prefs: Any) -> MainWindow:
    window = MainWindow(actor, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    show_active(qtbot, window)
    return window


def show_active(qtbot: Any, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


class ModalCloser:
    """Answers each modal dialog as it opens (by default: cancels it), remembering its name;
    a key that opens a modal dialog returns only once it is closed."""

    def __init__(self, answer: Callable[[QDialog], None] | None = None) -> None:
        self.opened: list[str] = []
        self._answer = answer
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, QDialog) or not modal.isVisible():
            return
        self.opened.append(modal.objectName() or type(modal).__name__)
        if self._answer is not None:
            self._answer(modal)
        if modal.isVisible():
            modal.reject()

    def stop(self) -> None:
        self._timer.stop()


def press(qtbot: Any, window: QWidget, keys: str) -> None:
    """The key sequence pressed where the keyboard focus is in the (active) window."""
    target = QApplication.focusWidget()
    if target is None or target.window() is not window:
        target = window
    QTest.keySequence(target, QKeySequence(keys))


def show_unfunded_incident(office: dict[str, Any], window: MainWindow) -> int:
    customer = new_customer(office["reception"], "Harriet Oduya")
    ref = log_new(office["reception"], customer, office["product"].id, "Payroll will not post")
    window.refresh(keep_selection=False)
    window.open_customer(customer)
    window.open_incident(ref.id)
    assert window.detail.incident_id == ref.id
    return ref.id


# -- the defects the desk reported ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_ctrl_shift_y_takes_the_payment_for_the_unfunded_incident_shown(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str) -> None:
    window = make_window(qtbot, office[role], prefs)
    show_unfunded_incident(office, window)
    window.table.setFocus()
    closer = ModalCloser()
    press(qtbot, window, "Ctrl+Shift+Y")
    closer.stop()
    assert closer.opened == ["paymentDialog"]


@pytest.mark.parametrize("role", ROLES)
def test_alt_digits_select_the_views_wherever_the_focus_is(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str) -> None:
    window = make_window(qtbot, office[role], prefs)
    for focus in (window.table, window.search):
        for number, (key, _label, shortcut) in reversed(list(enumerate(VIEWS, start=1))):
            assert shortcut == f"Alt+{number}"
            focus.setFocus()
            press(qtbot, window, shortcut)
            assert window._view == key, shortcut
            assert window.view_buttons[key].isChecked()


def open_dialog(qtbot: Any, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    return dialog


def test_alt_l_logs_the_call_and_log_call_keys_have_one_owner_each(
        qtbot: Any, office: dict[str, Any]) -> None:
    customer = new_customer(office["reception"], "Harriet Oduya")
    dialog = open_dialog(qtbot, LogCallDialog(None, office["reception"], customer))
    assert duplicate_mnemonics(dialog) == {}
    assert ambiguous_shortcuts(dialog) == {}
    dialog.subject.setFocus()
    QTest.keyClicks(dialog.subject, "Bank feed stopped")
    press(qtbot, dialog, "Alt+L")
    # A mnemonic presses its button as a click would be seen: a moment later.
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=2000)
    assert dialog.value is not None and dialog.value.new_incident
    assert t.Incident.select().where(t.Incident.subject == "Bank feed stopped").count() == 1


def test_the_resolve_dialog_has_one_owner_for_each_letter(
        qtbot: Any, office: dict[str, Any]) -> None:
    ref = incident_in_progress(office)
    dialog = open_dialog(qtbot, ResolveDialog(None, detail(ref.id)))
    for index in range(dialog.resolution_type.count()):
        dialog.resolution_type.setCurrentIndex(index)
        shown = dialog.resolution_type.currentText()
        assert duplicate_mnemonics(dialog) == {}, shown
        assert ambiguous_shortcuts(dialog) == {}, shown


@pytest.mark.parametrize("role", ROLES)
def test_the_window_with_an_incident_shown_has_one_owner_for_each_key(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str) -> None:
    """Re&fund… (Alt+F) took the File menu's letter; Take &payment… and S&plit… shared P."""
    window = make_window(qtbot, office[role], prefs)
    show_unfunded_incident(office, window)
    assert duplicate_mnemonics(window) == {}
    assert ambiguous_shortcuts(window) == {}


def test_one_enter_takes_the_payment_once_a_wiped_card_number_is_typed_over(
        qtbot: Any, office: dict[str, Any]) -> None:
    customer = new_customer(office["reception"], "Harriet Oduya")
    ref = log_new(office["reception"], customer, office["product"].id, "Payroll will not post")
    dialog = open_dialog(qtbot, PaymentDialog(None, office["reception"], customer, (ref.id,)))
    dialog.method.setCurrentIndex(dialog.method.findData(PaymentMethod.CARD.value))
    dialog.card_brand.setFocus()
    QTest.keyClicks(dialog.card_brand, "Visa")
    dialog.card_last4.setFocus()
    QTest.keyClicks(dialog.card_last4, "1111")
    dialog.reference.setFocus()
    QTest.keyClicks(dialog.reference, PAN)
    assert not contains_card_number(dialog.reference.text())
    assert "full card number" in dialog.message.text()
    # The cashier selects what was left of the number, types the code over it, and presses
    # Enter once.
    QTest.keySequence(dialog.reference, QKeySequence(QKeySequence.StandardKey.SelectAll))
    QTest.keyClicks(dialog.reference, "XY9876")
    QTest.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value is not None and dialog.value.auth_code == "XY9876"
    assert t.Incident.get_by_id(ref.id).funding == FundingKind.PAYMENT


def test_one_enter_takes_a_numeric_auth_code_typed_after_the_wiped_number(
        qtbot: Any, office: dict[str, Any]) -> None:
    """Terminals print six-digit codes: more digits than a card number has left are the
    cashier's own, not the rest of the number."""
    customer = new_customer(office["reception"], "Harriet Oduya")
    ref = log_new(office["reception"], customer, office["product"].id, "Payroll will not post")
    dialog = open_dialog(qtbot, PaymentDialog(None, office["reception"], customer, (ref.id,)))
    dialog.method.setCurrentIndex(dialog.method.findData(PaymentMethod.CARD.value))
    dialog.card_brand.setText("Visa")
    dialog.card_last4.setText("1111")
    dialog.reference.setFocus()
    QTest.keyClicks(dialog.reference, PAN)
    assert dialog.reference.text() == ""
    QTest.keyClicks(dialog.reference, "654321")
    QTest.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value is not None and dialog.value.auth_code == "654321"


def test_one_enter_takes_the_payment_after_a_pasted_card_number_is_wiped(
        qtbot: Any, office: dict[str, Any]) -> None:
    customer = new_customer(office["reception"], "Harriet Oduya")
    ref = log_new(office["reception"], customer, office["product"].id, "Payroll will not post")
    dialog = open_dialog(qtbot, PaymentDialog(None, office["reception"], customer, (ref.id,)))
    dialog.method.setCurrentIndex(dialog.method.findData(PaymentMethod.CARD.value))
    dialog.card_brand.setText("Visa")
    dialog.card_last4.setText("1111")
    dialog.reference.setFocus()
    QApplication.clipboard().setText(PAN)
    QTest.keySequence(dialog.reference, QKeySequence(QKeySequence.StandardKey.Paste))
    assert dialog.reference.text() == ""
    QTest.keyClicks(dialog.reference, "654321")
    QTest.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value is not None and dialog.value.auth_code == "654321"
