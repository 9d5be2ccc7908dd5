"""What every document shares: styles, times in the office's zone, safe text, header and footer.

Each PDF is built deterministically (ReportLab's invariant mode, the creation date taken from
the document itself) so the same input always gives the same bytes: a reprint can be compared
with the original byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from synergy_desk.documents import pictures
from synergy_desk.documents.data import Office
from synergy_desk.documents.fonts import SANS, SANS_BOLD, register_fonts
from synergy_desk.documents.scripts import printable
from synergy_desk.domain.cards import mask_card_numbers
from synergy_desk.domain.phones import printed_phone

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TOP_MARGIN = 16 * mm
BOTTOM_MARGIN = 22 * mm
#: The width flowables may use between the margins.
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
#: The footer's text size, and its room (the page number takes the right of the line).
FOOTER_SIZE = 7.5
FOOTER_WIDTH = CONTENT_WIDTH - 25 * mm

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b7a")
ACCENT = colors.HexColor("#1f3a5f")
RULE = colors.HexColor("#c5ccd6")
SHADE = colors.HexColor("#eef1f5")
ALERT = colors.HexColor("#b42318")
WATERMARK = colors.HexColor("#f7e1df")

_LOGO_MAX_WIDTH = 48 * mm
_LOGO_MAX_HEIGHT = 18 * mm


# --- times ---------------------------------------------------------------------------------

def format_duration(seconds: int) -> str:
    """E.g. "45 min" or "1 h 05 min"; empty for none."""
    if seconds <= 0:
        return ""
    minutes = (seconds + 59) // 60
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def pdf_date(value: dt.datetime) -> str:
    """The PDF's creation date: the document's own time, never the clock, for identical bytes."""
    utc = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return f"D:{utc:%Y%m%d%H%M%S}+00'00'"


# --- text ----------------------------------------------------------------------------------

def safe(value: str) -> str:
    """Free text for a Paragraph: card numbers masked, markup escaped, line breaks kept, and
    as it should be drawn (right-to-left lines in visual order, "�" for what no font has)."""
    cleaned = mask_card_numbers(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return escape(printable(cleaned)).replace("\n", "<br/>")


def plain(value: str) -> str:
    """Free text for a plain table cell or canvas string: card numbers masked, and as it
    should be drawn (see ``safe``)."""
    return printable(mask_card_numbers(value or ""))


def address_lines(address: str) -> list[str]:
    """The non-empty lines of an address typed one line per row."""
    return [line.strip() for line in (address or "").splitlines() if line.strip()]


# --- styles --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Styles:
    """The paragraph styles of every document."""

    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    muted_right: ParagraphStyle
    bold: ParagraphStyle
    office_name: ParagraphStyle
    title: ParagraphStyle
    title_right: ParagraphStyle
    heading: ParagraphStyle
    right: ParagraphStyle
    right_bold: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_detail: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_right: ParagraphStyle
    copy_banner: ParagraphStyle
    big_right: ParagraphStyle
    subject: ParagraphStyle


@lru_cache(maxsize=1)
def styles() -> Styles:
    """The styles, built once the fonts are registered."""
    register_fonts()
    body = ParagraphStyle("sd-body", fontName=SANS, fontSize=9.5, leading=12.5, textColor=INK)
    small = ParagraphStyle("sd-small", parent=body, fontSize=8, leading=10)
    cell = ParagraphStyle("sd-cell", parent=body, fontSize=8.5, leading=10.5)
    return Styles(
        body=body,
        small=small,
        muted=ParagraphStyle("sd-muted", parent=small, textColor=MUTED),
        muted_right=ParagraphStyle("sd-muted-right", parent=small, textColor=MUTED,
                                   alignment=TA_RIGHT),
        bold=ParagraphStyle("sd-bold", parent=body, fontName=SANS_BOLD),
        office_name=ParagraphStyle("sd-office", parent=body, fontName=SANS_BOLD, fontSize=14,
                                   leading=17, textColor=ACCENT, spaceAfter=2),
        title=ParagraphStyle("sd-title", parent=body, fontName=SANS_BOLD, fontSize=16,
                             leading=20, textColor=ACCENT),
        title_right=ParagraphStyle("sd-title-right", parent=body, fontName=SANS_BOLD,
                                   fontSize=16, leading=20, textColor=ACCENT, alignment=TA_RIGHT,
                                   spaceAfter=4),
        heading=ParagraphStyle("sd-heading", parent=body, fontName=SANS_BOLD, fontSize=11,
                               leading=14, textColor=ACCENT, spaceBefore=10, spaceAfter=4),
        right=ParagraphStyle("sd-right", parent=body, alignment=TA_RIGHT),
        right_bold=ParagraphStyle("sd-right-bold", parent=body, fontName=SANS_BOLD,
                                  alignment=TA_RIGHT),
        cell=cell,
        cell_bold=ParagraphStyle("sd-cell-bold", parent=cell, fontName=SANS_BOLD),
        cell_detail=ParagraphStyle("sd-cell-detail", parent=cell, fontSize=7.5, leading=9.5,
                                   textColor=MUTED),
        cell_head=ParagraphStyle("sd-cell-head", parent=cell, fontName=SANS_BOLD,
                                 textColor=ACCENT),
        cell_head_right=ParagraphStyle("sd-cell-head-right", parent=cell, fontName=SANS_BOLD,
                                       textColor=ACCENT, alignment=TA_RIGHT),
        copy_banner=ParagraphStyle("sd-copy", parent=body, fontName=SANS_BOLD, fontSize=20,
                                   leading=24, textColor=ALERT, alignment=TA_RIGHT),
        big_right=ParagraphStyle("sd-big-right", parent=body, fontName=SANS_BOLD, fontSize=20,
                                 leading=24, textColor=INK, alignment=TA_RIGHT),
        subject=ParagraphStyle("sd-subject", parent=body, fontName=SANS_BOLD, fontSize=13,
                               leading=16, textColor=INK),
    )


def table_style(*extra: tuple[Any, ...], header: bool = True) -> TableStyle:
    """The house style of a data table: a shaded header row and light rules between rows."""
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("LEADING", (0, 0), (-1, -1), 10.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("FONTNAME", (0, 0), (-1, 0), SANS_BOLD),
            ("TEXTCOLOR", (0, 0), (-1, 0), ACCENT),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ]
    commands.extend(extra)
    return TableStyle(commands)


# --- header --------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _printable_logo(data: bytes) -> bytes | None:
    """The logo at no more than 600 pixels on its longer side (scaled once per process, and
    only when it is larger); None when it is not a PNG or JPEG or so large (over 25 million
    pixels, stored before uploads were checked) that decoding it would hold up every
    document."""
    size = pictures.picture_size(data)
    if size is None or pictures.too_many_pixels(size):
        return None
    try:
        return pictures.scaled_down(data, pictures.PRINT_SIDE)
    except (OSError, ValueError):
        return None


def _logo(stored: bytes | None) -> Image | None:
    """The office's logo scaled into its box, or None when absent, unreadable or huge."""
    if not stored:
        return None
    png = _printable_logo(bytes(stored))
    if png is None:
        return None
    try:
        reader = ImageReader(io.BytesIO(png))
        width, height = reader.getSize()
        reader.getRGBData()  # decodes it all now: a truncated file fails here, not mid-build
    except Exception:  # noqa: BLE001 - a damaged logo must never stop a receipt printing
        return None
    if width <= 0 or height <= 0:
        return None
    scale = min(_LOGO_MAX_WIDTH / width, _LOGO_MAX_HEIGHT / height)
    image = Image(io.BytesIO(png), width=width * scale, height=height * scale)
    image.hAlign = "LEFT"
    return image


def office_block(office: Office) -> list[Flowable]:
    """The supplier: logo, name, address, VAT registration number and how to reach them."""
    st = styles()
    out: list[Flowable] = []
    logo = _logo(office.logo_png)
    if logo is not None:
        out += [logo, Spacer(1, 2.5 * mm)]
    out.append(Paragraph(safe(office.name), st.office_name))
    lines = [safe(line) for line in address_lines(office.address)]
    if office.vat_number.strip():
        lines.append(f"VAT reg. no. {safe(office.vat_number.strip())}")
    contact = " · ".join(safe(v) for v in (printed_phone(office.phone), office.email.strip())
                         if v)
    if contact:
        lines.append(contact)
    if lines:
        out.append(Paragraph("<br/>".join(lines), st.body))
    return out


def key_values(rows: Sequence[tuple[str, str]], width: float, *,
               label_width: float | None = None) -> Table:
    """A right-aligned block of "label  value" rows, e.g. a document's number and date."""
    st = styles()
    label_width = label_width if label_width is not None else width * 0.45
    data = [[Paragraph(safe(label), st.muted), Paragraph(safe(value), st.right_bold)]
            for label, value in rows]
    table = Table(data, colWidths=[label_width, width - label_width], hAlign="RIGHT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def side_by_side(left: list[Flowable], right: list[Flowable]) -> Table:
    """Two blocks next to each other with no padding, as the party and the document's
    particulars stand under a header: the left one a little wider."""
    table = Table([[left, right]], colWidths=[CONTENT_WIDTH * 0.52, CONTENT_WIDTH * 0.48])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return table


def totals_table(rows: list[tuple[str, str]], total_row: int,
                 *extra: tuple[Any, ...]) -> Table:
    """A document's totals, right-aligned under its items, row ``total_row`` (the amount the
    document is about) large and ruled in the accent colour; ``extra`` styles after those."""
    width = 92 * mm
    table = Table(rows, colWidths=[width - 32 * mm, 32 * mm], hAlign="RIGHT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("FONTNAME", (0, total_row), (-1, total_row), SANS_BOLD),
        ("FONTSIZE", (0, total_row), (-1, total_row), 11),
        ("TEXTCOLOR", (0, total_row), (-1, total_row), ACCENT),
        ("LINEABOVE", (0, total_row), (-1, total_row), 1, ACCENT),
        ("LINEBELOW", (0, total_row), (-1, total_row), 1, ACCENT),
        *extra,
    ]))
    return table


def described(description: str, detail: str, st: Styles) -> list[Flowable]:
    """An item's cell: its description, and its detail in small type beneath when it has one."""
    cell: list[Flowable] = [Paragraph(safe(description), st.cell)]
    if detail.strip():
        cell.append(Paragraph(safe(detail), st.cell_detail))
    return cell


def header(office: Office, right: list[Flowable]) -> Table:
    """The top of the first page: the office on the left, the document's identity right."""
    left_width = CONTENT_WIDTH * 0.52
    table = Table([[office_block(office), right]],
                  colWidths=[left_width, CONTENT_WIDTH - left_width])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
    ]))
    return table


# --- building ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageFurniture:
    """What is drawn on every page around the flowables (its free text already ``plain``)."""

    #: Left of the footer, e.g. the office's name and VAT number.
    footer: str
    #: At the top of the second and later pages, e.g. "Incident INC-000042 — Printing fails".
    running_header: str = ""
    #: Drawn large and pale across each page, e.g. "COPY".
    watermark: str = ""


def _draw_page(canvas: Canvas, furniture: PageFurniture, page: int) -> None:
    if furniture.watermark:
        # Drawn before the page's content, so the content stays readable on top of it.
        canvas.saveState()
        canvas.setFillColor(WATERMARK)
        canvas.setFont(SANS_BOLD, 110)
        canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canvas.rotate(40)
        canvas.drawCentredString(0, -40, furniture.watermark)
        canvas.restoreState()
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, 15 * mm, PAGE_WIDTH - MARGIN, 15 * mm)
    canvas.setFillColor(MUTED)
    size = footer_size(furniture.footer)
    canvas.setFont(SANS, size)
    canvas.drawString(MARGIN, 11 * mm, fit(furniture.footer, SANS, size, FOOTER_WIDTH))
    if page > 1 and furniture.running_header:
        canvas.setFont(SANS, 8)
        canvas.drawString(MARGIN, PAGE_HEIGHT - 10 * mm,
                          fit(furniture.running_header, SANS, 8, CONTENT_WIDTH))
        canvas.line(MARGIN, PAGE_HEIGHT - 11.5 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 11.5 * mm)
    canvas.restoreState()


#: The smallest the footer's text is set to make the whole of it fit before it is cut short.
FOOTER_MIN_SIZE = 6.0


def footer_size(text: str) -> float:
    """The footer's text size: smaller, down to a still readable size, when the office's name,
    VAT number, phone and e-mail would otherwise be cut short (a customer lost the end of the
    e-mail address)."""
    size = FOOTER_SIZE
    while size > FOOTER_MIN_SIZE and stringWidth(text, SANS, size) > FOOTER_WIDTH:
        size -= 0.25
    return size


def fit(text: str, font: str, size: float, width: float) -> str:
    """The text, cut short with an ellipsis if it would run past the width."""
    if stringWidth(text, font, size) <= width:
        return text
    # Cut near the width first (no character is narrower than "i"): then a few are trimmed.
    text = text[:int(width / stringWidth("i", font, size)) + 1]
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _numbered_canvas(created: str) -> type[Canvas]:
    """A canvas that writes "Page n of m" once it knows m, and a fixed creation date."""

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no types
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *_parts: created)
            self._page_states: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                self.saveState()
                self.setFont(SANS, 7.5)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_WIDTH - MARGIN, 11 * mm,
                                     f"Page {self.getPageNumber()} of {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(story: list[Flowable], *, furniture: PageFurniture, title: str, subject: str,
              author: str, created_at: dt.datetime) -> bytes:
    """Lay the story out on A4 pages and return the PDF's bytes, identical for identical input."""
    register_fonts()
    out = io.BytesIO()
    doc = BaseDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN, title=title, subject=subject, author=author,
        creator="Synergy Desk", invariant=1, pageCompression=1, lang="en-GB",
    )

    def on_page(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        _draw_page(canvas, furniture, canvas.getPageNumber())

    # Later pages keep room at the top for the running header; the first has the full header.
    later_top = TOP_MARGIN + (8 * mm if furniture.running_header else 0)
    first = Frame(MARGIN, BOTTOM_MARGIN, CONTENT_WIDTH, PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="first")
    later = Frame(MARGIN, BOTTOM_MARGIN, CONTENT_WIDTH, PAGE_HEIGHT - later_top - BOTTOM_MARGIN,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="later")
    doc.addPageTemplates([
        PageTemplate(id="first", frames=[first], onPage=on_page, autoNextPageTemplate="later"),
        PageTemplate(id="later", frames=[later], onPage=on_page),
    ])
    doc.build(story, canvasmaker=_numbered_canvas(pdf_date(created_at)))
    return out.getvalue()
