"""Changing who works an incident and what it is about: reassigning its engineer and putting
right its product, module, version and priority, each change written on its timeline and in
the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from synergy_desk.domain.enums import FundingKind, IncidentStatus, Priority
from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import (
    ENGINEERS,
    EVERYONE,
    Actor,
    fk_id,
    in_transaction,
    opt_fk_id,
    require,
    retried,
)
from synergy_desk.services.incident_state import update_incident
from synergy_desk.services.incidents import fields
from synergy_desk.services.incidents.changes import (
    IncidentRef,
    assignment_changes,
    changing,
    ref_of,
    reindex,
    require_open,
    status_of,
    system_entry,
)
from synergy_desk.services.money import funding

__all__ = [
    "DETAIL_FIELDS", "IncidentChange", "at_intake", "is_at_intake", "may_change_details",
    "detail_changes", "describe_detail_changes", "change_incident",
]

#: The fields that say what an incident is about, put right at intake or by an engineer.
DETAIL_FIELDS = ("product", "module", "product_version", "priority")

#: Before work starts, whoever logs the calls may correct these; after, engineers decide.
_INTAKE_STATUSES = (IncidentStatus.AWAITING_PAYMENT, IncidentStatus.QUEUED)


@dataclass(frozen=True)
class IncidentChange:
    """An incident's engineer and details as the person left them on the form.

    Every field is given; the ones equal to the incident's are left alone.
    """

    engineer_id: int | None
    product_id: int
    module_id: int | None
    product_version: str
    priority: Priority | str


def is_at_intake(status: IncidentStatus | str, work_started_at: dt.datetime | None) -> bool:
    """Whether an incident in this state is still being taken in: queued or awaiting
    payment, never started (the window greys its fields by the same rule)."""
    return IncidentStatus(status) in _INTAKE_STATUSES and work_started_at is None


def at_intake(incident: t.Incident) -> bool:
    """Whether the incident is still being taken in: queued or awaiting payment, never started."""
    return is_at_intake(status_of(incident), incident.work_started_at)


@in_transaction
def may_change_details(actor: Actor, incident: t.Incident) -> None:
    """Refuse a change of product, module, version or priority the actor may not make.

    Anyone may put them right while the incident is at intake; once work has begun they are
    the engineers' and managers' to change (inside the caller's transaction).

    Raises:
        PermissionDenied: reception, on an incident past intake.
    """
    if not at_intake(incident):
        require(actor, ENGINEERS,
                "change an incident's product, module, version or priority once work on it "
                "has begun")


def detail_changes(incident: t.Incident, *, product_id: int | None = None,
                   module_id: int | None = None, clear_module: bool = False,
                   product_version: str | None = None,
                   priority: Priority | str | None = None) -> dict[str, Any]:
    """The detail fields that would change, checked; ``None`` leaves a field as it is.

    Changing the product drops a module of the old product unless ``module_id`` is given;
    ``clear_module`` removes the module.

    Raises:
        ValidationError: a retired product, a module of another product, a product the
            contract funding the incident does not cover, a version too long.
        NotFound: no such product or module.
    """
    changes: dict[str, Any] = {}
    if priority is not None:
        changes["priority"] = fields.priority(priority)
    if product_version is not None:
        changes["product_version"] = fields.product_version(product_version)
    current_product = fk_id(incident, "product")
    if product_id is not None or module_id is not None or clear_module:
        keep_module = opt_fk_id(incident, "module")
        if clear_module:
            keep_module = None
        elif module_id is not None:
            keep_module = module_id
        elif product_id is not None and product_id != current_product:
            keep_module = None
        new_product = product_id if product_id is not None else current_product
        product, module = fields.product_and_module(new_product, keep_module)
        if product.id != current_product:
            _check_contract_still_covers(incident, product)
            changes["product"] = product.id
        if (module.id if module else None) != opt_fk_id(incident, "module"):
            changes["module"] = module.id if module else None
    return {k: v for k, v in changes.items() if incident.__data__.get(k) != v}


def describe_detail_changes(actor: Actor, before: dict[str, Any],
                            changes: dict[str, Any]) -> str:
    """The timeline's line for changed details: "Product changed from Accounts to Payroll;
    priority from Normal to High (by Eddie Engineer).\""""
    parts = []
    for name in DETAIL_FIELDS:
        if name in changes:
            label = {"product": "product", "module": "module",
                     "product_version": "version", "priority": "priority"}[name]
            parts.append(f"{label} from {_shown(name, before.get(name))} to "
                         f"{_shown(name, changes[name])}")
    text = "; ".join(parts)
    return f"{text[:1].upper()}{text[1:]} (changed by {actor.full_name})."


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "none"
    if name == "product":
        return str(t.Product.select(t.Product.name).where(t.Product.id == value).scalar())
    if name == "module":
        return str(t.Module.select(t.Module.name).where(t.Module.id == value).scalar())
    if name == "priority":
        return Priority(value).value.title()
    return str(value)


@retried
def change_incident(actor: Actor, incident_id: int, expected_version: int,
                    change: IncidentChange) -> IncidentRef:
    """Reassign an incident and put right its product, module, version and priority at once.

    Reassigning is the engineers' and managers' (an open incident only; one in progress that
    nobody holds goes back to the queue). The details are anyone's at intake and the engineers'
    and managers' after (see :func:`may_change_details`). Each change goes on the timeline and
    into the audit log; an unchanged form writes nothing.

    Raises:
        ConflictError: someone saved the incident after ``expected_version``; names who and
            what; nothing is written.
        PermissionDenied: as above.
        ValidationError, NotFound.
    """
    with changing(actor, incident_id, EVERYONE, "change incidents",
                  expected_version=expected_version,
                  not_merged_for="change it") as incident:
        if status_of(incident) is IncidentStatus.CLOSED:
            raise ValidationError(f"{incident.reference} is closed; its details are final.")
        changes: dict[str, Any] = {}
        assigned = ""
        if change.engineer_id != opt_fk_id(incident, "engineer"):
            require(actor, ENGINEERS, "reassign incidents")
            require_open(incident, "reassign it")
            changes, assigned = assignment_changes(actor, incident, change.engineer_id)
        details = detail_changes(
            incident, product_id=change.product_id, module_id=change.module_id,
            clear_module=change.module_id is None, product_version=change.product_version,
            priority=change.priority)
        if details:
            may_change_details(actor, incident)
        if not changes and not details:
            return ref_of(incident)
        before = {k: incident.__data__.get(k) for k in details}
        update_incident(actor, incident, {**changes, **details},
                        action="incident.edit" if details else "incident.assign",
                        expected_version=expected_version)
        if assigned:
            system_entry(actor, incident, assigned)
        if details:
            system_entry(actor, incident, describe_detail_changes(actor, before, details))
        reindex(incident)
        return ref_of(incident)


def _check_contract_still_covers(incident: t.Incident, product: t.Product) -> None:
    contract_id = opt_fk_id(incident, "contract")
    if FundingKind(incident.funding) is not FundingKind.CONTRACT or contract_id is None:
        return
    contract = t.Contract.get_by_id(contract_id)
    if not funding.contract_covers_product(contract, product.id):
        raise ValidationError(
            f"{incident.reference} is funded by contract {contract.reference}, which does not "
            f"cover {product.name}. Log the other product as a new incident.", "product")
