"""Document numbers print one way and read back however a person types them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.numbers import (
    ACCOUNT_CODE,
    CREDIT_NOTE,
    INCIDENT,
    RECEIPT,
    account_code,
    credit_note_text,
    incident_reference,
    receipt_text,
)


@pytest.mark.parametrize(("text", "expected"), [
    (receipt_text(12), "R-000012"),
    (credit_note_text(3), "CN-000003"),
    (incident_reference(42), "INC-000042"),
    (account_code(7), "C000007"),
    (receipt_text(1_234_567), "R-1234567"),
])
def test_numbers_print_with_their_prefix_and_six_digits(text: str, expected: str) -> None:
    assert text == expected


@pytest.mark.parametrize(("numbering", "typed", "number"), [
    (RECEIPT, "R-000012", 12),
    (RECEIPT, "r-12", 12),
    (RECEIPT, "R12", 12),
    (RECEIPT, " 12 ", 12),
    (CREDIT_NOTE, "cn-3", 3),
    (CREDIT_NOTE, "CN000003", 3),
    (INCIDENT, "inc-42", 42),
    (ACCOUNT_CODE, "c 42", 42),
])
def test_a_typed_number_is_read_in_any_case_with_or_without_dash_and_zeros(
        numbering, typed: str, number: int) -> None:
    assert numbering.parse(typed) == number


@pytest.mark.parametrize(("numbering", "typed"), [
    (RECEIPT, "CN-12"),
    (RECEIPT, "R-"),
    (RECEIPT, ""),
    (RECEIPT, "R-12a"),
    (CREDIT_NOTE, "R-3"),
    (INCIDENT, "1234567890"),
])
def test_anything_else_is_refused_with_an_example(numbering, typed: str) -> None:
    with pytest.raises(ValidationError, match=numbering.example()):
        numbering.parse(typed)


def test_an_account_code_can_require_its_letter() -> None:
    assert ACCOUNT_CODE.find("C12", prefix_required=True) == 12
    assert ACCOUNT_CODE.find("12", prefix_required=True) is None
    assert ACCOUNT_CODE.find("12") == 12


def test_a_list_of_numbers_is_shortened_after_ten() -> None:
    assert RECEIPT.list_text([1, 2]) == "R-000001, R-000002"
    text = RECEIPT.list_text(list(range(1, 14)))
    assert text.endswith("R-000010 and 3 more")


@given(st.integers(min_value=0, max_value=999_999_999))
def test_every_printed_number_reads_back(number: int) -> None:
    for numbering in (RECEIPT, CREDIT_NOTE, INCIDENT, ACCOUNT_CODE):
        assert numbering.parse(numbering.text(number)) == number
