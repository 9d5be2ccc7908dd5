"""Stored text, through the real services on both engines: no full card number survives,
however it is typed, and nothing the database cannot hold reaches it."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import peewee as pw
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from synergy_desk.domain.cards import contains_card_number
from synergy_desk.domain.enums import PaymentMethod, TimelineKind, WaiverKind
from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.data import csv_export
from synergy_desk.services.incidents import callbacks, work
from synergy_desk.services.money import funding, payments
from synergy_desk.services.people import customers
from synergy_desk.services.reporting import summary_documents
from tests.domain.test_cards import oddly_typed_card_numbers
from tests.services.incidents.incident_helpers import make_customer, new_call

_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz .,;!?", max_size=20)


def _digits(text: str) -> str:
    """The text without format characters and the separators the card numbers are typed with
    (NFKC-normalised): a card number in it, however typed, is its digits together."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return re.sub(r"[\s\u2013\u2014.,/_-]", "", unicodedata.normalize("NFKC", text))


def stored_text() -> Iterator[tuple[str, str, str]]:
    """(table, column, value) for every text value in the office's tables."""
    for model in t.ALL_MODELS:
        # Hashes (of passwords, of the chains' rows) are hex digits no one typed.
        columns = [f for f in model._meta.sorted_fields
                   if isinstance(f, (pw.CharField, pw.TextField))
                   and not f.name.endswith("_hash")]
        if not columns:
            continue
        for values in model.select(*columns).tuples():
            for column, value in zip(columns, values, strict=True):
                if isinstance(value, str) and value:
                    yield model._meta.table_name, column.name, value


def _attempt(call: Callable[[], Any]) -> None:
    """Run a service call; a refusal must be the card-number one (then nothing is stored)."""
    try:
        call()
    except ValidationError as exc:
        assert "card number" in exc.message, exc.message


def _assert_gone(text: str, digits: str, where: str) -> None:
    assert not contains_card_number(text), f"a card number in {where}: {text!r}"
    assert digits not in _digits(text), f"the card's digits in {where}: {text!r}"


@pytest.mark.slow
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(card=oddly_typed_card_numbers(), before=_WORDS, after=_WORDS)
def test_no_card_number_however_typed_reaches_the_database_a_summary_or_a_csv(
        office: dict[str, Any], tmp_path: Path, card: tuple[str, str], before: str,
        after: str) -> None:
    typed, digits = card
    text = f"{before} {typed} {after}"
    manager: Actor = office["manager"]  # type: ignore[assignment]
    reception: Actor = office["reception"]  # type: ignore[assignment]
    product: t.Product = office["product"]  # type: ignore[assignment]
    customer = make_customer()
    ref = new_call(reception, customer, product, text=text)
    _attempt(lambda: customers.create_customer(reception, customers.CustomerInput(
        name="Card Holder Ltd", notes=text)))
    _attempt(lambda: customers.create_customer(reception, customers.CustomerInput(
        name="Contact Holder Ltd"), [customers.ContactInput(name="Ann", job_title=text)]))
    _attempt(lambda: new_call(reception, customer, product, subject=f"Card {typed}"))
    _attempt(lambda: new_call(reception, customer, product, description=text))
    _attempt(lambda: work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE, text))
    _attempt(lambda: callbacks.schedule_callback(
        reception, customer.id, dt.datetime.now(dt.UTC) + dt.timedelta(days=1), text))
    _attempt(lambda: payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer.id, incident_ids=(ref.id,), method=PaymentMethod.BANK_TRANSFER,
        bank_reference=typed)))
    _attempt(lambda: funding.waive(manager, ref.id, WaiverKind.GOODWILL, text))

    for table, column, value in stored_text():
        _assert_gone(value, digits, f"{table}.{column}")
    for audience in ("internal", "customer"):  # the staff's version has every entry
        pdf = summary_documents.incident_summary_pdf(ref.id, audience)
        pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        _assert_gone(pdf_text, digits, f"the incident summary ({audience})")
    for export in (csv_export.export_customers, csv_export.export_incidents):
        out = tmp_path / "export.csv"
        export(manager, out)
        _assert_gone(out.read_text(encoding="utf-8-sig"), digits, export.__name__)


# --- text the database cannot hold ----------------------------------------------------------

#: Typed or pasted with NUL, other control characters and Windows line ends in it.
CONTROLLED = "Printer\x00 jams\x07 on\x1b page\x7f two\x9f\r\nthen\tstops\r"
CLEANED = "Printer jams on page two\nthen\tstops"
SURROGATE = "Printer jams \ud83d on page two"


def _stores(office: dict[str, Any]) -> dict[str, tuple[Callable[[str], object],
                                                      Callable[[], str], type[t.BaseModel], str]]:
    """What stores text: (store it, read what was stored, the table it goes to, the field)."""
    reception: Actor = office["reception"]  # type: ignore[assignment]
    manager: Actor = office["manager"]  # type: ignore[assignment]
    product: t.Product = office["product"]  # type: ignore[assignment]
    customer = make_customer()
    ref = new_call(reception, customer, product)
    newest = lambda model: model.select().order_by(model.id.desc()).first()  # noqa: E731
    return {
        "subject": (lambda s: new_call(reception, customer, product, subject=s),
                    lambda: newest(t.Incident).subject, t.Incident, "subject"),
        "description": (lambda s: new_call(reception, customer, product, description=s),
                        lambda: newest(t.Incident).description, t.Incident, "description"),
        "call notes": (lambda s: new_call(reception, customer, product, text=s),
                       lambda: newest(t.TimelineEntry).text, t.TimelineEntry, "call_notes"),
        "timeline note": (
            lambda s: work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE, s),
            lambda: newest(t.TimelineEntry).text, t.TimelineEntry, "text"),
        "customer notes": (
            lambda s: customers.create_customer(reception, customers.CustomerInput(
                name="Acme Ltd", notes=s)),
            lambda: newest(t.Customer).notes, t.Customer, "notes"),
        "contact's job title": (
            lambda s: customers.create_customer(reception, customers.CustomerInput(
                name="Acme Ltd"), [customers.ContactInput(name="Ann", job_title=s)]),
            lambda: newest(t.Contact).job_title, t.Customer, "job_title"),
        "call-back note": (
            lambda s: callbacks.schedule_callback(
                reception, customer.id, dt.datetime.now(dt.UTC) + dt.timedelta(days=1), s),
            lambda: newest(t.CallBack).note, t.CallBack, "note"),
        "waiver reason": (lambda s: funding.waive(manager, ref.id, WaiverKind.GOODWILL, s),
                          lambda: newest(t.Waiver).reason, t.Waiver, "reason"),
        "bank reference": (
            lambda s: payments.take_payment(reception, payments.PaymentInput(
                customer_id=customer.id, incident_ids=(ref.id,),
                method=PaymentMethod.BANK_TRANSFER, bank_reference=s)),
            lambda: newest(t.Payment).bank_reference, t.Payment, "payment reference"),
    }


STORES = ["subject", "description", "call notes", "timeline note", "customer notes",
          "contact's job title", "call-back note", "waiver reason", "bank reference"]


@pytest.mark.parametrize("what", STORES)
def test_control_characters_are_dropped_before_storing(office: dict[str, Any],
                                                       what: str) -> None:
    store, stored, _model, _field = _stores(office)[what]
    text = CONTROLLED if what != "bank reference" else "BACS\x00 12\x1b34\r\n"
    store(text)
    expected = {"subject": "Printer jams on page two then stops",
                "bank reference": "BACS 1234"}.get(what, CLEANED)
    assert stored() == expected


@pytest.mark.parametrize("what", STORES)
def test_a_broken_character_is_refused_naming_the_field_and_nothing_is_stored(
        office: dict[str, Any], what: str) -> None:
    store, _stored, model, field = _stores(office)[what]
    rows = model.select().count()
    with pytest.raises(ValidationError, match="broken character") as caught:
        store(SURROGATE)
    assert caught.value.field == field
    assert "\ud83d" not in caught.value.message
    assert "Nothing was changed" in caught.value.message
    assert model.select().count() == rows
