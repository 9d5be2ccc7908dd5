"""The window's daily automatic backup and "Back up now"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import DomainError, PermissionDenied
from synergy_desk.models.database import close_database, describe_url
from synergy_desk.services.common import Actor
from synergy_desk.services.data import backup
from synergy_desk.ui import auto_backup
from synergy_desk.ui.worker import Background
from tests.conftest import make_user
from tests.ui.conftest import ShownErrors


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    win = QMainWindow()
    qtbot.addWidget(win)
    win.statusBar()
    return win


@pytest.fixture
def manager(sqlite_db_url: str, password_hash: str) -> Actor:
    return make_user("mary", Role.MANAGER, password_hash, "Mary Manager")


@pytest.fixture
def closed_url(sqlite_db_url: str, manager: Actor) -> str:
    close_database()
    return sqlite_db_url


def test_daily_backup_is_made_once_and_shown_in_the_status_bar(
        qtbot: QtBot, window: QMainWindow, closed_url: str) -> None:
    background = Background(window)
    info = describe_url(closed_url)
    auto = auto_backup.AutoBackup(window, background, info, keep=3, first_check_ms=0)
    with qtbot.waitSignal(auto.backed_up, timeout=10_000) as signal:
        pass
    path = signal.args[0]
    assert isinstance(path, Path) and path.parent == info.path.parent / "backups"
    backup.verify_backup(path)
    assert window.statusBar().currentMessage() == f"Backed up to {path}"
    # Today's is made: the next check starts nothing.
    auto.check()
    assert not auto.running
    auto.stop()


def test_a_failed_backup_is_a_status_bar_warning_not_a_dialog(
        qtbot: QtBot, window: QMainWindow, closed_url: str,
        shown_errors: ShownErrors) -> None:
    info = describe_url(closed_url)
    assert info.path is not None
    (info.path.parent / "backups").write_text("a file where the folder should be")
    background = Background(window)
    auto = auto_backup.AutoBackup(window, background, info, first_check_ms=60_000)
    with qtbot.waitSignal(auto.failed, timeout=10_000):
        auto.check()
    assert window.statusBar().currentMessage().startswith("The automatic backup failed:")
    assert shown_errors.shown == []
    assert not auto.running
    auto.stop()


def test_postgresql_office_has_no_daily_backup(window: QMainWindow) -> None:
    info = describe_url("postgresql://desk@localhost/office")
    auto = auto_backup.start_daily_backup(window, Background(window), info)
    assert not auto.active
    auto.check()
    assert not auto.running


def test_back_up_now_shows_progress_then_where(qtbot: QtBot, window: QMainWindow,
                                               closed_url: str, manager: Actor) -> None:
    background = Background(window)
    info = describe_url(closed_url)
    dialog = auto_backup.backup_now(window, background, manager, info)
    assert dialog.objectName() == "backupProgress"
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Backed up to"),
                    timeout=10_000)
    made = list((info.path.parent / "backups").glob("synergy-desk-*.sqlite3"))
    assert len(made) == 1
    assert window.statusBar().currentMessage() == f"Backed up to {made[0]}"


def test_back_up_now_failure_is_told(qtbot: QtBot, window: QMainWindow, manager: Actor,
                                     shown_errors: ShownErrors, tmp_path: Path) -> None:
    info = describe_url("sqlite:///" + (tmp_path / "missing.sqlite3").as_posix())
    auto_backup.backup_now(window, Background(window), manager, info)
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=10_000)
    assert isinstance(shown_errors.shown[0], DomainError)
    assert "no database" in str(shown_errors.shown[0])


def test_back_up_now_is_refused_to_a_receptionist(qtbot: QtBot, window: QMainWindow,
                                                 closed_url: str, password_hash: str,
                                                 shown_errors: ShownErrors) -> None:
    from synergy_desk.models.database import open_database

    open_database(closed_url)
    rita = make_user("rita", Role.RECEPTION, password_hash, "Rita Reception")
    close_database()
    info = describe_url(closed_url)
    auto_backup.backup_now(window, Background(window), rita, info)
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=10_000)
    assert isinstance(shown_errors.shown[0], PermissionDenied)
    assert not (info.path.parent / "backups").exists()
