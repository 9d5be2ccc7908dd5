"""Text in any script as a document draws it: right-to-left text in visual order, Arabic
joined, and a visible "�" for a character no embedded font has.

ReportLab draws the characters of a string one after another, left to right, each in its
isolated form. So "שלום עולם" would print reversed and "مرحبا" as separate, unjoined letters;
and a character the font lacks (most emoji) would print as an empty box. ``printable`` turns a
line of text into what should be drawn: Arabic letters replaced by their joined presentation
forms (arabic-reshaper), each line put in visual order by the Unicode bidirectional algorithm
(python-bidi), and every character the fonts cannot draw replaced by U+FFFD, so nothing
disappears unseen. Text with neither right-to-left letters nor missing characters is returned
as it is.

A paragraph that wraps is put in visual order as a whole before ReportLab breaks it into lines,
so a right-to-left text longer than one line reads its lines from the bottom up; the names,
subjects and addresses documents print fit on a line.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from synergy_desk.documents.fonts import SANS, SANS_BOLD, register_fonts

#: What prints in place of a character no embedded font has.
REPLACEMENT = "\ufffd"

_RTL_CLASSES = frozenset({"R", "AL", "RLE", "RLO", "RLI"})
_ZWJ = "\u200d"
# Invisible characters that belong to the character before them: variation selectors, emoji
# skin-tone modifiers and tag characters (flags of regions).
_JOINED = (range(0xFE00, 0xFE10), range(0x1F3FB, 0x1F400), range(0xE0020, 0xE0080),
           range(0xE0100, 0xE01F0))
_REGIONAL = range(0x1F1E6, 0x1F200)
_KEPT = frozenset("\n\r\t")
# The ligatures every Arabic text needs (lam with alef) and the one common word that has one.
_LIGATURES = ("ARABIC LIGATURE ALLAH", "ARABIC LIGATURE LAM WITH ALEF",
              "ARABIC LIGATURE LAM WITH ALEF WITH HAMZA ABOVE",
              "ARABIC LIGATURE LAM WITH ALEF WITH HAMZA BELOW",
              "ARABIC LIGATURE LAM WITH ALEF WITH MADDA ABOVE")


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """The code points both faces of the documents' font can draw."""
    register_fonts()
    from reportlab.pdfbase import pdfmetrics

    regular = pdfmetrics.getFont(SANS).face.charToGlyph
    bold = pdfmetrics.getFont(SANS_BOLD).face.charToGlyph
    return frozenset(regular) & frozenset(bold)


@lru_cache(maxsize=1)
def _reshaper() -> Any:
    from arabic_reshaper import ArabicReshaper
    from arabic_reshaper.ligatures import LIGATURES

    have = covered()
    config: dict[str, bool] = {"delete_harakat": False, "shift_harakat_position": True,
                               "support_ligatures": True}
    for name, (_match, forms) in LIGATURES:
        drawable = all(ord(ch) in have for form in forms for ch in form)
        config[name] = name in _LIGATURES and drawable
    return ArabicReshaper(configuration=config)


def _is_joined(code: int) -> bool:
    return any(code in block for block in _JOINED)


def _visual(line: str) -> str:
    from bidi import get_display

    shaped = _reshaper().reshape(line) if any(
        unicodedata.bidirectional(ch) == "AL" for ch in line) else line
    visual: str = get_display(shaped)
    return visual


def _drawable(text: str) -> str:
    have = covered()
    out: list[str] = []
    after_replacement = False  # the character before was replaced: its joiners go with it
    after_zwj = False
    flag_half = False  # a flag is two regional indicator letters: one picture, one "�"
    for ch in text:
        code = ord(ch)
        regional = code in _REGIONAL
        if after_replacement and (_is_joined(code) or ch == _ZWJ or (regional and flag_half)):
            after_zwj = ch == _ZWJ
            flag_half = False
        elif after_zwj:
            after_zwj = False  # the next part of one emoji ("👨‍👩‍👧" is one picture)
        elif code in have or ch in _KEPT:
            out.append(ch)
            after_replacement = False
        elif unicodedata.category(ch) == "Cf" or _is_joined(code):
            continue  # an invisible character the fonts lack: it never had a form to show
        else:
            out.append(REPLACEMENT)
            after_replacement = True
            flag_half = regional
    return "".join(out)


def _needs_work(text: str, have: frozenset[int]) -> bool:
    return any(ord(ch) not in have and ch not in _KEPT
               or unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


def printable(text: str) -> str:
    """The text as a document should draw it: each line in visual order with Arabic joined,
    and "�" for each character (or emoji) the fonts cannot draw.

    Line breaks are kept; text in Latin, Greek or Cyrillic comes back unchanged.
    """
    if not text or not _needs_work(text, covered()):
        return text
    lines = text.split("\n")
    return "\n".join(_drawable(_visual(line)) if line else line for line in lines)
