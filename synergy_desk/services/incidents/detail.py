"""The incident detail pane: everything about one incident, its funding and whole timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import JOIN

from synergy_desk.domain.enums import (
    EscalationStatus,
    FundingKind,
    IncidentStatus,
    Priority,
    Resolution,
    TimelineKind,
)
from synergy_desk.domain.money import format_pence
from synergy_desk.domain.numbers import receipt_text
from synergy_desk.models import tables as t
from synergy_desk.services.common import (
    fk_id,
    get_or_404,
    opt_fk_id,
    tuples,
)
from synergy_desk.services.money import credit_notes, funding

__all__ = ["TimelineRow", "IncidentLink", "IncidentDetail", "incident_detail"]


@dataclass(frozen=True)
class TimelineRow:
    id: int
    kind: TimelineKind
    author_name: str
    occurred_at: dt.datetime
    duration_seconds: int
    text: str
    moved_from: str | None = None  # the reference it came from on a split or merge
    for_customer: bool = False  # printed on what the customer is given
    about_payment: bool = False  # an outgoing call or e-mail about paying, not support work


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


_ASK_FOR_FUNDING = ("take a payment, redeem a season ticket, apply a contract or ask a "
                    "manager for a waiver.")


def _funding_description(incident: t.Incident) -> str:
    """The funding line: what funds it, or what became of its funding, or what it needs."""
    info = funding.funding_of(incident.id)
    if info is not None:
        return f"{info.description}: {info.ticket_use}" if info.ticket_use else info.description
    ended = (t.IncidentFunding.select()
             .where((t.IncidentFunding.incident == incident.id) & ~t.IncidentFunding.active)
             .order_by(t.IncidentFunding.ended_at.desc(), t.IncidentFunding.id.desc()).first())
    what = _what_became_of(incident, ended) if ended is not None else ""
    merged_into = opt_fk_id(incident, "merged_into")
    if merged_into is not None:
        survivor = t.Incident.select(t.Incident.reference).where(
            t.Incident.id == merged_into).scalar()
        return f"Merged into {survivor}" + (f"; {what}." if what else ".")
    if IncidentStatus(incident.status).is_open:
        return f"{what}; unfunded: {_ASK_FOR_FUNDING}" if what \
            else f"Unfunded: {_ASK_FOR_FUNDING}"
    return f"{what}." if what else "Closed without funding: nothing was charged."


def _what_became_of(incident: t.Incident, ended: t.IncidentFunding) -> str:
    """What happened to funding that no longer funds the incident, in a few words."""
    kind = FundingKind(ended.kind)
    if kind is FundingKind.TICKET:
        ticket_id = t.TicketLedger.select(t.TicketLedger.ticket).where(
            t.TicketLedger.id == opt_fk_id(ended, "ticket_entry")).scalar()
        return f"Handed back: season ticket {ticket_id} was re-credited"
    if kind is FundingKind.WAIVER:
        return "Handed back: the waiver was revoked"
    if kind is FundingKind.CONTRACT:
        reference = t.Contract.select(t.Contract.reference).where(
            t.Contract.id == opt_fk_id(ended, "contract")).scalar()
        return f"Handed back: contract {reference} no longer funds it"
    line_id = opt_fk_id(ended, "payment_line")
    if line_id is None:
        return "Handed back"
    refunded = credit_notes.refunds_of([line_id]).get(line_id)
    if refunded is not None:
        return f"Refunded on credit note {refunded}"
    line = t.PaymentLine.get_by_id(line_id)
    receipt = receipt_text(line.payment.receipt_number)
    now_funds = (t.Incident.select(t.Incident.reference)
                 .join(t.IncidentFunding, on=(t.IncidentFunding.incident == t.Incident.id))
                 .where((t.IncidentFunding.payment_line == line_id) & t.IncidentFunding.active
                        & (t.Incident.id != incident.id)).scalar())
    if now_funds is not None:
        return f"Handed back: payment {receipt} now funds {now_funds}"
    amount = format_pence(line.gross_pence)
    asked = (t.RefundRequest.select(t.RefundRequest.state)
             .where((t.RefundRequest.payment_line == line_id)
                    & (t.RefundRequest.incident == incident.id))
             .order_by(t.RefundRequest.id.desc()).scalar())
    if asked == "pending":
        return (f"Handed back: the refund of payment {receipt} ({amount}) awaits a manager's "
                "approval")
    if asked == "declined":
        return f"Handed back: the refund of payment {receipt} ({amount}) was declined"
    return f"Handed back: payment {receipt} ({amount}) is due for refund"


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
        TimelineRow(eid, TimelineKind(kind), author or "", occurred, duration, text, from_ref,
                    bool(shown), bool(about))
        for eid, kind, author, occurred, duration, text, from_ref, shown, about in tuples(
        t.TimelineEntry.select(t.TimelineEntry.id, t.TimelineEntry.kind, t.User.full_name,
                               t.TimelineEntry.occurred_at, t.TimelineEntry.duration_seconds,
                               t.TimelineEntry.text, moved.reference,
                               t.TimelineEntry.for_customer, t.TimelineEntry.about_payment)
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

