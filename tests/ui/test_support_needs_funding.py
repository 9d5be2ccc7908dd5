"""Logging support work on an unfunded incident from the window: refused as starting work is,
with the same ways to fund it at once; the intake (a call about payment) is logged."""

from __future__ import annotations

from typing import Any

import pytest

from synergy_desk.domain.enums import FundingKind, TimelineKind
from synergy_desk.services.money import tickets
from synergy_desk.ui import workbench
from synergy_desk.ui.dialogs.timeline_entry import TimelineEntryDialog, TimelineRequest
from synergy_desk.ui.incident_detail import IncidentDetail
from tests.ui.conftest import ShownErrors
from tests.ui.workbench_data import buy_ticket, detail, log_new, new_customer

SESSION = TimelineRequest(TimelineKind.REMOTE_SESSION, "Reinstalled the printer driver", 55 * 60)


def _entries(incident_id: int, kind: TimelineKind) -> list[Any]:
    return [e for e in detail(incident_id).timeline if e.kind is kind]


def _shown(qtbot: Any, actor: Any, incident_id: int) -> IncidentDetail:
    pane = IncidentDetail(actor)
    qtbot.addWidget(pane)
    pane.show_incident(incident_id)
    return pane


@pytest.mark.parametrize("role", ["engineer", "manager"])
def test_a_remote_session_on_an_unfunded_incident_offers_the_start_work_shortcuts(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    customer = new_customer(office["reception"], "Hana Sato")
    ref = log_new(office["reception"], customer, office["product"].id, "Printer driver")
    ticket_id = buy_ticket(office["reception"], customer, size=3)
    asked: list[tuple[str, int, bool]] = []

    def choose_redeem(parent: object, message: str, left: int, can_pay: bool) -> str:
        asked.append((message, left, can_pay))
        return workbench.FundingShortcut.REDEEM

    monkeypatch.setattr(workbench.FundingShortcut, "ask", staticmethod(choose_redeem))
    pane = _shown(qtbot, office[role], ref.id)
    with qtbot.waitSignal(pane.changed):
        assert pane.log_entry(SESSION) is True
    assert len(asked) == 1
    message, left, can_pay = asked[0]
    assert message.startswith(f"{ref.reference} is not funded: take a payment, redeem a season "
                              "ticket")
    assert (left, can_pay) == (3, True)
    assert detail(ref.id).funding is FundingKind.TICKET
    assert tickets.balance(ticket_id) == 2
    assert [e.duration_seconds for e in _entries(ref.id, TimelineKind.REMOTE_SESSION)] == [3300]
    assert shown_errors.shown == []


def test_cancelling_the_shortcut_logs_nothing(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    customer = new_customer(office["reception"], "Ian Moss")
    ref = log_new(office["reception"], customer, office["product"].id, "Bank feed")
    monkeypatch.setattr(workbench.FundingShortcut, "ask",
                        staticmethod(lambda parent, message, left, can_pay: None))
    pane = _shown(qtbot, office["engineer"], ref.id)
    assert pane.log_entry(SESSION) is False
    assert _entries(ref.id, TimelineKind.REMOTE_SESSION) == []
    assert detail(ref.id).funding is FundingKind.NONE
    assert shown_errors.shown == []


def test_reception_is_refused_an_outgoing_support_call_with_the_same_shortcuts(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    customer = new_customer(office["reception"], "Jo Brand")
    ref = log_new(office["reception"], customer, office["product"].id, "Payroll")
    asked: list[str] = []
    monkeypatch.setattr(workbench.FundingShortcut, "ask",
                        staticmethod(lambda parent, message, left, can_pay:
                                     asked.append(message)))
    pane = _shown(qtbot, office["reception"], ref.id)
    call_out = TimelineRequest(TimelineKind.PHONE_OUT, "Talked them through the fix", 600)
    assert pane.log_entry(call_out) is False
    assert len(asked) == 1 and "is not funded" in asked[0]
    assert _entries(ref.id, TimelineKind.PHONE_OUT) == []


def test_a_call_about_payment_is_logged_while_unfunded(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    customer = new_customer(office["reception"], "Kim Lee")
    ref = log_new(office["reception"], customer, office["product"].id, "Payroll")
    monkeypatch.setattr(workbench.FundingShortcut, "ask", staticmethod(
        lambda *a: pytest.fail("a call about payment is not support work")))
    dialog = TimelineEntryDialog(None, [TimelineKind.PHONE_IN, TimelineKind.PHONE_OUT,
                                        TimelineKind.NOTE], ref.reference)
    qtbot.addWidget(dialog)
    box = dialog.findChild(type(dialog.about_payment), "timelineAboutPayment")
    assert box is not None and not box.isEnabled()  # a call in is the intake anyway
    dialog.kind.setCurrentIndex(1)
    assert box.isEnabled()
    box.setChecked(True)
    dialog.text.setPlainText("Rang to take the card payment")
    dialog.minutes.setValue(2)
    request = dialog.answer()
    assert request.about_payment is True and request.kind is TimelineKind.PHONE_OUT
    dialog.kind.setCurrentIndex(2)
    assert not box.isEnabled() and not box.isChecked()

    pane = _shown(qtbot, office["reception"], ref.id)
    assert pane.log_entry(request) is True
    assert [e.text for e in _entries(ref.id, TimelineKind.PHONE_OUT)] == [
        "Rang to take the card payment"]
    assert [e.about_payment for e in _entries(ref.id, TimelineKind.PHONE_OUT)] == [True]
    pane.show_incident(ref.id)
    last = pane.timeline.topLevelItem(pane.timeline.topLevelItemCount() - 1)
    assert last.text(1) == "Phone call out (about payment)"
    assert shown_errors.shown == []
