"""Who rings from a number: exact matches over customers and their current contacts."""

from __future__ import annotations

from typing import Any

import pytest

from synergy_desk.domain.errors import ValidationError
from synergy_desk.services.people import customers
from synergy_desk.services.people.customers import ContactInput, CustomerInput
from synergy_desk.services.people.phone_book import callers_with_number


def _customer(actor: Any, name: str, phone: str = "", company: str = "",
              contacts: tuple[ContactInput, ...] = ()) -> customers.CustomerSummary:
    return customers.create_customer(actor, CustomerInput(name=name, company=company,
                                                          phone=phone), contacts=contacts)


def test_a_customers_own_number_finds_them_however_it_is_written(reception: Any) -> None:
    acme = _customer(reception, "Acme Ltd", "01632 960123")
    # Its digits hold the number, but it is another one.
    _customer(reception, "Oldenburg GmbH", "+49 441 632 960123")
    for typed in ("01632 960123", "+44 1632 960123", "+441632960123", "0044 1632 960 123"):
        found = callers_with_number(typed)
        assert [(m.customer_id, m.contact_id) for m in found] == [(acme.id, None)], typed
    assert found[0].label == f"Acme Ltd ({acme.account_code})"
    assert found[0].phone == "01632 960123"


def test_a_contacts_number_finds_the_contact_and_their_customer(reception: Any) -> None:
    acme = _customer(reception, "Acme Ltd", "0113 496 0000", contacts=(
        ContactInput(name="Jane Smith", phone="07700 900123"),
        ContactInput(name="Raj Patel", phone="07700 900456")))
    found = callers_with_number("+447700900456")
    assert len(found) == 1
    raj = found[0]
    assert (raj.customer_id, raj.contact_name) == (acme.id, "Raj Patel")
    assert raj.contact_id == next(c.id for c in customers.customer_summary(acme.id).contacts
                                  if c.name == "Raj Patel")
    assert raj.label == f"Raj Patel at Acme Ltd ({acme.account_code})"


def test_a_contact_who_has_left_is_not_found(reception: Any) -> None:
    acme = _customer(reception, "Acme Ltd", contacts=(
        ContactInput(name="Jane Smith", phone="07700 900123"),))
    jane = customers.customer_summary(acme.id).contacts[0]
    customers.retire_contact(reception, jane.id, customers.customer_summary(acme.id).version)
    assert callers_with_number("07700 900123") == []


def test_a_number_several_callers_share_finds_them_all(reception: Any) -> None:
    b = _customer(reception, "Bravo Ltd", "01632 960999")
    a = _customer(reception, "Alpha Ltd", contacts=(
        ContactInput(name="Zoe", phone="01632 960999"),
        ContactInput(name="Adam", phone="01632 960999")))
    found = callers_with_number("01632960999")
    assert [(m.customer_id, m.contact_name) for m in found] == [
        (a.id, "Adam"), (a.id, "Zoe"), (b.id, "")]


def test_the_customers_own_number_shared_by_a_contact_finds_the_contact(reception: Any) -> None:
    acme = _customer(reception, "Acme Ltd", "01632 960123", contacts=(
        ContactInput(name="Jane Smith", phone="01632 960123"),))
    found = callers_with_number("01632 960123")
    assert [(m.customer_id, m.contact_name) for m in found] == [(acme.id, "Jane Smith")]


def test_an_unknown_number_finds_nobody(reception: Any) -> None:
    _customer(reception, "Acme Ltd", "01632 960123")
    assert callers_with_number("01632 960124") == []


def test_what_is_not_a_number_is_refused_in_a_sentence(office: Any) -> None:
    with pytest.raises(ValidationError, match="not a"):
        callers_with_number("call me")
