"""The incident list's sort keys and its index families, as the schema holds them.

Each sortable column orders the list by columns of the incident itself (the names it sorts by
are kept on it), ending in a unique one. Each sort has an index in each family: over every
incident, the open ones, the open ones by status, nobody's open ones, and those with a
call-back open; each again with the engineer's or the product's id first, for the filters.
Migration 0015 made them (a migration keeps its own frozen copy of this; a test holds the two
the same), the models declare them and the list's service names the one each page reads.
"""

from __future__ import annotations

from synergy_desk.domain.enums import OPEN_STATUSES

__all__ = ["SORT_KEYS", "OPEN_CONDITION", "UNASSIGNED_CONDITION", "CALLBACK_CONDITION",
           "KINDS", "FAMILIES", "index_for", "index_plan"]

#: How each sortable column orders the list.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "last_activity": ("last_activity_at", "id"),
    "opened": ("opened_at", "id"),
    "reference": ("number",),
    "subject": ("subject", "id"),
    "status": ("status", "last_activity_at", "id"),
    "funding": ("funding", "last_activity_at", "id"),
    "customer": ("customer_name", "customer_id", "last_activity_at", "id"),
    "product": ("product_name", "product_id", "last_activity_at", "id"),
    "engineer": ("engineer_name", "last_activity_at", "id"),
}
#: The open statuses, written as the partial indexes' condition is (a planner uses a partial
#: index only for a query that states its condition in the same words).
OPEN_CONDITION = "status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES))
UNASSIGNED_CONDITION = OPEN_CONDITION + " AND engineer_id IS NULL"
CALLBACK_CONDITION = "callback_due_at IS NOT NULL"
#: What each family holds, and the column it puts after the engineer's or product's id.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "all": ("", ()),
    "open": (OPEN_CONDITION, ()),
    "status": (OPEN_CONDITION, ("status",)),
    "unassigned": (UNASSIGNED_CONDITION, ()),
    "callback": (CALLBACK_CONDITION, ()),
}
#: The families' leading column: none, the engineer's id, the product's id.
FAMILIES = ("", "engineer", "product")
#: Indexes of the "all" kind that the office had before migration 0015 made the rest.
_EXISTING = {
    ("", "last_activity"): "incident_last_activity_at_id",
    ("", "opened"): "incident_opened_at_id",
    ("", "reference"): "incident_number",
    ("", "subject"): "incident_subject_id",
    ("", "status"): "incident_status_last_activity_at_id",
    ("", "funding"): "incident_funding_last_activity_at_id",
    ("engineer", "last_activity"): "incident_engineer_id_last_activity_at_id",
    ("product", "last_activity"): "incident_product_id_last_activity_at_id",
}


def index_for(family: str, kind: str, sort: str) -> tuple[str, tuple[str, ...] | None, str]:
    """(name, columns, condition) of the index a family reads a sort by; the columns are None
    for an index the office had before the families."""
    if family == sort or (kind == "unassigned" and sort == "engineer"):
        sort = "last_activity"  # one engineer's (product's, nobody's) incidents share a name
    if kind == "status" and sort in ("status", "last_activity"):
        kind, sort = "open", "status"  # (status, last activity, id) is the open family's
    if kind == "all" and (family, sort) in _EXISTING:
        return _EXISTING[(family, sort)], None, ""
    condition, added = KINDS[kind]
    name = "_".join(p for p in ("incident", "" if kind == "all" else kind, family, "by", sort)
                    if p)
    columns = ((family + "_id",) if family else ()) + added + SORT_KEYS[sort]
    return name, columns, condition


def index_plan() -> list[tuple[str, tuple[str, ...], str]]:
    """(name, columns, condition) of every index of the families the office did not have
    before them, and of the indexes the call-backs due are counted by."""
    out: dict[str, tuple[str, tuple[str, ...], str]] = {}
    for kind in KINDS:
        for family in FAMILIES:
            if kind == "unassigned" and family == "engineer":
                continue  # nobody's incidents are no engineer's
            for sort in SORT_KEYS:
                name, columns, condition = index_for(family, kind, sort)
                if columns is not None:
                    out[name] = (name, columns, condition)
    for family in FAMILIES:
        name = "_".join(p for p in ("incident_callback", family, "due") if p)
        out[name] = (name, ((family + "_id",) if family else ()) + ("callback_due_at",),
                     CALLBACK_CONDITION)
    return list(out.values())
