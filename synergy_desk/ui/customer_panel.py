"""The customer panel: who is calling, what they are entitled to, their open work and payments."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import IncidentStatus
from synergy_desk.domain.money import format_pence
from synergy_desk.ui import formatting, palette

if TYPE_CHECKING:
    from synergy_desk.services.people.customers import CustomerSummary


class CustomerPanel(QFrame):
    """Shows one customer; empty until a customer or one of their incidents is chosen."""

    incident_activated = Signal(int)
    take_payment_requested = Signal(int)
    statement_requested = Signal(int)
    receipt_requested = Signal(str)
    refund_requested = Signal(int)
    adjust_ticket_requested = Signal(int)
    contract_requested = Signal(int)
    #: Asked of the window with the customer shown (and the contact chosen, where it applies).
    log_call_requested = Signal(int)
    edit_customer_requested = Signal(int)
    add_contact_requested = Signal(int)
    edit_contact_requested = Signal(int, int)
    retire_contact_requested = Signal(int, int)
    contracts_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None, can_refund: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("customerPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.customer_id: int | None = None
        #: The customer as last shown: its version is what an edit from the panel saves against.
        self.summary: CustomerSummary | None = None

        self.heading = QLabel(self.tr("No customer selected"))
        self.heading.setObjectName("customerHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.banner = QLabel()
        self.banner.setObjectName("entitlementBanner")
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(self.tr("Entitlement"))
        self.banner.hide()

        self.contacts = QListWidget()
        self.contacts.setObjectName("customerContacts")
        self.open_incidents = QListWidget()
        self.open_incidents.setObjectName("customerOpenIncidents")
        self.open_incidents.itemActivated.connect(self._on_open_incidents_activated)
        self.recent_payments = QListWidget()
        self.recent_payments.setObjectName("customerPayments")
        self.recent_payments.setToolTip(self.tr("Enter or double-click reprints the receipt"))
        self.recent_payments.itemActivated.connect(self._on_payments_activated)
        self.recent_payments.currentItemChanged.connect(self._on_payments_current_changed)

        self.pay_button = QPushButton(self.tr("Take pa&yment…"))
        self.pay_button.setObjectName("customerTakePayment")
        self.pay_button.setToolTip(self.tr("Take a payment for incidents or a season ticket "
                                           "(Ctrl+Shift+Y)"))
        self.pay_button.clicked.connect(self._on_pay_clicked)
        self.statement_button = QPushButton(self.tr("Tic&ket statement…"))
        self.statement_button.setObjectName("customerStatement")
        self.statement_button.clicked.connect(self._on_statement_clicked)
        # The refund, adjust and contract buttons are the panel's from the start: shown or
        # hidden with no parent, a button is a window of its own, and takes the keyboard from
        # the window the panel is built into.
        self.refund_button = QPushButton(self.tr("Refun&d…"), self)
        self.refund_button.setObjectName("customerRefund")
        self.refund_button.clicked.connect(self._on_refund_clicked)
        self.refund_button.setVisible(can_refund)
        self.refund_button.setEnabled(False)
        # A manager's overrides of the customer's cover (refunds are managers' too).
        self.adjust_button = QPushButton(self.tr("Ad&just ticket…"), self)
        self.adjust_button.setObjectName("customerAdjustTicket")
        self.adjust_button.setToolTip(self.tr("Add or take away incidents on a live season "
                                              "ticket, with a reason"))
        self.adjust_button.clicked.connect(self._on_adjust_clicked)
        self.contract_button = QPushButton(self.tr("Co&ntract…"), self)
        self.contract_button.setObjectName("customerContract")
        self.contract_button.setToolTip(self.tr("Record a support contract for this customer"))
        self.contract_button.clicked.connect(self._on_contract_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pay_button)
        buttons.addWidget(self.statement_button)
        buttons.addWidget(self.refund_button)
        buttons.addWidget(self.adjust_button)
        buttons.addWidget(self.contract_button)
        buttons.addStretch(1)
        for b in (self.adjust_button, self.contract_button):
            b.setVisible(can_refund)
        for b in (self.pay_button, self.statement_button, self.adjust_button,
                  self.contract_button):
            b.setEnabled(False)

        edit_row = self._build_edit_actions()

        self._add_contracts_action()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(edit_row)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        for title, widget in ((self.tr("Contacts"), self.contacts),
                              (self.tr("Open incidents"), self.open_incidents),
                              (self.tr("Recent payments"), self.recent_payments)):
            widget.setMinimumHeight(48)
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.setContentsMargins(4, 4, 4, 4)
            inner.addWidget(widget)
            layout.addWidget(box, 1)

    def _build_edit_actions(self) -> QToolBar:
        """Log a call for the customer shown, edit them, and add, edit or retire contacts.

        A toolbar rather than buttons: on a narrow panel what does not fit moves into the
        toolbar's » menu. The contact actions are also the contact list's context menu.
        """
        def action(name: str, text: str, tip: str, slot: object) -> QAction:
            act = QAction(text, self)
            act.setObjectName(name)
            act.setToolTip(tip)
            act.setEnabled(False)
            act.triggered.connect(slot)
            return act

        self.act_log_call = action(
            "customerLogCall", self.tr("Log call…"),
            self.tr("Log a call from this customer (Ctrl+Shift+C)"), self._on_log_call)
        self.act_edit_customer = action(
            "customerEdit", self.tr("Edit customer…"),
            self.tr("Change the customer's name, company, address, phone, e-mail, account "
                    "code or notes (Ctrl+Shift+U)"), self._on_edit_customer)
        self.act_add_contact = action(
            "contactAdd", self.tr("Add contact…"),
            self.tr("Add a contact at this customer (Ctrl+Shift+N)"), self._on_add_contact)
        self.act_edit_contact = action(
            "contactEdit", self.tr("Edit contact…"),
            self.tr("Change the contact chosen in the list"), self._on_edit_contact)
        self.act_retire_contact = action(
            "contactRetire", self.tr("Contact has left…"),
            self.tr("The contact chosen no longer works there: kept on past incidents, no "
                    "longer offered for new calls"), self._on_retire_contact)
        edit_row = QToolBar()
        edit_row.setObjectName("customerEditActions")
        edit_row.addAction(self.act_log_call)
        edit_row.addAction(self.act_edit_customer)
        edit_row.addSeparator()
        for act in (self.act_add_contact, self.act_edit_contact, self.act_retire_contact):
            edit_row.addAction(act)
            self.contacts.addAction(act)
        self.contacts.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.contacts.currentItemChanged.connect(self._on_contacts_current_changed)
        self.contacts.itemActivated.connect(lambda _item: self._on_edit_contact())
        return edit_row

    def chosen_contact_id(self) -> int | None:
        """The contact chosen in the list (still at the customer), or None."""
        item = self.contacts.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return data if isinstance(data, int) else None

    def _on_contacts_current_changed(self, *_args: object) -> None:
        chosen = self.chosen_contact_id() is not None
        self.act_edit_contact.setEnabled(chosen)
        self.act_retire_contact.setEnabled(chosen)

    def _set_edit_actions_enabled(self, enabled: bool) -> None:
        for act in (self.act_log_call, self.act_edit_customer, self.act_add_contact):
            act.setEnabled(enabled)
        self._on_contacts_current_changed()

    def _fill_contacts(self, summary: CustomerSummary) -> None:
        """The contacts still there, the main one marked; those who left greyed at the end."""
        self.contacts.clear()
        for contact in summary.contacts:
            bits = [contact.name]
            if contact.job_title:
                bits.append(contact.job_title)
            for extra in (contact.phone, contact.email):
                if extra:
                    bits.append(extra)
            text = " — ".join(bits)
            if contact.is_primary:
                text += self.tr("  (main contact)")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, contact.id)
            self.contacts.addItem(item)
        for contact in summary.retired_contacts:
            item = QListWidgetItem(self.tr("%s  (has left)") % contact.name)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            item.setForeground(palette.SECONDARY.brush())
            self.contacts.addItem(item)
        self._on_contacts_current_changed()

    def _on_log_call(self) -> None:
        if self.customer_id is not None:
            self.log_call_requested.emit(self.customer_id)

    def _on_edit_customer(self) -> None:
        if self.customer_id is not None:
            self.edit_customer_requested.emit(self.customer_id)

    def _on_add_contact(self) -> None:
        if self.customer_id is not None:
            self.add_contact_requested.emit(self.customer_id)

    def _on_edit_contact(self) -> None:
        contact_id = self.chosen_contact_id()
        if self.customer_id is not None and contact_id is not None:
            self.edit_contact_requested.emit(self.customer_id, contact_id)

    def _on_retire_contact(self) -> None:
        contact_id = self.chosen_contact_id()
        if self.customer_id is not None and contact_id is not None:
            self.retire_contact_requested.emit(self.customer_id, contact_id)

    def _add_contracts_action(self) -> None:
        """The customer's contract list, from the banner's context menu (and the window's
        Office menu)."""
        self.contracts_action = QAction(self.tr("Support contracts of this customer…"), self)
        self.contracts_action.setObjectName("customerContracts")
        self.contracts_action.triggered.connect(
            lambda: self.customer_id is not None
            and self.contracts_requested.emit(self.customer_id))
        self.banner.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.banner.addAction(self.contracts_action)

    def clear(self) -> None:
        self.customer_id = None
        self.summary = None
        self._set_edit_actions_enabled(False)
        for b in (self.pay_button, self.statement_button, self.refund_button,
                  self.adjust_button, self.contract_button):
            b.setEnabled(False)
        self.heading.setText(self.tr("No customer selected"))
        self.banner.hide()
        self.contacts.clear()
        self.open_incidents.clear()
        self.recent_payments.clear()

    def show_customer(self, customer_id: int) -> None:
        # Imported when first needed: the window paints its list before it needs these.
        from synergy_desk.services.money import payments
        from synergy_desk.services.people import customers

        summary = customers.customer_summary(customer_id)
        self.customer_id = customer_id
        self.summary = summary
        lines = [f"<b style='font-size:14pt'>{html.escape(summary.name)}</b>"]
        if summary.company and summary.company != summary.name:
            lines.append(html.escape(summary.company))
        details = " · ".join(x for x in (summary.account_code, summary.phone, summary.email) if x)
        quiet = palette.SECONDARY.hex()
        lines.append(f"<span style='color:{quiet}'>{html.escape(details)}</span>")
        address = ", ".join(x for x in (summary.address.replace("\n", ", "), summary.postcode) if x)
        if address:
            lines.append(f"<span style='color:{quiet}'>{html.escape(address)}</span>")
        self.heading.setText("<br>".join(lines))
        self._show_entitlement(customer_id)

        self._fill_contacts(summary)
        self._set_edit_actions_enabled(True)

        self.open_incidents.clear()
        awaiting = self._awaiting_transfer(summary)
        for inc in summary.recent_incidents:
            status = IncidentStatus(inc.status)
            if not status.is_open:
                continue
            item = QListWidgetItem(f"{inc.reference}  {inc.subject}  [{status.label}]")
            item.setData(Qt.ItemDataRole.UserRole, inc.id)
            if inc.id in awaiting:
                item.setText(f"{item.text()}  {awaiting[inc.id]}")
                item.setToolTip(awaiting[inc.id])
                item.setForeground(palette.WARNING.brush())
            self.open_incidents.addItem(item)
        if self.open_incidents.count() == 0:
            self.open_incidents.addItem(self.tr("None open"))

        self.recent_payments.clear()
        for pay in payments.payments_for_customer(customer_id, limit=10):
            text = (f"{pay.number}  {formatting.short_date(pay.taken_at)}  "
                    f"{format_pence(pay.gross_pence)}  {pay.method_label}  {pay.items}")
            if pay.refunded_pence:
                text += self.tr("  (refunded %s)") % format_pence(pay.refunded_pence)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, pay.payment_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, pay.number)
            self.recent_payments.addItem(item)
        for b in (self.pay_button, self.statement_button, self.adjust_button,
                  self.contract_button):
            b.setEnabled(True)
        self.refund_button.setEnabled(False)
        if self.recent_payments.count() == 0:
            self.recent_payments.addItem(self.tr("No payments yet"))

    @staticmethod
    def _awaiting_transfer(summary: CustomerSummary) -> dict[int, str]:
        """The open incidents on a payment request, with what each awaits: "Awaiting transfer
        PR-000001 (£90.00, due 19 Dec 2026)"."""
        from synergy_desk.services.money import payment_requests

        return payment_requests.awaiting_transfer(
            inc.id for inc in summary.recent_incidents if IncidentStatus(inc.status).is_open)

    def _show_entitlement(self, customer_id: int) -> None:
        from synergy_desk.services.money import funding, tickets

        ent = funding.entitlement(customer_id)
        text, warn = self.banner_text(ent, tickets.tickets_for_customer(customer_id, ent.at))
        style = palette.WARNING_TONE.style() if warn else palette.INFO_TONE.style()
        self.banner.setText(text)
        self.banner.setStyleSheet(f"QLabel#entitlementBanner {{ {style} padding:6px; "
                                  f"border-radius:4px; }}")
        self.banner.show()

    def banner_text(self, ent: Any, all_tickets: Sequence[Any]) -> tuple[str, bool]:
        """The entitlement banner (rich text) and whether it is a warning.

        Says plainly when the customer's last season ticket expired or is used up, and how
        many incidents are left when reception should offer a new ticket.
        """
        def incidents(n: int) -> str:
            return self.tr("1 incident") if n == 1 else self.tr("%1 incidents").replace(
                "%1", str(n))

        lines = [html.escape(ent.summary)]
        if ent.contract is None and ent.tickets_balance == 0:
            ended = [i for i in all_tickets if i.state in ("expired", "used up")]
            if ended:
                last = max(ended, key=lambda i: (i.expires_at if i.state == "expired"
                                                 else i.purchased_at, i.id))
                if last.state == "expired":
                    text = self.tr("Season ticket %1 expired %2").replace(
                        "%1", str(last.id)).replace("%2", last.expires_text)
                    if last.lapsed:
                        text += self.tr(", %1 lapsed").replace("%1", incidents(last.lapsed))
                    lines.append(html.escape(text + "."))
                else:
                    lines.append(html.escape(
                        self.tr("Season ticket %1 is used up: all %2 used.")
                        .replace("%1", str(last.id)).replace("%2", incidents(last.size))))
        if not ent.nudge_new_ticket:
            return "<br>".join(lines), False
        nudge = (self.tr("Only %1 left: offer a new season ticket.").replace(
                     "%1", incidents(ent.tickets_balance)) if ent.tickets_balance > 0
                 else self.tr("No incidents left: offer a new season ticket."))
        lines.append(f"<b>{html.escape(nudge)}</b>")
        return "<br>".join(lines), True

    def _on_pay_clicked(self) -> None:
        if self.customer_id is not None:
            self.take_payment_requested.emit(self.customer_id)

    def _on_statement_clicked(self) -> None:
        if self.customer_id is not None:
            self.statement_requested.emit(self.customer_id)

    def _on_adjust_clicked(self) -> None:
        if self.customer_id is not None:
            self.adjust_ticket_requested.emit(self.customer_id)

    def _on_contract_clicked(self) -> None:
        if self.customer_id is not None:
            self.contract_requested.emit(self.customer_id)

    def _on_payments_activated(self, item: QListWidgetItem) -> None:
        number = item.data(Qt.ItemDataRole.UserRole + 1)
        if isinstance(number, str):
            self.receipt_requested.emit(number)

    def _on_payments_current_changed(self, item: QListWidgetItem | None, _old: object) -> None:
        self.refund_button.setEnabled(
            item is not None and isinstance(item.data(Qt.ItemDataRole.UserRole), int))

    def _on_refund_clicked(self) -> None:
        item = self.recent_payments.currentItem()
        if item is not None and isinstance(item.data(Qt.ItemDataRole.UserRole), int):
            self.refund_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_open_incidents_activated(self, item: QListWidgetItem) -> None:
        incident_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(incident_id, int):
            self.incident_activated.emit(incident_id)
