"""Long jobs beside working desks: a desk in another process keeps saving while a large customer
import writes, and while an export or a report reads; an import killed half-way is undone by
the next run, and a live one is left alone."""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from synergy_desk.domain.enums import Role
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor, read_snapshot
from synergy_desk.services.data import csv_export, csv_import
from synergy_desk.services.reporting.reports import build_report
from tests.services.money.test_funding import new_customer, new_incident

#: What "a moment" is for a desk: no save may wait longer than this while a long job runs.
LONGEST_WAIT = 2.0
#: Rows of the large import (about 10 s of writing on SQLite, 20 s on PostgreSQL).
LARGE_IMPORT = 50_000

_ctx = multiprocessing.get_context("spawn")


def _actor_args(actor: Actor) -> tuple[int, str, str, str]:
    return actor.id, actor.username, actor.full_name, actor.role.value


def _desk(url: str, actor: tuple[int, str, str, str], incident_ids: list[int], customer_id: int,
          go: Any, saved: Any, stop: Any, results: Any) -> None:
    """A desk in its own process: from ``go`` until ``stop``, take a cash payment and add a
    customer by turns, a fifth of a second apart, timing each save (``saved`` is set after
    the first)."""
    from synergy_desk.models.database import close_database, open_database
    from synergy_desk.services.money import payments
    from synergy_desk.services.people.customers import CustomerInput, create_customer
    from tests.services.money.test_funding import cash

    waits: list[tuple[str, float]] = []
    errors: list[str] = []
    try:
        open_database(url, migrate_schema=False)
        who = Actor(actor[0], actor[1], actor[2], Role(actor[3]))
        customer = t.Customer.get_by_id(customer_id)
        go.wait(timeout=300)
        pending = list(incident_ids)
        n = 0
        while not stop.is_set() and n < 400:
            started = time.perf_counter()
            try:
                if n % 2 == 0 and pending:
                    payments.take_payment(who, cash(customer, (pending.pop(0),)))
                    what = "take a payment"
                else:
                    create_customer(who, CustomerInput(name=f"Walk-in {n}"))
                    what = "add a customer"
                waits.append((what, time.perf_counter() - started))
                saved.set()
            except Exception as exc:  # every failure is reported to the parent, none hidden
                errors.append(f"{type(exc).__name__}: {exc} "
                              f"(after {time.perf_counter() - started:.1f} s)")
            n += 1
            time.sleep(0.2)
        close_database()
    except Exception as exc:
        errors.append(f"desk failed: {type(exc).__name__}: {exc}")
    saved.set()
    results.put((waits, errors))


def _start_desk(url: str, actor: Actor, incident_ids: list[int], customer_id: int
                ) -> tuple[Any, Any, Any, Any, Any]:
    go, saved, stop, results = _ctx.Event(), _ctx.Event(), _ctx.Event(), _ctx.Queue()
    process = _ctx.Process(target=_desk, args=(url, _actor_args(actor), incident_ids,
                                               customer_id, go, saved, stop, results))
    process.start()
    return process, go, saved, stop, results


def _finish_desk(process: Any, stop: Any, results: Any) -> tuple[list[tuple[str, float]],
                                                                 list[str]]:
    stop.set()
    try:
        outcome: tuple[list[tuple[str, float]], list[str]] = results.get(timeout=120)
    except queue.Empty:
        pytest.fail("the desk did not report back")
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    return outcome


def _large_file(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "large.csv"
    lines = ["Name,Contact Name,Telephone,Notes"]
    lines += [f"Customer {n} Ltd,Person {n},0113 496 {n % 10_000:04d},Imported {n}"
              for n in range(1, rows + 1)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_desk_adds_customers_and_takes_payments_while_a_large_import_writes(
        office: dict[str, Any], manager: Actor, reception: Actor, product: t.Product,
        tmp_path: Path) -> None:
    url = office["url"]
    customer = new_customer()
    incidents = [new_incident(reception, customer, product).id for _ in range(60)]
    csv_file = csv_import.read_csv(_large_file(tmp_path, LARGE_IMPORT))
    mapping = csv_import.guess_mapping(csv_file.headers)
    process, go, _saved, stop, results = _start_desk(url, reception, incidents, customer.id)

    def progress(done: int, total: int, stage: str) -> None:
        if stage == "importing":
            go.set()  # the import is writing: the desk starts saving

    try:
        started = time.perf_counter()
        result = csv_import.import_customers(manager, csv_file, mapping, progress=progress)
        took = time.perf_counter() - started
    finally:
        waits, errors = _finish_desk(process, stop, results)
    assert errors == []
    assert result.imported == LARGE_IMPORT
    # The desk saved all through the import, never waiting more than a moment.
    assert len(waits) >= 10, (waits, took)
    longest = max(w for _, w in waits)
    assert longest < LONGEST_WAIT, sorted(waits, key=lambda w: -w[1])[:5]
    # Every customer has an account code of its own, the desk's among the import's.
    added = sum(1 for what, _ in waits if what == "add a customer")
    codes = [c for (c,) in t.Customer.select(t.Customer.account_code).tuples()]
    assert len(codes) == len(set(codes)) == LARGE_IMPORT + added + 1
    paid = sum(1 for what, _ in waits if what == "take a payment")
    assert t.Payment.select().count() == paid


def _export_then_pay(office: dict[str, Any], reception: Actor, product: t.Product,
                     read: Any) -> float:
    """How long a desk in another process takes to take a payment while ``read(pause)`` is
    reading; ``pause`` is called in the middle of the read."""
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    process, go, saved, stop, results = _start_desk(office["url"], reception, [incident.id],
                                                    customer.id)
    seen: list[int] = []

    def pause() -> None:
        if seen:
            return
        seen.append(1)
        go.set()
        # The read's snapshot stays open until the desk has taken its payment (or gave up).
        assert saved.wait(timeout=60)

    try:
        read(pause)
    finally:
        waits, errors = _finish_desk(process, stop, results)
    assert errors == []
    assert waits[0][0] == "take a payment", waits
    return waits[0][1]


def test_a_desk_takes_a_payment_while_an_export_reads(
        office: dict[str, Any], manager: Actor, reception: Actor, product: t.Product,
        tmp_path: Path) -> None:
    for n in range(30):
        new_customer(f"Customer {n}")

    def read(pause: Any) -> None:
        def progress(done: int, total: int, stage: str) -> None:
            pause()

        result = csv_export.export_customers(manager, tmp_path / "customers.csv",
                                             progress=progress, batch_size=5)
        assert result.rows >= 30

    assert _export_then_pay(office, reception, product, read) < LONGEST_WAIT


def test_a_desk_takes_a_payment_while_a_report_reads(
        office: dict[str, Any], manager: Actor, reception: Actor, product: t.Product) -> None:
    import datetime as dt

    def read(pause: Any) -> None:
        today = dt.date.today()
        with read_snapshot():  # one report read, held open across the desk's payment
            build_report(manager, "cashup", today - dt.timedelta(days=1), today)
            pause()
            again = build_report(manager, "cashup", today - dt.timedelta(days=1), today)
        assert again is not None

    assert _export_then_pay(office, reception, product, read) < LONGEST_WAIT


# --- an import whose process is killed ----------------------------------------------------

def _import_then_die(url: str, actor: tuple[int, str, str, str], path: str, batches: int,
                     ready: Any) -> None:
    """Import the file in this process, and kill the process after ``batches`` batches."""
    from synergy_desk.models.database import open_database

    open_database(url, migrate_schema=False)
    who = Actor(actor[0], actor[1], actor[2], Role(actor[3]))
    csv_file = csv_import.read_csv(path)
    written = [0]

    def progress(done: int, total: int, stage: str) -> None:
        if stage != "importing":
            return
        written[0] += 1
        if written[0] >= batches:
            ready.set()
            os.kill(os.getpid(), signal.SIGKILL)

    csv_import.import_customers(who, csv_file, csv_import.guess_mapping(csv_file.headers),
                                progress=progress)


@pytest.mark.skipif(sys.platform == "win32", reason="kills the importing process with SIGKILL")
def test_an_import_killed_half_way_is_undone_by_the_next_run(
        office: dict[str, Any], manager: Actor, tmp_path: Path) -> None:
    kept = new_customer("Here before")
    sequence_before = t.Sequence.get_by_id("customer").last_value
    path = _large_file(tmp_path, 6_000)
    ready = _ctx.Event()
    process = _ctx.Process(target=_import_then_die,
                           args=(office["url"], _actor_args(manager), str(path), 2, ready))
    process.start()
    process.join(timeout=120)
    assert process.exitcode == -signal.SIGKILL
    assert ready.is_set()
    # Half the import is there, written by a process that no longer runs.
    assert t.Customer.select().count() > 1

    undone = csv_import.undo_stopped_imports()

    assert [(u.file_name, u.kept) for u in undone] == [("large.csv", ())]
    assert undone[0].removed > 0
    assert [c.id for c in t.Customer.select()] == [kept.id]
    assert t.Contact.select().count() == 0
    assert t.Sequence.get_by_id("customer").last_value == sequence_before
    assert t.CustomerImport.get().state == "undone"
    assert csv_import.undo_stopped_imports() == []
    # The next import of the same file goes through whole.
    csv_file = csv_import.read_csv(path)
    result = csv_import.import_customers(manager, csv_file,
                                         csv_import.guess_mapping(csv_file.headers))
    assert result.imported == 6_000
    assert t.Customer.select().count() == 6_001


def test_an_import_still_running_is_not_undone_by_another_desk(
        manager: Actor, tmp_path: Path) -> None:
    path = _large_file(tmp_path, 3_000)
    csv_file = csv_import.read_csv(path)
    looked: list[list[csv_import.UndoneImport]] = []

    def progress(done: int, total: int, stage: str) -> None:
        if stage == "importing" and not looked:
            looked.append(csv_import.undo_stopped_imports())

    result = csv_import.import_customers(manager, csv_file,
                                         csv_import.guess_mapping(csv_file.headers),
                                         progress=progress)
    assert looked == [[]]
    assert result.imported == 3_000
    assert t.Customer.select().count() == 3_000
    assert t.CustomerImport.get().state == "done"
