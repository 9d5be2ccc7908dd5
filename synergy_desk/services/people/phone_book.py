"""Who rings from a number: the customers and contacts whose phone is exactly that number."""

from __future__ import annotations

from dataclasses import dataclass

import peewee

from synergy_desk.domain.phones import display_phone, normalise_phone
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.common import read_snapshot

__all__ = ["PhoneMatch", "callers_with_number", "MAX_MATCHES"]

#: The most callers one number finds: a switchboard shared by a whole building finds a list a
#: receptionist can still choose from.
MAX_MATCHES = 20


@dataclass(frozen=True)
class PhoneMatch:
    """A customer (and the contact, when it is a contact's number) that a number belongs to."""

    customer_id: int
    customer_name: str
    company: str
    account_code: str
    contact_id: int | None
    contact_name: str
    phone: str  # as people in its country write it

    @property
    def label(self) -> str:
        """One line for a chooser: "Jane Smith at Acme Ltd (ACME01)"."""
        who = self.contact_name or self.customer_name
        at = self.company or self.customer_name
        place = f" at {at}" if at and at != who else ""
        return f"{who}{place} ({self.account_code})"


def _is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


def _customers_with(e164: str) -> list[tuple[int, str, str, str]]:
    """Customers whose own phone is the number, found through the search index (the
    customer's phone has no index of its own) and then matched exactly."""
    digits = e164.lstrip("+")
    if _is_sqlite():
        sql = ("SELECT c.id, c.name, c.company, c.account_code, c.phone "
               "FROM customer_search AS s JOIN customer AS c ON c.id = s.rowid "
               "WHERE s.body MATCH ? LIMIT ?")
        params: list[object] = [f'"{digits}"', MAX_MATCHES * 5]
    else:
        sql = ("SELECT c.id, c.name, c.company, c.account_code, c.phone "
               "FROM customer_search AS s JOIN customer AS c ON c.id = s.rowid "
               "WHERE s.body LIKE %s LIMIT %s")
        params = [f"%{digits}%", MAX_MATCHES * 5]
    rows = db.execute_sql(sql, params).fetchall()
    return [(int(r[0]), r[1], r[2], r[3]) for r in rows if r[4] == e164]


def callers_with_number(number: str) -> list[PhoneMatch]:
    """Every customer and current contact whose phone is exactly ``number`` (in any format).

    A contact who has left the customer is not found. A customer's own number that is also
    one of its contacts' finds the contact only. By customer name, then contact name; at most
    :data:`MAX_MATCHES`.

    Raises:
        ValidationError: the number is not a phone number.
    """
    e164 = normalise_phone(number)
    if not e164:
        return []
    with read_snapshot():
        found: list[PhoneMatch] = [
            PhoneMatch(cid, name, company, code, None, "", display_phone(e164))
            for cid, name, company, code in _customers_with(e164)]
        contacts = (t.Contact.select(t.Contact, t.Customer)
                    .join(t.Customer)
                    .where((t.Contact.phone == e164) & t.Contact.retired_at.is_null())
                    .order_by(t.Customer.name, t.Contact.name, t.Contact.id)
                    .limit(MAX_MATCHES))
        for contact in contacts:
            customer = contact.customer
            found.append(PhoneMatch(customer.id, customer.name, customer.company,
                                    customer.account_code, contact.id, contact.name,
                                    display_phone(e164)))
    # A customer whose own number is also a contact's is that contact ringing: the contact
    # says more about who is on the line.
    with_contacts = {m.customer_id for m in found if m.contact_id is not None}
    found = [m for m in found if m.contact_id is not None or m.customer_id not in with_contacts]
    found.sort(key=lambda m: (m.customer_name.lower(), m.customer_id, m.contact_name.lower()))
    return found[:MAX_MATCHES]
