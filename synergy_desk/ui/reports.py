"""The reports window: choose a report and a period, read it on screen, preview or save it.

The report is built on the background helper and shown as the service returned it: warnings
first, the key figures, the charts, then every table (sortable by value). The PDF and the CSV
are made from the report on screen, so what is saved is what was read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import DomainError, ValidationError
from synergy_desk.domain.money import format_pence, parse_pence
from synergy_desk.domain.zones import day_text
from synergy_desk.services.common import Actor
from synergy_desk.services.data.files import save_file
from synergy_desk.services.money import cash_counts
from synergy_desk.services.reporting import reports
from synergy_desk.services.reporting.reports import Cell, ReportData, ReportKind, ReportTable
from synergy_desk.ui import errors, formatting, palette
from synergy_desk.ui.chart import ChartWidget
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import Latest, Op, call, reporting_errors
from synergy_desk.ui.palette import Colour
from synergy_desk.ui.table_model import Column, TableModel
from synergy_desk.ui.worker import Background

__all__ = ["ReportRow", "ReportsWindow", "CashCountDialog", "open_reports", "report_columns",
           "report_table_model", "report_totals_model"]

AnyIndex = QModelIndex | QPersistentModelIndex
#: The report's name on each chooser entry.
NAME_ROLE = Qt.ItemDataRole.UserRole

#: What a row too short for its table shows in the missing columns.
_NO_CELL = Cell.plain("")

#: A flagged row (a gap in the numbering): red on a red shade, and its text says what is wrong.
_FLAG = palette.ERROR_TONE


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One row of a report's table as the window shows it."""

    #: Its place in the report's table (the service's order).
    id: int
    cells: tuple[Cell, ...]
    #: Shown as a problem (a gap in the numbering).
    flagged: bool = False

    def cell(self, column: int) -> Cell:
        return self.cells[column] if column < len(self.cells) else _NO_CELL


def report_columns(table: ReportTable, *, totals: bool = False) -> tuple[Column[ReportRow], ...]:
    """A table's columns: each cell's text as the service wrote it, sorted by its value."""
    numeric = tuple(table.numeric) + (False,) * (len(table.columns) - len(table.numeric))

    def ink(row: ReportRow) -> Colour | None:
        return _FLAG.text if row.flagged else None

    def shade(row: ReportRow) -> Colour | None:
        return _FLAG.background if row.flagged else None

    def bold(row: ReportRow) -> bool:
        return totals or row.flagged

    def column(i: int, heading: str) -> Column[ReportRow]:
        def tip(row: ReportRow) -> str | None:
            text = row.cell(i).text
            return text if len(text) > 40 else None

        return Column(heading, lambda row: row.cell(i).text, lambda row: row.cell(i).value,
                      tooltip=tip, foreground=ink, background=shade, bold=bold,
                      number=numeric[i])

    return tuple(column(i, heading) for i, heading in enumerate(table.columns))


def report_table_model(table: ReportTable, parent: QObject | None = None
                       ) -> TableModel[ReportRow]:
    """A table's rows in the service's order until a heading is clicked; flagged rows in red."""
    model: TableModel[ReportRow] = TableModel(report_columns(table), parent)
    flagged = frozenset(table.flagged_rows)
    model.set_rows([ReportRow(i, cells, i in flagged) for i, cells in enumerate(table.rows)])
    return model


def report_totals_model(table: ReportTable, parent: QObject | None = None
                        ) -> TableModel[ReportRow]:
    """A table's totals row, in bold, on its own: it never sorts with the rows."""
    model: TableModel[ReportRow] = TableModel(report_columns(table, totals=True), parent)
    model.set_rows([ReportRow(0, table.totals)] if table.totals is not None else [])
    return model


def _table_view(name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    # Headings sit over their cells: text on the left, figures (the model says) on the right.
    view.horizontalHeader().setDefaultAlignment(
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return view


class ReportTableBlock(QWidget):
    """A table's title, note, rows (sortable) and its totals row, which never sorts."""

    #: Long listings scroll inside their table past this many rows.
    MAX_VISIBLE_ROWS = 14

    def __init__(self, table: ReportTable, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"reportTableBlock{index}")
        self.table = table
        self.model = report_table_model(table, self)
        self.view = _table_view("reportTable")
        self.view.setModel(self.model)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicatorShown(False)
        self.view.horizontalHeader().sortIndicatorChanged.connect(
            lambda *_a: self.view.horizontalHeader().setSortIndicatorShown(True))
        # Unsorted until someone clicks a heading: the service's order (e.g. by number) first.
        self.model.sort(-1)
        title = QLabel(table.title)
        title.setObjectName("reportTableTitle")
        title.setStyleSheet("font-weight:600; font-size:11pt; " + palette.HEADING.text_style())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 6)
        layout.setSpacing(3)
        heading = QHBoxLayout()
        heading.setSpacing(10)
        heading.addWidget(title)
        count = QLabel(self._count_text())
        count.setStyleSheet(palette.MUTED.text_style())
        heading.addWidget(count, 0, Qt.AlignmentFlag.AlignBottom)
        heading.addStretch(1)
        layout.addLayout(heading)
        if table.note:
            note = QLabel(table.note)
            note.setObjectName("reportTableNote")
            note.setWordWrap(True)
            note.setStyleSheet(palette.MUTED.text_style())
            layout.addWidget(note)
        self.totals_view: QTableView | None = None
        self.totals_model: TableModel[ReportRow] | None = None
        # The rows and the totals share one column: as wide as the text needs (a short table
        # is not stretched across a wide window, which would part labels from their figures).
        self.body = QWidget()
        self.body.setObjectName("reportTableBody")
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body_row = QHBoxLayout()
        body_row.setContentsMargins(0, 0, 0, 0)
        body_row.addWidget(self.body, 1)
        body_row.addStretch(0)
        layout.addLayout(body_row)
        if table.rows:
            body.addWidget(self.view)
            if table.totals is not None:
                self.totals_model = report_totals_model(table, self)
                self.totals_view = _table_view("reportTotals")
                self.totals_view.setModel(self.totals_model)
                self.totals_view.horizontalHeader().hide()
                self.totals_view.setAlternatingRowColors(False)
                self.totals_view.setHorizontalScrollBarPolicy(
                    Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
                self.totals_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
                self.totals_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                self.totals_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
                self.totals_view.setStyleSheet(
                    f"QTableView {{ background:{palette.SHADE.hex()}; }}")
                body.addWidget(self.totals_view)
                head = self.view.horizontalHeader()
                head.sectionResized.connect(self._on_section_resized)
                self.view.horizontalScrollBar().valueChanged.connect(
                    self.totals_view.horizontalScrollBar().setValue)
        else:
            self.view.hide()
        self._size_columns()

    def _count_text(self) -> str:
        count = len(self.table.rows)
        if count == 0:
            return ""
        return self.tr("1 row") if count == 1 else self.tr("%s rows") % f"{count:,}"

    def _size_columns(self) -> None:
        head = self.view.horizontalHeader()
        head.setStretchLastSection(False)
        metrics = QFontMetrics(self.view.font())
        bold = QFont(self.view.font())
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        # Widths from the text itself (the first rows and the totals), not from every cell:
        # a listing of thousands of rows must still open at once.
        sample = list(self.table.rows[:200]) + ([self.table.totals] if self.table.totals else [])
        widths = []
        for column, heading in enumerate(self.table.columns):
            widest = bold_metrics.horizontalAdvance(heading) + 28
            for cells in sample:
                if column < len(cells):
                    widest = max(widest,
                                 bold_metrics.horizontalAdvance(cells[column].text) + 18)
            widths.append(min(widest, 420))
        for column, width in enumerate(widths):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            head.resizeSection(column, width)
        natural = sum(widths) + self.view.frameWidth() * 2 \
            + self.view.verticalScrollBar().sizeHint().width()
        self.body.setMaximumWidth(max(natural + 160, 640))
        if widths:
            # The widest text column takes up what is left of the window's width.
            text_columns = [c for c in range(len(widths))
                            if c >= len(self.table.numeric) or not self.table.numeric[c]]
            if text_columns:
                stretch = max(text_columns, key=lambda c: widths[c])
                head.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        row_height = max(metrics.height() + 8, self.view.verticalHeader().defaultSectionSize())
        self.view.verticalHeader().setDefaultSectionSize(row_height)
        shown = min(len(self.table.rows), self.MAX_VISIBLE_ROWS)
        self._rows_height = head.sizeHint().height() + row_height * shown \
            + self.view.frameWidth() * 2
        self._fit_height()
        self.view.horizontalScrollBar().rangeChanged.connect(self._fit_height)
        if self.totals_view is not None:
            self.totals_view.verticalHeader().setDefaultSectionSize(row_height)
            self.totals_view.setFixedHeight(row_height + self.totals_view.frameWidth() * 2)
            for column in range(len(widths)):
                self.totals_view.horizontalHeader().setSectionResizeMode(
                    column, QHeaderView.ResizeMode.Fixed)
            self._sync_totals()

    def _fit_height(self, *_args: object) -> None:
        # Room for the sideways scroll bar only when the columns are wider than the window.
        bar = self.view.horizontalScrollBar()
        extra = bar.sizeHint().height() if bar.maximum() > 0 else 0
        self.view.setFixedHeight(self._rows_height + extra)

    def _on_section_resized(self, column: int, _old: int, new: int) -> None:
        if self.totals_view is not None:
            self.totals_view.horizontalHeader().resizeSection(column, new)

    def _sync_totals(self) -> None:
        if self.totals_view is None:
            return
        head = self.view.horizontalHeader()
        for column in range(head.count()):
            self.totals_view.horizontalHeader().resizeSection(column, head.sectionSize(column))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._sync_totals()


class _ChooserDelegate(QStyledItemDelegate):
    """Each report on two lines: its title in bold, then its description."""

    PADDING = 8

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.92)
        return title, small

    def _texts(self, index: AnyIndex) -> tuple[str, str]:
        return str(index.data(Qt.ItemDataRole.DisplayRole) or ""), \
            str(index.data(Qt.ItemDataRole.ToolTipRole) or "")

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:  # noqa: N802
        title_font, small = self._fonts(option)
        title, description = self._texts(index)
        view = self.parent()
        width = (view.viewport().width() if isinstance(view, QListWidget) else 240) \
            - 2 * self.PADDING
        height = QFontMetrics(title_font).height()
        height += QFontMetrics(small).boundingRect(
            QRect(0, 0, max(60, width), 10_000), int(Qt.TextFlag.TextWordWrap), description
        ).height()
        return QSize(width, height + 2 * self.PADDING + 3)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if selected:
            painter.fillRect(option.rect, palette.SELECTED.qcolor())
            painter.fillRect(QRect(option.rect.left(), option.rect.top(), 4,
                                   option.rect.height()), palette.HEADING.qcolor())
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(option.rect, palette.HOVER.qcolor())
        painter.setPen(palette.RULE.qcolor())
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        title_font, small = self._fonts(option)
        title, description = self._texts(index)
        area = option.rect.adjusted(self.PADDING + 4, self.PADDING, -self.PADDING, -self.PADDING)
        painter.setFont(title_font)
        painter.setPen((palette.HEADING if selected else palette.INK).qcolor())
        title_height = QFontMetrics(title_font).height()
        painter.drawText(QRect(area.left(), area.top(), area.width(), title_height),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
        painter.setFont(small)
        painter.setPen(palette.SECONDARY.qcolor())
        painter.drawText(QRect(area.left(), area.top() + title_height + 3, area.width(),
                               area.height() - title_height),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap), description)
        if option.state & QStyle.StateFlag.State_HasFocus:
            painter.setPen(palette.FOCUS.qcolor())
            painter.drawRect(option.rect.adjusted(0, 0, -1, -1))
        painter.restore()


def quick_period(which: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days of a quick period ("today", "yesterday", "week", "month", "last_month")."""
    if which == "today":
        return today, today
    if which == "yesterday":
        day = today - dt.timedelta(days=1)
        return day, day
    if which == "week":
        return today - dt.timedelta(days=today.weekday()), today
    if which == "month":
        return today.replace(day=1), today
    if which == "last_month":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    raise ValueError(which)


QUICK_PERIODS = (("today", "Today"), ("yesterday", "Yesterday"), ("week", "This week"),
                 ("month", "This month"), ("last_month", "Last month"))


class CashCountDialog(FormDialog[cash_counts.CashCountInfo]):
    """Count the drawer at the end of a day: the float and the cash counted, set against the
    cash the day's takings put there; a variance over the manager's threshold needs a reason.

    Saving calls the service: a refusal (no reason for a large variance) is shown here and the
    dialog stays open.
    """

    def __init__(self, parent: QWidget | None, actor: Actor,
                 expected: cash_counts.ExpectedCash, threshold_pence: int) -> None:
        super().__init__(parent, message_name="cashCountMessage")
        self.setObjectName("cashCountDialog")
        self._actor = actor
        self._expected = expected
        self._threshold = threshold_pence
        self.setWindowTitle(self.tr("Count the cash drawer — %s") % day_text(expected.day))
        whose = (self.tr("your own takings") if expected.drawer_of is not None
                 else self.tr("the whole office's takings"))
        intro = QLabel(self.tr(
            "Count the cash in the drawer, the float included, for %(whose)s on %(day)s. "
            "Cash takings %(taken)s, cash refunds %(back)s: %(net)s should be in the drawer "
            "besides the float.") % {
                "whose": whose, "day": day_text(expected.day),
                "taken": format_pence(expected.cash_taken_pence),
                "back": format_pence(expected.cash_refunded_pence),
                "net": format_pence(expected.takings_pence)})
        intro.setObjectName("cashCountIntro")
        intro.setWordWrap(True)
        self.float_edit = QLineEdit()
        self.float_edit.setObjectName("cashCountFloat")
        self.float_edit.setPlaceholderText("0.00")
        self.counted = QLineEdit()
        self.counted.setObjectName("cashCountCounted")
        self.counted.setPlaceholderText("0.00")
        self.variance = QLabel()
        self.variance.setObjectName("cashCountVariance")
        self.variance.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("cashCountReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr(
            "Why the drawer holds more or less than expected (needed over %s)")
            % format_pence(threshold_pence))
        self.fields = {"float_pence": self.float_edit, "counted_pence": self.counted,
                       "reason": self.reason}
        form = QFormLayout()
        float_label = QLabel(self.tr("&Float:"))
        float_label.setBuddy(self.float_edit)
        form.addRow(float_label, self.float_edit)
        counted_label = QLabel(self.tr("Cash c&ounted (float included):"))
        counted_label.setBuddy(self.counted)
        form.addRow(counted_label, self.counted)
        form.addRow("", self.variance)
        reason_label = QLabel(self.tr("&Reason:"))
        reason_label.setBuddy(self.reason)
        form.addRow(reason_label, self.reason)
        self.ok_button.setText(self.tr("&Save count"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form, 1)
        self.add_message_and_buttons(layout)
        self.float_edit.textChanged.connect(self._on_amount_changed)
        self.counted.textChanged.connect(self._on_amount_changed)
        self._on_amount_changed()
        self.resize(520, 340)
        self.float_edit.setFocus()

    def _amounts(self) -> tuple[int, int]:
        """(float, counted) as typed; raises ValidationError for the box to put right."""
        float_pence = parse_pence(self.float_edit.text() or "0", field="float")
        counted = parse_pence(self.counted.text(), field="cash counted")
        return float_pence, counted

    def _on_amount_changed(self, *_args: object) -> None:
        try:
            float_pence, counted = self._amounts()
        except ValidationError:
            float_text = self.float_edit.text() or "0"
            try:
                expected = parse_pence(float_text, field="float") + self._expected.takings_pence
                self.variance.setText(self.tr("Expected in the drawer: %s") %
                                      format_pence(expected))
            except ValidationError:
                self.variance.setText("")
            self.variance.setStyleSheet(palette.MUTED.text_style())
            return
        expected = float_pence + self._expected.takings_pence
        difference = counted - expected
        if difference == 0:
            text = self.tr("Expected %s: the drawer is right.") % format_pence(expected)
        else:
            word = self.tr("over") if difference > 0 else self.tr("short")
            text = self.tr("Expected %(expected)s: %(diff)s %(word)s.") % {
                "expected": format_pence(expected), "diff": format_pence(abs(difference)),
                "word": word}
            if abs(difference) > self._threshold:
                text += " " + self.tr("Give the reason.")
        tone = palette.SUCCESS if abs(difference) <= self._threshold else palette.ERROR
        self.variance.setStyleSheet(tone.text_style())
        self.variance.setText(text)

    def validate(self) -> None:
        try:
            self._amounts()
        except ValidationError as exc:
            widget = self.float_edit if exc.field == "float" else self.counted
            raise Problem(exc.message, widget) from None

    def answer(self) -> cash_counts.CashCountInfo:
        float_pence, counted = self._amounts()
        return cash_counts.count_drawer(self._actor, self._expected.day, counted, float_pence,
                                        self.reason.toPlainText())

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor, expected: cash_counts.ExpectedCash,
            threshold_pence: int) -> cash_counts.CashCountInfo | None:
        return cls(parent, actor, expected, threshold_pence).ask_value()


class ReportsWindow(QDialog):
    """Choose a report and its period, run it in the background, read it, preview or save it."""

    #: A report arrived and is on screen.
    report_shown = Signal(object)
    #: A file was written (its path).
    exported = Signal(str)
    #: Building the report failed (the message shown).
    failed = Signal(str)
    #: The drawer was counted (the CashCountInfo saved).
    drawer_counted = Signal(object)

    def __init__(self, actor: Actor, background: Background,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportsWindow")
        self.setWindowTitle(self.tr("Reports"))
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setWindowFlag(Qt.WindowType.WindowMinimizeButtonHint, True)
        self.setSizeGripEnabled(True)
        self._actor = actor
        self._background = background
        self._kinds: tuple[ReportKind, ...] = reports.report_kinds(actor)
        self._fixed_to_today = actor.role is Role.RECEPTION
        self._runs = Latest()
        self._data: ReportData | None = None
        self.charts: list[ChartWidget] = []
        self.table_blocks: list[ReportTableBlock] = []

        sidebar = QWidget()
        sidebar.setObjectName("reportSidebar")
        sidebar.setFixedWidth(300)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self._heading(self.tr("Report")))
        self.chooser = QListWidget()
        self.chooser.setObjectName("reportChooser")
        self.chooser.setItemDelegate(_ChooserDelegate(self.chooser))
        self.chooser.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.chooser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Each entry wraps its description to the list's width, so re-lay them on a resize.
        self.chooser.setResizeMode(QListView.ResizeMode.Adjust)
        self.chooser.setMouseTracking(True)
        self.chooser.setStyleSheet(f"QListWidget {{ border:1px solid {palette.FRAME.hex()}; "
                                   f"background:{palette.PAGE.hex()}; }}")
        for kind in self._kinds:
            item = QListWidgetItem(self.tr(kind.title))
            item.setData(NAME_ROLE, kind.name)
            item.setToolTip(self.tr(kind.description))
            self.chooser.addItem(item)
        self.chooser.setAccessibleName(self.tr("Report"))
        self.chooser.currentRowChanged.connect(self._on_chooser_changed)
        self.chooser.itemActivated.connect(lambda _item: self.run())
        side.addWidget(self.chooser, 1)
        side.addWidget(self._period_box())

        self.run_button = QPushButton(self.tr("&Run report"))
        self.run_button.setObjectName("runReportButton")
        self.run_button.setDefault(True)
        self.run_button.setToolTip(self.tr("Build the report (F5 or Ctrl+Enter)"))
        self.run_button.setMinimumHeight(34)
        self.run_button.clicked.connect(self.run)
        side.addWidget(self.run_button)
        for keys in ("F5", "Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self._on_run_shortcut)
        self.busy = QProgressBar()
        self.busy.setObjectName("reportBusy")
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumHeight(6)
        self.busy.hide()
        side.addWidget(self.busy)
        self.message = MessageLine("reportMessage", colour=palette.MUTED)
        side.addWidget(self.message)

        main = QVBoxLayout()
        main.setContentsMargins(0, 0, 0, 0)
        main.addLayout(self._action_bar())
        self.scroll = QScrollArea()
        self.scroll.setObjectName("reportScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroll.setStyleSheet(
            f"QScrollArea#reportScroll {{ background:{palette.BACKDROP.hex()}; }}")
        main.addWidget(self.scroll, 1)
        self._show_placeholder(self.tr("Choose a report and a period, then press Run report "
                                       "(F5)."))

        outer = QHBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)
        outer.setSpacing(12)
        outer.addWidget(sidebar)
        outer.addLayout(main, 1)
        self.resize(1240, 820)

        if self._kinds:
            self.chooser.setCurrentRow(0)
        else:
            self.run_button.setEnabled(False)
            self._show_placeholder(self.tr("You may not run any reports."))
        self._set_exports_enabled(False)
        self.count_button.setEnabled(self._count_day() is not None)

    # --- building ---------------------------------------------------------------------------

    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("font-weight:600; " + palette.HEADING.text_style())
        return label

    def _period_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Period"))
        box.setObjectName("reportPeriod")
        grid = QGridLayout(box)
        today = formatting.office_today()
        self.date_from = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_from.setObjectName("reportFrom")
        self.date_to = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_to.setObjectName("reportTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(_date_format())
            edit.setMinimumDate(QDate(2000, 1, 1))
        self.date_from.dateChanged.connect(self._on_from_changed)
        self.date_to.dateChanged.connect(self._on_to_changed)
        from_label = QLabel(self.tr("&From:"))
        from_label.setBuddy(self.date_from)
        to_label = QLabel(self.tr("&To:"))
        to_label.setBuddy(self.date_to)
        grid.addWidget(from_label, 0, 0)
        grid.addWidget(self.date_from, 0, 1)
        grid.addWidget(to_label, 1, 0)
        grid.addWidget(self.date_to, 1, 1)
        self.quick_buttons: dict[str, QPushButton] = {}
        quick = QGridLayout()
        quick.setSpacing(4)
        for i, (key, label) in enumerate(QUICK_PERIODS):
            button = QPushButton(self.tr(label))
            button.setObjectName(f"reportPeriod_{key}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, k=key: self.set_quick_period(k))
            self.quick_buttons[key] = button
            quick.addWidget(button, i // 3, i % 3)
        grid.addLayout(quick, 2, 0, 1, 2)
        self.period_note = QLabel()
        self.period_note.setObjectName("reportPeriodNote")
        self.period_note.setWordWrap(True)
        self.period_note.setStyleSheet(palette.MUTED.text_style())
        grid.addWidget(self.period_note, 3, 0, 1, 2)
        if self._fixed_to_today:
            for widget in (self.date_from, self.date_to, *self.quick_buttons.values()):
                widget.setEnabled(False)
            self.period_note.setText(self.tr(
                "Reception sees its own takings for today only; ask a manager for other days "
                "or other reports."))
        else:
            self.period_note.hide()
        return box

    def _action_bar(self) -> QHBoxLayout:
        self.count_button = QPushButton(self.tr("Count dra&wer…"))
        self.count_button.setObjectName("countDrawerButton")
        self.count_button.setToolTip(self.tr(
            "Count the cash in the drawer for the day of the cash-up (Ctrl+Shift+H)"))
        self.count_button.setShortcut(QKeySequence("Ctrl+Shift+H"))
        self.count_button.setAutoDefault(False)
        self.count_button.clicked.connect(self.count_drawer)
        self.preview_button = QPushButton(self.tr("&Preview PDF…"))
        self.preview_button.setObjectName("reportPreviewPdf")
        self.preview_button.setToolTip(self.tr("Open the report as a PDF to print (Ctrl+P)"))
        self.preview_button.setShortcut(QKeySequence("Ctrl+P"))
        self.preview_button.clicked.connect(self.preview_pdf)
        self.save_pdf_button = QPushButton(self.tr("Save P&DF…"))
        self.save_pdf_button.setObjectName("reportSavePdf")
        self.save_pdf_button.setToolTip(self.tr("Save the report as a PDF file (Ctrl+S)"))
        self.save_pdf_button.setShortcut(QKeySequence("Ctrl+S"))
        self.save_pdf_button.clicked.connect(self._on_save_pdf_clicked)
        self.save_csv_button = QPushButton(self.tr("Save &CSV…"))
        self.save_csv_button.setObjectName("reportSaveCsv")
        self.save_csv_button.setToolTip(self.tr(
            "Save every table of the report as a CSV file for a spreadsheet (Ctrl+Shift+S)"))
        self.save_csv_button.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.save_csv_button.clicked.connect(self._on_save_csv_clicked)
        for button in (self.preview_button, self.save_pdf_button, self.save_csv_button):
            button.setAutoDefault(False)
        self.result_label = QLabel()
        self.result_label.setObjectName("reportResultLabel")
        self.result_label.setStyleSheet(palette.MUTED.text_style())
        row = QHBoxLayout()
        row.addWidget(self.result_label, 1)
        row.addWidget(self.count_button)
        row.addWidget(self.preview_button)
        row.addWidget(self.save_pdf_button)
        row.addWidget(self.save_csv_button)
        return row

    # --- choosing ---------------------------------------------------------------------------

    def kinds(self) -> tuple[ReportKind, ...]:
        """The reports offered in the chooser."""
        return self._kinds

    def current_name(self) -> str | None:
        item = self.chooser.currentItem()
        return None if item is None else str(item.data(NAME_ROLE))

    def select_report(self, name: str) -> bool:
        """Choose a report by name ("cashup"); False when this user may not run it."""
        for row in range(self.chooser.count()):
            if self.chooser.item(row).data(NAME_ROLE) == name:
                self.chooser.setCurrentRow(row)
                return True
        return False

    def period(self) -> tuple[dt.date, dt.date]:
        """The period chosen (office-local days, inclusive)."""
        return self.date_from.date().toPython(), self.date_to.date().toPython()

    def set_period(self, start: dt.date, end: dt.date) -> None:
        if self._fixed_to_today:
            return
        self.date_to.blockSignals(True)
        self.date_from.blockSignals(True)
        self.date_from.setDate(QDate(start.year, start.month, start.day))
        self.date_to.setDate(QDate(end.year, end.month, end.day))
        self.date_from.blockSignals(False)
        self.date_to.blockSignals(False)
        self._on_parameters_changed()

    def set_quick_period(self, which: str) -> None:
        """Today, yesterday, this week, this month or last month, in the office's time zone."""
        self.set_period(*quick_period(which, formatting.office_today()))

    def _on_from_changed(self, date: QDate) -> None:
        if date > self.date_to.date():
            self.date_to.setDate(date)
        self._on_parameters_changed()

    def _on_to_changed(self, date: QDate) -> None:
        if date < self.date_from.date():
            self.date_from.setDate(date)
        self._on_parameters_changed()

    def _on_chooser_changed(self, _row: int) -> None:
        self._on_parameters_changed()

    def _count_day(self) -> dt.date | None:
        """The day whose drawer may be counted: the cash-up's single day (reception: today)."""
        if self.current_name() != "cashup":
            return None
        if self._fixed_to_today:
            return formatting.office_today()
        start, end = self.period()
        return start if start == end else None

    def count_drawer(self) -> cash_counts.CashCountInfo | None:
        """Count the drawer for the cash-up's day; the cash-up is run again to show it."""
        day = self._count_day()
        if day is None:
            self.message.note(self.tr("Choose the cash-up and a single day to count its drawer."))
            return None
        expected = call(self, cash_counts.expected_cash, self._actor, day)
        if expected is None:
            return None
        info = CashCountDialog.ask(self, self._actor, expected, expected.threshold_pence)
        if info is None:
            return None
        self.drawer_counted.emit(info)
        self.run()
        return info

    def _on_parameters_changed(self) -> None:
        self.count_button.setEnabled(self._count_day() is not None)
        if self._data is None or self.is_running():
            return
        start, end = self.period()
        if (self._data.name, self._data.start, self._data.end) != (self.current_name(), start,
                                                                   end):
            self.message.note(self.tr(
                "The report shown is “%(title)s” for %(period)s; press Run report for the one "
                "chosen.") % {"title": self._data.title, "period": self._data.period_text})
        else:
            self.message.clear()

    # --- running ----------------------------------------------------------------------------

    def is_running(self) -> bool:
        """Whether a report is being built (the busy bar shows while it is)."""
        return not self.busy.isHidden()

    def report(self) -> ReportData | None:
        """The report on screen, if any."""
        return self._data

    def _on_run_shortcut(self) -> None:
        if self.run_button.isEnabled():
            self.run()

    def run(self) -> None:
        """Build the chosen report on the background helper; an older run still going is dropped."""
        name = self.current_name()
        if name is None:
            return
        start, end = self.period()
        if self._fixed_to_today:
            start = end = formatting.office_today()
        actor = self._actor

        def build() -> ReportData:
            return reports.build_report(actor, name, start, end)

        def failed(exc: Exception) -> None:
            if isinstance(exc, DomainError):
                self.message.problem(exc.message)
            else:
                self.message.clear()
            self.failed.emit(str(exc))
            errors.show_error(self, exc)

        self._set_running(True)
        title = next((k.title for k in self._kinds if k.name == name), name)
        self.message.note(self.tr("Building “%s”…") % self.tr(title))
        # A run started meanwhile (other dates) makes this one's answer stale: it is dropped.
        Op(self, self._background, build).unless(self._runs.start()) \
            .finally_(lambda: self._set_running(False)) \
            .success(self.show_report).failure(failed).run()

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running and bool(self._kinds))
        self.busy.setVisible(running)
        if running:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()
            self.message.clear()

    # --- showing ----------------------------------------------------------------------------

    def _show_placeholder(self, text: str) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        label = QLabel(text)
        label.setObjectName("reportPlaceholder")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        label.setStyleSheet(palette.MUTED.text_style() + " font-size:11pt;")
        layout.addWidget(label)
        self.scroll.setWidget(page)

    def show_report(self, data: ReportData) -> None:
        """Put a report on screen (warnings, key figures, charts, tables)."""
        self._data = data
        page = QWidget()
        page.setObjectName("reportPage")
        page.setStyleSheet(f"QWidget#reportPage {{ background:{palette.PAGE.hex()}; }}")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(18, 14, 18, 18)
        layout.setSpacing(10)
        layout.addWidget(self._header(data))

        self.warnings_box: QFrame | None = None
        if data.warnings:
            self.warnings_box = self._warnings(data.warnings)
            layout.addWidget(self.warnings_box)
        self.summary_box = self._summary(data.summary)
        layout.addWidget(self.summary_box)

        self.charts = []
        if data.charts:
            charts = QGridLayout()
            charts.setSpacing(10)
            for i, series in enumerate(data.charts):
                chart = ChartWidget(series)
                self.charts.append(chart)
                charts.addWidget(chart, i // 2, i % 2)
            if len(data.charts) == 1:
                charts.setColumnStretch(1, 1)
                charts.addWidget(QWidget(), 0, 1)
            layout.addLayout(charts)

        self.table_blocks = []
        for i, table in enumerate(data.tables):
            block = ReportTableBlock(table, i)
            self.table_blocks.append(block)
            layout.addWidget(block)
        layout.addStretch(1)
        self.scroll.setWidget(page)
        self.result_label.setText(self.tr("%(title)s — %(period)s") % {
            "title": data.title, "period": data.period_text})
        self._set_exports_enabled(True)
        self.message.clear()
        self.report_shown.emit(data)

    def _header(self, data: ReportData) -> QWidget:
        header = QWidget()
        header.setObjectName("reportHeader")
        grid = QVBoxLayout(header)
        grid.setContentsMargins(0, 0, 0, 4)
        grid.setSpacing(2)
        title = QLabel(data.title)
        title.setObjectName("reportTitle")
        title.setStyleSheet("font-size:16pt; font-weight:600; " + palette.HEADING.text_style())
        grid.addWidget(title)
        period = QLabel(data.period_text)
        period.setObjectName("reportPeriodText")
        period.setStyleSheet("font-size:11pt; " + palette.INK.text_style())
        grid.addWidget(period)
        details = [data.office.name] if data.office.name else []
        details.append(self.tr("generated %(when)s by %(who)s") % {
            "when": formatting.short_datetime(data.generated_at), "who": data.generated_by})
        if data.timezone:
            details.append(self.tr("times in %s") % data.timezone)
        meta = QLabel(" · ".join(details))
        meta.setStyleSheet(palette.MUTED.text_style())
        grid.addWidget(meta)
        if data.scope:
            scope = QLabel(data.scope)
            scope.setObjectName("reportScope")
            scope.setStyleSheet(palette.WARNING.text_style() + " font-weight:600;")
            grid.addWidget(scope)
        return header

    def _warnings(self, warnings: tuple[str, ...]) -> QFrame:
        box = QFrame()
        box.setObjectName("reportWarnings")
        box.setStyleSheet(
            f"QFrame#reportWarnings {{ border:2px solid {palette.ERROR.hex()}; "
            f"border-radius:4px; background:{palette.ERROR_TONE.background.hex()}; }} "
            f"QLabel {{ color:{palette.ERROR_TONE.text.hex()}; border:none; }}")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(3)
        heading = QLabel(self.tr("Check before you sign this off"))
        heading.setStyleSheet("font-weight:700;")
        layout.addWidget(heading)
        for text in warnings:
            label = QLabel("• " + text)
            label.setObjectName("reportWarning")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        return box

    def _summary(self, summary: tuple[tuple[str, Cell], ...]) -> QFrame:
        box = QFrame()
        box.setObjectName("reportSummary")
        box.setStyleSheet(f"QFrame#reportSummary {{ background:{palette.SHADE.hex()}; "
                          "border-radius:4px; }")
        grid = QGridLayout(box)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(8)
        per_row = 4
        self.summary_values: dict[str, QLabel] = {}
        for i, (label, value) in enumerate(summary):
            cell = QVBoxLayout()
            cell.setSpacing(0)
            name = QLabel(label)
            name.setStyleSheet(palette.MUTED.text_style())
            name.setWordWrap(True)
            figure = QLabel(value.text)
            figure.setObjectName("reportSummaryValue")
            figure.setAccessibleName(label)
            figure.setStyleSheet("font-size:13pt; font-weight:600; " + palette.INK.text_style())
            figure.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            cell.addWidget(name)
            cell.addWidget(figure)
            grid.addLayout(cell, i // per_row, i % per_row)
            self.summary_values[label] = figure
        for column in range(per_row):
            grid.setColumnStretch(column, 1)
        if not summary:
            box.hide()
        return box

    def summary(self) -> dict[str, str]:
        """The key figures on screen, label to value."""
        return {label: widget.text() for label, widget in self.summary_values.items()} \
            if self._data is not None else {}

    # --- exporting --------------------------------------------------------------------------

    def _set_exports_enabled(self, enabled: bool) -> None:
        for button in (self.preview_button, self.save_pdf_button, self.save_csv_button):
            button.setEnabled(enabled)

    def _file_stem(self) -> str:
        assert self._data is not None
        if self._data.start == self._data.end:
            return f"{self._data.name}-{self._data.start.isoformat()}"
        return f"{self._data.name}-{self._data.start.isoformat()}-to-{self._data.end.isoformat()}"

    def ask_save_path(self, kind: str) -> str | None:
        """Where to save the report as ``kind`` ("pdf" or "csv"); None if cancelled."""
        pattern = self.tr("CSV files (*.csv)") if kind == "csv" else self.tr("PDF files (*.pdf)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the report"),
                                              f"{self._file_stem()}.{kind}", pattern)
        if path and not path.lower().endswith(f".{kind}"):
            path += f".{kind}"
        return path or None

    def _render_pdf(self, then: Callable[[bytes], None]) -> None:
        data = self._data
        if data is None:
            return

        def render() -> bytes:
            return reports.report_pdf(data)

        self.message.note(self.tr("Preparing the PDF…"))
        Op(self, self._background, render).finally_(self.message.clear).success(then) \
            .run(pdf=True)

    def preview_pdf(self) -> None:
        """Open the report on screen as a PDF, to print or e-mail (without blocking)."""
        if self._data is None:
            return
        data = self._data

        def open_preview(pdf: bytes) -> None:
            from synergy_desk.ui.pdf_preview import PdfPreviewDialog

            self.preview = PdfPreviewDialog.open_document(
                self, self._background, pdf, title=f"{data.title} — {data.period_text}",
                filename=f"{self._file_stem()}.pdf")

        self._render_pdf(open_preview)

    def _on_save_pdf_clicked(self) -> None:
        if self._data is None:
            return
        path = self.ask_save_path("pdf")
        if path is not None:
            self.save_pdf(path)

    def _on_save_csv_clicked(self) -> None:
        if self._data is None:
            return
        path = self.ask_save_path("csv")
        if path is not None:
            self.save_csv(path)

    def save_pdf(self, path: str | Path) -> None:
        """Render the report on the PDF thread and write it to ``path``."""

        def write(pdf: bytes) -> None:
            self._write(path, pdf)

        self._render_pdf(write)

    def save_csv(self, path: str | Path) -> bool:
        """Write every table of the report as CSV (UTF-8 with a BOM, so Excel reads it)."""
        if self._data is None:
            return False
        text = call(self, reports.report_csv, self._data)
        if text is None:
            return False
        return self._write(path, text.encode("utf-8-sig"))

    def _write(self, path: str | Path, data: bytes) -> bool:
        with reporting_errors(self) as outcome:
            save_file(path, data)
        if outcome.failed:
            return False
        self.message.note(self.tr("Saved %s") % Path(path).name)
        self.exported.emit(str(path))
        return True


def _date_format() -> str:
    # The desktop's short date, with a four-digit year so no one misreads the period.
    text = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in text:
        text = text.replace("yy", "yyyy")
    return text


def open_reports(parent: QWidget | None, actor: Actor, background: Background,
                 report: str | None = None) -> ReportsWindow:
    """Open the reports window (not modal); with ``report`` it is chosen and run at once."""
    window = ReportsWindow(actor, background, parent)
    if report is not None and window.select_report(report):
        window.run()
    window.show()
    window.raise_()
    window.activateWindow()
    return window
