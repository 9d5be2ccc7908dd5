"""Engineers decide the remit from the window; a manager approves the refund from the queue
(Office ▸ Refunds awaiting approval…) and its credit note opens for printing."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from synergy_desk.domain.enums import IncidentStatus
from synergy_desk.domain.errors import PermissionDenied
from synergy_desk.models import tables as t
from synergy_desk.services.money import payments, refund_queue
from synergy_desk.ui import workbench
from synergy_desk.ui.dialogs.resolve import OutOfRemitDialog, ReasonRequest
from synergy_desk.ui.incident_detail import IncidentDetail
from synergy_desk.ui.pdf_preview import PdfPreviewDialog
from synergy_desk.ui.refund_queue import DeclineRefundDialog, RefundQueueWindow, refund_queue_flow
from tests.ui.conftest import InlineBackground, ShownErrors
from tests.ui.test_main_window import make_window
from tests.ui.workbench_data import detail, log_new, new_customer


def _paid_and_closed(office: dict[str, Any], shown_errors: ShownErrors,
                     monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """A paid incident an engineer closes as out of remit from the window."""
    customer = new_customer(office["reception"], "Ivy Osei")
    ref = log_new(office["reception"], customer, office["product"].id, "Write a VBA macro")
    receipt = payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=customer, incident_ids=(ref.id,), method="cash", tendered_pence=9000))
    dialog = OutOfRemitDialog(None, detail(ref.id))
    assert "goes to a manager for approval" in dialog.explanation.text()
    dialog.deleteLater()
    monkeypatch.setattr(OutOfRemitDialog, "ask", staticmethod(
        lambda *a: ReasonRequest("Writing macros in their workbook is not support")))
    closed = workbench.out_of_remit_flow(None, office["engineer"], ref.id)
    assert closed is not None and closed.status is IncidentStatus.CLOSED
    assert shown_errors.shown == []
    return ref.id, receipt.number


@pytest.mark.parametrize(("who", "has_button"), [("reception", False), ("engineer", True),
                                                 ("manager", True)])
def test_engineers_and_managers_have_the_out_of_remit_button(
        qtbot: Any, office: dict[str, Any], who: str, has_button: bool) -> None:
    pane = IncidentDetail(office[who])
    qtbot.addWidget(pane)
    assert ("outOfRemit" in pane.buttons) is has_button
    if has_button:
        assert "Ctrl+Shift+X" in pane.buttons["outOfRemit"].toolTip()


def test_reception_is_refused_out_of_remit(office: dict[str, Any], shown_errors: ShownErrors,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    customer = new_customer(office["reception"], "Jon Reyes")
    ref = log_new(office["reception"], customer, office["product"].id, "Convert our data")
    monkeypatch.setattr(OutOfRemitDialog, "ask", staticmethod(
        lambda *a: pytest.fail("reception is refused before the dialog")))
    assert workbench.out_of_remit_flow(None, office["reception"], ref.id) is None
    assert isinstance(shown_errors.shown[-1], PermissionDenied)


def test_the_managers_approval_opens_the_credit_note_for_printing(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        inline_background: InlineBackground, monkeypatch: pytest.MonkeyPatch,
        window: QWidget) -> None:
    incident_id, receipt = _paid_and_closed(office, shown_errors, monkeypatch)
    assert t.CreditNote.select().count() == 0
    shown: list[QWidget] = []
    queue = RefundQueueWindow(office["manager"], inline_background, window, shown.append)
    qtbot.addWidget(queue)
    assert queue.table.rowCount() == 1
    assert queue.table.item(0, 0).text() == detail(incident_id).reference
    assert queue.table.item(0, 2).text() == receipt
    assert queue.table.item(0, 3).text() == "£90.00"
    with qtbot.waitSignal(queue.decided):
        queue.approve_button.click()
    [note] = list(t.CreditNote.select())
    assert len(shown) == 1 and isinstance(shown[0], PdfPreviewDialog)
    assert shown[0].isVisible() and note_number(note) in shown[0].windowTitle()
    assert queue.table.rowCount() == 0
    assert "No refunds are waiting" in queue.heading.text()
    assert detail(incident_id).funding_description.startswith(
        f"Refunded on credit note {note_number(note)}")
    assert shown_errors.shown == []
    shown[0].close()


def note_number(note: t.CreditNote) -> str:
    from synergy_desk.domain.numbers import credit_note_text

    return credit_note_text(note.number)


def test_the_manager_declines_with_a_reason(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        inline_background: InlineBackground, monkeypatch: pytest.MonkeyPatch) -> None:
    incident_id, _ = _paid_and_closed(office, shown_errors, monkeypatch)
    queue = RefundQueueWindow(office["manager"], inline_background)
    qtbot.addWidget(queue)
    dialog = DeclineRefundDialog(None, queue.current())  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.value is None  # a reason is needed
    dialog.text.setPlainText("The engineer worked on it for an hour first")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    monkeypatch.setattr(DeclineRefundDialog, "ask", staticmethod(lambda *a: dialog.value))
    assert queue.decline() is True
    assert queue.table.rowCount() == 0 and t.CreditNote.select().count() == 0
    assert "was declined" in detail(incident_id).funding_description


def test_the_queue_is_on_the_office_menu_for_managers_only(
        qtbot: Any, office: dict[str, Any], prefs: Any, shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _paid_and_closed(office, shown_errors, monkeypatch)
    engineer_window = make_window(qtbot, office["engineer"], prefs)
    assert not engineer_window.act_refund_queue.isVisible()
    assert refund_queue_flow(None, office["engineer"], engineer_window.background) is None
    assert isinstance(shown_errors.shown[-1], PermissionDenied)
    engineer_window.close()

    window = make_window(qtbot, office["manager"], prefs)
    action = window.act_refund_queue
    assert action.isVisible() and action in window.office_menu.actions()
    assert action.text() == "Re&funds awaiting approval…"
    assert action.shortcut().toString() == "Ctrl+Shift+V"
    action.trigger()
    queue = window.findChild(RefundQueueWindow, "refundQueue")
    assert queue is not None and queue.isVisible() and queue.table.rowCount() == 1
    assert refund_queue.pending_refunds_count() == 1
    queue.close()
