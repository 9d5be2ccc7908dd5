"""Payment requests rendered from their numbers and e-mailed, and reminders sent, read back as
the customer paying would read them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from pypdf import PdfReader

from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payment_requests
from synergy_desk.services.money.payment_requests import RequestInput
from synergy_desk.services.reporting import request_documents
from tests.services.money.test_funding import new_customer, new_incident
from tests.services.money.test_payment_requests import set_bank, today
from tests.smtp_stub import smtp_stub


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def request_for(office: dict[str, Any], manager: Actor, reception: Actor,
                product: t.Product) -> payment_requests.RequestInfo:
    """PR-000001 for Acme Joinery's two incidents and a season ticket funding one of them."""
    set_bank(manager)
    customer = new_customer()
    t.Customer.update(email="accounts@acme.example").where(t.Customer.id == customer.id).execute()
    first = new_incident(reception, customer, product, subject="Cannot print invoices")
    second = new_incident(reception, customer, product, subject="Year end will not close")
    return payment_requests.issue_request(reception, RequestInput(
        customer.id, (first.id, second.id), ticket_size=1))


def mail_server(office: dict[str, Any], port: int) -> None:
    office["settings"].__class__.update(
        smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
        smtp_from="desk@synergy.example").execute()


def test_the_request_pdf_holds_what_the_customer_pays_from(
        request_for: payment_requests.RequestInfo) -> None:
    info = request_for
    text = pdf_text(request_documents.request_pdf("PR-000001"))
    assert info.gross_pence == 7800 + 9000  # a one-incident ticket (£65 + VAT) and one incident
    for wanted in ("Payment request PR-000001", "not a receipt and not a VAT invoice",
                   "Synergy Support Ltd", "1 High Street", "VAT reg. no. GB123456789",
                   "Acme Joinery", "2 Mill Lane", "YO1 7HH", f"Account {info.account_code}",
                   f"Due by {info.due_text}", "INC-000001 — Cannot print invoices",
                   "funded by the season ticket above", "No charge",
                   "INC-000002 — Year end will not close",
                   "Season ticket, 1 incident, valid 365 days",
                   "Total requested incl. VAT £168.00", "Amount to pay: £168.00",
                   "Sort code 20-00-00", "Account number 55779911",
                   "IBAN GB33 BUKB 2020 1555 5555 55", "BIC BUKBGB22",
                   f"Payment reference {info.reference}", "Please quote this reference"):
        assert wanted in text, wanted
    # Found by its reference as well as its number and id: the same document.
    assert request_documents.request_pdf(info.reference) == \
        request_documents.request_pdf(info.request_id)


def test_the_document_carries_everything_needed_to_pay_from_the_e_mail_alone(
        request_for: payment_requests.RequestInfo) -> None:
    info = request_for
    document = request_documents.request_document(info.request_id)
    assert document.title == "Payment request PR-000001"
    assert document.filename == "PR-000001.pdf"
    assert document.email_to == "accounts@acme.example"
    assert document.customer_id == info.customer_id
    assert "£168.00" in document.email_subject and info.reference in document.email_subject
    for wanted in ("£168.00", info.due_text, "Synergy Support Ltd", "20-00-00", "55779911",
                   "GB33 BUKB 2020 1555 5555 55", "BUKBGB22", info.reference,
                   "INC-000001, INC-000002", "not a receipt"):
        assert wanted in document.email_body, wanted


def test_a_part_paid_request_asks_for_the_rest(
        request_for: payment_requests.RequestInfo, reception: Actor) -> None:
    info = request_for
    t.PaymentRequest.update(issued_at=utcnow() - dt.timedelta(days=2)).execute()
    arrived = today() - dt.timedelta(days=1)
    payment_requests.record_transfer(reception, info.request_id, received_on=arrived,
                                     amount_pence=10_000)
    document = request_documents.request_document(info.request_id)
    text = pdf_text(document.pdf)
    day = f"{arrived.day} {arrived:%b %Y}"
    assert f"£100.00 received on {day} — £68.00 still to pay" in text
    assert "Amount to pay: £68.00" in text and "Still to pay £68.00" in text
    assert "£68.00" in document.email_subject and (
        "for £168.00; £100.00 has arrived, so £68.00 is still to pay, due by") in \
        document.email_body


def test_paid_and_cancelled_requests_print_so(
        request_for: payment_requests.RequestInfo, reception: Actor, manager: Actor,
        product: t.Product) -> None:
    info = request_for
    result = payment_requests.record_transfer(reception, info.request_id, received_on=today(),
                                              amount_pence=info.gross_pence)
    assert result.receipt is not None
    paid = pdf_text(request_documents.request_pdf(info.request_id))
    assert "PAID" in paid and f"receipt {result.receipt.number} was issued" in paid
    assert "Amount to pay" not in paid
    # A reminder of a paid request is not one.
    assert "REMINDER" not in pdf_text(request_documents.request_pdf(info.request_id,
                                                                    reminder=True))
    customer = t.Customer.get_by_id(info.customer_id)
    other = new_incident(reception, customer, product, subject="Slow start")
    second = payment_requests.issue_request(reception, RequestInput(customer.id, (other.id,)))
    payment_requests.cancel_request(manager, second.request_id, "Paid by card at the counter")
    cancelled = pdf_text(request_documents.request_pdf(second.number))
    assert "CANCELLED" in cancelled and "Paid by card at the counter" in cancelled
    assert "Please do not pay this request." in cancelled


def test_a_reminder_says_how_late_the_request_is(
        request_for: payment_requests.RequestInfo) -> None:
    info = request_for
    t.PaymentRequest.update(due_on=today() - dt.timedelta(days=4)).where(
        t.PaymentRequest.id == info.request_id).execute()
    document = request_documents.request_document(info.request_id, reminder=True)
    assert document.title == "Reminder: payment request PR-000001"
    assert document.filename == "PR-000001 reminder.pdf"
    text = pdf_text(document.pdf)
    assert "REMINDER" in text and "is 4 days overdue" in text
    assert "is 4 days overdue" in document.email_body and info.reference in document.email_body


def test_a_non_latin_customer_name_prints(
        office: dict[str, Any], manager: Actor, reception: Actor, product: t.Product) -> None:
    set_bank(manager)
    customer = new_customer("Ζωή Παπαδοπούλου", address="Οδός Ερμού 5\nΑθήνα", postcode="")
    incident = new_incident(reception, customer, product)
    info = payment_requests.issue_request(reception, RequestInput(customer.id, (incident.id,)))
    text = pdf_text(request_documents.request_pdf(info.request_id))
    assert "Ζωή Παπαδοπούλου" in text and "Οδός Ερμού 5" in text


def test_sending_a_request_e_mails_the_pdf_with_the_reference_in_the_body(
        office: dict[str, Any], request_for: payment_requests.RequestInfo,
        reception: Actor) -> None:
    info = request_for
    with smtp_stub() as (port, received, _refuse):
        mail_server(office, port)
        sent_to = request_documents.send_request(reception, info.request_id)
    assert sent_to == "accounts@acme.example"
    [message] = received.messages
    assert message["To"] == "accounts@acme.example"
    assert "Payment request PR-000001" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert info.reference in body and "55779911" in body and "£168.00" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "PR-000001.pdf"
    assert f"Payment reference {info.reference}" in pdf_text(attachment.get_content())
    # Sending the request is not a reminder.
    assert t.PaymentRequest.get_by_id(info.request_id).reminded_at is None


def test_a_reminder_sent_is_noted_on_the_request(
        office: dict[str, Any], request_for: payment_requests.RequestInfo,
        reception: Actor) -> None:
    info = request_for
    t.PaymentRequest.update(due_on=today() - dt.timedelta(days=2)).where(
        t.PaymentRequest.id == info.request_id).execute()
    with smtp_stub() as (port, received, _refuse):
        mail_server(office, port)
        sent_to = request_documents.send_request(reception, info.request_id,
                                                 to="bookkeeper@acme.example", reminder=True)
    assert sent_to == "bookkeeper@acme.example"
    [message] = received.messages
    assert message["Subject"].startswith("Reminder: payment request PR-000001")
    assert "is 2 days overdue" in message.get_body(("plain",)).get_content()
    assert t.PaymentRequest.get_by_id(info.request_id).reminded_at is not None


def test_a_failed_send_notes_nothing_as_reminded(
        office: dict[str, Any], request_for: payment_requests.RequestInfo,
        reception: Actor) -> None:
    from synergy_desk.services.office.mailer import MailError

    info = request_for
    with smtp_stub() as (port, received, refuse):
        mail_server(office, port)
        refuse.add("accounts@acme.example")
        with pytest.raises(MailError):
            request_documents.send_request(reception, info.request_id, reminder=True)
    assert received.messages == []
    assert t.PaymentRequest.get_by_id(info.request_id).reminded_at is None


def test_a_reminder_kept_in_the_outbox_is_noted_as_sent_so_nobody_chases_twice(
        office: dict[str, Any], request_for: payment_requests.RequestInfo,
        reception: Actor) -> None:
    from synergy_desk.services.office.mailer import MailError
    from tests.mail_servers import free_port

    info = request_for
    mail_server(office, free_port())  # nothing listens there: the server is down
    with pytest.raises(MailError, match="kept in the outbox") as raised:
        request_documents.send_request(reception, info.request_id, reminder=True)
    assert not raised.value.permanent
    assert t.PaymentRequest.get_by_id(info.request_id).reminded_at is not None
    (queued,) = t.EmailMessage.select().where(t.EmailMessage.direction == "out")
    assert queued.state == "queued" and queued.subject.startswith("Reminder")


def test_no_mail_server_or_no_address_is_refused_plainly(
        office: dict[str, Any], request_for: payment_requests.RequestInfo,
        reception: Actor) -> None:
    info = request_for
    with pytest.raises(ValidationError, match="No mail server is set.*Nothing was sent and "
                                              "it is not marked as reminded"):
        request_documents.send_request(reception, info.request_id, reminder=True)
    t.Customer.update(email="").where(t.Customer.id == info.customer_id).execute()
    with pytest.raises(ValidationError, match="has no e-mail address.*Nothing was sent"):
        request_documents.send_request(reception, info.request_id)
    assert t.PaymentRequest.get_by_id(info.request_id).reminded_at is None


def test_a_paid_request_is_not_reminded(
        office: dict[str, Any], request_for: payment_requests.RequestInfo,
        reception: Actor) -> None:
    info = request_for
    payment_requests.record_transfer(reception, info.request_id, received_on=today(),
                                     amount_pence=info.gross_pence)
    with pytest.raises(ValidationError, match="is paid; no reminder is needed. Nothing was "
                                              "sent."):
        request_documents.send_request(reception, info.request_id, reminder=True)


def test_a_request_e_mailed_is_on_each_incidents_timeline_and_a_failure_stays_in_the_outbox(
        office: dict[str, Any], request_for: payment_requests.RequestInfo,
        reception: Actor) -> None:
    from synergy_desk.services.office.mailer import MailError
    from tests.mail_servers import free_port

    info = request_for
    mail_server(office, free_port())  # nobody listens there
    with pytest.raises(MailError, match="kept in the outbox and sent again"):
        request_documents.send_request(reception, info.request_id)
    (row,) = t.EmailMessage.select().where(t.EmailMessage.direction == "out")
    assert row.state == "queued" and "Could not send" in row.last_error
    links = t.EmailLink.select().where(t.EmailLink.message == row.id)
    assert sorted(link.incident_id for link in links) == sorted(info.incident_ids)
    for link in links:
        entry = t.TimelineEntry.get_by_id(link.entry_id)
        assert entry.kind == "email_out" and entry.about_payment
        assert "Payment request PR-000001" in entry.text
    assert len(info.incident_ids) == 2
