"""The outbox: replies written from an incident, and the sending of every queued e-mail
through the office's mail server, retried with a growing pause and never dropped silently."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from peewee import JOIN, Expression, fn

from synergy_desk.domain.enums import TimelineKind
from synergy_desk.domain.errors import ConflictError, DomainError, ValidationError
from synergy_desk.domain.mail import quoted, subject_with_reference
from synergy_desk.domain.zones import format_datetime as office_datetime
from synergy_desk.models import tables as t
from synergy_desk.services.common import (
    ENGINEERS,
    EVERYONE,
    MANAGERS,
    Actor,
    audit,
    fk_id,
    get_or_404,
    opt_fk_id,
    read_snapshot,
    require,
    retried,
    transaction,
    utcnow,
)
from synergy_desk.services.incidents.changes import (
    add_entry,
    is_funded,
    refuse_support_unless_funded,
)
from synergy_desk.services.mail.outgoing import (
    CANCELLED,
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    OutgoingFile,
    queue_in_tx,
    timeline_text,
)
from synergy_desk.services.office import mailer
from synergy_desk.services.office.settings import office_settings

log = logging.getLogger(__name__)

__all__ = [
    "BACKOFF_MINUTES", "CLAIM_SECONDS", "MAX_ATTEMPTS", "SEND_NOW_WAIT_SECONDS",
    "OutboxCounts", "OutboxRow", "QueuedMail", "ReplyDraft", "SendReport", "cancel",
    "claim_seconds", "draft_reply", "outbox_counts",
    "outbox_list", "retry_now", "send_due", "send_now", "send_reply", "email_document",
]

#: The pause after each failed attempt, in minutes (the last repeats): eight attempts in all
#: spread over about a day, then the message is marked failed.
BACKOFF_MINUTES = (1, 5, 15, 60, 120, 240, 480)
MAX_ATTEMPTS = 8
#: A desk sending a message has it for twice the longest its sending may take (the mail
#: server's time-out for its size) and this many seconds more; past it, another desk may
#: send it.
CLAIM_SECONDS = 60


@dataclass(frozen=True)
class ReplyDraft:
    """A reply as the editor opens it; ``needs_about_payment`` when the incident is unfunded
    (only a message about paying may go, and it must say so)."""

    incident_id: int
    to: str
    cc: str
    subject: str
    body: str
    in_reply_to: str
    references: tuple[str, ...]
    needs_about_payment: bool


@dataclass(frozen=True)
class QueuedMail:
    """A message written into the outbox, and its line on the incident's timeline."""

    email_id: int
    entry_id: int | None
    incident_reference: str
    notice: str


@dataclass(frozen=True)
class SendReport:
    """What one round of sending did; ``errors`` in plain words."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutboxRow:
    """One message in the outbox, as its list shows it."""

    email_id: int
    state: str
    to: str
    subject: str
    incident_reference: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_error: str
    written_by_name: str
    created_at: dt.datetime


@dataclass(frozen=True)
class OutboxCounts:
    """Messages waiting to go (queued or being sent) and messages given up on."""

    waiting: int
    failed: int


# --- writing a reply -------------------------------------------------------------------------

def _last_in(incident_id: int) -> t.EmailMessage | None:
    row: t.EmailMessage | None = (
        t.EmailMessage.select().join(t.EmailLink, on=(t.EmailLink.message == t.EmailMessage.id))
        .where((t.EmailLink.incident == incident_id) & (t.EmailMessage.direction == "in"))
        .order_by(t.EmailMessage.received_at.desc(), t.EmailMessage.id.desc()).first())
    return row


def _incident_address(incident: t.Incident) -> str:
    contact_id = opt_fk_id(incident, "contact")
    if contact_id is not None:
        email = t.Contact.select(t.Contact.email).where(t.Contact.id == contact_id).scalar()
        if email:
            return str(email).strip()
    email = (t.Customer.select(t.Customer.email)
             .where(t.Customer.id == fk_id(incident, "customer")).scalar())
    return str(email or "").strip()


def draft_reply(actor: Actor, incident_id: int) -> ReplyDraft:
    """A reply to the incident's last e-mail in (else to its contact, else its customer),
    with the reference in the subject, the last message quoted and the office's signature.

    Raises:
        PermissionDenied: the actor is not an engineer or manager. NotFound: no such incident.
    """
    with read_snapshot():
        require(actor, ENGINEERS, "write e-mail replies")
        incident = get_or_404(t.Incident, incident_id, "incident")
        last = _last_in(incident_id)
        settings = office_settings()
        signature = (settings.mail_signature or "").strip()
        funded = is_funded(incident)
    parts = ["", ""]
    if signature:
        parts += [signature, ""]
    if last is not None:
        who = last.from_name or last.from_address
        when = office_datetime(last.sent_at or last.received_at, settings.timezone)
        parts.append(quoted(last.body_text, who, when))
        references = tuple(last.reference_ids.split()) + (last.message_id,)
        return ReplyDraft(incident_id, last.from_address, "",
                          subject_with_reference(last.subject or incident.subject,
                                                 incident.reference),
                          "\n".join(parts).rstrip() + "\n", last.message_id,
                          tuple(dict.fromkeys(references)), not funded)
    return ReplyDraft(incident_id, _incident_address(incident), "",
                      subject_with_reference(incident.subject, incident.reference),
                      "\n".join(parts).rstrip() + "\n", "", (), not funded)


@retried
def send_reply(actor: Actor, incident_id: int, *, to: str, subject: str, body: str,
               cc: str = "", in_reply_to: str = "", references: Sequence[str] = (),
               files: Sequence[OutgoingFile] = (), about_payment: bool = False) -> QueuedMail:
    """Write an engineer's reply into the outbox; it is on the incident's timeline as
    "E-mail out" at once and goes out with the next round of sending.

    Raises:
        PermissionDenied: the actor is not an engineer or manager.
        NotFound: no such incident.
        FundingRequired: the incident is unfunded and the reply is not about paying.
        ValidationError: an address that is not one, no subject, a full card number.
    """
    with transaction():
        require(actor, ENGINEERS, "write e-mail replies")
        incident = get_or_404(t.Incident, incident_id, "incident", lock=True)
        refuse_support_unless_funded(incident, TimelineKind.EMAIL_OUT, about_payment)
        message = queue_in_tx(actor, to=to, subject=subject, body=body, incident_id=incident_id,
                              customer_id=fk_id(incident, "customer"), cc=cc,
                              in_reply_to=in_reply_to, references=references, files=files,
                              about_payment=about_payment)
        entry_id = (t.EmailLink.select(t.EmailLink.entry)
                    .where(t.EmailLink.message == message.id).scalar())
        audit(actor, "email.reply", "email_message", message.id, None,
              {"incident": incident_id, "to": message.to_addresses,
               "subject": message.subject})
        return QueuedMail(message.id, entry_id, incident.reference,
                          f"The reply to {message.to_addresses} is in the outbox and goes out "
                          "in a moment.")


# --- sending ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Outgoing:
    id: int
    message_id: str
    to: str
    cc: str
    subject: str
    body: str
    in_reply_to: str
    references: str
    auto_reply: bool
    attempts: int
    files: tuple[OutgoingFile, ...]


def _due(now: dt.datetime) -> Expression:
    m = t.EmailMessage
    return (m.direction == "out") & (
        ((m.state == QUEUED) & (m.next_attempt_at <= now))
        | ((m.state == SENDING) & (m.claimed_until < now)))


@dataclass(frozen=True)
class _Claim:
    """A message this desk is sending: its ``version`` once claimed is the claim's token,
    so a desk whose claim ran out (and was taken by another) changes nothing."""

    email_id: int
    version: int


def _largest_size(email_id: int, body: str, subject: str) -> int:
    """An upper bound on the message's size once put together, in bytes (base64 makes its
    files a third larger, and a line break every 76 characters)."""
    a = t.EmailAttachment
    files = int(a.select(fn.COALESCE(fn.SUM(fn.LENGTH(a.data)), 0))
                .where(a.message == email_id).scalar() or 0)
    return files * 14 // 10 + 4 * (len(body) + len(subject)) + 8192


def claim_seconds(size: int) -> float:
    """How long a desk holds a message of ``size`` bytes it is sending: more than the
    longest its sending may take, so no other desk takes it over while it still goes."""
    return 2 * mailer.send_timeout(size) + CLAIM_SECONDS


_GIVEN_UP = ("It was tried {attempts} times without going; nothing more is tried. "
             "The last error: {error}")


@retried
def _claim(only: int | None = None) -> _Claim | str | None:
    """Take the next due message for this desk (one short transaction), or None when none
    is due; a message another desk took meanwhile is not taken twice, and one whose
    attempts are spent is marked failed instead (its error is returned)."""
    with transaction():
        now = utcnow()
        m = t.EmailMessage
        where = _due(now)
        if only is not None:
            where = (m.id == only) & where
        rows = list(m.select(m.id, m.attempts, m.version, m.body_text, m.subject,
                             m.last_error)
                    .where(where).order_by(m.next_attempt_at, m.id).limit(5))
        for row in rows:
            mine = (m.id == row.id) & (m.version == row.version) & _due(now)
            if int(row.attempts) >= MAX_ATTEMPTS:
                error = _GIVEN_UP.format(attempts=row.attempts,
                                         error=row.last_error or "none was kept.")
                given_up = (m.update({m.state: FAILED, m.next_attempt_at: None,
                                      m.claimed_until: None, m.last_error: error,
                                      m.version: m.version + 1})
                            .where(mine).execute())
                if given_up:
                    log.info("E-mail %s failed after %s attempts", row.id, row.attempts)
                    return error
                continue
            size = _largest_size(row.id, row.body_text or "", row.subject or "")
            until = now + dt.timedelta(seconds=claim_seconds(size))
            taken = (m.update({m.state: SENDING, m.claimed_until: until,
                               m.attempts: m.attempts + 1, m.version: m.version + 1})
                     .where(mine).execute())
            if taken:
                return _Claim(int(row.id), int(row.version) + 1)
        return None


def _outgoing(email_id: int) -> _Outgoing:
    with read_snapshot():
        row = t.EmailMessage.get_by_id(email_id)
        files = tuple(OutgoingFile(a.filename, a.content_type, bytes(a.data))
                      for a in t.EmailAttachment.select()
                      .where(t.EmailAttachment.message == email_id)
                      .order_by(t.EmailAttachment.position) if a.data is not None)
    return _Outgoing(row.id, row.message_id, row.to_addresses, row.cc_addresses, row.subject,
                     row.body_text, row.in_reply_to, row.reference_ids, bool(row.auto_reply),
                     int(row.attempts), files)


def _mime(settings: mailer.SmtpSettings, mail: _Outgoing) -> EmailMessage:
    message = EmailMessage()
    message["From"] = (formataddr((settings.office_name, settings.sender))
                       if settings.office_name else settings.sender)
    message["To"] = mail.to
    if mail.cc:
        message["Cc"] = mail.cc
    message["Subject"] = mail.subject
    message["Message-ID"] = mail.message_id
    message["Date"] = format_datetime(utcnow())
    if mail.in_reply_to:
        message["In-Reply-To"] = mail.in_reply_to
    if mail.references:
        message["References"] = mail.references
    if mail.auto_reply:
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(mail.body)
    for file in mail.files:
        maintype, _slash, subtype = file.content_type.partition("/")
        if not subtype:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(file.data, maintype=maintype, subtype=subtype,
                               filename=file.filename)
    message.as_bytes()  # a header the e-mail package cannot write fails here, not half-sent
    return message


def _claimed(claim: _Claim) -> Expression:
    m = t.EmailMessage
    return (m.id == claim.email_id) & (m.state == SENDING) & (m.version == claim.version)


@retried
def _mark_sent(claim: _Claim) -> None:
    with transaction():
        m = t.EmailMessage
        (m.update({m.state: SENT, m.sent_at: utcnow(), m.claimed_until: None,
                   m.last_error: "", m.version: m.version + 1})
         .where(_claimed(claim)).execute())


@retried
def _mark_failed_attempt(claim: _Claim, error: str, permanent: bool) -> str:
    """Note a failed attempt: retried later, or (refused for good, or the last attempt)
    failed; returns the new state (unchanged when this desk's claim was taken over)."""
    with transaction():
        m = t.EmailMessage
        row = m.get_by_id(claim.email_id)
        attempts = int(row.attempts)
        now = utcnow()
        if permanent or attempts >= MAX_ATTEMPTS:
            state, due = FAILED, None
        else:
            pause = BACKOFF_MINUTES[min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1]
            state, due = QUEUED, now + dt.timedelta(minutes=pause)
        changed = (m.update({m.state: state, m.next_attempt_at: due, m.claimed_until: None,
                             m.last_error: error, m.version: m.version + 1})
                   .where(_claimed(claim)).execute())
        return state if changed else str(row.state)


#: What the e-mail package raises for a message it cannot put together.
_BUILD_ERRORS = (ValueError, TypeError, UnicodeError, LookupError)


def _send_claimed(claim: _Claim) -> tuple[str, str]:
    """Send one claimed message; its new state and, when it did not go, why."""
    email_id = claim.email_id
    mail = _outgoing(email_id)
    settings = mailer.smtp_settings()
    try:
        if not settings.configured:
            raise mailer.MailError("No mail server is set in the office's settings; a manager "
                                   "can set one.")
        if "@" not in settings.sender:
            raise mailer.MailError("The office's settings give no sender address for e-mail; "
                                   "a manager can set one.")
        try:
            message = _mime(settings, mail)
        except _BUILD_ERRORS as exc:
            raise mailer.MailError(f"The message could not be put together: {exc}; nothing "
                                   "was sent.", permanent=True) from None
        mailer.deliver(settings, message, "it is tried again later.")
    except mailer.MailError as exc:
        log.info("E-mail %s not sent (attempt %s): %s", email_id, mail.attempts, exc)
        return _mark_failed_attempt(claim, str(exc), exc.permanent), str(exc)
    _mark_sent(claim)
    return SENT, ""


def _send_one(claim: _Claim) -> tuple[str, str]:
    """Send one claimed message, whatever goes wrong with it noted on it alone."""
    try:
        return _send_claimed(claim)
    except (DomainError, OSError, *_BUILD_ERRORS) as exc:
        log.warning("E-mail %s not sent", claim.email_id, exc_info=True)
        error = (f"The message could not be sent ({exc.__class__.__name__}: {exc}); nothing "
                 "was sent and it is tried again later.")
        return _mark_failed_attempt(claim, error, False), error


def send_due(holder: str, limit: int = 20) -> SendReport:
    """Send the messages that are due, each once however many desks call this at once.

    One at a time, each is claimed in a short transaction (for longer than its sending may
    take), sent through the office's mail server, then marked sent, or queued again with a
    growing pause and its error noted, or after the last attempt (or a refusal for good, or
    a message that cannot be put together) marked failed; one message's failure never stops
    the others. At most ``limit`` are sent. ``holder`` names the desk in the log.

    Runs on a worker thread (it waits for the network).
    """
    sent = retrying = failed = 0
    errors: list[str] = []
    for _turn in range(limit):
        claim = _claim()
        if claim is None:
            break
        state, error = (FAILED, claim) if isinstance(claim, str) else _send_one(claim)
        if state == SENT:
            sent += 1
            continue
        errors.append(error)
        if state == FAILED:
            failed += 1
        else:
            retrying += 1
    if errors:
        log.info("%s sent %d e-mails; %d not: %s", holder, sent, len(errors), errors[0])
    return SendReport(sent, retrying, failed, tuple(errors))


#: How long ``send_now`` waits for another desk already sending the message, in seconds.
SEND_NOW_WAIT_SECONDS = 10.0


def send_now(email_id: int) -> str:
    """Send one queued message at once (a document just e-mailed); "" when it went (or
    another desk is sending it at this moment), else why not (it stays in the outbox and is
    tried again later, or it failed)."""
    deadline = time.monotonic() + SEND_NOW_WAIT_SECONDS
    while True:
        claim = _claim(only=email_id)
        if isinstance(claim, str):
            return claim
        if claim is not None:
            state, error = _send_one(claim)
            return "" if state == SENT else error
        with read_snapshot():
            row = t.EmailMessage.get_by_id(email_id)
        if row.state == SENT:
            return ""
        if row.state == FAILED or (row.state == QUEUED and row.last_error):
            return str(row.last_error or "It could not be sent.")
        if row.state == CANCELLED:
            return "It was taken out of the outbox before it went; nothing was sent."
        if time.monotonic() >= deadline:
            if row.state == SENDING:
                log.info("E-mail %s is still being sent by another desk", email_id)
                return ""
            return "It is waiting in the outbox; nothing was sent yet."
        time.sleep(0.2)


# --- documents ------------------------------------------------------------------------------

@retried
def _queue_document(actor: Actor | None, to: str, subject: str, body: str, filename: str,
                    pdf: bytes, customer_id: int | None, incident_ids: Sequence[int],
                    about_payment: bool) -> int:
    with transaction():
        ids = list(dict.fromkeys(incident_ids))
        first = ids[0] if ids else None
        message = queue_in_tx(actor, to=to, subject=subject, body=body, incident_id=first,
                              customer_id=customer_id, about_payment=about_payment,
                              files=[OutgoingFile(filename, "application/pdf", pdf)])
        for incident_id in ids[1:]:
            entry = add_entry(actor, incident_id, TimelineKind.EMAIL_OUT,
                              timeline_text(message.to_addresses, message.subject,
                                            message.body_text), about_payment=about_payment)
            t.EmailLink.create(message=message.id, incident=incident_id, entry=entry.id)
        return int(message.id)


def email_document(actor: Actor | None, *, to: str, subject: str, body: str, filename: str,
                   pdf: bytes, customer_id: int | None = None, incident_ids: Sequence[int] = (),
                   about_payment: bool = True) -> str:
    """E-mail a document (a receipt, a payment request, a summary) through the outbox: it is
    written there, and on the timeline of each incident it concerns as "E-mail out", then
    sent at once. Returns the address it went to.

    Runs on a worker thread (it waits for the network).

    Raises:
        ValidationError: no mail server or sender address set, an address that is not one,
            a full card number in the text; nothing was written.
        MailError: the server could not be reached or refused it; the message stays in the
            outbox (to be sent again shortly, or marked failed when refused for good) and
            the error says so.
    """
    settings = mailer.smtp_settings()
    if not settings.configured:
        raise ValidationError("No mail server is set in the office's settings; a manager can "
                              "set one, or save the PDF and send it yourself.", "smtp_host")
    if "@" not in settings.sender:
        raise ValidationError("The office's settings give no sender address for e-mail; a "
                              "manager can set one.", "smtp_from")
    email_id = _queue_document(actor, to, subject, body, filename, pdf, customer_id,
                               incident_ids, about_payment)
    error = send_now(email_id)
    if error:
        with read_snapshot():
            state = t.EmailMessage.get_by_id(email_id).state
        kept = (" It is in the outbox, marked failed." if state == FAILED else
                " It is kept in the outbox and sent again in a few minutes.")
        raise mailer.MailError(error + kept, permanent=state == FAILED)
    return str(to).strip()


# --- the outbox's list and its actions -------------------------------------------------------

def outbox_list(states: Sequence[str] = (QUEUED, SENDING, FAILED)) -> list[OutboxRow]:
    """The outgoing messages in ``states``, the oldest first."""
    m = t.EmailMessage
    with read_snapshot():
        query = (m.select(m, t.Incident.reference, t.User.full_name)
                 .join(t.Incident, JOIN.LEFT_OUTER, on=(m.incident == t.Incident.id))
                 .switch(m).join(t.User, JOIN.LEFT_OUTER, on=(m.written_by == t.User.id))
                 .where((m.direction == "out") & m.state.in_(list(states)))
                 .order_by(m.received_at, m.id).limit(1000).objects())
        return [OutboxRow(row.id, row.state, row.to_addresses, row.subject,
                          getattr(row, "reference", None) or "", int(row.attempts),
                          row.next_attempt_at, row.last_error or "",
                          getattr(row, "full_name", None) or "", row.received_at)
                for row in query]


def outbox_counts() -> OutboxCounts:
    """How many messages wait to go, and how many were given up on."""
    m = t.EmailMessage
    with read_snapshot():
        out = m.direction == "out"
        waiting = m.select().where(out & m.state.in_([QUEUED, SENDING])).count()
        failed = m.select().where(out & (m.state == FAILED)).count()
    return OutboxCounts(waiting, failed)


def _outgoing_row(email_id: int) -> t.EmailMessage:
    """An e-mail going out that may still be sent again or cancelled, locked."""
    row = get_or_404(t.EmailMessage, email_id, "e-mail", lock=True)
    if row.direction != "out":
        raise ValidationError("That e-mail came in; only e-mail going out is sent again or "
                              "cancelled.", "email")
    if row.state == SENDING and row.claimed_until is not None and row.claimed_until > utcnow():
        raise ConflictError("That e-mail is being sent at this moment; nothing was changed.")
    if row.state not in (QUEUED, FAILED, SENDING):
        raise ValidationError(f"That e-mail is {row.state} already; nothing was changed.",
                              "email")
    return row


@retried
def retry_now(actor: Actor, email_id: int) -> None:
    """Send a queued or failed message with the next round, with its attempts counted
    afresh.

    Raises:
        NotFound, ValidationError (sent or cancelled already), ConflictError (being sent).
    """
    with transaction():
        require(actor, EVERYONE, "send e-mail again")
        row = _outgoing_row(email_id)
        m = t.EmailMessage
        m.update({m.state: QUEUED, m.next_attempt_at: utcnow(), m.attempts: 0,
                  m.claimed_until: None, m.version: m.version + 1}).where(
            m.id == email_id).execute()
        audit(actor, "email.retry", "email_message", email_id,
              {"state": row.state, "attempts": row.attempts}, {"state": QUEUED, "attempts": 0})


@retried
def cancel(actor: Actor, email_id: int) -> None:
    """Take a queued or failed message out of the outbox without sending it (it stays on
    the incident's timeline, marked cancelled). Managers only: anyone may send one again.

    Raises:
        NotFound, PermissionDenied, ValidationError (sent already), ConflictError (being sent).
    """
    with transaction():
        require(actor, MANAGERS, "cancel e-mail waiting in the outbox")
        row = _outgoing_row(email_id)
        m = t.EmailMessage
        m.update({m.state: CANCELLED, m.next_attempt_at: None, m.claimed_until: None,
                  m.version: m.version + 1}).where(m.id == email_id).execute()
        incident_id = opt_fk_id(row, "incident")
        if incident_id is not None:
            add_entry(actor, incident_id, TimelineKind.SYSTEM,
                      f"The e-mail “{row.subject}” to {row.to_addresses} was cancelled by "
                      f"{actor.full_name}; it was not sent.")
        audit(actor, "email.cancel", "email_message", email_id, {"state": row.state},
              {"state": CANCELLED})
