"""A desk whose office was replaced under it (restored from a backup) notices before its next
change, and writes nothing: every change starts by reading the office's generation again."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from synergy_desk.domain.errors import OfficeReplaced
from synergy_desk.models import generation
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import close_database, describe_url, open_database
from synergy_desk.services.common import Actor, transaction
from synergy_desk.services.people import customers


def _elsewhere(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement through a connection of its own, as another program (a restore)."""
    info = describe_url(url)
    if info.kind == "sqlite":
        conn = sqlite3.connect(str(info.path), timeout=10, isolation_level=None)
        try:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(url, connect_timeout=5, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _restored_elsewhere(url: str) -> str:
    value = generation.new_value()
    _elsewhere(url, "UPDATE office_generation SET value = %s, changed_at = %s, reason = %s "
                    "WHERE id = 1", (value, "2026-03-12 14:05:00", "restored from a backup"))
    return value


def _customers(url: str) -> int:
    return int(_elsewhere(url, "SELECT COUNT(*) FROM customer")[0][0])


def test_a_new_office_has_a_generation_and_the_desk_remembers_it(db_url: str) -> None:
    value = generation.read(db.obj)
    assert value is not None and len(value) == 32
    assert generation.remembered(db.obj) == value


def test_a_change_after_the_office_was_replaced_is_refused_and_writes_nothing(
        db_url: str, reception: Actor) -> None:
    customers.create_customer(reception, customers.CustomerInput(name="Before Restore Ltd"))
    before = _customers(db_url)
    _restored_elsewhere(db_url)
    with pytest.raises(OfficeReplaced) as refused:
        customers.create_customer(reception, customers.CustomerInput(name="After Restore Ltd"))
    assert "restored from a backup at 12/03/2026 14:05 GMT" in refused.value.message
    assert "not saved" in refused.value.message
    assert _customers(db_url) == before
    # And it goes on refusing: the desk never writes into the office it did not open.
    with pytest.raises(OfficeReplaced):
        customers.create_customer(reception, customers.CustomerInput(name="Again Ltd"))
    assert _customers(db_url) == before


def test_the_desk_that_opens_the_office_again_works_in_the_restored_one(
        db_url: str, reception: Actor) -> None:
    value = _restored_elsewhere(db_url)
    with pytest.raises(OfficeReplaced):
        customers.create_customer(reception, customers.CustomerInput(name="Refused Ltd"))
    close_database()
    open_database(db_url, migrate_schema=False)
    assert generation.remembered(db.obj) == value
    customers.create_customer(reception, customers.CustomerInput(name="Welcome Back Ltd"))
    assert t.Customer.select().where(t.Customer.name == "Welcome Back Ltd").exists()


def test_only_the_outermost_transaction_reads_the_generation(
        db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[object] = []
    original = generation.read

    def counting(database: Any) -> str | None:
        reads.append(database)
        return original(database)

    monkeypatch.setattr(generation, "read", counting)
    with transaction():
        with transaction():
            t.Product.create(name="Nested")
    assert len(reads) == 1


def test_a_database_opened_without_a_generation_is_not_refused(db_url: str,
                                                               reception: Actor) -> None:
    """A database bound by other means than open_database (a copy's target) has nothing to
    compare with; its changes are not refused."""
    generation._opened.pop(db.obj, None)
    _restored_elsewhere(db_url)
    customers.create_customer(reception, customers.CustomerInput(name="Unchecked Ltd"))


def test_a_file_renamed_over_the_office_is_not_written_to(db_url: str, reception: Actor,
                                                          tmp_path: Any) -> None:
    """A copy of the office put in its place by renaming (a restore made by hand): this desk's
    connection still has the old file open, which is no longer the office; it writes nothing
    to either, though the copy carries the same generation."""
    import shutil

    office = describe_url(db_url).path
    if office is None:
        pytest.skip("a SQLite office is a file")
    sqlite_db_url = db_url
    customers.create_customer(reception, customers.CustomerInput(name="Before Ltd"))
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(office, copy)
    copy.replace(office)
    with pytest.raises(OfficeReplaced, match="not saved"):
        customers.create_customer(reception, customers.CustomerInput(name="After Ltd"))
    close_database()
    open_database(sqlite_db_url, migrate_schema=False)
    assert t.Customer.select().where(t.Customer.name == "After Ltd").count() == 0
    customers.create_customer(reception, customers.CustomerInput(name="Reopened Ltd"))


@pytest.mark.postgres
def test_a_generation_table_made_again_is_another_office(db_url: str,
                                                         reception: Actor) -> None:
    """A restore made by hand (pg_restore --clean) drops the tables and makes them again: the
    generation may be the same, the table holding it is not."""
    if describe_url(db_url).kind != "postgresql":
        pytest.skip("PostgreSQL's tables have object ids")
    same = generation.read(db.obj)
    _elsewhere(db_url, "DROP TABLE office_generation")
    _elsewhere(db_url, "CREATE TABLE office_generation (id INTEGER PRIMARY KEY, "
                       "value VARCHAR(64) NOT NULL, changed_at TIMESTAMP NOT NULL, "
                       "reason VARCHAR(300) NOT NULL DEFAULT '')")
    _elsewhere(db_url, "INSERT INTO office_generation VALUES (1, %s, now(), '')", (same,))
    before = _customers(db_url)
    with pytest.raises(OfficeReplaced):
        customers.create_customer(reception, customers.CustomerInput(name="After Ltd"))
    assert _customers(db_url) == before


def test_a_backup_is_a_copy_of_its_own(sqlite_db_url: str, tmp_path: Any) -> None:
    """A backup carries a generation of its own, so the office it was made from is never
    taken for it (a backup copied over the office by hand is noticed like a restore)."""
    from synergy_desk.services.data import backup

    made = backup.backup_database(sqlite_db_url, tmp_path / "copy.sqlite3")
    conn = sqlite3.connect(str(made.path))
    try:
        value, reason = conn.execute(
            "SELECT value, reason FROM office_generation WHERE id = 1").fetchone()
    finally:
        conn.close()
    assert value != generation.read(db.obj)
    assert reason == generation.BACKUP_REASON
