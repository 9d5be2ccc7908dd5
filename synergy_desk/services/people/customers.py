"""Customers and their contacts: adding, editing with optimistic locking, and the summary panel."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from synergy_desk.domain.cards import refuse_card_numbers
from synergy_desk.domain.enums import OPEN_STATUSES, IncidentStatus
from synergy_desk.domain.errors import ConflictError, NotFound, ValidationError
from synergy_desk.domain.numbers import ACCOUNT_CODE, account_code
from synergy_desk.domain.phones import display_phone, normalise_phone
from synergy_desk.domain.text import sanitised
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services import search_index
from synergy_desk.services.common import (
    EVERYONE,
    Actor,
    audit,
    get_or_404,
    next_number,
    require,
    retried,
    snapshot,
    stale_edit,
    transaction,
)

__all__ = [
    "CustomerInput", "ContactInput", "ContactRow", "IncidentBrief", "CustomerSummary",
    "CustomerForEdit", "create_customer", "update_customer", "add_contact", "update_contact",
    "retire_contact", "remove_contact", "customer_summary", "get_customer_for_edit", "normalise_postcode",
    "normalise_email", "without_control_characters", "no_card_numbers",
    "checked_phone", "RECENT_INCIDENTS", "MAX_ACCOUNT_CODE",
]

#: How many of a customer's latest incidents the summary carries.
RECENT_INCIDENTS = 10

_FIELD_LABELS = {
    "name": "name", "company": "company", "address": "address", "postcode": "postcode",
    "email": "e-mail", "phone": "phone", "notes": "notes", "contacts": "contacts",
    "account_code": "account code",
}

#: The longest account code a customer may be given (an accounts package's own code).
MAX_ACCOUNT_CODE = 32


@dataclass(frozen=True)
class CustomerInput:
    """What a person types for a customer; phone and postcode in any usual format."""

    name: str
    company: str = ""
    address: str = ""
    postcode: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""
    #: Only when editing: the customer's new account code ("" keeps the one it has).
    account_code: str = ""


@dataclass(frozen=True)
class ContactInput:
    """What a person types for one contact at a customer."""

    name: str
    job_title: str = ""
    email: str = ""
    phone: str = ""
    is_primary: bool = False


@dataclass(frozen=True)
class ContactRow:
    id: int
    name: str
    job_title: str
    email: str
    phone: str  # as people write it, e.g. "01632 960123"
    is_primary: bool
    #: When the contact left the customer (None: still there, offered for new calls).
    retired_at: dt.datetime | None = None


@dataclass(frozen=True)
class IncidentBrief:
    """One line of a customer's recent incidents."""

    id: int
    reference: str
    subject: str
    status: IncidentStatus
    opened_at: dt.datetime


@dataclass(frozen=True)
class CustomerSummary:
    """Everything the customer panel shows, as plain values."""

    id: int
    account_code: str
    name: str
    company: str
    address: str
    postcode: str
    email: str
    phone: str  # as people write it
    notes: str
    version: int
    #: The contacts still at the customer: the ones offered for new calls.
    contacts: tuple[ContactRow, ...] = field(default=())
    open_incidents: int = 0
    recent_incidents: tuple[IncidentBrief, ...] = field(default=())
    #: Contacts who have left: kept on their past incidents and calls, offered for nothing new.
    retired_contacts: tuple[ContactRow, ...] = field(default=())

    @property
    def primary_contact(self) -> ContactRow | None:
        return next((c for c in self.contacts if c.is_primary), None)


@dataclass(frozen=True)
class CustomerForEdit:
    """A customer as the edit dialog fills its fields, with the version to save against."""

    id: int
    account_code: str
    version: int
    data: CustomerInput


# --- validation ------------------------------------------------------------------------------

# Royal Mail postcode areas (plus BFPO and the non-geographic BX): text that starts with one of
# these followed by a digit is taken as a UK postcode and must be a whole, well-formed one.
_UK_AREAS = frozenset("""
AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT
DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE
LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM
SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
""".split())
_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")
_UK_AREA_START = re.compile(r"^([A-Z]{1,2})[0-9]")
_FOREIGN_POSTCODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,11}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")


def normalise_postcode(text: str | None) -> str:
    """A UK postcode in upper case with one space ("ls11aa" -> "LS1 1AA").

    A postcode from abroad (one that does not start like a UK postcode area, such as "75008",
    "1012 AB" or "D02 X285") is kept as typed, in upper case.

    Raises:
        ValidationError: a UK-looking postcode that is incomplete or malformed, or text that is
            not a postcode at all.
    """
    raw = " ".join(without_control_characters(text or "").upper().split())
    if not raw:
        return ""
    compact = raw.replace(" ", "")
    if compact == "GIR0AA":  # the one historic postcode outside the pattern
        return "GIR 0AA"
    match = _UK_POSTCODE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    area = _UK_AREA_START.match(compact)
    if area and area.group(1) in _UK_AREAS:
        raise ValidationError(
            f"“{(text or '').strip()}” is not a complete UK postcode; type it like LS1 1AA. "
            "For an address abroad, give just its postcode or ZIP code.", "postcode")
    if _FOREIGN_POSTCODE.match(raw) and any(ch.isdigit() for ch in raw):
        return raw
    raise ValidationError(
        f"“{(text or '').strip()}” is not a postcode; type it like LS1 1AA.", "postcode")


def normalise_email(text: str | None, what: str = "e-mail address",
                    field_name: str = "email") -> str:
    """The address trimmed, or a ValidationError if it is not shaped like name@domain.tld."""
    email = sanitised(text, field_name, what).strip()
    if not email:
        return ""
    if len(email) > 200 or not _EMAIL.match(email):
        raise ValidationError(
            f"“{email}” is not an {what}; type it like name@example.co.uk.", field_name)
    return email


def without_control_characters(text: str) -> str:
    """Text with control characters (NUL, escapes, ...) dropped; line breaks and tabs kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def no_card_numbers(text: str, label: str, field_name: str) -> str:
    """The text, or the card-number refusal pointing at the form's field ``field_name``."""
    try:
        return refuse_card_numbers(text, label)
    except ValidationError as exc:
        raise ValidationError(exc.message, field_name) from None


def _text(value: str | None, label: str, field_name: str, max_length: int | None,
          required: bool = False) -> str:
    text = sanitised(value, field_name, label).strip()
    if required and not text:
        raise ValidationError(f"Give the {label}.", field_name)
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            f"The {label} is too long ({len(text)} characters; at most {max_length}).",
            field_name)
    return no_card_numbers(text, label, field_name)


def checked_phone(value: str | None, label: str, field_name: str) -> str:
    """A typed phone number as E.164, or a ValidationError saying how to type it."""
    raw = sanitised(value, field_name, label).strip()
    try:
        e164 = normalise_phone(raw)
    except ValidationError as exc:
        if "area code" in exc.message:
            # A number diallable only from within its own area ("960123") cannot be stored
            # as a full number: it would become a different, wrong one.
            raise ValidationError(
                f"“{raw}” is too short for a {label}; include the area code, "
                "like 01632 960123.", field_name) from None
        raise ValidationError(
            f"“{raw}” is not a {label} that can be dialled; type it like 01632 960123, "
            "or +33 1 23 45 67 89 for a number abroad.", field_name) from None
    return e164


def _clean_customer(data: CustomerInput) -> dict[str, str]:
    """The customer's fields as stored, or a ValidationError naming the first bad one."""
    return {
        "name": _text(data.name, "customer's name", "name", 200, required=True),
        "company": _text(data.company, "company", "company", 200),
        "address": _text(data.address, "address", "address", 2000),
        "postcode": normalise_postcode(data.postcode),
        "email": no_card_numbers(normalise_email(data.email), "e-mail address", "email"),
        "phone": checked_phone(data.phone, "phone number", "phone"),
        "notes": _text(data.notes, "notes", "notes", 20000),
    }


def _clean_contact(data: ContactInput) -> dict[str, Any]:
    return {
        "name": _text(data.name, "contact's name", "contact_name", 200, required=True),
        "job_title": _text(data.job_title, "job title", "job_title", 100),
        "email": no_card_numbers(
            normalise_email(data.email, "e-mail address", "contact_email"),
            "contact's e-mail address", "contact_email"),
        "phone": checked_phone(data.phone, "contact phone number", "contact_phone"),
        "is_primary": bool(data.is_primary),
    }


# --- reading ---------------------------------------------------------------------------------

def _contact_row(contact: t.Contact) -> ContactRow:
    return ContactRow(contact.id, contact.name, contact.job_title, contact.email,
                      display_phone(contact.phone), bool(contact.is_primary),
                      contact.retired_at)


def _contacts_of(customer_id: int) -> list[t.Contact]:
    """All the customer's contacts, retired ones too: the primary first, then by name."""
    return list(t.Contact.select().where(t.Contact.customer == customer_id)
                .order_by(t.Contact.is_primary.desc(), t.Contact.name, t.Contact.id))


def _summary(customer_id: int) -> CustomerSummary:
    customer = get_or_404(t.Customer, customer_id, "customer")
    open_count = (t.Incident.select()
                  .where((t.Incident.customer == customer_id)
                         & (t.Incident.status.in_(list(OPEN_STATUSES))))
                  .count())
    contacts = _contacts_of(customer_id)
    recent = (t.Incident.select(t.Incident.id, t.Incident.reference, t.Incident.subject,
                                t.Incident.status, t.Incident.opened_at)
              .where(t.Incident.customer == customer_id)
              .order_by(t.Incident.opened_at.desc(), t.Incident.id.desc())
              .limit(RECENT_INCIDENTS))
    return CustomerSummary(
        id=customer.id, account_code=customer.account_code, name=customer.name,
        company=customer.company, address=customer.address, postcode=customer.postcode,
        email=customer.email, phone=display_phone(customer.phone), notes=customer.notes,
        version=customer.version,
        contacts=tuple(_contact_row(c) for c in contacts if c.retired_at is None),
        open_incidents=int(open_count),
        recent_incidents=tuple(
            IncidentBrief(row.id, row.reference, row.subject, IncidentStatus(row.status),
                          row.opened_at) for row in recent),
        retired_contacts=tuple(_contact_row(c) for c in contacts if c.retired_at is not None),
    )


def customer_summary(customer_id: int) -> CustomerSummary:
    """The customer panel: details, contacts, open incident count and the latest incidents.

    Raises:
        NotFound: no such customer.
    """
    return _summary(customer_id)


def get_customer_for_edit(customer_id: int) -> CustomerForEdit:
    """The customer's fields as the edit dialog shows them, and the version to save against.

    Raises:
        NotFound: no such customer.
    """
    customer = get_or_404(t.Customer, customer_id, "customer")
    return CustomerForEdit(
        customer.id, customer.account_code, customer.version,
        CustomerInput(name=customer.name, company=customer.company, address=customer.address,
                      postcode=customer.postcode, email=customer.email,
                      phone=display_phone(customer.phone), notes=customer.notes,
                      account_code=customer.account_code))


# --- writing ---------------------------------------------------------------------------------

def _make_primary(customer_id: int, contact_id: int) -> None:
    """Only one primary contact per customer (inside the caller's transaction)."""
    (t.Contact.update(is_primary=False)
     .where((t.Contact.customer == customer_id) & (t.Contact.id != contact_id)
            & t.Contact.is_primary).execute())


@retried
def create_customer(actor: Actor, data: CustomerInput,
                    contacts: tuple[ContactInput, ...] | list[ContactInput] = ()
                    ) -> CustomerSummary:
    """Add a customer (and any contacts) with the next account code, e.g. "C000042".

    Raises:
        ValidationError: a missing name, a malformed e-mail, postcode or phone number, or a
            card number in any text.
    """
    with transaction():
        require(actor, EVERYONE, "add customers")
        values = _clean_customer(data)
        cleaned_contacts = [_clean_contact(c) for c in contacts]
        if sum(1 for c in cleaned_contacts if c["is_primary"]) > 1:
            raise ValidationError("Only one contact can be the primary contact.", "is_primary")
        code = account_code(next_number("customer"))
        now = utcnow()
        customer = t.Customer.create(account_code=code, created_at=now, updated_at=now,
                                     **values)
        created = [t.Contact.create(customer=customer.id, created_at=now, **c)
                   for c in cleaned_contacts]
        search_index.index_customer(customer.id)
        after = snapshot(customer)
        if created:
            after["contacts"] = [snapshot(c) for c in created]
        audit(actor, "customer.create", "customer", customer.id, None, after)
        return _summary(customer.id)


@retried
def update_customer(actor: Actor, customer_id: int, expected_version: int,
                    data: CustomerInput) -> CustomerSummary:
    """Save an edited customer if nobody else saved it since ``expected_version``.

    Raises:
        ConflictError: another desk changed the customer first; names what and who.
            Nothing is written.
        ValidationError: as for :func:`create_customer`.
        NotFound: no such customer.
    """
    with transaction():
        require(actor, EVERYONE, "change customers")
        customer = get_or_404(t.Customer, customer_id, "customer")
        if customer.version != expected_version:
            raise _conflict(customer, expected_version)
        values: dict[str, str] = _clean_customer(data)
        if data.account_code.strip():
            values["account_code"] = _new_account_code(customer, data.account_code)
        changed = {k: v for k, v in values.items() if getattr(customer, k) != v}
        if not changed:
            return _summary(customer_id)
        before = {k: getattr(customer, k) for k in changed}
        new_version = expected_version + 1
        updated = (t.Customer.update({**{getattr(t.Customer, k): v for k, v in changed.items()},
                                      t.Customer.updated_at: utcnow(),
                                      t.Customer.version: new_version})
                   .where((t.Customer.id == customer_id)
                          & (t.Customer.version == expected_version))
                   .execute())
        if not updated:
            raise _conflict(t.Customer.get_by_id(customer_id), expected_version)
        search_index.index_customer(customer_id)
        audit(actor, "customer.update", "customer", customer_id,
              {**before, "version": expected_version}, {**changed, "version": new_version})
        return _summary(customer_id)


def _new_account_code(customer: t.Customer, typed: str) -> str:
    """The account code typed for an existing customer, checked (inside the transaction).

    Raises:
        ValidationError: too long, in the program's own numbering (C000042: those are given
            out in turn, and a typed one would later be given to a new customer too), or
            another customer's.
    """
    code = " ".join(sanitised(typed, "account_code", "account code").upper().split())
    if code == customer.account_code:
        return code
    if len(code) > MAX_ACCOUNT_CODE:
        raise ValidationError(
            f"The account code is too long ({len(code)} characters; at most "
            f"{MAX_ACCOUNT_CODE}).", "account_code")
    code = no_card_numbers(code, "account code", "account_code")
    if ACCOUNT_CODE.find(code, prefix_required=True) is not None:
        raise ValidationError(
            f"Codes like {ACCOUNT_CODE.example()} are given out by the program in turn; type "
            "the customer's own code from your accounts instead, like ACME01.", "account_code")
    other = (t.Customer.select(t.Customer.id, t.Customer.name)
             .where((t.Customer.account_code == code) & (t.Customer.id != customer.id)).first())
    if other is not None:
        raise ValidationError(
            f"The account code {code} is already {other.name}'s; choose another.",
            "account_code")
    return code


def _bump_version(customer: t.Customer, expected_version: int) -> int:
    """Claim the customer for a change of its contacts (inside the caller's transaction).

    Contacts belong to the customer's record: changing one moves the customer's version on, so
    an edit made from a stale panel is refused rather than silently undoing someone's change.
    """
    if customer.version != expected_version:
        raise _conflict(customer, expected_version)
    new_version = expected_version + 1
    updated = (t.Customer.update(version=new_version, updated_at=utcnow())
               .where((t.Customer.id == customer.id)
                      & (t.Customer.version == expected_version)).execute())
    if not updated:
        raise _conflict(t.Customer.get_by_id(customer.id), expected_version)
    return new_version


@retried
def add_contact(actor: Actor, customer_id: int, expected_version: int,
                data: ContactInput) -> CustomerSummary:
    """Add a contact to a customer; a new primary contact replaces the old one as primary.

    Raises:
        ConflictError: the customer changed since ``expected_version``.
        ValidationError: a missing name or a malformed e-mail or phone number.
        NotFound: no such customer.
    """
    with transaction():
        require(actor, EVERYONE, "add contacts")
        customer = get_or_404(t.Customer, customer_id, "customer")
        values = _clean_contact(data)
        new_version = _bump_version(customer, expected_version)
        contact = t.Contact.create(customer=customer_id, created_at=utcnow(), **values)
        if contact.is_primary:
            _make_primary(customer_id, contact.id)
        search_index.index_customer(customer_id)
        audit(actor, "contact.add", "customer", customer_id,
              {"contacts": None, "version": expected_version},
              {"contacts": snapshot(contact), "version": new_version})
        return _summary(customer_id)


def _customer_of(contact: t.Contact) -> int:
    """The contact's customer id, without loading the customer."""
    return int(contact.__data__["customer"])


def _contact_of(customer_id: int | None, contact_id: int) -> t.Contact:
    contact = t.Contact.get_or_none(t.Contact.id == contact_id)
    if contact is None or (customer_id is not None and _customer_of(contact) != customer_id):
        raise NotFound(f"There is no contact with number {contact_id}; it may have been removed.")
    return contact


@retried
def update_contact(actor: Actor, contact_id: int, expected_version: int,
                   data: ContactInput) -> CustomerSummary:
    """Save an edited contact; ``expected_version`` is the version of its customer.

    Raises:
        ConflictError: the customer or its contacts changed since ``expected_version``.
        ValidationError: as for :func:`add_contact`.
        NotFound: no such contact.
    """
    with transaction():
        require(actor, EVERYONE, "change contacts")
        contact = _contact_of(None, contact_id)
        customer = t.Customer.get_by_id(_customer_of(contact))
        if contact.retired_at is not None:
            raise ValidationError(
                f"{contact.name} has left {customer.name}; add them again as a new contact "
                "if they are back.", "contact")
        values = _clean_contact(data)
        before = snapshot(contact)
        new_version = _bump_version(customer, expected_version)
        (t.Contact.update({getattr(t.Contact, k): v for k, v in values.items()})
         .where(t.Contact.id == contact_id).execute())
        if values["is_primary"]:
            _make_primary(customer.id, contact_id)
        search_index.index_customer(customer.id)
        after = snapshot(t.Contact.get_by_id(contact_id))
        audit(actor, "contact.update", "customer", customer.id,
              {"contacts": before, "version": expected_version},
              {"contacts": after, "version": new_version})
        return _summary(customer.id)


@retried
def retire_contact(actor: Actor, contact_id: int, expected_version: int) -> CustomerSummary:
    """Mark a contact as no longer at the customer.

    The contact is kept, so the incidents and calls they were on still show who it was; they
    are simply not offered for new calls, incidents or call-backs any more. Refused while a
    call-back to them is still to be made (someone has promised to ring them).

    Raises:
        ConflictError: the customer or its contacts changed since ``expected_version``.
        ValidationError: the contact is waiting for a call-back, or has left already.
        NotFound: no such contact.
    """
    with transaction():
        require(actor, EVERYONE, "retire contacts")
        contact = _contact_of(None, contact_id)
        customer = t.Customer.get_by_id(_customer_of(contact))
        if contact.retired_at is not None:
            raise ValidationError(f"{contact.name} has already left {customer.name}.",
                                  "contact")
        pending_callbacks = (t.CallBack.select()
                             .where((t.CallBack.contact == contact_id)
                                    & t.CallBack.done_at.is_null()).count())
        if pending_callbacks:
            raise ValidationError(
                f"{contact.name} is waiting for a call-back; make or cancel it first.", "contact")
        before = snapshot(contact)
        new_version = _bump_version(customer, expected_version)
        (t.Contact.update(retired_at=utcnow(), is_primary=False)
         .where(t.Contact.id == contact_id).execute())
        search_index.index_customer(customer.id)
        audit(actor, "contact.retire", "customer", customer.id,
              {"contacts": before, "version": expected_version},
              {"contacts": snapshot(t.Contact.get_by_id(contact_id)), "version": new_version})
        return _summary(customer.id)


#: The earlier name: a contact who leaves is retired, never deleted.
remove_contact = retire_contact


# --- conflicts -------------------------------------------------------------------------------

def _conflict(current: t.Customer, expected_version: int) -> ConflictError:
    """Who changed the customer since ``expected_version``, and what, from the audit log."""
    return stale_edit("customer", current.id, expected_version,
                      f"{current.account_code} ({current.name})", labels=_FIELD_LABELS,
                      ignore=("updated_at",))
