"""The incident summary from an incident's id to PDF bytes (docs/speed.md: ≤ 150 ms).

It times the whole service call a click on "Summary" makes (read the incident, its customer,
funding and whole timeline, then render the PDF), and its two halves apart, over a spread of
incidents of a demo office and over the incidents with the longest timelines.

    python benchmarks/bench_summary.py --database sqlite:///office.sqlite3 [--count 60]
"""

from __future__ import annotations

import argparse
import time

from _bench import Figures, Sample, open_office, parse_args, print_table, timed
from peewee import fn

from synergy_desk.documents import IncidentSummaryDoc, render_incident_summary
from synergy_desk.models import tables as t
from synergy_desk.services.reporting.summary_documents import (
    incident_summary_doc,
    incident_summary_pdf,
)

TARGET_MS = 150.0


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=60,
                        help="incidents timed, spread over the office (default 60)")
    parser.add_argument("--longest", type=int, default=10,
                        help="incidents with the longest timelines, timed as well (default 10)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="times each incident is summarised (default 3)")


def _spread(count: int) -> list[int]:
    """Incident ids evenly spaced over the table (one index walk, no full scan)."""
    low, high = t.Incident.select(fn.MIN(t.Incident.id), fn.MAX(t.Incident.id)).scalar(
        as_tuple=True)
    if low is None:
        return []
    step = max(1, (high - low) // max(count, 1))
    ids = []
    for target in range(low, high + 1, step):
        found = (t.Incident.select(t.Incident.id).where(t.Incident.id >= target)
                 .order_by(t.Incident.id).limit(1).scalar())
        if found is not None and found not in ids:
            ids.append(found)
        if len(ids) >= count:
            break
    return ids


def _longest(count: int) -> list[tuple[int, int]]:
    """The incidents with the most timeline entries, with how many they have."""
    rows = (t.TimelineEntry.select(t.TimelineEntry.incident, fn.COUNT(t.TimelineEntry.id))
            .group_by(t.TimelineEntry.incident)
            .order_by(fn.COUNT(t.TimelineEntry.id).desc()).limit(count).tuples())
    return [(int(i), int(n)) for i, n in rows]


def _time(ids: list[int], repeat: int) -> tuple[list[Sample], list[Sample], list[Sample]]:
    whole: list[Sample] = []
    data: list[Sample] = []
    render: list[Sample] = []
    for _ in range(repeat):
        for incident_id in ids:
            # The staff's version: every entry of the timeline, the most a summary prints.
            whole.append(timed(lambda i=incident_id: incident_summary_pdf(i, "internal")))
            docs: list[IncidentSummaryDoc] = []
            data.append(timed(lambda i=incident_id, out=docs: out.append(
                incident_summary_doc(i, "internal"))))
            render.append(timed(lambda d=docs[0]: render_incident_summary(d)))
    return whole, data, render


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _options)
    open_office(args.database)
    spread = _spread(args.count)
    longest = _longest(args.longest)
    if not spread:
        raise SystemExit("The database has no incidents: run the demo first.")
    started = time.perf_counter()
    incident_summary_pdf(spread[0])
    print(f"first summary (fonts registered, ReportLab imported): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")
    entries = (t.TimelineEntry.select(fn.COUNT(t.TimelineEntry.id))
               .where(t.TimelineEntry.incident.in_(spread)).scalar() or 0)
    print(f"{len(spread)} incidents spread over the office, {entries / len(spread):.1f} "
          f"timeline entries each on average; the {len(longest)} longest have "
          f"{longest[-1][1] if longest else 0}–{longest[0][1] if longest else 0} entries")
    whole, data, render = _time(spread, args.repeat)
    long_whole, long_data, long_render = _time([i for i, _ in longest], args.repeat)
    ok = print_table("incident summary, id to PDF bytes", [
        Figures.of("spread: whole call", whole),
        Figures.of("longest timelines: whole call", long_whole),
    ], TARGET_MS)
    print_table("the two halves", [
        Figures.of("spread: read the incident", data),
        Figures.of("spread: render the PDF", render),
        Figures.of("longest: read the incident", long_data),
        Figures.of("longest: render the PDF", long_render),
    ], None)
    print()
    print("verdict:", "meets the target" if ok else "MISSES THE TARGET")


if __name__ == "__main__":
    main()
