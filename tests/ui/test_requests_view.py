"""The payment-requests window: open, overdue (with the customer's phone) and all; showing a
request, recording its transfer, a reminder (only when it can be e-mailed) and a manager's
cancelling, as reception and as the manager."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from synergy_desk.domain.enums import FundingKind, Role
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payment_requests
from synergy_desk.services.office import settings
from synergy_desk.services.office.office_time import office_today
from synergy_desk.ui import palette, receipts
from synergy_desk.ui.dialogs.record_transfer import RecordTransferDialog
from synergy_desk.ui.pdf_preview import PdfPreviewDialog
from synergy_desk.ui.requests_view import ALL, OVERDUE, RequestsView
from synergy_desk.ui.worker import Background
from tests.ui.test_payment_request_dialog import (  # noqa: F401 - fixtures
    banked,
    request_pdf,
    unfunded,
)
from tests.ui.workbench_data import new_customer


@pytest.fixture
def requests(banked: dict[str, Any]) -> dict[str, Any]:  # noqa: F811 - fixture
    """Three requests: one open, one overdue from a customer with a phone and no e-mail
    address, and one paid."""
    reception = banked["reception"]
    customer, first = unfunded(banked)  # Harriet Oduya, no e-mail address
    t.Customer.update(phone="+441632960123").where(t.Customer.id == customer).execute()
    open_one = payment_requests.issue_request(reception, payment_requests.RequestInput(
        customer, (first,)))
    _c, second = unfunded(banked, "Cannot export", customer)
    overdue = payment_requests.issue_request(reception, payment_requests.RequestInput(
        customer, (second,)))
    t.PaymentRequest.update(due_on=office_today() - dt.timedelta(days=3)).where(
        t.PaymentRequest.id == overdue.request_id).execute()
    other = new_customer(reception, "Tomasz Nowak")
    t.Customer.update(email="tomasz@nowak.example").where(t.Customer.id == other).execute()
    _o, third = unfunded(banked, "Slow reports", other)
    paid = payment_requests.issue_request(reception, payment_requests.RequestInput(
        other, (third,)))
    payment_requests.record_transfer(reception, paid.request_id, received_on=office_today(),
                                     amount_pence=paid.gross_pence)
    _o, fourth = unfunded(banked, "Cannot post", other)
    emailable = payment_requests.issue_request(reception, payment_requests.RequestInput(
        other, (fourth,)))
    return banked | {"open": open_one, "overdue": overdue, "paid": paid,
                     "emailable": emailable, "incident": first}


def open_view(qtbot: Any, actor: Actor, background: Background | None = None) -> RequestsView:
    view = RequestsView(actor, background or Background())
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def numbers(view: RequestsView) -> list[str]:
    return [view.model.row_at(i).number for i in range(view.model.rowCount())]  # type: ignore[union-attr]


def row_of(view: RequestsView, number: str) -> int:
    return numbers(view).index(number)


def test_open_overdue_and_all_with_the_overdue_in_the_warning_colour(
        qtbot: Any, requests: dict[str, Any]) -> None:
    view = open_view(qtbot, requests["reception"])
    assert view.objectName() == "paymentRequestsView" and not view.isModal()
    assert numbers(view) == ["PR-000004", "PR-000002", "PR-000001"]  # open, newest first
    index = view.model.index(row_of(view, "PR-000002"), 8)
    assert index.data() == "Overdue"
    assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == \
        palette.WARNING.qcolor().name()
    assert view.model.index(row_of(view, "PR-000001"), 8).data() == "Open"
    assert view.summary.text().startswith("3 requests; 1 overdue; ")
    view.filter_buttons[OVERDUE].click()
    assert numbers(view) == ["PR-000002"]
    assert view.summary.text().startswith("1 request; 1 overdue; ")
    assert view.model.index(0, 3).data() == "01632 960123"  # the phone to chase it on
    view.filter_buttons[ALL].click()
    assert numbers(view) == ["PR-000004", "PR-000003", "PR-000002", "PR-000001"]
    assert view.model.index(row_of(view, "PR-000003"), 8).data() == "Paid"
    view.search.setText("nowak")
    assert numbers(view) == ["PR-000004", "PR-000003"]


@pytest.mark.parametrize("role", ["reception", "manager"])
def test_a_reminder_is_greyed_with_the_reason_unless_it_can_be_e_mailed(
        qtbot: Any, requests: dict[str, Any], role: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    view = open_view(qtbot, requests[role])
    view.table.selectRow(row_of(view, "PR-000002"))
    assert not view.remind_button.isEnabled()
    assert "no e-mail address: ring them on 01632 960123" in view.remind_button.toolTip()
    view.table.selectRow(row_of(view, "PR-000004"))
    assert not view.remind_button.isEnabled()
    assert "no mail server" in view.remind_button.toolTip()
    current = settings.get_settings()
    settings.update_settings(requests["manager"], current.version, smtp_host="127.0.0.1")
    sent: list[tuple[int, bool]] = []

    def send(actor: Actor, request_id: int, *, reminder: bool = False) -> str:
        sent.append((request_id, reminder))
        payment_requests.mark_reminded(actor, request_id)
        return "tomasz@nowak.example"

    monkeypatch.setattr(receipts, "send_request", send)
    again = open_view(qtbot, requests[role])
    again.table.selectRow(row_of(again, "PR-000004"))
    assert again.remind_button.isEnabled()
    again.remind_button.click()
    qtbot.waitUntil(lambda: "e-mailed to tomasz@nowak.example" in again.status.text(),
                    timeout=10_000)
    assert sent == [(requests["emailable"].request_id, True)]
    assert t.PaymentRequest.get_by_id(requests["emailable"].request_id).reminded_at is not None
    qtbot.waitUntil(lambda: "last sent" in again.remind_button.toolTip(), timeout=10_000)


def test_reception_cannot_cancel_and_is_told_why(qtbot: Any, requests: dict[str, Any]) -> None:
    view = open_view(qtbot, requests["reception"])
    view.table.selectRow(row_of(view, "PR-000001"))
    assert view.record_button.isEnabled()
    assert not view.cancel_button.isEnabled()
    assert view.cancel_button.toolTip() == "Only a manager can cancel a payment request."
    view.cancel_request()  # nothing happens: the button is greyed
    assert t.PaymentRequest.get_by_id(requests["open"].request_id).state == "open"


def test_a_manager_cancels_with_a_reason_and_the_incident_awaits_payment_again(
        qtbot: Any, requests: dict[str, Any]) -> None:
    view = open_view(qtbot, requests["manager"])
    assert requests["manager"].role is Role.MANAGER
    view.table.selectRow(row_of(view, "PR-000001"))
    assert view.cancel_button.isEnabled()
    view.ask_reason = lambda _number: "Customer paid by card at the counter"  # type: ignore[method-assign]
    with qtbot.waitSignal(view.changed):
        view.cancel_button.click()
    row = t.PaymentRequest.get_by_id(requests["open"].request_id)
    assert (row.state, row.cancel_reason) == ("cancelled", "Customer paid by card at the counter")
    assert payment_requests.awaiting_transfer([requests["incident"]]) == {}
    assert "PR-000001" not in numbers(view)  # Open lists it no more
    assert "PR-000001 cancelled" in view.status.text()
    assert "to be returned" not in view.status.text()  # nothing had arrived for it
    # A request part of whose money had arrived: that money is to go back (or be held).
    payment_requests.record_transfer(requests["reception"], requests["overdue"].request_id,
                                     received_on=office_today(), amount_pence=4000)
    view.refresh()
    view.table.selectRow(row_of(view, "PR-000002"))
    with qtbot.waitSignal(view.changed):
        view.cancel_button.click()
    assert view.status.text().endswith(
        "£40.00 that arrived for it is to be returned to the customer or held for them.")


def test_the_cancel_reason_dialog_needs_a_reason(qtbot: Any, requests: dict[str, Any]) -> None:
    from synergy_desk.ui.requests_view import CancelRequestDialog

    dialog = CancelRequestDialog(None, "PR-000001")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and "Write the reason first" in dialog.message.text()


def test_double_click_shows_the_request(qtbot: Any, requests: dict[str, Any],
                                        request_pdf: None) -> None:  # noqa: F811
    background = Background()
    view = open_view(qtbot, requests["reception"], background)
    shown: list[QWidget] = []
    view.table.selectRow(row_of(view, "PR-000002"))
    view.show_request(on_shown=shown.append)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    preview = shown[0]
    assert isinstance(preview, PdfPreviewDialog)
    qtbot.addWidget(preview)
    assert preview.windowTitle() == "Payment request PR-000002"
    assert background.wait(20_000)


def test_recording_the_transfer_from_the_view_queues_the_incident(
        qtbot: Any, requests: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    def ask(parent: Any, actor: Actor, request_id: int | None = None, search: str = "") -> Any:
        assert request_id == requests["open"].request_id  # the one chosen in the view
        return payment_requests.record_transfer(actor, request_id, received_on=office_today(),
                                                amount_pence=9000)

    monkeypatch.setattr(RecordTransferDialog, "ask", staticmethod(ask))
    view = open_view(qtbot, requests["reception"])
    view.table.selectRow(row_of(view, "PR-000001"))
    with qtbot.waitSignal(view.changed):
        view.record_button.click()
    assert "is now in the queue" in view.status.text()
    assert t.Incident.get_by_id(requests["incident"]).funding == FundingKind.PAYMENT
    assert "PR-000001" not in numbers(view)
    from PySide6.QtWidgets import QApplication, QMessageBox

    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox):
            box.close()
    assert view._background.wait(20_000)


def test_ctrl_j_in_the_window_opens_it_once(qtbot: Any, requests: dict[str, Any],
                                            prefs: Any) -> None:
    from tests.ui.test_shortcuts_and_mnemonics import make_window, press

    window = make_window(qtbot, requests["reception"], prefs)
    assert window.act_payment_requests in window.office_menu.actions()
    press(qtbot, window, "Ctrl+J")
    view = window._requests_view
    assert isinstance(view, RequestsView) and view.isVisible()
    assert window.payment_requests() is view
    view.close()
