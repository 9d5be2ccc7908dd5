"""The office server's password is kept in the system's credential store, never in the desk's
settings; where there is no store it is asked for at log-in, before connecting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QMessageBox

from synergy_desk import app
from synergy_desk.models import database
from synergy_desk.ui.dialogs.login import LoginDialog
from synergy_desk.ui.prefs import KEYRING_SERVICE, Preferences

SECRET = "Pa55#w/o?r@d"
URL = "postgresql://desk:Pa55%23w%2Fo%3Fr%40d@db.office.lan:6543/office"
DISPLAY = "postgresql://desk@db.office.lan:6543/office"


def _settings_text(tmp_path: Path) -> str:
    return (tmp_path / "prefs.ini").read_text(encoding="utf-8")


def test_the_settings_hold_the_address_and_the_store_holds_the_password(
        prefs: Preferences, credential_store: Any, tmp_path: Path) -> None:
    prefs.database_url = URL
    prefs.sync()
    text = _settings_text(tmp_path)
    assert "db.office.lan" in text
    assert "Pa55" not in text
    assert credential_store.passwords == {(KEYRING_SERVICE, DISPLAY): SECRET}
    assert not prefs.database_password_needed
    # Read back whole, as the desk opens it.
    assert database.postgres_parts(prefs.database_url).password == SECRET
    fresh = Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    assert database.postgres_parts(fresh.database_url).password == SECRET


def test_a_password_saved_by_an_earlier_version_moves_to_the_store(
        prefs: Preferences, credential_store: Any, tmp_path: Path) -> None:
    prefs.qsettings.setValue("database/url", URL)
    assert database.postgres_parts(prefs.database_url).password == SECRET
    prefs.sync()
    assert "Pa55" not in _settings_text(tmp_path)
    assert credential_store.passwords == {(KEYRING_SERVICE, DISPLAY): SECRET}


def test_choosing_another_database_forgets_nothing_it_should_not(
        prefs: Preferences, credential_store: Any) -> None:
    prefs.database_url = URL
    prefs.database_url = "postgresql://desk@db.office.lan:6543/office"
    assert credential_store.passwords == {}
    prefs.database_url = ""
    assert prefs.database_url == ""
    assert not prefs.database_password_needed


def test_with_no_store_the_password_is_kept_nowhere_and_asked_for_at_log_in(
        qtbot: Any, prefs: Preferences, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(fail.Keyring())
    prefs.database_url = URL
    prefs.sync()
    assert "Pa55" not in _settings_text(tmp_path)
    assert prefs.database_password_needed
    assert database.postgres_parts(prefs.database_url).password == ""

    asked: list[str] = []
    opened: list[str | None] = []

    def get_text(parent: Any, title: str, label: str, echo: Any) -> tuple[str, bool]:
        asked.append(label)
        return SECRET, True

    def open_database(url: str | None) -> Any:
        opened.append(url)
        raise database.DatabaseError("The server did not answer.")

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    monkeypatch.setattr(database, "open_database", open_database)
    monkeypatch.setattr(app, "_choose_other_database", lambda *a: False)
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a: None))
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, *a: None))
    assert app.start(prefs, database_url=None) == 2
    assert len(asked) == 1 and DISPLAY in asked[0] and "Pa55" not in asked[0]
    assert opened and database.postgres_parts(opened[0] or "").password == SECRET
    # Still kept nowhere.
    prefs.sync()
    assert "Pa55" not in _settings_text(tmp_path)


def test_cancelling_the_password_ends_the_start(
        qtbot: Any, prefs: Preferences, monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(fail.Keyring())
    prefs.database_url = URL
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a: ("", False)))
    monkeypatch.setattr(database, "open_database",
                        lambda url: pytest.fail("must not connect without the password"))
    assert app.start(prefs, database_url=None) == 0
