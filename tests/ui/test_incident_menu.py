"""Every incident action is on view: in the window's Incident menu and in the list row's
context menu, with its shortcut, enabled exactly as the incident detail's button is."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from synergy_desk.domain.enums import Resolution
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import closing
from synergy_desk.ui.main_window import MainWindow
from synergy_desk.ui.prefs import Preferences
from tests.services.incidents.incident_helpers import in_progress, make_customer, new_call
from tests.ui.test_main_window import make_window

DESK = ["logCall", "takePayment", "applyCover", "requestTransfer", "callback", "summary",
        "changeFields"]
WORK = ["claim", "startWork", "waitCustomer", "split", "merge", "resolve", "closeUnresolved",
        "reopen", "outOfRemit"]
ROLE_ACTIONS = {"reception": DESK, "engineer": DESK + WORK, "manager": DESK + WORK + ["waive"]}
#: The shortcut each action shows, wherever it is shown.
SHORTCUTS = {"logCall": "Ctrl+T", "takePayment": "Ctrl+Shift+Y", "applyCover": "Ctrl+Shift+T",
             "requestTransfer": "Ctrl+Shift+Z",
             "callback": "Ctrl+Shift+B", "summary": "Ctrl+P", "changeFields": "Ctrl+Shift+I",
             "startWork": "Ctrl+Shift+S", "split": "Ctrl+Shift+P", "merge": "Ctrl+Shift+M",
             "resolve": "Ctrl+Shift+R", "reopen": "Ctrl+Shift+O", "outOfRemit": "Ctrl+Shift+X"}


def menu_actions(menu: QMenu) -> list[QAction]:
    return [a for a in menu.actions() if not a.isSeparator()]


def entry_for(window: MainWindow, name: str) -> QAction:
    """The action the menus show for the detail's action ``name``."""
    detail_action = window.detail.incident_actions[name]
    own = {"takePayment": window.act_take_payment, "applyCover": window.act_apply_cover,
           "changeFields": window.act_change_incident}
    return own.get(name, detail_action)


def check_menus(window: MainWindow, role: str) -> None:
    names = ROLE_ACTIONS[role]
    assert list(window.detail.incident_actions) == names
    incident_menu = menu_actions(window.incident_menu)
    context_menu = menu_actions(window.incident_context_menu)
    assert context_menu == [entry_for(window, name) for name in names]
    for name in names:
        entry = entry_for(window, name)
        assert entry in incident_menu, name
        assert entry.isVisible()
        assert entry.shortcut().toString() == SHORTCUTS.get(name, ""), name
        if name != "takePayment":  # also takes a payment for the customer shown
            assert entry.isEnabled() == window.detail.buttons[name].isEnabled(), name
    # No letter is two entries' mnemonic in either menu.
    for menu in (incident_menu, context_menu):
        letters = [a.text().lower().split("&")[1][0] for a in menu if "&" in a.text()]
        assert len(letters) == len(set(letters)), [a.text() for a in menu]


@pytest.fixture
def incidents(office: dict[str, Any]) -> dict[str, Any]:
    engineer, reception, product = office["engineer"], office["reception"], office["product"]
    unfunded = new_call(reception, make_customer("Bramley Garden Centre"), product,
                        subject="Cannot print the VAT return")
    working = in_progress(engineer, reception, make_customer("Orla Byrne"), product,
                          "Backups fail at night")
    resolved = in_progress(engineer, reception, make_customer("Oduya Joinery"), product,
                           "Payroll run stops at 80%")
    closing.resolve(engineer, resolved.id, Resolution.SOLUTION, "Excluded the folder.")
    return {"unfunded": unfunded, "working": working, "resolved": resolved}


@pytest.mark.parametrize("role", ["reception", "engineer", "manager"])
def test_every_incident_action_is_in_the_incident_menu_and_the_rows_context_menu(
        qtbot: Any, office: dict[str, Any], incidents: dict[str, Any], prefs: Preferences,
        role: str) -> None:
    actor: Actor = office[role]
    window = make_window(qtbot, actor, prefs)
    window.view_buttons["all"].click()
    assert window.findChild(QMenu, "incidentContextMenu") is window.incident_context_menu
    assert window.detail.findChild(QWidget, "incidentActions") is window.detail.action_bar
    assert all(window.detail.findChild(QAction, f"incidentAction_{name}") is action
               for name, action in window.detail.incident_actions.items())
    check_menus(window, role)  # nothing shown: every one disabled
    assert not any(window.detail.incident_actions[name].isEnabled() for name in ROLE_ACTIONS[role])
    for which in ("unfunded", "working", "resolved"):
        window.open_incident(incidents[which].id)
        check_menus(window, role)
    manager_only = {"waive": ("unfunded", True), "reopen": ("resolved", True),
                    "resolve": ("unfunded", False), "startWork": ("working", False)}
    for name, (which, enabled) in manager_only.items():
        if name in window.detail.incident_actions:
            window.open_incident(incidents[which].id)
            assert entry_for(window, name).isEnabled() is enabled, (name, which)


def test_a_right_click_chooses_the_row_and_offers_its_actions(
        qtbot: Any, office: dict[str, Any], incidents: dict[str, Any],
        prefs: Preferences) -> None:
    window = make_window(qtbot, office["manager"], prefs)
    window.view_buttons["all"].click()
    row = window.model.row_of(incidents["resolved"].id)
    pos = window.table.visualRect(window.model.index(row, 2)).center()
    window.table.customContextMenuRequested.emit(pos)
    menu = window.incident_context_menu
    qtbot.waitUntil(menu.isVisible)
    assert window.detail.incident_id == incidents["resolved"].id
    assert window.table.currentIndex().row() == row
    assert window.detail.incident_actions["reopen"].isEnabled()
    assert not window.detail.incident_actions["waive"].isEnabled()
    menu.close()
    # The Incident menu names the keys, and opens the menu beside the chosen row too.
    assert window.act_row_menu in window.incident_menu.actions()
    assert window.act_row_menu.shortcut().toString() == "Shift+F10"
    window.act_row_menu.trigger()
    qtbot.waitUntil(menu.isVisible)
    menu.close()
    # The Menu key and Shift+F10 offer the chosen row's actions from the keyboard.
    window.table.setFocus()
    for key, modifier in ((Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
                          (Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier)):
        qtbot.keyClick(window.table, key, modifier)
        qtbot.waitUntil(menu.isVisible)
        assert QApplication.activePopupWidget() is menu
        menu.close()


def test_an_action_chosen_from_the_context_menu_acts_on_that_row(
        qtbot: Any, office: dict[str, Any], incidents: dict[str, Any],
        prefs: Preferences) -> None:
    manager = office["manager"]
    window = make_window(qtbot, manager, prefs)
    window.view_buttons["all"].click()
    working = incidents["working"]
    row = window.model.row_of(working.id)
    window.table.customContextMenuRequested.emit(
        window.table.visualRect(window.model.index(row, 0)).center())
    claim = window.detail.incident_actions["claim"]
    assert claim in window.incident_context_menu.actions() and claim.isEnabled()
    window.incident_context_menu.close()
    claim.trigger()
    qtbot.waitUntil(lambda: t.Incident.get_by_id(working.id).engineer_id == manager.id)
    assert not window.detail.incident_actions["claim"].isEnabled()  # it is the manager's now


def test_a_shared_actions_shortcut_still_works_once_and_only_when_enabled(
        qtbot: Any, office: dict[str, Any], incidents: dict[str, Any], prefs: Preferences,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from synergy_desk.ui import workbench

    asked: list[int] = []
    monkeypatch.setattr(workbench, "reopen_flow",
                        lambda parent, actor, incident_id, **kw: asked.append(incident_id))
    window = make_window(qtbot, office["manager"], prefs)
    window.view_buttons["all"].click()
    window.open_incident(incidents["working"].id)  # open: nothing to re-open
    window.table.setFocus()
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.table, Qt.Key.Key_O, ctrl_shift)
    assert asked == []
    window.open_incident(incidents["resolved"].id)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_O, ctrl_shift)
    assert asked == [incidents["resolved"].id]
