"""One time zone for a name the machine does not know: the office default, Europe/London."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.zones import (
    DEFAULT_ZONE,
    day_text,
    format_date,
    format_datetime,
    is_zone_name,
    local_date,
    utc_start,
    zone_named,
)


@pytest.mark.parametrize("name", ["", None, "Nowhere/Else", "Europe/Londn", "../etc/passwd"])
def test_an_empty_or_unknown_zone_name_is_the_office_default(name: str | None) -> None:
    assert zone_named(name).key == DEFAULT_ZONE == "Europe/London"


def test_a_known_zone_name_is_that_zone() -> None:
    assert zone_named("Asia/Tokyo").key == "Asia/Tokyo"
    assert is_zone_name("Asia/Tokyo")
    assert not is_zone_name("Nowhere/Else")


def test_documents_print_times_in_the_office_default_for_an_unknown_zone() -> None:
    summer_evening = dt.datetime(2026, 7, 1, 23, 30)  # 00:30 on 2 July in London (BST)
    assert format_date(summer_evening, "Nowhere/Else") == "02/07/2026"
    assert format_datetime(summer_evening, "Nowhere/Else") == "02/07/2026 00:30 BST"
    assert format_datetime(summer_evening, "Asia/Tokyo") == "02/07/2026 08:30 JST"
    assert format_datetime(None, "Europe/London") == format_date(None, "Europe/London") == ""


def test_a_stored_moment_falls_on_the_office_calendar_day() -> None:
    late = dt.datetime(2026, 7, 1, 23, 30)
    london = zone_named("Europe/London")
    assert local_date(late, london) == dt.date(2026, 7, 2)
    assert local_date(late, dt.UTC) == dt.date(2026, 7, 1)
    assert day_text(late, london) == "2 Jul 2026"
    assert day_text(dt.date(2027, 3, 12), london) == "12 Mar 2027"


def test_an_office_day_starts_at_its_local_midnight_in_utc() -> None:
    london = zone_named("Europe/London")
    assert utc_start(dt.date(2026, 7, 2), london) == dt.datetime(2026, 7, 1, 23, 0)  # BST
    assert utc_start(dt.date(2026, 12, 2), london) == dt.datetime(2026, 12, 2, 0, 0)  # GMT


def test_a_moments_day_needs_its_zone() -> None:
    with pytest.raises(TypeError):
        day_text(dt.datetime(2026, 7, 1, 23, 30))
    assert day_text(dt.date(2027, 3, 12)) == "12 Mar 2027"
