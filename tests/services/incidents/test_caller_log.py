"""The caller log: the phone system's call events recorded, the caller found by number, a missed
call from a known customer turned into a call-back once, every event counted once."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from synergy_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor, transaction
from synergy_desk.services.incidents import callbacks
from synergy_desk.services.incidents.caller_log import (
    CTI_PATH,
    caller_log,
    caller_number,
    phone_event,
    read_phone_request,
    record_phone_event,
)
from tests.services.money.test_funding import new_customer

TOKEN = "k" * 43
KNOWN = "+441632960123"


@pytest.fixture
def known(office: dict[str, Any]) -> t.Customer:
    customer = new_customer("Acme Joinery")
    with transaction():
        t.Customer.update(phone=KNOWN).where(t.Customer.id == customer.id).execute()
    return customer


def ring(actor: Actor, call_id: str, number: str = "441632960123", **extra: Any) -> Any:
    return record_phone_event(actor, {"event": "newCall", "callId": call_id, "from": number,
                                      "to": "441632000999", "direction": "in", **extra})


def hang_up(actor: Actor, call_id: str, cause: str = "cancel") -> Any:
    return record_phone_event(actor, {"event": "hangup", "callId": call_id, "cause": cause,
                                      "from": "441632960123", "to": "441632000999",
                                      "direction": "in"})


def shift(call_id: str, column: str, back: dt.timedelta) -> None:
    """Move one of a call's moments back in time."""
    with transaction():
        row = t.CallerLog.get(t.CallerLog.call_id == call_id)
        (t.CallerLog.update({getattr(t.CallerLog, column): getattr(row, column) - back})
         .where(t.CallerLog.id == row.id).execute())


def test_a_call_rings_is_answered_and_ends_in_the_log(reception: Actor, known: t.Customer,
                                                      office: dict[str, Any]) -> None:
    row = ring(reception, "c-1", "01632 960123")
    assert (row.from_number, row.customer_id, row.customer_name) == (KNOWN, known.id,
                                                                     "Acme Joinery")
    assert row.outcome == "" and row.answered_at is None and row.ended_at is None
    answered = record_phone_event(reception, {"event": "answer", "callId": "c-1",
                                              "user[]": ["eddie"], "direction": "in"})
    assert answered.answered_by_id == office["engineer"].id
    assert answered.answered_by_name == "Eddie Engineer"
    shift("c-1", "answered_at", dt.timedelta(seconds=95))  # the call lasted 95 seconds
    ended = hang_up(reception, "c-1", "normalClearing")
    assert ended.outcome == "answered" and ended.hangup_cause == "normalClearing"
    assert 95 <= ended.duration_seconds <= 100
    assert ended.call_back_id is None
    assert t.CallBack.select().count() == 0  # an answered call needs no call-back
    [listed] = caller_log()
    assert listed == ended
    actions = [a.action for a in t.AuditLog.select().where(t.AuditLog.entity == "call")
               .order_by(t.AuditLog.id)]
    assert actions == ["call.ring", "call.answer", "call.end"]
    from synergy_desk.services.reporting.audit_log import action_label, kind_of

    assert [(kind_of(a), action_label(a)) for a in actions] == [
        ("customers", "Call rang (phone system)"), ("customers", "Call answered (phone system)"),
        ("customers", "Call ended (phone system)")]


def test_an_answer_by_a_name_no_user_has_keeps_the_name(reception: Actor,
                                                        known: t.Customer) -> None:
    ring(reception, "c-2")
    row = record_phone_event(reception, {"event": "answer", "callId": "c-2",
                                         "user": ["Switchboard 2"]})
    assert row.answered_by_id is None and row.answered_by_name == "Switchboard 2"
    by_full_name = ring(reception, "c-3")
    by_full_name = record_phone_event(reception, {"event": "answer", "callId": "c-3",
                                                  "user": "rita reception"})
    assert by_full_name.answered_by_name == "Rita Reception"


def test_a_missed_call_from_a_known_customer_becomes_one_call_back(
        reception: Actor, known: t.Customer) -> None:
    ring(reception, "m-1")
    ended = hang_up(reception, "m-1", "cancel")
    assert ended.outcome == "missed" and ended.missed and ended.duration_seconds == 0
    assert ended.call_back_id is not None
    again = hang_up(reception, "m-1", "noAnswer")  # the phone system said it twice
    assert again == ended
    [due] = callbacks.due_callbacks()
    assert due.id == ended.call_back_id and due.customer_id == known.id
    assert due.note.startswith("Missed call from 01632 960123 at ")
    assert t.AuditLog.select().where(t.AuditLog.action == "callback.schedule").count() == 1
    assert [r.id for r in caller_log(missed_only=True)] == [ended.id]
    assert [r.id for r in caller_log(customer_id=known.id)] == [ended.id]


def test_a_missed_call_from_a_contact_names_the_contact(reception: Actor,
                                                        known: t.Customer) -> None:
    with transaction():
        contact = t.Contact.create(customer=known.id, name="Jane Smith", phone="+447700900123")
    row = ring(reception, "m-2", "07700 900123")
    assert (row.customer_id, row.contact_id, row.contact_name) == (known.id, contact.id,
                                                                   "Jane Smith")
    ended = hang_up(reception, "m-2")
    assert t.CallBack.get_by_id(ended.call_back_id).contact_id == contact.id


def test_a_missed_call_from_an_unknown_number_makes_no_call_back(reception: Actor,
                                                                 known: t.Customer) -> None:
    ring(reception, "u-1", "441632960999")
    ended = hang_up(reception, "u-1")
    assert ended.missed and ended.customer_id is None and ended.call_back_id is None
    ring(reception, "u-2", "anonymous")
    anonymous = hang_up(reception, "u-2")
    assert anonymous.from_number == "anonymous" and anonymous.call_back_id is None
    assert t.CallBack.select().count() == 0


def test_a_missed_call_out_makes_no_call_back(reception: Actor, known: t.Customer) -> None:
    row = record_phone_event(reception, {"event": "newCall", "callId": "o-1",
                                         "from": "441632000999", "to": "01632960123",
                                         "direction": "out"})
    assert row.customer_id == known.id and row.number == KNOWN
    assert hang_up(reception, "o-1").call_back_id is None
    assert t.CallBack.select().count() == 0


def test_every_event_counts_once_per_call(reception: Actor, known: t.Customer) -> None:
    first = ring(reception, "i-1")
    assert ring(reception, "i-1", "441632960999") == first  # a second newCall changes nothing
    answered = record_phone_event(reception, {"event": "answer", "callId": "i-1",
                                              "user": ["eddie"]})
    assert record_phone_event(reception, {"event": "answer", "callId": "i-1",
                                          "user": ["erin"]}) == answered
    ended = hang_up(reception, "i-1")
    assert hang_up(reception, "i-1") == ended
    late = record_phone_event(reception, {"event": "answer", "callId": "i-1", "user": ["erin"]})
    assert late == ended  # an answer after the end is not one
    assert t.CallerLog.select().count() == 1
    assert t.AuditLog.select().where(t.AuditLog.entity == "call").count() == 3


@pytest.mark.parametrize("event", ["answer", "hangup"])
def test_an_event_of_a_call_that_never_rang_is_refused_and_writes_nothing(
        reception: Actor, known: t.Customer, event: str) -> None:
    audits = t.AuditLog.select().count()
    with pytest.raises(NotFound, match="never rang here; nothing was recorded"):
        record_phone_event(reception, {"event": event, "callId": "nope", "cause": "cancel"})
    assert t.CallerLog.select().count() == 0 and t.CallBack.select().count() == 0
    assert t.AuditLog.select().count() == audits


@pytest.mark.parametrize(("fields", "told"), [
    ({"callId": "x"}, "The event has no “event”."),
    ({"event": "transfer", "callId": "x"}, "“transfer” is not a call event"),
    ({"event": "newCall"}, "The event has no “callId”."),
    ({"event": "newCall", "callId": "x", "direction": "sideways"}, "not a direction"),
    ({"event": "newCall", "callId": "x" * 101}, "is not a value a phone system sends"),
    ({"event": "answer", "callId": "x", "user": [3]}, "must be a list of names"),
])
def test_a_bad_event_is_told_in_one_line(fields: dict[str, Any], told: str) -> None:
    with pytest.raises(ValidationError, match=told):
        phone_event(fields)


def test_todays_calls_are_the_office_days(reception: Actor, known: t.Customer) -> None:
    ring(reception, "d-1")
    ring(reception, "d-2")
    shift("d-1", "started_at", dt.timedelta(days=2))
    assert [r.call_id for r in caller_log()] == ["d-2", "d-1"]  # newest first
    assert [r.call_id for r in caller_log(today=True)] == ["d-2"]


@pytest.mark.parametrize(("typed", "stored"), [
    ("441632960123", KNOWN), ("01632 960123", KNOWN), ("+44 1632 960123", KNOWN),
    ("anonymous", "anonymous"), ("", ""),
])
def test_the_phone_systems_numbers_are_stored_as_e164(typed: str, stored: str) -> None:
    assert caller_number(typed) == stored


# --- the phone system's requests ---------------------------------------------------------------

def test_a_form_request_with_the_token_in_its_path_is_read() -> None:
    body = b"event=answer&callId=42&from=441632960123&to=441632000999&direction=in" \
           b"&user%5B%5D=Rita+Reception&user%5B%5D=eddie"
    event = read_phone_request(CTI_PATH + TOKEN, {"Content-Type":
                                                  "application/x-www-form-urlencoded"},
                               body, TOKEN)
    assert (event.event, event.call_id, event.users) == ("answer", "42",
                                                          ("Rita Reception", "eddie"))


@pytest.mark.parametrize("headers", [{"X-Synergy-Token": TOKEN},
                                     {"Authorization": f"Bearer {TOKEN}"}])
def test_a_json_request_with_the_token_in_a_header_is_read(headers: dict[str, str]) -> None:
    body = json.dumps({"event": "hangup", "callId": "42", "cause": "busy"}).encode()
    event = read_phone_request(CTI_PATH.rstrip("/"), {**headers,
                                                      "Content-Type": "application/json"},
                               body, TOKEN)
    assert (event.event, event.cause) == ("hangup", "busy")


@pytest.mark.parametrize(("path", "headers"), [
    (CTI_PATH, {}), (CTI_PATH + "wrong" + TOKEN, {}), (CTI_PATH, {"X-Synergy-Token": "k"}),
    (CTI_PATH, {"Authorization": "Basic " + TOKEN})])
def test_a_request_without_the_offices_token_is_refused(path: str,
                                                        headers: dict[str, str]) -> None:
    with pytest.raises(PermissionDenied, match="token"):
        read_phone_request(path, headers, b"event=newCall&callId=1", TOKEN)


def test_no_token_set_refuses_every_request() -> None:
    with pytest.raises(PermissionDenied):
        read_phone_request(CTI_PATH, {}, b"event=newCall&callId=1", "")


def test_another_path_is_not_the_phone_systems() -> None:
    with pytest.raises(NotFound):
        read_phone_request("/admin/" + TOKEN, {}, b"", TOKEN)


def test_a_body_that_is_no_event_is_told_in_one_line() -> None:
    with pytest.raises(ValidationError, match="not readable JSON"):
        read_phone_request(CTI_PATH + TOKEN, {"Content-Type": "application/json"}, b"{oops",
                           TOKEN)
    with pytest.raises(ValidationError, match="has no “event”"):
        read_phone_request(CTI_PATH + TOKEN, {}, b"callId=1", TOKEN)


def test_two_desks_told_of_the_same_events_at_once_record_each_once(
        reception: Actor, engineer: Actor, known: t.Customer) -> None:
    """The phone system's events reach two desks at the same moment (each with its own
    connection): every call is still one row, and each missed call one call-back."""
    import threading

    calls = [f"race-{n}" for n in range(8)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def desk(actor: Actor) -> None:
        try:
            start.wait(timeout=30)
            for call_id in calls:
                ring(actor, call_id)
                hang_up(actor, call_id)
        except BaseException as exc:  # noqa: BLE001 - handed to the test, not hidden
            failures.append(exc)

    desks = [threading.Thread(target=desk, args=(who,)) for who in (reception, engineer)]
    for thread in desks:
        thread.start()
    for thread in desks:
        thread.join(120)
    assert failures == []
    assert t.CallerLog.select().count() == len(calls)
    assert t.CallBack.select().count() == len(calls)
    assert sorted(r.call_back_id for r in caller_log()) == sorted(
        c.id for c in t.CallBack.select())
    assert t.AuditLog.select().where(t.AuditLog.action == "callback.schedule").count() == len(
        calls)
