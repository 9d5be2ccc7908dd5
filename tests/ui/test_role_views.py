"""Each role opens the incident list on a useful view, and each user's last choice is kept."""

from __future__ import annotations

from typing import Any

import pytest

from synergy_desk.services.incidents import intake
from synergy_desk.services.people import customers
from synergy_desk.ui.main_window import VIEWS, MainWindow
from synergy_desk.ui.prefs import Preferences
from tests.ui.test_main_window import make_window


@pytest.mark.parametrize(("role", "view"), [("reception", "awaiting_payment"),
                                            ("engineer", "mine"), ("manager", "open")])
def test_each_role_opens_on_its_own_view(qtbot: Any, office: dict[str, Any],
                                         prefs: Preferences, role: str, view: str) -> None:
    window = make_window(qtbot, office[role], prefs)
    assert window._view == view and window.view_buttons[view].isChecked()
    assert window.current_filter().view == view
    # Its button is in sight where the view buttons scroll sideways.
    window.showNormal()
    window.resize(1366, 768)
    window._select_view(view)
    button = window.view_buttons[view]
    qtbot.waitUntil(lambda: button.visibleRegion().boundingRect() == button.rect())


def test_the_manager_sees_every_open_incident_on_opening(
        qtbot: Any, office: dict[str, Any], prefs: Preferences) -> None:
    reception = office["reception"]
    customer = customers.create_customer(
        reception, customers.CustomerInput(name="Bramley Garden Centre", phone="01632 960002"))
    ref = intake.log_call(reception, intake.LogCallInput(
        customer_id=customer.id, product_id=office["product"].id, subject="VAT return",
        text="Rang in"))
    window = make_window(qtbot, office["manager"], prefs)
    assert window.model.row_of(ref.id) >= 0  # unassigned: not in "My incidents"
    assert window.view_buttons["open"].text().endswith("1")
    assert "Alt+9" in window.view_buttons["open"].toolTip()


def test_the_view_a_user_chose_last_is_theirs_at_the_next_start(
        qtbot: Any, office: dict[str, Any], prefs: Preferences) -> None:
    manager, engineer = office["manager"], office["engineer"]
    first = make_window(qtbot, manager, prefs)
    first.view_buttons["resolved"].click()
    first.close()
    # Another user at the same desk keeps their own.
    theirs = make_window(qtbot, engineer, prefs)
    assert theirs._view == "mine"
    theirs.view_buttons["in_progress"].click()
    theirs.close()
    again = make_window(qtbot, manager, prefs)
    assert again._view == "resolved" and again.view_buttons["resolved"].isChecked()
    engineer_again = make_window(qtbot, engineer, prefs)
    assert engineer_again._view == "in_progress"


def test_a_view_kept_by_another_version_falls_back_to_the_roles_own(
        qtbot: Any, office: dict[str, Any], prefs: Preferences) -> None:
    prefs.set_last_view(office["reception"].username, "no such view")
    window: MainWindow = make_window(qtbot, office["reception"], prefs)
    assert window._view == "awaiting_payment"
    assert {key for key, _label, _keys in VIEWS} >= {"awaiting_payment", "mine", "open"}
