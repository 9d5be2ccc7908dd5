"""Full card numbers (PANs) are never stored: find them in free text and refuse or mask them."""

from __future__ import annotations

import re

from synergy_desk.domain.errors import ValidationError

# 13 to 19 digits, optionally separated by single spaces or dashes.
_CANDIDATE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


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


def find_card_numbers(text: str) -> list[tuple[int, int]]:
    """Spans of text that look like full card numbers (13–19 digits passing Luhn)."""
    spans = []
    for match in _CANDIDATE.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            spans.append((match.start(), match.end()))
    return spans


def contains_card_number(text: str) -> bool:
    return bool(find_card_numbers(text))


def mask_card_numbers(text: str) -> str:
    """Replace every full card number with its last four digits, e.g. "•••• 4242"."""
    if not text:
        return text
    out = []
    last = 0
    for start, end in find_card_numbers(text):
        digits = re.sub(r"\D", "", text[start:end])
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
