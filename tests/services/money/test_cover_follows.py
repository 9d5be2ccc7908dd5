"""Cover follows the customer: a ticket bought with incidents funds them; contracts and tickets
are offered to the incidents waiting for payment; contracts have terms, a price and an end."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.enums import FundingKind, IncidentStatus, LedgerKind, LineKind
from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.money import funding, payments, tickets
from synergy_desk.services.office.office_time import office_today
from synergy_desk.services.reporting import integrity, receipt_documents
from tests.services.money.test_funding import (
    buy_ticket,
    cash,
    new_customer,
    new_incident,
    reload,
)
from tests.services.money.test_lock_order import WAIT, Desk
from tests.services.reporting.test_receipt_documents import pdf_text

# --- a ticket bought with an incident ---


def test_a_ticket_bought_with_an_incident_funds_it_and_charges_only_the_ticket(
        office, reception, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product, "Payroll will not run")

    q = payments.quote(customer.id, [incident.id], ticket_size=10)
    assert [ln.kind for ln in q.lines] == [LineKind.SEASON_TICKET]
    assert q.ticket_funds == (incident.id,)
    assert q.gross_pence == 78_000  # 10 × £65 + VAT, not £780 + £90

    receipt = payments.take_payment(reception, cash(customer, (incident.id,), ticket_size=10))

    assert receipt.gross_pence == 78_000
    (line,) = receipt.lines
    assert line.kind is LineKind.SEASON_TICKET and line.ticket_id is not None
    assert reload(incident).funding == FundingKind.TICKET
    assert reload(incident).status == IncidentStatus.QUEUED
    info = funding.funding_of(incident.id)
    assert info is not None and info.ticket_id == line.ticket_id
    ticket = tickets.ticket_info(line.ticket_id)
    assert (ticket.used, ticket.left) == (1, 9)
    assert line.ticket_uses == (
        f"{incident.reference}: incident 1 of 10 used, 9 left, expires "
        f"{ticket.expires_text}",)
    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))
    assert "incident 1 of 10 used, 9 left, expires" in text
    timeline = [e.text for e in t.TimelineEntry.select().where(
        t.TimelineEntry.incident == incident.id)]
    assert any(receipt.number in x and "1 of 10 used" in x for x in timeline)
    assert integrity.check_office() == []


def test_incidents_beyond_the_new_tickets_size_are_charged_per_incident(
        office, reception, product) -> None:
    customer = new_customer()
    first = new_incident(reception, customer, product, "First")
    second = new_incident(reception, customer, product, "Second")

    receipt = payments.take_payment(reception, cash(customer, (first.id, second.id),
                                                    ticket_size=1))

    assert [ln.kind for ln in receipt.lines] == [LineKind.INCIDENT, LineKind.SEASON_TICKET]
    assert receipt.lines[0].incident_id == second.id
    assert reload(first).funding == FundingKind.TICKET
    assert reload(second).funding == FundingKind.PAYMENT
    entries = list(t.TicketLedger.select().where(
        t.TicketLedger.ticket == receipt.lines[1].ticket_id).order_by(t.TicketLedger.id))
    assert [(e.kind, e.delta) for e in entries] == [(LedgerKind.PURCHASE, 1),
                                                    (LedgerKind.REDEMPTION, -1)]


# --- a contract or ticket offered to the incidents awaiting payment ---


def _contract(manager, customer, product=None, reference="SC-1", starts=None, ends=None):
    today = office_today()
    return funding.create_contract(manager, customer.id, reference, starts or today,
                                   ends or today + dt.timedelta(days=364),
                                   product.id if product is not None else None)


def test_a_contract_recorded_funds_the_open_incidents_it_covers_when_asked(
        office, reception, manager, product) -> None:
    customer = new_customer()
    other = t.Product.create(name="Stock Control")
    waiting = [new_incident(reception, customer, product, f"Problem {i}") for i in range(2)]
    elsewhere = new_incident(reception, customer, other, "Not this product")
    contract = _contract(manager, customer, product)

    offered = funding.awaiting_cover(contract.id)
    assert [a.id for a in offered] == [i.id for i in waiting]
    done = funding.fund_awaiting_from_contract(reception, contract.id,
                                               [i.id for i in reversed(waiting)])

    assert done == [i.reference for i in waiting]
    for incident in waiting:
        assert reload(incident).funding == FundingKind.CONTRACT
        assert reload(incident).status == IncidentStatus.QUEUED
        timeline = [e.text for e in t.TimelineEntry.select().where(
            t.TimelineEntry.incident == incident.id)]
        assert "Funded from support contract SC-1." in timeline
    assert reload(elsewhere).funding == FundingKind.NONE
    assert funding.awaiting_cover(contract.id) == []
    assert t.AuditLog.select().where(t.AuditLog.action == "funding.attach").count() == 2
    assert integrity.check_office() == []


def test_a_contract_not_running_today_is_offered_nothing(office, reception, manager,
                                                        product) -> None:
    customer = new_customer()
    new_incident(reception, customer, product)
    later = office_today() + dt.timedelta(days=10)
    contract = _contract(manager, customer, starts=later, ends=later + dt.timedelta(days=30))
    assert funding.awaiting_cover(contract.id) == []


def test_apply_cover_uses_the_contract_else_the_ticket_for_reception(
        office, reception, manager, product) -> None:
    customer = new_customer()
    first = new_incident(reception, customer, product, "First")
    with pytest.raises(ValidationError, match="Nothing was changed"):
        funding.apply_cover(reception, first.id)
    buy_ticket(reception, customer, size=3)
    text = funding.apply_cover(reception, first.id)
    assert "incident 1 of 3 used, 2 left" in text
    assert reload(first).funding == FundingKind.TICKET

    second = new_incident(reception, customer, product, "Second")
    _contract(manager, customer)
    text = funding.apply_cover(reception, second.id)
    assert text == f"{second.reference} is funded from support contract SC-1."
    assert reload(second).funding == FundingKind.CONTRACT
    with pytest.raises(ValidationError):
        funding.apply_cover(reception, second.id)
    assert integrity.check_office() == []


def test_two_desks_funding_one_incident_from_ticket_and_contract_fund_it_once(
        office, reception, engineer, manager, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product, "Both desks at once")
    ticket_id = buy_ticket(reception, customer, size=5)
    _contract(manager, customer)

    desks = [Desk("ticket desk", lambda: funding.fund_from_ticket(reception, incident.id)),
             Desk("contract desk", lambda: funding.fund_from_contract(engineer, incident.id))]
    for desk in desks:
        desk.start()
        assert desk.connected.wait(WAIT)
    for desk in desks:
        desk.go.set()
    outcomes = []
    for desk in desks:
        try:
            desk.finish()
            outcomes.append("funded")
        except ValidationError:
            outcomes.append("refused")

    assert sorted(outcomes) == ["funded", "refused"]
    assert t.IncidentFunding.select().where(
        (t.IncidentFunding.incident == incident.id) & t.IncidentFunding.active).count() == 1
    kind = FundingKind(reload(incident).funding)
    assert kind in (FundingKind.TICKET, FundingKind.CONTRACT)
    assert tickets.balance(ticket_id) == (4 if kind is FundingKind.TICKET else 5)
    assert integrity.check_office() == []


def test_a_split_off_incident_sees_the_customers_cover(office, reception, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    assert funding.incident_cover(incident.id).covered_by is FundingKind.NONE
    buy_ticket(reception, customer, size=10)
    cover = funding.incident_cover(incident.id)
    assert cover.covered_by is FundingKind.TICKET and cover.tickets_balance == 10
