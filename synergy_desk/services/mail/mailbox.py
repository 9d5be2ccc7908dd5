"""Reading the support mailbox (IMAP): its settings, the test of a connection, the lease that
lets one desk at a time fetch, and the fetching itself, each message handed to ``inbound``."""

from __future__ import annotations

import datetime as dt
import email.policy
import imaplib
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from typing import Any

import peewee
from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, IMAPClientError, LoginError

from synergy_desk.domain.errors import DomainError, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import (
    MANAGERS,
    Actor,
    read_snapshot,
    require,
    retried,
    transaction,
    utcnow,
)
from synergy_desk.services.mail import inbound
from synergy_desk.services.office.settings import IMAP_SECURITY, SETTING, office_settings

log = logging.getLogger(__name__)

__all__ = [
    "FIRST_READ_DAYS", "too_big_to_read", "LEASE_SECONDS", "MAILBOX", "mailbox_key", "MAX_MESSAGE_BYTES", "POLL_SECONDS", "TIMEOUT_SECONDS",
    "FetchReport",
    "Fetcher", "ImapSettings", "MailboxError", "MailboxStatus", "imap_settings",
    "imap_settings_from_form", "mailbox_status", "test_connection",
]

#: How long a desk's hold on the mailbox lasts unless it renews it (it renews at least every
#: third of this while it fetches or waits for mail).
LEASE_SECONDS = 90
#: The mailbox's name in the table of mailboxes.
MAILBOX = "support"
#: A message larger than this is not fetched at all (it is noted and passed over).
MAX_MESSAGE_BYTES = 50 * 1024 * 1024
#: How long to wait for the mailbox server before giving up, in seconds.
TIMEOUT_SECONDS = 30
#: Where the server does not offer IDLE, the mailbox is asked this often, in seconds (no
#: longer than a third of the lease, which is renewed as often).
POLL_SECONDS = 30
#: A mailbox read for the first time (or after its server, user or folder changed) is read
#: from this many days back: older mail there was dealt with before the desk read it, and
#: must not flood triage (nor be acknowledged years late).
FIRST_READ_DAYS = 14


class MailboxError(DomainError):
    """The support mailbox could not be reached or read; nothing was taken from it."""

    title = "Mailbox not read"


@dataclass(frozen=True)
class ImapSettings:
    """The support mailbox, as set in the office's settings (the password is never shown)."""

    host: str
    port: int
    security: str  # "ssl" | "starttls" | "none"
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"

    @property
    def configured(self) -> bool:
        return bool(self.host.strip() and self.user.strip())


@dataclass(frozen=True)
class FetchReport:
    """What one fetch did: messages stored (and of those filed, left to sort, held), messages
    seen again and not stored, and anything that went wrong, in plain words."""

    stored: int = 0
    duplicates: int = 0
    filed: int = 0
    triage: int = 0
    held: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MailboxStatus:
    """Who fetches the mailbox, until when, when it was last read and what last went wrong."""

    configured: bool
    holder: str
    lease_until: dt.datetime | None
    last_fetch_at: dt.datetime | None
    last_error: str


def imap_settings() -> ImapSettings:
    """The support mailbox's settings from the office's settings row."""
    row = office_settings()
    return ImapSettings(host=(row.imap_host or "").strip(), port=int(row.imap_port or 993),
                        security=row.imap_security or "ssl", user=(row.imap_user or "").strip(),
                        password=row.imap_password or "", folder=row.imap_folder or "INBOX")


def imap_settings_from_form(actor: Actor, host: str, port: int, security: str, user: str,
                            password: str | None, folder: str) -> ImapSettings:
    """Mailbox settings as typed in the settings dialog, before they are saved (managers).

    ``password`` None means "the password already saved" (the dialog never sees it). Only a
    manager may try the saved password on a server of their choosing.

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: a value the settings would refuse.
    """
    with read_snapshot():
        require(actor, MANAGERS, "test the support mailbox")
        row = office_settings()
    return ImapSettings(
        host=SETTING["imap_host"].validate(host), port=SETTING["imap_port"].validate(port),
        security=SETTING["imap_security"].validate(security),
        user=SETTING["imap_user"].validate(user),
        password=(row.imap_password or "") if password is None
        else SETTING["imap_password"].validate(password),
        folder=SETTING["imap_folder"].validate(folder))


def _check(settings: ImapSettings) -> None:
    if not settings.host.strip():
        raise ValidationError("Give the mailbox server's name first, such as "
                              "imap.example.co.uk.", "imap_host")
    if not settings.user.strip():
        raise ValidationError("Give the mailbox's user name first, such as "
                              "support@example.co.uk.", "imap_user")
    if not 1 <= settings.port <= 65535:
        raise ValidationError(f"The mailbox server's port must be from 1 to 65,535; "
                              f"{settings.port:,} is not.", "imap_port")
    if settings.security not in IMAP_SECURITY:
        raise ValidationError("The mailbox's security must be SSL/TLS, STARTTLS or none.",
                              "imap_security")


def _where(settings: ImapSettings) -> str:
    return f"{settings.host}, port {settings.port}"


def _connect(settings: ImapSettings) -> IMAPClient:
    """A client logged in to the mailbox.

    Raises:
        MailboxError: in plain words: the host unknown, nothing listening, TLS failed, the
            user name or password refused.
    """
    _check(settings)
    context = ssl.create_default_context()
    client: IMAPClient | None = None
    try:
        client = IMAPClient(settings.host, settings.port, ssl=settings.security == "ssl",
                            ssl_context=context, timeout=TIMEOUT_SECONDS)
        if settings.security == "starttls":
            client.starttls(context)
        client.login(settings.user, settings.password)
        return client
    except LoginError:
        _drop(client)
        raise MailboxError(f"The mailbox server {settings.host} refused the user name "
                           f"“{settings.user}” or its password; nothing was read.") from None
    except CapabilityError:
        _drop(client)
        raise MailboxError(f"The mailbox server at {_where(settings)} does not offer STARTTLS; "
                           "choose SSL/TLS (usually port 993) or none as its security. Nothing "
                           "was read.") from None
    except socket.gaierror:
        raise MailboxError(f"The mailbox server “{settings.host}” is not known; check its "
                           "name. Nothing was read.") from None
    except ssl.SSLError as exc:
        _drop(client)
        raise MailboxError(f"A secure connection to {_where(settings)} could not be made "
                           f"({exc.reason or exc}); check the security setting (SSL/TLS, "
                           "STARTTLS or none) and the port. Nothing was read.") from None
    except ConnectionRefusedError:
        raise MailboxError(f"Nothing answers at {_where(settings)}; check the port and the "
                           "security setting. Nothing was read.") from None
    except TimeoutError:
        _drop(client)
        raise MailboxError(f"The mailbox server at {_where(settings)} did not answer within "
                           f"{TIMEOUT_SECONDS} seconds. Nothing was read.") from None
    except (IMAPClientError, OSError) as exc:
        _drop(client)
        raise MailboxError(f"Could not log in to the mailbox at {_where(settings)} "
                           f"({_words(exc)}). Nothing was read.") from None


def _words(exc: BaseException) -> str:
    text = str(exc).strip()
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text.splitlines()[0] if text else exc.__class__.__name__


def _drop(client: IMAPClient | None) -> None:
    if client is None:
        return
    try:
        client.logout()
    except (IMAPClientError, OSError):
        try:
            client.shutdown()
        except (IMAPClientError, OSError):
            pass


def _select(client: IMAPClient, settings: ImapSettings) -> dict[bytes, Any]:
    try:
        response: dict[bytes, Any] = client.select_folder(settings.folder, readonly=True)
        return response
    except (IMAPClientError, OSError) as exc:
        if isinstance(exc, imaplib.IMAP4.abort | OSError):
            raise MailboxError(f"The mailbox server at {_where(settings)} broke off the "
                               f"connection ({_words(exc)}). Nothing was read.") from None
        raise MailboxError(f"The mailbox has no folder “{settings.folder}” ({_words(exc)}); "
                           "check the folder's name, such as INBOX.") from None


def test_connection(settings: ImapSettings) -> str:
    """Log in to the mailbox, open its folder and say so in one sentence (nothing is read
    or stored). Runs on a worker thread (it waits for the network).

    Raises:
        ValidationError: no server or user name, a port out of range.
        MailboxError: the server could not be reached, refused the log-in, or has no such
            folder, in plain words.
    """
    client = _connect(settings)
    try:
        selected = _select(client, settings)
        count = int(selected.get(b"EXISTS", 0))
        idle = bool(client.has_capability("IDLE"))
    finally:
        _drop(client)
    plural = "message" if count == 1 else "messages"
    how = ("the server offers IDLE, so new mail arrives at once" if idle else
           f"the server does not offer IDLE, so the mailbox is checked every "
           f"{POLL_SECONDS} seconds")
    return (f"Connected to {settings.host} as {settings.user}: {count:,} {plural} in "
            f"{settings.folder}; {how}.")


# Its name is the settings button's; pytest must not take it for a test where one imports it.
test_connection.__test__ = False  # type: ignore[attr-defined]


# --- the lease and the cursor ---------------------------------------------------------------

def _state_row() -> None:
    """The mailbox's row, made if missing (two desks at once: one insert wins, the other is
    ignored; inside the caller's transaction)."""
    t.MailboxState.insert(name=MAILBOX).on_conflict_ignore().execute()


@retried
def _take_lease(holder: str) -> bool:
    with transaction():
        _state_row()
        now = utcnow()
        state = t.MailboxState
        taken = (state.update(holder=holder, lease_until=now + dt.timedelta(seconds=LEASE_SECONDS))
                 .where((state.name == MAILBOX)
                        & ((state.holder == holder) | state.lease_until.is_null()
                           | (state.lease_until < now)))
                 .execute())
        return bool(taken)


@retried
def _release(holder: str) -> None:
    with transaction():
        state = t.MailboxState
        (state.update(lease_until=None)
         .where((state.name == MAILBOX) & (state.holder == holder)).execute())


def too_big_to_read(header: bytes, size: int) -> bytes:
    """A message standing in for one too big to read: its sender, recipients, subject, date
    and threading headers, and a line saying where the message is."""
    original = BytesHeaderParser(policy=email.policy.default).parsebytes(header)
    stand_in = EmailMessage()
    for name in ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To",
                 "References", "Auto-Submitted", "Precedence"):
        value = original.get(name)
        if value is not None:
            try:
                stand_in[name] = str(value)
            except (ValueError, TypeError):
                continue  # a header too broken to copy is left out
    stand_in.set_content(
        f"[This message is {size / 1_048_576:,.0f} MB, more than the "
        f"{MAX_MESSAGE_BYTES // 1_048_576} MB the desk reads. It was left in the support "
        "mailbox: open it there with a mail program.]")
    return stand_in.as_bytes()


def mailbox_key(settings: ImapSettings) -> str:
    """Which mailbox the cursor's numbers belong to: the server, port, user and folder."""
    return f"{settings.host.lower()}:{settings.port}/{settings.user}/{settings.folder}"[:700]


def _cursor(key: str) -> tuple[int | None, int]:
    """The folder's UIDVALIDITY and the last UID stored, for the mailbox ``key``; (None, 0)
    when that mailbox has not been read yet (another one was, or none)."""
    with read_snapshot():
        row = t.MailboxState.get_or_none(t.MailboxState.name == MAILBOX)
        if row is None or row.mailbox_key != key:
            return None, 0
        return row.uid_validity, int(row.last_uid or 0)


@retried
def _advance(holder: str, key: str, uid_validity: int, last_uid: int,
             error: str | None = None, *, require_lease: bool = True) -> bool:
    """Move the cursor of mailbox ``key`` past ``last_uid`` (and note ``error``, or clear
    the last one), only while this desk still holds the lease; False when it no longer does."""
    with transaction():
        _state_row()
        state = t.MailboxState
        where = state.name == MAILBOX
        if require_lease:
            where &= (state.holder == holder) & (state.lease_until >= utcnow())
        values: dict[Any, Any] = {state.mailbox_key: key, state.uid_validity: uid_validity,
                                  state.last_uid: last_uid, state.last_fetch_at: utcnow()}
        if error is not None:
            values[state.last_error] = error
        return bool(state.update(values).where(where).execute())


@retried
def _note(error: str, fetched: bool = False) -> None:
    with transaction():
        _state_row()
        state = t.MailboxState
        values: dict[Any, Any] = {state.last_error: error}
        if fetched:
            values[state.last_fetch_at] = utcnow()
        state.update(values).where(state.name == MAILBOX).execute()


def mailbox_status() -> MailboxStatus:
    """Who fetches the support mailbox and how the last fetch went."""
    with read_snapshot():
        row = t.MailboxState.get_or_none(t.MailboxState.name == MAILBOX)
        configured = imap_settings().configured
    if row is None:
        return MailboxStatus(configured, "", None, None, "")
    return MailboxStatus(configured, row.holder or "", row.lease_until, row.last_fetch_at,
                         row.last_error or "")


# --- fetching -------------------------------------------------------------------------------

class Fetcher:
    """One desk's reader of the support mailbox (one per desk, used from one thread).

    ``holder`` names the desk (as the other desks see it). The connection is kept between
    fetches and opened again when it breaks.
    """

    def __init__(self, holder: str, settings: ImapSettings | None = None) -> None:
        self.holder = holder
        self._settings = settings
        self._client: IMAPClient | None = None
        self._renewed = 0.0

    @property
    def settings(self) -> ImapSettings:
        return self._settings if self._settings is not None else imap_settings()

    def take_lease(self) -> bool:
        """True while this desk holds the mailbox (taken when free or expired; renewed)."""
        held = _take_lease(self.holder)
        if held:
            self._renewed = time.monotonic()
        return held

    def _renew_if_due(self) -> bool:
        if time.monotonic() - self._renewed < LEASE_SECONDS / 3:
            return True
        return self.take_lease()

    def release(self) -> None:
        """Let another desk take the mailbox at once."""
        _release(self.holder)

    def close(self) -> None:
        """Log out (the lease is kept until released or expired)."""
        client, self._client = self._client, None
        _drop(client)

    def _connected(self) -> IMAPClient:
        if self._client is None:
            self._client = _connect(self.settings)
        return self._client

    def fetch_new(self) -> FetchReport:
        """Store every message that arrived since the last fetch, one at a time, moving the
        cursor after each; nothing while another desk holds the mailbox.

        Errors are told in the report (and kept for the mailbox's status), never raised.
        """
        counts = {"stored": 0, "duplicates": 0, "filed": 0, "triage": 0, "held": 0}
        errors: list[str] = []
        if not self.take_lease():
            return FetchReport(errors=["Another desk is fetching the support mailbox."])
        try:
            self._fetch(counts, errors)
        except MailboxError as exc:
            self.close()
            errors.append(str(exc))
            _note(str(exc))
        except (IMAPClientError, OSError) as exc:
            self.close()
            message = (f"The connection to the mailbox at {_where(self.settings)} broke "
                       f"({_words(exc)}); it is tried again shortly.")
            errors.append(message)
            _note(message)
        except DomainError as exc:
            # Storing a message failed (the database busy for too long, say): the cursor
            # stays before it, so the next fetch takes it again.
            errors.append(str(exc))
            _note(str(exc))
        return FetchReport(errors=errors, **counts)

    def _fetch(self, counts: dict[str, int], errors: list[str]) -> None:
        settings = self.settings
        if not settings.configured:
            raise MailboxError("No support mailbox is set in the office's settings.")
        client = self._connected()
        selected = _select(client, settings)
        validity = int(selected.get(b"UIDVALIDITY", 0))
        box = mailbox_key(settings)
        stored_validity, last_uid = _cursor(box)
        criteria: list[Any] = ["UID", f"{last_uid + 1}:*"]
        if stored_validity is None:
            # A mailbox not read before: only its recent mail.
            criteria += ["SINCE", (utcnow() - dt.timedelta(days=FIRST_READ_DAYS)).date()]
        elif stored_validity != validity:
            # The folder was rebuilt: its numbers start again (Message-IDs stop duplicates).
            last_uid = 0
            criteria = ["UID", "1:*"]
        uids = sorted(uid for uid in client.search(criteria) if uid > last_uid)
        if not uids:
            _advance(self.holder, box, validity, last_uid, "")
            return
        sizes = client.fetch(uids, ["RFC822.SIZE"])
        for uid in uids:
            if not self._renew_if_due():
                errors.append("Another desk took over the support mailbox.")
                return
            size = int(sizes.get(uid, {}).get(b"RFC822.SIZE", 0))
            error = ""
            if size > MAX_MESSAGE_BYTES:
                # Too big to read: its headers go to be sorted with a note, so the customer's
                # mail is seen, and the message itself stays in the mailbox.
                error = (f"A message of {size / 1_048_576:,.0f} MB (number {uid}) is larger "
                         f"than the {MAX_MESSAGE_BYTES // 1_048_576} MB the desk reads; its "
                         "sender and subject wait to be sorted and the message is left in the "
                         "mailbox.")
                errors.append(error)
                data = client.fetch([uid], ["BODY.PEEK[HEADER]"]).get(uid, {})
                header = data.get(b"BODY[HEADER]")
                if header is None:
                    continue  # expunged meanwhile
                raw = too_big_to_read(bytes(header), size)
            else:
                data = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {})
                raw = data.get(b"BODY[]")
                if raw is None:
                    continue  # expunged meanwhile
            try:
                received = inbound.receive(bytes(raw), uid_validity=validity, uid=uid)
            except (peewee.DataError, peewee.IntegrityError) as exc:
                # The database refuses this message's content, and would every time: it is
                # named and passed over (it stays in the mailbox), so it never holds up the
                # mail behind it. A busy database (a DomainError) is tried again instead.
                log.warning("Message %s of the mailbox could not be stored", uid, exc_info=exc)
                error = (f"A message (number {uid}) could not be stored ({_words(exc)}); it "
                         "was left in the mailbox: open it there with a mail program.")
                errors.append(error)
            else:
                if received.outcome == "duplicate":
                    counts["duplicates"] += 1
                else:
                    counts["stored"] += 1
                    key = {"reopened": "filed"}.get(received.outcome, received.outcome)
                    if key in counts:
                        counts[key] += 1
            if not _advance(self.holder, box, validity, uid, error or None):
                errors.append("Another desk took over the support mailbox.")
                return
        if not errors:
            _note("", fetched=True)

    def wait_for_mail(self, seconds: float, stop: threading.Event | None = None) -> None:
        """Wait up to ``seconds`` for new mail: with IDLE where the server offers it, else by
        asking it now and then. Returns early when mail arrives or ``stop`` is set; the lease
        is renewed meanwhile. A broken connection ends the wait (the next fetch reconnects).
        """
        deadline = time.monotonic() + seconds
        step = min(LEASE_SECONDS / 3, 5.0)
        try:
            client = self._connected()
            _select(client, self.settings)
            if client.has_capability("IDLE"):
                self._idle(client, deadline, step, stop)
            else:
                self._poll(client, deadline, step, stop)
        except (ValidationError, MailboxError, IMAPClientError, OSError) as exc:
            log.info("Waiting for mail stopped: %s", exc)
            self.close()
            # Not at once: a desk whose server is down does not ask it again in a tight loop.
            pause = min(step, max(0.0, deadline - time.monotonic()))
            if stop is not None:
                stop.wait(pause)
            else:
                time.sleep(pause)

    def _idle(self, client: IMAPClient, deadline: float, step: float,
              stop: threading.Event | None) -> None:
        client.idle()
        try:
            while (left := deadline - time.monotonic()) > 0:
                if stop is not None and stop.is_set():
                    return
                responses = client.idle_check(timeout=min(step, left, 1.0 if stop else step))
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    return
                if not self._renew_if_due():
                    return  # another desk has the mailbox now
        finally:
            client.idle_done()

    def _poll(self, client: IMAPClient, deadline: float, step: float,
              stop: threading.Event | None) -> None:
        _cursor_validity, last_uid = _cursor(mailbox_key(self.settings))
        while (left := deadline - time.monotonic()) > 0:
            client.noop()
            if any(uid > last_uid for uid in client.search(["UID", f"{last_uid + 1}:*"])):
                return
            if not self._renew_if_due():
                return  # another desk has the mailbox now
            pause = min(POLL_SECONDS, left)
            if stop is not None:
                if stop.wait(pause):
                    return
            else:
                time.sleep(pause)
