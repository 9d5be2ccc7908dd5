"""PDFs about incidents and the registers: the incident summary (the customer's version or the
staff's) and the two register listings.

The customer's summary carries only what the customer sees: calls, e-mails and remote sessions,
notes marked for the customer, and the events that tell how the incident ended or that it
re-opened; funding as they know it ("No charge", never a waiver's reason or who granted it).
The internal summary carries everything. What is e-mailed to a customer is their version.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Literal

from synergy_desk.documents import IncidentSummaryDoc, TimelineDocRow, ticket_label
from synergy_desk.domain.csv_cells import neutralise_cell
from synergy_desk.domain.enums import FundingKind, TimelineKind
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.numbers import receipt_text
from synergy_desk.domain.phones import printed_phone
from synergy_desk.domain.zones import DEFAULT_ZONE, format_date
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor, fk_id, get_or_404
from synergy_desk.services.incidents import registers
from synergy_desk.services.incidents.detail import IncidentDetail, incident_detail
from synergy_desk.services.incidents.registers import ESCALATION_STATUS_LABELS
from synergy_desk.services.mail import outbox
from synergy_desk.services.money import funding
from synergy_desk.services.office.office_details import printed_office
from synergy_desk.services.office.office_time import date_text
from synergy_desk.services.office.settings import office_settings

__all__ = ["SummaryPdf", "Audience", "AUDIENCES", "incident_summary", "incident_summary_doc",
           "incident_summary_pdf", "email_incident_summary", "customer_ticket_label",
           "register_pdf", "register_csv", "neutralise_cell", "REGISTER_TITLES"]

Register = Literal["enhancements", "escalations"]

#: Whom a summary is for: the customer (what they see) or the staff (everything).
Audience = Literal["customer", "internal"]

AUDIENCES: dict[str, str] = {
    "customer": "For the customer",
    "internal": "Internal (staff only)",
}

REGISTER_TITLES: dict[str, str] = {
    "enhancements": "Enhancement-request register",
    "escalations": "Escalation register",
}

#: The columns of each register's PDF: the CSV heading it takes, the heading printed and the
#: share of the page's width (the CSV keeps every column; the page keeps what fits a portrait
#: A4 without breaking words). The date is the office's day, as the registers window shows it.
_PDF_COLUMNS: dict[str, tuple[tuple[str, str, float], ...]] = {
    "enhancements": (("Number", "No.", 0.05), ("Product", "Product", 0.11),
                     ("Title", "Request", 0.21), ("Status", "Status", 0.10),
                     ("Customers", "Asking", 0.08), ("Customer names", "Customers", 0.18),
                     ("Incidents", "Incidents", 0.14), ("Raised on", "Raised", 0.13)),
    "escalations": (("Incident", "Incident", 0.12), ("Product", "Product", 0.12),
                    ("Version", "Version", 0.08), ("Steps to reproduce", "Steps to reproduce",
                                                   0.25),
                    ("Status", "Status", 0.13),
                    ("Development response", "Development response", 0.17),
                    ("Escalated on", "Escalated", 0.13)),
}

#: The CSV's date columns, which hold the UTC day: the PDF prints the office's day instead.
_PDF_DATES = {"enhancements": "Raised on", "escalations": "Escalated on"}


def _customer_address(customer_id: int) -> str:
    row = (t.Customer.select(t.Customer.address, t.Customer.postcode)
           .where(t.Customer.id == customer_id).first())
    if row is None:
        return ""
    address = (row.address or "").strip()
    postcode = (row.postcode or "").strip()
    if postcode and postcode.replace(" ", "").upper() not in address.replace(" ", "").upper():
        address = f"{address}\n{postcode}" if address else postcode
    return address


def customer_ticket_label(ticket_id: int) -> str:
    """A season ticket as the customer was told it: by the receipt that sold it."""
    row = (t.PaymentLine.select(t.Payment.receipt_number).join(t.Payment)
           .where(t.PaymentLine.ticket == ticket_id).tuples().first())
    if row is not None:
        return f"Season ticket {ticket_label(receipt_text(row[0]), '')}"
    bought = (t.SeasonTicket.select(t.SeasonTicket.purchased_at)
              .where(t.SeasonTicket.id == ticket_id).scalar())
    return f"Season ticket {ticket_label(None, date_text(bought) if bought else '')}"


def _funding_text(detail: IncidentDetail, audience: Audience) -> str:
    info = funding.funding_of(detail.id)
    if info is None:
        return "Unfunded" if audience == "internal" else "Not paid yet"
    if info.kind is FundingKind.PAYMENT:
        return f"Paid — receipt {info.receipt_number}"
    if info.kind is FundingKind.TICKET and info.ticket_id is not None:
        return f"{customer_ticket_label(info.ticket_id)} — {info.ticket_use}"
    if info.kind is FundingKind.CONTRACT:
        return f"Contract {info.contract_reference}"
    if audience == "customer":
        # Why a charge was waived, and which manager waived it, are the office's business.
        return "No charge"
    reason = f": {info.waiver_reason}" if info.waiver_reason else ""
    return f"{info.description}{reason}"


def _links(detail: IncidentDetail) -> tuple[str, ...]:
    links: list[str] = []
    if detail.split_from is not None:
        links.append(f"Split from {detail.split_from.reference}")
    links += [f"Split into {link.reference}" for link in detail.split_children]
    if detail.merged_into is not None:
        links.append(f"Merged into {detail.merged_into.reference}")
    links += [f"Duplicate {link.reference} merged into this incident"
              for link in detail.merged_duplicates]
    if detail.enhancement_request_id is not None:
        count = (t.EnhancementRequest.select(t.EnhancementRequest.customer_count)
                 .where(t.EnhancementRequest.id == detail.enhancement_request_id).scalar()) or 0
        links.append(f"Enhancement request #{detail.enhancement_request_id}: "
                     f"“{detail.enhancement_title}” ({count} customer"
                     f"{'' if count == 1 else 's'} asking)")
    if detail.escalation_id is not None:
        status = (ESCALATION_STATUS_LABELS[detail.escalation_status]
                  if detail.escalation_status is not None else "")
        links.append(f"Escalation #{detail.escalation_id}"
                     + (f" ({status.lower()})" if status else ""))
    if detail.reopen_count:
        links.append(f"Re-opened {detail.reopen_count} time"
                     f"{'' if detail.reopen_count == 1 else 's'} (no new charge)")
    return tuple(links)


def _timeline(detail: IncidentDetail, audience: Audience) -> tuple[TimelineDocRow, ...]:
    rows = []
    for entry in detail.timeline:
        if audience == "customer" and not entry.for_customer:
            continue
        text = entry.text
        if entry.moved_from:
            text = f"{text}\n(moved here from {entry.moved_from})" if text else \
                f"(moved here from {entry.moved_from})"
        rows.append(TimelineDocRow(entry.occurred_at, TimelineKind(entry.kind).label,
                                   entry.author_name, entry.duration_seconds, text,
                                   entry.for_customer))
    return tuple(rows)


def _audience(value: str) -> Audience:
    if value not in AUDIENCES:
        raise ValidationError(f"A summary is for the customer or internal, not “{value}”.",
                              "audience")
    return value  # type: ignore[return-value]


@dataclass(frozen=True)
class SummaryPdf:
    """An incident summary ready to preview, save or e-mail."""

    incident_id: int
    reference: str
    subject: str
    #: Where to e-mail it by default: the incident's contact, else the customer ("" if none);
    #: always "" for the internal version, which is not the customer's.
    email_to: str
    pdf: bytes
    audience: Audience = "customer"


def _summary_doc(detail: IncidentDetail, audience: Audience) -> IncidentSummaryDoc:
    settings = office_settings()
    contact = " ".join(part for part in (detail.contact_name,
                                         printed_phone(detail.contact_phone)) if part)
    customer = detail.customer_name
    if detail.customer_account_code:
        customer = f"{customer} ({detail.customer_account_code})"
    ended_at = detail.resolved_at or detail.closed_at
    return IncidentSummaryDoc(
        office=printed_office(settings), reference=detail.reference, subject=detail.subject,
        description=detail.description, customer_name=customer,
        customer_address=_customer_address(detail.customer_id), contact=contact,
        product=detail.product_name, module=detail.module_name,
        product_version=detail.product_version, status_label=detail.status.label,
        priority=detail.priority.value.title(), engineer=detail.engineer_name,
        funding_text=_funding_text(detail, audience), opened_at=detail.opened_at,
        resolved_at=ended_at if detail.resolution is not None else None,
        resolution_label=detail.resolution.label if detail.resolution is not None else "",
        resolution_note=detail.resolution_note, links=_links(detail),
        timeline=_timeline(detail, audience), timezone=settings.timezone or DEFAULT_ZONE,
        printed_at=utcnow(), internal=audience == "internal")


def incident_summary_doc(incident_id: int, audience: str = "customer") -> IncidentSummaryDoc:
    """The plain data of an incident's summary: the incident, customer, funding, timeline.

    ``audience`` is ``"customer"`` (what the customer sees; the default) or ``"internal"``.

    Raises:
        NotFound: no such incident. ValidationError: an unknown audience.
    """
    which = _audience(audience)
    return _summary_doc(incident_detail(incident_id), which)


def incident_summary_pdf(incident_id: int, audience: str = "customer") -> bytes:
    """An incident's summary as PDF bytes: the customer's version, or the staff's
    (``audience="internal"``) for the office, product management or development.

    Safe to call on a worker thread (it only reads).

    Raises:
        NotFound: no such incident. ValidationError: an unknown audience.
    """
    from synergy_desk.documents import render_incident_summary

    return render_incident_summary(incident_summary_doc(incident_id, audience))


def _email_for(detail: IncidentDetail) -> str:
    if detail.contact_id is not None:
        email = (t.Contact.select(t.Contact.email)
                 .where(t.Contact.id == detail.contact_id).scalar())
        if email:
            return str(email)
    email = t.Customer.select(t.Customer.email).where(t.Customer.id == detail.customer_id).scalar()
    return str(email or "")


def incident_summary(incident_id: int, audience: str = "customer") -> SummaryPdf:
    """The summary PDF with what a preview needs to name, save and e-mail it.

    Only the customer's version is addressed to the customer; the internal one carries no
    address (it goes to staff, product management or development, if anywhere).

    Safe to call on a worker thread (it only reads).

    Raises:
        NotFound: no such incident. ValidationError: an unknown audience.
    """
    from synergy_desk.documents import render_incident_summary

    which = _audience(audience)
    detail = incident_detail(incident_id)
    pdf = render_incident_summary(_summary_doc(detail, which))
    email_to = _email_for(detail) if which == "customer" else ""
    return SummaryPdf(detail.id, detail.reference, detail.subject, email_to, pdf, which)


def email_incident_summary(incident_id: int, to: str | None = None,
                           actor: Actor | None = None) -> str:
    """E-mail the customer's summary of an incident; returns the address it went to.

    Always the customer's version, whoever asks: the internal one is never sent by this.
    ``to`` defaults to the incident's contact, else the customer. It goes through the outbox
    and is on the incident's timeline as "E-mail out".

    Raises:
        NotFound: no such incident. ValidationError: no address, no mail server, or a bad
        address. MailError: the server refused it (kept in the outbox, as the error says).
    """
    summary = incident_summary(incident_id, "customer")
    address = (to or "").strip() or summary.email_to
    if not address:
        raise ValidationError(f"Neither the contact nor the customer of {summary.reference} "
                              "has an e-mail address; type the address to send it to.", "to")
    office = office_settings().company_name or "Synergy Desk"
    row = get_or_404(t.Incident, incident_id, "incident")
    customer_id = fk_id(row, "customer")
    unfunded = FundingKind(row.funding) is FundingKind.NONE
    return outbox.email_document(
        actor, to=address, subject=f"Incident {summary.reference}: {summary.subject}",
        body=f"Please find attached the summary of incident {summary.reference} "
             f"({summary.subject}).\n\n{office}\n", filename=f"{summary.reference}.pdf",
        pdf=summary.pdf, customer_id=customer_id, incident_ids=(incident_id,),
        # Before it is paid for, the summary is what the customer is asked to pay for: it is
        # logged as mail about paying, not as support given before payment.
        about_payment=unfunded)


def _register(register: str) -> Register:
    if register not in REGISTER_TITLES:
        raise ValidationError(f"There is no register called “{register}”.", "register")
    return register  # type: ignore[return-value]


def _filters_text(register: Register, product_id: int | None, status: str | None) -> str:
    parts = []
    if product_id is not None:
        parts.append(f"product {get_or_404(t.Product, product_id, 'product').name}")
    if status:
        labels: dict[str, str] = {
            **{k.value: v for k, v in registers.ENHANCEMENT_STATUS_LABELS.items()},
            **{k.value: v for k, v in ESCALATION_STATUS_LABELS.items()}}
        parts.append(f"status {labels.get(str(status), str(status)).lower()}")
    return "Showing " + (", ".join(parts) if parts else "every entry")


def register_pdf(register: str, *, product_id: int | None = None,
                 status: str | None = None) -> bytes:
    """One register (``"enhancements"`` or ``"escalations"``), filtered, as an A4 PDF.

    Raises:
        ValidationError: an unknown register or status. NotFound: an unknown product.
    """
    from synergy_desk.documents.registers import RegisterDoc, render_register

    which = _register(register)
    header, *rows = registers.register_csv_rows(which, product_id=product_id, status=status)
    columns = _PDF_COLUMNS[which]
    picks = [header.index(name) for name, _, _ in columns]
    settings = office_settings()
    zone = settings.timezone or DEFAULT_ZONE
    days = _office_days(which, product_id, status, zone)
    number = header.index("Number")
    dated = header.index(_PDF_DATES[which])

    def cell(row: list[str], i: int) -> str:
        return days.get(row[number], row[i]) if i == dated else row[i]

    doc = RegisterDoc(
        office=printed_office(settings), title=REGISTER_TITLES[which],
        filters=_filters_text(which, product_id, status),
        columns=tuple(label for _, label, _ in columns),
        widths=tuple(share for _, _, share in columns),
        rows=tuple(tuple(cell(row, i) for i in picks) for row in rows),
        generated_at=utcnow(), timezone=zone)
    return render_register(doc)


def _office_days(which: Register, product_id: int | None, status: str | None,
                 zone: str) -> dict[str, str]:
    """Each entry's number with the office's day it was raised or escalated on."""
    entries = (registers.list_enhancement_requests(product_id, status)
               if which == "enhancements" else registers.list_escalations(status, product_id))
    return {str(entry.id): format_date(entry.created_at, zone) for entry in entries}


def register_csv(register: str, *, product_id: int | None = None,
                 status: str | None = None) -> str:
    """One register, filtered, as CSV text (header row first) safe to open in a spreadsheet.

    Raises:
        ValidationError: an unknown register or status.
    """
    rows = registers.register_csv_rows(_register(register), product_id=product_id,
                                       status=status)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise_cell(cell) for cell in row])
    return out.getvalue()
