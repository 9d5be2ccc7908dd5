"""Incidents coming in: a call opens one (or continues, or re-opens one), and edits of its
details are checked against the version a person saw."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.enums import (
    FundingKind,
    IncidentStatus,
    Priority,
    Resolution,
    TimelineKind,
)
from synergy_desk.domain.errors import (
    ConflictError,
    ValidationError,
)
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import closing, intake, work
from synergy_desk.services.incidents.intake import LogCallInput
from synergy_desk.services.money import funding, tickets
from tests.services.incidents.incident_helpers import (
    CARD,
    entries,
    make_customer,
    new_call,
    row,
    searchable,
    ticket_funded,
)


def test_log_call_opens_an_unfunded_incident_with_the_call_on_its_timeline(
        reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product, text="Blank pages since the update",
                   duration=300, priority=Priority.HIGH, product_version="12.4")
    assert ref.reference == "INC-000001"
    assert ref.status is IncidentStatus.AWAITING_PAYMENT
    assert ref.funding is FundingKind.NONE
    incident = row(ref)
    assert incident.customer_id == customer.id and incident.priority is Priority.HIGH
    [call] = entries(ref)
    assert call.kind is TimelineKind.PHONE_IN
    assert call.duration_seconds == 300
    assert call.text == "Blank pages since the update"
    assert call.author_id == reception.id
    counted = (t.IncidentCount.select().where(
        (t.IncidentCount.status == IncidentStatus.AWAITING_PAYMENT)
        & (t.IncidentCount.product_id == product.id)).get())
    assert counted.count == 1
    assert "Blank pages since the update" in searchable(ref.id)
    assert t.AuditLog.select().where((t.AuditLog.entity == "incident")
                                     & (t.AuditLog.action == "incident.create")).count() == 1


def test_a_second_call_continues_the_same_incident(reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    first = new_call(reception, customer, product)
    again = intake.log_call(reception, LogCallInput(
        customer_id=customer.id, incident_id=first.id, text="Still blank", duration_seconds=60))
    assert again.id == first.id
    assert [e.text for e in entries(first)] == ["Prints blank pages", "Still blank"]
    assert t.Incident.select().count() == 1


def test_a_call_cannot_continue_another_customers_incident(reception: Actor,
                                                           product: t.Product) -> None:
    theirs = new_call(reception, make_customer("Bravo Ltd"), product)
    with pytest.raises(ValidationError, match="another customer"):
        intake.log_call(reception, LogCallInput(
            customer_id=make_customer("Charlie Ltd").id, incident_id=theirs.id, text="Hello"))
    assert len(entries(theirs)) == 1


@pytest.mark.parametrize("subject", ["", "   ", "x" * 201])
def test_a_new_incident_needs_a_one_line_subject(reception: Actor, product: t.Product,
                                                 subject: str) -> None:
    with pytest.raises(ValidationError) as caught:
        new_call(reception, make_customer(), product, subject=subject)
    assert caught.value.field == "subject"
    assert t.Incident.select().count() == 0


def test_a_call_on_a_resolved_incident_reopens_it_with_no_new_charge(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    ref, ticket_id = ticket_funded(reception, customer, product)
    work.start_work(engineer, ref.id)
    closing.resolve(engineer, ref.id, Resolution.SOLUTION, "Reinstalled the printer driver")
    balance = tickets.balance(ticket_id)
    receipts = t.Payment.select().count()

    again = intake.log_call(reception, LogCallInput(
        customer_id=customer.id, incident_id=ref.id, text="Blank again", duration_seconds=30))

    assert again.status is IncidentStatus.IN_PROGRESS
    assert again.funding is FundingKind.TICKET
    assert any("re-opened" in n for n in again.notices)
    incident = row(ref)
    assert incident.reopen_count == 1 and incident.resolution is None
    assert tickets.balance(ticket_id) == balance
    assert t.Payment.select().count() == receipts


def test_a_call_on_a_closed_incident_is_refused(engineer: Actor, reception: Actor,
                                                product: t.Product) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    closing.close_unresolved(engineer, ref.id, "Customer never paid")
    with pytest.raises(ValidationError, match="closed"):
        intake.log_call(reception, LogCallInput(customer_id=customer.id,
                                                   incident_id=ref.id, text="Hello?"))


def test_a_new_incident_of_a_contract_customer_is_funded_at_once(
        manager: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    today = dt.date.today()
    funding.create_contract(manager, customer.id, "SC-12", today - dt.timedelta(days=30),
                            today + dt.timedelta(days=300))
    ref = new_call(reception, customer, product)
    assert ref.funding is FundingKind.CONTRACT
    assert ref.status is IncidentStatus.QUEUED
    assert any("SC-12" in n for n in ref.notices)
    assert row(ref).contract_id is not None


def test_a_card_number_in_the_call_notes_is_masked_and_never_stored(
        reception: Actor, product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product,
                   text=f"Wanted to pay with {CARD} over the phone")
    [call] = entries(ref)
    assert "4111 1111 1111 1111" not in call.text and "4111111111111111" not in call.text
    assert "1111]" in call.text
    assert any("masked" in n for n in ref.notices)
    assert "4111 1111 1111 1111" not in searchable(ref.id)


def test_a_card_number_in_the_subject_is_refused(reception: Actor, product: t.Product) -> None:
    with pytest.raises(ValidationError, match="card number"):
        new_call(reception, make_customer(), product, subject=f"Card {CARD} declined")


def test_a_stale_edit_names_who_changed_what_and_overwrites_nothing(
        engineer: Actor, reception: Actor, product: t.Product,
        office: dict[str, object]) -> None:
    erin: Actor = office["engineer2"]  # type: ignore[assignment]
    ref = new_call(reception, make_customer(), product, description="First words")
    opened_version = ref.version  # both engineers open the incident now

    intake.edit_incident(erin, ref.id, opened_version, subject="Blank invoices on HP")
    with pytest.raises(ConflictError) as caught:
        intake.edit_incident(engineer, ref.id, opened_version,
                                description="My better description")

    error = caught.value
    assert "Erin Engineer" in error.message and "subject" in error.message
    assert error.changed_by == "Erin Engineer"
    assert error.changes["subject"] == ("Cannot print invoices", "Blank invoices on HP")
    incident = row(ref)
    assert incident.subject == "Blank invoices on HP"
    assert incident.description == "First words"
    assert incident.version == opened_version + 1


def test_a_stale_edit_sees_past_a_call_logged_since(
        engineer: Actor, reception: Actor, product: t.Product,
        office: dict[str, object]) -> None:
    """A logged call saves no field; the walk back through the log passes over it to the
    edit before it."""
    erin: Actor = office["engineer2"]  # type: ignore[assignment]
    ref = new_call(reception, make_customer(), product)
    opened_version = ref.version

    intake.edit_incident(erin, ref.id, opened_version, priority=Priority.HIGH)
    intake.log_call(reception, LogCallInput(
        customer_id=row(ref).customer_id, incident_id=ref.id, text="Still broken"))
    with pytest.raises(ConflictError) as caught:
        intake.edit_incident(engineer, ref.id, opened_version, subject="Something else")

    assert caught.value.changed_by == "Erin Engineer"
    assert set(caught.value.changes) == {"priority"}
    assert "priority" in caught.value.message
    assert row(ref).subject == "Cannot print invoices"


def test_a_stale_edit_names_everyone_who_saved_since(
        engineer: Actor, reception: Actor, manager: Actor, product: t.Product,
        office: dict[str, object]) -> None:
    erin: Actor = office["engineer2"]  # type: ignore[assignment]
    ref = new_call(reception, make_customer(), product)
    opened_version = ref.version

    intake.edit_incident(erin, ref.id, opened_version, subject="Blank invoices on HP")
    intake.edit_incident(manager, ref.id, opened_version + 1, priority=Priority.HIGH)
    with pytest.raises(ConflictError) as caught:
        intake.edit_incident(engineer, ref.id, opened_version, description="Mine")

    error = caught.value
    assert f"changed by Erin Engineer and {manager.full_name} while" in error.message
    assert set(error.changes) == {"subject", "priority"}
    assert error.changed_by == manager.full_name  # the last to save it


def test_an_edit_with_the_current_version_saves(reception: Actor, product: t.Product,
                                                office: dict[str, object]) -> None:
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    ref = new_call(reception, make_customer(), product)
    saved = intake.edit_incident(reception, ref.id, ref.version, product_id=payroll.id,
                                    priority="urgent", product_version="8.1")
    assert saved.version == ref.version + 1
    incident = row(ref)
    assert (incident.product_id, incident.priority, incident.product_version) == (
        payroll.id, Priority.URGENT, "8.1")
    # The kept counts follow the product.
    assert t.IncidentCount.get((t.IncidentCount.product_id == payroll.id)
                               & (t.IncidentCount.status == ref.status)).count == 1
    assert t.IncidentCount.get((t.IncidentCount.product_id == product.id)
                               & (t.IncidentCount.status == ref.status)).count == 0


def test_a_module_must_belong_to_the_product(reception: Actor, product: t.Product,
                                            office: dict[str, object]) -> None:
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    module = t.Module.create(product=payroll.id, name="Pensions")
    with pytest.raises(ValidationError, match="not a module"):
        new_call(reception, make_customer(), product, module_id=module.id)
