"""The main window's incident list: filtered, sorted, keyset-paged; and the kept status counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peewee import (
    JOIN,
    SQL,
    Case,
    ColumnBase,
    CompoundSelectQuery,
    Expression,
    Field,
    ModelSelect,
    NodeList,
    Select,
    SqliteDatabase,
    Tuple,
    Value,
    fn,
)

from synergy_desk.domain.enums import OPEN_STATUSES, FundingKind, IncidentStatus
from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow

__all__ = [
    "VIEWS", "VIEW_LABELS", "SORT_COLUMNS", "IncidentFilter", "Sort", "Cursor", "IncidentRow",
    "IncidentPage", "list_incidents", "status_counts", "MAX_LIMIT"
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
    """Where the next page starts: the last row's sort values, ending with its id."""

    key: tuple[Any, ...]


@dataclass(frozen=True)
class IncidentRow:
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


I = t.Incident  # noqa: E741  (short names keep the query readable)

# How each column sorts: key expressions ending in a unique one (the paging cursor is the
# last row's key). Names (customer, product, engineer) sort by the name, then the named row's
# id (two customers of one name never interleave), then each one's incidents by last
# activity, as the index on (customer, product or engineer; last activity; id) holds them.
_INCIDENT_KEYS: dict[str, Callable[[], tuple[ColumnBase, ...]]] = {
    "last_activity": lambda: (I.last_activity_at, I.id),
    "opened": lambda: (I.opened_at, I.id),
    "reference": lambda: (I.number,),
    "subject": lambda: (I.subject, I.id),
    "status": lambda: (I.status, I.last_activity_at, I.id),
    "funding": lambda: (I.funding, I.last_activity_at, I.id),
}
_NAMED: dict[str, tuple[Any, ColumnBase, ColumnBase]] = {
    "customer": (t.Customer, t.Customer.name, I.customer),
    "product": (t.Product, t.Product.name, I.product),
}
#: Views found by their statuses (the call-backs view is found by its call-backs).
_STATUS_FOUND_VIEWS = ("mine", "unassigned", "awaiting_payment", "in_progress",
                       "waiting_on_customer", "open", "resolved")
#: Views that may hold most of a million incidents; the others are a working set (what is
#: open now), small however old the office is.
_UNBOUNDED_VIEWS = ("all", "resolved")


@dataclass(frozen=True)
class _Plan:
    """How a page is read, decided here rather than left to the planner's guesses.

    SQLite's planner, with statistics or without, likes to walk an index in sort order and
    skip rows, which is right for a view holding most of the table and ruinous for a working
    set (it walks a million entries to find the few thousand open ones). So on SQLite a big
    view walks the sort's index (a CROSS JOIN keeps a named table outermost), and a working
    set is found through its filter's index, with likelihood() telling the planner how few
    rows that finds, and then sorted. PostgreSQL's planner, which keeps per-value statistics,
    is left to choose.
    """

    sqlite: bool
    unbounded: bool

    @classmethod
    def of(cls, filt: IncidentFilter) -> _Plan:
        return cls(isinstance(db.obj, SqliteDatabase),
                   filt.view in _UNBOUNDED_VIEWS and filt.customer_id is None)

    @property
    def walk_sort_index(self) -> bool:
        return self.sqlite and self.unbounded

    @property
    def find_then_sort(self) -> bool:
        return self.sqlite and not self.unbounded

    def few(self, condition: ColumnBase) -> ColumnBase:
        """The condition, marked as true of few rows when the working set is found first."""
        if self.find_then_sort:
            return fn.likelihood(condition, SQL("0.001"))
        return condition


def _hidden(node: ColumnBase) -> ColumnBase:
    """The column with SQLite's unary plus: the same value, but no index is used for it."""
    return NodeList((SQL("+"), node), glue="")


def _view_conditions(filt: IncidentFilter, plan: _Plan, *, steer: bool = False) -> list[ColumnBase]:
    view = filt.view
    if view not in VIEWS:
        raise ValidationError(f"“{view}” is not a view of the incident list.", "view")
    is_open = plan.few(I.status.in_(list(OPEN_STATUSES)))
    if view == "mine":
        if filt.me is None:
            raise ValidationError("“My incidents” needs to know who is logged in.", "me")
        return [plan.few(I.engineer == filt.me), is_open]
    if view == "unassigned":
        # Both together seek the index on (engineer, status, last activity) exactly.
        return [plan.few(I.engineer.is_null()), is_open]
    if view == "open":
        return [is_open]
    if view == "callbacks_due":
        now = filt.now or utcnow()
        due = (t.CallBack.select(t.CallBack.incident)
               .where(t.CallBack.done_at.is_null() & (t.CallBack.due_at <= now)
                      & t.CallBack.incident.is_null(False)))
        return [plan.few(I.id.in_(due))]
    if view in _STATUS_VIEWS:
        status = _STATUS_VIEWS[view]
        if steer:
            # "Resolved" is most of the table: walk the sort's index and skip the rest,
            # rather than seek the status and sort half a million rows.
            return [Expression(_hidden(I.status), "=", status.value)]
        return [plan.few(I.status == status)]
    return []


def _conditions(filt: IncidentFilter, plan: _Plan, *, steer: bool = False,
                walking: bool = False) -> list[ColumnBase]:
    """The filter's conditions; ``walking`` when the page walks an index in sort order.

    While walking, the engineer and product filters only skip rows: offered as an index,
    the planner would seek that engineer's or product's tens of thousands of incidents and
    sort them (or, under a walk of names, seek them once per name).
    """
    out = _view_conditions(filt, plan, steer=steer)

    def equals(column: ColumnBase, value: int) -> ColumnBase:
        if walking and plan.walk_sort_index:
            return Expression(_hidden(column), "=", value)
        return plan.few(column == value)

    if filt.engineer_id is not None:
        out.append(equals(I.engineer, filt.engineer_id))
    if filt.product_id is not None:
        out.append(equals(I.product, filt.product_id))
    if filt.customer_id is not None:
        out.append(plan.few(I.customer == filt.customer_id))
    return out


def _param(key: ColumnBase, value: Any) -> Value:
    # A bare Value would skip the column's own conversion (enums, times); do it here.
    if isinstance(key, Field):
        return Value(key.db_value(value), unpack=False)  # type: ignore[no-untyped-call]
    return Value(value, unpack=False)


def _after(keys: tuple[ColumnBase, ...], values: tuple[Any, ...], descending: bool, *,
           lead: bool = False) -> ColumnBase:
    """Rows past the cursor: a row-value comparison, which both databases seek an index by.

    ``lead`` adds the implied bound on the first key alone, for keys that span two tables
    (a name, then the incident): no index holds them all, but the name's index can still
    be sought. On one table's keys it would do harm: SQLite then seeks by the first key
    alone and scans the rest of its group.
    """
    params = [_param(k, v) for k, v in zip(keys, values, strict=True)]
    if len(keys) == 1:
        return keys[0] < params[0] if descending else keys[0] > params[0]
    rows: ColumnBase = (Tuple(*keys) < Tuple(*params) if descending
                        else Tuple(*keys) > Tuple(*params))
    if not lead:
        return rows
    first = keys[0] <= params[0] if descending else keys[0] >= params[0]
    both: ColumnBase = first & rows
    return both


def _ordered(keys: tuple[ColumnBase, ...], descending: bool) -> list[Any]:
    return [k.desc() if descending else k.asc() for k in keys]


def _keyed(keys: tuple[ColumnBase, ...]) -> list[Any]:
    return [I.id.alias("pid"), *(k.alias(f"k{n}") for n, k in enumerate(keys))]


def _cursor_values(after: Cursor | None, n_keys: int) -> tuple[Any, ...] | None:
    if after is None:
        return None
    if len(after.key) != n_keys:
        raise ValidationError("The list was sorted differently; start again from the top.",
                              "after")
    return tuple(after.key)


def _page_of_incident_sort(filt: IncidentFilter, sort: Sort, plan: _Plan,
                           values: tuple[Any, ...] | None, limit: int) -> Any:
    keys = _INCIDENT_KEYS[sort.column]()
    # "Resolved" walks the sort's index, skipping other statuses, unless an index on
    # (status, key) already holds it in order.
    steer = plan.walk_sort_index and sort.column not in ("last_activity", "status", "opened")
    query = I.select(*_keyed(keys))
    # In a view of one status, sorting by status is sorting by last activity: seek past the
    # cursor on those keys, which the (status, last activity, id) index holds in order.
    seek = keys
    if sort.column == "status" and filt.view in _STATUS_VIEWS:
        seek = keys[1:]
    # Sorted by last activity, an index on (engineer or product, last activity) holds the
    # filtered rows in order already.
    walking = sort.column != "last_activity"
    for condition in _conditions(filt, plan, steer=steer, walking=walking):
        query = query.where(condition)
    if values is not None:
        query = query.where(_after(seek, values[len(keys) - len(seek):], sort.descending))
    order = _ordered(seek, sort.descending)
    return query.order_by(*order).limit(limit + 1)


def _named_join(model: Any, keys: tuple[ColumnBase, ...], on: ColumnBase, plan: _Plan, *,
                names_first: bool) -> ModelSelect[Any]:
    """The incidents joined to the named table, in the order the plan reads them.

    SQLite keeps the tables of a CROSS JOIN in the order written: names outermost to walk
    them in order, incidents outermost when a working set is found first.
    """
    query: ModelSelect[Any]
    if not plan.sqlite:
        query = model.select(*_keyed(keys)).join(I, JOIN.INNER, on=on)
    elif names_first:
        query = model.select(*_keyed(keys)).join(I, JOIN.CROSS).where(on)
    else:
        query = I.select(*_keyed(keys)).join(model, JOIN.CROSS).where(on)
    return query


def _page_of_name_sort(filt: IncidentFilter, sort: Sort, plan: _Plan,
                       values: tuple[Any, ...] | None, limit: int) -> Any:
    model, name, foreign_key = _NAMED[sort.column]
    keys = (name, model.id, I.last_activity_at, I.id)
    query = _named_join(model, keys, foreign_key == model.id, plan,
                        names_first=plan.walk_sort_index)
    # Walking names, each one's incidents come from the index on (it, last activity, id);
    # "resolved" only skips the others.
    for condition in _conditions(filt, plan, steer=plan.walk_sort_index, walking=True):
        query = query.where(condition)
    # Filtered to one of the named rows, walk only that one.
    only = {"customer": filt.customer_id, "product": filt.product_id}[sort.column]
    if only is not None:
        query = query.where(model.id == only)
    if values is not None:
        query = query.where(_after(keys, values, sort.descending, lead=True))
    order = _ordered(keys, sort.descending)
    return query.order_by(*order).limit(limit + 1)


def _page_of_engineer_sort(filt: IncidentFilter, sort: Sort, plan: _Plan,
                           values: tuple[Any, ...] | None, limit: int) -> Any:
    """Unassigned incidents sort as an engineer named "" (first going up, last going down).

    Two arms, each cut to one page: the unassigned incidents by last activity, and the
    engineers by name with each one's incidents by last activity; both walk the index on
    (engineer, last activity, id).
    """
    in_unassigned = values is not None and values[0] == "" and values[1] == 0
    desc = sort.descending
    arms: list[Select] = []
    # Going up, the unassigned come first: once past them, they are done. A view of one
    # engineer's incidents has none.
    one_engineer = filt.engineer_id is not None or filt.view == "mine"
    if not one_engineer and not (values is not None and not in_unassigned and not desc):
        unassigned = I.select(I.id.alias("pid"), SQL("''").alias("k0"), SQL("0").alias("k1"),
                              I.last_activity_at.alias("k2"), I.id.alias("k3"))
        unassigned = unassigned.where(plan.few(I.engineer.is_null()))
        for condition in _conditions(filt, plan):
            unassigned = unassigned.where(condition)
        if in_unassigned:
            assert values is not None
            unassigned = unassigned.where(
                _after((I.last_activity_at, I.id), values[2:], desc))
        unassigned = (unassigned.order_by(*_ordered((I.last_activity_at, I.id), desc))
                      .limit(limit + 1))
        arms.append(Select([unassigned.alias("unassigned")], [SQL("*")]))
    # Going down, the unassigned come last: once among them, the named ones are done.
    named_done = in_unassigned and desc
    if not named_done or not arms:
        keys = (t.User.full_name, t.User.id, I.last_activity_at, I.id)
        # The few engineers may be walked even in a working set: each one's open incidents
        # are a seek on (engineer, status, last activity), unless a customer's are wanted.
        by_status = filt.view in _STATUS_FOUND_VIEWS and filt.customer_id is None
        named = _named_join(t.User, keys, I.engineer == t.User.id, plan,
                            names_first=plan.walk_sort_index or by_status)
        for condition in _conditions(filt, plan, steer=plan.walk_sort_index, walking=True):
            named = named.where(condition)
        only = filt.engineer_id if filt.engineer_id is not None else (
            filt.me if filt.view == "mine" else None)
        if only is not None:
            named = named.where(t.User.id == only)  # walk that one engineer only
        if named_done:
            named = named.where(SQL("1 = 0"))  # a stale cursor: nothing is left
        elif values is not None and not in_unassigned:
            named = named.where(_after(keys, values, desc, lead=True))
        named = named.order_by(*_ordered(keys, desc)).limit(limit + 1)
        arms.append(Select([named.alias("named")], [SQL("*")]))
    compound: Select | CompoundSelectQuery = arms[0] if len(arms) == 1 else arms[0] + arms[1]
    order = [SQL(f"k{n}").desc() if desc else SQL(f"k{n}").asc() for n in range(4)]
    return compound.order_by(*order).limit(limit + 1)


def _page_query(filt: IncidentFilter, sort: Sort, after: Cursor | None,
                limit: int) -> tuple[ModelSelect[Any], int]:
    """One statement: the page's ids and sort keys (from indexes), then the shown columns."""
    plan = _Plan.of(filt)
    if sort.column in _INCIDENT_KEYS:
        n_keys = len(_INCIDENT_KEYS[sort.column]())
        page = _page_of_incident_sort(filt, sort, plan, _cursor_values(after, n_keys), limit)
    elif sort.column in _NAMED:
        n_keys = 4
        page = _page_of_name_sort(filt, sort, plan, _cursor_values(after, n_keys), limit)
    elif sort.column == "engineer":
        n_keys = 4
        page = _page_of_engineer_sort(filt, sort, plan, _cursor_values(after, n_keys), limit)
    else:
        raise ValidationError(f"The list cannot be sorted by “{sort.column}”.", "sort")
    page = page.alias("page")
    keys = tuple(getattr(page.c, f"k{n}") for n in range(n_keys))
    # Read through the index on the request lines' incident, for the page's unfunded rows
    # alone (a funded incident is on no open request).
    awaiting = Case(None, ((I.funding == FundingKind.NONE.value, fn.EXISTS(
        t.PaymentRequestLine.select(SQL("1"))
        .join(t.PaymentRequest, on=(t.PaymentRequestLine.request == t.PaymentRequest.id))
        .where((t.PaymentRequestLine.incident == I.id)
               & (t.PaymentRequest.state == "open")))),), False)
    query = (I.select(I.id, I.reference, I.customer, t.Customer.name, I.subject, I.product,
                      t.Product.name, I.status, I.funding, I.engineer, t.User.full_name,
                      I.opened_at, I.last_activity_at, I.version, awaiting, *keys)
             .join(page, on=(I.id == page.c.pid))
             .switch(I).join(t.Customer, on=(I.customer == t.Customer.id))
             .switch(I).join(t.Product, on=(I.product == t.Product.id))
             .switch(I).join(t.User, JOIN.LEFT_OUTER, on=(I.engineer == t.User.id))
             .order_by(*_ordered(keys, sort.descending)))
    return query, n_keys


def _when(value: Any) -> dt.datetime:
    # SQLite hands times back as text; parsing them here is many times quicker than Peewee's
    # try-each-format conversion, and a page has hundreds of them.
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value  # type: ignore[no-any-return]


def list_incidents(filt: IncidentFilter, sort: Sort | None = None, *,
                   after: Cursor | None = None, limit: int = 100) -> IncidentPage:
    """One page of the incident list, in one query, however deep the page.

    Pages are keyed on the last row's sort values (not offsets), so page 10,000 costs what
    page 1 does.

    Raises:
        ValidationError: an unknown view or sort column, or a cursor from another sort.
    """
    sort = sort or Sort()
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"A page holds 1 to {MAX_LIMIT} rows.", "limit")
    query, n_keys = _page_query(filt, sort, after, limit)
    raw = db.execute(query).fetchall()
    more = len(raw) > limit
    raw = raw[:limit]
    rows = tuple(
        IncidentRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], IncidentStatus(r[7]),
                    FundingKind(r[8]), r[9], r[10] or "", _when(r[11]), _when(r[12]), r[13],
                    bool(r[14]))
        for r in raw)
    # The keys go back to the database as they came (text times on SQLite compare exactly).
    cursor = Cursor(tuple(raw[-1][-n_keys:])) if more and raw else None
    return IncidentPage(rows, cursor)


def _counts_sql(by_engineer: bool, by_product: bool) -> str:
    """The status counts and the due call-backs in one statement (written once per shape)."""
    p = "?" if isinstance(db.obj, SqliteDatabase) else "%s"
    kept, callback, incident = (t.IncidentCount._meta.table_name,
                                t.CallBack._meta.table_name, t.Incident._meta.table_name)
    kept_where = "".join([f" AND engineer_id = {p}" if by_engineer else "",
                          f" AND product_id = {p}" if by_product else ""])
    due_join = f" JOIN {incident} i ON i.id = c.incident_id" if by_engineer or by_product else ""
    due_where = "".join([f" AND i.engineer_id = {p}" if by_engineer else "",
                         f" AND i.product_id = {p}" if by_product else ""])
    # Summed in the database: a few rows come back however many keys the kept table holds.
    return (f"SELECT status, SUM(count), SUM(CASE WHEN engineer_id = 0 THEN count ELSE 0 END),"
            f" SUM(CASE WHEN engineer_id = {p} THEN count ELSE 0 END)"
            f" FROM {kept} WHERE 1 = 1{kept_where} GROUP BY status"
            f" UNION ALL SELECT '', COUNT(DISTINCT c.incident_id), 0, 0 FROM {callback} c"
            f"{due_join} WHERE c.done_at IS NULL AND c.due_at <= {p}"
            f" AND c.incident_id IS NOT NULL{due_where}")


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
