"""Call-backs: promising one, the queue of due and overdue ones, clearing them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

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


# --- promised to someone; reminding the desk it was promised to -----------------------------


def test_a_call_back_is_promised_to_one_user_or_to_any_engineer(
        reception: Actor, engineer: Actor) -> None:
    customer = make_customer()
    theirs = callbacks.schedule_callback(reception, customer.id, utcnow() + HOUR, "Ring",
                                         assigned_to=engineer.id)
    assert (theirs.assigned_to_id, theirs.assigned_to_name) == (engineer.id, "Eddie Engineer")
    anyone = callbacks.schedule_callback(reception, customer.id, utcnow() + HOUR, "Ring")
    assert (anyone.assigned_to_id, anyone.assigned_to_name) == (None, "")
    audited = t.AuditLog.get(t.AuditLog.entity_id == str(theirs.id))
    assert json.loads(audited.after)["assigned_to"] == engineer.id


def test_a_call_back_is_not_promised_to_a_stranger_or_a_leaver(
        reception: Actor, office: dict[str, Any]) -> None:
    customer = make_customer()
    with pytest.raises(NotFound):
        callbacks.schedule_callback(reception, customer.id, utcnow() + HOUR, "", assigned_to=999)
    t.User.update(active=False).where(t.User.id == office["engineer2"].id).execute()
    with pytest.raises(ValidationError, match="no longer works here"):
        callbacks.schedule_callback(reception, customer.id, utcnow() + HOUR, "",
                                    assigned_to=office["engineer2"].id)
    assert t.CallBack.select().count() == 0


def test_the_desk_is_reminded_of_its_own_and_engineers_of_the_unassigned(
        office: dict[str, Any]) -> None:
    rita, eddie, erin, mary = (office[k] for k in ("reception", "engineer", "engineer2",
                                                    "manager"))
    customer = make_customer()
    now = utcnow()
    for_eddie = callbacks.schedule_callback(rita, customer.id, now + HOUR, "E",
                                            assigned_to=eddie.id)
    for_rita = callbacks.schedule_callback(rita, customer.id, now + HOUR, "R",
                                           assigned_to=rita.id)
    anyone = callbacks.schedule_callback(rita, customer.id, now + 2 * HOUR, "Any")
    later = callbacks.schedule_callback(rita, customer.id, now + 5 * HOUR, "Later",
                                        assigned_to=eddie.id)

    def due(actor: Actor, at: dt.datetime) -> list[int]:
        return [c.id for c in callbacks.callbacks_due_for(actor, at)]

    assert due(eddie, now) == []  # nothing due yet
    at = now + 3 * HOUR
    assert due(eddie, at) == [for_eddie.id, anyone.id]
    assert due(erin, at) == [anyone.id]  # every engineer's desk for the unassigned
    assert due(mary, at) == [anyone.id]
    assert due(rita, at) == [for_rita.id]  # reception only their own
    assert later.id in due(eddie, now + 6 * HOUR)
    callbacks.clear_callback(erin, anyone.id, "Rang them")
    assert due(eddie, at) == [for_eddie.id]  # a cleared one is no longer due


def test_reception_marks_a_call_back_done_with_its_outcome_on_the_timeline(
        reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    promised = callbacks.schedule_callback(reception, customer.id, utcnow() + HOUR, "Ring",
                                           incident_id=ref.id)
    with pytest.raises(ValidationError, match="outcome"):
        callbacks.clear_callback(reception, promised.id, "  ")
    done = callbacks.clear_callback(reception, promised.id, "Left a message with their office")
    assert done.done_by_name == "Rita Reception" and done.done_at is not None
    assert entries(ref)[-1].text == "Call-back: Left a message with their office"
    audited = t.AuditLog.get(t.AuditLog.action == "callback.clear")
    assert audited.user_id == reception.id and "Left a message" in audited.after


def test_reception_marks_done_a_call_back_with_no_incident(reception: Actor) -> None:
    promised = callbacks.schedule_callback(reception, make_customer().id, utcnow() + HOUR, "")
    done = callbacks.clear_callback(reception, promised.id, "They will ring us")
    assert done.outcome == "They will ring us"
    assert t.AuditLog.select().where(t.AuditLog.action == "callback.clear").count() == 1
