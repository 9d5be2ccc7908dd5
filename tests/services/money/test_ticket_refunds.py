"""Refunding a season ticket after some of its incidents were used: the unused ones pro rata by
default, the full price only by the manager's explicit choice with a reason, and the used
incidents keep their funding (docs/money.md, Season tickets refunded after use)."""

from __future__ import annotations

import pytest

from synergy_desk.domain.enums import CreditNoteKind, FundingKind, IncidentStatus, LedgerKind
from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.money import credit_notes, funding, payments, tickets
from synergy_desk.services.money.credit_notes import TicketRefund, pro_rata_amounts
from synergy_desk.services.reporting import integrity, receipt_documents
from tests.documents.test_receipt import flat, pdf_text
from tests.services.money.test_funding import (
    buy_ticket,
    cash,
    expire_ticket,
    new_customer,
    new_incident,
    reload,
    set_status,
)
from tests.services.money.test_payments import money_rows

# A ticket of 3 at £65.00 net an incident: £195.00 net, £39.00 VAT, £234.00 gross.
SIZE = 3


def ticket_used(actor: Actor, product: t.Product, used: int, *, started: bool = True
                ) -> tuple[t.Customer, int, int, list[t.Incident]]:
    """A customer with a ticket of 3, ``used`` of them redeemed (and worked on)."""
    customer = new_customer()
    ticket_id = buy_ticket(actor, customer, size=SIZE)
    incidents = []
    for n in range(used):
        incident = new_incident(actor, customer, product, f"Problem {n + 1}")
        funding.fund_from_ticket(actor, incident.id)
        if started:
            set_status(incident, IncidentStatus.IN_PROGRESS, started=True)
        incidents.append(incident)
    payment = t.Payment.select().where(t.Payment.customer == customer.id).get()
    return customer, ticket_id, payment.id, incidents


def last_entry(ticket_id: int) -> t.TicketLedger:
    return (t.TicketLedger.select().where(t.TicketLedger.ticket == ticket_id)
            .order_by(t.TicketLedger.id.desc()).get())


@pytest.mark.parametrize(("net", "rate", "unused", "size", "expected"), [
    (19_500, 2000, 1, 3, (6_500, 1_300, 7_800)),  # a whole incident's share
    (19_500, 2000, 3, 3, (19_500, 3_900, 23_400)),  # all unused: the full line
    (19_500, 2000, 0, 3, (0, 0, 0)),
    (1_000, 2000, 1, 3, (334, 67, 401)),  # 333.3p rounds up; VAT 66.8p half-up to 67p
    (1_000, 2000, 2, 3, (667, 133, 800)),  # 666.7p up to 667p; VAT 133.4p to 133p
    (1_001, 0, 1, 7, (143, 0, 143)),  # no VAT
])
def test_pro_rata_is_rounded_up_for_the_customer_and_vat_worked_out_on_the_line(
        net: int, rate: int, unused: int, size: int, expected: tuple[int, int, int]) -> None:
    amounts = pro_rata_amounts(net, rate, unused, size)
    assert (amounts.net_pence, amounts.vat_pence, amounts.gross_pence) == expected
    assert amounts.vat_rate_bp == rate


def test_a_used_ticket_is_refunded_pro_rata_by_default_and_its_used_incidents_keep_funding(
        office, manager, reception, product) -> None:
    _, ticket_id, payment_id, used = ticket_used(reception, product, 2)

    [quote] = payments.ticket_refund_quotes(payment_id)
    assert (quote.ticket_id, quote.size, quote.used, quote.unused) == (ticket_id, 3, 2, 1)
    assert (quote.pro_rata.gross_pence, quote.full.gross_pence) == (7_800, 23_400)
    assert quote.differs

    note = payments.refund(manager, payment_id, reason="Customer closing down")

    assert (note.net_pence, note.vat_pence, note.gross_pence) == (6_500, 1_300, 7_800)
    [line] = note.lines
    assert (line.net_pence, line.vat_rate_bp, line.vat_pence, line.gross_pence) == (
        6_500, 2000, 1_300, 7_800)
    assert "1 of 3 incidents unused, refunded pro rata" in line.description
    assert payments.receipt_info(payment_id).refunded_pence == 7_800
    # The used incidents were paid for by the ticket before its refund: they stay funded.
    for incident in used:
        info = funding.funding_of(incident.id)
        assert info is not None and info.kind is FundingKind.TICKET
        assert IncidentStatus(reload(incident).status) is IncidentStatus.IN_PROGRESS
    entry = last_entry(ticket_id)
    assert (LedgerKind(entry.kind), entry.delta) == (LedgerKind.CANCELLATION, -1)
    assert entry.reason == ("Refunded on credit note CN-000001: 1 unused incident of 3 "
                            "refunded pro rata, £78.00")
    assert tickets.ticket_info(ticket_id).state == "cancelled"
    assert integrity.check_office() == []
    audit = t.AuditLog.select().where(t.AuditLog.action == "payment.refund").get()
    assert '"choice":"pro_rata"' in audit.after and '"refunded_pence":7800' in audit.after


def test_the_full_price_needs_the_managers_explicit_choice_and_a_reason(
        office, manager, reception, product) -> None:
    _, ticket_id, payment_id, used = ticket_used(reception, product, 2)
    before = money_rows()
    with pytest.raises(ValidationError, match="why the used incidents") as refused:
        payments.refund(manager, payment_id, reason="Customer closing down",
                        ticket_refund=TicketRefund.FULL, full_refund_reason="  ")
    assert refused.value.field == "full_refund_reason"
    assert money_rows() == before
    assert t.Sequence.get_by_id("credit_note").last_value == 0

    note = payments.refund(manager, payment_id, reason="Customer closing down",
                           ticket_refund=TicketRefund.FULL,
                           full_refund_reason="Our upgrade broke their payroll twice")

    assert note.gross_pence == 23_400
    assert note.reason == ("Customer closing down. Full price refunded, the 2 used incidents "
                           "included: Our upgrade broke their payroll twice")
    assert all(funding.funding_of(i.id) is not None for i in used)
    entry = last_entry(ticket_id)
    assert (LedgerKind(entry.kind), entry.delta) == (LedgerKind.CANCELLATION, -1)
    assert entry.reason == ("Refunded in full on credit note CN-000001, £234.00, the 2 used "
                            "incidents included")
    assert integrity.check_office() == []
    audit = t.AuditLog.select().where(t.AuditLog.action == "payment.refund").get()
    assert '"choice":"full"' in audit.after
    assert "Our upgrade broke their payroll twice" in audit.after


def test_an_unused_ticket_is_refunded_in_full_with_no_choice_to_make(
        office, manager, reception, product) -> None:
    _, ticket_id, payment_id, _ = ticket_used(reception, product, 0)
    [quote] = payments.ticket_refund_quotes(payment_id)
    assert not quote.differs
    note = payments.refund(manager, payment_id, reason="Bought by mistake")
    assert note.gross_pence == 23_400
    assert last_entry(ticket_id).delta == -3


def test_a_ticket_with_nothing_unused_has_nothing_to_refund_pro_rata(
        office, manager, reception, product) -> None:
    _, ticket_id, payment_id, used = ticket_used(reception, product, 3)
    before = money_rows()
    with pytest.raises(ValidationError, match="no unused incidents") as refused:
        payments.refund(manager, payment_id, reason="Unhappy")
    assert refused.value.field == "ticket_refund"
    assert money_rows() == before

    note = payments.refund(manager, payment_id, reason="Unhappy",
                           ticket_refund=TicketRefund.FULL,
                           full_refund_reason="Goodwill: three bad upgrades")
    assert note.gross_pence == 23_400
    # The cancellation is written even with nothing left: the ticket is refunded, for good.
    entry = last_entry(ticket_id)
    assert (LedgerKind(entry.kind), entry.delta) == (LedgerKind.CANCELLATION, 0)
    info = tickets.ticket_info(ticket_id)
    assert info.state == "cancelled" and info.used == 3
    assert all(funding.funding_of(i.id) is not None for i in used)
    with pytest.raises(ValidationError, match="only a live ticket"):
        tickets.adjust(manager, ticket_id, +1, "Trying to revive it")
    assert integrity.check_office() == []


def test_an_expired_ticket_has_nothing_left_to_refund_pro_rata(
        office, manager, reception, product) -> None:
    _, ticket_id, payment_id, _ = ticket_used(reception, product, 1)
    expire_ticket(ticket_id)
    [quote] = payments.ticket_refund_quotes(payment_id)
    assert (quote.unused, quote.pro_rata.gross_pence) == (0, 0)
    with pytest.raises(ValidationError, match="no unused incidents"):
        payments.refund(manager, payment_id, reason="Asked after expiry")


def test_a_void_of_a_used_ticket_needs_the_full_choice(office, manager, reception,
                                                       product) -> None:
    _, _, payment_id, _ = ticket_used(reception, product, 1)
    with pytest.raises(ValidationError, match="void hands back the whole payment") as refused:
        payments.refund(manager, payment_id, reason="Keyed twice", void=True)
    assert refused.value.field == "ticket_refund"
    note = payments.refund(manager, payment_id, reason="Keyed twice", void=True,
                           ticket_refund=TicketRefund.FULL,
                           full_refund_reason="The ticket was sold to the wrong customer")
    assert note.kind is CreditNoteKind.VOID and note.gross_pence == 23_400


def test_a_ticket_and_an_incident_on_one_receipt(office, manager, reception,
                                                 product) -> None:
    """The incident bought with the ticket is funded from it and keeps that funding; the
    ticket line comes back pro rata (its only line: the incident has none of its own)."""
    customer = new_customer()
    first = new_incident(reception, customer, product, "Funded by the ticket bought with it")
    receipt = payments.take_payment(reception, cash(customer, (first.id,), ticket_size=SIZE))
    ticket_id = receipt.lines[-1].ticket_id
    assert ticket_id is not None and len(receipt.lines) == 1
    used = new_incident(reception, customer, product, "Used from the ticket")
    funding.fund_from_ticket(reception, used.id)

    note = payments.refund(manager, receipt.payment_id, reason="Leaving us")

    assert [ln.gross_pence for ln in note.lines] == [7_800]
    assert note.gross_pence == 7_800
    assert funding.funding_of(first.id) is not None  # used before the refund
    assert funding.funding_of(used.id) is not None  # used before the refund
    assert integrity.check_office() == []


def test_the_credit_note_shows_what_was_refunded(office, manager, reception, product) -> None:
    _, _, payment_id, _ = ticket_used(reception, product, 2)
    note = payments.refund(manager, payment_id, reason="Customer closing down")
    again = credit_notes.credit_note_info(note.number)
    assert again.gross_pence == 7_800
    assert [ln.gross_pence for ln in again.lines] == [7_800]


def test_the_statement_says_which_incidents_were_used_before_the_refund(
        office, manager, reception, product) -> None:
    customer, ticket_id, payment_id, used = ticket_used(reception, product, 2)
    payments.refund(manager, payment_id, reason="Customer closing down")

    [st] = tickets.statement(customer.id).tickets
    assert st.ticket.state == "cancelled"
    assert {(i.reference, i.used_before_refund, i.handed_back) for i in st.incidents} == {
        (used[0].reference, True, False), (used[1].reference, True, False)}
    doc = receipt_documents.statement_doc(tickets.statement(customer.id))
    [ticket_doc] = doc.tickets
    outcomes = [row.outcome for row in ticket_doc.ledger if row.kind is LedgerKind.REDEMPTION]
    assert outcomes == ["Problem 1: In progress (used before the refund; still funded)",
                        "Problem 2: In progress (used before the refund; still funded)"]
    assert ticket_doc.ledger[-1].reason.endswith("refunded pro rata, £78.00")
    text = flat(pdf_text(receipt_documents.ticket_statement_pdf(customer.id)))
    assert "refunded pro rata, £78.00 -1 0" in text
    assert (f"{used[0].reference}, {used[1].reference} were used before the refund and keep "
            "their funding.") in text
