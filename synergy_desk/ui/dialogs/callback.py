"""Promise a customer a call back: when (in the office's time zone), whom to ring, and why.

The dialog is given the service call that schedules it and calls it when accepted: a time
already past or a note too long is refused by the service, said in the dialog beside the
field, and the dialog stays open.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.models.base import utcnow
from synergy_desk.services.incidents.callbacks import CallBackRow
from synergy_desk.services.people import customers
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.dialogs.form import FormDialog


@dataclass(frozen=True)
class CallbackRequest:
    """A call-back to schedule; ``due_at`` is naive UTC, as the services store times."""

    customer_id: int
    incident_id: int | None
    contact_id: int | None
    due_at: dt.datetime
    note: str
    #: The user it is promised to; None: any engineer.
    assigned_to: int | None = None


#: Schedules the call-back the form describes; the call-back as the queue shows it.
Schedule = Callable[[CallbackRequest], CallBackRow]


def office_zone() -> dt.tzinfo:
    """The office's time zone, as the rest of the window shows times in."""
    now = formatting.local(utcnow())
    assert now is not None and now.tzinfo is not None
    return now.tzinfo


def to_utc(local_naive: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A wall-clock time in the office's zone as naive UTC (a time skipped by the clocks
    going forward is taken as the same wall time after the change)."""
    aware = local_naive.replace(tzinfo=zone)
    # Round-trip through UTC: a time in the spring-forward gap comes back normalised.
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


def _round_up(moment: dt.datetime, minutes: int = 15) -> dt.datetime:
    moment = moment.replace(second=0, microsecond=0)
    extra = (-moment.minute) % minutes
    return moment + dt.timedelta(minutes=extra)


class CallbackDialog(FormDialog[CallBackRow]):
    """A date and time editor in the office's zone, a contact to ring and a note;
    ``schedule`` schedules the call-back."""

    def __init__(self, parent: QWidget | None, schedule: Schedule, customer_id: int,
                 incident_id: int | None = None, reference: str = "") -> None:
        super().__init__(parent, message_name="callbackMessage")
        self._schedule = schedule
        self.setObjectName("callbackDialog")
        summary = customers.customer_summary(customer_id)
        self.setWindowTitle(self.tr("Call back %s") % summary.name)
        self._customer_id = customer_id
        self._incident_id = incident_id
        self._zone = office_zone()

        about = html.escape(summary.name)
        if reference:
            about += f" — {html.escape(reference)}"
        heading = QLabel(f"<b>{about}</b>")

        now_local = formatting.local(utcnow())
        assert now_local is not None
        start = _round_up(now_local.replace(tzinfo=None) + dt.timedelta(hours=1))
        self.due = QDateTimeEdit()
        self.due.setObjectName("callbackDue")
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("dd/MM/yyyy HH:mm")
        # The editor holds the office's wall-clock time; it is turned into UTC on saving.
        self.due.setTimeZone(QTimeZone.fromSecondsAheadOfUtc(0))
        self.set_due_local(start)
        zone_name = getattr(self._zone, "key", None) or str(self._zone)
        zone_label = QLabel(self.tr("office time (%s)") % zone_name)
        zone_label.setObjectName("callbackZone")
        zone_label.setStyleSheet(palette.SECONDARY.text_style())
        in_hour = QPushButton(self.tr("In an &hour"))
        in_hour.clicked.connect(self._on_in_hour_clicked)
        tomorrow = QPushButton(self.tr("&Tomorrow 9:00"))
        tomorrow.clicked.connect(self._on_tomorrow_clicked)
        due_row = QHBoxLayout()
        due_row.addWidget(self.due)
        due_row.addWidget(zone_label)
        due_row.addStretch(1)
        quick_row = QHBoxLayout()
        quick_row.addWidget(in_hour)
        quick_row.addWidget(tomorrow)
        quick_row.addStretch(1)

        self.contact = QComboBox()
        self.contact.setObjectName("callbackContact")
        self.contact.addItem(self.tr("Whoever answers (%s)") % (summary.phone or "—"), None)
        for contact in summary.contacts:
            label = contact.name + (f" — {contact.phone}" if contact.phone else "")
            self.contact.addItem(label, contact.id)
        if summary.primary_contact is not None:
            self.contact.setCurrentIndex(self.contact.findData(summary.primary_contact.id))

        self.owner = self._owner_choice()

        self.note = QPlainTextEdit()
        self.note.setObjectName("callbackNote")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText(self.tr("What was promised, e.g. ring back once the log "
                                             "file has been read"))
        form = QFormLayout()
        when = QLabel(self.tr("&When:"))
        when.setBuddy(self.due)
        form.addRow(when, due_row)
        form.addRow("", quick_row)
        form.addRow(self.tr("&Ring:"), self.contact)
        form.addRow(self.tr("&Promised to:"), self.owner)
        form.addRow(self.tr("&Note:"), self.note)
        self.ok_button.setText(self.tr("&Schedule call-back"))
        self.fields = {"due_at": self.due, "note": self.note, "assigned_to": self.owner}
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        self.resize(480, 300)
        self.due.setFocus()

    # --- the time, as the office's wall clock ------------------------------------------------

    def due_local(self) -> dt.datetime:
        value = self.due.dateTime()
        date, time = value.date(), value.time()
        return dt.datetime(date.year(), date.month(), date.day(), time.hour(), time.minute())

    def set_due_local(self, moment: dt.datetime) -> None:
        """Set the editor to a wall-clock time in the office's zone (naive)."""
        self.due.setDateTime(QDateTime(QDate(moment.year, moment.month, moment.day),
                                       QTime(moment.hour, moment.minute),
                                       QTimeZone.fromSecondsAheadOfUtc(0)))

    def due_utc(self) -> dt.datetime:
        return to_utc(self.due_local(), self._zone)

    def _on_in_hour_clicked(self) -> None:
        now_local = formatting.local(utcnow())
        assert now_local is not None
        self.set_due_local(_round_up(now_local.replace(tzinfo=None) + dt.timedelta(hours=1), 5))

    def _on_tomorrow_clicked(self) -> None:
        now_local = formatting.local(utcnow())
        assert now_local is not None
        day = now_local.date() + dt.timedelta(days=1)
        self.set_due_local(dt.datetime(day.year, day.month, day.day, 9, 0))

    def request(self) -> CallbackRequest:
        """The call-back the form describes."""
        contact = self.contact.currentData()
        owner = self.owner.currentData()
        return CallbackRequest(self._customer_id, self._incident_id,
                               int(contact) if contact is not None else None, self.due_utc(),
                               self.note.toPlainText().strip(),
                               int(owner) if owner is not None else None)

    def _owner_choice(self) -> QComboBox:
        """Any engineer (every engineer's desk is reminded), or one person: engineers and
        managers first, then reception."""
        from synergy_desk.domain.enums import Role
        from synergy_desk.services.people import users

        combo = QComboBox()
        combo.setObjectName("callbackAssignedTo")
        combo.addItem(self.tr("Any engineer"), None)
        people = [u for u in users.user_choices() if u.active]
        people.sort(key=lambda u: (u.role is Role.RECEPTION, u.full_name.lower()))
        for user in people:
            combo.addItem(f"{user.full_name} ({user.role.value})", user.id)
        combo.setToolTip(self.tr("Whose desk is reminded when the call-back falls due"))
        return combo

    def answer(self) -> CallBackRow:
        return self._schedule(self.request())

    @classmethod
    def ask(cls, parent: QWidget | None, schedule: Schedule, customer_id: int,
            incident_id: int | None = None, reference: str = "") -> CallBackRow | None:
        """Show the dialog; the call-back as scheduled, or None when cancelled."""
        return cls(parent, schedule, customer_id, incident_id, reference).ask_value()
