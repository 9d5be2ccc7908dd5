"""Receipts, credit notes and statements rendered from their numbers, read back as a customer would."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from synergy_desk.domain.enums import PaymentMethod
from synergy_desk.domain.errors import NotFound, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.money import funding, payments, tickets
from synergy_desk.services.people import customers
from synergy_desk.services.reporting import receipt_documents
from tests.services.money.test_funding import cash, new_incident

VISA = "4242424242424242"


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with every run of white space as one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def office_day(moment: dt.datetime) -> str:
    return f"{moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo('Europe/London')):%d/%m/%Y}"


@pytest.fixture
def customer(office, reception) -> t.Customer:
    summary = customers.create_customer(reception, customers.CustomerInput(
        name="Harriet Oduya", company="Oduya Joinery Ltd", phone="01632 960123",
        email="harriet@oduya.example", postcode="LS6 2AB", address="4 Mill Lane\nLeeds"))
    return t.Customer.get_by_id(summary.id)


def card(customer: t.Customer, incident_ids: tuple[int, ...] = (), **extra: object
         ) -> payments.PaymentInput:
    return payments.PaymentInput(customer_id=customer.id, incident_ids=incident_ids,
                                   method=PaymentMethod.CARD, card_brand="Visa",
                                   card_last4="4242", auth_code="AB1234", **extra)  # type: ignore[arg-type]


def test_receipt_prints_the_payment_as_it_was_taken(office, reception, product, customer
                                                    ) -> None:
    first = new_incident(reception, customer, product, "Cannot print payslips")
    second = new_incident(reception, customer, product, "Error 1603 installing the update")
    receipt = payments.take_payment(reception, card(customer, (first.id, second.id)))

    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))

    assert "VAT receipt R-000001" in text
    assert "Synergy Support Ltd" in text and "VAT reg. no. GB123456789" in text
    assert f"{first.reference} — Cannot print payslips" in text
    assert f"{second.reference} — Error 1603 installing the update" in text
    assert text.count("20% £90.00") == 2
    assert "Total incl. VAT £180.00" in text
    assert "of which VAT £30.00" in text
    assert "Paid by Card — Visa •••• 4242, auth AB1234" in text
    assert "Taken by Rita Reception" in text
    assert f"Account {customer.account_code}" in text
    assert "COPY" not in text


def test_a_full_vat_invoice_shows_net_vat_and_gross_and_the_customers_address(
        office, reception, product, customer) -> None:
    incident = new_incident(reception, customer, product, "Cannot print payslips")
    receipt = payments.take_payment(reception, card(customer, (incident.id,), full_invoice=True))

    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))

    assert "VAT invoice R-000001" in text and "Full VAT invoice" in text
    assert "Harriet Oduya, Oduya Joinery Ltd 4 Mill Lane Leeds LS6 2AB" in text
    assert "£75.00 20% £15.00 £90.00" in text
    assert "Total net £75.00" in text and "Total VAT £15.00" in text
    assert "Total incl. VAT £90.00" in text


def test_a_season_ticket_line_shows_its_size_and_expiry(office, reception, customer) -> None:
    receipt = payments.take_payment(reception, cash(customer, ticket_size=6,
                                                    ticket_validity_days=180))
    [line] = receipt.lines
    assert line.ticket_expires_at is not None

    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))

    assert "Season ticket, 6 incidents, valid 180 days" in text
    assert (f"Season ticket {line.ticket_id}: 6 incidents, expires "
            f"{office_day(line.ticket_expires_at)}") in text
    assert "£390.00 20% £78.00 £468.00" in text  # 6 × £65 net; above £250, a full invoice


def test_cash_receipt_shows_what_was_tendered_and_the_change(office, reception, product,
                                                             customer) -> None:
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,), tendered=10000))

    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))

    assert "Paid by Cash" in text
    assert "Cash tendered £100.00 · Change given £10.00" in text


def test_bank_transfer_receipt_shows_the_bank_reference(office, reception, product,
                                                        customer) -> None:
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer.id, incident_ids=(incident.id,),
        method=PaymentMethod.BANK_TRANSFER, bank_reference="ODUYA-INV-77"))

    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))

    assert "Paid by Bank transfer — reference ODUYA-INV-77" in text


def test_a_reprint_is_the_original_with_copy_and_never_changes(
        office, reception, manager, product, customer) -> None:
    paid = new_incident(reception, customer, product, "Cannot print payslips")
    later = new_incident(reception, customer, product, "Bank feed stopped")
    receipt = payments.take_payment(reception, card(customer, (paid.id,), ticket_size=10))
    original = receipt_documents.receipt_pdf(receipt.number, copy=False)
    before = receipt_documents.receipt_pdf(receipt.number, copy=True)

    # The ticket is used again and refunded: neither may change the receipt.
    funding.fund_from_ticket(reception, later.id)
    payments.refund(manager, receipt.payment_id, line_ids=[receipt.lines[0].line_id],
                    reason="Customer closing down")
    after = receipt_documents.receipt_pdf(receipt.number, copy=True)

    assert after == before
    assert "COPY" in pdf_text(before) and "COPY" not in pdf_text(original)
    # Apart from COPY, what the customer reads is the same.
    reprint_text = pdf_text(before).replace("COPY ", "")
    assert re.sub(r"Copy of receipt .*? payment\. ", "", reprint_text) == pdf_text(original)
    # It says what the ticket held when it funded the incident paid for, never a later balance.
    assert "1 of 10 used, 9 left" in pdf_text(after)
    assert "8 left" not in pdf_text(after) and "CN-" not in pdf_text(after)


def test_credit_note_mirrors_the_receipt_it_reverses(office, reception, manager, product,
                                                     customer) -> None:
    incident = new_incident(reception, customer, product, "Cannot print payslips")
    receipt = payments.take_payment(reception, card(customer, (incident.id,)))
    note = payments.refund(manager, receipt.payment_id,
                           reason="Out of remit: customising the data files")

    text = pdf_text(receipt_documents.receipt_pdf(note.number, copy=False))

    assert "Credit note CN-000001" in text
    assert "Refund of receipt R-000001" in text
    assert "Reason: Out of remit: customising the data files" in text
    assert f"{incident.reference} — Cannot print payslips" in text
    assert "Total refunded incl. VAT -£90.00" in text and "of which VAT -£15.00" in text
    assert "Refunded by Card — Refund to Visa •••• 4242" in text
    assert "Issued by Mary Manager" in text
    assert f"Original receipt R-000001 of {office_day(receipt.taken_at)}" in text
    reprint = pdf_text(receipt_documents.receipt_pdf("cn-1", copy=True))
    assert "COPY" in reprint and "Credit note CN-000001" in reprint


def test_a_credit_note_of_a_full_vat_invoice_carries_the_customers_address(
        office, reception, manager, product, customer) -> None:
    # Four incidents at £90: £360, over £250, so the receipt printed as a full VAT invoice
    # with the customer's address; refunding one line (£90) must print it too.
    incidents = [new_incident(reception, customer, product, f"Problem {n}") for n in range(4)]
    receipt = payments.take_payment(reception, card(customer, tuple(i.id for i in incidents)))
    invoice = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))
    assert "VAT invoice R-000001" in invoice and "4 Mill Lane Leeds LS6 2AB" in invoice

    note = payments.refund(manager, receipt.payment_id, line_ids=[receipt.lines[0].line_id],
                           reason="Logged twice")
    text = pdf_text(receipt_documents.receipt_pdf(note.number, copy=False))

    # Addressed like the invoice, but it is no invoice: it says whom the money goes back to.
    assert "Credited to Harriet Oduya, Oduya Joinery Ltd 4 Mill Lane Leeds LS6 2AB" in text
    assert "Invoice to" not in text
    assert "Total refunded incl. VAT -£90.00" in text


def test_a_void_says_the_whole_payment_is_cancelled(office, reception, manager, product,
                                                    customer) -> None:
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    note = payments.refund(manager, receipt.payment_id, reason="Keyed twice", void=True)

    text = pdf_text(receipt_documents.receipt_pdf(note.number, copy=False))

    assert "Void: the whole payment is cancelled" in text
    assert "Refunded by Cash — Refund in cash" in text


def test_no_full_card_number_reaches_a_document(office, reception, manager, product,
                                                customer) -> None:
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, card(customer, (incident.id,)))
    # A reason is refused by the service if it holds a card number; one written into the
    # row by hand (outside the program) is still masked when printed.
    note = payments.refund(manager, receipt.payment_id, reason="Customer changed their mind")
    t.CreditNote.update(reason=f"Customer read out {VISA}").where(
        t.CreditNote.number == note.sequence_number).execute()

    text = pdf_text(receipt_documents.receipt_pdf(note.number, copy=True))

    assert re.search(r"(?:\d[ -]?){12,}\d", text) is None
    assert "•••• 4242" in text


@pytest.mark.parametrize(("number", "error"), [
    ("R-000099", NotFound), ("CN-000005", NotFound), ("hello", ValidationError),
    ("", ValidationError),
])
def test_an_unknown_number_is_refused(office, number: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        receipt_documents.receipt_pdf(number, copy=True)


def test_document_for_number_gives_title_file_name_and_the_customers_address(
        office, reception, product, customer) -> None:
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, card(customer, (incident.id,)))

    doc = receipt_documents.document_for_number(receipt.number, copy=True)

    assert doc.title == "Receipt R-000001 (copy)"
    assert doc.filename == "R-000001 COPY.pdf"
    assert doc.email_to == "harriet@oduya.example"
    assert doc.email_subject == "Receipt R-000001 (copy) from Synergy Support Ltd"
    assert "Dear Harriet Oduya, Oduya Joinery Ltd" in doc.email_body
    assert doc.pdf == receipt_documents.receipt_pdf(receipt.number, copy=True)


def test_ticket_statement_lists_each_ticket_its_ledger_and_incidents(
        office, reception, product, customer) -> None:
    receipt = payments.take_payment(reception, cash(customer, ticket_size=10))
    ticket_id = receipt.lines[0].ticket_id
    incident = new_incident(reception, customer, product, "Cannot print payslips")
    funding.fund_from_ticket(reception, incident.id)

    text = pdf_text(receipt_documents.ticket_statement_pdf(customer.id))

    assert "Season-ticket statement" in text
    assert "Harriet Oduya, Oduya Joinery Ltd 4 Mill Lane Leeds LS6 2AB" in text
    # By the receipt the customer was given, never by the database's id for the ticket.
    assert "Ticket bought on R-000001 10 incidents" in text
    assert "Bought on R-000001" in text  # its line in the summary table
    assert f"Ticket {ticket_id}" not in text
    assert "Bought on receipt R-000001 +10 10" in text
    assert f"Incident {incident.reference} Cannot print payslips: Queued -1 9" in text
    assert "1 used, 9 left" in text
    assert tickets.balance(ticket_id) == 9


def test_ticket_statement_prints_the_offices_phone_as_the_receipts_do(
        office, reception, customer) -> None:
    t.OfficeSettings.update(phone="+441632960999").execute()
    receipt = payments.take_payment(reception, cash(customer, ticket_size=10))

    statement = pdf_text(receipt_documents.ticket_statement_pdf(customer.id))
    printed = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))

    assert "01632 960999" in statement and "01632 960999" in printed
    assert "+441632960999" not in statement


@pytest.mark.parametrize("typed", ["CN-000001", "cn-1", "CN1", " cn 000001 "])
def test_a_credit_note_number_is_known_however_it_is_typed(typed: str) -> None:
    assert receipt_documents.is_credit_note_number(typed)


@pytest.mark.parametrize("typed", ["R-000001", "r1", "1", "", "banana", "C000001"])
def test_anything_else_is_not_a_credit_note_number(typed: str) -> None:
    assert not receipt_documents.is_credit_note_number(typed)


def test_ticket_statement_of_a_customer_without_tickets(office, customer) -> None:
    text = pdf_text(receipt_documents.ticket_statement_pdf(customer.id))

    assert "This customer has no season tickets." in text


def test_ticket_statement_of_an_unknown_customer_is_not_found(office) -> None:
    with pytest.raises(NotFound):
        receipt_documents.ticket_statement_pdf(9999)


def test_a_receipt_e_mailed_is_in_the_outbox_as_sent_and_on_the_incidents_timeline(
        office, reception, product, customer, smtp_sink) -> None:
    from synergy_desk.domain.enums import TimelineKind

    office["settings"].__class__.update(
        smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, smtp_starttls=False,
        smtp_from="desk@synergy.example").execute()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, card(customer, (incident.id,)))
    doc = receipt_documents.document_for_number(receipt.number, copy=False)
    assert doc.incident_ids == (incident.id,)

    assert receipt_documents.send_document(reception, doc) == "harriet@oduya.example"

    (message,) = smtp_sink.wait_for(1)
    assert message["Subject"] == "Receipt R-000001 from Synergy Support Ltd"
    assert [a.get_filename() for a in message.iter_attachments()] == ["R-000001.pdf"]
    (row,) = t.EmailMessage.select().where(t.EmailMessage.direction == "out")
    assert (row.state, row.to_addresses, row.written_by_id) == (
        "sent", "harriet@oduya.example", reception.id)
    assert message["Message-ID"] == row.message_id
    (link,) = t.EmailLink.select().where(t.EmailLink.message == row.id)
    entry = t.TimelineEntry.get_by_id(link.entry_id)
    assert (entry.incident_id, entry.kind) == (incident.id, TimelineKind.EMAIL_OUT.value)
    assert "Receipt R-000001" in entry.text
