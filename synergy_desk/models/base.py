"""The database proxy every model is bound through, the base model and shared field helpers."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import peewee
from peewee import Database, DatabaseProxy, DateTimeField, Model


class _Here(threading.local):
    """What one thread reads instead of the office: nothing unless it says so. (An attribute
    every thread has: looking up one a thread lacks raises and catches an error inside, and
    every statement looks here two or three times.)"""

    database: Database | None = None


class _KeptCursor(threading.local):
    """A thread's cursor for :meth:`OfficeProxy.fetch_all`, with the connection it is on.
    The connection is held with it, so a closed one is never taken for a new one made at
    the same address."""

    connection: Any = None
    cursor: Any = None


_kept = _KeptCursor()
#: Peewee's log of the statements run, kept for these as for any other.
_statements_log = logging.getLogger("peewee")
#: Peewee's context that gives the driver's errors as its own.
_as_peewee_errors: Any = vars(peewee)["__exception_wrapper__"]


class OfficeProxy(DatabaseProxy):
    """The proxy the models are bound through: the office this process opened, for every
    thread; and for one thread a while, another copy of the office it reads (a backup being
    checked before it is restored), which the other threads never see."""

    __slots__ = ("_office", "_here")

    def __init__(self) -> None:
        self._here = _Here()
        super().__init__()

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in ("obj", "_callbacks", "_Model", "_office", "_here"):
            raise AttributeError("Cannot set attribute on proxy.")
        object.__setattr__(self, name, value)

    @property
    def obj(self) -> Any:
        other = self._here.database
        return other if other is not None else self._office

    @obj.setter
    def obj(self, value: Any) -> None:
        self._office = value

    def fetch_all(self, sql: str, params: Sequence[Any], *,
                  plan_each_time: bool = False) -> list[tuple[Any, ...]]:
        """The rows of one read statement, on a cursor this thread keeps for its connection
        of the moment: for short statements run very often (a list's pages), where a cursor
        made for each one is a fifth of the time of a page that finds nothing. Logged, and
        its errors raised, as :meth:`peewee.Database.execute_sql` does.

        On PostgreSQL the statement is prepared the first time it is run (psycopg would wait
        for its fifth run, parsing and planning each of the four before in full): PostgreSQL
        plans it for the values given a few times more, then keeps one plan for any values.
        ``plan_each_time`` is for a statement whose best plan turns on the values it is given
        (a fragment typed into a search): PostgreSQL is never asked to prepare it, as a plan
        made without the fragment reads thousands of rows for a fragment most rows hold.
        SQLite plans every statement afresh in any case."""
        if _statements_log.isEnabledFor(logging.DEBUG):
            _statements_log.debug((sql, params))
        kept = _kept
        connection = self.obj.connection()
        if kept.connection is not connection:
            kept.cursor = connection.cursor()
            kept.connection = connection
        with _as_peewee_errors:
            if isinstance(self.obj, peewee.SqliteDatabase):
                kept.cursor.execute(sql, params)
            else:
                kept.cursor.execute(sql, params, prepare=not plan_each_time)
            rows: list[tuple[Any, ...]] = kept.cursor.fetchall()
        return rows

    @contextmanager
    def reading(self, database: Database) -> Iterator[None]:
        """The models read ``database`` in this thread for the duration."""
        previous = self._here.database
        self._here.database = database
        try:
            yield
        finally:
            self._here.database = previous


#: Bound at start-up from a URL by :func:`synergy_desk.models.database.open_database`.
db = OfficeProxy()


def utcnow() -> dt.datetime:
    """The current time in UTC, naive, as every time is stored."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class UTCDateTimeField(DateTimeField):
    """A naive UTC datetime; aware values are converted to UTC before they are stored."""

    def db_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return super().db_value(value)  # type: ignore[no-untyped-call]


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False
