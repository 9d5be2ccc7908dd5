"""Payment requests as PDF bytes and e-mails, from their numbers; sending one, or a reminder.

A request prints what was fixed when it was issued (the office, its bank account, the prices)
and what has become of it since (money received, paid with its receipt, cancelled), so the
customer always sees how much is still to pay. The e-mail carries the amount, the reference,
the due date and the bank details in its text too: a customer can pay from the e-mail alone.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from synergy_desk.domain.enums import LineKind
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.money import format_pence
from synergy_desk.domain.zones import DEFAULT_ZONE, local_date, zone_named
from synergy_desk.services.common import EVERYONE, Actor, read_snapshot, require
from synergy_desk.services.mail import outbox
from synergy_desk.services.money import payment_requests
from synergy_desk.services.money.payment_requests import OPEN, RequestInfo, RequestLine
from synergy_desk.services.office import mailer, office_details
from synergy_desk.services.office.office_time import office_today
from synergy_desk.services.office.settings import office_settings
from synergy_desk.services.reporting.receipt_documents import RenderedDocument

if TYPE_CHECKING:  # ReportLab loads only when a document is first printed, not on import
    from synergy_desk.documents.payment_request import PaymentRequestDoc, RequestDocLine

log = logging.getLogger(__name__)

__all__ = ["FROM_TICKET", "request_doc", "request_document", "request_pdf", "send_request"]

#: How an incident the season ticket on the same request will fund is described.
FROM_TICKET = "funded by the season ticket above"


def _line(line: RequestLine) -> RequestDocLine:
    from synergy_desk.documents.payment_request import RequestDocLine

    if line.from_ticket:
        return RequestDocLine(line.description, 0, line.vat_rate_bp, 0, 0, FROM_TICKET,
                              no_charge=True)
    if line.kind is LineKind.SEASON_TICKET and line.ticket_size is not None:
        days = line.ticket_validity_days
        detail = f"Valid for {days} days from the day the money arrives" if days else ""
    elif line.kind is LineKind.INCIDENT:
        detail = "Per-incident support charge"
    else:
        detail = ""
    return RequestDocLine(line.description, line.net_pence, line.vat_rate_bp, line.vat_pence,
                          line.gross_pence, detail)


def request_doc(info: RequestInfo, *, reminder: bool = False) -> PaymentRequestDoc:
    """The request as the document prints it: the office and bank account as at issue, and
    the money received, paid or cancelled as it is now."""
    from synergy_desk.documents.payment_request import PaymentRequestDoc

    if info.office is not None:
        office = office_details.printed_office(info.office)
        zone_name = info.office.timezone or DEFAULT_ZONE
        vat_registered = info.office.vat_registered
    else:
        settings = office_settings()
        office = office_details.printed_office(settings)
        zone_name = settings.timezone or DEFAULT_ZONE
        vat_registered = bool(settings.vat_registered)
    state = info.state if info.state in ("open", "paid", "cancelled") else "open"
    cancelled_on = (local_date(info.cancelled_at, zone_named(zone_name))
                    if info.cancelled_at is not None else None)
    return PaymentRequestDoc(
        office=office, vat_registered=vat_registered, number=info.number,
        reference=info.reference, issued_at=info.issued_at, timezone=zone_name,
        due_on=info.due_on, customer_name=info.customer_name,
        customer_address=info.customer_address, account_code=info.account_code,
        lines=tuple(_line(ln) for ln in info.lines), net_pence=info.net_pence,
        vat_pence=info.vat_pence, gross_pence=info.gross_pence,
        account_name=info.bank.account_name, sort_code=info.bank.sort_code,
        account_number=info.bank.account_number, iban=info.bank.iban, bic=info.bank.bic,
        received=tuple((tr.received_on, tr.amount_pence) for tr in info.transfers),
        state=state,  # type: ignore[arg-type]  # one of the three, checked above
        receipt_number=info.receipt_number or "", cancelled_on=cancelled_on,
        cancel_reason=info.cancel_reason, issued_by=info.issued_by,
        reminder=reminder and info.state == OPEN,
        days_overdue=(office_today() - info.due_on).days)


def request_pdf(number_or_id: str | int, *, reminder: bool = False) -> bytes:
    """A payment request ("PR-000012", its reference "PR12-X" or its id) as PDF bytes;
    ``reminder`` prints it as a reminder (only an open request is reminded).

    Raises:
        NotFound: no such request.
        ValidationError: not a request number or reference.
    """
    from synergy_desk.documents.payment_request import render_payment_request

    return render_payment_request(request_doc(payment_requests.request_info(number_or_id),
                                              reminder=reminder))


def _email_body(info: RequestInfo, office: str, reminder: bool) -> str:
    from synergy_desk.documents.payment_request import NOT_A_RECEIPT, PAYMENT_TERMS

    to_pay = info.outstanding_pence
    if info.state != OPEN:
        what = ("paid in full" + (f" (receipt {info.receipt_number})"
                                  if info.receipt_number else "")
                if info.state == "paid" else f"cancelled: {info.cancel_reason}")
        return (f"Dear {info.customer_name},\n\nPlease find attached payment request "
                f"{info.number}, which is {what}. There is nothing to pay.\n\n{office}\n")
    amount = format_pence(info.gross_pence)
    if info.received_pence:
        amount += (f"; {format_pence(info.received_pence)} has arrived, so {format_pence(to_pay)} "
                   "is still to pay")
    if reminder:
        days = (office_today() - info.due_on).days
        late = (f"{days} day{'' if days == 1 else 's'} overdue" if days > 0 else "due today"
                if days == 0 else f"due by {info.due_text}")
        opening = (f"This is a reminder that payment request {info.number} for {amount} was "
                   f"due by {info.due_text} and is {late}. If you have paid it in the last few "
                   "days, thank you, and please ignore this reminder.")
    else:
        opening = (f"Please find attached payment request {info.number} for {amount}, due by "
                   f"{info.due_text}.")
    bank = info.bank
    rows = [("Amount", format_pence(to_pay)), ("Account name", bank.account_name),
            ("Sort code", bank.sort_code), ("Account number", bank.account_number),
            ("IBAN", bank.iban), ("BIC", bank.bic), ("Reference", info.reference)]
    details = "\n".join(f"  {label + ':':<16}{value}" for label, value in rows if value)
    items = ", ".join(ln.incident_reference for ln in info.lines if ln.incident_reference)
    terms = PAYMENT_TERMS if not items else PAYMENT_TERMS.replace(
        "these incidents", f"your incident{'s' if ',' in items else ''} {items}")
    return (f"Dear {info.customer_name},\n\n{opening}\n\nTo pay by bank transfer:\n{details}\n"
            f"\nPlease quote the reference {info.reference} so we can match your payment.\n"
            f"\n{terms} {NOT_A_RECEIPT}\n\n{office}\n")


def request_document(number_or_id: str | int, *, reminder: bool = False) -> RenderedDocument:
    """A payment request rendered, with its title, file name and e-mail defaults (the
    customer's address, a subject and a body that carries everything needed to pay).

    Raises:
        NotFound, ValidationError: as :func:`request_pdf`.
    """
    from synergy_desk.documents.payment_request import render_payment_request

    info = payment_requests.request_info(number_or_id)
    reminder = reminder and info.state == OPEN
    pdf = render_payment_request(request_doc(info, reminder=reminder))
    office = (info.office.name if info.office is not None else "") \
        or office_settings().company_name or "Synergy Desk"
    title = f"{'Reminder: payment request' if reminder else 'Payment request'} {info.number}"
    if info.state == OPEN:
        subject = (f"{title} — {format_pence(info.outstanding_pence)} due by {info.due_text}, "
                   f"reference {info.reference}")
    else:
        subject = f"{title} ({'paid' if info.state == 'paid' else 'cancelled'})"
    return RenderedDocument(
        pdf=pdf, title=title,
        filename=f"{info.number}{' reminder' if reminder else ''}.pdf",
        customer_id=info.customer_id, email_to=info.customer_email,
        email_subject=f"{subject} from {office}",
        email_body=_email_body(info, office, reminder), incident_ids=info.incident_ids)


def _check_sendable(actor: Actor, request_id: int, reminder: bool) -> RequestInfo:
    with read_snapshot():
        require(actor, EVERYONE, "send payment requests")
        info = payment_requests.request_info(request_id)
    if reminder and info.state != OPEN:
        raise ValidationError(f"{info.number} is {info.status_label.lower()}; no reminder is "
                              "needed. Nothing was sent.", "request")
    return info


def send_request(actor: Actor, request_id: int, *, to: str | None = None,
                 reminder: bool = False) -> str:
    """E-mail a payment request (or, with ``reminder``, a reminder of an open one) with its
    PDF attached, to the customer or to ``to``; returns the address it went to. It goes
    through the outbox, so it is on the timeline of each incident it asks payment for as
    "E-mail out". A reminder sent is noted on the request (the overdue view shows when); a
    send that fails notes nothing (the message stays in the outbox to be sent again).

    Runs on a worker thread (it may wait for the network).

    Raises:
        PermissionDenied: the actor may not send payment requests.
        NotFound: no such request.
        ValidationError: no address to send to, no mail server set, a reminder of a request
            that is not open, or an address that is not one.
        MailError: the server could not be reached or refused the message (kept in the
            outbox, as the error says).
    """
    info = _check_sendable(actor, request_id, reminder)
    address = (to or "").strip() or info.customer_email
    nothing = "Nothing was sent" + (" and it is not marked as reminded." if reminder else ".")
    if not address:
        raise ValidationError(f"{info.customer_name} has no e-mail address; type the address "
                              f"to send {info.number} to. {nothing}", "to")
    if not mailer.smtp_configured():
        raise ValidationError("No mail server is set in the office's settings; a manager can "
                              f"set one, or save the PDF and send it yourself. {nothing}",
                              "smtp_host")
    document = request_document(request_id, reminder=reminder)
    try:
        outbox.email_document(actor, to=address, subject=document.email_subject,
                              body=document.email_body, filename=document.filename,
                              pdf=document.pdf, customer_id=info.customer_id,
                              incident_ids=document.incident_ids)
    except mailer.MailError as exc:
        # Kept in the outbox, the reminder goes when the server is back: it is noted now, so
        # nobody chases the customer twice. One refused for good is not a reminder.
        if reminder and not exc.permanent:
            _note_reminded(actor, request_id)
        raise
    if reminder:
        _note_reminded(actor, request_id)
    return address


def _note_reminded(actor: Actor, request_id: int) -> None:
    try:
        payment_requests.mark_reminded(actor, request_id)
    except ValidationError:
        # The money was recorded at another desk while the reminder went: it has gone all
        # the same, and the request is no longer open to be marked.
        log.info("A reminder of request %s went as it was paid or cancelled.", request_id)

