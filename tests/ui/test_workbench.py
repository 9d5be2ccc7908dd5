"""The engineer's workbench driven as an engineer: dialogs filled in, flows run, results checked.

The dialogs are driven directly (no blocking exec()): a test fills in a real dialog, presses
its button, and hands the request it produced to the flow through a patched ``ask``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from synergy_desk.domain.enums import (
    EscalationStatus,
    FundingKind,
    IncidentStatus,
    LedgerKind,
    PaymentMethod,
    Resolution,
    TimelineKind,
)
from synergy_desk.domain.errors import FundingRequired, PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import (
    callbacks,
    changes,
    closing,
    intake,
    registers,
    reshape,
    work,
)
from synergy_desk.services.money import funding, payments, tickets
from synergy_desk.services.office import catalogue
from synergy_desk.services.reporting.summary_documents import SummaryPdf
from synergy_desk.ui import workbench
from synergy_desk.ui.dialogs.callback import CallbackDialog, CallbackRequest
from synergy_desk.ui.dialogs.merge import MergeDialog
from synergy_desk.ui.dialogs.resolve import (
    CloseUnresolvedDialog,
    OutOfRemitDialog,
    ReasonRequest,
    ReopenDialog,
    ResolveDialog,
    ResolveRequest,
)
from synergy_desk.ui.dialogs.split import SplitDialog
from synergy_desk.ui.registers import RegistersWindow
from tests.ui.conftest import ShownErrors
from tests.ui.workbench_data import (
    buy_ticket,
    detail,
    incident_in_progress,
    log_new,
    new_customer,
    own_entries,
)

# --- helpers ------------------------------------------------------------------------------



def press_ok(dialog: Any) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def never_ask(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("the dialog must not open for someone who may not do this")


# --- the engineer's day, end to end --------------------------------------------------------


def test_engineer_works_an_incident_from_refusal_to_split_merge_and_resolutions(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    engineer: Actor = office["engineer"]
    product = office["product"]
    customer = new_customer(office["reception"], "Harriet Oduya")
    ref = log_new(office["reception"], customer, product.id, "Error 1603 installing the update",
                  "Setup stops half-way with error 1603.")

    # 1. Starting work on an unfunded incident is refused, and the flow says why.
    assert workbench.start_work_flow(None, engineer, ref.id) is None
    assert len(shown_errors.shown) == 1 and isinstance(shown_errors.shown[0], FundingRequired)
    assert "not funded" in str(shown_errors.shown[0])
    assert detail(ref.id).status is IncidentStatus.AWAITING_PAYMENT

    # 2. Fund it from a season ticket bought with a payment; now work starts.
    ticket_id = buy_ticket(office["reception"], customer)
    use = funding.fund_from_ticket(office["reception"], ref.id)
    assert (use.used, use.left) == (1, 9)
    started = workbench.start_work_flow(None, engineer, ref.id)
    assert started is not None and started.status is IncidentStatus.IN_PROGRESS

    # 3. Log a call with its duration, and a note: three entries of its own in all.
    work.add_timeline_entry(engineer, ref.id, TimelineKind.PHONE_OUT,
                                 "Rang back: the payroll export also fails.",
                                 duration_seconds=12 * 60)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.NOTE,
                                 "Payroll export error is a separate problem.")
    entries = [e for e in detail(ref.id).timeline if e.kind is not TimelineKind.SYSTEM]
    assert len(entries) == 3
    assert [e.duration_seconds for e in entries if e.kind is TimelineKind.PHONE_OUT] == [720]

    # 4. Split the last two entries off through the split dialog.
    dialog = SplitDialog(None, detail(ref.id), catalogue.list_products())
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "splitDialog"
    moving = {entries[1].id, entries[2].id}
    dialog.set_checked(sorted(moving))
    assert dialog.count_label.text().startswith("2 of 3")
    dialog.subject.setText("Payroll export fails")
    dialog.product.setCurrentIndex(dialog.product.findData(office["product2"].id))
    press_ok(dialog)
    assert dialog.value is not None
    monkeypatch.setattr(SplitDialog, "ask", staticmethod(lambda *a: dialog.value))
    offered: list[changes.IncidentRef] = []
    new = workbench.split_flow(None, engineer, ref.id, offer_funding=offered.append)
    assert new is not None and shown_errors.shown == [shown_errors.shown[0]]
    assert offered == [new]
    new_detail = detail(new.id)
    assert new_detail.funding is FundingKind.NONE
    assert new_detail.status is IncidentStatus.AWAITING_PAYMENT
    assert new_detail.product_id == office["product2"].id
    assert new_detail.split_from is not None and new_detail.split_from.id == ref.id
    assert own_entries(new.id) == moving
    assert own_entries(ref.id) == {entries[0].id}

    # 5. A duplicate logged for the same problem, funded from the ticket, merged back.
    dup = log_new(office["reception"], customer, product.id, "Install error 1603 again")
    funding.fund_from_ticket(office["reception"], dup.id)
    assert tickets.balance(ticket_id) == 8
    merge = MergeDialog(None, detail(ref.id))
    qtbot.addWidget(merge)
    assert merge.objectName() == "mergeDialog"
    merge.choose(dup.id, ref.id)
    assert "re-credited" in merge.outcome.text()
    press_ok(merge)
    assert merge.value is not None
    assert (merge.value.duplicate_id, merge.value.survivor_id) == (dup.id, ref.id)
    monkeypatch.setattr(MergeDialog, "ask", staticmethod(lambda *a: merge.value))
    summary = workbench.merge_flow(None, engineer, ref.id)
    assert summary is not None and "re-credited" in summary.lower()
    assert tickets.balance(ticket_id) == 9
    recredits = list(t.TicketLedger.select().where(
        (t.TicketLedger.ticket == ticket_id) & (t.TicketLedger.kind == LedgerKind.RECREDIT)))
    assert [r.incident_id for r in recredits] == [dup.id]
    assert detail(dup.id).merged_into is not None
    assert detail(dup.id).status is IncidentStatus.CLOSED

    # 6. Resolve as an enhancement request another customer asked for already.
    other = new_customer(office["reception"], "Beacon Bakeries")
    other_ref = log_new(office["reception"], other, product.id, "Wants a silent installer")
    buy_ticket(office["reception"], other, size=1)
    funding.fund_from_ticket(office["reception"], other_ref.id)
    closing.resolve(engineer, other_ref.id, Resolution.ENHANCEMENT, "Asked for /quiet",
                      enhancement_title="Silent installer option")
    request_id = registers.list_enhancement_requests(product.id)[0].id
    assert registers.list_enhancement_requests(product.id)[0].customer_count == 1

    resolve = ResolveDialog(None, detail(ref.id))
    qtbot.addWidget(resolve)
    assert resolve.objectName() == "resolveDialog"
    resolve.set_resolution(Resolution.ENHANCEMENT)
    assert resolve.existing_radio.isChecked()
    resolve.request_combo.setCurrentIndex(resolve.request_combo.findData(request_id))
    assert "1 customer asking" in resolve.request_combo.currentText()
    resolve.resolution_note.setPlainText("Customer wants to install without prompts.")
    press_ok(resolve)
    assert resolve.value is not None
    monkeypatch.setattr(ResolveDialog, "ask", staticmethod(lambda *a: resolve.value))
    resolved = workbench.resolve_flow(None, engineer, ref.id)
    assert resolved is not None and resolved.status is IncidentStatus.RESOLVED
    row = registers.list_enhancement_requests(product.id)[0]
    assert row.id == request_id and row.customer_count == 2
    assert set(row.customer_names) == {"Harriet Oduya", "Beacon Bakeries"}

    # 7. Fund the split-off incident and resolve it as escalated: it is on the register.
    funding.fund_from_ticket(office["reception"], new.id)
    escalate = ResolveDialog(None, detail(new.id))
    qtbot.addWidget(escalate)
    escalate.set_resolution(Resolution.ESCALATED)
    assert escalate.escalation_box.isVisibleTo(escalate)
    escalate.resolution_note.setPlainText("Looks like a bug in the export.")
    escalate.escalation_version.setText("8.1.2")
    escalate.escalation_steps.setPlainText("1. Open Payroll\n2. Export\n3. Error 0x80")
    press_ok(escalate)
    assert escalate.value is not None
    monkeypatch.setattr(ResolveDialog, "ask", staticmethod(lambda *a: escalate.value))
    assert workbench.resolve_flow(None, engineer, new.id) is not None

    window = RegistersWindow(engineer)
    qtbot.addWidget(window)
    model = window.escalation_model
    found = [model.row_at(i) for i in range(model.rowCount())
             if model.row_at(i).incident_id == new.id]
    assert len(found) == 1
    assert found[0].product_version == "8.1.2"
    assert found[0].status is EscalationStatus.OPEN
    assert "Error 0x80" in found[0].steps_to_reproduce
    assert shown_errors.shown == [shown_errors.shown[0]]  # nothing went wrong after the first refusal


# --- start work: the refusal and the way round it -------------------------------------------


def test_start_work_refused_offers_the_ticket_and_starts_once_redeemed(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    customer = new_customer(office["reception"], "Cara Lindqvist")
    ref = log_new(office["reception"], customer, office["product"].id, "Cannot post journals")
    ticket_id = buy_ticket(office["reception"], customer, size=3)
    asked: list[tuple[str, int, bool]] = []

    def choose_redeem(parent: object, message: str, left: int, can_pay: bool) -> str:
        asked.append((message, left, can_pay))
        return workbench.FundingShortcut.REDEEM

    monkeypatch.setattr(workbench.FundingShortcut, "ask", staticmethod(choose_redeem))
    started = workbench.start_work_flow(None, office["engineer"], ref.id)
    assert len(asked) == 1 and "not funded" in asked[0][0]
    assert asked[0][1:] == (3, False)
    assert started is not None and started.status is IncidentStatus.IN_PROGRESS
    assert started.funding is FundingKind.TICKET
    assert tickets.balance(ticket_id) == 2
    assert shown_errors.shown == []


def test_start_work_refused_and_cancelled_changes_nothing(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    customer = new_customer(office["reception"], "Dev Patel")
    ref = log_new(office["reception"], customer, office["product"].id, "Bank feed stopped")
    paid: list[int] = []
    monkeypatch.setattr(workbench.FundingShortcut, "ask",
                        staticmethod(lambda parent, message, left, can_pay: None))
    result = workbench.start_work_flow(None, office["engineer"], ref.id,
                                       take_payment=lambda i: bool(paid.append(i)))
    assert result is None and paid == []
    assert detail(ref.id).status is IncidentStatus.AWAITING_PAYMENT


def test_start_work_after_payment_taken_from_the_shortcut(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    customer = new_customer(office["reception"], "Eve Okafor")
    ref = log_new(office["reception"], customer, office["product"].id, "VAT return rejected")
    monkeypatch.setattr(workbench.FundingShortcut, "ask",
                        staticmethod(lambda parent, message, left, can_pay:
                                     workbench.FundingShortcut.PAY))

    def take_payment(incident_id: int) -> bool:
        payments.take_payment(office["reception"], payments.PaymentInput(
            customer_id=customer, incident_ids=(incident_id,), method=PaymentMethod.CASH,
            tendered_pence=10_000))
        return True

    started = workbench.start_work_flow(None, office["engineer"], ref.id,
                                        take_payment=take_payment)
    assert started is not None and started.funding is FundingKind.PAYMENT
    assert started.status is IncidentStatus.IN_PROGRESS


# --- the dialogs' own checks ------------------------------------------------------------------


@pytest.fixture
def working(office: dict[str, Any]) -> changes.IncidentRef:
    return incident_in_progress(office)


def test_split_dialog_needs_some_entries_not_all_and_a_subject(
        qtbot: Any, office: dict[str, Any], working: changes.IncidentRef) -> None:
    dialog = SplitDialog(None, detail(working.id), catalogue.list_products())
    qtbot.addWidget(dialog)
    ids = sorted(own_entries(working.id))
    # Events are listed but cannot be ticked.
    events = [dialog.entries.item(row, 0) for row in range(dialog.entries.rowCount())
              if dialog.entries.item(row, 1).text() == TimelineKind.SYSTEM.label]
    assert events and all(not item.flags() & Qt.ItemFlag.ItemIsUserCheckable for item in events)
    dialog.subject.setText("Fonts missing")
    press_ok(dialog)
    assert dialog.value is None and "at least one" in dialog.message.text()
    dialog.set_checked(ids)
    press_ok(dialog)
    assert dialog.value is None and "must stay" in dialog.message.text()
    dialog.set_checked(ids[:1])
    dialog.subject.clear()
    press_ok(dialog)
    assert dialog.value is None and "subject" in dialog.message.text()
    dialog.subject.setText("  Fonts   missing ")
    press_ok(dialog)
    assert dialog.value is not None
    assert dialog.value.entry_ids == (ids[0],) and dialog.value.subject == "Fonts missing"
    assert dialog.value.product_id == office["product"].id


def test_resolve_dialog_asks_for_what_each_resolution_needs(
        qtbot: Any, office: dict[str, Any], working: changes.IncidentRef) -> None:
    dialog = ResolveDialog(None, detail(working.id))
    qtbot.addWidget(dialog)
    labels = [dialog.resolution_type.itemText(i) for i in range(dialog.resolution_type.count())]
    assert labels == ["Solution", "Work-around", "Enhancement request", "Escalated"]
    press_ok(dialog)
    assert dialog.value is None and "note" in dialog.message.text()
    dialog.resolution_note.setPlainText("Installed the missing font.")
    dialog.set_resolution(Resolution.ESCALATED)
    press_ok(dialog)
    assert dialog.value is None and "version" in dialog.message.text()
    dialog.escalation_version.setText("12.4")
    press_ok(dialog)
    assert dialog.value is None and "steps" in dialog.message.text()
    # No request of this product exists yet: only a new one can be started, and needs a title.
    dialog.set_resolution(Resolution.ENHANCEMENT)
    assert not dialog.existing_radio.isEnabled() and dialog.new_radio.isChecked()
    press_ok(dialog)
    assert dialog.value is None and "title" in dialog.message.text()
    dialog.new_title.setText("Embed fonts in reports")
    press_ok(dialog)
    assert dialog.value is not None
    assert dialog.value.resolution is Resolution.ENHANCEMENT
    assert dialog.value.enhancement_title == "Embed fonts in reports"
    assert dialog.value.enhancement_request_id is None


def test_resolve_flow_with_a_solution(qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
                                      working: changes.IncidentRef,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = ResolveDialog(None, detail(working.id))
    qtbot.addWidget(dialog)
    dialog.resolution_note.setPlainText("Installed the missing font; reports print.")
    press_ok(dialog)
    monkeypatch.setattr(ResolveDialog, "ask", staticmethod(lambda *a: dialog.value))
    ref = workbench.resolve_flow(None, office["engineer"], working.id)
    assert ref is not None
    after = detail(working.id)
    assert after.resolution is Resolution.SOLUTION
    assert after.resolution_note == "Installed the missing font; reports print."


def test_resolve_flow_refuses_a_stale_version_and_says_who_changed_it(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors, working: changes.IncidentRef,
        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = detail(working.id).version
    intake.edit_incident(office["engineer2"], working.id, seen, subject="Reports blank (PDF)")
    monkeypatch.setattr(ResolveDialog, "ask", staticmethod(
        lambda *a: ResolveRequest(Resolution.SOLUTION, "Fixed")))
    assert workbench.resolve_flow(None, office["engineer"], working.id,
                                  expected_version=seen) is None
    assert len(shown_errors.shown) == 1 and "Erin Engineer" in str(shown_errors.shown[0])
    assert detail(working.id).status is IncidentStatus.IN_PROGRESS


def test_close_unresolved_needs_a_reason_then_reopen_costs_nothing(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors, working: changes.IncidentRef,
        monkeypatch: pytest.MonkeyPatch) -> None:
    close = CloseUnresolvedDialog(None, detail(working.id))
    qtbot.addWidget(close)
    assert close.objectName() == "closeUnresolvedDialog"
    press_ok(close)
    assert close.value is None and "reason" in close.message.text()
    close.text.setPlainText("Customer's server is being replaced; nothing more to do.")
    press_ok(close)
    monkeypatch.setattr(CloseUnresolvedDialog, "ask", staticmethod(lambda *a: close.value))
    closed = workbench.close_unresolved_flow(None, office["engineer"], working.id)
    assert closed is not None and closed.status is IncidentStatus.CLOSED
    assert detail(working.id).resolution is Resolution.UNRESOLVED

    reopen = ReopenDialog(None, detail(working.id))
    qtbot.addWidget(reopen)
    assert "no new charge" in reopen.explanation.text()
    press_ok(reopen)  # the note is optional
    monkeypatch.setattr(ReopenDialog, "ask", staticmethod(lambda *a: reopen.value))
    reopened = workbench.reopen_flow(None, office["engineer"], working.id)
    assert reopened is not None and reopened.status is IncidentStatus.IN_PROGRESS
    assert reopened.funding is FundingKind.WAIVER
    assert shown_errors.shown == []


def test_out_of_remit_is_for_engineers_and_hands_the_ticket_back(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    customer = new_customer(office["reception"], "Gus Mbeki")
    ref = log_new(office["reception"], customer, office["product"].id,
                  "Write a macro for our price list")
    ticket_id = buy_ticket(office["reception"], customer, size=2)
    funding.fund_from_ticket(office["reception"], ref.id)
    monkeypatch.setattr(OutOfRemitDialog, "ask", staticmethod(never_ask))
    assert workbench.out_of_remit_flow(None, office["reception"], ref.id) is None
    assert isinstance(shown_errors.shown[-1], PermissionDenied)

    dialog = OutOfRemitDialog(None, detail(ref.id))
    qtbot.addWidget(dialog)
    assert "re-credited" in dialog.explanation.text()
    dialog.text.setPlainText("Implementing a macro in their data file is not support.")
    press_ok(dialog)
    monkeypatch.setattr(OutOfRemitDialog, "ask", staticmethod(lambda *a: dialog.value))
    closed = workbench.out_of_remit_flow(None, office["engineer"], ref.id)
    assert closed is not None and closed.status is IncidentStatus.CLOSED
    assert tickets.balance(ticket_id) == 2


def test_merge_dialog_says_a_payment_is_kept_for_an_unfunded_survivor(
        qtbot: Any, office: dict[str, Any]) -> None:
    customer = new_customer(office["reception"], "Hana Suzuki")
    first = log_new(office["reception"], customer, office["product"].id, "Year end won't close")
    dup = log_new(office["reception"], customer, office["product"].id, "Year end closing fails")
    payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=customer, incident_ids=(dup.id,), method=PaymentMethod.CASH,
        tendered_pence=10_000))
    dialog = MergeDialog(None, detail(first.id))
    qtbot.addWidget(dialog)
    dialog.choose(dup.id, first.id)
    assert "kept and now funds" in dialog.outcome.text()
    assert first.reference in dialog.outcome.text()
    dialog.choose(first.id, first.id)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.value is None
    assert dialog.message.text() == "An incident cannot be merged into itself."
    dialog.choose(first.id, dup.id)
    dialog.swap_button.click()
    assert (dialog.duplicate.currentData(), dialog.survivor.currentData()) == (dup.id, first.id)


def test_merge_dialog_offers_only_the_customers_incidents_that_are_not_closed(
        qtbot: Any, office: dict[str, Any]) -> None:
    mine = new_customer(office["reception"], "Ivo Novak")
    theirs = new_customer(office["reception"], "Jo Brand")
    a = log_new(office["reception"], mine, office["product"].id, "A")
    b = log_new(office["reception"], mine, office["product"].id, "B")
    closed = log_new(office["reception"], mine, office["product"].id, "C")
    closing.close_unresolved(office["engineer"], closed.id, "Customer withdrew")
    log_new(office["reception"], theirs, office["product"].id, "D")
    dialog = MergeDialog(None, detail(a.id))
    qtbot.addWidget(dialog)
    offered = {dialog.duplicate.itemData(i) for i in range(dialog.duplicate.count())}
    assert offered == {a.id, b.id}


# --- roles: the services refuse, and the flows open no dialog -------------------------------


@pytest.mark.parametrize("action", ["start", "split", "merge", "resolve"])
def test_reception_cannot_start_split_merge_or_resolve(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors, working: changes.IncidentRef,
        monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    reception: Actor = office["reception"]
    work.wait_on_customer(office["engineer"], working.id)  # so starting is possible
    entry = sorted(own_entries(working.id))[0]
    other = log_new(reception, detail(working.id).customer_id, office["product"].id, "Dup")
    service_calls = {
        "start": lambda: work.start_work(reception, working.id),
        "split": lambda: reshape.split(reception, working.id, [entry], subject="Other",
                                         product_id=office["product"].id),
        "merge": lambda: reshape.merge(reception, other.id, working.id),
        "resolve": lambda: closing.resolve(reception, working.id, Resolution.SOLUTION,
                                             "Fixed"),
    }
    with pytest.raises(PermissionDenied):
        service_calls[action]()
    for dialog in (SplitDialog, MergeDialog, ResolveDialog):
        monkeypatch.setattr(dialog, "ask", staticmethod(never_ask))
    flows = {
        "start": lambda: workbench.start_work_flow(None, reception, working.id),
        "split": lambda: workbench.split_flow(None, reception, working.id),
        "merge": lambda: workbench.merge_flow(None, reception, working.id),
        "resolve": lambda: workbench.resolve_flow(None, reception, working.id),
    }
    assert flows[action]() is None
    assert len(shown_errors.shown) == 1 and isinstance(shown_errors.shown[0], PermissionDenied)
    after = detail(working.id)
    assert after.status is IncidentStatus.WAITING_ON_CUSTOMER
    assert entry in own_entries(working.id)


# --- call-backs -----------------------------------------------------------------------------


def test_callback_dialog_takes_office_time_and_the_flow_schedules_it(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors, working: changes.IncidentRef,
        monkeypatch: pytest.MonkeyPatch) -> None:
    customer_id = detail(working.id).customer_id
    asked: list[CallbackRequest] = []
    dialog = CallbackDialog(None, asked.append, customer_id, working.id,  # type: ignore[arg-type]
                            working.reference)
    qtbot.addWidget(dialog)
    year = utcnow().year + 2
    # 10:00 in London in July is 09:00 UTC (British Summer Time).
    dialog.set_due_local(dt.datetime(year, 7, 1, 10, 0))
    dialog.note.setPlainText("Ring once the font is installed")
    press_ok(dialog)
    assert len(asked) == 1
    assert asked[0].due_at == dt.datetime(year, 7, 1, 9, 0)

    # The flow gives the dialog the service, which schedules what the form says.
    monkeypatch.setattr(CallbackDialog, "ask", staticmethod(
        lambda parent, schedule, *a: schedule(asked[0])))
    row = workbench.schedule_callback_flow(None, office["reception"], customer_id, working.id)
    assert row is not None and row.incident_id == working.id
    assert row.due_at == dt.datetime(year, 7, 1, 9, 0)
    assert row.note == "Ring once the font is installed"


def test_callback_dialog_refuses_a_time_that_has_passed(
        qtbot: Any, office: dict[str, Any], working: changes.IncidentRef) -> None:
    customer_id = detail(working.id).customer_id
    dialog = CallbackDialog(
        None, lambda request: callbacks.schedule_callback(
            office["reception"], request.customer_id, request.due_at, request.note,
            incident_id=request.incident_id), customer_id, working.id)
    qtbot.addWidget(dialog)
    dialog.set_due_local(dt.datetime(2020, 1, 6, 9, 0))
    press_ok(dialog)
    assert dialog.value is None and "passed" in dialog.message.text()
    assert dialog.focus_for(ValidationError("x", "due_at")) is dialog.due
    assert callbacks.callbacks_of_customer(customer_id) == []  # nothing was scheduled


# --- the summary flow -----------------------------------------------------------------------


def test_summary_flow_renders_on_the_pdf_pool_and_opens_the_preview(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        working: changes.IncidentRef) -> None:
    from PySide6.QtWidgets import QApplication

    from synergy_desk.ui.pdf_preview import PdfPreviewDialog
    from synergy_desk.ui.worker import Background

    background = Background()
    got: list[SummaryPdf] = []
    workbench.summary_flow(None, background, working.id, on_ready=got.append)
    qtbot.waitUntil(lambda: bool(got) or bool(shown_errors.shown), timeout=20_000)
    assert shown_errors.shown == []
    assert got[0].reference == working.reference and got[0].pdf.startswith(b"%PDF")

    def preview() -> PdfPreviewDialog | None:
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, PdfPreviewDialog) and w.isVisible()), None)

    workbench.summary_flow(None, background, working.id)
    qtbot.waitUntil(lambda: preview() is not None or bool(shown_errors.shown), timeout=20_000)
    shown = preview()
    assert shown is not None and shown_errors.shown == []
    qtbot.addWidget(shown)
    assert shown.filename == f"{working.reference}.pdf"
    assert shown.document.pageCount() >= 1
    assert working.reference in shown.windowTitle()
    background.wait()


def test_summary_flow_shows_an_error_for_a_missing_incident(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors) -> None:
    from synergy_desk.ui.worker import Background

    background = Background()
    got: list[bytes] = []
    workbench.summary_flow(None, background, 999_999, on_ready=got.append)
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=20_000)
    assert got == [] and "999999" in str(shown_errors.shown[0])


def test_validation_errors_reach_show_error_not_the_user_as_a_traceback(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors, working: changes.IncidentRef,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # An incident in progress cannot be re-opened: the service refuses, the flow shows it.
    monkeypatch.setattr(ReopenDialog, "ask", staticmethod(lambda *a: ReasonRequest("")))
    assert workbench.reopen_flow(None, office["engineer"], working.id) is None
    assert len(shown_errors.shown) == 1 and isinstance(shown_errors.shown[0], ValidationError)
    assert "open already" in str(shown_errors.shown[0])
