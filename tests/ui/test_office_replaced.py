"""A window on an office that is restored from a backup while it is open: it says it is open
(a heartbeat), is told once that the office was replaced, returns to the log-in and writes
nothing more."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QVBoxLayout

from synergy_desk.domain.errors import OfficeReplaced
from synergy_desk.models import tables as t
from synergy_desk.models.database import describe_url
from synergy_desk.services.office import desks
from synergy_desk.ui import errors, main_window
from synergy_desk.ui.dialogs.form import FormDialog
from tests.services.test_office_generation import _elsewhere, _restored_elsewhere
from tests.ui.conftest import InlineBackground, ShownErrors
from tests.ui.test_main_window import make_window

REPLACED = OfficeReplaced("The office database was restored from a backup at 12/03/2026 "
                          "14:05 GMT while this desk had it open; what you were saving was "
                          "not saved.")


class _Saving(FormDialog[int]):
    """A form whose service finds the office replaced."""

    def __init__(self) -> None:
        super().__init__(None, message_name="savingMessage")
        layout = QVBoxLayout(self)
        self.add_message_and_buttons(layout)

    def answer(self) -> int:
        raise REPLACED


def test_a_form_hands_office_replaced_to_the_one_display(qtbot: Any,
                                                         shown_errors: ShownErrors) -> None:
    """A form says a refusal in its own line; this one is for the whole window."""
    dialog = _Saving()
    qtbot.addWidget(dialog)
    dialog.accept()
    assert shown_errors.messages == [REPLACED]
    assert dialog.message.text() == ""


@pytest.fixture
def app_told_nothing(qtbot: Any) -> Any:
    app = QApplication.instance()
    app.setProperty(errors.OFFICE_REPLACED_TOLD, False)
    yield app
    app.setProperty(errors.OFFICE_REPLACED_TOLD, False)


@pytest.mark.real_error_display
def test_the_desk_is_told_once_and_goes_back_to_the_log_in(
        qtbot: Any, app_told_nothing: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    back: list[str] = []

    def answer(tries: int = 100) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(f"{box.objectName()}|{box.windowTitle()}|{box.text()}")
            box.accept()
        elif tries:
            QTimer.singleShot(20, lambda: answer(tries - 1))

    # Ending the window's event loop is app.main's business (the two-desk test runs it).
    monkeypatch.setattr(errors, "return_to_login", lambda: back.append("log-in"))
    QTimer.singleShot(0, answer)
    errors.show_error(None, REPLACED)
    [text] = seen
    name, title, message = text.split("|")
    assert name == "officeReplacedDialog" and title == "The office was restored"
    assert REPLACED.message in message
    assert "Synergy Desk now returns to the log-in" in message
    assert back == ["log-in"]
    # Told once: what else finds the office replaced meanwhile is not said again.
    QTimer.singleShot(0, lambda: answer(5))  # would answer a second box, and count it
    errors.show_error(None, REPLACED)
    assert len(seen) == 1 and back == ["log-in"]


def _open_window(qtbot: Any, office: dict[str, Any], prefs: Any,
                 background: InlineBackground) -> Any:
    window = make_window(qtbot, office["reception"], prefs)
    window.background = background
    window.attach_database(describe_url(str(office["url"])))
    return window


def test_the_window_says_it_is_open_beats_and_leaves(
        qtbot: Any, office: dict[str, Any], prefs: Any,
        inline_background: InlineBackground) -> None:
    window = _open_window(qtbot, office, prefs, inline_background)
    [desk] = desks.live_desks()
    assert desk.user_name == "Rita Reception" and desk.computer == desks.this_computer()
    assert desk.program.startswith("Synergy Desk ")
    assert window.heartbeat.interval() == desks.BEAT_SECONDS * 1000
    assert window.heartbeat.isActive()
    t.DeskSession.update(last_seen_at=desks.database_now().replace(year=2020)).execute()
    window.heartbeat.timeout.emit()
    assert [d.token for d in desks.live_desks()] == [desk.token]
    window.close()
    assert not t.DeskSession.select().exists()


def test_after_a_restore_the_heartbeat_tells_the_desk_and_writes_nothing(
        qtbot: Any, office: dict[str, Any], prefs: Any,
        inline_background: InlineBackground, shown_errors: ShownErrors) -> None:
    url = str(office["url"])
    window = _open_window(qtbot, office, prefs, inline_background)
    _restored_elsewhere(url)
    seen = _elsewhere(url, "SELECT token, last_seen_at FROM desk_session")
    window.heartbeat.timeout.emit()
    assert [type(e) for e in shown_errors.shown] == [OfficeReplaced]
    assert not window.heartbeat.isActive()
    assert _elsewhere(url, "SELECT token, last_seen_at FROM desk_session") == seen
    window.close()
    assert _elsewhere(url, "SELECT token, last_seen_at FROM desk_session") == seen
    assert [type(e) for e in shown_errors.shown] == [OfficeReplaced]


def test_the_heartbeat_is_every_few_seconds() -> None:
    assert main_window.HEARTBEAT_MS == desks.BEAT_SECONDS * 1000
    assert desks.BEAT_SECONDS * 3 <= desks.LIVE_SECONDS
