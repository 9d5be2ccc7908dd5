"""Incidents from first call to resolution: log calls, work, split, merge, resolve, re-open."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from peewee import JOIN, fn

from synergy_desk.domain.cards import mask_card_numbers, refuse_card_numbers
from synergy_desk.domain.enums import (
    RESOLVING,
    EnhancementStatus,
    EscalationStatus,
    FundingKind,
    IncidentStatus,
    Priority,
    Resolution,
    Role,
    TimelineKind,
)
from synergy_desk.domain.errors import (
    ConflictError,
    FundingRequired,
    ValidationError,
)
from synergy_desk.domain.numbers import incident_reference
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services import funding, search_index
from synergy_desk.services.common import (
    ENGINEERS,
    EVERYONE,
    MANAGERS,
    Actor,
    audit,
    fk_id,
    get_or_404,
    next_number,
    opt_fk_id,
    require,
    snapshot,
    transaction,
    tuples,
)
from synergy_desk.services.incident_state import bump_count, update_incident

__all__ = [
    "IncidentRef", "LogCallInput", "EscalationInput", "TimelineResult", "TimelineRow",
    "IncidentLink", "IncidentDetail", "log_call", "create_incident", "edit_incident", "assign",
    "claim", "start_work", "resume", "add_timeline_entry", "wait_on_customer", "split", "merge",
    "resolve", "close_unresolved", "reopen", "out_of_remit", "incident_detail",
    "PERSON_KINDS", "ENGINEER_KINDS",
]

#: What anyone at the desk may put on a timeline: calls and notes ("log calls" is everyone's).
PERSON_KINDS = (TimelineKind.PHONE_IN, TimelineKind.PHONE_OUT, TimelineKind.NOTE)
#: Logging e-mails and remote sessions is working the incident: engineers and managers only.
ENGINEER_KINDS = (TimelineKind.EMAIL_IN, TimelineKind.EMAIL_OUT, TimelineKind.REMOTE_SESSION)

MAX_SUBJECT = 200
MAX_TEXT = 20_000
MAX_DURATION_SECONDS = 24 * 60 * 60
#: How far ahead of this desk's clock a timeline entry may be dated (another desk's clock).
CLOCK_SKEW = dt.timedelta(minutes=5)

_MASKED = ("A card number in the {what} was masked to its last four digits; "
           "the full number was not stored.")
# Fields that only describe the save itself, not a change a person made.
_BOOKKEEPING = ("version", "last_activity_at")




# --- What the services return -------------------------------------------------------------


@dataclass(frozen=True)
class IncidentRef:
    """An incident after a change: enough for the window to refresh it.

    ``notices`` are one-line messages for the person who did it (a card number masked,
    funding from a contract, a re-opened incident, funding handed back).
    """

    id: int
    reference: str
    status: IncidentStatus
    funding: FundingKind
    version: int
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class LogCallInput:
    """A phone call taken at the desk.

    Either ``incident_id`` (continue one of the customer's incidents) or the details of a new
    incident (``product_id`` and ``subject``, one aspect of one product).
    """

    customer_id: int
    text: str = ""
    duration_seconds: int = 0
    contact_id: int | None = None
    incident_id: int | None = None
    product_id: int | None = None
    module_id: int | None = None
    product_version: str = ""
    subject: str = ""
    description: str = ""
    priority: Priority | str = Priority.NORMAL
    occurred_at: dt.datetime | None = None


@dataclass(frozen=True)
class EscalationInput:
    """What development needs to reproduce a suspected bug.

    ``product_id`` and ``product_version`` default to the incident's own.
    """

    steps_to_reproduce: str
    product_version: str | None = None
    product_id: int | None = None


@dataclass(frozen=True)
class TimelineResult:
    """A timeline entry just written; ``masked`` says a card number was taken out of it."""

    entry_id: int
    incident: IncidentRef
    masked: bool
    message: str = ""


@dataclass(frozen=True)
class TimelineRow:
    id: int
    kind: TimelineKind
    author_name: str
    occurred_at: dt.datetime
    duration_seconds: int
    text: str
    moved_from: str | None = None  # the reference it came from on a split or merge


@dataclass(frozen=True)
class IncidentLink:
    id: int
    reference: str


@dataclass(frozen=True)
class IncidentDetail:
    """Everything the detail pane shows about one incident."""

    id: int
    reference: str
    customer_id: int
    customer_name: str
    customer_account_code: str
    contact_id: int | None
    contact_name: str
    contact_phone: str
    product_id: int
    product_name: str
    module_id: int | None
    module_name: str
    product_version: str
    subject: str
    description: str
    status: IncidentStatus
    priority: Priority
    engineer_id: int | None
    engineer_name: str
    funding: FundingKind
    funding_description: str
    funded_at: dt.datetime | None
    resolution: Resolution | None
    resolution_note: str
    resolved_at: dt.datetime | None
    resolved_by_name: str
    closed_at: dt.datetime | None
    opened_at: dt.datetime
    last_activity_at: dt.datetime
    work_started_at: dt.datetime | None
    created_by_name: str
    reopen_count: int
    split_from: IncidentLink | None
    split_children: tuple[IncidentLink, ...]
    merged_into: IncidentLink | None
    merged_duplicates: tuple[IncidentLink, ...]
    enhancement_request_id: int | None
    enhancement_title: str
    escalation_id: int | None
    escalation_status: EscalationStatus | None
    version: int
    timeline: tuple[TimelineRow, ...]

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def is_funded(self) -> bool:
        return self.funding is not FundingKind.NONE


# --- Small helpers (inside the caller's transaction) ---------------------------------------


def _ref(incident: t.Incident, notices: Iterable[str] = ()) -> IncidentRef:
    return IncidentRef(incident.id, incident.reference, IncidentStatus(incident.status),
                       FundingKind(incident.funding), incident.version,
                       tuple(n for n in notices if n))


def _load(incident_id: int) -> t.Incident:
    """The incident, locked for the rest of the transaction."""
    return get_or_404(t.Incident, incident_id, "incident", lock=True)


def _load_pair(first_id: int, second_id: int) -> tuple[t.Incident, t.Incident]:
    # Lock in id order so two desks merging the same pair the other way round cannot deadlock.
    rows = {i: get_or_404(t.Incident, i, "incident", lock=True)
            for i in sorted({first_id, second_id})}
    return rows[first_id], rows[second_id]


def _status(incident: t.Incident) -> IncidentStatus:
    return IncidentStatus(incident.status)


def _is_funded(incident: t.Incident) -> bool:
    return FundingKind(incident.funding) is not FundingKind.NONE


def _masked_text(text: str | None, what: str, *, required: bool = False,
                 limit: int = MAX_TEXT) -> tuple[str, bool]:
    """Free text with any full card number masked; says whether one was."""
    raw = (text or "").strip()
    if required and not raw:
        raise ValidationError(f"Write the {what}.", what.replace(" ", "_"))
    if len(raw) > limit:
        raise ValidationError(f"The {what} is too long (at most {limit:,} characters).",
                              what.replace(" ", "_"))
    masked = mask_card_numbers(raw)
    return masked, masked != raw


def _subject(value: str | None) -> str:
    subject = " ".join((value or "").split())
    if not subject:
        raise ValidationError(
            "Give the incident a subject: the one problem or error message it is about.",
            "subject")
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(
            f"The subject is too long ({len(subject)} characters; at most {MAX_SUBJECT}). "
            "Keep it to the one aspect; details go in the description.", "subject")
    return refuse_card_numbers(subject, "subject")


def _description(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(f"The description is too long (at most {MAX_TEXT:,} characters).",
                              "description")
    return refuse_card_numbers(text, "description")


def _version_text(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > 40:
        raise ValidationError("The product version is too long (at most 40 characters).",
                              "product_version")
    return refuse_card_numbers(text, "product version")


def _priority(value: Priority | str | None) -> Priority:
    try:
        return Priority(value if value is not None else Priority.NORMAL)
    except ValueError:
        choices = ", ".join(p.value for p in Priority)
        raise ValidationError(f"“{value}” is not a priority; choose one of {choices}.",
                              "priority") from None


def _duration(value: int | None) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("The duration must be a whole number of seconds.",
                              "duration_seconds")
    if value < 0 or value > MAX_DURATION_SECONDS:
        raise ValidationError("The duration must be between 0 and 24 hours.", "duration_seconds")
    return value


def _occurred_at(value: dt.datetime | None) -> dt.datetime:
    now = utcnow()
    if value is None:
        return now
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    if value > now + CLOCK_SKEW:
        raise ValidationError("A timeline entry cannot be dated in the future.", "occurred_at")
    return value


def _product_and_module(product_id: int | None,
                        module_id: int | None) -> tuple[t.Product, t.Module | None]:
    if product_id is None:
        raise ValidationError("Choose the product the incident is about.", "product")
    product = get_or_404(t.Product, product_id, "product")
    if not product.active:
        raise ValidationError(f"{product.name} is no longer supported.", "product")
    module = None
    if module_id is not None:
        module = get_or_404(t.Module, module_id, "module")
        if fk_id(module, "product") != product.id:
            raise ValidationError(f"{module.name} is not a module of {product.name}.", "module")
    return product, module


def _customer(customer_id: int) -> t.Customer:
    return get_or_404(t.Customer, customer_id, "customer")


def _contact(customer: t.Customer, contact_id: int | None) -> t.Contact | None:
    if contact_id is None:
        return None
    contact = get_or_404(t.Contact, contact_id, "contact")
    if fk_id(contact, "customer") != customer.id:
        raise ValidationError(f"{contact.name} is not a contact of {customer.name}.", "contact")
    return contact


def _add_entry(actor: Actor | None, incident_id: int, kind: TimelineKind, text: str, *,
               duration_seconds: int = 0, occurred_at: dt.datetime | None = None,
               moved_from: int | None = None) -> t.TimelineEntry:
    now = utcnow()
    return t.TimelineEntry.create(
        incident=incident_id, kind=kind, author=actor.id if actor else None,
        occurred_at=occurred_at or now, duration_seconds=duration_seconds, text=text,
        moved_from=moved_from, created_at=now)


def _system(actor: Actor | None, incident: t.Incident, text: str) -> None:
    _add_entry(actor, incident.id, TimelineKind.SYSTEM, text)


def _touch(incident: t.Incident) -> None:
    """Mark activity without a new version: an added entry overwrites nobody's edit."""
    now = utcnow()
    t.Incident.update(last_activity_at=now).where(t.Incident.id == incident.id).execute()
    incident.last_activity_at = now


def _fund_from_contract(actor: Actor, incident: t.Incident) -> str:
    """Fund a new incident from the customer's contract, if one covers it (caller's transaction)."""
    contract = funding.covering_contract(fk_id(incident, "customer"),
                                        fk_id(incident, "product"))
    if contract is None:
        return ""
    funding.attach_funding(actor, incident, FundingKind.CONTRACT, contract=contract)
    return (f"{incident.reference} is covered by contract {contract.reference}; "
            "no payment is needed.")


def _create(actor: Actor, customer: t.Customer, contact: t.Contact | None, product: t.Product,
            module: t.Module | None, *, subject: str, description: str, product_version: str,
            priority: Priority, split_from: int | None = None) -> t.Incident:
    """A new, unfunded incident; counted and audited (caller's transaction)."""
    number = next_number("incident")
    now = utcnow()
    incident = t.Incident.create(
        number=number, reference=incident_reference(number), customer=customer.id,
        contact=contact.id if contact else None, product=product.id,
        module=module.id if module else None, product_version=product_version,
        subject=subject, description=description, status=IncidentStatus.AWAITING_PAYMENT,
        priority=priority, engineer=None, funding=FundingKind.NONE, split_from=split_from,
        opened_at=now, last_activity_at=now, created_by=actor.id, version=1)
    bump_count(IncidentStatus.AWAITING_PAYMENT, None, product.id, +1)
    audit(actor, "incident.create", "incident", incident.id, after=snapshot(incident))
    return incident


def _changes_since(incident: t.Incident,
                   expected_version: int) -> tuple[dict[str, tuple[object, object]], list[str]]:
    """What was changed, and by whom, since the version a person had open (from the audit log)."""
    rows = (t.AuditLog.select(t.AuditLog.before, t.AuditLog.after, t.User.full_name)
            .join(t.User, JOIN.LEFT_OUTER, on=(t.AuditLog.user == t.User.id))
            .where((t.AuditLog.entity == "incident")
                   & (t.AuditLog.entity_id == str(incident.id)))
            .order_by(t.AuditLog.id.desc()).limit(500))
    changes: dict[str, tuple[object, object]] = {}
    names: list[str] = []
    for before_text, after_text, who in tuples(rows):
        after = json.loads(after_text) if after_text else {}
        version = after.get("version") if isinstance(after, dict) else None
        if not isinstance(version, int):
            continue
        if version <= expected_version:
            break  # newest first: everything older was already seen by that person
        before = json.loads(before_text) if before_text else {}
        for key, value in after.items():
            if key in _BOOKKEEPING:
                continue
            old = before.get(key) if isinstance(before, dict) else None
            changes[key] = (old, changes[key][1]) if key in changes else (old, value)
        name = who or "another desk"
        if name not in names:
            names.append(name)
    names.reverse()
    return {k: v for k, v in changes.items() if v[0] != v[1]}, names


def _conflict(incident: t.Incident, expected_version: int) -> ConflictError:
    changes, names = _changes_since(incident, expected_version)
    who = " and ".join(names) if names else "another desk"
    what = ", ".join(k.replace("_", " ") for k in changes) or "its details"
    return ConflictError(
        f"{incident.reference} was changed by {who} while you had it open ({what}); "
        "nothing of yours was saved. Reload it and try again.",
        changes=changes, changed_by=who)


def _check_version(incident: t.Incident, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != incident.version:
        raise _conflict(incident, expected_version)


def _update(actor: Actor, incident: t.Incident, changes: dict[str, Any], *, action: str,
            expected_version: int | None = None) -> t.Incident:
    """update_incident, with the conflict message naming what the other person changed."""
    _check_version(incident, expected_version)
    try:
        return update_incident(actor, incident, changes, action=action,
                               expected_version=expected_version)
    except ConflictError:
        fresh = t.Incident.get_by_id(incident.id)
        raise _conflict(fresh, incident.version) from None


def _not_merged(incident: t.Incident, doing: str) -> None:
    if opt_fk_id(incident, "merged_into") is not None:
        survivor = t.Incident.get_by_id(opt_fk_id(incident, "merged_into"))
        raise ValidationError(
            f"{incident.reference} was merged into {survivor.reference}; {doing} there instead.")


def _require_open(incident: t.Incident, doing: str) -> None:
    _not_merged(incident, doing)
    status = _status(incident)
    if status is IncidentStatus.RESOLVED:
        raise ValidationError(
            f"{incident.reference} is resolved; re-open it before you {doing}.")
    if status is IncidentStatus.CLOSED:
        raise ValidationError(f"{incident.reference} is closed; you cannot {doing}.")


def _funding_required(incident: t.Incident, doing: str) -> FundingRequired:
    return FundingRequired(
        f"{incident.reference} is not funded: take a payment, redeem a season ticket, apply the "
        f"customer's contract or ask a manager for a waiver before {doing}.")


def _user_name(user_id: int | None) -> str:
    if user_id is None:
        return ""
    name = t.User.select(t.User.full_name).where(t.User.id == user_id).scalar()
    return str(name or "")


def _reopen_changes(actor: Actor, incident: t.Incident) -> dict[str, Any]:
    """Back to work after a resolution or an unresolved close; the funding stays as it was."""
    engineer = opt_fk_id(incident, "engineer")
    if _is_funded(incident):
        if engineer is None and actor.role in ENGINEERS:
            engineer = actor.id
        status = IncidentStatus.IN_PROGRESS if engineer is not None else IncidentStatus.QUEUED
    else:
        status = IncidentStatus.AWAITING_PAYMENT
    return {"status": status, "engineer": engineer, "resolution": None, "resolution_note": "",
            "resolved_at": None, "resolved_by": None, "closed_at": None,
            "reopen_count": incident.reopen_count + 1}


def _index(*incidents: t.Incident) -> None:
    for incident in incidents:
        search_index.index_incident(incident.id)


# --- Logging calls and creating incidents --------------------------------------------------


def log_call(actor: Actor, call: LogCallInput) -> IncidentRef:
    """Log a phone call: continue one of the customer's incidents or open a new one.

    A call about a resolved incident re-opens it with no new charge. A new incident starts
    unfunded (awaiting payment) unless an active contract of the customer covers its product.
    A full card number in the call notes is masked before it is stored.

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    require(actor, EVERYONE, "log calls")
    notices: list[str] = []
    with transaction():
        customer = _customer(call.customer_id)
        contact = _contact(customer, call.contact_id)
        text, masked = _masked_text(call.text, "call notes")
        duration = _duration(call.duration_seconds)
        occurred_at = _occurred_at(call.occurred_at)
        if masked:
            notices.append(_MASKED.format(what="call notes"))
        if call.incident_id is not None:
            incident = _load(call.incident_id)
            if fk_id(incident, "customer") != customer.id:
                raise ValidationError(
                    f"{incident.reference} belongs to another customer, not {customer.name}.",
                    "incident")
            _not_merged(incident, "log the call")
            status = _status(incident)
            if status is IncidentStatus.CLOSED:
                raise ValidationError(
                    f"{incident.reference} is closed. Log the call as a new incident, or ask "
                    "an engineer to re-open it.", "incident")
            if status is IncidentStatus.RESOLVED:
                _update(actor, incident, _reopen_changes(actor, incident),
                        action="incident.reopen")
                _system(actor, incident,
                        f"Re-opened by a call from the customer (no new charge), "
                        f"logged by {actor.full_name}.")
                notices.append(f"{incident.reference} was resolved; the call re-opened it "
                               "with no new charge.")
            else:
                _touch(incident)
        else:
            product, module = _product_and_module(call.product_id, call.module_id)
            incident = _create(
                actor, customer, contact, product, module, subject=_subject(call.subject),
                description=_description(call.description),
                product_version=_version_text(call.product_version),
                priority=_priority(call.priority))
            notices.append(_fund_from_contract(actor, incident))
        entry = _add_entry(actor, incident.id, TimelineKind.PHONE_IN, text,
                           duration_seconds=duration, occurred_at=occurred_at)
        audit(actor, "incident.log_call", "incident", incident.id,
              after={"entry": entry.id, "kind": TimelineKind.PHONE_IN,
                     "duration_seconds": duration, "masked_card_number": masked})
        _index(incident)
        return _ref(incident, notices)


def create_incident(actor: Actor, customer_id: int, product_id: int, subject: str, *,
                    contact_id: int | None = None, module_id: int | None = None,
                    product_version: str = "", description: str = "",
                    priority: Priority | str = Priority.NORMAL) -> IncidentRef:
    """Open an incident without a call (from an e-mail, say); funded at once by a contract.

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    require(actor, EVERYONE, "create incidents")
    with transaction():
        customer = _customer(customer_id)
        contact = _contact(customer, contact_id)
        product, module = _product_and_module(product_id, module_id)
        incident = _create(actor, customer, contact, product, module, subject=_subject(subject),
                           description=_description(description),
                           product_version=_version_text(product_version),
                           priority=_priority(priority))
        notice = _fund_from_contract(actor, incident)
        _index(incident)
        return _ref(incident, [notice])


def edit_incident(actor: Actor, incident_id: int, expected_version: int, *,
                  subject: str | None = None, description: str | None = None,
                  priority: Priority | str | None = None, product_id: int | None = None,
                  module_id: int | None = None, product_version: str | None = None,
                  clear_module: bool = False) -> IncidentRef:
    """Save edits to an incident's details; ``None`` leaves a field as it is.

    Changing the product drops a module of the old product unless ``module_id`` is given;
    ``clear_module`` removes the module.

    Raises:
        ConflictError: someone saved the incident after ``expected_version``; names who and
            which fields; nothing is written.
        ValidationError, NotFound, PermissionDenied.
    """
    require(actor, EVERYONE, "edit incidents")
    with transaction():
        incident = _load(incident_id)
        _check_version(incident, expected_version)
        _not_merged(incident, "edit it")
        if _status(incident) is IncidentStatus.CLOSED:
            raise ValidationError(f"{incident.reference} is closed; its details are final.")
        changes: dict[str, Any] = {}
        if subject is not None:
            changes["subject"] = _subject(subject)
        if description is not None:
            changes["description"] = _description(description)
        if priority is not None:
            changes["priority"] = _priority(priority)
        if product_version is not None:
            changes["product_version"] = _version_text(product_version)
        new_product_id = product_id if product_id is not None else fk_id(incident, "product")
        if product_id is not None or module_id is not None or clear_module:
            keep_module = opt_fk_id(incident, "module")
            if clear_module:
                keep_module = None
            elif module_id is not None:
                keep_module = module_id
            elif product_id is not None and product_id != fk_id(incident, "product"):
                keep_module = None
            product, module = _product_and_module(new_product_id, keep_module)
            if product.id != fk_id(incident, "product"):
                _check_contract_still_covers(incident, product)
                changes["product"] = product.id
            if (module.id if module else None) != opt_fk_id(incident, "module"):
                changes["module"] = module.id if module else None
        changes = {k: v for k, v in changes.items() if _differs(incident, k, v)}
        if not changes:
            return _ref(incident)
        _update(actor, incident, changes, action="incident.edit",
                expected_version=expected_version)
        _index(incident)
        return _ref(incident)


def _differs(incident: t.Incident, name: str, value: Any) -> bool:
    current = incident.__data__.get(name)
    return bool(current != value)


def _check_contract_still_covers(incident: t.Incident, product: t.Product) -> None:
    contract_id = opt_fk_id(incident, "contract")
    if FundingKind(incident.funding) is not FundingKind.CONTRACT or contract_id is None:
        return
    contract = t.Contract.get_by_id(contract_id)
    covered = opt_fk_id(contract, "product")
    if covered is not None and covered != product.id:
        raise ValidationError(
            f"{incident.reference} is funded by contract {contract.reference}, which does not "
            f"cover {product.name}. Log the other product as a new incident.", "product")


# --- Working an incident -------------------------------------------------------------------


def _engineer(engineer_id: int) -> t.User:
    user = get_or_404(t.User, engineer_id, "user")
    if not user.active:
        raise ValidationError(f"{user.full_name} is no longer active.", "engineer")
    if Role(user.role) not in ENGINEERS:
        raise ValidationError(
            f"{user.full_name} works on reception; incidents go to engineers or managers.",
            "engineer")
    return user


def assign(actor: Actor, incident_id: int, engineer_id: int | None,
           expected_version: int | None = None) -> IncidentRef:
    """Give an open incident to an engineer, or take it off them (``None``).

    An incident in progress that nobody holds goes back to the queue.

    Raises:
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    require(actor, ENGINEERS, "assign incidents")
    with transaction():
        incident = _load(incident_id)
        _check_version(incident, expected_version)
        _require_open(incident, "assign it")
        changes: dict[str, Any] = {}
        if engineer_id is not None:
            user = _engineer(engineer_id)
            changes["engineer"] = user.id
            text = f"Assigned to {user.full_name} by {actor.full_name}."
        else:
            changes["engineer"] = None
            text = f"Unassigned by {actor.full_name}."
            if _status(incident) is IncidentStatus.IN_PROGRESS:
                changes["status"] = IncidentStatus.QUEUED
        if changes["engineer"] == opt_fk_id(incident, "engineer") and "status" not in changes:
            return _ref(incident)
        _update(actor, incident, changes, action="incident.assign",
                expected_version=expected_version)
        _system(actor, incident, text)
        return _ref(incident)


def claim(actor: Actor, incident_id: int, expected_version: int | None = None) -> IncidentRef:
    """Take an open incident for oneself."""
    require(actor, ENGINEERS, "take incidents")
    return assign(actor, incident_id, actor.id, expected_version)


def start_work(actor: Actor, incident_id: int,
               expected_version: int | None = None) -> IncidentRef:
    """Start (or resume) work: a funded incident that is queued or waiting goes in progress.

    Raises:
        FundingRequired: the incident is not funded; support is paid before it is given.
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    require(actor, ENGINEERS, "start work on incidents")
    with transaction():
        incident = _load(incident_id)
        _check_version(incident, expected_version)
        _require_open(incident, "start work on it")
        if not _is_funded(incident):
            raise _funding_required(incident, "work starts")
        status = _status(incident)
        if status is IncidentStatus.IN_PROGRESS:
            holder = _user_name(opt_fk_id(incident, "engineer")) or "nobody"
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
        _update(actor, incident, changes, action="incident.start",
                expected_version=expected_version)
        _system(actor, incident, f"Work {'resumed' if resumed else 'started'} by "
                                 f"{actor.full_name}.")
        return _ref(incident)


#: Resuming after waiting on the customer is starting work again.
resume = start_work


def wait_on_customer(actor: Actor, incident_id: int, note: str = "",
                     expected_version: int | None = None) -> IncidentRef:
    """Park a funded incident until the customer comes back (an answer, a file, a test).

    Raises:
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    require(actor, ENGINEERS, "put incidents on hold for the customer")
    with transaction():
        incident = _load(incident_id)
        _check_version(incident, expected_version)
        _require_open(incident, "wait on the customer")
        status = _status(incident)
        if status not in (IncidentStatus.IN_PROGRESS, IncidentStatus.QUEUED):
            if status is IncidentStatus.AWAITING_PAYMENT:
                raise _funding_required(incident, "it can wait on the customer")
            raise ValidationError(f"{incident.reference} is already waiting on the customer.")
        text, masked = _masked_text(note, "note")
        _update(actor, incident, {"status": IncidentStatus.WAITING_ON_CUSTOMER},
                action="incident.wait", expected_version=expected_version)
        _system(actor, incident, "Waiting on the customer" + (f": {text}" if text else "."))
        _index(incident)
        return _ref(incident, [_MASKED.format(what="note") if masked else ""])


def add_timeline_entry(actor: Actor, incident_id: int, kind: TimelineKind | str, text: str,
                       duration_seconds: int = 0,
                       occurred_at: dt.datetime | None = None) -> TimelineResult:
    """Add a call, note, e-mail or remote session to an incident's timeline.

    Anyone may log phone calls and notes; e-mails and remote sessions are engineers' work.
    A full card number in the text is masked (``masked=True``) and never stored.

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    require(actor, EVERYONE, "log calls and notes")
    try:
        kind = TimelineKind(kind)
    except ValueError:
        raise ValidationError(f"“{kind}” is not a kind of timeline entry.", "kind") from None
    if kind is TimelineKind.SYSTEM:
        raise ValidationError("Events are written by the program, not typed in.", "kind")
    if kind in ENGINEER_KINDS:
        require(actor, ENGINEERS, f"log {kind.label.lower()}s")
    with transaction():
        incident = _load(incident_id)
        _not_merged(incident, "add to its timeline")
        body, masked = _masked_text(text, "text", required=True)
        entry = _add_entry(actor, incident.id, kind, body,
                           duration_seconds=_duration(duration_seconds),
                           occurred_at=_occurred_at(occurred_at))
        _touch(incident)
        _index(incident)
        message = _MASKED.format(what="text") if masked else ""
        return TimelineResult(entry.id, _ref(incident, [message]), masked, message)


# --- Deciding what one incident is ---------------------------------------------------------


def split(actor: Actor, incident_id: int, entry_ids: Sequence[int], *, subject: str,
          product_id: int, description: str = "", module_id: int | None = None,
          product_version: str = "") -> IncidentRef:
    """Move some of an incident's entries to a new incident about another aspect.

    The new incident is for the same customer and starts unfunded: another aspect is another
    incident, paid for again (unless the customer's contract covers it).

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    require(actor, ENGINEERS, "split incidents")
    with transaction():
        incident = _load(incident_id)
        _not_merged(incident, "split it")
        if _status(incident) is IncidentStatus.CLOSED:
            raise ValidationError(f"{incident.reference} is closed; it cannot be split.")
        wanted = sorted(set(entry_ids))
        if not wanted:
            raise ValidationError("Choose at least one entry to move to the new incident.",
                                  "entries")
        entries = list(t.TimelineEntry.select()
                       .where(t.TimelineEntry.id.in_(wanted)
                              & (t.TimelineEntry.incident == incident.id)))
        if len(entries) != len(wanted):
            stray = sorted(set(wanted) - {e.id for e in entries})
            raise ValidationError(
                f"Entries {', '.join(map(str, stray))} are not on {incident.reference}.",
                "entries")
        if any(TimelineKind(e.kind) is TimelineKind.SYSTEM for e in entries):
            raise ValidationError(
                "Events record this incident's own history and stay with it; move calls, "
                "e-mails, notes and remote sessions.", "entries")
        staying = (t.TimelineEntry.select()
                   .where((t.TimelineEntry.incident == incident.id)
                          & (t.TimelineEntry.kind != TimelineKind.SYSTEM)
                          & t.TimelineEntry.id.not_in(wanted)).count())
        if staying == 0:
            raise ValidationError(
                f"At least one entry must stay on {incident.reference}; to move everything, "
                "edit its subject instead.", "entries")
        product, module = _product_and_module(product_id, module_id)
        customer = t.Customer.get_by_id(fk_id(incident, "customer"))
        contact = (t.Contact.get_by_id(opt_fk_id(incident, "contact"))
                   if opt_fk_id(incident, "contact") is not None else None)
        new = _create(actor, customer, contact, product, module, subject=_subject(subject),
                      description=_description(description),
                      product_version=_version_text(product_version),
                      priority=_priority(incident.priority), split_from=incident.id)
        (t.TimelineEntry.update(incident=new.id, moved_from=incident.id)
         .where(t.TimelineEntry.id.in_(wanted)).execute())
        n = len(wanted)
        noun = "entry" if n == 1 else "entries"
        _system(actor, incident, f"{n} {noun} split off into {new.reference} "
                                 f"({new.subject}) by {actor.full_name}.")
        _system(actor, new, f"Split from {incident.reference} by {actor.full_name}; "
                            f"{n} {noun} moved here.")
        audit(actor, "incident.split", "incident", incident.id,
              {"entries": wanted, "entries_on": incident.reference, "split_into": None},
              {"entries": wanted, "entries_on": new.reference, "split_into": new.reference,
               "new_incident": new.reference})
        _touch(incident)
        notice = _fund_from_contract(actor, new)
        _index(incident, new)
        if not notice:
            notice = (f"{new.reference} is a new incident and needs its own funding "
                      "before work starts.")
        return _ref(new, [notice])


def merge(actor: Actor, duplicate_id: int, survivor_id: int) -> str:
    """Merge a duplicate incident into the one that carries on.

    The duplicate's calls, e-mails and notes join the survivor's timeline in time order; the
    duplicate is closed as merged and its funding is handed back (a ticket incident is
    re-credited; a payment moves to the survivor if that is unfunded).

    Returns:
        One line saying what was done.

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    require(actor, ENGINEERS, "merge incidents")
    if duplicate_id == survivor_id:
        raise ValidationError("An incident cannot be merged into itself.")
    with transaction():
        duplicate, survivor = _load_pair(duplicate_id, survivor_id)
        if fk_id(duplicate, "customer") != fk_id(survivor, "customer"):
            raise ValidationError(
                f"{duplicate.reference} and {survivor.reference} are for different customers; "
                "only one customer's incidents can be merged.")
        for incident in (duplicate, survivor):
            _not_merged(incident, "merge with it")
            if _status(incident) is IncidentStatus.CLOSED:
                raise ValidationError(f"{incident.reference} is closed; it cannot be merged.")
        moving = [e.id for e in t.TimelineEntry.select(t.TimelineEntry.id)
                  .where((t.TimelineEntry.incident == duplicate.id)
                         & (t.TimelineEntry.kind != TimelineKind.SYSTEM))]
        if moving:
            (t.TimelineEntry.update(incident=survivor.id, moved_from=duplicate.id)
             .where(t.TimelineEntry.id.in_(moving)).execute())
        # Promised call-backs follow the conversation.
        moved_callbacks = (t.CallBack.update(incident=survivor.id)
                           .where((t.CallBack.incident == duplicate.id)
                                  & t.CallBack.done_at.is_null()).execute())
        handed_back = ""
        duplicate_funding = FundingKind(duplicate.funding)
        if _is_funded(duplicate):
            transfer = survivor if not _is_funded(survivor) else None
            handed_back = funding.hand_back_funding(
                actor, duplicate, f"Merged into {survivor.reference}", transfer_to=transfer)
        now = utcnow()
        _update(actor, duplicate, {
            "status": IncidentStatus.CLOSED, "resolution": Resolution.MERGED,
            "resolution_note": f"Duplicate of {survivor.reference}.",
            "merged_into": survivor.id, "closed_at": now}, action="incident.merge")
        n = len(moving)
        noun = "entry" if n == 1 else "entries"
        _system(actor, duplicate, f"Merged into {survivor.reference} by {actor.full_name}; "
                                  f"{n} {noun} moved there.")
        _system(actor, survivor, f"{duplicate.reference} merged into this incident by "
                                 f"{actor.full_name}; {n} {noun} moved here.")
        _touch(survivor)
        audit(actor, "incident.merge", "incident", survivor.id,
              {"entries": moving, "entries_on": duplicate.reference,
               "duplicate": duplicate.reference, "duplicate_funding": duplicate_funding,
               "merged_in": None},
              {"entries": moving, "entries_on": survivor.reference,
               "duplicate": duplicate.reference, "callbacks": moved_callbacks,
               "duplicate_funding": FundingKind(duplicate.funding), "funding": handed_back,
               "merged_in": duplicate.reference})
        _index(duplicate, survivor)
        summary = f"{duplicate.reference} merged into {survivor.reference}: {n} {noun} moved"
        if handed_back:
            summary += f"; {handed_back.rstrip('.')}"
        return summary + "."


# --- Resolving and closing -----------------------------------------------------------------


def _resolution(value: Resolution | str) -> Resolution:
    try:
        resolution = Resolution(value)
    except ValueError:
        resolution = None
    if resolution not in RESOLVING:
        names = ", ".join(r.label for r in RESOLVING)
        raise ValidationError(f"An incident is resolved with one of: {names}.", "resolution")
    assert resolution is not None
    return resolution


def _enhancement(actor: Actor, incident: t.Incident, request_id: int | None,
                 title: str | None, note: str) -> tuple[t.EnhancementRequest, bool]:
    """The request this incident counts towards, created if new (caller's transaction)."""
    if (request_id is None) == (not (title or "").strip()):
        raise ValidationError(
            "Choose an existing enhancement request or give the title of a new one.",
            "enhancement")
    created = False
    if request_id is not None:
        request = get_or_404(t.EnhancementRequest, request_id, "enhancement request", lock=True)
        if fk_id(request, "product") != fk_id(incident, "product"):
            raise ValidationError(
                f"Enhancement request “{request.title}” is for another product.", "enhancement")
    else:
        clean = " ".join((title or "").split())
        if len(clean) > 200:
            raise ValidationError("The request's title is too long (at most 200 characters).",
                                  "enhancement_title")
        now = utcnow()
        request = t.EnhancementRequest.create(
            product=fk_id(incident, "product"), title=refuse_card_numbers(clean, "request title"),
            description=note, status=EnhancementStatus.OPEN, customer_count=0,
            created_by=actor.id, created_at=now, updated_at=now)
        audit(actor, "enhancement.create", "enhancement_request", request.id,
              after=snapshot(request))
        created = True
    exists = (t.EnhancementRequestCustomer.select()
              .where((t.EnhancementRequestCustomer.request == request.id)
                     & (t.EnhancementRequestCustomer.incident == incident.id)).exists())
    if not exists:
        t.EnhancementRequestCustomer.create(request=request.id, customer=fk_id(incident, "customer"),
                                            incident=incident.id, added_by=actor.id,
                                            added_at=utcnow())
    count = (t.EnhancementRequestCustomer
             .select(fn.COUNT(t.EnhancementRequestCustomer.customer.distinct()))
             .where(t.EnhancementRequestCustomer.request == request.id).scalar())
    if count != request.customer_count:
        before = request.customer_count
        (t.EnhancementRequest.update(customer_count=count, updated_at=utcnow())
         .where(t.EnhancementRequest.id == request.id).execute())
        request.customer_count = count
        audit(actor, "enhancement.count", "enhancement_request", request.id,
              {"customer_count": before}, {"customer_count": count})
    return request, created


def _escalate(actor: Actor, incident: t.Incident, escalation: EscalationInput | None,
              note: str) -> tuple[t.Escalation, bool]:
    if escalation is None:
        raise ValidationError(
            "An escalation needs the product, its version and the steps to reproduce.",
            "escalation")
    steps, _ = _masked_text(escalation.steps_to_reproduce, "steps to reproduce", required=True)
    product_id = escalation.product_id or fk_id(incident, "product")
    product, _ = _product_and_module(product_id, None)
    version = _version_text(escalation.product_version
                            if escalation.product_version is not None
                            else incident.product_version)
    if not version:
        raise ValidationError("Give the version of the product the bug was seen in.",
                              "product_version")
    now = utcnow()
    existing = t.Escalation.get_or_none(t.Escalation.incident == incident.id)
    if existing is not None:
        # A re-opened incident escalated again: development looks at it afresh.
        before = snapshot(existing)
        (t.Escalation.update(product=product.id, product_version=version,
                             steps_to_reproduce=steps, status=EscalationStatus.OPEN,
                             updated_at=now)
         .where(t.Escalation.id == existing.id).execute())
        row = t.Escalation.get_by_id(existing.id)
        audit(actor, "escalation.reopen", "escalation", row.id, before, snapshot(row))
        return row, False
    row = t.Escalation.create(incident=incident.id, product=product.id, product_version=version,
                              steps_to_reproduce=steps, status=EscalationStatus.OPEN,
                              created_by=actor.id, created_at=now, updated_at=now)
    audit(actor, "escalation.create", "escalation", row.id, after=snapshot(row))
    return row, True


def resolve(actor: Actor, incident_id: int, resolution: Resolution | str, note: str, *,
            enhancement_request_id: int | None = None, enhancement_title: str | None = None,
            escalation: EscalationInput | None = None,
            expected_version: int | None = None) -> IncidentRef:
    """Resolve a funded incident with one of the four resolutions and a written note.

    An enhancement request adds the customer to a request on the register (or starts one);
    an escalation lands on the escalation register with what development needs.

    Raises:
        FundingRequired: the incident was never funded (support is paid before it is given).
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    require(actor, ENGINEERS, "resolve incidents")
    kind = _resolution(resolution)
    with transaction():
        incident = _load(incident_id)
        _check_version(incident, expected_version)
        _require_open(incident, "resolve it")
        if not _is_funded(incident):
            raise _funding_required(incident, "it can be resolved")
        text, masked = _masked_text(note, "resolution note", required=True)
        notices = [_MASKED.format(what="resolution note") if masked else ""]
        now = utcnow()
        changes: dict[str, Any] = {"status": IncidentStatus.RESOLVED, "resolution": kind,
                                   "resolution_note": text, "resolved_at": now,
                                   "resolved_by": actor.id, "closed_at": None}
        if incident.work_started_at is None:
            changes["work_started_at"] = now
        if opt_fk_id(incident, "engineer") is None:
            changes["engineer"] = actor.id
        if kind is Resolution.ENHANCEMENT:
            request, created = _enhancement(actor, incident, enhancement_request_id,
                                            enhancement_title, text)
            changes["enhancement_request"] = request.id
            customers = request.customer_count
            notices.append(
                f"{'New e' if created else 'E'}nhancement request “{request.title}”: "
                f"{customers} customer{'s' if customers != 1 else ''} asking.")
        elif kind is Resolution.ESCALATED:
            row, created = _escalate(actor, incident, escalation, text)
            notices.append(f"Escalated to development (escalation {row.id}).")
        _update(actor, incident, changes, action="incident.resolve",
                expected_version=expected_version)
        _system(actor, incident, f"Resolved — {kind.label}: {text}")
        _index(incident)
        return _ref(incident, notices)


def close_unresolved(actor: Actor, incident_id: int, reason: str,
                     expected_version: int | None = None) -> IncidentRef:
    """Close an open incident that cannot be resolved, with the reason.

    Raises:
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    require(actor, ENGINEERS, "close incidents")
    with transaction():
        incident = _load(incident_id)
        _check_version(incident, expected_version)
        _require_open(incident, "close it")
        text, masked = _masked_text(reason, "reason", required=True)
        _update(actor, incident, {
            "status": IncidentStatus.CLOSED, "resolution": Resolution.UNRESOLVED,
            "resolution_note": text, "closed_at": utcnow()},
            action="incident.close", expected_version=expected_version)
        _system(actor, incident, f"Closed unresolved by {actor.full_name}: {text}")
        _index(incident)
        return _ref(incident, [_MASKED.format(what="reason") if masked else ""])


def reopen(actor: Actor, incident_id: int, note: str = "",
           expected_version: int | None = None) -> IncidentRef:
    """Re-open a resolved incident, or one closed unresolved; the customer is not charged again.

    Raises:
        ValidationError: merged or out-of-remit incidents stay closed.
        NotFound, PermissionDenied, ConflictError.
    """
    require(actor, ENGINEERS, "re-open incidents")
    with transaction():
        incident = _load(incident_id)
        _check_version(incident, expected_version)
        _not_merged(incident, "re-open that one")
        status = _status(incident)
        resolution = Resolution(incident.resolution) if incident.resolution else None
        if status.is_open:
            raise ValidationError(f"{incident.reference} is open already.")
        if resolution is Resolution.OUT_OF_REMIT:
            raise ValidationError(
                f"{incident.reference} was closed as out of remit and its funding handed back; "
                "it cannot be re-opened.")
        if status is IncidentStatus.CLOSED and resolution is not Resolution.UNRESOLVED:
            raise ValidationError(f"{incident.reference} is closed and cannot be re-opened.")
        text, masked = _masked_text(note, "note")
        _update(actor, incident, _reopen_changes(actor, incident), action="incident.reopen",
                expected_version=expected_version)
        _system(actor, incident, f"Re-opened by {actor.full_name} (no new charge)"
                                 + (f": {text}" if text else "."))
        _index(incident)
        notices = [_MASKED.format(what="note") if masked else ""]
        if not _is_funded(incident):
            notices.append(_funding_required(incident, "work starts again").message)
        return _ref(incident, notices)


def out_of_remit(actor: Actor, incident_id: int, reason: str,
                 expected_version: int | None = None) -> IncidentRef:
    """Close an incident as outside what support covers and hand its funding back.

    A payment is refunded by credit note; a season-ticket incident is re-credited.

    Raises:
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    require(actor, MANAGERS, "close incidents as out of remit")
    with transaction():
        incident = _load(incident_id)
        _check_version(incident, expected_version)
        _not_merged(incident, "close that one")
        if _status(incident) is IncidentStatus.CLOSED:
            raise ValidationError(f"{incident.reference} is closed already.")
        text, masked = _masked_text(reason, "reason", required=True)
        handed_back = ""
        if _is_funded(incident):
            handed_back = funding.hand_back_funding(
                actor, incident, f"Out of remit: {text}", refund=True)
        _update(actor, incident, {
            "status": IncidentStatus.CLOSED, "resolution": Resolution.OUT_OF_REMIT,
            "resolution_note": text, "closed_at": utcnow()}, action="incident.out_of_remit")
        _system(actor, incident, f"Closed as out of remit by {actor.full_name}: {text}"
                                 + (f" ({handed_back.rstrip('.')})." if handed_back else ""))
        _index(incident)
        return _ref(incident, [_MASKED.format(what="reason") if masked else "", handed_back])


# --- The detail pane -----------------------------------------------------------------------


def _funding_description(incident: t.Incident) -> str:
    info = funding.funding_of(incident.id)
    if info is None:
        return ("Unfunded: take a payment, redeem a season ticket, apply a contract or ask a "
                "manager for a waiver.")
    if info.ticket_use:
        return f"{info.description}: {info.ticket_use}"
    return info.description


def incident_detail(incident_id: int) -> IncidentDetail:
    """Everything about one incident for the detail pane, its whole timeline included.

    Raises:
        NotFound: no such incident.
    """
    incident = get_or_404(t.Incident, incident_id, "incident")
    customer = t.Customer.get_by_id(fk_id(incident, "customer"))
    contact_id, module_id = opt_fk_id(incident, "contact"), opt_fk_id(incident, "module")
    contact = t.Contact.get_or_none(t.Contact.id == contact_id) if contact_id else None
    product = t.Product.get_by_id(fk_id(incident, "product"))
    module = t.Module.get_or_none(t.Module.id == module_id) if module_id else None
    engineer_id = opt_fk_id(incident, "engineer")
    resolved_by, created_by = opt_fk_id(incident, "resolved_by"), fk_id(incident, "created_by")
    names: dict[int | None, str] = {
        uid: name for uid, name in tuples(
            t.User.select(t.User.id, t.User.full_name)
            .where(t.User.id.in_([i for i in (engineer_id, resolved_by, created_by) if i])))}

    def link(other_id: int | None) -> IncidentLink | None:
        if other_id is None:
            return None
        ref = t.Incident.select(t.Incident.reference).where(t.Incident.id == other_id).scalar()
        return IncidentLink(other_id, ref)

    def links(column: Any) -> tuple[IncidentLink, ...]:
        return tuple(IncidentLink(i, r) for i, r in tuples(
            t.Incident.select(t.Incident.id, t.Incident.reference)
            .where(column == incident.id).order_by(t.Incident.id)))

    request_id = opt_fk_id(incident, "enhancement_request")
    request = (t.EnhancementRequest.get_or_none(t.EnhancementRequest.id == request_id)
               if request_id is not None else None)
    escalation = t.Escalation.get_or_none(t.Escalation.incident == incident.id)
    moved = t.Incident.alias()
    timeline = tuple(
        TimelineRow(eid, TimelineKind(kind), author or "", occurred, duration, text, from_ref)
        for eid, kind, author, occurred, duration, text, from_ref in tuples(
        t.TimelineEntry.select(t.TimelineEntry.id, t.TimelineEntry.kind, t.User.full_name,
                               t.TimelineEntry.occurred_at, t.TimelineEntry.duration_seconds,
                               t.TimelineEntry.text, moved.reference)
        .join(t.User, JOIN.LEFT_OUTER, on=(t.TimelineEntry.author == t.User.id))
        .switch(t.TimelineEntry)
        .join(moved, JOIN.LEFT_OUTER, on=(t.TimelineEntry.moved_from == moved.id))
        .where(t.TimelineEntry.incident == incident.id)
        .order_by(t.TimelineEntry.occurred_at, t.TimelineEntry.id)))
    return IncidentDetail(
        id=incident.id, reference=incident.reference, customer_id=customer.id,
        customer_name=customer.name, customer_account_code=customer.account_code,
        contact_id=contact.id if contact else None, contact_name=contact.name if contact else "",
        contact_phone=contact.phone if contact else "", product_id=product.id,
        product_name=product.name, module_id=module.id if module else None,
        module_name=module.name if module else "", product_version=incident.product_version,
        subject=incident.subject, description=incident.description,
        status=IncidentStatus(incident.status), priority=Priority(incident.priority),
        engineer_id=engineer_id, engineer_name=names.get(engineer_id, ""),
        funding=FundingKind(incident.funding),
        funding_description=_funding_description(incident), funded_at=incident.funded_at,
        resolution=Resolution(incident.resolution) if incident.resolution else None,
        resolution_note=incident.resolution_note, resolved_at=incident.resolved_at,
        resolved_by_name=names.get(resolved_by, ""), closed_at=incident.closed_at,
        opened_at=incident.opened_at, last_activity_at=incident.last_activity_at,
        work_started_at=incident.work_started_at,
        created_by_name=names.get(created_by, ""),
        reopen_count=incident.reopen_count, split_from=link(opt_fk_id(incident, "split_from")),
        split_children=links(t.Incident.split_from),
        merged_into=link(opt_fk_id(incident, "merged_into")),
        merged_duplicates=links(t.Incident.merged_into),
        enhancement_request_id=request.id if request else None,
        enhancement_title=request.title if request else "",
        escalation_id=escalation.id if escalation else None,
        escalation_status=EscalationStatus(escalation.status) if escalation else None,
        version=incident.version, timeline=timeline)
