"""tel: and callto: links registered for one Windows user (written here into an INI file that
stands in for the registry), and File ▸ This desk…, where a person turns them on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from synergy_desk.ui import url_schemes
from synergy_desk.ui.dialogs.desk_settings import DeskSettingsDialog
from synergy_desk.ui.url_schemes import (
    SettingsWriter,
    register_url_schemes,
    unregister_url_schemes,
    url_schemes_registered,
)

EXE = r"C:\Program Files\Synergy Desk\synergy-desk.exe"
COMMAND = (EXE, f'"{EXE}" "%1"')


@pytest.fixture
def registry(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "hkcu.ini"), QSettings.Format.IniFormat)


class FakeRegistry:
    """A registry in a dictionary: what was written, and a refusal on demand."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}
        self.refuse = False

    def set_value(self, key: str, name: str, value: str) -> None:
        if self.refuse:
            raise PermissionError(5, "Access is denied")
        self.values[(key, name)] = value

    def get_value(self, key: str, name: str) -> str | None:
        return self.values.get((key, name))

    def delete_tree(self, key: str) -> None:
        for k in [k for k in self.values if k[0] == key or k[0].startswith(key + "\\")]:
            del self.values[k]

    def delete_value(self, key: str, name: str) -> None:
        self.values.pop((key, name), None)


def test_each_scheme_is_a_url_protocol_opening_the_program_with_the_link() -> None:
    reg = FakeRegistry()
    register_url_schemes(reg, COMMAND)
    for scheme in ("tel", "callto"):
        key = rf"Software\Classes\{scheme}"
        assert reg.values[(key, "URL Protocol")] == ""
        assert reg.values[(key, "")].startswith("URL:")
        assert reg.values[(rf"{key}\DefaultIcon", "")] == f"{EXE},0"
        assert reg.values[(rf"{key}\shell\open\command", "")] == f'"{EXE}" "%1"'
    # Offered in Windows 10+ Default apps.
    caps = r"Software\SynergyDesk\Capabilities"
    assert reg.values[(r"Software\RegisteredApplications", "Synergy Desk")] == caps
    assert reg.values[(rf"{caps}\URLAssociations", "tel")] == "SynergyDesk.Call"
    assert reg.values[(rf"{caps}\URLAssociations", "callto")] == "SynergyDesk.Call"
    assert reg.values[(caps, "ApplicationName")] == "Synergy Desk"
    assert reg.values[(r"Software\Classes\SynergyDesk.Call\shell\open\command", "")] == \
        f'"{EXE}" "%1"'
    # Only the user's own part of the registry: nothing needs an administrator.
    assert all(key.startswith("Software\\") for key, _name in reg.values)


def test_registration_written_through_qsettings_reads_back_and_comes_off(
        registry: QSettings) -> None:
    writer = SettingsWriter(registry)
    assert not url_schemes_registered(writer)
    register_url_schemes(writer, COMMAND)
    registry.sync()
    assert registry.value("Software/Classes/tel/shell/open/command/@default", type=str) == \
        f'"{EXE}" "%1"'
    assert registry.value("Software/Classes/callto/URL Protocol", "missing", type=str) == ""
    assert url_schemes_registered(writer)
    unregister_url_schemes(writer)
    assert not url_schemes_registered(writer)
    assert registry.allKeys() == []


def test_taking_it_away_leaves_another_programs_scheme_alone() -> None:
    reg = FakeRegistry()
    register_url_schemes(reg, COMMAND)
    reg.values[(r"Software\Classes\callto\shell\open\command", "")] = '"skype.exe" "%1"'
    unregister_url_schemes(reg)
    assert reg.get_value(r"Software\Classes\callto\shell\open\command", "") == \
        '"skype.exe" "%1"'
    assert reg.get_value(r"Software\Classes\tel\shell\open\command", "") is None
    assert reg.get_value(r"Software\RegisteredApplications", "Synergy Desk") is None


def test_run_from_python_a_link_runs_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(url_schemes.sys, "frozen", raising=False)
    icon, command = url_schemes.program_command()
    assert command.endswith(' -m synergy_desk "%1"')


def test_the_desk_settings_turn_phone_links_on_for_windows(qtbot: Any) -> None:
    reg = FakeRegistry()
    dialog = DeskSettingsDialog(None, writer=lambda: reg, windows=True)
    qtbot.addWidget(dialog)
    assert dialog.phone_links.isEnabled() and not dialog.phone_links.isChecked()
    dialog.phone_links.setChecked(True)
    dialog.accept()
    assert dialog.value is not None and dialog.value.startswith("Phone links now open")
    assert url_schemes_registered(reg)
    again = DeskSettingsDialog(None, writer=lambda: reg, windows=True)
    qtbot.addWidget(again)
    assert again.phone_links.isChecked()


def test_a_refusal_from_windows_is_said_in_the_dialog(qtbot: Any) -> None:
    reg = FakeRegistry()
    reg.refuse = True
    dialog = DeskSettingsDialog(None, writer=lambda: reg, windows=True)
    qtbot.addWidget(dialog)
    dialog.phone_links.setChecked(True)
    dialog.accept()
    assert dialog.value is None
    assert dialog.message.text().startswith(
        "Windows did not let the phone links be changed (Access is denied).")


def test_elsewhere_the_checkbox_says_it_is_for_windows_and_is_greyed(qtbot: Any) -> None:
    dialog = DeskSettingsDialog(None, writer=None, windows=False)
    qtbot.addWidget(dialog)
    assert not dialog.phone_links.isEnabled()
    assert "registered on Windows" in dialog.note.text()
    dialog.accept()
    assert dialog.value == "Nothing was changed."


def test_this_desk_is_in_the_file_menu(qtbot: Any, office: dict[str, Any], prefs: Any,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from synergy_desk.ui.main_window import MainWindow

    window = MainWindow(office["reception"], prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    assert window.act_desk_settings in window.file_menu.actions()
    monkeypatch.setattr(DeskSettingsDialog, "ask", classmethod(lambda cls, parent: "Done."))
    window.act_desk_settings.trigger()
    assert window.statusBar().currentMessage() == "Done."


def test_taking_it_away_keeps_the_desks_own_settings_and_a_look_alike_program() -> None:
    """The program's preferences live under the organisation's key beside its capabilities;
    another vendor's program whose name merely contains the word is not the desk."""
    reg = FakeRegistry()
    register_url_schemes(reg, COMMAND)
    reg.values[(r"Software\SynergyDesk\Synergy Desk", "mainWindow/geometry")] = "kept"
    reg.values[(r"Software\Classes\callto\shell\open\command", "")] = \
        '"C:\\Synergy Phones\\softphone.exe" "%1"'
    unregister_url_schemes(reg)
    assert reg.get_value(r"Software\SynergyDesk\Synergy Desk", "mainWindow/geometry") == "kept"
    assert reg.get_value(r"Software\SynergyDesk\Capabilities", "ApplicationName") is None
    assert reg.get_value(r"Software\Classes\callto\shell\open\command", "") == \
        '"C:\\Synergy Phones\\softphone.exe" "%1"'
    assert reg.get_value(r"Software\Classes\tel\shell\open\command", "") is None
