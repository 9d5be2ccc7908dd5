"""What is written into the outbox can always be sent: one-line subjects, file names any mail
header and any desktop takes."""

from __future__ import annotations

from typing import Any

import pytest

from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor, transaction
from synergy_desk.services.mail import outbox
from synergy_desk.services.mail.outgoing import OutgoingFile, queue_in_tx
from tests.mail_servers import SmtpSink
from tests.services.mail.test_outbox import use_sink


def _queue(actor: Actor, subject: str, files: tuple[OutgoingFile, ...] = ()) -> t.EmailMessage:
    with transaction():
        return queue_in_tx(actor, to="raj@acme.example", subject=subject, body="Hello.",
                           files=files)


def test_a_subject_with_a_line_separator_is_sent_on_one_line(
        engineer: Actor, office: dict[str, Any], smtp_sink: SmtpSink) -> None:
    use_sink(smtp_sink)
    row = _queue(engineer, "Re: Printer\u2028offline\tagain")
    assert row.subject == "Re: Printer offline again"
    assert outbox.send_due("desk-1").sent == 1
    (sent,) = smtp_sink.wait_for(1)
    assert str(sent["Subject"]).strip() == "Re: Printer offline again"
    with pytest.raises(ValidationError, match="subject on one line"):
        _queue(engineer, "First line\nSecond line")


def test_a_file_name_no_header_could_carry_is_sent_as_a_name_any_desktop_saves(
        engineer: Actor, office: dict[str, Any], smtp_sink: SmtpSink) -> None:
    use_sink(smtp_sink)
    odd = "report\nfinal \udce9t\u00e9.pdf"  # a line break and a byte that was not UTF-8
    _queue(engineer, "The report", (OutgoingFile(odd, "application/pdf", b"%PDF-1.4"),))
    (stored,) = t.EmailAttachment.select()
    assert "\n" not in stored.filename and stored.filename.endswith(".pdf")
    stored.filename.encode("utf-8")  # storable and sendable as it is
    assert outbox.send_due("desk-1").sent == 1
    (sent,) = smtp_sink.wait_for(1)
    (part,) = [p for p in sent.iter_attachments()]
    assert part.get_filename() == stored.filename
