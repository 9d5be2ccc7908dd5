"""What arrives in the support mailbox, and where it goes: one message stored once, screened,
threaded onto the incident it is about (re-opening a resolved one at no charge) or left in
triage with its sender matched to a customer; floods held, auto-replies never answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import peewee

from synergy_desk.domain.cards import mask_card_numbers
from synergy_desk.domain.enums import IncidentStatus, Resolution, TimelineKind
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.mail import (
    ParsedAttachment,
    ParsedMessage,
    find_incident_reference,
    parse_message,
)
from synergy_desk.domain.numbers import incident_reference
from synergy_desk.domain.text import masked_text
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services import search
from synergy_desk.services.common import (
    Actor,
    fk_id,
    in_transaction,
    opt_fk_id,
    retried,
    transaction,
    tuples,
)
from synergy_desk.services.incident_state import counts_in_one_pass, lock_incident, update_incident
from synergy_desk.services.incidents.changes import (
    add_entry,
    is_funded,
    reindex,
    status_of,
    system_entry,
    touch,
)
from synergy_desk.services.incidents.fields import CLOCK_SKEW, MAX_TEXT
from synergy_desk.services.mail import outgoing
from synergy_desk.services.office.settings import office_settings

__all__ = [
    "ACKNOWLEDGE_EVERY", "FILED", "TRIAGE", "HELD", "NOT_SUPPORT", "PUBLIC_DOMAINS", "Received", "CustomerCandidate",
    "receive", "sender_candidates", "is_public_domain", "entry_text", "file_in_tx",
    "reopen_by_email_in_tx", "follow_merges", "attachment_line", "who_wrote",
]

FILED, TRIAGE, HELD, NOT_SUPPORT = "filed", "triage", "held", "not_support"

#: Mail services anyone may sign up to: a sender there is matched by their own address only,
#: never by the domain (every customer with a Gmail contact is not the same customer).
PUBLIC_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "icloud.com", "me.com", "mac.com", "aol.com",
    "btinternet.com", "sky.com", "proton.me", "protonmail.com", "pm.me", "mail.com",
    "talktalk.net", "virginmedia.com", "zoho.com", "yandex.com", "fastmail.com",
    "ntlworld.com", "blueyonder.co.uk", "tiscali.co.uk", "aol.co.uk", "outlook.co.uk",
    "btopenworld.com", "virgin.net", "plus.com", "orange.net", "o2.co.uk", "gmx.co.uk",
    "tutanota.com", "hey.com", "qq.com", "163.com", "mail.ru", "web.de", "t-online.de",
    "free.fr", "orange.fr", "laposte.net", "libero.it", "bigpond.com", "shaw.ca",
    "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "rocketmail.com"})
_PUBLIC_FAMILIES = ("hotmail.", "live.", "yahoo.", "gmx.", "msn.", "ymail.")

#: Local parts of addresses no person reads: never acknowledged.
_NO_REPLY = frozenset({"postmaster", "mailer-daemon", "noreply", "no-reply", "no_reply",
                       "donotreply", "do-not-reply", "do_not_reply", "bounce", "bounces"})

#: A sender is acknowledged at most once in this long.
ACKNOWLEDGE_EVERY = dt.timedelta(days=1)

#: A message dated further back than this is read as received (a wrong clock, not history).
_PLAUSIBLE_AGE = dt.timedelta(days=366)
_MAX_SUBJECT = 998
#: Customers read from the search index for one sender (their addresses then compared).
_MATCH_LIMIT = 50


@dataclass(frozen=True)
class Received:
    """What became of one message: ``outcome`` is "filed", "reopened", "triage", "held",
    "duplicate" (stored already; nothing changed) or "ignored" (nothing to store)."""

    email_id: int
    outcome: str
    incident_id: int | None
    incident_reference: str | None
    text: str


@dataclass(frozen=True)
class CustomerCandidate:
    """A customer the sender may be: ``how`` is "contact address" or "domain"."""

    customer_id: int
    contact_id: int | None
    label: str
    how: str


def is_public_domain(domain: str) -> bool:
    """Whether the domain is a public mail service (matched by address, never by domain)."""
    name = domain.strip().lower()
    return name in PUBLIC_DOMAINS or name.startswith(_PUBLIC_FAMILIES)


def _label(name: str, company: str) -> str:
    return f"{name} ({company})" if company and company != name else name


def sender_candidates(address: str, limit: int = 10) -> list[CustomerCandidate]:
    """The customers a sender may be: by a current contact's address, then the customer's own
    address, then (not for public mail services) by the domain of either.

    The customers' search index (lower-cased, trigram-indexed on both engines) finds the few
    customers whose text holds the address or "@domain"; their addresses are then compared
    exactly, so no query compares every contact's address.
    """
    address = address.strip().lower()
    if "@" not in address:
        return []
    domain = address.rsplit("@", 1)[1]
    by_address = _customers_holding(address)
    out: dict[int, CustomerCandidate] = {}
    for customer_id, (label, _own, contacts) in by_address.items():
        for contact_id, name, email in contacts:
            if email == address:
                out.setdefault(customer_id, CustomerCandidate(
                    customer_id, contact_id, f"{name}, {label}", "contact address"))
    for customer_id, (label, own, _contacts) in by_address.items():
        if own == address:
            out.setdefault(customer_id, CustomerCandidate(
                customer_id, None, label, "contact address"))
    if not out and domain and not is_public_domain(domain):
        for customer_id, (label, own, contacts) in _customers_holding("@" + domain).items():
            if own.endswith("@" + domain) or any(
                    email.endswith("@" + domain) for _i, _n, email in contacts):
                out.setdefault(customer_id, CustomerCandidate(customer_id, None, label,
                                                              "domain"))
    return list(out.values())[:limit]


def _customers_holding(fragment: str) -> dict[int, tuple[str, str, list[tuple[int, str, str]]]]:
    """Customers whose search text holds ``fragment``: their label, own address and current
    contacts (id, name, address), addresses lower-case."""
    ids = [hit.id for hit in search.search_customers(fragment, limit=_MATCH_LIMIT)]
    if not ids:
        return {}
    out: dict[int, tuple[str, str, list[tuple[int, str, str]]]] = {}
    for customer_id, name, company, email in tuples(
            t.Customer.select(t.Customer.id, t.Customer.name, t.Customer.company,
                              t.Customer.email)
            .where(t.Customer.id.in_(ids)).order_by(t.Customer.id)):
        out[int(customer_id)] = (_label(name, company), (email or "").strip().lower(), [])
    for contact_id, customer_id, name, email in tuples(
            t.Contact.select(t.Contact.id, t.Contact.customer, t.Contact.name, t.Contact.email)
            .where(t.Contact.customer.in_(ids) & t.Contact.retired_at.is_null())
            .order_by(t.Contact.is_primary.desc(), t.Contact.id)):
        if int(customer_id) in out:
            out[int(customer_id)][2].append((int(contact_id), name,
                                             (email or "").strip().lower()))
    return out


def _rows(query: Any) -> list[dict[str, Any]]:
    return list(query.dicts())


def _set(message: t.EmailMessage, **values: Any) -> None:
    for name, value in values.items():
        setattr(message, name, value)


def who_wrote(name: str, address: str) -> str:
    """"Raj Patel <raj@example.co.uk>", or the address alone."""
    return f"{name} <{address}>" if name else (address or "an unknown sender")


def _size(n: int) -> str:
    return f"{max(1, round(n / 1024))} KB" if n < 1024 * 1024 else f"{n / 1048576:.1f} MB"


def attachment_line(files: Sequence[tuple[str, int, bool]]) -> str:
    """"Attachments: a.pdf (12 KB), b.png (not kept: over the limit)" for (name, size, kept)."""
    parts = [f"{name} ({_size(size)})" if kept else f"{name} (not kept: over the limit)"
             for name, size, kept in files]
    return "Attachments: " + ", ".join(parts) if parts else ""


def entry_text(message: t.EmailMessage) -> str:
    """How an e-mail in reads on an incident's timeline."""
    files = [(row["filename"], int(row["size_bytes"]), bool(row["kept"])) for row in _rows(
        t.EmailAttachment.select(t.EmailAttachment.filename, t.EmailAttachment.size_bytes,
                                 t.EmailAttachment.data.is_null(False).alias("kept"))
        .where(t.EmailAttachment.message == message.id)
        .order_by(t.EmailAttachment.position))]
    head = f"From: {who_wrote(message.from_name, message.from_address)}\n" \
           f"Subject: {message.subject}"
    line = attachment_line(files)
    if line:
        head += "\n" + line
    return f"{head}\n\n{message.body_text}".rstrip()


def _occurred_at(message: t.EmailMessage) -> dt.datetime:
    received: dt.datetime = message.received_at
    sent: dt.datetime | None = message.sent_at
    if sent is None:
        return received
    if sent.tzinfo is not None:
        sent = sent.astimezone(dt.UTC).replace(tzinfo=None)
    if received - _PLAUSIBLE_AGE <= sent <= received + CLOCK_SKEW:
        return min(sent, received)
    return received


@in_transaction
def file_in_tx(message: t.EmailMessage, incident: t.Incident) -> t.TimelineEntry:
    """Put the message on the incident's timeline as "E-mail in" (caller's transaction); an
    incident waiting on the customer goes back to work (unless the message is automatic)."""
    entry = add_entry(None, incident.id, TimelineKind.EMAIL_IN, entry_text(message),
                      occurred_at=_occurred_at(message))
    t.EmailLink.create(message=message.id, incident=incident.id, entry=entry.id)
    if status_of(incident) is IncidentStatus.WAITING_ON_CUSTOMER and not message.auto_reply:
        # The customer has answered: the incident is the desk's to work again, once it is
        # paid for (support is paid before it is given).
        engineer = opt_fk_id(incident, "engineer")
        if not is_funded(incident):
            status, now = IncidentStatus.AWAITING_PAYMENT, "awaiting payment before work resumes."
        elif engineer is not None:
            status, now = IncidentStatus.IN_PROGRESS, "back in progress."
        else:
            status, now = IncidentStatus.QUEUED, "back in the queue."
        update_incident(None, incident, {"status": status}, action="incident.resume")
        system_entry(None, incident, f"The customer answered by e-mail; {now}")
    touch(incident)
    reindex(incident)
    return entry


def _reopen_changes(incident: t.Incident) -> dict[str, object]:
    # As an engineer's re-open, but nobody is assigned by it: the customer wrote, no one took it.
    engineer = opt_fk_id(incident, "engineer")
    if is_funded(incident):
        status = IncidentStatus.IN_PROGRESS if engineer is not None else IncidentStatus.QUEUED
    else:
        status = IncidentStatus.AWAITING_PAYMENT
    return {"status": status, "engineer": engineer, "resolution": None, "resolution_note": "",
            "resolved_at": None, "resolved_by": None, "closed_at": None,
            "reopen_count": incident.reopen_count + 1}


@in_transaction
def reopen_by_email_in_tx(actor: Actor | None, incident: t.Incident, sender: str,
                          extra: str = "") -> None:
    """Re-open a resolved incident because its customer wrote again: the same aspect, the same
    incident, no new charge; the funding stays as it was (caller's transaction)."""
    update_incident(actor, incident, _reopen_changes(incident), action="incident.reopen")
    system_entry(actor, incident, f"Re-opened by an e-mail from {sender} (no new charge)"
                                + (f"; {extra}" if extra else "."))


def follow_merges(incident: t.Incident) -> t.Incident:
    """The incident a merged one ended in (a chain of merges followed to its end)."""
    seen = {incident.id}
    while opt_fk_id(incident, "merged_into") is not None:
        target = int(opt_fk_id(incident, "merged_into") or 0)
        if target in seen:
            break
        seen.add(target)
        incident = t.Incident.get_by_id(target)
    return incident


def _threaded_incident(parsed: ParsedMessage) -> tuple[int | None, str]:
    """The incident a message replies to, by In-Reply-To, then References (newest first),
    then the reference in its subject; and, when the subject names an incident the sender
    may not write onto, why it was not threaded.

    Message-IDs cannot be guessed; an incident's reference can. A subject's reference counts
    only from an address of that incident's customer (one of its contacts or its own), as a
    caller on the phone is asked who they are: a stranger naming INC-000001 re-opens nothing
    and reads nothing of it."""
    wanted = [i for i in (parsed.in_reply_to, *reversed(parsed.references)) if i]
    if wanted:
        found: dict[str, int] = dict(tuples(
            t.EmailMessage.select(t.EmailMessage.message_id, t.EmailMessage.incident)
            .where(t.EmailMessage.message_id.in_(wanted)
                   & t.EmailMessage.incident.is_null(False))))
        for message_id in wanted:
            if message_id in found:
                return int(found[message_id]), ""
    reference = find_incident_reference(parsed.subject)
    if reference is None:
        return None, ""
    number = int(reference.split("-", 1)[1])
    row = (t.Incident.select(t.Incident.id, t.Incident.reference, t.Incident.customer)
           .where(t.Incident.reference == incident_reference(number)).tuples().first())
    if row is None:
        return None, ""
    incident_id, ref, customer_id = row
    if any(c.customer_id == customer_id for c in sender_candidates(parsed.from_address)
           if c.how == "contact address"):
        return int(incident_id), ""
    return None, (f"Names {ref} in its subject, but {parsed.from_address or 'the sender'} is "
                  "not an address of that incident's customer; it was not put on it.")


def _office_addresses() -> set[str]:
    settings = office_settings()
    return {a.strip().lower() for a in (settings.smtp_from, settings.smtp_user, settings.email,
                                        settings.imap_user) if a and "@" in a}


def _may_acknowledge(parsed: ParsedMessage) -> bool:
    address = parsed.from_address
    if parsed.auto_reply or "@" not in address or address in _office_addresses():
        return False
    local = address.split("@", 1)[0]
    if local in _NO_REPLY or local.startswith(("noreply", "no-reply")):
        return False
    m = t.EmailMessage
    # An answer to one of the office's own automatic answers is never answered (a ticketing
    # system answering ours would otherwise go back and forth).
    answered = [i for i in (parsed.in_reply_to, *parsed.references) if i]
    if answered and m.select(m.id).where(m.message_id.in_(answered) & (m.direction == "out")
                                         & m.auto_reply).exists():
        return False
    # One automatic answer a day per address, however much it writes.
    return not (m.select(m.id)
                .where((m.direction == "out") & m.auto_reply & (m.to_addresses == address)
                       & (m.received_at > utcnow() - ACKNOWLEDGE_EVERY))
                .exists())


def _screened_file(file: ParsedAttachment) -> tuple[str, str, bytes, bool]:
    """A file as it may be stored: a text file with any full card number masked, a forwarded
    e-mail as its text (sender, subject, body; masked), anything else as it came. Returns the
    name, content type, bytes and whether a card number was masked."""
    name, masked = masked_text(" ".join(file.filename.split()), "filename")
    name = (name or "attachment")[:255]
    kind = file.content_type.split(";", 1)[0].strip().lower()
    if kind == "message/rfc822":
        inner = parse_message(file.data)
        text = (f"From: {who_wrote(inner.from_name, inner.from_address)}\n"
                f"Subject: {inner.subject}\n\n{inner.body_text}")
        if inner.attachments:
            text += (f"\n\n[The {len(inner.attachments)} file(s) attached to this forwarded "
                     "e-mail were not kept.]")
        screened = mask_card_numbers(text)
        stem = name[:-4] if name.lower().endswith(".eml") else name
        return (f"{stem[:250]}.txt", "text/plain", screened.encode("utf-8"),
                masked or screened != text)
    if kind.startswith("text/"):
        try:
            text = file.data.decode("utf-8")
        except UnicodeDecodeError:
            text = file.data.decode("cp1252", "replace")
        screened = mask_card_numbers(text)
        if screened != text:
            return name, kind, screened.encode("utf-8"), True
    return name, file.content_type[:127], file.data, masked


def _keep_attachments(message_id: int, files: Sequence[ParsedAttachment],
                      limit_kb: int) -> bool:
    """Store the files in order, keeping their bytes until the limit is reached; says
    whether a card number was masked in one of them."""
    room = max(0, limit_kb) * 1024
    kept = 0
    any_masked = False
    for position, file in enumerate(files, start=1):
        name, kind, data, masked = _screened_file(file)
        any_masked = any_masked or masked
        keep = kept + len(data) <= room
        if keep:
            kept += len(data)
        t.EmailAttachment.create(
            message=message_id, position=position, filename=name, content_type=kind,
            size_bytes=len(data), data=data if keep else None)
    return any_masked


def _capped(body: str) -> str:
    if len(body) <= MAX_TEXT:
        return body
    size = max(1, round(len(body.encode("utf-8", "replace")) / 1024))
    return (body[:MAX_TEXT].rstrip()
            + f"\n\n[… the rest of this message was not kept: it is {size} KB long]")


def _duplicate(parsed: ParsedMessage) -> int | None:
    """The message stored already with this Message-ID (a message without one has one made
    from its content, so the same message fetched again is known by it too). UIDs are not
    asked: they mean nothing once the office reads another folder or server."""
    value = (t.EmailMessage.select(t.EmailMessage.id)
             .where(t.EmailMessage.message_id == parsed.message_id).scalar())
    return int(value) if value is not None else None


def _is_flood(address: str, now: dt.datetime, limit: int) -> bool:
    if not address or limit <= 0:
        return False
    recent = (t.EmailMessage.select()
              .where((t.EmailMessage.from_address == address)
                     & (t.EmailMessage.received_at > now - dt.timedelta(hours=1))
                     & (t.EmailMessage.direction == "in"))
              .count())
    return bool(recent >= limit)


def _acknowledge(parsed: ParsedMessage, message: t.EmailMessage) -> None:
    settings = office_settings()
    office = settings.company_name or "our support desk"
    body = (f"Thank you for your message; it has reached {office} and will be looked at "
            "shortly. Please keep the subject line when you write again about it.")
    if settings.mail_signature:
        body += "\n\n" + settings.mail_signature
    subject = message.subject or "your message"
    subject = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    try:
        outgoing.queue_in_tx(None, to=parsed.from_address, subject=" ".join(subject.split()),
                             body=body, customer_id=opt_fk_id(message, "customer"),
                             in_reply_to=parsed.message_id,
                             references=(*parsed.references, parsed.message_id),
                             auto_reply=True)
    except ValidationError:
        # An address the outbox refuses (it checks before it writes): no acknowledgement.
        return


@retried
def receive(raw: bytes, *, uid_validity: int | None = None, uid: int | None = None) -> Received:
    """Store one message from the support mailbox, once, and put it where it belongs.

    A reply (by In-Reply-To, References or the subject's ``[INC-…]``) goes on its incident's
    timeline: a resolved one is re-opened at no charge, a merged one's mail goes to the
    incident it was merged into; a closed one (unresolved, out of remit) is not re-opened and
    the message waits in triage with a note. Anything else waits in triage with its sender
    matched to a customer. A sender past the office's flood limit is held; an auto-reply is
    kept but never re-opens anything and is never answered. Card numbers in the subject and
    body are masked before anything is stored. The same Message-ID again (a message without one
    is known by its content) is a "duplicate" and changes nothing, even from two desks at once.
    """
    if not raw.strip():
        return Received(0, "ignored", None, None, "The message was empty; nothing was stored.")
    parsed = parse_message(raw)
    with transaction(), counts_in_one_pass():
        existing = _duplicate(parsed)
        if existing is not None:
            return Received(existing, "duplicate", None, None,
                            "This message was stored already; nothing was changed.")
        settings = office_settings()
        now = utcnow()
        subject, masked_subject = masked_text(" ".join(parsed.subject.split()), "subject")
        body, masked_body = masked_text(parsed.body_text, "message")
        name, masked_name = masked_text(" ".join(parsed.from_name.split()), "name")
        flood = _is_flood(parsed.from_address, now, int(settings.mail_flood_limit))
        try:
            with db.atomic():  # a savepoint: on PostgreSQL the transaction survives a refusal
                message = t.EmailMessage.create(
                    direction="in", state=TRIAGE, message_id=parsed.message_id,
                    in_reply_to=parsed.in_reply_to, reference_ids=" ".join(parsed.references),
                    uid_validity=uid_validity, uid=uid, from_address=parsed.from_address[:320],
                    from_name=name[:200], to_addresses=", ".join(parsed.to),
                    cc_addresses=", ".join(parsed.cc), subject=subject[:_MAX_SUBJECT],
                    body_text=_capped(body), sent_at=parsed.sent_at, received_at=now,
                    size_bytes=parsed.size_bytes, auto_reply=parsed.auto_reply,
                    masked=masked_subject or masked_body or masked_name)
        except peewee.IntegrityError:
            # Another desk stored it a moment ago (its transaction committed while ours
            # waited on the unique index): the same message, stored once.
            again = _duplicate(parsed)
            return Received(again or 0, "duplicate", None, None,
                            "This message was stored already; nothing was changed.")
        if _keep_attachments(message.id, parsed.attachments,
                             int(settings.mail_attachment_limit_kb)) and not message.masked:
            message.masked = True
            message.save()
        return _sort(parsed, message, flood, int(settings.mail_flood_limit),
                     bool(settings.mail_acknowledge))


def _match_customer(message: t.EmailMessage) -> None:
    candidates = sender_candidates(message.from_address)
    if len(candidates) == 1 or (candidates and candidates[0].how == "contact address"):
        _set(message, customer=candidates[0].customer_id, contact=candidates[0].contact_id)


def _contact_of(customer_id: int, address: str) -> int | None:
    # One customer's current contacts (by its foreign key's index), compared exactly.
    for contact_id, email in tuples(
            t.Contact.select(t.Contact.id, t.Contact.email)
            .where((t.Contact.customer == customer_id) & t.Contact.retired_at.is_null())
            .order_by(t.Contact.is_primary.desc(), t.Contact.id)):
        if (email or "").strip().lower() == address:
            return int(contact_id)
    return None


def _sort(parsed: ParsedMessage, message: t.EmailMessage, flood: bool, flood_limit: int,
          acknowledge: bool) -> Received:
    """Decide where a just-stored message goes (inside ``receive``'s transaction)."""
    sender = who_wrote(message.from_name, message.from_address)
    if flood:
        _match_customer(message)
        message.state = HELD
        message.note = (f"Held: {message.from_address} has sent more than {flood_limit} "
                        "messages within an hour.")
        message.save()
        return Received(message.id, HELD, None, None, message.note)
    found, refused = _threaded_incident(parsed)
    if refused:
        message.note = refused
    if found is not None:
        # Only the incident the mail ends on is locked: a merged one never changes again, and
        # locking it too would take two incidents' locks against the ascending id order.
        incident = lock_incident(follow_merges(t.Incident.get_by_id(found)).id)
        while opt_fk_id(incident, "merged_into") is not None:  # merged while we looked
            incident = lock_incident(follow_merges(incident).id)
        status = status_of(incident)
        resolution = Resolution(incident.resolution) if incident.resolution else None
        note = ""
        outcome = FILED
        if status is IncidentStatus.CLOSED:
            how = ("out of remit" if resolution is Resolution.OUT_OF_REMIT else
                   "unresolved" if resolution is Resolution.UNRESOLVED else "closed")
            note = (f"A reply about {incident.reference}, which was closed ({how}); it was "
                    "not re-opened.")
        elif status is IncidentStatus.RESOLVED and message.auto_reply:
            note = (f"An automatic reply about {incident.reference}, which is resolved; it was "
                    "not re-opened.")
        elif status is IncidentStatus.RESOLVED:
            reopen_by_email_in_tx(None, incident, sender)
            outcome = "reopened"
        if not note:
            _set(message, state=FILED, incident=incident.id,
                 customer=fk_id(incident, "customer"),
                 contact=_contact_of(fk_id(incident, "customer"), message.from_address),
                 note=f"Replied to {incident.reference}.")
            message.save()
            file_in_tx(message, incident)
            text = (f"Re-opened {incident.reference} (no new charge)." if outcome == "reopened"
                    else f"Filed on {incident.reference}.")
            return Received(message.id, outcome, incident.id, incident.reference, text)
        message.note = note
    _match_customer(message)
    message.save()
    if acknowledge and _may_acknowledge(parsed):
        _acknowledge(parsed, message)
    return Received(message.id, TRIAGE, None, None,
                    message.note or "The message waits in triage to be sorted.")
