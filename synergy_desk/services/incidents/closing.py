"""Ending an incident: resolving it with one of the four resolutions, closing it unresolved or
as out of remit (its funding handed back), and re-opening it at no charge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peewee import fn

from synergy_desk.domain.cards import refuse_card_numbers
from synergy_desk.domain.enums import (
    RESOLVING,
    EnhancementStatus,
    EscalationStatus,
    FundingKind,
    IncidentStatus,
    Resolution,
)
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.text import sanitised
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    ENGINEERS,
    Actor,
    audit,
    fk_id,
    get_or_404,
    opt_fk_id,
    retried,
    snapshot,
)
from synergy_desk.services.incident_state import (
    active_funding,
    check_no_open_request,
    update_incident,
)
from synergy_desk.services.incidents import fields
from synergy_desk.services.incidents.changes import (
    IncidentRef,
    changing,
    funding_required,
    is_funded,
    ref_of,
    reindex,
    reopen_changes,
    status_of,
    system_entry,
)
from synergy_desk.services.money import credit_notes, funding, refund_queue

__all__ = ["EscalationInput", "resolve", "close_unresolved", "reopen", "out_of_remit"]


@dataclass(frozen=True)
class EscalationInput:
    """What development needs to reproduce a suspected bug.

    ``product_id`` and ``product_version`` default to the incident's own.
    """

    steps_to_reproduce: str
    product_version: str | None = None
    product_id: int | None = None


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
        clean = " ".join(sanitised(title, "enhancement_title", "request's title").split())
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
        t.EnhancementRequestCustomer.create(
            request=request.id, customer=fk_id(incident, "customer"), incident=incident.id,
            added_by=actor.id, added_at=utcnow())
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
    steps, _ = fields.masked_text(escalation.steps_to_reproduce, "steps to reproduce",
                                  required=True)
    product_id = escalation.product_id or fk_id(incident, "product")
    product, _ = fields.product_and_module(product_id, None)
    version = fields.product_version(escalation.product_version
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


@retried
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
    with changing(actor, incident_id, ENGINEERS, "resolve incidents",
                  expected_version=expected_version, open_for="resolve it") as incident:
        kind = _resolution(resolution)
        if not is_funded(incident):
            raise funding_required(incident, "it can be resolved")
        text, masked = fields.masked_text(note, "resolution note", required=True)
        notices = [fields.MASKED.format(what="resolution note") if masked else ""]
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
        update_incident(actor, incident, changes, action="incident.resolve",
                       expected_version=expected_version)
        system_entry(actor, incident, f"Resolved — {kind.label}: {text}")
        reindex(incident)
        return ref_of(incident, notices)


@retried
def close_unresolved(actor: Actor, incident_id: int, reason: str,
                     expected_version: int | None = None) -> IncidentRef:
    """Close an open incident that cannot be resolved, with the reason.

    Raises:
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    with changing(actor, incident_id, ENGINEERS, "close incidents",
                  expected_version=expected_version, open_for="close it") as incident:
        check_no_open_request(incident, "closed")
        text, masked = fields.masked_text(reason, "reason", required=True)
        update_incident(actor, incident, {
            "status": IncidentStatus.CLOSED, "resolution": Resolution.UNRESOLVED,
            "resolution_note": text, "closed_at": utcnow()},
            action="incident.close", expected_version=expected_version)
        system_entry(actor, incident, f"Closed unresolved by {actor.full_name}: {text}")
        reindex(incident)
        return ref_of(incident, [fields.MASKED.format(what="reason") if masked else ""])


@retried
def reopen(actor: Actor, incident_id: int, note: str = "",
           expected_version: int | None = None) -> IncidentRef:
    """Re-open a resolved incident, or one closed unresolved; the customer is not charged again.

    Raises:
        ValidationError: merged or out-of-remit incidents stay closed.
        NotFound, PermissionDenied, ConflictError.
    """
    with changing(actor, incident_id, ENGINEERS, "re-open incidents",
                  expected_version=expected_version,
                  not_merged_for="re-open that one") as incident:
        status = status_of(incident)
        resolution = Resolution(incident.resolution) if incident.resolution else None
        if status.is_open:
            raise ValidationError(f"{incident.reference} is open already.")
        if resolution is Resolution.OUT_OF_REMIT:
            raise ValidationError(
                f"{incident.reference} was closed as out of remit and its funding handed back; "
                "it cannot be re-opened.")
        if status is IncidentStatus.CLOSED and resolution is not Resolution.UNRESOLVED:
            raise ValidationError(f"{incident.reference} is closed and cannot be re-opened.")
        text, masked = fields.masked_text(note, "note")
        update_incident(actor, incident, reopen_changes(actor, incident),
                       action="incident.reopen", expected_version=expected_version)
        system_entry(actor, incident, f"Re-opened by {actor.full_name} (no new charge)"
                                      + (f": {text}" if text else "."))
        reindex(incident)
        notices = [fields.MASKED.format(what="note") if masked else ""]
        if not is_funded(incident):
            notices.append(funding_required(incident, "work starts again").message)
        return ref_of(incident, notices)


@retried
def out_of_remit(actor: Actor, incident_id: int, reason: str,
                 expected_version: int | None = None) -> IncidentRef:
    """Engineers judge the remit: close an incident as outside what support covers.

    Its cover is handed back at once: a season-ticket incident is re-credited, a waiver
    revoked, a contract stops funding it. A payment's refund waits in the queue for a
    manager's approval (:mod:`~synergy_desk.services.money.refund_queue`).

    Raises:
        ValidationError, NotFound, PermissionDenied, ConflictError.
    """
    with changing(actor, incident_id, ENGINEERS, "close incidents as out of remit",
                  expected_version=expected_version,
                  not_merged_for="close that one") as incident:
        if status_of(incident) is IncidentStatus.CLOSED:
            raise ValidationError(f"{incident.reference} is closed already.")
        check_no_open_request(incident, "closed")
        text, masked = fields.masked_text(reason, "reason", required=True)
        handed_back = ""
        if is_funded(incident):
            paid_by = active_funding(incident.id)
            line = paid_by.payment_line if paid_by is not None and \
                FundingKind(paid_by.kind) is FundingKind.PAYMENT else None
            handed_back = funding.hand_back_funding(actor, incident, f"Out of remit: {text}")
            if line is not None and not credit_notes.refunds_of([line.id]):
                handed_back = refund_queue.queue_refund_in_tx(actor, incident, line, text)
        update_incident(actor, incident, {
            "status": IncidentStatus.CLOSED, "resolution": Resolution.OUT_OF_REMIT,
            "resolution_note": text, "closed_at": utcnow()}, action="incident.out_of_remit")
        system_entry(actor, incident, f"Closed as out of remit by {actor.full_name}: {text}"
                                      + (f" ({handed_back.rstrip('.')})." if handed_back else ""))
        reindex(incident)
        masked_notice = fields.MASKED.format(what="reason") if masked else ""
        return ref_of(incident, [masked_notice, handed_back])

