"""Calling services from the window: domain errors as messages, anything else as a crash."""

from __future__ import annotations

import ast
import logging
import threading
from pathlib import Path
from typing import Any

import peewee
import pytest
import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from synergy_desk.domain.errors import ConflictError, NotFound, ValidationError
from synergy_desk.services.common import MANAGERS
from synergy_desk.ui import operations, palette
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import Latest, Op, allowed, call, reporting_errors
from synergy_desk.ui.worker import Background
from tests.ui.conftest import InlineBackground, ShownErrors


def refuse() -> int:
    raise ValidationError("The subject is empty.")


def crash() -> int:
    raise ZeroDivisionError("a bug")


# --- synchronous calls ------------------------------------------------------------------------


def test_call_returns_what_the_service_returns(window: QWidget,
                                               shown_errors: ShownErrors) -> None:
    assert call(window, lambda a, b=0: a + b, 2, b=3) == 5
    assert shown_errors.shown == []


def test_a_domain_error_becomes_a_message(window: QWidget, shown_errors: ShownErrors) -> None:
    assert call(window, refuse) is None
    assert [str(exc) for exc in shown_errors.messages] == ["The subject is empty."]
    assert shown_errors.crashes == []


def test_anything_else_becomes_the_crash_dialog(window: QWidget,
                                                shown_errors: ShownErrors) -> None:
    shown_errors.expect_crash()
    assert call(window, crash) is None
    assert [type(exc) for exc in shown_errors.crashes] == [ZeroDivisionError]


def test_a_block_says_whether_it_failed(window: QWidget, shown_errors: ShownErrors) -> None:
    with reporting_errors(window) as outcome:
        refuse()
        pytest.fail("the block goes no further")  # pragma: no cover
    assert outcome.failed and isinstance(outcome.error, ValidationError)
    with reporting_errors(window) as fine:
        pass
    assert not fine.failed
    assert len(shown_errors.shown) == 1


def test_a_failure_handler_replaces_the_display(window: QWidget,
                                                shown_errors: ShownErrors) -> None:
    handled: list[Exception] = []
    with reporting_errors(window, failure=handled.append) as outcome:
        crash()
    assert outcome.failed and [type(exc) for exc in handled] == [ZeroDivisionError]
    assert shown_errors.shown == []


def test_a_failure_handler_that_raises_is_shown(window: QWidget,
                                                shown_errors: ShownErrors) -> None:
    def handler(exc: Exception) -> None:
        raise NotFound("The incident has gone.")

    with reporting_errors(window, failure=handler):
        crash()
    assert [str(exc) for exc in shown_errors.messages] == ["The incident has gone."]


def test_a_specific_domain_error_can_be_handled_on_the_spot(
        window: QWidget, shown_errors: ShownErrors) -> None:
    line = MessageLine("windowMessage", window)
    with reporting_errors(window, failure=line.failure) as outcome:
        raise ConflictError("Changed at another desk.")
    assert outcome.failed and line.text() == "Changed at another desk."
    assert shown_errors.shown == []
    # Anything else is not the line's to say: it goes to the one display.
    shown_errors.expect_crash()
    with reporting_errors(window, failure=line.failure):
        crash()
    assert [type(exc) for exc in shown_errors.crashes] == [ZeroDivisionError]
    assert line.text() == "Changed at another desk."


# --- the message line -------------------------------------------------------------------------


def test_the_message_line_says_problems_and_notes_in_their_colours(window: QWidget) -> None:
    line = MessageLine("formMessage", window)
    assert line.objectName() == "formMessage" and line.wordWrap() and line.text() == ""
    line.note("Connecting…", palette.SUCCESS)
    assert line.text() == "Connecting…" and palette.SUCCESS.hex() in line.styleSheet()
    line.problem("Refused.")
    assert line.text() == "Refused." and palette.ERROR.hex() in line.styleSheet()
    line.clear()
    assert line.text() == ""


def test_a_refusal_in_the_background_is_said_in_the_line(
        window: QWidget, inline_background: InlineBackground,
        shown_errors: ShownErrors) -> None:
    line = MessageLine("jobMessage", window)
    Op(window, inline_background, refuse).failure(line.failure).run()
    assert line.text() == "The subject is empty." and shown_errors.shown == []


def test_the_line_can_say_a_refusal_its_own_way(window: QWidget,
                                                shown_errors: ShownErrors) -> None:
    seen: list[str] = []
    line = MessageLine("formMessage", window, refused=lambda exc: seen.append(exc.message))
    line.failure(NotFound("The incident has gone."))
    assert seen == ["The incident has gone."] and shown_errors.shown == []


def test_a_bug_is_shown_and_the_line_says_so_when_asked(window: QWidget,
                                                        shown_errors: ShownErrors) -> None:
    shown_errors.expect_crash()
    line = MessageLine("statusLine", window, crash_text="The check could not run.")
    line.failure(KeyError("missing"))
    assert line.text() == "The check could not run."
    assert [type(exc) for exc in shown_errors.crashes] == [KeyError]


def test_allowed_asks_the_services_own_role_check(office: dict[str, Any], window: QWidget,
                                                 shown_errors: ShownErrors) -> None:
    assert allowed(window, office["manager"], MANAGERS, "waive a charge")
    assert shown_errors.shown == []
    assert not allowed(window, office["engineer"], MANAGERS, "waive a charge")
    assert [str(exc) for exc in shown_errors.messages] == [
        "Only managers may waive a charge; you are logged in as engineer."]


# --- the real dialogs -------------------------------------------------------------------------


def answer_next_box(seen: list[QMessageBox]) -> None:
    """Close the next modal message box once it is open, remembering it."""

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box)
            box.done(0)
        else:
            QTimer.singleShot(10, look)

    QTimer.singleShot(0, look)


@pytest.mark.real_error_display
def test_the_real_display_shows_a_domain_error_in_plain_words(qtbot: Any,
                                                              window: QWidget) -> None:
    seen: list[QMessageBox] = []
    answer_next_box(seen)
    assert call(window, refuse) is None
    assert seen[0].objectName() == "errorDialog"
    assert seen[0].windowTitle() == ValidationError.title
    assert seen[0].text() == "The subject is empty."


@pytest.mark.real_error_display
def test_the_real_display_shows_a_bug_as_a_crash_and_logs_it(
        qtbot: Any, window: QWidget, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[QMessageBox] = []
    answer_next_box(seen)
    with caplog.at_level(logging.ERROR, logger="synergy_desk.ui.errors"):
        assert call(window, crash) is None
    assert seen[0].objectName() == "crashDialog"
    assert "ZeroDivisionError: a bug" in seen[0].detailedText()
    records = [r for r in caplog.records if r.name == "synergy_desk.ui.errors"]
    assert len(records) == 1 and records[0].exc_info is not None
    assert records[0].exc_info[0] is ZeroDivisionError


@pytest.mark.real_error_display
def test_the_real_display_says_a_lost_connection_plainly(
        qtbot: Any, window: QWidget, caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """A database that cannot be reached is not a bug: no crash dialog, no traceback."""
    gone = peewee.SqliteDatabase(str(tmp_path / "unplugged drive" / "office.sqlite3"))

    def unreachable() -> int:
        gone.connect()
        return 1

    seen: list[QMessageBox] = []
    answer_next_box(seen)
    with caplog.at_level(logging.WARNING, logger="synergy_desk.ui.errors"):
        assert call(window, unreachable) is None
    assert seen[0].objectName() == "connectionLostDialog"
    assert "could not be reached just now (unable to open database file)" in seen[0].text()
    assert seen[0].detailedText() == ""
    assert [r.levelno for r in caplog.records if r.name == "synergy_desk.ui.errors"] == [
        logging.WARNING]


# --- background operations --------------------------------------------------------------------


def test_success_arrives_on_the_gui_thread(qtbot: Any, window: QWidget,
                                           background: Background) -> None:
    gui = threading.current_thread()
    seen: list[tuple[int, bool]] = []
    Op(window, background, lambda: 42) \
        .success(lambda result: seen.append((result, threading.current_thread() is gui))) \
        .run()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(42, True)]


def test_a_failure_is_shown_by_default(qtbot: Any, window: QWidget, background: Background,
                                       shown_errors: ShownErrors) -> None:
    ended: list[str] = []
    Op(window, background, refuse).success(lambda _r: ended.append("success")) \
        .finally_(lambda: ended.append("finally")).run()
    qtbot.waitUntil(lambda: bool(shown_errors.shown))
    assert ended == ["finally"]
    assert [str(exc) for exc in shown_errors.messages] == ["The subject is empty."]


def test_a_failure_callback_replaces_the_display(qtbot: Any, window: QWidget,
                                                 background: Background,
                                                 shown_errors: ShownErrors) -> None:
    handled: list[Exception] = []
    Op(window, background, crash).failure(handled.append).run(pdf=True)
    qtbot.waitUntil(lambda: bool(handled))
    assert isinstance(handled[0], ZeroDivisionError) and shown_errors.shown == []


def test_finally_comes_before_success(window: QWidget,
                                      inline_background: InlineBackground) -> None:
    order: list[str] = []
    Op(window, inline_background, lambda: 1).success(lambda _r: order.append("success")) \
        .finally_(lambda: order.append("finally")).run()
    assert order == ["finally", "success"]


def test_a_success_callback_that_raises_is_shown(window: QWidget,
                                                 inline_background: InlineBackground,
                                                 shown_errors: ShownErrors) -> None:
    shown_errors.expect_crash()

    def broken(_result: int) -> None:
        raise KeyError("missing")

    Op(window, inline_background, lambda: 1).success(broken).run()
    assert [type(exc) for exc in shown_errors.crashes] == [KeyError]


def test_nothing_is_called_once_the_window_has_gone(qtbot: Any, background: Background,
                                                    shown_errors: ShownErrors) -> None:
    parent = QWidget()
    started, release = threading.Event(), threading.Event()
    called: list[str] = []

    def job() -> int:
        started.set()
        release.wait(10)
        raise ZeroDivisionError("after the window closed")

    Op(parent, background, job).success(lambda _r: called.append("success")) \
        .failure(lambda _e: called.append("failure")) \
        .finally_(lambda: called.append("finally")).run()
    assert started.wait(10)
    shiboken6.delete(parent)
    release.set()
    assert background.wait(10_000)
    # The queued result is delivered, and dropped, once the event loop runs.
    qtbot.wait(50)
    assert called == [] and shown_errors.shown == []


def test_without_a_parent_the_callbacks_always_run(inline_background: InlineBackground,
                                                   shown_errors: ShownErrors) -> None:
    results: list[int] = []
    Op(None, inline_background, lambda: 7).success(results.append).run()
    Op(None, inline_background, refuse).run()
    assert results == [7] and len(shown_errors.messages) == 1


class HeldBackground(Background):
    """A background helper whose jobs end when the test says, in the order it says."""

    def __init__(self) -> None:
        super().__init__()
        self.jobs: list[tuple[Any, Any, Any]] = []

    def run(self, fn: Any, on_done: Any, on_error: Any, *, pdf: bool = False) -> None:
        self.jobs.append((fn, on_done, on_error))

    def end(self, job: int) -> None:
        fn, on_done, on_error = self.jobs[job]
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - handed over like the worker thread does
            on_error(exc)
            return
        on_done(result)


def test_an_answer_arriving_after_a_newer_run_is_dropped(window: QWidget,
                                                         shown_errors: ShownErrors) -> None:
    held = HeldBackground()
    runs = Latest()
    seen: list[str] = []
    for name, job in (("first", lambda: "first"), ("second", lambda: "second"),
                      ("third", refuse)):
        Op(window, held, job).unless(runs.start()).success(seen.append) \
            .failure(lambda exc, name=name: seen.append(f"{name} failed")) \
            .finally_(lambda name=name: seen.append(f"{name} ended")).run()
    held.end(1)  # the second ends first, but the third has started since
    held.end(0)
    assert seen == [] and shown_errors.shown == []
    held.end(2)
    assert seen == ["third ended", "third failed"]


def test_a_forgotten_run_is_dropped_and_a_new_one_is_not(
        window: QWidget, inline_background: InlineBackground) -> None:
    held = HeldBackground()
    runs = Latest()
    seen: list[int] = []
    Op(window, held, lambda: 1).unless(runs.start()).success(seen.append).run()
    runs.forget()
    held.end(0)
    Op(window, inline_background, lambda: 2).unless(runs.start()).success(seen.append).run()
    assert seen == [2]


def test_the_display_is_looked_up_when_shown(monkeypatch: pytest.MonkeyPatch,
                                             window: QWidget) -> None:
    # One patch point: ui.operations never holds on to the function it started with.
    seen: list[BaseException] = []
    monkeypatch.setattr(operations.errors, "show_error", lambda _p, exc: seen.append(exc))
    call(window, refuse)
    assert len(seen) == 1


# --- one way, held by a test -------------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parents[2] / "synergy_desk"
#: The only places that catch everything: ui.operations, the error display and the worker
#: thread that hands a job's error to the GUI thread. (The crash hook catches nothing: it is
#: handed what nobody caught.)
CATCH_ALL_ALLOWED = {"ui/operations.py", "ui/errors.py", "ui/worker.py"}


def catch_alls(source: str) -> list[int]:
    """The lines of ``except:``, ``except Exception`` and ``except BaseException`` clauses,
    alone or in a tuple."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ExceptHandler):
            continue
        caught = node.type
        names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
        if caught is None or any(
                (isinstance(n, ast.Name) and n.id in ("Exception", "BaseException"))
                or (isinstance(n, ast.Attribute) and n.attr in ("Exception", "BaseException"))
                for n in names):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("source, found", [
    ("try:\n    f()\nexcept Exception:\n    pass\n", [3]),
    ("try:\n    f()\nexcept (OSError, BaseException) as exc:\n    pass\n", [3]),
    ("try:\n    f()\nexcept:\n    pass\n", [3]),
    ("try:\n    f()\nexcept builtins.Exception:\n    pass\n", [3]),
    ("try:\n    f()\nexcept (OSError, ValueError):\n    pass\n", []),
])
def test_catch_alls_are_found(source: str, found: list[int]) -> None:
    assert catch_alls(source) == found


def test_nothing_in_the_window_catches_everything_but_ui_operations() -> None:
    files = sorted((PACKAGE / "ui").rglob("*.py")) + [PACKAGE / "app.py"]
    assert len(files) > 30
    offenders = {}
    for path in files:
        name = path.relative_to(PACKAGE).as_posix()
        if name in CATCH_ALL_ALLOWED:
            continue
        lines = catch_alls(path.read_text(encoding="utf-8"))
        if lines:
            offenders[name] = lines
    assert offenders == {}, ("Show errors through synergy_desk.ui.operations (call, "
                             "reporting_errors or Op), not a catch-all of your own")
