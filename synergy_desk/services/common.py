"""What every service shares: the acting user, permissions, transactions, audit, numbering."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

import peewee

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import ConflictError, LockTimeout, NotFound, PermissionDenied
from synergy_desk.models import generation
from synergy_desk.models import tables as t
from synergy_desk.models.base import BaseModel, db, utcnow
from synergy_desk.models.database import is_lock_timeout, is_run_again

log = logging.getLogger(__name__)

__all__ = [
    "Actor", "require", "transaction", "retried", "RUN_ATTEMPTS", "in_transaction",
    "read_snapshot", "edits_since",
    "stale_edit", "audit", "audit_many", "AuditEntry", "next_number", "chain_append",
    "chain_extend", "for_update", "snapshot", "get_or_404",
    "tuples", "fk_id", "opt_fk_id", "utcnow", "GENESIS_HASH", "ENGINEERS", "EVERYONE", "MANAGERS",
    "canonical_json", "row_hash", "text_or_empty"
]

GENESIS_HASH = "0" * 64

M = TypeVar("M", bound=BaseModel)

#: Roles allowed to do engineers' work (start, log work, split, merge, resolve, ...).
ENGINEERS = (Role.ENGINEER, Role.MANAGER)
#: Only managers (refunds, waivers, prices, users, settings).
MANAGERS = (Role.MANAGER,)
#: Everyone who logs in.
EVERYONE = (Role.RECEPTION, Role.ENGINEER, Role.MANAGER)

_ROLE_NAMES = {Role.RECEPTION: "reception", Role.ENGINEER: "engineers",
               Role.MANAGER: "managers"}


@dataclass(frozen=True)
class Actor:
    """The logged-in person a service acts for."""

    id: int
    username: str
    full_name: str
    role: Role

    @classmethod
    def from_user(cls, user: t.User) -> Actor:
        return cls(user.id, user.username, user.full_name, Role(user.role))

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER

    @property
    def is_engineer(self) -> bool:
        return self.role in ENGINEERS


def require(actor: Actor, allowed: Iterable[Role], doing: str) -> None:
    """Refuse unless the actor's role is among ``allowed``.

    Raises:
        PermissionDenied: naming who may do it.
    """
    allowed = tuple(allowed)
    if actor.role not in allowed:
        who = " and ".join(_ROLE_NAMES[r] for r in allowed)
        raise PermissionDenied(f"Only {who} may {doing}; you are logged in as {actor.role.value}.")
    # A user deactivated at another desk loses their rights at once.
    row = t.User.select(t.User.active, t.User.role).where(t.User.id == actor.id).first()
    if row is None or not row.active:
        raise PermissionDenied("Your account is no longer active; log in again.")
    if Role(row.role) not in allowed:
        raise PermissionDenied(
            f"Your role has been changed to {Role(row.role).value}; you may no longer {doing}.")


P = ParamSpec("P")
T = TypeVar("T")


def in_transaction(fn: Callable[P, T]) -> Callable[P, T]:
    """Mark a building block that runs inside its caller's transaction, and hold it to that.

    Such a function writes part of one use case (a ledger row, a funding record, an audit
    row); called with no transaction open it would commit half of one, so it refuses.
    """
    @functools.wraps(fn)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> T:
        if db.transaction_depth() == 0:
            raise RuntimeError(f"{fn.__name__} must run inside the caller's transaction")
        return fn(*args, **kwargs)

    guarded.__in_transaction__ = True  # type: ignore[attr-defined]
    return guarded


#: How many times one service call runs a transaction that lost a race with another desk's
#: (a deadlock, a serialisation failure) before it gives up with a readable message.
RUN_ATTEMPTS = 4


def _driver_message(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _lock_timeout() -> LockTimeout:
    return LockTimeout(
        "Another desk is still saving something this change needs (or has stopped half-way "
        "through, for example after losing its network); nothing of yours was saved. Try "
        "again in a moment.")


@contextmanager
def transaction() -> Iterator[None]:
    """One service call, one transaction (IMMEDIATE on SQLite).

    The outermost one first checks that the office is still the one this process opened
    (a restore gives it a new generation): if not, :class:`OfficeReplaced` and nothing is
    written. A lock another desk held for longer than a desk waits (``LOCK_WAIT_SECONDS``)
    ends the transaction with :class:`LockTimeout`, a readable message, instead of the
    driver's error. The function that opens it is :func:`retried`, which runs it again when
    it lost a race.
    """
    outermost = db.transaction_depth() == 0
    try:
        with db.atomic():
            if outermost:
                generation.check_unchanged()
            yield
    except peewee.DatabaseError as exc:
        if is_lock_timeout(exc):
            raise _lock_timeout() from exc
        raise


def retried(fn: Callable[P, T]) -> Callable[P, T]:
    """Run a service function's transaction again when it lost a race with another desk's.

    The one place where a transaction that failed with a deadlock or a serialisation failure
    (PostgreSQL), or a stale snapshot (SQLite), is run again: from the start, as it rolled
    back whole, up to :data:`RUN_ATTEMPTS` times with a short random pause, so the person
    never sees it; after the last attempt it is a :class:`LockTimeout`. Every function that
    opens a transaction is marked with it (the conventions test holds them to it, and to one
    transaction each, so nothing committed is run twice). Called inside a transaction
    already, the function runs once: the outermost call is the one retried.
    """
    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        if db.transaction_depth() > 0:
            return fn(*args, **kwargs)
        attempt = 1
        while True:
            try:
                return fn(*args, **kwargs)
            except peewee.DatabaseError as exc:
                if not is_run_again(exc):
                    raise
                if attempt >= RUN_ATTEMPTS:
                    log.warning("%s lost a race with another desk %d times; giving up: %s",
                                fn.__name__, attempt, _driver_message(exc))
                    raise _lock_timeout() from exc
                log.info("%s lost a race with another desk (%s); running it again",
                         fn.__name__, _driver_message(exc))
                time.sleep(random.uniform(0.005, 0.05) * attempt)
                attempt += 1

    run.__retried__ = True  # type: ignore[attr-defined]
    return run


@contextmanager
def read_snapshot() -> Iterator[None]:
    """One read-only transaction that sees one moment of the office and takes no write lock.

    For long reads (reports, the tamper check): a desk saving meanwhile neither waits for the
    read nor makes it see half of what it saved. Inside a transaction already, that one is
    used.
    """
    database = db.obj
    if db.transaction_depth() > 0:
        yield
    elif isinstance(database, peewee.PostgresqlDatabase):
        with database.atomic(isolation_level="REPEATABLE READ"):
            yield
    else:
        with database.atomic(lock_type="DEFERRED"):
            yield


def for_update(query: peewee.ModelSelect[Any]) -> peewee.ModelSelect[Any]:
    """Lock the selected rows until the transaction ends (PostgreSQL; SQLite locks the file)."""
    if isinstance(db.obj, peewee.PostgresqlDatabase):
        return query.for_update()
    return query


#: Values that go into JSON as they are, by exact type (a StrEnum is a str but goes by its
#: value, below); most of a hashed row's values are these, so they are answered first.
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _jsonable(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:  # a row's columns: their plain values are taken as they are
        return {k if type(k) is str else str(k): v if type(v) in _PLAIN else _jsonable(v)
                for k, v in value.items()}
    if kind is list:
        return [_jsonable(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    return json.dumps(_jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_SECRET_FIELDS = {"password_hash", "smtp_password", "imap_password", "logo",
                  "phone_listener_token"}


def snapshot(row: peewee.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The row's column values for the audit log (foreign keys as ids, secrets hidden)."""
    out: dict[str, Any] = {}
    for field in row._meta.sorted_fields:
        if fields is not None and field.name not in fields:
            continue
        name = field.name
        value = row.__data__.get(name)
        if name in _SECRET_FIELDS:
            value = "(hidden)" if value else ""
        out[name] = _jsonable(value)
    return out


def _audit_row(actor: Actor | None, action: str, entity: str, entity_id: object,
               before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
               ) -> tuple[t.AuditLog, dict[str, Any]]:
    """An audit row not yet linked into the chain, and the content its hash is taken over:
    every column but the chain's own, as the database will hold it (the same content as
    services.money.chains.audit_content, which the tamper check recomputes from the row)."""
    row = t.AuditLog(
        at=utcnow(),
        user=actor.id if actor else None,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        before=canonical_json(before) if before else "",
        after=canonical_json(after) if after else "",
    )
    content = {field.name: field.db_value(row.__data__.get(field.name))
               for field in row._meta.sorted_fields
               if field.name not in ("id", "prev_hash", "row_hash")}
    return row, content


@in_transaction
def audit(actor: Actor | None, action: str, entity: str, entity_id: object = "",
          before: Mapping[str, Any] | None = None,
          after: Mapping[str, Any] | None = None) -> None:
    """Append one row to the audit log (inside the caller's transaction).

    The row is linked into the audit log's own hash chain (like the money rows'), so a row
    deleted, altered or slipped in outside the program is found by the tamper check.
    """
    row, content = _audit_row(actor, action, entity, entity_id, before, after)
    row.prev_hash, row.row_hash = chain_append("audit", content)
    row.save(force_insert=True)


#: One audit row for :func:`audit_many`: (action, entity, entity_id, before, after).
AuditEntry = tuple[str, str, object, Mapping[str, Any] | None, Mapping[str, Any] | None]


@in_transaction
def audit_many(actor: Actor | None, entries: Sequence[AuditEntry]) -> None:
    """Append several rows to the audit log, in order, as :func:`audit` would one by one
    (inside the caller's transaction), with one lock of the chain's head and one INSERT.

    For writing many rows at once (an import's batch): the head is read and moved once
    rather than for every row, so the transaction holds it for as short a time as it can.
    """
    if not entries:
        return
    built = [_audit_row(actor, *entry) for entry in entries]
    links = chain_extend("audit", [content for _row, content in built])
    for (row, _content), (prev, new) in zip(built, links, strict=True):
        row.prev_hash, row.row_hash = prev, new
    t.AuditLog.insert_many([row.__data__ for row, _content in built]).execute()


def edits_since(entity: str, entity_id: object, expected_version: int, *,
                actions: Iterable[str] | None = None, ignore: Iterable[str] = (),
                limit: int = 200) -> tuple[dict[str, tuple[object, object]], list[str]]:
    """What other desks changed on a record since the version a screen showed, from the log.

    Walks the record's audit rows newest first while their "after" names a version newer than
    ``expected_version`` (a row that names no version, such as a call logged against an
    incident, saved no fields and is passed over). Returns each field that changed, as (what
    the stale screen showed, what it is now), and who made the newest change (None when the
    log does not say). ``actions`` limits the walk to the actions that give the record a new
    version; ``ignore`` names fields that are not worth telling (the version itself always
    is). A field changed and changed back is not told.
    """
    query = (t.AuditLog.select(t.AuditLog.before, t.AuditLog.after,
                               t.User.full_name.alias("who"))
             .join(t.User, on=(t.AuditLog.user == t.User.id), join_type=peewee.JOIN.LEFT_OUTER)
             .where((t.AuditLog.entity == entity) & (t.AuditLog.entity_id == str(entity_id))))
    if actions is not None:
        query = query.where(t.AuditLog.action.in_(list(actions)))
    skip = {"version", *ignore}
    newer: list[tuple[dict[str, Any], dict[str, Any], str | None]] = []
    for row in query.order_by(t.AuditLog.id.desc()).limit(limit).objects():
        after = json.loads(row.after) if row.after else {}
        version = after.get("version") if isinstance(after, dict) else None
        if not isinstance(version, int):
            continue
        if version <= expected_version:
            break  # newest first: everything older was on the screen already
        before = json.loads(row.before) if row.before else {}
        newer.append((before if isinstance(before, dict) else {}, after,
                      getattr(row, "who", None)))
    changes: dict[str, tuple[object, object]] = {}
    for before, after, _who in reversed(newer):  # oldest first: "was" is what the screen showed
        for key, value in after.items():
            if key in skip or (key not in changes and before.get(key) == value):
                continue
            changes[key] = (changes[key][0] if key in changes else before.get(key), value)
    changed = {key: (was, now) for key, (was, now) in changes.items() if was != now}
    names = list(dict.fromkeys(who or "another desk" for _b, _a, who in reversed(newer)))
    return changed, names


def stale_edit(entity: str, entity_id: object, expected_version: int, subject: str, *,
               labels: Mapping[str, str] | None = None, nothing: str = "its details",
               plural: bool = False, actions: Iterable[str] | None = None,
               ignore: Iterable[str] = (), limit: int = 200) -> ConflictError:
    """The refusal of a save made from a screen older than the record: who changed it since,
    and which fields (from :func:`edits_since`, named by ``labels`` where the column's own
    name would not do).

    ``subject`` names the record as the person knows it ("INC-000042", "The office's
    settings"; ``plural`` for a plural one); ``nothing`` stands for the fields when the log
    names none. The message names everyone who saved it since; ``changed_by`` is the last.
    """
    changes, people = edits_since(entity, entity_id, expected_version, actions=actions,
                                  ignore=ignore, limit=limit)
    people = people or ["another desk"]
    field_names = labels or {}
    what = ", ".join(field_names.get(key, key.replace("_", " ")) for key in changes) or nothing
    were, them = ("were", "them") if plural else ("was", "it")
    return ConflictError(
        f"{subject} {were} changed by {' and '.join(people)} while you had {them} open "
        f"({what}); nothing of yours was saved. Reload {them} and try again.",
        changes=changes, changed_by=people[-1])


@in_transaction
def next_number(name: str, count: int = 1) -> int:
    """Take the next number (or ``count`` numbers) of a gap-free sequence, inside the caller's
    transaction; returns the last number taken.

    The UPDATE locks the sequence's row until the transaction commits or rolls back, so a
    number is never used twice and a rolled-back transaction gives its numbers back.
    """
    if count < 1:
        raise ValueError("take at least one number")
    updated = (t.Sequence.update(last_value=t.Sequence.last_value + count)
               .where(t.Sequence.name == name).execute())
    if not updated:
        t.Sequence.insert(name=name, last_value=0).on_conflict_ignore().execute()
        (t.Sequence.update(last_value=t.Sequence.last_value + count)
         .where(t.Sequence.name == name).execute())
    value: int = (t.Sequence.select(t.Sequence.last_value)
                  .where(t.Sequence.name == name).scalar())
    return value


def row_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(content).encode("utf-8"))
    return digest.hexdigest()


@in_transaction
def chain_append(chain: str, content: Mapping[str, Any]) -> tuple[str, str]:
    """Link a new money row into its tamper-evident chain; returns (prev_hash, row_hash).

    Must run inside the transaction that writes the row, so chain and row commit together.
    """
    return chain_extend(chain, [content])[0]


@in_transaction
def chain_extend(chain: str, contents: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Link new rows, in the order given, into their tamper-evident chain; returns each
    one's (prev_hash, row_hash). The rows must be written in the same order (their ids
    rising), inside the same transaction, so chain and rows commit together.
    """
    # Lock the chain head first (an UPDATE locks on both databases), then read it.
    locked = (t.ChainHead.update(length=t.ChainHead.length)
              .where(t.ChainHead.name == chain).execute())
    if not locked:
        t.ChainHead.insert(name=chain, last_hash=GENESIS_HASH, length=0) \
            .on_conflict_ignore().execute()
    head = t.ChainHead.get(t.ChainHead.name == chain)
    links = []
    prev = head.last_hash
    for content in contents:
        new = row_hash(prev, content)
        links.append((prev, new))
        prev = new
    (t.ChainHead.update(last_hash=prev, length=t.ChainHead.length + len(contents))
     .where(t.ChainHead.name == chain).execute())
    return links


def fk_id(row: peewee.Model, name: str) -> int:
    """A required foreign key's id, read without loading the row it points at."""
    return int(row.__data__[name])


def opt_fk_id(row: peewee.Model, name: str) -> int | None:
    """An optional foreign key's id (None when unset), read without loading the row."""
    value = row.__data__.get(name)
    return None if value is None else int(value)


def tuples(query: Any) -> list[tuple[Any, ...]]:
    """A query's rows as plain tuples (peewee's type hints would see model rows)."""
    return list(query.tuples())


def get_or_404(model: type[M], pk: int, what: str, *, lock: bool = False) -> M:
    """The row of ``model`` with that id, or NotFound naming ``what`` ("customer").

    With ``lock`` the row is locked for the rest of the caller's transaction (PostgreSQL's
    FOR UPDATE; SQLite's IMMEDIATE transaction holds the whole file already).

    Raises:
        NotFound: "There is no customer with number 12."
    """
    query = model.select().where(model._meta.primary_key == pk)
    row: M | None = (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound(f"There is no {what} with number {pk}.")
    return row


def text_or_empty(value: str | None, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if max_length is not None:
        text = text[:max_length]
    return text
