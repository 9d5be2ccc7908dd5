"""Incidents coming in: logging a call (a new incident or one of the customer's own), opening
one without a call, and editing its details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from synergy_desk.domain.enums import (
    IncidentStatus,
    Priority,
    TimelineKind,
)
from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import (
    EVERYONE,
    Actor,
    audit,
    fk_id,
    opt_fk_id,
    require,
    retried,
    transaction,
)
from synergy_desk.services.incident_state import lock_incident, update_incident
from synergy_desk.services.incidents import details, fields
from synergy_desk.services.incidents.changes import (
    IncidentRef,
    add_entry,
    changing,
    create_in_tx,
    fund_from_contract_in_tx,
    not_merged,
    ref_of,
    reindex,
    reopen_changes,
    status_of,
    system_entry,
    touch,
)

__all__ = ["LogCallInput", "log_call", "create_incident", "edit_incident", "LastDetails",
           "last_module_and_version"]


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


@retried
def log_call(actor: Actor, call: LogCallInput) -> IncidentRef:
    """Log a phone call: continue one of the customer's incidents or open a new one.

    A call about a resolved incident re-opens it with no new charge. A new incident starts
    unfunded (awaiting payment) unless an active contract of the customer covers its product.
    A full card number in the call notes is masked before it is stored.

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    notices: list[str] = []
    with transaction():
        require(actor, EVERYONE, "log calls")
        customer = fields.customer(call.customer_id)
        contact = fields.contact(customer, call.contact_id)
        text, masked = fields.masked_text(call.text, "call notes")
        duration = fields.duration(call.duration_seconds)
        occurred_at = fields.occurred_at(call.occurred_at)
        if masked:
            notices.append(fields.MASKED.format(what="call notes"))
        if call.incident_id is not None:
            incident = lock_incident(call.incident_id)
            if fk_id(incident, "customer") != customer.id:
                raise ValidationError(
                    f"{incident.reference} belongs to another customer, not {customer.name}.",
                    "incident")
            not_merged(incident, "log the call")
            status = status_of(incident)
            if status is IncidentStatus.CLOSED:
                raise ValidationError(
                    f"{incident.reference} is closed. Log the call as a new incident, or ask "
                    "an engineer to re-open it.", "incident")
            if status is IncidentStatus.RESOLVED:
                update_incident(actor, incident, reopen_changes(actor, incident),
                               action="incident.reopen")
                system_entry(actor, incident,
                             f"Re-opened by a call from the customer (no new charge), "
                             f"logged by {actor.full_name}.")
                notices.append(f"{incident.reference} was resolved; the call re-opened it "
                               "with no new charge.")
            else:
                touch(incident)
        else:
            product, module = fields.product_and_module(call.product_id, call.module_id)
            incident = create_in_tx(
                actor, customer, contact, product, module, subject=fields.subject(call.subject),
                description=fields.description(call.description),
                product_version=fields.product_version(call.product_version),
                priority=fields.priority(call.priority))
            notices.append(fund_from_contract_in_tx(actor, incident))
        entry = add_entry(actor, incident.id, TimelineKind.PHONE_IN, text,
                          duration_seconds=duration, occurred_at=occurred_at)
        audit(actor, "incident.log_call", "incident", incident.id,
              after={"entry": entry.id, "kind": TimelineKind.PHONE_IN,
                     "duration_seconds": duration, "masked_card_number": masked})
        reindex(incident)
        return ref_of(incident, notices)


@retried
def create_incident(actor: Actor, customer_id: int, product_id: int, subject: str, *,
                    contact_id: int | None = None, module_id: int | None = None,
                    product_version: str = "", description: str = "",
                    priority: Priority | str = Priority.NORMAL) -> IncidentRef:
    """Open an incident without a call (from an e-mail, say); funded at once by a contract.

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    with transaction():
        require(actor, EVERYONE, "create incidents")
        customer = fields.customer(customer_id)
        contact = fields.contact(customer, contact_id)
        product, module = fields.product_and_module(product_id, module_id)
        incident = create_in_tx(actor, customer, contact, product, module,
                                subject=fields.subject(subject),
                                description=fields.description(description),
                                product_version=fields.product_version(product_version),
                                priority=fields.priority(priority))
        notice = fund_from_contract_in_tx(actor, incident)
        reindex(incident)
        return ref_of(incident, [notice])


@retried
def edit_incident(actor: Actor, incident_id: int, expected_version: int, *,
                  subject: str | None = None, description: str | None = None,
                  priority: Priority | str | None = None, product_id: int | None = None,
                  module_id: int | None = None, product_version: str | None = None,
                  clear_module: bool = False) -> IncidentRef:
    """Save edits to an incident's details; ``None`` leaves a field as it is.

    Changing the product drops a module of the old product unless ``module_id`` is given;
    ``clear_module`` removes the module. The product, module, version and priority are
    anyone's to put right while the incident is at intake and the engineers' and managers'
    after (:func:`details.may_change_details`); their changes go on the timeline.

    Raises:
        ConflictError: someone saved the incident after ``expected_version``; names who and
            which fields; nothing is written.
        PermissionDenied: reception changing the product, module, version or priority of an
            incident past intake.
        ValidationError, NotFound.
    """
    with changing(actor, incident_id, EVERYONE, "edit incidents",
                  expected_version=expected_version, not_merged_for="edit it") as incident:
        if status_of(incident) is IncidentStatus.CLOSED:
            raise ValidationError(f"{incident.reference} is closed; its details are final.")
        changes: dict[str, Any] = {}
        if subject is not None:
            changes["subject"] = fields.subject(subject)
        if description is not None:
            changes["description"] = fields.description(description)
        changes = {k: v for k, v in changes.items() if _differs(incident, k, v)}
        corrected = details.detail_changes(
            incident, product_id=product_id, module_id=module_id, clear_module=clear_module,
            product_version=product_version, priority=priority)
        if corrected:
            details.may_change_details(actor, incident)
        if not changes and not corrected:
            return ref_of(incident)
        before = {k: incident.__data__.get(k) for k in corrected}
        update_incident(actor, incident, {**changes, **corrected}, action="incident.edit",
                       expected_version=expected_version)
        if corrected:
            system_entry(actor, incident, details.describe_detail_changes(actor, before,
                                                                          corrected))
        reindex(incident)
        return ref_of(incident)


def _differs(incident: t.Incident, name: str, value: Any) -> bool:
    current = incident.__data__.get(name)
    return bool(current != value)


@dataclass(frozen=True)
class LastDetails:
    """The module and version of a customer's latest incident on a product, to fill in the
    next one's (a caller usually rings about the same installation)."""

    reference: str
    module_id: int | None
    module_name: str
    product_version: str


def last_module_and_version(customer_id: int, product_id: int) -> LastDetails | None:
    """The module and version of the customer's latest incident on the product, or None."""
    row = (t.Incident.select(t.Incident.reference, t.Incident.module, t.Incident.product_version)
           .where((t.Incident.customer == customer_id) & (t.Incident.product == product_id))
           .order_by(t.Incident.opened_at.desc(), t.Incident.id.desc()).first())
    if row is None:
        return None
    module_id = opt_fk_id(row, "module")
    module_name = ""
    if module_id is not None:
        module_name = str(t.Module.select(t.Module.name)
                          .where(t.Module.id == module_id).scalar() or "")
    return LastDetails(row.reference, module_id, module_name, row.product_version)
