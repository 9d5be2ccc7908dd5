"""Card numbers: Luhn, finding full card numbers in free text, masking and refusing them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergy_desk.domain.cards import (
    contains_card_number,
    luhn_ok,
    mask_card_numbers,
    refuse_card_numbers,
    validate_last_four,
)
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.money import format_pence

# Test numbers the card schemes publish: Visa, Visa (13), Mastercard, Amex (15), Discover,
# JCB, Diners (14), Maestro (19).
KNOWN_CARDS = [
    "4111111111111111", "4222222222222", "5555555555554444", "378282246310005",
    "6011111111111117", "3530111333300000", "30569309025904", "6759649826438453",
]


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass Luhn."""
    for digit in "0123456789":
        if luhn_ok(payload + digit):
            return digit
    raise AssertionError("unreachable: one digit always completes a Luhn number")


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    """A full card number (13 to 19 digits passing Luhn, starting 1-9 as every card does)."""
    length = draw(st.integers(13, 19))
    first = draw(st.sampled_from("3456"))
    payload = first + draw(st.text("0123456789", min_size=length - 2, max_size=length - 2))
    return payload + luhn_check_digit(payload)


@st.composite
def typed_card_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(the number as typed, with spaces or dashes between groups, its digits)."""
    digits = draw(card_numbers())
    sep = draw(st.sampled_from([" ", "-", ""]))
    size = draw(st.sampled_from([4, 5, 6]))
    groups = [digits[i:i + size] for i in range(0, len(digits), size)]
    return sep.join(groups), digits


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz .,:;!?", max_size=30)


# --- Luhn ----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", KNOWN_CARDS + ["79927398713"])
def test_published_numbers_pass_luhn(number: str) -> None:
    assert luhn_ok(number)


@pytest.mark.parametrize("number", ["4111111111111112", "79927398710", "1234567812345678"])
def test_wrong_check_digits_fail_luhn(number: str) -> None:
    assert not luhn_ok(number)


@given(card_numbers(), st.data())
def test_luhn_catches_any_single_wrong_digit(number: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    assert luhn_ok(number)
    assert not luhn_ok(number[:position] + wrong + number[position + 1:])


# --- finding and masking -------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "4111 1111 1111 1111",
    "card 4111-1111-1111-1111 declined",
    "Amex 3782 822463 10005 ok",
    "paid with 5555555555554444.",
    "(6011 1111 1111 1117)",
])
def test_full_card_numbers_are_found(text: str) -> None:
    assert contains_card_number(text)


@given(typed_card_numbers(), _WORDS, _WORDS)
def test_a_card_number_in_any_text_is_found_and_masked(card: tuple[str, str], before: str,
                                                       after: str) -> None:
    typed, digits = card
    text = f"{before} {typed} {after}"
    assert contains_card_number(text)
    masked = mask_card_numbers(text)
    assert f"[card •••• {digits[-4:]}]" in masked
    assert not contains_card_number(masked)
    assert digits not in re.sub(r"\D", "", masked)
    assert masked.startswith(before) and masked.endswith(after)


def test_masking_keeps_everything_else() -> None:
    text = "Visa 4111 1111 1111 1111 and MC 5555-5555-5555-4444, auth 123456"
    assert mask_card_numbers(text) == (
        "Visa [card •••• 1111] and MC [card •••• 4444], auth 123456")
    assert mask_card_numbers("") == ""
    assert mask_card_numbers("nothing here") == "nothing here"


def test_refusing_names_the_field() -> None:
    with pytest.raises(ValidationError, match="card number") as caught:
        refuse_card_numbers("card 4111 1111 1111 1111", "payment reference")
    assert caught.value.field == "payment reference"
    assert refuse_card_numbers("last four 1111", "notes") == "last four 1111"
    assert refuse_card_numbers(None, "notes") == ""


# --- what is not a card number -------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "1234",
    "card ending 4242",
    "2024-01-31",
    "31/01/2024 10:45",
    "31.01.2024",
    "01632 960123",
    "+44 1632 960123",
    "07700 900123 or 0113 496 0000",
    "£1,075.50",
    "1075.50",
    "receipt R-000123 for INC-000123",
    "sort code 12-34-56 account 12345678",
    "auth code 123456",
    "4111111111111112",          # 16 digits but not a card: fails Luhn
    "411111111111",              # too short to be a card
    "41111111111111111111",      # too long to be a card
])
def test_other_numbers_are_not_flagged(text: str) -> None:
    assert not contains_card_number(text)
    assert mask_card_numbers(text) == text
    assert refuse_card_numbers(text, "notes") == text


@given(st.integers(0, 10**12))
def test_amounts_are_not_flagged(pence: int) -> None:
    for text in (format_pence(pence), format_pence(pence, symbol=False),
                 f"{pence / 100:.2f}"):
        assert not contains_card_number(f"paid {text} today")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_dates_are_not_flagged(day: dt.date) -> None:
    for text in (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"),
                 day.strftime("%Y%m%d"), day.strftime("%d %B %Y")):
        assert not contains_card_number(f"due {text}")


@given(st.text("0123456789", min_size=10, max_size=10), st.sampled_from(
    ["0{} {}", "+44 {} {}", "(0{}) {}", "+44 ({}) {}", "0{}-{}"]))
def test_gb_phone_numbers_are_not_flagged(digits: str, shape: str) -> None:
    text = shape.format(digits[:4], digits[4:])
    assert not contains_card_number(f"ring {text} after 2pm")


@given(st.text("0123456789", min_size=1, max_size=4))
def test_a_few_digits_are_never_a_card(digits: str) -> None:
    assert not contains_card_number(digits)
    assert validate_last_four(digits.zfill(4)) == digits.zfill(4)


@pytest.mark.parametrize("text", ["123", "12345", "12a4", "", "4 242"])
def test_last_four_must_be_four_digits(text: str) -> None:
    with pytest.raises(ValidationError):
        validate_last_four(text)


# --- card numbers hidden among other digits ---------------------------------------------------


@pytest.mark.parametrize("text", [
    "4111 1111 1111 1111 123",
    "card 4111 1111 1111 1111 12/26",
    "5555 5555 5555 4444 123 exp 03/27",
    "6011 1111 1111 1117 12 26",
])
def test_card_number_followed_by_cvv_or_expiry_is_found(text: str) -> None:
    assert contains_card_number(text)


def test_international_dialling_prefix_is_not_a_card() -> None:
    assert not contains_card_number("ring 0044 1632 960 106")


# --- card numbers typed with any separator ----------------------------------------------------

#: What people put between a card number's digit groups, or what copying it brings along.
SEPARATORS = ["  ", "\u00a0", "\u202f", "\u2013", "\u2014", ".", "/", "\t", "\n", "\r\n", "_",
              ",", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", " - ", ". ", "\u200b "]


@st.composite
def oddly_typed_card_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(a card number with any separators from SEPARATORS between any of its digits, digits)."""
    digits = draw(card_numbers())
    out = []
    for i, digit in enumerate(digits):
        if i and draw(st.booleans()):
            out.append(draw(st.sampled_from(SEPARATORS)))
        out.append(digit)
    if draw(st.booleans()):  # full-width digits, as a Japanese keyboard types them
        out = [chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() and draw(st.booleans()) else c
               for c in out]
    return "".join(out), digits


@pytest.mark.parametrize("sep", SEPARATORS)
def test_card_numbers_with_other_separators_are_found(sep: str) -> None:
    text = f"card {sep.join(['4111', '1111', '1111', '1111'])} thanks"
    assert contains_card_number(text)
    assert mask_card_numbers(text) == "card [card •••• 1111] thanks"
    with pytest.raises(ValidationError, match="card number"):
        refuse_card_numbers(text, "notes")


@given(oddly_typed_card_numbers(), _WORDS, _WORDS)
def test_a_card_number_with_any_separators_is_found_and_masked(
        card: tuple[str, str], before: str, after: str) -> None:
    typed, digits = card
    text = f"{before} {typed} {after}"
    assert contains_card_number(text)
    masked = mask_card_numbers(text)
    assert f"[card •••• {digits[-4:]}]" in masked
    assert not contains_card_number(masked)
    assert masked.startswith(before) and masked.endswith(after)
