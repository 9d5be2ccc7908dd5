"""How values look on screen: times in the office's zone, dates as the desktop's locale shows them."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, QLocale, QTimeZone

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.domain.zones import DEFAULT_ZONE, zone_named
from synergy_desk.ui import palette

_office_zone = DEFAULT_ZONE


def set_office_zone(name: str) -> None:
    global _office_zone
    _office_zone = name or DEFAULT_ZONE
    clear_cache()


def clear_cache() -> None:
    """Forget formatted times (after the office's zone or the locale changes)."""
    _zone.cache_clear()
    _short_datetime.cache_clear()


def office_today() -> dt.date:
    """Today as the office's calendar has it (its time zone, not the desktop's)."""
    from synergy_desk.models.base import utcnow

    now = local(utcnow())
    assert now is not None
    return now.date()


@lru_cache(maxsize=4)
def _zone() -> ZoneInfo:
    return zone_named(_office_zone)


def local(value: dt.datetime | None) -> dt.datetime | None:
    """A stored (naive UTC) time in the office's time zone."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC).astimezone(_zone())


def _qdatetime(value: dt.datetime) -> QDateTime:
    loc = local(value)
    assert loc is not None
    return QDateTime(loc.date(), loc.time().replace(tzinfo=None), QTimeZone.LocalTime)


def short_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return _short_datetime(value)


@lru_cache(maxsize=8192)
def _short_datetime(value: dt.datetime) -> str:
    # Cached: a table repaints the same cells many times while it scrolls.
    return QLocale().toString(_qdatetime(value), QLocale.FormatType.ShortFormat)


def short_date(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        loc = local(value)
        assert loc is not None
        value = loc.date()
    return QLocale().toString(value, QLocale.FormatType.ShortFormat)


def duration(seconds: int) -> str:
    if not seconds:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


# Colours come with text, never alone: a status is always written out as well.
STATUS_COLOURS = {
    IncidentStatus.AWAITING_PAYMENT: palette.WARNING_TONE,
    IncidentStatus.QUEUED: palette.INFO_TONE,
    IncidentStatus.IN_PROGRESS: palette.SUCCESS_TONE,
    IncidentStatus.WAITING_ON_CUSTOMER: palette.ACCENT_TONE,
    IncidentStatus.RESOLVED: palette.NEUTRAL_TONE,
    IncidentStatus.CLOSED: palette.NEUTRAL_TONE,
}

FUNDING_COLOURS = {
    FundingKind.NONE: palette.ERROR_TONE,
    FundingKind.PAYMENT: palette.SUCCESS_TONE,
    FundingKind.TICKET: palette.INFO_TONE,
    FundingKind.CONTRACT: palette.INFO_TONE,
    FundingKind.WAIVER: palette.ACCENT_TONE,
}
#: Unfunded, but asked for by a payment request: waiting for the bank, not for reception.
AWAITING_TRANSFER_TONE = palette.WARNING_TONE
