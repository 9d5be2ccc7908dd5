"""Office settings ▸ Mailbox: the support mailbox the desks read, saved with the rest of the
settings (the password only when it is changed), and its connection tested from the values
on screen with the plain reason when it fails."""

from __future__ import annotations

import json
import socket
from typing import Any

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.office.settings import get_settings
from synergy_desk.ui.dialogs.office_settings import OfficeSettingsDialog
from synergy_desk.ui.worker import Background


def open_dialog(qtbot: Any, manager: Actor, background: Background) -> OfficeSettingsDialog:
    dialog = OfficeSettingsDialog(None, manager, background, get_settings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(6)
    return dialog


def closed_port() -> int:
    """A port on the loopback address nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_mailbox_page_saves_the_account_and_how_mail_is_kept(
        qtbot: Any, manager: Actor, background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    assert dialog.tabs.tabText(6) == "Mailbo&x"
    assert dialog.imap_port.value() == 993 and dialog.imap_security.currentData() == "ssl"
    assert dialog.imap_password_state.text() == "not set"
    assert dialog.attachment_limit.value() == 10.0
    dialog.imap_host.setText("imap.synergy.example")
    dialog.imap_security.setCurrentIndex(dialog.imap_security.findData("starttls"))
    assert dialog.imap_port.value() == 143  # the usual port follows the security
    dialog.imap_user.setText("support@synergy.example")
    dialog.change_imap_password_button.click()
    dialog.imap_password.setText("m@ilbox")
    dialog.attachment_limit.setValue(5.0)
    dialog.flood_limit.setValue(30)
    dialog.mail_acknowledge.setChecked(True)
    dialog.mail_signature.setPlainText("Synergy Support\n0113 496 0000")

    dialog.save_button.click()

    saved = get_settings()
    assert (saved.imap_host, saved.imap_port, saved.imap_security, saved.imap_user) == (
        "imap.synergy.example", 143, "starttls", "support@synergy.example")
    assert saved.imap_password_set and t.OfficeSettings.get().imap_password == "m@ilbox"
    assert (saved.mail_attachment_limit_kb, saved.mail_flood_limit, saved.mail_acknowledge) == (
        5120, 30, True)
    assert saved.mail_signature == "Synergy Support\n0113 496 0000"
    [row] = t.AuditLog.select().where(t.AuditLog.entity == "settings")
    assert "m@ilbox" not in row.after and "imap_host" in json.loads(row.after)

    again = open_dialog(qtbot, manager, background)
    assert again.imap_password_state.text() == "set"
    assert "imap_password" not in again.changes()  # blank keeps the saved one
    assert again.changes() == {}


def test_test_connection_says_plainly_that_a_server_is_not_there(
        qtbot: Any, manager: Actor, background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.imap_host.setText("127.0.0.1")
    dialog.imap_security.setCurrentIndex(dialog.imap_security.findData("none"))
    dialog.imap_port.setValue(closed_port())
    dialog.imap_user.setText("support@synergy.example")
    with qtbot.waitSignal(dialog.mailbox_test_finished, timeout=30_000) as finished:
        dialog.mailbox_test_button.click()
    assert finished.args[0] is False
    text = dialog.mailbox_status.text()
    assert "127.0.0.1" in text and "Traceback" not in text and "Errno" not in text
    assert dialog.mailbox_test_button.isEnabled()
    assert get_settings().version == 1  # testing saves nothing
