"""A manager waives an incident's charge: the kind of waiver and the written reason."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import WaiverKind
from synergy_desk.services.common import MANAGERS, Actor
from synergy_desk.services.money import funding
from synergy_desk.services.money.funding import FundingInfo
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.operations import allowed, call

__all__ = ["WaiverRequest", "WaiverDialog", "waive_flow"]

#: (kind, what it is for)
_KINDS = (
    (WaiverKind.GOODWILL, "A gesture to a customer, e.g. after a long wait."),
    (WaiverKind.WARRANTY, "The fault is ours: a defect the customer should not pay to have "
                          "looked at."),
    (WaiverKind.INTERNAL, "Our own staff or a test; no customer pays."),
)


@dataclass(frozen=True)
class WaiverRequest:
    kind: WaiverKind
    reason: str


class WaiverDialog(FormDialog[WaiverRequest]):
    """The kind of waiver and why; without a reason it is refused, as the service would."""

    def __init__(self, parent: QWidget | None, incident_reference: str) -> None:
        super().__init__(parent, message_name="waiverMessage")
        self.setObjectName("waiverDialog")
        self.setWindowTitle(self.tr("Waive the charge for %s") % incident_reference)
        explanation = QLabel(self.tr(
            "<b>%s</b> will be funded without payment, so work can start on it. The waiver, "
            "its reason and your name show on the incident and in the reports.")
            % html.escape(incident_reference))
        explanation.setWordWrap(True)
        explanation.setTextFormat(Qt.TextFormat.RichText)
        self.kind = QComboBox()
        self.kind.setObjectName("waiverKind")
        for kind, _hint in _KINDS:
            self.kind.addItem(self.tr(kind.label), kind)
        self.hint = QLabel()
        self.hint.setObjectName("waiverHint")
        self.hint.setStyleSheet(palette.MUTED.text_style())
        self.hint.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("waiverReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("Why this incident is not charged"))
        form = QFormLayout()
        form.addRow(self.tr("&Kind:"), self.kind)
        form.addRow("", self.hint)
        reason_label = QLabel(self.tr("&Reason:"))
        reason_label.setBuddy(self.reason)
        form.addRow(reason_label, self.reason)
        self.ok_button.setText(self.tr("&Waive charge"))
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form, 1)
        self.add_message_and_buttons(layout)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self._on_kind_changed()
        self.resize(460, 280)
        self.reason.setFocus()

    def _on_kind_changed(self, *_args: object) -> None:
        self.hint.setText(self.tr(_KINDS[max(0, self.kind.currentIndex())][1]))

    def validate(self) -> None:
        if not self.reason.toPlainText().strip():
            raise Problem(self.tr("Give the reason for waiving the charge."), self.reason)

    def answer(self) -> WaiverRequest:
        return WaiverRequest(self.kind.currentData(), self.reason.toPlainText().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, incident_reference: str) -> WaiverRequest | None:
        return cls(parent, incident_reference).ask_value()


def waive_flow(parent: QWidget | None, actor: Actor, incident_id: int,
               reference: str) -> FundingInfo | None:
    """A manager waives an incident's charge; None when cancelled or refused (and told why)."""
    if not allowed(parent, actor, MANAGERS, "waive a charge"):
        return None
    request = WaiverDialog.ask(parent, reference)
    if request is None:
        return None
    return call(parent, funding.waive, actor, incident_id, request.kind, request.reason)
