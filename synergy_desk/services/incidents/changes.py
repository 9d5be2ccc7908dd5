"""What every change to an incident shares, inside the caller's transaction: locking, the
version a person saw, whether it is still open, the timeline's events, creating one, and the
`IncidentRef` every change hands back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from synergy_desk.domain.enums import (
    FundingKind,
    IncidentStatus,
    Priority,
    Role,
    TimelineKind,
)
from synergy_desk.domain.errors import FundingRequired, ValidationError
from synergy_desk.domain.numbers import incident_reference, payment_request_text
from synergy_desk.domain.timeline import for_customer_by_default
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services import search_index
from synergy_desk.services.common import (
    ENGINEERS,
    Actor,
    audit,
    fk_id,
    get_or_404,
    in_transaction,
    next_number,
    opt_fk_id,
    require,
    snapshot,
    transaction,
)
from synergy_desk.services.incident_state import (
    bump_count,
    counts_in_one_pass,
    incident_conflict,
    lock_incident,
    open_request,
)
from synergy_desk.services.incidents import fields
from synergy_desk.services.money import funding
from synergy_desk.services.office.office_time import date_text

__all__ = [
    "assignment_changes",
    "IncidentRef", "TimelineResult", "changing", "ref_of", "lock_pair", "status_of", "is_funded",
    "add_entry", "system_entry", "touch", "fund_from_contract_in_tx", "create_in_tx",
    "check_version", "not_merged", "require_open",
    "funding_required", "user_name", "reopen_changes", "reindex",
    "SUPPORT_KINDS", "PAYABLE_KINDS", "is_support_work", "refuse_support_unless_funded",
]


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
class TimelineResult:
    """A timeline entry just written; ``masked`` says a card number was taken out of it."""

    entry_id: int
    incident: IncidentRef
    masked: bool
    message: str = ""


def ref_of(incident: t.Incident, notices: Iterable[str] = ()) -> IncidentRef:
    return IncidentRef(incident.id, incident.reference, IncidentStatus(incident.status),
                       FundingKind(incident.funding), incident.version,
                       tuple(n for n in notices if n))


def lock_pair(first_id: int, second_id: int) -> tuple[t.Incident, t.Incident]:
    # Lock in id order so two desks merging the same pair the other way round cannot deadlock.
    rows = {i: get_or_404(t.Incident, i, "incident", lock=True)
            for i in sorted({first_id, second_id})}
    return rows[first_id], rows[second_id]


def status_of(incident: t.Incident) -> IncidentStatus:
    return IncidentStatus(incident.status)


def is_funded(incident: t.Incident) -> bool:
    return FundingKind(incident.funding) is not FundingKind.NONE


@in_transaction
def add_entry(actor: Actor | None, incident_id: int, kind: TimelineKind, text: str, *,
              duration_seconds: int = 0, occurred_at: dt.datetime | None = None,
              moved_from: int | None = None,
              for_customer: bool | None = None,
              about_payment: bool = False) -> t.TimelineEntry:
    # Who sees it when nobody says: the one rule of domain.timeline.
    if for_customer is None:
        for_customer = for_customer_by_default(kind, text)
    now = utcnow()
    return t.TimelineEntry.create(
        incident=incident_id, kind=kind, author=actor.id if actor else None,
        occurred_at=occurred_at or now, duration_seconds=duration_seconds, text=text,
        moved_from=moved_from, created_at=now, for_customer=for_customer,
        about_payment=about_payment)


@in_transaction
def system_entry(actor: Actor | None, incident: t.Incident, text: str) -> None:
    add_entry(actor, incident.id, TimelineKind.SYSTEM, text)


@in_transaction
def touch(incident: t.Incident) -> None:
    """Mark activity without a new version: an added entry overwrites nobody's edit."""
    now = utcnow()
    t.Incident.update(last_activity_at=now).where(t.Incident.id == incident.id).execute()
    incident.last_activity_at = now


@in_transaction
def fund_from_contract_in_tx(actor: Actor, incident: t.Incident) -> str:
    """Fund a new incident from the customer's contract, if one covers it (caller's transaction)."""
    contract = funding.covering_contract(fk_id(incident, "customer"), fk_id(incident, "product"))
    if contract is None:
        return ""
    funding.attach_funding(actor, incident, FundingKind.CONTRACT, contract=contract)
    return (f"{incident.reference} is covered by contract {contract.reference}; "
            "no payment is needed.")


@in_transaction
def create_in_tx(actor: Actor, customer: t.Customer, contact: t.Contact | None,
                 product: t.Product, module: t.Module | None, *, subject: str,
                 description: str, product_version: str, priority: Priority,
                 split_from: int | None = None) -> t.Incident:
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


def check_version(incident: t.Incident, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != incident.version:
        raise incident_conflict(incident.id, expected_version)


def not_merged(incident: t.Incident, doing: str) -> None:
    if opt_fk_id(incident, "merged_into") is not None:
        survivor = t.Incident.get_by_id(opt_fk_id(incident, "merged_into"))
        raise ValidationError(
            f"{incident.reference} was merged into {survivor.reference}; {doing} there instead.")


@contextmanager
def changing(actor: Actor, incident_id: int, roles: Iterable[Role], doing: str, *,
             expected_version: int | None = None, open_for: str | None = None,
             not_merged_for: str | None = None) -> Iterator[t.Incident]:
    """The opening every change to one incident shares, as one transaction.

    Checks the actor's role (``doing`` names the work in the refusal, "resolve incidents")
    inside the transaction, locks the incident, checks it is still the version the person
    saw, and that it is open (``open_for``: "resolve it") or at least not merged
    (``not_merged_for``); then gives the locked incident to the ``with`` block, whose writes
    commit together or not at all. The kept counts the block changes are written at its end,
    in key order (a split, an out-of-remit close change several).

    Raises:
        PermissionDenied, NotFound, ConflictError, ValidationError.
    """
    with transaction(), counts_in_one_pass():
        require(actor, roles, doing)
        incident = lock_incident(incident_id)
        check_version(incident, expected_version)
        if open_for is not None:
            require_open(incident, open_for)
        elif not_merged_for is not None:
            not_merged(incident, not_merged_for)
        yield incident


def require_open(incident: t.Incident, doing: str) -> None:
    not_merged(incident, doing)
    status = status_of(incident)
    if status is IncidentStatus.RESOLVED:
        raise ValidationError(
            f"{incident.reference} is resolved; re-open it before you {doing}.")
    if status is IncidentStatus.CLOSED:
        raise ValidationError(f"{incident.reference} is closed; you cannot {doing}.")


def funding_required(incident: t.Incident, doing: str) -> FundingRequired:
    waiting = open_request(incident.id)
    if waiting is not None:
        number, due_on = waiting
        return FundingRequired(
            f"{incident.reference} is awaiting a bank transfer (payment request "
            f"{payment_request_text(number)}, due {date_text(due_on)}); the money must arrive "
            f"and be recorded before {doing}.")
    return FundingRequired(
        f"{incident.reference} is not funded: take a payment, redeem a season ticket, apply the "
        f"customer's contract or ask a manager for a waiver before {doing}.")


#: Timeline entries that are support work: an unfunded incident takes none of them.
SUPPORT_KINDS = (TimelineKind.REMOTE_SESSION, TimelineKind.PHONE_OUT, TimelineKind.EMAIL_OUT)
#: The outgoing entries that may be about paying rather than support (a remote session never is).
PAYABLE_KINDS = (TimelineKind.PHONE_OUT, TimelineKind.EMAIL_OUT)


def is_support_work(kind: TimelineKind, about_payment: bool = False) -> bool:
    """Whether an entry of this kind is support work, which waits for the incident's funding.

    Calls and e-mails from the customer and notes are the intake; an outgoing call or e-mail
    about paying (``about_payment``) is too. Remote sessions and every other outgoing call or
    reply are support.
    """
    if kind not in SUPPORT_KINDS:
        return False
    return not (about_payment and kind in PAYABLE_KINDS)


def refuse_support_unless_funded(incident: t.Incident, kind: TimelineKind,
                                 about_payment: bool = False) -> None:
    """Support is paid before it is given: refuse support work on an unfunded incident.

    Raises:
        FundingRequired: the entry is support work and the incident is not funded.
    """
    if is_support_work(kind, about_payment) and not is_funded(incident):
        raise funding_required(incident, "support work is logged")


def assignment_changes(actor: Actor, incident: t.Incident,
                       engineer_id: int | None) -> tuple[dict[str, Any], str]:
    """The changes that give the incident to an engineer (or take it off its engineer:
    ``None``; one in progress that nobody holds goes back to the queue) and its timeline line.
    Reassigning through any form says and does the same."""
    if engineer_id is not None:
        user = fields.engineer(engineer_id)
        return {"engineer": user.id}, f"Assigned to {user.full_name} by {actor.full_name}."
    changes: dict[str, Any] = {"engineer": None}
    if status_of(incident) is IncidentStatus.IN_PROGRESS:
        changes["status"] = IncidentStatus.QUEUED
    held_by = opt_fk_id(incident, "engineer")
    text = (f"Unassigned from {user_name(held_by)} by {actor.full_name}." if held_by is not None
            else f"Unassigned by {actor.full_name}.")
    return changes, text


def user_name(user_id: int | None) -> str:
    if user_id is None:
        return ""
    name = t.User.select(t.User.full_name).where(t.User.id == user_id).scalar()
    return str(name or "")


def reopen_changes(actor: Actor, incident: t.Incident) -> dict[str, Any]:
    """Back to work after a resolution or an unresolved close; the funding stays as it was."""
    engineer = opt_fk_id(incident, "engineer")
    if is_funded(incident):
        if engineer is None and actor.role in ENGINEERS:
            engineer = actor.id
        status = IncidentStatus.IN_PROGRESS if engineer is not None else IncidentStatus.QUEUED
    else:
        status = IncidentStatus.AWAITING_PAYMENT
    return {"status": status, "engineer": engineer, "resolution": None, "resolution_note": "",
            "resolved_at": None, "resolved_by": None, "closed_at": None,
            "reopen_count": incident.reopen_count + 1}


def reindex(*incidents: t.Incident) -> None:
    for incident in incidents:
        search_index.index_incident(incident.id)

