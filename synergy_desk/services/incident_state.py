"""Changing an incident safely: locking it, optimistic locking, the kept status counts, last
activity, and whether it may be funded.

**The lock order.** Every transaction that changes money or funding takes its row locks in
this one order, taking only the steps it needs, so two desks never wait for each other in a
circle (a deadlock):

1. the customer (:func:`lock_customer`), when the transaction decides on several of the
   customer's incidents at once — a refund (which incidents does the payment fund now?) and a
   merge (where does the duplicate's payment go?);
   Recording money for a payment request locks the request's row here, first
   (``payment_requests.record_transfer``);
2. incidents, by id (:func:`lock_incident`, always called in ascending id order);
3. season tickets, by id (``tickets.lock_tickets``);
4. the payment being refunded (``credit_notes.issue_credit_note_in_tx``);
5. the number sequences, then the chain heads of the money rows, each by name
   (``next_number``, ``chain_append``);
6. the kept status counts, by key (status, engineer, product), last of all
   (:func:`counts_in_one_pass`).

What a transaction decides on (which incidents a payment funds, whether a line was refunded,
what is left on a ticket) is read again after the lock that guards it is held, never before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import peewee
from peewee import fn

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.domain.errors import ConflictError, NotFound, ValidationError
from synergy_desk.domain.numbers import payment_request_text
from synergy_desk.models import tables as t
from synergy_desk.models.base import BaseModel, db, utcnow
from synergy_desk.services.common import (
    Actor,
    audit,
    get_or_404,
    in_transaction,
    snapshot,
    stale_edit,
    tuples,
)

__all__ = [
    "CountKey", "bump_count", "counts_in_one_pass", "update_incident", "incident_conflict",
    "recount_all", "active_funding", "lock_customer", "lock_incident", "check_fundable",
    "open_request", "check_no_open_request",
]

#: Fields whose change moves an incident between the kept counts.
_COUNTED = ("status", "engineer", "product")

#: One kept count's key: (status, engineer id or 0, product id).
CountKey = tuple[str, int, int]

#: The count changes a transaction inside :func:`counts_in_one_pass` has still to write.
_pending_counts: ContextVar[dict[CountKey, int] | None] = ContextVar("_pending_counts",
                                                                     default=None)


def _count_key(status: Any, engineer_id: int | None, product_id: int) -> CountKey:
    return (IncidentStatus(status).value, engineer_id or 0, product_id)


@in_transaction
def bump_count(status: Any, engineer_id: int | None, product_id: int, delta: int) -> None:
    """Add ``delta`` to the kept count for one (status, engineer, product) key."""
    _bump({_count_key(status, engineer_id, product_id): delta})


@contextmanager
def counts_in_one_pass() -> Iterator[None]:
    """Hold back the kept counts' changes of the block and write them at its end, once each,
    in key order: the last locks of the transaction (see the lock order above).

    For a transaction that changes several incidents, or one incident more than once (a
    payment for three incidents, a refund, a merge): written as they came, the counts would
    be locked in the order the incidents happened to change, and two desks could each hold
    the count the other needs next. Changes that cancel out (queued → awaiting payment →
    closed leaves "awaiting payment" as it was) write nothing. Use it inside the
    transaction: ``with transaction(), counts_in_one_pass():``. Nested, the outer one writes.
    If the block fails nothing is written (its transaction is rolled back anyway).
    """
    if db.transaction_depth() == 0:
        raise RuntimeError("counts_in_one_pass must run inside the caller's transaction")
    if _pending_counts.get() is not None:
        yield
        return
    pending: dict[CountKey, int] = {}
    token = _pending_counts.set(pending)
    try:
        yield
    finally:
        _pending_counts.reset(token)
    _write_counts(pending)


def _bump(deltas: Mapping[CountKey, int]) -> None:
    """Change several kept counts: held back inside :func:`counts_in_one_pass`, else now."""
    pending = _pending_counts.get()
    if pending is None:
        _write_counts(deltas)
        return
    for key, delta in deltas.items():
        pending[key] = pending.get(key, 0) + delta


def _write_counts(deltas: Mapping[CountKey, int]) -> None:
    # In key order, whichever incident changed first, so two desks never deadlock on them.
    for key in sorted(deltas):
        if deltas[key]:
            _write_count(key, deltas[key])


def _write_count(key: CountKey, delta: int) -> None:
    updated = (t.IncidentCount.update(count=t.IncidentCount.count + delta)
               .where((t.IncidentCount.status == key[0]) & (t.IncidentCount.engineer_id == key[1])
                      & (t.IncidentCount.product_id == key[2])).execute())
    if not updated:
        (t.IncidentCount.insert(status=key[0], engineer_id=key[1], product_id=key[2], count=delta)
         .on_conflict(conflict_target=[t.IncidentCount.status, t.IncidentCount.engineer_id,
                                       t.IncidentCount.product_id],
                      update={t.IncidentCount.count: t.IncidentCount.count + delta})
         .execute())


def _fk_id(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return int(value.get_id())  # type: ignore[no-untyped-call]
    return int(value)


def _describe(field: str, value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.get_id()  # type: ignore[no-untyped-call]
    return value


@in_transaction
def update_incident(actor: Actor | None, incident: t.Incident, changes: dict[str, Any], *,
                    action: str, expected_version: int | None = None,
                    touch: bool = True) -> t.Incident:
    """Write ``changes`` to the incident if nobody else changed it since ``expected_version``.

    Runs inside the caller's transaction; keeps the status counts and the audit log.

    Raises:
        ConflictError: another desk saved the incident first; names who and what changed.
    """
    version = incident.version if expected_version is None else expected_version
    before = snapshot(incident)
    values = dict(changes)
    if touch:
        values.setdefault("last_activity_at", utcnow())
    values["version"] = version + 1
    field_values = {getattr(t.Incident, k): v for k, v in values.items()}
    updated = (t.Incident.update(field_values)
               .where((t.Incident.id == incident.id) & (t.Incident.version == version))
               .execute())
    if not updated:
        raise incident_conflict(incident.id, version)
    old_key = (before["status"], before["engineer"], before["product"])
    for name, value in values.items():
        setattr(incident, name, value)
    new_key = (IncidentStatus(incident.status).value, _fk_id(incident.__data__.get("engineer")),
               _fk_id(incident.__data__.get("product")))
    if any(k in changes for k in _COUNTED) and tuple(old_key) != new_key:
        # Both counts in one pass, so they are locked in key order whichever way it moves.
        _bump({_count_key(old_key[0], old_key[1], int(old_key[2])): -1,
               _count_key(new_key[0], new_key[1], int(new_key[2] or 0)): +1})
    after = snapshot(incident, fields=list(changes) + ["version"])
    audit(actor, action, "incident", incident.id,
          {k: before.get(k) for k in after}, after)
    return incident


def incident_conflict(incident_id: int, expected_version: int) -> ConflictError:
    """The refusal of a change made from a screen that showed ``expected_version``: who saved
    the incident since, and which fields."""
    current = get_or_404(t.Incident, incident_id, "incident")
    return stale_edit("incident", incident_id, expected_version, current.reference,
                      ignore=("last_activity_at",), limit=500)


def recount_all() -> None:
    """Rebuild the kept counts from the incidents (after a bulk load or a repair)."""
    t.IncidentCount.delete().execute()
    rows: Any = (t.Incident.select(t.Incident.status, t.Incident.engineer, t.Incident.product,
                                   fn.COUNT(t.Incident.id).alias("n"))
                 .group_by(t.Incident.status, t.Incident.engineer, t.Incident.product).tuples())
    batch = [{"status": s, "engineer_id": e or 0, "product_id": p, "count": n}
             for s, e, p, n in rows]
    for i in range(0, len(batch), 500):
        t.IncidentCount.insert_many(batch[i:i + 500]).execute()


# --- locking and funding state, inside the caller's transaction ---

def active_funding(incident_id: int) -> t.IncidentFunding | None:
    row: t.IncidentFunding | None = (t.IncidentFunding.select()
            .where((t.IncidentFunding.incident == incident_id) & t.IncidentFunding.active)
            .order_by(t.IncidentFunding.id.desc()).first())
    return row


@in_transaction
def lock_customer(customer_id: int) -> t.Customer:
    """Read a customer and lock it for the caller's transaction: the first lock of the order.

    Taken by the transactions that decide on several of the customer's incidents at once (a
    refund, a merge), so that two of them run one after the other and the second sees what
    the first did. On PostgreSQL the lock is FOR NO KEY UPDATE: a desk adding an incident,
    call or call-back for the customer (which only needs the customer to exist) never waits
    for it. SQLite's IMMEDIATE transaction holds the whole file already.
    """
    query = t.Customer.select().where(t.Customer.id == customer_id)
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        # Peewee takes the clause's own text; its type hints know only True.
        query = query.for_update("FOR NO KEY UPDATE")  # type: ignore[arg-type]
    row: t.Customer | None = query.first()
    if row is None:
        raise NotFound(f"There is no customer with number {customer_id}.")
    return row


@in_transaction
def lock_incident(incident_id: int) -> t.Incident:
    """Read an incident and lock it for the caller's transaction.

    Several incidents are locked one call each in ascending id order (see the lock order).
    """
    return get_or_404(t.Incident, incident_id, "incident", lock=True)


def check_fundable(incident: t.Incident) -> None:
    """Refuse unless the incident is open, has no funding and waits for no bank transfer."""
    status = IncidentStatus(incident.status)
    if not status.is_open:
        raise ValidationError(
            f"{incident.reference} is {status.label.lower()}; re-open it before funding it.")
    current = active_funding(incident.id)
    if current is not None or FundingKind(incident.funding) is not FundingKind.NONE:
        kind = FundingKind(current.kind if current is not None else incident.funding)
        raise ValidationError(
            f"{incident.reference} is already funded ({kind.label.lower()}); nothing was "
            "charged.")
    # The customer was asked to pay by transfer: paid another way too, it would be paid twice.
    check_no_open_request(incident, "paid for another way",
                          "record the transfer when it arrives, or a manager cancels the "
                          "request first. Nothing was charged.")


def open_request(incident_id: int) -> tuple[int, dt.date] | None:
    """The number and due date of the open payment request the incident awaits, if any."""
    rows = tuples(
        t.PaymentRequest.select(t.PaymentRequest.number, t.PaymentRequest.due_on)
        .join(t.PaymentRequestLine, on=(t.PaymentRequestLine.request == t.PaymentRequest.id))
        .where((t.PaymentRequestLine.incident == incident_id)
               & (t.PaymentRequest.state == "open")).limit(1))
    return (int(rows[0][0]), rows[0][1]) if rows else None


def check_no_open_request(incident: t.Incident, doing: str,
                          instead: str = "a manager cancels the request first.") -> None:
    """Refuse while the incident awaits a bank transfer on an open payment request: the
    money that arrives for it must still find it open and unfunded.

    Raises:
        ValidationError: "INC-000004 is awaiting a bank transfer on payment request
            PR-000002, so it cannot be merged; a manager cancels the request first."
    """
    waiting = open_request(incident.id)
    if waiting is not None:
        raise ValidationError(
            f"{incident.reference} is awaiting a bank transfer on payment request "
            f"{payment_request_text(waiting[0])}, so it cannot be {doing}; {instead}")
