"""The till, driven from the keyboard as reception would: tick, Tab, type, Enter."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from synergy_desk.domain.cards import contains_card_number
from synergy_desk.domain.enums import FundingKind, IncidentStatus, PaymentMethod
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import changes, intake
from synergy_desk.services.money import funding, payments
from synergy_desk.services.people import customers
from synergy_desk.services.reporting import receipt_documents
from synergy_desk.ui.dialogs.payment import PaymentDialog

PAN = "4111 1111 1111 1111"


def log_incident(office: dict[str, Any], customer_id: int, subject: str) -> changes.IncidentRef:
    return intake.log_call(office["reception"], intake.LogCallInput(
        customer_id=customer_id, product_id=office["product"].id, subject=subject,
        text="Customer rang about it."))


def open_dialog(qtbot: Any, actor: Actor, customer_id: int, incident_ids: tuple[int, ...] = (),
                offer_ticket: bool = False) -> PaymentDialog:
    dialog = PaymentDialog(None, actor, customer_id, incident_ids, offer_ticket)
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


def press(qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    """A key pressed where the keyboard focus is, as a person would press it."""
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot: Any, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def money_rows() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in (
        t.Payment, t.PaymentLine, t.IncidentFunding, t.AuditLog)}


def test_card_payment_for_two_incidents_from_the_keyboard(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    first = log_incident(office, caller.id, "Cannot print payslips")
    second = log_incident(office, caller.id, "Error 1603 installing the update")
    dialog = open_dialog(qtbot, office["reception"], caller.id, (first.id,))
    assert dialog.objectName() == "paymentDialog"
    # The incident asked for is ticked; the cashier starts on the payment method.
    assert focused() is dialog.method
    assert dialog.total_label.text() == "£90.00"

    # Back to the lines, down to the second incident, Space ticks it.
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is dialog.ticket_check
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is dialog.lines
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.chosen_incident_ids() == (first.id, second.id)
    assert dialog.total_label.text() == "£180.00"
    assert (dialog.net_label.text(), dialog.vat_label.text()) == ("£150.00", "£30.00")

    # Tab past the season ticket to the method; Down chooses Card.
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.method
    press(qtbot, Qt.Key.Key_Down)
    assert dialog.method.currentData() == PaymentMethod.CARD.value
    # A card payment is for the total: the amount is shown, and Tab goes past it.
    assert dialog.amount.text() == "£180.00" and dialog.amount.isReadOnly()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.card_brand
    type_text(qtbot, "Visa")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.card_last4
    type_text(qtbot, "4242")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.reference
    type_text(qtbot, "AB12CD")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.full_invoice
    press(qtbot, Qt.Key.Key_Space)  # the customer asks for a full VAT invoice
    assert dialog.full_invoice.isChecked()
    press(qtbot, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    receipt = dialog.value
    assert receipt is not None and receipt.number == "R-000001"
    assert receipt.card_last4 == "4242" and receipt.auth_code == "AB12CD"
    for ref in (first, second):
        info = funding.funding_of(ref.id)
        assert info is not None and info.kind is FundingKind.PAYMENT
        assert info.receipt_number == "R-000001"
        assert t.Incident.get_by_id(ref.id).status == IncidentStatus.QUEUED

    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))
    assert "VAT invoice R-000001" in text
    assert "VAT reg. no. GB123456789" in text
    per_line = "Per-incident support charge £75.00 20% £15.00 £90.00"
    assert f"{first.reference} — Cannot print payslips {per_line}" in text
    assert f"{second.reference} — Error 1603 installing the update {per_line}" in text
    assert "Total net £150.00" in text
    assert "Total VAT £30.00" in text
    assert "Total incl. VAT £180.00" in text
    assert "Paid by Card — Visa •••• 4242, auth AB12CD" in text


def test_a_full_card_number_typed_in_the_reference_is_refused_and_nothing_stored(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    before = money_rows()
    dialog = open_dialog(qtbot, office["reception"], caller.id, (incident.id,))
    press(qtbot, Qt.Key.Key_Down)  # Card
    dialog.card_brand.setFocus()
    type_text(qtbot, "Visa")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "1111")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.reference
    type_text(qtbot, PAN)

    # Refused on the spot: wiped from the field (and its undo history), with a clear message.
    assert not contains_card_number(dialog.reference.text())
    assert "1111 1111 1111" not in dialog.reference.text()
    assert not dialog.reference.isUndoAvailable() or not contains_card_number(
        _undone(dialog.reference))
    assert "full card number" in dialog.message.text()
    assert "never stored" in dialog.message.text()

    press(qtbot, Qt.Key.Key_Return)  # nothing is taken on what is left of the number
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert money_rows() == before
    assert t.Incident.get_by_id(incident.id).funding == FundingKind.NONE
    assert focused() is dialog.reference and dialog.reference.selectedText() == \
        dialog.reference.text()

    # The cashier types the authorisation code over what is left, and the payment goes.
    type_text(qtbot, "XY9876")
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value is not None and dialog.value.auth_code == "XY9876"
    payment = t.Payment.get()
    stored = " ".join(str(v) for v in payment.__data__.values())
    audit = " ".join(row.after for row in t.AuditLog.select())
    for text in (stored, audit):
        assert "4111111111111111" not in text and PAN not in text


def _undone(field: Any) -> str:
    field.undo()
    return str(field.text())


def test_cash_shows_the_change_to_give_and_refuses_too_little(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    dialog = open_dialog(qtbot, office["reception"], caller.id, (incident.id,))
    assert dialog.method.currentData() == PaymentMethod.CASH.value
    assert dialog.amount.text() == "90.00"
    assert dialog.change.text() == "Change to give: £0.00"
    width = dialog.minimumSizeHint().width()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.amount
    dialog.amount.selectAll()
    type_text(qtbot, "50")
    assert dialog.change.text() == "Short by £40.00"
    press(qtbot, Qt.Key.Key_Return)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "less than the total" in dialog.message.text()
    assert t.Payment.select().count() == 0

    dialog.amount.selectAll()
    type_text(qtbot, "£100")
    assert dialog.change.text() == "Change to give: £10.00"
    dialog.amount.selectAll()
    type_text(qtbot, "75.005")
    assert "two decimal places" in dialog.change.text()
    dialog.amount.selectAll()
    type_text(qtbot, "8O")  # a tired O for a nought
    assert "is not an amount of money" in dialog.change.text()
    QApplication.processEvents()  # the layout settles
    assert dialog.minimumSizeHint().width() <= width  # it wraps; the dialog is no wider
    assert dialog.width() <= width
    dialog.amount.selectAll()
    type_text(qtbot, "100.00")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value is not None
    assert (dialog.value.tendered_pence, dialog.value.change_pence) == (10000, 1000)


def test_a_new_season_ticket_above_250_pounds_forces_a_full_invoice(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    dialog = open_dialog(qtbot, office["reception"], caller.id, offer_ticket=True)
    assert dialog.ticket_check.isChecked()
    assert dialog.total_label.text() == "£780.00"  # 10 × £65 + 20% VAT
    assert dialog.full_invoice.isChecked() and not dialog.full_invoice.isEnabled()
    assert "required above £250.00" in dialog.full_invoice.text()

    # A smaller ticket falls under £250: the choice is the cashier's again.
    dialog.ticket_size.setFocus()
    dialog.ticket_size.selectAll()
    type_text(qtbot, "3")
    assert dialog.total_label.text() == "£234.00"
    assert dialog.full_invoice.isEnabled() and not dialog.full_invoice.isChecked()
    ticket_line = dialog.lines.topLevelItem(dialog.lines.topLevelItemCount() - 1)
    assert ticket_line.text(0) == "Season ticket, 3 incidents, valid 365 days"
    assert ticket_line.text(3) == "£234.00"

    dialog.amount.setFocus()
    dialog.amount.selectAll()
    type_text(qtbot, "240")
    press(qtbot, Qt.Key.Key_Return)
    receipt = dialog.value
    assert receipt is not None
    [line] = receipt.lines
    assert line.ticket_size == 3 and receipt.full_invoice is False
    assert funding.entitlement(caller.id).tickets_balance == 3


def test_unticking_everything_disables_taking_payment(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    dialog = open_dialog(qtbot, office["reception"], caller.id, (incident.id,))
    dialog.lines.setFocus()
    dialog.lines.setCurrentItem(dialog.lines.topLevelItem(0))
    press(qtbot, Qt.Key.Key_Space)
    assert dialog.chosen_incident_ids() == ()
    assert dialog.total_label.text() == "£0.00"
    assert not dialog.take_button.isEnabled()
    assert "Tick the incidents" in dialog.message.text()
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert t.Payment.select().count() == 0


def test_only_the_customers_unfunded_open_incidents_are_offered(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    unpaid = log_incident(office, caller.id, "Cannot print payslips")
    paid = log_incident(office, caller.id, "Bank feed stopped")
    payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=caller.id, incident_ids=(paid.id,), method=PaymentMethod.CASH,
        tendered_pence=9000))
    dialog = open_dialog(qtbot, office["reception"], caller.id, (unpaid.id, paid.id))
    listed = [dialog.lines.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
              for i in range(dialog.lines.topLevelItemCount())]
    assert listed == [unpaid.id]
    assert "An incident asked for is already funded" in dialog.message.text()


def test_ask_returns_none_when_cancelled(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        monkeypatch: pytest.MonkeyPatch) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    monkeypatch.setattr(PaymentDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert PaymentDialog.ask(None, office["reception"], caller.id, (incident.id,)) is None
    assert t.Payment.select().count() == 0
