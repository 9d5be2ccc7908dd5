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
    for colour in (palette.PAPER, palette.PAPER_TEXT, palette.CHART_INK, palette.CHART_BAR,
                   *palette.CHART_SERIES):
        assert colour.dark is None


def test_text_on_paper_reads_in_both_schemes() -> None:
    """The logo preview is white paper in a dark window too: its text is not the window's."""
    assert contrast(palette.PAPER_TEXT.light, palette.PAPER.light) >= 4.5
    assert contrast(palette.CHART_INK.light, palette.PAPER.light) >= 4.5
    assert contrast(palette.CHART_MUTED.light, palette.PAPER.light) >= 4.5


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


#: A colour written out some other way: a Qt colour constant (transparent is no colour), a
#: QColor made from numbers or a name, rgb(), or a colour named in a style sheet.
NAMED = ("white|black|red|green|blue|yellow|gray|grey|orange|purple|pink|brown|navy|maroon"
         "|silver|teal|olive|lime|aqua|fuchsia|cyan|magenta|darkgray|lightgray|darkred")
OTHER_COLOUR = re.compile(
    r"Qt\.GlobalColor\.(?!transparent\b)\w+"
    r"|Qt\.(?:" + NAMED + r")\b"
    r"|QColor\(\s*(?:\d|[\"'])"
    r"|\brgba?\("
    r"|(?:color|background(?:-color)?|border(?:-\w+)?)\s*:[^;\"']*\b(?:" + NAMED + r")\b",
    re.IGNORECASE)


def test_no_colour_is_written_out_another_way_in_the_window() -> None:
    files = sorted((PACKAGE / "ui").rglob("*.py")) + [PACKAGE / "app.py"]
    found = {}
    for path in files:
        name = path.relative_to(PACKAGE).as_posix()
        if name in COLOURS_ALLOWED:
            continue
        lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if OTHER_COLOUR.search(line)]
        if lines:
            found[name] = lines
    assert found == {}, "Name the colour's role in synergy_desk/ui/palette.py"


@pytest.mark.parametrize("line, found", [
    ("item.setForeground(column, Qt.GlobalColor.gray)", True),
    ("painter.fillRect(target, Qt.GlobalColor.white)", True),
    ("painter.setPen(QColor(0, 0, 0, 0))", True),
    ("QColor('red')", True),
    ('label.setStyleSheet("color: red; font-weight: 600")', True),
    ('widget.setStyleSheet("background-color:rgb(255, 0, 0)")', True),
    ('painter.setPen(Qt.GlobalColor.transparent)', False),
    ('"QLineEdit { background: transparent; border: none; }"', False),
    ("QColor(shade)", False),
    ('"The caller\'s name is Black"', False),
])
def test_a_colour_written_out_another_way_is_noticed(line: str, found: bool) -> None:
    assert bool(OTHER_COLOUR.search(line)) is found


def _roles() -> dict[str, palette.Colour]:
    named: dict[str, palette.Colour] = {}
    for name in palette.__all__:
        value = getattr(palette, name)
        if isinstance(value, palette.Colour):
            named[name] = value
        elif isinstance(value, palette.Tone):
            named[f"{name}.text"], named[f"{name}.background"] = value.text, value.background
        elif isinstance(value, tuple):
            named.update((f"{name}[{i}]", c) for i, c in enumerate(value))
    return named


def test_each_shade_belongs_to_one_scheme_so_an_open_window_can_be_recoloured() -> None:
    """Re-colouring swaps one scheme's shades for the other's: a shade must say which role
    and scheme it is (paper-white is never mistaken for the page a report is read on)."""
    light_to_dark: dict[str, str] = {}
    fixed: set[str] = set()
    dark: set[str] = set()
    for colour in _roles().values():
        if colour.dark is None:
            fixed.add(colour.light.lower())
            continue
        assert light_to_dark.setdefault(colour.light.lower(), colour.dark.lower()) \
            == colour.dark.lower(), colour
        dark.add(colour.dark.lower())
    assert not fixed & set(light_to_dark), fixed & set(light_to_dark)
    assert not fixed & dark and not dark & set(light_to_dark)
    assert len(set(light_to_dark.values())) == len(light_to_dark)


def _grounds(qapp: QApplication, dark: bool) -> list[str]:
    """The backgrounds text is drawn on in a scheme: the window, the boxes and lists, and
    their alternate rows."""
    colours = palette.desktop_palette(dark)
    return [colours.color(role).name() for role in (
        QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase,
        QPalette.ColorRole.Button)]


@pytest.mark.parametrize("name", TEXT)
def test_text_reads_on_every_background_of_each_scheme(qapp: QApplication, name: str) -> None:
    colour = getattr(palette, name)
    for ground in _grounds(qapp, dark=False):
        assert contrast(colour.light, ground) >= 4.5, (colour.light, ground)
    for ground in _grounds(qapp, dark=True):
        assert contrast(colour.dark, ground) >= 4.5, (colour.dark, ground)


@pytest.mark.parametrize("status", list(IncidentStatus) + list(FundingKind))
def test_every_status_and_funding_reads_in_both_schemes(status: Any) -> None:
    tone = (formatting.STATUS_COLOURS.get(status) if isinstance(status, IncidentStatus)
            else formatting.FUNDING_COLOURS[status])
    assert tone is not None and tone.text.dark and tone.background.dark
    assert contrast(tone.text.light, tone.background.light) >= 4.5
    assert contrast(tone.text.dark, tone.background.dark) >= 4.5


def test_the_windows_own_dark_reads(qapp: QApplication) -> None:
    """The dark the window takes on a desktop that cannot show dark itself."""
    dark = palette.desktop_palette(True)
    role = QPalette.ColorRole

    def on(text: QPalette.ColorRole, ground: QPalette.ColorRole,
           group: QPalette.ColorGroup = QPalette.ColorGroup.Active) -> float:
        return contrast(dark.color(group, text).name(), dark.color(group, ground).name())

    assert dark.color(role.Window).lightness() < 64
    for text, ground in ((role.WindowText, role.Window), (role.Text, role.Base),
                         (role.Text, role.AlternateBase), (role.ButtonText, role.Button),
                         (role.HighlightedText, role.Highlight), (role.ToolTipText,
                                                                 role.ToolTipBase),
                         (role.PlaceholderText, role.Base), (role.Link, role.Base)):
        assert on(text, ground) >= 4.5, (text, ground)
    disabled = QPalette.ColorGroup.Disabled
    assert on(role.Text, role.Base, disabled) >= 3
    assert on(role.WindowText, role.Window, disabled) >= 3


@pytest.mark.parametrize("line, found", [
    ('label.setStyleSheet("color:#a61b1b;")', True),
    ("QColor('#fff')", True),
    ('f"<span style=\'color:#555\'>"', True),
    ('label.setStyleSheet(palette.ERROR.text_style())', False),
    ('"Ring extension #12 first"', False),
])
def test_a_written_out_colour_is_noticed(line: str, found: bool) -> None:
    assert bool(HEX.search(line)) is found
