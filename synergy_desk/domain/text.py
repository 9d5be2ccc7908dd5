"""Text as it is stored: what the database can hold, and never a full card number.

Every service that stores text a person typed (or pasted, or imported) passes it through
``screened_text`` or ``masked_text``: control characters other than tab and line break are
dropped (a CR LF or a lone CR becomes a line break), a broken character (a lone UTF-16
surrogate, which no database can store) is refused naming the field, and a full card number is
refused or masked as ``domain.cards`` does. Anything sent out of the office in words (an
e-mail's subject and body) goes through ``screened_text`` too.
"""

from __future__ import annotations

import unicodedata

from synergy_desk.domain.cards import mask_card_numbers, refuse_card_numbers
from synergy_desk.domain.errors import ValidationError

__all__ = ["sanitised", "screened_text", "masked_text"]


def _label(field: str) -> str:
    return field.replace("_", " ")


def sanitised(value: str | None, field: str, label: str | None = None) -> str:
    """The text with control characters dropped (tab and line break kept, CR LF as LF).

    Raises ValidationError naming ``field`` when the text holds a lone surrogate: a character
    broken in copying, which no database can store and no document can print.
    """
    text = value or ""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise ValidationError(
            f"The {label or _label(field)} holds a broken character (left over from copying "
            "text from another program) that cannot be stored. Type that part again. "
            "Nothing was changed.", field)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def screened_text(value: str | None, field: str, label: str | None = None, *,
                  one_line: bool = False) -> str:
    """The text sanitised and trimmed (on one line, if asked), refused if it holds a card number.

    The card-number refusal names ``label`` (or the field) and is raised for ``field``.
    """
    text = sanitised(value, field, label)
    text = " ".join(text.split()) if one_line else text.strip()
    try:
        return refuse_card_numbers(text, label or _label(field))
    except ValidationError as exc:
        raise ValidationError(exc.message, field) from None


def masked_text(value: str | None, field: str, label: str | None = None) -> tuple[str, bool]:
    """The text sanitised and trimmed, with every full card number masked; says if one was."""
    text = sanitised(value, field, label).strip()
    masked = mask_card_numbers(text)
    return masked, masked != text
