"""The support contracts of one customer, or of the whole office: their dates, state, price,
what was paid and the incidents they fund; a manager changes an end date, ends one early, and
anyone at the desk takes the payment for one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
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

from synergy_desk.domain.enums import Role
from synergy_desk.domain.money import format_pence
from synergy_desk.services.common import Actor
from synergy_desk.services.money import contracts
from synergy_desk.services.money.contracts import ContractRow
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.dialogs.customer_cover import ContractEndDialog
from synergy_desk.ui.operations import call, reporting_errors
from synergy_desk.ui.worker import Background

__all__ = ["ContractsView", "COLUMNS"]

COLUMNS = ("Contract", "Customer", "Covers", "Starts", "Ends", "State", "Price", "Paid",
           "Incidents")
_NUMERIC = {6, 7, 8}
_STATE = {"current": "Current", "not started": "Not started", "ended": "Ended",
          "ended early": "Ended early", "cancelled": "Cancelled"}


class ContractsView(QDialog):
    """The contract list (object name ``contractList``): one customer's or the office's."""

    #: A contract was changed or paid for: the window refreshes what it shows.
    changed = Signal()

    def __init__(self, parent: QWidget | None, actor: Actor,
                 customer_id: int | None = None, customer_name: str = "",
                 background: Background | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contractList")
        self._actor, self._background = actor, background
        self.customer_id = customer_id
        self.setWindowTitle(self.tr("Support contracts — %s") % customer_name if customer_id
                            else self.tr("Support contracts — the office"))
        self.rows: list[ContractRow] = []

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("contractTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if customer_id is not None:
            self.table.setColumnHidden(1, True)
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.detail = QLabel()
        self.detail.setObjectName("contractDetail")
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet(palette.MUTED.text_style())

        manager = actor.role is Role.MANAGER
        self.change_end_button = QPushButton(self.tr("Change &end date…"))
        self.change_end_button.setObjectName("contractChangeEnd")
        self.end_early_button = QPushButton(self.tr("End ear&ly…"))
        self.end_early_button.setObjectName("contractEndEarly")
        self.pay_button = QPushButton(self.tr("Take &payment…"))
        self.pay_button.setObjectName("contractTakePayment")
        self.close_button = QPushButton(self.tr("&Close"))
        self.close_button.setObjectName("contractClose")
        for button, shortcut in ((self.change_end_button, "Ctrl+E"),
                                 (self.end_early_button, "Ctrl+Shift+L"),
                                 (self.pay_button, "Ctrl+Shift+Y")):
            button.setShortcut(QKeySequence(shortcut))
            button.setToolTip(f"{button.text().replace('&', '')} ({shortcut})")
        self.change_end_button.setVisible(manager)
        self.end_early_button.setVisible(manager)
        self.change_end_button.clicked.connect(self._on_change_end)
        self.end_early_button.clicked.connect(self._on_end_early)
        self.pay_button.clicked.connect(self._on_take_payment)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.change_end_button, self.end_early_button, self.pay_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self.resize(1100 if customer_id is None else 900, 460)
        self.reload()

    # -- filling ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the contracts again, keeping the one chosen."""
        chosen = self.chosen()
        rows = call(self, contracts.list_contracts, self.customer_id)
        self.rows = rows or []
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            texts = (row.reference, row.customer_name, row.product_name,
                     formatting.short_date(row.starts_on), formatting.short_date(row.ends_on),
                     self.tr(_STATE.get(row.state, row.state)),
                     format_pence(row.price_pence) if row.price_pence else "—",
                     format_pence(row.paid_pence) if row.receipts else "—",
                     str(row.incidents_covered))
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if c in _NUMERIC:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row.id)
                self.table.setItem(r, c, item)
        select = next((i for i, row in enumerate(self.rows)
                       if chosen is not None and row.id == chosen.id), 0 if self.rows else None)
        if select is not None:
            self.table.selectRow(select)
        self._update_buttons()

    def chosen(self) -> ContractRow | None:
        selected = self.table.selectionModel().selectedRows() if self.table.selectionModel() \
            else []
        if not selected:
            return None
        index = selected[0].row()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _update_buttons(self) -> None:
        row = self.chosen()
        running = row is not None and row.state in ("current", "not started")
        # The services refuse both too: an early end is not undone by moving the end date.
        self.change_end_button.setEnabled(row is not None
                                          and row.state not in ("cancelled", "ended early"))
        self.end_early_button.setEnabled(running)
        self.pay_button.setEnabled(row is not None and row.price_pence > 0
                                   and not row.receipts and row.state != "cancelled")
        if row is None:
            self.detail.setText(self.tr("No support contract is recorded.")
                                if not self.rows else "")
            return
        parts = [self.tr("%s: %s, %s to %s.") % (row.reference, row.product_name,
                                                 formatting.short_date(row.starts_on),
                                                 formatting.short_date(row.ends_on))]
        if row.receipts:
            parts.append(self.tr("Paid on %s.") % ", ".join(row.receipts))
        elif row.price_pence:
            parts.append(self.tr("Not paid for yet."))
        if row.ended_early_reason:
            parts.append(self.tr("Ended early by %s: %s") % (row.ended_early_by,
                                                             row.ended_early_reason))
        self.detail.setText(" ".join(parts))

    # -- actions ---------------------------------------------------------------------------

    def _change(self, *, early: bool) -> None:
        row = self.chosen()
        if row is None:
            return
        actor = self._actor
        service = contracts.end_early if early else contracts.change_end
        with reporting_errors(self) as outcome:
            info = ContractEndDialog.ask(
                self, row.reference, row.ends_on,
                lambda contract_id, day, reason: service(actor, contract_id, day, reason),
                row.id, early=early)
        if outcome.failed or info is None:
            return
        self.reload()
        self.changed.emit()

    def _on_change_end(self) -> None:
        self._change(early=False)

    def _on_end_early(self) -> None:
        self._change(early=True)

    def _on_take_payment(self) -> None:
        from synergy_desk.ui.dialogs.payment import PaymentDialog
        from synergy_desk.ui.receipts import show_receipt

        row = self.chosen()
        if row is None:
            return
        receipt = call(self, PaymentDialog.ask, self, self._actor, row.customer_id, (), False,
                       row.id)
        if receipt is None:
            return
        if self._background is not None:
            show_receipt(self, self._background, receipt.number, copy=False)
        self.reload()
        self.changed.emit()
