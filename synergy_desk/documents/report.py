"""A manager's report as an A4 PDF: key figures, warnings, charts and tables.

Fed a :class:`~synergy_desk.documents.data.ReportDoc`; every cell prints its text as the
report wrote it (its value is for sorting and the CSV). Charts are drawn with ReportLab's own
graphics so they print as sharp as the text.
"""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from synergy_desk.documents.data import ChartSeries, ReportDoc, ReportTable
from synergy_desk.documents.fonts import SANS, SANS_BOLD
from synergy_desk.documents.layout import (
    ACCENT,
    ALERT,
    CONTENT_WIDTH,
    FOOTER_SIZE,
    FOOTER_WIDTH,
    INK,
    MUTED,
    RULE,
    SHADE,
    PageFurniture,
    build_pdf,
    fit,
    header,
    key_values,
    plain,
    safe,
    styles,
    table_style,
)
from synergy_desk.domain.money import format_pence
from synergy_desk.domain.zones import format_datetime

__all__ = ["render_report", "report_footer", "wrap_label", "MAX_PDF_ROWS", "KEEP_TOGETHER_ROWS"]

#: A listing longer than this prints its first rows only, and says so (the CSV has them all).
MAX_PDF_ROWS = 2000
#: The least room a column of text shortened to one line takes.
_ONE_LINE_MIN = 25 * mm
#: A cell's left and right padding together (see layout.table_style), plus a point to spare.
_CELL_PADDING = 9
#: A table of at most this many rows (and its total) is never split across two pages.
KEEP_TOGETHER_ROWS = 25

_FLAG_FILL = colors.HexColor("#fde8e6")
#: The window's chart colours, in the same order, so a slice is the same colour on paper.
_PALETTE = tuple(colors.HexColor(c) for c in (
    "#2f5d8f", "#e08a2c", "#3f9a66", "#b8455b", "#7a5fb0", "#4aa3b8", "#a8863a", "#6b7a8c",
    "#d46fa7", "#8fb54a"))
_WARN_FILL = colors.HexColor("#fff4f2")


def _value_text(value: int, unit: str) -> str:
    if unit == "pence":
        return format_pence(value)
    return f"{value:,}"


def _axis_text(value: float, unit: str) -> str:
    if unit == "pence":
        pounds = value / 100
        return f"£{pounds:,.0f}"
    return f"{value:,.0f}"


def wrap_label(text: str, width: float, font: str = SANS, size: float = 7) -> str:
    """A category label broken into lines (at spaces) that each fit ``width`` points.

    A single word wider than ``width`` keeps its own line; the chart gives it room.
    """
    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _bar_chart(series: ChartSeries) -> Drawing:
    width, height = CONTENT_WIDTH, 62 * mm
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 10, series.title, fontName=SANS_BOLD, fontSize=10,
                       fillColor=ACCENT))
    labels = [plain(label) for label in series.labels]
    count = len(labels)
    chart = VerticalBarChart()
    chart.x, chart.y = 18 * mm, 16 * mm
    chart.width, chart.height = width - 22 * mm, height - 32 * mm
    chart.data = [list(series.values) or [0]]
    chart.strokeColor = None
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 4 if count <= 40 else 1
    top = max(series.values, default=0)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(top * 1.15, 1 if series.unit == "count" else 100)
    if series.unit == "count" and top < 8:
        chart.valueAxis.valueStep = 1
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.labelTextFormat = lambda v: _axis_text(v, series.unit)
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.gridStrokeColor = SHADE
    chart.valueAxis.visibleGrid = True
    chart.categoryAxis.categoryNames = labels or [""]
    if count <= 12:
        # Upright labels: long ones wrap onto lines of their bar's width rather than run into
        # their neighbours.
        slot = chart.width / max(count, 1) - 4
        chart.categoryAxis.categoryNames = [wrap_label(label, slot) for label in labels]
        chart.categoryAxis.labels.leading = 8.5
        chart.categoryAxis.labels.textAnchor = "middle"
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7 if count <= 16 else 6
    chart.categoryAxis.labels.fillColor = INK
    if count > 12:
        chart.categoryAxis.labels.angle = 90
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dy = -2
    if count > 62:
        # One label a week on a long period; the bars still show every day.
        step = -(-count // 60) if count > 120 else 7
        chart.categoryAxis.categoryNames = [
            label if i % step == 0 else "" for i, label in enumerate(labels)]
    if count <= 16:
        # Few bars: each carries its value.
        chart.barLabelFormat = lambda v: _value_text(int(v), series.unit) if v else ""
        chart.barLabels.fontName = SANS
        chart.barLabels.fontSize = 7
        chart.barLabels.fillColor = INK
        chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing


def _pie_chart(series: ChartSeries) -> Drawing:
    width, height = CONTENT_WIDTH, 56 * mm
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 10, series.title, fontName=SANS_BOLD, fontSize=10,
                       fillColor=ACCENT))
    shown = [(plain(label), value)
             for label, value in zip(series.labels, series.values, strict=True)
             if value > 0]
    total = sum(v for _, v in shown)
    if not shown:
        drawing.add(String(0, height / 2, "Nothing to show for this period.", fontName=SANS,
                           fontSize=9, fillColor=MUTED))
        return drawing
    pie = Pie()
    size = height - 22 * mm
    pie.x, pie.y = 12 * mm, 6 * mm
    pie.width = pie.height = size
    pie.data = [v for _, v in shown]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices.strokeWidth = 1
    for i in range(len(shown)):
        pie.slices[i].fillColor = _PALETTE[i % len(_PALETTE)]
    drawing.add(pie)
    # The legend: a swatch, the label, the value and its share.
    x = pie.x + size + 14 * mm
    y = pie.y + size - 8
    for i, (label, value) in enumerate(shown):
        drawing.add(Rect(x, y - 1, 7, 7, fillColor=_PALETTE[i % len(_PALETTE)],
                         strokeColor=None))
        share = 100 * value / total if total else 0
        drawing.add(String(x + 11, y, f"{label}: {_value_text(value, series.unit)} "
                                      f"({share:.0f}%)", fontName=SANS, fontSize=8.5,
                           fillColor=INK))
        y -= 13
    return drawing


def _chart(series: ChartSeries) -> Flowable:
    drawing = _pie_chart(series) if series.kind == "pie" else _bar_chart(series)
    return KeepTogether([drawing, Spacer(1, 3 * mm)])


def _widths(table: ReportTable) -> list[float]:
    """Column widths from what the columns hold: short columns never wrap, long text does."""
    wants: list[float] = []
    floors: list[float] = []
    sample = table.rows[:200]
    for i, name in enumerate(table.columns):
        heading = stringWidth(name, SANS_BOLD, 8.5)
        total = stringWidth(table.totals[i].text, SANS_BOLD, 8.5) if table.totals else 0.0
        longest = max([heading, total] + [stringWidth(row[i].text, SANS, 8.5) for row in sample])
        wants.append(longest + 12)
        floors.append(max(heading, total) + 12)
    one_line = {i for i in table.one_line if 0 <= i < len(wants)}
    if one_line:
        return _widths_with_one_line(table, wants, floors, one_line)
    return _spread(table, wants, set())


def _widths_with_one_line(table: ReportTable, wants: list[float], floors: list[float],
                          one_line: set[int]) -> list[float]:
    """Text shortened to one line takes the room the other columns leave, so names and
    figures keep their width; when they leave too little, it takes its least room and the
    other columns of words wrap."""
    if sum(wants) <= CONTENT_WIDTH:
        return _spread(table, wants, one_line)
    rest = CONTENT_WIDTH - sum(w for i, w in enumerate(wants) if i not in one_line)
    least = {i: max(_ONE_LINE_MIN, floors[i]) for i in one_line}
    if rest >= sum(least.values()):
        asked = sum(wants[i] for i in one_line)
        return [rest * w / asked if i in one_line else w for i, w in enumerate(wants)]
    return _spread(table, [least[i] if i in one_line else w for i, w in enumerate(wants)],
                   one_line)


def _spread(table: ReportTable, wants: list[float], keep: set[int]) -> list[float]:
    """The wanted widths fitted to the page; the columns in ``keep`` are never narrowed."""
    sample = table.rows[:200]
    total = sum(wants)
    if total <= CONTENT_WIDTH:
        # Spread the room left over in proportion, so the table spans the page.
        return [w * CONTENT_WIDTH / total for w in wants]
    # Too wide: the widest text columns are cut to one common width (and wrap). Figures,
    # dates and times keep their width: "01/12/2026 23:38" broken over two lines misreads;
    # beside a one-line column, so do numbers such as "CN-000012" (nowhere to wrap).
    flexible = [i for i, num in enumerate(table.numeric)
                if not num and i not in keep
                and any(any(ch.isalpha() for ch in row[i].text) for row in sample)
                and (not keep or any(" " in row[i].text.strip() for row in sample))]
    fixed = sum(w for i, w in enumerate(wants) if i not in flexible)
    if not flexible or (not keep and fixed >= CONTENT_WIDTH * 0.8):
        flexible = [i for i in range(len(wants)) if i not in keep]
        fixed = sum(wants[i] for i in keep)
    room = CONTENT_WIDTH - fixed
    low, high = 0.0, max(wants[i] for i in flexible)
    for _ in range(40):
        cap = (low + high) / 2
        if sum(min(wants[i], cap) for i in flexible) > room:
            high = cap
        else:
            low = cap
    widths = [min(w, low) if i in flexible else w for i, w in enumerate(wants)]
    spare = CONTENT_WIDTH - sum(widths)
    capped = [i for i in flexible if wants[i] > low] or flexible
    for i in capped:
        widths[i] += spare / len(capped)
    return widths


def _one_line(text: str, width: float, font: str = SANS) -> str:
    """Free text on one line of the cell's width, cut short with an ellipsis if it is longer."""
    return fit(" ".join(text.split()), font, 8.5, width)


def _table(table: ReportTable) -> list[Flowable]:
    st = styles()
    heading: Flowable = Paragraph(safe(table.title), st.heading)
    out: list[Flowable] = [CondPageBreak(30 * mm)]
    rows = table.rows
    note = table.note
    if len(rows) > MAX_PDF_ROWS:
        flagged_late = sum(1 for i in table.flagged_rows if i >= MAX_PDF_ROWS)
        rows = rows[:MAX_PDF_ROWS]
        note = (f"The first {MAX_PDF_ROWS:,} of {len(table.rows):,} rows are printed; the CSV "
                "export has them all."
                + (f" {flagged_late} flagged rows are further on; see the warnings above."
                   if flagged_late else "") + (f" {note}" if note else ""))
    if rows or table.totals:
        # Numbers right-aligned in the cells' size and ink: two styles made once a table,
        # not once a cell (a listing has thousands).
        right = {bold: (st.cell_head_right if bold else st.right).clone(
            f"sd-right-cell-{bold}", fontSize=8.5, leading=10.5, textColor=INK)
            for bold in (False, True)}

        def cell(text: str, numeric: bool, bold: bool = False) -> Paragraph:
            if numeric:
                return Paragraph(safe(text), right[bold])
            return Paragraph(safe(text), st.cell_bold if bold else st.cell)

        head = [Paragraph(safe(name), st.cell_head_right if num else st.cell_head)
                for name, num in zip(table.columns, table.numeric, strict=True)]
        widths = _widths(table)
        short = {i: widths[i] - _CELL_PADDING for i in table.one_line}
        body = [[cell(_one_line(c.text, short[i]) if i in short else c.text, num)
                 for i, (c, num) in enumerate(zip(row, table.numeric, strict=True))]
                for row in rows]
        extra: list[tuple[object, ...]] = []
        for i in table.flagged_rows:
            if i < len(rows):
                extra += [("BACKGROUND", (0, i + 1), (-1, i + 1), _FLAG_FILL),
                          ("LINEBEFORE", (0, i + 1), (0, i + 1), 2.5, ALERT)]
        if table.totals is not None:
            body.append([cell(_one_line(c.text, short[i], SANS_BOLD) if i in short
                              else c.text, num, bold=True)
                         for i, (c, num) in enumerate(zip(table.totals, table.numeric,
                                                          strict=True))])
            extra += [("LINEABOVE", (0, len(body)), (-1, len(body)), 0.9, ACCENT),
                      ("BACKGROUND", (0, len(body)), (-1, len(body)), SHADE)]
        grid = LongTable([head, *body], colWidths=widths, repeatRows=1, splitInRow=1)
        grid.setStyle(table_style(*extra))
        if len(body) <= KEEP_TOGETHER_ROWS:
            # A short table moves to the next page whole rather than leave its total behind.
            keep: list[Flowable] = [heading, grid]
            if note:
                keep += [Spacer(1, 1.5 * mm), Paragraph(safe(note), st.muted)]
            return [*out, KeepTogether(keep)]
        out += [heading, grid]
    else:
        out.append(heading)
    if note:
        out += [Spacer(1, 1.5 * mm), Paragraph(safe(note), st.muted)]
    return out


def _warnings(doc: ReportDoc) -> Flowable:
    st = styles()
    alert = st.bold.clone("sd-report-alert", textColor=ALERT)
    rows = [[Paragraph("Please check", alert)]]
    rows += [[Paragraph("• " + safe(text), st.body)] for text in doc.warnings]
    box = Table(rows, colWidths=[CONTENT_WIDTH])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, ALERT),
        ("BACKGROUND", (0, 0), (-1, -1), _WARN_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return box


def _summary(doc: ReportDoc) -> Flowable:
    st = styles()
    label = st.muted
    value = st.bold.clone("sd-report-figure", fontSize=12, leading=15)
    cells = [[Paragraph(safe(name), label), Paragraph(safe(figure.text), value)]
             for name, figure in doc.summary]
    # Two figures a row.
    rows = []
    for i in range(0, len(cells), 2):
        pair = cells[i:i + 2]
        if len(pair) == 1:
            pair.append(["", ""])
        rows.append([pair[0][0], pair[0][1], pair[1][0], pair[1][1]])
    quarter = CONTENT_WIDTH / 4
    table = Table(rows, colWidths=[quarter * 1.2, quarter * 0.8, quarter * 1.2, quarter * 0.8])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, -1), SHADE),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.white),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def report_footer(doc: ReportDoc) -> str:
    """Every page's footer: the office, the report and its period, when it was generated.

    The office's name (on the first page's letterhead) gives way first, so the period and
    the time of generation, which tie a loose page to its report, are never cut off.
    """
    title = plain(f"{doc.title} — {doc.period_text}")
    generated = f"Generated {format_datetime(doc.generated_at, doc.timezone)}"
    for parts in ((plain(doc.office.name), title, generated), (title, generated)):
        text = " · ".join(part for part in parts if part.strip())
        if stringWidth(text, SANS, FOOTER_SIZE) <= FOOTER_WIDTH:
            return text
    # Still too long: the title is shortened, the time of generation kept whole.
    room = FOOTER_WIDTH - stringWidth(f" · {generated}", SANS, FOOTER_SIZE)
    return f"{fit(title, SANS, FOOTER_SIZE, room)} · {generated}"


def render_report(doc: ReportDoc) -> bytes:
    """Print a report as an A4 PDF; identical input gives identical bytes.

    Raises:
        ValueError: a table's rows, totals or alignment do not match its columns.
    """
    for table in doc.tables:
        width = len(table.columns)
        if (len(table.numeric) != width or any(len(r) != width for r in table.rows)
                or (table.totals is not None and len(table.totals) != width)):
            raise ValueError(f"every row of the table {table.title!r} needs one cell per column")
    st = styles()
    facts = [("Period", doc.period_text),
             ("Generated", format_datetime(doc.generated_at, doc.timezone)),
             ("By", doc.generated_by)]
    if doc.scope:
        facts.append(("Scope", doc.scope))
    identity: list[Flowable] = [
        Paragraph(safe(doc.title), st.title_right),
        Spacer(1, 2 * mm),
        key_values(facts, CONTENT_WIDTH * 0.48, label_width=22 * mm),
    ]
    story: list[Flowable] = [header(doc.office, identity), Spacer(1, 4 * mm)]
    if doc.warnings:
        story += [_warnings(doc), Spacer(1, 4 * mm)]
    if doc.summary:
        story += [_summary(doc), Spacer(1, 5 * mm)]
    for series in doc.charts:
        story.append(_chart(series))
    for table in doc.tables:
        story += _table(table)
    title = f"{doc.title} — {doc.period_text}"
    footer = report_footer(doc)
    return build_pdf(
        story, furniture=PageFurniture(footer=footer, running_header=f"{plain(title)} (continued)"),
        title=plain(title), subject=plain(doc.scope or doc.title),
        author=plain(doc.office.name), created_at=doc.generated_at)
