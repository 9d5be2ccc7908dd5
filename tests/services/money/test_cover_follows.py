"""Cover follows the customer: a ticket bought with incidents funds them; contracts and tickets
are offered to the incidents waiting for payment; contracts have terms, a price and an end."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.enums import (
    FundingKind,
    IncidentStatus,
    LedgerKind,
    LineKind,
    PaymentMethod,
    TimelineKind,
)
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services.common import transaction
from synergy_desk.services.money import contracts, funding, payments, tickets
from synergy_desk.services.office.office_time import office_today
from synergy_desk.services.reporting import integrity, receipt_documents, reports
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
        # One line for the funding, written where every funding is (attach_funding).
        assert [x for x in timeline if "contract SC-1" in x] == ["Covered by contract SC-1."]
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
    # Each funding is one line on its incident's timeline, not one per writer.
    for incident, words in ((first, "Season ticket"), (second, "contract SC-1")):
        events = [e.text for e in t.TimelineEntry.select().where(
            (t.TimelineEntry.incident == incident.id)
            & (t.TimelineEntry.kind == TimelineKind.SYSTEM))]
        assert len([x for x in events if words in x]) == 1, events


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


# --- contracts: lists, end dates, early ends, price and payment, the report ---


def test_contracts_are_listed_per_customer_and_for_the_office(
        office, reception, manager, product) -> None:
    first, second = new_customer("Acme Joinery"), new_customer("Oduya Bakery")
    a = _contract(manager, first, product, "SC-A")
    b = _contract(manager, second, None, "SC-B")
    incident = new_incident(reception, first, product)
    funding.fund_from_contract(reception, incident.id)

    mine = contracts.list_contracts(first.id)
    assert [r.reference for r in mine] == ["SC-A"]
    assert mine[0].product_name == product.name and mine[0].state == "current"
    assert mine[0].incidents_covered == 1 and mine[0].customer_name == "Acme Joinery"
    everyone = contracts.list_contracts()
    assert {r.id for r in everyone} == {a.id, b.id}
    assert next(r for r in everyone if r.id == b.id).product_name == "All products"


def test_a_manager_changes_the_end_date_with_a_reason_and_it_is_audited(
        office, reception, manager, product) -> None:
    customer = new_customer()
    contract = _contract(manager, customer)
    new_end = contract.ends_on + dt.timedelta(days=90)
    with pytest.raises(PermissionDenied):
        contracts.change_end(reception, contract.id, new_end, "Renewed")
    with pytest.raises(ValidationError, match="reason"):
        contracts.change_end(manager, contract.id, new_end, "  ")
    with pytest.raises(ValidationError, match="before that"):
        contracts.change_end(manager, contract.id, contract.starts_on - dt.timedelta(days=1),
                             "Typo")

    info = contracts.change_end(manager, contract.id, new_end, "Renewed for a quarter")

    assert info.ends_on == new_end
    row = t.AuditLog.select().where(t.AuditLog.action == "contract.change_end").get()
    assert '"reason":"Renewed for a quarter"' in row.after
    assert contract.ends_on.isoformat() in row.before and new_end.isoformat() in row.after
    assert integrity.check_office() == []


def test_ending_early_stops_cover_after_the_end_and_keeps_funding_given(
        office, reception, manager, product) -> None:
    customer = new_customer()
    today = office_today()
    contract = _contract(manager, customer, starts=today - dt.timedelta(days=30))
    funded = new_incident(reception, customer, product, "Funded while it ran")
    funding.fund_from_contract(reception, funded.id)

    with pytest.raises(ValidationError, match="reason"):
        contracts.end_early(manager, contract.id, today - dt.timedelta(days=1), "")
    info = contracts.end_early(manager, contract.id, today - dt.timedelta(days=1),
                               "Customer went into administration")

    assert info.ended_early and info.ends_on == today - dt.timedelta(days=1)
    assert reload(funded).funding == FundingKind.CONTRACT  # keeps its funding
    later = new_incident(reception, customer, product, "After the end")
    with pytest.raises(ValidationError):
        funding.fund_from_contract(reception, later.id)
    assert funding.covering_contract(customer.id, product.id) is None
    row = contracts.contract_row(contract.id)
    assert row.state == "ended early" and row.ended_early_reason == \
        "Customer went into administration"
    assert row.ended_early_by == manager.full_name
    with pytest.raises(ValidationError, match="ended already"):
        contracts.end_early(manager, contract.id, today - dt.timedelta(days=2), "Again")
    # Moving the end of a contract ended early would undo the early end while it is still
    # reported as one: refused, nothing changed.
    with pytest.raises(ValidationError, match="ended early"):
        contracts.change_end(manager, contract.id, today + dt.timedelta(days=90), "Renewed")
    assert contracts.contract_row(contract.id).ends_on == today - dt.timedelta(days=1)
    assert integrity.check_office() == []


def test_a_contracts_price_is_paid_on_a_receipt_line_with_vat(
        office, reception, manager, product) -> None:
    customer = new_customer()
    today = office_today()
    contract = funding.create_contract(manager, customer.id, "SC-77", today,
                                       today + dt.timedelta(days=364), price_pence=120_000)
    q = payments.quote(customer.id, [], contract_id=contract.id)
    (line,) = q.lines
    assert line.kind is LineKind.CONTRACT
    assert (line.net_pence, line.vat_pence, line.gross_pence) == (120_000, 24_000, 144_000)

    receipt = payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer.id, contract_id=contract.id, method=PaymentMethod.CARD,
        card_brand="Visa", card_last4="4242", auth_code="A1"))

    (paid,) = receipt.lines
    expected = contracts.contract_line_text("SC-77", contract.starts_on, contract.ends_on)
    assert paid.description == expected and "–" in expected
    assert receipt.full_invoice  # above £250
    row = contracts.contract_row(contract.id)
    assert (row.price_pence, row.paid_pence, row.receipts) == (120_000, 144_000,
                                                               (receipt.number,))
    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))
    assert "Support contract SC-77," in text
    with pytest.raises(ValidationError, match="paid for on receipt"):
        payments.quote(customer.id, [], contract_id=contract.id)
    assert "Support contract" in payments.payments_for_customer(customer.id)[0].items
    assert integrity.check_office() == []


def test_a_contract_without_a_price_cannot_be_charged(office, reception, manager) -> None:
    customer = new_customer()
    contract = _contract(manager, customer)
    with pytest.raises(ValidationError, match="no price"):
        payments.quote(customer.id, [], contract_id=contract.id)
    with pytest.raises(ValidationError):
        funding.create_contract(manager, customer.id, "SC-X", office_today(), office_today(),
                                price_pence=-5)


def test_the_contracts_report_counts_incidents_covered_per_contract(
        office, reception, manager, product) -> None:
    customer = new_customer()
    contract = _contract(manager, customer, reference="SC-R")
    _contract(manager, new_customer("Quiet Ltd"), reference="SC-Q")
    for i in range(3):
        funding.fund_from_contract(reception, new_incident(reception, customer, product,
                                                           f"Covered {i}").id)
    today = office_today()

    data = reports.build_report(manager, "contracts", today, today)

    per_contract = data.tables[0]
    assert per_contract.title == "Incidents covered per contract"
    first = per_contract.rows[0]
    assert first[0].text == "SC-R" and first[8].value == 3 and first[9].value == 3
    assert per_contract.rows[1][0].text == "SC-Q" and per_contract.rows[1][8].value == 0
    assert len(data.tables[1].rows) == 3
    csv_text = reports.report_csv(data)
    assert "Incidents covered per contract" in csv_text and "SC-R" in csv_text
    pdf = reports.report_pdf(data)
    assert "Incidents covered per contract" in pdf_text(pdf)
    with pytest.raises(PermissionDenied):
        reports.build_report(reception, "contracts", today, today)
    assert contract.id


def test_check_raises_no_false_alarm_for_contracts_written_before_and_after_the_terms(
        office, reception, manager) -> None:
    customer = new_customer()
    today = office_today()
    # A row as the earlier version wrote it: none of the new columns named.
    with transaction():
        db.execute_sql(
            "INSERT INTO contract (customer_id, reference, starts_on, ends_on, notes, "
            f"cancelled, created_by_id, created_at) VALUES ({', '.join([db.param] * 8)})",
            (customer.id, "SC-OLD", today, today + dt.timedelta(days=10), "", False,
             manager.id, utcnow()))
    old = t.Contract.get(t.Contract.reference == "SC-OLD")
    assert (old.price_pence, old.ended_early_reason, old.ended_early_at) == (0, "", None)
    new = funding.create_contract(manager, customer.id, "SC-NEW", today,
                                  today + dt.timedelta(days=10), price_pence=5_000)
    contracts.change_end(manager, old.id, today + dt.timedelta(days=20), "Extended")
    contracts.end_early(manager, new.id, today, "Replaced by SC-OLD")
    assert integrity.check_office() == []


def test_check_reports_a_contracts_price_or_end_changed_outside_the_program(
        office, manager) -> None:
    customer = new_customer()
    today = office_today()
    contract = funding.create_contract(manager, customer.id, "SC-T", today,
                                       today + dt.timedelta(days=10), price_pence=5_000)
    contracts.end_early(manager, contract.id, today, "Replaced")
    assert integrity.check_office() == []
    (t.Contract.update(price_pence=1, ends_on=today + dt.timedelta(days=300))
     .where(t.Contract.id == contract.id).execute())
    problems = integrity.check_records()
    assert len(problems) == 1 and "contract SC-T" in problems[0]
    assert "price pence is 1" in problems[0] and "ends on" in problems[0]
