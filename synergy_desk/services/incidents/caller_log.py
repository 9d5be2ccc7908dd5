"""The caller log: the phone system's call events (a call rings, is answered, ends) recorded as
one row per call, the caller found among the customers by their number, and a missed call
from a known customer put in the call-back queue.

The events come in the generic CTI form phone systems already send to help desks (Zammad's
generic CTI API): ``event`` is ``newCall``, ``answer`` or ``hangup``; ``callId`` ties the
three together; ``from``, ``to`` and ``direction`` (``in`` or ``out``) say who rang whom;
``user[]`` names who answered; a hangup's ``cause`` says how it ended (``normalClearing``,
``cancel``, ``noAnswer``, ``busy``...). Each event counts once per call: the phone system may
send one again and nothing changes.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from peewee import JOIN, ModelSelect, fn

from synergy_desk.domain.errors import NotFound, PermissionDenied, ValidationError
from synergy_desk.domain.phones import display_phone, try_normalise_phone
from synergy_desk.domain.zones import format_datetime, utc_start
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    EVERYONE,
    Actor,
    audit,
    for_update,
    opt_fk_id,
    require,
    retried,
    snapshot,
    transaction,
    tuples,
)
from synergy_desk.services.incidents.callbacks import add_callback
from synergy_desk.services.office.office_time import office_date, office_zone

__all__ = [
    "PhoneEvent", "CallerLogRow", "phone_event", "read_phone_request", "record_phone_event",
    "caller_log", "call_of", "phone_system_url", "CTI_PATH", "EVENTS", "DIRECTIONS",
    "ANSWERED", "MISSED", "MAX_BODY_BYTES", "caller_number",
]

#: Where the phone system posts its events; the office's token follows it in the URL.
CTI_PATH = "/api/v1/cti/"
#: The events of a call, in the order they come.
EVENTS = ("newCall", "answer", "hangup")
DIRECTIONS = ("in", "out")
ANSWERED = "answered"
MISSED = "missed"
#: No call event is anywhere near this long; a larger request is refused unread.
MAX_BODY_BYTES = 64_000

_MAX_CALL_ID = 100
_MAX_NUMBER = 40
_MAX_NAME = 200
_MAX_CAUSE = 40


@dataclass(frozen=True)
class PhoneEvent:
    """One call event as the phone system sent it, checked."""

    event: str  # "newCall", "answer" or "hangup"
    call_id: str
    direction: str  # "in" or "out"
    from_number: str
    to_number: str
    users: tuple[str, ...] = ()
    cause: str = ""


@dataclass(frozen=True)
class CallerLogRow:
    """One call as the caller log shows it."""

    id: int
    call_id: str
    direction: str
    from_number: str  # E.164 where it is a number, else as the phone system sent it
    to_number: str
    customer_id: int | None
    customer_name: str
    contact_id: int | None
    contact_name: str
    started_at: dt.datetime
    answered_at: dt.datetime | None
    answered_by_id: int | None
    answered_by_name: str  # the desk user's name, or as the phone system sent it
    ended_at: dt.datetime | None
    duration_seconds: int
    outcome: str  # "" while the call lasts, then "answered" or "missed"
    hangup_cause: str
    call_back_id: int | None

    @property
    def missed(self) -> bool:
        return self.outcome == MISSED

    @property
    def number(self) -> str:
        """The other party's number: the caller's on a call in, the one rung on a call out."""
        return self.from_number if self.direction == "in" else self.to_number


# --- reading the phone system's request -------------------------------------------------------

def _text(fields: Mapping[str, Any], name: str, limit: int, *, required: bool = False) -> str:
    value = fields.get(name, "")
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if value is None:
        value = ""
    if not isinstance(value, str | int):
        raise ValidationError(f"“{name}” must be text.", name)
    text = str(value).strip()
    if required and not text:
        raise ValidationError(f"The event has no “{name}”.", name)
    if len(text) > limit or any(ord(c) < 32 for c in text):
        raise ValidationError(f"“{name}” is not a value a phone system sends.", name)
    return text


def _users(fields: Mapping[str, Any]) -> tuple[str, ...]:
    value = fields.get("user", fields.get("user[]", ()))
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValidationError("“user” must be a list of names.", "user")
    names = []
    for item in value:
        if not isinstance(item, str):
            raise ValidationError("“user” must be a list of names.", "user")
        name = item.strip()
        if len(name) > _MAX_NAME or any(ord(c) < 32 for c in name):
            raise ValidationError("“user” is not a name a phone system sends.", "user")
        if name:
            names.append(name)
    return tuple(names)


def phone_event(fields: Mapping[str, Any]) -> PhoneEvent:
    """A call event from the fields the phone system sent (form fields or JSON keys).

    Raises:
        ValidationError: a missing or unknown event, direction or call id, in one line.
    """
    event = _text(fields, "event", 20, required=True)
    if event not in EVENTS:
        raise ValidationError(f"“{event}” is not a call event (newCall, answer or hangup).",
                              "event")
    call_id = _text(fields, "callId", _MAX_CALL_ID, required=True)
    direction = _text(fields, "direction", 20) or "in"
    if direction not in DIRECTIONS:
        raise ValidationError(f"“{direction}” is not a direction (in or out).", "direction")
    return PhoneEvent(event, call_id, direction, _text(fields, "from", _MAX_NUMBER),
                      _text(fields, "to", _MAX_NUMBER), _users(fields),
                      _text(fields, "cause", _MAX_CAUSE))


def _token_given(path: str, headers: Mapping[str, str]) -> str:
    lowered = {k.lower(): v for k, v in headers.items()}
    header = lowered.get("x-synergy-token", "").strip()
    if header:
        return header
    bearer = lowered.get("authorization", "").strip()
    if bearer.lower().startswith("bearer "):
        return bearer[7:].strip()
    route = urlsplit(path).path
    if route.startswith(CTI_PATH):
        return unquote(route[len(CTI_PATH):]).strip("/")
    return ""


def read_phone_request(path: str, headers: Mapping[str, str], body: bytes,
                       token: str) -> PhoneEvent:
    """The call event of one POST from the phone system, once its token is the office's.

    The token is the last part of the path (``/api/v1/cti/<token>``, as the phone system is
    given it) or an ``X-Synergy-Token`` or ``Authorization: Bearer`` header; the body is form
    fields (``user[]`` repeated) or a JSON object.

    Raises:
        PermissionDenied: no token, or not the office's (nothing is read further).
        NotFound: a path that is not the phone system's.
        ValidationError: a body that is not a call event, said in one line.
    """
    route = urlsplit(path).path
    if not (route.rstrip("/") + "/").startswith(CTI_PATH):
        raise NotFound("There is nothing here but the phone system's events.")
    given = _token_given(path, headers)
    if not token or not given or not hmac.compare_digest(given.encode(), token.encode()):
        raise PermissionDenied("The request does not carry this office's token.")
    if len(body) > MAX_BODY_BYTES:
        raise ValidationError("The request is too large to be a call event.")
    content_type = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError("The request is not UTF-8 text.") from None
    fields: Any
    if "json" in content_type.lower() or text.lstrip().startswith("{"):
        try:
            fields = json.loads(text)
        except ValueError:
            raise ValidationError("The request is not readable JSON.") from None
        if not isinstance(fields, dict):
            raise ValidationError("The request's JSON is not an object of fields.")
    else:
        pairs = parse_qs(text, keep_blank_values=True)
        fields = {(k[:-2] if k.endswith("[]") else k): v for k, v in pairs.items()}
        fields = {k: (v if k == "user" else v[-1]) for k, v in fields.items()}
    return phone_event(fields)


def phone_system_url(host: str, port: int, token: str) -> str:
    """The address to give the phone system, its token in it as the phone system sends it."""
    return f"http://{host}:{port}{CTI_PATH}{token}"


# --- recording ------------------------------------------------------------------------------

def caller_number(text: str) -> str:
    """A number as the phone system sent it, in E.164 where it is one ("441632960123",
    "01632 960123" and "+44 1632 960123" alike); otherwise as sent ("anonymous")."""
    raw = text.strip()
    found = try_normalise_phone(raw)
    if found is None and raw.isdigit() and not raw.startswith("0"):
        found = try_normalise_phone("+" + raw)  # the international form without its "+"
    return found or raw


def _caller(number: str) -> tuple[int | None, int | None]:
    """The customer (and contact) whose number this is; (None, None) if nobody's or several
    customers'."""
    if not number.startswith("+"):
        return None, None
    customers = [row.id for row in t.Customer.select(t.Customer.id)
                 .where(t.Customer.phone == number).order_by(t.Customer.id).limit(2)]
    if len(customers) == 1:
        return customers[0], None
    contacts = tuples(t.Contact.select(t.Contact.customer, t.Contact.id)
                      .where((t.Contact.phone == number) & t.Contact.retired_at.is_null())
                      .order_by(t.Contact.id))
    owners = {customer for customer, _contact in contacts}
    if len(customers) == 0 and len(owners) == 1:
        return contacts[0][0], contacts[0][1]
    return None, None


def _desk_user(names: Sequence[str]) -> int | None:
    """The active desk user one of the names is (user name or full name, in any case)."""
    for name in names:
        lowered = name.lower()
        found = (t.User.select(t.User.id)
                 .where(t.User.active & ((fn.LOWER(t.User.username) == lowered)
                                         | (fn.LOWER(t.User.full_name) == lowered)))
                 .order_by(t.User.id).first())
        if found is not None:
            return int(found.id)
    return None


def _missed_note(row: t.CallerLog, at: dt.datetime) -> str:
    when = format_datetime(at, office_zone().key)
    return f"Missed call from {display_phone(row.from_number) or row.from_number} at {when}."


@retried
def record_phone_event(actor: Actor, event: PhoneEvent | Mapping[str, Any]) -> CallerLogRow:
    """Record one of the phone system's call events, for the desk that listens (``actor``).

    ``newCall`` starts the call's row, its caller found by number; ``answer`` says when and by
    whom (a desk user when a name in ``user[]`` is one, the names as sent either way);
    ``hangup`` ends it with its length, and a call in that nobody answered from a known
    customer becomes a call-back due now. An event the call has had already changes nothing.

    Raises:
        ValidationError: not a call event.
        NotFound: an answer or hangup of a call that never rang here; nothing is written.
        PermissionDenied.
    """
    checked = event if isinstance(event, PhoneEvent) else phone_event(event)
    with transaction():
        require(actor, EVERYONE, "record the phone system's calls")
        now = utcnow()
        if checked.event == "newCall":
            return _ring(actor, checked, now)
        row = (for_update(t.CallerLog.select().where(t.CallerLog.call_id == checked.call_id))
               .first())
        if row is None:
            raise NotFound(f"The phone system told of call {checked.call_id}, which never rang "
                           "here; nothing was recorded.")
        if checked.event == "answer":
            if row.answered_at is None and row.ended_at is None:
                _answer(actor, row, checked, now)
        elif row.ended_at is None:
            _hang_up(actor, row, checked, now)
        return _row(row.id)


def _ring(actor: Actor, event: PhoneEvent, now: dt.datetime) -> CallerLogRow:
    existing = t.CallerLog.get_or_none(t.CallerLog.call_id == event.call_id)
    if existing is not None:
        return _row(existing.id)  # told twice: the first is the call
    source, target = caller_number(event.from_number), caller_number(event.to_number)
    customer_id, contact_id = _caller(source if event.direction == "in" else target)
    inserted = (t.CallerLog.insert(
        call_id=event.call_id, direction=event.direction, from_number=source,
        to_number=target, customer=customer_id, contact=contact_id, started_at=now,
        recorded_by=actor.id).on_conflict_ignore().execute())
    row = t.CallerLog.get(t.CallerLog.call_id == event.call_id)
    if inserted:
        audit(actor, "call.ring", "call", row.id, after=snapshot(row))
    return _row(row.id)


def _answer(actor: Actor, row: t.CallerLog, event: PhoneEvent, now: dt.datetime) -> None:
    before = snapshot(row, ["answered_at", "answered_by", "answered_by_name"])
    (t.CallerLog.update(answered_at=now, answered_by=_desk_user(event.users),
                        answered_by_name=", ".join(event.users)[:_MAX_NAME])
     .where(t.CallerLog.id == row.id).execute())
    after = snapshot(t.CallerLog.get_by_id(row.id), list(before))
    audit(actor, "call.answer", "call", row.id, before, after)


def _hang_up(actor: Actor, row: t.CallerLog, event: PhoneEvent, now: dt.datetime) -> None:
    fields = ["ended_at", "duration_seconds", "outcome", "hangup_cause", "call_back"]
    before = snapshot(row, fields)
    answered = row.answered_at is not None
    duration = max(0, int((now - row.answered_at).total_seconds())) if answered else 0
    call_back = None
    customer_id = opt_fk_id(row, "customer")
    if not answered and row.direction == "in" and customer_id is not None:
        call_back = add_callback(actor, customer_id, now, _missed_note(row, row.started_at),
                                 contact_id=opt_fk_id(row, "contact"), created_at=now).id
    (t.CallerLog.update(ended_at=now, duration_seconds=duration,
                        outcome=ANSWERED if answered else MISSED,
                        hangup_cause=event.cause, call_back=call_back)
     .where(t.CallerLog.id == row.id).execute())
    after = snapshot(t.CallerLog.get_by_id(row.id), fields)
    audit(actor, "call.end", "call", row.id, before, after)


# --- reading --------------------------------------------------------------------------------

def _query() -> ModelSelect[Any]:
    answerer = t.User.alias()
    contact = t.Contact.alias()
    c = t.CallerLog
    return (c.select(c.id, c.call_id, c.direction, c.from_number, c.to_number, c.customer,
                     t.Customer.name, c.contact, contact.name, c.started_at, c.answered_at,
                     c.answered_by, answerer.full_name, c.answered_by_name, c.ended_at,
                     c.duration_seconds, c.outcome, c.hangup_cause, c.call_back)
            .join(t.Customer, JOIN.LEFT_OUTER, on=(c.customer == t.Customer.id))
            .switch(c)
            .join(contact, JOIN.LEFT_OUTER, on=(c.contact == contact.id))
            .switch(c)
            .join(answerer, JOIN.LEFT_OUTER, on=(c.answered_by == answerer.id)))


def _rows(query: ModelSelect[Any]) -> list[CallerLogRow]:
    out = []
    for (cid, call_id, direction, source, target, customer_id, customer_name, contact_id,
         contact_name, started, answered, answerer_id, answerer, answer_text, ended, duration,
         outcome, cause, call_back) in tuples(query):
        out.append(CallerLogRow(
            cid, call_id, direction, source, target, customer_id, customer_name or "",
            contact_id, contact_name or "", started, answered, answerer_id,
            answerer or answer_text or "", ended, int(duration or 0), outcome, cause,
            call_back))
    return out


def _row(row_id: int) -> CallerLogRow:
    return _rows(_query().where(t.CallerLog.id == row_id))[0]


def call_of(call_id: str) -> CallerLogRow | None:
    """The call the phone system calls ``call_id``, if it rang here."""
    return next(iter(_rows(_query().where(t.CallerLog.call_id == call_id))), None)


def caller_log(*, today: bool = False, missed_only: bool = False,
               customer_id: int | None = None, limit: int = 500,
               now: dt.datetime | None = None) -> list[CallerLogRow]:
    """The calls, newest first: only today's (the office's day), only the missed ones, only
    one customer's, as asked; at most ``limit``."""
    query = _query()
    if today:
        at = now or utcnow()
        zone = office_zone()
        query = query.where(t.CallerLog.started_at >= utc_start(office_date(at, zone), zone))
    if missed_only:
        query = query.where(t.CallerLog.outcome == MISSED)
    if customer_id is not None:
        query = query.where(t.CallerLog.customer == customer_id)
    return _rows(query.order_by(t.CallerLog.started_at.desc(), t.CallerLog.id.desc())
                 .limit(max(1, limit)))
