"""A caller on the phone pays by bank transfer before support, end to end in the window: the
call pops them up, the call is logged, Bank transfer chosen issues the payment request, the
request is e-mailed from its preview; then the bank's statement is imported, its line is
matched to the request by the reference, and the incident joins the queue with its receipt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from synergy_desk.domain.enums import FundingKind, IncidentStatus, PaymentMethod
from synergy_desk.models import tables as t
from synergy_desk.services.money import payment_requests, payments
from synergy_desk.services.office.office_time import office_date
from synergy_desk.services.office.office_time import office_today as today
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
    elif name == "statementImportDialog":
        dialog.ask_open_path = lambda: STATEMENT[0]  # type: ignore[attr-defined]
        dialog.choose_button.click()  # type: ignore[attr-defined]
        table = dialog.table  # type: ignore[attr-defined]
        assert table.rowCount() == 2  # the customer's transfer, and a card payment out
        assert dialog.record_button.text() == "&Record 1 transfer"  # type: ignore[attr-defined]
        dialog.record_button.click()  # type: ignore[attr-defined]
        assert dialog.summary.text().startswith(  # type: ignore[attr-defined]
            "Recorded 1 transfer. Receipts issued: R-000001.")
        dialog.accept()


#: The bank's statement, as the test writes it (the file's path, once written).
STATEMENT: list[str] = []


def test_from_a_caller_on_the_phone_to_a_request_e_mailed_then_the_statement_and_the_queue(
        qtbot: Any, banked: dict[str, Any], prefs: Any,  # noqa: F811 - fixture
        request_pdf: None, tmp_path: Path) -> None:  # noqa: F811 - fixture
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

    # The money is in the bank: the bank's statement (a Barclays export: the payer's
    # reference as they typed it, lower case and spaced) is imported with Ctrl+I.
    statement = tmp_path / "statement.csv"
    statement.write_text(
        "Number,Date,Account,Amount,Subcategory,Memo\n"
        f",{today():%d/%m/%Y},20-00-00 55779911,90.00,Bank Credit,"
        f"ODUYA JOINERY {info.reference.lower().replace('-', ' ')}\n"
        f",{today():%d/%m/%Y},20-00-00 55779911,-12.50,Debit Card,STAPLES 4021\n")
    STATEMENT[:] = [str(statement)]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    press(qtbot, window, "Ctrl+I")
    closer.stop()
    assert "statementImportDialog" in closer.opened
    row = t.Incident.get_by_id(incident.id)
    assert row.funding == FundingKind.PAYMENT
    assert IncidentStatus(row.status) is IncidentStatus.QUEUED
    paid = payment_requests.request_info("PR-000001")
    assert paid.state == payment_requests.PAID and paid.receipt_number == "R-000001"
    assert [tr.from_statement for tr in paid.transfers] == [True]
    # The incident shows its receipt, and the receipt says how it was paid.
    window.detail.show_incident(incident.id)
    qtbot.waitUntil(lambda: "Receipt R-000001" in window.detail.heading.text(),
                    timeout=10_000)
    receipt = payments.receipt_info("R-000001")
    assert receipt.method is PaymentMethod.BANK_TRANSFER and receipt.gross_pence == 9000
    assert office_date(receipt.taken_at) == today()
    assert window.background.wait(20_000)
