"""E-mail to sort, as reception works it: the message received is listed with its sender's
customer and banner, read as plain text, made into a new (unfunded) incident with the message
on its timeline, or marked not support and brought back; its attachments open only after a
question, and a program is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from synergy_desk.domain.enums import FundingKind
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.mail import inbound, triage
from synergy_desk.ui.dialogs.incident_from_email import IncidentFromEmailDialog
from synergy_desk.ui.email_triage_view import HELD, NOT_SUPPORT, TRIAGE, EmailTriageView
from synergy_desk.ui.worker import Background
from tests.services.mail.mail_helpers import customer_with_contact, office_mail, raw_mail


@pytest.fixture
def mail(office: dict[str, Any]) -> dict[str, Any]:
    """A customer whose contact wrote to the support mailbox, with a PDF and a program."""
    office_mail(t.OfficeSettings.get())
    customer, contact = customer_with_contact()
    received = inbound.receive(raw_mail(
        subject="Printer offline", body="Since this morning the printer says offline.",
        files=(("report.pdf", "application/pdf", b"%PDF-1.4 report"),
               ("setup.exe", "application/octet-stream", b"MZ program"))))
    assert received.outcome == "triage"
    return {"customer": customer, "contact": contact, "email_id": received.email_id}


def open_view(qtbot: Any, actor: Actor, background: Background,
              view: str = TRIAGE) -> EmailTriageView:
    window = EmailTriageView(actor, background, None, view)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def answer_modal(then: Any, tries: int = 200) -> None:
    """When a modal dialog comes up, hand it to ``then``."""
    dialog = QApplication.activeModalWidget()
    if dialog is None:
        if tries:
            QTimer.singleShot(20, lambda: answer_modal(then, tries - 1))
        return
    then(dialog)


def test_the_message_received_is_listed_with_its_customer_and_read_as_plain_text(
        qtbot: Any, reception: Actor, background: Background, mail: dict[str, Any]) -> None:
    window = open_view(qtbot, reception, background)
    assert window.objectName() == "emailTriage"
    assert window.model.rowCount() == 1
    row = window.selected()
    assert row.email_id == mail["email_id"] and row.subject == "Printer offline"
    assert window.model.data(window.model.index(0, 2)) == "Acme Joinery"
    assert window.filter_buttons[TRIAGE].text() == "&To sort (1)"
    assert isinstance(window.body, QPlainTextEdit) and window.body.isReadOnly()
    assert "printer says offline" in window.body.toPlainText()
    assert "From: Raj Patel <raj.patel@acme-joinery.co.uk>" in window.header.text()
    assert window.banner.isVisible() and "Acme Joinery" in window.banner.text()
    assert "matched by contact address" in window.banner.text()
    assert window.attachments.count() == 2
    assert window.new_button.isEnabled() and not window.back_button.isEnabled()
    window.search.setText("nothing like it")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)


def test_a_new_incident_from_the_message_is_unfunded_with_the_message_on_its_timeline(
        qtbot: Any, reception: Actor, background: Background, mail: dict[str, Any],
        office: dict[str, Any]) -> None:
    window = open_view(qtbot, reception, background)
    seen: list[str] = []

    def fill(dialog: Any) -> None:
        assert isinstance(dialog, IncidentFromEmailDialog)
        seen.append(dialog.customer.currentText())
        seen.append(dialog.subject.text())
        dialog.product.setCurrentIndex(dialog.product.findData(office["product"].id))
        dialog.accept()

    offered: list[str] = []
    window.offer_payment = lambda reference: offered.append(reference) or False  # type: ignore[method-assign]
    QTimer.singleShot(0, lambda: answer_modal(fill))
    ref = window.new_incident()
    assert offered == [ref.reference]  # the payment is offered, as logging a call does
    assert ref is not None and ref.funding is FundingKind.NONE
    assert seen == ["Raj Patel, Acme Joinery (contact address)", "Printer offline"]
    assert window.status.text() == f"{ref.reference} is open; it waits for payment before work starts."
    assert window.model.rowCount() == 0  # sorted: no longer to sort
    incident = t.Incident.get_by_id(ref.id)
    assert incident.customer_id == mail["customer"].id and incident.subject == "Printer offline"
    [email] = triage.emails_on_timeline(ref.id).values()
    assert email.email_id == mail["email_id"] and email.direction == "in"


def test_a_message_marked_not_support_waits_there_and_comes_back(
        qtbot: Any, reception: Actor, background: Background, mail: dict[str, Any]) -> None:
    window = open_view(qtbot, reception, background)
    window.ask_not_support_reason = lambda _subject: "A sales offer"  # type: ignore[method-assign]
    assert window.not_support()
    assert window.model.rowCount() == 0
    assert "Not support" in window.status.text()
    window.set_view(NOT_SUPPORT)
    assert window.model.rowCount() == 1 and window.back_button.isEnabled()
    assert not window.new_button.isEnabled()
    assert window.back_to_sort()
    window.set_view(TRIAGE)
    assert window.model.rowCount() == 1
    assert t.AuditLog.select().where(t.AuditLog.entity == "email_message").count() >= 2
    window.set_view(HELD)
    assert window.model.rowCount() == 0


def test_an_attachment_opens_only_after_a_question_and_a_program_never(
        qtbot: Any, reception: Actor, background: Background, mail: dict[str, Any]) -> None:
    window = open_view(qtbot, reception, background)
    asked: list[str] = []
    opened: list[Path] = []
    window.files.open_with_desktop = lambda path: opened.append(path) or True  # type: ignore[method-assign]

    window.files.confirm_open = lambda text: asked.append(text) or False  # type: ignore[method-assign]
    window.attachments.setCurrentRow(0)
    assert window.open_attachment() is None  # said no
    assert asked and asked[0].startswith("Open report.pdf (")
    assert "viruses" in asked[0] and opened == []

    window.files.confirm_open = lambda text: True  # type: ignore[method-assign]
    path = window.open_attachment()
    assert path is not None and opened == [path]
    assert path.read_bytes() == b"%PDF-1.4 report"
    assert (path.parent.stat().st_mode & 0o777) == 0o700

    asked.clear()
    window.files.confirm_open = lambda text: asked.append(text) or True  # type: ignore[method-assign]
    window.attachments.setCurrentRow(1)
    assert not window.open_button.isEnabled() and window.save_button.isEnabled()
    assert window.open_attachment() is None
    assert asked == [] and len(opened) == 1  # never asked, never opened
    assert "setup.exe is not a plain document or picture" in window.status.text()

    target = path.parent / "kept.exe"
    window.files.choose_save_path = lambda _name: str(target)  # type: ignore[method-assign]
    assert window.save_attachment() == target and target.read_bytes() == b"MZ program"


def test_a_message_is_attached_to_an_incident_by_its_reference(
        qtbot: Any, reception: Actor, background: Background, mail: dict[str, Any],
        office: dict[str, Any]) -> None:
    from tests.ui.workbench_data import log_new

    ref = log_new(reception, mail["customer"].id, office["product"].id, "Printer offline")
    window = open_view(qtbot, reception, background)
    assert any(choice.startswith(ref.reference) for choice in window._incident_choices())
    window.ask_incident = lambda: "nonsense"  # type: ignore[method-assign]
    assert window.attach_to_incident() is None
    assert "There is no incident nonsense" in window.status.text()
    window.ask_incident = lambda: ref.reference.lower()  # type: ignore[method-assign]
    attached = window.attach_to_incident()
    assert attached is not None and attached.id == ref.id
    assert window.status.text().startswith(f"The message is on {ref.reference} now.")
    [email] = triage.emails_on_timeline(ref.id).values()
    assert email.email_id == mail["email_id"]
    assert window.model.rowCount() == 0


def test_the_sorting_keys_work_from_the_list(
        qtbot: Any, reception: Actor, background: Background, mail: dict[str, Any]) -> None:
    from PySide6.QtCore import Qt

    window = open_view(qtbot, reception, background)
    window.activateWindow()
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus)
    assert "(Ctrl+D)" in window.not_support_button.text()
    window.ask_not_support_reason = lambda _subject: "Spam"  # type: ignore[method-assign]
    qtbot.keyClick(window.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.model.rowCount() == 0
    window.set_view(NOT_SUPPORT)
    window.table.setFocus()
    qtbot.waitUntil(window.table.hasFocus)
    qtbot.keyClick(window.table, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.model.rowCount() == 0
    window.set_view(TRIAGE)
    assert window.model.rowCount() == 1
