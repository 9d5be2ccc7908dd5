"""The office's PostgreSQL connections are kept between pieces of background work: the next
piece takes one a piece gave back, a session the server ended is replaced, and closing the
office closes every one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import peewee
import pytest

from synergy_desk.models.base import db
from synergy_desk.models.database import (
    close_database,
    make_database,
    open_database,
    sqlite_url,
)
from synergy_desk.models.pool import OfficePool
from tests.conftest import POSTGRES_URL

T = TypeVar("T")


def _in_a_thread(work: Callable[[], T], *, give_back: bool = True) -> T:
    """``work`` on a thread of its own, which then closes its connection (or keeps it)."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(work())
        except Exception as exc:  # noqa: BLE001 - handed to the test's thread
            out.append(exc)
        finally:
            if give_back and not db.obj.is_closed():
                db.obj.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert len(out) == 1, "the thread did not finish"
    if isinstance(out[0], Exception):
        raise out[0]
    return out[0]  # type: ignore[no-any-return]


def _session() -> int:
    return int(db.execute_sql("SELECT pg_backend_pid()").fetchone()[0])


def _sessions_open(expected: int | None = None) -> int:
    """This program's sessions on the test database, as the server counts them (waiting a
    moment for ``expected``: a session leaves the count once its server process has ended)."""
    holder = make_database(POSTGRES_URL)
    try:
        for _ in range(50):
            count = int(holder.execute_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = 'synergy-desk' AND pid <> pg_backend_pid()"
            ).fetchone()[0])
            if expected is None or count == expected:
                break
            time.sleep(0.1)
        return count
    finally:
        holder.close()


@pytest.fixture
def office_on_postgres() -> Any:
    if not POSTGRES_URL:
        pytest.skip("SYNERGY_DESK_TEST_POSTGRES names no PostgreSQL server")
    open_database(POSTGRES_URL, migrate_schema=False)
    try:
        yield db.obj
    finally:
        close_database()


@pytest.mark.postgres
def test_the_next_piece_of_work_takes_the_connection_the_last_gave_back(
        office_on_postgres: OfficePool) -> None:
    assert isinstance(office_on_postgres, OfficePool)
    first = _in_a_thread(_session)
    assert office_on_postgres.kept() == 1
    assert _in_a_thread(_session) == first
    assert office_on_postgres.kept() == 1


@pytest.mark.postgres
def test_two_pieces_at_once_each_have_their_own_and_both_are_kept(
        office_on_postgres: OfficePool) -> None:
    inside = threading.Event()
    release = threading.Event()

    def slow() -> int:
        pid = _session()
        inside.set()
        release.wait(30)
        return pid

    seen: list[int] = []
    other = threading.Thread(target=lambda: seen.append(_in_a_thread(slow)))
    other.start()
    assert inside.wait(30)
    meanwhile = _in_a_thread(_session)
    release.set()
    other.join(30)
    assert seen and seen[0] != meanwhile
    assert office_on_postgres.kept() == 2


@pytest.mark.postgres
def test_a_kept_session_the_server_ended_is_replaced_without_an_error(
        office_on_postgres: OfficePool) -> None:
    first = _in_a_thread(_session)
    ender = make_database(POSTGRES_URL)
    try:  # as a restore ends the office's other sessions
        assert ender.execute_sql("SELECT pg_terminate_backend(%s)", (first,)).fetchone()[0]
    finally:
        ender.close()
    again = _in_a_thread(lambda: (_session(), int(db.execute_sql(
        "SELECT count(*) FROM sequence").fetchone()[0])))
    assert again[0] != first


@pytest.mark.postgres
def test_closing_the_office_closes_every_connection_even_one_never_given_back(
        office_on_postgres: OfficePool) -> None:
    before = _sessions_open()
    held: list[Any] = []
    _in_a_thread(lambda: held.append(db.obj.connection()), give_back=False)
    _in_a_thread(_session)
    assert office_on_postgres.kept() == 1
    assert _sessions_open(before + 2) == before + 2
    close_database()
    assert office_on_postgres.kept() == 0
    assert held[0].closed
    assert _sessions_open(before - 1) == before - 1  # the test's own connection went too


@pytest.mark.postgres
def test_work_still_running_when_the_office_closes_keeps_nothing_open(
        office_on_postgres: OfficePool) -> None:
    inside = threading.Event()
    release = threading.Event()
    held: list[Any] = []

    def late() -> None:
        held.append(db.obj.connection())
        inside.set()
        release.wait(30)

    thread = threading.Thread(target=lambda: _in_a_thread(late))
    thread.start()
    assert inside.wait(30)
    close_database()
    release.set()
    thread.join(30)
    assert held[0].closed
    # Work that starts after the office closed (a job queued before it did) is given a
    # connection, and it is closed rather than kept when given back.
    _in_a_thread(lambda: held.append(db.obj.connection()))
    assert held[1] is not held[0] and held[1].closed
    assert office_on_postgres.kept() == 0


def test_only_the_office_keeps_connections(tmp_path: Any) -> None:
    """SQLite has no session to keep; a second PostgreSQL database (a restore's, a copy's)
    closes its connection when told."""
    assert isinstance(make_database(sqlite_url(tmp_path / "a.sqlite3"),
                                    keep_connections=True), peewee.SqliteDatabase)
    assert not isinstance(make_database("postgresql://u:p@localhost/office"), OfficePool)
    assert isinstance(make_database("postgresql://u:p@localhost/office",
                                    keep_connections=True), OfficePool)
