"""Money in pence: the strict parser, the formatter and VAT per line (with Hypothesis)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.money import (
    MAX_PENCE,
    decimal_pence,
    format_pence,
    format_rate,
    line_amounts,
    parse_pence,
    parse_rate,
    vat_pence,
)

pence = st.integers(min_value=0, max_value=MAX_PENCE)
rates = st.integers(min_value=0, max_value=10_000)  # 0% to 100% in basis points
nets = st.integers(min_value=-10_000_000, max_value=10_000_000)


@pytest.mark.parametrize(("text", "expected"), [
    ("75", 7500),
    ("75.00", 7500),
    ("£75.00", 7500),
    ("1,075.50", 107550),
    ("75.5", 7550),
    ("£1,075", 107500),
    (" 90.00 ", 9000),
    ("0", 0),
    ("1,000,000.01", 100_000_001),
])
def test_parser_accepts_amounts_as_people_type_them(text: str, expected: int) -> None:
    assert parse_pence(text) == expected


@pytest.mark.parametrize("text", [
    "75.005", "-3", "£-3", "abc", "1,07.50", "1,0750", "12,34", "", "£", "75.", ".50",
    "7 5x", "1.2.3", "££75", "75p", "0x10",
])
def test_parser_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_pence(text)


def test_parser_says_why() -> None:
    with pytest.raises(ValidationError, match="negative"):
        parse_pence("-3")
    with pytest.raises(ValidationError, match="two decimal places"):
        parse_pence("75.005")
    with pytest.raises(ValidationError, match="too large"):
        parse_pence(format_pence(MAX_PENCE + 1))
    with pytest.raises(ValidationError, match="more than nothing"):
        parse_pence("0.00", allow_zero=False)


@given(pence)
@example(0)
@example(MAX_PENCE)
@example(107550)
def test_format_then_parse_gives_the_same_pence(amount: int) -> None:
    assert parse_pence(format_pence(amount)) == amount
    assert parse_pence(format_pence(amount, symbol=False)) == amount
    assert parse_pence(f"{amount // 100}.{amount % 100:02d}") == amount


@given(pence)
def test_formatting_groups_thousands_and_shows_two_decimals(amount: int) -> None:
    text = format_pence(amount)
    assert text.startswith("£")
    whole, decimals = text[1:].split(".")
    assert len(decimals) == 2
    assert all(len(group) == 3 for group in whole.split(",")[1:])
    assert format_pence(-amount) == (f"-{text}" if amount else text)


@given(st.integers(min_value=-MAX_PENCE, max_value=MAX_PENCE))
@example(107550)
@example(-250)
def test_a_plain_decimal_is_the_pounds_a_spreadsheet_reads(amount: int) -> None:
    text = decimal_pence(amount)
    assert Decimal(text) * 100 == amount
    assert "," not in text and "£" not in text and len(text.split(".")[1]) == 2
    assert text == format_pence(amount, symbol=False).replace(",", "")


@given(st.integers(min_value=0, max_value=9_999_999), st.integers(min_value=3, max_value=6),
       st.integers(min_value=0))
def test_more_than_two_decimal_places_is_refused(units: int, places: int, digits: int) -> None:
    decimals = str(digits % 10**places).rjust(places, "0")
    with pytest.raises(ValidationError):
        parse_pence(f"{units}.{decimals}")


@given(pence.filter(lambda p: p > 0))
def test_negative_amounts_are_refused(amount: int) -> None:
    with pytest.raises(ValidationError):
        parse_pence("-" + format_pence(amount, symbol=False))


@given(st.text(max_size=20))
def test_the_parser_only_ever_answers_with_pence_or_a_validation_error(text: str) -> None:
    try:
        value = parse_pence(text)
    except ValidationError:
        return
    assert isinstance(value, int) and 0 <= value <= MAX_PENCE


@given(nets, rates)
@example(7503, 2000)  # 1500.6 -> 1501
@example(2, 2500)  # 0.5 -> 1 (half rounds up)
@example(-2, 2500)  # and mirrors on a credit note
def test_vat_is_rounded_half_up_to_the_penny(net: int, rate: int) -> None:
    exact = Decimal(abs(net)) * rate / 10_000
    expected = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert vat_pence(net, rate) == (expected if net >= 0 else -expected)


@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10_000_000), rates),
                min_size=1, max_size=20))
def test_every_line_and_the_total_have_gross_equal_net_plus_vat(
        lines: list[tuple[int, int]]) -> None:
    amounts = [line_amounts(net, rate) for net, rate in lines]
    for (net, rate), a in zip(lines, amounts, strict=True):
        assert a.net_pence == net and a.vat_rate_bp == rate
        assert a.vat_pence == vat_pence(net, rate)
        assert a.gross_pence == a.net_pence + a.vat_pence
    total_net = sum(a.net_pence for a in amounts)
    total_vat = sum(a.vat_pence for a in amounts)
    assert sum(a.gross_pence for a in amounts) == total_net + total_vat


def test_vat_per_line_can_differ_from_vat_on_the_total() -> None:
    two = [line_amounts(7503, 2000), line_amounts(7503, 2000)]
    assert sum(a.vat_pence for a in two) == 3002
    assert vat_pence(2 * 7503, 2000) == 3001  # which is why VAT is computed once per line


def test_a_negative_vat_rate_is_refused() -> None:
    with pytest.raises(ValidationError):
        vat_pence(100, -1)


@given(st.integers(min_value=0, max_value=9999))
def test_vat_rates_format_and_parse_back(rate: int) -> None:
    assert parse_rate(format_rate(rate)) == rate


@pytest.mark.parametrize(("rate", "text"), [(2000, "20%"), (1750, "17.5%"), (500, "5%"),
                                            (0, "0%"), (1234, "12.34%")])
def test_vat_rates_read_as_people_write_them(rate: int, text: str) -> None:
    assert format_rate(rate) == text


def test_a_spreadsheet_amount_is_a_plain_decimal() -> None:
    assert decimal_pence(107550) == "1075.50"
    assert decimal_pence(0) == "0.00"
    assert decimal_pence(-250) == "-2.50"
