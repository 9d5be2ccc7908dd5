"""The caller log: every call the phone system told the desk of, newest first — who rang, when,
who answered and for how long, missed calls marked (in words and colour) with the call-back
each became; today's or the missed ones only; double-click opens the caller."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.phones import display_phone
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import caller_log
from synergy_desk.services.incidents.caller_log import CallerLogRow
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.operations import reporting_errors
from synergy_desk.ui.palette import Colour
from synergy_desk.ui.table_model import Column, TableModel, read_only_table

__all__ = ["CallerLogView", "caller_log_flow", "call_state", "CALLER_LOG_COLUMNS"]

_MISSED = palette.ERROR_TONE


def call_state(row: CallerLogRow) -> str:
    """How the call went, in words: "Missed — call-back queued", "Answered", "Ringing"."""
    if row.outcome == caller_log.MISSED:
        if row.call_back_id is not None:
            return "Missed — call-back queued"
        return "Missed" if row.direction == "in" else "Not answered"
    if row.outcome == caller_log.ANSWERED:
        return "Answered"
    return "On the line" if row.answered_at is not None else "Ringing"


def _number(text: str) -> str:
    return (display_phone(text) if text.startswith("+") else text) or "—"


def _ink(row: CallerLogRow) -> Colour | None:
    return _MISSED.text if row.missed else None


def _shade(row: CallerLogRow) -> Colour | None:
    return _MISSED.background if row.missed else None


CALLER_LOG_COLUMNS: tuple[Column[CallerLogRow], ...] = (
    Column("When", lambda r: formatting.short_datetime(r.started_at), lambda r: r.started_at),
    Column("Call", lambda r: "In" if r.direction == "in" else "Out"),
    Column("Number", lambda r: _number(r.number)),
    Column("Customer", lambda r: " — ".join(x for x in (r.customer_name, r.contact_name) if x)
           or "Not known"),
    Column("State", call_state, foreground=_ink, background=_shade, bold=lambda r: r.missed),
    Column("Answered by", lambda r: r.answered_by_name or "—", stretch=True),
    Column("How long", lambda r: formatting.duration(r.duration_seconds) or "—",
           lambda r: r.duration_seconds, number=True),
)


class CallerLogView(QDialog):
    """The caller log window (not modal); ``customer_requested`` opens a caller."""

    customer_requested = Signal(int)

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callerLogView")
        self.setWindowTitle(self.tr("Caller log"))
        self._actor = actor
        self.model: TableModel[CallerLogRow] = TableModel(CALLER_LOG_COLUMNS, self)
        self.table = read_only_table(self.model, "callerLogTable")
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(3, 240)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.activated.connect(self._on_table_double_clicked)

        self.today = QCheckBox(self.tr("&Today only"))
        self.today.setObjectName("callerLogToday")
        self.today.setChecked(True)
        self.today.toggled.connect(self.refresh)
        self.missed = QCheckBox(self.tr("&Missed calls only"))
        self.missed.setObjectName("callerLogMissed")
        self.missed.toggled.connect(self.refresh)
        self.summary = QLabel()
        self.summary.setObjectName("callerLogSummary")
        self.open_button = QPushButton(self.tr("&Open customer"))
        self.open_button.setObjectName("callerLogOpenCustomer")
        self.open_button.setToolTip(self.tr("Show the caller in the window (or double-click "
                                            "the call)"))
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.setObjectName("callerLogRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        for button in (self.open_button, self.refresh_button, self.close_button):
            button.setAutoDefault(False)  # Enter on a call opens its caller, not Refresh

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.today)
        top.addWidget(self.missed)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.refresh_button)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.resize(900, 420)
        self.refresh()

    def refresh(self) -> None:
        """Read the calls again, as the filters say."""
        with reporting_errors(self) as outcome:
            rows = caller_log.caller_log(today=self.today.isChecked(),
                                         missed_only=self.missed.isChecked())
        if outcome.failed:
            return
        self.model.set_rows(rows)
        missed = sum(1 for r in rows if r.missed)
        self.summary.setText(self.tr("%1 calls, %2 of them missed")
                             .replace("%1", str(len(rows))).replace("%2", str(missed)))
        self._on_selection_changed()

    def selected(self) -> CallerLogRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _on_selection_changed(self, *_args: object) -> None:
        row = self.selected()
        self.open_button.setEnabled(row is not None and row.customer_id is not None)

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None and row.customer_id is not None:
            self.customer_requested.emit(row.customer_id)

    def _on_open_button_clicked(self) -> None:
        row = self.selected()
        if row is not None and row.customer_id is not None:
            self.customer_requested.emit(row.customer_id)


def caller_log_flow(parent: QWidget | None, actor: Actor) -> CallerLogView:
    """Open the caller log (not modal; connect ``customer_requested`` to show a caller)."""
    view = CallerLogView(actor, parent)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    view.show()
    return view
