"""Choosing this desk's database: a file or the office's server, tested before it is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synergy_desk.models.database import default_database_url, sqlite_url
from synergy_desk.ui.dialogs.database_settings import DatabaseChoice, DatabaseSettingsDialog
from synergy_desk.ui.main_window import MainWindow


def test_a_postgresql_address_is_loaded_into_its_parts(qtbot: Any, background: Any) -> None:
    dialog = DatabaseSettingsDialog(
        None, "postgresql://desk:p%40ss@db.office.lan:6543/office", background)
    qtbot.addWidget(dialog)
    assert dialog.use_postgres.isChecked() and not dialog.sqlite_box.isEnabled()
    assert (dialog.host.text(), dialog.port.value(), dialog.dbname.text(), dialog.user.text(),
            dialog.password.text()) == ("db.office.lan", 6543, "office", "desk", "p@ss")
    assert dialog.url() == "postgresql://desk:p%40ss@db.office.lan:6543/office"


def test_testing_a_file_says_what_is_there_without_creating_it(
        qtbot: Any, background: Any, tmp_path: Path) -> None:
    dialog = DatabaseSettingsDialog(None, "", background)
    qtbot.addWidget(dialog)
    assert dialog.use_sqlite.isChecked()
    target = tmp_path / "branch.sqlite3"
    dialog.sqlite_path.setText(str(target))
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "new office" in dialog.message.text(), timeout=10_000)
    assert not target.exists()


def test_a_missing_server_name_is_said_at_once(qtbot: Any, background: Any) -> None:
    dialog = DatabaseSettingsDialog(None, "", background)
    qtbot.addWidget(dialog)
    dialog.use_postgres.setChecked(True)
    dialog.dbname.setText("office")
    dialog.user.setText("desk")
    dialog.test_button.click()
    assert "server" in dialog.message.text()
    dialog.accept()
    assert dialog.value is None


def test_saving_the_default_file_stores_no_address(qtbot: Any, background: Any) -> None:
    dialog = DatabaseSettingsDialog(None, sqlite_url("elsewhere.sqlite3"), background)
    qtbot.addWidget(dialog)
    dialog._on_default_clicked()
    dialog.accept()
    assert dialog.value is not None and dialog.value.url == ""
    assert dialog.url() == default_database_url()


def test_the_manager_saves_the_choice_for_the_next_start(
        qtbot: Any, office: dict[str, Any], prefs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow(office["manager"], prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    assert window.act_database.isVisible()
    chosen = DatabaseChoice("postgresql://desk@db.office.lan:5432/office",
                            "postgresql://desk@db.office.lan:5432/office")
    monkeypatch.setattr(DatabaseSettingsDialog, "ask", classmethod(lambda cls, *a, **k: chosen))
    window.act_database.trigger()
    assert prefs.database_url == chosen.url
    assert "next start" in window.statusBar().currentMessage()


def test_reception_is_not_offered_the_database_settings(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = MainWindow(office["reception"], prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    assert not window.act_database.isVisible()


@pytest.mark.parametrize("saved", ["mysql://x/y", "sqlite://", "postgresql://u@h:99999/db"])
def test_a_saved_address_that_cannot_be_read_opens_on_the_default_file(
        qtbot: Any, background: Any, saved: str) -> None:
    dialog = DatabaseSettingsDialog(None, saved, background)
    qtbot.addWidget(dialog)
    assert dialog.use_sqlite.isChecked()
    assert dialog.url() == default_database_url()
    assert "cannot be used" in dialog.message.text()
