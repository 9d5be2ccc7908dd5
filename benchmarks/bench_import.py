"""A long customer import beside a working desk (docs/storage.md, Long imports).

Imports a generated CSV of ``--rows`` customers (names, a contact, a phone number, notes; no
account codes, so every code is generated from the customers' sequence) through
``services.data.csv_import.import_customers``, while a second process — a desk with its own
connection — adds a customer every ``--desk-interval-ms`` and times each save. Prints the
import's rows a second (checking, writing, whole) and how long the desk waited: the longest
wait is the longest the import held the desk out (SQLite's write lock, or on PostgreSQL the
customers' sequence).

It WRITES to the database it is given (the imported customers and the desk's): give it a
copy, or an empty office (one with no user gets a manager called "bench").

    python benchmarks/bench_import.py --database sqlite:///copy.sqlite3 --rows 200000
    python benchmarks/bench_import.py --database postgresql://USER:PASSWORD@HOST/NAME
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _bench import load_average, open_office, parse_args, percentile


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rows", type=int, default=200_000,
                        help="customers in the generated file (default 200,000; one import "
                             "takes at most 20 MB, about 250,000 such rows)")
    parser.add_argument("--desk-interval-ms", type=float, default=100.0,
                        help="pause between two of the desk's saves (default 100)")


def _desk(url: str, interval: float, go: Any, stop: Any, results: Any) -> None:
    """A desk: adds a customer every ``interval`` seconds from ``go`` until ``stop``."""
    from synergy_desk.domain.enums import Role
    from synergy_desk.models import tables as t
    from synergy_desk.models.database import close_database, open_database
    from synergy_desk.services.common import Actor
    from synergy_desk.services.people.customers import CustomerInput, create_customer

    waits: list[float] = []
    errors: list[str] = []
    open_database(url, migrate_schema=False)
    user = (t.User.select().where(t.User.role == Role.RECEPTION).order_by(t.User.id).first()
            or t.User.select().order_by(t.User.id).first())
    actor = Actor.from_user(user)
    create_customer(actor, CustomerInput(name="Warm-up"))  # connection set-up, not waiting
    go.wait()
    n = 0
    while not stop.is_set():
        started = time.perf_counter()
        try:
            create_customer(actor, CustomerInput(name=f"Walk-in {n}"))
        except Exception as exc:  # every failure is counted and printed, none hidden
            errors.append(f"{type(exc).__name__}: {exc}")
        waits.append((time.perf_counter() - started) * 1000.0)
        n += 1
        time.sleep(interval)
    close_database()
    results.put((waits, errors))


def _file(folder: Path, rows: int) -> Path:
    path = folder / "bench-customers.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Name,Contact Name,Telephone,Notes\r\n")
        for n in range(1, rows + 1):
            out.write(f"Bench {n} Ltd,Person {n},0113 496 {n % 10_000:04d},Row {n}\r\n")
    return path


def _manager() -> Any:
    from synergy_desk.domain.enums import Role
    from synergy_desk.services.people import users

    if not users.has_users():
        return users.create_first_manager("bench", "Bench Manager", "bench-password")
    return users.command_actor(None, (Role.MANAGER,), "run the benchmarks")


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _options)
    from synergy_desk.models.database import close_database, open_database
    from synergy_desk.services.data import csv_import

    open_database(args.database)  # an empty database is made an office first
    close_database()
    info = open_office(args.database)

    actor = _manager()
    with tempfile.TemporaryDirectory() as folder:
        path = _file(Path(folder), args.rows)
        size = path.stat().st_size
        csv_file = csv_import.read_csv(path)
    mapping = csv_import.guess_mapping(csv_file.headers)

    ctx = mp.get_context("spawn")
    go, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
    desk = ctx.Process(target=_desk, args=(info.url, args.desk_interval_ms / 1000.0, go, stop,
                                           results))
    desk.start()
    time.sleep(3.0)  # the desk process starts and warms up before the clock starts
    marks: dict[str, float] = {}
    batches: list[float] = []

    def progress(done: int, total: int, stage: str) -> None:
        now = time.perf_counter()
        marks.setdefault(stage, now)
        if stage == "importing":
            batches.append(now)

    started = time.perf_counter()
    go.set()  # the desk saves from the start: while the file is checked, and while it is written
    result = csv_import.import_customers(actor, csv_file, mapping, progress=progress)
    ended = time.perf_counter()
    stop.set()
    waits, errors = results.get(timeout=600)
    desk.join(timeout=60)

    writing_from = marks.get("importing", ended)
    gaps = [b - a for a, b in zip(batches, batches[1:], strict=False)]
    print(f"file: {args.rows:,} rows, {size / 1e6:.1f} MB; imported {result.imported:,} "
          f"customers ({result.first_account_code} to {result.last_account_code})")
    print(f"whole import: {ended - started:.1f} s, {result.imported / (ended - started):,.0f} "
          "rows/s")
    print(f"  checking, until the first batch was written: {writing_from - started:.1f} s")
    print(f"  from the first batch written to the end: {ended - writing_from:.1f} s, "
          f"{len(batches)} progress report(s) while writing"
          + (f", longest between two {max(gaps) * 1000:.0f} ms" if gaps else ""))
    if waits:
        print(f"desk: {len(waits)} saves during the import, {len(errors)} failed; wait ms "
              f"median {statistics.median(waits):.1f}, p95 {percentile(waits, 0.95):.1f}, "
              f"p99 {percentile(waits, 0.99):.1f}, longest {max(waits):.1f}")
    for message in errors[:5]:
        print(f"  desk error: {message}")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
