"""The office's business settings (company details, prices and VAT, season tickets, time zone,
lock-out and the desks' idle lock, the mail server, the support mailbox) and the first-run
set-up."""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from synergy_desk.domain.bank import (
    clean_account_number,
    clean_bic,
    clean_iban,
    clean_sort_code,
)
from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import (
    ConflictError,
    PermissionDenied,
    ValidationError,
)
from synergy_desk.domain.phones import display_phone
from synergy_desk.domain.text import sanitised
from synergy_desk.domain.zones import is_zone_name
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    MANAGERS,
    Actor,
    audit,
    require,
    retried,
    snapshot,
    stale_edit,
    transaction,
)
from synergy_desk.services.office import office_details
from synergy_desk.services.people import users
from synergy_desk.services.people.customers import (
    checked_phone,
    no_card_numbers,
)

__all__ = [
    "Setting", "SETTINGS", "SETTING", "OfficeSettingsData", "office_settings", "get_settings",
    "update_settings", "setup_office", "normalise_vat_number", "check_logo", "MAX_LOGO_BYTES",
    "free_text", "boolean", "charged_vat_rate", "missing_for_receipts", "new_phone_token",
    "IMAP_SECURITY",
]

#: A logo larger than this would bloat every receipt PDF.
MAX_LOGO_BYTES = 1_000_000
#: No price of the office's is a million pounds or more.
_MAX_PRICE_PENCE = 100_000_000


@dataclass(frozen=True)
class OfficeSettingsData:
    """The office's settings as plain values; the SMTP password is only said to be set or not."""

    id: int
    company_name: str
    address: str
    vat_number: str
    phone: str  # as people write it
    email: str
    logo: bytes | None
    incident_price_pence: int
    vat_rate_bp: int
    ticket_incident_price_pence: int
    ticket_default_size: int
    ticket_validity_days: int
    timezone: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password_set: bool
    smtp_from: str
    smtp_starttls: bool
    lockout_attempts: int
    lockout_minutes: int
    vat_registered: bool
    cash_variance_threshold_pence: int
    updated_at: dt.datetime
    version: int
    #: A desk left idle this many minutes locks itself; 0: never.
    idle_lock_minutes: int = 0
    #: The listener for the phone system's call events: on, open to the office network (else
    #: the loopback address only), its port, and the secret every event must carry.
    phone_listener_enabled: bool = False
    phone_listener_open: bool = False
    phone_listener_port: int = 8765
    phone_listener_token: str = ""
    #: The office's bank account as payment requests print it, and the days a request gives.
    bank_account_name: str = ""
    bank_sort_code: str = ""
    bank_account_number: str = ""
    bank_iban: str = ""
    bank_bic: str = ""
    request_due_days: int = 14
    #: The support mailbox (IMAP; the password is only said to be set or not) and what is
    #: done with the mail read from it.
    imap_host: str = ""
    imap_port: int = 993
    imap_security: str = "ssl"
    imap_user: str = ""
    imap_password_set: bool = False
    imap_folder: str = "INBOX"
    mail_attachment_limit_kb: int = 10240
    mail_flood_limit: int = 20
    mail_acknowledge: bool = False
    mail_signature: str = ""


def _data(row: t.OfficeSettings) -> OfficeSettingsData:
    return OfficeSettingsData(
        id=row.id, company_name=row.company_name, address=row.address,
        vat_number=row.vat_number, phone=display_phone(row.phone), email=row.email,
        logo=bytes(row.logo) if row.logo is not None else None,
        incident_price_pence=row.incident_price_pence, vat_rate_bp=row.vat_rate_bp,
        ticket_incident_price_pence=row.ticket_incident_price_pence,
        ticket_default_size=row.ticket_default_size,
        ticket_validity_days=row.ticket_validity_days, timezone=row.timezone,
        smtp_host=row.smtp_host, smtp_port=row.smtp_port, smtp_user=row.smtp_user,
        smtp_password_set=bool(row.smtp_password), smtp_from=row.smtp_from,
        smtp_starttls=bool(row.smtp_starttls), lockout_attempts=row.lockout_attempts,
        lockout_minutes=row.lockout_minutes, vat_registered=bool(row.vat_registered),
        cash_variance_threshold_pence=row.cash_variance_threshold_pence,
        updated_at=row.updated_at, version=row.version, idle_lock_minutes=row.idle_lock_minutes,
        phone_listener_enabled=bool(row.phone_listener_enabled),
        phone_listener_open=bool(row.phone_listener_open),
        phone_listener_port=row.phone_listener_port,
        phone_listener_token=row.phone_listener_token,
        bank_account_name=row.bank_account_name, bank_sort_code=row.bank_sort_code,
        bank_account_number=row.bank_account_number, bank_iban=row.bank_iban,
        bank_bic=row.bank_bic, request_due_days=row.request_due_days,
        imap_host=row.imap_host, imap_port=row.imap_port, imap_security=row.imap_security,
        imap_user=row.imap_user, imap_password_set=bool(row.imap_password),
        imap_folder=row.imap_folder, mail_attachment_limit_kb=row.mail_attachment_limit_kb,
        mail_flood_limit=row.mail_flood_limit, mail_acknowledge=bool(row.mail_acknowledge),
        mail_signature=row.mail_signature)


def _settings_row() -> t.OfficeSettings | None:
    row: t.OfficeSettings | None = t.OfficeSettings.select().order_by(t.OfficeSettings.id).first()
    return row


def office_settings() -> t.OfficeSettings:
    """The office's settings row, or the defaults when none has been saved yet (nothing is
    written: for reading prices, the VAT rate and the time zone)."""
    row = _settings_row()
    return row if row is not None else t.OfficeSettings()


def charged_vat_rate(settings: t.OfficeSettings) -> int:
    """The VAT rate new charges carry, in basis points: the office's rate when it is
    VAT-registered, none when it is not."""
    return int(settings.vat_rate_bp) if settings.vat_registered else 0


def missing_for_receipts(settings: t.OfficeSettings) -> list[str]:
    """What a VAT-registered office must set before it issues a receipt ("VAT number",
    "address"); nothing for an office that is not VAT-registered."""
    if not settings.vat_registered:
        return []
    return [label for label, value in (("VAT number", settings.vat_number),
                                       ("address", settings.address))
            if not (value or "").strip()]


def _settings_row_or_create() -> t.OfficeSettings:
    """The one settings row, made with the defaults if missing (inside the caller's
    transaction)."""
    row = _settings_row()
    if row is None:
        row = t.OfficeSettings.create(updated_at=utcnow())
    return row


@retried
def get_settings() -> OfficeSettingsData:
    """The office's settings (the row is created with the defaults on first use)."""
    row = _settings_row()
    if row is None:
        with transaction():
            row = _settings_row_or_create()
    return _data(row)


# --- validation ------------------------------------------------------------------------------

def _int(value: Any, label: str, field: str, low: int, high: int, unit: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"The {label} must be a whole number.", field)
    if not low <= value <= high:
        suffix = f" {unit}" if unit else ""
        raise ValidationError(
            f"The {label} must be from {low:,} to {high:,}{suffix}; {value:,} is not.", field)
    return value


def _pence(label: str) -> Callable[[Any, str], int]:
    def check(value: Any, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(
                f"The {label} must be a whole number of pence (7500 for £75.00).", field)
        if value < 0:
            raise ValidationError(f"The {label} cannot be negative.", field)
        if value > _MAX_PRICE_PENCE:
            raise ValidationError(f"The {label} is too large.", field)
        return value
    return check


def _ranged(label: str, low: int, high: int, unit: str = "") -> Callable[[Any, str], int]:
    def check(value: Any, field: str) -> int:
        return _int(value, label, field, low, high, unit)
    return check


def free_text(label: str, max_length: int, required: bool = False) -> Callable[[Any, str], str]:
    def check(value: Any, field: str) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValidationError(f"The {label} must be text.", field)
        text = sanitised(value, field, label).strip()
        if required and not text:
            raise ValidationError(f"Give the {label}.", field)
        if len(text) > max_length:
            raise ValidationError(
                f"The {label} is too long ({len(text)} characters; at most {max_length}).",
                field)
        return no_card_numbers(text, label, field)
    return check


def normalise_vat_number(text: str | None) -> str:
    """A UK VAT number as "GB" and 9 or 12 digits ("gb 123 4567 89" -> "GB123456789").

    Raises:
        ValidationError: anything else (an empty text is allowed: not VAT-registered).
    """
    compact = re.sub(r"[\s.-]", "", (text or "")).upper()
    if not compact:
        return ""
    if compact.isdigit():
        compact = "GB" + compact
    if not re.fullmatch(r"GB(?:\d{9}|\d{12})", compact):
        raise ValidationError(
            f"“{(text or '').strip()}” is not a UK VAT number; it is GB followed by 9 digits "
            "(or 12 for a branch), like GB123456789.", "vat_number")
    return compact


def _vat_number(value: Any, field: str) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError("The VAT number must be text.", field)
    return normalise_vat_number(value)


def _timezone(value: Any, field: str) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise ValidationError("Choose the office's time zone, such as Europe/London.", field)
    if not is_zone_name(name):
        raise ValidationError(
            f"“{name}” is not a time zone; choose one such as Europe/London.", field)
    return name


_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$")


def _email(label: str) -> Callable[[Any, str], str]:
    def check(value: Any, field: str) -> str:
        text = value.strip() if isinstance(value, str) else ""
        if value is not None and not isinstance(value, str):
            raise ValidationError(f"The {label} must be text.", field)
        if text and (len(text) > 200 or not _EMAIL.match(text)):
            raise ValidationError(
                f"“{text}” is not an e-mail address; type it like office@example.co.uk.", field)
        return text
    return check


def _phone(value: Any, field: str) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError("The phone number must be text.", field)
    return checked_phone(value, "phone number", field)


def _logo(value: Any, field: str) -> bytes | None:
    if value is None or value == b"":
        return None
    if not isinstance(value, bytes | bytearray | memoryview):
        raise ValidationError("The logo must be an image file's contents.", field)
    data = bytes(value)
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            f"The logo is too large ({len(data) // 1000:,} kB; at most "
            f"{MAX_LOGO_BYTES // 1000:,} kB).", field)
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise ValidationError("The logo must be a PNG or JPEG image.", field)
    from synergy_desk.documents import pictures  # documents load when a logo is checked

    size = pictures.picture_size(data)
    if size is None:
        # Its header is unreadable: stored as given, and left off documents (as a damaged
        # picture always was); the settings dialog checks a chosen file opens as a picture.
        return data
    if pictures.too_many_pixels(size):
        side = math.isqrt(pictures.MAX_PIXELS)
        raise ValidationError(
            f"The logo is too large ({size[0]:,} × {size[1]:,} pixels; at most "
            f"{pictures.MAX_PIXELS // 1_000_000} million pixels, such as {side:,} × "
            f"{side:,}).", field)
    # A larger picture is stored scaled down, once: it prints no sharper, only slower.
    try:
        data = pictures.scaled_down(data)
    except (OSError, ValueError) as exc:
        raise ValidationError("The logo could not be read as a picture.", field) from exc
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(
            f"The logo is too large even at {pictures.MAX_SIDE:,} pixels across "
            f"({len(data) // 1000:,} kB; at most {MAX_LOGO_BYTES // 1000:,} kB).", field)
    return data


def check_logo(data: bytes) -> bytes:
    """The logo's bytes as they would be stored on save: a PNG or JPEG of at most 1 MB and
    25 million pixels, scaled down to 1,200 pixels on its longer side if it is larger.

    Raises:
        ValidationError: too large, or not a PNG or JPEG image.
    """
    checked = _logo(data, "logo")
    if checked is None:
        raise ValidationError("The logo file is empty.", "logo")
    return checked


def boolean(label: str) -> Callable[[Any, str], bool]:
    def check(value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"The {label} setting must be on or off.", field)
        return value
    return check


def new_phone_token() -> str:
    """A new secret for the phone system's listener (URL-safe, 32 random bytes)."""
    return secrets.token_urlsafe(32)


_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def _token(value: Any, field: str) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise ValidationError("The phone system's token must be 20 to 100 letters, digits, "
                              "dashes or underscores; ask for a new one.", field)
    return value


def _secret(label: str) -> Callable[[Any, str], str]:
    def check(value: Any, field: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValidationError(f"The {label} must be text.", field)
        if len(value) > 200:
            raise ValidationError(f"The {label} is too long.", field)
        return value
    return check


_password = _secret("mail server's password")

#: How the support mailbox's connection is protected, as the settings store it.
IMAP_SECURITY = ("ssl", "starttls", "none")


def _imap_security(value: Any, field: str) -> str:
    if value not in IMAP_SECURITY:
        raise ValidationError("The mailbox's security must be SSL/TLS, STARTTLS or none.", field)
    return str(value)


def _folder(value: Any, field: str) -> str:
    text = free_text("mailbox folder", 200)(value, field)
    if not text:
        raise ValidationError("Give the mailbox folder to read, such as INBOX.", field)
    if any(ch in text for ch in "*%\"\r\n"):
        raise ValidationError(f"“{text}” is not a folder name; give one such as INBOX.", field)
    return text


def _bank(clean: Callable[[str], str]) -> Callable[[Any, str], str]:
    """A bank detail checked and written as the bank prints it (an empty one is allowed)."""

    def check(value: Any, field: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValidationError("Bank details are text.", field)
        try:
            return clean(value)
        except ValidationError as exc:
            raise ValidationError(str(exc), field) from None

    return check


@dataclass(frozen=True)
class Setting:
    """One of the office's settings, declared once: what the service checks and what the
    settings dialog builds its field from (caption, range, unit, length), with the stored
    column's default.

    ``label`` names it in messages ("The season-ticket size must be from 1 to 10
    incidents"); ``caption`` heads its field in a form, ``&`` before its access key;
    ``unit`` follows a number in messages and in the field ("10 incidents").
    """

    key: str
    label: str
    caption: str
    check: Callable[[Any, str], Any] = field(repr=False, compare=False)
    low: int | None = None
    high: int | None = None
    unit: str = ""
    max_length: int | None = None

    @property
    def default(self) -> Any:
        """The value a new office starts with (the column's default)."""
        return getattr(t.OfficeSettings, self.key).default

    def validate(self, value: Any) -> Any:
        """The value as it will be stored.

        Raises:
            ValidationError: naming this setting.
        """
        return self.check(value, self.key)


def _text_setting(key: str, label: str, caption: str, max_length: int) -> Setting:
    return Setting(key, label, caption, free_text(label, max_length), max_length=max_length)


def _ranged_setting(key: str, label: str, caption: str, low: int, high: int, unit: str = "",
                    message_unit: str | None = None) -> Setting:
    check = _ranged(label, low, high, unit if message_unit is None else message_unit)
    return Setting(key, label, caption, check, low=low, high=high, unit=unit)


def _pence_setting(key: str, label: str, caption: str) -> Setting:
    return Setting(key, label, caption, _pence(label), low=0, high=_MAX_PRICE_PENCE,
                   unit="pence")


#: Every setting a manager may change, in the order the dialog shows them.
SETTINGS: tuple[Setting, ...] = (
    _text_setting("company_name", "company name", "Company &name:", 200),
    _text_setting("address", "company address", "&Address:", 2000),
    Setting("vat_registered", "VAT-registered", "", boolean("VAT-registered")),
    Setting("vat_number", "VAT number", "&VAT number:", _vat_number, max_length=20),
    Setting("phone", "phone number", "P&hone:", _phone, max_length=40),
    Setting("email", "office e-mail address", "E-&mail:", _email("office e-mail address"),
            max_length=200),
    Setting("logo", "logo", "&Logo:", _logo, high=MAX_LOGO_BYTES, unit="bytes"),
    _pence_setting("incident_price_pence", "price of an incident",
                   "Price of an &incident (net):"),
    _ranged_setting("vat_rate_bp", "VAT rate", "&VAT rate:", 0, 10_000, "basis points",
                    "basis points (0% to 100%)"),
    _pence_setting("ticket_incident_price_pence", "season-ticket price per incident",
                   "&Season ticket, per incident (net):"),
    _ranged_setting("ticket_default_size", "season-ticket size", "Season ticket si&ze:", 1, 10,
                    "incidents"),
    _ranged_setting("ticket_validity_days", "season-ticket validity",
                    "Season ticket va&lid for:", 1, 3650, "days"),
    Setting("timezone", "time zone", "&Time zone:", _timezone, max_length=64),
    _pence_setting("cash_variance_threshold_pence", "cash variance allowed without a reason",
                   "Cash &drawer variance allowed:"),
    _ranged_setting("lockout_attempts", "number of failed log-ins before a lock-out",
                    "Lock an account &after:", 1, 100, "failed log-ins", ""),
    _ranged_setting("lockout_minutes", "lock-out time", "Lock it &for:", 1, 1440, "minutes"),
    _ranged_setting("idle_lock_minutes", "idle time before a desk locks",
                    "Loc&k the desk after:", 0, 1440, "minutes idle", "minutes (0: never)"),
    _text_setting("smtp_host", "mail server", "Mail &server:", 200),
    _ranged_setting("smtp_port", "mail server port", "Po&rt:", 1, 65535, "", ""),
    _text_setting("smtp_user", "mail server user name", "&User name:", 200),
    Setting("smtp_password", "mail server's password", "Pass&word:", _password,
            max_length=200),
    Setting("smtp_from", "sender address", "Sen&der address:", _email("sender address"),
            max_length=200),
    Setting("smtp_starttls", "STARTTLS", "", boolean("STARTTLS")),
    Setting("phone_listener_enabled", "phone system listener", "",
            boolean("phone system listener")),
    Setting("phone_listener_open", "phone system listener's office network", "",
            boolean("phone system listener's office network")),
    _ranged_setting("phone_listener_port", "phone system listener's port", "Po&rt:",
                    1024, 65535, "", ""),
    Setting("phone_listener_token", "phone system's token", "To&ken:", _token,
            max_length=100),
    _text_setting("bank_account_name", "bank account's name", "Account &name:", 100),
    Setting("bank_sort_code", "sort code", "&Sort code:", _bank(clean_sort_code),
            max_length=8),
    Setting("bank_account_number", "account number", "Account n&umber:",
            _bank(clean_account_number), max_length=8),
    Setting("bank_iban", "IBAN", "&IBAN:", _bank(clean_iban), max_length=42),
    Setting("bank_bic", "BIC", "BIC (S&WIFT):", _bank(clean_bic), max_length=11),
    _ranged_setting("request_due_days", "time a payment request gives to pay",
                    "Payment &due after:", 1, 365, "days"),
    _text_setting("imap_host", "mailbox server", "Mailbox &server:", 200),
    _ranged_setting("imap_port", "mailbox server port", "Po&rt:", 1, 65535, "", ""),
    Setting("imap_security", "mailbox security", "Securi&ty:", _imap_security, max_length=8),
    _text_setting("imap_user", "mailbox user name", "&User name:", 200),
    Setting("imap_password", "mailbox password", "Pass&word:", _secret("mailbox password"),
            max_length=200),
    Setting("imap_folder", "mailbox folder", "&Folder:", _folder, max_length=200),
    _ranged_setting("mail_attachment_limit_kb", "attachments kept per e-mail",
                    "&Keep attachments up to:", 0, 51200, "KB", "KB (0: none)"),
    _ranged_setting("mail_flood_limit", "e-mails from one sender in an hour before they are held",
                    "&Hold a sender after:", 1, 1000, "e-mails an hour"),
    Setting("mail_acknowledge", "acknowledgement of new e-mail", "",
            boolean("acknowledgement of new e-mail")),
    _text_setting("mail_signature", "e-mail signature", "Si&gnature:", 2000),
)
#: The settings by their key.
SETTING: dict[str, Setting] = {s.key: s for s in SETTINGS}


def _validate(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(SETTING))
    if unknown:
        raise ValidationError(f"There is no setting called {', '.join(unknown)}.", unknown[0])
    return {name: SETTING[name].validate(value) for name, value in changes.items()}


@retried
def update_settings(actor: Actor, expected_version: int, **changes: Any) -> OfficeSettingsData:
    """Change some of the office's settings (managers only).

    Prices are whole pence, the VAT rate basis points (2000 = 20%). Only the settings given
    are changed; the audit log keeps their values before and after (the SMTP password hidden).

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: a value out of range or of the wrong shape; nothing is changed.
        ConflictError: someone saved the settings since ``expected_version``.
    """
    with transaction():
        require(actor, MANAGERS, "change the office's settings")
        row = _settings_row_or_create()
        if row.version != expected_version:
            raise _conflict(row, expected_version)
        values = _validate(changes)
        if values.get("phone_listener_enabled", row.phone_listener_enabled) and not values.get(
                "phone_listener_token", row.phone_listener_token):
            # A listener is never on without its secret: the first one is made here.
            values["phone_listener_token"] = new_phone_token()
        changed = {k: v for k, v in values.items() if _stored(row, k) != v}
        if not changed:
            return _data(row)
        before = snapshot(row, fields=list(changed))
        printed_before = {name: _stored(row, name) for name in office_details.DETAIL_FIELDS}
        new_version = expected_version + 1
        updated = (t.OfficeSettings.update(
            {**{getattr(t.OfficeSettings, k): v for k, v in changed.items()},
             t.OfficeSettings.updated_at: utcnow(), t.OfficeSettings.version: new_version})
            .where((t.OfficeSettings.id == row.id)
                   & (t.OfficeSettings.version == expected_version)).execute())
        if not updated:
            raise _conflict(t.OfficeSettings.get_by_id(row.id), expected_version)
        row = t.OfficeSettings.get_by_id(row.id)
        # Documents already issued keep the details in force when they were issued.
        office_details.record_details(actor, printed_before, row)
        after = snapshot(row, fields=list(changed))
        audit(actor, "settings.update", "settings", row.id,
              {**before, "version": expected_version}, {**after, "version": new_version})
        return _data(row)


def _stored(row: t.OfficeSettings, name: str) -> Any:
    value = getattr(row, name)
    if name == "logo" and value is not None:
        return bytes(value)
    return value


def _conflict(current: t.OfficeSettings, expected_version: int) -> ConflictError:
    return stale_edit("settings", current.id, expected_version, "The office's settings",
                      plural=True, nothing="some settings")


# --- first run -------------------------------------------------------------------------------

@retried
def setup_office(company_name: str, address: str, vat_number: str, manager_username: str,
                 manager_full_name: str, password: str, *, vat_registered: bool = True) -> Actor:
    """First run: the office's details and its first manager, together or not at all.

    A VAT-registered office (the default) charges VAT and issues no receipt until its VAT
    number and address are set; one that is not charges none.

    Raises:
        PermissionDenied: the office already has users (log in as a manager instead).
        ValidationError: a missing company name, a malformed VAT number, or a user name or
            password that breaks the rules; nothing is created.
    """
    with transaction():
        if t.User.select().exists():
            raise PermissionDenied(
                "This office is already set up; log in as a manager to change its details.")
        values = _validate({"company_name": company_name, "address": address,
                            "vat_number": vat_number, "vat_registered": vat_registered})
        if not values["company_name"]:
            raise ValidationError("Give the company's name.", "company_name")
        user = users._create(None, manager_username, manager_full_name, Role.MANAGER, password)
        actor = Actor.from_user(user)
        row = _settings_row()
        if row is None:
            row = t.OfficeSettings.create(updated_at=utcnow(), **values)
            audit(actor, "settings.setup", "settings", row.id, None, snapshot(row))
        else:
            before = snapshot(row, fields=list(values))
            (t.OfficeSettings.update(
                {**{getattr(t.OfficeSettings, k): v for k, v in values.items()},
                 t.OfficeSettings.updated_at: utcnow(),
                 t.OfficeSettings.version: t.OfficeSettings.version + 1})
             .where(t.OfficeSettings.id == row.id).execute())
            row = t.OfficeSettings.get_by_id(row.id)
            audit(actor, "settings.setup", "settings", row.id,
                  {**before, "version": row.version - 1},
                  {**snapshot(row, fields=list(values)), "version": row.version})
        # Nothing was issued before the office was set up: these details hold from the start.
        office_details.record_details(None, None, row)
        return actor
