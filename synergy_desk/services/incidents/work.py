"""Working an incident: assigning it, starting (or resuming) work once it is funded, waiting on
the customer, and adding calls, notes, e-mails and remote sessions to its timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from synergy_desk.domain.enums import (
    IncidentStatus,
    TimelineKind,
)
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.zones import format_datetime
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    ENGINEERS,
    EVERYONE,
    Actor,
    audit,
    get_or_404,
    opt_fk_id,
    require,
    retried,
    transaction,
)
from synergy_desk.services.incident_state import lock_incident, update_incident
from synergy_desk.services.incidents import fields
from synergy_desk.services.incidents.changes import (
    PAYABLE_KINDS,
    IncidentRef,
    TimelineResult,
    add_entry,
    assignment_changes,
    changing,
    funding_required,
    is_funded,
    not_merged,
    ref_of,
    refuse_support_unless_funded,
    reindex,
    status_of,
    system_entry,
    touch,
    user_name,
)
from synergy_desk.services.office.office_time import office_zone

__all__ = [
    "PERSON_KINDS", "ENGINEER_KINDS", "assign", "claim", "start_work", "resume",
    "wait_on_customer", "add_timeline_entry", "set_entry_for_customer",
]


#: What anyone at the desk may put on a timeline: calls and notes ("log calls" is everyone's).
PERSON_KINDS = (TimelineKind.PHONE_IN, TimelineKind.PHONE_OUT, TimelineKind.NOTE)


#: Logging e-mails and remote sessions is working the incident: engineers and managers only.
ENGINEER_KINDS = (TimelineKind.EMAIL_IN, TimelineKind.EMAIL_OUT, TimelineKind.REMOTE_SESSION)


@retried
def assign(actor: Actor, incident_id: int, engineer_id: int | None,
           expected_version: int | None = None) -> IncidentRef:
    """Give an open incident to an engineer, or take it off them (``None``).

    An incident in progress that nobody holds goes back to the queue.

    Raises:
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    with changing(actor, incident_id, ENGINEERS, "assign incidents",
                  expected_version=expected_version, open_for="assign it") as incident:
        changes, text = assignment_changes(actor, incident, engineer_id)
        if changes["engineer"] == opt_fk_id(incident, "engineer") and "status" not in changes:
            return ref_of(incident)
        update_incident(actor, incident, changes, action="incident.assign",
                       expected_version=expected_version)
        system_entry(actor, incident, text)
        return ref_of(incident)


@retried
def claim(actor: Actor, incident_id: int, expected_version: int | None = None) -> IncidentRef:
    """Take an open incident for oneself."""
    with transaction():
        require(actor, ENGINEERS, "take incidents")
        return assign(actor, incident_id, actor.id, expected_version)


@retried
def start_work(actor: Actor, incident_id: int,
               expected_version: int | None = None) -> IncidentRef:
    """Start (or resume) work: a funded incident that is queued or waiting goes in progress.

    Raises:
        FundingRequired: the incident is not funded; support is paid before it is given.
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    with changing(actor, incident_id, ENGINEERS, "start work on incidents",
                  expected_version=expected_version, open_for="start work on it") as incident:
        if not is_funded(incident):
            raise funding_required(incident, "work starts")
        status = status_of(incident)
        if status is IncidentStatus.IN_PROGRESS:
            holder = user_name(opt_fk_id(incident, "engineer")) or "nobody"
            raise ValidationError(f"{incident.reference} is already in progress ({holder}).")
        if status not in (IncidentStatus.QUEUED, IncidentStatus.WAITING_ON_CUSTOMER):
            raise ValidationError(
                f"{incident.reference} is {status.label.lower()}; it cannot be started.")
        changes: dict[str, Any] = {"status": IncidentStatus.IN_PROGRESS}
        if opt_fk_id(incident, "engineer") is None:
            changes["engineer"] = actor.id
        if incident.work_started_at is None:
            changes["work_started_at"] = utcnow()
        resumed = status is IncidentStatus.WAITING_ON_CUSTOMER
        update_incident(actor, incident, changes, action="incident.start",
                       expected_version=expected_version)
        system_entry(actor, incident,
                     f"Work {'resumed' if resumed else 'started'} by {actor.full_name}.")
        return ref_of(incident)


#: Resuming after waiting on the customer is starting work again.
resume = start_work


@retried
def wait_on_customer(actor: Actor, incident_id: int, note: str = "",
                     expected_version: int | None = None) -> IncidentRef:
    """Park a funded incident until the customer comes back (an answer, a file, a test).

    Raises:
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    with changing(actor, incident_id, ENGINEERS, "put incidents on hold for the customer",
                  expected_version=expected_version,
                  open_for="wait on the customer") as incident:
        status = status_of(incident)
        if status not in (IncidentStatus.IN_PROGRESS, IncidentStatus.QUEUED):
            if status is IncidentStatus.AWAITING_PAYMENT:
                raise funding_required(incident, "it can wait on the customer")
            raise ValidationError(f"{incident.reference} is already waiting on the customer.")
        text, masked = fields.masked_text(note, "note")
        update_incident(actor, incident, {"status": IncidentStatus.WAITING_ON_CUSTOMER},
                       action="incident.wait", expected_version=expected_version)
        system_entry(actor, incident, "Waiting on the customer" + (f": {text}" if text else "."))
        reindex(incident)
        return ref_of(incident, [fields.MASKED.format(what="note") if masked else ""])


@retried
def add_timeline_entry(actor: Actor, incident_id: int, kind: TimelineKind | str, text: str,
                       duration_seconds: int = 0,
                       occurred_at: dt.datetime | None = None, *,
                       for_customer: bool | None = None,
                       about_payment: bool = False) -> TimelineResult:
    """Add a call, note, e-mail or remote session to an incident's timeline.

    Anyone may log phone calls and notes; e-mails and remote sessions are engineers' work.
    Support is paid before it is given: while the incident is unfunded only the intake is
    logged on it (calls and e-mails in, notes, and an outgoing call or e-mail marked
    ``about_payment``); a remote session or any other outgoing call or reply is refused, for
    every role, as starting work is. A full card number in the text is masked
    (``masked=True``) and never stored. ``for_customer`` says whether what the customer is
    given (their summary, e-mails) carries the entry; ``None`` takes the kind's default:
    calls, e-mails and remote sessions yes, notes no (see ``domain.timeline``).

    Raises:
        FundingRequired: support work on an unfunded incident.
        ValidationError, NotFound, PermissionDenied.
    """
    with transaction():
        require(actor, EVERYONE, "log calls and notes")
        try:
            kind = TimelineKind(kind)
        except ValueError:
            raise ValidationError(f"“{kind}” is not a kind of timeline entry.", "kind") from None
        if kind is TimelineKind.SYSTEM:
            raise ValidationError("Events are written by the program, not typed in.", "kind")
        incident = lock_incident(incident_id)
        not_merged(incident, "add to its timeline")
        # The same refusal for every role, before the role is looked at.
        about = bool(about_payment) and kind in PAYABLE_KINDS
        refuse_support_unless_funded(incident, kind, about)
        if kind in ENGINEER_KINDS:
            require(actor, ENGINEERS, f"log {kind.label.lower()}s")
        body, masked = fields.masked_text(text, "text", required=True)
        entry = add_entry(actor, incident.id, kind, body,
                          duration_seconds=fields.duration(duration_seconds),
                          occurred_at=fields.occurred_at(occurred_at),
                          for_customer=_flag(for_customer), about_payment=about)
        touch(incident)
        reindex(incident)
        message = fields.MASKED.format(what="text") if masked else ""
        return TimelineResult(entry.id, ref_of(incident, [message]), masked, message)



def _flag(value: bool | None) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError("Say yes or no: is the entry for the customer?", "for_customer")


@retried
def set_entry_for_customer(actor: Actor, entry_id: int, for_customer: bool) -> TimelineResult:
    """Mark a call, note, e-mail or remote session for the customer, or back to staff only.

    Whoever may log an entry of its kind may change who sees it; the program's own events
    follow the rule of ``domain.timeline`` and are not changed by hand. Audited, and said on
    the timeline (as an internal event).

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    with transaction():
        require(actor, EVERYONE, "mark timeline entries for the customer")
        wanted = _flag(for_customer)
        if wanted is None:
            raise ValidationError("Say yes or no: is the entry for the customer?",
                                  "for_customer")
        entry = get_or_404(t.TimelineEntry, entry_id, "timeline entry")
        kind = TimelineKind(entry.kind)
        if kind is TimelineKind.SYSTEM:
            raise ValidationError(
                "Events are written by the program; which of them the customer sees is fixed.",
                "entry")
        if kind in ENGINEER_KINDS:
            require(actor, ENGINEERS, f"change who sees {kind.label.lower()}s")
        incident = lock_incident(entry.__data__["incident"])
        not_merged(incident, "change its timeline")
        # Re-read under the incident's lock: two desks toggling see each other's change.
        entry = t.TimelineEntry.get_by_id(entry_id)
        if bool(entry.for_customer) is not wanted:
            (t.TimelineEntry.update(for_customer=wanted)
             .where(t.TimelineEntry.id == entry.id).execute())
            audit(actor, "incident.for_customer", "incident", incident.id,
                  before={"entry": entry.id, "for_customer": bool(entry.for_customer)},
                  after={"entry": entry.id, "for_customer": wanted})
            when = format_datetime(entry.occurred_at, office_zone().key)
            system_entry(actor, incident,
                         f"{kind.label} of {when} "
                         f"{'marked for the customer' if wanted else 'made internal (staff only)'}"
                         f" by {actor.full_name}.")
            touch(incident)
        return TimelineResult(entry.id, ref_of(incident), False)
