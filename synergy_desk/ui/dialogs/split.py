"""Split: tick the timeline entries that belong to another aspect and name the new incident."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import FundingKind, TimelineKind
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents.changes import IncidentRef
from synergy_desk.services.incidents.detail import IncidentDetail
from synergy_desk.services.incidents.fields import MAX_SUBJECT
from synergy_desk.services.money import funding
from synergy_desk.services.office.catalogue import ProductRow
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.operations import call


class CoverOffer:
    """Asks whether to fund incidents from the customer's cover before asking for money."""

    @staticmethod
    def ask(parent: QWidget | None, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
        box.setObjectName("coverOffer")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        return box.exec() == QMessageBox.StandardButton.Yes


def offer_cover(parent: QWidget | None, actor: Actor, ref: IncidentRef) -> str | None:
    """Offer the customer's contract or season ticket for an incident split off unfunded.

    Returns:
        What the desk tells the caller once it is funded from the cover; None when the
        customer has no cover, the offer was declined or refused (then ask for money).
    """
    cover = call(parent, funding.incident_cover, ref.id)
    if cover is None or cover.covered_by is FundingKind.NONE:
        return None
    if cover.contract is not None:
        what = f"support contract {cover.contract.reference}"
    else:
        what = (f"season ticket ({cover.tickets_balance} incident"
                f"{'' if cover.tickets_balance == 1 else 's'} left)")
    if not CoverOffer.ask(parent, "Fund from the customer's cover",
                          f"{ref.reference} needs its own funding. Fund it from the "
                          f"customer's {what} instead of taking a payment?"):
        return None
    return call(parent, funding.apply_cover, actor, ref.id)


@dataclass(frozen=True)
class SplitRequest:
    """What the engineer chose: the entries to move and the new incident's details."""

    entry_ids: tuple[int, ...]
    subject: str
    product_id: int
    description: str = ""




class SplitDialog(FormDialog[SplitRequest]):
    """A checkable list of the timeline (when, what, who, text) and the new incident's fields."""

    def __init__(self, parent: QWidget | None, detail: IncidentDetail,
                 products: Sequence[ProductRow]) -> None:
        super().__init__(parent, message_name="splitMessage")
        self.setObjectName("splitDialog")
        self.setWindowTitle(self.tr("Split %s into another incident") % detail.reference)
        self._detail = detail

        intro = QLabel(self.tr(
            "Tick the entries about <b>another aspect</b> of the customer's problem. They move "
            "to a new incident, which is charged separately and needs its own funding. "
            "Events stay with %s.") % detail.reference)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        self.entries = QTableWidget(len(detail.timeline), 4)
        self.entries.setObjectName("splitEntries")
        self.entries.setHorizontalHeaderLabels([self.tr("When"), self.tr("What"),
                                                self.tr("Who"), self.tr("Text")])
        self.entries.verticalHeader().hide()
        self.entries.setAlternatingRowColors(True)
        self.entries.setWordWrap(True)
        self.entries.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entries.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        head = self.entries.horizontalHeader()
        head.setStretchLastSection(True)
        for column in range(3):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for row, entry in enumerate(detail.timeline):
            kind = TimelineKind(entry.kind)
            cells = [QTableWidgetItem(text) for text in (
                formatting.short_datetime(entry.occurred_at), kind.label, entry.author_name,
                entry.text.strip())]
            cells[0].setData(Qt.ItemDataRole.UserRole, entry.id)
            cells[3].setToolTip(entry.text)
            for cell in cells:
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if kind is TimelineKind.SYSTEM:
                # Events are this incident's own history; the service refuses to move them.
                for cell in cells:
                    cell.setForeground(palette.INACTIVE.brush())
            else:
                cells[0].setFlags(cells[0].flags() | Qt.ItemFlag.ItemIsUserCheckable)
                cells[0].setCheckState(Qt.CheckState.Unchecked)
            for column, cell in enumerate(cells):
                self.entries.setItem(row, column, cell)
        # Rows are measured for the width the text column really gets, so whole entries wrap.
        head.sectionResized.connect(lambda *_: self.entries.resizeRowsToContents())
        self.entries.itemChanged.connect(self._on_entries_item_changed)

        self.count_label = QLabel()
        self.count_label.setObjectName("splitCount")

        self.subject = QLineEdit()
        self.subject.setObjectName("splitSubject")
        self.subject.setMaxLength(MAX_SUBJECT)
        self.subject.setPlaceholderText(self.tr("The other problem or error message, in a line"))
        self.product = QComboBox()
        self.product.setObjectName("splitProduct")
        for product in products:
            self.product.addItem(product.name, product.id)
        if self.product.findData(detail.product_id) < 0:
            self.product.addItem(detail.product_name, detail.product_id)
        self.product.setCurrentIndex(self.product.findData(detail.product_id))
        self.description = QPlainTextEdit()
        self.description.setObjectName("splitDescription")
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(80)

        form = QFormLayout()
        form.addRow(self.tr("New incident's &subject:"), self.subject)
        form.addRow(self.tr("&Product:"), self.product)
        form.addRow(self.tr("&Description:"), self.description)

        self.ok_button.setText(self.tr("Spl&it"))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.count_label)
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        self._update_count()
        self.resize(680, 520)
        self.entries.setFocus()

    # --- reading the choices ----------------------------------------------------------------

    def _movable_items(self) -> list[QTableWidgetItem]:
        items = (self.entries.item(row, 0) for row in range(self.entries.rowCount()))
        return [item for item in items
                if item is not None and item.flags() & Qt.ItemFlag.ItemIsUserCheckable]

    def checked_entry_ids(self) -> tuple[int, ...]:
        return tuple(int(item.data(Qt.ItemDataRole.UserRole))
                     for item in self._movable_items()
                     if item.checkState() == Qt.CheckState.Checked)

    def set_checked(self, entry_ids: Sequence[int]) -> None:
        """Tick exactly these entries (the keyboard and tests use it; clicking does the same)."""
        wanted = set(entry_ids)
        for item in self._movable_items():
            item.setCheckState(Qt.CheckState.Checked
                               if int(item.data(Qt.ItemDataRole.UserRole)) in wanted
                               else Qt.CheckState.Unchecked)

    def _update_count(self) -> None:
        movable = len(self._movable_items())
        chosen = len(self.checked_entry_ids())
        self.count_label.setText(self.tr("%1 of %2 entries move to the new incident.")
                                 .replace("%1", str(chosen)).replace("%2", str(movable)))

    def _on_entries_item_changed(self, _item: QTableWidgetItem) -> None:
        self._update_count()
        self.message.clear()

    def validate(self) -> None:
        """What stops the split, and where to put the cursor."""
        chosen = self.checked_entry_ids()
        if not chosen:
            raise Problem(self.tr("Tick at least one entry to move to the new incident."),
                          self.entries)
        if len(chosen) == len(self._movable_items()):
            raise Problem(self.tr("At least one entry must stay on %s; to move everything, edit "
                                  "its subject instead.") % self._detail.reference, self.entries)
        if not " ".join(self.subject.text().split()):
            raise Problem(self.tr("Give the new incident a subject: the one problem or error "
                                  "message it is about."), self.subject)
        if self.product.currentData() is None:
            raise Problem(self.tr("Choose the product the new incident is about."),
                          self.product)

    def answer(self) -> SplitRequest:
        return SplitRequest(
            entry_ids=self.checked_entry_ids(),
            subject=" ".join(self.subject.text().split()),
            product_id=int(self.product.currentData()),
            description=self.description.toPlainText().strip())

    @classmethod
    def ask(cls, parent: QWidget | None, detail: IncidentDetail,
            products: Sequence[ProductRow]) -> SplitRequest | None:
        """Show the dialog; the engineer's choice, or None when cancelled."""
        return cls(parent, detail, products).ask_value()
