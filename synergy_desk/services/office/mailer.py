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
from synergy_desk.domain.text import sanitised, screened_text
from synergy_desk.services.common import MANAGERS, Actor, read_snapshot, require
from synergy_desk.services.office.settings import office_settings

__all__ = [
    "MailError", "SmtpSettings", "address_or_error", "deliver", "send_document",
    "send_test_email", "send_timeout", "smtp_configured", "smtp_settings",
    "smtp_settings_from_form", "SLOWEST_BYTES_PER_SECOND", "TIMEOUT_SECONDS"
]

#: How long to wait for the mail server before giving up, in seconds, for a small message.
TIMEOUT_SECONDS = 30
#: The slowest upload still waited for (256 kbit/s): a larger message is given this much
#: longer, since the time-out covers the whole of its upload.
SLOWEST_BYTES_PER_SECOND = 32_768
_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+")
_SMTPS_PORT = 465


class MailError(DomainError):
    """The mail server could not be reached, or refused the message; nothing was sent.

    ``permanent`` when the server refused the message itself (a 5xx answer: no such
    recipient, sender refused), so sending it again would be refused again; otherwise the
    failure may pass (the server down, a time-out, a 4xx answer, a log-in refused until a
    manager mends the settings).
    """

    title = "E-mail not sent"

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


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
    row = office_settings()
    return SmtpSettings(host=(row.smtp_host or "").strip(), port=int(row.smtp_port or 587),
                        user=row.smtp_user or "", password=row.smtp_password or "",
                        sender=(row.smtp_from or row.email or "").strip(),
                        starttls=bool(row.smtp_starttls), office_name=row.company_name or "")


def smtp_configured() -> bool:
    """True when a mail server is set, so documents can be e-mailed."""
    return smtp_settings().configured


def address_or_error(value: str) -> str:
    """One e-mail address, trimmed.

    Raises:
        ValidationError: it is not an address such as accounts@example.co.uk.
    """
    text = (value or "").strip()
    if not _ADDRESS.fullmatch(text):
        raise ValidationError(f"“{text}” is not an e-mail address such as "
                              "accounts@example.co.uk.", "to")
    return text


def _one_line(value: str, what: str) -> str:
    return screened_text(value, what, one_line=True)


def smtp_settings_from_form(actor: Actor, host: str, port: int, user: str,
                            password: str | None, sender: str, starttls: bool) -> SmtpSettings:
    """SMTP settings as typed in the settings dialog, before they are saved (managers only).

    ``password`` None means "the password already saved" (the dialog never sees it); the
    office's name comes from the saved settings. Only a manager may try the saved password
    on a server of their choosing.

    Raises:
        PermissionDenied: the actor is not a manager.
    """
    with read_snapshot():
        require(actor, MANAGERS, "test the mail server")
        row = office_settings()
    return SmtpSettings(host=(host or "").strip(), port=int(port), user=(user or "").strip(),
                        password=(row.smtp_password or "") if password is None else password,
                        sender=(sender or "").strip(), starttls=bool(starttls),
                        office_name=row.company_name or "")


def _check_server(settings: SmtpSettings) -> str:
    """The sender address, once the server and sender are known to be usable."""
    if not settings.configured:
        raise ValidationError("No mail server is set in the office's settings; a manager can "
                              "set one, or save the PDF and send it yourself.", "smtp_host")
    if not 1 <= settings.port <= 65535:
        raise ValidationError(f"The mail server port must be from 1 to 65,535; {settings.port:,} "
                              "is not.", "smtp_port")
    sender = settings.sender
    if not sender or not _ADDRESS.fullmatch(sender):
        raise ValidationError("The office's settings give no sender address for e-mail; a "
                              "manager can set one.", "smtp_from")
    return sender


def _new_message(settings: SmtpSettings, sender: str, recipient: str,
                 subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((settings.office_name, sender)) if settings.office_name \
        else sender
    message["To"] = recipient
    message["Subject"] = _one_line(subject, "subject")
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    return message


def _server_words(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) \
        else str(exc.smtp_error)
    return f"{exc.smtp_code} {' '.join(text.split())}"


def _refusals(exc: smtplib.SMTPRecipientsRefused) -> tuple[bool, str]:
    """Whether every recipient was refused for good (5xx), and the server's words."""
    codes = [code for code, _text in exc.recipients.values()]
    words = "; ".join(f"{address}: {code} {' '.join(text.decode('utf-8', 'replace').split())}"
                      for address, (code, text) in exc.recipients.items())
    return bool(codes) and all(code >= 500 for code in codes), words


def send_timeout(size: int) -> float:
    """How long to wait for the mail server while sending a message of ``size`` bytes, in
    seconds: the time-out for a small message, and longer the larger it is, so that a large
    attachment going steadily over a slow line is not cut off."""
    return TIMEOUT_SECONDS + max(0, size) / SLOWEST_BYTES_PER_SECOND


def deliver(settings: SmtpSettings, message: EmailMessage, fallback: str) -> None:
    """Hand one finished message to the mail server (its To and Cc are the recipients);
    ``fallback`` ends the message of an error that may pass.

    Raises:
        MailError: in plain words; ``permanent`` when the server refused the message for good.
    """
    _deliver(settings, str(message["To"]), message, fallback)


def _deliver(settings: SmtpSettings, recipient: str, message: EmailMessage,
             fallback: str) -> None:
    """Hand one message to the mail server; ``fallback`` ends the message of a network error."""
    timeout = send_timeout(len(message.as_bytes()))
    try:
        if settings.port == _SMTPS_PORT and not settings.starttls:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=timeout,
                context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        with server:
            if settings.starttls:
                server.starttls(context=ssl.create_default_context())
            if settings.user:
                server.login(settings.user, settings.password)
            server.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MailError("The mail server refused the user name or password in the office's "
                        "settings; nothing was sent.") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(f"The mail server {settings.host}:{settings.port} does not offer what "
                        f"the settings ask of it ({exc}); check STARTTLS and the user name. "
                        "Nothing was sent.") from None
    except smtplib.SMTPRecipientsRefused as exc:
        permanent, words = _refusals(exc)
        raise MailError(f"The mail server would not deliver to {recipient} ({words}); check "
                        "the address. Nothing was sent.", permanent=permanent) from None
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        raise MailError(f"The mail server refused the message ({_server_words(exc)}). "
                        f"Nothing was sent; {fallback}", permanent=exc.smtp_code >= 500) \
            from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise MailError(f"Could not send the e-mail through {settings.host}:{settings.port} "
                        f"({exc.__class__.__name__}: {exc}). Nothing was sent; "
                        f"{fallback}") from None


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
    recipient = address_or_error(to)
    sender = _check_server(settings)
    if not pdf_bytes.startswith(b"%PDF"):
        raise ValueError("send_document sends PDF documents only")
    message = _new_message(settings, sender, recipient, subject)
    message.set_content(refuse_card_numbers(sanitised(body, "message"), "message"))
    safe_name = re.sub(r"[\\/:*?\"<>|\r\n]+", "_", filename or "document.pdf")
    if not safe_name.lower().endswith(".pdf"):
        safe_name += ".pdf"
    message.add_attachment(pdf_bytes, maintype="application", subtype="pdf",
                           filename=safe_name)
    _deliver(settings, recipient, message, "try again or save the PDF.")


def send_test_email(settings: SmtpSettings, to: str) -> None:
    """Send a short test message through ``settings`` (which need not be saved yet).

    Runs on a worker thread (it may wait for the network). Nothing is stored.

    Raises:
        ValidationError: no mail server or sender address, a port out of range, or an
            address that is not one.
        MailError: the server could not be reached or refused the message, in plain words.
    """
    if not settings.configured:
        raise ValidationError("Give the mail server's name first, such as "
                              "smtp.example.co.uk.", "smtp_host")
    if not settings.sender or not _ADDRESS.fullmatch(settings.sender):
        raise ValidationError("Give the sender address first (or the office's e-mail "
                              "address), such as office@example.co.uk.", "smtp_from")
    recipient = address_or_error(to)
    sender = _check_server(settings)
    message = _new_message(settings, sender, recipient, "Test e-mail from Synergy Desk")
    office = settings.office_name or "your office"
    message.set_content(
        f"This is a test message from Synergy Desk for {office}.\n\n"
        f"It was sent through the mail server {settings.host}, port {settings.port}"
        f"{', with STARTTLS' if settings.starttls else ''}"
        f"{f', as user {settings.user}' if settings.user else ''}, from {sender}.\n"
        "If you can read it, receipts and other documents can be e-mailed from Synergy "
        "Desk with these settings.\n")
    _deliver(settings, recipient, message, "check the server's name, port and STARTTLS.")
