"""The payment request read back from the PDF as the customer paying it and an accountant would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from synergy_desk.documents.data import Office
from synergy_desk.documents.payment_request import (
    NOT_A_RECEIPT,
    QUOTE_REFERENCE,
    PaymentRequestDoc,
    RequestDocLine,
    render_payment_request,
)

OFFICE = Office(
    name="Synergy Software Support Ltd",
    address="Unit 4, Riverside Park\nCambridge Road\nEly CB7 4AA",
    vat_number="GB 123 4567 89", phone="01353 123456", email="support@synergy.example")


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with every run of white space as one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def incident_line(ref: str, subject: str) -> RequestDocLine:
    return RequestDocLine(f"{ref} — {subject}", 7500, 2000, 1500, 9000,
                          "Per-incident support charge")


def request(**changes: object) -> PaymentRequestDoc:
    lines = (incident_line("INC-000042", "Cannot print invoices"),
             incident_line("INC-000043", "Year end will not close"))
    doc = PaymentRequestDoc(
        office=OFFICE, vat_registered=True, number="PR-000007", reference="PR7-Q",
        issued_at=dt.datetime(2026, 12, 3, 10, 15), timezone="Europe/London",
        due_on=dt.date(2026, 12, 17), customer_name="Harriet Oduya, Oduya Joinery Ltd",
        customer_address="4 Mill Lane\nLeeds\nLS6 2AB", account_code="C00012", lines=lines,
        net_pence=15000, vat_pence=3000, gross_pence=18000,
        account_name="Synergy Software Support Ltd", sort_code="20-00-00",
        account_number="55779911", iban="GB33 BUKB 2020 1555 5555 55", bic="BUKBGB22",
        issued_by="Rita Reception")
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def test_a_request_holds_every_figure_and_says_it_is_not_a_receipt() -> None:
    pdf = render_payment_request(request())
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    for wanted in (
            "Payment request PR-000007", NOT_A_RECEIPT, "Synergy Software Support Ltd",
            "Unit 4, Riverside Park", "Ely CB7 4AA", "VAT reg. no. GB 123 4567 89",
            "01353 123456", "support@synergy.example",
            "Harriet Oduya, Oduya Joinery Ltd", "4 Mill Lane", "LS6 2AB", "Account C00012",
            "Issued 3 Dec 2026", "Due by 17 Dec 2026",
            "INC-000042 — Cannot print invoices", "INC-000043 — Year end will not close",
            "£75.00 20% £15.00 £90.00", "Total net £150.00", "Total VAT £30.00",
            "Total requested incl. VAT £180.00", "How to pay", "Amount to pay: £180.00",
            "By bank transfer by 17 Dec 2026", "Account name Synergy Software Support Ltd",
            "Sort code 20-00-00", "Account number 55779911",
            "IBAN GB33 BUKB 2020 1555 5555 55", "BIC BUKBGB22", "Payment reference PR7-Q",
            QUOTE_REFERENCE,
            "Support starts on these incidents once the money has arrived."):
        assert wanted in text, wanted
    for absent in ("PAID", "CANCELLED", "REMINDER", "Received so far"):
        assert absent not in text
    assert render_payment_request(request()) == pdf  # identical input, identical bytes


def test_a_ticket_and_the_incident_it_will_fund_print_without_charging_twice() -> None:
    ticket = RequestDocLine("Season ticket, 10 incidents, valid 365 days", 65000, 2000, 13000,
                            78000, "10 incidents, valid for 365 days from the day the money "
                            "arrives")
    funded = RequestDocLine("INC-000050 — Backups fail", 0, 2000, 0, 0,
                            "funded by the season ticket above", no_charge=True)
    # Stored with the funded incident first: it still prints under the ticket it is funded by.
    text = pdf_text(render_payment_request(request(
        lines=(funded, ticket), net_pence=65000, vat_pence=13000, gross_pence=78000)))
    assert ("Season ticket, 10 incidents, valid 365 days 10 incidents, valid for 365 days from "
            "the day the money arrives £650.00 20% £130.00 £780.00") in text
    assert "INC-000050 — Backups fail funded by the season ticket above — — — No charge" in text
    assert text.index("Season ticket, 10 incidents") < text.index("INC-000050")
    assert "Total requested incl. VAT £780.00" in text and "Amount to pay: £780.00" in text


def test_a_part_paid_request_asks_only_for_the_rest() -> None:
    text = pdf_text(render_payment_request(request(
        received=((dt.date(2026, 12, 5), 10000),))))
    assert "Received so far -£100.00 Still to pay £80.00" in text
    assert "Amount to pay: £80.00" in text
    assert "£100.00 received on 5 Dec 2026 — £80.00 still to pay" in text


def test_paid_cancelled_and_reminder_are_marked() -> None:
    paid = pdf_text(render_payment_request(request(
        state="paid", receipt_number="R-000031", received=((dt.date(2026, 12, 9), 18500),))))
    assert "PAID" in paid and "receipt R-000031 was issued" in paid
    assert "the money arrived on 9 Dec 2026" in paid
    assert "£5.00 more than was asked arrived" in paid
    assert "Nothing more to pay: paid in full (receipt R-000031)" in paid
    assert "Amount to pay:" not in paid
    cancelled = pdf_text(render_payment_request(request(
        state="cancelled", cancelled_on=dt.date(2026, 12, 8),
        cancel_reason="Paid by card at the counter")))
    assert "CANCELLED on 8 Dec 2026: Paid by card at the counter. Please do not pay this " \
           "request." in cancelled
    assert "Nothing to pay: this request is cancelled." in cancelled
    reminder = pdf_text(render_payment_request(request(reminder=True, days_overdue=3)))
    assert "REMINDER" in reminder and "Page 1 of 1" in reminder  # the reminder fits one page
    assert "was due by 17 Dec 2026 and is 3 days overdue" in reminder
    assert "Amount to pay: £180.00" in reminder
    one = pdf_text(render_payment_request(request(reminder=True, days_overdue=1)))
    assert "is 1 day overdue" in one


def test_a_reminder_pdf_is_titled_as_one() -> None:
    pdf = render_payment_request(request(reminder=True, days_overdue=3))
    assert PdfReader(io.BytesIO(pdf)).metadata.title == "Reminder: payment request PR-000007"


def test_names_in_any_language_print() -> None:
    name = "Ζωή Παπαδοπούλου — Łukasz Żółć — Пётр Смирнов"
    text = pdf_text(render_payment_request(request(customer_name=name,
                                                   customer_address="Οδός Ερμού 5\nΑθήνα")))
    assert name in text and "Οδός Ερμού 5 Αθήνα" in text


def test_an_office_not_registered_for_vat_prints_no_vat() -> None:
    lines = (RequestDocLine("INC-000042 — Cannot print", 7500, 0, 0, 7500,
                            "Per-incident support charge"),)
    text = pdf_text(render_payment_request(request(
        vat_registered=False, lines=lines, net_pence=7500, vat_pence=0, gross_pence=7500)))
    assert "Not VAT registered — no VAT charged" in text
    assert "VAT reg. no." not in text and "Total VAT" not in text
    assert "Total requested £75.00" in text and "Amount to pay: £75.00" in text


@pytest.mark.parametrize("changes", [
    {"net_pence": 15001},
    {"lines": ()},
    {"lines": (RequestDocLine("INC-1", 7500, 2000, 1500, 9001),)},
    {"lines": (RequestDocLine("INC-1", 0, 2000, 0, 100, no_charge=True),)},
])
def test_a_request_that_does_not_add_up_is_never_printed(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        render_payment_request(request(**changes))
