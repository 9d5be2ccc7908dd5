"""A register (enhancement requests or escalations) as a PDF table, fed plain rows of text.

For forwarding to product management or development: a title, which filter was applied, and
one row per entry with every cell wrapped to its column, over as many pages as it takes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, LongTable, Paragraph, Spacer

from synergy_desk.documents.data import Office
from synergy_desk.documents.layout import (
    CONTENT_WIDTH,
    PageFurniture,
    build_pdf,
    header,
    key_values,
    plain,
    safe,
    styles,
    table_style,
)
from synergy_desk.domain.zones import format_datetime

__all__ = ["RegisterDoc", "render_register"]


@dataclass(frozen=True)
class RegisterDoc:
    """A register listing: column headings, the share of the width each takes, text rows."""

    office: Office
    title: str
    #: What the listing was filtered by, e.g. "Showing product Payroll Plus, status open".
    filters: str
    columns: tuple[str, ...]
    #: Fractions of the page's width, one per column (normalised if they do not add up to 1).
    widths: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]
    generated_at: dt.datetime
    timezone: str


def render_register(doc: RegisterDoc) -> bytes:
    """Print a register as an A4 PDF; identical input gives identical bytes.

    Raises:
        ValueError: the rows, widths and columns do not have the same number of cells.
    """
    if len(doc.widths) != len(doc.columns) or any(len(r) != len(doc.columns) for r in doc.rows):
        raise ValueError("every row of a register needs one cell per column")
    st = styles()
    count = len(doc.rows)
    identity: list[Flowable] = [
        Paragraph(safe(doc.title), st.title_right),
        Spacer(1, 2 * mm),
        key_values([("Entries", str(count)),
                    ("Printed", format_datetime(doc.generated_at, doc.timezone))],
                   CONTENT_WIDTH * 0.48, label_width=CONTENT_WIDTH * 0.48 - 44 * mm),
    ]
    story: list[Flowable] = [header(doc.office, identity), Spacer(1, 3 * mm),
                             Paragraph(safe(doc.filters), st.muted), Spacer(1, 2 * mm)]
    if not doc.rows:
        story.append(Paragraph("The register has no entries for this selection.", st.body))
    else:
        total = sum(doc.widths) or 1.0
        widths = [CONTENT_WIDTH * w / total for w in doc.widths]
        head = [Paragraph(safe(name), st.cell_head) for name in doc.columns]
        body = [[Paragraph(safe(cell) or "—", st.cell) for cell in row] for row in doc.rows]
        # splitInRow: a long set of steps to reproduce still prints, split across pages.
        table = LongTable([head, *body], colWidths=widths, repeatRows=1, splitInRow=1)
        table.setStyle(table_style())
        story.append(table)
    footer = " · ".join(part for part in (
        plain(doc.office.name), plain(doc.title),
        f"Printed {format_datetime(doc.generated_at, doc.timezone)}") if part.strip())
    return build_pdf(
        story, furniture=PageFurniture(footer=footer,
                                       running_header=f"{plain(doc.title)} (continued)"),
        title=plain(doc.title), subject=plain(doc.filters), author=plain(doc.office.name),
        created_at=doc.generated_at)
