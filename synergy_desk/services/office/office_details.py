"""The office's details as documents print them, kept as a history: a receipt or credit note
always reprints with the name, address, VAT number and time zone in force when it was issued."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synergy_desk.documents.data import Office
from synergy_desk.domain.phones import display_phone
from synergy_desk.domain.zones import DEFAULT_ZONE
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor, in_transaction

__all__ = [
    "DETAIL_FIELDS", "OfficeDetailsAt", "details_at", "record_details", "printed_office",
    "BEGINNING"
]

#: The settings a printed document shows; a change to any of them starts a new period.
DETAIL_FIELDS = ("company_name", "address", "vat_number", "phone", "email", "logo", "timezone",
                 "vat_registered")

#: Details recorded from the start hold for every document issued before any change.
BEGINNING = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class OfficeDetailsAt:
    """The supplier's details of one moment, as a document of that moment prints them."""

    name: str
    address: str
    vat_number: str
    phone: str  # as people write it
    email: str
    logo: bytes | None
    timezone: str
    #: Whether VAT was charged: a document of a moment the office was not VAT-registered says
    #: so and prints no VAT.
    vat_registered: bool = True


def _values(source: t.OfficeSettings | t.OfficeDetails | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(source, Mapping):
        values = {name: source.get(name) for name in DETAIL_FIELDS}
    else:
        values = {name: getattr(source, name) for name in DETAIL_FIELDS}
    logo = values["logo"]
    values["logo"] = bytes(logo) if logo is not None else None
    # Details recorded before registration was asked were those of a VAT-registered office.
    values["vat_registered"] = values["vat_registered"] is None or bool(values["vat_registered"])
    for name in DETAIL_FIELDS:
        if name not in ("logo", "vat_registered") and values[name] is None:
            values[name] = ""
    return values


@in_transaction
def record_details(actor: Actor | None, before: Mapping[str, Any] | None,
                   after: t.OfficeSettings) -> bool:
    """Start a new period of the office's details when a saved change touched them.

    Runs inside the caller's transaction (the one that saves the settings). When no period was
    recorded yet, the details as they were before the change are recorded first, from the
    beginning, so documents issued earlier keep printing them. Returns True when a period
    was started.
    """
    new = _values(after)
    old = _values(before) if before is not None else None
    if old == new:
        return False
    moment = utcnow()
    if old is not None and not t.OfficeDetails.select().exists():
        t.OfficeDetails.create(valid_from=BEGINNING, recorded_by=None, recorded_at=moment,
                               **old)
    t.OfficeDetails.create(valid_from=BEGINNING if old is None else moment,
                           recorded_by=actor.id if actor else None, recorded_at=moment, **new)
    return True


def details_at(moment: dt.datetime) -> OfficeDetailsAt:
    """The office's details in force at ``moment`` (naive UTC); today's when none are recorded."""
    row: t.OfficeDetails | t.OfficeSettings | None = (
        t.OfficeDetails.select().where(t.OfficeDetails.valid_from <= moment)
        .order_by(t.OfficeDetails.valid_from.desc(), t.OfficeDetails.id.desc()).first())
    if row is None:
        row = t.OfficeSettings.select().order_by(t.OfficeSettings.id).first() \
            or t.OfficeSettings()
    values = _values(row)
    return OfficeDetailsAt(values["company_name"], values["address"], values["vat_number"],
                           display_phone(values["phone"]), values["email"], values["logo"],
                           values["timezone"] or DEFAULT_ZONE, values["vat_registered"])


def printed_office(details: OfficeDetailsAt | t.OfficeSettings) -> Office:
    """The supplier as a document prints it at its top, from details of a moment or from the
    office's settings today (reports and summaries, which are printed as of now)."""
    if isinstance(details, OfficeDetailsAt):
        return Office(details.name, details.address, details.vat_number, details.phone,
                      details.email, details.logo)
    values = _values(details)
    return Office(values["company_name"], values["address"], values["vat_number"],
                  display_phone(values["phone"]), values["email"], values["logo"])
