"""The call-backs due queue: due and overdue call-backs, overdue ones marked, whom each was
promised to, cleared with "Done" (by anyone at a desk, reception included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.phones import display_phone
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import EVERYONE, Actor
from synergy_desk.services.incidents import callbacks
from synergy_desk.services.incidents.callbacks import CallBackRow
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.dialogs.resolve import ReasonDialog, ReasonRequest
from synergy_desk.ui.operations import reporting_errors
from synergy_desk.ui.palette import Colour, Tone
from synergy_desk.ui.table_model import Column, TableModel

#: How far ahead "due soon" looks when the queue is asked to show it.
SOON_HOURS = 4

_OVERDUE = palette.ERROR_TONE
_DUE = palette.WARNING_TONE


def lateness(row: CallBackRow, now: dt.datetime) -> str:
    """"Overdue by 2 h 05 min", "Due now" or "Due in 40 min": the state as words, not colour."""
    delta = now - row.due_at
    minutes = int(abs(delta.total_seconds()) // 60)
    hours, mins = divmod(minutes, 60)
    days, day_hours = divmod(hours, 24)
    if days >= 2:
        span = f"{days} days {day_hours} h"
    elif hours:
        span = f"{hours} h {mins:02d} min"
    else:
        span = f"{mins} min"
    if row.overdue and minutes >= 1:
        return f"Overdue by {span}"
    if delta >= dt.timedelta(0):
        return "Due now"
    return f"Due in {span}"


def callback_columns(seen_at: Callable[[], dt.datetime]) -> tuple[Column[CallBackRow], ...]:
    """The queue's columns: state, due, customer, who to ring, incident, note, promised by,
    promised to.

    ``seen_at`` is the moment the rows were read: the state is said, and coloured, as of then.
    """

    def due_tone(row: CallBackRow) -> Tone | None:
        if row.due_at > seen_at():
            return None
        return _OVERDUE if row.overdue else _DUE

    def ink(row: CallBackRow) -> Colour | None:
        tone = due_tone(row)
        return tone.text if tone is not None else None

    def shade(row: CallBackRow) -> Colour | None:
        tone = due_tone(row)
        return tone.background if tone is not None else None

    return (
        Column("State", lambda r: lateness(r, seen_at()), lambda r: r.due_at,
               foreground=ink, background=shade, bold=lambda r: r.overdue),
        Column("Due", lambda r: formatting.short_datetime(r.due_at), lambda r: r.due_at),
        Column("Customer", lambda r: r.customer_name),
        Column("Ring", lambda r: " ".join(
            x for x in (r.contact_name, display_phone(r.contact_phone)) if x) or "—"),
        Column("Incident", lambda r: r.incident_reference or "—"),
        Column("Note", lambda r: " ".join(r.note.split()), tooltip=lambda r: r.note or None,
               stretch=True),
        Column("Promised by", lambda r: r.created_by_name),
        Column("Promised to", lambda r: r.assigned_to_name or "Any engineer"),
    )


class CallbacksView(QDialog):
    """The queue engineers see and clear; double-click opens the call-back's incident."""

    incident_requested = Signal(int)
    cleared = Signal(int)

    def __init__(self, actor: Actor, parent: QWidget | None = None,
                 now: Callable[[], dt.datetime] = utcnow) -> None:
        super().__init__(parent)
        self.setObjectName("callbacksView")
        self.setWindowTitle(self.tr("Call-backs due"))
        self._actor = actor
        self._now = now
        self._seen_at = now()
        columns = callback_columns(lambda: self._seen_at)
        self.model: TableModel[CallBackRow] = TableModel(columns, self)
        self.table = QTableView()
        self.table.setObjectName("callbacksTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        head = self.table.horizontalHeader()
        head.setStretchLastSection(False)
        # The state, time and incident fit their contents; names get a fair share and can be
        # widened; the note takes the rest (its full text is the tooltip).
        for column, declared in enumerate(columns):
            mode = QHeaderView.ResizeMode.ResizeToContents
            if column in (2, 3, 6, 7):
                mode = QHeaderView.ResizeMode.Interactive
            elif declared.stretch:
                mode = QHeaderView.ResizeMode.Stretch
            head.setSectionResizeMode(column, mode)
        for column, width in ((2, 170), (3, 190), (6, 110), (7, 110)):
            self.table.setColumnWidth(column, width)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.soon = QCheckBox(self.tr("Also show those due in the next %d hours") % SOON_HOURS)
        self.soon.setObjectName("callbacksSoon")
        self.soon.toggled.connect(self.refresh)
        self.summary = QLabel()
        self.summary.setObjectName("callbacksSummary")
        self.done_button = QPushButton(self.tr("&Done…"))
        self.done_button.setObjectName("callbackDoneButton")
        self.done_button.setToolTip(self.tr("Record that the call was made, and what came of it"))
        self.done_button.clicked.connect(self._on_done_button_clicked)
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        # Anyone at a desk marks a call-back done: reception rings customers back too.
        self._can_clear = actor.role in EVERYONE

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.soon)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.refresh_button)
        bottom.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.resize(980, 400)
        self.refresh()

    def refresh(self) -> None:
        now = self._now()
        rows = callbacks.due_callbacks(now, SOON_HOURS if self.soon.isChecked() else 0)
        self._seen_at = now
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.overdue)
        self.summary.setText(self.tr("%1 due, %2 of them overdue")
                             .replace("%1", str(len(rows))).replace("%2", str(overdue)))
        self._on_selection_changed()

    def selected(self) -> CallBackRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_callback(self, callback_id: int) -> None:
        row = self.model.row_of(callback_id)
        if row >= 0:
            self.table.selectRow(row)

    def _on_selection_changed(self, *_args: object) -> None:
        self.done_button.setEnabled(self._can_clear and self.selected() is not None)

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None and row.incident_id is not None:
            self.incident_requested.emit(row.incident_id)

    def ask_outcome(self, row: CallBackRow) -> ReasonRequest | None:
        """What came of the call (tests replace this; it shows a small dialog)."""
        return ReasonDialog(
            self, object_name="callbackOutcomeDialog",
            title=self.tr("Call-back to %s done") % row.customer_name,
            explanation=self.tr("What came of the call? It goes on the incident's timeline."),
            label=self.tr("&Outcome:"), action=self.tr("&Done"), required=True).ask_value()

    def clear_selected(self, outcome: str) -> CallBackRow | None:
        """Clear the selected call-back with this outcome; errors are shown, not raised."""
        row = self.selected()
        if row is None:
            return None
        with reporting_errors(self) as clearing:
            done = callbacks.clear_callback(self._actor, row.id, outcome)
        if clearing.failed:
            self.refresh()  # cleared at another desk, perhaps: show what is true now
            return None
        self.cleared.emit(done.id)
        self.refresh()
        return done

    def _on_done_button_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        answer = self.ask_outcome(row)
        if answer is not None:
            self.clear_selected(answer.text)
