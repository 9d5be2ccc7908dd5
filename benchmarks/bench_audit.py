"""The audit-log window's pages (a page ≤ 50 ms at any depth and with any filter).

It times ``services.audit_log.list_audit`` as the window calls it (200 rows a page, newest
first): the first page and a page deep in the log (after walking the keyset cursor about
10,000 rows down) with no filter, each kind filter, a user filter, record filters (an
incident, a receipt, a customer, a user name) and a date range (a month, a day).

The demo writes a single audit entry, so a demo office has no log to page through. With
``--fill`` the script first writes one entry for every event the demo's rows record, as the
desks would have (an incident opened, work started, resolved; a call taken; a payment; a
season ticket used; a customer added; a waiver; a call-back promised), with the time and
user of the row — about 4.5 million entries on the 1M office. That **writes** to the database:
give it a copy. It is skipped when the log already holds entries.

    python benchmarks/bench_audit.py --database sqlite:///office-1m-copy.sqlite3 --fill
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from functools import partial

from _bench import Figures, Sample, manager_actor, open_office, parse_args, print_table, timed
from peewee import fn

from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.common import Actor
from synergy_desk.services.office.office_time import office_date, office_zone
from synergy_desk.services.reporting.audit_log import (
    KINDS,
    AuditCursor,
    AuditFilter,
    AuditPage,
    list_audit,
)

TARGET_MS = 50.0
PAGE = 200

#: One entry per event a demo row records: (time column, user column, action, entity, the
#: entity's id, before, after, source table, condition).
_EVENTS = (
    ("opened_at", "created_by_id", "incident.create", "incident", "id", "''",
     """'{"status":"' || status || '","subject":"' || REPLACE(subject, '"', '') || '"}'""",
     "incident", "1 = 1"),
    ("work_started_at", "engineer_id", "incident.start", "incident", "id",
     """'{"status":"queued"}'""", """'{"status":"in_progress"}'""", "incident",
     "work_started_at IS NOT NULL"),
    ("resolved_at", "resolved_by_id", "incident.resolve", "incident", "id",
     """'{"status":"in_progress"}'""",
     """'{"status":"resolved","resolution":"' || COALESCE(resolution, '') || '"}'""",
     "incident", "resolved_at IS NOT NULL"),
    ("occurred_at", "author_id", "incident.log_call", "incident", "incident_id", "''",
     """'{"kind":"phone_in","duration_seconds":' || duration_seconds || '}'""",
     "timeline_entry", "kind = 'phone_in'"),
    ("taken_at", "taken_by_id", "payment.take", "payment", "id", "''",
     """'{"method":"' || method || '","gross_pence":' || gross_pence || '}'""",
     "payment", "1 = 1"),
    ("created_at", "user_id", "ticket.redeem", "season_ticket", "ticket_id", "''",
     """'{"delta":' || delta || ',"incident":' || COALESCE(incident_id, 0) || '}'""",
     "ticket_ledger", "kind = 'redemption'"),
    ("created_at", "NULL", "customer.create", "customer", "id", "''",
     """'{"account_code":"' || account_code || '"}'""", "customer", "1 = 1"),
    ("granted_at", "granted_by_id", "funding.waive", "incident", "incident_id", "''",
     """'{"kind":"' || kind || '"}'""", "waiver", "1 = 1"),
    ("created_at", "created_by_id", "callback.schedule", "customer", "customer_id", "''",
     """'{"incident":' || COALESCE(incident_id, 0) || '}'""", "call_back", "1 = 1"),
)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fill", action="store_true",
                        help="first write the demo's events into an empty audit log "
                             "(writes: give it a copy)")
    parser.add_argument("--depth", type=int, default=10_000,
                        help="rows to walk before timing a deep page (default 10,000)")
    parser.add_argument("--repeat", type=int, default=10,
                        help="times each page is fetched (default 10)")


def _fill() -> None:
    present = t.AuditLog.select(fn.COUNT(t.AuditLog.id)).scalar() or 0
    if present > 1000:
        print(f"the audit log already holds {present:,} entries: not filled")
        return
    parts = []
    for at, user, action, entity, entity_id, before, after, table, where in _EVENTS:
        user_sql = "CAST(NULL AS INTEGER)" if user == "NULL" else user
        parts.append(
            f"SELECT {at} AS at, {user_sql} AS user_id, '{action}' AS action, "
            f"'{entity}' AS entity, CAST({entity_id} AS TEXT) AS entity_id, "
            f"{before} AS \"before\", {after} AS \"after\" FROM \"{table}\" WHERE {where}")
    sql = (f"INSERT INTO audit_log (at, user_id, action, entity, entity_id, \"before\", "
           f"\"after\") SELECT at, user_id, action, entity, entity_id, \"before\", \"after\" FROM "
           f"({' UNION ALL '.join(parts)}) AS e WHERE at IS NOT NULL ORDER BY at")
    started = time.perf_counter()
    with db.atomic():
        db.execute_sql(sql)
    db.execute_sql("ANALYZE")
    total = t.AuditLog.select(fn.COUNT(t.AuditLog.id)).scalar() or 0
    print(f"filled the audit log: {total:,} entries in {time.perf_counter() - started:.0f} s")


def _filters() -> list[tuple[str, AuditFilter]]:
    log = t.AuditLog
    busiest = (log.select(log.user).where(log.user.is_null(False)).group_by(log.user)
               .order_by(fn.COUNT(log.id).desc()).limit(1).scalar())
    user = t.User.get_by_id(busiest) if busiest is not None else None
    latest = log.select(fn.MAX(log.at)).scalar()
    if isinstance(latest, str):
        latest = dt.datetime.fromisoformat(latest)
    zone = office_zone()
    last_day = office_date(latest, zone) - dt.timedelta(days=1) if latest else dt.date.today()
    month_end = last_day.replace(day=1) - dt.timedelta(days=1)
    # Records with many entries: the newest incident that was resolved, a recent receipt,
    # the customer of that incident.
    incident = (t.Incident.select(t.Incident.reference, t.Customer.account_code)
                .join(t.Customer, on=(t.Incident.customer == t.Customer.id))
                .where(t.Incident.resolved_at.is_null(False))
                .order_by(t.Incident.id.desc()).tuples().first())
    receipt = t.Payment.select(fn.MAX(t.Payment.receipt_number)).scalar()
    out: list[tuple[str, AuditFilter]] = [("no filter", AuditFilter())]
    out += [(f"kind {kind}", AuditFilter(kind=kind)) for kind in KINDS]
    if user is not None:
        out.append((f"user {user.username}", AuditFilter(user_id=user.id)))
        out.append((f"record {user.username} (a user)", AuditFilter(record=user.username)))
    if incident is not None:
        out.append((f"record {incident[0]}", AuditFilter(record=incident[0])))
        out.append((f"record {incident[1]} (a customer)", AuditFilter(record=incident[1])))
    if receipt is not None:
        out.append((f"record R-{receipt:06d}", AuditFilter(record=f"R-{receipt:06d}")))
    out.append((f"month {month_end:%b %Y}",
                AuditFilter(start=month_end.replace(day=1), end=month_end)))
    out.append((f"day {last_day}", AuditFilter(start=last_day, end=last_day)))
    out.append((f"month {month_end:%b %Y}, kind money",
                AuditFilter(start=month_end.replace(day=1), end=month_end, kind="money")))
    if user is not None:
        out.append((f"month {month_end:%b %Y}, user {user.username}",
                    AuditFilter(start=month_end.replace(day=1), end=month_end,
                                user_id=user.id)))
    return out


def _fetch(actor: Actor, filt: AuditFilter, after: AuditCursor | None) -> None:
    list_audit(actor, filt, after_id=after, limit=PAGE)


def _fetch_into(actor: Actor, filt: AuditFilter, after: AuditCursor | None,
                pages: list[AuditPage]) -> None:
    pages.append(list_audit(actor, filt, after_id=after, limit=PAGE))


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _options)
    open_office(args.database)
    if args.fill:
        _fill()
    actor = manager_actor()
    total = t.AuditLog.select(fn.COUNT(t.AuditLog.id)).scalar() or 0
    print(f"{total:,} audit entries; {PAGE} rows a page; deep pages start after "
          f"{args.depth:,} rows")
    first_rows: list[Figures] = []
    deep_rows: list[Figures] = []
    walk_rows: list[Figures] = []
    all_first: list[Sample] = []
    all_deep: list[Sample] = []
    all_walk: list[Sample] = []
    for label, filt in _filters():
        list_audit(actor, filt, limit=PAGE)  # warm up
        samples = [timed(partial(_fetch, actor, filt, None)) for _ in range(args.repeat)]
        first_rows.append(Figures.of(label, samples))
        all_first.extend(samples)
        if args.depth <= 0:
            continue
        cursor: AuditCursor | None = None
        walked = 0
        walk: list[Sample] = []
        while walked < args.depth:
            pages: list[AuditPage] = []
            walk.append(timed(partial(_fetch_into, actor, filt, cursor, pages)))
            walked += len(pages[0].rows)
            cursor = pages[0].next_cursor
            if cursor is None:
                break
        end = ", to the end" if cursor is None else ""
        walk_rows.append(Figures.of(f"{label} ({walked:,} rows{end})", walk))
        all_walk.extend(walk)
        if cursor is None:
            continue
        samples = [timed(partial(_fetch, actor, filt, cursor)) for _ in range(args.repeat)]
        deep_rows.append(Figures.of(f"{label} @{walked:,}", samples))
        all_deep.extend(samples)
    ok_first = print_table("first page, ms", first_rows, TARGET_MS)
    ok_deep = ok_walk = True
    if walk_rows:
        ok_deep = print_table(f"page after ~{args.depth:,} rows, ms", deep_rows, TARGET_MS)
        ok_walk = print_table("each page while scrolling down (judged on the slowest)",
                              walk_rows, TARGET_MS, judge="maximum")
    print_table("every page fetched, ms",
                [f for f in (Figures.of("first pages", all_first),
                             Figures.of("deep pages", all_deep),
                             Figures.of("pages while scrolling", all_walk)) if f.count],
                TARGET_MS)
    print()
    print("verdict, audit-log pages:",
          "meets the target at p95" if ok_first and ok_deep and ok_walk
          else "MISSES the target")


if __name__ == "__main__":
    main()
