"""The incident summary: one incident with its whole timeline and resolution, as a PDF.

For the customer's records, or to forward to product management or development: it carries
everything needed to understand the case without the program, over as many pages as it takes.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, LongTable, Paragraph, Spacer, Table

from synergy_desk.documents.data import IncidentSummaryDoc, TimelineDocRow
from synergy_desk.documents.fonts import SANS
from synergy_desk.documents.layout import (
    CONTENT_WIDTH,
    PageFurniture,
    address_lines,
    build_pdf,
    format_duration,
    header,
    key_values,
    plain,
    safe,
    styles,
    table_style,
)
from synergy_desk.domain.zones import format_datetime

_CELL_SIZE = 8.5
_CELL_PADDING = 8

#: How the staff's version is marked, at its top and on every page's foot.
_INTERNAL = "Internal — staff only"

# When | Entry | By | Time | Details (the rest).
_TIMELINE_WIDTHS = (22 * mm, 27 * mm, 27 * mm, 19 * mm)


def render_incident_summary(doc: IncidentSummaryDoc) -> bytes:
    """Print an incident summary as an A4 PDF; identical input gives identical bytes."""
    st = styles()
    tz = doc.timezone
    identity: list[Flowable] = [
        Paragraph("Incident summary", st.title_right),
        Paragraph(safe(doc.reference), st.big_right),
        *([Paragraph(f"<b>{_INTERNAL}</b>", st.right)] if doc.internal else []),
        Spacer(1, 2 * mm),
        key_values([("Status", doc.status_label), ("Opened", format_datetime(doc.opened_at, tz)),
                    ("Resolved", format_datetime(doc.resolved_at, tz) or "—")],
                   CONTENT_WIDTH * 0.48, label_width=CONTENT_WIDTH * 0.48 - 44 * mm),
    ]
    story: list[Flowable] = [
        header(doc.office, identity),
        Spacer(1, 4 * mm),
        Paragraph(safe(doc.subject), st.subject),
        Spacer(1, 2 * mm),
        _facts(doc),
    ]
    if doc.description.strip():
        story += [Paragraph("Description", st.heading), Paragraph(safe(doc.description), st.body)]
    story += _timeline(doc)
    story += _resolution(doc)
    if doc.links:
        story.append(KeepTogether([
            Paragraph("Related", st.heading),
            *(Paragraph(f"• {safe(link)}", st.body) for link in doc.links),
        ]))
    footer = " · ".join(part for part in (
        plain(doc.office.name), f"Incident {plain(doc.reference)}",
        _INTERNAL if doc.internal else "",
        f"Printed {format_datetime(doc.printed_at, tz)}") if part.strip())
    return build_pdf(
        story,
        furniture=PageFurniture(
            footer=footer,
            running_header=f"Incident {plain(doc.reference)} — {plain(doc.subject)} (continued)"),
        title=f"Incident {plain(doc.reference)}: {plain(doc.subject)}"
              + (f" ({_INTERNAL})" if doc.internal else ""),
        subject=f"Incident summary for {plain(doc.customer_name)}",
        author=plain(doc.office.name), created_at=doc.printed_at,
    )


def _facts(doc: IncidentSummaryDoc) -> Table:
    """Who, what and how it is paid for, in two columns of label and value."""
    st = styles()
    customer = "<br/>".join([f"<b>{safe(doc.customer_name)}</b>",
                             *(safe(line) for line in address_lines(doc.customer_address))])
    product = " · ".join(safe(part) for part in (
        doc.product, doc.module,
        f"version {doc.product_version}" if doc.product_version.strip() else "") if part.strip())
    pairs = [
        ("Customer", customer), ("Product", product or "—"),
        ("Contact", safe(doc.contact) or "—"), ("Engineer", safe(doc.engineer) or "Unassigned"),
        ("Funding", safe(doc.funding_text) or "—"), ("Priority", safe(doc.priority) or "—"),
    ]
    rows = []
    for i in range(0, len(pairs), 2):
        row: list[object] = []
        for label, value in pairs[i:i + 2]:
            row += [Paragraph(label, st.muted), Paragraph(value, st.cell)]
        rows.append(row)
    label_width = 20 * mm
    value_width = CONTENT_WIDTH / 2 - label_width
    table = Table(rows, colWidths=[label_width, value_width] * 2)
    table.setStyle(table_style(("LEFTPADDING", (0, 0), (0, -1), 0),
                               ("LEFTPADDING", (2, 0), (2, -1), 8),
                               header=False))
    return table


def _timeline(doc: IncidentSummaryDoc) -> list[Flowable]:
    """Every timeline entry, oldest first, wrapping long text and running over pages."""
    st = styles()
    count = len(doc.timeline)
    heading = f"Timeline ({count} {'entry' if count == 1 else 'entries'})"
    if not doc.timeline:
        return [Paragraph(heading, st.heading), Paragraph("Nothing has been logged yet.", st.body)]
    total = sum(max(row.duration_seconds, 0) for row in doc.timeline)
    if total:
        heading += f" · time logged {format_duration(total)}"
    head = [Paragraph(text, st.cell_head) for text in ("When", "Entry", "By", "Time", "Details")]
    rows: list[list[object]] = [head]
    for row in doc.timeline:
        rows.append([
            _stacked(format_datetime(row.occurred_at, doc.timezone)),
            _cell(_kind(row, doc.internal), _TIMELINE_WIDTHS[1]),
            _cell(row.author or "—", _TIMELINE_WIDTHS[2]),
            format_duration(row.duration_seconds),
            Paragraph(safe(row.text) or "—", st.cell),
        ])
    widths = [*_TIMELINE_WIDTHS, CONTENT_WIDTH - sum(_TIMELINE_WIDTHS)]
    # splitInRow: one pasted log longer than a page still prints, split across pages.
    table = LongTable(rows, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(table_style(("FONTSIZE", (3, 1), (3, -1), 8)))
    return [Paragraph(heading, st.heading), table]


def _kind(row: TimelineDocRow, internal: bool) -> str:
    """The entry's kind; on the staff's version a note the customer sees says so."""
    if internal and row.for_customer and row.kind_label == "Note":
        return "Note\n(for the customer)"
    return row.kind_label


def _stacked(when: str) -> str:
    """"12/03/2026 14:05 GMT" as the date over the time, to fit a narrow column."""
    date, _, time = when.partition(" ")
    return f"{date}\n{time}" if time else date


def _cell(text: str, width: float) -> str | Paragraph:
    """Short text as a plain cell (cheap to lay out); a wrapping Paragraph only when needed."""
    value = plain(text)
    if "\n" not in value and stringWidth(value, SANS, _CELL_SIZE) <= width - _CELL_PADDING:
        return value
    return Paragraph(safe(text), styles().cell)


def _resolution(doc: IncidentSummaryDoc) -> list[Flowable]:
    """How the incident ended, with the engineer's note."""
    st = styles()
    out: list[Flowable] = [Paragraph("Resolution", st.heading)]
    if not doc.resolution_label.strip():
        out.append(Paragraph(f"Not resolved yet (status: {safe(doc.status_label)}).", st.body))
        return [KeepTogether(out)]
    when = format_datetime(doc.resolved_at, doc.timezone)
    line = f"<b>{safe(doc.resolution_label)}</b>"
    if when:
        line += f" — {when}"
    out.append(Paragraph(line, st.body))
    if doc.resolution_note.strip():
        out.append(Spacer(1, 1.5 * mm))
        out.append(Paragraph(safe(doc.resolution_note), st.body))
    return [KeepTogether(out)]
