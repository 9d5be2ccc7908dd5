"""Whole-office jobs on a large office: CSV exports (rows a second, memory staying flat),
the backup, and optionally the copy to PostgreSQL.

Each export (customers, incidents, payments) runs in a process of its own, for the whole
office and for its last year (rows a second, and the process's peak resident memory before
and after: streaming, the whole office needs no more than a year). Then each runs under
``tracemalloc`` over the last year, which records the Python heap's peak and its size after
each batch of rows: a streaming export holds as much at the end as after its first batch.
``backup_database`` is timed on the database itself (seconds and MB a second, the integrity
check of the copy included). ``--copy-to`` copies the SQLite office into an empty PostgreSQL
database (about 7.5 million rows on the 1M office; `bench_copy_to.py` times each step).

    python benchmarks/bench_office.py --database sqlite:///office-1m.sqlite3 --out DIR
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _bench import load_average, manager_actor, open_office, parse_args
from peewee import fn

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.data.csv_export import (
    ExportResult,
    export_customers,
    export_incidents,
    export_payments,
)
from synergy_desk.services.office.office_time import office_date

Export = Callable[..., ExportResult]
EXPORTS: dict[str, Export] = {"customers": export_customers, "incidents": export_incidents,
                              "payments": export_payments}


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="",
                        help="folder for the CSV files and the backup (default: a temporary "
                             "folder, removed afterwards)")
    parser.add_argument("--exports", default=",".join(EXPORTS),
                        help="exports to run, comma separated (customers, incidents, payments)")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the runs under tracemalloc (five times slower: they export "
                             "the last year's incidents and payments, and every customer)")
    parser.add_argument("--no-backup", action="store_true", help="skip the backup")
    parser.add_argument("--copy-to", default="",
                        help="also copy the office into this empty postgresql:// database")


def _last_year() -> tuple[dt.date, dt.date]:
    """The year ending on the day of the newest incident (the demo's busiest)."""
    latest = t.Incident.select(fn.MAX(t.Incident.opened_at)).scalar()
    if isinstance(latest, str):
        latest = dt.datetime.fromisoformat(latest)
    day = office_date(latest) if latest else dt.date.today()
    return day - dt.timedelta(days=364), day


def _export_in_child(url: str, name: str, target: str, period: tuple[dt.date, dt.date] | None,
                     results: mp.Queue) -> None:  # type: ignore[type-arg]
    """One export in a fresh process, so its peak resident memory is its own."""
    from synergy_desk.models.database import open_database

    open_database(url, migrate_schema=False)
    actor = manager_actor()
    before = _peak_rss()
    started = time.perf_counter()
    cpu = time.process_time()
    kwargs: dict[str, Any] = {}
    if period is not None and name != "customers":
        kwargs = {"start": period[0], "end": period[1]}
    result = EXPORTS[name](actor, Path(target), **kwargs)
    results.put((result.rows, time.perf_counter() - started, time.process_time() - cpu,
                 before, _peak_rss()))


def _peak_rss() -> int:
    """This process's peak resident memory in kB (0 where the system does not say: Windows)."""
    try:
        import resource
    except ImportError:
        return 0
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _export(url: str, name: str, folder: Path, period: tuple[dt.date, dt.date] | None) -> None:
    target = folder / f"{name}.csv"
    context = mp.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_export_in_child,
                            args=(url, name, str(target), period, results))
    child.start()
    rows, seconds, cpu_seconds, rss_before, rss_after = results.get()
    child.join()
    size = target.stat().st_size
    rate = rows / seconds if seconds else float("nan")
    what = f"{name}, {period[0]} – {period[1]}" if period and name != "customers" else name
    print(f"  {what:36}  {rows:9,} rows  {seconds:7.1f} s ({cpu_seconds:6.1f} s CPU)"
          f"  {rate:8,.0f} rows/s  {size / 1e6:7.1f} MB file;  peak RSS {rss_before / 1024:5.0f}"
          f" MB before, {rss_after / 1024:5.0f} MB after")
    target.unlink()


def _traced(actor: Actor, name: str, folder: Path,
            period: tuple[dt.date, dt.date] | None) -> None:
    """The export under tracemalloc: the Python heap's peak and its size batch by batch."""
    target = folder / f"{name}.csv"
    heap: list[tuple[int, int]] = []

    def progress(done: int, _total: int, _stage: str) -> None:
        heap.append((done, tracemalloc.get_traced_memory()[0]))

    kwargs: dict[str, Any] = {}
    if period is not None and name != "customers":
        kwargs = {"start": period[0], "end": period[1]}
    tracemalloc.start()
    started = time.perf_counter()
    result = EXPORTS[name](actor, target, progress=progress, **kwargs)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    first = heap[0] if heap else (0, 0)
    mid = heap[len(heap) // 2] if heap else (0, 0)
    last = heap[-1] if heap else (0, 0)
    what = f"{name}, {period[0]} – {period[1]}" if period and name != "customers" else name
    print(f"  {what:36}  {result.rows:9,} rows  {seconds:6.1f} s traced;  heap peak "
          f"{peak / 1e6:5.1f} MB; after {first[0]:,} rows {first[1] / 1e6:4.1f} MB, "
          f"after {mid[0]:,} {mid[1] / 1e6:4.1f} MB, after {last[0]:,} {last[1] / 1e6:4.1f} MB")
    target.unlink()


def _backup(url: str, folder: Path) -> None:
    from synergy_desk.services.data.backup import backup_database

    started = time.perf_counter()
    cpu = time.process_time()
    result = backup_database(url, folder / "backup.sqlite3")
    seconds = time.perf_counter() - started
    mb = result.size_bytes / 1e6
    print(f"  backup_database: {mb:,.0f} MB in {seconds:.1f} s ({time.process_time() - cpu:.1f}"
          f" s CPU), {mb / seconds:,.0f} MB/s, integrity check of the copy included")
    result.path.unlink()


def _copy(source: str, target: str) -> None:
    from synergy_desk.services.data.copy_to import copy_office

    stages: dict[str, float] = {}
    started = time.perf_counter()

    def progress(_done: int, _total: int, stage: str) -> None:
        stages.setdefault(stage, time.perf_counter() - started)

    result = copy_office(source, target, progress=progress)
    seconds = time.perf_counter() - started
    print(f"  copy_office to PostgreSQL: {result.total_rows:,} rows in {seconds:.0f} s "
          f"({result.total_rows / seconds:,.0f} rows/s)")
    marks = sorted(stages.items(), key=lambda s: s[1])
    for (stage, at), following in zip(marks, marks[1:] + [("end", seconds)], strict=True):
        print(f"    {stage:24} {following[1] - at:7.1f} s")


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _options)
    open_office(args.database)
    actor = manager_actor()
    wanted = [e.strip() for e in args.exports.split(",") if e.strip() in EXPORTS]
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(args.out) if args.out else Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"files written to {folder} (load average {load_average()})")
        year = _last_year()
        print("\nCSV exports, each in its own process: the whole office, then the last year")
        for name in wanted:
            _export(args.database, name, folder, None)
        for name in wanted:
            if name != "customers":
                _export(args.database, name, folder, year)
        if not args.no_memory:
            print("\nCSV exports under tracemalloc (the Python heap; slower while traced)")
            for name in wanted:
                _traced(actor, name, folder, year)
        if not args.no_backup:
            print("\nbackup")
            _backup(args.database, folder)
        if args.copy_to:
            print("\ncopy to PostgreSQL")
            _copy(args.database, args.copy_to)


if __name__ == "__main__":
    main()
