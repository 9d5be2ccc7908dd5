"""The incident list page and the status counts (docs/speed.md: a page ≤ 5 ms at any depth and
with any filter; status counts ≤ 1 ms).

For every view of the filter bar, an engineer and a product filter, and several sorts, it
times the first page, then walks the keyset cursor about 10,000 rows deep and times the next
page there. Then it times ``status_counts`` as the filter bar calls it.

    python benchmarks/bench_list.py --database sqlite:///office-1m.sqlite3
"""

from __future__ import annotations

import argparse
from functools import partial

from _bench import Figures, Sample, open_office, parse_args, print_table, timed
from peewee import fn

from synergy_desk.domain.enums import IncidentStatus
from synergy_desk.models import tables as t
from synergy_desk.services.incidents.incident_list import (
    VIEWS,
    Cursor,
    IncidentFilter,
    IncidentPage,
    Sort,
    list_incidents,
    status_counts,
)

PAGE_TARGET_MS = 5.0
COUNTS_TARGET_MS = 1.0
SORTS = (Sort("last_activity", True), Sort("opened", True), Sort("reference", False),
         Sort("customer", False), Sort("status", False), Sort("engineer", False))


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--page", type=int, default=100, help="rows per page (default 100)")
    parser.add_argument("--depth", type=int, default=10_000,
                        help="rows to walk before timing a deep page (default 10,000)")
    parser.add_argument("--repeat", type=int, default=15,
                        help="times each page is fetched (default 15)")
    parser.add_argument("--sorts", default=",".join(s.column for s in SORTS),
                        help="sort columns to try, comma separated")


def _busiest_engineer() -> int:
    row = (t.Incident.select(t.Incident.engineer, fn.COUNT(t.Incident.id))
           .where(t.Incident.status.in_([IncidentStatus.IN_PROGRESS,
                                         IncidentStatus.WAITING_ON_CUSTOMER])
                  & t.Incident.engineer.is_null(False))
           .group_by(t.Incident.engineer).order_by(fn.COUNT(t.Incident.id).desc()).first())
    if row is None:
        return int(t.User.select(t.User.id).scalar() or 0)
    return int(row.engineer_id)


def _filters(me: int, product: int) -> list[tuple[str, IncidentFilter]]:
    out = [(view, IncidentFilter(view=view, me=me)) for view in VIEWS]
    out.append(("open, one engineer", IncidentFilter(view="open", engineer_id=me)))
    out.append(("all, one engineer", IncidentFilter(view="all", engineer_id=me)))
    out.append(("all, one product", IncidentFilter(view="all", product_id=product)))
    out.append(("resolved, one product", IncidentFilter(view="resolved", product_id=product)))
    return out


def _fetch(filt: IncidentFilter, sort: Sort, after: Cursor | None, limit: int) -> None:
    list_incidents(filt, sort, after=after, limit=limit)


def _fetch_into(filt: IncidentFilter, sort: Sort, after: Cursor | None, limit: int,
                pages: list[IncidentPage]) -> None:
    pages.append(list_incidents(filt, sort, after=after, limit=limit))


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _options)
    open_office(args.database)
    total = t.Incident.select().count()
    me = _busiest_engineer()
    product = int(t.Incident.select(t.Incident.product).order_by(t.Incident.id.desc()).scalar()
                  or 0)
    print(f"{total:,} incidents; 'mine' is user {me}; product filter is product {product}; "
          f"{args.page} rows a page; deep pages start after {args.depth:,} rows")
    wanted = [c.strip() for c in args.sorts.split(",") if c.strip()]
    sorts = [s for s in SORTS if s.column in wanted]
    first_rows: list[Figures] = []
    deep_rows: list[Figures] = []
    all_first: list[Sample] = []
    all_deep: list[Sample] = []
    walk_rows: list[Figures] = []
    all_walk: list[Sample] = []
    for sort in sorts:
        for label, filt in _filters(me, product):
            name = f"{label} by {sort.column}{' desc' if sort.descending else ''}"
            list_incidents(filt, sort, limit=args.page)  # warm up
            samples = [timed(partial(_fetch, filt, sort, None, args.page))
                       for _ in range(args.repeat)]
            first_rows.append(Figures.of(name, samples))
            all_first.extend(samples)
            # Walk down as someone scrolling would, one page after another, timing each: in a
            # view smaller than the depth this reaches the last page, which must also be quick.
            cursor: Cursor | None = None
            walked = 0
            walk: list[Sample] = []
            while walked < args.depth:
                pages: list[IncidentPage] = []
                walk.append(timed(partial(_fetch_into, filt, sort, cursor, args.page, pages)))
                walked += len(pages[0].rows)
                cursor = pages[0].next_cursor
                if cursor is None:
                    break
            end = ", to the end" if cursor is None else ""
            walk_rows.append(Figures.of(f"{name} ({walked:,} rows{end})", walk))
            all_walk.extend(walk)
            if cursor is None:
                continue  # the view holds fewer rows than the depth
            samples = [timed(partial(_fetch, filt, sort, cursor, args.page))
                       for _ in range(args.repeat)]
            deep_rows.append(Figures.of(f"{name} @{walked:,}", samples))
            all_deep.extend(samples)
    ok_first = print_table("first page, ms", first_rows, PAGE_TARGET_MS)
    ok_deep = print_table(f"page after ~{args.depth:,} rows, ms", deep_rows, PAGE_TARGET_MS)
    ok_walk = print_table("each page while scrolling down (judged on the slowest)", walk_rows,
                          PAGE_TARGET_MS, judge="maximum")
    print_table("every page fetched, ms", [Figures.of("first pages", all_first),
                                            Figures.of("deep pages", all_deep),
                                            Figures.of("pages while scrolling", all_walk)],
                PAGE_TARGET_MS)

    counts: list[Sample] = []
    status_counts(me=me)
    for _ in range(200):
        counts.append(timed(partial(status_counts, me=me)))
    by_engineer = [timed(partial(status_counts, me=me, engineer_id=me)) for _ in range(200)]
    ok_counts = print_table("status_counts, ms", [
        Figures.of("whole office", counts), Figures.of("one engineer", by_engineer)],
        COUNTS_TARGET_MS)
    print()
    for label, ok in (("list pages", ok_first and ok_deep and ok_walk),
                      ("status counts", ok_counts)):
        print(f"verdict, {label}:", "meets the target at p95" if ok else "MISSES the target")


if __name__ == "__main__":
    main()
