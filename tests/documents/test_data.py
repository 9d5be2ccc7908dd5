"""The plain data documents are printed from: a report's cells, each a value and its text."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from synergy_desk.documents import Cell
from synergy_desk.documents.data import DASH
from synergy_desk.domain.money import MAX_PENCE, format_pence, parse_pence

LONDON = ZoneInfo("Europe/London")


@given(st.integers(min_value=-MAX_PENCE, max_value=MAX_PENCE))
@example(107550)
@example(-250)
@example(0)
def test_a_money_cell_prints_its_pence(pence: int) -> None:
    cell = Cell.money(pence)
    assert (cell.value, cell.kind) == (pence, "money")
    assert cell.text == format_pence(pence)
    assert parse_pence(cell.text.lstrip("-")) == abs(pence)


@given(st.integers(min_value=-10**9, max_value=10**9))
@example(1204)
def test_a_count_prints_with_thousands_separators(count: int) -> None:
    cell = Cell.count(count)
    assert (cell.value, cell.kind) == (count, "count")
    assert cell.text == f"{count:,}" and int(cell.text.replace(",", "")) == count


def test_a_count_may_print_as_it_says() -> None:
    assert Cell.count(4, "4 of 10") == Cell(4, "4 of 10", "count")
    assert Cell.count(-1, "-1").value == -1


@given(st.integers(min_value=1, max_value=10**7))
def test_a_number_that_names_something_prints_as_it_is(number: int) -> None:
    assert Cell.number(number) == Cell(number, str(number), "number")


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_a_day_prints_day_first_and_keeps_the_day(day: dt.date) -> None:
    cell = Cell.date(day)
    assert (cell.value, cell.kind) == (day, "date")
    assert dt.datetime.strptime(cell.text, "%d/%m/%Y").date() == day


def test_a_moment_given_as_a_day_sorts_among_days() -> None:
    moment = dt.datetime(2026, 12, 1, 23, 30, tzinfo=LONDON)
    assert Cell.date(moment) == Cell(dt.date(2026, 12, 1), "01/12/2026", "date")


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31),
                    timezones=st.just(LONDON)))
def test_a_moment_prints_its_office_time(moment: dt.datetime) -> None:
    cell = Cell.datetime(moment)
    assert (cell.value, cell.kind) == (moment, "datetime")
    assert cell.text == f"{moment:%d/%m/%Y %H:%M}"


@pytest.mark.parametrize(("hours", "text"), [
    (0.0, "0.0 h"), (3.5, "3.5 h"), (47.9, "47.9 h"), (48.0, "2.0 days"), (302.0, "12.6 days"),
])
def test_a_duration_prints_hours_then_days(hours: float, text: str) -> None:
    assert Cell.hours(hours) == Cell(hours, text, "hours")


@pytest.mark.parametrize("cell", [
    Cell.date(None), Cell.datetime(None), Cell.hours(None), Cell.blank(), Cell.blank("money"),
])
def test_nothing_prints_as_a_dash_with_no_value(cell: Cell) -> None:
    assert cell.value is None and cell.text == DASH == "—"


def test_a_blank_may_say_what_is_not_there() -> None:
    assert Cell.blank("date", "No") == Cell(None, "No", "date")


def test_text_is_its_own_value_and_cells_are_frozen() -> None:
    cell = Cell.plain("R-000012")
    assert (cell.value, cell.text, cell.kind) == ("R-000012", "R-000012", "text")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cell.text = "R-000013"  # type: ignore[misc]
