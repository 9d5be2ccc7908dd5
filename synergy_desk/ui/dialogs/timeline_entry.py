"""Adding a call, e-mail, note or remote session to an incident's timeline."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.cards import contains_card_number
from synergy_desk.domain.enums import TimelineKind


@dataclass(frozen=True)
class TimelineRequest:
    kind: TimelineKind
    text: str
    duration_seconds: int


class TimelineEntryDialog(QDialog):
    """Kind, duration (with a running timer for a call in progress) and what was said or done."""

    def __init__(self, parent: QWidget | None, kinds: list[TimelineKind], reference: str,
                 default: TimelineKind | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelineEntryDialog")
        self.setWindowTitle(self.tr("Add to %s") % reference)
        self.kind = QComboBox()
        self.kind.setObjectName("timelineKind")
        for kind in kinds:
            self.kind.addItem(kind.label, kind.value)
        if default is not None and default in kinds:
            self.kind.setCurrentIndex(kinds.index(default))
        self.minutes = QSpinBox()
        self.minutes.setObjectName("timelineMinutes")
        self.minutes.setRange(0, 24 * 60)
        self.minutes.setSuffix(self.tr(" min"))
        self.timer_button = QPushButton(self.tr("Start &timer"))
        self.timer_button.setCheckable(True)
        self.timer_button.toggled.connect(self._on_timer_button_toggled)
        self._elapsed = 0
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.elapsed_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.minutes)
        row.addWidget(self.timer_button)
        row.addWidget(self.elapsed_label)
        self.text = QPlainTextEdit()
        self.text.setObjectName("timelineText")
        self.text.setTabChangesFocus(True)
        self.message = QLabel()
        self.message.setStyleSheet("color:#a61b1b;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Kind:"), self.kind)
        form.addRow(self.tr("Duration:"), row)  # a row of widgets takes no mnemonic
        form.addRow(self.tr("&What happened:"), self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.request: TimelineRequest | None = None
        self.text.setFocus()
        self.resize(480, 320)

    def _on_timer_button_toggled(self, running: bool) -> None:
        if running:
            self._timer.start()
            self.timer_button.setText(self.tr("Stop &timer"))
        else:
            self._timer.stop()
            self.timer_button.setText(self.tr("Start &timer"))

    def _on_timer_timeout(self) -> None:
        self._elapsed += 1
        minutes, seconds = divmod(self._elapsed, 60)
        self.elapsed_label.setText(f"{minutes:d}:{seconds:02d}")
        self.minutes.setValue(max(self.minutes.value(), (self._elapsed + 59) // 60))

    def _on_buttons_accepted(self) -> None:
        text = self.text.toPlainText().strip()
        if not text:
            self.message.setText(self.tr("Write what was said or done."))
            self.text.setFocus()
            return
        if contains_card_number(text):
            self.message.setText(self.tr(
                "That text holds a full card number. Card numbers are never stored: remove it "
                "(keep at most the last four digits)."))
            self.text.setFocus()
            return
        self._timer.stop()
        seconds = self._elapsed if self._elapsed else self.minutes.value() * 60
        self.request = TimelineRequest(TimelineKind(self.kind.currentData()), text, seconds)
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, kinds: list[TimelineKind], reference: str,
            default: TimelineKind | None = None) -> TimelineRequest | None:
        dialog = cls(parent, kinds, reference, default)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.request
            return None
        finally:
            # Dialogs with a parent would otherwise live as long as the window.
            dialog.deleteLater()
