"""The incident summary and register documents, read back as a customer or developer would."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from synergy_desk.domain.enums import PaymentMethod, Resolution, TimelineKind
from synergy_desk.domain.errors import NotFound, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import changes, closing, intake, reshape, work
from synergy_desk.services.incidents.closing import EscalationInput
from synergy_desk.services.incidents.detail import incident_detail
from synergy_desk.services.money import funding, payments
from synergy_desk.services.people import customers
from synergy_desk.services.reporting import summary_documents


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def new_customer(actor: Actor, name: str, address: str = "4 Mill Lane\nLeeds",
                 postcode: str = "LS6 2AB") -> int:
    return customers.create_customer(actor, customers.CustomerInput(
        name=name, address=address, postcode=postcode)).id


def open_incident(office: dict[str, Any], customer_id: int, subject: str,
                  text: str) -> changes.IncidentRef:
    return intake.log_call(office["reception"], intake.LogCallInput(
        customer_id=customer_id, product_id=office["product"].id, subject=subject, text=text,
        duration_seconds=7 * 60))


def pay_for(office: dict[str, Any], customer_id: int, incident_id: int) -> str:
    receipt = payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=customer_id, incident_ids=(incident_id,), method=PaymentMethod.CASH,
        tendered_pence=10_000))
    return receipt.number


def test_summary_has_every_timeline_entry_the_funding_and_the_resolution(
        office: dict[str, Any]) -> None:
    engineer = office["engineer"]
    customer = new_customer(office["reception"], "Łukasz Żółć", "12 High Street\nEly",
                            "CB7 4AB")
    ref = open_incident(office, customer, "Printing to PDF fails",
                        "Printing any ledger to PDF fails with error 1603.")
    receipt = pay_for(office, customer, ref.id)
    work.start_work(engineer, ref.id)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.EMAIL_OUT,
                                 "Asked for the spooler log.")
    work.add_timeline_entry(engineer, ref.id, TimelineKind.REMOTE_SESSION,
                                 "Restarted the spooler remotely.", duration_seconds=25 * 60)
    closing.resolve(engineer, ref.id, Resolution.WORKAROUND,
                      "Restart the spooler before printing.")
    detail = incident_detail(ref.id)

    text = pdf_text(summary_documents.incident_summary_pdf(ref.id, "internal"))

    for entry in detail.timeline:
        assert entry.text[:40] in text, entry.text
        assert TimelineKind(entry.kind).label in text
    assert len(detail.timeline) >= 5  # three of its own and the program's events
    assert "Work-around" in text
    assert "Restart the spooler before printing." in text
    assert f"Paid — receipt {receipt}" in text
    assert "Łukasz Żółć" in text and "CB7 4AB" in text
    assert ref.reference in text and "Printing to PDF fails" in text
    assert "Ledger Accounts" in text and "Synergy Support Ltd" in text
    assert "Eddie Engineer" in text
    assert "32 min" in text  # 7 min call + 25 min session, logged time in the heading


def test_summary_links_the_split_and_the_escalation(office: dict[str, Any]) -> None:
    engineer = office["engineer"]
    customer = new_customer(office["reception"], "Nadia Rahman")
    ref = open_incident(office, customer, "Install fails", "Setup stops at 40%.")
    second = work.add_timeline_entry(engineer, ref.id, TimelineKind.NOTE,
                                          "Also: the payroll export crashes.")
    new = reshape.split(engineer, ref.id, [second.entry_id], subject="Payroll export crashes",
                          product_id=office["product2"].id)
    funding.waive(office["manager"], new.id, "goodwill", "Found by our own release")
    closing.resolve(engineer, new.id, Resolution.ESCALATED, "Looks like a bug.",
                      escalation=EscalationInput("1. Export\n2. Crash", "8.1"))
    escalation_id = incident_detail(new.id).escalation_id

    child = pdf_text(summary_documents.incident_summary_pdf(new.id, "internal"))
    parent = pdf_text(summary_documents.incident_summary_pdf(ref.id, "internal"))

    assert f"Split from {ref.reference}" in child
    assert f"Escalation #{escalation_id} (open)" in child
    assert f"moved here from {ref.reference}" in child
    assert "Also: the payroll export crashes." in child
    assert "Escalated" in child and "Looks like a bug." in child
    assert "Waived (goodwill)" in child and "Found by our own release" in child
    assert f"Split into {new.reference}" in parent
    assert "Also: the payroll export crashes." not in parent
    assert "Not resolved yet" in parent and "Unfunded" in parent


def test_summary_names_the_incident_and_whom_to_e_mail(office: dict[str, Any]) -> None:
    customer = customers.create_customer(office["reception"], customers.CustomerInput(
        name="Olu Adeyemi", email="accounts@adeyemi.example")).id
    ref = open_incident(office, customer, "Bank feed stopped", "No transactions since Monday.")
    summary = summary_documents.incident_summary(ref.id)
    assert (summary.reference, summary.subject) == (ref.reference, "Bank feed stopped")
    assert summary.email_to == "accounts@adeyemi.example"
    assert "No transactions since Monday." in pdf_text(summary.pdf)


@pytest.fixture
def waived_case(office: dict[str, Any]) -> dict[str, Any]:
    """A waived incident with an internal note, a note for the customer, a call and an e-mail."""
    engineer = office["engineer"]
    customer = customers.create_customer(office["reception"], customers.CustomerInput(
        name="Priya Shah", email="priya@shah.example", address="7 Quay Street\nBristol",
        postcode="BS1 4DJ")).id
    ref = open_incident(office, customer, "Year end will not close",
                        "Year-end close stops with error 42.")
    funding.waive(office["manager"], ref.id, "goodwill", "Our last update caused it")
    work.start_work(engineer, ref.id)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.NOTE,
                            "Customer is on the watch list; no more goodwill after this.")
    work.add_timeline_entry(engineer, ref.id, TimelineKind.NOTE,
                            "Please take a backup before running the fix.", for_customer=True)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.EMAIL_OUT, "Sent the fix script.")
    closing.resolve(engineer, ref.id, Resolution.SOLUTION, "Ran the fix; year end closed.")
    return {"ref": ref, "customer": customer}


def test_the_customers_summary_leaves_out_waiver_reasons_internal_notes_and_managers(
        office: dict[str, Any], waived_case: dict[str, Any]) -> None:
    ref = waived_case["ref"]
    customer = pdf_text(summary_documents.incident_summary_pdf(ref.id))
    internal = pdf_text(summary_documents.incident_summary_pdf(ref.id, "internal"))

    for secret in ("Our last update caused it", "Mary Manager", "watch list", "Waived",
                   "Work started", "Internal"):
        assert secret not in customer, secret
        assert secret in internal, secret
    for shared in ("Please take a backup before running the fix.", "Sent the fix script.",
                   "Ran the fix; year end closed.", "Resolved — Solution",
                   "Year-end close stops with error 42."):
        assert shared in customer, shared
        assert shared in internal, shared
    assert "No charge" in customer
    assert "Note (for the customer)" in internal and "Internal — staff only" in internal


def test_the_summary_for_the_customer_is_the_default_and_the_only_one_addressed(
        office: dict[str, Any], waived_case: dict[str, Any]) -> None:
    ref = waived_case["ref"]
    default = summary_documents.incident_summary(ref.id)
    internal = summary_documents.incident_summary(ref.id, "internal")
    assert default.audience == "customer" and default.email_to == "priya@shah.example"
    assert "watch list" not in pdf_text(default.pdf)
    assert internal.audience == "internal" and internal.email_to == ""
    with pytest.raises(ValidationError, match="customer or internal"):
        summary_documents.incident_summary(ref.id, "everyone")


def test_e_mailing_a_summary_sends_the_customers_version(
        office: dict[str, Any], waived_case: dict[str, Any]) -> None:
    from tests.smtp_stub import smtp_stub

    ref = waived_case["ref"]
    with smtp_stub() as (port, received, _refuse):
        office["settings"].__class__.update(
            smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
            smtp_from="desk@synergy.example").execute()
        sent_to = summary_documents.email_incident_summary(ref.id)
    assert sent_to == "priya@shah.example"
    [message] = received.messages
    assert message["To"] == "priya@shah.example"
    assert message["Subject"] == f"Incident {ref.reference}: Year end will not close"
    [attachment] = list(message.iter_attachments())
    text = pdf_text(attachment.get_content())
    assert "Please take a backup before running the fix." in text
    for secret in ("Our last update caused it", "Mary Manager", "watch list"):
        assert secret not in text


def test_a_ticket_funded_summary_names_the_ticket_by_its_receipt(
        office: dict[str, Any]) -> None:
    reception = office["reception"]
    customer = new_customer(reception, "Tomás Ruiz")
    bought = payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer, ticket_size=10, method=PaymentMethod.CASH,
        tendered_pence=1_000_000))
    ref = open_incident(office, customer, "Reports are blank", "Every report prints blank.")
    funding.fund_from_ticket(reception, ref.id)
    for audience in ("customer", "internal"):
        text = pdf_text(summary_documents.incident_summary_pdf(ref.id, audience))
        assert f"Season ticket bought on {bought.number} — incident 1 of 10 used" in text


def test_summary_of_a_missing_incident_is_not_found(office: dict[str, Any]) -> None:
    with pytest.raises(NotFound):
        summary_documents.incident_summary_pdf(424242)


# --- the registers ------------------------------------------------------------------------


@pytest.fixture
def asked(office: dict[str, Any]) -> dict[str, Any]:
    """Two customers asking for one feature, a third for another, and one escalation."""
    engineer = office["engineer"]
    refs = []
    for name in ("Anna Berg", "Bo Carlsson", "Cy Dahl"):
        customer = new_customer(office["reception"], name)
        ref = open_incident(office, customer, "Wants a feature", "Asked for a feature.")
        funding.waive(office["manager"], ref.id, "goodwill", "Demo")
        refs.append(ref)
    closing.resolve(engineer, refs[0].id, Resolution.ENHANCEMENT, "Wants CSV export",
                      enhancement_title="=HYPERLINK(\"http://evil.example\",\"Export CSV\")")
    first = incident_detail(refs[0].id).enhancement_request_id
    closing.resolve(engineer, refs[1].id, Resolution.ENHANCEMENT, "Same wish",
                      enhancement_request_id=first)
    closing.resolve(engineer, refs[2].id, Resolution.ESCALATED, "Crash on export",
                      escalation=EscalationInput("-1 in the amount field, then Save", "12.4"))
    return {"refs": refs, "request": first}


def test_register_csv_neutralises_formulas_and_counts_the_customers(
        office: dict[str, Any], asked: dict[str, Any]) -> None:
    rows = list(csv.reader(io.StringIO(summary_documents.register_csv("enhancements"))))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["Number", "Product", "Title", "Status", "Customers"]
    assert len(body) == 1
    assert body[0][2] == "'=HYPERLINK(\"http://evil.example\",\"Export CSV\")"
    assert body[0][4] == "2"
    assert body[0][5] == "Anna Berg; Bo Carlsson"

    escalations = list(csv.reader(io.StringIO(summary_documents.register_csv("escalations"))))
    steps = escalations[0].index("Steps to reproduce")
    assert escalations[1][steps] == "'-1 in the amount field, then Save"
    assert escalations[1][1] == asked["refs"][2].reference


@pytest.mark.parametrize("cell, safe", [
    ("=1+1", "'=1+1"), ("+44 1632", "'+44 1632"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("Plain text", "Plain text"), ("", ""), ("1=1", "1=1"),
])
def test_neutralise_cell(cell: str, safe: str) -> None:
    assert summary_documents.neutralise_cell(cell) == safe


def test_register_csv_filters_by_product_and_status(office: dict[str, Any],
                                                    asked: dict[str, Any]) -> None:
    none = summary_documents.register_csv("enhancements", product_id=office["product2"].id)
    assert len(list(csv.reader(io.StringIO(none)))) == 1  # the header only
    planned = summary_documents.register_csv("escalations", status="fixed")
    assert len(list(csv.reader(io.StringIO(planned)))) == 1
    with pytest.raises(ValidationError):
        summary_documents.register_csv("complaints")


def test_register_pdfs_list_the_entries_with_their_filters(office: dict[str, Any],
                                                           asked: dict[str, Any]) -> None:
    text = pdf_text(summary_documents.register_pdf("enhancements",
                                                   product_id=office["product"].id,
                                                   status="open"))
    assert "Enhancement-request register" in text
    assert "product Ledger Accounts, status open" in text
    assert "Anna Berg" in text and "Bo Carlsson" in text
    assert "HYPERLINK" in text  # printed as text: a PDF runs no formulas

    text = pdf_text(summary_documents.register_pdf("escalations"))
    assert "Escalation register" in text and "Showing every entry" in text
    assert asked["refs"][2].reference in text
    assert "-1 in the amount field, then Save" in text
    assert "12.4" in text

    empty = pdf_text(summary_documents.register_pdf("escalations", status="fixed"))
    assert "no entries" in empty


def test_register_pdfs_show_the_day_the_screen_shows(office: dict[str, Any],
                                                     asked: dict[str, Any]) -> None:
    from synergy_desk.models import tables as t

    # Half past eleven at night in UTC is half past midnight the next day in London (BST):
    # the registers window shows the office's day, and so must the PDF.
    late = __import__("datetime").datetime(2026, 6, 30, 23, 30)
    t.Escalation.update(created_at=late).execute()
    t.EnhancementRequest.update(created_at=late).execute()
    for register, heading in (("escalations", "Escalated"), ("enhancements", "Raised")):
        text = pdf_text(summary_documents.register_pdf(register))
        assert heading in text
        assert "01/07/2026" in text, register
        assert "30/06/2026" not in text and "2026-06-30" not in text


def test_a_summary_e_mailed_is_in_the_outbox_as_sent_and_on_its_timeline(
        office: dict[str, Any], waived_case: dict[str, Any], smtp_sink: Any) -> None:
    ref = waived_case["ref"]
    office["settings"].__class__.update(
        smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, smtp_starttls=False,
        smtp_from="desk@synergy.example").execute()
    summary_documents.email_incident_summary(ref.id)
    smtp_sink.wait_for(1)
    (row,) = t.EmailMessage.select().where(t.EmailMessage.direction == "out")
    assert row.state == "sent" and row.incident_id == ref.id
    (link,) = t.EmailLink.select().where(t.EmailLink.message == row.id)
    assert t.TimelineEntry.get_by_id(link.entry_id).kind == "email_out"


def test_the_summary_of_an_unfunded_incident_e_mailed_is_logged_as_mail_about_paying(
        office: dict[str, Any], smtp_sink: Any) -> None:
    from synergy_desk.services.incidents import intake
    from tests.services.incidents.incident_helpers import make_customer

    office["settings"].__class__.update(
        smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, smtp_starttls=False,
        smtp_from="desk@synergy.example").execute()
    ref = intake.create_incident(office["reception"], make_customer().id, office["product"].id,
                                 "Cannot post invoices")
    summary_documents.email_incident_summary(ref.id, "accounts@acme.example")
    smtp_sink.wait_for(1)
    (row,) = t.EmailMessage.select().where(t.EmailMessage.direction == "out")
    (link,) = t.EmailLink.select().where(t.EmailLink.message == row.id)
    entry = t.TimelineEntry.get_by_id(link.entry_id)
    # Not support given before payment: what the customer is asked to pay for.
    assert entry.kind == "email_out" and entry.about_payment
