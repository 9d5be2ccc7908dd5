"""Full card numbers (PANs) are never stored: find them in free text and refuse or mask them."""

from __future__ import annotations

import re
import unicodedata

from synergy_desk.domain.errors import ValidationError

# A run of digit groups separated by separators ("4111 1111 1111 1111 123"), read in the
# screen's own copy of the text, where every run of separators has become one space.
_RUN = re.compile(r"[0-9]+(?: [0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
#: What may stand between a card number's digit groups besides spaces and dashes of any kind:
#: dots, commas, slashes and underscores. (Not colons: times of day would join dates.)
_SEPARATOR_MARKS = frozenset(".,/\\_\u2212\u00b7\u2022")
# Every payment card number starts with 2 to 6 (Mastercard, Amex/JCB/Diners, Visa, Mastercard
# and Maestro, Discover/UnionPay); phone numbers with an international prefix start with 0.
_CARD_FIRST_DIGITS = "23456"


def luhn_ok(digits: str) -> bool:
    """True when the digits pass the Luhn check that every card number passes."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _is_card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and digits[0] in _CARD_FIRST_DIGITS and luhn_ok(digits)


def _is_separator(ch: str) -> bool:
    return (ch.isspace() or ch in _SEPARATOR_MARKS
            or unicodedata.category(ch) in ("Pd", "Cc"))


def _screen_copy(text: str) -> tuple[str, list[int]]:
    """The text as the screen reads it, and where each of its characters came from.

    Each character is NFKC-normalised (full-width digits become digits, no-break spaces
    spaces), format characters (zero-width spaces and joiners, byte-order marks) are left
    out, and every run of separators becomes one space, so "4111\u00a0–\u200b1111" reads as
    "4111 1111".
    """
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        if unicodedata.category(ch) == "Cf":
            continue
        for piece in unicodedata.normalize("NFKC", ch):
            if unicodedata.category(piece) == "Cf":
                continue
            if piece.isdecimal():  # a digit of any script reads as the digit it is
                piece = str(unicodedata.decimal(piece))
            elif _is_separator(piece):
                if chars and chars[-1] == " ":
                    continue
                piece = " "
            chars.append(piece)
            origin.append(index)
    return "".join(chars), origin


def _find(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of every full card number in ``text``, spans in ``text`` itself."""
    copy, origin = _screen_copy(text or "")
    return [(origin[start], origin[end - 1] + 1, re.sub(r"[^0-9]", "", copy[start:end]))
            for start, end in _find_in_copy(copy)]


def find_card_numbers(text: str) -> list[tuple[int, int]]:
    """Spans of text that look like full card numbers (13–19 digits passing Luhn).

    Digit groups may be separated by any run of spaces (no-break and narrow ones too), tabs,
    line breaks, dashes, dots, commas, slashes or underscores, with zero-width characters
    anywhere: the screen reads a normalised copy of the text (see ``_screen_copy``).
    """
    return [(start, end) for start, end, _digits in _find(text)]


def _find_in_copy(text: str) -> list[tuple[int, int]]:
    """Spans of the screen's copy that look like full card numbers (13–19 digits, Luhn).

    A card number is often typed with its expiry date or security code after it, in the same
    run of digit groups, so every stretch of whole groups is tried, not only the whole run.
    (Windows inside one unbroken run of 20 or more digits are not tried: nearly every long
    reference would hold some 16 digits that pass the Luhn check.)
    """
    spans: list[tuple[int, int]] = []
    for run in _RUN.finditer(text or ""):
        groups = [(m.start() + run.start(), m.end() + run.start(), m.group())
                  for m in _GROUP.finditer(run.group())]
        i = 0
        while i < len(groups):
            found = None
            digits = ""
            for j in range(i, len(groups)):
                digits += groups[j][2]
                if len(digits) > 19:
                    break
                if _is_card(digits):
                    found = (groups[i][0], groups[j][1], j)
            if found is not None:
                spans.append((found[0], found[1]))
                i = found[2] + 1
            else:
                i += 1
    return spans


def contains_card_number(text: str) -> bool:
    return bool(find_card_numbers(text))


def mask_card_numbers(text: str) -> str:
    """Replace every full card number with its last four digits, e.g. "•••• 4242"."""
    if not text:
        return text
    out = []
    last = 0
    for start, end, digits in _find(text):
        out.append(text[last:start])
        out.append(f"[card •••• {digits[-4:]}]")
        last = end
    out.append(text[last:])
    return "".join(out)


def refuse_card_numbers(text: str | None, field: str) -> str:
    """Return the text unchanged, or refuse it if it holds a full card number."""
    if text and contains_card_number(text):
        raise ValidationError(
            f"The {field} looks like it contains a full card number. Card numbers are never "
            "stored: keep only the card brand, the last four digits and the authorisation code.",
            field,
        )
    return text or ""


def validate_last_four(text: str) -> str:
    cleaned = (text or "").strip()
    if not re.fullmatch(r"\d{4}", cleaned):
        raise ValidationError("Give exactly the last four digits of the card.", "card_last4")
    return cleaned
