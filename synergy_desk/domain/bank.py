"""Bank details and payment references: what a customer types into a banking app.

The office's account is given as a UK sort code and account number and, for payers abroad,
an IBAN and BIC (checked with ``schwifty``). Each payment request carries a short reference
such as ``PR123-F``: the request's number and one check character (ISO 7064 MOD 37-36, from
``python-stdnum``), so a reference mistyped by one character, or with two neighbours swapped,
is caught instead of being matched to somebody else's request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synergy_desk.domain.errors import ValidationError

__all__ = ["BankDetails", "clean_sort_code", "clean_account_number", "clean_iban", "clean_bic",
           "payment_reference", "ReferenceFound", "find_reference", "REFERENCE_PREFIX"]

REFERENCE_PREFIX = "PR"
_SORT_CODE = re.compile(r"\d{6}")
_ACCOUNT_NUMBER = re.compile(r"\d{8}")
_SEPARATORS = re.compile(r"[\s\-–—.]+")  # what people type between groups of digits
# "PR123-F", "pr 123 f", "PR123F", "PR-000123": the letters, the number, and perhaps a check
# character set apart by a space or dash (or straight after the number when it is a letter).
_REFERENCE = re.compile(
    r"(?<![0-9A-Z])PR[\s\-/.]*(\d{1,9})(?:[\s\-/.]*([0-9A-Z]))?(?![0-9A-Z])")


@dataclass(frozen=True)
class BankDetails:
    """Where a customer sends a transfer: as a payment request prints it."""

    account_name: str
    sort_code: str  # "20-00-00"
    account_number: str  # "55779911"
    iban: str = ""  # "GB33 BUKB 2020 1555 5555 55", grouped in fours
    bic: str = ""

    @property
    def is_complete(self) -> bool:
        """Enough for a payer in the UK: the account's name, sort code and number."""
        return bool(self.account_name and self.sort_code and self.account_number)


def clean_sort_code(text: str) -> str:
    """A sort code as printed ("20-00-00") from "200000", "20 00 00" or "20-00-00".

    Raises:
        ValidationError: not six digits.
    """
    digits = _SEPARATORS.sub("", text or "")
    if not digits:
        return ""
    if not _SORT_CODE.fullmatch(digits):
        raise ValidationError("A sort code is six digits, such as 20-00-00.", "bank_sort_code")
    return f"{digits[:2]}-{digits[2:4]}-{digits[4:]}"


def clean_account_number(text: str) -> str:
    """A UK account number: eight digits.

    Raises:
        ValidationError: not eight digits.
    """
    digits = _SEPARATORS.sub("", text or "")
    if not digits:
        return ""
    if not _ACCOUNT_NUMBER.fullmatch(digits):
        raise ValidationError("An account number is eight digits.", "bank_account_number")
    return digits


def clean_iban(text: str) -> str:
    """An IBAN grouped in fours as printed, its country's length and check digits checked.

    Raises:
        ValidationError: not a valid IBAN.
    """
    compact = _SEPARATORS.sub("", text or "").upper()
    if not compact:
        return ""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        return str(IBAN(compact).formatted)
    except SchwiftyException as exc:
        raise ValidationError(f"“{text.strip()}” is not a valid IBAN ({exc}).",
                              "bank_iban") from None


def clean_bic(text: str) -> str:
    """A BIC (SWIFT code) of 8 or 11 characters.

    Raises:
        ValidationError: not a valid BIC.
    """
    compact = _SEPARATORS.sub("", text or "").upper()
    if not compact:
        return ""
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        return str(BIC(compact))
    except SchwiftyException as exc:
        raise ValidationError(f"“{text.strip()}” is not a valid BIC ({exc}).",
                              "bank_bic") from None


def payment_reference(number: int) -> str:
    """The reference a payer types for request ``number``: "PR123-F"."""
    from stdnum.iso7064 import mod_37_36

    digits = str(int(number))
    return f"{REFERENCE_PREFIX}{digits}-{mod_37_36.calc_check_digit(digits)}"


@dataclass(frozen=True)
class ReferenceFound:
    """A payment reference read from a bank statement's text."""

    number: int
    check: str  # "" when the payer left the check character out
    text: str  # as it stood in the statement

    @property
    def check_ok(self) -> bool:
        from stdnum.iso7064 import mod_37_36

        return bool(self.check) and mod_37_36.is_valid(f"{self.number}{self.check}")

    def checked_reading(self) -> ReferenceFound | None:
        """A reference read without a check character may be one whose check character is a
        digit, typed straight after the number ("PR389" for PR38-9): that reading, when its
        last digit checks, else None."""
        from stdnum.iso7064 import mod_37_36

        digits = str(self.number)
        if self.check or len(digits) < 2 or not mod_37_36.is_valid(digits):
            return None
        return ReferenceFound(int(digits[:-1]), digits[-1], self.text)


def find_reference(text: str) -> ReferenceFound | None:
    """The first payment reference in a statement line's text, in any case and spacing
    ("pr 123 f", "PR123F", "Ref PR123-F thanks"), or None.

    A digit straight after the number, with nothing between, is read as part of the number;
    such a reference counts as given without its check character.
    """
    upper = (text or "").upper()
    match = _REFERENCE.search(upper)
    if match is None:
        return None
    number = int(match.group(1))
    return ReferenceFound(number, match.group(2) or "", match.group(0).strip())
