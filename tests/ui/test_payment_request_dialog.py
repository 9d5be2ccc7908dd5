"""Asking for a bank transfer: the payment request's dialog, from the payment dialog (Bank
transfer chosen) and from the incident's actions, and the request shown afterwards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QWidget

from synergy_desk.domain.enums import FundingKind, PaymentMethod
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payment_requests
from synergy_desk.services.office.office_time import office_today
from synergy_desk.services.reporting.receipt_documents import RenderedDocument
from synergy_desk.ui import receipts
from synergy_desk.ui.dialogs.payment import PaymentDialog
from synergy_desk.ui.dialogs.payment_request import PaymentRequestDialog, RequestAsked
from synergy_desk.ui.main_window import MainWindow
from tests.services.money.test_payment_requests import set_bank
from tests.ui.keys import duplicate_mnemonics
from tests.ui.workbench_data import log_new, new_customer


@pytest.fixture
def banked(office: dict[str, Any]) -> dict[str, Any]:
    set_bank(office["manager"])
    return office


def stand_in_document(number_or_id: str | int, *, reminder: bool = False) -> RenderedDocument:
    """The request's PDF as the preview gets it, for a tree without the request's document:
    a one-page PDF naming the request (the real one is tested where it is made)."""
    import io

    from reportlab.pdfgen import canvas

    info = payment_requests.request_info(number_or_id)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, f"{'Reminder: ' if reminder else ''}Payment request "
                             f"{info.number} reference {info.reference}")
    page.save()
    return RenderedDocument(buffer.getvalue(), f"Payment request {info.number}",
                            f"{info.number}.pdf", info.customer_id, info.customer_email,
                            f"Payment request {info.number}",
                            f"Please pay {info.gross_pence} with reference {info.reference}.")


@pytest.fixture
def request_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The request's document: the real one when this tree has it, else the stand-in."""
    try:
        from synergy_desk.services.reporting import request_documents  # noqa: F401
    except ImportError:
        monkeypatch.setattr(receipts, "request_document", stand_in_document)


def open_dialog(qtbot: Any, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def unfunded(office: dict[str, Any], subject: str = "Payroll will not post",
             customer: int | None = None) -> tuple[int, int]:
    customer = customer or new_customer(office["reception"], "Harriet Oduya")
    ref = log_new(office["reception"], customer, office["product"].id, subject)
    return customer, ref.id


def test_the_dialog_shows_the_incidents_due_date_amount_and_bank_details(
        qtbot: Any, banked: dict[str, Any]) -> None:
    customer, first = unfunded(banked)
    _same, second = unfunded(banked, "Bank feed stopped", customer)
    dialog = open_dialog(qtbot, PaymentRequestDialog(None, banked["reception"], customer,
                                                     (first,)))
    assert dialog.objectName() == "paymentRequestDialog"
    assert dialog.incidents.count() == 2  # the other unfunded incident is offered
    assert dialog.chosen_incident_ids() == (first,)
    assert dialog.incidents.currentRow() == 0
    assert dialog.amount.text().startswith("£90.00")
    due = office_today() + dt.timedelta(days=14)
    assert dialog.due.date() == QDate(due.year, due.month, due.day)
    assert "Sort code: 20-00-00" in dialog.bank.text()
    assert "Account number: 55779911" in dialog.bank.text()
    assert "IBAN: GB33 BUKB 2020 1555 5555 55" in dialog.bank.text()
    assert dialog.issue_button.text() == "&Issue request" and dialog.issue_button.isEnabled()
    assert duplicate_mnemonics(dialog) == {}
    dialog.incidents.item(1).setCheckState(Qt.CheckState.Checked)
    assert dialog.amount.text().startswith("£180.00")
    dialog.ticket_check.setChecked(True)
    dialog.ticket_size.setValue(2)
    # Two incidents from a ticket of two: the ticket's price only.
    assert dialog.amount.text().startswith("£156.00")
    assert dialog.amount.text().endswith(
        "the season ticket, which will fund INC-000001, INC-000002")


def test_without_the_bank_details_it_says_what_a_manager_must_set_and_offers_no_issue(
        qtbot: Any, office: dict[str, Any]) -> None:
    customer, incident = unfunded(office)
    set_bank(office["manager"], bank_sort_code="", bank_account_number="")
    dialog = open_dialog(qtbot, PaymentRequestDialog(None, office["reception"], customer,
                                                     (incident,)))
    text = dialog.bank.text()
    assert "lack the sort code and the account number" in text
    assert "Office settings ▸ Bank" in text
    assert not dialog.issue_button.isVisible() and not dialog.issue_button.isEnabled()
    dialog.accept()
    assert dialog.isVisible()
    assert t.PaymentRequest.select().count() == 0


def test_issue_numbers_the_request_and_the_incident_waits_unfunded(
        qtbot: Any, banked: dict[str, Any]) -> None:
    customer, older = unfunded(banked, "Bank feed stopped")
    _same, incident = unfunded(banked, customer=customer)
    dialog = open_dialog(qtbot, PaymentRequestDialog(None, banked["reception"], customer,
                                                     (incident,)))
    # The cursor is on the incident asked for, not on the customer's older one.
    assert dialog.incidents.currentItem().data(Qt.ItemDataRole.UserRole) == incident
    assert dialog.chosen_incident_ids() == (incident,)
    due = office_today() + dt.timedelta(days=7)
    dialog.due.setDate(QDate(due.year, due.month, due.day))
    qtbot.keyClick(dialog.issue_button, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    info = dialog.value
    assert info is not None and info.number == "PR-000001"
    assert info.due_on == due and info.gross_pence == 9000
    assert info.incident_ids == (incident,)
    assert t.Incident.get_by_id(incident).funding == FundingKind.NONE
    assert payment_requests.awaiting_transfer([incident])[incident].startswith(
        "Awaiting transfer PR-000001 (£90.00, due ")


def test_nothing_ticked_is_told_and_nothing_issued(qtbot: Any, banked: dict[str, Any]) -> None:
    customer, _incident = unfunded(banked)
    dialog = open_dialog(qtbot, PaymentRequestDialog(None, banked["reception"], customer))
    dialog.accept()
    assert dialog.isVisible()
    assert "Tick the incidents" in dialog.message.text()
    assert t.PaymentRequest.select().count() == 0


def test_an_incident_on_a_request_is_not_offered_again(
        qtbot: Any, banked: dict[str, Any]) -> None:
    customer, incident = unfunded(banked)
    payment_requests.issue_request(banked["reception"], payment_requests.RequestInput(
        customer, (incident,)))
    dialog = open_dialog(qtbot, PaymentRequestDialog(None, banked["reception"], customer,
                                                     (incident,)))
    assert dialog.incidents.count() == 0
    assert not dialog.issue_button.isEnabled()


def test_bank_transfer_in_the_payment_dialog_asks_for_the_money_instead_of_taking_it(
        qtbot: Any, banked: dict[str, Any]) -> None:
    """It recorded a transfer as if the money were in the bank already."""
    customer, incident = unfunded(banked)
    dialog = open_dialog(qtbot, PaymentDialog(None, banked["reception"], customer, (incident,)))
    dialog.method.setCurrentIndex(dialog.method.findData(PaymentMethod.BANK_TRANSFER.value))
    assert dialog.take_button.text() == "&Issue a payment request…"
    assert not dialog.reference.isVisible()
    assert "payment request" in dialog.message.text()
    assert duplicate_mnemonics(dialog) == {}
    dialog.take_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value == RequestAsked(customer, (incident,), None, None)
    assert t.Payment.select().count() == 0
    assert t.Incident.get_by_id(incident).funding == FundingKind.NONE
    # Back to card: the button takes the payment again.
    again = open_dialog(qtbot, PaymentDialog(None, banked["reception"], customer, (incident,)))
    again.method.setCurrentIndex(again.method.findData(PaymentMethod.BANK_TRANSFER.value))
    again.method.setCurrentIndex(again.method.findData(PaymentMethod.CASH.value))
    assert again.take_button.text().startswith("&Take payment")
    assert "payment request" not in again.message.text()


def test_take_payment_flow_by_bank_transfer_issues_the_request_and_shows_it(
        qtbot: Any, banked: dict[str, Any], window: QWidget, request_pdf: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from synergy_desk.ui.pdf_preview import PdfPreviewDialog

    customer, incident = unfunded(banked)
    monkeypatch.setattr(PaymentDialog, "ask", staticmethod(
        lambda *_a, **_k: RequestAsked(customer, (incident,))))

    def issue(parent: QWidget | None, actor: Actor, customer_id: int,
              incident_ids: tuple[int, ...] = (), ticket_size: int | None = None,
              ticket_validity_days: int | None = None) -> payment_requests.RequestInfo:
        dialog = PaymentRequestDialog(parent, actor, customer_id, incident_ids, ticket_size,
                                      ticket_validity_days)
        qtbot.addWidget(dialog)
        dialog.accept()
        assert dialog.value is not None
        return dialog.value

    monkeypatch.setattr(PaymentRequestDialog, "ask", staticmethod(issue))
    shown: list[QWidget] = []
    from synergy_desk.ui.worker import Background

    background = Background()
    info = receipts.take_payment_flow(window, banked["reception"], background, customer,
                                      (incident,), on_shown=shown.append)
    assert isinstance(info, payment_requests.RequestInfo) and info.number == "PR-000001"
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    preview = shown[0]
    assert isinstance(preview, PdfPreviewDialog)
    qtbot.addWidget(preview)
    assert preview.windowTitle() == "Payment request PR-000001"
    assert preview.filename == "PR-000001.pdf"
    assert background.wait(20_000)


def make_window(qtbot: Any, actor: Actor, prefs: Any) -> MainWindow:
    window = MainWindow(actor, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.mark.parametrize("role", ["reception", "engineer"])
def test_the_incidents_action_asks_for_a_transfer_and_the_incident_shows_it_awaits(
        qtbot: Any, banked: dict[str, Any], prefs: Any, role: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    customer, incident = unfunded(banked)
    window = make_window(qtbot, banked[role], prefs)
    window.refresh(keep_selection=False)
    window.open_customer(customer)
    window.open_incident(incident)
    action = window.detail.incident_actions["requestTransfer"]
    assert action.isEnabled()
    assert action in window.incident_menu.actions()
    assert action in window.incident_context_menu.actions()
    assert action.shortcut().toString() == "Ctrl+Shift+Z"
    asked: list[tuple[int, tuple[int, ...]]] = []

    def flow(parent: Any, actor: Actor, background: Any, customer_id: int,
             incident_ids: tuple[int, ...] = (), **_kw: Any) -> payment_requests.RequestInfo:
        asked.append((customer_id, tuple(incident_ids)))
        return payment_requests.issue_request(actor, payment_requests.RequestInput(
            customer_id, tuple(incident_ids)))

    monkeypatch.setattr(receipts, "request_payment_flow", flow)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert asked == [(customer, (incident,))]
    qtbot.waitUntil(lambda: "Awaiting transfer PR-000001 (£90.00, due "
                    in window.detail.heading.text())
    assert not action.isEnabled()  # asked for once
    assert "Awaiting transfer PR-000001" in window.statusBar().currentMessage()


def test_the_customer_panel_shows_which_incidents_await_a_transfer(
        qtbot: Any, banked: dict[str, Any]) -> None:
    from synergy_desk.ui.customer_panel import CustomerPanel

    customer, incident = unfunded(banked)
    _same, other = unfunded(banked, "Bank feed stopped", customer)
    payment_requests.issue_request(banked["reception"], payment_requests.RequestInput(
        customer, (incident,)))
    panel = CustomerPanel()
    qtbot.addWidget(panel)
    panel.show_customer(customer)
    texts = {panel.open_incidents.item(i).data(Qt.ItemDataRole.UserRole):
             panel.open_incidents.item(i).text() for i in range(panel.open_incidents.count())}
    assert "Awaiting transfer PR-000001 (£90.00, due " in texts[incident]
    assert "Awaiting transfer" not in texts[other]


def test_start_work_on_an_incident_awaiting_a_transfer_says_the_services_refusal(
        qtbot: Any, banked: dict[str, Any], shown_errors: Any) -> None:
    """No offer of a ticket or a payment: only the money arriving funds it."""
    from synergy_desk.domain.errors import FundingRequired
    from synergy_desk.services.money import payments
    from synergy_desk.ui.incident_detail import IncidentDetail

    customer, incident = unfunded(banked)
    payments.take_payment(banked["reception"], payments.PaymentInput(
        customer_id=customer, ticket_size=5, method=PaymentMethod.CASH, tendered_pence=50000))
    payment_requests.issue_request(banked["reception"], payment_requests.RequestInput(
        customer, (incident,)))
    detail = IncidentDetail(banked["engineer"])
    qtbot.addWidget(detail)
    detail.show_incident(incident)
    assert detail.awaiting.startswith("Awaiting transfer PR-000001")
    assert not detail.incident_actions["requestTransfer"].isEnabled()
    detail.incident_actions["startWork"].trigger()
    [refusal] = shown_errors.shown
    assert isinstance(refusal, FundingRequired)
    assert "awaiting a bank transfer (payment request PR-000001, due " in refusal.message
    assert t.Incident.get_by_id(incident).funding == FundingKind.NONE


def test_an_incident_awaiting_a_transfer_cannot_be_paid_for_another_way_at_the_desk(
        qtbot: Any, banked: dict[str, Any]) -> None:
    """Paid at the counter too, it would be paid twice: not offered, and the detail's Take
    payment… and Apply contract / ticket are greyed saying what it waits for."""
    from synergy_desk.ui.incident_detail import IncidentDetail

    customer, incident = unfunded(banked)
    _same, other = unfunded(banked, "Bank feed stopped", customer)
    payment_requests.issue_request(banked["reception"], payment_requests.RequestInput(
        customer, (incident,)))
    dialog = open_dialog(qtbot, PaymentDialog(None, banked["reception"], customer, (incident,)))
    listed = [dialog.lines.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
              for i in range(dialog.lines.topLevelItemCount())]
    assert listed == [other]
    assert "INC-000001 is awaiting transfer PR-000001 (£90.00, due " in dialog.message.text()
    detail = IncidentDetail(banked["reception"])
    qtbot.addWidget(detail)
    detail.show_incident(incident)
    for name in ("takePayment", "applyCover"):
        assert not detail.incident_actions[name].isEnabled(), name
    assert detail.incident_actions["takePayment"].toolTip().startswith(
        "Awaiting transfer PR-000001")
    detail.show_incident(other)
    assert detail.incident_actions["takePayment"].isEnabled()
    assert detail.incident_actions["requestTransfer"].isEnabled()


def test_an_incident_awaiting_a_transfer_is_not_offered_to_be_closed_or_waived(
        qtbot: Any, banked: dict[str, Any]) -> None:
    """The money that arrives must find it open and unfunded: close, out of remit and waive
    are greyed naming the request (the service refuses them too), and come back once the
    request is cancelled."""
    from synergy_desk.ui.incident_detail import IncidentDetail

    customer, incident = unfunded(banked)
    request = payment_requests.issue_request(banked["manager"], payment_requests.RequestInput(
        customer, (incident,)))
    detail = IncidentDetail(banked["manager"])
    qtbot.addWidget(detail)
    detail.show_incident(incident)
    for name in ("closeUnresolved", "outOfRemit", "waive"):
        action = detail.incident_actions[name]
        assert not action.isEnabled(), name
        assert action.toolTip().startswith("Awaiting transfer PR-000001"), name
        assert action.toolTip().endswith("a manager cancels the request first"), name
    payment_requests.cancel_request(banked["manager"], request.request_id, "Paying by card")
    detail.show_incident(incident)
    for name in ("closeUnresolved", "outOfRemit", "waive"):
        action = detail.incident_actions[name]
        assert action.isEnabled(), name
        assert "Awaiting" not in action.toolTip(), name
