"""The payment-requests report: every request of the period with what arrived and what is still
to come, its status, and the totals per status, on screen, in the PDF and in the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from synergy_desk.domain.errors import PermissionDenied
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payment_requests
from synergy_desk.services.money.payment_requests import RequestInput
from synergy_desk.services.reporting import reports
from tests.services.money.test_funding import new_customer, new_incident
from tests.services.money.test_payment_requests import set_bank, today


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def one_request(reception: Actor, product: t.Product, name: str) -> payment_requests.RequestInfo:
    customer = new_customer(name)
    incident = new_incident(reception, customer, product)
    return payment_requests.issue_request(reception, RequestInput(customer.id, (incident.id,)))


@pytest.fixture
def scene(office: dict[str, Any], manager: Actor, reception: Actor,
          product: t.Product) -> dict[str, payment_requests.RequestInfo]:
    """Six requests of £90.00: open, part paid, overdue, overpaid, cancelled with money on it,
    and one issued long before the period."""
    set_bank(manager)
    made = {key: one_request(reception, product, name) for key, name in (
        ("open", "Acme Joinery"), ("part", "Bolt Builders"), ("overdue", "Cole Carpets"),
        ("paid", "Dale Dental"), ("cancelled", "=HYPERLINK(\"http://evil.example\")"),
        ("old", "Eden Estates"))}
    payment_requests.record_transfer(reception, made["part"].request_id, received_on=today(),
                                     amount_pence=5000)
    t.PaymentRequest.update(due_on=today() - dt.timedelta(days=3)).where(
        t.PaymentRequest.id == made["overdue"].request_id).execute()
    payment_requests.record_transfer(reception, made["paid"].request_id, received_on=today(),
                                     amount_pence=9500)
    payment_requests.record_transfer(reception, made["cancelled"].request_id,
                                     received_on=today(), amount_pence=1000)
    payment_requests.cancel_request(manager, made["cancelled"].request_id, "Customer went away")
    t.PaymentRequest.update(issued_at=made["old"].issued_at - dt.timedelta(days=40)).where(
        t.PaymentRequest.id == made["old"].request_id).execute()
    return made


def by_request(data: reports.ReportData) -> dict[str, tuple[str, ...]]:
    """Each request's row of the listing and of the money, as printed, in one."""
    listing = next(tb for tb in data.tables if tb.title == "Payment requests issued")
    money = next(tb for tb in data.tables if tb.title == "Money asked and received")
    amounts = {row[0].text: tuple(c.text for c in row[2:]) for row in money.rows}
    return {row[0].text: tuple(c.text for c in row) + amounts[row[0].text]
            for row in listing.rows}


def test_the_report_lists_each_request_with_its_money_and_status(
        scene: dict[str, payment_requests.RequestInfo], manager: Actor) -> None:
    data = reports.build_report(manager, "requests", today(), today())
    assert data.title == "Payment requests"
    rows = by_request(data)
    assert sorted(rows) == ["PR-000001", "PR-000002", "PR-000003", "PR-000004", "PR-000005"]
    day = f"{today():%d/%m/%Y}"
    assert rows["PR-000001"] == ("PR-000001", scene["open"].reference, "Acme Joinery", day,
                                 f"{scene['open'].due_on:%d/%m/%Y}", "Open", "£90.00", "£0.00",
                                 "£90.00", "£0.00")
    assert rows["PR-000002"][5:] == ("Part paid", "£90.00", "£50.00", "£40.00", "£0.00")
    assert rows["PR-000003"][5:] == ("Overdue", "£90.00", "£0.00", "£90.00", "£0.00")
    assert rows["PR-000004"][5:] == ("Paid — receipt R-000001", "£90.00", "£95.00", "£0.00",
                                     "£5.00")
    assert rows["PR-000005"][5:] == ("Cancelled — Customer went away", "£90.00", "£10.00",
                                     "£0.00", "£10.00")
    money = next(tb for tb in data.tables if tb.title == "Money asked and received")
    assert money.totals is not None
    assert tuple(c.text for c in money.totals) == ("Total", "5 requests", "£450.00",
                                                   "£155.00", "£220.00", "£15.00")
    status = next(tb for tb in data.tables if tb.title == "Requests by status")
    assert [tuple(c.text for c in row) for row in status.rows] == [
        ("Open", "1", "£90.00", "£0.00", "£90.00", "£0.00"),
        ("Part paid", "1", "£90.00", "£50.00", "£40.00", "£0.00"),
        ("Overdue", "1", "£90.00", "£0.00", "£90.00", "£0.00"),
        ("Paid", "1", "£90.00", "£95.00", "£0.00", "£5.00"),
        ("Cancelled", "1", "£90.00", "£10.00", "£0.00", "£10.00")]
    assert status.totals is not None
    assert tuple(c.text for c in status.totals) == ("Total", "5", "£450.00", "£155.00",
                                                    "£220.00", "£15.00")
    figures = {label: cell.text for label, cell in data.summary}
    assert figures == {"Requests issued": "5", "Amount requested": "£450.00",
                       "Received": "£155.00", "Still to come": "£220.00",
                       "Overdue": "1 (£90.00)", "Over or to return": "£15.00"}


def test_a_longer_period_takes_in_the_older_request(
        scene: dict[str, payment_requests.RequestInfo], manager: Actor) -> None:
    data = reports.build_report(manager, "requests", today() - dt.timedelta(days=60), today())
    assert "PR-000006" in by_request(data)
    quiet = reports.build_report(manager, "requests", today() - dt.timedelta(days=90),
                                 today() - dt.timedelta(days=80))
    assert by_request(quiet) == {}
    assert [tb.note for tb in quiet.tables[1:]] == [
        "No payment requests were issued in this period."] * 2


def test_the_pdf_and_csv_say_what_the_report_does(
        scene: dict[str, payment_requests.RequestInfo], manager: Actor) -> None:
    data = reports.build_report(manager, "requests", today(), today())
    text = pdf_text(reports.report_pdf(data))
    for wanted in ("Payment requests", "PR-000004", "Paid — receipt R-000001",
                   "Cancelled — Customer went away", "Requests by status", "£450.00"):
        assert wanted in text, wanted
    rows = list(csv.reader(io.StringIO(reports.report_csv(data))))
    listed = [row for row in rows if row and row[0] == "PR-000002"]
    assert listed == [
        ["PR-000002", scene["part"].reference, "Bolt Builders", today().isoformat(),
         scene["part"].due_on.isoformat(), "Part paid"],
        ["PR-000002", "Bolt Builders", "90.00", "50.00", "40.00", "0.00"]]
    # A customer named like a formula is written as text a spreadsheet will not run.
    cancelled = [row for row in rows if row and row[0] == "PR-000005"]
    assert cancelled[0][2].startswith("'=HYPERLINK") and cancelled[1][1].startswith("'=")


def test_reception_may_not_run_it_and_engineers_may(
        scene: dict[str, payment_requests.RequestInfo], reception: Actor,
        engineer: Actor) -> None:
    with pytest.raises(PermissionDenied):
        reports.build_report(reception, "requests", today(), today())
    assert "requests" not in [k.name for k in reports.report_kinds(reception)]
    assert reports.build_report(engineer, "requests", today(), today()).summary[0][1].value == 5


# --- the cash-up counts bank transfers by the day the money arrived -----------------------


@pytest.fixture
def transfers(office: dict[str, Any], manager: Actor, reception: Actor,
              product: t.Product) -> dict[str, Any]:
    """Two days of bank transfers: PR-000001 (£90) paid in two parts, £50 the day before
    yesterday and £40 yesterday; PR-000002 (£90) paid £95 yesterday; PR-000003 (£90) £30
    yesterday and still open; and £90 paid by transfer at the counter yesterday."""
    from synergy_desk.domain.enums import PaymentMethod
    from synergy_desk.services.money import payments

    set_bank(manager)
    first, second, third = (one_request(reception, product, name) for name in (
        "Acme Joinery", "Bolt Builders", "Cole Carpets"))
    before, day = today() - dt.timedelta(days=2), today() - dt.timedelta(days=1)
    # Issued before the money came (it never arrives before its request).
    t.PaymentRequest.update(issued_at=utcnow() - dt.timedelta(days=3)).execute()
    record = payment_requests.record_transfer
    record(reception, first.request_id, received_on=before, amount_pence=5000)
    paid_first = record(reception, first.request_id, received_on=day, amount_pence=4000)
    paid_second = record(reception, second.request_id, received_on=day, amount_pence=9500)
    record(reception, third.request_id, received_on=day, amount_pence=3000)
    customer = new_customer("Dale Dental")
    counter = payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer.id, incident_ids=(new_incident(reception, customer, product).id,),
        method=PaymentMethod.BANK_TRANSFER, bank_reference="FASTER PAYMENT DALE"))
    moment = paid_first.receipt.taken_at  # type: ignore[union-attr]  # noon yesterday, UTC
    t.Payment.update(taken_at=moment).where(t.Payment.receipt_number == 3).execute()
    assert paid_first.receipt is not None and paid_second.receipt is not None
    return {"before": before, "day": day, "receipts": (paid_first.receipt.number,
                                                       paid_second.receipt.number,
                                                       counter.number)}


BANK_TABLE = "Bank transfers received, not yet receipted / overpaid"
ARRIVED = "Bank transfers that arrived (to match the bank statement)"


def bank_rows(data: reports.ReportData) -> list[tuple[str, ...]]:
    found = next(tb for tb in data.tables if tb.title == BANK_TABLE)
    return [tuple(c.text for c in row) for row in found.rows]


def test_the_cashup_counts_bank_transfers_on_the_day_the_money_arrived(
        transfers: dict[str, Any], manager: Actor) -> None:
    day, before = transfers["day"], transfers["before"]
    assert transfers["receipts"] == ("R-000001", "R-000002", "R-000003")
    data = reports.build_report(manager, "cashup", day, day)
    takings = next(tb for tb in data.tables if tb.title == "Takings by payment method")
    bank = next(row for row in takings.rows if row[0].text == "Bank transfer")
    assert (bank[1].text, bank[4].text) == ("3", "£270.00")  # the receipts of the day
    assert bank_rows(data) == [
        ("PR-000001", "Acme Joinery", "£40.00", "£90.00", "-£50.00",
         "Receipt R-000001 includes £50.00 that arrived before this period"),
        ("PR-000002", "Bolt Builders", "£95.00", "£90.00", "£5.00",
         "£5.00 over the request — to refund or hold"),
        ("PR-000003", "Cole Carpets", "£30.00", "£0.00", "£30.00",
         "Part payment — £60.00 still to come")]
    table = next(tb for tb in data.tables if tb.title == BANK_TABLE)
    assert table.totals is not None
    assert tuple(c.text for c in table.totals)[2:5] == ("£165.00", "£180.00", "-£15.00")
    # £40 + £95 + £30 by request and £90 at the counter: what the bank statement shows.
    assert dict(data.summary)[ARRIVED].text == "£255.00"

    earlier = reports.build_report(manager, "cashup", before, before)
    assert bank_rows(earlier) == [
        ("PR-000001", "Acme Joinery", "£50.00", "£0.00", "£50.00",
         f"Part payment — receipted later on R-000001 ({day:%d/%m/%Y})")]
    assert dict(earlier.summary)[ARRIVED].text == "£50.00"

    both = reports.build_report(manager, "cashup", before, day)
    assert [row[0] for row in bank_rows(both)] == ["PR-000002", "PR-000003"]
    assert dict(both.summary)[ARRIVED].text == "£305.00"


def test_a_day_with_no_bank_transfers_says_so(office: dict[str, Any], manager: Actor) -> None:
    data = reports.build_report(manager, "cashup", today(), today())
    table = next(tb for tb in data.tables if tb.title == BANK_TABLE)
    assert table.rows == () and table.note == (
        "Every bank transfer that arrived in this period is in its receipts.")
    assert ARRIVED not in dict(data.summary)


def test_the_cashup_pdf_prints_the_bank_transfers(transfers: dict[str, Any],
                                                   manager: Actor) -> None:
    day = transfers["day"]
    text = pdf_text(reports.report_pdf(reports.build_report(manager, "cashup", day, day)))
    assert BANK_TABLE in text and "£5.00 over the request — to refund or hold" in text
    assert "£255.00" in text


def test_receptions_cashup_lists_only_the_transfers_they_recorded(
        office: dict[str, Any], manager: Actor, reception: Actor, engineer: Actor,
        product: t.Product) -> None:
    set_bank(manager)
    mine, theirs = (one_request(reception, product, name) for name in ("Acme Joinery",
                                                                       "Bolt Builders"))
    payment_requests.record_transfer(reception, mine.request_id, received_on=today(),
                                     amount_pence=2000)
    payment_requests.record_transfer(engineer, theirs.request_id, received_on=today(),
                                     amount_pence=3000)
    own = reports.build_report(reception, "cashup", today(), today())
    assert [row[0] for row in bank_rows(own)] == ["PR-000001"]
    assert dict(own.summary)[ARRIVED].text == "£20.00"
    everyone = reports.build_report(manager, "cashup", today(), today())
    assert [row[0] for row in bank_rows(everyone)] == ["PR-000001", "PR-000002"]
    assert dict(everyone.summary)[ARRIVED].text == "£50.00"
