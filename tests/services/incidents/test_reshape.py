"""Deciding what one incident is: splitting another aspect off, merging a duplicate."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.enums import (
    FundingKind,
    IncidentStatus,
    Resolution,
    TimelineKind,
)
from synergy_desk.domain.errors import (
    FundingRequired,
    ValidationError,
)
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor, transaction
from synergy_desk.services.incidents import reshape, work
from synergy_desk.services.incidents.detail import incident_detail
from synergy_desk.services.money import credit_notes, tickets
from tests.services.incidents.incident_helpers import (
    entries,
    in_progress,
    make_customer,
    new_call,
    pay_for,
    row,
    searchable,
    ticket_funded,
)


def test_split_moves_the_chosen_entries_to_a_new_unfunded_incident(
        engineer: Actor, reception: Actor, product: t.Product,
        office: dict[str, object]) -> None:
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    customer = make_customer()
    ref = in_progress(engineer, reception, customer, product)
    work.add_timeline_entry(reception, ref.id, TimelineKind.PHONE_IN,
                                 "Also: payslips wrong", duration_seconds=200)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.EMAIL_IN,
                                 "Payslip screenshot attached")
    first, second, third = entries(ref)

    new = reshape.split(engineer, ref.id, [second.id, third.id],
                          subject="Payslips show the wrong tax code", product_id=payroll.id)

    assert new.status is IncidentStatus.AWAITING_PAYMENT
    assert new.funding is FundingKind.NONE
    assert any("own funding" in n for n in new.notices)
    moved = entries(new)
    assert [e.id for e in moved] == [second.id, third.id]
    assert all(e.moved_from_id == ref.id for e in moved)
    assert [e.id for e in entries(ref)] == [first.id]
    child = row(new)
    assert child.split_from_id == ref.id and child.customer_id == customer.id
    assert child.product_id == payroll.id
    # The original keeps its funding and its work.
    assert row(ref).funding is FundingKind.TICKET
    assert row(ref).status is IncidentStatus.IN_PROGRESS
    assert "split off into " + new.reference in entries(ref, system=True)[-1].text
    assert "Split from " + ref.reference in entries(new, system=True)[-1].text
    assert "Payslip screenshot" in searchable(new.id)
    assert "Payslip screenshot" not in searchable(ref.id)
    with pytest.raises(FundingRequired):
        work.start_work(engineer, new.id)


def test_split_must_leave_an_entry_behind(engineer: Actor, reception: Actor,
                                          product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE, "Second")
    everything = [e.id for e in entries(ref)]
    with pytest.raises(ValidationError, match="must stay"):
        reshape.split(engineer, ref.id, everything, subject="All of it", product_id=product.id)
    with pytest.raises(ValidationError, match="at least one"):
        reshape.split(engineer, ref.id, [], subject="Nothing", product_id=product.id)
    assert t.Incident.select().count() == 1


def test_split_refuses_entries_of_another_incident(engineer: Actor, reception: Actor,
                                                   product: t.Product) -> None:
    customer = make_customer()
    ref = in_progress(engineer, reception, customer, product)
    work.add_timeline_entry(reception, ref.id, TimelineKind.NOTE, "Second")
    other = new_call(reception, customer, product, subject="Another thing")
    with pytest.raises(ValidationError, match="not on"):
        reshape.split(engineer, ref.id, [entries(other)[0].id], subject="X",
                        product_id=product.id)


def test_merging_a_ticket_funded_duplicate_recredits_the_ticket(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    customer = make_customer()
    now = utcnow()
    survivor, ticket_id = ticket_funded(reception, customer, product, "Invoices print blank")
    duplicate, same_ticket = ticket_funded(reception, customer, product, "Blank invoice prints")
    assert same_ticket == ticket_id and tickets.balance(ticket_id) == 8
    work.add_timeline_entry(reception, survivor.id, TimelineKind.NOTE, "S early",
                                 occurred_at=now - dt.timedelta(hours=3))
    work.add_timeline_entry(reception, duplicate.id, TimelineKind.NOTE, "D middle",
                                 occurred_at=now - dt.timedelta(hours=2))
    work.add_timeline_entry(reception, survivor.id, TimelineKind.NOTE, "S late",
                                 occurred_at=now - dt.timedelta(hours=1))

    summary = reshape.merge(engineer, duplicate.id, survivor.id)

    assert tickets.balance(ticket_id) == 9
    assert f"{duplicate.reference} merged into {survivor.reference}" in summary
    assert "re-credited" in summary
    dup = row(duplicate)
    assert dup.status is IncidentStatus.CLOSED and dup.resolution is Resolution.MERGED
    assert dup.merged_into_id == survivor.id and dup.funding is FundingKind.NONE
    assert entries(duplicate) == []
    texts = [e.text for e in entries(survivor)][:3]
    assert texts == ["S early", "D middle", "S late"]
    detail = incident_detail(survivor.id)
    assert [link.reference for link in detail.merged_duplicates] == [duplicate.reference]
    assert incident_detail(duplicate.id).merged_into.reference == survivor.reference
    assert t.AuditLog.select().where(t.AuditLog.action == "incident.merge").count() >= 1


def test_merging_moves_a_payment_to_an_unfunded_survivor(engineer: Actor, reception: Actor,
                                                         product: t.Product) -> None:
    customer = make_customer()
    survivor = new_call(reception, customer, product, subject="Invoices print blank")
    duplicate = new_call(reception, customer, product, subject="Blank invoice prints")
    pay_for(reception, customer, duplicate.id)
    summary = reshape.merge(engineer, duplicate.id, survivor.id)
    assert "now funds " + survivor.reference in summary
    kept = row(survivor)
    assert kept.funding is FundingKind.PAYMENT and kept.status is IncidentStatus.QUEUED
    assert t.CreditNote.select().count() == 0


def test_only_one_customers_incidents_can_be_merged(engineer: Actor, reception: Actor,
                                                    product: t.Product) -> None:
    a = new_call(reception, make_customer("Alpha Ltd"), product)
    b = new_call(reception, make_customer("Bravo Ltd"), product)
    with pytest.raises(ValidationError, match="different customers"):
        reshape.merge(engineer, a.id, b.id)
    with pytest.raises(ValidationError, match="itself"):
        reshape.merge(engineer, a.id, a.id)
    assert row(a).status is IncidentStatus.AWAITING_PAYMENT


def test_merging_never_moves_a_payment_that_was_refunded(engineer: Actor, reception: Actor,
                                                         manager: Actor,
                                                         product: t.Product) -> None:
    """A line refunded while it still funded the duplicate (as a refund that lost a race
    with the merge once left it) funds nothing more: the survivor is not given it."""
    customer = make_customer()
    survivor = new_call(reception, customer, product, subject="Invoices print blank")
    duplicate = new_call(reception, customer, product, subject="Blank invoice prints")
    receipt = pay_for(reception, customer, duplicate.id)
    with transaction():  # the credit note alone, the funding left as it was
        credit_notes.refund_line_in_tx(
            manager, t.PaymentLine.get_by_id(receipt.lines[0].line_id), "Money back")

    summary = reshape.merge(engineer, duplicate.id, survivor.id)

    assert "refunded on credit note CN-000001 already" in summary
    assert "now funds" not in summary
    kept = row(survivor)
    assert kept.funding is FundingKind.NONE
    assert kept.status is IncidentStatus.AWAITING_PAYMENT
    assert row(duplicate).funding is FundingKind.NONE
    assert t.IncidentFunding.select().where(t.IncidentFunding.active).count() == 0
