"""The manager's queue of out-of-remit refunds: approve one (its credit note opens for printing)
or decline it with a reason."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.money import format_pence
from synergy_desk.services.common import MANAGERS, Actor
from synergy_desk.services.money import refund_queue
from synergy_desk.services.money.credit_notes import CreditNoteInfo
from synergy_desk.services.money.refund_queue import RefundRequestRow
from synergy_desk.ui import formatting
from synergy_desk.ui.dialogs.resolve import ReasonDialog, ReasonRequest
from synergy_desk.ui.operations import allowed, call, reporting_errors
from synergy_desk.ui.worker import Background

__all__ = ["RefundQueueWindow", "DeclineRefundDialog", "refund_queue_flow"]


class DeclineRefundDialog(ReasonDialog):
    """Why the office keeps the payment of an incident closed as out of remit."""

    def __init__(self, parent: QWidget | None, row: RefundRequestRow) -> None:
        super().__init__(
            parent, object_name="declineRefundDialog",
            title=self.tr("Decline the refund for %s") % row.incident_reference,
            explanation=self.tr("The payment %s (%s) stays with the office; the incident's "
                                "timeline says the refund was declined and why.")
            % (row.receipt_number, format_pence(row.gross_pence)),
            label=self.tr("&Why it is declined:"), action=self.tr("&Decline the refund"),
            required=True)

    @classmethod
    def ask(cls, parent: QWidget | None, row: RefundRequestRow) -> ReasonRequest | None:
        return cls(parent, row).ask_value()


class RefundQueueWindow(QDialog):
    """Refunds of paid incidents closed as out of remit, waiting for a manager, oldest first."""

    decided = Signal(int)  # the incident whose refund was approved or declined
    incident_requested = Signal(int)

    COLUMNS = ("Incident", "Customer", "Receipt", "Amount", "Why out of remit", "Closed by",
               "When")

    def __init__(self, actor: Actor, background: Background, parent: QWidget | None = None,
                 on_shown: Callable[[QWidget], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refundQueue")
        self.setWindowTitle(self.tr("Refunds awaiting approval"))
        self._actor = actor
        self._background = background
        self._on_shown = on_shown
        self._rows: list[RefundRequestRow] = []
        self.heading = QLabel()
        self.heading.setObjectName("refundQueueHeading")
        self.heading.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("refundQueueTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.table.itemActivated.connect(self._on_table_item_activated)
        self.approve_button = QPushButton(self.tr("&Approve and print the credit note"))
        self.approve_button.setObjectName("approveRefundButton")
        self.approve_button.clicked.connect(self._on_approve_clicked)
        self.decline_button = QPushButton(self.tr("D&ecline…"))
        self.decline_button.setObjectName("declineRefundButton")
        self.decline_button.clicked.connect(self._on_decline_clicked)
        close = QPushButton(self.tr("&Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.decline_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(900, 360)
        self.reload()

    def reload(self) -> None:
        """Read the queue again."""
        rows = call(self, refund_queue.pending_refunds)
        self._rows = rows if rows is not None else []
        self.table.setRowCount(len(self._rows))
        for r, row in enumerate(self._rows):
            cells = (row.incident_reference, row.customer_name, row.receipt_number,
                     format_pence(row.gross_pence), row.reason, row.requested_by,
                     formatting.short_datetime(row.requested_at))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.heading.setText(
            self.tr("No refunds are waiting for approval.") if not self._rows else
            self.tr("Paid incidents an engineer closed as out of remit: approve the refund "
                    "(a credit note, opened for printing) or decline it with a reason."))
        if self._rows:
            self.table.selectRow(0)
        self._on_table_item_selection_changed()

    def current(self) -> RefundRequestRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def _on_table_item_selection_changed(self) -> None:
        chosen = self.current() is not None
        self.approve_button.setEnabled(chosen)
        self.decline_button.setEnabled(chosen)

    def _on_table_item_activated(self, _item: QTableWidgetItem) -> None:
        row = self.current()
        if row is not None:
            self.incident_requested.emit(row.incident_id)

    def approve(self) -> CreditNoteInfo | None:
        """Approve the chosen refund; its credit note opens in the preview for printing."""
        from synergy_desk.ui import receipts

        row = self.current()
        if row is None:
            return None
        note = call(self, refund_queue.approve_refund, self._actor, row.id)
        if note is None:
            self.reload()  # decided at another desk meanwhile: show the queue as it is
            return None
        receipts.show_receipt(self.parentWidget() or self, self._background, note.number,
                              copy=False, on_shown=self._on_shown)
        self.decided.emit(row.incident_id)
        self.reload()
        return note

    def decline(self) -> bool:
        """Decline the chosen refund, with the reason asked for."""
        row = self.current()
        if row is None:
            return False
        request = DeclineRefundDialog.ask(self, row)
        if request is None:
            return False
        with reporting_errors(self) as outcome:
            refund_queue.decline_refund(self._actor, row.id, request.text)
        self.reload()
        if outcome.failed:
            return False
        self.decided.emit(row.incident_id)
        return True

    def _on_approve_clicked(self) -> None:
        self.approve()

    def _on_decline_clicked(self) -> None:
        self.decline()


def refund_queue_flow(parent: QWidget | None, actor: Actor, background: Background,
                      on_shown: Callable[[QWidget], None] | None = None
                      ) -> RefundQueueWindow | None:
    """Open the queue of out-of-remit refunds (managers; not modal)."""
    if not allowed(parent, actor, MANAGERS, "approve an out-of-remit refund"):
        return None
    window = RefundQueueWindow(actor, background, parent, on_shown)
    window.show()
    return window
