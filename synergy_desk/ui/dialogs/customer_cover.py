"""A manager's changes to a customer's cover: adjust a season ticket, record a support contract.

Each dialog is given the service call that does the change, and calls it when accepted: what
the service refuses (a balance out of range, a reference the customer already has) is said in
the dialog, beside the field to put right, and the dialog stays open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.money import parse_pence
from synergy_desk.services.common import Actor
from synergy_desk.services.money import funding
from synergy_desk.services.money.funding import ContractInfo
from synergy_desk.services.money.tickets import TicketInfo
from synergy_desk.ui import formatting
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.dialogs.split import CoverOffer
from synergy_desk.ui.operations import call

#: Adjusts a ticket: (ticket id, change in incidents, reason) -> the ticket afterwards.
Adjust = Callable[[int, int, str], TicketInfo]
#: Records a contract: (reference, product id or None for all, starts, ends) -> the contract;
#: a price (net pence) is passed as ``price_pence`` when one is given.
Record = Callable[..., ContractInfo]
#: Changes a contract's end: (contract id, the date, reason) -> the contract.
ChangeEnd = Callable[[int, dt.date, str], ContractInfo]


class IncidentChangeBox(QSpinBox):
    """A change in incidents, signed and counted: "+1 incident", "-2 incidents"."""

    def textFromValue(self, value: int) -> str:  # noqa: N802 - Qt's name
        noun = self.tr("incident") if abs(value) == 1 else self.tr("incidents")
        return f"{value:+d} {noun}" if value else f"0 {noun}"

    def valueFromText(self, text: str) -> int:  # noqa: N802 - Qt's name
        digits = text.strip().split(" ", 1)[0]
        try:
            return int(digits)
        except ValueError:
            return 0

    def validate(self, text: str, pos: int) -> object:
        from PySide6.QtGui import QValidator

        head = text.strip().split(" ", 1)[0]
        if head in ("", "+", "-"):
            return QValidator.State.Intermediate, text, pos
        try:
            value = int(head)
        except ValueError:
            return QValidator.State.Invalid, text, pos
        state = (QValidator.State.Acceptable if self.minimum() <= value <= self.maximum()
                 else QValidator.State.Intermediate)
        return state, text, pos


class TicketAdjustDialog(FormDialog[TicketInfo]):
    """Choose a live ticket, how many incidents to add or take away, and why; ``adjust``
    makes the change."""

    def __init__(self, parent: QWidget | None, customer_name: str,
                 tickets: list[TicketInfo], adjust: Adjust) -> None:
        super().__init__(parent, message_name="dialogMessage")
        self._adjust = adjust
        self.setObjectName("ticketAdjustDialog")
        self.setWindowTitle(self.tr("Adjust a season ticket — %s") % customer_name)
        self._tickets = [tk for tk in tickets if tk.is_live]

        self.ticket = QComboBox()
        self.ticket.setObjectName("adjustTicket")
        for tk in self._tickets:
            self.ticket.addItem(self.tr("Ticket %s: %s") % (tk.id, tk.summary), tk.id)
        self.delta = IncidentChangeBox()
        self.delta.setObjectName("adjustDelta")
        self.delta.setRange(-10, 10)
        self.delta.setValue(1)
        self.delta.setToolTip(self.tr("Positive adds incidents, negative takes them away"))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("adjustReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("Why the balance changes (kept in the ticket's "
                                               "ledger and the audit log)"))
        self.reason.setMaximumHeight(90)
        self.after = QLabel()
        self.after.setObjectName("adjustAfter")

        form = QFormLayout()
        form.addRow(self.tr("&Ticket:"), self.ticket)
        form.addRow(self.tr("&Change:"), self.delta)
        form.addRow("", self.after)
        form.addRow(self.tr("&Reason:"), self.reason)
        self.ok_button.setText(self.tr("&Adjust"))
        layout = QVBoxLayout(self)
        if not self._tickets:
            layout.addWidget(QLabel(self.tr("This customer has no live season ticket; only a "
                                            "live ticket can be adjusted.")))
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        self.fields = {"delta": self.delta, "reason": self.reason}
        self.ticket.currentIndexChanged.connect(self._on_values_changed)
        self.delta.valueChanged.connect(self._on_values_changed)
        self._on_values_changed()
        self.setMinimumWidth(460)

    def _chosen(self) -> TicketInfo | None:
        ticket_id = self.ticket.currentData()
        return next((tk for tk in self._tickets if tk.id == ticket_id), None)

    def _on_values_changed(self, *_args: object) -> None:
        ticket = self._chosen()
        if ticket is None:
            self.after.clear()
            return
        self.after.setText(self.tr("%s of %s left afterwards")
                           % (ticket.left + self.delta.value(), ticket.size))

    def validate(self) -> None:
        if self._chosen() is None:
            raise Problem(self.tr("Choose the live ticket to adjust."), self.ticket)

    def answer(self) -> TicketInfo:
        ticket = self._chosen()
        assert ticket is not None  # validate() has checked
        return self._adjust(ticket.id, self.delta.value(), self.reason.toPlainText())

    @classmethod
    def ask(cls, parent: QWidget | None, customer_name: str, tickets: list[TicketInfo],
            adjust: Adjust) -> TicketInfo | None:
        """The ticket as adjusted, or None when cancelled."""
        return cls(parent, customer_name, tickets, adjust).ask_value()


class ContractDialog(FormDialog[ContractInfo]):
    """A contract's reference, the product it covers (or all) and the dates it runs;
    ``record`` records it."""

    def __init__(self, parent: QWidget | None, customer_name: str,
                 products: list[Any], record: Record) -> None:
        super().__init__(parent, message_name="dialogMessage")
        self._record = record
        self.setObjectName("contractDialog")
        self.setWindowTitle(self.tr("Record a support contract — %s") % customer_name)
        self.reference = QLineEdit()
        self.reference.setObjectName("contractReference")
        self.reference.setMaxLength(64)
        self.reference.setPlaceholderText(self.tr("e.g. SC-2027-014"))
        self.product = QComboBox()
        self.product.setObjectName("contractProduct")
        self.product.addItem(self.tr("All products"), None)
        for product in products:
            self.product.addItem(product.name, product.id)
        day = formatting.office_today()
        today = QDate(day.year, day.month, day.day)
        self.starts = QDateEdit(today)
        self.starts.setObjectName("contractStarts")
        self.ends = QDateEdit(today.addYears(1).addDays(-1))
        self.ends.setObjectName("contractEnds")
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
        self.price = QLineEdit()
        self.price.setObjectName("contractPrice")
        self.price.setPlaceholderText(self.tr("net of VAT, e.g. 1,200.00 (blank: none yet)"))
        form = QFormLayout()
        form.addRow(self.tr("&Reference:"), self.reference)
        form.addRow(self.tr("&Covers:"), self.product)
        form.addRow(self.tr("&Starts:"), self.starts)
        form.addRow(self.tr("&Ends:"), self.ends)
        form.addRow(self.tr("&Price:"), self.price)
        self.ok_button.setText(self.tr("Rec&ord"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Incidents for the covered products within these "
                                        "dates need no payment.")))
        self.add_message_and_buttons(layout)
        self.fields = {"reference": self.reference, "starts_on": self.starts,
                       "ends_on": self.ends, "price_pence": self.price}
        self.reference.setFocus(Qt.FocusReason.OtherFocusReason)

    def answer(self) -> ContractInfo:
        text = self.price.text().strip()
        price = parse_pence(text, field="price_pence") if text else 0
        extra = {"price_pence": price} if price else {}
        return self._record(self.reference.text(), self.product.currentData(),
                            self.starts.date().toPython(), self.ends.date().toPython(), **extra)

    @classmethod
    def ask(cls, parent: QWidget | None, customer_name: str, products: list[Any],
            record: Record) -> ContractInfo | None:
        """The contract as recorded, or None when cancelled."""
        return cls(parent, customer_name, products, record).ask_value()



class ContractEndDialog(FormDialog[ContractInfo]):
    """A new end date for a contract, or its early end (its last day), with the reason;
    ``change`` makes the change."""

    def __init__(self, parent: QWidget | None, reference: str, ends_on: dt.date,
                 change: ChangeEnd, contract_id: int, *, early: bool) -> None:
        super().__init__(parent, message_name="dialogMessage")
        self._change, self._contract_id = change, contract_id
        self.setObjectName("contractEarlyEndDialog" if early else "contractEndDialog")
        self.setWindowTitle(self.tr("End contract %s early") % reference if early
                            else self.tr("Change the end of contract %s") % reference)
        day = formatting.office_today() if early else ends_on
        self.day = QDateEdit(QDate(day.year, day.month, day.day))
        self.day.setObjectName("contractEndDate")
        self.day.setCalendarPopup(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("contractEndReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(90)
        self.reason.setPlaceholderText(self.tr("Why (kept in the audit log)"))
        form = QFormLayout()
        form.addRow(self.tr("&Last day covered:") if early else self.tr("&Ends on:"), self.day)
        form.addRow(self.tr("&Reason:"), self.reason)
        layout = QVBoxLayout(self)
        note = QLabel(self.tr("Incidents it funds already keep their funding; incidents after "
                              "its last day are not covered by it.") if early else
                      self.tr("It now runs until %s.") % formatting.short_date(ends_on))
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        self.ok_button.setText(self.tr("&End early") if early else self.tr("&Change"))
        self.add_message_and_buttons(layout)
        self.fields = {"ends_on": self.day, "last_day": self.day, "reason": self.reason}
        self.setMinimumWidth(440)

    def answer(self) -> ContractInfo:
        return self._change(self._contract_id, self.day.date().toPython(),
                            self.reason.toPlainText())

    @classmethod
    def ask(cls, parent: QWidget | None, reference: str, ends_on: dt.date, change: ChangeEnd,
            contract_id: int, *, early: bool) -> ContractInfo | None:
        """The contract as changed, or None when cancelled."""
        return cls(parent, reference, ends_on, change, contract_id, early=early).ask_value()


def offer_contract_funding(parent: QWidget | None, actor: Actor,
                           contract: ContractInfo) -> list[str]:
    """Offer a contract just recorded to the customer's open incidents awaiting payment that
    it covers; the references it funded (none when there were none or the offer was declined).
    """
    waiting = call(parent, funding.awaiting_cover, contract.id)
    if not waiting:
        return []
    shown = ", ".join(f"{w.reference} ({w.subject})" for w in waiting[:8])
    if len(waiting) > 8:
        shown += f" and {len(waiting) - 8} more"
    noun = "incident" if len(waiting) == 1 else "incidents"
    if not CoverOffer.ask(parent, "Fund from the new contract",
                          f"Contract {contract.reference} covers {len(waiting)} {noun} "
                          f"awaiting payment: {shown}. Fund {'it' if len(waiting) == 1 else 'them'}"
                          " from the contract now?"):
        return []
    done = call(parent, funding.fund_awaiting_from_contract, actor, contract.id,
                [w.id for w in waiting])
    return done or []
