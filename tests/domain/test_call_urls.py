"""Numbers handed to the desk by a tel: or callto: link, as softphones and web pages write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.phones import is_call_url, number_for_call, number_in_call_url

LONDON = "+442079460000"


@pytest.mark.parametrize("url", [
    "tel:+44 20 7946 0000",
    "tel:+442079460000",
    "TEL:+44-20-7946-0000",
    "tel://+44 20 7946 0000",
    "tel://+442079460000/",
    "callto:+442079460000",
    "callto://+44 20 7946 0000",
    "tel:%2B44%2020%207946%200000",
    "tel:+44.20.7946.0000;ext=123",
    "tel:+44 (0)20 7946 0000",
    "tel:020 7946 0000;phone-context=+44",
    "tel:02079460000?call",
    "  tel:+442079460000  ",
    "tel:00442079460000",
])
def test_a_call_link_gives_the_number_it_dials(url: str) -> None:
    assert is_call_url(url)
    assert number_for_call(url) == LONDON


@pytest.mark.parametrize("typed", ["020 7946 0000", "+44 20 7946 0000", "02079460000"])
def test_a_number_typed_as_it_is_needs_no_link(typed: str) -> None:
    assert not is_call_url(typed)
    assert number_for_call(typed) == LONDON


def test_the_extension_is_left_out_of_the_number() -> None:
    assert number_in_call_url("tel:+44 20 7946 0000;ext=12") == "+44 20 7946 0000"


@pytest.mark.parametrize("text, said", [
    ("tel:", "names no phone number"),
    ("callto://", "names no phone number"),
    ("tel:;ext=1", "names no phone number"),
    ("callto://jane.smith", "is not a phone number"),
    ("tel:12", "not a possible phone number"),
    ("", "No phone number was given"),
    ("tel:+44 20 7946 0000 0000 0000", "too many digits"),
])
def test_a_link_without_a_usable_number_is_refused_in_a_sentence(text: str, said: str) -> None:
    with pytest.raises(ValidationError) as refused:
        number_for_call(text)
    assert said in refused.value.message


@pytest.mark.parametrize("text", ["mailto:x@example.com", "http://tel:1", "+441632960123",
                                  "telephone:+441632960123"])
def test_only_tel_and_callto_are_call_links(text: str) -> None:
    assert not is_call_url(text)
    with pytest.raises(ValidationError):
        number_in_call_url(text)


@given(st.text(max_size=60))
def test_any_text_is_a_number_or_a_sentence_never_a_crash(text: str) -> None:
    for candidate in (text, "tel:" + text, "callto://" + text):
        try:
            result = number_for_call(candidate)
        except ValidationError as exc:
            assert exc.message
        else:
            assert result.startswith("+") and result[1:].isdigit()
