"""The audit-log viewer: filters, a lazily paged list, before and after side by side, the tamper check."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.services.common import ENGINEERS, Actor
from synergy_desk.services.people import users
from synergy_desk.services.reporting import audit_log
from synergy_desk.services.reporting.audit_log import AuditCursor, AuditFilter, AuditRow
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import Op, allowed, call, reporting_errors
from synergy_desk.ui.table_model import Column, PageLoader, TableModel
from synergy_desk.ui.worker import Background

__all__ = ["COLUMNS", "AuditLogWindow", "open_audit_log"]

_KIND_COLOURS = {"money": palette.SUCCESS, "status": palette.INFO, "users": palette.ACCENT,
                 "settings": palette.WARNING}
#: The "no date" value of the date boxes (shown as their special text).
_NO_DATE = QDate(2000, 1, 1)


def _t(text: str) -> str:
    return QCoreApplication.translate("AuditLogWindow", text)


#: The log's columns, newest entry first (the log is read in that order, never sorted).
COLUMNS: tuple[Column[AuditRow], ...] = (
    Column("When", lambda r: formatting.short_datetime(r.at), lambda r: r.at),
    Column("Who", lambda r: r.user_name or _t("(the program)")),
    Column("What", lambda r: _t(r.action_label), tooltip=lambda r: r.action,
           foreground=lambda r: _KIND_COLOURS.get(r.kind)),
    Column("Record", lambda r: r.record_label),
    Column("Change", lambda r: r.summary, tooltip=lambda r: r.summary, stretch=True),
)


def _value_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
    return str(value)


class AuditLogWindow(QDialog):
    """Who changed what and when, filtered; the tamper check runs from here too."""

    tamper_checked = Signal(object)

    def __init__(self, parent: QWidget | None, actor: Actor,
                 background: Background | None = None, page_size: int = 200) -> None:
        super().__init__(parent)
        self.setObjectName("auditLogWindow")
        self.setWindowTitle(self.tr("Audit log"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._actor = actor
        self._background = background or Background(self)

        # -- the filter bar --
        self.user = QComboBox()
        self.user.setObjectName("auditUser")
        self.user.addItem(self.tr("Everyone"), None)
        for person in call(self, users.user_choices) or []:
            suffix = "" if person.active else self.tr(" (deactivated)")
            self.user.addItem(f"{person.full_name}{suffix}", person.id)
        self.start = self._date_box("auditFrom")
        self.end = self._date_box("auditTo")
        self.kind = QComboBox()
        self.kind.setObjectName("auditKind")
        self.kind.addItem(self.tr("All kinds"), None)
        for key, (label, _prefixes) in audit_log.KINDS.items():
            self.kind.addItem(self.tr(label), key)
        self.record = QLineEdit()
        self.record.setObjectName("auditRecord")
        self.record.setClearButtonEnabled(True)
        self.record.setPlaceholderText(self.tr("Record: INC-000012, R-000003, CN-000001, "
                                               "a user name…"))
        self.apply = QPushButton(self.tr("&Show"))
        self.apply.setObjectName("auditApply")
        self.apply.setAutoDefault(False)
        bar = QHBoxLayout()
        for label, box in ((self.tr("&User:"), self.user), (self.tr("&From:"), self.start),
                           (self.tr("&To:"), self.end), (self.tr("&Kind:"), self.kind)):
            caption = QLabel(label)
            caption.setBuddy(box)
            bar.addWidget(caption)
            bar.addWidget(box)
        bar.addWidget(self.record, 1)
        bar.addWidget(self.apply)

        # -- the list and the detail --
        self.model: TableModel[AuditRow] = TableModel(COLUMNS, self, page_size=page_size)
        # Queued: the view has finished asking for the page before anything is shown.
        self.model.failed.connect(self._on_model_failed)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setStretchLastSection(True)
        for column, width in enumerate((130, 130, 170, 150)):
            self.table.setColumnWidth(column, width)
        self.detail_title = QLabel()
        self.detail_title.setObjectName("auditDetailTitle")
        self.detail_title.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_title.setWordWrap(True)
        self.detail = QTableWidget(0, 3)
        self.detail.setObjectName("auditDetail")
        self.detail.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Before"),
                                               self.tr("After")])
        self.detail.verticalHeader().setVisible(False)
        self.detail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail.setWordWrap(True)
        dhead = self.detail.horizontalHeader()
        dhead.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        dhead.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        dhead.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.detail, 1)

        # -- the tamper check --
        self.check_button = QPushButton(self.tr("Run tamper &check"))
        self.check_button.setObjectName("tamperCheckButton")
        self.check_button.setAutoDefault(False)
        self.check_button.setToolTip(self.tr(
            "Recompute the hash chains of every payment, credit note and season-ticket ledger "
            "row, and check that receipt, credit-note and incident numbers have no gaps."))
        self.check_status = MessageLine("tamperStatus", colour=palette.MUTED,
                                        crash_text=self.tr("The tamper check could not run."))
        self.check_status.setWordWrap(False)
        self.check_results = QListWidget()
        self.check_results.setObjectName("tamperResults")
        self.check_results.setVisible(False)

        self.status = MessageLine("auditStatus", colour=palette.MUTED)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addWidget(self.check_status, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addLayout(check_row)
        layout.addWidget(self.check_results)
        layout.addLayout(bottom)
        self.resize(1100, 680)

        self.user.currentIndexChanged.connect(self.refresh)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.start.dateChanged.connect(self.refresh)
        self.end.dateChanged.connect(self.refresh)
        self.record.returnPressed.connect(self.refresh)
        self.apply.clicked.connect(self.refresh)
        self.check_button.clicked.connect(self.run_tamper_check)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.refresh()

    def _date_box(self, name: str) -> QDateEdit:
        box = QDateEdit()
        box.setObjectName(name)
        box.setCalendarPopup(True)
        box.setMinimumDate(_NO_DATE)
        box.setSpecialValueText(self.tr("any day"))
        box.setDate(_NO_DATE)
        return box

    # -- filtering -----------------------------------------------------------------------

    @staticmethod
    def _day(box: QDateEdit) -> dt.date | None:
        value = box.date()
        if value == _NO_DATE:
            return None
        return dt.date(value.year(), value.month(), value.day())

    def current_filter(self) -> AuditFilter:
        return AuditFilter(user_id=self.user.currentData(), start=self._day(self.start),
                           end=self._day(self.end), kind=self.kind.currentData(),
                           record=self.record.text().strip() or None)

    def _loader(self, filt: AuditFilter) -> PageLoader[AuditRow]:
        actor = self._actor

        def load(cursor: AuditCursor | None, limit: int, _sort_key: str | None,
                 _descending: bool) -> tuple[tuple[AuditRow, ...], AuditCursor | None]:
            page = audit_log.list_audit(actor, filt, after_id=cursor, limit=limit)
            return page.rows, page.next_cursor

        return load

    def refresh(self, *_args: object) -> None:
        """Show the first page for the filters as they are now."""
        with reporting_errors(self, failure=self.status.failure) as outcome:
            self.model.set_loader(self._loader(self.current_filter()))
        if outcome.failed:
            self._show_detail(None)
            return
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._show_detail(None)
        self._say_count()

    def _say_count(self) -> None:
        n = self.model.rowCount()
        if n == 0:
            self.status.note(self.tr("No entries match these filters."))
        elif self.model.exhausted:
            self.status.note(self.tr("%d entries, newest first.") % n)
        else:
            self.status.note(self.tr("The newest %d entries; scroll down for older ones.") % n)

    def _on_model_failed(self, exc: object) -> None:
        """A page could not be read as the list scrolled: said plainly, or shown."""
        if isinstance(exc, Exception):
            self.status.failure(exc)

    # -- the detail pane -----------------------------------------------------------------

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(self.model.row_at(current.row()) if current.isValid() else None)
        if self.model.rowCount() and not self.model.exhausted:
            self._say_count()

    def _show_detail(self, row: AuditRow | None) -> None:
        self.detail.setRowCount(0)
        if row is None:
            self.detail_title.setText(self.tr("Choose an entry to see its values before "
                                              "and after."))
            return
        who = row.user_name or self.tr("the program")
        self.detail_title.setText(
            self.tr("%s — %s by %s, %s (%s)") % (
                row.record_label, self.tr(row.action_label), who,
                formatting.short_datetime(row.at), row.action))
        changed = row.changed_keys
        keys = sorted(set(row.before) | set(row.after),
                      key=lambda k: (k not in changed, k))
        bold = QFont(self.detail.font())
        bold.setBold(True)
        highlight = palette.HIGHLIGHT.brush()
        self.detail.setRowCount(len(keys))
        for i, key in enumerate(keys):
            cells = (key, _value_text(row.before.get(key)) if key in row.before else "",
                     _value_text(row.after.get(key)) if key in row.after else "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if key in changed and (row.before and row.after):
                    item.setBackground(highlight)
                    item.setFont(bold)
                self.detail.setItem(i, column, item)
        self.detail.resizeRowsToContents()

    # -- the tamper check ----------------------------------------------------------------

    def run_tamper_check(self) -> None:
        """Run the check on a worker thread; the answer comes back as a list."""
        if not self.check_button.isEnabled():
            return  # a check is running
        self.check_button.setEnabled(False)
        self.check_status.note(self.tr("Checking every money row and number… you can "
                                       "carry on reading the log."))
        actor = self._actor
        # Nothing comes back if the window is closed while the check runs.
        Op(self, self._background, lambda: audit_log.run_tamper_check(actor)) \
            .finally_(lambda: self.check_button.setEnabled(True)) \
            .success(self._on_check_done) \
            .failure(self._on_check_failed) \
            .run()

    def _on_check_done(self, report: audit_log.TamperReport) -> None:
        self.check_results.clear()
        self.check_results.setVisible(True)
        when = formatting.short_datetime(report.checked_at)
        if report.ok:
            item = QListWidgetItem(self.tr("No problems: every money row matches its hash and "
                                           "every number runs without a gap."))
            item.setForeground(palette.SUCCESS.brush())
            self.check_results.addItem(item)
            self.check_status.note(self.tr("Tamper check passed (%s).") % when, palette.SUCCESS)
        else:
            for problem in report.problems:
                item = QListWidgetItem(str(problem))
                item.setForeground(palette.ERROR.brush())
                item.setToolTip(str(problem))
                self.check_results.addItem(item)
            count = len(report.problems)
            self.check_status.problem(
                (self.tr("Tamper check found 1 problem (%s).") % when) if count == 1 else
                (self.tr("Tamper check found %d problems (%s).") % (count, when)), bold=True)
        self._fit_results()
        self.tamper_checked.emit(report)
        # The check is itself audited: show its entry.
        self.refresh()

    def _fit_results(self) -> None:
        """As tall as its lines, up to five; longer lists scroll."""
        rows = max(1, min(5, self.check_results.count()))
        line = max(self.check_results.sizeHintForRow(0), self.fontMetrics().height() + 4)
        self.check_results.setFixedHeight(rows * line + 2 * self.check_results.frameWidth() + 4)

    def _on_check_failed(self, exc: Exception) -> None:
        self.check_status.failure(exc)
        self.tamper_checked.emit(exc)


def open_audit_log(parent: QWidget | None, actor: Actor,
                   background: Background | None = None) -> AuditLogWindow | None:
    """Open the audit log (engineers and managers; reception is told why not). Not modal."""
    if not allowed(parent, actor, ENGINEERS, "read the audit log"):
        return None
    window = AuditLogWindow(parent, actor, background)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.show()
    return window
