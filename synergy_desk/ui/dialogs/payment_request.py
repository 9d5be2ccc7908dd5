"""Asking a customer to pay by bank transfer before support: the payment request's dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.bank import BankDetails
from synergy_desk.domain.enums import FundingKind
from synergy_desk.domain.errors import DomainError
from synergy_desk.domain.money import format_pence
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import incident_list
from synergy_desk.services.money import payment_requests, payments
from synergy_desk.services.money.payment_requests import RequestInfo, RequestInput
from synergy_desk.services.office import settings
from synergy_desk.services.office.office_time import office_today
from synergy_desk.services.people import customers
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem, payer_heading

__all__ = ["PaymentRequestDialog", "RequestAsked", "bank_details_text"]

#: At most this many of the customer's unfunded open incidents are offered at once.
MAX_INCIDENTS_LISTED = 200
_ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class RequestAsked:
    """The payment dialog's answer when Bank transfer was chosen: ask for the money with a
    payment request for these incidents and/or season ticket instead of taking it now."""

    customer_id: int
    incident_ids: tuple[int, ...] = ()
    ticket_size: int | None = None
    ticket_validity_days: int | None = None


def bank_details_text(bank: BankDetails) -> str:
    """The office's bank account as the request prints it, one detail a line."""
    lines = [f"Account name: {bank.account_name}", f"Sort code: {bank.sort_code}",
             f"Account number: {bank.account_number}"]
    if bank.iban:
        lines.append(f"IBAN: {bank.iban}")
    if bank.bic:
        lines.append(f"BIC: {bank.bic}")
    return "\n".join(lines)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class PaymentRequestDialog(FormDialog[RequestInfo]):
    """Which incidents and/or season ticket to ask for, when the money is due, the amount and
    the bank details the request prints; Issue numbers the request.

    The incidents stay unfunded, awaiting the transfer; the request's PDF is shown next.
    """

    def __init__(self, parent: QWidget | None, actor: Actor, customer_id: int,
                 incident_ids: Sequence[int] = (), ticket_size: int | None = None,
                 ticket_validity_days: int | None = None) -> None:
        super().__init__(parent, message_name="paymentRequestMessage")
        self.setObjectName("paymentRequestDialog")
        self._actor = actor
        self.customer_id = customer_id
        self.quote: payments.Quote | None = None
        office = settings.get_settings()
        self._validity_days = ticket_validity_days or office.ticket_validity_days
        summary = customers.customer_summary(customer_id)
        who, heading = payer_heading(summary, "paymentRequestCustomer")
        self.setWindowTitle(self.tr("Ask for a bank transfer — %s") % who)
        explain = QLabel(self.tr(
            "The customer is sent a numbered payment request with the office's bank details "
            "and a reference. The incidents wait, unfunded, until the money arrives and is "
            "recorded; then the receipt is issued and they join the queue."))
        explain.setWordWrap(True)
        explain.setStyleSheet(palette.MUTED.text_style())

        # -- what is asked for -----------------------------------------------------------------
        self.incidents = QListWidget()
        self.incidents.setObjectName("requestIncidents")
        self.incidents.setAccessibleName(self.tr("Incidents to ask for"))
        self.incidents.setMinimumHeight(110)
        incidents_label = QLabel(self.tr("Ask &for (Space ticks an incident):"))
        incidents_label.setBuddy(self.incidents)
        self.ticket_check = QCheckBox(self.tr("New &season ticket"))
        self.ticket_check.setObjectName("requestTicketCheck")
        self.ticket_size = QSpinBox()
        self.ticket_size.setObjectName("requestTicketSize")
        self.ticket_size.setRange(1, 10)
        self.ticket_size.setValue(ticket_size or max(1, min(10, office.ticket_default_size)))
        self.ticket_size.setSuffix(self.tr(" incidents"))
        self.ticket_size.setAccessibleName(self.tr("Season ticket size"))
        size_label = QLabel(self.tr("Si&ze:"))
        size_label.setBuddy(self.ticket_size)
        ticket_row = QHBoxLayout()
        ticket_row.addWidget(self.ticket_check)
        ticket_row.addSpacing(12)
        ticket_row.addWidget(size_label)
        ticket_row.addWidget(self.ticket_size)
        ticket_row.addStretch(1)
        asked = QGroupBox(self.tr("What the customer is asked to pay for"))
        asked_layout = QVBoxLayout(asked)
        asked_layout.addWidget(incidents_label)
        asked_layout.addWidget(self.incidents, 1)
        asked_layout.addLayout(ticket_row)

        # -- when, how much, where to -----------------------------------------------------------
        today = office_today()
        self.due = QDateEdit()
        self.due.setObjectName("requestDueDate")
        self.due.setCalendarPopup(True)
        self.due.setMinimumDate(_qdate(today))
        self.due.setMaximumDate(_qdate(today + dt.timedelta(days=payment_requests.MAX_DUE_DAYS)))
        self.due.setDate(_qdate(today + dt.timedelta(days=office.request_due_days)))
        self.due.setMinimumWidth(140)
        self.due.setMaximumWidth(200)  # a date, not a line of text
        self.amount = QLabel()
        self.amount.setObjectName("requestAmount")
        self.amount.setWordWrap(True)
        self.amount.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bank = QLabel()
        self.bank.setObjectName("requestBank")
        self.bank.setWordWrap(True)
        self.bank.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        due_label = QLabel(self.tr("&Due on:"))
        due_label.setBuddy(self.due)
        form.addRow(due_label, self.due)
        form.addRow(self.tr("Amount:"), self.amount)
        form.addRow(self.tr("Pay to:"), self.bank)

        self.issue_button = self.ok_button
        self.issue_button.setObjectName("issueRequestButton")
        self.issue_button.setText(self.tr("&Issue request"))
        self.issue_button.setDefault(True)
        self.issue_button.setToolTip(self.tr("Number the request and show it to print or "
                                             "e-mail"))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(asked, 1)
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        self.fields = {"due_on": self.due, "incident_ids": self.incidents,
                       "ticket_size": self.ticket_size}

        self.missing = payment_requests.missing_bank_details()
        self._show_bank(payment_requests.bank_details())
        self._fill_incidents(incident_ids)
        self.ticket_check.setChecked(ticket_size is not None)
        self.ticket_size.setEnabled(ticket_size is not None)
        self.incidents.itemChanged.connect(self._on_choice_changed)
        self.ticket_check.toggled.connect(self._on_ticket_toggled)
        self.ticket_size.valueChanged.connect(self._on_choice_changed)
        self._recompute()
        self.resize(620, 560)
        self.incidents.setFocus()

    # -- building helpers -------------------------------------------------------------------

    def _show_bank(self, bank: BankDetails) -> None:
        if self.missing:
            self.bank.setText(self.tr(
                "No payment request can be issued yet: the office's bank details lack %s. "
                "A manager sets them in Office ▸ Office settings ▸ Bank.")
                % " and ".join(self.missing))
            self.bank.setStyleSheet(palette.ERROR.text_style())
            # Nothing to issue: no button that could only be refused.
            self.issue_button.hide()
            self.issue_button.setEnabled(False)
            return
        self.bank.setText(bank_details_text(bank))

    def _fill_incidents(self, wanted: Sequence[int]) -> None:
        """The customer's unfunded open incidents not on a request already, those asked for
        ticked."""
        page = incident_list.list_incidents(
            incident_list.IncidentFilter(view="open", customer_id=self.customer_id),
            incident_list.Sort(column="opened", descending=False), limit=MAX_INCIDENTS_LISTED)
        rows = [row for row in page.rows if row.funding is FundingKind.NONE]
        waiting = payment_requests.awaiting_transfer(row.id for row in rows)
        wanted_set = set(wanted)
        for row in rows:
            if row.id in waiting:
                continue  # asked for already: it cannot be asked for twice
            item = QListWidgetItem(f"{row.reference} — {row.subject}")
            item.setData(_ID_ROLE, row.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if row.id in wanted_set
                               else Qt.CheckState.Unchecked)
            self.incidents.addItem(item)
        ticked = [i for i in range(self.incidents.count())
                  if self.incidents.item(i).checkState() == Qt.CheckState.Checked]
        if self.incidents.count():
            # The cursor on the incident asked for, not on another the customer has open.
            self.incidents.setCurrentRow(ticked[0] if ticked else 0)

    # -- what is chosen ---------------------------------------------------------------------

    def chosen_incident_ids(self) -> tuple[int, ...]:
        out = []
        for i in range(self.incidents.count()):
            item = self.incidents.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(_ID_ROLE)))
        return tuple(out)

    def chosen_ticket_size(self) -> int | None:
        return self.ticket_size.value() if self.ticket_check.isChecked() else None

    def due_on(self) -> dt.date:
        day = self.due.date()
        return dt.date(day.year(), day.month(), day.day())

    def _recompute(self) -> None:
        """The amount from the service's own quote, as the request will charge it."""
        incident_ids = self.chosen_incident_ids()
        size = self.chosen_ticket_size()
        self.quote = None
        if incident_ids or size is not None:
            try:
                self.quote = payments.quote(self.customer_id, incident_ids, size,
                                            self._validity_days if size else None)
            except DomainError as exc:
                self.message.problem(exc.message)
        q = self.quote
        if q is None:
            self.amount.setText(self.tr("Tick the incidents to ask for, or a season ticket."))
            self.amount.setStyleSheet(palette.MUTED.text_style())
        else:
            self.amount.setStyleSheet("font-weight:600;")
            text = (self.tr("%s (net %s, VAT %s)") % (
                format_pence(q.gross_pence), format_pence(q.net_pence),
                format_pence(q.vat_pence)) if q.vat_pence else format_pence(q.gross_pence))
            if q.ticket_funds:
                refs = [self.incidents.item(i).text().split(" — ")[0]
                        for i in range(self.incidents.count())
                        if self.incidents.item(i).data(_ID_ROLE) in q.ticket_funds]
                text += self.tr(": the season ticket, which will fund %s") % ", ".join(refs)
            self.amount.setText(text)
            self.message.clear()
        self.issue_button.setEnabled(q is not None and not self.missing)

    def _on_choice_changed(self, *_args: object) -> None:
        self._recompute()

    def _on_ticket_toggled(self, on: bool) -> None:
        self.ticket_size.setEnabled(on)
        self._recompute()

    # -- issuing ----------------------------------------------------------------------------

    def validate(self) -> None:
        if not self.chosen_incident_ids() and self.chosen_ticket_size() is None:
            raise Problem(self.tr("Tick the incidents the customer is asked to pay for, or a "
                                  "season ticket."), self.incidents)

    def answer(self) -> RequestInfo:
        size = self.chosen_ticket_size()
        return payment_requests.issue_request(self._actor, RequestInput(
            customer_id=self.customer_id, incident_ids=self.chosen_incident_ids(),
            ticket_size=size, ticket_validity_days=self._validity_days if size else None,
            due_on=self.due_on()))

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor, customer_id: int,
            incident_ids: Sequence[int] = (), ticket_size: int | None = None,
            ticket_validity_days: int | None = None) -> RequestInfo | None:
        """Issue a payment request; the request issued, or None when cancelled."""
        return cls(parent, actor, customer_id, incident_ids, ticket_size,
                   ticket_validity_days).ask_value()

