"""Sorting the e-mail that did not file itself: the "E-mail to sort" list, one message in
full, and reception's four actions (a new incident from it, onto an existing incident, not
support, back to triage); and the e-mails an incident's timeline shows, with their files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import peewee

from synergy_desk.domain.enums import IncidentStatus, Priority
from synergy_desk.domain.errors import ConflictError, NotFound, ValidationError
from synergy_desk.domain.mail import is_risky_attachment, safe_filename
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    EVERYONE,
    Actor,
    audit,
    fk_id,
    get_or_404,
    opt_fk_id,
    read_snapshot,
    require,
    retried,
    transaction,
    tuples,
)
from synergy_desk.services.incident_state import counts_in_one_pass, lock_incident
from synergy_desk.services.incidents import fields
from synergy_desk.services.incidents.changes import (
    IncidentRef,
    create_in_tx,
    fund_from_contract_in_tx,
    not_merged,
    ref_of,
    status_of,
)
from synergy_desk.services.mail.inbound import (
    FILED,
    HELD,
    NOT_SUPPORT,
    TRIAGE,
    CustomerCandidate,
    file_in_tx,
    reopen_by_email_in_tx,
    sender_candidates,
    who_wrote,
)

__all__ = [
    "TriageRow", "triage_list", "TriageCounts", "triage_counts", "AttachmentInfo",
    "MessageDetail", "CustomerCandidate", "message_detail", "create_incident_from_email",
    "attach_to_incident", "mark_not_support", "return_to_triage", "EmailOnTimeline",
    "emails_on_timeline", "attachment_file", "last_email_in", "SORTING",
]

#: What the refusal of someone who may not sort mail calls the work.
SORTING = "sort incoming e-mail"


@dataclass(frozen=True)
class TriageRow:
    """One message in the "E-mail to sort" list."""

    email_id: int
    received_at: dt.datetime
    from_name: str
    from_address: str
    subject: str
    state: str
    customer_id: int | None
    customer_label: str
    attachment_count: int
    auto_reply: bool
    note: str
    masked: bool


@dataclass(frozen=True)
class TriageCounts:
    """How many messages wait to be sorted, and how many are held."""

    triage: int
    held: int


@dataclass(frozen=True)
class AttachmentInfo:
    """A message's file: ``kept`` False when it was over the office's limit; ``risky`` when it
    would run a program if opened."""

    attachment_id: int
    filename: str
    content_type: str
    size_bytes: int
    kept: bool
    risky: bool


@dataclass(frozen=True)
class MessageDetail:
    """One message in full, with the customers its sender may be and the incidents it is on."""

    email_id: int
    direction: str
    state: str
    message_id: str
    from_name: str
    from_address: str
    to: str
    cc: str
    subject: str
    body_text: str
    sent_at: dt.datetime | None
    received_at: dt.datetime
    attachments: list[AttachmentInfo]
    customer_id: int | None
    contact_id: int | None
    candidates: list[CustomerCandidate]
    incidents: list[tuple[int, str]]
    note: str
    auto_reply: bool
    masked: bool
    version: int


@dataclass(frozen=True)
class EmailOnTimeline:
    """An e-mail as an incident's timeline entry shows it (out: with its sending state)."""

    email_id: int
    entry_id: int
    direction: str
    state: str
    from_text: str
    to_text: str
    subject: str
    attachments: list[AttachmentInfo]
    last_error: str
    attempts: int


_STATES = (TRIAGE, HELD, NOT_SUPPORT)


def _rows(query: Any) -> list[dict[str, Any]]:
    return list(query.dicts())


def _customer_label(name: str | None, company: str | None) -> str:
    if not name:
        return ""
    return f"{name} ({company})" if company and company != name else name


def triage_list(state: str = TRIAGE, text: str = "", limit: int = 500) -> list[TriageRow]:
    """The messages in one state ("triage", "held" or "not_support"), newest first; ``text``
    narrows them to a sender or subject holding it. One query."""
    if state not in _STATES:
        raise ValidationError(f"There is no list of e-mail called {state!r}.", "state")
    files = (t.EmailAttachment.select(peewee.fn.COUNT(t.EmailAttachment.id))
             .where(t.EmailAttachment.message == t.EmailMessage.id))
    query = (t.EmailMessage.select(
        t.EmailMessage.id, t.EmailMessage.received_at, t.EmailMessage.from_name,
        t.EmailMessage.from_address, t.EmailMessage.subject, t.EmailMessage.state,
        t.EmailMessage.customer, t.Customer.name.alias("customer_name"),
        t.Customer.company.alias("customer_company"), files.alias("files"),
        t.EmailMessage.auto_reply, t.EmailMessage.note, t.EmailMessage.masked)
        .join(t.Customer, peewee.JOIN.LEFT_OUTER,
              on=(t.EmailMessage.customer == t.Customer.id))
        .where((t.EmailMessage.direction == "in") & (t.EmailMessage.state == state)))
    words = " ".join((text or "").split())
    if words:
        query = query.where(t.EmailMessage.subject.contains(words)
                            | t.EmailMessage.from_address.contains(words.lower())
                            | t.EmailMessage.from_name.contains(words))
    query = query.order_by(t.EmailMessage.received_at.desc(), t.EmailMessage.id.desc())
    with read_snapshot():
        rows = _rows(query.limit(max(1, min(limit, 5000))))
    return [TriageRow(r["id"], r["received_at"], r["from_name"], r["from_address"],
                      r["subject"], r["state"], r["customer"],
                      _customer_label(r["customer_name"], r["customer_company"]),
                      int(r["files"] or 0), bool(r["auto_reply"]), r["note"], bool(r["masked"]))
            for r in rows]


def triage_counts() -> TriageCounts:
    """How many messages wait to be sorted and how many are held (one query)."""
    with read_snapshot():
        counts: dict[str, int] = dict(tuples(
            t.EmailMessage.select(t.EmailMessage.state, peewee.fn.COUNT(t.EmailMessage.id))
            .where((t.EmailMessage.direction == "in") & t.EmailMessage.state.in_([TRIAGE, HELD]))
            .group_by(t.EmailMessage.state)))
    return TriageCounts(int(counts.get(TRIAGE, 0)), int(counts.get(HELD, 0)))


def _attachments(message_ids: list[int]) -> dict[int, list[AttachmentInfo]]:
    out: dict[int, list[AttachmentInfo]] = {i: [] for i in message_ids}
    if not message_ids:
        return out
    query = (t.EmailAttachment.select(
        t.EmailAttachment.id, t.EmailAttachment.message, t.EmailAttachment.filename,
        t.EmailAttachment.content_type, t.EmailAttachment.size_bytes,
        t.EmailAttachment.data.is_null(False).alias("kept"))
        .where(t.EmailAttachment.message.in_(message_ids))
        .order_by(t.EmailAttachment.message, t.EmailAttachment.position))
    for r in _rows(query):
        out[r["message"]].append(AttachmentInfo(
            r["id"], safe_filename(r["filename"]), r["content_type"], r["size_bytes"],
            bool(r["kept"]), is_risky_attachment(r["filename"])))
    return out


def _detail(message: t.EmailMessage) -> MessageDetail:
    links = (t.EmailLink.select(t.Incident.id, t.Incident.reference)
             .join(t.Incident, on=(t.EmailLink.incident == t.Incident.id))
             .where(t.EmailLink.message == message.id)
             .order_by(t.EmailLink.id))
    incidents = list(dict.fromkeys((int(i), str(r)) for i, r in tuples(links)))
    candidates = sender_candidates(message.from_address) if message.direction == "in" else []
    return MessageDetail(
        message.id, message.direction, message.state, message.message_id, message.from_name,
        message.from_address, message.to_addresses, message.cc_addresses, message.subject,
        message.body_text, message.sent_at, message.received_at,
        _attachments([message.id])[message.id], opt_fk_id(message, "customer"),
        opt_fk_id(message, "contact"), candidates, incidents, message.note,
        bool(message.auto_reply), bool(message.masked), message.version)


def message_detail(email_id: int) -> MessageDetail:
    """One message in full.

    Raises:
        NotFound: no such message.
    """
    with read_snapshot():
        return _detail(get_or_404(t.EmailMessage, email_id, "e-mail"))


def last_email_in(incident_id: int) -> MessageDetail | None:
    """The newest e-mail from the customer on an incident's timeline (what a reply answers)."""
    with read_snapshot():
        message = (t.EmailMessage.select(t.EmailMessage)
                   .join(t.EmailLink, on=(t.EmailLink.message == t.EmailMessage.id))
                   .where((t.EmailLink.incident == incident_id)
                          & (t.EmailMessage.direction == "in"))
                   .order_by(t.EmailMessage.received_at.desc(), t.EmailMessage.id.desc())
                   .first())
        return _detail(message) if message is not None else None


def emails_on_timeline(incident_id: int) -> dict[int, EmailOnTimeline]:
    """The e-mails on an incident's timeline, by the timeline entry that shows each."""
    with read_snapshot():
        rows = _rows(t.EmailLink.select(
            t.EmailLink.entry, t.EmailMessage.id.alias("email_id"), t.EmailMessage.direction,
            t.EmailMessage.state, t.EmailMessage.from_name, t.EmailMessage.from_address,
            t.EmailMessage.to_addresses, t.EmailMessage.cc_addresses, t.EmailMessage.subject,
            t.EmailMessage.last_error, t.EmailMessage.attempts)
            .join(t.EmailMessage, on=(t.EmailLink.message == t.EmailMessage.id))
            .where(t.EmailLink.incident == incident_id)
            .order_by(t.EmailLink.entry))
        files = _attachments(sorted({int(r["email_id"]) for r in rows}))
    out: dict[int, EmailOnTimeline] = {}
    for r in rows:
        to_text = r["to_addresses"] + (f", cc {r['cc_addresses']}" if r["cc_addresses"] else "")
        out[int(r["entry"])] = EmailOnTimeline(
            int(r["email_id"]), int(r["entry"]), r["direction"], r["state"],
            who_wrote(r["from_name"], r["from_address"]), to_text, r["subject"],
            files[int(r["email_id"])], r["last_error"], int(r["attempts"]))
    return out


def attachment_file(attachment_id: int) -> tuple[str, str, bytes]:
    """A kept attachment's file name (made safe to save), content type and bytes.

    Raises:
        NotFound: no such attachment, or it was over the office's limit and was not kept.
    """
    with read_snapshot():
        row = get_or_404(t.EmailAttachment, attachment_id, "attachment")
    if row.data is None:
        raise NotFound(f"{safe_filename(row.filename)} was not kept: it was over the office's "
                       "size limit for one message's attachments.")
    return safe_filename(row.filename), row.content_type, bytes(row.data)


# --- sorting -----------------------------------------------------------------------------


def _sortable(actor: Actor, email_id: int, expected_version: int) -> t.EmailMessage:
    """The message locked for sorting, as the person saw it (inside the transaction, after
    the caller's role check)."""
    message = get_or_404(t.EmailMessage, email_id, "e-mail", lock=True)
    if message.direction != "in":
        raise ValidationError("That e-mail was sent by the office; only e-mail that arrived is "
                              "sorted. Nothing was changed.")
    if message.version != expected_version:
        who = t.User.select(t.User.full_name).where(
            t.User.id == opt_fk_id(message, "sorted_by")).scalar() or "another desk"
        raise ConflictError(
            f"The e-mail was sorted by {who} while you had it open; nothing of yours was "
            "saved. Reload it and try again.", changed_by=str(who))
    return message


def _state_snapshot(message: t.EmailMessage) -> dict[str, Any]:
    return {"state": message.state, "incident": opt_fk_id(message, "incident"),
            "customer": opt_fk_id(message, "customer"), "note": message.note,
            "version": message.version}


def _sorted(actor: Actor, message: t.EmailMessage, action: str, **changes: Any) -> None:
    before = _state_snapshot(message)
    for name, value in changes.items():
        setattr(message, name, value)
    setattr(message, "sorted_by", actor.id)  # noqa: B010 - an id into a foreign key
    message.sorted_at = utcnow()
    message.version = message.version + 1
    message.save()
    audit(actor, f"email.{action}", "email_message", message.id, before,
          _state_snapshot(message))


def _refuse_unless(message: t.EmailMessage, states: tuple[str, ...], doing: str) -> None:
    if message.state in states:
        return
    why = {HELD: "it is held (its sender flooded the mailbox): return it to triage first",
           NOT_SUPPORT: "it was marked not support: return it to triage first",
           FILED: "it is filed on an incident already",
           TRIAGE: "it is waiting in triage"}.get(message.state, f"it is {message.state}")
    raise ValidationError(f"The e-mail cannot be {doing}: {why}. Nothing was changed.")


def _already_on(message: t.EmailMessage, incident: t.Incident) -> None:
    linked = t.EmailLink.select().where((t.EmailLink.message == message.id)
                                        & (t.EmailLink.incident == incident.id)).exists()
    if linked:
        raise ValidationError(f"The e-mail is on {incident.reference} already. Nothing was "
                              "changed.")


@retried
def create_incident_from_email(actor: Actor, email_id: int, *, customer_id: int,
                               product_id: int, subject: str, contact_id: int | None = None,
                               module_id: int | None = None, product_version: str = "",
                               priority: Priority | str = Priority.NORMAL,
                               another_aspect: bool = False,
                               expected_version: int) -> IncidentRef:
    """A new incident from an e-mail in triage, with the message on its timeline as "E-mail in".

    The incident is unfunded like any new one (a contract that covers it funds it at once).
    With ``another_aspect`` the message stays in triage, so a second incident can be made
    from it for another aspect it raises (one aspect, one incident).

    Raises:
        PermissionDenied, NotFound, ValidationError, ConflictError.
    """
    with transaction(), counts_in_one_pass():
        require(actor, EVERYONE, SORTING)
        message = _sortable(actor, email_id, expected_version)
        _refuse_unless(message, (TRIAGE,), "made into an incident")
        customer = fields.customer(customer_id)
        contact = fields.contact(customer, contact_id)
        product, module = fields.product_and_module(product_id, module_id)
        incident = create_in_tx(actor, customer, contact, product, module,
                                subject=fields.subject(subject), description="",
                                product_version=fields.product_version(product_version),
                                priority=fields.priority(priority))
        notice = fund_from_contract_in_tx(actor, incident)
        file_in_tx(message, incident)
        _sorted(actor, message, "create_incident",
                state=TRIAGE if another_aspect else FILED,
                incident=opt_fk_id(message, "incident") or incident.id,
                customer=customer.id, contact=contact.id if contact else None,
                note=(f"Made into {incident.reference}; left to sort for another aspect."
                      if another_aspect else f"Made into {incident.reference}."))
        return ref_of(incident, [notice])


@retried
def attach_to_incident(actor: Actor, email_id: int, incident_id: int, *,
                       expected_version: int) -> IncidentRef:
    """Put an e-mail on an existing incident's timeline; a resolved one is re-opened at no
    charge (the same aspect, the same incident).

    Raises:
        PermissionDenied, NotFound, ValidationError (merged, or closed), ConflictError.
    """
    with transaction(), counts_in_one_pass():
        require(actor, EVERYONE, SORTING)
        message = _sortable(actor, email_id, expected_version)
        _refuse_unless(message, (TRIAGE, FILED), "put on an incident")
        incident = lock_incident(incident_id)
        not_merged(incident, "put the e-mail")
        status = status_of(incident)
        if status is IncidentStatus.CLOSED:
            raise ValidationError(
                f"{incident.reference} is closed and an e-mail does not re-open it; make a new "
                "incident from the e-mail instead. Nothing was changed.")
        _already_on(message, incident)
        notices: list[str] = []
        if status is IncidentStatus.RESOLVED:
            reopen_by_email_in_tx(actor, incident,
                                  who_wrote(message.from_name, message.from_address),
                                  f"{actor.full_name} put it on the incident.")
            notices.append(f"{incident.reference} was re-opened (no new charge).")
        file_in_tx(message, incident)
        _sorted(actor, message, "attach", state=FILED,
                incident=opt_fk_id(message, "incident") or incident.id,
                customer=fk_id(incident, "customer"),
                note=f"Put on {incident.reference} by {actor.full_name}.")
        return ref_of(incident, notices)


@retried
def mark_not_support(actor: Actor, email_id: int, reason: str, *,
                     expected_version: int) -> None:
    """Mark an e-mail in triage (or held) as not support: spam, sales, a wrong address.

    Raises:
        PermissionDenied, NotFound, ValidationError, ConflictError.
    """
    with transaction():
        require(actor, EVERYONE, SORTING)
        message = _sortable(actor, email_id, expected_version)
        _refuse_unless(message, (TRIAGE, HELD), "marked not support")
        text, _masked = fields.masked_text(reason, "reason", required=True, limit=500)
        _sorted(actor, message, "not_support", state=NOT_SUPPORT, note=f"Not support: {text}")


@retried
def return_to_triage(actor: Actor, email_id: int, *, expected_version: int) -> None:
    """Put an e-mail marked not support, or a held one, back among the mail to sort.

    Raises:
        PermissionDenied, NotFound, ValidationError, ConflictError.
    """
    with transaction():
        require(actor, EVERYONE, SORTING)
        message = _sortable(actor, email_id, expected_version)
        _refuse_unless(message, (NOT_SUPPORT, HELD), "returned to triage")
        was = "held" if message.state == HELD else "marked not support"
        _sorted(actor, message, "return_to_triage", state=TRIAGE,
                note=f"Returned to triage by {actor.full_name} (it was {was}).")
