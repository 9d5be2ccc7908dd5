"""Bank details as the bank prints them, and payment references with a check character."""

from __future__ import annotations

import pytest

from synergy_desk.domain.bank import (
    clean_account_number,
    clean_bic,
    clean_iban,
    clean_sort_code,
    find_reference,
    payment_reference,
)
from synergy_desk.domain.errors import ValidationError


@pytest.mark.parametrize("typed", ["200000", "20-00-00", "20 00 00", " 20–00–00 "])
def test_a_sort_code_is_six_digits_however_typed(typed: str) -> None:
    assert clean_sort_code(typed) == "20-00-00"


@pytest.mark.parametrize("clean, bad", [
    (clean_sort_code, "20-00-0"), (clean_sort_code, "ab-cd-ef"),
    (clean_account_number, "1234567"), (clean_account_number, "123456789"),
    (clean_iban, "GB33BUKB20201555555556"), (clean_iban, "GB33BUKB2020155555555"),
    (clean_bic, "BUKB"), (clean_bic, "BUKBGB2"),
])
def test_wrong_bank_details_are_refused(clean: object, bad: str) -> None:
    with pytest.raises(ValidationError):
        clean(bad)  # type: ignore[operator]


def test_iban_and_bic_are_kept_as_printed() -> None:
    assert clean_iban("gb33 bukb 2020 1555 5555 55") == "GB33 BUKB 2020 1555 5555 55"
    assert clean_bic("bukbgb22") == "BUKBGB22"
    assert clean_account_number("5577 9911") == "55779911"
    assert clean_sort_code("") == clean_iban("") == clean_bic("") == ""


def test_every_reference_reads_back_with_its_check_character() -> None:
    for number in (1, 9, 12, 123, 999_999, 1_234_567):
        reference = payment_reference(number)
        assert len(reference) <= 18  # what a UK banking app takes
        for typed in (reference, reference.lower(), reference.replace("-", " "),
                      reference.replace("-", ""), f"ACME LTD {reference} THANKS"):
            found = find_reference(typed)
            assert found is not None and found.number == number and found.check_ok, typed


def test_one_wrong_character_or_two_swapped_is_caught() -> None:
    reference = payment_reference(123)  # "PR123-F"
    check = reference[-1]
    for wrong in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if wrong != check:
            found = find_reference(reference[:-1] + wrong)
            assert found is not None and not found.check_ok
    swapped = find_reference(f"PR132-{check}")
    assert swapped is not None and not swapped.check_ok
    changed = find_reference(f"PR124-{check}")
    assert changed is not None and not changed.check_ok


def test_a_reference_without_its_check_character_is_read_as_such() -> None:
    found = find_reference("BGC ACME PR123 THANKS")
    assert found is not None and (found.number, found.check, found.check_ok) == (123, "", False)
    assert find_reference("Invoice 123") is None
    assert find_reference("XPR123-F") is None  # part of another word
