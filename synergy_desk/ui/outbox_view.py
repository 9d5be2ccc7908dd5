"""The outbox: e-mail waiting to go and e-mail the mail server refused, with the error and
when the desk tries again. Anyone may send a message again at once; a manager may cancel one
(it stays on its incident's timeline, marked cancelled). Nothing is ever dropped silently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import Role
from synergy_desk.services.common import Actor
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.email_triage_view import fitted_columns
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import reporting_errors
from synergy_desk.ui.palette import Colour
from synergy_desk.ui.table_model import Column, TableModel, read_only_table
from synergy_desk.ui.worker import Background

__all__ = ["OutboxView", "OUTBOX_COLUMNS", "outbox_flow", "state_label"]


def state_label(row: Any) -> str:
    """Where a message stands, in plain words."""
    if row.state == "failed":
        return "Not sent (gave up)"
    if row.state == "sending":
        return "Sending"
    if row.last_error:
        return "Not sent yet"
    return "Waiting to go"


def _next(row: Any) -> str:
    if row.state == "failed" or row.next_attempt_at is None:
        return "—"
    return formatting.short_datetime(row.next_attempt_at)


def _ink(row: Any) -> Colour | None:
    if row.state == "failed":
        return palette.ERROR
    return palette.WARNING if row.last_error else None


OUTBOX_COLUMNS: tuple[Column[Any], ...] = (
    Column("Written", lambda r: formatting.short_datetime(r.created_at), lambda r: r.created_at),
    Column("To", lambda r: r.to),
    Column("Subject", lambda r: r.subject, stretch=True),
    Column("Incident", lambda r: r.incident_reference or "—"),
    Column("By", lambda r: r.written_by_name or "the program"),
    Column("State", state_label, foreground=_ink, bold=lambda r: r.state == "failed"),
    Column("Tries", lambda r: str(r.attempts), lambda r: r.attempts, number=True),
    Column("Next try", _next, lambda r: r.next_attempt_at or r.created_at),
    Column("Error", lambda r: r.last_error or "", tooltip=lambda r: r.last_error or None),
)


class OutboxView(QDialog):
    """The outbox window (not modal). ``changed``: a message was sent again or cancelled;
    ``send_now``: the desk should send what is due at once."""

    changed = Signal()
    send_now = Signal()

    def __init__(self, actor: Actor, background: Background,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxView")
        self.setWindowTitle(self.tr("Outbox"))
        self._actor = actor
        self._background = background
        self.model: TableModel[Any] = TableModel(OUTBOX_COLUMNS, self)
        self.table = read_only_table(self.model, "outboxTable")
        self.table.setWordWrap(False)
        self._fit_columns = fitted_columns(self.table, 8, cap=190)  # the error takes what is left
        self.summary = QLabel()
        self.summary.setObjectName("outboxSummary")
        self.status = MessageLine("outboxMessage")
        self.retry_button = self._button("outboxRetry", self.tr("&Send again"),
                                         self.tr("Send the message with the next round, its "
                                                 "tries counted afresh"), self.retry)
        self.cancel_button = self._button("outboxCancel", self.tr("&Cancel message…"),
                                          self.tr("Do not send it (managers)"), self.cancel)
        self.refresh_button = self._button("outboxRefresh", self.tr("&Refresh"), "",
                                           self.refresh)
        self.close_button = self._button("outboxClose", self.tr("Close"), "", self.close)
        explanation = QLabel(self.tr(
            "Replies, receipts and payment requests wait here until the office's mail server "
            "takes them. A message the server refused is tried again after 1, 5, 15 and 60 "
            "minutes and then less often; after the last try it is marked not sent and stays "
            "here until someone sends it again or a manager cancels it."))
        explanation.setObjectName("outboxExplanation")
        explanation.setWordWrap(True)
        explanation.setStyleSheet(palette.MUTED.text_style())
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        for button in (self.retry_button, self.cancel_button, self.refresh_button,
                       self.close_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.resize(1300, 440)
        self.refresh()

    def _button(self, name: str, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        if tip:
            button.setToolTip(tip)
        button.clicked.connect(lambda _c=False: slot())
        return button

    def refresh(self) -> None:
        from synergy_desk.services.mail import outbox

        chosen = self.selected()
        with reporting_errors(self) as outcome:
            rows = outbox.outbox_list()
        if outcome.failed:
            return
        self.model.set_rows(rows)
        self._fit_columns()
        failed = sum(1 for r in rows if r.state == "failed")
        self.summary.setText(self.tr("%d waiting to go; %d not sent")
                             % (len(rows) - failed, failed))
        if chosen is not None:
            for index in range(self.model.rowCount()):
                row = self.model.row_at(index)
                if row is not None and row.email_id == chosen.email_id:
                    self.table.selectRow(index)
                    break
        if self.selected() is None and rows:
            self.table.selectRow(0)
        self._on_selection_changed()

    def selected(self) -> Any:
        if not hasattr(self, "table") or self.table.selectionModel() is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _on_selection_changed(self, *_args: object) -> None:
        row = self.selected()
        self.retry_button.setEnabled(row is not None)
        manager = self._actor.role is Role.MANAGER
        self.cancel_button.setEnabled(row is not None and manager)
        self.cancel_button.setToolTip(self.tr("Do not send it; it stays on its incident, "
                                              "marked cancelled") if manager
                                      else self.tr("Only a manager can cancel a message."))

    def retry(self) -> bool:
        from synergy_desk.services.mail import outbox

        row = self.selected()
        if row is None:
            return False
        with reporting_errors(self, failure=self.status.failure) as outcome:
            outbox.retry_now(self._actor, row.email_id)
        if outcome.failed:
            return False
        self.status.note(self.tr("“%s” goes out again at once.") % row.subject, palette.SUCCESS)
        self.refresh()
        self.changed.emit()
        self.send_now.emit()
        return True

    def confirm_cancel(self, subject: str) -> bool:
        """Ask before a message is cancelled (tests replace this)."""
        return QMessageBox.question(
            self, self.tr("Cancel the message"),
            self.tr("Cancel “%s”? It will not be sent; its incident keeps it, marked "
                    "cancelled.") % subject,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes

    def cancel(self) -> bool:
        from synergy_desk.services.mail import outbox

        row = self.selected()
        if row is None or not self.cancel_button.isEnabled():
            return False
        if not self.confirm_cancel(row.subject):
            return False
        with reporting_errors(self, failure=self.status.failure) as outcome:
            outbox.cancel(self._actor, row.email_id)
        if outcome.failed:
            return False
        self.status.note(self.tr("“%s” was cancelled; it will not be sent.") % row.subject)
        self.refresh()
        self.changed.emit()
        return True


def outbox_flow(parent: QWidget | None, actor: Actor, background: Background) -> OutboxView:
    """Open the outbox (not modal)."""
    window = OutboxView(actor, background, parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    window.show()
    return window
