"""Cover follows the customer, at the desk: a ticket bought with an incident funds it; a
contract or ticket is offered to the incidents waiting for payment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt

from synergy_desk.domain.enums import FundingKind, LineKind
from synergy_desk.models import tables as t
from synergy_desk.services.incidents import changes
from synergy_desk.services.money import funding, tickets
from synergy_desk.services.office.office_time import office_today
from synergy_desk.services.people import customers
from synergy_desk.services.reporting import receipt_documents
from synergy_desk.ui import receipts
from synergy_desk.ui.contracts_view import ContractsView
from synergy_desk.ui.dialogs.customer_cover import ContractDialog, ContractEndDialog
from synergy_desk.ui.dialogs.payment import PaymentDialog
from synergy_desk.ui.dialogs.split import CoverOffer
from synergy_desk.ui.main_window import MainWindow
from tests.services.money.test_funding import buy_ticket, new_customer, new_incident
from tests.ui.test_payment_dialog import focused, log_incident, open_dialog, pdf_text, press


def test_a_ticket_bought_with_an_incident_funds_it_from_the_new_ticket(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    dialog = open_dialog(qtbot, office["reception"], caller.id, (incident.id,))
    assert dialog.total_label.text() == "£90.00"
    dialog.ticket_check.setFocus()
    press(qtbot, Qt.Key.Key_Space)  # New season ticket, 10 incidents
    assert dialog.ticket_check.isChecked()

    # One charge: the ticket. The incident is funded from it, not charged again.
    assert dialog.total_label.text() == "£780.00"
    row = dialog.lines.topLevelItem(0)
    assert "from the new season ticket" in row.text(0) and row.text(3) == "—"
    dialog.amount.setFocus()
    dialog.amount.selectAll()
    qtbot.keyClicks(focused(), "780")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    receipt = dialog.value
    assert receipt is not None and receipt.gross_pence == 78_000
    assert [ln.kind for ln in receipt.lines] == [LineKind.SEASON_TICKET]
    assert t.PaymentLine.select().where(t.PaymentLine.kind == LineKind.INCIDENT).count() == 0
    info = funding.funding_of(incident.id)
    assert info is not None and info.kind is FundingKind.TICKET
    assert info.ticket_id == receipt.lines[0].ticket_id
    ticket = tickets.ticket_info(info.ticket_id)
    assert (ticket.used, ticket.left) == (1, 9)
    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))
    assert f"incident 1 of 10 used, 9 left, expires {ticket.expires_text}" in text


# --- contracts and tickets offered to incidents waiting for payment ---


def _window(qtbot: Any, actor: Any, prefs: Any) -> MainWindow:
    window = MainWindow(actor, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    return window


def _record_contract(monkeypatch: pytest.MonkeyPatch, reference: str = "SC-2027-001") -> None:
    today = office_today()
    monkeypatch.setattr(ContractDialog, "ask", classmethod(
        lambda cls, parent, name, products, record: record(
            reference, None, today, today + dt.timedelta(days=364))))


@pytest.mark.parametrize("agree", [True, False], ids=["agreed", "declined"])
def test_a_contract_recorded_funds_the_open_incidents_it_covers_when_the_user_agrees(
        qtbot: Any, office: dict[str, Any], prefs: Any, monkeypatch: pytest.MonkeyPatch,
        agree: bool) -> None:
    customer = new_customer()
    waiting = [new_incident(office["reception"], customer, office["product"], f"Problem {i}")
               for i in range(2)]
    window = _window(qtbot, office["manager"], prefs)
    window.open_customer(customer.id)
    asked: list[str] = []
    monkeypatch.setattr(CoverOffer, "ask", staticmethod(
        lambda parent, title, text: asked.append(text) or agree))
    _record_contract(monkeypatch)

    window.customer_panel.contract_button.click()

    assert len(asked) == 1 and "covers 2 incidents awaiting payment" in asked[0]
    assert all(i.reference in asked[0] for i in waiting)
    kinds = {FundingKind(t.Incident.get_by_id(i.id).funding) for i in waiting}
    assert kinds == ({FundingKind.CONTRACT} if agree else {FundingKind.NONE})
    if agree:
        assert "now funds" in window.statusBar().currentMessage()


def test_reception_applies_the_contract_or_ticket_to_an_awaiting_payment_incident(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    reception = office["reception"]
    customer = new_customer()
    buy_ticket(reception, customer, size=10)
    incident = new_incident(reception, customer, office["product"], "Cannot print payslips")
    window = _window(qtbot, reception, prefs)
    window.open_customer(customer.id)
    window.open_incident(incident.id)
    button = window.detail.buttons["applyCover"]
    assert button.isEnabled() and "Ctrl+Shift+T" in button.toolTip()
    assert window.act_apply_cover.shortcut().toString() == "Ctrl+Shift+T"
    assert window.act_apply_cover in window.menuBar().actions()[1].menu().actions()

    window.act_apply_cover.trigger()

    info = funding.funding_of(incident.id)
    assert info is not None and info.kind is FundingKind.TICKET
    assert info.ticket_use is not None and "1 of 10 used, 9 left" in info.ticket_use
    qtbot.waitUntil(lambda: not window.detail.buttons["applyCover"].isEnabled())

    second = new_incident(reception, customer, office["product"], "Year end will not close")
    funding.create_contract(office["manager"], customer.id, "SC-9", office_today(),
                            office_today() + dt.timedelta(days=30))
    window.open_incident(second.id)
    window.detail.buttons["applyCover"].click()
    info = funding.funding_of(second.id)
    assert info is not None and info.contract_reference == "SC-9"


@pytest.mark.parametrize("agree", [True, False], ids=["agreed", "declined"])
def test_a_split_offers_the_customers_ticket_before_the_payment_dialog(
        qtbot: Any, office: dict[str, Any], prefs: Any, monkeypatch: pytest.MonkeyPatch,
        agree: bool) -> None:
    engineer = office["engineer"]
    customer = new_customer()
    buy_ticket(office["reception"], customer, size=10)
    incident = new_incident(office["reception"], customer, office["product"], "Split off")
    window = _window(qtbot, engineer, prefs)
    window.open_customer(customer.id)
    window.open_incident(incident.id)
    order: list[str] = []
    monkeypatch.setattr(CoverOffer, "ask", staticmethod(
        lambda parent, title, text: order.append(f"offer: {text}") or agree))
    monkeypatch.setattr(receipts, "take_payment_flow",
                        lambda *a, **k: order.append("payment dialog"))

    window.detail._offer_funding(changes.ref_of(incident))

    assert order[0].startswith("offer: ") and "season ticket (10 incidents left)" in order[0]
    if agree:
        assert order == order[:1]
        info = funding.funding_of(incident.id)
        assert info is not None and info.kind is FundingKind.TICKET
    else:
        assert order[1:] == ["payment dialog"]
        assert funding.funding_of(incident.id) is None


# --- the contract list ---


def _contracts_for(office: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    manager = office["manager"]
    first, second = new_customer("Acme Joinery"), new_customer("Oduya Bakery")
    today = office_today()
    a = funding.create_contract(manager, first.id, "SC-A", today - dt.timedelta(days=10),
                                today + dt.timedelta(days=355), office["product"].id,
                                price_pence=100_000)
    b = funding.create_contract(manager, second.id, "SC-B", today, today + dt.timedelta(days=30))
    return first, second, a, b


def test_the_contract_list_per_customer_and_for_the_office(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    first, _second, a, b = _contracts_for(office)
    window = _window(qtbot, office["reception"], prefs)
    office_menu = next(m.menu() for m in window.menuBar().actions()
                       if m.menu() and m.menu().objectName() == "officeMenu")
    assert window.act_contracts in office_menu.actions()
    assert window.act_contracts.shortcut().toString() == "Ctrl+Shift+A"

    window.act_contracts.trigger()
    view = qtbot.waitUntil(lambda: window.findChild(ContractsView) is not None) or \
        window.findChild(ContractsView)
    assert view.objectName() == "contractList"
    assert {r.reference for r in view.rows} == {"SC-A", "SC-B"}
    assert not view.table.isColumnHidden(1)
    # Reception sees the list and may take the payment; the terms are a manager's.
    assert view.change_end_button.isHidden() and view.end_early_button.isHidden()
    view.close()

    window.open_customer(first.id)
    window.customer_panel.contracts_action.trigger()
    mine = [v for v in window.findChildren(ContractsView) if v.customer_id == first.id][0]
    assert [r.reference for r in mine.rows] == ["SC-A"]
    assert mine.table.isColumnHidden(1)
    assert mine.table.item(0, 6).text() == "£1,000.00" and mine.table.item(0, 7).text() == "—"
    assert b.id


def test_a_manager_changes_the_end_and_ends_a_contract_early_from_the_list(
        qtbot: Any, office: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    first, _second, a, _b = _contracts_for(office)
    view = ContractsView(None, office["manager"], first.id, "Acme Joinery")
    qtbot.addWidget(view)
    assert view.change_end_button.isEnabled() and view.end_early_button.isEnabled()
    opened: list[str] = []

    def fill(dialog: ContractEndDialog, day: dt.date, reason: str) -> None:
        dialog.day.setDate(day)
        dialog.reason.setPlainText(reason)
        dialog.accept()

    def ask(cls: Any, parent: Any, reference: str, ends_on: dt.date, change: Any,
            contract_id: int, *, early: bool) -> Any:
        dialog = cls(parent, reference, ends_on, change, contract_id, early=early)
        opened.append(dialog.objectName())
        fill(dialog, ends_on + dt.timedelta(days=31) if not early
             else office_today() - dt.timedelta(days=1),
             "Renewed for a month" if not early else "Customer closed down")
        return dialog.value

    monkeypatch.setattr(ContractEndDialog, "ask", classmethod(ask))
    view.change_end_button.click()
    assert opened[0] == "contractEndDialog"
    assert view.rows[0].ends_on == a.ends_on + dt.timedelta(days=31)
    assert t.AuditLog.select().where(t.AuditLog.action == "contract.change_end").count() == 1

    view.end_early_button.click()
    assert opened[1] == "contractEarlyEndDialog"
    row = view.rows[0]
    assert row.state == "ended early" and row.ended_early_reason == "Customer closed down"
    assert "Ended early by" in view.detail.text()
    assert not view.end_early_button.isEnabled()


def test_a_contracts_price_is_taken_as_a_receipt_line_from_the_list(
        qtbot: Any, office: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    first, _second, a, _b = _contracts_for(office)
    view = ContractsView(None, office["reception"], first.id, "Acme Joinery")
    qtbot.addWidget(view)
    assert view.pay_button.isEnabled()
    seen: list[Any] = []

    def pay(cls: Any, parent: Any, actor: Any, customer_id: int, incident_ids: Any = (),
            offer_ticket: bool = False, contract_id: int | None = None) -> Any:
        dialog = cls(parent, actor, customer_id, incident_ids, offer_ticket, contract_id)
        top = dialog.lines.topLevelItem(0)
        assert top.text(0).startswith("Support contract SC-A, ")
        assert dialog.total_label.text() == "£1,200.00"  # £1,000 + 20% VAT
        dialog.amount.setText("1200.00")
        dialog.accept()
        seen.append(dialog.value)
        return dialog.value

    monkeypatch.setattr(PaymentDialog, "ask", classmethod(pay))
    view.pay_button.click()

    assert seen and seen[0] is not None
    receipt = seen[0]
    assert [ln.kind for ln in receipt.lines] == [LineKind.CONTRACT]
    assert view.rows[0].receipts == (receipt.number,)
    assert view.table.item(0, 7).text() == "£1,200.00"
    assert not view.pay_button.isEnabled()
    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))
    assert "Support contract SC-A," in text


def test_the_contract_dialog_takes_a_price_net_of_vat(qtbot: Any, office: dict[str, Any]) -> None:
    customer = new_customer()
    manager = office["manager"]
    dialog = ContractDialog(
        None, "Acme", [], lambda reference, product, starts, ends, **price:
        funding.create_contract(manager, customer.id, reference, starts, ends, product, **price))
    qtbot.addWidget(dialog)
    dialog.reference.setText("SC-P")
    dialog.price.setText("75.005")
    dialog.accept()
    assert dialog.value is None and "two decimal places" in dialog.message.text()
    dialog.price.setText("£1,200.00")
    dialog.accept()
    assert dialog.value is not None and dialog.value.price_pence == 120_000
