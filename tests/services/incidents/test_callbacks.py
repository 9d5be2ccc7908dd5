"""Call-backs: promising one, the queue of due and overdue ones, clearing them."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.enums import TimelineKind
from synergy_desk.domain.errors import NotFound, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import callbacks
from tests.services.incidents.incident_helpers import entries, make_customer, new_call, searchable

HOUR = dt.timedelta(hours=1)


def test_reception_promises_a_call_back(reception: Actor, product: t.Product) -> None:
    customer = make_customer("Alpha Ltd")
    contact = t.Contact.create(customer=customer.id, name="Pat Jones", phone="01132 496000")
    ref = new_call(reception, customer, product)
    due = utcnow() + 2 * HOUR
    promised = callbacks.schedule_callback(reception, customer.id, due, "Ring with the fix",
                                           incident_id=ref.id, contact_id=contact.id)
    assert (promised.customer_name, promised.contact_name, promised.contact_phone) == (
        "Alpha Ltd", "Pat Jones", "01132 496000")
    assert promised.incident_reference == ref.reference
    assert promised.due_at == due and promised.note == "Ring with the fix"
    assert promised.created_by_name == "Rita Reception"
    assert promised.overdue is False and promised.done_at is None
    assert t.AuditLog.select().where(t.AuditLog.action == "callback.schedule").count() == 1


def test_a_call_back_is_promised_for_the_future(reception: Actor) -> None:
    customer = make_customer()
    with pytest.raises(ValidationError, match="still to come"):
        callbacks.schedule_callback(reception, customer.id, utcnow() - HOUR, "Too late")
    assert t.CallBack.select().count() == 0


def test_an_aware_time_is_stored_in_utc(reception: Actor) -> None:
    customer = make_customer()
    local = dt.datetime.now(dt.timezone(dt.timedelta(hours=2))) + HOUR
    promised = callbacks.schedule_callback(reception, customer.id, local, "")
    assert promised.due_at == local.astimezone(dt.UTC).replace(tzinfo=None)


def test_a_call_back_cannot_name_another_customers_incident_or_contact(
        reception: Actor, product: t.Product) -> None:
    alpha, bravo = make_customer("Alpha Ltd"), make_customer("Bravo Ltd")
    theirs = new_call(reception, bravo, product)
    stranger = t.Contact.create(customer=bravo.id, name="Sam Other")
    soon = utcnow() + HOUR
    with pytest.raises(ValidationError, match="another customer"):
        callbacks.schedule_callback(reception, alpha.id, soon, "x", incident_id=theirs.id)
    with pytest.raises(ValidationError, match="not a contact"):
        callbacks.schedule_callback(reception, alpha.id, soon, "x", contact_id=stranger.id)
    with pytest.raises(NotFound):
        callbacks.schedule_callback(reception, 999, soon, "x")


def test_a_card_number_in_the_note_is_refused(reception: Actor) -> None:
    with pytest.raises(ValidationError, match="card number"):
        callbacks.schedule_callback(reception, make_customer().id, utcnow() + HOUR,
                                    "Take payment on 4111 1111 1111 1111")


def test_the_queue_holds_due_and_overdue_call_backs_oldest_first(reception: Actor) -> None:
    customer = make_customer()
    now = utcnow()
    first = callbacks.schedule_callback(reception, customer.id, now + HOUR, "First")
    second = callbacks.schedule_callback(reception, customer.id, now + 3 * HOUR, "Second")
    later = callbacks.schedule_callback(reception, customer.id, now + 10 * HOUR, "Later")

    at = now + 3 * HOUR
    due = callbacks.due_callbacks(now=at)
    assert [c.id for c in due] == [first.id, second.id]
    assert [c.overdue for c in due] == [True, False]  # due exactly now is due, not overdue
    assert callbacks.callbacks_due_count(now=at) == 2
    ahead = callbacks.due_callbacks(now=at, include_future_hours=8)
    assert [c.id for c in ahead] == [first.id, second.id, later.id]
    assert callbacks.callbacks_due_count(now=now) == 0


def test_an_engineer_clears_a_call_back_onto_the_timeline(engineer: Actor, reception: Actor,
                                                         product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    promised = callbacks.schedule_callback(reception, customer.id, utcnow() + HOUR,
                                           "Ring back", incident_id=ref.id)
    cleared = callbacks.clear_callback(engineer, promised.id, "Talked them through the fix")
    assert cleared.done_at is not None and cleared.done_by_name == "Eddie Engineer"
    assert cleared.outcome == "Talked them through the fix"
    last = entries(ref)[-1]
    assert last.kind is TimelineKind.PHONE_OUT
    assert last.text == "Call-back: Talked them through the fix"
    assert "Talked them through" in searchable(ref.id)
    assert callbacks.due_callbacks(now=utcnow() + 2 * HOUR) == []
    with pytest.raises(ValidationError, match="cleared already by Eddie Engineer"):
        callbacks.clear_callback(engineer, promised.id, "Again")


def test_clearing_needs_an_outcome(engineer: Actor, reception: Actor) -> None:
    promised = callbacks.schedule_callback(reception, make_customer().id, utcnow() + HOUR, "")
    with pytest.raises(ValidationError, match="outcome"):
        callbacks.clear_callback(engineer, promised.id, " ")
    assert t.CallBack.get_by_id(promised.id).done_at is None


def test_a_customers_call_backs_for_the_panel(engineer: Actor, reception: Actor) -> None:
    customer = make_customer()
    open_one = callbacks.schedule_callback(reception, customer.id, utcnow() + HOUR, "Open")
    done = callbacks.schedule_callback(reception, customer.id, utcnow() + 2 * HOUR, "Done")
    callbacks.clear_callback(engineer, done.id, "Spoke to them")
    assert [c.id for c in callbacks.callbacks_of_customer(customer.id)] == [open_one.id]
    assert len(callbacks.callbacks_of_customer(customer.id, include_done=True)) == 2
