"""The window's colours: one place holds them, and each reads on a light and a dark desktop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.ui import formatting, palette

PACKAGE = Path(__file__).resolve().parents[2] / "synergy_desk"
#: Where a colour may be written out.
COLOURS_ALLOWED = {"ui/palette.py"}
HEX = re.compile(r"""["'][^"'\n]*#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b""")

#: The window and base colours each role is read against: a light desktop's, a dark one's.
LIGHT_GROUNDS = ("#ffffff", "#efefef")
DARK_GROUNDS = ("#1e1e1e", "#2d2d2d")
TEXT = ("ERROR", "SUCCESS", "WARNING", "INFO", "ACCENT", "MUTED", "SECONDARY", "NEUTRAL")
TONES = ("ERROR_TONE", "SUCCESS_TONE", "WARNING_TONE", "INFO_TONE", "ACCENT_TONE",
         "NEUTRAL_TONE")


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""

    def luminance(hex_colour: str) -> float:
        colour = QColor(hex_colour)

        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
                + 0.0722 * channel(colour.blueF()))

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", TEXT)
def test_text_reads_on_both_desktops(name: str) -> None:
    colour = getattr(palette, name)
    assert colour.dark is not None
    assert min(contrast(colour.light, ground) for ground in LIGHT_GROUNDS) >= 4.5
    assert min(contrast(colour.dark, ground) for ground in DARK_GROUNDS) >= 4.5


def test_inactive_text_is_quieter_but_still_legible() -> None:
    inactive = palette.INACTIVE
    assert inactive.dark is not None
    assert min(contrast(inactive.light, ground) for ground in LIGHT_GROUNDS) >= 3
    assert min(contrast(inactive.dark, ground) for ground in DARK_GROUNDS) >= 3


@pytest.mark.parametrize("name", TONES)
def test_each_tone_reads_on_its_own_background(name: str) -> None:
    tone = getattr(palette, name)
    assert tone.background.dark is not None and tone.text.dark is not None
    assert contrast(tone.text.light, tone.background.light) >= 4.5
    assert contrast(tone.text.dark, tone.background.dark) >= 4.5


#: Text read on a page of its own (a report), and the grounds it is read on there.
PAGE_TEXT = ("HEADING", "INK", "MUTED", "WARNING", "ERROR")
PAGE_GROUNDS = ("PAGE", "SHADE", "BACKDROP")
#: A hand-painted list's entry: its title and description on each state of the entry.
ENTRY_TEXT = ("HEADING", "INK", "SECONDARY")
ENTRY_GROUNDS = ("PAGE", "SELECTED", "HOVER")


@pytest.mark.parametrize("name", PAGE_TEXT)
def test_text_reads_on_a_page_to_read_in_both_schemes(name: str) -> None:
    colour = getattr(palette, name)
    assert colour.dark is not None
    for ground in (getattr(palette, g) for g in PAGE_GROUNDS):
        assert ground.dark is not None
        assert contrast(colour.light, ground.light) >= 4.5
        assert contrast(colour.dark, ground.dark) >= 4.5


@pytest.mark.parametrize("name", ENTRY_TEXT)
def test_a_chooser_entry_reads_whether_chosen_or_not(name: str) -> None:
    colour = getattr(palette, name)
    for ground in (getattr(palette, g) for g in ENTRY_GROUNDS):
        assert contrast(colour.light, ground.light) >= 4.5
        assert contrast(colour.dark, ground.dark) >= 4.5  # type: ignore[arg-type]


def test_lines_and_frames_have_a_dark_shade() -> None:
    for colour in (palette.RULE, palette.FOCUS, palette.FRAME):
        assert colour.dark is not None and colour.dark != colour.light


def test_every_status_and_funding_has_a_tone() -> None:
    assert set(formatting.STATUS_COLOURS) == set(IncidentStatus)
    assert set(formatting.FUNDING_COLOURS) == set(FundingKind)


def test_paper_colours_are_the_same_on_any_desktop() -> None:
    for colour in (palette.PAPER, palette.CHART_INK, palette.CHART_BAR, *palette.CHART_SERIES):
        assert colour.dark is None


@pytest.fixture
def dark_desktop(qapp: QApplication) -> Iterator[None]:
    """The application's palette as a dark desktop's (offscreen Qt has no colour scheme)."""
    before = qapp.palette()
    qapp.setPalette(QPalette(QColor("#2d2d2d")))
    try:
        yield
    finally:
        qapp.setPalette(before)


def test_the_shade_follows_the_desktop(qapp: Any) -> None:
    assert not palette.is_dark()
    assert palette.ERROR.hex() == "#a61b1b"
    assert palette.ERROR.text_style() == "color:#a61b1b;"
    assert palette.INFO_TONE.style() == "background:#e3eefc; color:#1f4e8c;"


def test_a_dark_desktop_gets_the_dark_shades(dark_desktop: None) -> None:
    assert palette.is_dark()
    assert palette.ERROR.hex() == palette.ERROR.dark
    assert palette.ERROR.qcolor() == QColor(palette.ERROR.dark)
    assert palette.PAPER.hex() == "#ffffff"  # paper stays white


def test_no_colour_is_written_out_anywhere_else_in_the_window() -> None:
    files = sorted((PACKAGE / "ui").rglob("*.py")) + [PACKAGE / "app.py"]
    found = {}
    for path in files:
        name = path.relative_to(PACKAGE).as_posix()
        if name in COLOURS_ALLOWED:
            continue
        lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if HEX.search(line)]
        if lines:
            found[name] = lines
    assert found == {}, "Name the colour's role in synergy_desk/ui/palette.py"


@pytest.mark.parametrize("line, found", [
    ('label.setStyleSheet("color:#a61b1b;")', True),
    ("QColor('#fff')", True),
    ('f"<span style=\'color:#555\'>"', True),
    ('label.setStyleSheet(palette.ERROR.text_style())', False),
    ('"Ring extension #12 first"', False),
])
def test_a_written_out_colour_is_noticed(line: str, found: bool) -> None:
    assert bool(HEX.search(line)) is found
