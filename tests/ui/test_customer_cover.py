"""A manager adjusts a season ticket and records a contract from the customer panel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from synergy_desk.domain.enums import LedgerKind
from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.money import funding, tickets
from synergy_desk.ui.dialogs.customer_cover import ContractDialog, TicketAdjustDialog
from synergy_desk.ui.main_window import MainWindow
from tests.services.money.test_funding import buy_ticket, new_customer


def _window(qtbot: Any, actor: Any, prefs: Any) -> MainWindow:
    window = MainWindow(actor, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    return window


def test_the_adjust_dialog_checks_the_balance_and_wants_a_reason(
        qtbot: Any, office: dict[str, Any]) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(office["reception"], customer, size=5)
    manager = office["manager"]
    dialog = TicketAdjustDialog(
        None, customer.name, tickets.tickets_for_customer(customer.id),
        lambda ticket, delta, reason: tickets.adjust(manager, ticket, delta, reason))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.ticket.currentData() == ticket_id
    dialog.delta.setValue(-2)
    assert "3 of 5 left" in dialog.after.text()
    ok.click()  # no reason yet
    assert dialog.value is None
    assert dialog.message.text() == "Give the reason for the adjustment."
    dialog.reason.setPlainText("Two incidents logged in error on the old system")
    dialog.delta.setValue(1)  # 5 of 5 left: one more would be 6 of 5
    ok.click()
    assert dialog.value is None and "between 0 and 5" in dialog.message.text()
    dialog.delta.setValue(-2)
    assert tickets.balance(ticket_id) == 5  # the service refused both: nothing was written
    ok.click()
    assert dialog.value is not None and dialog.value.id == ticket_id
    assert dialog.value.left == 3 and tickets.balance(ticket_id) == 3
    entry = t.TicketLedger.select().order_by(t.TicketLedger.id.desc()).get()
    assert (entry.delta, entry.reason) == (-2, "Two incidents logged in error on the old system")


def test_a_manager_adjusts_a_ticket_from_the_panel(
        qtbot: Any, office: dict[str, Any], prefs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(office["reception"], customer, size=10)
    window = _window(qtbot, office["manager"], prefs)
    window.open_customer(customer.id)
    assert not window.customer_panel.adjust_button.isHidden()
    assert window.customer_panel.adjust_button.isEnabled()
    monkeypatch.setattr(TicketAdjustDialog, "ask", classmethod(
        lambda cls, parent, name, tickets_, adjust: adjust(ticket_id, -3,
                                                            "Goodwill correction")))
    window.customer_panel.adjust_button.click()
    assert tickets.balance(ticket_id) == 7
    entry = t.TicketLedger.select().order_by(t.TicketLedger.id.desc()).get()
    assert (entry.kind, entry.delta, entry.reason) == (LedgerKind.ADJUSTMENT, -3,
                                                       "Goodwill correction")
    assert "adjusted" in window.statusBar().currentMessage()


def test_a_manager_records_a_contract_that_then_covers_incidents(
        qtbot: Any, office: dict[str, Any], prefs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    customer = new_customer()
    window = _window(qtbot, office["manager"], prefs)
    window.open_customer(customer.id)
    today = dt.date.today()
    monkeypatch.setattr(ContractDialog, "ask", classmethod(
        lambda cls, parent, name, products, record: record(
            "SC-2027-001", None, today - dt.timedelta(days=1), today + dt.timedelta(days=364))))
    window.customer_panel.contract_button.click()
    assert funding.entitlement(customer.id).contract is not None
    assert "SC-2027-001" in window.customer_panel.banner.text()


def test_the_contract_dialog_refuses_dates_out_of_order(qtbot: Any,
                                                       office: dict[str, Any]) -> None:
    customer = new_customer()
    manager = office["manager"]
    dialog = ContractDialog(
        None, "Acme", [], lambda reference, product, starts, ends: funding.create_contract(
            manager, customer.id, reference, starts, ends, product))
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.value is None and dialog.message.text() == "Give the contract's reference."
    dialog.reference.setText("SC-1")
    dialog.ends.setDate(dialog.starts.date().addDays(-1))
    dialog.accept()
    assert dialog.value is None and "cannot end before" in dialog.message.text()
    assert funding.entitlement(customer.id).contract is None
    dialog.ends.setDate(dialog.starts.date().addYears(1))
    dialog.accept()
    assert dialog.value is not None and dialog.value.reference == "SC-1"


def test_a_reference_the_customer_already_has_is_said_in_the_dialog(
        qtbot: Any, office: dict[str, Any]) -> None:
    """The service's own refusal keeps the dialog open, its words beside the reference."""
    customer = new_customer()
    manager = office["manager"]
    today = dt.date.today()
    funding.create_contract(manager, customer.id, "SC-9", today, today + dt.timedelta(days=30))
    dialog = ContractDialog(
        None, "Acme", [], lambda reference, product, starts, ends: funding.create_contract(
            manager, customer.id, reference, starts, ends, product))
    qtbot.addWidget(dialog)
    dialog.reference.setText("SC-9")
    dialog.accept()
    assert dialog.value is None
    assert dialog.message.text() == "This customer already has contract SC-9."
    assert dialog.focus_for(ValidationError("x", "reference")) is dialog.reference


def test_reception_sees_no_override_buttons(qtbot: Any, office: dict[str, Any],
                                            prefs: Any) -> None:
    window = _window(qtbot, office["reception"], prefs)
    assert window.customer_panel.adjust_button.isHidden()
    assert window.customer_panel.contract_button.isHidden()


def test_the_change_reads_signed_and_counted(qtbot: Any, office: dict[str, Any]) -> None:
    def never(*_args: object) -> Any:
        raise AssertionError("nothing is adjusted while typing")

    dialog = TicketAdjustDialog(None, "Acme", [], never)
    qtbot.addWidget(dialog)
    texts = {}
    for value in (1, -2, 0):
        dialog.delta.setValue(value)
        texts[value] = dialog.delta.text()
    assert texts == {1: "+1 incident", -2: "-2 incidents", 0: "0 incidents"}
    dialog.delta.lineEdit().setText("-3 incidents")
    dialog.delta.interpretText()
    assert dialog.delta.value() == -3
