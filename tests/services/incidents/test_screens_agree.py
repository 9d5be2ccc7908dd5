"""What the desk does about an incident's money and call-backs is on its timeline, and its
funding line says what happened to the funding rather than asking for a payment it no
longer needs."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.enums import TimelineKind, WaiverKind
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import callbacks, closing, reshape
from synergy_desk.services.incidents.detail import incident_detail
from synergy_desk.services.money import funding, payments
from tests.services.incidents.incident_helpers import (
    buy_ticket,
    in_progress,
    make_customer,
    new_call,
    pay_for,
    ticket_funded,
)

ASKS_FOR_MONEY = "Unfunded: take a payment"


def _events(incident_id: int) -> list[str]:
    return [e.text for e in t.TimelineEntry.select()
            .where((t.TimelineEntry.incident == incident_id)
                   & (t.TimelineEntry.kind == TimelineKind.SYSTEM))
            .order_by(t.TimelineEntry.id)]


def test_a_payment_is_on_the_timeline(reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    receipt = pay_for(reception, customer, ref.id)
    assert f"Paid £90.00 by cash: receipt {receipt.number}." in _events(ref.id)


def test_a_ticket_redemption_is_on_the_timeline(reception: Actor, product: t.Product) -> None:
    ref, ticket_id = ticket_funded(reception, make_customer(), product)
    [event] = [e for e in _events(ref.id) if e.startswith("Season ticket")]
    assert event.startswith(f"Season ticket {ticket_id}: incident 1 of 10 used, 9 left")


def test_a_waiver_is_on_the_timeline(manager: Actor, reception: Actor,
                                     product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    funding.waive(manager, ref.id, WaiverKind.GOODWILL, "Long-standing customer")
    assert (f"Charge waived by {manager.full_name} (goodwill): Long-standing customer."
            in _events(ref.id))


def test_a_contract_funding_is_on_the_timeline(manager: Actor, reception: Actor,
                                               product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    today = dt.date.today()
    funding.create_contract(manager, customer.id, "SC-9", today - dt.timedelta(days=1),
                            today + dt.timedelta(days=30))
    funding.fund_from_contract(reception, ref.id)
    assert "Covered by contract SC-9." in _events(ref.id)


def test_a_refund_is_on_the_timeline(manager: Actor, reception: Actor,
                                     product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    receipt = pay_for(reception, customer, ref.id)
    note = payments.refund(manager, receipt.payment_id, reason="Customer cancelled")
    assert (f"Refunded £90.00 from receipt {receipt.number} on credit note {note.number}: "
            "Customer cancelled." in _events(ref.id))


def test_a_call_back_promised_and_made_is_on_the_timeline(engineer: Actor, reception: Actor,
                                                          product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    due = utcnow() + dt.timedelta(hours=2)
    row = callbacks.schedule_callback(reception, customer.id, due, "After lunch",
                                      incident_id=ref.id)
    [promised] = [e for e in _events(ref.id) if e.startswith("Call-back promised")]
    assert promised.endswith(f"by {reception.full_name}: After lunch.")
    callbacks.clear_callback(engineer, row.id, "Spoke to them")
    last = t.TimelineEntry.select().where(t.TimelineEntry.incident == ref.id) \
        .order_by(t.TimelineEntry.id.desc()).get()
    assert last.text == "Call-back: Spoke to them"


def test_the_funding_line_of_a_refunded_open_incident_says_so(
        manager: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    receipt = pay_for(reception, customer, ref.id)
    note = payments.refund(manager, receipt.payment_id, reason="Paid twice")
    line = incident_detail(ref.id).funding_description
    assert line.startswith(f"Refunded on credit note {note.number}")
    assert "take a payment" in line  # still open: it can be funded again


def test_the_funding_line_of_a_merged_incident_names_the_survivor(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    survivor = new_call(reception, customer, product)
    duplicate = new_call(reception, customer, product, subject="Same again")
    pay_for(reception, customer, duplicate.id)
    reshape.merge(engineer, duplicate.id, survivor.id)
    line = incident_detail(duplicate.id).funding_description
    assert line.startswith(f"Merged into {survivor.reference}")
    assert "now funds" in line and ASKS_FOR_MONEY not in line
    assert incident_detail(survivor.id).funding_description.startswith("Receipt R-")


def test_the_funding_line_of_a_ticket_handed_back(engineer: Actor, manager: Actor,
                                                  reception: Actor, product: t.Product) -> None:
    ref, ticket_id = ticket_funded(reception, make_customer(), product)
    closing.out_of_remit(manager, ref.id, "Wants a macro written")
    line = incident_detail(ref.id).funding_description
    assert line.startswith("Handed back:") and f"season ticket {ticket_id}" in line
    assert ASKS_FOR_MONEY not in line


def test_the_funding_line_of_a_closed_unfunded_incident(engineer: Actor, reception: Actor,
                                                        product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    closing.close_unresolved(engineer, ref.id, "Customer never came back")
    line = incident_detail(ref.id).funding_description
    assert line == "Closed without funding: nothing was charged."


def test_the_funding_line_of_an_open_unfunded_incident_asks_for_money(
        reception: Actor, product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    assert incident_detail(ref.id).funding_description.startswith(ASKS_FOR_MONEY)


@pytest.mark.parametrize("kind", ["payment", "ticket"])
def test_a_funded_incident_keeps_its_funding_line(engineer: Actor, reception: Actor,
                                                  product: t.Product, kind: str) -> None:
    customer = make_customer()
    if kind == "ticket":
        buy_ticket(reception, customer)
    ref = in_progress(engineer, reception, customer, product) if kind == "ticket" else None
    if ref is None:
        ref = new_call(reception, customer, product)
        pay_for(reception, customer, ref.id)
    line = incident_detail(ref.id).funding_description
    assert line.startswith("Season ticket" if kind == "ticket" else "Receipt R-")
