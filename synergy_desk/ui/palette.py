"""The window's colours, named by what they mean; every colour the window paints is here.

Each colour has a shade for a light desktop and one for a dark desktop, chosen to read on
that desktop's own window and base colours; which one applies is asked when the colour is
used (``colour.hex()``), from the desktop's colour scheme, or from the office's choice of
appearance (follow the desktop, light or dark: :class:`Appearance`, a preference of the
desk, applied by :func:`use_appearance`).

When the scheme changes while the window is open (the desktop switches, or the office
chooses another appearance) the window is re-coloured at once (:func:`recolour_widgets`):
every style sheet, rich-text label and list entry painted in one scheme's shades is given the
other scheme's; lists and tables whose models give colours repaint with the new shades. For
that, each shade belongs to one role and one scheme only (the tests hold it).

Some colours are the same in both schemes on purpose: those painted on paper-white (a
report's chart, drawn as it prints, and the preview of the logo that prints on receipts).

Colours never say something alone: a status, a refusal or a warning is always written out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QTableWidget,
    QTreeWidget,
    QTreeWidgetItemIterator,
    QWidget,
)

__all__ = [
    "Appearance", "Colour", "SchemeKeeper", "Tone", "is_dark", "use_appearance",
    "desktop_palette", "recoloured", "recolour_widgets", "shade_map", "DARK_DESKTOP",
    "ERROR", "SUCCESS", "WARNING", "INFO", "ACCENT", "MUTED", "SECONDARY", "INACTIVE",
    "NEUTRAL", "ERROR_TONE", "SUCCESS_TONE", "WARNING_TONE", "INFO_TONE", "ACCENT_TONE",
    "NEUTRAL_TONE", "HIGHLIGHT", "PANEL", "FRAME", "PAPER", "PAPER_TEXT",
    "PAGE", "BACKDROP", "SHADE", "HEADING", "INK", "SELECTED", "HOVER", "RULE", "FOCUS",
    "CHART_INK", "CHART_MUTED", "CHART_GRID", "CHART_AXIS", "CHART_FRAME", "CHART_BAR",
    "CHART_BAR_HOVER", "CHART_SERIES",
]


class Appearance(StrEnum):
    """How the window is coloured: as the desktop is, or light or dark whatever it is."""

    DESKTOP = "desktop"
    LIGHT = "light"
    DARK = "dark"

    @property
    def label(self) -> str:
        return {"desktop": "Follow the &desktop", "light": "&Light",
                "dark": "D&ark"}[self.value]


#: The appearance chosen for this desk (set by use_appearance).
_chosen = Appearance.DESKTOP


def is_dark() -> bool:
    """Whether the window is dark now: as chosen for the desk, or as the desktop is."""
    if _chosen is not Appearance.DESKTOP:
        return _chosen is Appearance.DARK
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
#: Text written on paper in the window (the logo preview's "No logo"), whatever the desktop.
PAPER_TEXT = Colour("#59636f")

# --- a page to read: a report on screen -------------------------------------------------------

#: The page a report is read on, and the list it is chosen from (white, a hair from paper's).
PAGE = Colour("#fefefe", "#1f2124")
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
# (A shade a hair from the window's own where they are alike: each shade is one role's.)

CHART_INK = Colour("#1f2934")
CHART_MUTED = Colour("#5f6b7b")
CHART_GRID = Colour("#e3e7ee")
CHART_AXIS = Colour("#8a94a3")
CHART_FRAME = Colour("#d5dbe3")
CHART_BAR = Colour("#2f5d8f")
CHART_BAR_HOVER = Colour("#1f3a60")
#: Slices take these in turn; neighbours differ in lightness too, for grey-scale printing.
CHART_SERIES = tuple(Colour(c) for c in (
    "#2f5d8f", "#e08a2c", "#3f9a66", "#b8455b", "#7a5fb0", "#4aa3b8", "#a8863a", "#6b7a8c",
    "#d46fa7", "#8fb54a"))

# --- the desktop's own colours, when the office chooses dark on a desktop that cannot show it --

#: A dark desktop's palette, by role (the disabled text is INACTIVE's dark shade).
DARK_DESKTOP: dict[QPalette.ColorRole, str] = {
    QPalette.ColorRole.Window: "#2d2d2d",
    QPalette.ColorRole.WindowText: "#e3e6ea",
    QPalette.ColorRole.Base: "#1e1e1e",
    QPalette.ColorRole.AlternateBase: "#262829",
    QPalette.ColorRole.ToolTipBase: "#3a3d41",
    QPalette.ColorRole.ToolTipText: "#e3e6ea",
    QPalette.ColorRole.PlaceholderText: "#969ea9",
    QPalette.ColorRole.Text: "#e3e6ea",
    QPalette.ColorRole.Button: "#353739",
    QPalette.ColorRole.ButtonText: "#e3e6ea",
    QPalette.ColorRole.BrightText: "#fafafa",
    QPalette.ColorRole.Light: "#4b4e52",
    QPalette.ColorRole.Midlight: "#3f4245",
    QPalette.ColorRole.Mid: "#28292b",
    QPalette.ColorRole.Dark: "#19191a",
    QPalette.ColorRole.Shadow: "#0a0a0a",
    QPalette.ColorRole.Highlight: "#2b5a8c",
    QPalette.ColorRole.HighlightedText: "#fafafa",
    QPalette.ColorRole.Link: "#8ab4f8",
    QPalette.ColorRole.LinkVisited: "#c58af9",
}
_DARK_DISABLED_TEXT = INACTIVE.dark or INACTIVE.light


def desktop_palette(dark: bool) -> QPalette:
    """The window's palette for a desktop that cannot show the scheme chosen itself: the
    style's own (light) palette, or :data:`DARK_DESKTOP`."""
    app = QApplication.instance()
    if not dark:
        return app.style().standardPalette() if isinstance(app, QApplication) else QPalette()
    colours = QPalette()
    for role, shade in DARK_DESKTOP.items():
        colours.setColor(role, QColor(shade))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        colours.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DARK_DISABLED_TEXT))
    return colours


# --- re-colouring a window that is open ------------------------------------------------------

_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def _roles() -> list[Colour]:
    found: list[Colour] = []
    for value in globals().values():
        if isinstance(value, Colour):
            found.append(value)
        elif isinstance(value, Tone):
            found += [value.text, value.background]
        elif isinstance(value, tuple):
            found += [v for v in value if isinstance(v, Colour)]
    return found


def shade_map(dark: bool) -> dict[str, str]:
    """The other scheme's shade of every colour, to this scheme's ("#rrggbb", lower case)."""
    pairs = [(c.light.lower(), c.dark.lower()) for c in _roles() if c.dark is not None]
    return dict((d, lt) for lt, d in pairs) if not dark else dict(pairs)


def recoloured(text: str, dark: bool) -> str:
    """A style sheet or rich text with the other scheme's shades given this scheme's."""
    shades = shade_map(dark)
    return _HEX.sub(lambda m: shades.get(m.group(0).lower(), m.group(0)), text)


def _recolour_brush(brush: QBrush, shades: dict[str, str]) -> QBrush | None:
    if brush.style() == Qt.BrushStyle.NoBrush:
        return None
    shade = shades.get(brush.color().name())
    return QBrush(QColor(shade)) if shade is not None else None


def _recolour_items(widget: QWidget, shades: dict[str, str]) -> None:
    """The entries of a list, tree or table widget painted in the other scheme's shades."""
    items: list[object] = []
    if isinstance(widget, QListWidget):
        items = [widget.item(row) for row in range(widget.count())]
    elif isinstance(widget, QTableWidget):
        items = [widget.item(row, column) for row in range(widget.rowCount())
                 for column in range(widget.columnCount())]
    elif isinstance(widget, QTreeWidget):
        walker = QTreeWidgetItemIterator(widget)
        while walker.value() is not None:
            items.append(walker.value())
            walker += 1
    for item in items:
        if item is None:
            continue
        columns = range(item.columnCount()) if hasattr(item, "columnCount") else [None]
        for column in columns:
            args = () if column is None else (column,)
            for get, put in (("foreground", "setForeground"), ("background", "setBackground")):
                brush = _recolour_brush(getattr(item, get)(*args), shades)
                if brush is not None:
                    getattr(item, put)(*args, brush)


def recolour_widgets(dark: bool | None = None) -> None:
    """Give every open widget this scheme's shades (``dark``: the scheme now, by default)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    dark = is_dark() if dark is None else dark
    shades = shade_map(dark)
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet and _HEX.search(sheet):
            changed = recoloured(sheet, dark)
            if changed != sheet:
                widget.setStyleSheet(changed)
        if isinstance(widget, QLabel) and _HEX.search(widget.text()):
            text = recoloured(widget.text(), dark)
            if text != widget.text():
                widget.setText(text)
        _recolour_items(widget, shades)
        widget.update()


class SchemeKeeper(QObject):
    """Keeps the window in the appearance chosen, and re-colours it whenever the scheme
    changes: the office chooses another, or (following the desktop) the desktop switches."""

    def __init__(self, app: QGuiApplication) -> None:
        super().__init__(app)
        self.setObjectName("colourScheme")
        self._app = app
        self._dark = is_dark()
        #: Whether the window's own palette stands in for the desktop's.
        self._own_colours = False
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._scheme_changed)
        app.installEventFilter(self)

    def apply(self, appearance: Appearance) -> None:
        global _chosen
        _chosen = appearance
        hints = QGuiApplication.styleHints()
        can_ask = hasattr(hints, "setColorScheme")  # Qt 6.8 and later
        if appearance is Appearance.DESKTOP:
            if can_ask:
                hints.unsetColorScheme()
            self._desktop_colours()
        else:
            wanted = (Qt.ColorScheme.Dark if appearance is Appearance.DARK
                      else Qt.ColorScheme.Light)
            if can_ask:
                hints.setColorScheme(wanted)
            if hints.colorScheme() == wanted:
                self._desktop_colours()
            else:
                # A desktop that cannot show the scheme asked for: the window's own colours.
                self._app.setPalette(desktop_palette(appearance is Appearance.DARK))
                self._own_colours = True
        self._scheme_changed()

    def _desktop_colours(self) -> None:
        """The desktop's own palette again, where the window had put its own in place."""
        if self._own_colours:
            self._own_colours = False
            self._app.setPalette(QPalette())

    def _scheme_changed(self, *_args: object) -> None:
        dark = is_dark()
        if dark != self._dark:
            self._dark = dark
            recolour_widgets(dark)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if watched is self._app and event.type() == QEvent.Type.ApplicationPaletteChange:
            self._scheme_changed()
        return False


def use_appearance(appearance: Appearance | str) -> None:
    """Colour the window as chosen (following the desktop, or light, or dark), now and
    whenever the scheme changes after."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return
    keeper = app.findChild(SchemeKeeper, "colourScheme")
    if not isinstance(keeper, SchemeKeeper):
        keeper = SchemeKeeper(app)
    keeper.apply(Appearance(appearance))
