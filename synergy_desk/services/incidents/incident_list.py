"""The main window's incident list: filtered, sorted, keyset-paged; and the kept status counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from peewee import SqliteDatabase

from synergy_desk.domain.enums import OPEN_STATUSES, FundingKind, IncidentStatus
from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import list_indexes
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow

__all__ = [
    "VIEWS", "VIEW_LABELS", "SORT_COLUMNS", "IncidentFilter", "Sort", "Cursor", "IncidentRow",
    "IncidentPage", "list_incidents", "status_counts", "MAX_LIMIT", "OPEN_CONDITION",
    "index_name", "page_statement", "filter_conditions",
]

#: The filter bar's views, in the order it shows them.
VIEWS = ("mine", "unassigned", "awaiting_payment", "in_progress", "waiting_on_customer",
         "callbacks_due", "resolved", "open", "all")
VIEW_LABELS = {
    "mine": "My incidents", "unassigned": "Unassigned", "awaiting_payment": "Awaiting payment",
    "in_progress": "In progress", "waiting_on_customer": "Waiting on customer",
    "callbacks_due": "Call-backs due", "resolved": "Resolved", "open": "All open",
    "all": "All",
}
#: The columns the list can be sorted by.
SORT_COLUMNS = ("last_activity", "opened", "reference", "customer", "subject", "product",
                "status", "funding", "engineer")

_STATUS_VIEWS = {
    "awaiting_payment": IncidentStatus.AWAITING_PAYMENT,
    "in_progress": IncidentStatus.IN_PROGRESS,
    "waiting_on_customer": IncidentStatus.WAITING_ON_CUSTOMER,
    "resolved": IncidentStatus.RESOLVED,
}
MAX_LIMIT = 1000


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents the list shows.

    ``me`` is the logged-in user (for "mine"); ``now`` fixes the moment "call-backs due" is
    judged at (tests), otherwise it is the current time.
    """

    view: str = "open"
    me: int | None = None
    engineer_id: int | None = None
    product_id: int | None = None
    customer_id: int | None = None
    now: dt.datetime | None = None


@dataclass(frozen=True)
class Sort:
    column: str = "last_activity"
    descending: bool = True


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last row's sort values, ending with its id, and the
    sort they belong to (a cursor of another sort is refused, not read from the wrong
    place)."""

    key: tuple[Any, ...]
    sort: Sort | None = None


class IncidentRow(NamedTuple):
    """One row of the list (a named tuple: a page builds a hundred of them)."""

    id: int
    reference: str
    customer_id: int
    customer_name: str
    subject: str
    product_id: int
    product_name: str
    status: IncidentStatus
    funding: FundingKind
    engineer_id: int | None
    engineer_name: str
    opened_at: dt.datetime
    last_activity_at: dt.datetime
    version: int
    #: Unfunded, and on an open payment request: the bank transfer is awaited.
    awaiting_transfer: bool = False


@dataclass(frozen=True)
class IncidentPage:
    rows: tuple[IncidentRow, ...]
    #: Give this back as ``after`` for the next page; None when this page is the last.
    next_cursor: Cursor | None

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


# How each column sorts (models/list_indexes.py): the columns of the incident itself (the
# names are kept on it), ending in a unique one; the paging cursor is the last row's values
# of them. Names sort by the name, then (two customers or products of one name never
# interleave) the named row's id, then each one's incidents by last activity. The engineer's
# id is not in its key (nobody's incidents have none, and a NULL cannot be paged past): the
# incidents of two users of one full name sort together, by last activity.
_SORT_KEYS = list_indexes.SORT_KEYS
OPEN_CONDITION = list_indexes.OPEN_CONDITION
#: Views that are a working set (open incidents, a small share of a long history), read
#: through the partial indexes over the open incidents (a view of one status through those
#: by status first).
_OPEN_VIEWS = ("mine", "unassigned", "awaiting_payment", "in_progress", "waiting_on_customer",
               "open")
#: The views of one status; "resolved" walks the family's index and passes the others over
#: (it is most of the office).
_STATUS_VIEW_SQL = {view: f"status = '{status.value}'" for view, status in _STATUS_VIEWS.items()}
#: What a page reads: the shown columns, whether a bank transfer is awaited (an unfunded
#: incident on an open payment request, read through the request lines' incident index for
#: the page's unfunded rows alone), and the number (the reference sort's key).
_COLUMNS = ("id", "reference", "customer_id", "customer_name", "subject", "product_id",
            "product_name", "status", "funding", "engineer_id", "engineer_name", "opened_at",
            "last_activity_at", "version", "awaiting", "number")
_POSITION = {name: n for n, name in enumerate(_COLUMNS)}
_STATUS_OF = {s.value: s for s in IncidentStatus}
_FUNDING_OF = {f.value: f for f in FundingKind}


def index_name(family: str, kind: str, column: str) -> str:
    """The index a page of ``column``'s sort reads: ``family`` is "", "engineer" or "product"
    (the index's leading column), ``kind`` "all" (every incident), "open", "status" (the open
    incidents by status first), "unassigned" (the open ones nobody holds) or "callback"
    (those with a call-back open)."""
    return list_indexes.index_for(family, kind, column)[0]


class _Shape(NamedTuple):
    """What decides a page's statement; the statement is written once per shape (a named
    tuple: it is made and looked up on every page)."""

    sqlite: bool
    view: str
    engineer: bool
    product: bool
    customer: bool
    column: str
    descending: bool
    cursor: bool
    #: Written into the statement: PostgreSQL's plan kept for a statement run again is made
    #: without its parameters' values, and with the page's length unknown it is no plan to
    #: keep (the statement would be planned afresh every time).
    limit: int


@dataclass(frozen=True)
class _Statement:
    sql: str
    #: Where the cursor's values start among the sort keys (a name every row of the family
    #: shares is part of the cursor but not of the seek).
    seek_from: int
    #: The columns of the row that make its cursor, by position.
    key_positions: tuple[int, ...]
    index: str | None
    #: The page past a cursor is read in two parts (SQLite, a key ending in the id): the
    #: cursor's parameters are given to each.
    split: bool = False
    #: The first page is read in two parts, nobody's incidents and the engineers' (the
    #: resolved incidents by engineer): the filter's parameters are given to each.
    nobody_first: bool = False


def _statement(shape: _Shape) -> _Statement:
    p = "?" if shape.sqlite else "%s"
    keys = _SORT_KEYS[shape.column]
    view = shape.view
    # Nobody's open incidents have indexes of their own: PostgreSQL cannot walk an index in
    # order after "engineer IS NULL" (and would take them for a handful, and sort them).
    family = ("engineer" if (view == "mine" or shape.engineer) and view != "unassigned"
              else "product" if shape.product else "")
    open_only = view in _OPEN_VIEWS
    kind = ("callback" if view == "callbacks_due" else
            "unassigned" if view == "unassigned" else
            "status" if open_only and view in _STATUS_VIEW_SQL else
            "open" if open_only else "all")
    # With one engineer, product or customer, that name is the same on every row (and so
    # is the id after it): the family's index on last activity holds the rest of the key in
    # order.
    fixed = {"engineer": family == "engineer" or view == "unassigned", "product": shape.product,
             "customer": shape.customer}
    seek_from = 0
    walked = shape.column
    if fixed.get(shape.column):
        walked = "last_activity"
        seek_from = len(keys) - 2
    if view in _STATUS_VIEW_SQL and walked in ("status", "last_activity"):
        # In a view of one status, sorting by status is sorting by last activity: the index
        # on (status, last activity, id), sought at that status, holds it in order, and reads
        # no other status's incidents on the way (resolved newest first would otherwise
        # pass over every open incident, the newest of a long history).
        walked = "status"
        if shape.column == "status":
            seek_from = 1
    seek = keys[seek_from:]
    # PostgreSQL is given every value (the filter's and the cursor's) each in a sub-select,
    # which it does not look into when it plans. Seeing them, it reckons some pages (an
    # engineer's call-backs due, a page past a cursor) cheaper than the plan it would keep,
    # and plans each such page afresh (about a millisecond over the incident's indexes, more
    # than reading the page); not seeing them, it plans the page alike for every value and
    # keeps that plan. The values are still the index's bounds (an index condition, not a filter).
    value = p if shape.sqlite else f"(SELECT {p})"
    where: list[str] = []
    # A view of one open status is read through the open incidents' indexes too. SQLite uses
    # a partial index only where the query states its condition; PostgreSQL proves it from the
    # status, and stated twice it would take the two as independent and think the status's
    # incidents a thousand times fewer than they are (and sort rather than walk the index).
    if open_only and (shape.sqlite or view not in _STATUS_VIEW_SQL):
        where.append(OPEN_CONDITION)
    if view == "mine":
        where.append(f"engineer_id = {value}")
    elif view == "unassigned":
        where.append("engineer_id IS NULL")
    elif view in _STATUS_VIEW_SQL:
        where.append(_STATUS_VIEW_SQL[view])
    elif view == "callbacks_due":
        where.append(f"callback_due_at <= {value}")
    if shape.engineer:
        where.append(f"engineer_id = {value}")
    if shape.product:
        where.append(f"product_id = {value}")
    if shape.customer:
        where.append(f"customer_id = {value}")
    op = "<" if shape.descending else ">"
    # SQLite seeks a row value in an index only as far as the column before the id (the
    # table's own key, which its indexes hold last): "(subject, id) > (?, ?)" would start at
    # the subject and pass over every earlier incident of it, thousands of one subject deep
    # in a long history. The page is read instead as the rest of the cursor's own group
    # (its other keys equal, the id past it), then what follows the group; each part is a
    # seek of the index, merged in order.
    split = (shape.cursor and shape.sqlite and not shape.customer and len(seek) > 1
             and seek[-1] == "id")
    # A customer's incidents are a handful, found by their own index (and sorted); every
    # other page walks the one index that holds it in order.
    index = None if shape.customer else index_name(family, kind, walked)
    nobody_first = (not shape.cursor and index is not None and walked == "engineer"
                    and view in _STATUS_VIEW_SQL and not open_only and not shape.descending
                    and (shape.sqlite or not shape.product))
    if split:
        parts = [([*where, *(f"{key} = {p}" for key in seek[:-1]), f"id {op} {p}"], index),
                 ([*where, _after(seek[:-1], op, p)], index)]
    elif shape.cursor:
        parts = [([*where, _after(seek, op, value)], index)]
    elif nobody_first:
        # The index by engineer's name starts with the incidents nobody holds, open nearly
        # all, which the resolved incidents' first page would pass over (a thousand in a
        # long history) to reach the names. Nobody's resolved incidents (none, while each
        # is resolved by its engineer) are sought in the engineers' index by status; then
        # the names, from past the empty one (nobody's name is empty: `check` holds every
        # incident's name to its engineer's). SQLite is told the empty name too, and so
        # knows the first part is in the page's order at that status. PostgreSQL, told it,
        # reads nobody's open incidents to test their status; it sorts the first part's few
        # instead, each part limited to the page, and merges the two. (For one product it
        # finds nobody's incidents of the product first, and tests their status all the
        # same: a sixth as many, which the one statement passes over as quickly.)
        nobody = ["engineer_id IS NULL", *(["engineer_name = ''"] if shape.sqlite else [])]
        parts = [([*where, *nobody], index_name("engineer", "all", "status")),
                 ([*where, "engineer_name > ''"], index)]
    else:
        parts = [(where, index)]
    direction = " DESC" if shape.descending else ""
    awaiting = ("CASE WHEN funding = 'none' THEN EXISTS (SELECT 1 FROM payment_request_line l "
                "JOIN payment_request r ON r.id = l.request_id WHERE l.incident_id = incident.id"
                f" AND r.state = 'open') ELSE {'0' if shape.sqlite else 'FALSE'} END AS awaiting")
    columns = ", ".join(awaiting if c == "awaiting" else c for c in _COLUMNS)
    order = f" ORDER BY {', '.join(k + direction for k in seek)} LIMIT {int(shape.limit)}"
    selects = [f"SELECT {columns} FROM incident"
               + (f" INDEXED BY {read}" if shape.sqlite and read else "")
               + (f" WHERE {' AND '.join(part)}" if part else "")
               for part, read in parts]
    if len(selects) > 1 and not shape.sqlite:
        selects = [f"({select}{order})" for select in selects]
    sql = " UNION ALL ".join(selects) + order
    return _Statement(sql, seek_from, tuple(_POSITION[k] for k in keys), index, split,
                      nobody_first)


def _after(keys: Sequence[str], op: str, value: str) -> str:
    """The condition for rows past the cursor's values of ``keys`` (a row value for two or
    more), each value written as ``value``."""
    if len(keys) == 1:
        return f"{keys[0]} {op} {value}"
    return f"({', '.join(keys)}) {op} ({', '.join([value] * len(keys))})"


_statements: dict[_Shape, _Statement] = {}


def _check(filt: IncidentFilter, sort: Sort) -> None:
    if filt.view not in VIEWS:
        raise ValidationError(f"“{filt.view}” is not a view of the incident list.", "view")
    if sort.column not in _SORT_KEYS:
        raise ValidationError(f"The list cannot be sorted by “{sort.column}”.", "sort")


def _page_sql(filt: IncidentFilter, sort: Sort, after: Cursor | None,
              limit: int) -> tuple[_Statement, list[Any]]:
    """The page's statement (written once per shape) and its parameters."""
    shape = _Shape(isinstance(db.obj, SqliteDatabase), filt.view, filt.engineer_id is not None,
                   filt.product_id is not None, filt.customer_id is not None, sort.column,
                   sort.descending, after is not None, limit + 1)
    statement = _statements.get(shape)
    if statement is None:
        _check(filt, sort)  # only a shape never seen before can be one the list refuses
        statement = _statements[shape] = _statement(shape)
    if filt.me is None and filt.view == "mine":
        raise ValidationError("“My incidents” needs to know who is logged in.", "me")
    params: list[Any] = []
    if filt.view == "mine":
        params.append(filt.me)
    elif filt.view == "callbacks_due":
        params.append(t.CallBack.due_at.db_value(filt.now or utcnow()))
    params.extend(v for v in (filt.engineer_id, filt.product_id, filt.customer_id)
                  if v is not None)
    if statement.nobody_first:
        params = [*params, *params]
    if after is not None:
        if len(after.key) != len(statement.key_positions) or (
                after.sort is not None and after.sort != sort):
            raise ValidationError("The list was sorted differently; start again from the top.",
                                  "after")
        values = after.key[statement.seek_from:]
        if statement.split:
            # The cursor's group (every value), then what follows it (all but the id).
            params = [*params, *values, *params, *values[:-1]]
        else:
            params.extend(values)
    return statement, params


def page_statement(filt: IncidentFilter, sort: Sort | None = None, *,
                   after: Cursor | None = None, limit: int = 100) -> tuple[str, list[Any], str | None]:
    """The SQL a page runs, its parameters and the index it reads (benchmarks and plan tests
    run the same statement raw, or EXPLAIN it)."""
    statement, params = _page_sql(filt, sort or Sort(), after, limit)
    return statement.sql, params, statement.index


def filter_conditions(filt: IncidentFilter) -> list[Any]:
    """The filter as conditions on the incident model, for work that reads the same incidents
    another way (the CSV export)."""
    _check(filt, Sort())  # refuses what the list refuses
    if filt.me is None and filt.view == "mine":
        raise ValidationError("“My incidents” needs to know who is logged in.", "me")
    incident = t.Incident
    is_open = incident.status.in_([s.value for s in OPEN_STATUSES])
    view = filt.view
    out: list[Any] = []
    if view == "mine":
        out += [incident.engineer == filt.me, is_open]
    elif view == "unassigned":
        out += [incident.engineer.is_null(), is_open]
    elif view == "open":
        out.append(is_open)
    elif view in _STATUS_VIEWS:
        out.append(incident.status == _STATUS_VIEWS[view].value)
    elif view == "callbacks_due":
        out.append(incident.id.in_(
            t.CallBack.select(t.CallBack.incident)
            .where(t.CallBack.done_at.is_null() & (t.CallBack.due_at <= (filt.now or utcnow()))
                   & t.CallBack.incident.is_null(False))))
    if filt.engineer_id is not None:
        out.append(incident.engineer == filt.engineer_id)
    if filt.product_id is not None:
        out.append(incident.product == filt.product_id)
    if filt.customer_id is not None:
        out.append(incident.customer == filt.customer_id)
    return out


def _when(value: Any) -> dt.datetime:
    # SQLite hands times back as text; parsing them here is many times quicker than Peewee's
    # try-each-format conversion, and a page has hundreds of them.
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value  # type: ignore[no-any-return]


def list_incidents(filt: IncidentFilter, sort: Sort | None = None, *,
                   after: Cursor | None = None, limit: int = 100) -> IncidentPage:
    """One page of the incident list, in one statement, however deep the page.

    Pages are keyed on the last row's sort values (not offsets), so page 10,000 costs what
    page 1 does: the statement seeks the index that holds the view in the sort's order and
    reads one page from there.

    Raises:
        ValidationError: an unknown view or sort column, or a cursor from another sort.
    """
    sort = sort or Sort()
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"A page holds 1 to {MAX_LIMIT} rows.", "limit")
    statement, params = _page_sql(filt, sort, after, limit)
    if filt.view == "unassigned" and filt.engineer_id is not None:
        return IncidentPage((), None)  # nobody's incidents are no engineer's: nothing to read
    raw = db.fetch_all(statement.sql, params)  # on a kept cursor: a page is run often
    more = len(raw) > limit
    if more:
        del raw[limit:]
    status_of, funding_of, when = _STATUS_OF, _FUNDING_OF, _when
    rows = tuple([
        IncidentRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], status_of[r[7]], funding_of[r[8]],
                    r[9], r[10], when(r[11]), when(r[12]), r[13], bool(r[14]))
        for r in raw])
    # The keys go back to the database as they came (text times on SQLite compare exactly).
    cursor = (Cursor(tuple(raw[-1][n] for n in statement.key_positions), sort)
              if more and raw else None)
    return IncidentPage(rows, cursor)


def _counts_sql(by_engineer: bool, by_product: bool) -> str:
    """The status counts and the due call-backs in one statement (written once per shape)."""
    sqlite = isinstance(db.obj, SqliteDatabase)
    p = "?" if sqlite else "%s"
    kept = t.IncidentCount._meta.table_name
    filters = "".join([f" AND engineer_id = {p}" if by_engineer else "",
                       f" AND product_id = {p}" if by_product else ""])
    # Each incident keeps when its earliest open call-back is due, and the incidents with a
    # call-back open have small partial indexes (by due time, and by engineer or product and
    # due time). SQLite reads the due ones from there.
    if sqlite:
        due = f"SELECT '', COUNT(*), 0, 0 FROM incident WHERE callback_due_at <= {p}{filters}"
    # PostgreSQL plans a prepared statement once and reuses the plan only where the plan does
    # not turn on the parameters' values (and planning a statement on the incidents weighs
    # every one of their indexes: it took longer than the count). So for one engineer or
    # product theirs with a call-back open (a few dozen) are read, and the due ones counted
    # as they pass; for the whole office, the open call-backs' own index holds them by due
    # time, and the call-backs have few indexes to weigh.
    elif filters:
        due = (f"SELECT '', COUNT(*) FILTER (WHERE callback_due_at <= {p}), 0, 0 FROM incident"
               f" WHERE callback_due_at IS NOT NULL{filters}")
    else:
        due = (f"SELECT '', COUNT(DISTINCT incident_id), 0, 0 FROM call_back"
               f" WHERE done_at IS NULL AND incident_id IS NOT NULL AND due_at <= {p}")
    # Summed in the database: a few rows come back however many keys the kept table holds.
    return (f"SELECT status, SUM(count), SUM(CASE WHEN engineer_id = 0 THEN count ELSE 0 END),"
            f" SUM(CASE WHEN engineer_id = {p} THEN count ELSE 0 END)"
            f" FROM {kept} WHERE 1 = 1{filters} GROUP BY status UNION ALL {due}")


def status_counts(me: int | None = None, engineer_id: int | None = None,
                  product_id: int | None = None,
                  now: dt.datetime | None = None) -> dict[str, int]:
    """How many incidents each view holds, in one query of the kept counts.

    Incidents are never counted here: the kept table (a row per status, engineer and
    product) is summed, and "call-backs due" counts the incidents with a call-back due
    (``now``, or the current time). The engineer and product filters narrow every view, as
    they narrow the list.
    """
    filters = [v for v in (engineer_id, product_id) if v is not None]
    params: list[Any] = [me if me is not None else -1, *filters,
                         t.CallBack.due_at.db_value(now or utcnow()), *filters]
    sql = _counts_sql(engineer_id is not None, product_id is not None)
    counts = dict.fromkeys(VIEWS, 0)
    for value, total, unassigned, of_me in db.execute_sql(sql, params).fetchall():
        if value == "":
            counts["callbacks_due"] = int(total or 0)
            continue
        status = IncidentStatus(value)
        total, unassigned, of_me = int(total or 0), int(unassigned or 0), int(of_me or 0)
        counts["all"] += total
        if status.is_open:
            counts["open"] += total
            counts["unassigned"] += unassigned
            counts["mine"] += of_me
        for view, view_status in _STATUS_VIEWS.items():
            if status is view_status:
                counts[view] += total
    return counts
