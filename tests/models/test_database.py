"""Opening databases, migrations matching the models, refusing newer schemas."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import peewee
import pytest
from playhouse.schema_diff import diff_models

from synergy_desk.domain.errors import DatabaseError, SchemaTooNew
from synergy_desk.models import ALL_MODELS
from synergy_desk.models.base import db
from synergy_desk.models.database import (
    MIGRATIONS_DIR,
    close_database,
    migration_names,
    open_database,
    sqlite_url,
)


def test_migrations_produce_exactly_the_models(db_url: str) -> None:
    diff = diff_models(db.obj, ALL_MODELS)
    assert not diff, f"migrations and models differ:\n{diff}"


def test_sqlite_pragmas_are_set(sqlite_db_url: str) -> None:
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_sqlite_write_transactions_begin_immediate(sqlite_db_url: str) -> None:
    with db.atomic():
        # A second connection cannot take the write lock while ours is open, even before we
        # have written anything: proof the transaction began IMMEDIATE.
        path = sqlite_db_url.removeprefix("sqlite:///")
        other = sqlite3.connect(path, timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def _mark_newer(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    conn.execute("INSERT INTO schema_migration (name, applied) VALUES "
                 "('9999_from_the_future', '2030-01-01 00:00:00')")
    conn.commit()
    conn.close()


def test_newer_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    open_database(sqlite_url(path))
    close_database()
    _mark_newer(path)
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew, match="newer version"):
        open_database(sqlite_url(path))
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak"))


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("this is a shopping list, not a database\n")
    with pytest.raises(DatabaseError, match="not a Synergy Desk database"):
        open_database(sqlite_url(path))
    assert path.read_text().startswith("this is a shopping list")


EXTRA_MIGRATION = '''"""A schema change that exists only in this test."""
from peewee import TextField


def up(migrator, db):
    migrator.migrate(migrator.add_column("product", "test_note", TextField(default="")))
'''


def _migrations_with_an_extra_one(folder: Path) -> Path:
    """A copy of the package's migrations plus one that adds ``product.test_note``."""
    shutil.copytree(MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "9999_test_column.py").write_text(EXTRA_MIGRATION)
    return folder


def _columns(path: Path, table: str) -> set[str]:
    conn = sqlite3.connect(str(path))
    try:
        return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
    finally:
        conn.close()


def test_sqlite_file_is_backed_up_before_a_migration(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    open_database(sqlite_url(path))
    close_database()
    assert not list(tmp_path.glob("*.bak")), "a new database has nothing to back up"

    migrations = _migrations_with_an_extra_one(tmp_path / "migrations")
    open_database(sqlite_url(path), migrations_dir=migrations)
    close_database()

    backups = list(tmp_path.glob("office.sqlite3.before-migration-*.bak"))
    assert len(backups) == 1
    assert "test_note" in _columns(path, "product")
    assert "test_note" not in _columns(backups[0], "product")
    copy = sqlite3.connect(str(backups[0]))
    try:
        applied = [row[0] for row in copy.execute("SELECT name FROM schema_migration")]
    finally:
        copy.close()
    assert applied == migration_names()  # this release's schema, before the extra change


def test_up_to_date_sqlite_file_is_not_backed_up_on_open(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    migrations = _migrations_with_an_extra_one(tmp_path / "migrations")
    open_database(sqlite_url(path), migrations_dir=migrations)
    close_database()
    open_database(sqlite_url(path), migrations_dir=migrations)
    close_database()
    assert "test_note" in _columns(path, "product")
    assert not list(tmp_path.glob("*.bak"))


def test_a_schema_change_that_copies_a_table_keeps_its_triggers(tmp_path: Path) -> None:
    """SQLite changes a column by copying the table; the copy would lose the triggers that
    keep the incident list's names, so a renamed product would no longer rename them."""
    path = tmp_path / "office.sqlite3"
    open_database(sqlite_url(path))
    close_database()
    open_database(sqlite_url(path), migrations_dir=_migrations_with_an_extra_one(
        tmp_path / "migrations"))
    close_database()
    conn = sqlite3.connect(str(path))
    try:
        triggers = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'product'")}
    finally:
        conn.close()
    assert triggers == {"product_name_on_incidents"}


@pytest.mark.parametrize(("error", "lost"), [
    (peewee.OperationalError("server closed the connection unexpectedly"), True),
    (peewee.InterfaceError("connection already closed"), True),
    (ConnectionError("reset by peer"), True),
    (peewee.IntegrityError("UNIQUE constraint failed"), False),
    (KeyError("status"), False),
])
def test_a_lost_connection_is_told_from_a_fault(error: BaseException, lost: bool) -> None:
    from synergy_desk.models.database import is_lost_connection

    assert is_lost_connection(error) is lost


def _sqlite_error(database: peewee.SqliteDatabase, sql: str) -> peewee.OperationalError:
    with pytest.raises(peewee.OperationalError) as caught:
        database.connect(reuse_if_open=True)
        database.execute_sql(sql)
    database.close()
    return caught.value


def test_a_sqlite_fault_in_the_program_is_not_a_lost_connection(tmp_path: Path) -> None:
    """SQLite says "no such column" as an operational error, like a locked file; only the
    file that cannot be used is a lost connection."""
    from synergy_desk.models.database import is_lost_connection

    working = peewee.SqliteDatabase(str(tmp_path / "office.sqlite3"))
    assert not is_lost_connection(_sqlite_error(working, "SELECT nope FROM sqlite_master"))
    assert not is_lost_connection(_sqlite_error(working, "SELEKT 1"))
    assert not is_lost_connection(_sqlite_error(working, "SELECT * FROM no_such_table"))

    unreachable = peewee.SqliteDatabase(str(tmp_path / "no such folder" / "office.sqlite3"))
    assert is_lost_connection(_sqlite_error(unreachable, "SELECT 1"))


def test_a_sqlite_file_locked_too_long_is_a_lost_connection(tmp_path: Path) -> None:
    from synergy_desk.models.database import is_lost_connection

    path = tmp_path / "office.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        waiting = peewee.SqliteDatabase(str(path), timeout=0.1)
        assert is_lost_connection(_sqlite_error(waiting, "SELECT * FROM t"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_file_this_process_holds_open_is_told_apart(tmp_path: Path) -> None:
    """What decides whether open_database may read a file's first bytes as a plain file."""
    from synergy_desk.models.database import open_in_this_process

    path = tmp_path / "office.sqlite3"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE kept (x)")
    try:
        assert open_in_this_process(path)
    finally:
        conn.close()
    assert not open_in_this_process(path)
    assert open_in_this_process(tmp_path / "missing.sqlite3")  # cannot tell: not read
