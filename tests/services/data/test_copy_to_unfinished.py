"""copy-to into PostgreSQL commits the rows before it makes the indexes, keys and search over
them: until it has checked the copy no desk opens it, a copy stopped part-way is copied into
again from the start, and a copy that fails after the commit leaves the database as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import peewee
import pytest

from synergy_desk.demo import generator
from synergy_desk.domain.errors import DatabaseError, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import (
    close_database,
    make_database,
    open_database,
    sqlite_url,
)
from synergy_desk.services import search
from synergy_desk.services.data import copy_to
from synergy_desk.services.reporting import integrity


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("source") / "office.sqlite3"
    open_database(sqlite_url(path))
    try:
        generator.generate_demo(customers=20, incidents=60, timeline_per_incident=2)
        counts = {m._meta.table_name: m.select().count() for m in t.ALL_MODELS}
    finally:
        close_database()
    return path, counts


@pytest.fixture
def target(empty_target: str) -> str:
    if not empty_target.startswith("postgres"):
        pytest.skip("SQLite is copied into in one transaction")
    return empty_target


def _schema() -> list[tuple[str, str]]:
    """Every index and constraint of the database the models are bound to."""
    indexes = db.execute_sql(
        "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "ORDER BY 1, 2").fetchall()
    keys = db.execute_sql(
        "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2").fetchall()
    return [tuple(r) for r in indexes + keys]


def _stopped_after_the_rows(monkeypatch: pytest.MonkeyPatch, source_url: str,
                            target: str) -> None:
    """A copy stopped outright once its rows are committed (the power failed): nothing after
    the commit ran, not even the emptying a failure does."""

    def power_cut(*_args: object) -> list[str]:
        raise SystemExit("the power failed")

    monkeypatch.setattr(copy_to, "_make_the_rest", power_cut)
    monkeypatch.setattr(copy_to, "_abandon", lambda *_args: None)
    with pytest.raises(SystemExit):
        copy_to.copy_office(source_url, target)
    monkeypatch.undo()
    close_database()


def test_no_desk_opens_a_copy_that_has_not_finished(
        source: tuple[Path, dict[str, Any]], source_url: str, target: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _stopped_after_the_rows(monkeypatch, source_url, target)
    with pytest.raises(DatabaseError, match="copy-to has not finished copying") as caught:
        open_database(target)
    assert "Run copy-to into it again" in caught.value.message
    # The rows are there, without the indexes copy-to had still to make, which are noted.
    raw = make_database(target)
    try:
        assert raw.execute_sql("SELECT COUNT(*) FROM incident").fetchone()[0] == \
            source[1]["incident"]
        kinds = dict(raw.execute_sql(
            "SELECT kind, COUNT(*) FROM copy_unfinished GROUP BY kind").fetchall())
        assert kinds["check"] == 1 and kinds["index"] > 100 and kinds["key"] > 20
        indexed = {r[0] for r in raw.execute_sql(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'timeline_entry'").fetchall()}
        assert indexed == {"timeline_entry_pkey"}
    finally:
        raw.close()


def test_a_copy_stopped_part_way_is_copied_into_again_from_the_start(
        source: tuple[Path, dict[str, Any]], source_url: str, target: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(target)
    schema = _schema()
    close_database()
    _stopped_after_the_rows(monkeypatch, source_url, target)
    result = copy_to.copy_office(source_url, target)
    assert result.counts == source[1]
    assert _schema() == schema  # every index and key the migrations made, once
    assert db.execute_sql("SELECT COUNT(*) FROM copy_unfinished").fetchone()[0] == 0
    assert integrity.check_tamper() == [] and integrity.check_sequences() == []
    customer = t.Customer.select().order_by(t.Customer.id).first()
    assert customer.id in [hit.id for hit in search.search_customers(customer.name[:5])]
    close_database()
    open_database(target)  # a desk may use it now
    assert t.Incident.select().count() == source[1]["incident"]


def test_statements_a_stopped_copy_left_running_are_ended_before_it_is_copied_into_again(
        source: tuple[Path, dict[str, Any]], source_url: str, target: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _stopped_after_the_rows(monkeypatch, source_url, target)
    # The stopped copy's lane, still building an index on the server: it holds the incidents
    # as CREATE INDEX does, for longer than a desk waits for a lock.
    import psycopg

    orphan = psycopg.connect(target, application_name=copy_to._COPY_SESSION)
    orphan.execute("LOCK TABLE incident IN SHARE MODE")
    # A desk's session on the same database is left alone (none can be open on an unfinished
    # copy, but a session of another program may).
    other = psycopg.connect(target, application_name="another program")
    other.execute("SELECT 1")
    try:
        result = copy_to.copy_office(source_url, target)
        assert result.counts == source[1]
        with pytest.raises(psycopg.OperationalError):
            orphan.execute("SELECT 1")
        assert other.execute("SELECT 1").fetchone() == (1,)
    finally:
        orphan.close()
        other.close()


def test_a_copy_that_fails_after_its_rows_leaves_the_database_as_it_was(
        source_url: str, target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(target)
    schema = _schema()
    before = {m._meta.table_name: m.select().count() for m in t.ALL_MODELS}
    close_database()
    real = copy_to._incident_bodies_in_sql

    def broken(start: int, stop: int) -> None:
        if start > 1:
            raise peewee.OperationalError("the server's disk filled up")
        real(start, stop)

    monkeypatch.setattr(copy_to, "_SEARCH_SLICE", 10)
    monkeypatch.setattr(copy_to, "_incident_bodies_in_sql", broken)
    with pytest.raises(peewee.OperationalError, match="disk filled up"):
        copy_to.copy_office(source_url, target)
    assert {m._meta.table_name: m.select().count() for m in t.ALL_MODELS} == before
    assert db.execute_sql("SELECT COUNT(*) FROM incident_search").fetchone()[0] == 0
    assert _schema() == schema
    close_database()
    open_database(target)  # an empty office again, which a desk may open
    monkeypatch.undo()
    close_database()
    copy_to.copy_office(source_url, target)  # and copy into
    assert db.execute_sql("SELECT COUNT(*) FROM copy_unfinished").fetchone()[0] == 0


def test_two_copies_into_one_database_do_not_run_at_once(
        source_url: str, target: str) -> None:
    other = make_database(target)
    try:
        other.execute_sql("SELECT pg_advisory_lock(%s)", (copy_to._COPY_LOCK,))
        with pytest.raises(ValidationError, match="Another copy-to is copying into"):
            copy_to.copy_office(source_url, target)
        assert t.User.select().count() == 0
        other.execute_sql("SELECT pg_advisory_unlock(%s)", (copy_to._COPY_LOCK,))
    finally:
        other.close()
    copy_to.copy_office(source_url, target)
    assert t.User.select().count() > 0
