"""Adding a call, e-mail, note or remote session to an incident's timeline."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
from synergy_desk.domain.timeline import for_customer_by_default
from synergy_desk.ui.dialogs.form import FormDialog, Problem


@dataclass(frozen=True)
class TimelineRequest:
    kind: TimelineKind
    text: str
    duration_seconds: int
    #: Printed on what the customer is given (their summary, e-mails); otherwise staff only.
    for_customer: bool = False
    about_payment: bool = False


class TimelineEntryDialog(FormDialog[TimelineRequest]):
    """Kind, duration (with a running timer for a call in progress) and what was said or done."""

    def __init__(self, parent: QWidget | None, kinds: list[TimelineKind], reference: str,
                 default: TimelineKind | None = None) -> None:
        super().__init__(parent, message_name="timelineEntryMessage",
                         buttons=QDialogButtonBox.StandardButton.Save
                         | QDialogButtonBox.StandardButton.Cancel)
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
        # Who sees it: ticked by the kind (calls and e-mails yes, notes no) until changed.
        self.for_customer = QCheckBox(self.tr("For the c&ustomer"))
        self.for_customer.setObjectName("timelineForCustomer")
        self.for_customer.setToolTip(self.tr(
            "Ticked, the entry is on what the customer is given (their summary, e-mails); "
            "otherwise it is for the staff only."))
        self._for_customer_changed = False
        self.for_customer.clicked.connect(self._on_for_customer_clicked)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self._on_kind_changed()
        form = QFormLayout()
        form.addRow(self.tr("&Kind:"), self.kind)
        form.addRow(self.tr("Duration:"), row)  # a row of widgets takes no mnemonic
        form.addRow(self.tr("&What happened:"), self.text)
        form.addRow("", self.for_customer)
        # An outgoing call or e-mail about paying is the intake, logged before the funding.
        self.about_payment = QCheckBox(self.tr("About &payment (not support work)"))
        self.about_payment.setObjectName("timelineAboutPayment")
        self.about_payment.setToolTip(self.tr(
            "Tick for a call or e-mail to the customer about paying: it may be logged while "
            "the incident is unfunded. Support work waits for the funding."))
        self.kind.currentIndexChanged.connect(self._on_kind_current_index_changed)
        self._on_kind_current_index_changed()
        form.addRow("", self.about_payment)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        self.text.setFocus()
        self.resize(480, 320)

    def _on_kind_changed(self, _index: int = 0) -> None:
        if not self._for_customer_changed:
            self.for_customer.setChecked(
                for_customer_by_default(TimelineKind(self.kind.currentData()), ""))

    def _on_for_customer_clicked(self) -> None:
        self._for_customer_changed = True

    def _on_kind_current_index_changed(self, *_args: object) -> None:
        payable = self.kind.currentData() in (TimelineKind.PHONE_OUT.value,
                                              TimelineKind.EMAIL_OUT.value)
        self.about_payment.setEnabled(payable)
        if not payable:
            self.about_payment.setChecked(False)

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

    def validate(self) -> None:
        text = self.text.toPlainText().strip()
        if not text:
            raise Problem(self.tr("Write what was said or done."), self.text)
        if contains_card_number(text):
            raise Problem(self.tr(
                "That text holds a full card number. Card numbers are never stored: remove it "
                "(keep at most the last four digits)."), self.text)

    def answer(self) -> TimelineRequest:
        self._timer.stop()
        seconds = self._elapsed if self._elapsed else self.minutes.value() * 60
        return TimelineRequest(TimelineKind(self.kind.currentData()),
                               self.text.toPlainText().strip(), seconds,
                               self.for_customer.isChecked(),
                               about_payment=self.about_payment.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, kinds: list[TimelineKind], reference: str,
            default: TimelineKind | None = None) -> TimelineRequest | None:
        return cls(parent, kinds, reference, default).ask_value()
