"""The PDF preview: shown in the app, printed through QPrinter, saved, e-mailed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter

from synergy_desk.domain.enums import PaymentMethod
from synergy_desk.models import tables as t
from synergy_desk.services.incidents import intake
from synergy_desk.services.money import payments
from synergy_desk.services.people import customers
from synergy_desk.services.reporting import receipt_documents
from synergy_desk.ui.pdf_preview import (
    PdfPreviewDialog,
    PrintError,
    paint_pdf,
    pdf_printer,
    print_pdf_to_file,
)
from synergy_desk.ui.worker import Background
from tests.smtp_stub import smtp_stub


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def receipt(office: dict[str, Any]) -> payments.ReceiptInfo:
    reception = office["reception"]
    customer = customers.create_customer(reception, customers.CustomerInput(
        name="Harriet Oduya", company="Oduya Joinery Ltd", phone="01632 960123",
        email="harriet@oduya.example", postcode="LS6 2AB", address="4 Mill Lane\nLeeds"))
    ref = intake.log_call(reception, intake.LogCallInput(
        customer_id=customer.id, product_id=office["product"].id,
        subject="Cannot print payslips", text="Rang in."))
    return payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer.id, incident_ids=(ref.id,), method=PaymentMethod.CARD,
        card_brand="Visa", card_last4="4242", auth_code="AB1234"))


def open_preview(qtbot: Any, background: Background, number: str) -> PdfPreviewDialog:
    doc = receipt_documents.document_for_number(number, copy=False)
    dialog = PdfPreviewDialog(None, doc.pdf, title=doc.title, filename=doc.filename,
                              background=background, email_to=doc.email_to,
                              email_subject=doc.email_subject, email_body=doc.email_body)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_the_preview_shows_the_pdf_in_the_app(qtbot: Any, receipt: payments.ReceiptInfo,
                                              background: Background) -> None:
    dialog = open_preview(qtbot, background, receipt.number)
    assert dialog.objectName() == "pdfPreview"
    assert dialog.windowTitle() == "Receipt R-000001"
    assert dialog.findChild(QPdfView, "pdfView") is dialog.view
    assert dialog.document.pageCount() == 1
    assert "R-000001" in dialog.document.getAllText(0).text()
    assert dialog.page_label.text() == "1 page"


def test_printing_goes_through_qprinter_to_a_pdf_file_with_the_receipts_text(
        qtbot: Any, receipt: payments.ReceiptInfo, background: Background, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = open_preview(qtbot, background, receipt.number)
    out = tmp_path / "printed.pdf"
    chosen: list[QPrinter] = []

    def choose_printer() -> QPrinter:
        printer = pdf_printer(out)
        chosen.append(printer)
        return printer

    monkeypatch.setattr(dialog, "choose_printer", choose_printer)
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as printed:
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed.args == [1]
    assert chosen and chosen[0].outputFormat() == QPrinter.OutputFormat.PdfFormat
    assert "Sent 1 page to the printer." in dialog.status.text()

    text = pdf_text(out.read_bytes())
    assert "R-000001" in text
    assert "Cannot print payslips" in text
    assert "£90.00" in text and "£15.00" in text
    assert "Visa •••• 4242, auth AB1234" in text
    assert "GB123456789" in text
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == 1


def test_print_pdf_to_file_prints_every_page(qtbot: Any, receipt: payments.ReceiptInfo,
                                             tmp_path: Path) -> None:
    pdf = receipt_documents.receipt_pdf(receipt.number, copy=True)
    out = tmp_path / "copy.pdf"

    assert print_pdf_to_file(pdf, out) == 1

    text = pdf_text(out.read_bytes())
    assert "COPY" in text and "Total incl. VAT £90.00" in text


def test_a_page_range_outside_the_document_is_refused(qtbot: Any, receipt: payments.ReceiptInfo,
                                                      tmp_path: Path) -> None:
    printer = pdf_printer(tmp_path / "none.pdf")
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(3, 4)
    with pytest.raises(PrintError, match="no pages"):
        paint_pdf(printer, receipt_documents.receipt_pdf(receipt.number, copy=True))


def test_something_that_is_not_a_pdf_is_refused_for_printing(qtbot: Any, office: Any,
                                                             tmp_path: Path) -> None:
    with pytest.raises(PrintError, match="could not be read"):
        print_pdf_to_file(b"not a pdf at all", tmp_path / "x.pdf")


def test_save_as_pdf_writes_the_bytes(qtbot: Any, receipt: payments.ReceiptInfo,
                                      background: Background, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = open_preview(qtbot, background, receipt.number)
    monkeypatch.setattr(dialog, "choose_save_path", lambda: str(tmp_path / "receipt"))
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args == [str(tmp_path / "receipt.pdf")]
    assert (tmp_path / "receipt.pdf").read_bytes() == dialog.pdf
    assert dialog.pdf == receipt_documents.receipt_pdf(receipt.number, copy=False)


def test_saving_into_a_missing_folder_says_why_and_writes_nothing(
        qtbot: Any, receipt: payments.ReceiptInfo, background: Background,
        tmp_path: Path) -> None:
    dialog = open_preview(qtbot, background, receipt.number)
    assert dialog.save_to(tmp_path / "no such folder" / "r.pdf") is False
    assert "Could not save" in dialog.status.text()
    assert not (tmp_path / "no such folder").exists()


def test_email_is_offered_only_when_a_mail_server_is_set(
        qtbot: Any, receipt: payments.ReceiptInfo, background: Background) -> None:
    dialog = open_preview(qtbot, background, receipt.number)
    assert not dialog.email_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.email_bar.isVisible()


def test_email_sends_the_pdf_to_the_customer(
        qtbot: Any, receipt: payments.ReceiptInfo, background: Background) -> None:
    with smtp_stub() as (port, received, _refuse):
        t.OfficeSettings.update(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                                smtp_from="desk@synergy.example").execute()
        dialog = open_preview(qtbot, background, receipt.number)
        assert dialog.email_button.isEnabled()
        qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert dialog.email_bar.isVisible()
        assert dialog.email_to.text() == "harriet@oduya.example"
        with qtbot.waitSignal(dialog.emailed, timeout=30_000):
            qtbot.keyClick(dialog.email_to, Qt.Key.Key_Return)
        assert "E-mailed to harriet@oduya.example" in dialog.status.text()
    [message] = received.messages
    assert message["Subject"] == "Receipt R-000001 from Synergy Support Ltd"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "R-000001.pdf"
    assert attachment.get_content() == dialog.pdf


def test_a_bad_address_is_told_in_the_preview(
        qtbot: Any, receipt: payments.ReceiptInfo, background: Background) -> None:
    t.OfficeSettings.update(smtp_host="127.0.0.1", smtp_from="desk@synergy.example").execute()
    dialog = open_preview(qtbot, background, receipt.number)
    dialog.email_button.click()
    dialog.email_to.selectAll()
    qtbot.keyClicks(dialog.email_to, "harriet at oduya")
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failed:
        qtbot.keyClick(dialog.email_to, Qt.Key.Key_Return)
    assert "not an e-mail address" in failed.args[0]
    assert dialog.email_bar.isVisible()
