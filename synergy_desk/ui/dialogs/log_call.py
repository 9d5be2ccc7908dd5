"""Log a call: find the caller (or add them), continue an open incident or start one, queue it."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import FundingKind, IncidentStatus, Priority
from synergy_desk.services import search
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import intake
from synergy_desk.services.money import funding
from synergy_desk.services.office import catalogue
from synergy_desk.services.people import customers
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.operations import reporting_errors


@dataclass(frozen=True)
class LoggedCall:
    """What the dialog did: the incident the call was logged on."""

    incident_id: int
    reference: str
    customer_id: int
    needs_funding: bool
    new_incident: bool
    notices: tuple[str, ...] = ()
    #: What the desk asked to do next: "pay" (take payment), "ticket" (use a season ticket).
    then: str | None = None


class LogCallDialog(FormDialog[LoggedCall]):
    """Reception's path from the keyboard: type, Down/Enter, Tab through, Ctrl+Enter."""

    #: A new customer was added in the dialog (their id).
    customer_added = Signal(int)

    def __init__(self, parent: QWidget | None, actor: Actor, customer_id: int | None = None,
                 incident_id: int | None = None) -> None:
        super().__init__(parent, message_name="logCallMessage")
        self.setObjectName("logCallDialog")
        self.setWindowTitle(self.tr("Log a call"))
        self._actor = actor
        self.customer_id: int | None = None
        self._tickets_left = 0
        #: The number an incoming call filled in the new-customer form with.
        self._phone_given = ""
        #: The chosen customer's cover (what the entitlement line says).
        self._entitlement: funding.Entitlement | None = None
        #: What to do once the call is logged: "pay", "ticket", or None (just log it).
        self._then: str | None = None

        # -- caller ------------------------------------------------------------------------
        caller = QGroupBox(self.tr("Caller"))
        self.search = QLineEdit()
        self.search.setObjectName("logCallSearch")
        self.search.setPlaceholderText(self.tr("Name, company, phone, e-mail, postcode or account"))
        self.results = QListWidget()
        self.results.setObjectName("logCallResults")
        self.results.setMaximumHeight(130)
        self.results.itemActivated.connect(self._on_results_activated)
        self.new_customer_button = QPushButton(self.tr("&New customer…"))
        self.new_customer_button.setObjectName("logCallNewCustomer")
        self.new_customer_button.clicked.connect(self._on_new_customer_clicked)
        self.chosen = QLabel(self.tr("No caller chosen yet"))
        self.chosen.setObjectName("logCallCustomer")
        self.chosen.setTextFormat(Qt.TextFormat.RichText)
        self.entitlement = QLabel()
        self.entitlement.setObjectName("logCallEntitlement")
        self.entitlement.setWordWrap(True)
        self.entitlement.setStyleSheet(palette.INFO_TONE.style() + " padding:4px;")
        self.entitlement.hide()
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.new_customer_button)
        caller_layout = QVBoxLayout(caller)
        caller_layout.addLayout(search_row)
        caller_layout.addWidget(self.results)
        caller_layout.addWidget(self.chosen)
        caller_layout.addWidget(self.entitlement)

        # -- inline new customer -------------------------------------------------------------
        self.new_box = QGroupBox(self.tr("New customer"))
        self.new_box.setObjectName("logCallNewCustomerBox")
        self.nc_name = QLineEdit()
        self.nc_name.setObjectName("newCustomerName")
        self.nc_company = QLineEdit()
        self.nc_company.setObjectName("newCustomerCompany")
        self.nc_phone = QLineEdit()
        self.nc_phone.setObjectName("newCustomerPhone")
        self.nc_email = QLineEdit()
        self.nc_email.setObjectName("newCustomerEmail")
        self.nc_postcode = QLineEdit()
        self.nc_postcode.setObjectName("newCustomerPostcode")
        self.nc_address = QLineEdit()
        self.nc_address.setObjectName("newCustomerAddress")
        self.nc_add = QPushButton(self.tr("&Add customer"))
        self.nc_add.setObjectName("newCustomerAdd")
        self.nc_add.clicked.connect(self._on_nc_add_clicked)
        # Enter in any of the new customer's fields adds them (then on to the subject).
        for field in (self.nc_name, self.nc_company, self.nc_phone, self.nc_email,
                      self.nc_postcode, self.nc_address):
            field.returnPressed.connect(self._on_nc_add_clicked)
        nc_form = QFormLayout(self.new_box)
        nc_form.addRow(self.tr("Name:"), self.nc_name)
        nc_form.addRow(self.tr("Company:"), self.nc_company)
        nc_form.addRow(self.tr("Phone:"), self.nc_phone)
        nc_form.addRow(self.tr("E-mail:"), self.nc_email)
        nc_form.addRow(self.tr("Address:"), self.nc_address)
        nc_form.addRow(self.tr("Postcode:"), self.nc_postcode)
        nc_form.addRow("", self.nc_add)
        self.new_box.hide()

        # -- the incident ----------------------------------------------------------------------
        incident_box = QGroupBox(self.tr("Incident"))
        self.incident_box = incident_box
        self.contact = QComboBox()
        self.contact.setObjectName("logCallContact")
        self.new_contact_button = QPushButton(self.tr("N&ew contact…"))
        self.new_contact_button.setObjectName("logCallNewContact")
        self.new_contact_button.setToolTip(self.tr("Add the caller as a new contact at this "
                                                   "customer"))
        self.new_contact_button.setAutoDefault(False)
        self.new_contact_button.clicked.connect(self._on_new_contact_clicked)
        contact_row = QHBoxLayout()
        contact_row.addWidget(self.contact, 1)
        contact_row.addWidget(self.new_contact_button)
        self.incident = QComboBox()
        self.incident.setObjectName("logCallIncident")
        self.incident.currentIndexChanged.connect(self._on_incident_changed)
        self.product = QComboBox()
        self.product.setObjectName("logCallProduct")
        self.module = QComboBox()
        self.module.setObjectName("logCallModule")
        self.version = QLineEdit()
        self.version.setObjectName("logCallVersion")
        self.version.setMaxLength(40)
        self.version_hint = QLabel()
        self.version_hint.setObjectName("logCallVersionHint")
        self.version_hint.setStyleSheet(palette.MUTED.text_style())
        module_row = QHBoxLayout()
        module_row.addWidget(self.module, 1)
        version_label = QLabel(self.tr("&Version:"))
        version_label.setBuddy(self.version)
        module_row.addWidget(version_label)
        module_row.addWidget(self.version)
        module_row.addWidget(self.version_hint)
        self.subject = QLineEdit()
        self.subject.setObjectName("logCallSubject")
        self.subject.setMaxLength(200)
        self.subject.setPlaceholderText(self.tr("One aspect: the problem or error message"))
        self.description = QPlainTextEdit()
        self.description.setObjectName("logCallDescription")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(60)
        self.priority = QComboBox()
        self.priority.setObjectName("logCallPriority")
        for p in Priority:
            self.priority.addItem(p.value.title(), p.value)
        self.priority.setCurrentIndex(list(Priority).index(Priority.NORMAL))
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("logCallNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.minutes = QSpinBox()
        self.minutes.setObjectName("logCallMinutes")
        self.minutes.setRange(0, 600)
        self.minutes.setSuffix(self.tr(" min"))
        form = QFormLayout(incident_box)
        contact_label = QLabel(self.tr("C&ontact:"))
        contact_label.setBuddy(self.contact)
        form.addRow(contact_label, contact_row)
        form.addRow(self.tr("&Incident:"), self.incident)
        form.addRow(self.tr("&Product:"), self.product)
        module_label = QLabel(self.tr("&Module:"))
        module_label.setBuddy(self.module)
        form.addRow(module_label, module_row)
        form.addRow(self.tr("&Subject:"), self.subject)
        form.addRow(self.tr("&Description:"), self.description)
        form.addRow(self.tr("P&riority:"), self.priority)
        form.addRow(self.tr("&Call notes:"), self.notes)
        form.addRow(self.tr("Call lengt&h:"), self.minutes)
        self._new_only = [self.product, self.module, self.version, self.subject,
                          self.description, self.priority]

        self.log_button = self.ok_button
        self.log_button.setObjectName("logCallButton")
        self.log_button.setText(self.tr("&Log call  (Ctrl+Enter)"))
        self.log_button.setAutoDefault(False)
        self.log_button.setDefault(False)
        self.pay_button = self.buttons.addButton(self.tr("Log && take pa&yment"),
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.pay_button.setObjectName("logCallAndPay")
        self.pay_button.setToolTip(self.tr("Log the call, then take payment (Ctrl+Shift+Enter)"))
        self.pay_button.setAutoDefault(False)
        self.pay_button.clicked.connect(self._on_log_and_pay)
        self.ticket_button = self.buttons.addButton(self.tr("Log && use season &ticket"),
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.ticket_button.setObjectName("logCallAndRedeem")
        self.ticket_button.setToolTip(self.tr("Log the call and fund it from the customer's "
                                              "season ticket (Ctrl+Shift+T)"))
        self.ticket_button.setAutoDefault(False)
        self.ticket_button.clicked.connect(self._on_log_and_redeem)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, activated=self.accept)
        for seq in ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"):
            QShortcut(QKeySequence(seq), self, activated=self._on_log_and_pay)
        QShortcut(QKeySequence("Ctrl+Shift+T"), self,
                  activated=self._on_log_and_redeem)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self._on_new_customer_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(caller)
        layout.addWidget(self.new_box)
        layout.addWidget(incident_box)
        self.add_message_and_buttons(layout)
        self.resize(620, 720)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(100)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textEdited.connect(self._on_search_edited)
        self.search.returnPressed.connect(self._on_search_return)
        self.search.installEventFilter(self)

        self._products = {p.id: p for p in catalogue.list_products()}
        for product in self._products.values():
            self.product.addItem(product.name, product.id)
        self.product.currentIndexChanged.connect(self._on_product_changed)
        self._on_product_changed()
        self._set_incident_enabled(False)
        if customer_id is not None:
            self.choose_customer(customer_id, incident_id)
        else:
            self.search.setFocus()

    # -- finding the caller ------------------------------------------------------------------

    def eventFilter(self, watched, event):  # type: ignore[no-untyped-def]  # noqa: N802
        from PySide6.QtCore import QEvent

        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                    and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                # Enter chooses the caller found; it must not also press the dialog's default
                # button and try to log a call that has no subject yet.
                self._on_search_return()
                return True
            if event.key() == Qt.Key.Key_Down and self.results.count():
                self.results.setFocus()
                if self.results.currentRow() < 0:
                    self.results.setCurrentRow(0)
                return True
        return super().eventFilter(watched, event)

    def _on_search_edited(self, _text: str) -> None:
        self._search_timer.start()

    def _on_log_and_pay(self) -> None:
        self._log_then("pay")

    def _on_log_and_redeem(self) -> None:
        self._log_then("ticket")

    def _log_then(self, then: str) -> None:
        """Log the call, asking the window to go on to the payment or the season ticket."""
        self._then = then
        try:
            self.accept()
        finally:
            self._then = None

    def _run_search(self) -> None:
        text = self.search.text().strip()
        self.results.clear()
        if len(text) < 2:
            return
        with reporting_errors(self, failure=self.message.failure) as outcome:
            hits = search.search_customers(text, limit=10)
        if outcome.failed:
            return
        for hit in hits:
            bits = [hit.name]
            if hit.company and hit.company != hit.name:
                bits.append(hit.company)
            bits.extend(x for x in (hit.phone, hit.postcode, hit.account_code) if x)
            item = QListWidgetItem(" · ".join(bits))
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            self.results.addItem(item)
        if hits:
            self.results.setCurrentRow(0)
        else:
            self.results.addItem(self.tr("No customer found — press Ctrl+N to add one"))

    def _on_search_return(self) -> None:
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._run_search()
        item = self.results.currentItem() or self.results.item(0)
        if item is not None:
            self._on_results_activated(item)

    def _on_results_activated(self, item: QListWidgetItem) -> None:
        customer_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(customer_id, int):
            self.choose_customer(customer_id)

    def choose_customer(self, customer_id: int, incident_id: int | None = None) -> None:
        if not self._may_drop_new_customer():
            return
        summary = customers.customer_summary(customer_id)
        self.customer_id = customer_id
        self.chosen.setText(f"<b>{html.escape(summary.name)}</b>"
                            + (f" — {html.escape(summary.company)}"
                               if summary.company and summary.company != summary.name else "")
                            + f" <span style='color:{palette.SECONDARY.hex()}'>"
                              f"({html.escape(summary.account_code)})"
                              "</span>")
        ent = funding.entitlement(customer_id)
        self._entitlement = ent
        self._tickets_left = ent.tickets_balance
        self.entitlement.setText(ent.summary + (
            self.tr(" — offer a new season ticket") if ent.nudge_new_ticket else ""))
        self.entitlement.show()
        self._fill_contacts(summary)
        self.incident.blockSignals(True)
        self.incident.clear()
        self.incident.addItem(self.tr("New incident"), None)
        for inc in summary.recent_incidents:
            status = IncidentStatus(inc.status)
            if status in (IncidentStatus.CLOSED,):
                continue
            label = f"{inc.reference} — {inc.subject} [{status.label}]"
            self.incident.addItem(label, inc.id)
            if incident_id == inc.id:
                self.incident.setCurrentIndex(self.incident.count() - 1)
        self.incident.blockSignals(False)
        self._set_incident_enabled(True)
        self._on_incident_changed()
        self._on_product_changed()
        self._show_new_customer_form(False)
        # Straight to what is typed next: the notes of the incident asked for, the subject of
        # a new one when the caller has none open, or the choice between them.
        if self.incident.currentData() is not None:
            self.notes.setFocus()
        elif self.incident.count() == 1:
            self.subject.setFocus()
        else:
            self.incident.setFocus()

    def _set_incident_enabled(self, enabled: bool) -> None:
        for w in (self.contact, self.new_contact_button, self.incident, self.notes,
                  self.minutes, *self._new_only):
            w.setEnabled(enabled)
        self.log_button.setEnabled(enabled)
        self.pay_button.setEnabled(enabled)
        self.ticket_button.setEnabled(enabled and self._tickets_left > 0)

    def _on_incident_changed(self, *_args: object) -> None:
        new = self.incident.currentData() is None
        for w in self._new_only:
            w.setEnabled(new and self.customer_id is not None)

    # -- a caller popped up by an incoming call ---------------------------------------------

    def pop_up_known(self, contact_id: int | None) -> None:
        """The caller is chosen already (found by their number): their contact is chosen, the
        cursor waits in Subject, and Enter logs the call, funded from the customer's season
        ticket when that is what would fund it (no contract covers them)."""
        if contact_id is not None:
            index = self.contact.findData(contact_id)
            if index >= 0:
                self.contact.setCurrentIndex(index)
        self.incident.setCurrentIndex(0)  # a new incident: the caller rings about something
        ent = self._entitlement
        by_ticket = ent is not None and ent.contract is None and ent.tickets_balance > 0
        (self.ticket_button if by_ticket else self.log_button).setDefault(True)
        self.subject.setFocus()

    def pop_up_unknown(self, phone: str) -> None:
        """Nobody has the number: the new-customer form, its phone filled in, the cursor in
        Name."""
        self.search.setText(phone)
        self._on_new_customer_clicked()
        self.nc_phone.setText(phone)
        self._phone_given = phone
        self.nc_add.setDefault(True)
        self.nc_name.setFocus()

    # -- adding a customer inline --------------------------------------------------------------

    def _show_new_customer_form(self, shown: bool) -> None:
        """The new-customer form in place of the incident's fields (which wait, greyed, for a
        caller anyway), so the dialog fits a 1366 × 768 screen; the fields come back once the
        customer is added or the form is dropped."""
        self.new_box.setVisible(shown)
        self.incident_box.setVisible(not shown)
        if shown:
            self.adjustSize()

    def _on_new_customer_clicked(self) -> None:
        # The caller is someone new: whoever was chosen before is not them.
        self._unchoose_customer()
        self._show_new_customer_form(True)
        typed = self.search.text().strip()
        if typed and not self.nc_name.text():
            if sum(ch.isdigit() for ch in typed) >= 6:
                self.nc_phone.setText(typed)
            else:
                self.nc_name.setText(typed)
        # The name typed in the search asks for the phone next, a number typed asks the name.
        if self.nc_name.text() and not self.nc_phone.text():
            self.nc_phone.setFocus()
        else:
            self.nc_name.setFocus()

    def _on_nc_add_clicked(self) -> None:
        data = customers.CustomerInput(
            name=self.nc_name.text().strip(), company=self.nc_company.text().strip(),
            address=self.nc_address.text().strip(), postcode=self.nc_postcode.text().strip(),
            email=self.nc_email.text().strip(), phone=self.nc_phone.text().strip(), notes="")
        with reporting_errors(self, failure=self.message.failure) as outcome:
            summary = customers.create_customer(self._actor, data)
        if outcome.failed:
            return
        self.message.clear()
        for w in (self.nc_name, self.nc_company, self.nc_phone, self.nc_email, self.nc_postcode,
                  self.nc_address):
            w.clear()
        self.choose_customer(summary.id)
        self.customer_added.emit(summary.id)

    def _new_customer_fields(self) -> tuple[QLineEdit, ...]:
        return (self.nc_name, self.nc_company, self.nc_phone, self.nc_email, self.nc_postcode,
                self.nc_address)

    def new_customer_typed(self) -> bool:
        """Whether a new customer is half typed in (and not yet added)."""
        # The number an incoming call filled in is not something the person typed.
        return self.new_box.isVisibleTo(self) and any(
            w.text().strip() for w in self._new_customer_fields()
            if not (w is self.nc_phone and w.text() == self._phone_given))

    def _may_drop_new_customer(self) -> bool:
        """Whether the new-customer form may go: it is empty, or the person says so."""
        if not self.new_customer_typed():
            self._show_new_customer_form(False)
            return True
        typed = self.nc_name.text().strip() or self.nc_company.text().strip() \
            or self.nc_phone.text().strip()
        answer = QMessageBox.question(
            self, self.tr("New customer not added"),
            self.tr("You were adding a new customer (%s) who has not been added yet.\n\n"
                    "Drop what you typed?") % typed,
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        if answer != QMessageBox.StandardButton.Discard:
            self.nc_name.setFocus()
            return False
        for w in self._new_customer_fields():
            w.clear()
        self._show_new_customer_form(False)
        return True

    def _unchoose_customer(self) -> None:
        self.customer_id = None
        self._tickets_left = 0
        self._entitlement = None
        self.chosen.setText(self.tr("No caller chosen yet"))
        self.entitlement.hide()
        self.contact.clear()
        self.incident.blockSignals(True)
        self.incident.clear()
        self.incident.blockSignals(False)
        self._set_incident_enabled(False)

    def reject(self) -> None:
        """Escape, Cancel or closing the window: never drops a half-typed customer unasked."""
        if self._may_drop_new_customer():
            super().reject()

    # -- the contact, module and version ---------------------------------------------------------

    def _on_new_contact_clicked(self) -> None:
        from synergy_desk.ui.dialogs.customer_editor import add_contact_flow

        if self.customer_id is None:
            return
        before = {self.contact.itemData(i) for i in range(self.contact.count())}
        saved = add_contact_flow(self, self._actor, self.customer_id)
        if saved is None:
            return
        incident_id = self.incident.currentData()
        self._fill_contacts(saved)
        added = [c.id for c in saved.contacts if c.id not in before]
        if added:
            self.contact.setCurrentIndex(self.contact.findData(added[0]))
        if incident_id is not None:
            self.incident.setCurrentIndex(self.incident.findData(incident_id))

    def _fill_contacts(self, summary: customers.CustomerSummary) -> None:
        """The customer's contacts still there (those who have left are not offered)."""
        self.contact.clear()
        self.contact.addItem(self.tr("(the customer)"), None)
        for contact in summary.contacts:
            self.contact.addItem(contact.name, contact.id)
            if contact.is_primary:
                self.contact.setCurrentIndex(self.contact.count() - 1)

    def _on_product_changed(self, *_args: object) -> None:
        """The product's modules; module and version as on the caller's last incident on it."""
        product = self._products.get(self.product.currentData())
        self.module.clear()
        self.module.addItem(self.tr("(none)"), None)
        for module in product.modules if product is not None else ():
            self.module.addItem(module.name, module.id)
        self.version.clear()
        self.version.setPlaceholderText(product.current_version if product else "")
        self.version_hint.clear()
        if product is None or self.customer_id is None:
            return
        with reporting_errors(self, failure=self.message.failure) as outcome:
            last = intake.last_module_and_version(self.customer_id, product.id)
        if outcome.failed or last is None:
            return
        index = self.module.findData(last.module_id)
        self.module.setCurrentIndex(max(index, 0))
        self.version.setText(last.product_version)
        self.version_hint.setText(self.tr("as on %s") % last.reference)

    # -- logging --------------------------------------------------------------------------------

    def validate(self) -> None:
        if self.new_customer_typed():
            raise Problem(self.tr("Add the new customer first (Add customer), or clear the "
                                  "form: the call is not logged for anyone else."),
                          self.nc_add)
        if self.customer_id is None:
            raise Problem(self.tr("Find the caller first, or add them as a new customer."),
                          self.search)
        incident_id = self.incident.currentData()
        if incident_id is None and not self.subject.text().strip():
            raise Problem(self.tr("Give the incident a subject: the one problem or error "
                                  "message this call is about."), self.subject)
        if incident_id is None and self.product.currentData() is None:
            raise Problem(self.tr("Choose the product."), self.product)

    def answer(self) -> LoggedCall:
        assert self.customer_id is not None
        incident_id = self.incident.currentData()
        request = intake.LogCallInput(
            customer_id=self.customer_id,
            contact_id=self.contact.currentData(),
            incident_id=incident_id,
            product_id=self.product.currentData() if incident_id is None else None,
            module_id=self.module.currentData() if incident_id is None else None,
            product_version=self.version.text().strip() if incident_id is None else "",
            subject=self.subject.text().strip() if incident_id is None else "",
            description=self.description.toPlainText().strip(),
            priority=Priority(self.priority.currentData()),
            text=self.notes.toPlainText().strip(),
            duration_seconds=self.minutes.value() * 60,
        )
        ref = intake.log_call(self._actor, request)
        return LoggedCall(ref.id, ref.reference, self.customer_id,
                          ref.funding is FundingKind.NONE, incident_id is None, ref.notices,
                          self._then)

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor, customer_id: int | None = None,
            incident_id: int | None = None) -> LoggedCall | None:
        return cls(parent, actor, customer_id, incident_id).ask_value()
