"""The office's days a report covers: reading a typed day, the period's bounds as UTC instants,
and its moments as report cells in the office's zone."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import peewee

from synergy_desk.documents.data import Cell
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.zones import day_text, local_date, utc_start
from synergy_desk.services.office.office_time import office_today

__all__ = ["MAX_PERIOD_DAYS", "parse_day", "period_text", "Period", "validate_period"]


#: The longest period a report covers, in days.
MAX_PERIOD_DAYS = 400


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_day(text: str, *, today: dt.date | None = None) -> dt.date:
    """A day typed by a person: "2026-12-01", "01/12/2026", "today" or "yesterday".

    "today" is the office's today (its time zone), unless ``today`` is given.

    Raises:
        ValidationError: anything else, or a date that does not exist.
    """
    value = (text or "").strip().lower()
    if value in ("today", "yesterday"):
        day = today if today is not None else office_today()
        return day if value == "today" else day - dt.timedelta(days=1)
    parts: tuple[int, int, int] | None = None
    if match := _ISO.fullmatch(value):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _UK.fullmatch(value):
        parts = (int(match[3]), int(match[2]), int(match[1]))
    if parts is None:
        raise ValidationError(
            f"“{text.strip()}” is not a date; give it as 2026-12-01, 01/12/2026, today or "
            "yesterday.", "date")
    try:
        return dt.date(*parts)
    except ValueError:
        raise ValidationError(f"{text.strip()} is not a date in the calendar.", "date") from None


def period_text(start: dt.date, end: dt.date) -> str:
    """ "1 Dec 2026" for one day, "1 Nov 2026 – 30 Nov 2026" for longer."""
    if start == end:
        return day_text(start)
    return f"{day_text(start)} – {day_text(end)}"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    zone: ZoneInfo
    #: [since, until): the period as naive UTC instants.
    since: dt.datetime
    until: dt.datetime

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i)
                for i in range((self.end - self.start).days + 1)]

    def day_range(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return utc_start(day, self.zone), utc_start(day + dt.timedelta(days=1), self.zone)

    def within(self, column: peewee.Field) -> peewee.Expression:
        return (column >= self.since) & (column < self.until)

    def when(self, moment: dt.datetime | None) -> Cell:
        """A stored (naive UTC) moment as a cell: the moment in the office's zone."""
        if moment is None:
            return Cell.datetime(None)
        return Cell.datetime(moment.replace(tzinfo=dt.UTC).astimezone(self.zone))

    def date(self, moment: dt.datetime | None) -> Cell:
        """A stored (naive UTC) moment as a cell: the office's day it fell on."""
        if moment is None:
            return Cell.date(None)
        return Cell.date(local_date(moment, self.zone))


def validate_period(start: object, end: object) -> tuple[dt.date, dt.date]:
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise ValidationError("Choose the first and last day of the report.", "start")
    if isinstance(start, dt.datetime) or isinstance(end, dt.datetime):
        start = start.date() if isinstance(start, dt.datetime) else start
        end = end.date() if isinstance(end, dt.datetime) else end
    if start > end:
        raise ValidationError(
            f"The report starts on {day_text(start)}, after its last day {day_text(end)}; "
            "choose a first day on or before the last.", "start")
    days = (end - start).days + 1
    if days > MAX_PERIOD_DAYS:
        raise ValidationError(
            f"That period is {days} days long; a report covers at most {MAX_PERIOD_DAYS} days.",
            "end")
    return start, end

