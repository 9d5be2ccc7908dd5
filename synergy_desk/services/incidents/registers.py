"""The two registers: enhancement requests for product management, escalations for development."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from synergy_desk.domain.cards import refuse_card_numbers
from synergy_desk.domain.enums import EnhancementStatus, EscalationStatus
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
    require,
    retried,
    snapshot,
    transaction,
    tuples,
)

__all__ = [
    "EnhancementRow", "EscalationRow", "list_enhancement_requests", "set_enhancement_status",
    "list_escalations", "update_escalation", "register_csv_rows", "ENHANCEMENT_STATUS_LABELS",
    "ESCALATION_STATUS_LABELS", "MAX_RESPONSE"
]

ENHANCEMENT_STATUS_LABELS = {
    EnhancementStatus.OPEN: "Open",
    EnhancementStatus.PLANNED: "Planned",
    EnhancementStatus.DONE: "Done",
    EnhancementStatus.DECLINED: "Declined",
}
ESCALATION_STATUS_LABELS = {
    EscalationStatus.OPEN: "Open",
    EscalationStatus.ACKNOWLEDGED: "Acknowledged",
    EscalationStatus.CANNOT_REPRODUCE: "Cannot reproduce",
    EscalationStatus.FIX_SCHEDULED: "Fix scheduled",
    EscalationStatus.FIXED: "Fixed",
    EscalationStatus.WONT_FIX: "Won't fix",
}
MAX_RESPONSE = 20_000



@dataclass(frozen=True)
class EnhancementRow:
    """One request on the register, with the customers who asked for it."""

    id: int
    product_id: int
    product_name: str
    title: str
    description: str
    status: EnhancementStatus
    customer_count: int
    customer_names: tuple[str, ...]
    incident_references: tuple[str, ...]
    created_by_name: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class EscalationRow:
    """One suspected bug on the register, with what development needs to reproduce it."""

    id: int
    incident_id: int
    incident_reference: str
    incident_subject: str
    customer_name: str
    product_id: int
    product_name: str
    product_version: str
    steps_to_reproduce: str
    status: EscalationStatus
    development_response: str
    created_by_name: str
    created_at: dt.datetime
    updated_at: dt.datetime



def _enhancement_status(value: EnhancementStatus | str) -> EnhancementStatus:
    try:
        return EnhancementStatus(value)
    except ValueError:
        choices = ", ".join(ENHANCEMENT_STATUS_LABELS.values())
        raise ValidationError(f"“{value}” is not a request status; choose one of {choices}.",
                              "status") from None


def _escalation_status(value: EscalationStatus | str) -> EscalationStatus:
    try:
        return EscalationStatus(value)
    except ValueError:
        choices = ", ".join(ESCALATION_STATUS_LABELS.values())
        raise ValidationError(
            f"“{value}” is not an escalation status; choose one of {choices}.",
            "status") from None


def list_enhancement_requests(product_id: int | None = None,
                              status: EnhancementStatus | str | None = None
                              ) -> list[EnhancementRow]:
    """The enhancement-request register, most-asked-for first (two queries in all)."""
    ER = t.EnhancementRequest  # noqa: N806
    query = (ER.select(ER.id, ER.product, t.Product.name, ER.title, ER.description, ER.status,
                       ER.customer_count, t.User.full_name, ER.created_at, ER.updated_at)
             .join(t.Product, on=(ER.product == t.Product.id))
             .switch(ER)
             .join(t.User, on=(ER.created_by == t.User.id)))
    if product_id is not None:
        query = query.where(ER.product == product_id)
    if status is not None:
        query = query.where(ER.status == _enhancement_status(status))
    requests = tuples(query.order_by(ER.customer_count.desc(), ER.id))
    names: dict[int, list[str]] = defaultdict(list)
    refs: dict[int, list[str]] = defaultdict(list)
    if requests:
        asked = (t.EnhancementRequestCustomer
                 .select(t.EnhancementRequestCustomer.request, t.Customer.name,
                         t.Incident.reference)
                 .join(t.Customer, on=(t.EnhancementRequestCustomer.customer == t.Customer.id))
                 .switch(t.EnhancementRequestCustomer)
                 .join(t.Incident, on=(t.EnhancementRequestCustomer.incident == t.Incident.id))
                 .where(t.EnhancementRequestCustomer.request.in_([r[0] for r in requests]))
                 .order_by(t.Customer.name, t.Incident.number))
        for request_id, customer_name, reference in tuples(asked):
            if customer_name not in names[request_id]:
                names[request_id].append(customer_name)
            refs[request_id].append(reference)
    return [EnhancementRow(
        rid, product, product_name, title, description, EnhancementStatus(state), count,
        tuple(names[rid]), tuple(refs[rid]), creator, created_at, updated_at)
        for (rid, product, product_name, title, description, state, count, creator, created_at,
             updated_at) in requests]


@retried
def set_enhancement_status(actor: Actor, request_id: int,
                           status: EnhancementStatus | str) -> EnhancementRow:
    """Record what product management decided about a request.

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    with transaction():
        require(actor, ENGINEERS, "change the status of enhancement requests")
        new = _enhancement_status(status)
        row = get_or_404(t.EnhancementRequest, request_id, "enhancement request", lock=True)
        if EnhancementStatus(row.status) is not new:
            before = snapshot(row, ["status", "updated_at"])
            row.status, row.updated_at = new, utcnow()
            row.save(only=[t.EnhancementRequest.status, t.EnhancementRequest.updated_at])
            audit(actor, "enhancement.status", "enhancement_request", row.id, before,
                  snapshot(row, ["status", "updated_at"]))
    return next(r for r in list_enhancement_requests(product_id=fk_id(row, "product"))
                if r.id == request_id)


def list_escalations(status: EscalationStatus | str | None = None,
                     product_id: int | None = None) -> list[EscalationRow]:
    """The escalation register, newest first (one query)."""
    query = (t.Escalation
             .select(t.Escalation.id, t.Escalation.incident, t.Incident.reference,
                     t.Incident.subject, t.Customer.name, t.Escalation.product, t.Product.name,
                     t.Escalation.product_version, t.Escalation.steps_to_reproduce,
                     t.Escalation.status, t.Escalation.development_response, t.User.full_name,
                     t.Escalation.created_at, t.Escalation.updated_at)
             .join(t.Incident, on=(t.Escalation.incident == t.Incident.id))
             .join(t.Customer, on=(t.Incident.customer == t.Customer.id))
             .switch(t.Escalation)
             .join(t.Product, on=(t.Escalation.product == t.Product.id))
             .switch(t.Escalation)
             .join(t.User, on=(t.Escalation.created_by == t.User.id)))
    if status is not None:
        query = query.where(t.Escalation.status == _escalation_status(status))
    if product_id is not None:
        query = query.where(t.Escalation.product == product_id)
    rows = tuples(query.order_by(t.Escalation.created_at.desc(), t.Escalation.id.desc()))
    return [EscalationRow(eid, incident_id, reference, subject, customer_name, product,
                          product_name, version, steps, EscalationStatus(state), response,
                          creator, created_at, updated_at)
            for (eid, incident_id, reference, subject, customer_name, product, product_name,
                 version, steps, state, response, creator, created_at, updated_at) in rows]


@retried
def update_escalation(actor: Actor, escalation_id: int, status: EscalationStatus | str,
                      development_response: str) -> EscalationRow:
    """Record development's answer to an escalation and where it stands.

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    with transaction():
        require(actor, ENGINEERS, "update escalations")
        new = _escalation_status(status)
        response = sanitised(development_response, "development_response",
                             "development response").strip()
        if len(response) > MAX_RESPONSE:
            raise ValidationError(
                f"The response is too long (at most {MAX_RESPONSE:,} characters).",
                "development_response")
        response = refuse_card_numbers(response, "development response")
        row = get_or_404(t.Escalation, escalation_id, "escalation", lock=True)
        fields = ["status", "development_response", "updated_at"]
        before = snapshot(row, fields)
        row.status, row.development_response, row.updated_at = new, response, utcnow()
        row.save(only=[t.Escalation.status, t.Escalation.development_response,
                       t.Escalation.updated_at])
        audit(actor, "escalation.update", "escalation", row.id, before, snapshot(row, fields))
    return next(r for r in list_escalations() if r.id == escalation_id)


def register_csv_rows(register: Literal["enhancements", "escalations"], *,
                      product_id: int | None = None,
                      status: str | None = None) -> list[list[str]]:
    """A register as plain text rows for a CSV file, the header row first."""
    if register == "enhancements":
        header = ["Number", "Product", "Title", "Status", "Customers", "Customer names",
                  "Incidents", "Description", "Raised by", "Raised on"]
        rows = [[str(r.id), r.product_name, r.title, ENHANCEMENT_STATUS_LABELS[r.status],
                 str(r.customer_count), "; ".join(r.customer_names),
                 "; ".join(r.incident_references), r.description, r.created_by_name,
                 r.created_at.date().isoformat()]
                for r in list_enhancement_requests(product_id, status)]
        return [header, *rows]
    if register == "escalations":
        header = ["Number", "Incident", "Subject", "Customer", "Product", "Version",
                  "Steps to reproduce", "Status", "Development response", "Escalated by",
                  "Escalated on"]
        rows = [[str(r.id), r.incident_reference, r.incident_subject, r.customer_name,
                 r.product_name, r.product_version, r.steps_to_reproduce,
                 ESCALATION_STATUS_LABELS[r.status], r.development_response,
                 r.created_by_name, r.created_at.date().isoformat()]
                for r in list_escalations(status, product_id)]
        return [header, *rows]
    raise ValidationError(f"There is no register called “{register}”.", "register")
