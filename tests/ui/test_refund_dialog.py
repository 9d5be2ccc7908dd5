"""Refunds and voids from the dialog: credit notes in sequence, receipts that never change."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from synergy_desk.domain.enums import FundingKind, IncidentStatus, LedgerKind, PaymentMethod
from synergy_desk.domain.errors import DomainError, PermissionDenied
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import changes, intake, work
from synergy_desk.services.money import funding, payments, tickets
from synergy_desk.services.people import customers
from synergy_desk.services.reporting import receipt_documents
from synergy_desk.ui.dialogs.refund import RefundDialog
from tests.ui.conftest import ShownErrors


def log_incident(office: dict[str, Any], customer_id: int, subject: str) -> changes.IncidentRef:
    return intake.log_call(office["reception"], intake.LogCallInput(
        customer_id=customer_id, product_id=office["product"].id, subject=subject,
        text="Customer rang about it."))


def pay_by_card(office: dict[str, Any], customer_id: int, incident_ids: tuple[int, ...] = (),
                ticket_size: int | None = None) -> payments.ReceiptInfo:
    return payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=customer_id, incident_ids=incident_ids, ticket_size=ticket_size,
        method=PaymentMethod.CARD, card_brand="Visa", card_last4="4242", auth_code="AB1234"))


def open_dialog(qtbot: Any, actor: Actor, payment_id: int) -> RefundDialog:
    dialog = RefundDialog(None, actor, payments.receipt_info(payment_id, copy=True))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_a_refund_issues_the_next_credit_note_and_the_receipt_never_changes(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    manager = office["manager"]
    first = log_incident(office, caller.id, "Cannot print payslips")
    second = log_incident(office, caller.id, "Bank feed stopped")
    receipt = pay_by_card(office, caller.id, (first.id, second.id))
    reprint_before = receipt_documents.receipt_pdf(receipt.number, copy=True)

    dialog = open_dialog(qtbot, manager, receipt.payment_id)
    assert dialog.objectName() == "refundDialog"
    assert focused() is dialog.lines
    # Untick the second line from the keyboard: only the first is refunded.
    qtbot.keyClick(dialog.lines, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.lines, Qt.Key.Key_Space)
    assert dialog.chosen_line_ids() == [receipt.lines[0].line_id]
    assert not dialog.void_radio.isEnabled()
    assert "£90.00" in dialog.total.text()
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "Duplicate of INC-000002")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.result() == QDialog.DialogCode.Accepted
    note = dialog.value
    assert note is not None and note.number == "CN-000001"
    assert [ln.payment_line_id for ln in note.lines] == [receipt.lines[0].line_id]
    assert note.gross_pence == 9000 and note.reason == "Duplicate of INC-000002"
    assert funding.funding_of(first.id) is None
    assert t.Incident.get_by_id(first.id).status == IncidentStatus.AWAITING_PAYMENT
    kept = funding.funding_of(second.id)
    assert kept is not None and kept.kind is FundingKind.PAYMENT

    # The next refund takes the next number of the credit notes' own sequence.
    second_dialog = open_dialog(qtbot, manager, receipt.payment_id)
    assert second_dialog.chosen_line_ids() == [receipt.lines[1].line_id]
    qtbot.keyClicks(second_dialog.reason, "Customer withdrew the call")
    qtbot.keyClick(second_dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert second_dialog.value is not None
    assert second_dialog.value.number == "CN-000002"

    # The original receipt, reprinted, is byte for byte what it was before the refunds.
    assert receipt_documents.receipt_pdf(receipt.number, copy=True) == reprint_before
    third = open_dialog(qtbot, manager, receipt.payment_id)
    assert not third.refund_button.isEnabled()
    assert "refunded in full already" in third.message.text()
    qtbot.keyClicks(third.reason, "Again")
    qtbot.keyClick(third.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert third.value is None  # Ctrl+Enter says why, and refunds nothing
    assert "refunded in full already" in third.message.text()
    assert t.CreditNote.select().where(t.CreditNote.payment == receipt.payment_id).count() == 2


def test_a_reason_is_required(qtbot: Any, office: dict[str, Any],
                              caller: customers.CustomerSummary) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    receipt = pay_by_card(office, caller.id, (incident.id,))
    dialog = open_dialog(qtbot, office["manager"], receipt.payment_id)
    qtbot.keyClick(dialog.lines, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "reason" in dialog.message.text()
    assert focused() is dialog.reason
    assert t.CreditNote.select().count() == 0


@pytest.mark.parametrize("confirm", [True, False])
def test_work_started_asks_the_manager_before_refunding(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        monkeypatch: pytest.MonkeyPatch, confirm: bool) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    receipt = pay_by_card(office, caller.id, (incident.id,))
    work.start_work(office["engineer"], incident.id)
    dialog = open_dialog(qtbot, office["manager"], receipt.payment_id)
    asked: list[str] = []

    def answer(message: str) -> bool:
        asked.append(message)
        return confirm

    monkeypatch.setattr(dialog, "confirm_work_started", answer)
    qtbot.keyClicks(dialog.reason, "Out of remit")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert len(asked) == 1 and "Work has started on INC-000001" in asked[0]
    if confirm:
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert dialog.value is not None and dialog.value.number == "CN-000001"
        assert funding.funding_of(incident.id) is None
        # Work had started: the incident stays in progress, unfunded.
        assert t.Incident.get_by_id(incident.id).status == IncidentStatus.IN_PROGRESS
    else:
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert "Nothing was refunded" in dialog.message.text()
        assert t.CreditNote.select().count() == 0
        assert funding.funding_of(incident.id) is not None


def test_refunding_a_season_ticket_cancels_what_is_left_on_it(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    receipt = pay_by_card(office, caller.id, ticket_size=10)
    ticket_id = receipt.lines[0].ticket_id
    assert ticket_id is not None
    used = log_incident(office, caller.id, "Cannot print payslips")
    funding.fund_from_ticket(office["reception"], used.id)
    assert tickets.balance(ticket_id) == 9

    dialog = open_dialog(qtbot, office["manager"], receipt.payment_id)
    qtbot.keyClicks(dialog.reason, "Customer cancelled the ticket")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.value is not None
    assert tickets.balance(ticket_id) == 0
    info = tickets.ticket_info(ticket_id)
    assert info.state == "cancelled" and info.cancelled == 9
    last = t.TicketLedger.select().where(t.TicketLedger.ticket == ticket_id).order_by(
        t.TicketLedger.id.desc()).get()
    assert LedgerKind(last.kind) is LedgerKind.CANCELLATION and last.delta == -9
    # The incident the ticket already paid for stays funded.
    assert funding.funding_of(used.id) is not None


def test_a_void_covers_the_whole_payment(qtbot: Any, office: dict[str, Any],
                                         caller: customers.CustomerSummary) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    receipt = pay_by_card(office, caller.id, (incident.id,))
    dialog = open_dialog(qtbot, office["manager"], receipt.payment_id)
    assert dialog.void_radio.isEnabled()
    dialog.void_radio.setChecked(True)
    qtbot.keyClicks(dialog.reason, "Keyed twice")
    dialog.refund_button.click()
    assert dialog.value is not None
    assert dialog.value.kind_label == "Void"


def test_the_dialog_is_not_offered_to_others(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        shown_errors: ShownErrors) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    receipt = pay_by_card(office, caller.id, (incident.id,))

    assert RefundDialog.ask(None, office["reception"], receipt.payment_id) is None
    assert len(shown_errors.shown) == 1 and isinstance(shown_errors.shown[0], PermissionDenied)
    assert "Only managers may refund or void payments" in str(shown_errors.shown[0])
    # And the service refuses anyway, whoever opens the dialog.
    with pytest.raises(DomainError):
        payments.refund(office["engineer"], receipt.payment_id, reason="Trying")
    assert t.CreditNote.select().count() == 0


def used_ticket(office: dict[str, Any], caller_id: int, used: int
                ) -> tuple[payments.ReceiptInfo, int, list[changes.IncidentRef]]:
    """A season ticket of 3 bought by card, ``used`` incidents redeemed and worked on."""
    receipt = pay_by_card(office, caller_id, ticket_size=3)
    ticket_id = receipt.lines[0].ticket_id
    assert ticket_id is not None
    incidents = []
    for n in range(used):
        incident = log_incident(office, caller_id, f"Problem {n + 1}")
        funding.fund_from_ticket(office["reception"], incident.id)
        work.start_work(office["engineer"], incident.id)
        incidents.append(incident)
    return receipt, ticket_id, incidents


def test_a_used_ticket_offers_pro_rata_first_showing_both_amounts(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    receipt, ticket_id, used = used_ticket(office, caller.id, 2)
    dialog = open_dialog(qtbot, office["manager"], receipt.payment_id)

    assert dialog.ticket_choice.isVisible()
    assert dialog.pro_rata_radio.isChecked() and not dialog.full_radio.isChecked()
    assert "£78.00" in dialog.pro_rata_radio.text()
    assert "£234.00" in dialog.full_radio.text()
    assert "2 of 3" in dialog.ticket_facts.text()
    assert not dialog.full_reason.isEnabled()
    assert "£78.00" in dialog.total.text()
    qtbot.keyClicks(dialog.reason, "Customer closing down")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value is not None and dialog.value.gross_pence == 7_800
    assert tickets.ticket_info(ticket_id).state == "cancelled"
    assert all(funding.funding_of(i.id) is not None for i in used)  # used before the refund


def test_the_full_price_needs_a_reason_in_the_dialog(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    receipt, _, used = used_ticket(office, caller.id, 2)
    dialog = open_dialog(qtbot, office["manager"], receipt.payment_id)
    qtbot.keyClicks(dialog.reason, "Customer closing down")
    dialog.full_radio.setChecked(True)
    assert dialog.full_reason.isEnabled()
    assert "£234.00" in dialog.total.text()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "why the used incidents" in dialog.message.text()
    assert focused() is dialog.full_reason
    assert t.CreditNote.select().count() == 0

    qtbot.keyClicks(dialog.full_reason, "Our upgrade broke their payroll twice")
    qtbot.keyClick(dialog.full_reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value is not None and dialog.value.gross_pence == 23_400
    assert "Our upgrade broke their payroll twice" in dialog.value.reason
    assert all(funding.funding_of(i.id) is not None for i in used)


def test_an_unused_ticket_has_no_choice_to_make(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    receipt, _, _ = used_ticket(office, caller.id, 0)
    dialog = open_dialog(qtbot, office["manager"], receipt.payment_id)
    assert not dialog.ticket_choice.isVisible()
    assert "£234.00" in dialog.total.text()
