"""E-mail as the support mailbox delivers it: a raw message read into plain parts, the incident
reference in a subject, replies' subjects and quotes, auto-replies, and attachments' names.

Nothing here executes or fetches anything: an HTML body is read as text (never rendered), and
a message that breaks the rules of e-mail is still read as well as it can be, never refused.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

__all__ = [
    "ParsedAttachment", "ParsedMessage", "parse_message", "find_incident_reference",
    "subject_with_reference", "quoted", "is_auto_reply", "html_to_text", "safe_filename",
    "is_risky_attachment", "RISKY_EXTENSIONS", "OPENABLE_EXTENSIONS",
]

#: Files that run when they are opened on a Windows desktop: named in the warning.
RISKY_EXTENSIONS = frozenset({
    ".exe", ".bat", ".cmd", ".com", ".scr", ".msi", ".js", ".jse", ".vbs", ".vbe", ".wsf",
    ".ps1", ".jar", ".hta", ".lnk", ".reg", ".dll", ".cpl", ".pif"})

#: The only files the desk offers to open with the desktop's program: documents and pictures
#: that cannot carry a program or a macro, nor a page that fetches from the internet. Anything
#: else (a script, a disk image, a web page, a macro workbook, a shortcut, a file with no
#: extension) may only be saved.
OPENABLE_EXTENSIONS = frozenset({
    ".pdf", ".txt", ".log", ".csv", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff",
    ".webp", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".rtf"})

_REFERENCE = re.compile(r"\[\s*inc\s*[-\u2010-\u2015 ]?\s*0*([0-9]{1,9})\s*\]", re.IGNORECASE)
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|antw|r)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"<[^<>\s\x00-\x1f\x7f-\x9f\u2028\u2029]+>")
_OUT_OF_OFFICE = re.compile(
    r"^\s*(?:out of (?:the )?office|automatic reply|auto(?:matic)?[ -]?reply|auto:|"
    r"autoreply|abwesenheit|absence|on holiday|away from the office|"
    r"delivery status notification|undeliverable|undelivered mail|mail delivery failed)",
    re.IGNORECASE)
_WINDOWS_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\..*)?$",
                               re.IGNORECASE)
_NOT_IN_FILENAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


@dataclass(frozen=True)
class ParsedAttachment:
    """A file that came with a message (an inline image is one too)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedMessage:
    """A message as the program keeps it: addresses lower-case, the body as plain text."""

    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    from_address: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    sent_at: dt.datetime | None
    body_text: str
    attachments: tuple[ParsedAttachment, ...]
    auto_reply: bool
    size_bytes: int


def _clean(text: str) -> str:
    """Text any database can hold: undecodable bytes (kept as lone surrogates by the e-mail
    package) read as the replacement character."""
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        text = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


def _one_line(text: str) -> str:
    """A header's text as one line any database holds: control characters (NUL included) and
    line or paragraph separators read as spaces, runs of spaces as one."""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
                   for ch in _clean(text))
    return " ".join(text.split())


def _header(message: Message, name: str) -> str:
    """One header's decoded text, or "" (a header broken past reading is left out)."""
    try:
        value = message.get(name)
    except Exception:  # noqa: BLE001 - a malformed header of any kind: read around it
        value = None
    if value is None:
        return ""
    try:
        text = str(value)
    except Exception:  # noqa: BLE001
        text = ""
    return _one_line(text)


def _message_ids(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m[:255] for m in _MESSAGE_ID.findall(text)))


def _payload_text(part: Message) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - a broken transfer encoding: read what is there
        data = None
    if not isinstance(data, bytes):
        raw = part.get_payload()
        return _clean(raw) if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = data.decode(charset, "replace")
    except (LookupError, ValueError):
        text = data.decode("utf-8", "replace")
    return _clean(text)


def _payload_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            try:
                return bytes(inner[0].as_bytes())
            except Exception:  # noqa: BLE001
                return b""
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        data = None
    return data if isinstance(data, bytes) else b""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    return _one_line(str(name)) if name else ""


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else []


def _joined(bodies: list[str]) -> str:
    """Bodies as one text: each non-empty one, in order, a blank line between them."""
    texts = (b.replace("\r\n", "\n").replace("\r", "\n").strip("\n") for b in bodies)
    return "\n\n".join(t for t in texts if t.strip())


def _walk(part: Message, bodies: list[str], files: list[ParsedAttachment]) -> None:
    """Read a part: its texts into ``bodies`` (HTML read as text) and its attachments.

    A multipart/alternative is one body (its plain part when that has words, else its HTML);
    every other text/plain or text/html part that is not an attachment is a body of its own,
    so text, an inline picture and more text keep both texts.
    """
    content_type = _one_line(part.get_content_type())
    if content_type == "message/rfc822":
        files.append(ParsedAttachment(_filename(part) or "message.eml", content_type,
                                      _payload_bytes(part)))
        return
    if content_type == "multipart/alternative":
        plain = ""
        other = ""
        for child in _children(part):
            child_bodies: list[str] = []
            _walk(child, child_bodies, files)
            text = _joined(child_bodies)
            if child.get_content_type() == "text/plain":
                plain = plain or text
            else:
                other = other or text
        bodies.append(plain or other)
        return
    if part.is_multipart():
        for child in _children(part):
            _walk(child, bodies, files)
        return
    filename = _filename(part)
    try:
        disposition = (part.get_content_disposition() or "").lower()
    except Exception:  # noqa: BLE001
        disposition = ""
    if content_type in ("text/plain", "text/html") and not filename and disposition != \
            "attachment":
        text = _payload_text(part)
        bodies.append(text if content_type == "text/plain" else html_to_text(text))
        return
    if not filename:
        subtype = content_type.split("/", 1)[-1] or "bin"
        filename = f"attachment-{len(files) + 1}.{re.sub(r'[^a-z0-9]', '', subtype) or 'bin'}"
    files.append(ParsedAttachment(filename, content_type, _payload_bytes(part)))


def _sent_at(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    try:
        return when.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


def _addresses(texts: list[str]) -> tuple[str, ...]:
    try:
        pairs = getaddresses(texts)
    except Exception:  # noqa: BLE001
        return ()
    return tuple(dict.fromkeys(addr.strip().lower() for _name, addr in pairs
                               if "@" in addr))


def parse_message(raw: bytes) -> ParsedMessage:
    """Read a raw message (RFC 5322 bytes) into what the program keeps of it.

    Never raises on a malformed message: a message without a Message-ID gets a stable one made
    from a hash of its bytes (the same message fetched again gets the same one), and so does
    one whose Message-ID holds a control character; every value read from a header is
    one line without control characters (a NUL would be refused by PostgreSQL); undecodable
    text reads with replacement characters; an HTML body is read as plain text. The body is
    every text the sender wrote, in order, a blank line between them (see ``_walk``).
    """
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {name.lower(): _header(message, name) for name in dict.fromkeys(message.keys())}
    ids = _message_ids(headers.get("message-id", ""))
    message_id = ids[0] if ids else (
        f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.synergy-desk.invalid>")
    reply_to_ids = _message_ids(headers.get("in-reply-to", ""))
    name, address = parseaddr(headers.get("from", ""))
    bodies: list[str] = []
    files: list[ParsedAttachment] = []
    try:
        _walk(message, bodies, files)
    except Exception:  # noqa: BLE001 - a structure past reading: keep what was read
        pass
    return ParsedMessage(
        message_id=message_id,
        in_reply_to=reply_to_ids[0] if reply_to_ids else "",
        references=_message_ids(headers.get("references", "")),
        from_address=address.strip().lower() if "@" in address else "",
        from_name=_one_line(name).strip('"\' '),
        to=_addresses([headers.get("to", "")]),
        cc=_addresses([headers.get("cc", "")]),
        subject=headers.get("subject", ""),
        sent_at=_sent_at(headers.get("date", "")),
        body_text=_joined(bodies),
        attachments=tuple(files),
        auto_reply=is_auto_reply(headers),
        size_bytes=len(raw))


def find_incident_reference(subject: str) -> str | None:
    """The incident reference a subject carries in brackets: "[INC-000123]" → "INC-000123".

    Case and missing zero padding are forgiven ("[inc-123]"); a bare "INC-123" outside
    brackets is not taken (it may be any mention of an incident).
    """
    match = _REFERENCE.search(subject or "")
    if match is None:
        return None
    number = int(match.group(1))
    return f"INC-{number:06d}" if number > 0 else None


def subject_with_reference(subject: str, reference: str) -> str:
    """A reply's subject: "Re: Printer offline [INC-000123]", never "Re: Re:" nor the
    reference twice, and no other incident's reference (a reply to one incident must not be
    found as another's)."""
    text = " ".join((subject or "").split())
    while True:
        stripped = _REPLY_PREFIX.sub("", text, count=1)
        stripped = " ".join(_REFERENCE.sub(
            lambda m: m.group(0) if _reference_of(m) == reference else " ", stripped).split())
        if stripped == text:
            break
        text = stripped
    carried = {_reference_of(m) for m in _REFERENCE.finditer(text)}
    if reference not in carried:
        text = f"{text} [{reference}]".strip()
    return f"Re: {text}"


def _reference_of(match: re.Match[str]) -> str:
    return f"INC-{int(match.group(1)):06d}"


def quoted(body: str, who: str, when_text: str) -> str:
    """A message quoted below a reply: "On 5 Dec 2026 14:02, Raj Patel wrote:" and its lines
    each behind "> "."""
    lines = (body or "").rstrip().splitlines() or [""]
    return f"On {when_text}, {who} wrote:\n" + "\n".join(
        f"> {line}" if line else ">" for line in lines)


def is_auto_reply(headers: Mapping[str, str]) -> bool:
    """Whether a message was written by a machine (out-of-office, bounce, list, bulk mail):
    it is kept, but never answered and never re-opens an incident."""
    h = {str(k).lower(): " ".join(str(v).split()) for k, v in headers.items()}
    auto = h.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return True
    if h.get("precedence", "").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return True
    if any(h.get(name) for name in ("x-autoreply", "x-autorespond", "list-id")):
        return True
    if h.get("x-autogenerated", "").strip().lower() in ("reply", "forward", "group", "mirror"):
        return True
    return_path = h.get("return-path", "").strip()
    if return_path.replace(" ", "") == "<>":
        return True
    sender = (parseaddr(h.get("from", ""))[1] + " " + return_path).lower()
    if "mailer-daemon" in sender or re.search(r"(?:^|[<\s])postmaster@", sender):
        return True
    return bool(_OUT_OF_OFFICE.search(h.get("subject", "")))


def html_to_text(html: str) -> str:
    """An HTML body as readable plain text: no tags, scripts or styles, and nothing fetched
    (images are left out; a link's text is kept)."""
    try:
        from inscriptis import get_text

        text = get_text(html or "")
    except Exception:  # noqa: BLE001 - a document past reading: keep its words
        text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html or "")
        text = re.sub(r"<[^>]*>", " ", text)
    lines = [line.rstrip() for line in _clean(text).splitlines()]
    out = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", out)


def safe_filename(name: str) -> str:
    """A file's name as it may be saved on any desktop: no folders, no characters Windows
    refuses, not a device name, not empty, at most 150 characters (its extension kept)."""
    text = "".join(ch for ch in _clean(name or "") if unicodedata.category(ch) not in ("Cf", "Cc"))
    text = re.split(r"[/\\]", text)[-1]
    text = _NOT_IN_FILENAMES.sub("_", text).strip().strip(". ")
    if not text:
        text = "attachment"
    if _WINDOWS_RESERVED.match(text):
        text = f"_{text}"
    if len(text) > 150:
        stem, dot, ext = text.rpartition(".")
        text = (stem[:150 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else text[:150]
    return text


def is_risky_attachment(filename: str) -> bool:
    """Whether a file may not be opened from the desk, only saved: anything but a plain
    document or picture (``OPENABLE_EXTENSIONS``); invoice.pdf.exe and hidden
    right-to-left tricks included."""
    text = "".join(ch for ch in (filename or "") if unicodedata.category(ch) not in ("Cf", "Cc"))
    text = text.strip().rstrip(". ").lower()
    dot = text.rfind(".")
    return dot < 0 or text[dot:].strip() not in OPENABLE_EXTENSIONS
