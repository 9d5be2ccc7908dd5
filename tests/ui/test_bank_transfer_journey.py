"""A caller on the phone pays by bank transfer before support, end to end in the window: the
call pops them up, the call is logged, Bank transfer chosen issues the payment request, the
request is e-mailed from its preview; then the money is recorded by hand and the incident
joins the queue with its receipt."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from synergy_desk.domain.enums import FundingKind, IncidentStatus, PaymentMethod
from synergy_desk.models import tables as t
from synergy_desk.services.money import payment_requests
from synergy_desk.services.people import customers
from synergy_desk.services.people.customers import CustomerInput
from synergy_desk.ui.main_window import MainWindow
from synergy_desk.ui.pdf_preview import PdfPreviewDialog
from tests.smtp_stub import smtp_stub
from tests.ui.test_payment_request_dialog import banked, request_pdf  # noqa: F401 - fixtures
from tests.ui.test_pop_up_caller import make_window, popped_dialog
from tests.ui.test_shortcuts_and_mnemonics import ModalCloser, press


def preview_titled(title: str) -> PdfPreviewDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, PdfPreviewDialog) and widget.isVisible() \
                and widget.windowTitle() == title:
            return widget
    return None


def answer(dialog: QDialog) -> None:
    """Reception's answers, as each dialog of the journey opens."""
    name = dialog.objectName()
    if name == "paymentDialog":
        method = dialog.method  # type: ignore[attr-defined]
        method.setCurrentIndex(method.findData(PaymentMethod.BANK_TRANSFER.value))
        assert dialog.take_button.text() == "&Issue a payment request…"  # type: ignore[attr-defined]
        dialog.take_button.click()  # type: ignore[attr-defined]
    elif name == "paymentRequestDialog":
        assert dialog.amount.text().startswith("£90.00")  # type: ignore[attr-defined]
        dialog.issue_button.click()  # type: ignore[attr-defined]
    elif name == "recordTransferDialog":
        info = payment_requests.request_info("PR-000001")
        # Typed as the bank's statement shows it: lower case, a space for the hyphen.
        dialog.search.setText(info.reference.lower().replace("-", " "))  # type: ignore[attr-defined]
        assert dialog.amount.text() == "90.00"  # type: ignore[attr-defined]
        dialog.bank_reference.setText("ODUYA JOINERY " + info.reference)  # type: ignore[attr-defined]
        dialog.record_button.click()  # type: ignore[attr-defined]


def test_from_a_caller_on_the_phone_to_a_request_e_mailed_then_the_money_and_the_queue(
        qtbot: Any, banked: dict[str, Any], prefs: Any,  # noqa: F811 - fixture
        request_pdf: None) -> None:  # noqa: F811 - fixture
    caller = customers.create_customer(banked["reception"], CustomerInput(
        name="Harriet Oduya", company="Oduya Joinery Ltd", phone="0113 496 0000",
        email="harriet@oduya.example", postcode="LS6 2AB", address="4 Mill Lane\nLeeds"))
    with smtp_stub() as (port, received, _refuse):
        t.OfficeSettings.update(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                                smtp_from="desk@synergy.example").execute()
        window: MainWindow = make_window(qtbot, banked["reception"], prefs)

        # The phone rings: the caller pops up in log-a-call; the call is logged with Enter.
        window.pop_up_caller("tel:+44 113 496 0000")
        dialog = popped_dialog(qtbot, window)
        assert dialog.customer_id == caller.id
        qtbot.keyClicks(dialog.subject, "Payroll will not post")
        qtbot.keyClick(dialog.subject, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window._call_dialog is None)
        incident = t.Incident.get(t.Incident.subject == "Payroll will not post")
        assert window.detail.incident_id == incident.id

        # Take payment… (Ctrl+Shift+Y): Bank transfer, which issues the payment request.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        closer = ModalCloser(answer)
        press(qtbot, window, "Ctrl+Shift+Y")
        assert closer.opened[:2] == ["paymentDialog", "paymentRequestDialog"]
        info = payment_requests.request_info("PR-000001")
        assert info.incident_ids == (incident.id,) and info.gross_pence == 9000
        assert t.Payment.select().count() == 0  # no money taken: none has arrived
        qtbot.waitUntil(lambda: "Awaiting transfer PR-000001 (£90.00, due "
                        in window.detail.heading.text(), timeout=10_000)

        # The request opens in the preview and is e-mailed from it to the caller.
        qtbot.waitUntil(lambda: preview_titled("Payment request PR-000001") is not None,
                        timeout=20_000)
        preview = preview_titled("Payment request PR-000001")
        assert preview is not None
        preview.email_button.click()
        assert preview.email_to.text() == "harriet@oduya.example"
        with qtbot.waitSignal(preview.emailed, timeout=30_000):
            qtbot.keyClick(preview.email_to, Qt.Key.Key_Return)
        [message] = received.messages
        assert received.rcpt_to == ["harriet@oduya.example"]
        attachments = [part.get_filename() for part in message.iter_attachments()]
        assert attachments == ["PR-000001.pdf"]
        preview.close()

    # Days later the money is in the bank: recorded by hand (Ctrl+G), found by its reference.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    press(qtbot, window, "Ctrl+G")
    closer.stop()
    assert "recordTransferDialog" in closer.opened
    row = t.Incident.get_by_id(incident.id)
    assert row.funding == FundingKind.PAYMENT
    assert IncidentStatus(row.status) is IncidentStatus.QUEUED
    paid = payment_requests.request_info("PR-000001")
    assert paid.state == payment_requests.PAID and paid.receipt_number == "R-000001"
    assert window.statusBar().currentMessage() == (
        "Receipt R-000001 issued; INC-000001 is now in the queue.")
    qtbot.waitUntil(lambda: preview_titled("Receipt R-000001") is not None, timeout=20_000)
    receipt = preview_titled("Receipt R-000001")
    assert receipt is not None
    text = receipt.document.getAllText(0).text()
    assert "R-000001" in text and "Bank transfer" in text
    receipt.close()
    assert window.background.wait(20_000)
