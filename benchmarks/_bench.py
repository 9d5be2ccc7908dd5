"""What the benchmark scripts share: opening the database, timing calls, printing figures."""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Run as `python benchmarks/NAME.py` from a checkout: make the package importable without
# installing it.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from synergy_desk.models.database import DatabaseInfo, open_database  # noqa: E402


def parse_args(description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None
               ) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", required=True,
                        help="sqlite:///PATH or postgresql://USER@HOST/NAME (a demo office)")
    if extra is not None:
        extra(parser)
    return parser.parse_args()


def open_office(url: str) -> DatabaseInfo:
    info = open_database(url, migrate_schema=False)
    print(f"database: {info.display} ({info.kind}); python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}; load average {load_average()}")
    print("times in ms; wall clock, and this thread's CPU time (cpu med, cpu p95)")
    return info


@dataclass(frozen=True)
class Sample:
    """One timed call: wall-clock milliseconds, and the CPU milliseconds of this thread.

    On a machine shared with other work the wall clock includes waiting for a core; the CPU
    time does not (but misses what a PostgreSQL server spends in its own process).
    """

    wall: float
    cpu: float


def timed(call: Callable[[], object]) -> Sample:
    started_cpu = time.thread_time()
    started = time.perf_counter()
    call()
    wall = (time.perf_counter() - started) * 1000.0
    return Sample(wall, (time.thread_time() - started_cpu) * 1000.0)


def load_average() -> str:
    try:
        import os

        one, five, _ = os.getloadavg()
    except (AttributeError, OSError):
        return "unknown"
    return f"{one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclass(frozen=True)
class Figures:
    label: str
    count: int
    median: float
    p95: float
    p99: float
    maximum: float
    cpu_median: float
    cpu_p95: float

    @classmethod
    def of(cls, label: str, samples: Sequence[Sample]) -> Figures:
        walls = [s.wall for s in samples]
        cpus = [s.cpu for s in samples]
        nan = float("nan")
        return cls(label, len(walls), statistics.median(walls) if walls else nan,
                   percentile(walls, 0.95), percentile(walls, 0.99),
                   max(walls) if walls else nan,
                   statistics.median(cpus) if cpus else nan, percentile(cpus, 0.95))


def print_table(title: str, rows: Sequence[Figures], target_ms: float | None,
                judge: str = "p95") -> bool:
    """Print the figures; returns True when every row meets the target (by ``judge``)."""
    print()
    print(title + (f"  (target ≤ {target_ms:g} ms, judged on {judge})" if target_ms else ""))
    width = max([len(r.label) for r in rows] + [10])
    print(f"  {'':{width}}  {'n':>6}  {'median':>8}  {'p95':>8}  {'p99':>8}  {'max':>8}"
          f"  {'cpu med':>8}  {'cpu p95':>8}")
    ok = True
    for r in rows:
        value = getattr(r, judge)
        verdict = ""
        if target_ms is not None:
            good = value <= target_ms
            ok = ok and good
            verdict = "  ok" if good else "  MISSES TARGET"
        print(f"  {r.label:{width}}  {r.count:6d}  {r.median:8.3f}  {r.p95:8.3f}  "
              f"{r.p99:8.3f}  {r.maximum:8.3f}  {r.cpu_median:8.3f}  {r.cpu_p95:8.3f}{verdict}")
    return ok


def manager_actor() -> Any:
    """The office's first active manager, as the benchmarks act (the command line's choice)."""
    from synergy_desk.domain.enums import Role
    from synergy_desk.services.people.users import command_actor

    return command_actor(None, (Role.MANAGER,), "run the benchmarks")
