"""Time zones by name, and the office's calendar days of stored (naive UTC) moments.

An office's zone is stored by name ("Europe/London"). A name this machine does not know (a
typing slip, a zone missing from an old tzdata) reads as the office default, Europe/London,
everywhere the program shows or prints a time: the window, receipts, reports and exports
agree on one day whatever went wrong with the name.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DEFAULT_ZONE", "zone_named", "is_zone_name", "local_date", "utc_start", "day_text",
           "format_datetime", "format_date"]

#: The office's zone until a manager chooses another.
DEFAULT_ZONE = "Europe/London"


@lru_cache(maxsize=32)
def zone_named(name: str | None) -> ZoneInfo:
    """The time zone of that name; Europe/London when the name is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo(DEFAULT_ZONE)


def is_zone_name(name: str) -> bool:
    """Whether this machine knows a zone of that name."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def local_date(moment: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The calendar date in ``zone`` of a stored (naive UTC) moment."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).date()


def utc_start(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The stored (naive UTC) instant a calendar day begins in ``zone``, daylight saving
    included: the lower bound of that day's rows."""
    local = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _in_zone(moment: dt.datetime, zone_name: str | None) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone_named(zone_name))


def format_datetime(moment: dt.datetime | None, zone_name: str | None) -> str:
    """A stored moment as documents print it: "12/03/2026 14:05 GMT", UK date order, with
    the zone so nobody guesses; empty for none."""
    if moment is None:
        return ""
    local = _in_zone(moment, zone_name)
    return f"{local:%d/%m/%Y %H:%M} {local.tzname() or ''}".rstrip()


def format_date(moment: dt.datetime | None, zone_name: str | None) -> str:
    """The day of a stored moment as documents print it: "12/03/2026"; empty for none."""
    if moment is None:
        return ""
    return f"{_in_zone(moment, zone_name):%d/%m/%Y}"


def day_text(moment: dt.datetime | dt.date, zone: dt.tzinfo | None = None) -> str:
    """A day as people read it on a receipt: "12 Mar 2027" (a moment is taken in ``zone``,
    which a moment needs)."""
    if isinstance(moment, dt.datetime):
        if zone is None:
            raise TypeError("a moment's day depends on the zone it is read in")
        day = local_date(moment, zone)
    else:
        day = moment
    return f"{day.day} {day:%b %Y}"
