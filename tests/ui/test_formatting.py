"""Times on screen are in the office's zone; an unknown zone name shows London time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from synergy_desk.ui import formatting


@pytest.fixture(autouse=True)
def london_afterwards() -> Iterator[None]:
    yield
    formatting.set_office_zone("Europe/London")


def test_an_unknown_office_zone_shows_london_time_not_utc() -> None:
    formatting.set_office_zone("Nowhere/Else")
    shown = formatting.local(dt.datetime(2026, 7, 1, 12, 0))
    assert shown is not None
    assert shown.utcoffset() == dt.timedelta(hours=1)  # BST, as every document prints it


def test_the_chosen_office_zone_is_used() -> None:
    formatting.set_office_zone("Asia/Tokyo")
    shown = formatting.local(dt.datetime(2026, 7, 1, 20, 0))
    assert shown is not None and shown.date() == dt.date(2026, 7, 2)
