"""The background helper: results come back on the GUI thread, or go nowhere once it is gone."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import shiboken6

from synergy_desk.ui.worker import Background


def test_a_result_comes_back_on_the_gui_thread(qtbot: Any) -> None:
    worker = Background()
    seen: list[tuple[object, bool]] = []
    gui = threading.current_thread()
    worker.run(lambda: 42, lambda r: seen.append((r, threading.current_thread() is gui)),
               lambda exc: seen.append((exc, False)))
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [(42, True)]
    worker.wait()


def test_a_job_that_ends_after_its_window_closed_is_quiet(qtbot: Any) -> None:
    worker = Background()
    release = threading.Event()
    started = threading.Event()
    seen: list[object] = []

    def job() -> int:
        started.set()
        release.wait(10)
        return 1

    worker.run(job, seen.append, seen.append)
    assert started.wait(10)
    for signals in list(worker._live):
        shiboken6.delete(signals)  # as when the window that asked is destroyed
    release.set()
    assert worker.wait(10_000)
    assert seen == []  # nobody told, and no error escaped the worker thread


def test_background_work_on_postgresql_takes_the_session_the_last_piece_gave_back(
        qtbot: Any, db_url: str) -> None:
    from synergy_desk.models.base import db
    from synergy_desk.models.database import is_sqlite

    if is_sqlite():
        pytest.skip("a PostgreSQL session; a SQLite worker opens the file")
    worker = Background(max_threads=1)
    seen: list[object] = []
    for n in range(1, 4):
        worker.run(lambda: int(db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]),
                   seen.append, seen.append)
        qtbot.waitUntil(lambda n=n: len(seen) == n)
    assert worker.wait(10_000)
    assert all(isinstance(pid, int) for pid in seen), seen
    assert len(set(seen)) == 1, seen  # one session, not one opened for each piece
