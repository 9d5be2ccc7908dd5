"""The database proxy every model is bound through, the base model and shared field helpers."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from peewee import Database, DatabaseProxy, DateTimeField, Model


class _Here(threading.local):
    """What one thread reads instead of the office: nothing unless it says so. (An attribute
    every thread has: looking up one a thread lacks raises and catches an error inside, and
    every statement looks here two or three times.)"""

    database: Database | None = None


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
