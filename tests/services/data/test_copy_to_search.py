"""copy-to's search texts: on PostgreSQL the incidents' texts are written by the server, and
they are the product's own, byte for byte, whatever the incident holds (empty fields and
entries, entries at the same moment, none at all, awkward text), as on SQLite."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import peewee
import pytest

from synergy_desk.demo import generator
from synergy_desk.domain.enums import Role, TimelineKind
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import (
    close_database,
    make_database,
    open_database,
    sqlite_url,
)
from synergy_desk.services import search_index
from synergy_desk.services.common import Actor
from synergy_desk.services.data import copy_to
from synergy_desk.services.incidents import intake

AWKWARD = "tab\there, line\nbreak \\ back\\slash \\n '\"; £€ ünïcödé 漢字 😀 \u2028 end"
SAME_MOMENT = dt.datetime(2029, 5, 6, 7, 8, 9, 123456)


def _entry(incident_id: int, text: str, at: dt.datetime) -> None:
    t.TimelineEntry.create(incident=incident_id, kind=TimelineKind.NOTE, text=text,
                           occurred_at=at)


def _awkward_incidents() -> list[int]:
    """Incidents logged through the services, then given timelines every way the search text
    can be put together, each indexed by the product's own builder."""
    manager = Actor.from_user(t.User.select().where(t.User.role == Role.MANAGER)
                              .order_by(t.User.id).first())
    customer = t.Customer.select().order_by(t.Customer.id).first()
    product = t.Product.select().order_by(t.Product.id).first()
    made: list[int] = []
    for subject, description, text in (
            ("No description", "", "said hello"),
            ("Empty call", "It broke\n\nagain", ""),
            (AWKWARD[:200], AWKWARD, AWKWARD),
            ("  spaces  ", " ", "  "),
            ("Only a timeline of empty entries", "", ""),
            ("No timeline at all", "nothing logged", "")):
        ref = intake.log_call(manager, intake.LogCallInput(
            customer_id=customer.id, product_id=product.id, subject=subject,
            description=description, text=text))
        made.append(ref.id)
    with db.atomic():
        no_desc, empty_call, awkward, spaces, empties, bare = made
        # Entries at the same moment come in id order; an earlier one written later first.
        _entry(no_desc, "second at the same moment", SAME_MOMENT)
        _entry(no_desc, "", SAME_MOMENT)
        _entry(no_desc, "third at the same moment", SAME_MOMENT)
        _entry(no_desc, "written last, happened first", SAME_MOMENT - dt.timedelta(days=400))
        _entry(awkward, AWKWARD + "\x01", SAME_MOMENT)
        _entry(spaces, " \n ", SAME_MOMENT)
        _entry(empties, "", SAME_MOMENT)
        _entry(empties, "", SAME_MOMENT)
        t.TimelineEntry.delete().where(t.TimelineEntry.incident == bare).execute()
        for incident_id in made:
            search_index.index_incident(incident_id)
    return made


def _bodies(table: str) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in db.execute_sql(
        f"SELECT rowid, body FROM {table} ORDER BY rowid").fetchall()]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A small demo office with awkward incidents, and the search texts the product wrote."""
    path = tmp_path_factory.mktemp("source") / "office.sqlite3"
    open_database(sqlite_url(path))
    try:
        generator.generate_demo(customers=10, incidents=40, timeline_per_incident=3)
        made = _awkward_incidents()
        written = {table: _bodies(table) for table in ("customer_search", "incident_search")}
    finally:
        close_database()
    return path, {"made": made, **written}


def test_the_search_texts_are_those_the_product_writes(
        source: tuple[Path, dict[str, Any]], source_url: str, empty_target: str) -> None:
    copy_to.copy_office(source_url, empty_target)
    expected = source[1]
    assert _bodies("incident_search") == expected["incident_search"]
    assert _bodies("customer_search") == expected["customer_search"]
    for incident_id in expected["made"]:
        incident = t.Incident.get_by_id(incident_id)
        texts = [e.text for e in t.TimelineEntry.select().where(
            t.TimelineEntry.incident == incident_id).order_by(
            t.TimelineEntry.occurred_at, t.TimelineEntry.id)]
        assert dict(_bodies("incident_search"))[incident_id] == search_index.incident_body(
            incident, texts)


def test_the_search_texts_are_written_a_slice_at_a_time_with_the_progress_moving(
        source: tuple[Path, dict[str, Any]], source_url: str, empty_target: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(copy_to, "_SEARCH_SLICE", 7)
    postgres = isinstance(make_database(empty_target), peewee.PostgresqlDatabase)
    if postgres:  # the server writes the incidents' texts: none is built here

        def built_here(*_args: object) -> str:
            raise AssertionError("an incident's search text was built in Python")

        monkeypatch.setattr(search_index, "incident_body", built_here)
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, stage: str) -> None:
        # PostgreSQL: each slice is a piece of the work after the rows, a step of its own.
        if stage == (copy_to.INDEX_STAGE if postgres else copy_to.SEARCH_STAGE):
            seen.append((done, total))

    copy_to.copy_office(source_url, empty_target, progress=progress)
    assert _bodies("incident_search") == source[1]["incident_search"]
    dones = [done for done, _ in seen]
    assert dones == sorted(dones) and len(set(dones)) == len(dones)
    if postgres:
        assert seen[-1][0] == seen[-1][1]
        assert len(seen) > t.Incident.select().count() // 7
    else:
        assert seen[-1][0] == seen[-1][1] == (t.Customer.select().count()
                                              + t.Incident.select().count())
