"""Working an incident: its timeline, paid before support, assigning, starting and waiting."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from synergy_desk.domain.enums import (
    IncidentStatus,
    TimelineKind,
)
from synergy_desk.domain.errors import (
    ConflictError,
    FundingRequired,
    PermissionDenied,
    ValidationError,
)
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import work
from tests.services.incidents.incident_helpers import (
    CARD,
    entries,
    in_progress,
    make_customer,
    new_call,
    pay_for,
    row,
    searchable,
)


def test_a_card_number_in_a_timeline_entry_is_masked(reception: Actor,
                                                     product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    result = work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE,
                                          f"Customer read out {CARD} — told them not to")
    assert result.masked is True
    assert "masked" in result.message
    stored = t.TimelineEntry.get_by_id(result.entry_id).text
    assert "4111 1111 1111 1111" not in stored
    assert stored.startswith("Customer read out [card")


def test_a_plain_timeline_entry_is_not_reported_as_masked(engineer: Actor,
                                                          reception: Actor,
                                                          product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)  # a reply is support work: it waits for the funding
    before = row(ref)
    result = work.add_timeline_entry(engineer, ref.id, TimelineKind.EMAIL_OUT,
                                          "Sent the driver link", occurred_at=utcnow())
    assert result.masked is False and result.message == ""
    after = row(ref)
    # An entry is appended, not an edit: nobody's open copy of the incident goes stale.
    assert after.version == before.version
    assert after.last_activity_at >= before.last_activity_at
    assert "Sent the driver link" in searchable(ref.id)


@pytest.mark.parametrize("kind", [TimelineKind.PHONE_IN, TimelineKind.PHONE_OUT,
                                  TimelineKind.NOTE])
def test_reception_may_log_calls_and_notes(reception: Actor, product: t.Product,
                                           kind: TimelineKind) -> None:
    ref = new_call(reception, make_customer(), product)
    # While it is unfunded an outgoing call is logged only when it is about paying.
    work.add_timeline_entry(reception, ref.id, kind, "Rang back", duration_seconds=45,
                            about_payment=kind is TimelineKind.PHONE_OUT)
    assert entries(ref)[-1].kind is kind


def test_events_cannot_be_typed_onto_a_timeline(engineer: Actor, reception: Actor,
                                                product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(ValidationError):
        work.add_timeline_entry(engineer, ref.id, TimelineKind.SYSTEM, "Resolved!")


@pytest.mark.parametrize("duration", [-1, 24 * 60 * 60 + 1])
def test_a_call_duration_must_be_sensible(reception: Actor, product: t.Product,
                                          duration: int) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(ValidationError):
        work.add_timeline_entry(reception, ref.id, TimelineKind.PHONE_IN, "Call",
                                     duration_seconds=duration)


def test_a_timeline_entry_cannot_be_dated_in_the_future(reception: Actor,
                                                       product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(ValidationError, match="future"):
        work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE, "Later",
                                     occurred_at=utcnow() + dt.timedelta(hours=2))


def test_starting_an_unfunded_incident_raises_funding_required(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(FundingRequired, match=f"{ref.reference} is not funded"):
        work.start_work(engineer, ref.id)
    incident = row(ref)
    assert incident.status is IncidentStatus.AWAITING_PAYMENT
    assert incident.work_started_at is None and incident.engineer_id is None


def test_once_funded_the_incident_starts_and_is_taken_by_the_engineer(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    assert row(ref).status is IncidentStatus.QUEUED
    started = work.start_work(engineer, ref.id)
    assert started.status is IncidentStatus.IN_PROGRESS
    incident = row(ref)
    assert incident.engineer_id == engineer.id
    assert incident.work_started_at is not None
    assert entries(ref, system=True)[-1].text.startswith("Work started by Eddie Engineer")


def test_waiting_on_the_customer_then_resuming(engineer: Actor, reception: Actor,
                                               product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    waiting = work.wait_on_customer(engineer, ref.id, "Asked for the error log")
    assert waiting.status is IncidentStatus.WAITING_ON_CUSTOMER
    resumed = work.resume(engineer, ref.id)
    assert resumed.status is IncidentStatus.IN_PROGRESS
    assert "resumed" in entries(ref, system=True)[-1].text


def test_starting_twice_is_refused(engineer: Actor, reception: Actor,
                                   product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    with pytest.raises(ValidationError, match="already in progress"):
        work.start_work(engineer, ref.id)


def test_assigning_and_claiming(engineer: Actor, reception: Actor, product: t.Product,
                                office: dict[str, object]) -> None:
    erin: Actor = office["engineer2"]  # type: ignore[assignment]
    ref = new_call(reception, make_customer(), product)
    assigned = work.assign(engineer, ref.id, erin.id)
    assert row(ref).engineer_id == erin.id
    claimed = work.claim(engineer, ref.id, expected_version=assigned.version)
    assert row(ref).engineer_id == engineer.id
    with pytest.raises(ConflictError):
        work.assign(engineer, ref.id, None, expected_version=assigned.version)
    work.assign(engineer, ref.id, None, expected_version=claimed.version)
    assert row(ref).engineer_id is None


def test_only_engineers_and_managers_can_hold_incidents(engineer: Actor, reception: Actor,
                                                        product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(ValidationError, match="reception"):
        work.assign(engineer, ref.id, reception.id)


def test_taking_an_in_progress_incident_off_everyone_puts_it_back_in_the_queue(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    assert work.assign(engineer, ref.id, None).status is IncidentStatus.QUEUED


# --- who sees an entry: the customer, or staff only -------------------------------------------

def _flag(entry_id: int) -> bool:
    return bool(t.TimelineEntry.get_by_id(entry_id).for_customer)


def test_a_note_is_internal_unless_marked_for_the_customer(reception: Actor,
                                                           product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    internal = work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE,
                                       "Customer was rude; manager says no goodwill")
    shared = work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE,
                                     "Please keep the error log for us", for_customer=True)
    call = work.add_timeline_entry(reception, ref.id, TimelineKind.PHONE_IN, "Rang to chase")
    hidden_call = work.add_timeline_entry(reception, ref.id, TimelineKind.PHONE_OUT,
                                          "Rang their accounts team about the invoice",
                                          for_customer=False, about_payment=True)
    assert not _flag(internal.entry_id)
    assert _flag(shared.entry_id)
    assert _flag(call.entry_id)
    assert not _flag(hidden_call.entry_id)
    # The program's own events: the customer's call logged above is theirs; an assignment not.
    kinds = {e.text: bool(e.for_customer) for e in t.TimelineEntry.select()
             .where(t.TimelineEntry.incident == ref.id)}
    assert all(shown is False for text, shown in kinds.items() if text.startswith("Assigned"))


def test_marking_an_entry_for_the_customer_is_audited_and_on_the_timeline(
        reception: Actor, engineer: Actor, product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    note = work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE, "Fixed in 4.2")
    work.set_entry_for_customer(engineer, note.entry_id, True)
    assert _flag(note.entry_id)
    row_ = (t.AuditLog.select().where(t.AuditLog.action == "incident.for_customer")
            .order_by(t.AuditLog.id.desc()).first())
    assert row_ is not None and row_.user_id == engineer.id and row_.entity_id == str(ref.id)
    assert json.loads(row_.before) == {"entry": note.entry_id, "for_customer": False}
    assert json.loads(row_.after) == {"entry": note.entry_id, "for_customer": True}
    event = entries(ref.id, system=True)[-1]
    assert "marked for the customer" in event.text and event.for_customer is False
    # Back to staff only; doing it twice changes nothing more.
    work.set_entry_for_customer(reception, note.entry_id, False)
    work.set_entry_for_customer(reception, note.entry_id, False)
    assert not _flag(note.entry_id)
    assert (t.AuditLog.select().where(t.AuditLog.action == "incident.for_customer")
            .count()) == 2


def test_the_programs_events_are_not_marked_by_hand(reception: Actor, engineer: Actor,
                                                    product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    work.assign(engineer, ref.id, engineer.id)
    event = entries(ref.id, system=True)[-1]
    assert event.kind == TimelineKind.SYSTEM
    with pytest.raises(ValidationError, match="written by the program"):
        work.set_entry_for_customer(engineer, event.id, True)
    assert not _flag(event.id)


def test_only_engineers_change_who_sees_an_email(reception: Actor, engineer: Actor,
                                                 product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    mail = work.add_timeline_entry(engineer, ref.id, TimelineKind.EMAIL_IN, "Log attached")
    with pytest.raises(PermissionDenied):
        work.set_entry_for_customer(reception, mail.entry_id, False)
    assert _flag(mail.entry_id)
    work.set_entry_for_customer(engineer, mail.entry_id, False)
    assert not _flag(mail.entry_id)
