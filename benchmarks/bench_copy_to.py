"""``copy_office`` of a SQLite office into an empty PostgreSQL database: minutes, rows a second,
the time of each table, and of each piece of the work after the rows (made on two connections
at once, while the copy is checked on a third).

The source is only read. The target must be empty (copy-to refuses an office); empty it
between runs, e.g. ``DROP SCHEMA public CASCADE; CREATE SCHEMA public`` as its owner.

    python benchmarks/bench_copy_to.py --database sqlite:///office-1m.sqlite3 \\
        --target postgresql://USER:PASSWORD@localhost/EMPTY [--top 8]
"""

from __future__ import annotations

import argparse
import logging
import resource
import time

from _bench import load_average, parse_args

from synergy_desk.services.data import copy_to, lanes
from synergy_desk.services.data.copy_to import SEARCH_STAGE, copy_office

#: The copy's steps after the tables, timed by wrapping them; those the lanes run at once are
#: summed over the lanes, so together they come to more than the time they took.
STEPS = {"_make_noted": "indexes and keys made (lanes)", "_analyse": "ANALYZE (lanes)",
         "_customer_texts": "customers' search texts (a lane)",
         "_incident_bodies_in_sql": "incidents' search texts (lanes)",
         "_problems": "the copy's check (beside the lanes)",
         "_original_problems": "  the original's (only if the copy's finds any)",
         "_continue_serials": "id sequences moved on"}


def _timed(spent: dict[str, float]) -> None:
    """Wrap the copy's steps so the time each takes is added to ``spent``."""
    for name, label in STEPS.items():
        real = getattr(copy_to, name)

        def wrapper(*args: object, _real: object = real, _label: str = label) -> object:
            began = time.perf_counter()
            try:
                return _real(*args)  # type: ignore[operator]
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - began

        setattr(copy_to, name, wrapper)


class _PieceTimes(logging.Handler):
    """Collects the time of each piece the lanes log ("NAME took S s")."""

    def __init__(self, pieces: dict[str, tuple[float, float]], started: float) -> None:
        super().__init__(logging.DEBUG)
        self.pieces = pieces
        self.started = started

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s took %.1f s":
            name, took = record.args  # type: ignore[misc]
            ended = record.created - (time.time() - time.perf_counter()) - self.started
            self.pieces[str(name)] = (ended - float(took), float(took))


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", required=True, help="the empty postgresql:// database")
    parser.add_argument("--top", type=int, default=8,
                        help="how many of the slowest stages to print (default 8)")


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _options)
    print(f"load average before: {load_average()}")
    last: dict[str, float] = {}  # each stage's last report, from the start
    spent: dict[str, float] = {}
    _timed(spent)
    started = time.perf_counter()
    pieces: dict[str, tuple[float, float]] = {}  # each piece's start (from the copy's) and time
    logging.getLogger(lanes.__name__).setLevel(logging.DEBUG)
    logging.getLogger(lanes.__name__).addHandler(_PieceTimes(pieces, started))

    def progress(_done: int, _total: int, stage: str) -> None:
        last[stage] = time.perf_counter() - started

    result = copy_office(args.database, args.target, progress=progress)
    seconds = time.perf_counter() - started
    counts = result.counts
    print(f"copy_office: {result.total_rows:,} rows in {seconds:.1f} s ({seconds / 60:.2f} min),"
          f" {result.total_rows / seconds:,.0f} rows/s; peak resident memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    print(f"load average after: {load_average()}")
    stages: list[tuple[str, float]] = []
    before = 0.0
    for stage, at in last.items():
        stages.append((stage, at - before))
        before = at
    stages.append(("check, commit, ANALYZE", seconds - before))
    print(f"the slowest {args.top} stages (a table's time ends at its last row):")
    for stage, took in sorted(stages, key=lambda s: -s[1])[:args.top]:
        n = counts.get(stage) if stage != SEARCH_STAGE else None
        per = f"{n:>11,} rows {n / took:>10,.0f} rows/s" if n and took > 0 else ""
        print(f"  {stage:24} {took:7.1f} s  {per}")
    print("the steps after the tables (summed; the lanes run at once):")
    for label, took in spent.items():
        print(f"  {label:38} {took:7.1f} s")
    print(f"the {args.top} longest pieces the lanes made (started, took):")
    for name, (at, took) in sorted(pieces.items(), key=lambda p: -p[1][1])[:args.top]:
        print(f"  {name:40} at {at:6.1f} s  {took:6.1f} s")


if __name__ == "__main__":
    main()
