"""The Unicode fonts every document prints in: DejaVu Sans, shipped inside the package.

ReportLab's built-in fonts know only Latin-1, so "Łukasz", "€" or "Русский" would print as
black boxes. The TTFs are read through importlib.resources so they load from an installed
wheel, a zip or a frozen Windows build alike, and are registered once, on first use, because
parsing them is the one slow step (tens of milliseconds) of a first document.
"""

from __future__ import annotations

import io
import threading
from importlib import resources

#: The regular face, as documents name it in their styles.
SANS = "SDSans"
#: The bold face.
SANS_BOLD = "SDSans-Bold"

_FILES = {SANS: "DejaVuSans.ttf", SANS_BOLD: "DejaVuSans-Bold.ttf"}
_lock = threading.Lock()
_registered = False


def font_bytes(file_name: str) -> bytes:
    """The bytes of one font file shipped in synergy_desk/resources/fonts."""
    return (resources.files("synergy_desk") / "resources" / "fonts" / file_name).read_bytes()


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
