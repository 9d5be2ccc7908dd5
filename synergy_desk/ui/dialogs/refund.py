"""A manager refunds or voids a payment (whole, or chosen lines) on a new credit note."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.money import format_pence
from synergy_desk.services.common import MANAGERS, Actor
from synergy_desk.services.money import payments
from synergy_desk.services.money.credit_notes import CreditNoteInfo
from synergy_desk.services.money.payments import ReceiptInfo
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.operations import allowed, call

_ID_ROLE = Qt.ItemDataRole.UserRole


class RefundDialog(FormDialog[CreditNoteInfo]):
    """Choose the lines, refund or void, give the reason; the credit note is the answer."""

    def __init__(self, parent: QWidget | None, actor: Actor, receipt: ReceiptInfo) -> None:
        super().__init__(parent, message_name="refundMessage")
        self.setObjectName("refundDialog")
        self.setWindowTitle(self.tr("Refund or void %s") % receipt.number)
        self._actor = actor
        self.receipt = receipt

        heading = QLabel(
            f"<span style='font-size:13pt; font-weight:600'>{html.escape(receipt.number)}</span>"
            f" &nbsp; {html.escape(receipt.customer_name)}<br>"
            f"<span style='color:{palette.MUTED.hex()}'>"
            f"{html.escape(format_pence(receipt.gross_pence))} by "
            f"{html.escape(receipt.method_label)}, "
            f"{html.escape(formatting.short_datetime(receipt.taken_at))}, taken by "
            f"{html.escape(receipt.taken_by)}</span>")
        heading.setObjectName("refundReceipt")
        heading.setTextFormat(Qt.TextFormat.RichText)

        self.lines = QTreeWidget()
        self.lines.setObjectName("refundLines")
        self.lines.setHeaderLabels([self.tr("Line"), self.tr("Gross"), self.tr("State")])
        self.lines.setRootIsDecorated(False)
        self.lines.setMinimumHeight(120)
        header = self.lines.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lines.setColumnWidth(1, 90)
        self.lines.setColumnWidth(2, 170)
        self._refundable = 0
        for line in sorted(receipt.lines, key=lambda x: x.position):
            item = QTreeWidgetItem([line.description, format_pence(line.gross_pence),
                                    self.tr("Refunded on %s") % line.refunded_on
                                    if line.refunded_on else self.tr("Paid")])
            item.setData(0, _ID_ROLE, line.line_id)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if line.refunded_on:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            else:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Checked)
                self._refundable += 1
            self.lines.addTopLevelItem(item)
        lines_label = QLabel(self.tr("&Lines to hand back (Space ticks a line):"))
        lines_label.setBuddy(self.lines)

        self.refund_radio = QRadioButton(self.tr("&Refund the ticked lines"))
        self.refund_radio.setObjectName("refundKindRefund")
        self.void_radio = QRadioButton(self.tr("&Void the whole payment (taken in error)"))
        self.void_radio.setObjectName("refundKindVoid")
        self.refund_radio.setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.refund_radio)
        kinds.addButton(self.void_radio)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.refund_radio)
        kind_row.addWidget(self.void_radio)
        kind_row.addStretch(1)

        self.reason = QPlainTextEdit()
        self.reason.setObjectName("refundReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(64)
        self.reason.setPlaceholderText(self.tr("Why the money is handed back (required)"))
        reason_label = QLabel(self.tr("Rea&son:"))
        reason_label.setBuddy(self.reason)

        self.total = QLabel()
        self.total.setObjectName("refundTotal")
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight)

        self.refund_button = self.ok_button
        self.refund_button.setObjectName("refundButton")
        self.refund_button.setText(self.tr("&Issue credit note  (Ctrl+Enter)"))
        self.refund_button.setAutoDefault(False)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, activated=self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(lines_label)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.total)
        layout.addLayout(kind_row)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        self.add_message_and_buttons(layout)
        self.fields = {"reason": self.reason}
        self.resize(640, 440)

        self.lines.itemChanged.connect(self._on_choice_changed)
        self.void_radio.toggled.connect(self._on_choice_changed)
        self._on_choice_changed()
        if self._refundable == 0:  # said at once; Refund has nothing to do
            self.show_problem(self._refunded_in_full())
            self.refund_button.setEnabled(False)
        self.lines.setFocus()
        first = next((self.lines.topLevelItem(i) for i in range(self.lines.topLevelItemCount())
                      if self.lines.topLevelItem(i).flags() & Qt.ItemFlag.ItemIsEnabled), None)
        if first is not None:
            self.lines.setCurrentItem(first)

    # -- the choice -----------------------------------------------------------------------------

    def chosen_line_ids(self) -> list[int]:
        out = []
        for i in range(self.lines.topLevelItemCount()):
            item = self.lines.topLevelItem(i)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable \
                    and item.checkState(0) == Qt.CheckState.Checked:
                out.append(int(item.data(0, _ID_ROLE)))
        return out

    def _whole(self) -> bool:
        """Every line still paid for is ticked."""
        return self._refundable > 0 and len(self.chosen_line_ids()) == self._refundable

    def _on_choice_changed(self, *_args: object) -> None:
        chosen = set(self.chosen_line_ids())
        gross = sum(ln.gross_pence for ln in self.receipt.lines if ln.line_id in chosen)
        voidable = self._whole() and self._refundable == len(self.receipt.lines)
        self.void_radio.setEnabled(voidable)
        if not voidable and self.void_radio.isChecked():
            self.refund_radio.setChecked(True)
        self.total.setText(self.tr("To hand back: <b>%s</b>") % format_pence(gross))

    # -- issuing ------------------------------------------------------------------------------------

    def confirm_work_started(self, message: str) -> bool:
        """Ask the manager whether to refund although work has started (tests replace this)."""
        answer = QMessageBox.question(
            self, self.tr("Work has started"),
            message + "\n\n" + self.tr("Refund anyway? The incident will need funding again."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _line_ids(self) -> list[int] | None:
        """The lines to refund; None for the whole payment."""
        return None if self._whole() else self.chosen_line_ids()

    def _refunded_in_full(self) -> str:
        return self.tr("%s has been refunded in full already.") % self.receipt.number

    def validate(self) -> None:
        if self._refundable == 0:  # Ctrl+Enter with the button disabled
            raise Problem(self._refunded_in_full())
        if not self.reason.toPlainText().strip():
            raise Problem(self.tr("Give the reason for handing the money back."), self.reason)
        line_ids = self._line_ids()
        if line_ids is not None and not line_ids:
            raise Problem(self.tr("Tick the lines to refund."), self.lines)

    def answer(self) -> CreditNoteInfo:
        reason = self.reason.toPlainText().strip()
        line_ids = self._line_ids()
        void = self.void_radio.isChecked()
        try:
            return payments.refund(self._actor, self.receipt.payment_id, line_ids=line_ids,
                                   reason=reason, void=void)
        except ValidationError as exc:
            if exc.field != "confirm_work_started":
                raise
            if not self.confirm_work_started(exc.message):
                raise Problem(self.tr("Nothing was refunded.")) from exc
        return payments.refund(self._actor, self.receipt.payment_id, line_ids=line_ids,
                               reason=reason, void=void, confirm_work_started=True)

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor, payment_id: int) -> CreditNoteInfo | None:
        """Refund or void a payment (managers only); the credit note, or None when cancelled."""
        if not allowed(parent, actor, MANAGERS, "refund or void payments"):
            return None
        receipt = call(parent, payments.receipt_info, payment_id, copy=True)
        if receipt is None:
            return None
        return cls(parent, actor, receipt).ask_value()
