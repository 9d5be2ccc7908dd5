"""Replying by e-mail from the incident: the timeline shows the e-mail in with its file, the
reply editor opens drafted (the reference in the subject, the message quoted, the office's
signature), Send queues it and the timeline shows it going out; an unfunded incident's reply
must be about paying; files beyond the office's limit are refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.mail import inbound, outbox
from synergy_desk.ui.dialogs.reply_editor import ReplyEditor
from synergy_desk.ui.incident_detail import IncidentDetail, email_state_text
from tests.services.mail.mail_helpers import (
    customer_with_contact,
    office_mail,
    raw_mail,
    reindex_customer,
)
from tests.ui.workbench_data import incident_in_progress, log_new


@pytest.fixture
def written(office: dict[str, Any]) -> dict[str, Any]:
    """A funded incident the customer wrote about, with a file."""
    office_mail(t.OfficeSettings.get(), mail_signature="Synergy Support\n0113 496 0000")
    ref = incident_in_progress(office)
    # The customer's own contact writes (a subject's reference counts only from them).
    customer_id = t.Incident.get_by_id(ref.id).customer_id
    t.Contact.create(customer=customer_id, name="Farah Haddad", email="farah@haddad.example")
    reindex_customer(customer_id)
    received = inbound.receive(raw_mail(
        sender="Farah Haddad <farah@haddad.example>",
        subject=f"Re: Reports are blank [{ref.reference}]", body="Here is the sample.",
        files=(("sample.pdf", "application/pdf", b"%PDF-1.4 sample"),)))
    assert received.outcome == "filed" and received.incident_id == ref.id
    return {"ref": ref, "email_id": received.email_id}


def show(qtbot: Any, actor: Actor, incident_id: int) -> IncidentDetail:
    detail = IncidentDetail(actor)
    qtbot.addWidget(detail)
    detail.resize(1000, 700)
    detail.show()
    detail.show_incident(incident_id)
    return detail


def email_rows(detail: IncidentDetail) -> list[tuple[str, list[str]]]:
    rows = []
    for index in range(detail.timeline.topLevelItemCount()):
        item = detail.timeline.topLevelItem(index)
        if item.data(2, 256) is not None:  # Qt.UserRole on the Who column: an e-mail
            children = [item.child(i).text(1) for i in range(item.childCount())]
            rows.append((item.text(1), children))
    return rows


def test_the_reply_is_drafted_queued_and_shown_going_out_on_the_timeline(
        qtbot: Any, engineer: Actor, written: dict[str, Any]) -> None:
    ref = written["ref"]
    detail = show(qtbot, engineer, ref.id)
    [(what, files)] = email_rows(detail)
    assert what.startswith("E-mail in") and files == ["Attachment"]
    assert detail.can_reply()

    draft = outbox.draft_reply(engineer, ref.id)
    editor = ReplyEditor(None, engineer, ref.reference, draft, 10240)
    qtbot.addWidget(editor)
    assert editor.objectName() == "replyEditor"
    assert editor.to.text() == "farah@haddad.example"
    assert editor.subject.text() == f"Re: Reports are blank [{ref.reference}]"
    body = editor.body.toPlainText()
    assert "Synergy Support\n0113 496 0000" in body and "> Here is the sample." in body
    assert "wrote:" in body
    assert editor.about_payment.isHidden()  # a funded incident: any reply may go
    editor.body.setPlainText("The font is installed now.\n\n" + body)
    editor.accept()
    queued = editor.value
    assert queued is not None and queued.incident_reference == ref.reference
    message = t.EmailMessage.get_by_id(queued.email_id)
    assert (message.state, message.in_reply_to) == ("queued", draft.in_reply_to)

    detail.show_incident(ref.id)
    rows = email_rows(detail)
    assert rows[-1][0].startswith("E-mail out") and rows[-1][0].endswith("\nqueued")


def test_an_unfunded_incidents_reply_must_be_about_paying(
        qtbot: Any, office: dict[str, Any], engineer: Actor) -> None:
    office_mail(t.OfficeSettings.get())
    customer, contact = customer_with_contact()
    ref = log_new(office["reception"], customer.id, office["product"].id, "Printer offline")
    t.Incident.update(contact=contact.id).where(t.Incident.id == ref.id).execute()
    draft = outbox.draft_reply(engineer, ref.id)
    assert draft.needs_about_payment
    editor = ReplyEditor(None, engineer, ref.reference, draft, 10240)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.about_payment.isVisible() and editor.funding_rule.isVisible()
    assert "only a message about paying" in editor.funding_rule.text()
    editor.to.setText("raj.patel@acme-joinery.co.uk")
    editor.accept()
    assert editor.value is None
    assert "nothing was sent" in editor.message.text()
    assert t.EmailMessage.select().where(t.EmailMessage.direction == "out").count() == 0
    editor.about_payment.setChecked(True)
    editor.accept()
    assert editor.value is not None
    assert t.EmailMessage.get_by_id(editor.value.email_id).state == "queued"


def test_a_file_over_the_offices_limit_is_not_attached(
        qtbot: Any, engineer: Actor, written: dict[str, Any], tmp_path: Path) -> None:
    draft = outbox.draft_reply(engineer, written["ref"].id)
    editor = ReplyEditor(None, engineer, written["ref"].reference, draft, 1)  # 1 KB
    qtbot.addWidget(editor)
    small, large = tmp_path / "notes.txt", tmp_path / "big.log"
    small.write_bytes(b"x" * 600)
    large.write_bytes(b"y" * 600)
    assert editor.add_file(str(small))
    assert not editor.add_file(str(large))
    assert "over the office's limit" in editor.message.text()
    assert [name for name, _type, _data in editor.files] == ["notes.txt"]


def test_a_file_over_the_limit_is_never_read(
        qtbot: Any, engineer: Actor, written: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    draft = outbox.draft_reply(engineer, written["ref"].id)
    editor = ReplyEditor(None, engineer, written["ref"].reference, draft, 1)  # 1 KB
    qtbot.addWidget(editor)
    huge = tmp_path / "disk.img"
    with huge.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on the disk
    read: list[Path] = []
    real = Path.read_bytes

    def reading(self: Path) -> bytes:
        read.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", reading)
    assert not editor.add_file(str(huge))
    assert "over the office's limit" in editor.message.text()
    assert read == []


def test_the_state_of_an_e_mail_going_out_reads_plainly() -> None:
    import datetime as dt

    from synergy_desk.models.base import utcnow
    from synergy_desk.ui import formatting

    class Out:
        state, last_error = "queued", ""

    out = Out()
    assert email_state_text(out) == "queued"
    out.last_error = "The mail server did not answer"
    later = utcnow() + dt.timedelta(minutes=5)
    at = formatting.local(later).strftime("%H:%M")
    said = email_state_text(out, None, later)
    assert said.startswith("not sent: The mail server did not answer — will try again at ")
    assert formatting.local(later).date() != formatting.office_today() or said.endswith(at)
    out.state = "failed"
    assert email_state_text(out) == "failed: The mail server did not answer"
    out.state, out.last_error = "sent", ""
    now = utcnow()
    assert email_state_text(out, now, None) == f"sent {formatting.local(now).strftime('%H:%M')}"


def test_the_timeline_says_when_a_reply_went(
        qtbot: Any, engineer: Actor, written: dict[str, Any]) -> None:
    from synergy_desk.models.base import utcnow
    from synergy_desk.ui import formatting

    ref = written["ref"]
    queued = outbox.send_reply(engineer, ref.id, to="farah@haddad.example",
                               subject=f"Re: Reports are blank [{ref.reference}]",
                               body="The font is installed now.")
    sent_at = utcnow()
    t.EmailMessage.update(state="sent", sent_at=sent_at).where(
        t.EmailMessage.id == queued.email_id).execute()
    detail = show(qtbot, engineer, ref.id)
    assert email_rows(detail)[-1][0] == (
        f"E-mail out\nsent {formatting.local(sent_at).strftime('%H:%M')}")
