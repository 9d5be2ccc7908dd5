"""The window's money flows: payment then receipt preview, ticket redemption, refunds, statements."""

from __future__ import annotations

from typing import Any

import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from synergy_desk.domain.enums import FundingKind, PaymentMethod
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import changes, intake
from synergy_desk.services.money import credit_notes, funding, payments
from synergy_desk.services.people import customers
from synergy_desk.ui import receipts
from synergy_desk.ui.dialogs.payment import PaymentDialog
from synergy_desk.ui.dialogs.refund import RefundDialog
from synergy_desk.ui.pdf_preview import PdfPreviewDialog
from synergy_desk.ui.worker import Background
from tests.ui.conftest import InlineBackground, ShownErrors


def log_incident(office: dict[str, Any], customer_id: int, subject: str) -> changes.IncidentRef:
    return intake.log_call(office["reception"], intake.LogCallInput(
        customer_id=customer_id, product_id=office["product"].id, subject=subject,
        text="Customer rang about it."))


def wait_for_preview(qtbot: Any, shown: list[QWidget]) -> PdfPreviewDialog:
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    dialog = shown[0]
    assert isinstance(dialog, PdfPreviewDialog)
    qtbot.addWidget(dialog)
    return dialog


def test_take_payment_flow_opens_the_receipt_in_the_preview(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        window: QWidget, background: Background, monkeypatch: pytest.MonkeyPatch) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    asked: list[tuple[int, tuple[int, ...], bool]] = []

    def fake_ask(parent: QWidget | None, actor: Actor, customer_id: int,
                 incident_ids: tuple[int, ...] = (), offer_ticket: bool = False
                 ) -> payments.ReceiptInfo:
        asked.append((customer_id, tuple(incident_ids), offer_ticket))
        return payments.take_payment(actor, payments.PaymentInput(
            customer_id=customer_id, incident_ids=tuple(incident_ids),
            method=PaymentMethod.CASH, tendered_pence=10000))

    monkeypatch.setattr(PaymentDialog, "ask", staticmethod(fake_ask))
    shown: list[QWidget] = []
    receipt = receipts.take_payment_flow(window, office["reception"], background, caller.id,
                                         [incident.id], on_shown=shown.append)

    assert asked == [(caller.id, (incident.id,), False)]
    assert receipt is not None and receipt.number == "R-000001"
    preview = wait_for_preview(qtbot, shown)
    assert preview.windowTitle() == "Receipt R-000001"  # the original, not a copy
    assert preview.filename == "R-000001.pdf"
    assert not preview.isModal()
    assert "R-000001" in preview.document.getAllText(0).text()
    assert "COPY" not in preview.document.getAllText(0).text()


def test_a_cancelled_payment_opens_nothing(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        window: QWidget, background: Background, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PaymentDialog, "ask", staticmethod(lambda *a, **k: None))
    shown: list[QWidget] = []
    assert receipts.take_payment_flow(window, office["reception"], background, caller.id,
                                      on_shown=shown.append) is None
    assert background.wait(5000)
    QApplication.processEvents()
    assert shown == []


def test_show_receipt_reprints_a_receipt_marked_copy(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        window: QWidget, background: Background) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=caller.id, incident_ids=(incident.id,), method=PaymentMethod.CASH,
        tendered_pence=9000))
    shown: list[QWidget] = []
    receipts.show_receipt(window, background, "R-000001", copy=True, on_shown=shown.append)
    preview = wait_for_preview(qtbot, shown)
    assert preview.windowTitle() == "Receipt R-000001 (copy)"
    assert "COPY" in preview.document.getAllText(0).text()


def test_an_unknown_receipt_number_is_told_not_shown(
        qtbot: Any, office: dict[str, Any], window: QWidget, background: Background,
        shown_errors: ShownErrors) -> None:
    shown: list[QWidget] = []
    receipts.show_receipt(window, background, "R-000042", on_shown=shown.append)
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=20_000)
    assert "There is no receipt R-000042" in str(shown_errors.messages[0])
    assert shown == []


def test_a_document_is_dropped_when_its_window_has_gone(
        office: dict[str, Any], caller: customers.CustomerSummary,
        inline_background: InlineBackground, shown_errors: ShownErrors) -> None:
    payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=caller.id, ticket_size=1, method=PaymentMethod.CASH, tendered_pence=9000))
    gone = QWidget()
    shown: list[QWidget] = []

    def make() -> Any:
        from synergy_desk.services.reporting import receipt_documents

        shiboken6.delete(gone)  # the window closes while the document is being made
        return receipt_documents.document_for_number("R-000001", copy=True)

    receipts.show_document(gone, inline_background, make, on_shown=shown.append)
    assert inline_background.jobs == 1 and shown == [] and shown_errors.shown == []


def test_redeem_ticket_flow_says_how_much_is_left(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        window: QWidget) -> None:
    payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=caller.id, ticket_size=3, method=PaymentMethod.CASH, tendered_pence=30000))
    incident = log_incident(office, caller.id, "Cannot print payslips")

    use = receipts.redeem_ticket_flow(window, office["reception"], incident.id)

    assert use is not None and (use.used, use.size, use.left) == (1, 3, 2)
    info = funding.funding_of(incident.id)
    assert info is not None and info.kind is FundingKind.TICKET
    box = window.findChild(QMessageBox, "ticketRedeemedMessage")
    assert box is not None and box.isVisible()
    text = box.text()
    assert text.startswith(f"{incident.reference} is funded from season ticket {use.ticket_id}: "
                           "incident 1 of 3 used, 2 left, expires ")
    assert "Only 2 left: offer a new season ticket." in text
    assert funding.entitlement(caller.id).tickets_balance == 2
    box.close()


def test_redeem_ticket_flow_without_a_ticket_is_refused(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        window: QWidget, shown_errors: ShownErrors) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    assert receipts.redeem_ticket_flow(window, office["reception"], incident.id) is None
    assert "no live season ticket" in str(shown_errors.messages[0])
    assert funding.funding_of(incident.id) is None


def test_refund_flow_shows_the_credit_note(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        window: QWidget, background: Background, monkeypatch: pytest.MonkeyPatch) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    receipt = payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=caller.id, incident_ids=(incident.id,), method=PaymentMethod.CASH,
        tendered_pence=9000))

    def fake_ask(parent: QWidget | None, actor: Actor, payment_id: int
                 ) -> credit_notes.CreditNoteInfo:
        return payments.refund(actor, payment_id, reason="Out of remit")

    monkeypatch.setattr(RefundDialog, "ask", staticmethod(fake_ask))
    shown: list[QWidget] = []
    note = receipts.refund_flow(window, office["manager"], background, receipt.payment_id,
                                on_shown=shown.append)
    assert note is not None and note.number == "CN-000001"
    preview = wait_for_preview(qtbot, shown)
    assert preview.windowTitle() == "Credit note CN-000001"
    assert "Credit note CN-000001" in preview.document.getAllText(0).text()


def test_ticket_statement_flow_shows_the_statement(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        window: QWidget, background: Background) -> None:
    payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=caller.id, ticket_size=10, method=PaymentMethod.CASH,
        tendered_pence=100000))
    shown: list[QWidget] = []
    receipts.ticket_statement_flow(window, background, caller.id, on_shown=shown.append)
    preview = wait_for_preview(qtbot, shown)
    assert preview.windowTitle() == "Season-ticket statement — Harriet Oduya"
    assert "Season-ticket statement" in preview.document.getAllText(0).text()


def test_a_preview_without_a_parent_window_stays_open_until_closed(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        background: Background) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=caller.id, incident_ids=(incident.id,), method=PaymentMethod.CASH,
        tendered_pence=9000))

    def open_previews() -> list[PdfPreviewDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, PdfPreviewDialog) and w.isVisible()]

    receipts.show_receipt(None, background, "R-000001")  # nobody keeps the dialog
    qtbot.waitUntil(lambda: len(open_previews()) == 1, timeout=20_000)
    QApplication.processEvents()
    [preview] = open_previews()
    assert preview.windowTitle() == "Receipt R-000001 (copy)"
    preview.close()
    qtbot.waitUntil(lambda: open_previews() == [], timeout=5000)


def test_a_receipt_e_mailed_from_its_preview_goes_through_the_outbox_onto_the_timeline(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        window: QWidget, background: Background, smtp_sink: Any) -> None:
    from PySide6.QtCore import Qt

    from synergy_desk.models import tables as t

    t.OfficeSettings.update(smtp_host=smtp_sink.host, smtp_port=smtp_sink.port,
                            smtp_starttls=False, smtp_from="desk@synergy.example").execute()
    incident = log_incident(office, caller.id, "Cannot print payslips")
    payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=caller.id, incident_ids=(incident.id,), method=PaymentMethod.CASH,
        tendered_pence=9000))
    shown: list[QWidget] = []
    receipts.show_receipt(window, background, "R-000001", copy=False, on_shown=shown.append)
    preview = wait_for_preview(qtbot, shown)
    preview.email_button.click()
    preview.email_to.setText("accounts@example.com")
    with qtbot.waitSignal(preview.emailed, timeout=30_000):
        qtbot.keyClick(preview.email_to, Qt.Key.Key_Return)
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "accounts@example.com"
    (row,) = t.EmailMessage.select().where(t.EmailMessage.direction == "out")
    assert (row.state, row.incident_id) == ("sent", incident.id)
    (link,) = t.EmailLink.select().where(t.EmailLink.message == row.id)
    assert t.TimelineEntry.get_by_id(link.entry_id).kind == "email_out"
