"""Every incident-list case against its own SQL run raw (docs/speed.md: each ≤ 5 ms at p95 and
at most 2× the raw statement).

A case is a view of the filter bar × a sortable column × a direction × no filter, one
engineer or one product × the first page or a deep one (past ``--depth`` rows, reached by
walking the keyset cursor as someone scrolling would). Each case is timed ``--repeat`` times
through ``list_incidents`` and, interleaved with it, the very statement it runs executed and
fetched raw through the driver: the difference is what the product adds (choosing and binding
the statement, building the rows). With ``--plans`` it also prints, for each case, the index
the database reads and whether the plan sorts or scans the table (EXPLAIN, not ANALYZE).

    python benchmarks/bench_list_table.py --database sqlite:///office-1m.sqlite3
    python benchmarks/bench_list_table.py --database postgresql://USER@HOST/NAME --plans

An empty database given with ``--make N`` is first filled with a demo office of N incidents
(and N/10 customers), so the script can run against an office of any size.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from _bench import load_average, percentile
from bench_list import _busiest_engineer as busiest_engineer
from peewee import SqliteDatabase

from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import open_database
from synergy_desk.services.incidents.incident_list import (
    SORT_COLUMNS,
    VIEWS,
    Cursor,
    IncidentFilter,
    Sort,
    list_incidents,
    page_statement,
)

PAGE_TARGET_MS = 5.0
RATIO_TARGET = 2.0
#: A sort of this many rows found through an index is a few hundred microseconds; beyond it,
#: a plan that sorts is reported as a fault of the indexes.
SMALL_SORT = 5_000


@dataclass(frozen=True)
class Case:
    label: str
    #: The case whatever the office's size: the same key on another office is the same case.
    key: str
    filt: IncidentFilter
    sort: Sort
    after: Cursor | None


@dataclass(frozen=True)
class Result:
    case: Case
    product_median: float
    product_p95: float
    raw_median: float
    raw_p95: float
    rows: int
    plan: str
    #: What the statement read, run once under EXPLAIN ANALYZE after the timed runs
    #: (PostgreSQL; zeros when not asked): the rows its scans returned or passed over, and
    #: the pages of table and index it touched (shared buffers, found in memory or read in).
    rows_read: int = 0
    buffers: int = 0

    @property
    def ratio(self) -> float:
        return self.product_median / self.raw_median if self.raw_median else float("nan")


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database", required=True,
                        help="sqlite:///PATH or postgresql://USER@HOST/NAME (a demo office)")
    parser.add_argument("--repeat", type=int, default=30,
                        help="times each case is fetched, each way (default 30)")
    parser.add_argument("--page", type=int, default=100, help="rows a page (default 100)")
    parser.add_argument("--depth", type=int, default=2_000,
                        help="rows walked before the deep page (default 2,000)")
    parser.add_argument("--views", default=",".join(VIEWS), help="views, comma separated")
    parser.add_argument("--sorts", default=",".join(SORT_COLUMNS),
                        help="sort columns, comma separated")
    parser.add_argument("--plans", action="store_true",
                        help="also print each case's plan: the index read, sorts and scans")
    parser.add_argument("--make", type=int, metavar="N", default=None,
                        help="fill an empty database with a demo office of N incidents first")
    parser.add_argument("--all", action="store_true",
                        help="print every case, not only the slowest and the summary")


def newest_product() -> int:
    return int(t.Incident.select(t.Incident.product).order_by(t.Incident.id.desc()).scalar()
               or 0)


def make_office(incidents: int) -> None:
    if t.Incident.select().exists():
        return
    from synergy_desk.demo.generator import generate_demo

    started = time.perf_counter()
    generate_demo(customers=max(1, incidents // 10), incidents=incidents)
    print(f"made a demo office of {incidents:,} incidents in "
          f"{time.perf_counter() - started:.0f} s")


def cases(views: Sequence[str], columns: Sequence[str], depth: int, page: int) -> list[Case]:
    me, product = busiest_engineer(), newest_product()
    out: list[Case] = []
    for view in views:
        for filter_label, extra in (("", {}), ("one engineer", {"engineer_id": me}),
                                    ("one product", {"product_id": product})):
            filt = IncidentFilter(view=view, me=me, **extra)
            for column in columns:
                for descending in (False, True):
                    sort = Sort(column, descending)
                    name = (f"{view}{', ' + filter_label if filter_label else ''} by {column}"
                            f"{' desc' if descending else ''}")
                    out.append(Case(name + ", first", name + ", first", filt, sort, None))
                    cursor, walked = None, 0
                    while walked < depth:
                        got = list_incidents(filt, sort, after=cursor, limit=page)
                        walked += len(got.rows)
                        cursor = got.next_cursor
                        if cursor is None:
                            break
                    if cursor is not None:
                        out.append(Case(f"{name}, @{walked:,}", name + ", deep", filt, sort,
                                        cursor))
    return out


def plan_of(sql: str, params: list[object]) -> str:
    """The index the statement reads; "sorts N" when the plan sorts (N: the rows the planner
    expects to sort), "SCANS" when it reads the whole incident table."""
    if isinstance(db.obj, SqliteDatabase):
        lines = [r[-1] for r in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params)]
        reads = [line for line in lines if line.startswith(("SCAN incident",
                                                            "SEARCH incident"))]
        text = reads[0].split(" USING ")[-1] if reads else "?"
        if any("TEMP B-TREE" in line for line in lines):
            text += ", SORTS"
        if any(line.startswith("SCAN incident") and "INDEX" not in line for line in lines):
            text += ", SCANS"
        return text
    lines = [r[0] for r in db.execute_sql("EXPLAIN " + sql, params)]
    reads = [line.strip().lstrip("-> ") for line in lines if " on incident " in line]
    text = reads[0].split("  (")[0].replace(" on incident", "") if reads else "?"
    for n, line in enumerate(lines):
        if "->  Sort " in line or line.startswith("Sort "):
            # The rows sorted: the estimate of the node under the sort.
            under = next((x for x in lines[n + 1:] if "rows=" in x and "->" in x), "")
            rows = under.split("rows=")[1].split()[0] if under else "?"
            text += f", sorts {rows}"
            break
    if any("Seq Scan on incident" in line for line in lines):
        text += ", SCANS"
    return text


def sorted_rows(plan: str) -> int:
    """The rows a plan sorts (0: it does not sort)."""
    if ", sorts " in plan:
        figure = plan.split(", sorts ")[1].split(",")[0]
        return int(figure) if figure.isdigit() else 1_000_000
    return 1_000_000 if "SORTS" in plan else 0


def reads_of(sql: str, params: list[object]) -> tuple[int, int]:
    """The rows a statement's scans return or pass over, and the shared buffers it touches,
    when run (PostgreSQL; its planning left out). A bitmap's index entries are not counted as
    rows: the heap scan over the bitmap counts those it reads."""
    plan = db.execute_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql,
                          params).fetchone()[0][0]["Plan"]

    def rows(node: dict[str, Any]) -> int:
        own = 0
        if "Scan" in node["Node Type"] and node["Node Type"] != "Bitmap Index Scan":
            own = int(node["Actual Loops"]) * sum(int(node.get(k, 0)) for k in (
                "Actual Rows", "Rows Removed by Filter", "Rows Removed by Index Recheck"))
        return own + sum(rows(child) for child in node.get("Plans", []))

    return rows(plan), int(plan["Shared Hit Blocks"]) + int(plan["Shared Read Blocks"])


def runs_a_statement(case: Case) -> bool:
    """Whether the list reads the case's page from the database: nobody's incidents of one
    engineer are none, and the list answers so without asking (list_incidents)."""
    return not (case.filt.view == "unassigned" and case.filt.engineer_id is not None)


def timings(case: Case, repeat: int, page: int) -> tuple[int, list[float], list[float]]:
    """The rows of the case's page, and ``repeat`` times (ms) of the page through the product
    and of its statement run raw, taking turns, after one untimed run of each."""
    sql, params, _ = page_statement(case.filt, case.sort, after=case.after, limit=page)
    cursor = db.cursor()

    def raw() -> int:
        cursor.execute(sql, params)
        return len(cursor.fetchall())

    def product() -> int:
        return len(list_incidents(case.filt, case.sort, after=case.after, limit=page).rows)

    rows = product()
    raw()
    product_ms: list[float] = []
    raw_ms: list[float] = []
    clock = time.perf_counter
    for _ in range(repeat):
        started = clock()
        product()
        product_ms.append((clock() - started) * 1000.0)
        started = clock()
        raw()
        raw_ms.append((clock() - started) * 1000.0)
    return rows, product_ms, raw_ms


def result_of(case: Case, rows: int, product_ms: Sequence[float], raw_ms: Sequence[float],
              page: int, with_plan: bool, with_buffers: bool = False) -> Result:
    """The case's figures from its times; its plan and what it reads when asked (read from
    the database the models read now)."""
    sql, params, _ = page_statement(case.filt, case.sort, after=case.after, limit=page)
    return Result(case, statistics.median(product_ms), percentile(product_ms, 0.95),
                  statistics.median(raw_ms), percentile(raw_ms, 0.95), rows,
                  plan_of(sql, params) if with_plan else "",
                  *(reads_of(sql, params) if with_buffers and runs_a_statement(case)
                    else (0, 0)))


def measure(case: Case, repeat: int, page: int, with_plan: bool,
            with_buffers: bool = False) -> Result:
    rows, product_ms, raw_ms = timings(case, repeat, page)
    return result_of(case, rows, product_ms, raw_ms, page, with_plan, with_buffers)


def chosen(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """The views and the sort columns the command line asked for."""
    return ([v.strip() for v in args.views.split(",") if v.strip()],
            [c.strip() for c in args.sorts.split(",") if c.strip()])


def describe(display: str, kind: str, args: argparse.Namespace) -> None:
    """The line that heads a run: the office, its size and the machine's load."""
    total = t.Incident.select().count()
    print(f"database: {display} ({kind}); {total:,} incidents; load average "
          f"{load_average()}; {args.page} rows a page; deep pages after {args.depth:,} rows; "
          f"{args.repeat} repetitions each way")


def print_results(results: Sequence[Result], every: bool) -> None:
    width = max(len(r.case.label) for r in results)
    header = (f"  {'case':{width}}  {'rows':>4}  {'med':>7}  {'p95':>7}  {'raw med':>7}  "
              f"{'raw p95':>7}  {'ratio':>5}")
    shown = results if every else sorted(results, key=lambda r: -r.product_p95)[:25]
    print()
    print("every case, ms" if every else "the 25 slowest cases by p95, ms")
    print(header + ("  plan" if results[0].plan else ""))
    for r in shown:
        flags = []
        if r.product_p95 > PAGE_TARGET_MS:
            flags.append("SLOW")
        if r.ratio > RATIO_TARGET:
            flags.append("RATIO")
        print(f"  {r.case.label:{width}}  {r.rows:4d}  {r.product_median:7.3f}  "
              f"{r.product_p95:7.3f}  {r.raw_median:7.3f}  {r.raw_p95:7.3f}  {r.ratio:5.2f}"
              f"{'  ' + r.plan if r.plan else ''}{'  ' + ' '.join(flags) if flags else ''}")


def summary(results: Sequence[Result]) -> None:
    p95s = [r.product_p95 for r in results]
    ratios = [r.ratio for r in results]
    slow = [r for r in results if r.product_p95 > PAGE_TARGET_MS]
    over = [r for r in results if r.ratio > RATIO_TARGET]
    scans = [r for r in results if "SCANS" in r.plan]
    big_sorts = [r for r in results if sorted_rows(r.plan) > SMALL_SORT]
    small_sorts = [r for r in results if 0 < sorted_rows(r.plan) <= SMALL_SORT]
    print()
    print(f"{len(results)} cases: product median of medians "
          f"{statistics.median(r.product_median for r in results):.3f} ms, "
          f"raw {statistics.median(r.raw_median for r in results):.3f} ms; worst p95 "
          f"{max(p95s):.3f} ms ({max(results, key=lambda r: r.product_p95).case.label}); "
          f"ratio median {statistics.median(ratios):.2f}, worst {max(ratios):.2f} "
          f"({max(results, key=lambda r: r.ratio).case.label})")
    print(f"cases over {PAGE_TARGET_MS:g} ms at p95: {len(slow)}; over {RATIO_TARGET:g}× raw: "
          f"{len(over)}")
    if results[0].plan:
        print(f"plans that scan the incident table: {len(scans)}; that sort more than "
              f"{SMALL_SORT:,} rows: {len(big_sorts)}; that sort a few found through an index "
              f"(the planner's choice, cheaper than walking): {len(small_sorts)}")
    print("verdict:", "every case meets the targets" if not slow and not over
          else "MISSES the targets")


def run(url: str, args: argparse.Namespace) -> list[Result]:
    info = open_database(url, migrate_schema=args.make is not None)
    if args.make is not None:
        make_office(args.make)
    describe(info.display, info.kind, args)
    views, columns = chosen(args)
    buffers = getattr(args, "buffers", False) and not isinstance(db.obj, SqliteDatabase)
    return [measure(case, args.repeat, args.page, args.plans, buffers)
            for case in cases(views, columns, args.depth, args.page)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options(parser)
    args = parser.parse_args()
    results = run(args.database, args)
    print_results(results, args.all)
    summary(results)


if __name__ == "__main__":
    main()
