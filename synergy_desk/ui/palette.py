"""The window's colours, named by what they mean; every colour the window paints is here.

Each colour has a shade for a light desktop and one for a dark desktop, chosen to read on
that desktop's own window and base colours; which one applies is asked when the colour is
used (``colour.hex()``), from the desktop's colour scheme. A widget styled when it is built
keeps its shade until it is built again.

Some colours are the same in both schemes on purpose: those painted on paper-white (a
report's chart, drawn as it prints, and the preview of the logo that prints on receipts).

Colours never say something alone: a status, a refusal or a warning is always written out.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette

__all__ = [
    "Colour", "Tone", "is_dark",
    "ERROR", "SUCCESS", "WARNING", "INFO", "ACCENT", "MUTED", "SECONDARY", "INACTIVE",
    "NEUTRAL", "ERROR_TONE", "SUCCESS_TONE", "WARNING_TONE", "INFO_TONE", "ACCENT_TONE",
    "NEUTRAL_TONE", "HIGHLIGHT", "PANEL", "FRAME", "PAPER",
    "PAGE", "BACKDROP", "SHADE", "HEADING", "INK", "SELECTED", "HOVER", "RULE", "FOCUS",
    "CHART_INK", "CHART_MUTED", "CHART_GRID", "CHART_AXIS", "CHART_FRAME", "CHART_BAR",
    "CHART_BAR_HOVER", "CHART_SERIES",
]


def is_dark() -> bool:
    """Whether the desktop shows light text on dark windows."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    scheme = QGuiApplication.styleHints().colorScheme()
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


@dataclass(frozen=True)
class Colour:
    """One colour role: its shade on a light desktop, and on a dark one (None: the same)."""

    light: str
    dark: str | None = None

    def hex(self) -> str:
        """The shade for the desktop's scheme now, as "#rrggbb"."""
        return self.dark if self.dark is not None and is_dark() else self.light

    def qcolor(self) -> QColor:
        return QColor(self.hex())

    def brush(self) -> QBrush:
        return QBrush(self.qcolor())

    def text_style(self) -> str:
        """A style sheet that writes a label's text in this colour."""
        return f"color:{self.hex()};"


@dataclass(frozen=True)
class Tone:
    """Text in a colour on a background of its own: a badge, a banner, a marked cell."""

    text: Colour
    background: Colour

    def style(self) -> str:
        """A style sheet declaration block: the background and the text colour."""
        return f"background:{self.background.hex()}; color:{self.text.hex()};"


# --- text ------------------------------------------------------------------------------------

#: What went wrong or is refused: messages in dialogs, a lost connection, a bad row.
ERROR = Colour("#a61b1b", "#f28b82")
#: What went right: connected, saved, passed, change to give.
SUCCESS = Colour("#0f6b3a", "#81c995")
#: Needs attention soon: due call-backs, awaiting payment, settings changes in the audit log.
WARNING = Colour("#8a4b00", "#f6b26b")
#: Plain information that stands out: season tickets and contracts, status changes.
INFO = Colour("#1f4e8c", "#8ab4f8")
#: The fourth kind: waiting on the customer, waivers, user changes in the audit log.
ACCENT = Colour("#6b3fa0", "#c58af9")
#: Hints and status lines under a form.
MUTED = Colour("#5f6b7a", "#a0aab5")
#: The quieter half of a line: account codes, the labels of facts, a time zone.
SECONDARY = Colour("#555555", "#b4b4b4")
#: What is there but out of use: a deactivated user, a timeline event that cannot move.
INACTIVE = Colour("#6b7280", "#8e96a3")
#: Resolved and closed: finished with.
NEUTRAL = Colour("#4a4a4a", "#c8c8c8")

# --- text on its own background ----------------------------------------------------------

ERROR_TONE = Tone(ERROR, Colour("#fde5e5", "#4a1f1f"))
SUCCESS_TONE = Tone(SUCCESS, Colour("#dff5e8", "#173d2a"))
WARNING_TONE = Tone(WARNING, Colour("#fff1db", "#4a3212"))
INFO_TONE = Tone(INFO, Colour("#e3eefc", "#1c3250"))
ACCENT_TONE = Tone(ACCENT, Colour("#efe6fa", "#35254d"))
NEUTRAL_TONE = Tone(NEUTRAL, Colour("#ececec", "#3a3a3a"))

# --- backgrounds and frames --------------------------------------------------------------

#: A changed value, picked out in a table.
HIGHLIGHT = Colour("#fff4c2", "#4d4419")
#: A quiet box of explanation inside a dialog.
PANEL = Colour("#f3f4f6", "#2e3135")
#: The thin border round a picture.
FRAME = Colour("#c9d1db", "#4a525c")
#: Paper: what prints is previewed on white, whatever the desktop.
PAPER = Colour("#ffffff")

# --- a page to read: a report on screen -------------------------------------------------------

#: The page a report is read on, and the list it is chosen from.
PAGE = Colour("#ffffff", "#1f2124")
#: Round the page.
BACKDROP = Colour("#f7f8fa", "#2a2d31")
#: A quiet shade of its own: a report's key figures, a table's totals row.
SHADE = Colour("#eef1f5", "#2d333b")
#: Titles and headings on a page to read.
HEADING = Colour("#1f3a5f", "#a8c7fa")
#: Text on a page to read that is set apart from the desktop's: the period, the key figures.
INK = Colour("#1f2933", "#e3e6ea")

# --- a list painted entry by entry (the reports window's chooser) ------------------------

#: The entry chosen.
SELECTED = Colour("#dce7f5", "#1f3a5c")
#: The entry under the mouse.
HOVER = Colour("#f1f4f8", "#292d33")
#: The thin line between entries.
RULE = Colour("#e3e7ed", "#3a4048")
#: The frame round the entry that has the keyboard's focus.
FOCUS = Colour("#8aa8cc", "#6f8fbf")

# --- a report's chart, drawn on white as it prints -------------------------------------------

CHART_INK = Colour("#1f2933")
CHART_MUTED = Colour("#5f6b7a")
CHART_GRID = Colour("#e3e7ed")
CHART_AXIS = Colour("#8a94a3")
CHART_FRAME = Colour("#d5dbe3")
CHART_BAR = Colour("#2f5d8f")
CHART_BAR_HOVER = Colour("#1f3a5f")
#: Slices take these in turn; neighbours differ in lightness too, for grey-scale printing.
CHART_SERIES = tuple(Colour(c) for c in (
    "#2f5d8f", "#e08a2c", "#3f9a66", "#b8455b", "#7a5fb0", "#4aa3b8", "#a8863a", "#6b7a8c",
    "#d46fa7", "#8fb54a"))
