"""How the incident list's cases grow with the office (docs/speed.md: each case at 1,000,000
incidents within 1.5× of the same case at 10,000).

Runs every case of ``bench_list_table.py`` against offices of several sizes, one after
another, and compares each case's median with the smallest office's. An office given as an
empty database is first filled with a demo office of its size (a million incidents take a few
minutes on SQLite, longer on PostgreSQL); a filled one is used as it is.

    python benchmarks/bench_list_growth.py \\
        --office 10000=sqlite:///office-10k.sqlite3 \\
        --office 100000=sqlite:///office-100k.sqlite3 \\
        --office 1000000=sqlite:///office-1m.sqlite3

Deep pages (past ``--depth`` rows) are compared only where the smallest office has them.

With ``--rounds N`` (offices already filled) the offices are read in turn instead: each case
is timed at every size, then again, N times over, a slice of ``--repeat`` each time, and each
size's times of the case pooled. Run one office after another, a case at one size and at the
other are minutes apart, and a few seconds when the machine is slower (it happens on a shared
machine) show as growth in the cases that fell in them; taken in turns, both sizes share them.

With ``--buffers`` (PostgreSQL) it also compares what each case's statement reads, run once
under EXPLAIN ANALYZE after the timed runs: the rows its scans returned or passed over, and
the shared buffers it touched. Unlike the times, neither depends on what the buffer pool
still holds when the case comes round, nor on the machine's speed at that moment. A
statement that passes over more rows at the larger office grows with it; the buffers also
grow where the same rows lie on more pages of a larger table.
"""

from __future__ import annotations

import argparse
import statistics

import bench_list_table as table
from peewee import SqliteDatabase

from synergy_desk.models.base import db
from synergy_desk.models.database import (
    close_database,
    describe_url,
    let_go,
    make_database,
    open_database,
)

GROWTH_TARGET = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--office", action="append", required=True, metavar="SIZE=URL",
                        help="an office of SIZE incidents (made there when empty); give two "
                             "or more, smallest first")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--depth", type=int, default=2_000)
    parser.add_argument("--views", default=",".join(table.VIEWS))
    parser.add_argument("--sorts", default=",".join(table.SORT_COLUMNS))
    parser.add_argument("--buffers", action="store_true",
                        help="also compare the buffers each statement reads (PostgreSQL)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="read the (filled) offices in turn, each case at every size this "
                             "many times over, rather than one office after another")
    args = parser.parse_args()
    offices = []
    for given in args.office:
        size, _, url = given.partition("=")
        offices.append((int(size.replace(",", "").replace("_", "")), url))
    offices.sort()
    by_size: list[tuple[int, dict[str, table.Result]]] = []
    if args.rounds > 1:
        by_size = in_turn(offices, args)
    else:
        for size, url in offices:
            run_args = argparse.Namespace(make=size, plans=False, **{
                k: getattr(args, k) for k in ("repeat", "page", "depth", "views", "sorts",
                                              "buffers")})
            results = table.run(url, run_args)
            close_database()
            by_size.append((size, {r.case.key: r for r in results}))
            table.summary(results)
    smallest_size, smallest = by_size[0]
    print()
    for size, results in by_size[1:]:
        # A case whose page is shorter on the small office (its view holds fewer rows than a
        # page) reads less there: compared, it would show the page's length, not the growth.
        same = [(r.product_median / smallest[key].product_median, key,
                 smallest[key].product_median, r.product_median)
                for key, r in results.items()
                if key in smallest and smallest[key].rows == r.rows]
        growth = sorted(same, reverse=True)
        shorter = sum(1 for key in results if key in smallest
                      and smallest[key].rows != results[key].rows)
        if not growth:
            print(f"{size:,} incidents against {smallest_size:,}: no case reads the same rows a "
                  f"page at both sizes ({shorter} read a shorter page on the smaller office); "
                  "nothing to compare")
            continue
        print(f"{size:,} incidents against {smallest_size:,}: {len(growth)} cases with the "
              f"same rows a page ({shorter} more read a shorter page on the smaller office); "
              f"growth of the median: median {statistics.median(g[0] for g in growth):.2f}×, "
              f"worst {growth[0][0]:.2f}× ({growth[0][1]}); over {GROWTH_TARGET:g}×: "
              f"{sum(1 for g in growth if g[0] > GROWTH_TARGET)}")
        # Every case over the target, and at least the ten that grew most.
        listed = max(10, sum(1 for g in growth if g[0] > GROWTH_TARGET))
        print(f"  the {listed} that grew most (median ms at {smallest_size:,} → {size:,}):")
        for ratio, key, small, big in growth[:listed]:
            print(f"    {key:66}  {small:7.3f} → {big:7.3f}  {ratio:5.2f}×")
        # The slowest case, judged where the smaller office reads the same page; one whose
        # page is shorter there is named, not judged (as above), beside the slowest judged.
        slowest = max(results.values(), key=lambda r: r.product_p95)
        shown = [slowest]
        judged = [results[key] for _, key, _, _ in growth]
        if slowest not in judged and judged:
            shown.append(max(judged, key=lambda r: r.product_p95))
        for worst in shown:
            small = smallest.get(worst.case.key)
            if small is None:
                continue
            grew = worst.product_p95 / small.product_p95
            verdict = ("(a shorter page there: not judged)" if worst not in judged
                       else "ok" if grew <= GROWTH_TARGET else "MISSES")
            print(f"  the slowest case at {size:,} by p95"
                  f"{' of those judged' if worst is not slowest else ''} ({worst.case.key}): "
                  f"{worst.product_p95:.3f} ms against {small.product_p95:.3f} ms at "
                  f"{smallest_size:,} ({small.rows} rows there, {worst.rows} here): "
                  f"{grew:.2f}×  {verdict}")
        if args.buffers:
            print_buffers(smallest_size, smallest, size, results)


def in_turn(offices: list[tuple[int, str]],
            args: argparse.Namespace) -> list[tuple[int, dict[str, table.Result]]]:
    """Each case timed at every size in turn, ``args.rounds`` times over; each size's times of
    a case pooled into its figures."""
    views, columns = table.chosen(args)
    open_database(offices[0][1], migrate_schema=False)  # the models are bound; each is read in turn
    rooms = []
    for size, url in offices:
        database = make_database(url, keep_connections=True)
        info = describe_url(url)
        with db.reading(database):
            table.describe(info.display, info.kind, args)
            cases = {c.key: c for c in table.cases(views, columns, args.depth, args.page)}
        rooms.append((size, database, cases))
    keys = list(dict.fromkeys(key for _, _, cases in rooms for key in cases))
    share = max(1, args.repeat // args.rounds)
    times: dict[tuple[int, str], tuple[int, list[float], list[float]]] = {}
    for key in keys:
        for _ in range(args.rounds):
            for size, database, cases in rooms:
                if key not in cases:
                    continue
                with db.reading(database):
                    rows, product_ms, raw_ms = table.timings(cases[key], share, args.page)
                _, pooled_product, pooled_raw = times.setdefault((size, key), (rows, [], []))
                pooled_product += product_ms
                pooled_raw += raw_ms
    by_size = []
    for size, database, cases in rooms:
        with db.reading(database):
            buffers = args.buffers and not isinstance(db.obj, SqliteDatabase)
            results = [table.result_of(cases[key], *times[(size, key)], args.page, False,
                                       buffers) for key in keys if key in cases]
        print(f"{size:,} incidents, {args.rounds} rounds of {share} repetitions each way, "
              "taking turns with the other offices:")
        table.summary(results)
        by_size.append((size, {r.case.key: r for r in results}))
        let_go(database)
    close_database()
    return by_size


def print_buffers(smallest_size: int, smallest: dict[str, table.Result], size: int,
                  results: dict[str, table.Result]) -> None:
    """What each case's statement reads at ``size`` against the smallest office."""
    for what, label in (("rows_read", "rows its scans returned or passed over"),
                        ("buffers", "shared buffers it touched")):
        read = sorted(((getattr(r, what) / max(getattr(smallest[key], what), 1), key,
                        getattr(smallest[key], what), getattr(r, what))
                       for key, r in results.items()
                       if key in smallest and smallest[key].rows == r.rows and r.buffers),
                      reverse=True)
        if not read:
            print("  what the statements read: not measured (PostgreSQL only)")
            return
        print(f"  {label}, {smallest_size:,} → {size:,} ({len(read)} cases; those answered "
              f"without a statement read nothing): median "
              f"{statistics.median(g[0] for g in read):.2f}×, worst {read[0][0]:.2f}× "
              f"({read[0][1]}); over {GROWTH_TARGET:g}×: "
              f"{sum(1 for g in read if g[0] > GROWTH_TARGET)}")
        for ratio, key, small, big in read[:10]:
            print(f"    {key:66}  {small:7d} → {big:7d}  {ratio:5.2f}×")


if __name__ == "__main__":
    main()
