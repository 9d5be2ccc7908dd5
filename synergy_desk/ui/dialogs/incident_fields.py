"""Changing an incident: its engineer (engineers and managers reassign) and its product,
module, version and priority (anyone's at intake, the engineers' after)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import Priority
from synergy_desk.services.common import ENGINEERS, Actor
from synergy_desk.services.incidents import details
from synergy_desk.services.incidents.changes import IncidentRef
from synergy_desk.services.office import catalogue
from synergy_desk.services.people import users
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.operations import reporting_errors

__all__ = ["IncidentFieldsDialog", "change_incident_flow"]

#: Statuses in which whoever takes the calls may still put the details right.


class IncidentFieldsDialog(FormDialog[IncidentRef]):
    """The incident's engineer, product, module, version and priority as they stand; saved
    against the version the dialog was opened with."""

    def __init__(self, parent: QWidget | None, actor: Actor, detail: Any,
                 products: list[catalogue.ProductRow],
                 engineers: list[users.UserChoice]) -> None:
        super().__init__(parent, message_name="incidentFieldsMessage")
        self.setObjectName("incidentFieldsDialog")
        self.setWindowTitle(self.tr("Change %s") % detail.reference)
        self._actor = actor
        self._detail = detail
        self._products = {p.id: p for p in products}
        engineer = actor.role in ENGINEERS
        at_intake = details.is_at_intake(detail.status, detail.work_started_at)

        heading = QLabel(f"<b>{html.escape(detail.reference)}</b> &nbsp; "
                         f"{html.escape(detail.subject)}")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)

        self.engineer = QComboBox()
        self.engineer.setObjectName("incidentEngineer")
        self.engineer.addItem(self.tr("(unassigned)"), None)
        for user in engineers:
            if user.active and user.role in ENGINEERS:
                self.engineer.addItem(user.full_name, user.id)
        self._choose(self.engineer, detail.engineer_id, detail.engineer_name)

        self.product = QComboBox()
        self.product.setObjectName("incidentProduct")
        for product in products:
            self.product.addItem(product.name, product.id)
        self._choose(self.product, detail.product_id, detail.product_name)
        self.module = QComboBox()
        self.module.setObjectName("incidentModule")
        self._fill_modules(detail.module_id, detail.module_name)
        self.product.currentIndexChanged.connect(self._on_product_changed)
        self.version = QLineEdit(detail.product_version)
        self.version.setObjectName("incidentVersion")
        self.version.setMaxLength(40)
        self.priority = QComboBox()
        self.priority.setObjectName("incidentPriority")
        for p in Priority:
            self.priority.addItem(p.value.title(), p.value)
        self.priority.setCurrentIndex(self.priority.findData(Priority(detail.priority).value))
        self._on_product_changed_hint()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in ((self.tr("&Engineer:"), self.engineer),
                              (self.tr("&Product:"), self.product),
                              (self.tr("&Module:"), self.module),
                              (self.tr("&Version:"), self.version),
                              (self.tr("P&riority:"), self.priority)):
            buddy = QLabel(label)
            buddy.setBuddy(widget)
            form.addRow(buddy, widget)
        self.fields = {"engineer": self.engineer, "product": self.product,
                       "module": self.module, "product_version": self.version,
                       "priority": self.priority}

        self.note = QLabel()
        self.note.setObjectName("incidentFieldsNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(palette.MUTED.text_style())
        notes = []
        if not engineer:
            self.engineer.setEnabled(False)
            notes.append(self.tr("Engineers and managers reassign incidents."))
            if not at_intake:
                for widget in (self.product, self.module, self.version, self.priority):
                    widget.setEnabled(False)
                notes.append(self.tr("Work on this incident has begun: an engineer or "
                                     "manager changes its details now."))
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))

        self.ok_button.setText(self.tr("&Save"))
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.add_message_and_buttons(layout)
        self.resize(480, self.sizeHint().height())
        (self.engineer if engineer else self.product).setFocus()

    @staticmethod
    def _choose(combo: QComboBox, value: int | None, name: str) -> None:
        index = combo.findData(value)
        if index < 0 and value is not None:
            # Retired, or a user no longer an engineer: kept as it is unless changed.
            combo.addItem(name, value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    def _fill_modules(self, keep: int | None, keep_name: str = "") -> None:
        self.module.clear()
        self.module.addItem(self.tr("(none)"), None)
        product = self._products.get(self.product.currentData())
        for module in product.modules if product is not None else ():
            self.module.addItem(module.name, module.id)
        self._choose(self.module, keep, keep_name)

    def _on_product_changed(self, *_args: object) -> None:
        self._fill_modules(None)
        self._on_product_changed_hint()

    def _on_product_changed_hint(self) -> None:
        product = self._products.get(self.product.currentData())
        self.version.setPlaceholderText(
            self.tr("latest is %s") % product.current_version
            if product is not None and product.current_version else "")

    def validate(self) -> None:
        if self.product.currentData() is None:
            raise Problem(self.tr("Choose the product."), self.product)

    def answer(self) -> IncidentRef:
        return details.change_incident(
            self._actor, self._detail.id, self._detail.version,
            details.IncidentChange(
                engineer_id=self.engineer.currentData(),
                product_id=int(self.product.currentData()),
                module_id=self.module.currentData(),
                product_version=self.version.text().strip(),
                priority=Priority(self.priority.currentData())))

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor, detail: Any,
            products: list[catalogue.ProductRow],
            engineers: list[users.UserChoice]) -> IncidentRef | None:
        return cls(parent, actor, detail, products, engineers).ask_value()


def change_incident_flow(parent: QWidget | None, actor: Actor, detail: Any) -> IncidentRef | None:
    """Open the dialog on the incident as the detail shows it; the saved incident, or None."""
    with reporting_errors(parent) as outcome:
        products = catalogue.list_products()
        engineers = users.user_choices()
    if outcome.failed:
        return None
    return IncidentFieldsDialog.ask(parent, actor, detail, products, engineers)
