"""Taking payments, receipts, refunds and credit notes."""

from __future__ import annotations

import datetime as dt

import pytest

from synergy_desk.domain.enums import (
    CreditNoteKind,
    FundingKind,
    IncidentStatus,
    LedgerKind,
    LineKind,
    PaymentMethod,
)
from synergy_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.money import credit_notes, funding, payments, tickets
from synergy_desk.services.office import office_time
from synergy_desk.services.reporting.integrity import check_sequences, check_tamper
from tests.services.money.test_funding import (
    buy_ticket,
    cash,
    new_customer,
    new_incident,
    reload,
    set_status,
)

VISA = "4242424242424242"  # passes the Luhn check, as every real card number does


def card(customer: t.Customer, incident_ids: tuple[int, ...] = (), **fields: object
         ) -> payments.PaymentInput:
    values: dict[str, object] = {"card_brand": "Visa", "card_last4": "4242",
                                 "auth_code": "123456"}
    values.update(fields)
    return payments.PaymentInput(customer_id=customer.id, incident_ids=incident_ids,
                                   method=PaymentMethod.CARD, **values)  # type: ignore[arg-type]


def money_rows() -> dict[str, int]:
    """How many rows every table a payment writes holds (to prove nothing was stored)."""
    return {m.__name__: m.select().count() for m in (
        t.Payment, t.PaymentLine, t.SeasonTicket, t.TicketLedger, t.IncidentFunding,
        t.CreditNote, t.CreditNoteLine, t.AuditLog)} | {
        "receipt_counter": t.Sequence.get_by_id("receipt").last_value}


def raw_row(table: str, row_id: int) -> tuple[object, ...]:
    param = "?" if db.obj.__class__.__name__.startswith("Sqlite") else "%s"
    return db.execute_sql(f'SELECT * FROM "{table}" WHERE id = {param}', (row_id,)).fetchone()


# --- quotes ---


def test_quote_prices_each_incident_and_a_ticket_with_vat_per_line(
        office, reception, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product, "Cannot print invoices")
    (first,) = payments.quote(customer.id, [incident.id]).lines
    q = payments.quote(customer.id, [incident.id], ticket_size=10)
    # A ticket bought with the incident funds it: the ticket is the only line.
    (ticket,) = q.lines
    assert q.ticket_funds == (incident.id,)
    assert first.description == f"{incident.reference} — Cannot print invoices"
    assert (first.net_pence, first.vat_rate_bp, first.vat_pence, first.gross_pence) == (
        7500, 2000, 1500, 9000)
    assert ticket.description == "Season ticket, 10 incidents, valid 365 days"
    assert (ticket.net_pence, ticket.vat_pence, ticket.gross_pence) == (65000, 13000, 78000)
    assert (q.net_pence, q.vat_pence, q.gross_pence) == (65000, 13000, 78000)
    assert q.full_invoice_required is True


def test_vat_is_rounded_half_up_on_each_line_not_on_the_total(office, reception, product) -> None:
    settings = office["settings"]
    t.OfficeSettings.update(incident_price_pence=7503).where(
        t.OfficeSettings.id == settings.id).execute()
    customer = new_customer()
    ids = [new_incident(reception, customer, product).id for _ in range(2)]
    q = payments.quote(customer.id, ids)
    # 75.03 × 20% = 15.006 → 15.01 on each line; the total's 30.012 would round to 30.01.
    assert [ln.vat_pence for ln in q.lines] == [1501, 1501]
    assert q.vat_pence == 3002
    assert q.gross_pence == q.net_pence + q.vat_pence == 18008


def test_a_quote_needs_something_to_charge_for(office) -> None:
    with pytest.raises(ValidationError, match="Choose the incidents"):
        payments.quote(new_customer().id, [])


# --- taking payments ---


def test_cash_payment_issues_a_receipt_and_funds_the_incident(office, reception, product) -> None:
    customer = new_customer("Acme Joinery")
    incident = new_incident(reception, customer, product, "Cannot print invoices")
    receipt = payments.take_payment(reception, cash(customer, (incident.id,), tendered=10000))
    assert receipt.number == "R-000001"
    assert receipt.gross_pence == 9000 and receipt.net_pence == 7500 and receipt.vat_pence == 1500
    assert receipt.tendered_pence == 10000 and receipt.change_pence == 1000
    assert receipt.reference_text == "Cash, £100.00 tendered, £10.00 change"
    assert receipt.taken_by == "Rita Reception"
    assert receipt.office.name == "Synergy Support Ltd"
    assert receipt.office.vat_number == "GB123456789"
    assert receipt.customer_name == "Acme Joinery"
    assert receipt.customer_address == "2 Mill Lane\nYork\nYO1 7HH"
    assert receipt.full_invoice is False and receipt.is_copy is False
    [line] = receipt.lines
    assert line.incident_reference == incident.reference
    assert line.vat_rate_text == "20%"
    assert receipt.vat_by_rate == ((2000, 7500, 1500),)
    row = reload(incident)
    assert row.funding == FundingKind.PAYMENT and row.status == IncidentStatus.QUEUED
    assert t.AuditLog.select().where(t.AuditLog.action == "payment.take").count() == 1


def test_receipts_are_numbered_in_sequence(office, reception, product) -> None:
    customer = new_customer()
    numbers = [payments.take_payment(
        reception, cash(customer, (new_incident(reception, customer, product).id,))).number
        for _ in range(3)]
    assert numbers == ["R-000001", "R-000002", "R-000003"]
    assert check_sequences() == []


def test_a_refused_payment_gives_back_its_receipt_number(office, reception, product) -> None:
    customer = new_customer()
    paid = new_incident(reception, customer, product)
    payments.take_payment(reception, cash(customer, (paid.id,)))
    with pytest.raises(ValidationError, match="already funded"):
        payments.take_payment(reception, cash(customer, (paid.id,)))
    other = new_incident(reception, customer, product)
    assert payments.take_payment(reception, cash(customer, (other.id,))).number == "R-000002"


def test_card_payment_keeps_only_brand_last_four_and_auth_code(
        office, engineer, product) -> None:
    customer = new_customer()
    incident = new_incident(engineer, customer, product)
    receipt = payments.take_payment(engineer, card(customer, (incident.id,), auth_code="ab12cd"))
    assert receipt.reference_text == "Visa •••• 4242, auth AB12CD"
    payment = t.Payment.get_by_id(receipt.payment_id)
    assert (payment.card_brand, payment.card_last4, payment.auth_code) == ("Visa", "4242",
                                                                            "AB12CD")
    assert payment.bank_reference == "" and payment.tendered_pence == 9000
    assert receipt.change_pence == 0


@pytest.mark.parametrize("field", ["bank_reference", "auth_code", "card_brand", "card_last4"])
@pytest.mark.parametrize("typed", [VISA, "4242 4242 4242 4242", "ref 4242-4242-4242-4242"])
def test_a_full_card_number_anywhere_is_refused_and_nothing_stored(
        office, reception, product, field, typed) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    before = money_rows()
    with pytest.raises(ValidationError, match="full card number") as info:
        payments.take_payment(reception, card(customer, (incident.id,), **{field: typed}))
    assert "never stored" in str(info.value)
    assert money_rows() == before
    assert reload(incident).funding == FundingKind.NONE
    stored = " ".join(str(v) for table in (t.Payment, t.AuditLog)
                      for row in table.select().tuples() for v in row)
    assert "4242424242424242" not in stored.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(("fields", "message"), [
    ({"card_brand": ""}, "card brand"),
    ({"card_last4": "424"}, "last four digits"),
    ({"card_last4": "42a2"}, "last four digits"),
    ({"auth_code": ""}, "authorisation code"),
    ({"auth_code": "12 34"}, "authorisation code"),
])
def test_card_details_are_checked(office, reception, product, fields, message) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    with pytest.raises(ValidationError, match=message):
        payments.take_payment(reception, card(customer, (incident.id,), **fields))
    assert t.Payment.select().count() == 0


def test_cash_must_cover_the_total(office, reception, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    with pytest.raises(ValidationError, match="less than the total"):
        payments.take_payment(reception, cash(customer, (incident.id,), tendered=8999))
    with pytest.raises(ValidationError, match="cash handed over"):
        payments.take_payment(reception, payments.PaymentInput(
            customer_id=customer.id, incident_ids=(incident.id,), method=PaymentMethod.CASH))
    receipt = payments.take_payment(reception, cash(customer, (incident.id,), tendered=9000))
    assert receipt.change_pence == 0


def test_bank_transfer_needs_a_reference(office, reception, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    request = payments.PaymentInput(customer_id=customer.id, incident_ids=(incident.id,),
                                      method=PaymentMethod.BANK_TRANSFER)
    with pytest.raises(ValidationError, match="reference"):
        payments.take_payment(reception, request)
    receipt = payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer.id, incident_ids=(incident.id,),
        method=PaymentMethod.BANK_TRANSFER, bank_reference="ACME INV 77"))
    assert receipt.reference_text == "Bank transfer, reference ACME INV 77"


@pytest.mark.parametrize(("size", "days", "ok"), [
    (1, 1, True), (10, 3650, True), (0, 365, False), (11, 365, False),
    (5, 0, False), (5, 3651, False),
])
def test_ticket_size_and_validity_are_limited(office, reception, size, days, ok) -> None:
    customer = new_customer()
    request = cash(customer, ticket_size=size, ticket_validity_days=days)
    if ok:
        receipt = payments.take_payment(reception, request)
        assert receipt.lines[0].ticket_size == size
    else:
        with pytest.raises(ValidationError, match="season ticket"):
            payments.take_payment(reception, request)
        assert t.SeasonTicket.select().count() == 0


def test_selling_a_season_ticket_writes_its_purchase_to_the_ledger(office, reception) -> None:
    customer = new_customer()
    receipt = payments.take_payment(reception, cash(customer, ticket_size=6,
                                                    ticket_validity_days=30))
    [line] = receipt.lines
    assert line.kind is LineKind.SEASON_TICKET
    assert line.description == "Season ticket, 6 incidents, valid 30 days"
    assert line.net_pence == 6 * 6500
    ticket = t.SeasonTicket.get_by_id(line.ticket_id)
    assert ticket.size == 6 and ticket.price_pence == 39000
    assert ticket.expires_at - ticket.purchased_at == dt.timedelta(days=30)
    assert ticket.purchased_at == receipt.taken_at
    assert line.ticket_expires_text == office_time.date_text(ticket.expires_at)
    [entry] = t.TicketLedger.select()
    assert (entry.kind, entry.delta) == (LedgerKind.PURCHASE, 6)
    assert tickets.balance(ticket.id) == 6


def test_incidents_must_be_the_customers_own_open_and_unfunded(
        office, reception, product) -> None:
    customer = new_customer()
    stranger = new_customer("Someone Else")
    theirs = new_incident(reception, stranger, product)
    closed = new_incident(reception, customer, product, status=IncidentStatus.CLOSED)
    with pytest.raises(ValidationError, match="another customer"):
        payments.take_payment(reception, cash(customer, (theirs.id,)))
    with pytest.raises(ValidationError, match="closed"):
        payments.take_payment(reception, cash(customer, (closed.id,)))
    with pytest.raises(NotFound):
        payments.take_payment(reception, cash(customer, (99999,)))
    with pytest.raises(ValidationError, match="Choose the incidents"):
        payments.take_payment(reception, cash(customer))
    assert t.Payment.select().count() == 0


def test_a_full_invoice_is_forced_above_250_pounds_and_may_be_asked_for(
        office, reception, product) -> None:
    customer = new_customer()
    three = tuple(new_incident(reception, customer, product).id for _ in range(3))  # £270
    assert payments.take_payment(reception, cash(customer, three)).full_invoice is True
    two = tuple(new_incident(reception, customer, product).id for _ in range(2))  # £180
    assert payments.take_payment(reception, cash(customer, two)).full_invoice is False
    one = (new_incident(reception, customer, product).id,)
    asked = payments.take_payment(reception, cash(customer, one, full_invoice=True))
    assert asked.full_invoice is True


def test_a_full_invoice_needs_the_customers_address(office, reception, product) -> None:
    customer = new_customer(address="", postcode="")
    incident = new_incident(reception, customer, product)
    with pytest.raises(ValidationError, match="address"):
        payments.take_payment(reception, cash(customer, (incident.id,), full_invoice=True))
    assert payments.take_payment(reception, cash(customer, (incident.id,))).full_invoice is False


# --- refunds ---


@pytest.mark.parametrize("who", ["reception", "engineer"])
def test_refund_needs_manager(office, reception, product, who) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    before = money_rows()
    with pytest.raises(PermissionDenied, match="managers"):
        payments.refund(office[who], receipt.payment_id, reason="Customer changed mind")
    assert money_rows() == before
    assert reload(incident).funding == FundingKind.PAYMENT


def test_refund_issues_the_next_credit_note_and_never_changes_the_receipt(
        office, manager, reception, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, card(customer, (incident.id,)))
    payment_before = raw_row("payment", receipt.payment_id)
    lines_before = [raw_row("payment_line", ln.line_id) for ln in receipt.lines]

    note = payments.refund(manager, receipt.payment_id, reason="Fixed itself")
    assert note.number == "CN-000001" and note.kind is CreditNoteKind.REFUND
    assert (note.net_pence, note.vat_pence, note.gross_pence) == (7500, 1500, 9000)
    assert note.receipt_number == "R-000001"
    assert note.reference_text == "Refund to Visa •••• 4242"
    assert note.issued_by == "Mary Manager"
    assert raw_row("payment", receipt.payment_id) == payment_before
    assert [raw_row("payment_line", ln.line_id) for ln in receipt.lines] == lines_before

    row = reload(incident)
    assert row.funding == FundingKind.NONE and row.status == IncidentStatus.AWAITING_PAYMENT
    assert funding.funding_of(incident.id) is None
    again = payments.receipt_info("R-000001")
    assert again.credit_notes == ("CN-000001",) and again.refunded_pence == 9000
    assert again.lines[0].refunded_on == "CN-000001"
    assert again.is_copy is True

    second = new_incident(reception, customer, product)
    other = payments.take_payment(reception, cash(customer, (second.id,)))
    assert payments.refund(manager, other.payment_id, reason="Duplicate").number == \
        "CN-000002"
    assert t.Sequence.get_by_id("credit_note").last_value == 2
    assert check_tamper() == [] and check_sequences() == []


def test_a_line_cannot_be_refunded_twice(office, manager, reception, product) -> None:
    customer = new_customer()
    a = new_incident(reception, customer, product)
    b = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (a.id, b.id)))
    first_line = receipt.lines[0].line_id
    note = payments.refund(manager, receipt.payment_id, line_ids=[first_line], reason="One")
    assert [ln.payment_line_id for ln in note.lines] == [first_line]
    assert reload(a).funding == FundingKind.NONE
    assert reload(b).funding == FundingKind.PAYMENT  # the other line still funds its incident
    with pytest.raises(ValidationError, match="already been refunded on CN-000001"):
        payments.refund(manager, receipt.payment_id, line_ids=[first_line], reason="Again")
    rest = payments.refund(manager, receipt.payment_id, reason="The rest")
    assert [ln.incident_reference for ln in rest.lines] == [b.reference]
    with pytest.raises(ValidationError, match="refunded in full"):
        payments.refund(manager, receipt.payment_id, reason="Once more")
    assert t.CreditNote.select().count() == 2


def test_refund_after_work_started_must_be_confirmed(office, manager, reception,
                                                     product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    set_status(incident, IncidentStatus.IN_PROGRESS, started=True)
    with pytest.raises(ValidationError, match="Work has started on INC-000001"):
        payments.refund(manager, receipt.payment_id, reason="Goodwill")
    assert t.CreditNote.select().count() == 0
    note = payments.refund(manager, receipt.payment_id, reason="Goodwill",
                           confirm_work_started=True)
    assert note.number == "CN-000001"
    row = reload(incident)
    assert row.funding == FundingKind.NONE
    assert row.status == IncidentStatus.IN_PROGRESS  # the workflow decides what happens next


def test_refunding_a_season_ticket_cancels_what_is_left(office, manager, reception,
                                                        product) -> None:
    customer = new_customer()
    ticket_id = buy_ticket(reception, customer, size=10)
    used = [new_incident(reception, customer, product) for _ in range(3)]
    for incident in used:
        funding.fund_from_ticket(reception, incident.id)
    payment = t.Payment.select().where(t.Payment.customer == customer.id).get()
    payments.refund(manager, payment.id, reason="Cancelled the ticket")
    last = t.TicketLedger.select().order_by(t.TicketLedger.id.desc()).get()
    assert (last.kind, last.delta) == (LedgerKind.CANCELLATION, -7)
    assert tickets.balance(ticket_id) == 0
    assert tickets.ticket_info(ticket_id).state == "cancelled"
    assert all(reload(i).funding == FundingKind.TICKET for i in used)
    with pytest.raises(ValidationError, match="no live season ticket"):
        funding.fund_from_ticket(reception, new_incident(reception, customer, product).id)


def test_a_void_covers_the_whole_payment(office, manager, reception, product) -> None:
    customer = new_customer()
    a = new_incident(reception, customer, product)
    b = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (a.id, b.id)))
    with pytest.raises(ValidationError, match="whole payment"):
        payments.refund(manager, receipt.payment_id, line_ids=[receipt.lines[0].line_id],
                        reason="Typed wrong", void=True)
    note = payments.refund(manager, receipt.payment_id, reason="Typed wrong", void=True)
    assert note.kind is CreditNoteKind.VOID and note.kind_label == "Void"
    assert note.gross_pence == receipt.gross_pence
    assert t.AuditLog.select().where(t.AuditLog.action == "payment.void").count() == 1


def test_a_refund_needs_a_reason_and_lines_of_that_receipt(office, manager, reception,
                                                           product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    with pytest.raises(ValidationError, match="reason"):
        payments.refund(manager, receipt.payment_id, reason=" ")
    with pytest.raises(ValidationError, match="not on R-000001"):
        payments.refund(manager, receipt.payment_id, line_ids=[424242], reason="x")
    with pytest.raises(NotFound):
        payments.refund(manager, 99999, reason="x")
    assert t.CreditNote.select().count() == 0
    assert t.Sequence.get_by_id("credit_note").last_value == 0


# --- looking receipts up ---


def test_receipts_and_credit_notes_are_found_by_number(office, manager, reception,
                                                       product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    assert payments.receipt_info("R-000001").payment_id == receipt.payment_id
    assert payments.receipt_info("1").payment_id == receipt.payment_id
    assert payments.receipt_info(receipt.payment_id, copy=False).is_copy is False
    with pytest.raises(NotFound, match="R-000002"):
        payments.receipt_info("R-000002")
    with pytest.raises(ValidationError):
        payments.receipt_info("banana")
    payments.refund(manager, receipt.payment_id, reason="Fixed itself")
    assert credit_notes.credit_note_info("CN-000001").receipt_number == "R-000001"
    assert credit_notes.credit_note_info(1).number == "CN-000001"
    with pytest.raises(NotFound):
        credit_notes.credit_note_info("CN-000009")


def test_payments_for_customer_lists_newest_first_with_refunds(office, manager, reception,
                                                               product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    first = payments.take_payment(reception, cash(customer, (incident.id,)))
    payments.take_payment(reception, cash(customer, ticket_size=10))
    payments.refund(manager, first.payment_id, reason="Fixed itself")
    rows = payments.payments_for_customer(customer.id)
    assert [r.number for r in rows] == ["R-000002", "R-000001"]
    assert rows[0].items == "Season ticket (10)" and rows[0].refunded_pence == 0
    assert rows[1].items == incident.reference and rows[1].refunded_pence == 9000
    assert payments.payments_for_customer(new_customer("Nobody").id) == []
    assert len(payments.payments_for_customer(customer.id, limit=1)) == 1


@pytest.mark.parametrize(("name", "company", "printed"), [
    ("Kaur Estate Agents", "Kaur Estate Agents Ltd", "Kaur Estate Agents Ltd"),
    ("Harriet Oduya", "Oduya Joinery Ltd", "Harriet Oduya, Oduya Joinery Ltd"),
    ("Acme Ltd", "Acme", "Acme Ltd"),
    ("Acme Ltd", "acme ltd", "Acme Ltd"),
    ("Sole Trader", "", "Sole Trader"),
    ("Jo", "Joinery Supplies Ltd", "Jo, Joinery Supplies Ltd"),
    ("Annabel Price", "Ann", "Annabel Price, Ann"),
])
def test_the_receipt_names_the_customer_once(office, reception, product, name: str,
                                             company: str, printed: str) -> None:
    customer = new_customer(name)
    customer.company = company
    customer.save()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    assert receipt.customer_name == printed
