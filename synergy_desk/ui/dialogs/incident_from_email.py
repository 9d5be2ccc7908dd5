"""A new incident from an e-mail waiting to be sorted: the customer (as the sender was matched,
or found by a search), the contact, product, module, version, subject and priority; the
message goes on its timeline as "E-mail in". The incident is unfunded, like any other, unless a
contract covers it; a message with another aspect can stay to be sorted for a second incident."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import FundingKind, Priority
from synergy_desk.services import search
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import intake
from synergy_desk.services.incidents.changes import IncidentRef
from synergy_desk.services.money import funding
from synergy_desk.services.office import catalogue
from synergy_desk.services.people import customers
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.operations import reporting_errors

__all__ = ["IncidentFromEmailDialog", "incident_outcome"]


def incident_outcome(ref: IncidentRef) -> str:
    """What the new incident means for the caller's work, in one sentence."""
    if ref.funding is FundingKind.NONE:
        return f"{ref.reference} is open; it waits for payment before work starts."
    return f"{ref.reference} is open and covered ({ref.funding.label}); work can start."


class IncidentFromEmailDialog(FormDialog[IncidentRef]):
    """New incident from an e-mail (Ctrl+Enter creates it)."""

    def __init__(self, parent: QWidget | None, actor: Actor, detail: Any) -> None:
        super().__init__(parent, message_name="incidentFromEmailMessage")
        self.setObjectName("incidentFromEmailDialog")
        self.setWindowTitle(self.tr("New incident from e-mail"))
        self._actor = actor
        self._detail = detail
        self.customer_id: int | None = None

        heading = QLabel(self.tr("From %s: “%s”") % (
            detail.from_name or detail.from_address, detail.subject))
        heading.setObjectName("incidentFromEmailHeading")
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        self.customer = QComboBox()
        self.customer.setObjectName("incidentFromEmailCustomer")
        #: The contact each customer offered was matched by (None: the customer).
        self._contact_of: dict[int, int | None] = {}
        for candidate in detail.candidates:
            if candidate.customer_id in self._contact_of:
                continue
            self.customer.addItem(f"{candidate.label} ({candidate.how})", candidate.customer_id)
            self._contact_of[candidate.customer_id] = candidate.contact_id
        self.customer.currentIndexChanged.connect(self._on_customer_changed)
        self.search = QLineEdit()
        self.search.setObjectName("incidentFromEmailSearch")
        self.search.setPlaceholderText(self.tr("Another customer: name, company, e-mail, "
                                               "phone or account"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("incidentFromEmailResults")
        self.results.setMaximumHeight(90)
        self.results.hide()
        self.results.itemActivated.connect(self._on_result_activated)
        self.entitlement = QLabel()
        self.entitlement.setObjectName("incidentFromEmailEntitlement")
        self.entitlement.setWordWrap(True)
        self.entitlement.setStyleSheet(palette.INFO_TONE.style() + " padding:4px;")
        self.entitlement.hide()
        self.contact = QComboBox()
        self.contact.setObjectName("incidentFromEmailContact")
        self.product = QComboBox()
        self.product.setObjectName("incidentFromEmailProduct")
        self.module = QComboBox()
        self.module.setObjectName("incidentFromEmailModule")
        self.version = QLineEdit()
        self.version.setObjectName("incidentFromEmailVersion")
        self.version.setMaxLength(40)
        self.subject = QLineEdit(detail.subject[:200])
        self.subject.setObjectName("incidentFromEmailSubject")
        self.subject.setMaxLength(200)
        self.priority = QComboBox()
        self.priority.setObjectName("incidentFromEmailPriority")
        for p in Priority:
            self.priority.addItem(p.value.title(), p.value)
        self.priority.setCurrentIndex(list(Priority).index(Priority.NORMAL))
        self.another_aspect = QCheckBox(self.tr(
            "This message has &another aspect: keep it to sort for a second incident"))
        self.another_aspect.setObjectName("incidentFromEmailAnotherAspect")

        form = QFormLayout()
        customer_label = QLabel(self.tr("C&ustomer:"))
        customer_label.setBuddy(self.customer)
        form.addRow(customer_label, self.customer)
        find_label = QLabel(self.tr("&Find another:"))
        find_label.setBuddy(self.search)
        form.addRow(find_label, self.search)
        form.addRow("", self.results)
        form.addRow("", self.entitlement)
        form.addRow(self.tr("C&ontact:"), self.contact)
        form.addRow(self.tr("&Product:"), self.product)
        module_row = QHBoxLayout()
        module_row.addWidget(self.module, 1)
        version_label = QLabel(self.tr("&Version:"))
        version_label.setBuddy(self.version)
        module_row.addWidget(version_label)
        module_row.addWidget(self.version)
        module_label = QLabel(self.tr("&Module:"))
        module_label.setBuddy(self.module)
        form.addRow(module_label, module_row)
        form.addRow(self.tr("&Subject:"), self.subject)
        form.addRow(self.tr("P&riority:"), self.priority)
        form.addRow("", self.another_aspect)
        self.fields.update({"customer_id": self.customer, "product_id": self.product,
                            "subject": self.subject, "contact_id": self.contact,
                            "module_id": self.module, "product_version": self.version})
        self.ok_button.setText(self.tr("&Create incident  (Ctrl+Enter)"))
        self.ok_button.setObjectName("incidentFromEmailCreate")
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, activated=self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        self.resize(600, 480)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textEdited.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._run_search)

        self._products = {p.id: p for p in catalogue.list_products()}
        for product in self._products.values():
            self.product.addItem(product.name, product.id)
        self.product.currentIndexChanged.connect(self._on_product_changed)
        if detail.customer_id is not None:
            if self.customer.findData(detail.customer_id) < 0:
                self.customer.insertItem(0, self.tr("As matched"), detail.customer_id)
            self._contact_of.setdefault(detail.customer_id, detail.contact_id)
            self.customer.setCurrentIndex(self.customer.findData(detail.customer_id))
        self._on_customer_changed()
        (self.product if self.customer.count() else self.search).setFocus()

    # -- the customer ---------------------------------------------------------------------

    def _run_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text().strip()
        self.results.clear()
        if len(text) < 2:
            self.results.hide()
            return
        with reporting_errors(self, failure=self.message.failure) as outcome:
            hits = search.search_customers(text, limit=8)
        if outcome.failed:
            return
        for hit in hits:
            bits = [hit.name] + [x for x in (hit.company if hit.company != hit.name else "",
                                             hit.account_code) if x]
            item = QListWidgetItem(" · ".join(bits))
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            self.results.addItem(item)
        if not hits:
            self.results.addItem(self.tr("No customer found"))
        self.results.setCurrentRow(0)
        self.results.show()

    def _on_result_activated(self, item: QListWidgetItem) -> None:
        customer_id = item.data(Qt.ItemDataRole.UserRole)
        if not isinstance(customer_id, int):
            return
        index = self.customer.findData(customer_id)
        if index < 0:
            self.customer.addItem(item.text(), customer_id)
            index = self.customer.count() - 1
        self.customer.setCurrentIndex(index)
        self.results.hide()
        self.product.setFocus()

    def _on_customer_changed(self, *_args: object) -> None:
        customer_id = self.customer.currentData()
        self.contact.clear()
        self.contact.addItem(self.tr("(the customer)"), None)
        if not isinstance(customer_id, int):
            self.customer_id = None
            self.entitlement.hide()
            self._on_product_changed()
            return
        contact_id = self._contact_of.get(customer_id)
        with reporting_errors(self, failure=self.message.failure) as outcome:
            summary = customers.customer_summary(customer_id)
            ent = funding.entitlement(customer_id)
        if outcome.failed:
            return
        self.customer_id = customer_id
        for contact in summary.contacts:
            self.contact.addItem(contact.name, contact.id)
            if contact.id == contact_id:
                self.contact.setCurrentIndex(self.contact.count() - 1)
        self.entitlement.setText(html.escape(ent.summary))
        self.entitlement.show()
        self._on_product_changed()

    def _on_product_changed(self, *_args: object) -> None:
        product = self._products.get(self.product.currentData())
        self.module.clear()
        self.module.addItem(self.tr("(none)"), None)
        for module in product.modules if product is not None else ():
            if module.active:
                self.module.addItem(module.name, module.id)
        self.version.clear()
        self.version.setPlaceholderText(product.current_version if product else "")
        if product is None or self.customer_id is None:
            return
        with reporting_errors(self, failure=self.message.failure) as outcome:
            last = intake.last_module_and_version(self.customer_id, product.id)
        if outcome.failed or last is None:
            return
        self.module.setCurrentIndex(max(self.module.findData(last.module_id), 0))
        self.version.setText(last.product_version)

    # -- creating -------------------------------------------------------------------------

    def validate(self) -> None:
        if self.customer_id is None:
            raise Problem(self.tr("Choose the customer the e-mail is from (or find them)."),
                          self.search)
        if self.product.currentData() is None:
            raise Problem(self.tr("Choose the product the incident is about."), self.product)
        if not self.subject.text().strip():
            raise Problem(self.tr("Give the incident a subject: one aspect of the problem."),
                          self.subject)

    def answer(self) -> IncidentRef:
        from synergy_desk.services.mail import triage

        assert self.customer_id is not None
        return triage.create_incident_from_email(
            self._actor, self._detail.email_id, customer_id=self.customer_id,
            product_id=int(self.product.currentData()), subject=self.subject.text().strip(),
            contact_id=self.contact.currentData(), module_id=self.module.currentData(),
            product_version=self.version.text().strip(),
            priority=str(self.priority.currentData()),
            another_aspect=self.another_aspect.isChecked(),
            expected_version=self._detail.version)
