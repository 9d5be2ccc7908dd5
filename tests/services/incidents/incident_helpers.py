"""What the incident tests share: customers, calls, payments and tickets made through the
services, and reading an incident's rows back."""

from __future__ import annotations

import itertools

from synergy_desk.domain.enums import (
    PaymentMethod,
    TimelineKind,
)
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import intake, work
from synergy_desk.services.incidents.changes import IncidentRef
from synergy_desk.services.incidents.intake import LogCallInput
from synergy_desk.services.money import funding, payments, tickets

CARD = "4111 1111 1111 1111"


_codes = itertools.count(1)


def make_customer(name: str = "Acme Joinery") -> t.Customer:
    return t.Customer.create(account_code=f"T{next(_codes):06d}", name=name,
                             address="2 Mill Lane\nYork", postcode="YO1 7HH")


def new_call(actor: Actor, customer: t.Customer, product: t.Product,
             subject: str = "Cannot print invoices", text: str = "Prints blank pages",
             duration: int = 120, **extra: object) -> IncidentRef:
    return intake.log_call(actor, LogCallInput(
        customer_id=customer.id, product_id=product.id, subject=subject, text=text,
        duration_seconds=duration, **extra))  # type: ignore[arg-type]


def buy_ticket(actor: Actor, customer: t.Customer, size: int = 10) -> int:
    """Sell the customer a season ticket; returns its id."""
    receipt = payments.take_payment(actor, payments.PaymentInput(
        customer_id=customer.id, ticket_size=size, method=PaymentMethod.CASH,
        tendered_pence=1_000_000))
    ticket_id = receipt.lines[-1].ticket_id
    assert ticket_id is not None
    return ticket_id


def pay_for(actor: Actor, customer: t.Customer, *incident_ids: int) -> payments.ReceiptInfo:
    return payments.take_payment(actor, payments.PaymentInput(
        customer_id=customer.id, incident_ids=tuple(incident_ids), method=PaymentMethod.CASH,
        tendered_pence=1_000_000))


def ticket_funded(actor: Actor, customer: t.Customer, product: t.Product,
                  subject: str = "Cannot print invoices") -> tuple[IncidentRef, int]:
    """A new incident funded from a (new, if need be) season ticket; returns it and the ticket."""
    live = tickets.live_tickets(customer.id, utcnow())
    ticket_id = live[0][0].id if live else buy_ticket(actor, customer)
    ref = new_call(actor, customer, product, subject=subject)
    funding.fund_from_ticket(actor, ref.id)
    return ref, ticket_id


def in_progress(engineer: Actor, reception: Actor, customer: t.Customer,
                product: t.Product, subject: str = "Cannot print invoices") -> IncidentRef:
    ref, _ = ticket_funded(reception, customer, product, subject)
    return work.start_work(engineer, ref.id)


def row(ref: IncidentRef | int) -> t.Incident:
    return t.Incident.get_by_id(ref if isinstance(ref, int) else ref.id)


def entries(ref: IncidentRef | int, *, system: bool = False) -> list[t.TimelineEntry]:
    incident_id = ref if isinstance(ref, int) else ref.id
    query = t.TimelineEntry.select().where(t.TimelineEntry.incident == incident_id)
    if not system:
        query = query.where(t.TimelineEntry.kind != TimelineKind.SYSTEM)
    return list(query.order_by(t.TimelineEntry.occurred_at, t.TimelineEntry.id))


def searchable(incident_id: int) -> str:
    param = "?" if db.obj.__class__.__name__.startswith("Sqlite") else "%s"
    cursor = db.execute_sql(f"SELECT body FROM incident_search WHERE rowid = {param}",
                            (incident_id,))
    found = cursor.fetchone()
    return found[0] if found else ""
