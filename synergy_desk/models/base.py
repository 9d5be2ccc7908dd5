"""The database proxy every model is bound through, the base model and shared field helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import DatabaseProxy, DateTimeField, Model

#: Bound at start-up from a URL by :func:`synergy_desk.models.database.open_database`.
db = DatabaseProxy()


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
