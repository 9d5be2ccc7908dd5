"""The office's generation: a value every restore changes, so that a desk whose database was
replaced under it notices before its next change.

A process remembers the generation of the database it opened (:func:`remember`, called by
``open_database``). Every outermost write transaction reads it again first
(:func:`check_unchanged`, from ``services.common.transaction``); a different value means the
office was restored from a backup while this process had it open, and the change is refused
with :class:`~synergy_desk.domain.errors.OfficeReplaced` before anything is written.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
import weakref
from typing import Any

import peewee

from synergy_desk.domain import zones
from synergy_desk.domain.errors import OfficeReplaced
from synergy_desk.models.base import db

__all__ = ["TABLE", "ADVISORY_KEY", "BACKUP_REASON", "new_value", "read", "remember", "remembered",
           "check_unchanged", "replaced_message"]

#: The one-row table that holds the generation.
TABLE = "office_generation"
#: The PostgreSQL advisory lock a restore holds while it replaces the office; desks take it
#: shared at the start of each change. Any fixed number ("SyDk").
ADVISORY_KEY = 0x5379446B

#: What each open database object was when this process opened it (None: it had none).
_opened: weakref.WeakKeyDictionary[peewee.Database, str | None] = weakref.WeakKeyDictionary()
#: Which file (SQLite: device and inode) or which table (PostgreSQL: the generation table's
#: object id) held it: a file renamed over the office, or a table dropped and made again by a
#: restore made by hand, is another office even if it carries the same generation.
_holder: weakref.WeakKeyDictionary[peewee.Database, tuple[int, int] | int | None] = \
    weakref.WeakKeyDictionary()
#: The reason a backup gives the generation of its copy, so that a backup copied over the
#: office by hand is never taken for the office it was made from.
BACKUP_REASON = "a backup"


def new_value() -> str:
    """A fresh generation, never equal to any other."""
    return uuid.uuid4().hex


def _placeholder(database: peewee.Database) -> str:
    return "%s" if isinstance(database, peewee.PostgresqlDatabase) else "?"


def read(database: peewee.Database) -> str | None:
    """The database's generation now; None when it has none (no table or no row).

    Raises:
        peewee.PeeweeException: the database could not be read (a lost connection).
    """
    try:
        row = database.execute_sql(  # type: ignore[no-untyped-call]
            f'SELECT value FROM "{TABLE}" WHERE id = 1').fetchone()
    except (peewee.OperationalError, peewee.ProgrammingError) as exc:
        if _is_missing_table(exc):
            return None
        raise
    return str(row[0]) if row else None


def _is_missing_table(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "no such table" in text or ("does not exist" in text and TABLE in text)


def remember(database: peewee.Database) -> str | None:
    """Remember the generation of a database this process has just opened; returns it."""
    value = read(database) if TABLE in database.get_tables() else None
    _opened[database] = value
    _holder[database] = _held_by(database) if value is not None else None
    return value


def _held_by(database: peewee.Database) -> tuple[int, int] | int | None:
    """What holds the office now: the SQLite file's device and inode (None when the file is
    gone), or the object id of PostgreSQL's generation table."""
    if isinstance(database, peewee.PostgresqlDatabase):
        row = database.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT %s::regclass::oid", (TABLE,)).fetchone()
        return int(row[0])
    try:
        found = os.stat(str(database.database))
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def remembered(database: peewee.Database) -> str | None:
    """The generation this process opened ``database`` with (None: none, or not opened by
    ``open_database``)."""
    return _opened.get(database)


def check_unchanged() -> None:
    """Refuse to go on when the office was replaced since this process opened it.

    Called first thing inside an outermost write transaction: on SQLite the transaction
    already holds the write lock, so no restore can change the generation until it ends; on
    PostgreSQL a shared advisory lock is taken first, which a restore holds exclusively from
    before it replaces the database until the new generation is written.

    Raises:
        OfficeReplaced: the database has another generation now; nothing was written.
    """
    database = db.obj
    if database is None:
        return
    opened = _opened.get(database)
    if opened is None:
        return  # opened without a generation (or not by open_database): nothing to compare
    held = _holder.get(database)
    if isinstance(database, peewee.PostgresqlDatabase):
        # The restore's lock first, then (in the same statement) the table that holds the
        # generation now, which a restore made by hand drops and makes again.
        row = database.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT pg_advisory_xact_lock_shared(%s), %s::regclass::oid",
            (ADVISORY_KEY, TABLE)).fetchone()
        holder_now: tuple[int, int] | int | None = int(row[1])
    else:
        # A file renamed over the office (or the office moved away): this connection still
        # reads and writes the file it opened, which is no longer the office.
        holder_now = _held_by(database)
    if read(database) != opened:
        raise OfficeReplaced(replaced_message(_when(database)))
    if held is not None and holder_now != held:
        raise OfficeReplaced(replaced_message(""))


def _when(database: peewee.Database) -> str:
    """When the office was restored, as people read times, in the office's zone ("" when the
    database does not say)."""
    try:
        row = database.execute_sql(  # type: ignore[no-untyped-call]
            f'SELECT changed_at, reason FROM "{TABLE}" WHERE id = 1').fetchone()
        zone_row = database.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT timezone FROM office_settings ORDER BY id LIMIT 1").fetchone()
    except peewee.DatabaseError:
        return ""
    if not row or row[0] is None or str(row[1] or "").startswith(BACKUP_REASON):
        return ""  # a backup copied over the office: when it was made is not when it came
    moment: Any = row[0]
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return ""
    zone = str(zone_row[0]) if zone_row and zone_row[0] else None
    return zones.format_datetime(moment, zone) if isinstance(moment, dt.datetime) else ""


def replaced_message(when: str) -> str:
    """What a desk is told when its office was replaced under it."""
    at = f" at {when}" if when else ""
    return (f"The office database was restored from a backup{at} while this desk had it "
            "open; what you were saving was not saved. Open the office again to work in the "
            "restored database.")
