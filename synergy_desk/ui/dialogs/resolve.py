"""Resolving an incident (one of the four resolutions), and the small reason dialogs.

The reason dialogs (close unresolved, re-open, out of remit) are separate small dialogs rather
than modes of the resolve dialog: each asks one thing and says what will follow from it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import RESOLVING, EnhancementStatus, FundingKind, Resolution
from synergy_desk.services.incidents import registers
from synergy_desk.services.incidents.closing import EscalationInput
from synergy_desk.services.incidents.detail import IncidentDetail
from synergy_desk.services.incidents.registers import EnhancementRow
from synergy_desk.services.office import catalogue
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem

#: Requests product management has not finished with: new customers can still be added.
_LIVE_REQUEST = (EnhancementStatus.OPEN, EnhancementStatus.PLANNED)

_HINTS = {
    Resolution.SOLUTION: "What solved it, so the next engineer can do the same.",
    Resolution.WORKAROUND: "The work-around the customer now uses, and what it does not cover.",
    Resolution.ENHANCEMENT: "What the customer wants the product to do that it does not.",
    Resolution.ESCALATED: "Why this looks like a bug, and what the customer was told.",
}


@dataclass(frozen=True)
class ResolveRequest:
    """What resolve() needs: the resolution, its note, and the register entry it lands on."""

    resolution: Resolution
    note: str
    enhancement_request_id: int | None = None
    enhancement_title: str | None = None
    escalation: EscalationInput | None = None


@dataclass(frozen=True)
class ReasonRequest:
    """A reason (or note) typed into one of the small reason dialogs."""

    text: str


def _customers_text(row: EnhancementRow) -> str:
    n = row.customer_count
    return f"{n} customer{'' if n == 1 else 's'} asking"


class ResolveDialog(FormDialog[ResolveRequest]):
    """The resolution, its note, and the request or escalation details it needs."""

    def __init__(self, parent: QWidget | None, detail: IncidentDetail) -> None:
        super().__init__(parent, message_name="resolveMessage")
        self.setObjectName("resolveDialog")
        self.setWindowTitle(self.tr("Resolve %s") % detail.reference)
        self._detail = detail

        heading = QLabel(f"<b>{html.escape(detail.reference)}</b> — "
                         f"{html.escape(detail.subject)}<br>"
                         f"<span style='color:{palette.SECONDARY.hex()}'>"
                         f"{html.escape(detail.customer_name)} · "
                         f"{html.escape(detail.product_name)}</span>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)

        self.resolution_type = QComboBox()
        self.resolution_type.setObjectName("resolutionType")
        for resolution in RESOLVING:
            self.resolution_type.addItem(resolution.label, resolution.value)
        self.resolution_note = QPlainTextEdit()
        self.resolution_note.setObjectName("resolutionNote")
        self.resolution_note.setTabChangesFocus(True)
        self.resolution_note.setMinimumHeight(90)

        form = QFormLayout()
        form.addRow(self.tr("Res&olution:"), self.resolution_type)
        form.addRow(self.tr("&Note:"), self.resolution_note)

        self.enhancement_box = self._enhancement_box(detail)
        self.escalation_box = self._escalation_box(detail)

        self.ok_button.setText(self.tr("&Resolve"))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.enhancement_box)
        layout.addWidget(self.escalation_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.resolution_type.currentIndexChanged.connect(self._on_resolution_type_changed)
        self._on_resolution_type_changed()
        self.setMinimumWidth(520)
        self.resize(560, self.sizeHint().height())
        self.resolution_type.setFocus()

    # --- the two register sections ----------------------------------------------------------

    def _enhancement_box(self, detail: IncidentDetail) -> QGroupBox:
        box = QGroupBox(self.tr("Enhancement-request register (%s)") % detail.product_name)
        box.setObjectName("resolveEnhancement")
        self._requests = [row for row in
                          registers.list_enhancement_requests(product_id=detail.product_id)
                          if row.status in _LIVE_REQUEST]
        self.existing_radio = QRadioButton(self.tr("Add this customer to an &existing request:"))
        self.existing_radio.setObjectName("enhancementExisting")
        self.request_combo = QComboBox()
        self.request_combo.setObjectName("enhancementRequest")
        for row in self._requests:
            self.request_combo.addItem(f"{row.title} — {_customers_text(row)}", row.id)
            index = self.request_combo.count() - 1
            names = ", ".join(row.customer_names) or self.tr("nobody yet")
            self.request_combo.setItemData(index, self.tr("Asked for by: %s") % names,
                                           Qt.ItemDataRole.ToolTipRole)
        self.request_customers = QLabel()
        self.request_customers.setObjectName("enhancementCustomers")
        self.request_customers.setWordWrap(True)
        self.request_customers.setStyleSheet(palette.SECONDARY.text_style())
        self.new_radio = QRadioButton(self.tr("Start a ne&w request, titled:"))
        self.new_radio.setObjectName("enhancementNew")
        self.new_title = QLineEdit()
        self.new_title.setObjectName("enhancementTitle")
        self.new_title.setMaxLength(200)
        self.new_title.setPlaceholderText(self.tr("e.g. Export payslips as CSV"))
        group = QButtonGroup(box)
        group.addButton(self.existing_radio)
        group.addButton(self.new_radio)
        if self._requests:
            self.existing_radio.setChecked(True)
            current = self.request_combo.findData(detail.enhancement_request_id)
            if current >= 0:
                self.request_combo.setCurrentIndex(current)
        else:
            self.existing_radio.setEnabled(False)
            self.request_combo.setEnabled(False)
            self.request_combo.setPlaceholderText(self.tr("No open requests for this product"))
            self.new_radio.setChecked(True)
        self.existing_radio.toggled.connect(self._on_enhancement_choice_toggled)
        self.request_combo.currentIndexChanged.connect(self._on_request_combo_changed)
        self.new_title.textEdited.connect(lambda _text: self.new_radio.setChecked(True))
        layout = QVBoxLayout(box)
        layout.addWidget(self.existing_radio)
        layout.addWidget(self.request_combo)
        layout.addWidget(self.request_customers)
        layout.addWidget(self.new_radio)
        layout.addWidget(self.new_title)
        self._on_enhancement_choice_toggled()
        self._on_request_combo_changed()
        return box

    def _escalation_box(self, detail: IncidentDetail) -> QGroupBox:
        box = QGroupBox(self.tr("Escalation to development"))
        box.setObjectName("resolveEscalation")
        self.escalation_version = QLineEdit(detail.product_version)
        self.escalation_version.setObjectName("escalationVersion")
        self.escalation_version.setMaxLength(40)
        current = next((p.current_version for p in catalogue.list_products(include_inactive=True)
                        if p.id == detail.product_id), "")
        if current:
            self.escalation_version.setPlaceholderText(self.tr("e.g. %s (the current version)")
                                                       % current)
        self.escalation_steps = QPlainTextEdit()
        self.escalation_steps.setObjectName("escalationSteps")
        self.escalation_steps.setTabChangesFocus(True)
        self.escalation_steps.setPlaceholderText(self.tr(
            "1. Open …\n2. Click …\n3. Expected … but saw …"))
        self.escalation_steps.setMinimumHeight(90)
        form = QFormLayout(box)
        form.addRow(self.tr("Product:"), QLabel(html.escape(detail.product_name)))
        form.addRow(self.tr("&Version:"), self.escalation_version)
        form.addRow(self.tr("S&teps to reproduce:"), self.escalation_steps)
        return box

    # --- reacting ---------------------------------------------------------------------------

    def resolution(self) -> Resolution:
        return Resolution(self.resolution_type.currentData())

    def set_resolution(self, resolution: Resolution) -> None:
        self.resolution_type.setCurrentIndex(self.resolution_type.findData(resolution.value))

    def _on_resolution_type_changed(self, _index: int = 0) -> None:
        kind = self.resolution()
        self.enhancement_box.setVisible(kind is Resolution.ENHANCEMENT)
        self.escalation_box.setVisible(kind is Resolution.ESCALATED)
        self.resolution_note.setPlaceholderText(self.tr(_HINTS[kind]))
        self.message.clear()
        # Grow or shrink to the sections shown, never narrower than the dialog is now.
        self.resize(self.width(), self.sizeHint().height())

    def _on_enhancement_choice_toggled(self, _checked: bool = False) -> None:
        existing = self.existing_radio.isChecked()
        self.request_combo.setEnabled(existing and bool(self._requests))
        self.new_title.setEnabled(True)

    def _on_request_combo_changed(self, _index: int = 0) -> None:
        row = next((r for r in self._requests if r.id == self.request_combo.currentData()), None)
        if row is None:
            self.request_customers.clear()
            return
        names = ", ".join(row.customer_names) or self.tr("nobody yet")
        self.request_customers.setText(self.tr("Asked for by: %s") % names)

    def validate(self) -> None:
        kind = self.resolution()
        if not self.resolution_note.toPlainText().strip():
            raise Problem(self.tr("Write the resolution note."), self.resolution_note)
        if kind is Resolution.ENHANCEMENT:
            if self.existing_radio.isChecked():
                if self.request_combo.currentData() is None:
                    raise Problem(self.tr("Choose the request to add this customer to."),
                                  self.request_combo)
            elif not " ".join(self.new_title.text().split()):
                raise Problem(self.tr("Give the new request a title."), self.new_title)
        if kind is Resolution.ESCALATED:
            if not self.escalation_version.text().strip():
                raise Problem(self.tr("Give the version of the product the bug was seen in."),
                              self.escalation_version)
            if not self.escalation_steps.toPlainText().strip():
                raise Problem(self.tr("Write the steps development needs to reproduce it."),
                              self.escalation_steps)

    def answer(self) -> ResolveRequest:
        kind = self.resolution()
        note = self.resolution_note.toPlainText().strip()
        if kind is Resolution.ENHANCEMENT:
            if self.existing_radio.isChecked():
                return ResolveRequest(kind, note, enhancement_request_id=int(
                    self.request_combo.currentData()))
            return ResolveRequest(kind, note, enhancement_title=" ".join(
                self.new_title.text().split()))
        if kind is Resolution.ESCALATED:
            return ResolveRequest(kind, note, escalation=EscalationInput(
                steps_to_reproduce=self.escalation_steps.toPlainText().strip(),
                product_version=self.escalation_version.text().strip()))
        return ResolveRequest(kind, note)

    @classmethod
    def ask(cls, parent: QWidget | None, detail: IncidentDetail) -> ResolveRequest | None:
        """Show the dialog; the resolution chosen, or None when cancelled."""
        return cls(parent, detail).ask_value()


# --- the small reason dialogs ---------------------------------------------------------------


def _t(text: str) -> str:
    """Translate a reason dialog's text before its QObject exists (self.tr needs one)."""
    return QCoreApplication.translate("ReasonDialog", text)


class ReasonDialog(FormDialog[ReasonRequest]):
    """One text to type (a reason or a note), what will follow from it, and one button."""

    def __init__(self, parent: QWidget | None, *, object_name: str, title: str,
                 explanation: str, label: str, action: str, required: bool) -> None:
        super().__init__(parent, message_name="reasonMessage")
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self._required = required
        self.explanation = QLabel(explanation)
        self.explanation.setObjectName("reasonExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.text = QPlainTextEdit()
        self.text.setObjectName("reasonText")
        self.text.setTabChangesFocus(True)
        self.ok_button.setText(action)
        caption = QLabel(label)
        caption.setBuddy(self.text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(caption)
        layout.addWidget(self.text, 1)
        self.add_message_and_buttons(layout)
        self.resize(480, 260)
        self.text.setFocus()

    def validate(self) -> None:
        if self._required and not self.text.toPlainText().strip():
            raise Problem(self.tr("Write the reason first."), self.text)

    def answer(self) -> ReasonRequest:
        return ReasonRequest(self.text.toPlainText().strip())


class CloseUnresolvedDialog(ReasonDialog):
    """Close an open incident that cannot be resolved; the reason is required."""

    def __init__(self, parent: QWidget | None, detail: IncidentDetail) -> None:
        super().__init__(
            parent, object_name="closeUnresolvedDialog",
            title=_t("Close %s unresolved") % detail.reference,
            explanation=_t(
                "<b>%s</b> will be closed without a resolution. It can be re-opened later at "
                "no new charge if the customer calls back about it.")
            % html.escape(detail.reference),
            label=_t("&Why it cannot be resolved:"), action=_t("&Close unresolved"),
            required=True)

    @classmethod
    def ask(cls, parent: QWidget | None, detail: IncidentDetail) -> ReasonRequest | None:
        return cls(parent, detail).ask_value()


class ReopenDialog(ReasonDialog):
    """Re-open a resolved (or unresolved-closed) incident; no new charge; the note is optional."""

    def __init__(self, parent: QWidget | None, detail: IncidentDetail) -> None:
        funded = detail.funding is not FundingKind.NONE
        follow = (_t("It goes back to work with its funding as it was.") if funded else
                  _t("It was never funded, so it goes back to awaiting payment."))
        super().__init__(
            parent, object_name="reopenDialog",
            title=_t("Re-open %s") % detail.reference,
            explanation=_t("The customer called back about the same aspect: <b>%s</b> is "
                                "re-opened with no new charge. ") % html.escape(detail.reference)
            + html.escape(follow),
            label=_t("&Note (optional):"), action=_t("&Re-open"), required=False)

    @classmethod
    def ask(cls, parent: QWidget | None, detail: IncidentDetail) -> ReasonRequest | None:
        return cls(parent, detail).ask_value()


class OutOfRemitDialog(ReasonDialog):
    """An engineer closes an incident as outside what support covers and hands its funding
    back (a payment's refund waits for a manager's approval)."""

    def __init__(self, parent: QWidget | None, detail: IncidentDetail) -> None:
        handed_back = {
            FundingKind.NONE: _t("It is unfunded: nothing is handed back."),
            FundingKind.PAYMENT: _t("The refund of the payment (%s) goes to a manager for "
                                    "approval; the credit note is issued when it is approved.")
            % detail.funding_description,
            FundingKind.TICKET: _t("The season-ticket incident is re-credited to the "
                                        "ticket."),
            FundingKind.CONTRACT: _t("The contract stops funding it."),
            FundingKind.WAIVER: _t("The waiver is revoked."),
        }[detail.funding]
        super().__init__(
            parent, object_name="outOfRemitDialog",
            title=_t("Close %s as out of remit") % detail.reference,
            explanation=_t("Support does not implement features in a customer's data "
                                "files. <b>%s</b> will be closed as out of remit and cannot be "
                                "re-opened. ") % html.escape(detail.reference)
            + html.escape(handed_back),
            label=_t("&Why it is out of remit:"), action=_t("Close as &out of remit"),
            required=True)

    @classmethod
    def ask(cls, parent: QWidget | None, detail: IncidentDetail) -> ReasonRequest | None:
        return cls(parent, detail).ask_value()
