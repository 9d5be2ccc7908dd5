"""The window's CSV exports: customers, incidents and payments, written in the background."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from synergy_desk.domain.errors import ValidationError
from synergy_desk.services.common import Actor
from synergy_desk.services.data import csv_export
from synergy_desk.services.data.csv_export import ExportResult
from synergy_desk.services.data.files import file_problem
from synergy_desk.ui import errors, formatting
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.operations import Op
from synergy_desk.ui.worker import Background

__all__ = ["EXPORTS", "ExportPeriod", "ExportPeriodDialog", "ask_save_path", "export_flow"]

#: What can be exported, with the words the window uses for it.
EXPORTS = {"customers": "customers", "incidents": "incidents", "payments": "payments"}


@dataclass(frozen=True)
class ExportPeriod:
    """The office's days to export, both included; None for no limit."""

    start: dt.date | None
    end: dt.date | None


class ExportPeriodDialog(FormDialog[ExportPeriod]):
    """From and to dates, or the whole history."""

    def __init__(self, parent: QWidget | None, what: str) -> None:
        super().__init__(parent, message_name="exportMessage")
        self.setObjectName("exportPeriodDialog")
        noun = self.tr("incidents opened") if what == "incidents" else self.tr("payments taken")
        self.setWindowTitle(self.tr("Export %s") % self.tr(what))
        # The office's today: the export reads its days in the office's time zone.
        day = formatting.office_today()
        today = QDate(day.year, day.month, day.day)
        self.start = QDateEdit(QDate(today.year(), today.month(), 1))
        self.start.setObjectName("exportFrom")
        self.start.setCalendarPopup(True)
        self.end = QDateEdit(today)
        self.end.setObjectName("exportTo")
        self.end.setCalendarPopup(True)
        self.whole = QCheckBox(self.tr("&Whole history"))
        self.whole.setObjectName("exportWhole")
        self.whole.toggled.connect(self._on_whole_toggled)
        form = QFormLayout()
        form.addRow(self.tr("&From:"), self.start)
        form.addRow(self.tr("&To:"), self.end)
        form.addRow("", self.whole)
        self.ok_button.setText(self.tr("&Export…"))
        intro = QLabel(self.tr("Export the %s on these days (both included):") % noun)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        self.add_message_and_buttons(layout)

    @classmethod
    def ask(cls, parent: QWidget | None, what: str) -> ExportPeriod | None:
        """The period chosen, or None when cancelled."""
        return cls(parent, what).ask_value()

    def _on_whole_toggled(self, whole: bool) -> None:
        self.start.setEnabled(not whole)
        self.end.setEnabled(not whole)

    def answer(self) -> ExportPeriod:
        if self.whole.isChecked():
            return ExportPeriod(None, None)
        start = self.start.date().toPython()
        end = self.end.date().toPython()
        assert isinstance(start, dt.date) and isinstance(end, dt.date)
        if end < start:
            raise Problem(self.tr("The period ends before it starts."))
        return ExportPeriod(start, end)


def ask_save_path(parent: QWidget | None, what: str) -> str | None:
    """Where to save the export (a file dialog; tests patch this)."""
    title = QFileDialog.tr("Export %s") % what
    path, _ = QFileDialog.getSaveFileName(parent, title, f"{what}.csv",
                                          QFileDialog.tr("CSV files (*.csv)"))
    if path and not Path(path).suffix:
        path += ".csv"
    return path or None


class _Relay(QObject):
    """Carries the export's progress from the worker thread to the progress dialog."""

    progressed = Signal(int, int, str)


def export_flow(parent: QWidget | None, actor: Actor, background: Background, what: str,
                on_done: Callable[[ExportResult | None], None] | None = None) -> None:
    """Ask where (and for incidents and payments, which days), then export in the background.

    A progress dialog shows while it runs; a message says where the file was saved.
    ``on_done`` is called at the end with the result (None when cancelled or refused).
    """
    def finish(result: ExportResult | None) -> None:
        if on_done is not None:
            on_done(result)

    if what not in EXPORTS:
        errors.show_error(parent, ValidationError(f"There is no export called “{what}”."))
        finish(None)
        return
    period = ExportPeriod(None, None)
    if what in ("incidents", "payments"):
        chosen = ExportPeriodDialog.ask(parent, what)
        if chosen is None:
            finish(None)
            return
        period = chosen
    path = ask_save_path(parent, what)
    if path is None:
        finish(None)
        return

    progress = QProgressDialog(parent)
    progress.setObjectName("exportProgress")
    progress.setWindowTitle(progress.tr("Exporting %s") % what)
    progress.setLabelText(progress.tr("Writing %s…") % Path(path).name)
    progress.setCancelButton(None)  # type: ignore[arg-type]
    progress.setRange(0, 0)
    progress.setMinimumDuration(300)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    relay = _Relay(progress)

    def on_progress(done: int, total: int, stage: str) -> None:
        if isValid(progress):
            progress.setRange(0, max(total, 1))
            progress.setValue(min(done, total))

    relay.progressed.connect(on_progress)

    def work() -> ExportResult:
        def report(done: int, total: int, stage: str) -> None:
            relay.progressed.emit(done, total, stage)

        if what == "customers":
            return csv_export.export_customers(actor, path, progress=report)
        if what == "incidents":
            return csv_export.export_incidents(actor, path, start=period.start,
                                               end=period.end, progress=report)
        return csv_export.export_payments(actor, path, period.start, period.end,
                                          progress=report)

    def ended() -> None:
        if isValid(progress):
            progress.reset()
            progress.deleteLater()

    def done(result: ExportResult) -> None:
        box = QMessageBox(parent)
        box.setObjectName("exportDoneDialog")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(box.tr("Export saved"))
        box.setText(box.tr("Saved %s %s to %s.") % (f"{result.rows:,}", what, result.path))
        box.open()
        finish(result)

    def failed(exc: Exception) -> None:
        if isinstance(exc, OSError):
            exc = file_problem(path, exc, "save")
        errors.show_error(parent, exc)
        finish(None)

    # Nothing is said once the window that asked has closed.
    Op(parent, background, work).finally_(ended).success(done).failure(failed).run()
