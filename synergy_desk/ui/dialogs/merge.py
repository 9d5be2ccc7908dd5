"""Merge: pick the duplicate and the incident it belongs to, and see what happens to its funding."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.services.incidents.detail import IncidentDetail
from synergy_desk.services.incidents.incident_list import (
    IncidentFilter,
    IncidentRow,
    Sort,
    list_incidents,
)
from synergy_desk.services.money import funding
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem

#: More than enough for one customer's incidents that are still open to merging.
_CANDIDATE_LIMIT = 500


@dataclass(frozen=True)
class MergeRequest:
    """The duplicate, and the incident that carries on with its timeline."""

    duplicate_id: int
    survivor_id: int


def merge_candidates(customer_id: int) -> list[IncidentRow]:
    """The customer's incidents that can take part in a merge (not closed), newest first."""
    page = list_incidents(IncidentFilter(view="all", customer_id=customer_id),
                          Sort("opened", True), limit=_CANDIDATE_LIMIT)
    return [row for row in page.rows if row.status is not IncidentStatus.CLOSED]


def merge_outcome(duplicate: IncidentRow, survivor: IncidentRow) -> list[str]:
    """What the merge will do, in the words the dialog shows (one sentence a line)."""
    lines = [f"{duplicate.reference}'s calls, e-mails and notes join {survivor.reference}'s "
             f"timeline in time order; {duplicate.reference} is closed as a duplicate."]
    kind = duplicate.funding
    if kind is FundingKind.NONE:
        lines.append(f"{duplicate.reference} is unfunded: there is nothing to hand back.")
        return lines
    info = funding.funding_of(duplicate.id)
    if kind is FundingKind.TICKET:
        ticket = f"season ticket {info.ticket_id}" if info and info.ticket_id else "its ticket"
        lines.append(f"The incident redeemed from {ticket} is re-credited to it: the customer "
                     "is not charged twice.")
    elif kind is FundingKind.PAYMENT:
        receipt = f"receipt {info.receipt_number}" if info and info.receipt_number else \
            "the payment"
        if survivor.funding is FundingKind.NONE:
            lines.append(f"The payment ({receipt}) is kept and now funds {survivor.reference}, "
                         "which was unfunded.")
        else:
            lines.append(f"{survivor.reference} is already funded, so the payment ({receipt}) "
                         "becomes a refund due: a manager refunds it on a credit note.")
    elif kind is FundingKind.CONTRACT:
        lines.append("The customer's contract simply stops funding the duplicate.")
    else:
        lines.append("The manager's waiver on the duplicate is revoked.")
    return lines


class MergeDialog(FormDialog[MergeRequest]):
    """Two lists of the same customer's incidents, a swap button and what will happen."""

    def __init__(self, parent: QWidget | None, detail: IncidentDetail) -> None:
        super().__init__(parent, message_name="mergeMessage")
        self.setObjectName("mergeDialog")
        self.setWindowTitle(self.tr("Merge a duplicate incident"))
        self._rows = {row.id: row for row in merge_candidates(detail.customer_id)}

        intro = QLabel(self.tr("Incidents of <b>%s</b>. The duplicate's timeline moves to the "
                               "incident it belongs to, which carries on.")
                       % html.escape(detail.customer_name))
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        self.duplicate = QComboBox()
        self.duplicate.setObjectName("mergeDuplicate")
        self.survivor = QComboBox()
        self.survivor.setObjectName("mergeSurvivor")
        for combo in (self.duplicate, self.survivor):
            for row in self._rows.values():
                combo.addItem(self._label(row), row.id)
        self.duplicate.setCurrentIndex(max(0, self.duplicate.findData(detail.id)))
        others = [i for i in self._rows if i != detail.id]
        if others:
            self.survivor.setCurrentIndex(self.survivor.findData(others[0]))
        self.swap_button = QPushButton(self.tr("S&wap"))
        self.swap_button.setObjectName("mergeSwap")
        self.swap_button.clicked.connect(self._on_swap_button_clicked)

        form = QFormLayout()
        form.addRow(self.tr("&Duplicate:"), self.duplicate)
        survivor_row = QHBoxLayout()
        survivor_row.addWidget(self.survivor, 1)
        survivor_row.addWidget(self.swap_button)
        belongs = QLabel(self.tr("&Belongs to:"))
        belongs.setBuddy(self.survivor)
        form.addRow(belongs, survivor_row)

        self.outcome = QLabel()
        self.outcome.setObjectName("mergeOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.outcome.setStyleSheet(f"background:{palette.PANEL.hex()}; padding:6px;")
        self.ok_button.setText(self.tr("&Merge"))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("What will happen:")))
        layout.addWidget(self.outcome)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.duplicate.currentIndexChanged.connect(self._on_choice_changed)
        self.survivor.currentIndexChanged.connect(self._on_choice_changed)
        self._on_choice_changed()
        self.resize(560, 320)

    def _label(self, row: IncidentRow) -> str:
        return (f"{row.reference} — {row.subject} ({row.status.label.lower()}, "
                f"{row.funding.label.lower()})")

    def _chosen(self) -> tuple[IncidentRow | None, IncidentRow | None]:
        return (self._rows.get(self.duplicate.currentData()),
                self._rows.get(self.survivor.currentData()))

    def choose(self, duplicate_id: int, survivor_id: int) -> None:
        """Select the pair (the keyboard and tests use it; the lists do the same)."""
        self.duplicate.setCurrentIndex(self.duplicate.findData(duplicate_id))
        self.survivor.setCurrentIndex(self.survivor.findData(survivor_id))

    def _on_swap_button_clicked(self) -> None:
        duplicate, survivor = self.duplicate.currentData(), self.survivor.currentData()
        if duplicate is not None and survivor is not None:
            self.choose(survivor, duplicate)

    def _on_choice_changed(self, _index: int = 0) -> None:
        self.message.clear()
        duplicate, survivor = self._chosen()
        if duplicate is None or survivor is None or duplicate.id == survivor.id:
            self.outcome.setText(html.escape(self.tr(
                "Choose two different incidents: the duplicate and the one it belongs to.")))
            return
        self.outcome.setText("<br>".join(f"• {html.escape(line)}"
                                         for line in merge_outcome(duplicate, survivor)))

    def validate(self) -> None:
        duplicate, survivor = self._chosen()
        if duplicate is None or survivor is None:
            raise Problem(self.tr("Choose two different incidents: the duplicate and the one "
                                  "it belongs to."), self.duplicate)
        if duplicate.id == survivor.id:
            raise Problem(self.tr("An incident cannot be merged into itself."), self.survivor)

    def answer(self) -> MergeRequest:
        duplicate, survivor = self._chosen()
        assert duplicate is not None and survivor is not None  # validate() has checked
        return MergeRequest(duplicate.id, survivor.id)

    @classmethod
    def ask(cls, parent: QWidget | None, detail: IncidentDetail) -> MergeRequest | None:
        """Show the dialog; the pair chosen, or None when cancelled."""
        return cls(parent, detail).ask_value()
