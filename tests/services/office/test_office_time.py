"""The office's clock: its zone, its today and its days, with one fallback for a bad zone name."""

from __future__ import annotations

import datetime as dt

from synergy_desk.models import tables as t
from synergy_desk.services.office import office_time, settings


def test_the_office_zone_is_the_one_the_manager_chose(office: dict[str, object]) -> None:
    t.OfficeSettings.update(timezone="Asia/Tokyo").execute()
    assert office_time.office_zone().key == "Asia/Tokyo"
    # 20:00 UTC is the next morning in Tokyo.
    assert office_time.office_today(dt.datetime(2026, 3, 1, 20, 0)) == dt.date(2026, 3, 2)


def test_an_unknown_stored_zone_reads_as_europe_london(office: dict[str, object]) -> None:
    # A name an older tzdata lacks, or one written into the database by hand.
    t.OfficeSettings.update(timezone="Mars/Olympus_Mons").execute()
    assert office_time.office_zone().key == "Europe/London"
    # 23:30 UTC in summer is already the next day in London (BST).
    assert office_time.office_today(dt.datetime(2026, 7, 1, 23, 30)) == dt.date(2026, 7, 2)
    assert office_time.date_text(dt.datetime(2026, 7, 1, 23, 30)) == "2 Jul 2026"


def test_an_office_with_no_settings_saved_uses_london(db_url: str) -> None:
    assert t.OfficeSettings.select().count() == 0
    assert settings.office_settings().timezone == "Europe/London"
    assert office_time.office_zone().key == "Europe/London"
