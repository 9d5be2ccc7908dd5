"""Document numbers as people read them: R-000001, CN-000001, INC-000001 and account codes C000001."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from synergy_desk.domain.errors import ValidationError

__all__ = ["NumberFormat", "listed", "RECEIPT", "CREDIT_NOTE", "INCIDENT", "ACCOUNT_CODE",
           "PAYMENT_REQUEST", "receipt_text", "credit_note_text", "payment_request_text", "incident_reference", "account_code"]


@dataclass(frozen=True)
class NumberFormat:
    """How one kind of number is printed and read back.

    A number prints as its prefix and six digits at least ("R-000012"); it is read back from
    the printed form in any case, with or without the dash and the leading zeros ("r-12",
    "R12", "12").
    """

    prefix: str  # "R-"
    what: str  # "receipt"
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        letters = re.escape(self.prefix.rstrip("-"))
        pattern = re.compile(rf"\s*(?:{letters}\s*-?\s*)?0*(\d{{1,9}})\s*", re.IGNORECASE)
        object.__setattr__(self, "_pattern", pattern)

    def text(self, number: int) -> str:
        """The number as printed: ``R-000012``."""
        return f"{self.prefix}{int(number):06d}"

    def example(self) -> str:
        return self.text(12)

    def parse(self, text: str) -> int:
        """The number a person typed ("R-000012", "r12", "12").

        Raises:
            ValidationError: the text is not such a number.
        """
        number = self.find(text)
        if number is None:
            raise ValidationError(
                f"“{(text or '').strip()}” is not a {self.what} number such as "
                f"{self.example()}.")
        return number

    def find(self, text: str, *, prefix_required: bool = False) -> int | None:
        """The number the text names, or None; with ``prefix_required`` the letters must be
        there ("C12" but not "12")."""
        match = self._pattern.fullmatch(text or "")
        if match is None:
            return None
        if prefix_required and not match.group(0).strip()[:1].isalpha():
            return None
        return int(match.group(1))

    def list_text(self, numbers: Sequence[int], shown: int = 10) -> str:
        """Numbers as a sentence lists them: "R-000003, R-000007 and 4 more"."""
        return listed([self.text(n) for n in numbers], shown)


def listed(texts: Sequence[str], shown: int = 10) -> str:
    """Names as a sentence lists them, the first ``shown`` of them: "INC-000003, INC-000007
    and 4 more"."""
    text = ", ".join(texts[:shown])
    if len(texts) > shown:
        text += f" and {len(texts) - shown} more"
    return text


RECEIPT = NumberFormat("R-", "receipt")
CREDIT_NOTE = NumberFormat("CN-", "credit note")
INCIDENT = NumberFormat("INC-", "incident")
ACCOUNT_CODE = NumberFormat("C", "account code")
PAYMENT_REQUEST = NumberFormat("PR-", "payment request")


def receipt_text(number: int) -> str:
    """``R-000012``."""
    return RECEIPT.text(number)


def credit_note_text(number: int) -> str:
    """``CN-000003``."""
    return CREDIT_NOTE.text(number)


def payment_request_text(number: int) -> str:
    """``PR-000007``."""
    return PAYMENT_REQUEST.text(number)


def incident_reference(number: int) -> str:
    """``INC-000042``."""
    return INCIDENT.text(number)


def account_code(number: int) -> str:
    """A customer's account code: ``C000042``."""
    return ACCOUNT_CODE.text(number)
