"""Recording a bank transfer by hand: find the open payment request it pays, say what arrived."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.bank import find_reference
from synergy_desk.domain.errors import DomainError
from synergy_desk.domain.money import format_pence, parse_pence
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payment_requests
from synergy_desk.services.money.payment_requests import RequestSummary, TransferResult
from synergy_desk.services.office.office_time import date_text, office_today
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem

__all__ = ["RecordTransferDialog", "transfer_outcome"]

#: At most this many open requests are listed for a search.
MAX_LISTED = 100
_ID_ROLE = Qt.ItemDataRole.UserRole


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def transfer_outcome(result: TransferResult) -> str:
    """What recording the money did, as the desk is told it: "Receipt R-000010 issued;
    INC-000004 is now in the queue", "£50.00 recorded; £40.00 still to come on PR-000001",
    and any money beyond the request ("£10.00 more than asked: refund it or hold it for the
    customer")."""
    info = result.request
    if result.receipt is not None:
        refs = [ln.incident_reference for ln in info.lines if ln.incident_reference]
        text = f"Receipt {result.receipt.number} issued"
        if len(refs) == 1:
            text += f"; {refs[0]} is now in the queue"
        elif refs:
            text += f"; {', '.join(refs[:-1])} and {refs[-1]} are now in the queue"
        else:
            text += f"; {info.number} is paid"
        text += "."
    else:
        amount = next((tr.amount_pence for tr in info.transfers
                       if tr.transfer_id == result.transfer_id), 0)
        text = (f"{format_pence(amount)} recorded; "
                f"{format_pence(info.outstanding_pence)} still to come on {info.number}.")
    if result.over_pence:
        text += (f" {format_pence(result.over_pence)} more than asked: refund it or hold it "
                 "for the customer.")
    return text


class RecordTransferDialog(FormDialog[TransferResult]):
    """Find the open request (by its reference, the customer or the amount), then the day the
    money arrived, how much and the bank's reference; Record records it.

    When the money covers the request its receipt is issued and its incidents join the queue.
    """

    def __init__(self, parent: QWidget | None, actor: Actor,
                 request_id: int | None = None, search: str = "") -> None:
        super().__init__(parent, message_name="recordTransferMessage")
        self.setObjectName("recordTransferDialog")
        self.setWindowTitle(self.tr("Record a bank transfer"))
        self._actor = actor
        self._rows: dict[int, RequestSummary] = {}

        self.search = QLineEdit(search)
        self.search.setObjectName("transferSearch")
        self.search.setPlaceholderText(self.tr("Reference (PR12-X), customer or amount"))
        self.search.setClearButtonEnabled(True)
        search_label = QLabel(self.tr("&Find the request:"))
        search_label.setBuddy(self.search)
        self.requests = QTreeWidget()
        self.requests.setObjectName("transferRequests")
        self.requests.setAccessibleName(self.tr("Open payment requests"))
        self.requests.setRootIsDecorated(False)
        self.requests.setUniformRowHeights(True)
        self.requests.setAlternatingRowColors(True)
        self.requests.setHeaderLabels([self.tr("Request"), self.tr("Reference"),
                                       self.tr("Customer"), self.tr("Due"),
                                       self.tr("Amount"), self.tr("Still to come")])
        header = self.requests.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.requests.setMinimumHeight(150)
        list_label = QLabel(self.tr("Open re&quests:"))
        list_label.setBuddy(self.requests)

        today = office_today()
        self.received = QDateEdit()
        self.received.setObjectName("transferReceivedOn")
        self.received.setCalendarPopup(True)
        self.received.setMaximumDate(_qdate(today))  # money cannot arrive after today
        self.received.setDate(_qdate(today))
        self.received.setMinimumWidth(140)
        self.amount = QLineEdit()
        self.amount.setObjectName("transferAmount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setMaxLength(20)
        self.amount.setMaximumWidth(140)
        self.amount.setPlaceholderText("90.00")
        self.bank_reference = QLineEdit()
        self.bank_reference.setObjectName("transferBankReference")
        self.bank_reference.setMaxLength(140)
        self.bank_reference.setPlaceholderText(self.tr("As it appears on the bank statement"))
        self.chosen_text = QLabel()
        self.chosen_text.setObjectName("transferChosen")
        self.chosen_text.setWordWrap(True)
        form = QFormLayout()
        # The date and the amount as wide as they need; the bank's reference takes the rest.
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.bank_reference.setMinimumWidth(420)
        for caption, widget in ((self.tr("Received &on:"), self.received),
                                (self.tr("&Amount received:"), self.amount),
                                (self.tr("Bank's refere&nce:"), self.bank_reference)):
            label = QLabel(caption)
            label.setBuddy(widget)
            form.addRow(label, widget)

        self.record_button = self.ok_button
        self.record_button.setObjectName("recordTransferButton")
        self.record_button.setText(self.tr("&Record"))
        self.record_button.setDefault(True)
        self.record_button.setToolTip(self.tr("Record the money against the request chosen "
                                              "(Enter)"))

        layout = QVBoxLayout(self)
        layout.addWidget(search_label)
        layout.addWidget(self.search)
        layout.addWidget(list_label)
        layout.addWidget(self.requests, 1)
        layout.addWidget(self.chosen_text)
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        self.fields = {"received_on": self.received, "amount_pence": self.amount,
                       "bank_reference": self.bank_reference, "request": self.requests}

        self.search.textChanged.connect(self._on_search_text_changed)
        self.requests.currentItemChanged.connect(self._on_requests_current_changed)
        self.requests.itemDoubleClicked.connect(lambda *_a: self.amount.setFocus())
        # Enter in the search goes on to the amount; it does not record the money at once.
        self.search.installEventFilter(self)
        self._find(chosen=request_id)
        self.resize(760, 560)
        self.search.setFocus()

    # -- finding the request ----------------------------------------------------------------

    def _find(self, chosen: int | None = None) -> None:
        text = self.search.text().strip()
        found: Sequence[RequestSummary] = ()
        reference = find_reference(text)
        if reference is not None and reference.check and not reference.check_ok:
            # A mistyped reference may be another request's number: nothing is offered.
            self.message.problem(self.tr("“%s” is not a valid payment reference: its last "
                                         "character does not match (mistyped?).") % text)
        else:
            try:
                found = payment_requests.find_requests(text, states=(payment_requests.OPEN,),
                                                       limit=MAX_LISTED)
            except DomainError as exc:
                self.message.problem(exc.message)
            else:
                self.message.clear()
        if chosen is not None and all(r.request_id != chosen for r in found):
            try:
                info = payment_requests.request_info(chosen)
            except DomainError as exc:
                self.message.problem(exc.message)
            else:
                if info.state == payment_requests.OPEN:
                    found = [info, *found]
        self.requests.blockSignals(True)
        self.requests.clear()
        self._rows = {}
        current = None
        for row in found:
            item = QTreeWidgetItem([row.number, row.reference, row.customer_name,
                                    date_text(row.due_on), format_pence(row.gross_pence),
                                    format_pence(row.outstanding_pence)])
            item.setData(0, _ID_ROLE, row.request_id)
            for column in (4, 5):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            if row.status == "overdue":
                item.setForeground(3, palette.WARNING.brush())
            item.setToolTip(2, f"{row.customer_name} ({row.account_code}): {row.items}")
            self.requests.addTopLevelItem(item)
            self._rows[row.request_id] = row
            if current is None:
                current = item
        self.requests.blockSignals(False)
        if chosen is not None:
            current = next((self.requests.topLevelItem(i)
                            for i in range(self.requests.topLevelItemCount())
                            if self.requests.topLevelItem(i).data(0, _ID_ROLE) == chosen),
                           current)
        self.requests.setCurrentItem(current)
        self._on_requests_current_changed()
        if not found and text and not self.message.text():
            self.message.note(self.tr("No open payment request matches “%s”.") % text)

    def chosen(self) -> RequestSummary | None:
        item = self.requests.currentItem()
        if item is None:
            return None
        return self._rows.get(int(item.data(0, _ID_ROLE)))

    def _on_search_text_changed(self, _text: str) -> None:
        self._find()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.search and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.chosen() is not None:
                self.amount.setFocus()
                self.amount.selectAll()
            return True
        return super().eventFilter(watched, event)

    def _on_requests_current_changed(self, *_args: object) -> None:
        row = self.chosen()
        self.record_button.setEnabled(row is not None)
        if row is None:
            self.chosen_text.setText(self.tr("Choose the request the money is for."))
            self.amount.clear()
            return
        got = (self.tr("; %s received so far") % format_pence(row.received_pence)
               if row.received_pence else "")
        self.chosen_text.setText(self.tr("%s, %s: %s for %s, due %s%s.") % (
            row.number, row.customer_name, format_pence(row.gross_pence), row.items,
            date_text(row.due_on), got))
        self.amount.setText(format_pence(row.outstanding_pence, symbol=False))
        # Its money cannot have arrived before the request was issued (a mistyped year).
        issued = formatting.local(row.issued_at)
        if issued is not None:
            self.received.setMinimumDate(_qdate(issued.date()))

    # -- recording --------------------------------------------------------------------------

    def received_on(self) -> dt.date:
        day = self.received.date()
        return dt.date(day.year(), day.month(), day.day())

    def validate(self) -> None:
        if self.chosen() is None:
            raise Problem(self.tr("Choose the payment request the money is for."), self.search)

    def answer(self) -> TransferResult:
        row = self.chosen()
        assert row is not None  # validate said so
        try:
            pence = parse_pence(self.amount.text(), field="amount received", allow_zero=False)
        except DomainError as exc:
            raise Problem(exc.message, self.amount) from None
        return payment_requests.record_transfer(
            self._actor, row.request_id, received_on=self.received_on(), amount_pence=pence,
            bank_reference=self.bank_reference.text().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor, request_id: int | None = None,
            search: str = "") -> TransferResult | None:
        """Record a transfer by hand; what it did, or None when cancelled."""
        return cls(parent, actor, request_id, search).ask_value()
