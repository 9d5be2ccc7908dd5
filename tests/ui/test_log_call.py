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


# --- the caller is never the wrong one -----------------------------------------------------


def _window(qtbot: Any, actor: Any, prefs: Any) -> Any:
    from synergy_desk.ui.main_window import MainWindow

    window = MainWindow(actor, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _asking(monkeypatch: Any) -> list[int | None]:
    """Patch the dialog's entry point; returns the callers it was opened with."""
    asked: list[int | None] = []

    def fake_ask(parent: Any, actor: Any, customer_id: int | None = None,
                 incident_id: int | None = None) -> None:
        asked.append(customer_id)

    monkeypatch.setattr(LogCallDialog, "ask", staticmethod(fake_ask))
    return asked


def _ctrl_l(qtbot: Any, window: Any) -> None:
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


def test_a_call_from_the_toolbar_starts_with_no_caller_whoever_the_panel_shows(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary, prefs: Any,
        monkeypatch: Any) -> None:
    from synergy_desk.services.incidents import intake

    reception = office["reception"]
    ref = intake.log_call(reception, intake.LogCallInput(
        customer_id=caller.id, product_id=office["product"].id, subject="Payslips blank"))
    window = _window(qtbot, reception, prefs)
    window.open_incident(ref.id)  # the panel now shows customer A, from their incident
    assert window.customer_panel.customer_id == caller.id
    asked = _asking(monkeypatch)
    _ctrl_l(qtbot, window)
    window.act_log_call.trigger()  # the toolbar's Log call… is the same action
    assert asked == [None, None]


def test_the_search_result_just_chosen_is_the_caller_until_something_else_is_shown(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary, prefs: Any,
        monkeypatch: Any) -> None:
    from synergy_desk.services.incidents import intake

    reception = office["reception"]
    other = customers.create_customer(reception, customers.CustomerInput(name="Bravo Ltd"))
    theirs = intake.log_call(reception, intake.LogCallInput(
        customer_id=other.id, product_id=office["product"].id, subject="Crash on open"))
    window = _window(qtbot, reception, prefs)
    asked = _asking(monkeypatch)
    window.search.customer_chosen.emit(caller.id)  # chosen from the search's results
    assert window.customer_panel.customer_id == caller.id
    _ctrl_l(qtbot, window)
    assert asked == [caller.id]
    window.open_incident(theirs.id)  # now the panel shows Bravo, from their incident
    _ctrl_l(qtbot, window)
    assert asked == [caller.id, None]
    window.customer_panel.act_log_call.trigger()  # the panel's own action: that customer
    assert asked == [caller.id, None, other.id]
    qtbot.keyClick(window, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert asked[-1] == other.id


def _answer(monkeypatch: Any, button: Any) -> list[str]:
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def question(parent: Any, title: str, text: str, *args: Any) -> Any:
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_a_half_typed_new_customer_is_never_dropped_unasked(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    dialog = open_dialog(qtbot, office, caller.id)
    assert dialog.customer_id == caller.id
    qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # New customer
    assert dialog.customer_id is None, "the caller is someone new, not the customer before"
    qtbot.keyClicks(dialog.nc_name, "Priya Shah")
    # Ctrl+Enter now would have logged the call on the customer before: refused, said why.
    qtbot.keyClick(dialog.nc_name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.value is None and dialog.isVisible()
    assert "Add the new customer first" in dialog.message.text()
    # Picking a search result asks first; "Cancel" keeps the form and the caller unchosen.
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.keyClicks(dialog.search, "Oduya")
    qtbot.waitUntil(lambda: dialog.results.count() > 0
                    and dialog.results.item(0).data(Qt.ItemDataRole.UserRole) is not None)
    dialog.results.itemActivated.emit(dialog.results.item(0))
    assert len(asked) == 1 and "Priya Shah" in asked[0]
    assert dialog.customer_id is None and dialog.nc_name.text() == "Priya Shah"
    # Escape / Cancel / closing asks too.
    qtbot.keyClick(dialog.nc_name, Qt.Key.Key_Escape)
    dialog.close()
    assert len(asked) == 3 and dialog.isVisible()
    # "Discard" lets it go: the chosen result becomes the caller.
    _answer(monkeypatch, QMessageBox.StandardButton.Discard)
    dialog.results.itemActivated.emit(dialog.results.item(0))
    assert dialog.customer_id == caller.id and not dialog.new_box.isVisible()
    assert dialog.nc_name.text() == ""


def test_adding_the_new_customer_makes_them_the_caller(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    dialog = open_dialog(qtbot, office, caller.id)
    dialog.new_customer_button.click()
    qtbot.keyClicks(dialog.nc_name, "Priya Shah")
    dialog.nc_add.click()
    assert dialog.customer_id not in (None, caller.id)
    assert "Priya Shah" in dialog.chosen.text()
    dialog.subject.setText("Cannot install")
    dialog.log_button.click()
    assert dialog.value is not None and dialog.value.customer_id == dialog.customer_id


def test_module_and_version_are_asked_and_filled_from_the_last_incident_on_the_product(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    from synergy_desk.models import tables as t
    from synergy_desk.services.incidents import intake

    product = office["product"]
    reports = t.Module.create(product=product.id, name="Reports")
    earlier = intake.log_call(office["reception"], intake.LogCallInput(
        customer_id=caller.id, product_id=product.id, module_id=reports.id,
        product_version="12.3", subject="Totals wrong"))
    dialog = open_dialog(qtbot, office, caller.id)
    dialog.product.setCurrentIndex(dialog.product.findData(product.id))
    assert dialog.module.currentData() == reports.id
    assert dialog.version.text() == "12.3"
    assert earlier.reference in dialog.version_hint.text()
    dialog.product.setCurrentIndex(dialog.product.findData(office["product2"].id))
    assert dialog.module.currentData() is None and dialog.version.text() == ""
    dialog.product.setCurrentIndex(dialog.product.findData(product.id))
    dialog.version.setText("12.4")
    dialog.subject.setText("Report crashes")
    dialog.log_button.click()
    assert dialog.value is not None
    logged = t.Incident.get_by_id(dialog.value.incident_id)
    assert (logged.module_id, logged.product_version) == (reports.id, "12.4")


def test_a_new_contact_is_added_inline_and_the_call_is_theirs(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        monkeypatch: Any) -> None:
    from synergy_desk.models import tables as t
    from synergy_desk.ui.dialogs.customer_editor import ContactEditor

    def ask(cls: Any, parent: Any, actor: Any, summary: Any, contact: Any = None) -> Any:
        editor = ContactEditor(parent, actor, summary, contact)
        editor.name.setText("Sam Patel")
        editor.primary.setChecked(False)
        editor.accept()
        value = editor.value
        editor.deleteLater()
        return value

    monkeypatch.setattr(ContactEditor, "ask", classmethod(ask))
    dialog = open_dialog(qtbot, office, caller.id)
    dialog.new_contact_button.click()
    assert dialog.contact.currentText() == "Sam Patel"
    dialog.subject.setText("Cannot print payslips")
    dialog.log_button.click()
    assert dialog.value is not None
    contact = t.Contact.get(t.Contact.name == "Sam Patel")
    assert t.Incident.get_by_id(dialog.value.incident_id).contact_id == contact.id


def test_enter_in_the_search_chooses_the_caller_and_nothing_else(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    dialog = open_dialog(qtbot, office)
    qtbot.keyClicks(dialog.search, "Oduya")
    qtbot.waitUntil(lambda: dialog.results.count() > 0
                    and dialog.results.item(0).data(Qt.ItemDataRole.UserRole) is not None)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.customer_id == caller.id
    assert dialog.message.text() == ""  # no attempt to log a call without a subject
    assert dialog.isVisible()


def test_the_contact_and_module_labels_take_the_cursor_to_their_boxes(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    from PySide6.QtWidgets import QLabel

    dialog = open_dialog(qtbot, office, caller.id)
    buddies = {label.text(): label.buddy() for label in dialog.findChildren(QLabel)
               if label.buddy() is not None}
    assert buddies["C&ontact:"] is dialog.contact
    assert buddies["&Module:"] is dialog.module
    assert buddies["&Version:"] is dialog.version


def test_the_new_customer_form_takes_the_incidents_place_so_the_dialog_fits_a_laptop(
        qtbot: Any, office: dict[str, Any]) -> None:
    """With the new-customer form open, log-a-call ran off a 1366 × 768 screen (its buttons
    below the edge); the incident's fields, greyed until there is a caller, give it their
    place and come back once the customer is added."""
    from synergy_desk.ui.screen import FRAME_ALLOWANCE

    dialog = open_dialog(qtbot, office)
    dialog.pop_up_unknown("01632 960777")
    qtbot.waitUntil(lambda: dialog.new_box.isVisible())
    assert not dialog.incident_box.isVisible()
    assert dialog.minimumSizeHint().height() + FRAME_ALLOWANCE[1] <= 768 - 40  # a taskbar
    assert dialog.height() + FRAME_ALLOWANCE[1] <= 768 - 40
    qtbot.keyClicks(dialog.nc_name, "Priya Raman")
    qtbot.keyClick(dialog.nc_name, Qt.Key.Key_Return)  # Enter adds the customer
    qtbot.waitUntil(lambda: dialog.customer_id is not None)
    assert dialog.incident_box.isVisible() and not dialog.new_box.isVisible()
    assert dialog.focusWidget() is dialog.subject
