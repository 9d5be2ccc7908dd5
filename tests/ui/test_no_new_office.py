"""The window creates an office only on its first run, on this machine's own office file; a
database named on the command line or in the settings that is not there is said, not made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from synergy_desk import app
from synergy_desk.models import database
from synergy_desk.models.database import close_database, sqlite_url
from synergy_desk.ui.dialogs.first_run import FirstRunDialog


@pytest.mark.parametrize("empty", [False, True])
def test_a_missing_or_empty_database_named_on_the_command_line_is_not_created(
        qtbot: Any, prefs: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        empty: bool) -> None:
    path = tmp_path / "mistyped" / "office.sqlite3"
    if empty:
        path.parent.mkdir()
        path.touch()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: shown.append(text)))
    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(
        lambda *a: pytest.fail("no first run on a database named by hand")))
    assert app.start(prefs, database_url=sqlite_url(path)) == 2
    assert shown and f"There is no office database at {path}" in shown[0]
    assert path.exists() == empty and (not empty or path.stat().st_size == 0)
    assert path.parent.exists() == empty


def test_a_missing_database_chosen_in_the_settings_may_be_corrected(
        qtbot: Any, prefs: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gone.sqlite3"
    prefs.database_url = sqlite_url(path)
    offered: list[str] = []
    monkeypatch.setattr(app, "_choose_other_database",
                        lambda prefs_, message: offered.append(message) or False)
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a: None))
    assert app.start(prefs, database_url=None) == 2
    assert offered and str(path) in offered[0]
    assert not path.exists()


def test_the_first_run_creates_this_machines_office(
        qtbot: Any, prefs: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = tmp_path / "data" / "synergy-desk.sqlite3"
    monkeypatch.setattr(database, "default_data_dir", lambda: office.parent)
    asked: list[bool] = []
    monkeypatch.setattr(FirstRunDialog, "ask",
                        classmethod(lambda *a: asked.append(True)))  # cancelled: None
    try:
        assert app.start(prefs, database_url=None) == 0
    finally:
        close_database()
    assert asked == [True]
    assert office.stat().st_size > 0
