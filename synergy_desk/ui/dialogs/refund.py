"""A manager refunds or voids a payment (whole, or chosen lines) on a new credit note.

A season ticket some of whose incidents were used is refunded pro rata unless the manager
chooses the full price and says why; the dialog shows both amounts, pro rata chosen.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
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
from synergy_desk.services.money.payments import ReceiptInfo, TicketRefund, TicketRefundQuote
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.operations import allowed, call

_ID_ROLE = Qt.ItemDataRole.UserRole


class RefundDialog(FormDialog[CreditNoteInfo]):
    """Choose the lines, refund or void, give the reason; the credit note is the answer."""

    def __init__(self, parent: QWidget | None, actor: Actor, receipt: ReceiptInfo,
                 ticket_quotes: Sequence[TicketRefundQuote] | None = None) -> None:
        super().__init__(parent, message_name="refundMessage")
        self.setObjectName("refundDialog")
        self.setWindowTitle(self.tr("Refund or void %s") % receipt.number)
        self._actor = actor
        self.receipt = receipt
        if ticket_quotes is None:
            ticket_quotes = payments.ticket_refund_quotes(receipt.payment_id)
        #: What each season-ticket line not yet refunded would give back, both ways.
        self._quotes = {q.line_id: q for q in ticket_quotes}

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

        self.ticket_choice = self._ticket_choice_box()

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
        layout.addWidget(self.ticket_choice)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        self.add_message_and_buttons(layout)
        self.fields = {"reason": self.reason, "full_refund_reason": self.full_reason,
                       "ticket_refund": self.pro_rata_radio}
        self.resize(640, 560 if self._choosable() else 440)

        self.lines.itemChanged.connect(self._on_choice_changed)
        self.void_radio.toggled.connect(self._on_choice_changed)
        self.full_radio.toggled.connect(self._on_choice_changed)
        self._on_choice_changed()
        if self._refundable == 0:  # said at once; Refund has nothing to do
            self.show_problem(self._refunded_in_full())
            self.refund_button.setEnabled(False)
        self.lines.setFocus()
        first = next((self.lines.topLevelItem(i) for i in range(self.lines.topLevelItemCount())
                      if self.lines.topLevelItem(i).flags() & Qt.ItemFlag.ItemIsEnabled), None)
        if first is not None:
            self.lines.setCurrentItem(first)

    def _ticket_choice_box(self) -> QGroupBox:
        """Pro rata (chosen) or the full price with a reason, for a season ticket in use."""
        box = QGroupBox(self.tr("Season ticket"))
        box.setObjectName("ticketRefundChoice")
        self.ticket_facts = QLabel()
        self.ticket_facts.setObjectName("ticketRefundFacts")
        self.ticket_facts.setWordWrap(True)
        self.pro_rata_radio = QRadioButton()
        self.pro_rata_radio.setObjectName("ticketRefundProRata")
        self.full_radio = QRadioButton()
        self.full_radio.setObjectName("ticketRefundFull")
        self.pro_rata_radio.setChecked(True)
        choice = QButtonGroup(box)
        choice.addButton(self.pro_rata_radio)
        choice.addButton(self.full_radio)
        self.full_reason = QLineEdit()
        self.full_reason.setObjectName("fullRefundReason")
        self.full_reason.setMaxLength(300)
        self.full_reason.setPlaceholderText(
            self.tr("Required for the full price: the used incidents are paid back too"))
        full_reason_label = QLabel(self.tr("&Why the used incidents are refunded too:"))
        full_reason_label.setBuddy(self.full_reason)
        self.full_reason.returnPressed.connect(self.accept)
        layout = QVBoxLayout(box)
        layout.addWidget(self.ticket_facts)
        layout.addWidget(self.pro_rata_radio)
        layout.addWidget(self.full_radio)
        layout.addWidget(full_reason_label)
        layout.addWidget(self.full_reason)
        quote = self._choosable()
        if quote is not None:
            noun = self.tr("incident") if quote.unused == 1 else self.tr("incidents")
            self.ticket_facts.setText(
                self.tr("This season ticket: %s of %s incidents used. The used incidents keep "
                        "their funding either way.") % (quote.used, quote.size))
            self.pro_rata_radio.setText(
                self.tr("&Unused incidents only, pro rata (%s %s): %s")
                % (quote.unused, noun, format_pence(quote.pro_rata.gross_pence)))
            self.full_radio.setText(
                self.tr("The full &price, the used incidents included: %s")
                % format_pence(quote.full.gross_pence))
        box.setVisible(quote is not None)
        return box

    def _choosable(self) -> TicketRefundQuote | None:
        """The season ticket on this receipt whose refund is a choice (some of it used)."""
        return next((q for q in self._quotes.values() if q.differs), None)

    def _full(self) -> bool:
        return self.full_radio.isChecked()

    def _line_gross(self, line_id: int, gross: int) -> int:
        quote = self._quotes.get(line_id)
        if quote is None or not quote.differs:
            return gross
        return quote.full.gross_pence if self._full() else quote.pro_rata.gross_pence

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
        gross = sum(self._line_gross(ln.line_id, ln.gross_pence)
                    for ln in self.receipt.lines if ln.line_id in chosen)
        quote = self._choosable()
        ticket_chosen = quote is not None and quote.line_id in chosen
        self.ticket_choice.setEnabled(ticket_chosen)
        self.full_reason.setEnabled(ticket_chosen and self._full())
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
        if self.full_reason.isEnabled() and not self.full_reason.text().strip():
            raise Problem(self.tr("Say why the used incidents are refunded too, or refund the "
                                  "unused ones only."), self.full_reason)

    def answer(self) -> CreditNoteInfo:
        reason = self.reason.toPlainText().strip()
        line_ids = self._line_ids()
        void = self.void_radio.isChecked()
        full = self.ticket_choice.isEnabled() and self._full()
        choice = TicketRefund.FULL if full else TicketRefund.PRO_RATA
        why_full = self.full_reason.text().strip() if full else ""
        try:
            return payments.refund(self._actor, self.receipt.payment_id, line_ids=line_ids,
                                   reason=reason, void=void, ticket_refund=choice,
                                   full_refund_reason=why_full)
        except ValidationError as exc:
            if exc.field != "confirm_work_started":
                raise
            if not self.confirm_work_started(exc.message):
                raise Problem(self.tr("Nothing was refunded.")) from exc
        return payments.refund(self._actor, self.receipt.payment_id, line_ids=line_ids,
                               reason=reason, void=void, confirm_work_started=True,
                               ticket_refund=choice, full_refund_reason=why_full)

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor, payment_id: int) -> CreditNoteInfo | None:
        """Refund or void a payment (managers only); the credit note, or None when cancelled."""
        if not allowed(parent, actor, MANAGERS, "refund or void payments"):
            return None
        receipt = call(parent, payments.receipt_info, payment_id, copy=True)
        if receipt is None:
            return None
        quotes = call(parent, payments.ticket_refund_quotes, payment_id)
        if quotes is None:
            return None
        return cls(parent, actor, receipt, quotes).ask_value()
