"""Editing a customer and their contacts: the customer editor, the contact editor, and the
flows the customer panel and the Customer menu run (a contact who leaves is retired)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.errors import NotFound
from synergy_desk.services.common import Actor
from synergy_desk.services.people import customers
from synergy_desk.services.people.customers import (
    ContactInput,
    ContactRow,
    CustomerForEdit,
    CustomerInput,
    CustomerSummary,
)
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.operations import call

__all__ = ["CustomerEditor", "ContactEditor", "edit_customer_flow", "add_contact_flow",
           "edit_contact_flow", "retire_contact_flow"]


def _line(name: str, max_length: int) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaxLength(max_length)
    return edit


def _text_box(name: str, height: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


class CustomerEditor(FormDialog[CustomerSummary]):
    """A customer's details, saved against the version the editor was opened with: if another
    desk saved the customer meanwhile, the save is refused naming who changed what, and the
    form stays as typed."""

    def __init__(self, parent: QWidget | None, actor: Actor, customer: CustomerForEdit) -> None:
        super().__init__(parent, message_name="customerEditorMessage")
        self.setObjectName("customerEditor")
        self._actor = actor
        self.customer_id = customer.id
        self.version = customer.version
        self.setWindowTitle(self.tr("Edit customer %s") % customer.account_code)

        self.name = _line("customerName", 200)
        self.company = _line("customerCompany", 200)
        self.account_code = _line("customerAccountCode", customers.MAX_ACCOUNT_CODE)
        self.account_code.setToolTip(self.tr(
            "The customer's code in the office's accounts, e.g. ACME01"))
        self.phone = _line("customerPhone", 40)
        self.phone.setPlaceholderText(self.tr("e.g. 01632 960123"))
        self.email = _line("customerEmail", 200)
        self.email.setPlaceholderText(self.tr("name@example.co.uk"))
        self.address = _text_box("customerAddress", 64)
        self.postcode = _line("customerPostcode", 16)
        self.postcode.setMaximumWidth(140)
        self.notes = _text_box("customerNotes", 64)

        data = customer.data
        self.name.setText(data.name)
        self.company.setText(data.company)
        self.account_code.setText(data.account_code or customer.account_code)
        self.phone.setText(data.phone)
        self.email.setText(data.email)
        self.address.setPlainText(data.address)
        self.postcode.setText(data.postcode)
        self.notes.setPlainText(data.notes)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in ((self.tr("&Name:"), self.name),
                              (self.tr("C&ompany:"), self.company),
                              (self.tr("Account &code:"), self.account_code),
                              (self.tr("&Phone:"), self.phone),
                              (self.tr("&E-mail:"), self.email),
                              (self.tr("&Address:"), self.address),
                              (self.tr("Postco&de:"), self.postcode),
                              (self.tr("No&tes:"), self.notes)):
            buddy = QLabel(label)
            buddy.setBuddy(widget)
            form.addRow(buddy, widget)
        self.fields = {"name": self.name, "company": self.company,
                       "account_code": self.account_code, "phone": self.phone,
                       "email": self.email, "address": self.address,
                       "postcode": self.postcode, "notes": self.notes}
        self.ok_button.setText(self.tr("&Save"))
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        self.add_message_and_buttons(layout)
        self.resize(520, 480)
        self.name.setFocus()

    def typed(self) -> CustomerInput:
        """The form as the service takes it."""
        return CustomerInput(
            name=self.name.text(), company=self.company.text(),
            address=self.address.toPlainText(), postcode=self.postcode.text(),
            email=self.email.text(), phone=self.phone.text(),
            notes=self.notes.toPlainText(), account_code=self.account_code.text())

    def validate(self) -> None:
        if not self.name.text().strip():
            raise Problem(self.tr("Give the customer's name."), self.name)

    def answer(self) -> CustomerSummary:
        return customers.update_customer(self._actor, self.customer_id, self.version,
                                         self.typed())

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor,
            customer: CustomerForEdit) -> CustomerSummary | None:
        return cls(parent, actor, customer).ask_value()


class ContactEditor(FormDialog[CustomerSummary]):
    """One contact at a customer: a new one, or one to change (saved against the customer's
    version the editor was opened with, like every contact change)."""

    def __init__(self, parent: QWidget | None, actor: Actor, customer: CustomerSummary,
                 contact: ContactRow | None = None) -> None:
        super().__init__(parent, message_name="contactEditorMessage")
        self.setObjectName("contactEditor")
        self._actor = actor
        self.customer_id = customer.id
        self.version = customer.version
        self.contact_id = contact.id if contact is not None else None
        who = html.escape(customer.name)
        if contact is None:
            self.setWindowTitle(self.tr("Add a contact at %s") % customer.name)
            intro = self.tr("A new contact at <b>%s</b>.") % who
        else:
            self.setWindowTitle(self.tr("Edit contact %s") % contact.name)
            intro = self.tr("%s at <b>%s</b>.") % (html.escape(contact.name), who)
        heading = QLabel(intro)
        heading.setObjectName("contactEditorHeading")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        heading.setStyleSheet(palette.MUTED.text_style())

        self.name = _line("contactName", 200)
        self.job_title = _line("contactJobTitle", 100)
        self.phone = _line("contactPhone", 40)
        self.phone.setPlaceholderText(self.tr("e.g. 01632 960123"))
        self.email = _line("contactEmail", 200)
        self.email.setPlaceholderText(self.tr("name@example.co.uk"))
        self.primary = QCheckBox(self.tr("&Main contact (replaces the present one)"))
        self.primary.setObjectName("contactPrimary")
        if contact is not None:
            self.name.setText(contact.name)
            self.job_title.setText(contact.job_title)
            self.phone.setText(contact.phone)
            self.email.setText(contact.email)
            self.primary.setChecked(contact.is_primary)
        elif not customer.contacts:
            self.primary.setChecked(True)  # the first contact is the one to ask for

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in ((self.tr("&Name:"), self.name),
                              (self.tr("&Job title:"), self.job_title),
                              (self.tr("&Phone:"), self.phone),
                              (self.tr("&E-mail:"), self.email)):
            buddy = QLabel(label)
            buddy.setBuddy(widget)
            form.addRow(buddy, widget)
        form.addRow("", self.primary)
        self.fields = {"contact_name": self.name, "job_title": self.job_title,
                       "contact_phone": self.phone, "contact_email": self.email,
                       "is_primary": self.primary}
        self.ok_button.setText(self.tr("&Save") if contact is not None
                               else self.tr("&Add contact"))
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addStretch(1)
        self.add_message_and_buttons(layout)
        self.resize(460, self.sizeHint().height())
        self.name.setFocus()

    def typed(self) -> ContactInput:
        return ContactInput(name=self.name.text(), job_title=self.job_title.text(),
                            email=self.email.text(), phone=self.phone.text(),
                            is_primary=self.primary.isChecked())

    def validate(self) -> None:
        if not self.name.text().strip():
            raise Problem(self.tr("Give the contact's name."), self.name)

    def answer(self) -> CustomerSummary:
        if self.contact_id is None:
            return customers.add_contact(self._actor, self.customer_id, self.version,
                                         self.typed())
        return customers.update_contact(self._actor, self.contact_id, self.version,
                                        self.typed())

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor, customer: CustomerSummary,
            contact: ContactRow | None = None) -> CustomerSummary | None:
        return cls(parent, actor, customer, contact).ask_value()


def edit_customer_flow(parent: QWidget | None, actor: Actor,
                       customer_id: int) -> CustomerSummary | None:
    """Open the customer editor on the customer as saved now; the saved customer, or None."""
    customer = call(parent, customers.get_customer_for_edit, customer_id)
    if customer is None:
        return None
    return CustomerEditor.ask(parent, actor, customer)


def add_contact_flow(parent: QWidget | None, actor: Actor,
                     customer_id: int) -> CustomerSummary | None:
    """Add a contact at the customer; the customer as saved, or None."""
    summary = call(parent, customers.customer_summary, customer_id)
    if summary is None:
        return None
    return ContactEditor.ask(parent, actor, summary)


def edit_contact_flow(parent: QWidget | None, actor: Actor, customer_id: int,
                      contact_id: int) -> CustomerSummary | None:
    """Change one of the customer's contacts; the customer as saved, or None."""
    summary = call(parent, customers.customer_summary, customer_id)
    if summary is None:
        return None
    contact = call(parent, _present_contact, summary, contact_id)
    if contact is None:
        return None
    return ContactEditor.ask(parent, actor, summary, contact)


def _present_contact(summary: CustomerSummary, contact_id: int) -> ContactRow:
    contact = next((c for c in summary.contacts if c.id == contact_id), None)
    if contact is None:
        raise NotFound(f"That contact is no longer at {summary.name}; nothing was changed.")
    return contact


def retire_contact_flow(parent: QWidget | None, actor: Actor, summary: CustomerSummary,
                        contact_id: int) -> CustomerSummary | None:
    """Ask, then mark a contact as having left; ``summary`` is the customer as the panel
    showed it (its version guards against a change made since). The customer, or None."""
    contact = call(parent, _present_contact, summary, contact_id)
    if contact is None:
        return None
    answer = QMessageBox.question(
        parent, QMessageBox.tr("Contact has left"),
        QMessageBox.tr("Has %s left %s?\n\nThey stay on the incidents and calls they were on, "
                       "but are no longer offered for new calls.")
        % (contact.name, summary.name),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    if answer != QMessageBox.StandardButton.Yes:
        return None
    return call(parent, customers.retire_contact, actor, contact_id, summary.version)
