"""E-mailing documents (receipts, credit notes, statements) through the office's SMTP server."""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from synergy_desk.domain.cards import refuse_card_numbers
from synergy_desk.domain.errors import DomainError, ValidationError
from synergy_desk.services import tickets

__all__ = ["MailError", "SmtpSettings", "send_document", "smtp_configured", "smtp_settings"]

#: How long to wait for the mail server before giving up, in seconds.
TIMEOUT_SECONDS = 30
_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+")
_SMTPS_PORT = 465


class MailError(DomainError):
    """The mail server could not be reached, or refused the message; nothing was sent."""

    title = "E-mail not sent"


@dataclass(frozen=True)
class SmtpSettings:
    """The office's mail server, as set in the settings (the password is never shown)."""

    host: str
    port: int
    user: str
    password: str
    sender: str
    starttls: bool
    office_name: str

    @property
    def configured(self) -> bool:
        return bool(self.host.strip())


def smtp_settings() -> SmtpSettings:
    """The SMTP settings from the office's settings row."""
    row = tickets.office_settings()
    return SmtpSettings(host=(row.smtp_host or "").strip(), port=int(row.smtp_port or 587),
                        user=row.smtp_user or "", password=row.smtp_password or "",
                        sender=(row.smtp_from or row.email or "").strip(),
                        starttls=bool(row.smtp_starttls), office_name=row.company_name or "")


def smtp_configured() -> bool:
    """True when a mail server is set, so documents can be e-mailed."""
    return smtp_settings().configured


def _address(value: str) -> str:
    text = (value or "").strip()
    if not _ADDRESS.fullmatch(text):
        raise ValidationError(f"“{text}” is not an e-mail address such as "
                              "accounts@example.co.uk.", "to")
    return text


def _one_line(value: str, what: str) -> str:
    text = " ".join((value or "").split())
    return refuse_card_numbers(text, what)


def send_document(to: str, subject: str, body: str, filename: str, pdf_bytes: bytes) -> None:
    """Send one PDF as an attachment to one address, through the office's mail server.

    Runs on a worker thread (it may wait for the network). Nothing is stored.

    Raises:
        ValidationError: no mail server is set, the address is not an address, or the
            subject or message holds a full card number.
        MailError: the server could not be reached or refused the message.
    """
    settings = smtp_settings()
    if not settings.configured:
        raise ValidationError("No mail server is set in the office's settings; a manager can "
                              "set one, or save the PDF and send it yourself.", "smtp_host")
    recipient = _address(to)
    sender = settings.sender
    if not sender or not _ADDRESS.fullmatch(sender):
        raise ValidationError("The office's settings give no sender address for e-mail; a "
                              "manager can set one.", "smtp_from")
    if not pdf_bytes.startswith(b"%PDF"):
        raise ValueError("send_document sends PDF documents only")
    message = EmailMessage()
    message["From"] = formataddr((settings.office_name, sender)) if settings.office_name \
        else sender
    message["To"] = recipient
    message["Subject"] = _one_line(subject, "subject")
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(refuse_card_numbers(body or "", "message"))
    safe_name = re.sub(r"[\\/:*?\"<>|\r\n]+", "_", filename or "document.pdf")
    if not safe_name.lower().endswith(".pdf"):
        safe_name += ".pdf"
    message.add_attachment(pdf_bytes, maintype="application", subtype="pdf",
                           filename=safe_name)
    try:
        if settings.port == _SMTPS_PORT and not settings.starttls:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=TIMEOUT_SECONDS,
                context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        with server:
            if settings.starttls:
                server.starttls(context=ssl.create_default_context())
            if settings.user:
                server.login(settings.user, settings.password)
            server.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MailError("The mail server refused the user name or password in the office's "
                        "settings; nothing was sent.") from None
    except smtplib.SMTPRecipientsRefused:
        raise MailError(f"The mail server would not deliver to {recipient}; check the "
                        "address. Nothing was sent.") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise MailError(f"Could not send the e-mail through {settings.host}:{settings.port} "
                        f"({exc.__class__.__name__}: {exc}). Nothing was sent; try again or "
                        "save the PDF.") from None
