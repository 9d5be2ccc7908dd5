"""Pieces of work on several connections at once: each after the pieces it needs, the first
failure stopping the rest (on PostgreSQL, cancelling a statement another lane is running)."""

from __future__ import annotations

import threading

import peewee
import pytest

from synergy_desk.models.base import db
from synergy_desk.services.data.lanes import Piece, run_lanes


def test_each_piece_runs_once_after_what_it_needs_on_a_connection_of_its_lane(
        db_url: str) -> None:
    ran: list[str] = []
    threads: dict[str, str] = {}
    lock = threading.Lock()

    def note(name: str) -> Piece:
        def run() -> None:
            db.execute_sql("SELECT 1").fetchone()
            with lock:
                ran.append(name)
                threads[name] = threading.current_thread().name
        return Piece(name, run, frozenset({"a"} if name in ("b", "c") else
                                          {"b", "c"} if name == "d" else set()))

    steps: list[tuple[int, int]] = []
    result = run_lanes([note(n) for n in "dcba"], 2, beside=lambda: "checked",
                       done_callback=lambda done, total: steps.append((done, total)))
    assert result == "checked"
    assert sorted(ran) == ["a", "b", "c", "d"] and ran[0] == "a" and ran[-1] == "d"
    assert set(threads.values()) <= {"lane-1", "lane-2"}
    assert threading.current_thread().name not in threads.values()
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_piece_after_one_that_is_not_there_is_refused_before_anything_runs(
        db_url: str) -> None:
    ran: list[str] = []
    with pytest.raises(ValueError, match="not pieces"):
        run_lanes([Piece("a", lambda: ran.append("a")),
                   Piece("b", lambda: ran.append("b"), frozenset({"z"}))], 2)
    assert ran == []


def test_the_first_failure_is_raised_and_nothing_after_it_starts(db_url: str) -> None:
    ran: list[str] = []

    def fail() -> None:
        raise RuntimeError("the disk filled up")

    pieces = [Piece("fails", fail), Piece("after it", lambda: ran.append("after it"),
                                          frozenset({"fails"}))]
    pieces += [Piece(f"later {n}", lambda n=n: ran.append(f"later {n}"), frozenset({"fails"}))
               for n in range(5)]
    with pytest.raises(RuntimeError, match="disk filled up"):
        run_lanes(pieces, 2)
    assert ran == []


def test_a_failure_beside_the_lanes_stops_them(db_url: str) -> None:
    started = threading.Event()
    ran: list[str] = []

    def first() -> None:
        started.set()
        threading.Event().wait(2)  # the failure beside comes meanwhile

    def beside() -> None:
        started.wait(10)
        raise RuntimeError("the check failed")

    pieces = [Piece("first", first)] + [
        Piece(f"then {n}", lambda n=n: ran.append(f"then {n}"), frozenset({"first"}))
        for n in range(10)]
    with pytest.raises(RuntimeError, match="the check failed"):
        run_lanes(pieces, 2, beside=beside)
    assert ran == []


def test_a_failure_cancels_the_statement_another_lane_is_running(db_url: str) -> None:
    if not db_url.startswith("postgres"):
        pytest.skip("a SQLite statement is not cancelled from another thread")
    sleeping = threading.Event()
    seen: list[BaseException] = []

    def long_statement() -> None:
        sleeping.set()
        try:
            db.execute_sql("SELECT pg_sleep(60)").fetchone()
        except BaseException as exc:
            seen.append(exc)
            raise

    def fail() -> None:
        sleeping.wait(10)
        raise RuntimeError("the disk filled up")

    with pytest.raises(RuntimeError, match="disk filled up"):
        run_lanes([Piece("long", long_statement), Piece("fails", fail)], 2)
    assert len(seen) == 1 and isinstance(seen[0], peewee.DatabaseError)
    assert "cancel" in str(seen[0]).lower()
