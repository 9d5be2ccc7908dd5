"""Keeping the search tables (customer_search, incident_search) in step with what they index."""

from __future__ import annotations

import peewee

from synergy_desk.domain.phones import phone_search_terms
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.common import in_transaction

__all__ = ["customer_body", "index_customer", "incident_body", "index_incident"]


def _is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


def customer_body(customer: t.Customer, contacts: list[t.Contact]) -> str:
    """Everything a receptionist might type to find this customer, lower-cased."""
    parts = [customer.account_code, customer.name, customer.company, customer.email,
             customer.postcode, customer.postcode.replace(" ", "")]
    parts.extend(phone_search_terms(customer.phone))
    for contact in contacts:
        if getattr(contact, "retired_at", None) is not None:
            continue  # a contact who has left no longer finds the customer
        parts.extend([contact.name, contact.email])
        parts.extend(phone_search_terms(contact.phone))
    return " | ".join(p.strip().lower() for p in parts if p and p.strip())


def _upsert(table: str, rowid: int, body: str) -> None:
    param = "?" if _is_sqlite() else "%s"
    if _is_sqlite():
        db.execute_sql(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
        db.execute_sql(f"INSERT INTO {table} (rowid, body) VALUES (?, ?)", (rowid, body))
    else:
        db.execute_sql(
            f"INSERT INTO {table} (rowid, body) VALUES ({param}, {param}) "
            "ON CONFLICT (rowid) DO UPDATE SET body = EXCLUDED.body", (rowid, body))


@in_transaction
def index_customer(customer_id: int) -> None:
    """Rebuild one customer's search text (call inside the transaction that changed it)."""
    customer = t.Customer.get_by_id(customer_id)
    contacts = list(t.Contact.select().where(t.Contact.customer == customer_id))
    _upsert("customer_search", customer_id, customer_body(customer, contacts))


def incident_body(incident: t.Incident, timeline_texts: list[str]) -> str:
    parts = [incident.reference, incident.subject, incident.description, *timeline_texts]
    return "\n".join(p for p in parts if p)


@in_transaction
def index_incident(incident_id: int) -> None:
    """Rebuild one incident's search text from its subject, description and timeline."""
    incident = t.Incident.get_by_id(incident_id)
    texts = [row.text for row in t.TimelineEntry.select(t.TimelineEntry.text)
             .where(t.TimelineEntry.incident == incident_id)
             .order_by(t.TimelineEntry.occurred_at, t.TimelineEntry.id)]
    _upsert("incident_search", incident_id, incident_body(incident, texts))
