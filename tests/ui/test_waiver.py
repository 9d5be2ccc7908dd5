"""Waiving a charge: the dialog, the flow, and the incident detail's button and heading."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from synergy_desk.domain.enums import FundingKind, WaiverKind
from synergy_desk.domain.errors import PermissionDenied
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.money import funding
from synergy_desk.ui.dialogs.waiver import WaiverDialog, WaiverRequest, waive_flow
from synergy_desk.ui.incident_detail import IncidentDetail
from tests.services.incidents.incident_helpers import make_customer, new_call, pay_for
from tests.ui.conftest import ShownErrors


@pytest.fixture
def unfunded(reception: Actor, product: t.Product) -> Any:
    return new_call(reception, make_customer(), product, subject="Crash on open")


def test_a_waiver_without_a_reason_is_refused_with_the_reason_why(qtbot: Any) -> None:
    dialog = WaiverDialog(None, "INC-000012")
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "waiverDialog" and "INC-000012" in dialog.windowTitle()
    assert [dialog.kind.itemData(i) for i in range(dialog.kind.count())] == list(WaiverKind)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.value is None
    assert dialog.message.text() == "Give the reason for waiving the charge."
    dialog.message.clear()
    dialog.reason.setPlainText("   ")
    ok.click()
    assert dialog.value is None
    assert dialog.message.text() == "Give the reason for waiving the charge."
    dialog.kind.setCurrentIndex(dialog.kind.findData(WaiverKind.WARRANTY))
    assert "fault is ours" in dialog.hint.text()
    dialog.reason.setPlainText("  Our bug in 12.4  ")
    ok.click()
    assert dialog.value == WaiverRequest(WaiverKind.WARRANTY, "Our bug in 12.4")


def test_the_flow_waives_and_the_detail_says_so(qtbot: Any, manager: Actor, unfunded: Any,
                                                shown_errors: ShownErrors,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    detail = IncidentDetail(manager)
    qtbot.addWidget(detail)
    detail.show_incident(unfunded.id)
    button = detail.buttons["waive"]
    assert button.isEnabled()
    monkeypatch.setattr(WaiverDialog, "ask", classmethod(
        lambda cls, parent, reference: WaiverRequest(WaiverKind.GOODWILL, "Waited two days")))
    with qtbot.waitSignal(detail.changed) as changed:
        button.click()
    assert changed.args == [unfunded.id]
    info = funding.funding_of(unfunded.id)
    assert info is not None and info.kind is FundingKind.WAIVER
    assert info.waiver_reason == "Waited two days"
    detail.show_incident(unfunded.id)
    assert "Waived (goodwill) by Mary Manager" in detail.heading.text()
    assert not detail.buttons["waive"].isEnabled()
    assert shown_errors.shown == []


def test_a_funded_incident_cannot_be_waived(qtbot: Any, manager: Actor, reception: Actor,
                                            product: t.Product) -> None:
    customer = make_customer()
    paid = new_call(reception, customer, product)
    pay_for(reception, customer, paid.id)
    detail = IncidentDetail(manager)
    qtbot.addWidget(detail)
    detail.show_incident(paid.id)
    assert not detail.buttons["waive"].isEnabled()


@pytest.mark.parametrize("who", ["engineer", "reception"])
def test_only_managers_see_the_button(qtbot: Any, office: dict[str, Any], unfunded: Any,
                                      who: str) -> None:
    detail = IncidentDetail(office[who])
    qtbot.addWidget(detail)
    detail.show_incident(unfunded.id)
    assert "waive" not in detail.buttons


def test_the_flow_refuses_an_engineer_before_asking(office: dict[str, Any], unfunded: Any,
                                                    shown_errors: ShownErrors,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(WaiverDialog, "ask", classmethod(
        lambda cls, parent, reference: asked.append(reference)))
    assert waive_flow(None, office["engineer"], unfunded.id, unfunded.reference) is None
    assert asked == [] and isinstance(shown_errors.shown[-1], PermissionDenied)
    assert funding.funding_of(unfunded.id) is None


def test_a_refusal_from_the_service_is_shown(manager: Actor, unfunded: Any, shown_errors: ShownErrors,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(WaiverDialog, "ask", classmethod(
        lambda cls, parent, reference: WaiverRequest(WaiverKind.INTERNAL, "Test")))
    assert waive_flow(None, manager, unfunded.id, unfunded.reference) is not None
    # Waiving it again: already funded.
    assert waive_flow(None, manager, unfunded.id, unfunded.reference) is None
    assert "funded" in str(shown_errors.shown[-1])
