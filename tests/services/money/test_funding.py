"""Funding incidents: entitlement, tickets, contracts, waivers and handing funding back.

The small helpers at the top (customers, incidents, payments) are shared by the other
money tests, which import them from here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.enums import (
    FundingKind,
    IncidentStatus,
    LedgerKind,
    PaymentMethod,
    WaiverKind,
)
from synergy_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor, next_number, transaction
from synergy_desk.services.incident_state import bump_count
from synergy_desk.services.money import credit_notes, funding, payments, tickets

# --- shared helpers ---


def new_customer(name: str = "Acme Joinery", address: str = "2 Mill Lane\nYork",
                 postcode: str = "YO1 7HH") -> t.Customer:
    with transaction():
        n = next_number("customer")
        return t.Customer.create(account_code=f"C{n:05d}", name=name, address=address,
                                 postcode=postcode)


def new_incident(actor: Actor, customer: t.Customer, product: t.Product,
                 subject: str = "Cannot print invoices",
                 status: IncidentStatus = IncidentStatus.AWAITING_PAYMENT) -> t.Incident:
    """An incident made straight in the models, keeping the status counts as the service does."""
    with transaction():
        n = next_number("incident")
        incident = t.Incident.create(number=n, reference=f"INC-{n:06d}", customer=customer.id,
                                     product=product.id, subject=subject, status=status,
                                     created_by=actor.id)
        bump_count(status, None, product.id, +1)
    return incident


def reload(incident: t.Incident) -> t.Incident:
    return t.Incident.get_by_id(incident.id)


def set_status(incident: t.Incident, status: IncidentStatus, *, started: bool = False) -> None:
    old = reload(incident)
    changes: dict[object, object] = {t.Incident.status: status}
    if started:
        changes[t.Incident.work_started_at] = utcnow()
    with transaction():
        t.Incident.update(changes).where(t.Incident.id == incident.id).execute()
        bump_count(old.status, None, old.__data__["product"], -1)
        bump_count(status, None, old.__data__["product"], +1)


def cash(customer: t.Customer, incident_ids: tuple[int, ...] = (), *,
         ticket_size: int | None = None, ticket_validity_days: int | None = None,
         tendered: int = 1_000_000, full_invoice: bool = False) -> payments.PaymentInput:
    return payments.PaymentInput(
        customer_id=customer.id, incident_ids=incident_ids, ticket_size=ticket_size,
        ticket_validity_days=ticket_validity_days, method=PaymentMethod.CASH,
        tendered_pence=tendered, full_invoice=full_invoice)


def buy_ticket(actor: Actor, customer: t.Customer, size: int = 10,
               days: int | None = None) -> int:
    """Sell a season ticket; returns its id."""
    receipt = payments.take_payment(actor, cash(customer, ticket_size=size,
                                                ticket_validity_days=days))
    ticket_id = receipt.lines[-1].ticket_id
    assert ticket_id is not None
    return ticket_id


def expire_ticket(ticket_id: int, ago: dt.timedelta = dt.timedelta(days=1)) -> None:
    """Move a ticket's expiry into the past (the ticket row itself is not a chained money row)."""
    (t.SeasonTicket.update(expires_at=utcnow() - ago)
     .where(t.SeasonTicket.id == ticket_id).execute())


def count_of(status: IncidentStatus) -> int:
    return sum(row.count for row in t.IncidentCount.select()
               .where(t.IncidentCount.status == status))


def active_fundings(incident: t.Incident) -> list[t.IncidentFunding]:
    return list(t.IncidentFunding.select().where((t.IncidentFunding.incident == incident.id)
                                                 & t.IncidentFunding.active))


# --- entitlement ---


def test_entitlement_without_cover_is_the_per_incident_price(office, reception) -> None:
    customer = new_customer()
    ent = funding.entitlement(customer.id)
    assert (ent.incident_net_pence, ent.incident_vat_pence, ent.incident_gross_pence) == (
        7500, 1500, 9000)
    assert ent.summary == "Pay per incident: £90.00 inc. VAT"
    assert ent.contract is None and ent.tickets == () and ent.tickets_balance == 0
    assert ent.covered_by is FundingKind.NONE
    assert ent.nudge_new_ticket is False


def test_entitlement_shows_the_live_ticket_balance_and_expiry(office, reception) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(reception, customer, size=10)
    info = tickets.ticket_info(ticket_id)
    ent = funding.entitlement(customer.id)
    assert ent.tickets_balance == 10
    assert ent.covered_by is FundingKind.TICKET
    assert ent.summary == f"Season ticket: 10 of 10 left, expires {info.expires_text}"
    assert [tk.id for tk in ent.tickets] == [ticket_id]
    assert ent.nudge_new_ticket is False


def test_entitlement_sums_several_live_tickets(office, reception) -> None:
    customer = new_customer()
    buy_ticket(reception, customer, size=3, days=30)
    buy_ticket(reception, customer, size=5)
    ent = funding.entitlement(customer.id)
    assert ent.tickets_balance == 8
    assert ent.tickets[0].size == 3  # earliest-expiring first
    assert ent.summary.startswith("Season ticket: 3 of 3 left")
    assert ent.summary.endswith("(+1 more ticket, 8 left in all)")


@pytest.mark.parametrize(("size", "used", "nudge"), [
    (10, 7, False),  # 3 left
    (10, 8, True),   # 2 left
    (10, 9, True),   # 1 left
    (2, 2, True),    # used up just now
])
def test_reception_is_nudged_to_sell_a_ticket_when_two_or_fewer_are_left(
        office, reception, product, size, used, nudge) -> None:
    customer = new_customer()
    buy_ticket(reception, customer, size=size)
    for _ in range(used):
        funding.fund_from_ticket(reception, new_incident(reception, customer, product).id)
    assert funding.entitlement(customer.id).nudge_new_ticket is nudge


def test_nudge_after_a_ticket_lapsed_recently_but_not_after_a_refund(
        office, reception, manager) -> None:
    lapsed = new_customer("Lapsed Ltd")
    expire_ticket(buy_ticket(reception, lapsed, size=2), ago=dt.timedelta(days=10))
    assert funding.entitlement(lapsed.id).nudge_new_ticket is True

    long_ago = new_customer("Long Ago Ltd")
    expire_ticket(buy_ticket(reception, long_ago, size=2), ago=dt.timedelta(days=400))
    assert funding.entitlement(long_ago.id).nudge_new_ticket is False

    refunded = new_customer("Refunded Ltd")
    buy_ticket(reception, refunded, size=2)
    payment = t.Payment.select().where(t.Payment.customer == refunded.id).get()
    payments.refund(manager, payment.id, reason="Bought by mistake")
    ent = funding.entitlement(refunded.id)
    assert ent.tickets_balance == 0
    assert ent.nudge_new_ticket is False


def test_entitlement_shows_a_contract_covering_today_and_the_product(
        office, manager, product) -> None:
    customer = new_customer()
    other = office["product2"]
    funding.create_contract(manager, customer.id, "SC-12", dt.date(2020, 1, 1),
                            dt.date(2099, 3, 31), product_id=product.id)
    ent = funding.entitlement(customer.id, product_id=product.id)
    assert ent.contract is not None and ent.contract.reference == "SC-12"
    assert ent.summary == "Contract SC-12 (Ledger Accounts) until 31 Mar 2099"
    assert ent.covered_by is FundingKind.CONTRACT
    assert funding.entitlement(customer.id, product_id=other.id).contract is None
    # A contract customer with a nearly used ticket is not pressed to buy another.
    buy_ticket(manager, customer, size=2)
    both = funding.entitlement(customer.id, product_id=product.id)
    assert both.summary.startswith("Contract SC-12 (Ledger Accounts) until 31 Mar 2099; "
                                   "Season ticket: 2 of 2 left")
    assert both.nudge_new_ticket is False
    assert funding.entitlement(customer.id, product_id=other.id).nudge_new_ticket is True


def test_a_contract_not_yet_started_or_ended_covers_nothing(office, manager, product) -> None:
    customer = new_customer()
    funding.create_contract(manager, customer.id, "OLD", dt.date(2001, 1, 1), dt.date(2002, 1, 1))
    funding.create_contract(manager, customer.id, "NEW", dt.date(2098, 1, 1), dt.date(2099, 1, 1))
    assert funding.entitlement(customer.id, product_id=product.id).contract is None


def test_one_rule_chooses_the_covering_contract_for_banner_intake_and_funding(
        office, manager, reception, product) -> None:
    """A contract for this very product beats an all-products one; then the longest runs."""
    from synergy_desk.services.incidents import intake
    from synergy_desk.services.incidents.intake import LogCallInput

    customer = new_customer()
    start = dt.date(2020, 1, 1)
    funding.create_contract(manager, customer.id, "ALL-LONG", start, dt.date(2099, 12, 31))
    funding.create_contract(manager, customer.id, "PROD-SHORT", start, dt.date(2098, 1, 1),
                            product_id=product.id)
    funding.create_contract(manager, customer.id, "PROD-LONG", start, dt.date(2099, 1, 1),
                            product_id=product.id)
    other = office["product2"]
    assert funding.covering_contract(customer.id, product.id).reference == "PROD-LONG"
    assert funding.covering_contract(customer.id, other.id).reference == "ALL-LONG"
    assert funding.entitlement(customer.id, product_id=product.id).contract.reference == "PROD-LONG"
    ref = intake.log_call(reception, LogCallInput(
        customer_id=customer.id, product_id=product.id, subject="Posting fails", text="Rang"))
    assert t.Contract.get_by_id(reload(t.Incident.get_by_id(ref.id)).__data__["contract"]) \
        .reference == "PROD-LONG"
    unfunded = new_incident(reception, customer, other)
    assert funding.fund_from_contract(reception, unfunded.id).contract_reference == "ALL-LONG"
    # On a day only the all-products contract covers, it is the one.
    assert funding.covering_contract(customer.id, product.id,
                                     dt.date(2099, 6, 1)).reference == "ALL-LONG"


# --- tickets ---


def test_the_earliest_expiring_ticket_is_redeemed_first(office, reception, product) -> None:
    customer = new_customer()
    later = buy_ticket(reception, customer, size=10, days=365)
    sooner = buy_ticket(reception, customer, size=10, days=30)
    incident = new_incident(reception, customer, product)
    use = funding.fund_from_ticket(reception, incident.id)
    assert use.ticket_id == sooner
    assert (use.used, use.size, use.left) == (1, 10, 9)
    expires = tickets.ticket_info(sooner).expires_text
    assert use.text == f"incident 1 of 10 used, 9 left, expires {expires}"
    assert tickets.balance(sooner) == 9
    assert tickets.balance(later) == 10


def test_a_used_up_ticket_passes_on_to_the_next(office, reception, product) -> None:
    customer = new_customer()
    first = buy_ticket(reception, customer, size=1, days=10)
    second = buy_ticket(reception, customer, size=5, days=100)
    uses = [funding.fund_from_ticket(reception, new_incident(reception, customer, product).id)
            for _ in range(2)]
    assert [u.ticket_id for u in uses] == [first, second]
    assert uses[1].text.startswith("incident 1 of 5 used, 4 left")


def test_an_expired_ticket_cannot_be_redeemed(office, reception, product) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(reception, customer, size=10)
    expire_ticket(ticket_id)
    incident = new_incident(reception, customer, product)
    rows = t.TicketLedger.select().count()
    with pytest.raises(ValidationError, match="no live season ticket"):
        funding.fund_from_ticket(reception, incident.id)
    assert t.TicketLedger.select().count() == rows
    assert reload(incident).funding == FundingKind.NONE


def test_redeeming_funds_and_queues_the_incident(office, reception, product) -> None:
    customer = new_customer()
    buy_ticket(reception, customer)
    incident = new_incident(reception, customer, product)
    assert count_of(IncidentStatus.AWAITING_PAYMENT) == 1
    funding.fund_from_ticket(reception, incident.id)
    row = reload(incident)
    assert row.status == IncidentStatus.QUEUED
    assert row.funding == FundingKind.TICKET
    assert row.funded_at is not None
    [fund] = active_fundings(incident)
    assert fund.kind == FundingKind.TICKET
    assert fund.ticket_entry.kind == LedgerKind.REDEMPTION
    assert fund.ticket_entry.delta == -1
    assert fund.ticket_entry.__data__["incident"] == incident.id
    assert count_of(IncidentStatus.AWAITING_PAYMENT) == 0
    assert count_of(IncidentStatus.QUEUED) == 1
    assert t.AuditLog.select().where(t.AuditLog.action == "ticket.redeem").count() == 1


def test_an_incident_is_never_funded_twice(office, reception, product) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(reception, customer)
    incident = new_incident(reception, customer, product)
    funding.fund_from_ticket(reception, incident.id)
    with pytest.raises(ValidationError, match="already funded"):
        funding.fund_from_ticket(reception, incident.id)
    with pytest.raises(ValidationError, match="already funded"):
        payments.take_payment(reception, cash(customer, (incident.id,)))
    assert tickets.balance(ticket_id) == 9
    assert t.Payment.select().where(t.Payment.customer == customer.id).count() == 1


@pytest.mark.parametrize("status", [IncidentStatus.RESOLVED, IncidentStatus.CLOSED])
def test_a_resolved_or_closed_incident_cannot_be_funded(office, manager, product, status) -> None:
    customer = new_customer()
    incident = new_incident(manager, customer, product, status=status)
    with transaction(), pytest.raises(ValidationError, match="re-open it"):
        funding.attach_funding(manager, reload(incident), FundingKind.WAIVER,
                               waiver=t.Waiver.create(incident=incident.id, kind="goodwill",
                                                      reason="x", granted_by=manager.id))
    with pytest.raises(ValidationError, match="re-open it"):
        funding.waive(manager, incident.id, WaiverKind.GOODWILL, "Loyal customer")
    assert t.IncidentFunding.select().count() == 0


def test_attach_funding_refuses_an_already_funded_incident(office, manager, product) -> None:
    customer = new_customer()
    incident = new_incident(manager, customer, product)
    funding.waive(manager, incident.id, WaiverKind.GOODWILL, "Loyal customer")
    with transaction(), pytest.raises(ValidationError, match="already funded"):
        waiver = t.Waiver.create(incident=incident.id, kind="goodwill", reason="again",
                                 granted_by=manager.id)
        funding.attach_funding(manager, reload(incident), FundingKind.WAIVER, waiver=waiver)
    assert len(active_fundings(incident)) == 1


# --- contracts and waivers ---


def test_fund_from_contract_needs_a_covering_contract(office, reception, manager, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    with pytest.raises(ValidationError, match="No support contract"):
        funding.fund_from_contract(reception, incident.id)
    contract = funding.create_contract(manager, customer.id, "SC-7", dt.date(2020, 1, 1),
                                       dt.date(2099, 12, 31))
    info = funding.fund_from_contract(reception, incident.id)
    assert info.kind is FundingKind.CONTRACT
    assert info.description == "Contract SC-7"
    row = reload(incident)
    assert row.__data__["contract"] == contract.id
    assert row.status == IncidentStatus.QUEUED


@pytest.mark.parametrize("who", ["reception", "engineer"])
def test_only_a_manager_may_create_a_contract(office, who) -> None:
    customer = new_customer()
    with pytest.raises(PermissionDenied):
        funding.create_contract(office[who], customer.id, "SC-1", dt.date(2024, 1, 1),
                                dt.date(2025, 1, 1))
    assert t.Contract.select().count() == 0


def test_a_contract_is_checked(office, manager) -> None:
    customer = new_customer()
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        funding.create_contract(manager, customer.id, "SC-1", dt.date(2025, 1, 1),
                                dt.date(2024, 1, 1))
    with pytest.raises(ValidationError, match="reference"):
        funding.create_contract(manager, customer.id, "  ", dt.date(2024, 1, 1),
                                dt.date(2025, 1, 1))
    with pytest.raises(NotFound):
        funding.create_contract(manager, customer.id, "SC-1", dt.date(2024, 1, 1),
                                dt.date(2025, 1, 1), product_id=9999)
    funding.create_contract(manager, customer.id, "SC-1", dt.date(2024, 1, 1), dt.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="already has contract SC-1"):
        funding.create_contract(manager, customer.id, "SC-1", dt.date(2026, 1, 1),
                                dt.date(2027, 1, 1))
    with pytest.raises(ValidationError, match="already has contract SC-1"):  # typed in a hurry
        funding.create_contract(manager, customer.id, " sc-1", dt.date(2026, 1, 1),
                                dt.date(2027, 1, 1))
    assert t.AuditLog.select().where(t.AuditLog.action == "contract.create").count() == 1


@pytest.mark.parametrize("who", ["reception", "engineer"])
def test_only_a_manager_may_waive_a_charge(office, product, who) -> None:
    customer = new_customer()
    incident = new_incident(office[who], customer, product)
    with pytest.raises(PermissionDenied):
        funding.waive(office[who], incident.id, WaiverKind.GOODWILL, "Nice people")
    assert reload(incident).funding == FundingKind.NONE
    assert t.Waiver.select().count() == 0


def test_a_waiver_needs_a_written_reason(office, manager, product) -> None:
    incident = new_incident(manager, new_customer(), product)
    with pytest.raises(ValidationError, match="reason"):
        funding.waive(manager, incident.id, WaiverKind.GOODWILL, "   ")
    info = funding.waive(manager, incident.id, WaiverKind.WARRANTY, "Bug in our last update")
    assert info.kind is FundingKind.WAIVER
    assert info.waiver_reason == "Bug in our last update"
    assert info.description == "Waived (warranty) by Mary Manager"
    assert reload(incident).status == IncidentStatus.QUEUED


# --- handing funding back ---


def test_hand_back_of_a_ticket_incident_recredits_the_same_ticket(
        office, manager, product) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(manager, customer, size=10)
    incident = new_incident(manager, customer, product)
    funding.fund_from_ticket(manager, incident.id)
    assert tickets.balance(ticket_id) == 9
    with transaction():
        done = funding.hand_back_funding(manager, reload(incident), "Out of remit")
    assert done == f"Season ticket {ticket_id} was re-credited: 10 of 10 left."
    assert tickets.balance(ticket_id) == 10
    last = t.TicketLedger.select().order_by(t.TicketLedger.id.desc()).get()
    assert (last.kind, last.delta, last.__data__["incident"]) == (
        LedgerKind.RECREDIT, 1, incident.id)
    row = reload(incident)
    assert row.funding == FundingKind.NONE and row.funded_at is None
    assert row.status == IncidentStatus.AWAITING_PAYMENT
    ended = t.IncidentFunding.get(t.IncidentFunding.incident == incident.id)
    assert ended.active is False and ended.ended_reason == "Out of remit"
    assert funding.funding_of(incident.id) is None


def test_hand_back_to_an_expired_ticket_lapses_at_once(office, manager, product) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(manager, customer, size=10)
    incident = new_incident(manager, customer, product)
    funding.fund_from_ticket(manager, incident.id)
    expire_ticket(ticket_id)
    with transaction():
        done = funding.hand_back_funding(manager, reload(incident), "Out of remit")
    assert "lapsed" in done
    kinds = [(e.kind, e.delta) for e in t.TicketLedger.select().order_by(t.TicketLedger.id)]
    assert kinds[-2:] == [(LedgerKind.RECREDIT, 1), (LedgerKind.EXPIRY, -1)]
    assert tickets.balance(ticket_id) == 9


def test_hand_back_of_a_waiver_revokes_it(office, manager, product) -> None:
    incident = new_incident(manager, new_customer(), product)
    funding.waive(manager, incident.id, WaiverKind.GOODWILL, "Loyal customer")
    with transaction():
        done = funding.hand_back_funding(manager, reload(incident), "Granted in error")
    assert done == "The waiver was revoked."
    assert t.Waiver.get().revoked_at is not None
    assert reload(incident).funding == FundingKind.NONE


def test_hand_back_of_a_contract_just_unfunds(office, manager, product) -> None:
    customer = new_customer()
    funding.create_contract(manager, customer.id, "SC-9", dt.date(2020, 1, 1), dt.date(2099, 1, 1))
    incident = new_incident(manager, customer, product)
    funding.fund_from_contract(manager, incident.id)
    with transaction():
        done = funding.hand_back_funding(manager, reload(incident), "Wrong product")
    assert done == "Contract SC-9 no longer funds it."
    row = reload(incident)
    assert row.funding == FundingKind.NONE and row.__data__["contract"] is None


def test_a_payment_moves_to_the_incident_it_is_transferred_to(
        office, engineer, reception, product) -> None:
    customer = new_customer()
    dup = new_incident(reception, customer, product, "Printing fails")
    target = new_incident(reception, customer, product, "Invoices do not print")
    receipt = payments.take_payment(reception, cash(customer, (dup.id,)))
    with transaction():
        done = funding.hand_back_funding(engineer, reload(dup), "Merged",
                                         transfer_to=reload(target))
    assert done == f"Payment R-000001 (£90.00) now funds {target.reference}."
    [moved] = active_fundings(target)
    assert moved.kind == FundingKind.PAYMENT
    assert moved.__data__["payment_line"] == receipt.lines[0].line_id
    assert reload(target).status == IncidentStatus.QUEUED
    assert reload(dup).funding == FundingKind.NONE
    info = funding.funding_of(target.id)
    assert info is not None and info.description == "Receipt R-000001"


def test_a_payment_that_cannot_move_is_left_as_refund_due(office, engineer, reception,
                                                          product) -> None:
    customer = new_customer()
    dup = new_incident(reception, customer, product)
    target = new_incident(reception, customer, product)
    payments.take_payment(reception, cash(customer, (dup.id, target.id)))
    with transaction():
        done = funding.hand_back_funding(engineer, reload(dup), "Merged",
                                         transfer_to=reload(target))
    assert "could not move" in done and "due for refund" in done
    assert t.AuditLog.select().where(t.AuditLog.action == "funding.refund_due").count() == 1
    assert t.CreditNote.select().count() == 0
    assert len(active_fundings(target)) == 1


@pytest.mark.parametrize("who", ["reception", "engineer"])
def test_hand_back_with_refund_needs_a_manager(office, reception, product, who) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    payments.take_payment(reception, cash(customer, (incident.id,)))
    with pytest.raises(PermissionDenied), transaction():
        funding.hand_back_funding(office[who], reload(incident), "Out of remit", refund=True)
    assert t.CreditNote.select().count() == 0
    assert reload(incident).funding == FundingKind.PAYMENT


def test_hand_back_with_refund_issues_a_credit_note(office, manager, reception, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    payments.take_payment(reception, cash(customer, (incident.id,)))
    with transaction():
        done = funding.hand_back_funding(manager, reload(incident), "Out of remit", refund=True)
    assert done == "Refunded £90.00 from R-000001 on credit note CN-000001."
    note = credit_notes.credit_note_info("CN-000001")
    assert note.gross_pence == 9000 and note.reason == "Out of remit"
    assert reload(incident).status == IncidentStatus.AWAITING_PAYMENT


def test_nothing_to_hand_back_on_an_unfunded_incident(office, manager, product) -> None:
    incident = new_incident(manager, new_customer(), product)
    with pytest.raises(ValidationError, match="not funded"), transaction():
        funding.hand_back_funding(manager, reload(incident), "Out of remit")


def test_funding_of_describes_each_kind(office, manager, reception, product) -> None:
    customer = new_customer()
    paid = new_incident(reception, customer, product)
    payments.take_payment(reception, cash(customer, (paid.id,)))
    buy_ticket(reception, customer)
    ticketed = new_incident(reception, customer, product)
    use = funding.fund_from_ticket(reception, ticketed.id)
    unfunded = new_incident(reception, customer, product)

    paid_info = funding.funding_of(paid.id)
    assert paid_info is not None
    assert (paid_info.kind, paid_info.description, paid_info.receipt_number) == (
        FundingKind.PAYMENT, "Receipt R-000001", "R-000001")
    ticket_info = funding.funding_of(ticketed.id)
    assert ticket_info is not None
    assert ticket_info.description == f"Season ticket {use.ticket_id}"
    assert ticket_info.ticket_use == use.text
    assert ticket_info.by == "Rita Reception"
    assert funding.funding_of(unfunded.id) is None
