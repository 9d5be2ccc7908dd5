"""E-mail to sort: the support mailbox's messages that are about no incident yet, worked by
reception like the phone. Each is read as plain text (never as a web page: nothing in it is
run or fetched), with its attachments (opened by the desktop's own program only after a
question, a program refused) and the customer its sender was matched to, with their
entitlement banner. From here a message becomes a new incident, joins an existing one, is
marked not support, or (held or not support) goes back to be sorted.

The attachment helpers here are shared with the incident's timeline.
"""

from __future__ import annotations

import html
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.mail import is_risky_attachment, safe_filename
from synergy_desk.services.common import Actor
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.dialogs.resolve import ReasonDialog
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import call, reporting_errors
from synergy_desk.ui.table_model import (
    Column,
    SpareWidth,
    TableModel,
    read_only_table,
    size_columns_to_contents,
)
from synergy_desk.ui.worker import Background

__all__ = ["EmailTriageView", "TRIAGE", "HELD", "NOT_SUPPORT", "email_triage_flow",
           "AttachmentActions", "size_text", "NotSupportDialog"]

log = logging.getLogger(__name__)

TRIAGE, HELD, NOT_SUPPORT = "triage", "held", "not_support"
#: At most this many messages are listed at once (newest first).
MAX_LISTED = 500


def size_text(size_bytes: int) -> str:
    """A file's size as people read it: "120 KB", "2.4 MB"."""
    if size_bytes < 1024:
        return f"{size_bytes} bytes"
    if size_bytes < 1024 * 1024:
        return f"{round(size_bytes / 1024):,} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"


def search_matches(reference: str, typed: str) -> bool:
    """Whether the incident found is the one typed ("INC-000123", "inc123", "123")."""
    digits = "".join(ch for ch in typed if ch.isdigit())
    return bool(digits) and int(digits) == int("".join(ch for ch in reference if ch.isdigit()))


def _addresses(value: Any) -> str:
    return value if isinstance(value, str) else ", ".join(value)


def _sender(row: Any) -> str:
    if row.from_name and row.from_name != row.from_address:
        return f"{row.from_name} <{row.from_address}>"
    return str(row.from_address)


#: The list's column that takes the width the others leave.
SUBJECT_COLUMN = 3
#: No other column is wider than this when it is fitted to its contents.
COLUMN_CAP = 280


def fitted_columns(table: QTableView, spare: int,
                   cap: int = COLUMN_CAP) -> Callable[[], None]:
    """Columns the user may widen, fitted to what they show (at most ``cap`` pixels),
    column ``spare`` taking the width the others leave; the function that fits them again."""
    header = table.horizontalHeader()
    for column in range(header.count()):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
    subject = SpareWidth(table, spare, 200)

    def fit() -> None:
        size_columns_to_contents(table, cap, skip=(spare,))
        subject.fit()

    return fit


TRIAGE_COLUMNS: tuple[Column[Any], ...] = (
    Column("Received", lambda r: formatting.short_datetime(r.received_at),
           lambda r: r.received_at),
    Column("From", _sender, tooltip=lambda r: r.note or None),
    Column("Customer", lambda r: r.customer_label or "—"),
    Column("Subject", lambda r: r.subject or "(no subject)", stretch=True,
           bold=lambda r: r.state == TRIAGE),
    Column("Attachments", lambda r: str(r.attachment_count) if r.attachment_count else "",
           lambda r: r.attachment_count, number=True),
)


def mark_from_the_internet(path: Path) -> None:
    """On Windows, mark a file written from an e-mail as come from the internet (its
    Zone.Identifier stream), so Office's Protected View and SmartScreen treat it so."""
    if sys.platform != "win32":
        return
    try:
        with open(f"{path}:Zone.Identifier", "w", encoding="ascii") as stream:
            stream.write("[ZoneTransfer]\r\nZoneId=3\r\n")
    except OSError:
        log.warning("Could not mark %s as from the internet", path.name)


class AttachmentActions:
    """Open… and Save as… for an e-mail's attachment, for any window that lists them.

    Open asks first and writes the file to a private folder for the desktop's own program; a
    file that could be a program is never opened from here, only saved. The questions and the
    desktop are methods so that tests replace them.
    """

    def __init__(self, parent: QWidget, say: Callable[[str], None],
                 problem: Callable[[str], None]) -> None:
        self._parent = parent
        self._say = say
        self._problem = problem
        self._folder: Path | None = None

    # -- replaced by tests ---------------------------------------------------------------------

    def confirm_open(self, text: str) -> bool:
        answer = QMessageBox.question(
            self._parent, self._parent.tr("Open the attachment"), text,
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Open

    def open_with_desktop(self, path: Path) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def choose_save_path(self, filename: str) -> str | None:
        path, _filter = QFileDialog.getSaveFileName(
            self._parent, self._parent.tr("Save the attachment"),
            str(Path.home() / filename))
        return path or None

    # -- the actions -----------------------------------------------------------------------------

    def open(self, info: Any) -> Path | None:
        """Open a kept attachment with the desktop's program, after asking; the file written."""
        name = safe_filename(info.filename)
        if not info.kept:
            self._problem(self._parent.tr(
                "%s (%s) was over the office's limit for attachments and was not kept; ask "
                "the sender for it again.") % (name, size_text(info.size_bytes)))
            return None
        if info.risky or is_risky_attachment(info.filename):
            self._problem(self._parent.tr(
                "%s is not a plain document or picture, so it is not opened from here: a "
                "file of this kind sent by e-mail can run a program or fetch from the "
                "internet. Use Save as… only if you know the sender meant to send it.") % name)
            return None
        if not self.confirm_open(self._parent.tr(
                "Open %s (%s) with the program your desktop uses for it? Files from e-mail "
                "can carry viruses: open it only if you expected it from this sender.")
                % (name, size_text(info.size_bytes))):
            return None
        from synergy_desk.services.mail import triage

        found = call(self._parent, triage.attachment_file, info.attachment_id)
        if found is None:
            return None
        filename, _content_type, data = found
        path = self._private_folder() / safe_filename(filename)
        try:
            path.write_bytes(data)
            path.chmod(0o600)
            mark_from_the_internet(path)
        except OSError as exc:
            self._problem(self._parent.tr("%s could not be written for opening (%s); nothing "
                                          "was opened.") % (name, exc.strerror or exc))
            return None
        if not self.open_with_desktop(path):
            self._problem(self._parent.tr("The desktop has no program to open %s; use Save "
                                          "as… instead.") % name)
            return None
        self._say(self._parent.tr("%s opened with the desktop's program.") % name)
        return path

    def save(self, info: Any) -> Path | None:
        """Save a kept attachment where the user says; the file written."""
        name = safe_filename(info.filename)
        if not info.kept:
            self._problem(self._parent.tr(
                "%s was over the office's limit for attachments and was not kept.") % name)
            return None
        target = self.choose_save_path(name)
        if not target:
            return None
        from synergy_desk.services.mail import triage

        found = call(self._parent, triage.attachment_file, info.attachment_id)
        if found is None:
            return None
        _filename, _content_type, data = found
        try:
            Path(target).write_bytes(data)
        except OSError as exc:
            self._problem(self._parent.tr("%s could not be saved there (%s).")
                          % (name, exc.strerror or exc))
            return None
        self._say(self._parent.tr("%s saved as %s.") % (name, target))
        return Path(target)

    def _private_folder(self) -> Path:
        """A folder of this desk's own (nobody else on the computer reads it)."""
        if self._folder is None or not self._folder.is_dir():
            self._folder = Path(tempfile.mkdtemp(prefix="synergy-desk-mail-"))
            os.chmod(self._folder, 0o700)
        return self._folder


class NotSupportDialog(ReasonDialog):
    """Why a message is not support (spam, sales, a wrong address): kept with it."""

    def __init__(self, parent: QWidget | None, subject: str) -> None:
        super().__init__(
            parent, object_name="notSupportDialog",
            title=self.tr("Not support"),
            explanation=html.escape(self.tr(
                "“%s” leaves the list to sort and waits under Not support, where it can be "
                "brought back. Nothing is sent to the sender.") % subject),
            label=self.tr("&Why is it not support?"), action=self.tr("&Mark not support"),
            required=True)


class EmailTriageView(QDialog):
    """The E-mail to sort window (not modal): the messages, the one chosen, what to do.

    ``changed`` is emitted when a message was sorted (an incident made or changed).
    ``open_incident`` asks the main window to show an incident.
    """

    changed = Signal()
    open_incident = Signal(int)

    def __init__(self, actor: Actor, background: Background,
                 parent: QWidget | None = None, view: str = TRIAGE) -> None:
        super().__init__(parent)
        self.setObjectName("emailTriage")
        self.setWindowTitle(self.tr("E-mail to sort"))
        self._actor = actor
        self._background = background
        self.detail: Any = None
        self.model: TableModel[Any] = TableModel(TRIAGE_COLUMNS, self)
        self.table = read_only_table(self.model, "emailTriageTable")
        self.table.setWordWrap(False)
        self._fit_columns = fitted_columns(self.table, SUBJECT_COLUMN)

        self.filters = QButtonGroup(self)
        self.filter_buttons: dict[str, QPushButton] = {}
        for key, text, tip in (
                (TRIAGE, self.tr("&To sort"), self.tr("Messages about no incident yet")),
                (HELD, self.tr("H&eld"), self.tr("Messages from a sender who wrote too often "
                                                 "in an hour: held, not turned into "
                                                 "incidents")),
                (NOT_SUPPORT, self.tr("&Not support"), self.tr("Messages marked not support "
                                                               "(spam, sales)"))):
            button = QPushButton(text)
            button.setObjectName(f"emailFilter_{key}")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setToolTip(tip)
            self.filters.addButton(button)
            self.filter_buttons[key] = button
        self.filter_buttons[view].setChecked(True)
        self.filters.buttonClicked.connect(lambda _b: self.refresh())
        self.search = QLineEdit()
        self.search.setObjectName("emailTriageSearch")
        self.search.setPlaceholderText(self.tr("Sender, subject or text"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        search_label = QLabel(self.tr("&Find:"))
        search_label.setBuddy(self.search)

        # -- the message chosen -------------------------------------------------------------
        self.header = QLabel()
        self.header.setObjectName("emailHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = QLabel()
        self.banner.setObjectName("emailEntitlementBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.hide()
        self.body = QPlainTextEdit()
        self.body.setObjectName("emailBody")
        self.body.setReadOnly(True)
        self.body.setTabChangesFocus(True)
        self.attachments = QListWidget()
        self.attachments.setObjectName("emailAttachments")
        self.attachments.setMaximumHeight(72)
        self.attachments.itemActivated.connect(lambda _i: self.open_attachment())
        self.attachments.currentRowChanged.connect(lambda _row: self._enable())
        self.open_button = self._button("emailOpenAttachment", self.tr("&Open…"),
                                        self.tr("Open the attachment with the desktop's "
                                                "program, after a question"),
                                        self.open_attachment)
        self.save_button = self._button("emailSaveAttachment", self.tr("Sa&ve as…"),
                                        self.tr("Save the attachment as a file"),
                                        self.save_attachment)
        self.files = AttachmentActions(self, self._say, self._problem)

        self.new_button = self._button(
            "emailNewIncident", self.tr("New &incident…  (Ctrl+N)"),
            self.tr("A new incident from this message (Ctrl+N)"), self.new_incident, "Ctrl+N")
        self.attach_button = self._button(
            "emailAttachToIncident", self.tr("&Attach to incident…  (Ctrl+J)"),
            self.tr("Put the message on an incident already open (Ctrl+J)"),
            self.attach_to_incident, "Ctrl+J")
        self.not_support_button = self._button(
            "emailNotSupport", self.tr("Not su&pport…  (Ctrl+D)"),
            self.tr("Spam, sales or a wrong address: set it aside with a reason (Ctrl+D)"),
            self.not_support, "Ctrl+D")
        self.back_button = self._button(
            "emailBackToSort", self.tr("&Back to sort  (Ctrl+B)"),
            self.tr("Put a held or not-support message back to be sorted (Ctrl+B)"),
            self.back_to_sort, "Ctrl+B")
        self.close_button = self._button("emailTriageClose", self.tr("Close"), "", self.close)
        self.summary = QLabel()
        self.summary.setObjectName("emailTriageSummary")
        self.status = MessageLine("emailTriageMessage")

        top = QHBoxLayout()
        for button in self.filter_buttons.values():
            top.addWidget(button)
        top.addSpacing(16)
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        reading = QWidget()
        reading_layout = QVBoxLayout(reading)
        reading_layout.setContentsMargins(0, 0, 0, 0)
        reading_layout.addWidget(self.header)
        reading_layout.addWidget(self.banner)
        reading_layout.addWidget(self.body, 1)
        files_row = QHBoxLayout()
        files_label = QLabel(self.tr("Attachments:"))
        files_label.setBuddy(self.attachments)
        files_row.addWidget(files_label)
        files_row.addWidget(self.attachments, 1)
        files_buttons = QVBoxLayout()
        files_buttons.addWidget(self.open_button)
        files_buttons.addWidget(self.save_button)
        files_buttons.addStretch(1)
        files_row.addLayout(files_buttons)
        reading_layout.addLayout(files_row)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(reading)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([230, 400])
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        for button in (self.new_button, self.attach_button, self.not_support_button,
                       self.back_button, self.close_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.activated.connect(self._on_activated)
        self.resize(1100, 680)
        self.refresh()

    def _button(self, name: str, text: str, tip: str, slot: Callable[[], object],
                shortcut: str = "") -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)
        if tip:
            button.setToolTip(tip)
        button.clicked.connect(lambda _c=False: slot())
        if shortcut:
            QShortcut(QKeySequence(shortcut), self, activated=lambda: (
                slot() if button.isEnabled() else None))
        return button

    def _say(self, text: str) -> None:
        self.status.note(text, palette.SUCCESS)

    def _problem(self, text: str) -> None:
        self.status.problem(text)

    # -- the list ---------------------------------------------------------------------------

    def view(self) -> str:
        return next(key for key, b in self.filter_buttons.items() if b.isChecked())

    def set_view(self, key: str) -> None:
        self.filter_buttons[key].setChecked(True)
        self.refresh()

    def refresh(self) -> None:
        """Read the messages again as the tab and the search say; the one chosen stays."""
        from synergy_desk.services.mail import triage

        chosen = self.selected()
        view = self.view()
        with reporting_errors(self) as outcome:
            rows = triage.triage_list(view, self.search.text().strip(), limit=MAX_LISTED)
            counts = triage.triage_counts()
        if outcome.failed:
            return
        self.model.set_rows(rows)
        self._fit_columns()
        self.filter_buttons[TRIAGE].setText(self.tr("&To sort (%d)") % counts.triage)
        self.filter_buttons[HELD].setText(self.tr("H&eld (%d)") % counts.held)
        listed = (self.tr("1 message") if len(rows) == 1
                  else self.tr("%d messages") % len(rows))
        self.summary.setText(listed)
        if chosen is None or not self.select(chosen.email_id):
            if rows:
                self.table.selectRow(0)
        self._on_selection_changed()

    def select(self, email_id: int) -> bool:
        for index in range(self.model.rowCount()):
            row = self.model.row_at(index)
            if row is not None and row.email_id == email_id:
                self.table.selectRow(index)
                return True
        return False

    def selected(self) -> Any:
        if not hasattr(self, "table") or self.table.selectionModel() is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _on_activated(self, index: QModelIndex) -> None:
        if self.model.row_at(index.row()) is not None and self.new_button.isEnabled():
            self.new_incident()

    def _on_selection_changed(self, *_args: object) -> None:
        from synergy_desk.services.mail import triage

        row = self.selected()
        self.detail = None
        if row is not None:
            with reporting_errors(self, failure=self.status.failure):
                self.detail = triage.message_detail(row.email_id)
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.detail
        self.attachments.clear()
        self.banner.hide()
        if detail is None:
            self.header.setText(self.tr("No message chosen."))
            self.body.clear()
        else:
            sender = (f"{detail.from_name} <{detail.from_address}>"
                      if detail.from_name else detail.from_address)
            lines = [self.tr("From: %s") % sender, self.tr("To: %s") % _addresses(detail.to)]
            if detail.cc:
                lines.append(self.tr("Cc: %s") % _addresses(detail.cc))
            lines.append(self.tr("Received: %s") % formatting.short_datetime(
                detail.received_at))
            lines.append(self.tr("Subject: %s") % (detail.subject or self.tr("(no subject)")))
            if detail.note:
                lines.append(self.tr("Note: %s") % detail.note)
            if detail.auto_reply:
                lines.append(self.tr("An automatic reply: nothing is sent back to it."))
            if detail.masked:
                lines.append(self.tr("A card number in it was masked before it was kept."))
            self.header.setText("\n".join(lines))
            self.body.setPlainText(detail.body_text)
            for info in detail.attachments:
                text = f"{safe_filename(info.filename)} ({size_text(info.size_bytes)})"
                if not info.kept:
                    text += self.tr(" — over the limit, not kept")
                elif info.risky:
                    text += self.tr(" — save only: not a plain document or picture")
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, info.attachment_id)
                self.attachments.addItem(item)
            if self.attachments.count():
                self.attachments.setCurrentRow(0)
            self._show_banner(detail)
        self._enable()

    def _show_banner(self, detail: Any) -> None:
        """The matched customer with their entitlement, as the customer panel shows it."""
        from synergy_desk.services.money import funding
        from synergy_desk.services.people import customers

        if detail.customer_id is None:
            text = html.escape(self.tr("The sender matches no customer: choose one when you "
                                       "make the incident."))
            if detail.candidates:
                text = html.escape(self.tr("Possibly: %s") % "; ".join(
                    f"{c.label} ({c.how})" for c in detail.candidates))
            self.banner.setText(text)
            self.banner.setStyleSheet(f"QLabel#emailEntitlementBanner {{ "
                                      f"{palette.WARNING_TONE.style()} padding:6px; "
                                      f"border-radius:4px; }}")
            self.banner.show()
            return
        with reporting_errors(self, failure=self.status.failure) as outcome:
            summary = customers.customer_summary(detail.customer_id)
            ent = funding.entitlement(detail.customer_id)
        if outcome.failed:
            return
        how = next((c.how for c in detail.candidates
                    if c.customer_id == detail.customer_id), "")
        name = summary.name + (f" — {summary.company}"
                               if summary.company and summary.company != summary.name else "")
        head = f"<b>{html.escape(name)}</b> ({html.escape(summary.account_code)})"
        if how:
            head += html.escape(self.tr(", matched by %s") % how)
        warn = ent.contract is None and ent.tickets_balance == 0
        self.banner.setText(f"{head}<br>{html.escape(ent.summary)}")
        tone = palette.WARNING_TONE if warn else palette.INFO_TONE
        self.banner.setStyleSheet(f"QLabel#emailEntitlementBanner {{ {tone.style()} "
                                  f"padding:6px; border-radius:4px; }}")
        self.banner.show()

    def _enable(self) -> None:
        detail = self.detail
        state = detail.state if detail is not None else ""
        self.new_button.setEnabled(state in (TRIAGE, HELD))
        self.attach_button.setEnabled(state in (TRIAGE, HELD))
        self.not_support_button.setEnabled(state in (TRIAGE, HELD))
        self.back_button.setEnabled(state in (HELD, NOT_SUPPORT))
        info = self._attachment()
        # A file not kept cannot be had; one that could be a program is only ever saved.
        self.open_button.setEnabled(info is not None and info.kept and not info.risky)
        self.save_button.setEnabled(info is not None and info.kept)

    # -- attachments ------------------------------------------------------------------------

    def _attachment(self) -> Any:
        if self.detail is None:
            return None
        row = self.attachments.currentRow()
        return self.detail.attachments[row] if 0 <= row < len(self.detail.attachments) else None

    def open_attachment(self) -> Path | None:
        info = self._attachment()
        return self.files.open(info) if info is not None else None

    def save_attachment(self) -> Path | None:
        info = self._attachment()
        return self.files.save(info) if info is not None else None

    # -- sorting ----------------------------------------------------------------------------

    def _sorted(self, text: str) -> None:
        self.status.note(text, palette.SUCCESS)
        self.refresh()
        self.changed.emit()

    def new_incident(self) -> Any:
        """A new incident from the message chosen; the incident made, or None."""
        from synergy_desk.ui.dialogs.incident_from_email import (
            IncidentFromEmailDialog,
            incident_outcome,
        )

        if self.detail is None or not self.new_button.isEnabled():
            return None
        ref = IncidentFromEmailDialog(self, self._actor, self.detail).ask_value()
        if ref is None:
            return None
        text = incident_outcome(ref)
        if ref.notices:
            text += " " + " ".join(ref.notices)
        self._sorted(text)
        if ref.funding is FundingKind.NONE and self.offer_payment(ref.reference):
            self._take_payment(ref)
        return ref

    def offer_payment(self, reference: str) -> bool:
        """Ask whether the customer pays now, as logging a call offers (tests replace this)."""
        return QMessageBox.question(
            self, self.tr("Take payment"),
            self.tr("%s waits for payment before work starts. Take the payment now (the "
                    "customer on the phone, or a payment request by bank transfer)?")
            % reference,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No) == QMessageBox.StandardButton.Yes

    def _take_payment(self, ref: Any) -> None:
        from synergy_desk.services.incidents.detail import incident_detail
        from synergy_desk.ui import receipts

        detail = call(self, incident_detail, ref.id)
        if detail is None:
            return
        paid = receipts.take_payment_flow(self, self._actor, self._background,
                                          detail.customer_id, (ref.id,))
        if paid is not None:
            self.changed.emit()

    def ask_incident(self) -> str | None:
        """Ask which incident the message belongs to (tests replace this)."""
        choices = self._incident_choices()
        if choices:
            text, ok = QInputDialog.getItem(
                self, self.tr("Attach to incident"),
                self.tr("The incident (its reference, or one of the customer's):"),
                choices, 0, True)
        else:
            text, ok = QInputDialog.getText(
                self, self.tr("Attach to incident"), self.tr("The incident's reference:"))
        return text.split(" ", 1)[0].strip() if ok and text.strip() else None

    def _incident_choices(self) -> list[str]:
        from synergy_desk.services.people import customers

        if self.detail is None or self.detail.customer_id is None:
            return []
        with reporting_errors(self, failure=self.status.failure) as outcome:
            summary = customers.customer_summary(self.detail.customer_id)
        if outcome.failed:
            return []
        statuses = [(inc, IncidentStatus(inc.status)) for inc in summary.recent_incidents]
        return [f"{inc.reference} — {inc.subject} [{status.label}]"
                for inc, status in statuses if status is not IncidentStatus.CLOSED]

    def attach_to_incident(self) -> Any:
        """Put the message on an incident chosen by its reference; the incident, or None."""
        from synergy_desk.services import search
        from synergy_desk.services.mail import triage

        if self.detail is None or not self.attach_button.isEnabled():
            return None
        reference = self.ask_incident()
        if not reference:
            return None
        with reporting_errors(self, failure=self.status.failure) as outcome:
            hits = search.search_incidents(reference, limit=1)
            if not hits or not search_matches(hits[0].reference, reference):
                raise ValidationError(f"There is no incident {reference}.", "incident")
            ref = triage.attach_to_incident(self._actor, self.detail.email_id, hits[0].id,
                                            expected_version=self.detail.version)
        if outcome.failed:
            return None
        text = self.tr("The message is on %s now.") % ref.reference
        if ref.notices:
            text += " " + " ".join(ref.notices)
        self._sorted(text)
        return ref

    def ask_not_support_reason(self, subject: str) -> str | None:
        """Ask why the message is not support (tests replace this)."""
        answer = NotSupportDialog(self, subject).ask_value()
        return answer.text if answer is not None else None

    def not_support(self) -> bool:
        from synergy_desk.services.mail import triage

        if self.detail is None or not self.not_support_button.isEnabled():
            return False
        reason = self.ask_not_support_reason(self.detail.subject or self.tr("(no subject)"))
        if not reason:
            return False
        with reporting_errors(self, failure=self.status.failure) as outcome:
            triage.mark_not_support(self._actor, self.detail.email_id, reason,
                                    expected_version=self.detail.version)
        if outcome.failed:
            return False
        self._sorted(self.tr("Marked not support; it waits under Not support."))
        return True

    def back_to_sort(self) -> bool:
        from synergy_desk.services.mail import triage

        if self.detail is None or not self.back_button.isEnabled():
            return False
        with reporting_errors(self, failure=self.status.failure) as outcome:
            triage.return_to_triage(self._actor, self.detail.email_id,
                                    expected_version=self.detail.version)
        if outcome.failed:
            return False
        self._sorted(self.tr("The message is back in the list to sort."))
        return True


def email_triage_flow(parent: QWidget | None, actor: Actor, background: Background,
                      view: str = TRIAGE) -> EmailTriageView:
    """Open E-mail to sort (not modal)."""
    window = EmailTriageView(actor, background, parent, view)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    window.show()
    return window

