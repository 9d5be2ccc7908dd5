"""Putting an e-mail in the outbox: the one way the office's mail is written down before it
is sent (replies, acknowledgements, documents). Sending it is ``outbox``'s work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import make_msgid

from synergy_desk.domain.cards import refuse_card_numbers
from synergy_desk.domain.enums import TimelineKind
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.mail import safe_filename
from synergy_desk.domain.text import sanitised
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor, in_transaction
from synergy_desk.services.incidents.changes import add_entry, reindex, touch
from synergy_desk.services.office.mailer import address_or_error, smtp_settings

__all__ = ["QUEUED", "SENDING", "SENT", "FAILED", "CANCELLED", "OutgoingFile", "queue_in_tx",
           "timeline_text"]

QUEUED, SENDING, SENT, FAILED, CANCELLED = "queued", "sending", "sent", "failed", "cancelled"


@dataclass(frozen=True)
class OutgoingFile:
    """A file sent with a message."""

    filename: str
    content_type: str
    data: bytes


def timeline_text(to: str, subject: str, body: str) -> str:
    """How an e-mail out reads on the incident's timeline."""
    return f"To: {to}\nSubject: {subject}\n\n{body}".rstrip()


def _sender_domain() -> str:
    sender = smtp_settings().sender
    return sender.rsplit("@", 1)[-1] if "@" in sender else "synergy-desk.invalid"


@in_transaction
def queue_in_tx(actor: Actor | None, *, to: str, subject: str, body: str,
                incident_id: int | None = None, customer_id: int | None = None,
                cc: str = "", in_reply_to: str = "", references: Sequence[str] = (),
                files: Sequence[OutgoingFile] = (), auto_reply: bool = False,
                about_payment: bool = False) -> t.EmailMessage:
    """Write one message into the outbox, due now (caller's transaction).

    It gets its Message-ID here, so a reply to it threads even before it has gone. When it is
    about an incident it is on that incident's timeline as "E-mail out" from now on (the
    caller has checked that the incident may have it: funded, or ``about_payment``).
    ``auto_reply`` marks a message the program wrote by itself (it is sent with
    ``Auto-Submitted: auto-replied``, so other systems do not answer it).

    Raises:
        ValidationError: an address that is not one, or a full card number in the subject or
            the text (mail leaves the office: it is refused, not masked).
    """
    recipient = address_or_error(to)
    copies = ", ".join(address_or_error(part) for part in cc.replace(";", ",").split(",")
                       if part.strip())
    typed = sanitised(subject, "subject")
    if "\n" in typed.strip() or "\r" in typed.strip():
        raise ValidationError("Give the e-mail a subject on one line.", "subject")
    # Any other separator (U+2028, a tab) becomes a space: a header is one plain line.
    title = refuse_card_numbers(" ".join(typed.split()), "subject")
    if not title:
        raise ValidationError("Give the e-mail a subject on one line.", "subject")
    text = refuse_card_numbers(sanitised(body, "message"), "message")
    now = utcnow()
    message = t.EmailMessage.create(
        direction="out", state=QUEUED, message_id=make_msgid(domain=_sender_domain()),
        in_reply_to=in_reply_to, reference_ids=" ".join(references),
        from_address=smtp_settings().sender, to_addresses=recipient, cc_addresses=copies,
        subject=title, body_text=text, sent_at=None, received_at=now,
        size_bytes=len(text.encode()) + sum(len(f.data) for f in files),
        auto_reply=auto_reply, customer=customer_id, incident=incident_id,
        written_by=actor.id if actor else None, next_attempt_at=now)
    for position, file in enumerate(files, start=1):
        # A name from the desk's own disk may hold what no mail header can (a line break, a
        # byte that is not UTF-8): it goes as a name any desktop can save.
        name = safe_filename(file.filename.encode("utf-8", "surrogateescape")
                             .decode("utf-8", "replace"))
        t.EmailAttachment.create(message=message.id, position=position, filename=name,
                                 content_type=file.content_type, size_bytes=len(file.data),
                                 data=file.data)
    if incident_id is not None:
        entry = add_entry(actor, incident_id, TimelineKind.EMAIL_OUT,
                          timeline_text(recipient, title, text), about_payment=about_payment)
        t.EmailLink.create(message=message.id, incident=incident_id, entry=entry.id)
        incident = t.Incident.get_by_id(incident_id)
        touch(incident)
        reindex(incident)
    return message
