"""Cover follows the customer: a ticket bought with incidents funds them; contracts and tickets
are offered to the incidents waiting for payment; contracts have terms, a price and an end."""

from __future__ import annotations

from synergy_desk.domain.enums import FundingKind, IncidentStatus, LedgerKind, LineKind
from synergy_desk.models import tables as t
from synergy_desk.services.money import funding, payments, tickets
from synergy_desk.services.reporting import integrity, receipt_documents
from tests.services.money.test_funding import cash, new_customer, new_incident, reload
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
