"""An incoming call pops the caller up: log-a-call with the caller found, the new-customer form
for a number nobody has, a short list when several have it, and a call that waits in the status
bar while something else is open."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from synergy_desk.models import tables as t
from synergy_desk.services.money import funding
from synergy_desk.services.people import customers
from synergy_desk.services.people.customers import ContactInput, CustomerInput
from synergy_desk.ui.dialogs.caller_choice import CallerChoiceDialog
from synergy_desk.ui.dialogs.log_call import LogCallDialog
from synergy_desk.ui.main_window import MainWindow
from tests.services.money.test_funding import buy_ticket


def make_window(qtbot: Any, actor: Any, prefs: Any) -> MainWindow:
    window = MainWindow(actor, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def popped_dialog(qtbot: Any, window: MainWindow, kind: type = LogCallDialog) -> Any:
    """The pop-up's dialog, once it is open and has the keyboard."""
    qtbot.waitUntil(lambda: isinstance(window._call_dialog, kind)
                    and window._call_dialog.isVisible()
                    and window._call_dialog.isActiveWindow())
    return window._call_dialog


def acme(office: dict[str, Any]) -> customers.CustomerSummary:
    return customers.create_customer(
        office["reception"],
        CustomerInput(name="Acme Ltd", phone="0113 496 0000", postcode="LS1 1AA"),
        contacts=(ContactInput(name="Jane Smith", phone="07700 900123", is_primary=True),
                  ContactInput(name="Raj Patel", phone="07700 900456")))


def test_a_known_callers_number_opens_log_a_call_with_the_caller_and_contact_chosen(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    customer = acme(office)
    buy_ticket(office["reception"], t.Customer.get_by_id(customer.id), size=10)
    window = make_window(qtbot, office["reception"], prefs)
    window.pop_up_caller("tel:+44 7700 900456")
    dialog = popped_dialog(qtbot, window)
    assert dialog.customer_id == customer.id
    assert dialog.contact.currentText() == "Raj Patel"
    assert dialog.incident.currentData() is None  # a new incident
    assert dialog.focusWidget() is dialog.subject
    assert dialog.ticket_button.isDefault()  # Enter logs it and uses the season ticket
    status = window.findChild(type(window.caller_status), "callerStatus")
    assert status.isVisible()
    cover = funding.entitlement(customer.id).summary
    assert cover.startswith("Season ticket: 10 of 10 left")
    assert status.text() == (f"Incoming call: 07700 900456 — Raj Patel at Acme Ltd "
                             f"({customer.account_code}): {cover}")
    dialog.reject()


def test_a_caller_with_no_ticket_logs_the_call_with_enter(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    customer = acme(office)
    window = make_window(qtbot, office["reception"], prefs)
    window.pop_up_caller("01134960000")
    dialog = popped_dialog(qtbot, window)
    assert dialog.customer_id == customer.id
    assert dialog.contact.currentText() == "Jane Smith"  # the primary: the switchboard rang
    assert dialog.log_button.isDefault() and not dialog.ticket_button.isDefault()
    assert "Pay per incident" in window.caller_status.text()
    qtbot.keyClicks(dialog.subject, "Month-end will not close")
    qtbot.keyClick(dialog.subject, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window._call_dialog is None)
    incident = t.Incident.get(t.Incident.subject == "Month-end will not close")
    assert incident.customer_id == customer.id
    assert window.detail.incident_id == incident.id


def test_an_unknown_number_opens_the_new_customer_form_with_the_number_filled_in(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    window.pop_up_caller("callto://+441632960777")
    dialog = popped_dialog(qtbot, window)
    assert dialog.customer_id is None
    assert dialog.new_box.isVisible()
    assert dialog.nc_phone.text() == "01632 960777"
    assert dialog.focusWidget() is dialog.nc_name
    assert window.caller_status.text() == "Incoming call: 01632 960777 — not a customer yet"
    qtbot.keyClicks(dialog.nc_name, "Brand New Caller")
    qtbot.keyClick(dialog.nc_name, Qt.Key.Key_Return)  # Add customer
    qtbot.waitUntil(lambda: dialog.customer_id is not None)
    added = customers.customer_summary(dialog.customer_id)
    assert (added.name, added.phone) == ("Brand New Caller", "01632 960777")
    # The status bar names the caller now, with their cover.
    assert window.caller_status.text() == (
        f"Incoming call: 01632 960777 — Brand New Caller ({added.account_code}): "
        f"{funding.entitlement(added.id).summary}")
    dialog.reject()


def test_escape_closes_an_unknown_callers_pop_up_without_asking_about_the_number_given(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    window.pop_up_caller("01632 960777")
    dialog = popped_dialog(qtbot, window)
    assert not dialog.new_customer_typed()  # the number came with the call
    qtbot.keyClick(dialog.nc_name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window._call_dialog is None)
    window.pop_up_caller("01632 960777")
    dialog = popped_dialog(qtbot, window)
    qtbot.keyClicks(dialog.nc_name, "Half typed")
    assert dialog.new_customer_typed()  # a name typed is asked about, as ever
    dialog.nc_name.clear()
    dialog.reject()


def test_a_number_several_callers_have_asks_which_in_a_short_list(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    reception = office["reception"]
    first = customers.create_customer(reception, CustomerInput(name="Alpha Ltd",
                                                               phone="01632 960999"))
    customers.create_customer(reception, CustomerInput(name="Bravo Ltd", phone="01632 960999"))
    window = make_window(qtbot, reception, prefs)
    window.pop_up_caller("01632 960999")
    assert "2 callers have this number" in window.caller_status.text()
    chooser = popped_dialog(qtbot, window, CallerChoiceDialog)
    assert [chooser.list.item(i).text() for i in range(chooser.list.count())] == [
        f"Alpha Ltd ({first.account_code})", "Bravo Ltd (C000002)",
        "Someone new (add a customer)"]
    from PySide6.QtWidgets import QLabel

    assert "2 callers have the number 01632 960999. Who is it?" in [
        label.text() for label in chooser.findChildren(QLabel)]
    # Each caller's whole line shows: the list is as wide as its longest line.
    assert chooser.list.viewport().width() >= chooser.list.sizeHintForColumn(0)
    qtbot.keyClick(chooser.list, Qt.Key.Key_Return)  # the first, chosen already
    dialog = popped_dialog(qtbot, window)
    assert dialog.customer_id == first.id
    dialog.reject()


def test_a_call_while_a_dialog_is_open_waits_in_the_status_bar_until_f8(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    customer = acme(office)
    window = make_window(qtbot, office["reception"], prefs)
    busy = QMessageBox(QMessageBox.Icon.Question, "Payment", "Half-way through a payment",
                       QMessageBox.StandardButton.Cancel, window)
    busy.setWindowModality(Qt.WindowModality.ApplicationModal)
    busy.show()
    qtbot.waitExposed(busy)
    window.pop_up_caller("07700 900123")
    qtbot.wait(50)
    assert window._call_dialog is None and busy.isVisible()  # the payment is not lost
    assert window.caller_status.text().startswith("Call waiting (click, or F8): 07700 900123")
    assert "Jane Smith at Acme Ltd" in window.caller_status.text()
    assert window.act_open_waiting_call.isEnabled()
    window.open_waiting_call()  # still busy: said, and the call still waits
    assert window._call_dialog is None and window.act_open_waiting_call.isEnabled()
    busy.done(QDialog.DialogCode.Rejected.value)
    qtbot.waitUntil(lambda: not busy.isVisible())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    dialog = popped_dialog(qtbot, window)
    assert dialog.customer_id == customer.id and dialog.contact.currentText() == "Jane Smith"
    assert window.caller_status.text().startswith("Incoming call: 07700 900123")
    assert window._waiting_call is None  # nothing waits now; F8 would open this call again
    window.pop_up_caller("07700 900456")  # a second call while the first is being logged
    assert window._call_dialog is dialog
    assert "Raj Patel" in window.caller_status.text()
    assert window.caller_status.text().startswith("Call waiting (click, or F8): 07700 900456")
    dialog.reject()
    qtbot.waitUntil(lambda: window._call_dialog is None)
    window.caller_status.click()
    assert popped_dialog(qtbot, window).contact.currentText() == "Raj Patel"
    window._call_dialog.reject()


def test_a_number_that_cannot_be_read_is_said_in_the_status_bar(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    window.pop_up_caller("tel:call-me")
    qtbot.wait(20)
    assert window._call_dialog is None
    assert window.statusBar().currentMessage().startswith(
        "A call came in from a number that cannot be read:")


def test_a_call_to_a_locked_desk_waits_behind_the_lock(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    from PySide6.QtWidgets import QLineEdit

    from tests.conftest import PASSWORD

    acme(office)
    window = make_window(qtbot, office["reception"], prefs)
    window.lock()
    assert window.locked
    window.pop_up_caller("07700 900123")
    qtbot.wait(50)
    assert window._call_dialog is None  # nothing of the caller shows over the lock
    assert window.act_open_waiting_call.isEnabled()
    screen = window.lock_screen
    screen.findChild(QLineEdit, "lockPassword").setText(PASSWORD)
    assert screen.unlock()
    window.open_waiting_call()
    assert popped_dialog(qtbot, window).contact.currentText() == "Jane Smith"
    window._call_dialog.reject()


def test_f8_opens_the_latest_call_again_and_says_when_there_has_been_none(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    customer = acme(office)
    window = make_window(qtbot, office["reception"], prefs)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    assert window._call_dialog is None
    assert window.statusBar().currentMessage() == "No call has come in at this desk yet."
    window.pop_up_caller("07700 900123")
    popped_dialog(qtbot, window).reject()  # Escape by mistake: the caller is still on the line
    qtbot.waitUntil(lambda: window._call_dialog is None)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    dialog = popped_dialog(qtbot, window)
    assert dialog.customer_id == customer.id and dialog.contact.currentText() == "Jane Smith"
    dialog.reject()
