"""Which caller is ringing, when one number belongs to several customers or contacts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.services.people.phone_book import PhoneMatch

__all__ = ["CallerChoiceDialog"]


class CallerChoiceDialog(QDialog):
    """A short list of the callers a number finds, the first chosen: Enter takes it, Down
    and Enter another; the last line is someone new on that number."""

    def __init__(self, parent: QWidget | None, phone: str,
                 matches: list[PhoneMatch]) -> None:
        super().__init__(parent)
        self.setObjectName("callerChoiceDialog")
        self.setWindowTitle(self.tr("Who is calling?"))
        self.matches = matches
        # The chooser opens only when several callers have the number.
        label = QLabel(self.tr("%1 callers have the number %2. Who is it?")
                       .replace("%1", str(len(matches))).replace("%2", phone))
        label.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("callerChoiceList")
        for index, match in enumerate(matches):
            item = QListWidgetItem(match.label)
            item.setData(Qt.ItemDataRole.UserRole, index)
            self.list.addItem(item)
        someone_new = QListWidgetItem(self.tr("Someone new (add a customer)"))
        someone_new.setData(Qt.ItemDataRole.UserRole, -1)
        self.list.addItem(someone_new)
        self.list.setCurrentRow(0)
        # Wide enough for each caller's whole line (the dialog is kept on the screen).
        self.list.setMinimumWidth(self.list.sizeHintForColumn(0) + 2 * self.list.frameWidth()
                                  + self.list.verticalScrollBar().sizeHint().width())
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.list.setFocus()

    def chosen(self) -> PhoneMatch | None:
        """The caller chosen; None for someone new."""
        item = self.list.currentItem()
        index = item.data(Qt.ItemDataRole.UserRole) if item is not None else -1
        return self.matches[index] if isinstance(index, int) and index >= 0 else None
