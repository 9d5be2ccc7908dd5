"""Receipts, credit notes and season-ticket statements as PDF bytes, from their numbers.

The services give plain data (``ReceiptInfo``, ``CreditNoteInfo``, ``TicketStatement``); this
module turns it into the documents' own dataclasses and renders them. A receipt prints only
what was true when the money was taken (never a live balance or a later refund), so a reprint
is the original with COPY on it, byte for byte otherwise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from synergy_desk.documents import (
    DocLine,
    LedgerDocRow,
    ReceiptDoc,
    TicketDoc,
    TicketStatementDoc,
    render_receipt,
    render_ticket_statement,
    ticket_label,
)
from synergy_desk.domain.cards import mask_card_numbers
from synergy_desk.domain.enums import CreditNoteKind, LedgerKind, LineKind, PaymentMethod
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.numbers import CREDIT_NOTE
from synergy_desk.domain.zones import DEFAULT_ZONE, format_date
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.mail import outbox
from synergy_desk.services.money import credit_notes, payments, tickets
from synergy_desk.services.money.credit_notes import CreditNoteInfo
from synergy_desk.services.money.payments import ReceiptInfo
from synergy_desk.services.office import office_details
from synergy_desk.services.office.settings import office_settings
from synergy_desk.services.people import customers

__all__ = [
    "RenderedDocument", "credit_note_doc", "document_for_number", "is_credit_note_number",
    "receipt_doc", "receipt_pdf", "statement_doc", "ticket_statement_document",
    "ticket_statement_pdf", "send_document",
]

@dataclass(frozen=True)
class RenderedDocument:
    """A rendered PDF with what the preview needs to save or e-mail it."""

    pdf: bytes
    title: str  # "Receipt R-000012"
    filename: str  # "R-000012.pdf"
    customer_id: int
    email_to: str  # the customer's (or their main contact's) address; "" when none
    email_subject: str
    email_body: str
    #: The incidents it concerns (a receipt's paid incidents): an e-mailed copy is on their
    #: timelines as "E-mail out".
    incident_ids: tuple[int, ...] = ()


# --- converting the services' data -----------------------------------------------------------

def _receipt_line_detail(line: payments.ReceiptLine, zone_name: str) -> str:
    if line.kind is LineKind.SEASON_TICKET and line.ticket_size is not None:
        noun = "incident" if line.ticket_size == 1 else "incidents"
        expires = (f", expires {format_date(line.ticket_expires_at, zone_name)}"
                   if line.ticket_expires_at is not None else "")
        number = f"Season ticket {line.ticket_id}: " if line.ticket_id is not None else ""
        # The incidents it funded at once: "INC-000012: incident 1 of 10 used, 9 left, ...".
        funded = "".join(f"; funds {use}" for use in line.ticket_uses)
        return f"{number}{line.ticket_size} {noun}{expires}{funded}"
    if line.kind is LineKind.INCIDENT:
        return "Per-incident support charge"
    return ""


def _payment_reference(info: ReceiptInfo) -> str:
    """How it was paid, masked: the card's brand, last four and auth code, or the bank's reference."""
    if info.method is PaymentMethod.CARD:
        return mask_card_numbers(f"{info.card_brand} •••• {info.card_last4}, "
                                 f"auth {info.auth_code}")
    if info.method is PaymentMethod.BANK_TRANSFER:
        return mask_card_numbers(f"reference {info.bank_reference}")
    return ""


def receipt_doc(info: ReceiptInfo, *, copy: bool) -> ReceiptDoc:
    """The receipt (or full VAT invoice) as the document prints it.

    Only what was fixed when the payment was taken is used: later refunds, ticket balances
    or ``info.is_copy`` play no part, so the original and every reprint say the same.
    """
    zone_name = info.office.timezone
    lines = tuple(DocLine(description=ln.description, net_pence=ln.net_pence,
                          vat_rate_bp=ln.vat_rate_bp, vat_pence=ln.vat_pence,
                          gross_pence=ln.gross_pence,
                          detail=_receipt_line_detail(ln, zone_name))
                  for ln in sorted(info.lines, key=lambda x: x.position))
    cash = info.method is PaymentMethod.CASH
    notes = [f"Account {info.account_code}"] if info.account_code else []
    return ReceiptDoc(
        office=office_details.printed_office(info.office), number=info.number, kind="receipt",
        issued_at=info.taken_at, timezone=zone_name, customer_name=info.customer_name,
        customer_address=info.customer_address, lines=lines, net_pence=info.net_pence,
        vat_pence=info.vat_pence, gross_pence=info.gross_pence, method_label=info.method_label,
        reference_masked=_payment_reference(info),
        tendered_pence=info.tendered_pence if cash else None,
        change_pence=info.change_pence if cash else None,
        taken_by=info.taken_by, full_invoice=info.full_invoice, copy=copy,
        notes=tuple(notes), vat_registered=info.office.vat_registered)


def credit_note_doc(info: CreditNoteInfo, *, copy: bool) -> ReceiptDoc:
    """The credit note as the document prints it: it mirrors the receipt it reverses."""
    zone_name = info.office.timezone
    lines = []
    for ln in sorted(info.lines, key=lambda x: x.position):
        detail = (f"Season ticket {ln.ticket_id}: what was left on it is cancelled"
                  if ln.ticket_id is not None else f"Line {ln.position} of {info.receipt_number}")
        lines.append(DocLine(description=ln.description, net_pence=ln.net_pence,
                             vat_rate_bp=ln.vat_rate_bp, vat_pence=ln.vat_pence,
                             gross_pence=ln.gross_pence, detail=detail))
    original = f"Original receipt {info.receipt_number} of {format_date(info.receipt_taken_at, zone_name)}."
    notes = [f"Void: the whole payment is cancelled. {original}"
             if info.kind is CreditNoteKind.VOID else original]
    if info.account_code:
        notes.append(f"Account {info.account_code}")
    return ReceiptDoc(
        office=office_details.printed_office(info.office), number=info.number, kind="credit_note",
        issued_at=info.issued_at, timezone=zone_name, customer_name=info.customer_name,
        customer_address=info.customer_address, lines=tuple(lines), net_pence=info.net_pence,
        vat_pence=info.vat_pence, gross_pence=info.gross_pence, method_label=info.method_label,
        reference_masked=mask_card_numbers(info.reference_text), tendered_pence=None,
        change_pence=None, taken_by=info.issued_by, full_invoice=info.full_invoice, copy=copy,
        original_number=info.receipt_number, reason=info.reason, notes=tuple(notes),
        # As the receipt it reverses: VAT is handed back only where VAT was charged.
        vat_registered=office_details.details_at(info.receipt_taken_at).vat_registered)


def _ledger_outcome(kind: LedgerKind, incident: tickets.TicketIncident | None) -> str:
    if incident is None:
        return ""
    if kind is LedgerKind.RECREDIT:
        return f"{incident.subject}: handed back"
    if incident.handed_back:
        return f"{incident.subject}: {incident.outcome} (handed back)"
    if incident.used_before_refund:
        return f"{incident.subject}: {incident.outcome} (used before the refund; still funded)"
    return f"{incident.subject}: {incident.outcome}"


def statement_doc(statement: tickets.TicketStatement) -> TicketStatementDoc:
    """The season-ticket statement as the document prints it (live balances: it is dated)."""
    settings = office_settings()
    office = office_details.printed_office(settings)
    docs = []
    # Two tickets sold on one receipt are told apart by the order they were sold in.
    per_receipt = Counter(st.ticket.receipt_number for st in statement.tickets
                          if st.ticket.receipt_number)
    seen: Counter[str] = Counter()
    for st in statement.tickets:
        info = st.ticket
        by_ref = {inc.reference: inc for inc in st.incidents}
        rows = tuple(LedgerDocRow(
            at=e.at, kind_label=e.label, delta=e.delta, balance_after=e.balance_after,
            incident_ref=e.incident_reference or "",
            outcome=_ledger_outcome(e.kind, by_ref.get(e.incident_reference or "")),
            reason=e.reason, kind=e.kind) for e in st.entries)
        label = ticket_label(info.receipt_number,
                             format_date(info.purchased_at, settings.timezone or DEFAULT_ZONE))
        if info.receipt_number and per_receipt[info.receipt_number] > 1:
            seen[info.receipt_number] += 1
            label += f" ({seen[info.receipt_number]} of {per_receipt[info.receipt_number]})"
        balance = rows[-1].balance_after if rows else info.left
        docs.append(TicketDoc(label=label, size=info.size, purchased_at=info.purchased_at,
                              expires_at=info.expires_at, state=info.state, balance=balance,
                              ledger=rows))
    name, address = _name_and_address(statement.customer_id, statement.customer_name,
                                      statement.customer_address)
    return TicketStatementDoc(
        office=office, customer_name=name, customer_address=address,
        account_code=statement.account_code, generated_at=statement.generated_at,
        timezone=settings.timezone or DEFAULT_ZONE, tickets=tuple(docs))


def _name_and_address(customer_id: int, name: str, address: str) -> tuple[str, str]:
    """The name with the company, and the address with the postcode, as a receipt has them."""
    row = (t.Customer.select(t.Customer.company, t.Customer.postcode)
           .where(t.Customer.id == customer_id).tuples().first())
    company, postcode = (row[0] or "", row[1] or "") if row else ("", "")
    company, postcode = company.strip(), postcode.strip()
    if company and company.lower() != name.strip().lower():
        name = f"{name.strip()}, {company}"
    if postcode and postcode.replace(" ", "").upper() not in address.replace(" ", "").upper():
        address = f"{address.rstrip()}\n{postcode}" if address.strip() else postcode
    return name, address


# --- rendering --------------------------------------------------------------------------------

def is_credit_note_number(number: str) -> bool:
    """True for a credit note's number ("CN-000003"), false for a receipt's ("R-000012")."""
    return CREDIT_NOTE.find(number or "", prefix_required=True) is not None


def _info(number: str, copy: bool) -> ReceiptInfo | CreditNoteInfo:
    if not isinstance(number, str) or not number.strip():
        raise ValidationError("Give a receipt number such as R-000012 or a credit note number "
                              "such as CN-000003.", "number")
    if is_credit_note_number(number):
        return credit_notes.credit_note_info(number, copy=copy)
    return payments.receipt_info(number, copy=copy)


def _render(info: ReceiptInfo | CreditNoteInfo, copy: bool) -> bytes:
    if isinstance(info, CreditNoteInfo):
        return render_receipt(credit_note_doc(info, copy=copy))
    return render_receipt(receipt_doc(info, copy=copy))


def receipt_pdf(number: str, *, copy: bool) -> bytes:
    """A receipt ("R-000012") or credit note ("CN-000003") as PDF bytes; ``copy`` marks a reprint.

    Raises:
        NotFound: no receipt or credit note of that number.
        ValidationError: not a receipt or credit note number.
    """
    return _render(_info(number, copy), copy)


def _customer_email(customer_id: int) -> str:
    summary = customers.customer_summary(customer_id)
    if summary.email:
        return summary.email
    primary = summary.primary_contact
    if primary is not None and primary.email:
        return primary.email
    return next((c.email for c in summary.contacts if c.email), "")


def document_for_number(number: str, *, copy: bool) -> RenderedDocument:
    """A receipt or credit note rendered, with its title, file name and e-mail defaults.

    Raises:
        NotFound, ValidationError: as :func:`receipt_pdf`.
    """
    info = _info(number, copy)
    pdf = _render(info, copy)
    office = info.office.name or "Synergy Desk"
    if isinstance(info, CreditNoteInfo):
        title = f"Credit note {info.number}"
        body = (f"Please find attached credit note {info.number}, reversing receipt "
                f"{info.receipt_number}.")
    else:
        full = info.office.vat_registered and (
            info.full_invoice or info.gross_pence > payments.FULL_INVOICE_ABOVE_PENCE)
        title = f"{'VAT invoice' if full else 'Receipt'} {info.number}"
        body = f"Please find attached {title[0].lower()}{title[1:]}. Thank you for your custom."
    if copy:
        title += " (copy)"
    incident_ids = () if isinstance(info, CreditNoteInfo) else tuple(dict.fromkeys(
        line.incident_id for line in info.lines if line.incident_id is not None))
    return RenderedDocument(
        pdf=pdf, title=title, filename=f"{info.number}{' COPY' if copy else ''}.pdf",
        customer_id=info.customer_id, email_to=_customer_email(info.customer_id),
        email_subject=f"{title} from {office}",
        email_body=f"Dear {info.customer_name},\n\n{body}\n\n{office}\n",
        incident_ids=incident_ids)


def send_document(actor: Actor | None, document: RenderedDocument, to: str | None = None) -> str:
    """E-mail a rendered receipt, credit note or statement to ``to`` (default: the
    customer's address) through the outbox, on the timeline of the incidents it concerns as
    "E-mail out"; returns the address it went to.

    Runs on a worker thread (it waits for the network).

    Raises:
        ValidationError: no address, no mail server, an address that is not one.
        MailError: the server could not be reached or refused it (kept in the outbox, as
            the error says).
    """
    address = (to or "").strip() or document.email_to
    if not address:
        raise ValidationError("The customer has no e-mail address; type the address to send "
                              f"{document.title} to. Nothing was sent.", "to")
    return outbox.email_document(actor, to=address, subject=document.email_subject,
                                 body=document.email_body, filename=document.filename,
                                 pdf=document.pdf, customer_id=document.customer_id,
                                 incident_ids=document.incident_ids)


def ticket_statement_pdf(customer_id: int) -> bytes:
    """The customer's season-ticket statement as PDF bytes.

    Raises:
        NotFound: no such customer.
    """
    return render_ticket_statement(statement_doc(tickets.statement(customer_id)))


def ticket_statement_document(customer_id: int) -> RenderedDocument:
    """The season-ticket statement rendered, with its title, file name and e-mail defaults."""
    statement = tickets.statement(customer_id)
    pdf = render_ticket_statement(statement_doc(statement))
    office = office_settings().company_name or "Synergy Desk"
    day = f"{statement.generated_at:%Y-%m-%d}"
    return RenderedDocument(
        pdf=pdf, title=f"Season-ticket statement — {statement.customer_name}",
        filename=f"Season tickets {statement.account_code} {day}.pdf",
        customer_id=customer_id, email_to=_customer_email(customer_id),
        email_subject=f"Your season-ticket statement from {office}",
        email_body=(f"Dear {statement.customer_name},\n\nPlease find attached the statement of "
                    f"your season tickets.\n\n{office}\n"))
