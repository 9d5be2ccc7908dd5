"""A shared reception computer: File ▸ Log out and Switch user, from the menu and from their
shortcuts, close the person's session and open the next person's window on the same database,
without quitting."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from synergy_desk import app
from synergy_desk.models.base import db
from synergy_desk.models.database import describe_url
from synergy_desk.services.office import desks
from synergy_desk.ui.dialogs.login import LoginDialog
from synergy_desk.ui.main_window import MainWindow
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def closed_at_the_end(qtbot: Any) -> Iterator[None]:
    """Whichever windows a test's log-outs left open are closed after it (a window replaced
    by the next person's is deleted by the program itself)."""
    yield
    for window in open_windows():
        window.close()
        window.deleteLater()


def open_desk(qtbot: Any, office: dict[str, Any], prefs: Any, who: str) -> MainWindow:
    """The window as start-up opens it for ``who``, on the office, on the desks' list."""
    window = app.open_window(office[who], prefs, describe_url(str(office["url"])),
                             "Synergy Support Ltd")
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: len(desks.live_desks()) == 1, timeout=10_000)
    return window


def answer_login(username: str | None, password: str = PASSWORD,
                 seen: Callable[[LoginDialog], None] | None = None, tries: int = 1000) -> None:
    """When the log-in dialog comes up, log in as ``username`` (None: cancel it)."""
    dialog = QApplication.activeModalWidget()
    if not isinstance(dialog, LoginDialog):
        if tries:
            QTimer.singleShot(20, lambda: answer_login(username, password, seen, tries - 1))
        return
    if seen is not None:
        try:
            seen(dialog)
        finally:  # whatever it finds, the dialog is answered (a test never hangs on it)
            pass
    if username is None:
        dialog.reject()
        return
    dialog.findChild(QLineEdit, "loginUser").setText(username)
    dialog.findChild(QLineEdit, "loginPassword").setText(password)
    dialog.accept()


def open_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible()]


def action(window: MainWindow, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def file_menu_texts(window: MainWindow) -> list[str]:
    return [a.text() for a in window.file_menu.actions()]


def test_log_out_and_switch_user_are_in_the_file_menu_with_their_shortcuts(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = open_desk(qtbot, office, prefs, "reception")
    texts = file_menu_texts(window)
    for name, text, keys in (("actionLogOut", "&Log out", "Ctrl+Shift+Q"),
                             ("actionSwitchUser", "S&witch user…", "Ctrl+Shift+W"),
                             ("actionLockDesk", "Loc&k the desk", "Ctrl+Shift+L")):
        found = action(window, name)
        assert found.text() == text and text in texts
        assert found.shortcut().toString() == keys
    mnemonics = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(mnemonics) == len(set(mnemonics)), texts
    window.close()


def test_log_out_leaves_the_desk_and_the_next_person_gets_their_own_view(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = open_desk(qtbot, office, prefs, "reception")
    assert window._view == "awaiting_payment"  # reception's view
    [rita_desk] = desks.live_desks()
    database = db.obj
    at_login: list[list[str]] = []

    def seen(dialog: LoginDialog) -> None:
        # Asked with the old session closed: off the desks' list, the window gone.
        at_login.append([d.user_name for d in desks.live_desks()])
        at_login.append([str(window.isVisible())])

    QTimer.singleShot(0, lambda: answer_login("eddie", seen=seen))
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: open_windows() not in ([], [window]), timeout=10_000)
    assert at_login == [[], ["False"]]
    [new] = open_windows()
    assert new is not window and new.actor.username == "eddie"
    assert new._view == "mine" and new.view_buttons["mine"].isChecked()  # an engineer's view
    assert new.user_label.text() == "Eddie Engineer (engineer)"
    assert db.obj is database and not db.is_closed()  # the same database, still open
    qtbot.waitUntil(lambda: [d.user_name for d in desks.live_desks()] == ["Eddie Engineer"],
                    timeout=10_000)
    assert rita_desk.token not in [d.token for d in desks.live_desks()]
    assert prefs.last_user == "eddie"
    new.close()


def test_nobody_logging_in_after_a_log_out_ends_the_program(
        qtbot: Any, office: dict[str, Any], prefs: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ended: list[str] = []
    monkeypatch.setattr(app, "_quit", lambda application: ended.append("quit"))
    window = open_desk(qtbot, office, prefs, "reception")
    QTimer.singleShot(0, lambda: answer_login(None))
    action(window, "actionLogOut").trigger()
    qtbot.waitUntil(lambda: ended == ["quit"], timeout=10_000)
    assert open_windows() == [] and desks.live_desks() == []
    assert QApplication.instance().quitOnLastWindowClosed()


def test_switch_user_opens_the_window_as_the_other_person_on_the_same_database(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = open_desk(qtbot, office, prefs, "engineer")
    database = db.obj
    QTimer.singleShot(0, lambda: answer_login("rita"))
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: [w.actor.username for w in open_windows()] == ["rita"],
                    timeout=10_000)
    [new] = open_windows()
    assert new._view == "awaiting_payment"  # reception's view
    assert not new.act_reports.isVisible()  # and reception's menus
    assert db.obj is database and not db.is_closed()
    qtbot.waitUntil(lambda: [d.user_name for d in desks.live_desks()] == ["Rita Reception"],
                    timeout=10_000)
    new.close()


def test_switch_user_cancelled_or_as_the_same_person_changes_nothing(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = open_desk(qtbot, office, prefs, "engineer")
    QTimer.singleShot(0, lambda: answer_login(None))
    action(window, "actionSwitchUser").trigger()
    QTimer.singleShot(0, lambda: answer_login("eddie"))
    action(window, "actionSwitchUser").trigger()
    qtbot.wait(50)
    assert open_windows() == [window]
    assert "logged in as Eddie Engineer already" in window.statusBar().currentMessage()
    assert [d.user_name for d in desks.live_desks()] == ["Eddie Engineer"]
    window.close()


def test_a_window_left_open_by_the_last_person_is_closed_at_log_out(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = open_desk(qtbot, office, prefs, "engineer")
    window._on_callbacks_due()  # a non-modal window of the engineer's
    [kept] = [w for w in window._windows if w.isVisible()]
    QTimer.singleShot(0, lambda: answer_login("rita"))
    action(window, "actionLogOut").trigger()
    qtbot.waitUntil(lambda: [w.actor.username for w in open_windows()] == ["rita"],
                    timeout=10_000)
    assert isinstance(kept, QDialog)
    assert not kept.isVisible()  # Rita does not see what Eddie had open
    for new in open_windows():
            new.close()


def test_returning_to_the_log_in_after_a_switch_of_user_deletes_the_window_open_now(
        qtbot: Any, office: dict[str, Any], prefs: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The office restored under a desk sends it back to the log-in: the window deleted is
    the one open now, the next person's after a switch of user, not only the one the desk
    started with (a closed window was left alive on a closed database)."""
    from PySide6.QtCore import QEvent
    from shiboken6 import isValid

    from synergy_desk.models import database

    window = open_desk(qtbot, office, prefs, "reception")
    QTimer.singleShot(0, lambda: answer_login("eddie"))
    action(window, "actionLogOut").trigger()
    qtbot.waitUntil(lambda: open_windows() not in ([], [window]), timeout=10_000)
    [new] = open_windows()
    monkeypatch.setattr(database, "close_database", lambda: None)  # the test keeps its office
    monkeypatch.setattr(app, "start", lambda _prefs, database_url=None: 0)
    qapp = QApplication.instance()
    assert app._open_again(qapp, prefs, None) == 0
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not isValid(new)
    qapp.setQuitOnLastWindowClosed(True)
