"""Customers and incidents for the workbench's window tests, made through the services."""

from __future__ import annotations

from typing import Any

from synergy_desk.domain.enums import PaymentMethod, TimelineKind
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import changes, intake, work
from synergy_desk.services.incidents.detail import IncidentDetail, incident_detail
from synergy_desk.services.money import funding, payments
from synergy_desk.services.people import customers


def new_customer(actor: Actor, name: str) -> int:
    return customers.create_customer(
        actor, customers.CustomerInput(name=name, address="4 Mill Lane\nLeeds",
                                       postcode="LS6 2AB", phone="01632 960123")).id


def log_new(actor: Actor, customer_id: int, product_id: int, subject: str,
            text: str = "First call", duration: int = 0) -> changes.IncidentRef:
    return intake.log_call(actor, intake.LogCallInput(
        customer_id=customer_id, product_id=product_id, subject=subject, text=text,
        duration_seconds=duration))


def buy_ticket(actor: Actor, customer_id: int, size: int = 10) -> int:
    receipt = payments.take_payment(actor, payments.PaymentInput(
        customer_id=customer_id, ticket_size=size, method=PaymentMethod.CASH,
        tendered_pence=1_000_000))
    ticket_id = receipt.lines[-1].ticket_id
    assert ticket_id is not None
    return ticket_id


def detail(incident_id: int) -> IncidentDetail:
    return incident_detail(incident_id)


def own_entries(incident_id: int) -> set[int]:
    """The incident's calls, e-mails and notes (not the program's events)."""
    return {e.id for e in detail(incident_id).timeline if e.kind is not TimelineKind.SYSTEM}


def incident_in_progress(office: dict[str, Any]) -> changes.IncidentRef:
    """An incident in progress with three entries of its own, funded by a waiver."""
    customer = new_customer(office["reception"], "Farah Haddad")
    ref = log_new(office["reception"], customer, office["product"].id, "Reports are blank",
                  "Every report prints blank pages.", duration=300)
    funding.waive(office["manager"], ref.id, "goodwill", "Long-standing customer")
    work.start_work(office["engineer"], ref.id)
    for text in ("Asked for a sample report.", "Sample shows the font is missing."):
        work.add_timeline_entry(office["engineer"], ref.id, TimelineKind.NOTE, text)
    return ref
