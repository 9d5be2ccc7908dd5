"""Fixtures for the window's tests: preferences in a temporary INI file, a customer with calls."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from synergy_desk.ui.prefs import Preferences


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    return Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))


class Errors:
    """Stands in for a module's show_error: remembers what would have been shown."""

    def __init__(self) -> None:
        self.shown: list[BaseException] = []

    def __call__(self, parent: object, exc: BaseException) -> None:
        self.shown.append(exc)


def record_errors(monkeypatch: pytest.MonkeyPatch, module: object) -> Errors:
    """Catch what ``module`` would show through show_error, for the test to look at."""
    recorder = Errors()
    monkeypatch.setattr(module, "show_error", recorder)
    return recorder
