"""The till: take a payment for incidents and/or a new season ticket, and issue its receipt.

Bank transfer is paid before support too: chosen here, it asks for the money with a payment
request for the same incidents and ticket (the receipt comes when the money arrives).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QFont, QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.cards import contains_card_number
from synergy_desk.domain.enums import FundingKind, LineKind, PaymentMethod
from synergy_desk.domain.errors import DomainError, ValidationError
from synergy_desk.domain.money import format_pence, parse_pence
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import incident_list
from synergy_desk.services.money import funding, payment_requests, payments
from synergy_desk.services.money.payments import PaymentInput, Quote, ReceiptInfo
from synergy_desk.services.office import settings
from synergy_desk.services.people import customers
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem, payer_heading
from synergy_desk.ui.dialogs.payment_request import RequestAsked

#: The most digits a card number has: what follows a wiped number may be the rest of it.
MAX_CARD_DIGITS = 19
CARD_BRANDS = ("Visa", "Mastercard", "American Express", "Maestro", "Diners Club", "JCB")
#: At most this many of the customer's unfunded open incidents are offered at once.
MAX_INCIDENTS_LISTED = 200
_ID_ROLE = Qt.ItemDataRole.UserRole
_TEXT_ROLE = Qt.ItemDataRole.UserRole + 1
_TICKET = "ticket"
_CONTRACT = "contract"

_CARD_REFUSED = (
    "That looked like a full card number, so it was wiped at once. Card numbers are never "
    "stored: type only the card brand, the last four digits and the terminal's authorisation "
    "code.")


def _money_item_alignment() -> Qt.AlignmentFlag:
    return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class PaymentDialog(FormDialog[ReceiptInfo | RequestAsked]):
    """What is being paid for, how, and the receipt; works from the keyboard alone.

    Tab runs lines → season ticket → method → amount → card or bank details → full invoice →
    Take payment. Space ticks a line, Enter (or Ctrl+Enter) takes the payment.
    """

    def __init__(self, parent: QWidget | None, actor: Actor, customer_id: int,
                 incident_ids: Sequence[int] = (), offer_ticket: bool = False,
                 contract_id: int | None = None) -> None:
        super().__init__(parent, message_name="paymentMessage")
        #: A support contract being paid for (chosen from the contract list).
        self.contract_id = contract_id
        self.setObjectName("paymentDialog")
        self._actor = actor
        self.customer_id = customer_id
        self.quote: Quote | None = None
        self._amount_edited = False
        self._full_invoice_wanted = False
        self._refused: QLineEdit | None = None
        #: What was typed into the refused field since the wipe that may be the rest of the
        #: card number (digits, spaces, dashes typed on at its end); None once the wipe came
        #: from a paste, which leaves no rest behind.
        self._rest: str | None = None
        self._wiped_digits = 0
        #: Each card field's text before its last edit (a paste adds many characters at once).
        self._before: dict[int, str] = {}
        # The message shows a hint about the choice (cleared as the choice becomes good) or
        # an answer about taking the payment (kept until the next try).
        self._message_about_choice = False

        summary = customers.customer_summary(customer_id)
        office = settings.get_settings()
        #: An office not VAT-registered charges no VAT and issues no VAT invoices.
        self._vat_registered = office.vat_registered
        ent = funding.entitlement(customer_id)
        self._per_incident = (ent.incident_net_pence, ent.incident_vat_pence,
                              ent.incident_gross_pence)
        who, heading = payer_heading(summary, "paymentCustomer")
        self.setWindowTitle(self.tr("Take payment — %s") % who)

        # -- who is paying ---------------------------------------------------------------------
        self.entitlement = QLabel(html.escape(ent.summary))
        self.entitlement.setObjectName("paymentEntitlement")
        self.entitlement.setWordWrap(True)
        self.entitlement.setStyleSheet(palette.MUTED.text_style())

        # -- the basket ------------------------------------------------------------------------
        basket = QGroupBox(self.tr("What is being paid for"))
        self.lines = QTreeWidget()
        self.lines.setObjectName("paymentLines")
        self.lines.setAccessibleName(self.tr("Lines to pay for"))
        self.lines.setColumnCount(4)
        self.lines.setHeaderLabels([self.tr("Item"), self.tr("Net"), self.tr("VAT"),
                                    self.tr("Gross")])
        self.lines.setRootIsDecorated(False)
        self.lines.setUniformRowHeights(True)
        self.lines.setAlternatingRowColors(True)
        self.lines.setMinimumHeight(150)
        header = self.lines.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self.lines.setColumnWidth(column, 82)
            self.lines.headerItem().setTextAlignment(column, _money_item_alignment())
        lines_label = QLabel(self.tr("Pay &for (Space ticks a line):"))
        lines_label.setBuddy(self.lines)

        self.ticket_check = QCheckBox(self.tr("New &season ticket"))
        self.ticket_check.setObjectName("ticketCheck")
        self.ticket_size = QSpinBox()
        self.ticket_size.setObjectName("ticketSize")
        self.ticket_size.setRange(1, 10)
        self.ticket_size.setValue(max(1, min(10, office.ticket_default_size)))
        self.ticket_size.setSuffix(self.tr(" incidents"))
        self.ticket_size.setAccessibleName(self.tr("Season ticket size"))
        self.ticket_days = QSpinBox()
        self.ticket_days.setObjectName("ticketDays")
        self.ticket_days.setRange(payments.MIN_VALIDITY_DAYS, payments.MAX_VALIDITY_DAYS)
        self.ticket_days.setValue(office.ticket_validity_days)
        self.ticket_days.setSuffix(self.tr(" days"))
        self.ticket_days.setAccessibleName(self.tr("Season ticket validity"))
        size_label = QLabel(self.tr("Si&ze:"))
        size_label.setBuddy(self.ticket_size)
        days_label = QLabel(self.tr("&Valid for:"))
        days_label.setBuddy(self.ticket_days)
        price_each = format_pence(ent.ticket_incident_price_pence)
        ticket_hint = QLabel((self.tr("%s an incident + VAT") if office.vat_registered
                              else self.tr("%s an incident (no VAT)")) % price_each)
        ticket_hint.setStyleSheet(palette.MUTED.text_style())
        ticket_row = QHBoxLayout()
        ticket_row.addWidget(self.ticket_check)
        ticket_row.addSpacing(12)
        ticket_row.addWidget(size_label)
        ticket_row.addWidget(self.ticket_size)
        ticket_row.addSpacing(8)
        ticket_row.addWidget(days_label)
        ticket_row.addWidget(self.ticket_days)
        ticket_row.addSpacing(8)
        ticket_row.addWidget(ticket_hint)
        ticket_row.addStretch(1)

        self.net_label = self._amount_label("paymentNet")
        self.vat_label = self._amount_label("paymentVat")
        self.total_label = self._amount_label("paymentTotal")
        big = QFont(self.total_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        self.total_label.setFont(big)
        totals = QGridLayout()
        totals.setColumnStretch(0, 1)
        totals.setHorizontalSpacing(16)
        for row, (text, label) in enumerate(((self.tr("Net"), self.net_label),
                                             (self.tr("VAT"), self.vat_label),
                                             (self.tr("Total to pay"), self.total_label))):
            caption = QLabel(text)
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if row == 2:
                caption.setStyleSheet("font-weight:600;")
            totals.addWidget(caption, row, 1)
            totals.addWidget(label, row, 2)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)

        basket_layout = QVBoxLayout(basket)
        basket_layout.addWidget(lines_label)
        basket_layout.addWidget(self.lines, 1)
        basket_layout.addLayout(ticket_row)
        basket_layout.addWidget(rule)
        basket_layout.addLayout(totals)

        # -- the payment -----------------------------------------------------------------------
        tender = QGroupBox(self.tr("Payment"))
        self.method = QComboBox()
        self.method.setObjectName("paymentMethod")
        for m in (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.BANK_TRANSFER):
            self.method.addItem(self.tr(m.label), m.value)
        self.amount = QLineEdit()
        self.amount.setObjectName("paymentAmount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setPlaceholderText("0.00")
        self.amount.setMaxLength(20)
        # Read-only (card, bank transfer) it shows the total rather than asking for it.
        self.amount.setStyleSheet("QLineEdit[readOnly=\"true\"] { background: transparent; "
                                  "border: none; font-weight: 600; }")
        self.change = QLabel()
        self.change.setObjectName("paymentChange")
        self.change.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        change_font = QFont(self.change.font())
        change_font.setPointSizeF(change_font.pointSizeF() * 1.3)
        change_font.setBold(True)
        self.change.setFont(change_font)
        # A long refusal ("… is not an amount of money; type it like …") wraps under the
        # amount instead of widening the dialog past the screen.
        self.change.setWordWrap(True)
        self.card_brand = QLineEdit()
        self.card_brand.setObjectName("cardBrand")
        self.card_brand.setMaxLength(24)
        self.card_brand.setPlaceholderText(self.tr("Visa, Mastercard, …"))
        completer = QCompleter(list(CARD_BRANDS), self.card_brand)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
        self.card_brand.setCompleter(completer)
        self.card_last4 = QLineEdit()
        self.card_last4.setObjectName("cardLast4")
        self.card_last4.setMaxLength(4)
        self.card_last4.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}"),
                                                                 self.card_last4))
        self.card_last4.setPlaceholderText("4242")
        self.card_last4.setMaximumWidth(80)
        self.reference = QLineEdit()
        self.reference.setObjectName("paymentReference")
        self.reference.setMaxLength(64)
        self.full_invoice = QCheckBox()
        self.full_invoice.setObjectName("fullInvoice")
        self.full_invoice.setToolTip(self.tr("A full VAT invoice prints the customer's name and "
                                             "address, and the net and VAT of each line."))

        self.tender_form = QFormLayout(tender)
        self.tender_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.tender_form.addRow(self.tr("&Method:"), self.method)
        self.tender_form.addRow(self.tr("Amount ten&dered:"), self.amount)
        self.tender_form.addRow("", self.change)
        self.tender_form.addRow(self.tr("Card &brand:"), self.card_brand)
        self.tender_form.addRow(self.tr("&Last four digits:"), self.card_last4)
        self.tender_form.addRow(self.tr("&Auth code:"), self.reference)
        self.tender_form.addRow(self.full_invoice)

        # -- messages and buttons ------------------------------------------------------------
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName(self.tr("Message"))
        self.take_button = self.ok_button
        self.take_button.setObjectName("takePaymentButton")
        self.take_button.setDefault(True)
        self.take_button.setMinimumHeight(34)
        self.take_button.setToolTip(self.tr("Take the payment and print the receipt "
                                            "(Enter or Ctrl+Enter)"))
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAutoDefault(False)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, activated=self.accept)

        columns = QHBoxLayout()
        columns.addWidget(basket, 3)
        columns.addWidget(tender, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.entitlement)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.fields = {
            "card_brand": self.card_brand, "card_last4": self.card_last4,
            "auth_code": self.reference, "bank_reference": self.reference,
            "payment reference": self.reference, "tendered_pence": self.amount,
            "full_invoice": self.full_invoice, "incident_ids": self.lines,
            "ticket_size": self.ticket_size, "ticket_validity_days": self.ticket_days,
            "method": self.method,
        }

        self.setTabOrder(self.lines, self.ticket_check)
        self.setTabOrder(self.ticket_check, self.ticket_size)
        self.setTabOrder(self.ticket_size, self.ticket_days)
        self.setTabOrder(self.ticket_days, self.method)
        self.setTabOrder(self.method, self.amount)
        self.setTabOrder(self.amount, self.card_brand)
        self.setTabOrder(self.card_brand, self.card_last4)
        self.setTabOrder(self.card_last4, self.reference)
        self.setTabOrder(self.reference, self.full_invoice)
        self.setTabOrder(self.full_invoice, self.take_button)
        self.setTabOrder(self.take_button, self.cancel_button)

        # -- filling in -------------------------------------------------------------------------
        chosen, missing, waiting = self._fill_incidents(incident_ids)
        self.ticket_check.setChecked(offer_ticket)
        self._set_ticket_enabled(offer_ticket)
        self.lines.itemChanged.connect(self._on_lines_item_changed)
        self.ticket_check.toggled.connect(self._on_ticket_toggled)
        self.ticket_size.valueChanged.connect(self._on_choice_changed)
        self.ticket_days.valueChanged.connect(self._on_choice_changed)
        self.method.currentIndexChanged.connect(self._on_method_changed)
        self.amount.textEdited.connect(self._on_amount_edited)
        self.full_invoice.toggled.connect(self._on_full_invoice_toggled)
        # Bound methods, not lambdas holding self: Qt must not keep the dialog alive.
        for field in (self.card_brand, self.card_last4, self.reference, self.amount):
            field.textEdited.connect(self._on_field_text_edited)
        self._on_method_changed()
        self._recompute()
        if missing:
            self._say(self.tr("An incident asked for is already funded or closed, so it is "
                              "not listed.") if missing == 1 else
                      self.tr("%d incidents asked for are already funded or closed, so they "
                              "are not listed.") % missing)
        if waiting:
            self._say(self.tr("%s: record the transfer when the money arrives. Not listed "
                              "here, so it is not paid twice.") % "; ".join(waiting))
        self.resize(940, 560)
        if chosen or offer_ticket:
            self.method.setFocus()
        else:
            self.lines.setFocus()
            if self.lines.topLevelItemCount():
                self.lines.setCurrentItem(self.lines.topLevelItem(0))

    # -- building helpers -------------------------------------------------------------------------

    def _amount_label(self, name: str) -> QLabel:
        label = QLabel(format_pence(0))
        label.setObjectName(name)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        label.setMinimumWidth(110)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _fill_incidents(self, wanted: Sequence[int]) -> tuple[int, int, list[str]]:
        """List the customer's unfunded open incidents not awaiting a bank transfer, ticking
        those asked for.

        Returns how many were ticked, how many asked for are funded or closed, and what those
        asked for that await a transfer are waiting for.
        """
        page = incident_list.list_incidents(
            incident_list.IncidentFilter(view="open", customer_id=self.customer_id),
            incident_list.Sort(column="opened", descending=False), limit=MAX_INCIDENTS_LISTED)
        wanted_set = set(wanted)
        chosen = 0
        listed: set[int] = set()
        awaiting = payment_requests.awaiting_transfer(
            row.id for row in page.rows if row.funding is FundingKind.NONE)
        for row in page.rows:
            if row.funding is not FundingKind.NONE:
                continue
            if row.id in awaiting:
                continue  # asked for by a payment request: only the transfer funds it
            item = QTreeWidgetItem([f"{row.reference} — {row.subject}", "", "", ""])
            item.setData(0, _ID_ROLE, row.id)
            item.setData(0, _TEXT_ROLE, f"{row.reference} — {row.subject}")
            item.setToolTip(0, f"{row.reference} — {row.subject} ({row.status.label})")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = row.id in wanted_set
            item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            for column in (1, 2, 3):
                item.setTextAlignment(column, _money_item_alignment())
            self.lines.addTopLevelItem(item)
            listed.add(row.id)
            chosen += ticked
        refs = {row.id: row.reference for row in page.rows}
        waiting = [f"{refs[i]} is a{awaiting[i][1:]}" for i in sorted(wanted_set)
                   if i in awaiting]
        return chosen, len(wanted_set - listed - set(awaiting)), waiting

    def _set_ticket_enabled(self, on: bool) -> None:
        self.ticket_size.setEnabled(on)
        self.ticket_days.setEnabled(on)

    # -- what is chosen -----------------------------------------------------------------------------

    def chosen_incident_ids(self) -> tuple[int, ...]:
        out = []
        for i in range(self.lines.topLevelItemCount()):
            item = self.lines.topLevelItem(i)
            incident_id = item.data(0, _ID_ROLE)
            if isinstance(incident_id, int) and item.checkState(0) == Qt.CheckState.Checked:
                out.append(incident_id)
        return tuple(out)

    def _method(self) -> PaymentMethod:
        return PaymentMethod(self.method.currentData())

    def _say(self, text: str, *, error: bool = False, about_choice: bool = False) -> None:
        self._message_about_choice = about_choice
        if error:
            self.show_problem(text)
        else:
            self.message.note(text)

    def _recompute(self) -> None:
        """Price the choice again with the service's own quote: lines, totals, invoice, change."""
        incident_ids = self.chosen_incident_ids()
        size = self.ticket_size.value() if self.ticket_check.isChecked() else None
        self.quote = None
        if incident_ids or size is not None or self.contract_id is not None:
            try:
                self.quote = payments.quote(self.customer_id, incident_ids, size,
                                            self.ticket_days.value() if size else None,
                                            self.contract_id)
            except DomainError as exc:
                self._say(exc.message, error=True, about_choice=True)
        by_incident = {ln.incident_id: ln for ln in (self.quote.lines if self.quote else ())
                       if ln.incident_id is not None}
        self.lines.blockSignals(True)
        try:
            for i in range(self.lines.topLevelItemCount()):
                item = self.lines.topLevelItem(i)
                incident_id = item.data(0, _ID_ROLE)
                if item.data(0, _ID_ROLE) in (_TICKET, _CONTRACT):
                    continue
                line = by_incident.get(incident_id)
                if self.quote is not None and incident_id in self.quote.ticket_funds:
                    # Funded from the ticket bought with it: no charge of its own.
                    item.setText(0, self.tr("%s  (from the new season ticket)")
                                 % item.data(0, _TEXT_ROLE))
                    for column in (1, 2, 3):
                        item.setText(column, "—")
                    continue
                item.setText(0, str(item.data(0, _TEXT_ROLE)))
                amounts = ((line.net_pence, line.vat_pence, line.gross_pence) if line
                           else self._per_incident)
                for column, value in zip((1, 2, 3), amounts, strict=True):
                    item.setText(column, format_pence(value))
                    item.setForeground(column, self.palette().text() if line
                                       else self.palette().placeholderText())
            self._show_ticket_line()
            self._show_contract_line()
        finally:
            self.lines.blockSignals(False)
        q = self.quote
        self.net_label.setText(format_pence(q.net_pence if q else 0))
        self.vat_label.setText(format_pence(q.vat_pence if q else 0))
        self.total_label.setText(format_pence(q.gross_pence if q else 0))
        self._show_take_text()
        self.take_button.setEnabled(q is not None)
        if q is None and not (incident_ids or size is not None or self.contract_id is not None):
            self._say(self.tr("Tick the incidents the customer is paying for, or sell a season "
                              "ticket."), about_choice=True)
        elif q is not None and self._message_about_choice:
            self._say("")
        self._apply_full_invoice_rule()
        self._sync_amount()

    def _show_ticket_line(self) -> None:
        existing = None
        for i in range(self.lines.topLevelItemCount()):
            if self.lines.topLevelItem(i).data(0, _ID_ROLE) == _TICKET:
                existing = self.lines.topLevelItem(i)
        line = next((ln for ln in (self.quote.lines if self.quote else ())
                     if ln.ticket_size is not None), None)
        if line is None:
            if existing is not None:
                self.lines.takeTopLevelItem(self.lines.indexOfTopLevelItem(existing))
            return
        if existing is None:
            existing = QTreeWidgetItem()
            existing.setData(0, _ID_ROLE, _TICKET)
            # Ticked like the incidents; unticking it here unticks "New season ticket".
            existing.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                              | Qt.ItemFlag.ItemIsUserCheckable)
            existing.setCheckState(0, Qt.CheckState.Checked)
            for column in (1, 2, 3):
                existing.setTextAlignment(column, _money_item_alignment())
            self.lines.addTopLevelItem(existing)
        existing.setText(0, line.description)
        for column, value in zip((1, 2, 3), (line.net_pence, line.vat_pence, line.gross_pence),
                                 strict=True):
            existing.setText(column, format_pence(value))

    def _show_contract_line(self) -> None:
        line = next((ln for ln in (self.quote.lines if self.quote else ())
                     if ln.kind is LineKind.CONTRACT), None)
        existing = next((self.lines.topLevelItem(i) for i in range(self.lines.topLevelItemCount())
                         if self.lines.topLevelItem(i).data(0, _ID_ROLE) == _CONTRACT), None)
        if line is None:
            if existing is not None:
                self.lines.takeTopLevelItem(self.lines.indexOfTopLevelItem(existing))
            return
        if existing is None:
            existing = QTreeWidgetItem()
            existing.setData(0, _ID_ROLE, _CONTRACT)
            existing.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            for column in (1, 2, 3):
                existing.setTextAlignment(column, _money_item_alignment())
            self.lines.insertTopLevelItem(0, existing)
        existing.setText(0, line.description)
        for column, value in zip((1, 2, 3), (line.net_pence, line.vat_pence, line.gross_pence),
                                 strict=True):
            existing.setText(column, format_pence(value))

    def asks_for_transfer(self) -> bool:
        """Whether accepting asks for a bank transfer with a payment request (Bank transfer
        chosen) rather than taking the money now. A support contract's payment is recorded
        as it arrives: a payment request asks only for incidents and season tickets."""
        return self._method() is PaymentMethod.BANK_TRANSFER and self.contract_id is None

    def _show_take_text(self) -> None:
        q = self.quote
        if self.asks_for_transfer():
            self.take_button.setText(self.tr("&Issue a payment request…"))
            self.take_button.setToolTip(self.tr(
                "Ask for the money with a payment request: the office's bank details, a "
                "reference and a due date (Enter or Ctrl+Enter)"))
            return
        self.take_button.setText(self.tr("&Take payment  %s") % format_pence(q.gross_pence)
                                 if q else self.tr("&Take payment"))
        self.take_button.setToolTip(self.tr("Take the payment and print the receipt "
                                            "(Enter or Ctrl+Enter)"))

    def _apply_full_invoice_rule(self) -> None:
        forced = bool(self.quote and self.quote.full_invoice_required)
        self.full_invoice.blockSignals(True)
        if forced:
            self.full_invoice.setChecked(True)
            self.full_invoice.setEnabled(False)
            self.full_invoice.setText(self.tr("Full VAT &invoice: required above %s")
                                      % format_pence(payments.FULL_INVOICE_ABOVE_PENCE))
        else:
            self.full_invoice.setEnabled(True)
            self.full_invoice.setChecked(self._full_invoice_wanted)
            self.full_invoice.setText(
                self.tr("Full VAT &invoice (customer's address, net and VAT per line)")
                if self._vat_registered else self.tr("Full &invoice (customer's address)"))
        self.full_invoice.blockSignals(False)

    def _total(self) -> int:
        return self.quote.gross_pence if self.quote else 0

    def _sync_amount(self) -> None:
        """Keep the amount on the total unless the cashier typed what was handed over."""
        cash = self._method() is PaymentMethod.CASH
        if not cash or not self._amount_edited:
            self.amount.setText(format_pence(self._total(), symbol=not cash)
                                if self.quote else "")
        self._show_change()

    def _show_change(self) -> None:
        if self._method() is not PaymentMethod.CASH:
            self.change.setText("")
            return
        if not self.quote:
            self.change.setText("")
            return
        try:
            tendered = parse_pence(self.amount.text(), field="amount tendered")
        except ValidationError as exc:
            self.change.setStyleSheet(palette.ERROR.text_style())
            self.change.setText(exc.message if self.amount.text().strip() else
                                self.tr("Type the cash handed over"))
            return
        difference = tendered - self._total()
        if difference >= 0:
            self.change.setStyleSheet(palette.SUCCESS.text_style())
            self.change.setText(self.tr("Change to give: %s") % format_pence(difference))
        else:
            self.change.setStyleSheet(palette.ERROR.text_style())
            self.change.setText(self.tr("Short by %s") % format_pence(-difference))

    # -- handlers ---------------------------------------------------------------------------------

    def _on_choice_changed(self, *_args: object) -> None:
        self._recompute()

    def _on_lines_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column != 0:
            return
        if item.data(0, _ID_ROLE) == _TICKET:
            if item.checkState(0) != Qt.CheckState.Checked:
                self.ticket_check.setChecked(False)
            return
        self._recompute()

    def _on_ticket_toggled(self, on: bool) -> None:
        self._set_ticket_enabled(on)
        self._recompute()

    def _on_full_invoice_toggled(self, on: bool) -> None:
        self._full_invoice_wanted = on

    def _on_method_changed(self, *_args: object) -> None:
        method = self._method()
        cash = method is PaymentMethod.CASH
        card = method is PaymentMethod.CARD
        form = self.tender_form
        form.setRowVisible(self.change, cash)
        form.setRowVisible(self.card_brand, card)
        form.setRowVisible(self.card_last4, card)
        transfer = self.asks_for_transfer()
        form.setRowVisible(self.reference, not cash and not transfer)
        # The receipt is issued when the money arrives, with the invoice the amount needs.
        form.setRowVisible(self.full_invoice, not transfer)
        amount_label = form.labelForField(self.amount)
        reference_label = form.labelForField(self.reference)
        if isinstance(amount_label, QLabel):
            amount_label.setText(self.tr("Amount ten&dered:") if cash
                                 else self.tr("Amount asked for:") if transfer
                                 else self.tr("Amount charged:"))
        if isinstance(reference_label, QLabel):
            reference_label.setText(self.tr("&Auth code:") if card
                                    else self.tr("Bank &reference:"))
        self.reference.setPlaceholderText(
            self.tr("From the card terminal's slip") if card
            else self.tr("As it appears on the bank statement"))
        # Card and bank payments are for the total: the amount is shown, not typed.
        self.amount.setReadOnly(not cash)
        self.amount.style().unpolish(self.amount)
        self.amount.style().polish(self.amount)
        self.amount.setFocusPolicy(Qt.FocusPolicy.StrongFocus if cash
                                   else Qt.FocusPolicy.NoFocus)
        if not cash:
            self._amount_edited = False
        self._sync_amount()
        self._show_take_text()
        if transfer:
            self._say(self.tr("Paid by bank transfer before support: the customer is sent a "
                              "payment request with the office's bank details; the incidents "
                              "start once the money has arrived."))
        elif not self._message_about_choice and self.message.text().startswith(
                self.tr("Paid by bank transfer")):
            self._say("")
        if cash and self.amount.hasFocus():
            self.amount.selectAll()

    def _on_amount_edited(self, _text: str) -> None:
        self._amount_edited = True
        self._show_change()

    def _on_field_text_edited(self, _text: str) -> None:
        field = self.sender()
        if isinstance(field, QLineEdit):
            self._on_text_edited(field)

    def _on_text_edited(self, field: QLineEdit) -> None:
        """Refuse a full card number the moment it is typed: wipe it, never keep it."""
        before = self._before.get(id(field), "")
        self._before[id(field)] = field.text()
        if contains_card_number(field.text()):
            typed_on = len(field.text()) - len(before) == 1
            self._wiped_digits = sum(ch.isdigit() for ch in field.text())
            # setText, unlike clear(), also empties the undo history that held the number.
            field.setText("")
            self._before[id(field)] = ""
            self._refused = field
            self._rest = "" if typed_on else None
            field.setStyleSheet(f"border:2px solid {palette.ERROR.hex()};")
            self._say(self.tr(_CARD_REFUSED), error=True)
            field.setFocus()
        elif field is self._refused:
            self._on_refused_field_edited(field)

    def _on_refused_field_edited(self, field: QLineEdit) -> None:
        """Keystrokes that may go on with the wiped number keep the refusal (the next Enter
        only points at the field); anything else typed there (over them, or more digits than
        a card number has) is the person's own, and one Enter then takes the payment."""
        text = field.text()
        rest = self._rest
        if rest is not None and text.startswith(rest) and len(text) > len(rest) \
                and all(ch.isdigit() or ch in " -" for ch in text[len(rest):]) \
                and self._wiped_digits + sum(ch.isdigit() for ch in text) <= MAX_CARD_DIGITS:
            self._rest = text
            return
        self._refused = None
        self._rest = None
        field.setStyleSheet("")

    # -- taking the payment ---------------------------------------------------------------------------

    def focus_for(self, exc: DomainError) -> QWidget | None:
        widget = super().focus_for(exc)
        # A field the chosen method hides (a card's last digits for cash) is not pointed at.
        return widget if widget is None or (widget.isVisible() and widget.isEnabled()) \
            else None

    def build_request(self) -> PaymentInput:
        """The request as typed; the service checks everything again.

        Raises:
            ValidationError: what can be told before asking the service (nothing chosen, an
                amount that is not money).
        """
        incident_ids = self.chosen_incident_ids()
        size = self.ticket_size.value() if self.ticket_check.isChecked() else None
        if not incident_ids and size is None and self.contract_id is None:
            raise ValidationError(self.tr("Tick the incidents the customer is paying for, or "
                                          "sell a season ticket."), "incident_ids")
        method = self._method()
        tendered = None
        if method is PaymentMethod.CASH:
            tendered = parse_pence(self.amount.text(), field="amount tendered")
            tendered_field = "tendered_pence"
            if tendered < self._total():
                raise ValidationError(
                    self.tr("The cash handed over (%s) is less than the total (%s).")
                    % (format_pence(tendered), format_pence(self._total())), tendered_field)
        reference = self.reference.text().strip()
        return PaymentInput(
            customer_id=self.customer_id, incident_ids=incident_ids, ticket_size=size,
            ticket_validity_days=self.ticket_days.value() if size is not None else None,
            method=method, tendered_pence=tendered,
            card_brand=self.card_brand.text().strip() if method is PaymentMethod.CARD else "",
            card_last4=self.card_last4.text().strip() if method is PaymentMethod.CARD else "",
            auth_code=reference if method is PaymentMethod.CARD else "",
            bank_reference=reference if method is PaymentMethod.BANK_TRANSFER else "",
            full_invoice=self.full_invoice.isChecked(), contract_id=self.contract_id)

    def validate(self) -> None:
        if self._refused is not None:
            # The first Enter after a refusal only points at the field again, so what was
            # left of a card number is never sent as a reference.
            field = self._refused
            self._refused = None
            self._rest = None
            field.setStyleSheet("")
            raise Problem(self.tr("Check the highlighted field: the full card number was "
                                  "wiped. Type only the card brand, last four digits and auth "
                                  "code."), field)

    def answer(self) -> ReceiptInfo | RequestAsked:
        if self.asks_for_transfer():
            # Nothing is taken: the payment request's dialog asks for the money next.
            paying = self.build_request()
            return RequestAsked(paying.customer_id, paying.incident_ids, paying.ticket_size,
                                paying.ticket_validity_days)
        # On the window's thread: no second press is handled until this one has been answered.
        return payments.take_payment(self._actor, self.build_request())

    def problem_raised(self, exc: DomainError) -> None:
        self._message_about_choice = False
        super().problem_raised(exc)

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor, customer_id: int,
            incident_ids: Sequence[int] = (), offer_ticket: bool = False,
            contract_id: int | None = None) -> ReceiptInfo | RequestAsked | None:
        """Take a payment; the receipt when it was taken, what to ask for by payment request
        when Bank transfer was chosen, None when cancelled."""
        return cls(parent, actor, customer_id, incident_ids, offer_ticket,
                   contract_id).ask_value()
