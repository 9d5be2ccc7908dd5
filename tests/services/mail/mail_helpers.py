"""What the mail tests share: raw messages built as a mail client would, and a customer with
a contact to write from."""

from __future__ import annotations

import datetime as dt
import itertools
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services import search_index
from synergy_desk.services.common import transaction

OFFICE = "support@synergy.example"

_codes = itertools.count(1)


def raw_mail(*, sender: str = "Raj Patel <raj.patel@acme-joinery.co.uk>",
             subject: str = "Printer offline", body: str = "It stopped printing.",
             message_id: str | None = None, html: str | None = None,
             files: tuple[tuple[str, str, bytes], ...] = (), date: dt.datetime | None = None,
             **headers: str) -> bytes:
    """A message as it arrives: ``headers`` named with underscores (In_Reply_To)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = OFFICE
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="acme-joinery.co.uk")
    message["Date"] = format_datetime(date or utcnow().replace(tzinfo=dt.UTC))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
    for filename, content_type, data in files:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def customer_with_contact(name: str = "Acme Joinery", email: str = "Raj.Patel@Acme-Joinery.co.uk",
                          contact: str = "Raj Patel") -> tuple[t.Customer, t.Contact]:
    customer = t.Customer.create(account_code=f"M{next(_codes):06d}", name=name,
                                 company=name, address="2 Mill Lane\nYork", postcode="YO1 7HH")
    person = t.Contact.create(customer=customer.id, name=contact, email=email)
    reindex_customer(customer.id)
    return customer, person


def reindex_customer(customer_id: int) -> None:
    """As the customer services do after every change: the search text the sender is
    matched through."""
    with transaction():
        search_index.index_customer(customer_id)


def office_mail(settings: t.OfficeSettings, **values: object) -> None:
    """The office's own address and mail settings."""
    values.setdefault("smtp_from", OFFICE)
    t.OfficeSettings.update(**values).where(t.OfficeSettings.id == settings.id).execute()
