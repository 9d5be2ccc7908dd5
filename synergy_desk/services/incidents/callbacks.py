"""Call-backs promised to customers: scheduling them, the queue of due ones, clearing them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from peewee import JOIN, ModelSelect, fn

from synergy_desk.domain.cards import refuse_card_numbers
from synergy_desk.domain.enums import TimelineKind
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.text import sanitised
from synergy_desk.domain.zones import format_datetime
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services import search_index
from synergy_desk.services.common import (
    ENGINEERS,
    EVERYONE,
    Actor,
    audit,
    fk_id,
    get_or_404,
    in_transaction,
    opt_fk_id,
    require,
    retried,
    snapshot,
    transaction,
    tuples,
)
from synergy_desk.services.incident_events import incident_event
from synergy_desk.services.incidents import fields
from synergy_desk.services.incidents.changes import add_entry
from synergy_desk.services.office.office_time import office_zone

__all__ = [
    "CallBackRow", "schedule_callback", "clear_callback", "due_callbacks", "callbacks_due_count",
    "callbacks_of_customer", "MAX_NOTE", "callbacks_due_for", "add_callback"
]

MAX_NOTE = 2_000



@dataclass(frozen=True)
class CallBackRow:
    """One promised call-back as the queue and the customer panel show it."""

    id: int
    customer_id: int
    customer_name: str
    contact_id: int | None
    contact_name: str
    contact_phone: str
    incident_id: int | None
    incident_reference: str
    due_at: dt.datetime
    note: str
    created_by_name: str
    created_at: dt.datetime
    done_at: dt.datetime | None
    done_by_name: str
    outcome: str
    overdue: bool
    #: Who it was promised to; None: any engineer.
    assigned_to_id: int | None = None
    assigned_to_name: str = ""



def _naive_utc(value: dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValidationError("Give the date and time of the call-back.", "due_at")
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _text(value: str | None, what: str, *, required: bool) -> str:
    text = sanitised(value, what.replace(" ", "_"), what).strip()
    if required and not text:
        raise ValidationError(f"Write the {what}.", what.replace(" ", "_"))
    if len(text) > MAX_NOTE:
        raise ValidationError(f"The {what} is too long (at most {MAX_NOTE:,} characters).",
                              what.replace(" ", "_"))
    return refuse_card_numbers(text, what)


def _query() -> ModelSelect[Any]:
    contact = t.Contact.alias()
    creator = t.User.alias()
    doer = t.User.alias()
    owner = t.User.alias()
    return (t.CallBack
            .select(t.CallBack.id, t.CallBack.customer, t.Customer.name, t.CallBack.contact,
                    contact.name, contact.phone, t.CallBack.incident, t.Incident.reference,
                    t.CallBack.due_at, t.CallBack.note, creator.full_name, t.CallBack.created_at,
                    t.CallBack.done_at, doer.full_name, t.CallBack.outcome,
                    t.CallBack.assigned_to, owner.full_name)
            .join(t.Customer, on=(t.CallBack.customer == t.Customer.id))
            .switch(t.CallBack)
            .join(contact, JOIN.LEFT_OUTER, on=(t.CallBack.contact == contact.id))
            .switch(t.CallBack)
            .join(t.Incident, JOIN.LEFT_OUTER, on=(t.CallBack.incident == t.Incident.id))
            .switch(t.CallBack)
            .join(creator, on=(t.CallBack.created_by == creator.id))
            .switch(t.CallBack)
            .join(doer, JOIN.LEFT_OUTER, on=(t.CallBack.done_by == doer.id))
            .switch(t.CallBack)
            .join(owner, JOIN.LEFT_OUTER, on=(t.CallBack.assigned_to == owner.id)))


def _rows(query: ModelSelect[Any], now: dt.datetime) -> list[CallBackRow]:
    out = []
    for (cid, customer_id, customer_name, contact_id, contact_name, contact_phone, incident_id,
         reference, due_at, note, creator, created_at, done_at, doer, outcome, owner_id,
         owner) in tuples(query):
        out.append(CallBackRow(
            cid, customer_id, customer_name, contact_id, contact_name or "", contact_phone or "",
            incident_id, reference or "", due_at, note, creator or "", created_at, done_at,
            doer or "", outcome, done_at is None and due_at < now, owner_id, owner or ""))
    return out


def _row(callback_id: int) -> CallBackRow:
    return _rows(_query().where(t.CallBack.id == callback_id), utcnow())[0]


@retried
def schedule_callback(actor: Actor, customer_id: int, due_at: dt.datetime, note: str, *,
                      incident_id: int | None = None,
                      contact_id: int | None = None,
                      assigned_to: int | None = None) -> CallBackRow:
    """Promise to call a customer back at a time in the future; ``assigned_to`` is the user
    it is promised to (None: any engineer), whose desk is reminded when it falls due.

    Raises:
        ValidationError: the time has passed, or the incident or contact is someone else's.
        NotFound, PermissionDenied.
    """
    with transaction():
        require(actor, EVERYONE, "schedule call-backs")
        due = _naive_utc(due_at)
        now = utcnow()
        if due <= now:
            raise ValidationError("That time has passed: a call-back is promised for a time "
                                  "still to come.", "due_at")
        text = _text(note, "note", required=False)
        customer = get_or_404(t.Customer, customer_id, "customer")
        if incident_id is not None:
            incident = get_or_404(t.Incident, incident_id, "incident")
            if fk_id(incident, "customer") != customer.id:
                raise ValidationError(
                    f"{incident.reference} belongs to another customer, not {customer.name}.",
                    "incident")
        if contact_id is not None:
            fields.contact(customer, contact_id)  # theirs, and still there
        owner = _owner(assigned_to)
        row = add_callback(actor, customer.id, due, text, incident_id=incident_id,
                           contact_id=contact_id, assigned_to=owner, created_at=now)
        if incident_id is not None:
            incident_event(actor, incident_id, f"Call-back promised for "
                                               f"{format_datetime(due, office_zone().key)} by "
                                               f"{actor.full_name}" + (f": {text.rstrip('.')}."
                                                                       if text else "."))
        return _row(row.id)


@in_transaction
def add_callback(actor: Actor, customer_id: int, due: dt.datetime, note: str, *,
                 incident_id: int | None = None, contact_id: int | None = None,
                 assigned_to: int | None = None,
                 created_at: dt.datetime | None = None) -> t.CallBack:
    """Put a call-back, checked already, in the queue and the audit log (inside the caller's
    transaction): a promise made at the desk, or a missed call from a known customer."""
    row = t.CallBack.create(customer=customer_id, incident=incident_id, contact=contact_id,
                            due_at=due, note=note, created_by=actor.id,
                            created_at=created_at or utcnow(), assigned_to=assigned_to)
    audit(actor, "callback.schedule", "callback", row.id, after=snapshot(row))
    return row


@retried
def clear_callback(actor: Actor, callback_id: int, outcome: str) -> CallBackRow:
    """Mark a call-back made, with what came of it (anyone at a desk: reception rings back
    too); it goes on the incident's timeline when it has one.

    Raises:
        ValidationError: no outcome, or the call-back was cleared already.
        NotFound, PermissionDenied.
    """
    with transaction():
        require(actor, EVERYONE, "clear call-backs")  # reception makes calls too
        text = _text(outcome, "outcome", required=True)
        row = get_or_404(t.CallBack, callback_id, "call-back", lock=True)
        if row.done_at is not None:
            done_by = opt_fk_id(row, "done_by")
            who = t.User.get_by_id(done_by).full_name if done_by is not None else "someone"
            raise ValidationError(f"This call-back was cleared already by {who}.")
        before = snapshot(row)
        now = utcnow()
        (t.CallBack.update(done_at=now, done_by=actor.id, outcome=text)
         .where(t.CallBack.id == row.id).execute())
        incident_id = opt_fk_id(row, "incident")
        if incident_id is not None:
            # Who sees it follows the one rule of every entry (a call out: the customer does).
            add_entry(actor, incident_id, TimelineKind.PHONE_OUT, f"Call-back: {text}",
                      occurred_at=now)
            (t.Incident.update(last_activity_at=now)
             .where(t.Incident.id == incident_id).execute())
            search_index.index_incident(incident_id)
        after = snapshot(t.CallBack.get_by_id(row.id))
        audit(actor, "callback.clear", "callback", row.id, before, after)
        return _row(row.id)


def due_callbacks(now: dt.datetime | None = None,
                  include_future_hours: int = 0) -> list[CallBackRow]:
    """Call-backs not yet made that are due (or due within the next hours), oldest first."""
    at = _naive_utc(now) if now is not None else utcnow()
    until = at + dt.timedelta(hours=max(0, include_future_hours))
    query = (_query().where(t.CallBack.done_at.is_null() & (t.CallBack.due_at <= until))
             .order_by(t.CallBack.due_at, t.CallBack.id))
    return _rows(query, at)


def callbacks_due_count(now: dt.datetime | None = None) -> int:
    """How many call-backs are due or overdue now."""
    at = _naive_utc(now) if now is not None else utcnow()
    value = (t.CallBack.select(fn.COUNT(t.CallBack.id))
             .where(t.CallBack.done_at.is_null() & (t.CallBack.due_at <= at)).scalar())
    return int(value or 0)


def callbacks_of_customer(customer_id: int, *, include_done: bool = False) -> list[CallBackRow]:
    """A customer's call-backs for the customer panel, soonest first."""
    query = _query().where(t.CallBack.customer == customer_id)
    if not include_done:
        query = query.where(t.CallBack.done_at.is_null())
    return _rows(query.order_by(t.CallBack.due_at, t.CallBack.id), utcnow())


def _owner(user_id: int | None) -> int | None:
    """The user a call-back is promised to, checked (inside the caller's transaction)."""
    if user_id is None:
        return None
    user = get_or_404(t.User, user_id, "user")
    if not user.active:
        raise ValidationError(f"{user.full_name} no longer works here: promise the call-back "
                              "to someone who does, or to any engineer.", "assigned_to")
    return int(user.id)


def callbacks_due_for(actor: Actor, now: dt.datetime | None = None) -> list[CallBackRow]:
    """The call-backs not yet made that are due now and this user's desk is to be reminded
    of: those promised to them, and (for engineers and managers) those promised to nobody in
    particular; oldest first."""
    at = _naive_utc(now) if now is not None else utcnow()
    mine = t.CallBack.assigned_to == actor.id
    if actor.role in ENGINEERS:
        mine = mine | t.CallBack.assigned_to.is_null()
    query = (_query().where(t.CallBack.done_at.is_null() & (t.CallBack.due_at <= at) & mine)
             .order_by(t.CallBack.due_at, t.CallBack.id))
    return _rows(query, at)
