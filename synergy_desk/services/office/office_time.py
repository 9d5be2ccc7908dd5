"""The office's clock: its time zone, its today, and its days as receipts print them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from synergy_desk.domain.zones import day_text, local_date, zone_named
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.office.settings import office_settings

__all__ = ["office_zone", "office_today", "office_date", "date_text"]


def office_zone(settings: t.OfficeSettings | None = None) -> ZoneInfo:
    """The office's time zone (Europe/London when its name is unknown)."""
    return zone_named((settings or office_settings()).timezone)


def office_date(moment: dt.datetime, zone: ZoneInfo | None = None) -> dt.date:
    """The office's calendar date of a stored (naive UTC) moment."""
    return local_date(moment, zone or office_zone())


def office_today(now: dt.datetime | None = None) -> dt.date:
    """Today (or the day of ``now``) as the office's calendar has it."""
    return office_date(now or utcnow())


def date_text(moment: dt.datetime | dt.date, zone: ZoneInfo | None = None) -> str:
    """A date as people read it on a receipt: "12 Mar 2027" (moments in the office's zone)."""
    if isinstance(moment, dt.datetime):
        return day_text(moment, zone or office_zone())
    return day_text(moment)
