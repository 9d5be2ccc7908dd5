"""Paying by bank transfer: payment requests, the money recorded when it arrives, part and
over payments, cancelling, and two desks recording one request at once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from typing import Any

import pytest

from synergy_desk.domain.bank import find_reference, payment_reference
from synergy_desk.domain.enums import FundingKind, IncidentStatus, PaymentMethod, Role
from synergy_desk.domain.errors import FundingRequired, NotFound, PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import work
from synergy_desk.services.money import payment_requests, payments
from synergy_desk.services.money.payment_requests import RequestInput
from synergy_desk.services.office import office_time, settings
from synergy_desk.services.reporting.integrity import check_sequences, check_tamper
from tests.desk_processes import run_desks
from tests.services.money.test_funding import cash, new_customer, new_incident, reload

BANK = {"bank_account_name": "Synergy Support Ltd", "bank_sort_code": "20 00 00",
        "bank_account_number": "55779911", "bank_iban": "GB33BUKB20201555555555",
        "bank_bic": "BUKBGB22"}


def set_bank(manager: Actor, **values: Any) -> None:
    current = settings.get_settings()
    settings.update_settings(manager, current.version, **(BANK | values))


def today() -> dt.date:
    return office_time.office_today()


def issued(reception: Actor, customer: t.Customer, *incidents: t.Incident,
           ticket_size: int | None = None) -> payment_requests.RequestInfo:
    return payment_requests.issue_request(reception, RequestInput(
        customer.id, tuple(i.id for i in incidents), ticket_size=ticket_size))


@pytest.fixture
def banked(office: dict[str, Any], manager: Actor) -> dict[str, Any]:
    set_bank(manager)
    return office


def test_bank_details_are_checked_and_kept_as_the_bank_prints_them(manager: Actor) -> None:
    set_bank(manager)
    stored = settings.get_settings()
    assert (stored.bank_sort_code, stored.bank_account_number, stored.bank_iban,
            stored.bank_bic) == ("20-00-00", "55779911", "GB33 BUKB 2020 1555 5555 55",
                                 "BUKBGB22")
    for field, bad in (("bank_sort_code", "20-00-0"), ("bank_account_number", "5577991"),
                       ("bank_iban", "GB33BUKB20201555555556"), ("bank_bic", "BUKB")):
        with pytest.raises(ValidationError) as caught:
            set_bank(manager, **{field: bad})
        assert caught.value.field == field
    assert settings.get_settings().version == stored.version  # nothing was saved


def test_no_request_without_the_offices_bank_details(
        office: dict[str, Any], reception: Actor, product: t.Product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    with pytest.raises(ValidationError, match="bank details lack the account's name"):
        issued(reception, customer, incident)
    assert t.PaymentRequest.select().count() == 0
    assert (t.Sequence.get_or_none(t.Sequence.name == "payment_request") is None
            or t.Sequence.get_by_id("payment_request").last_value == 0)


def test_a_request_numbers_prices_and_refers_but_funds_nothing(
        banked: dict[str, Any], reception: Actor, engineer: Actor, product: t.Product) -> None:
    customer = new_customer()
    first, second = (new_incident(reception, customer, product, subject=s)
                     for s in ("Cannot print", "Slow start"))
    request = issued(reception, customer, first, second)
    assert request.number == "PR-000001" and request.reference == payment_reference(1)
    found = find_reference(request.reference)
    assert found is not None and found.check_ok
    assert request.gross_pence == 2 * 9000  # £75.00 + 20% VAT each
    assert request.status == "open" and request.outstanding_pence == 18_000
    assert request.due_on == today() + dt.timedelta(days=14)
    assert request.bank.sort_code == "20-00-00"
    for incident in (first, second):
        row = reload(incident)
        assert row.status == IncidentStatus.AWAITING_PAYMENT
        assert FundingKind(row.funding) is FundingKind.NONE
    waiting = payment_requests.awaiting_transfer([first.id, second.id])
    assert waiting[first.id] == (f"Awaiting transfer PR-000001 (£180.00, due "
                                 f"{office_time.date_text(request.due_on)})")
    # A request cannot fund an incident: nobody can start it, nor pay it another way meanwhile.
    with pytest.raises(FundingRequired, match="awaiting a bank transfer .payment request "
                                              "PR-000001"):
        work.start_work(engineer, first.id)
    with pytest.raises(ValidationError, match="awaiting a bank transfer on payment request "
                                              "PR-000001"):
        payments.take_payment(reception, cash(customer, (first.id,)))
    with pytest.raises(ValidationError, match="awaiting a bank transfer"):
        issued(reception, customer, second)
    assert t.Payment.select().count() == 0


def test_recording_the_transfer_issues_the_receipt_and_funds_the_incidents_at_once(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    request = issued(reception, customer, incident)
    # Issued three days ago; the money arrived two days ago.
    t.PaymentRequest.update(issued_at=utcnow() - dt.timedelta(days=3)).execute()
    arrived = today() - dt.timedelta(days=2)
    result = payment_requests.record_transfer(
        reception, request.request_id, received_on=arrived, amount_pence=9000,
        bank_reference="ACME JOINERY PR1-Z")
    assert result.receipt is not None and result.over_pence == 0
    receipt = result.receipt
    assert receipt.number == "R-000001" and receipt.method is PaymentMethod.BANK_TRANSFER
    assert receipt.gross_pence == 9000 and receipt.bank_reference == request.reference
    assert office_time.office_date(receipt.taken_at) == arrived  # the tax point
    assert result.request.state == "paid" and result.request.receipt_number == "R-000001"
    row = reload(incident)
    assert row.status == IncidentStatus.QUEUED and FundingKind(row.funding) is FundingKind.PAYMENT
    assert payment_requests.awaiting_transfer([incident.id]) == {}
    # Paid once: the same money recorded again is refused and changes nothing.
    with pytest.raises(ValidationError, match="paid already"):
        payment_requests.record_transfer(reception, request.request_id, received_on=arrived,
                                         amount_pence=9000)
    assert t.BankTransfer.select().count() == 1 and t.Payment.select().count() == 1
    assert check_tamper() == [] and check_sequences() == []


def test_a_ticket_on_a_request_funds_its_incident_when_the_money_arrives(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    request = issued(reception, customer, incident, ticket_size=5)
    assert [ln.from_ticket for ln in request.lines] == [True, False]
    assert request.gross_pence == 5 * 7800  # £65.00 + VAT per ticket incident
    result = payment_requests.record_transfer(
        reception, request.request_id, received_on=today(), amount_pence=request.gross_pence)
    assert result.receipt is not None
    row = reload(incident)
    assert FundingKind(row.funding) is FundingKind.TICKET and row.status == IncidentStatus.QUEUED


def test_the_prices_of_the_day_the_request_was_issued_are_charged(
        banked: dict[str, Any], reception: Actor, manager: Actor, product: t.Product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    request = issued(reception, customer, incident)
    current = settings.get_settings()
    settings.update_settings(manager, current.version, incident_price_pence=10_000)
    result = payment_requests.record_transfer(reception, request.request_id,
                                              received_on=today(), amount_pence=9000)
    assert result.receipt is not None and result.receipt.gross_pence == 9000


def test_a_part_payment_keeps_the_request_open_and_an_overpayment_is_shown(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    request = issued(reception, customer, incident)
    part = payment_requests.record_transfer(reception, request.request_id,
                                            received_on=today(), amount_pence=5000)
    assert part.receipt is None
    assert part.request.status == "part_paid" and part.request.outstanding_pence == 4000
    assert reload(incident).status == IncidentStatus.AWAITING_PAYMENT
    assert "£40.00 of £90.00 still to come" in payment_requests.awaiting_transfer(
        [incident.id])[incident.id]
    rest = payment_requests.record_transfer(reception, request.request_id,
                                            received_on=today(), amount_pence=5000)
    assert rest.receipt is not None and rest.receipt.gross_pence == 9000
    assert rest.over_pence == 1000 and rest.request.over_pence == 1000
    assert rest.request.received_pence == 10_000
    assert reload(incident).status == IncidentStatus.QUEUED


def test_bad_transfers_are_refused_and_change_nothing(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    customer = new_customer()
    request = issued(reception, customer, new_incident(reception, customer, product))
    for kwargs, field in (({"amount_pence": 0}, "amount_pence"),
                          ({"amount_pence": -5}, "amount_pence"),
                          ({"received_on": today() + dt.timedelta(days=1)}, "received_on"),
                          ({"bank_reference": "card 4242 4242 4242 4242"}, "bank_reference")):
        values: dict[str, Any] = {"received_on": today(), "amount_pence": 9000} | kwargs
        with pytest.raises(ValidationError) as caught:
            payment_requests.record_transfer(reception, request.request_id, **values)
        assert caught.value.field == field
    assert t.BankTransfer.select().count() == 0
    with pytest.raises(NotFound):
        payment_requests.record_transfer(reception, 999, received_on=today(), amount_pence=1)


def test_a_statement_line_is_recorded_once(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    customer = new_customer()
    request = issued(reception, customer, new_incident(reception, customer, product))
    payment_requests.record_transfer(reception, request.request_id, received_on=today(),
                                     amount_pence=4000, statement_key="line-1")
    with pytest.raises(ValidationError, match="recorded already"):
        payment_requests.record_transfer(reception, request.request_id, received_on=today(),
                                         amount_pence=4000, statement_key="line-1")
    assert payment_requests.statement_keys_recorded(["line-1", "line-2"]) == {
        "line-1": "PR-000001"}


def test_finding_requests_by_reference_customer_and_amount(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    acme, kaur = new_customer("Acme Joinery"), new_customer("Kaur Estate Agents")
    first = issued(reception, acme, new_incident(reception, acme, product))
    second = issued(reception, kaur, new_incident(reception, kaur, product),
                    new_incident(reception, kaur, product))

    def numbers(text: str, **kw: Any) -> list[str]:
        return [r.number for r in payment_requests.find_requests(text, **kw)]

    assert numbers(first.reference.lower()) == ["PR-000001"]
    assert numbers("PR-000002") == ["PR-000002"]
    assert numbers("kaur") == ["PR-000002"]
    assert numbers("£90.00") == ["PR-000001"] and numbers("180") == ["PR-000002"]
    assert numbers("") == ["PR-000002", "PR-000001"]
    payment_requests.record_transfer(reception, second.request_id, received_on=today(),
                                     amount_pence=9000)
    assert numbers("90") == ["PR-000002", "PR-000001"]  # £90.00 still to come on PR-000002
    assert payment_requests.request_info(first.reference).number == "PR-000001"
    wrong = first.reference[:-1] + ("A" if first.reference[-1] != "A" else "B")
    with pytest.raises(ValidationError, match="does not match"):
        payment_requests.request_info(wrong)


def test_overdue_requests_and_reminders(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    customer = new_customer()
    request = issued(reception, customer, new_incident(reception, customer, product))
    t.PaymentRequest.update(due_on=today() - dt.timedelta(days=1)).execute()
    overdue = payment_requests.find_requests(overdue_only=True)
    assert [r.number for r in overdue] == ["PR-000001"] and overdue[0].status == "overdue"
    reminded = payment_requests.mark_reminded(reception, request.request_id)
    assert reminded.reminded_at is not None


def test_a_manager_cancels_a_request_and_its_incidents_await_payment_again(
        banked: dict[str, Any], reception: Actor, manager: Actor, product: t.Product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    request = issued(reception, customer, incident)
    with pytest.raises(PermissionDenied):
        payment_requests.cancel_request(reception, request.request_id, "Paying by card")
    with pytest.raises(ValidationError, match="reason"):
        payment_requests.cancel_request(manager, request.request_id, "  ")
    cancelled = payment_requests.cancel_request(manager, request.request_id, "Paying by card")
    assert cancelled.state == "cancelled" and cancelled.cancel_reason == "Paying by card"
    assert payment_requests.awaiting_transfer([incident.id]) == {}
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    assert receipt.gross_pence == 9000
    with pytest.raises(ValidationError, match="was cancelled"):
        payment_requests.record_transfer(reception, request.request_id, received_on=today(),
                                         amount_pence=9000)


def _record_desk(url: str, actor: tuple[int, str, str, str], request_id: int, start: Any,
                 results: Any) -> None:
    """One desk, its own process: records the whole transfer for the request."""
    from synergy_desk.models.database import close_database, open_database

    try:
        open_database(url, migrate_schema=False)
        who = Actor(actor[0], actor[1], actor[2], Role(actor[3]))
        start.wait(timeout=60)
        try:
            result = payment_requests.record_transfer(
                who, request_id, received_on=office_time.office_today(), amount_pence=9000)
            outcome = ("recorded", result.receipt.number if result.receipt else "")
        except ValidationError as exc:
            outcome = ("refused", str(exc))
        close_database()
    except Exception as exc:  # every failure is reported to the parent, none hidden
        outcome = ("failed", f"{type(exc).__name__}: {exc}")
    results.put(outcome)


@pytest.mark.slow
def test_two_desks_recording_the_same_request_at_once_record_it_once(
        db_url: str, banked: dict[str, Any], reception: Actor, engineer: Actor,
        product: t.Product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    request = issued(reception, customer, incident)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    results = ctx.Queue()
    processes = [ctx.Process(target=_record_desk, args=(
        db_url, (a.id, a.username, a.full_name, a.role.value), request.request_id, start,
        results)) for a in (reception, engineer)]
    outcomes = sorted(run_desks(processes, results, 120, "a desk did not record"))
    assert [kind for kind, _ in outcomes] == ["recorded", "refused"], outcomes
    assert outcomes[0][1] == "R-000001" and "paid already" in outcomes[1][1]
    assert t.BankTransfer.select().count() == 1 and t.Payment.select().count() == 1
    assert FundingKind(reload(incident).funding) is FundingKind.PAYMENT
    assert check_tamper() == [] and check_sequences() == []


def test_an_incident_awaiting_a_transfer_is_neither_merged_nor_closed_under_it(
        banked: dict[str, Any], reception: Actor, engineer: Actor, manager: Actor,
        product: t.Product) -> None:
    """The money that arrives must still find its incidents open and unfunded: a merge or a
    close while the request is open would leave a transfer nobody can record."""
    from synergy_desk.services.incidents import closing, reshape

    customer = new_customer()
    waiting, other = (new_incident(reception, customer, product, subject=s)
                      for s in ("Cannot print", "Cannot print either"))
    request = issued(reception, customer, waiting)
    with pytest.raises(ValidationError, match="awaiting a bank transfer on payment request "
                                              "PR-000001, so it cannot be merged into"):
        reshape.merge(engineer, waiting.id, other.id)
    with pytest.raises(ValidationError, match="cannot be closed"):
        closing.close_unresolved(engineer, waiting.id, "Customer went quiet")
    with pytest.raises(ValidationError, match="cannot be closed"):
        closing.out_of_remit(engineer, waiting.id, "Data work")
    assert reload(waiting).status == IncidentStatus.AWAITING_PAYMENT
    # The other way round is fine: the incident awaiting the transfer carries on.
    reshape.merge(engineer, other.id, waiting.id)
    result = payment_requests.record_transfer(reception, request.request_id,
                                              received_on=today(), amount_pence=9000)
    assert result.receipt is not None
    assert reload(waiting).status == IncidentStatus.QUEUED
    # Once a manager cancels the request, the incident can be closed like any other.
    again = new_incident(reception, customer, product)
    second = issued(reception, customer, again)
    payment_requests.cancel_request(manager, second.request_id, "Customer went elsewhere")
    closing.close_unresolved(engineer, again.id, "Customer went elsewhere")
    assert reload(again).status == IncidentStatus.CLOSED


def test_the_incident_list_marks_the_incidents_awaiting_a_transfer(
        banked: dict[str, Any], reception: Actor, manager: Actor, product: t.Product) -> None:
    from synergy_desk.services.incidents.incident_list import IncidentFilter, list_incidents

    customer = new_customer()
    asked, other = (new_incident(reception, customer, product, subject=s)
                    for s in ("Cannot print", "Slow start"))
    request = issued(reception, customer, asked)

    def awaiting() -> dict[int, bool]:
        rows = list_incidents(IncidentFilter(view="awaiting_payment")).rows
        return {r.id: r.awaiting_transfer for r in rows}

    assert awaiting() == {asked.id: True, other.id: False}
    payment_requests.cancel_request(manager, request.request_id, "Paying by card")
    assert awaiting() == {asked.id: False, other.id: False}


def test_a_request_is_not_issued_when_its_receipt_could_not_be(
        banked: dict[str, Any], reception: Actor, manager: Actor, product: t.Product) -> None:
    """The money must never arrive for a request whose receipt cannot be issued."""
    nowhere = new_customer("Kaur Estate Agents", address="", postcode="")
    incidents = [new_incident(reception, nowhere, product, subject=f"Problem {i}")
                 for i in range(3)]
    # £270.00: a full VAT invoice, which names the customer's address.
    with pytest.raises(ValidationError, match="needs the customer's address"):
        issued(reception, nowhere, *incidents)
    current = settings.get_settings()
    settings.update_settings(manager, current.version, vat_number="")
    with pytest.raises(ValidationError, match="VAT number"):
        issued(reception, nowhere, incidents[0])
    assert t.PaymentRequest.select().count() == 0


def test_a_statement_line_that_is_money_recorded_by_hand_is_refused(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    from synergy_desk.services.data import bank_statements as bs

    customer = new_customer()
    incident = new_incident(reception, customer, product)
    request = issued(reception, customer, incident)
    payment_requests.record_transfer(reception, request.request_id, received_on=today(),
                                     amount_pence=4500)
    # The bank's line for the same £45.00: shown as recorded, and refused if sent anyway.
    csv = (f"Date,Description,Amount\n{today():%d/%m/%Y},ACME JOINERY {request.reference},"
           "45.00\n").encode()
    preview = bs.preview_statement(csv)
    (proposed,) = preview.lines
    assert not proposed.matched and proposed.reason.startswith("Recorded by hand already")
    with pytest.raises(ValidationError, match="recorded by hand already"):
        payment_requests.record_transfer(reception, request.request_id, received_on=today(),
                                         amount_pence=4500, statement_key=proposed.line.key)
    assert t.BankTransfer.select().count() == 1 and t.Payment.select().count() == 0
    assert reload(incident).status == IncidentStatus.AWAITING_PAYMENT


def test_the_receipt_is_made_out_as_the_request_was_issued(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    """The customer's address removed after a request over £250 was issued: the money that
    arrives is still receipted, to the name and address the request was issued to."""
    from synergy_desk.services.people import customers

    customer = new_customer()
    incident = new_incident(reception, customer, product)
    request = issued(reception, customer, incident, ticket_size=5)  # £390.00: a full invoice
    assert request.customer_address == "2 Mill Lane\nYork\nYO1 7HH"
    editing = customers.get_customer_for_edit(customer.id)
    customers.update_customer(reception, customer.id, editing.version, customers.CustomerInput(
        name="Acme Joinery", address="", postcode=""))
    result = payment_requests.record_transfer(reception, request.request_id,
                                              received_on=today(), amount_pence=39_000)
    assert result.receipt is not None and result.receipt.full_invoice
    assert result.receipt.customer_address == "2 Mill Lane\nYork\nYO1 7HH"


def test_money_cannot_have_arrived_before_the_request_was_issued(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    customer = new_customer()
    request = issued(reception, customer, new_incident(reception, customer, product))
    with pytest.raises(ValidationError, match="cannot have arrived before") as caught:
        payment_requests.record_transfer(reception, request.request_id,
                                         received_on=dt.date(2019, 1, 1), amount_pence=9000)
    assert caught.value.field == "received_on"
    assert t.BankTransfer.select().count() == 0 and t.Payment.select().count() == 0


def test_a_reference_is_read_with_a_space_before_a_digit_check_character(
        banked: dict[str, Any], reception: Actor, product: t.Product) -> None:
    """PR38-9 typed "PR38 9" or "pr38 9" is PR-000038, never PR-000389."""
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    request = issued(reception, customer, incident)
    t.PaymentRequest.update(number=38, reference=payment_reference(38)).where(
        t.PaymentRequest.id == request.request_id).execute()
    assert payment_reference(38) == "PR38-9"
    for typed in ("PR38-9", "PR38 9", "pr38 9", "PR389"):
        assert payment_requests.request_info(typed).number == "PR-000038", typed
        assert [r.number for r in payment_requests.find_requests(typed)] == ["PR-000038"], typed


def test_money_on_a_cancelled_request_is_all_to_return(
        banked: dict[str, Any], reception: Actor, manager: Actor, product: t.Product) -> None:
    customer = new_customer()
    request = issued(reception, customer, new_incident(reception, customer, product))
    payment_requests.record_transfer(reception, request.request_id, received_on=today(),
                                     amount_pence=4000)
    cancelled = payment_requests.cancel_request(manager, request.request_id, "Wrong customer")
    assert cancelled.received_pence == 4000 and cancelled.over_pence == 4000
    assert cancelled.outstanding_pence == 0
