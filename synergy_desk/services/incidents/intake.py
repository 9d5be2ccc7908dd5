"""Incidents coming in: logging a call (a new incident or one of the customer's own), opening
one without a call, and editing its details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from synergy_desk.domain.enums import (
    FundingKind,
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
from synergy_desk.services.incidents import fields
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

__all__ = ["LogCallInput", "log_call", "create_incident", "edit_incident"]


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
    ``clear_module`` removes the module.

    Raises:
        ConflictError: someone saved the incident after ``expected_version``; names who and
            which fields; nothing is written.
        ValidationError, NotFound, PermissionDenied.
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
        if priority is not None:
            changes["priority"] = fields.priority(priority)
        if product_version is not None:
            changes["product_version"] = fields.product_version(product_version)
        new_product_id = product_id if product_id is not None else fk_id(incident, "product")
        if product_id is not None or module_id is not None or clear_module:
            keep_module = opt_fk_id(incident, "module")
            if clear_module:
                keep_module = None
            elif module_id is not None:
                keep_module = module_id
            elif product_id is not None and product_id != fk_id(incident, "product"):
                keep_module = None
            product, module = fields.product_and_module(new_product_id, keep_module)
            if product.id != fk_id(incident, "product"):
                _check_contract_still_covers(incident, product)
                changes["product"] = product.id
            if (module.id if module else None) != opt_fk_id(incident, "module"):
                changes["module"] = module.id if module else None
        changes = {k: v for k, v in changes.items() if _differs(incident, k, v)}
        if not changes:
            return ref_of(incident)
        update_incident(actor, incident, changes, action="incident.edit",
                       expected_version=expected_version)
        reindex(incident)
        return ref_of(incident)


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

