"""One time zone for a name the machine does not know: the office default, Europe/London."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.documents import layout
from synergy_desk.domain.zones import DEFAULT_ZONE, day_text, is_zone_name, local_date, zone_named


@pytest.mark.parametrize("name", ["", None, "Nowhere/Else", "Europe/Londn", "../etc/passwd"])
def test_an_empty_or_unknown_zone_name_is_the_office_default(name: str | None) -> None:
    assert zone_named(name).key == DEFAULT_ZONE == "Europe/London"


def test_a_known_zone_name_is_that_zone() -> None:
    assert zone_named("Asia/Tokyo").key == "Asia/Tokyo"
    assert is_zone_name("Asia/Tokyo")
    assert not is_zone_name("Nowhere/Else")


def test_documents_print_times_in_the_office_default_for_an_unknown_zone() -> None:
    summer_evening = dt.datetime(2026, 7, 1, 23, 30)  # 00:30 on 2 July in London (BST)
    assert layout.local(summer_evening, "Nowhere/Else").date() == dt.date(2026, 7, 2)
    assert layout.zone("Nowhere/Else") == zone_named(DEFAULT_ZONE)


def test_a_stored_moment_falls_on_the_office_calendar_day() -> None:
    late = dt.datetime(2026, 7, 1, 23, 30)
    london = zone_named("Europe/London")
    assert local_date(late, london) == dt.date(2026, 7, 2)
    assert local_date(late, dt.UTC) == dt.date(2026, 7, 1)
    assert day_text(late, london) == "2 Jul 2026"
    assert day_text(dt.date(2027, 3, 12), london) == "12 Mar 2027"
