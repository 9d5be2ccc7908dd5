"""Stored text: control characters dropped, broken characters refused, card numbers screened."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.text import masked_text, sanitised, screened_text


def test_control_characters_are_dropped_tabs_and_line_breaks_kept() -> None:
    assert sanitised("a\x00b\x07c\x1bd\x7fe\x85f", "notes") == "abcdef"
    assert sanitised("one\r\ntwo\rthree\n\tfour", "notes") == "one\ntwo\nthree\n\tfour"
    assert sanitised(None, "notes") == ""
    assert sanitised("café – ½ 😀 👩‍💻", "notes") == "café – ½ 😀 👩‍💻"


def test_a_lone_surrogate_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        sanitised("bad \ud800 text", "description")
    assert caught.value.field == "description"
    assert "description" in caught.value.message
    assert "\ud800" not in caught.value.message
    assert "Nothing was" in caught.value.message


@given(st.text())
def test_sanitised_text_can_always_be_encoded_and_has_no_controls(text: str) -> None:
    try:
        clean = sanitised(text, "notes")
    except ValidationError:
        assert any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
        return
    clean.encode("utf-8")
    assert "\x00" not in clean and "\r" not in clean
    assert all(ch in "\t\n" or ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F for ch in clean)


def test_screened_text_refuses_card_numbers_even_split_by_controls() -> None:
    with pytest.raises(ValidationError, match="card number") as caught:
        screened_text("pay 4111\x001111\u200b1111\u00a01111", "subject")
    assert caught.value.field == "subject"
    assert screened_text("  plain\x00 words \r\n", "subject") == "plain words"


def test_masked_text_masks_and_says_so() -> None:
    assert masked_text("card 4111–1111–1111–1111\x00", "note") == (
        "card [card •••• 1111]", True)
    assert masked_text("nothing", "note") == ("nothing", False)
