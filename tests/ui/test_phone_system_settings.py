"""Office settings ▸ Phone system: the listener turned on with a token made for it, opened to
the office network, its port, the token copied or replaced, and the address the phone system
is given."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import QApplication

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents.caller_log import CTI_PATH
from synergy_desk.services.office.settings import get_settings
from synergy_desk.ui.worker import Background
from tests.ui.test_office_settings import open_dialog


def test_the_listener_is_off_and_its_fields_greyed_until_turned_on(
        qtbot: Any, manager: Actor, background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.tabs.setCurrentIndex(4)
    assert dialog.tabs.tabText(4) == "Phone s&ystem"
    assert not dialog.phone_listener.isChecked() and not dialog.phone_open.isChecked()
    assert dialog.phone_port.value() == 8765
    assert dialog.phone_token.text() == "" and dialog.phone_address.text() == ""
    assert not dialog.phone_port.isEnabled() and not dialog.new_token_button.isEnabled()
    assert dialog.changes() == {}


def test_turning_it_on_makes_a_token_shows_the_address_and_saves(
        qtbot: Any, manager: Actor, background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.tabs.setCurrentIndex(4)
    dialog.phone_listener.setChecked(True)
    token = dialog.phone_token.text()
    assert len(token) >= 40 and dialog.phone_token.isReadOnly()
    assert dialog.phone_address.text() == f"http://127.0.0.1:8765{CTI_PATH}{token}"
    dialog.phone_port.setValue(9000)
    assert dialog.phone_address.text() == f"http://127.0.0.1:9000{CTI_PATH}{token}"
    assert dialog.phone_address.cursorPosition() == 0  # shown from its start
    dialog.copy_address_button.click()
    assert QApplication.clipboard().text() == dialog.phone_address.text()
    dialog.copy_token_button.click()
    assert QApplication.clipboard().text() == token
    assert dialog.changes() == {"phone_listener_enabled": True, "phone_listener_port": 9000,
                                "phone_listener_token": token}
    dialog.save_button.click()
    saved = get_settings()
    assert (saved.phone_listener_enabled, saved.phone_listener_port,
            saved.phone_listener_token) == (True, 9000, token)
    [row] = t.AuditLog.select().where(t.AuditLog.action == "settings.update")
    assert token not in row.after and json.loads(row.after)["phone_listener_token"] == "(hidden)"


def test_a_new_token_and_the_office_network_are_saved(qtbot: Any, manager: Actor,
                                                      background: Background) -> None:
    from synergy_desk.services.office.settings import update_settings

    first = update_settings(manager, get_settings().version, phone_listener_enabled=True)
    dialog = open_dialog(qtbot, manager, background)
    dialog.tabs.setCurrentIndex(4)
    assert dialog.phone_token.text() == first.phone_listener_token
    dialog.new_token_button.click()
    fresh = dialog.phone_token.text()
    assert fresh != first.phone_listener_token
    assert "takes the old one's place" in dialog.phone_status.text()
    dialog.phone_open.setChecked(True)
    assert "127.0.0.1" not in dialog.phone_address.text()
    assert dialog.phone_address.text().endswith(f":8765{CTI_PATH}{fresh}")
    assert dialog.changes() == {"phone_listener_open": True, "phone_listener_token": fresh}
    dialog.save_button.click()
    saved = get_settings()
    assert saved.phone_listener_open and saved.phone_listener_token == fresh


def test_the_phone_system_tab_shares_no_access_key(qtbot: Any, manager: Actor,
                                                   background: Background) -> None:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    dialog = open_dialog(qtbot, manager, background)
    dialog.tabs.setCurrentIndex(4)
    dialog.phone_listener.setChecked(True)
    texts = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton) if w.isVisible()]
    texts += [w.text() for w in dialog.findChildren(QLabel) if w.isVisible() and w.buddy()]
    keys = [text[text.index("&") + 1].lower() for text in texts if "&" in text]
    assert len(keys) == len(set(keys)), sorted(keys)
