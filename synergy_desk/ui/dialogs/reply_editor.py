"""Reply by e-mail from the incident: To, Cc, subject (with the incident's reference) and the
text drafted with the last message quoted and the office's signature, files attached within
the office's limit. Sending puts it in the outbox, on the timeline as "E-mail out" at once; the
desk's mail worker sends it. While the incident is unfunded only a message about paying may
go, and the editor says so."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.services.common import Actor
from synergy_desk.services.data.files import file_problem
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.email_triage_view import size_text
from synergy_desk.ui.operations import call

__all__ = ["ReplyEditor", "reply_flow"]


class ReplyEditor(FormDialog[Any]):
    """Write a reply on an incident; the answer is the outbox's QueuedMail."""

    def __init__(self, parent: QWidget | None, actor: Actor, reference: str, draft: Any,
                 limit_kb: int) -> None:
        super().__init__(parent, message_name="replyEditorMessage")
        self.setObjectName("replyEditor")
        self.setWindowTitle(self.tr("Reply by e-mail — %s") % reference)
        self._actor = actor
        self._draft = draft
        self._limit_bytes = max(0, limit_kb) * 1024
        #: The files to send: (filename, content type, data).
        self.files: list[tuple[str, str, bytes]] = []

        self.to = QLineEdit(draft.to)
        self.to.setObjectName("replyTo")
        self.cc = QLineEdit(draft.cc)
        self.cc.setObjectName("replyCc")
        self.cc.setPlaceholderText(self.tr("Others to copy, separated by commas"))
        self.subject = QLineEdit(draft.subject)
        self.subject.setObjectName("replySubject")
        self.body = QPlainTextEdit(draft.body)
        self.body.setObjectName("replyBody")
        self.body.setTabChangesFocus(True)
        self.attachments = QListWidget()
        self.attachments.setObjectName("replyAttachments")
        self.attachments.setMaximumHeight(64)
        self.add_file_button = QPushButton(self.tr("&Attach file…"))
        self.add_file_button.setObjectName("replyAttachFile")
        self.add_file_button.setAutoDefault(False)
        self.add_file_button.clicked.connect(self._on_add_file_clicked)
        self.remove_file_button = QPushButton(self.tr("&Remove"))
        self.remove_file_button.setObjectName("replyRemoveFile")
        self.remove_file_button.setAutoDefault(False)
        self.remove_file_button.clicked.connect(self._on_remove_file_clicked)
        self.limit_label = QLabel()
        self.limit_label.setObjectName("replyLimit")
        self.limit_label.setStyleSheet(palette.MUTED.text_style())
        self.about_payment = QCheckBox(self.tr("This message is about &paying for the incident"))
        self.about_payment.setObjectName("replyAboutPayment")
        self.about_payment.toggled.connect(self._show_funding_rule)
        self.funding_rule = QLabel()
        self.funding_rule.setObjectName("replyFundingRule")
        self.funding_rule.setWordWrap(True)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for text, widget in ((self.tr("&To:"), self.to), (self.tr("&Cc:"), self.cc),
                             (self.tr("Subj&ect:"), self.subject)):
            caption = QLabel(text)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        body_caption = QLabel(self.tr("&Message:"))
        body_caption.setBuddy(self.body)
        files_row = QHBoxLayout()
        files_row.addWidget(self.attachments, 1)
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(self.add_file_button)
        file_buttons.addWidget(self.remove_file_button)
        file_buttons.addStretch(1)
        files_row.addLayout(file_buttons)
        self.fields.update({"to": self.to, "cc": self.cc, "subject": self.subject,
                            "message": self.body, "body": self.body})

        self.send_button = self.ok_button
        self.send_button.setObjectName("replySend")
        self.send_button.setText(self.tr("&Send  (Ctrl+Enter)"))
        self.send_button.setToolTip(self.tr("Put the reply in the outbox; it goes out at once "
                                            "(Ctrl+Enter)"))
        self.send_button.setAutoDefault(False)
        self.send_button.setDefault(False)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, activated=self.accept)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(body_caption)
        layout.addWidget(self.body, 1)
        layout.addLayout(files_row)
        layout.addWidget(self.limit_label)
        layout.addWidget(self.about_payment)
        layout.addWidget(self.funding_rule)
        self.add_message_and_buttons(layout)
        self.resize(720, 600)

        self.about_payment.setVisible(draft.needs_about_payment)
        self.funding_rule.setVisible(draft.needs_about_payment)
        self._show_funding_rule()
        self._show_files()
        # The cursor where the reply is typed: above the quoted message.
        self.body.moveCursor(self.body.textCursor().MoveOperation.Start)
        (self.body if draft.to else self.to).setFocus()

    # -- the funding rule -------------------------------------------------------------------

    def _show_funding_rule(self, *_args: object) -> None:
        if not self._draft.needs_about_payment:
            return
        if self.about_payment.isChecked():
            self.funding_rule.setText(self.tr(
                "It goes as a message about paying; support itself waits for the payment."))
            self.funding_rule.setStyleSheet(palette.MUTED.text_style())
        else:
            self.funding_rule.setText(self.tr(
                "This incident is not paid for yet: until it is, only a message about paying "
                "for it may be sent. Tick the box above if this one is; support waits for the "
                "payment."))
            self.funding_rule.setStyleSheet(palette.WARNING.text_style())

    # -- files ------------------------------------------------------------------------------

    def choose_files(self) -> list[str]:
        """Ask for files to attach (tests replace this)."""
        paths, _filter = QFileDialog.getOpenFileNames(self, self.tr("Attach files"))
        return list(paths)

    def total_bytes(self) -> int:
        return sum(len(data) for _name, _type, data in self.files)

    def add_file(self, path: str) -> bool:
        """Attach a file, within the office's limit for a message; False when refused."""
        name = Path(path).name
        try:
            # The size first: a file over the limit is never read (a disk image picked by
            # mistake would hold the window while it was).
            size = Path(path).stat().st_size
            if self.total_bytes() + size > self._limit_bytes:
                self.show_problem(self.tr(
                    "%s (%s) would take the message over the office's limit of %s for "
                    "attachments; it was not attached.") % (
                        name, size_text(size), size_text(self._limit_bytes)))
                return False
            data = Path(path).read_bytes()
        except OSError as exc:
            self.show_problem(file_problem(path, exc, "read").message)
            return False
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.files.append((name, content_type, data))
        self._show_files()
        self.message.clear()
        return True

    def _on_add_file_clicked(self) -> None:
        for path in self.choose_files():
            if not self.add_file(path):
                break

    def _on_remove_file_clicked(self) -> None:
        row = self.attachments.currentRow()
        if 0 <= row < len(self.files):
            del self.files[row]
            self._show_files()

    def _show_files(self) -> None:
        self.attachments.clear()
        for name, _type, data in self.files:
            item = QListWidgetItem(f"{name} ({size_text(len(data))})")
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.attachments.addItem(item)
        if self.files:
            self.attachments.setCurrentRow(len(self.files) - 1)
        self.remove_file_button.setEnabled(bool(self.files))
        self.limit_label.setText(self.tr("Attachments: %s of the office's %s a message.")
                                 % (size_text(self.total_bytes()),
                                    size_text(self._limit_bytes)))

    # -- sending ----------------------------------------------------------------------------

    def validate(self) -> None:
        if not self.to.text().strip():
            raise Problem(self.tr("Give the address to send the reply to."), self.to)
        if not self.subject.text().strip():
            raise Problem(self.tr("Give the reply a subject."), self.subject)
        if self._draft.needs_about_payment and not self.about_payment.isChecked():
            raise Problem(self.tr(
                "This incident is not paid for yet, so only a message about paying may be "
                "sent: tick “about paying” if it is; nothing was sent."), self.about_payment)

    def answer(self) -> Any:
        from synergy_desk.services.mail import outbox
        from synergy_desk.services.mail.outgoing import OutgoingFile

        return outbox.send_reply(
            self._actor, self._draft.incident_id, to=self.to.text().strip(),
            subject=self.subject.text().strip(), body=self.body.toPlainText(),
            cc=self.cc.text().strip(), in_reply_to=self._draft.in_reply_to,
            references=self._draft.references,
            files=tuple(OutgoingFile(n, c, d) for n, c, d in self.files),
            about_payment=self.about_payment.isChecked())


def reply_flow(parent: QWidget | None, actor: Actor, incident_id: int,
               reference: str) -> Any:
    """Draft, edit and queue a reply on an incident; the QueuedMail, or None."""
    from synergy_desk.services.mail import outbox
    from synergy_desk.services.office.settings import get_settings

    draft = call(parent, outbox.draft_reply, actor, incident_id)
    if draft is None:
        return None
    settings = call(parent, get_settings)
    if settings is None:
        return None
    editor = ReplyEditor(parent, actor, reference, draft, settings.mail_attachment_limit_kb)
    return editor.ask_value()
