"""The engineer's workbench flows: dialog, then service call, then errors shown; the window wires them.

Each flow asks what it needs (a dialog with a typed ``ask``), calls one service through
:mod:`~synergy_desk.ui.operations` (so any error is shown in the one way) and returns the
result, or None when cancelled or refused. The services check roles themselves; a flow
checks first only so that nobody fills in a dialog that is bound to be refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import FundingRequired
from synergy_desk.services.common import ENGINEERS, EVERYONE, Actor
from synergy_desk.services.incidents import callbacks, closing, reshape, work
from synergy_desk.services.incidents.callbacks import CallBackRow
from synergy_desk.services.incidents.changes import IncidentRef
from synergy_desk.services.incidents.detail import IncidentDetail, incident_detail
from synergy_desk.services.money import funding
from synergy_desk.services.office import catalogue
from synergy_desk.services.reporting import summary_documents
from synergy_desk.services.reporting.summary_documents import SummaryPdf
from synergy_desk.ui import errors
from synergy_desk.ui.callbacks_view import CallbacksView
from synergy_desk.ui.dialogs.callback import CallbackDialog, CallbackRequest
from synergy_desk.ui.dialogs.merge import MergeDialog
from synergy_desk.ui.dialogs.resolve import (
    CloseUnresolvedDialog,
    OutOfRemitDialog,
    ReopenDialog,
    ResolveDialog,
)
from synergy_desk.ui.dialogs.split import SplitDialog
from synergy_desk.ui.operations import Op, allowed, call, reporting_errors
from synergy_desk.ui.registers import RegistersWindow
from synergy_desk.ui.worker import Background

__all__ = [
    "FundingShortcut", "start_work_flow", "split_flow", "merge_flow", "resolve_flow",
    "close_unresolved_flow", "reopen_flow", "out_of_remit_flow", "schedule_callback_flow",
    "summary_flow", "registers_flow", "callbacks_due_flow",
]

log = logging.getLogger(__name__)

#: Takes a payment for one incident (the window's payment dialog); True when it was paid.
TakePayment = Callable[[int], bool]


def _detail(parent: QWidget | None, incident_id: int) -> IncidentDetail | None:
    return call(parent, incident_detail, incident_id)


# --- starting work, with the way round a refusal --------------------------------------------


class FundingShortcut:
    """Work refused while unfunded: the reason, and the ways to fund it at once."""

    REDEEM = "redeem"
    PAY = "pay"

    @staticmethod
    def ask(parent: QWidget | None, message: str, tickets_left: int,
            can_pay: bool) -> str | None:
        """The reason with buttons to redeem a ticket or take a payment; the one chosen."""
        box = QMessageBox(parent)
        box.setObjectName("fundingShortcut")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(FundingRequired.title)
        box.setText(message)
        redeem = pay = None
        if tickets_left > 0:
            redeem = box.addButton(
                box.tr("&Redeem from season ticket (%s left)") % tickets_left,
                QMessageBox.ButtonRole.AcceptRole)
        if can_pay:
            pay = box.addButton(box.tr("&Take payment…"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if redeem is not None and clicked is redeem:
            return FundingShortcut.REDEEM
        if pay is not None and clicked is pay:
            return FundingShortcut.PAY
        return None


def start_work_flow(parent: QWidget | None, actor: Actor, incident_id: int, *,
                    expected_version: int | None = None,
                    take_payment: TakePayment | None = None) -> IncidentRef | None:
    """Start (or resume) work; when it is refused as unfunded, offer to fund it there and then.

    ``take_payment(incident_id)`` is the window's payment dialog for that incident; without
    it only a season ticket is offered.
    """
    with reporting_errors(parent):
        try:
            return work.start_work(actor, incident_id, expected_version=expected_version)
        except FundingRequired as refusal:
            return _fund_then_start(parent, actor, incident_id, refusal, take_payment)
    return None


def _fund_then_start(parent: QWidget | None, actor: Actor, incident_id: int,
                     refusal: FundingRequired,
                     take_payment: TakePayment | None) -> IncidentRef | None:
    """Offer the ways to fund a refused incident; start work once one of them has."""
    if not fund_after_refusal(parent, actor, incident_id, refusal, take_payment):
        return None
    return call(parent, work.start_work, actor, incident_id)


def fund_after_refusal(parent: QWidget | None, actor: Actor, incident_id: int,
                       refusal: FundingRequired, take_payment: TakePayment | None, *,
                       redeemed: Callable[[Any], None] | None = None) -> bool:
    """The refusal of work on an unfunded incident, with the ways to fund it at once: redeem
    the customer's season ticket, or ``take_payment(incident_id)`` (the window's payment
    dialog; without it only a ticket is offered). True once the incident is funded;
    ``redeemed`` is told the ticket's use."""
    detail = _detail(parent, incident_id)
    if detail is None:
        return False
    cover = call(parent, funding.entitlement, detail.customer_id, detail.product_id)
    tickets_left = cover.tickets_balance if cover is not None else 0
    if tickets_left <= 0 and take_payment is None:
        errors.show_error(parent, refusal)
        return False
    choice = FundingShortcut.ask(parent, refusal.message, tickets_left,
                                 take_payment is not None)
    if choice == FundingShortcut.REDEEM:
        use = call(parent, funding.fund_from_ticket, actor, incident_id)
        if use is None:
            return False
        if redeemed is not None:
            redeemed(use)
        return True
    if choice == FundingShortcut.PAY and take_payment is not None:
        return bool(take_payment(incident_id))
    return False


# --- deciding what one incident is ------------------------------------------------------------


def split_flow(parent: QWidget | None, actor: Actor, incident_id: int, *,
               offer_funding: Callable[[IncidentRef], None] | None = None
               ) -> IncidentRef | None:
    """Split entries off into a new incident; the new one is offered for funding at once.

    Returns:
        The new incident, or None.
    """
    if not allowed(parent, actor, ENGINEERS, "split incidents"):
        return None
    detail = _detail(parent, incident_id)
    if detail is None:
        return None
    products = call(parent, catalogue.list_products)
    if products is None:
        return None
    request = SplitDialog.ask(parent, detail, products)
    if request is None:
        return None
    ref = call(parent, reshape.split, actor, incident_id, request.entry_ids,
               subject=request.subject, product_id=request.product_id,
               description=request.description)
    if ref is not None and not _is_funded(ref) and offer_funding is not None:
        offer_funding(ref)
    return ref


def _is_funded(ref: IncidentRef) -> bool:
    from synergy_desk.domain.enums import FundingKind

    return ref.funding is not FundingKind.NONE


def merge_flow(parent: QWidget | None, actor: Actor, incident_id: int) -> str | None:
    """Merge a duplicate into the incident it belongs to (either may be the one shown).

    Returns:
        One line saying what was done (entries moved, funding handed back), or None.
    """
    if not allowed(parent, actor, ENGINEERS, "merge incidents"):
        return None
    detail = _detail(parent, incident_id)
    if detail is None:
        return None
    request = MergeDialog.ask(parent, detail)
    if request is None:
        return None
    return call(parent, reshape.merge, actor, request.duplicate_id, request.survivor_id)


# --- resolving and closing ----------------------------------------------------------------


def resolve_flow(parent: QWidget | None, actor: Actor, incident_id: int, *,
                 expected_version: int | None = None) -> IncidentRef | None:
    """Resolve with one of the four resolutions; a request or escalation lands on its register.

    ``expected_version`` is the version the window shows; without it, the version read when
    the dialog opened (so a change made at another desk meanwhile is never overwritten).
    """
    if not allowed(parent, actor, ENGINEERS, "resolve incidents"):
        return None
    detail = _detail(parent, incident_id)
    if detail is None:
        return None
    request = ResolveDialog.ask(parent, detail)
    if request is None:
        return None
    version = expected_version if expected_version is not None else detail.version
    return call(parent, closing.resolve, actor, incident_id, request.resolution, request.note,
                enhancement_request_id=request.enhancement_request_id,
                enhancement_title=request.enhancement_title, escalation=request.escalation,
                expected_version=version)


def _reason_flow(parent: QWidget | None, actor: Actor, incident_id: int,
                 roles: tuple[Role, ...], doing: str, dialog: Any,
                 service: Callable[..., IncidentRef],
                 expected_version: int | None) -> IncidentRef | None:
    """The flows that need only a written reason: check the role, ask, call the service."""
    if not allowed(parent, actor, roles, doing):
        return None
    detail = _detail(parent, incident_id)
    if detail is None:
        return None
    request = dialog.ask(parent, detail)
    if request is None:
        return None
    version = expected_version if expected_version is not None else detail.version
    return call(parent, service, actor, incident_id, request.text, expected_version=version)


def close_unresolved_flow(parent: QWidget | None, actor: Actor, incident_id: int, *,
                          expected_version: int | None = None) -> IncidentRef | None:
    """Close an open incident that cannot be resolved, with the reason."""
    return _reason_flow(parent, actor, incident_id, ENGINEERS, "close incidents",
                        CloseUnresolvedDialog, closing.close_unresolved, expected_version)


def reopen_flow(parent: QWidget | None, actor: Actor, incident_id: int, *,
                expected_version: int | None = None) -> IncidentRef | None:
    """Re-open a resolved (or unresolved-closed) incident: the customer called back, no charge."""
    return _reason_flow(parent, actor, incident_id, ENGINEERS, "re-open incidents",
                        ReopenDialog, closing.reopen, expected_version)


def out_of_remit_flow(parent: QWidget | None, actor: Actor, incident_id: int, *,
                      expected_version: int | None = None) -> IncidentRef | None:
    """An engineer closes an incident as out of remit; its funding is handed back (a
    payment's refund waits for a manager's approval)."""
    return _reason_flow(parent, actor, incident_id, ENGINEERS,
                        "close incidents as out of remit", OutOfRemitDialog,
                        closing.out_of_remit, expected_version)


def schedule_callback_flow(parent: QWidget | None, actor: Actor, customer_id: int,
                           incident_id: int | None = None,
                           reference: str = "") -> CallBackRow | None:
    """Promise the customer a call back (about an incident, if given)."""
    if not allowed(parent, actor, EVERYONE, "schedule call-backs"):
        return None
    def schedule(request: CallbackRequest) -> CallBackRow:
        return callbacks.schedule_callback(actor, request.customer_id, request.due_at,
                                           request.note, incident_id=request.incident_id,
                                           contact_id=request.contact_id,
                                           assigned_to=request.assigned_to)

    # The dialog reads the customer: it may have been removed meanwhile.
    return call(parent, CallbackDialog.ask, parent, schedule, customer_id, incident_id,
                reference)


def callbacks_due_flow(parent: QWidget | None, actor: Actor) -> CallbacksView:
    """Open the call-backs due queue (not modal; connect ``incident_requested`` to open one)."""
    view = CallbacksView(actor, parent)
    view.show()
    return view


# --- registers and documents ------------------------------------------------------------------


def registers_flow(parent: QWidget | None, actor: Actor,
                   background: Background | None = None) -> RegistersWindow:
    """Open the registers window (not modal); PDFs render on the background's PDF pool."""
    window = RegistersWindow(actor, parent, background)
    window.show()
    return window


def summary_flow(parent: QWidget | None, background: Background, incident_id: int, *,
                 on_ready: Callable[[SummaryPdf], None] | None = None,
                 audience: str = "customer", actor: Actor | None = None) -> None:
    """Render the incident summary on the background's PDF pool, then preview it.

    ``audience`` is ``"customer"`` (what the customer sees; e-mailed to the incident's
    contact) or ``"internal"`` (everything, for the staff; not addressed to the customer).
    The preview (print, save, e-mail) opens without blocking; with ``on_ready`` the rendered
    summary goes there instead. Errors (an incident removed meanwhile) are shown, never raised.
    The customer's summary is e-mailed through the outbox, on the incident's timeline as
    "E-mail out" sent by ``actor``; the internal one is never logged as sent to the customer.
    """

    def render() -> SummaryPdf:
        return summary_documents.incident_summary(incident_id, audience)

    def done(result: SummaryPdf) -> None:
        if on_ready is not None:
            on_ready(result)
            return
        # Qt PDF loads only when a document is first shown, not with the window.
        from synergy_desk.ui.pdf_preview import PdfPreviewDialog

        internal = result.audience == "internal"
        title = (QCoreApplication.translate("workbench", "Internal summary %s (staff only)")
                 if internal else QCoreApplication.translate("workbench", "Incident summary %s"))
        PdfPreviewDialog.open_document(
            parent, background, result.pdf, title=title % result.reference,
            filename=f"{result.reference}{' internal' if internal else ''}.pdf",
            email_to=result.email_to,
            email_subject=(f"{'Internal (staff only): ' if internal else ''}"
                           f"Incident {result.reference}: {result.subject}"),
            email_body=(f"Please find attached the {'internal ' if internal else ''}summary of "
                        f"incident {result.reference} ({result.subject})."),
            send=None if internal else (lambda to: summary_documents.email_incident_summary(
                incident_id, to, actor)))

    Op(parent, background, render).success(done).run(pdf=True)
