"""Recording a bank transfer by hand: finding the request by its reference, the customer or
the amount, and what the desk is told for money in full, in part and beyond the request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payment_requests
from synergy_desk.services.office.office_time import office_today
from synergy_desk.ui import receipts
from synergy_desk.ui.dialogs.record_transfer import RecordTransferDialog
from synergy_desk.ui.pdf_preview import PdfPreviewDialog
from synergy_desk.ui.worker import Background
from tests.ui.test_payment_request_dialog import banked, unfunded  # noqa: F401 - fixture
from tests.ui.workbench_data import new_customer


def issue(office: dict[str, Any], customer: int, *incidents: int
          ) -> payment_requests.RequestInfo:
    return payment_requests.issue_request(office["reception"], payment_requests.RequestInput(
        customer, tuple(incidents)))


def open_dialog(qtbot: Any, actor: Actor, request_id: int | None = None,
                search: str = "") -> RecordTransferDialog:
    dialog = RecordTransferDialog(None, actor, request_id, search)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def listed(dialog: RecordTransferDialog) -> list[str]:
    return [dialog.requests.topLevelItem(i).text(0)
            for i in range(dialog.requests.topLevelItemCount())]


def test_the_request_is_found_by_reference_customer_or_amount(
        qtbot: Any, banked: dict[str, Any]) -> None:  # noqa: F811 - fixture
    customer, incident = unfunded(banked)
    first = issue(banked, customer, incident)
    other = new_customer(banked["reception"], "Tomasz Nowak")
    _o, second_incident = unfunded(banked, "Cannot export", other)
    _o, third_incident = unfunded(banked, "Slow reports", other)
    second = issue(banked, other, second_incident, third_incident)
    dialog = open_dialog(qtbot, banked["reception"])
    assert listed(dialog) == ["PR-000002", "PR-000001"]  # every open one, newest first
    dialog.search.setText(first.reference.lower().replace("-", " "))
    assert listed(dialog) == ["PR-000001"]
    dialog.search.setText("nowak")
    assert listed(dialog) == ["PR-000002"]
    dialog.search.setText("£180.00")
    assert listed(dialog) == ["PR-000002"]
    assert dialog.amount.text() == "180.00"  # the amount still to come
    assert second.reference in dialog.chosen_text.text() or "PR-000002" in \
        dialog.chosen_text.text()
    dialog.search.setText("90")
    assert listed(dialog) == ["PR-000001"]
    dialog.search.setText("Nobody at all")
    assert listed(dialog) == [] and not dialog.record_button.isEnabled()
    assert "No open payment request matches" in dialog.message.text()


def test_enter_in_the_search_goes_on_to_the_amount_and_records_nothing(
        qtbot: Any, banked: dict[str, Any]) -> None:  # noqa: F811 - fixture
    """It pressed Record at once, with the amount not yet looked at."""
    customer, incident = unfunded(banked)
    info = issue(banked, customer, incident)
    dialog = open_dialog(qtbot, banked["reception"])
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.search.setFocus()
    qtbot.keyClicks(dialog.search, info.reference)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.focusWidget() is dialog.amount
    assert t.BankTransfer.select().count() == 0
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert t.BankTransfer.select().count() == 1


def test_a_mistyped_reference_is_told_not_matched(
        qtbot: Any, banked: dict[str, Any]) -> None:  # noqa: F811 - fixture
    customer, incident = unfunded(banked)
    info = issue(banked, customer, incident)
    wrong = info.reference[:-1] + ("A" if info.reference[-1] != "A" else "B")
    dialog = open_dialog(qtbot, banked["reception"], search=wrong)
    assert listed(dialog) == []
    assert "not a valid payment reference" in dialog.message.text()
    dialog.search.setText(info.reference)
    assert listed(dialog) == ["PR-000001"]


def record(qtbot: Any, dialog: RecordTransferDialog, amount: str,
           reference: str = "FASTER PMT") -> None:
    dialog.amount.setText(amount)
    dialog.bank_reference.setText(reference)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)


def test_the_whole_amount_issues_the_receipt_and_the_incident_joins_the_queue(
        qtbot: Any, banked: dict[str, Any]) -> None:  # noqa: F811 - fixture
    customer, incident = unfunded(banked)
    info = issue(banked, customer, incident)
    t.PaymentRequest.update(issued_at=utcnow() - dt.timedelta(days=2)).execute()
    dialog = open_dialog(qtbot, banked["reception"], info.request_id)
    yesterday = office_today() - dt.timedelta(days=1)
    dialog.received.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    # Nothing before the day the request was issued can be chosen (a mistyped year).
    issued = office_today() - dt.timedelta(days=2)
    assert dialog.received.minimumDate() == QDate(issued.year, issued.month, issued.day)
    record(qtbot, dialog, dialog.amount.text())
    assert dialog.result() == QDialog.DialogCode.Accepted
    result = dialog.value
    assert result is not None and result.receipt is not None
    from synergy_desk.ui.dialogs.record_transfer import transfer_outcome

    assert transfer_outcome(result) == (
        f"Receipt {result.receipt.number} issued; INC-000001 is now in the queue.")
    row = t.Incident.get_by_id(incident)
    assert row.funding == FundingKind.PAYMENT
    assert IncidentStatus(row.status) is IncidentStatus.QUEUED
    transfer = t.BankTransfer.get()
    assert (transfer.received_on, transfer.bank_reference) == (yesterday, "FASTER PMT")


def test_a_part_payment_says_what_is_still_to_come(
        qtbot: Any, banked: dict[str, Any]) -> None:  # noqa: F811 - fixture
    from synergy_desk.ui.dialogs.record_transfer import transfer_outcome

    customer, incident = unfunded(banked)
    info = issue(banked, customer, incident)
    dialog = open_dialog(qtbot, banked["reception"], info.request_id)
    record(qtbot, dialog, "50")
    result = dialog.value
    assert result is not None and result.receipt is None
    assert transfer_outcome(result) == "£50.00 recorded; £40.00 still to come on PR-000001."
    assert t.Incident.get_by_id(incident).funding == FundingKind.NONE
    again = open_dialog(qtbot, banked["reception"], info.request_id)
    assert again.amount.text() == "40.00"
    assert "£50.00 received so far" in again.chosen_text.text()


def test_money_beyond_the_request_is_shown_for_a_refund_or_to_hold(
        qtbot: Any, banked: dict[str, Any], window: QWidget,  # noqa: F811 - fixture
        monkeypatch: pytest.MonkeyPatch) -> None:
    customer, incident = unfunded(banked)
    info = issue(banked, customer, incident)

    def ask(parent: QWidget | None, actor: Actor, request_id: int | None = None,
            search: str = "") -> Any:
        dialog = open_dialog(qtbot, actor, request_id, search)
        record(qtbot, dialog, "100.00")
        return dialog.value

    monkeypatch.setattr(RecordTransferDialog, "ask", staticmethod(ask))
    shown: list[QWidget] = []
    background = Background()
    result = receipts.record_transfer_flow(window, banked["reception"], background,
                                           info.request_id, on_shown=shown.append)
    assert result is not None and result.over_pence == 1000
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.objectName() == "transferRecordedMessage")
    assert box.text() == (f"Receipt {result.receipt.number} issued; INC-000001 is now in the "  # type: ignore[union-attr]
                          "queue. £10.00 more than asked: refund it or hold it for the "
                          "customer.")
    box.close()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    preview = shown[0]
    assert isinstance(preview, PdfPreviewDialog)
    qtbot.addWidget(preview)
    assert preview.windowTitle() == f"Receipt {result.receipt.number}"  # type: ignore[union-attr]
    assert background.wait(20_000)


@pytest.mark.parametrize(("amount", "message"), [
    ("75.005", "more than two decimal places"),
    ("-3", "cannot be negative"),
    ("0", "amount received"),
])
def test_an_amount_that_is_not_money_is_refused_at_its_field_and_nothing_recorded(
        qtbot: Any, banked: dict[str, Any], amount: str,  # noqa: F811 - fixture
        message: str) -> None:
    customer, incident = unfunded(banked)
    info = issue(banked, customer, incident)
    dialog = open_dialog(qtbot, banked["reception"], info.request_id)
    record(qtbot, dialog, amount)
    assert dialog.isVisible()
    assert message in dialog.message.text()
    assert dialog.focusWidget() is dialog.amount
    assert t.BankTransfer.select().count() == 0


def test_the_day_received_cannot_be_after_today(
        qtbot: Any, banked: dict[str, Any]) -> None:  # noqa: F811 - fixture
    customer, incident = unfunded(banked)
    info = issue(banked, customer, incident)
    dialog = open_dialog(qtbot, banked["reception"], info.request_id)
    today = office_today()
    assert dialog.received.date() == QDate(today.year, today.month, today.day)
    tomorrow = today + dt.timedelta(days=1)
    dialog.received.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    assert dialog.received_on() == today


def test_ctrl_g_in_the_window_opens_it(qtbot: Any, banked: dict[str, Any],  # noqa: F811
                                       prefs: Any) -> None:
    from tests.ui.test_shortcuts_and_mnemonics import ModalCloser, make_window, press

    window = make_window(qtbot, banked["reception"], prefs)
    assert window.act_record_transfer in window.office_menu.actions()
    closer = ModalCloser()
    press(qtbot, window, "Ctrl+G")
    closer.stop()
    assert closer.opened == ["recordTransferDialog"]
