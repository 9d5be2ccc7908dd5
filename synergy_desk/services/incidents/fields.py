"""What an incident's fields may hold: subject, description, product and module, version,
priority, the time and length of a call; card numbers in free text are masked or refused."""

from __future__ import annotations

import datetime as dt

from synergy_desk.domain.cards import refuse_card_numbers
from synergy_desk.domain.enums import (
    Priority,
    Role,
)
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.text import masked_text as _masked
from synergy_desk.domain.text import sanitised
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    ENGINEERS,
    fk_id,
    get_or_404,
)

__all__ = [
    "MAX_SUBJECT", "MAX_TEXT", "MAX_DURATION_SECONDS", "CLOCK_SKEW", "MASKED", "masked_text",
    "subject", "description", "product_version", "priority", "duration", "occurred_at",
    "product_and_module", "customer", "contact", "engineer",
]


MAX_SUBJECT = 200


MAX_TEXT = 20_000


MAX_DURATION_SECONDS = 24 * 60 * 60


#: How far ahead of this desk's clock a timeline entry may be dated (another desk's clock).
CLOCK_SKEW = dt.timedelta(minutes=5)


MASKED = ("A card number in the {what} was masked to its last four digits; "
           "the full number was not stored.")


def masked_text(text: str | None, what: str, *, required: bool = False,
                 limit: int = MAX_TEXT) -> tuple[str, bool]:
    """Free text with any full card number masked; says whether one was."""
    raw = sanitised(text, what.replace(" ", "_"), what).strip()
    if required and not raw:
        raise ValidationError(f"Write the {what}.", what.replace(" ", "_"))
    if len(raw) > limit:
        raise ValidationError(f"The {what} is too long (at most {limit:,} characters).",
                              what.replace(" ", "_"))
    return _masked(raw, what.replace(" ", "_"), what)


def subject(value: str | None) -> str:
    subject = " ".join(sanitised(value, "subject").split())
    if not subject:
        raise ValidationError(
            "Give the incident a subject: the one problem or error message it is about.",
            "subject")
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(
            f"The subject is too long ({len(subject)} characters; at most {MAX_SUBJECT}). "
            "Keep it to the one aspect; details go in the description.", "subject")
    return refuse_card_numbers(subject, "subject")


def description(value: str | None) -> str:
    text = sanitised(value, "description").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(f"The description is too long (at most {MAX_TEXT:,} characters).",
                              "description")
    return refuse_card_numbers(text, "description")


def product_version(value: str | None) -> str:
    text = sanitised(value, "product_version", "product version").strip()
    if len(text) > 40:
        raise ValidationError("The product version is too long (at most 40 characters).",
                              "product_version")
    return refuse_card_numbers(text, "product version")


def priority(value: Priority | str | None) -> Priority:
    try:
        return Priority(value if value is not None else Priority.NORMAL)
    except ValueError:
        choices = ", ".join(p.value for p in Priority)
        raise ValidationError(f"“{value}” is not a priority; choose one of {choices}.",
                              "priority") from None


def duration(value: int | None) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("The duration must be a whole number of seconds.",
                              "duration_seconds")
    if value < 0 or value > MAX_DURATION_SECONDS:
        raise ValidationError("The duration must be between 0 and 24 hours.", "duration_seconds")
    return value


def occurred_at(value: dt.datetime | None) -> dt.datetime:
    now = utcnow()
    if value is None:
        return now
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    if value > now + CLOCK_SKEW:
        raise ValidationError("A timeline entry cannot be dated in the future.", "occurred_at")
    return value


def product_and_module(product_id: int | None,
                        module_id: int | None) -> tuple[t.Product, t.Module | None]:
    if product_id is None:
        raise ValidationError("Choose the product the incident is about.", "product")
    product = get_or_404(t.Product, product_id, "product")
    if not product.active:
        raise ValidationError(f"{product.name} is no longer supported.", "product")
    module = None
    if module_id is not None:
        module = get_or_404(t.Module, module_id, "module")
        if fk_id(module, "product") != product.id:
            raise ValidationError(f"{module.name} is not a module of {product.name}.", "module")
    return product, module


def customer(customer_id: int) -> t.Customer:
    return get_or_404(t.Customer, customer_id, "customer")


def contact(customer: t.Customer, contact_id: int | None) -> t.Contact | None:
    if contact_id is None:
        return None
    contact = get_or_404(t.Contact, contact_id, "contact")
    if fk_id(contact, "customer") != customer.id:
        raise ValidationError(f"{contact.name} is not a contact of {customer.name}.", "contact")
    if contact.retired_at is not None:
        raise ValidationError(
            f"{contact.name} has left {customer.name}; choose another contact, or add them "
            "again as a new contact if they are back.", "contact")
    return contact



def engineer(engineer_id: int) -> t.User:
    """The active engineer or manager an incident may go to."""
    user = get_or_404(t.User, engineer_id, "user")
    if not user.active:
        raise ValidationError(f"{user.full_name} is no longer active.", "engineer")
    if Role(user.role) not in ENGINEERS:
        raise ValidationError(
            f"{user.full_name} works on reception; incidents go to engineers or managers.",
            "engineer")
    return user
