"""Fixtures for the window's tests: preferences in a temporary INI file, a customer with calls."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from synergy_desk.ui.prefs import Preferences


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    return Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
