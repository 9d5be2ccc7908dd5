"""The Unicode fonts every document prints in: DejaVu Sans, from the project's resources/fonts.

ReportLab's built-in fonts know only Latin-1, so "Łukasz", "€" or "Русский" would print as
black boxes. The TTFs live in the repository's top-level resources/fonts folder; building a
wheel copies them into the package (synergy_desk/fonts, setup.py) and the PyInstaller build
puts them in the same place, so they are read through importlib.resources from an installed
wheel, a zip or a frozen Windows build alike, and from resources/fonts in a source checkout or
an editable install. They are registered once, on first use, because parsing them is the one
slow step (tens of milliseconds) of a first document. Nothing here needs Qt.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

#: The regular face, as documents name it in their styles.
SANS = "SDSans"
#: The bold face.
SANS_BOLD = "SDSans-Bold"

_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf"}
_lock = threading.Lock()
_registered = False


#: Where a source checkout keeps the fonts: resources/fonts beside the package's folder.
CHECKOUT_FONTS = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts"


def font_folders() -> Iterator[Traversable]:
    """The folders the fonts are looked for in, in order: inside the installed package (a
    wheel, the PyInstaller build), then the source checkout's resources/fonts."""
    yield resources.files("synergy_desk") / "fonts"
    yield CHECKOUT_FONTS


def font_file(file_name: str) -> Traversable:
    """The font file (or its licence) of that name, from the first folder that has it.

    Raises:
        FileNotFoundError: no folder has it (a broken installation).
    """
    for folder in font_folders():
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"The document font {file_name} is missing from this installation of Synergy Desk.")


def font_bytes(file_name: str) -> bytes:
    """The bytes of one font file (or its licence) shipped with the program."""
    return font_file(file_name).read_bytes()


def register_fonts() -> None:
    """Register "SDSans" and "SDSans-Bold" with ReportLab, once per process; thread-safe."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, file_name in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(font_bytes(file_name))))
        # So <b> in a Paragraph picks the real bold face rather than a missing one.
        pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS,
                                      boldItalic=SANS_BOLD)
        _registered = True
