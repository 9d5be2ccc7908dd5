"""The window's money flows: take a payment, redeem a ticket, show, reprint and refund receipts,
ask for a bank transfer with a payment request and record the transfer when it arrives.

Each flow is one call for a button or shortcut. Documents are rendered on the background
helper's PDF thread and open, when ready, in a preview that does not block the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from synergy_desk.services.common import Actor
from synergy_desk.services.money import funding
from synergy_desk.services.money.credit_notes import CreditNoteInfo
from synergy_desk.services.money.funding import TicketUse
from synergy_desk.services.money.payment_requests import RequestInfo, TransferResult
from synergy_desk.services.money.payments import ReceiptInfo
from synergy_desk.services.reporting.receipt_documents import RenderedDocument
from synergy_desk.ui.operations import Op, call
from synergy_desk.ui.worker import Background

log = logging.getLogger(__name__)

__all__ = ["record_transfer_flow", "redeem_ticket_flow", "refund_flow", "request_document",
           "request_payment_flow",
           "send_request", "show_document", "show_payment_request", "show_receipt",
           "take_payment_flow", "ticket_statement_flow"]

#: Reception is nudged to offer a new ticket when this many incidents or fewer are left.
NUDGE_AT = funding.NUDGE_AT


def show_document(parent: QWidget | None, background: Background,
                  make: Callable[[], RenderedDocument],
                  on_shown: Callable[[QWidget], None] | None = None) -> None:
    """Render a document on the PDF thread, then open it in the preview (without blocking).

    ``on_shown`` is called with the preview once it is open; nothing opens when ``parent``
    has gone meanwhile.
    """

    def done(result: RenderedDocument) -> None:
        from synergy_desk.services.reporting import receipt_documents
        from synergy_desk.ui.pdf_preview import PdfPreviewDialog

        # E-mailed through the outbox: logged on the incidents it concerns, kept if it fails.
        dialog = PdfPreviewDialog.open_document(
            parent, background, result.pdf, title=result.title, filename=result.filename,
            email_to=result.email_to, email_subject=result.email_subject,
            email_body=result.email_body,
            send=lambda to: receipt_documents.send_document(None, result, to))
        if on_shown is not None:
            on_shown(dialog)

    Op(parent, background, make).success(done).run(pdf=True)


def show_receipt(parent: QWidget | None, background: Background, number: str,
                 copy: bool = True, on_shown: Callable[[QWidget], None] | None = None) -> None:
    """Open a receipt ("R-000012") or credit note ("CN-000003") in the preview.

    ``copy`` marks a reprint (printed COPY); the receipt just taken is the original.
    """
    from synergy_desk.services.reporting import receipt_documents

    show_document(parent, background,
                  lambda: receipt_documents.document_for_number(number, copy=copy), on_shown)


def take_payment_flow(parent: QWidget | None, actor: Actor, background: Background,
                      customer_id: int, incident_ids: Sequence[int] = (), *,
                      offer_ticket: bool = False,
                      on_shown: Callable[[QWidget], None] | None = None
                      ) -> ReceiptInfo | RequestInfo | None:
    """The payment dialog, then its receipt in the preview; the receipt, or None if cancelled.

    Bank transfer chosen in it asks for the money instead: the payment request's dialog for
    the same incidents and season ticket, then the request in the preview; the request issued.
    """
    from synergy_desk.ui.dialogs.payment import PaymentDialog
    from synergy_desk.ui.dialogs.payment_request import RequestAsked

    # The dialog reads the customer: it may have been removed meanwhile.
    receipt = call(parent, PaymentDialog.ask, parent, actor, customer_id, tuple(incident_ids),
                   offer_ticket)
    if receipt is None:
        return None
    if isinstance(receipt, RequestAsked):
        return request_payment_flow(parent, actor, background, receipt.customer_id,
                                    receipt.incident_ids, ticket_size=receipt.ticket_size,
                                    ticket_validity_days=receipt.ticket_validity_days,
                                    on_shown=on_shown)
    show_receipt(parent, background, receipt.number, copy=False, on_shown=on_shown)
    return receipt


def request_document(number_or_id: str | int, *, reminder: bool = False) -> RenderedDocument:
    """A payment request's PDF (or its reminder) with what the preview needs to e-mail it."""
    from synergy_desk.services.reporting import request_documents

    return request_documents.request_document(number_or_id, reminder=reminder)


def send_request(actor: Actor, request_id: int, *, reminder: bool = False) -> str:
    """E-mail a payment request (or a reminder) to the customer; the address it went to."""
    from synergy_desk.services.reporting import request_documents

    return str(request_documents.send_request(actor, request_id, reminder=reminder))


def show_payment_request(parent: QWidget | None, background: Background,
                         number_or_id: str | int, *, reminder: bool = False,
                         on_shown: Callable[[QWidget], None] | None = None) -> None:
    """Open a payment request ("PR-000001" or its id) in the preview, to print or e-mail."""
    show_document(parent, background,
                  lambda: request_document(number_or_id, reminder=reminder), on_shown)


def request_payment_flow(parent: QWidget | None, actor: Actor, background: Background,
                         customer_id: int, incident_ids: Sequence[int] = (), *,
                         ticket_size: int | None = None,
                         ticket_validity_days: int | None = None,
                         on_shown: Callable[[QWidget], None] | None = None
                         ) -> RequestInfo | None:
    """The payment request's dialog, then the request in the preview (which prints, saves and
    e-mails it); the request issued, or None if cancelled."""
    from synergy_desk.ui.dialogs.payment_request import PaymentRequestDialog

    info = call(parent, PaymentRequestDialog.ask, parent, actor, customer_id,
                tuple(incident_ids), ticket_size, ticket_validity_days)
    if info is None:
        return None
    show_payment_request(parent, background, info.request_id, on_shown=on_shown)
    return info


def redeem_ticket_text(use: TicketUse) -> str:
    """What the desk tells the caller: which ticket paid and what is left on it."""
    text = (f"{use.incident_reference} is funded from season ticket {use.ticket_id}: "
            f"{use.text}.")
    if use.left == 0:
        text += " That was the last incident on this ticket: offer a new season ticket."
    elif use.left <= NUDGE_AT:
        text += f" Only {use.left} left: offer a new season ticket."
    return text


def redeem_ticket_flow(parent: QWidget | None, actor: Actor, incident_id: int
                       ) -> TicketUse | None:
    """Fund an incident from the customer's earliest-expiring season ticket.

    Tells the desk "incident N of M used, K left, expires …" in a message that does not block;
    a refusal (no live ticket, already funded) is shown as usual. None when refused.
    """
    use = call(parent, funding.fund_from_ticket, actor, incident_id)
    if use is None:
        return None
    box = QMessageBox(parent)
    box.setObjectName("ticketRedeemedMessage")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("Season ticket used")
    box.setText(redeem_ticket_text(use))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.open()
    return use


def refund_flow(parent: QWidget | None, actor: Actor, background: Background, payment_id: int,
                on_shown: Callable[[QWidget], None] | None = None) -> CreditNoteInfo | None:
    """A manager's refund or void, then the credit note in the preview; None if cancelled."""
    from synergy_desk.ui.dialogs.refund import RefundDialog

    note = RefundDialog.ask(parent, actor, payment_id)
    if note is None:
        return None
    show_receipt(parent, background, note.number, copy=False, on_shown=on_shown)
    return note


def ticket_statement_flow(parent: QWidget | None, background: Background, customer_id: int,
                          on_shown: Callable[[QWidget], None] | None = None) -> None:
    """The customer's season-ticket statement in the preview."""
    from synergy_desk.services.reporting import receipt_documents

    show_document(parent, background,
                  lambda: receipt_documents.ticket_statement_document(customer_id), on_shown)


def record_transfer_flow(parent: QWidget | None, actor: Actor, background: Background,
                         request_id: int | None = None, *, search: str = "",
                         on_shown: Callable[[QWidget], None] | None = None
                         ) -> TransferResult | None:
    """Record a bank transfer by hand against an open payment request, then say what it did
    ("Receipt R-000010 issued; INC-000004 is now in the queue", "£50.00 recorded; £40.00
    still to come on PR-000001") and, when it paid the request, open the receipt."""
    from synergy_desk.ui.dialogs.record_transfer import RecordTransferDialog, transfer_outcome

    result = call(parent, RecordTransferDialog.ask, parent, actor, request_id, search)
    if result is None:
        return None
    box = QMessageBox(parent)
    box.setObjectName("transferRecordedMessage")
    box.setIcon(QMessageBox.Icon.Warning if result.over_pence else QMessageBox.Icon.Information)
    box.setWindowTitle("Bank transfer recorded")
    box.setText(transfer_outcome(result))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.open()
    if result.receipt is not None:
        show_receipt(parent, background, result.receipt.number, copy=False, on_shown=on_shown)
    return result
