"""Keyboard budget of the pop-up path: a known caller with a season ticket rings, and from the
pop-up to a funded, queued incident takes at most 4 actions (a typed string is one action,
each key press or shortcut one). The test drives a real main window with key events only and
prints the count."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.models import tables as t
from synergy_desk.services.money import tickets
from synergy_desk.services.people import customers
from synergy_desk.services.people.customers import ContactInput, CustomerInput
from synergy_desk.ui.dialogs.log_call import LogCallDialog
from synergy_desk.ui.main_window import MainWindow
from tests.services.money.test_funding import buy_ticket

#: Issue 15's budget: from the pop-up to a funded, queued incident.
BUDGET = 4


class Keyboard:
    """Sends key events to whatever has the focus, counting actions as a receptionist would."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.actions = 0

    def focus(self) -> Any:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard"
        return widget

    def type(self, text: str) -> None:
        self.actions += 1
        self.qtbot.keyClicks(self.focus(), text)

    def press(self, key: Qt.Key) -> None:
        self.actions += 1
        self.qtbot.keyClick(self.focus(), key)


def test_a_known_caller_with_a_season_ticket_is_funded_and_queued_within_4_actions(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    reception = office["reception"]
    customer = customers.create_customer(
        reception, CustomerInput(name="Acme Ltd", phone="0113 496 0000",
                                 address="1 Park Row\nLeeds", postcode="LS1 5AB"),
        contacts=(ContactInput(name="Jane Smith", phone="07700 900123", is_primary=True),
                  ContactInput(name="Raj Patel", phone="07700 900456")))
    ticket_id = buy_ticket(reception, t.Customer.get_by_id(customer.id), size=10)
    window = MainWindow(reception, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    keys = Keyboard(qtbot)

    window.pop_up_caller("tel:+447700900456")  # the phone rings: not an action
    qtbot.waitUntil(lambda: isinstance(window._call_dialog, LogCallDialog)
                    and window._call_dialog.isActiveWindow())
    dialog = window._call_dialog
    assert dialog.customer_id == customer.id and dialog.contact.currentText() == "Raj Patel"

    keys.type("Payslips print blank since the update")  # 1: the subject, where the cursor is
    keys.press(Qt.Key.Key_Return)  # 2: log the call, funded from the season ticket
    qtbot.waitUntil(lambda: window._call_dialog is None)
    incident = t.Incident.get(t.Incident.subject == "Payslips print blank since the update")
    assert incident.funding is FundingKind.TICKET
    assert incident.status is IncidentStatus.QUEUED
    assert incident.contact_id is not None
    assert t.Contact.get_by_id(incident.contact_id).name == "Raj Patel"
    assert tickets.balance(ticket_id) == 9
    # What the desk says about the ticket used; Enter puts it away (counted all the same).
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    told = QApplication.activeModalWidget()
    assert told.objectName() == "ticketRedeemedMessage"
    qtbot.waitUntil(told.isActiveWindow)  # it has the keyboard: Enter reaches it
    keys.press(Qt.Key.Key_Return)  # 3
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert window.detail.incident_id == incident.id  # the incident is shown at the desk
    # The status bar's caller tells the cover as it is now: one incident fewer left.
    assert "9 of 10 left" in window.caller_status.text()

    print(f"\nPop-up to a funded, queued incident (known caller, season ticket): "
          f"{keys.actions} actions (budget {BUDGET})")
    assert keys.actions <= BUDGET
