"""The main window's incident list: filtered, sorted, keyset-paged; and the kept status counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peewee import (
    JOIN,
    SQL,
    Expression,
    Field,
    ModelSelect,
    Node,
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

__all__ = ["VIEWS", "VIEW_LABELS", "SORT_COLUMNS", "IncidentFilter", "Sort", "Cursor",
           "IncidentRow", "IncidentPage", "list_incidents", "status_counts"]

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
# id (two customers of one name never interleave), then the incident's id.
_INCIDENT_KEYS: dict[str, Callable[[], tuple[Node, ...]]] = {
    "last_activity": lambda: (I.last_activity_at, I.id),
    "opened": lambda: (I.opened_at, I.id),
    "reference": lambda: (I.number,),
    "subject": lambda: (I.subject, I.id),
    "status": lambda: (I.status, I.last_activity_at, I.id),
    "funding": lambda: (I.funding, I.last_activity_at, I.id),
}
_NAMED = {
    "customer": (t.Customer, t.Customer.name, I.customer),
    "product": (t.Product, t.Product.name, I.product),
}
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

    def few(self, condition: Expression) -> Node:
        """The condition, marked as true of few rows when the working set is found first."""
        if self.find_then_sort:
            return fn.likelihood(condition, SQL("0.001"))
        return condition


def _hidden(node: Node) -> Node:
    """The column with SQLite's unary plus: the same value, but no index is used for it."""
    return NodeList((SQL("+"), node), glue="")


def _view_conditions(filt: IncidentFilter, plan: _Plan, *, steer: bool = False) -> list[Node]:
    view = filt.view
    if view not in VIEWS:
        raise ValidationError(f"“{view}” is not a view of the incident list.", "view")
    is_open = plan.few(I.status.in_(list(OPEN_STATUSES)))
    if view == "mine":
        if filt.me is None:
            raise ValidationError("“My incidents” needs to know who is logged in.", "me")
        return [plan.few(I.engineer == filt.me), is_open]
    if view == "unassigned":
        # Found by status: closed incidents nobody took may be many.
        nobody = (Expression(_hidden(I.engineer), "IS", None) if plan.sqlite
                  else I.engineer.is_null())
        return [nobody, is_open]
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
                in_name_walk: bool = False) -> list[Node]:
    out = _view_conditions(filt, plan, steer=steer)

    def equals(column: Field, value: int) -> Node:
        if in_name_walk and plan.walk_sort_index:
            # Walking names, each one's incidents are found by its own key; a filter
            # column offered as an index would be searched once per name.
            return Expression(_hidden(column), "=", value)
        return plan.few(column == value)

    if filt.engineer_id is not None:
        out.append(equals(I.engineer, filt.engineer_id))
    if filt.product_id is not None:
        out.append(equals(I.product, filt.product_id))
    if filt.customer_id is not None:
        out.append(plan.few(I.customer == filt.customer_id))
    return out


def _param(key: Node, value: Any) -> Node:
    # A bare Value would skip the column's own conversion (enums, times); do it here.
    if isinstance(key, Field):
        return Value(key.db_value(value), unpack=False)
    return Value(value, unpack=False)


def _after(keys: tuple[Node, ...], values: tuple[Any, ...], descending: bool) -> Expression:
    params = [_param(k, v) for k, v in zip(keys, values, strict=True)]
    if len(keys) == 1:
        return keys[0] < params[0] if descending else keys[0] > params[0]
    # The leading-key bound is implied by the row comparison; it is there so both planners
    # see a range they can seek an index to.
    lead = keys[0] <= params[0] if descending else keys[0] >= params[0]
    rows = Tuple(*keys) < Tuple(*params) if descending else Tuple(*keys) > Tuple(*params)
    return lead & rows


def _ordered(keys: tuple[Node, ...], descending: bool) -> list[Node]:
    return [k.desc() if descending else k.asc() for k in keys]


def _keyed(keys: tuple[Node, ...]) -> list[Node]:
    return [I.id.alias("pid"), *(k.alias(f"k{n}") for n, k in enumerate(keys))]


def _cursor_values(after: Cursor | None, n_keys: int) -> tuple[Any, ...] | None:
    if after is None:
        return None
    if len(after.key) != n_keys:
        raise ValidationError("The list was sorted differently; start again from the top.",
                              "after")
    return tuple(after.key)


def _page_of_incident_sort(filt: IncidentFilter, sort: Sort, plan: _Plan,
                           values: tuple[Any, ...] | None, limit: int) -> Select:
    keys = _INCIDENT_KEYS[sort.column]()
    # "Resolved" walks the sort's index, skipping other statuses, unless an index on
    # (status, key) already holds it in order.
    steer = plan.walk_sort_index and sort.column not in ("last_activity", "status", "opened")
    query = I.select(*_keyed(keys))
    for condition in _conditions(filt, plan, steer=steer):
        query = query.where(condition)
    if values is not None:
        query = query.where(_after(keys, values, sort.descending))
    order = _ordered(keys, sort.descending)
    return query.order_by(*order).limit(limit + 1)


def _join_incident(query: ModelSelect, on: Expression, forced: bool) -> ModelSelect:
    if forced:
        # SQLite keeps the tables of a CROSS JOIN in the order written.
        return query.join(I, JOIN.CROSS).where(on)
    return query.join(I, JOIN.INNER, on=on)


def _page_of_name_sort(filt: IncidentFilter, sort: Sort, plan: _Plan,
                       values: tuple[Any, ...] | None, limit: int) -> Select:
    model, name, foreign_key = _NAMED[sort.column]
    keys = (name, model.id, I.id)
    # In a working set the incidents are found first: hide the foreign key's index so the
    # planner cannot walk every customer to look for their open incidents.
    on = (Expression(_hidden(foreign_key), "=", model.id) if plan.find_then_sort
          else foreign_key == model.id)
    query = _join_incident(model.select(*_keyed(keys)), on, plan.walk_sort_index)
    for condition in _conditions(filt, plan, in_name_walk=True):
        query = query.where(condition)
    if values is not None:
        query = query.where(_after(keys, values, sort.descending))
    order = _ordered(keys, sort.descending)
    return query.order_by(*order).limit(limit + 1)


def _page_of_engineer_sort(filt: IncidentFilter, sort: Sort, plan: _Plan,
                           values: tuple[Any, ...] | None, limit: int) -> Select:
    """Unassigned incidents sort as an engineer named "" (first going up, last going down).

    Two arms, each cut to one page: the unassigned incidents by id, and the engineers by
    name with each one's incidents by id.
    """
    in_unassigned = values is not None and values[0] == "" and values[1] == 0
    desc = sort.descending
    hide = plan.find_then_sort
    arms: list[Select] = []
    # Going up, the unassigned come first: once past them, they are done.
    if not (values is not None and not in_unassigned and not desc):
        unassigned_is = (Expression(_hidden(I.engineer), "IS", None) if hide
                         else I.engineer.is_null())
        unassigned = I.select(I.id.alias("pid"), SQL("''").alias("k0"), SQL("0").alias("k1"),
                              I.id.alias("k2")).where(unassigned_is)
        for condition in _conditions(filt, plan):
            unassigned = unassigned.where(condition)
        if in_unassigned:
            assert values is not None
            unassigned = unassigned.where(_after((I.id,), (values[2],), desc))
        unassigned = unassigned.order_by(*_ordered((I.id,), desc)).limit(limit + 1)
        arms.append(Select([unassigned.alias("unassigned")], [SQL("*")]))
    # Going down, the unassigned come last: once among them, the named ones are done.
    if not (in_unassigned and desc):
        keys = (t.User.full_name, t.User.id, I.id)
        on = (Expression(_hidden(I.engineer), "=", t.User.id) if hide
              else I.engineer == t.User.id)
        named = _join_incident(t.User.select(*_keyed(keys)), on, plan.walk_sort_index)
        for condition in _conditions(filt, plan, in_name_walk=True):
            named = named.where(condition)
        if values is not None and not in_unassigned:
            named = named.where(_after(keys, values, desc))
        named = named.order_by(*_ordered(keys, desc)).limit(limit + 1)
        arms.append(Select([named.alias("named")], [SQL("*")]))
    compound: Select = arms[0] if len(arms) == 1 else arms[0] + arms[1]
    order = [SQL(f"k{n}").desc() if desc else SQL(f"k{n}").asc() for n in range(3)]
    return compound.order_by(*order).limit(limit + 1)


def _page_query(filt: IncidentFilter, sort: Sort, after: Cursor | None,
                limit: int) -> tuple[ModelSelect, int]:
    """One statement: the page's ids and sort keys (from indexes), then the shown columns."""
    plan = _Plan.of(filt)
    if sort.column in _INCIDENT_KEYS:
        n_keys = len(_INCIDENT_KEYS[sort.column]())
        page = _page_of_incident_sort(filt, sort, plan, _cursor_values(after, n_keys), limit)
    elif sort.column in _NAMED:
        n_keys = 3
        page = _page_of_name_sort(filt, sort, plan, _cursor_values(after, n_keys), limit)
    elif sort.column == "engineer":
        n_keys = 3
        page = _page_of_engineer_sort(filt, sort, plan, _cursor_values(after, n_keys), limit)
    else:
        raise ValidationError(f"The list cannot be sorted by “{sort.column}”.", "sort")
    page = page.alias("page")
    keys = tuple(getattr(page.c, f"k{n}") for n in range(n_keys))
    query = (I.select(I.id, I.reference, I.customer, t.Customer.name, I.subject, I.product,
                      t.Product.name, I.status, I.funding, I.engineer, t.User.full_name,
                      I.opened_at, I.last_activity_at, I.version, *keys)
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
                    FundingKind(r[8]), r[9], r[10] or "", _when(r[11]), _when(r[12]), r[13])
        for r in raw)
    # The keys go back to the database as they came (text times on SQLite compare exactly).
    cursor = Cursor(tuple(raw[-1][-n_keys:])) if more and raw else None
    return IncidentPage(rows, cursor)


def status_counts(me: int | None = None, engineer_id: int | None = None,
                  product_id: int | None = None,
                  now: dt.datetime | None = None) -> dict[str, int]:
    """How many incidents each view holds, from the kept counts (never a count of incidents).

    The engineer and product filters narrow every view, as they narrow the list.
    """
    query = t.IncidentCount.select(t.IncidentCount.status, t.IncidentCount.engineer_id,
                                   t.IncidentCount.count)
    if engineer_id is not None:
        query = query.where(t.IncidentCount.engineer_id == engineer_id)
    if product_id is not None:
        query = query.where(t.IncidentCount.product_id == product_id)
    counts = dict.fromkeys(VIEWS, 0)
    for status, engineer, count in query.tuples():
        status = IncidentStatus(status)
        counts["all"] += count
        if status.is_open:
            counts["open"] += count
            if engineer == 0:
                counts["unassigned"] += count
            if me is not None and engineer == me:
                counts["mine"] += count
        for view, view_status in _STATUS_VIEWS.items():
            if status is view_status:
                counts[view] += count
    counts["callbacks_due"] = _incidents_with_callbacks_due(engineer_id, product_id, now)
    return counts


def _incidents_with_callbacks_due(engineer_id: int | None, product_id: int | None,
                                  now: dt.datetime | None) -> int:
    # Due call-backs are few (a queue people clear), so counting them is cheap.
    at = now or utcnow()
    query = (t.CallBack.select(fn.COUNT(t.CallBack.incident.distinct()))
             .join(I, on=(t.CallBack.incident == I.id))
             .where(t.CallBack.done_at.is_null() & (t.CallBack.due_at <= at)))
    if engineer_id is not None:
        query = query.where(I.engineer == engineer_id)
    if product_id is not None:
        query = query.where(I.product == product_id)
    return int(query.scalar() or 0)
