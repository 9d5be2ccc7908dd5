"""Desks that get in each other's way: a bounded wait for a lock, a readable message when it
runs out, and a transaction that lost a deadlock run again without the person seeing it."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import peewee
import pytest

from synergy_desk.domain.enums import PaymentMethod
from synergy_desk.domain.errors import LockTimeout
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import (
    LOCK_WAIT_SECONDS,
    describe_url,
    is_lock_timeout,
    is_lost_connection,
    is_run_again,
)
from synergy_desk.services.common import RUN_ATTEMPTS, Actor, retried, transaction
from synergy_desk.services.money import payments
from tests.services.money.test_funding import new_customer, new_incident


def _is_postgres() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


def _setting(name: str) -> str:
    return str(db.execute_sql(f"SHOW {name}").fetchone()[0])


def test_a_desk_waits_for_another_desks_lock_a_bounded_time(db_url: str) -> None:
    if _is_postgres():
        assert _setting("lock_timeout") == f"{LOCK_WAIT_SECONDS}s"
        assert _setting("tcp_keepalives_idle") == "30"
    else:
        busy = db.execute_sql("PRAGMA busy_timeout").fetchone()[0]
        assert busy == LOCK_WAIT_SECONDS * 1000


@contextmanager
def _receipt_counter_held(url: str) -> Iterator[None]:
    """Another desk, mid-payment, holding the receipt counter (its network has dropped)."""
    info = describe_url(url)
    if info.kind == "postgresql":
        import psycopg

        other: Any = psycopg.connect(url)
        other.execute("UPDATE sequence SET last_value = last_value WHERE name = 'receipt'")
    else:
        other = sqlite3.connect(str(info.path), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE sequence SET last_value = last_value WHERE name = 'receipt'")
    try:
        yield
    finally:
        other.rollback() if info.kind == "postgresql" else other.execute("ROLLBACK")
        other.close()


def _shorter_wait() -> None:
    """The test waits one second where a desk waits ten."""
    if _is_postgres():
        db.execute_sql("SET lock_timeout = '1s'")
    else:
        db.execute_sql("PRAGMA busy_timeout = 1000")


def test_a_payment_behind_a_held_receipt_counter_gives_up_with_a_readable_message(
        office: dict[str, Any], reception: Actor) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, office["product"])  # type: ignore[arg-type]
    request = payments.PaymentInput(customer_id=customer.id, incident_ids=(incident.id,),
                                      method=PaymentMethod.CASH, tendered_pence=10_000)
    _shorter_wait()
    with _receipt_counter_held(str(office["url"])):
        started = time.monotonic()
        with pytest.raises(LockTimeout, match="Another desk is still saving") as refused:
            payments.take_payment(reception, request)
        waited = time.monotonic() - started
    assert waited < 5, f"the payment waited {waited:.1f} s"
    assert "nothing of yours was saved" in refused.value.message
    assert t.Payment.select().count() == 0
    assert t.Sequence.get(t.Sequence.name == "receipt").last_value == 0
    # Once the other desk lets go, the same payment goes through with the first number.
    receipt = payments.take_payment(reception, request)
    assert receipt.number == "R-000001"


class _Deadlocks:
    """Two desks that take the same two rows in opposite orders, once."""

    def __init__(self) -> None:
        self.runs = 0
        self.both_hold_one = threading.Barrier(2, timeout=30)

    def lock_both(self, first: str, second: str) -> None:
        self.runs += 1
        row = t.Sequence.update(last_value=t.Sequence.last_value + 1)
        row.where(t.Sequence.name == first).execute()
        if self.runs <= 2:  # the first run of each desk: both hold one row, then reach over
            self.both_hold_one.wait()
        row.where(t.Sequence.name == second).execute()


@pytest.mark.postgres
@pytest.mark.slow
def test_a_transaction_that_lost_a_deadlock_is_run_again_unseen(office: dict[str, Any]) -> None:
    if not _is_postgres():
        pytest.skip("only PostgreSQL breaks a deadlock; SQLite's writers queue")
    race = _Deadlocks()
    failures: list[BaseException] = []

    @retried
    def save(first: str, second: str) -> None:
        with transaction():
            race.lock_both(first, second)

    def desk(first: str, second: str) -> None:
        try:
            save(first, second)
        except BaseException as exc:  # handed to the test, which fails on it
            failures.append(exc)
        finally:
            db.close()

    desks = [threading.Thread(target=desk, args=("receipt", "credit_note")),
             threading.Thread(target=desk, args=("credit_note", "receipt"))]
    for thread in desks:
        thread.start()
    for thread in desks:
        thread.join(60)
    assert failures == []
    assert race.runs == 3  # one desk's first run was broken by the server and ran again
    values = dict(t.Sequence.select(t.Sequence.name, t.Sequence.last_value).tuples())
    assert values["receipt"] == values["credit_note"] == 2


def _wrapped(error: BaseException) -> peewee.OperationalError:
    """The error as Peewee raises it: its own class, raised from the driver's."""
    try:
        try:
            raise error
        except type(error) as original:
            raise peewee.OperationalError(original) from original
    except peewee.OperationalError as wrapped:
        return wrapped


def _sqlite_error(message: str, code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"error {sqlstate}")
        self.sqlstate = sqlstate


def test_which_errors_are_run_again_and_which_are_a_lock_wait_run_out() -> None:
    deadlock = _wrapped(_PgError("40P01"))
    serialisation = _wrapped(_PgError("40001"))
    lock_wait = _wrapped(_PgError("55P03"))
    stale_snapshot = _wrapped(_sqlite_error("database is locked", 517))
    busy = _wrapped(_sqlite_error("database is locked", sqlite3.SQLITE_BUSY))
    server_gone = _wrapped(_PgError("57P01"))
    assert [is_run_again(e) for e in (deadlock, serialisation, stale_snapshot)] == [True] * 3
    assert [is_run_again(e) for e in (lock_wait, busy, server_gone)] == [False] * 3
    assert is_lock_timeout(lock_wait) and is_lock_timeout(busy)
    assert not any(is_lock_timeout(e) for e in (deadlock, server_gone))
    # A lost race or a lock wait is not a lost connection: the desk is told to try again.
    assert not any(is_lost_connection(e) for e in (deadlock, serialisation, lock_wait))
    assert is_lost_connection(server_gone)


def test_a_race_lost_every_time_ends_in_a_readable_message(sqlite_db_url: str) -> None:
    runs = 0

    @retried
    def always_loses() -> None:
        nonlocal runs
        with transaction():
            runs += 1
            t.Sequence.update(last_value=t.Sequence.last_value + 1).where(
                t.Sequence.name == "receipt").execute()
            raise _wrapped(_PgError("40P01"))

    with pytest.raises(LockTimeout, match="Another desk is still saving"):
        always_loses()
    assert runs == RUN_ATTEMPTS
    assert t.Sequence.get(t.Sequence.name == "receipt").last_value == 0  # each run rolled back


def test_inside_a_transaction_a_retried_function_runs_once(sqlite_db_url: str) -> None:
    runs = 0

    @retried
    def inner() -> None:
        nonlocal runs
        runs += 1
        with transaction():
            raise _wrapped(_PgError("40P01"))

    with pytest.raises(peewee.OperationalError), transaction():
        inner()
    assert runs == 1  # the outermost call is the one run again, with the whole transaction
