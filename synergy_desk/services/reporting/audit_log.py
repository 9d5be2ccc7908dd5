"""Reading the audit log (filtered, keyset-paged, newest first) and running the tamper check."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import peewee
from peewee import JOIN, SQL, Case, Cast

from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.numbers import account_code, credit_note_text, receipt_text
from synergy_desk.domain.zones import utc_start
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services.common import (
    ENGINEERS,
    Actor,
    audit,
    read_snapshot,
    require,
    retried,
    transaction,
)
from synergy_desk.services.office.office_time import office_zone
from synergy_desk.services.reporting import integrity

__all__ = [
    "KINDS", "ActionChoice", "AuditFilter", "AuditCursor", "AuditRow", "AuditPage",
    "IntegrityProblem", "TamperReport", "audit_actions", "kind_of", "action_label", "list_audit",
    "run_tamper_check", "MAX_LIMIT", "summarise"
]

MAX_LIMIT = 1000

#: The kinds of entry a person filters by: key -> (label, action prefixes). "other" is
#: everything no other kind claims.
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "money": ("Money", ("payment.", "ticket.", "funding.", "contract.", "credit.",
                        "integrity.", "cash.")),
    "status": ("Incidents", ("incident.",)),
    "customers": ("Customers and call-backs", ("customer.", "contact.", "callback.",
                                                     "call.")),
    "registers": ("Registers", ("enhancement.", "escalation.")),
    "users": ("Users", ("user.",)),
    "settings": ("Settings and products", ("settings.", "product.", "module.")),
    "other": ("Other", ()),
}

#: What each action the program writes is called on screen.
_ACTION_LABELS: dict[str, str] = {
    "payment.take": "Payment taken",
    "payment.refund": "Refund",
    "payment.void": "Void",
    "cash.count": "Drawer counted",
    "ticket.redeem": "Season ticket used",
    "ticket.adjust": "Season ticket adjusted",
    "ticket.expired": "Season ticket expired",
    "ticket.purchase": "Season ticket sold",
    "ticket.recredit": "Season ticket re-credited",
    "ticket.cancel": "Season ticket cancelled",
    "funding.attach": "Funding attached",
    "funding.end": "Funding ended",
    "funding.hand_back": "Funding handed back",
    "funding.refund_due": "Refund due",
    "funding.waive": "Charge waived",
    "contract.create": "Contract recorded",
    "contract.change_end": "Contract end date changed",
    "contract.end_early": "Contract ended early",
    "contract.pay": "Contract paid for",
    "incident.create": "Incident created",
    "incident.log_call": "Call logged",
    "incident.for_customer": "Entry for the customer or staff only",
    "incident.edit": "Incident edited",
    "incident.assign": "Engineer assigned",
    "incident.start": "Work started",
    "incident.wait": "Waiting on customer",
    "incident.funded": "Incident funded",
    "incident.unfunded": "Incident unfunded",
    "incident.split": "Split",
    "incident.merge": "Merged",
    "incident.resolve": "Resolved",
    "incident.close": "Closed unresolved",
    "incident.reopen": "Re-opened",
    "incident.out_of_remit": "Out of remit",
    "customer.create": "Customer added",
    "customer.update": "Customer changed",
    "customer.import": "Customers imported",
    "customer.import_undone": "Customer import undone",
    "contact.add": "Contact added",
    "contact.update": "Contact changed",
    "contact.remove": "Contact removed",
    "contact.retire": "Contact left",
    "callback.schedule": "Call-back promised",
    "callback.clear": "Call-back cleared",
    "call.ring": "Call rang (phone system)",
    "call.answer": "Call answered (phone system)",
    "call.end": "Call ended (phone system)",
    "enhancement.create": "Enhancement request added",
    "enhancement.count": "Enhancement request counted",
    "enhancement.status": "Enhancement request status",
    "escalation.create": "Escalated",
    "escalation.update": "Escalation updated",
    "escalation.reopen": "Escalation re-opened",
    "user.create": "User added",
    "user.update": "User changed",
    "user.login": "Logged in",
    "user.locked": "Account locked",
    "user.unlocked": "Account unlocked",
    "user.password_reset": "Password reset",
    "user.password_changed": "Password changed",
    "settings.setup": "Office set up",
    "settings.update": "Settings changed",
    "product.create": "Product added",
    "product.update": "Product changed",
    "module.create": "Module added",
    "module.update": "Module changed",
    "integrity.check": "Tamper check",
    "export.customers": "Customers exported",
    "export.incidents": "Incidents exported",
    "export.payments": "Payments exported",
    "demo.generate": "Demo data",
}

#: Columns that say nothing a person needs in the one-line summary.
_QUIET_KEYS = frozenset({"version", "updated_at", "last_activity_at", "prev_hash", "row_hash",
                         "id", "password_hash"})
_SUMMARY_LENGTH = 200


@dataclass(frozen=True)
class ActionChoice:
    action: str
    label: str
    kind: str


@dataclass(frozen=True)
class AuditFilter:
    """Which entries to show; every part is optional and they combine.

    ``start``/``end`` are office-local dates (``end`` inclusive) or UTC datetimes (``end``
    exclusive). ``kind`` is a key of :data:`KINDS`; ``action`` an exact action
    ("payment.refund") or a prefix ending in a dot ("payment."). ``record`` is text a person
    types: an incident ("INC-000012"), a receipt ("R-000003", with its refunds), a credit
    note ("CN-000001"), a season ticket ("ticket 5"), a customer's account code ("C000042")
    or a user name.
    """

    user_id: int | None = None
    start: dt.date | dt.datetime | None = None
    end: dt.date | dt.datetime | None = None
    kind: str | None = None
    action: str | None = None
    entity: str | None = None
    entity_id: str | None = None
    record: str | None = None


@dataclass(frozen=True)
class AuditCursor:
    """Where the next page starts: the last row's time and id."""

    at: dt.datetime
    id: int


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    user_name: str  # "" when the program itself wrote it (a lock-out, say)
    action: str
    action_label: str
    kind: str
    entity: str
    entity_id: str
    record_label: str
    before: Mapping[str, Any] = field(default_factory=dict)
    after: Mapping[str, Any] = field(default_factory=dict)
    summary: str = ""

    @property
    def changed_keys(self) -> frozenset[str]:
        """The keys whose value differs between before and after (or is only in one)."""
        keys = set(self.before) | set(self.after)
        return frozenset(k for k in keys if self.before.get(k, _MISSING)
                         != self.after.get(k, _MISSING))


_MISSING = object()


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    next_cursor: AuditCursor | None


def kind_of(action: str) -> str:
    for key, (_label, prefixes) in KINDS.items():
        if any(action.startswith(p) for p in prefixes):
            return key
    return "other"


def action_label(action: str) -> str:
    known = _ACTION_LABELS.get(action)
    if known:
        return known
    return action.replace(".", " ").replace("_", " ").capitalize()


def audit_actions() -> list[ActionChoice]:
    """Every action the program writes, with its label and kind, for the filter's choices."""
    return [ActionChoice(a, label, kind_of(a)) for a, label in _ACTION_LABELS.items()]


# --- the query ----------------------------------------------------------------------------

def _prefix(column: peewee.Field, prefix: str) -> peewee.Expression:
    """``column`` starts with ``prefix``, as a range the (action, at) index can walk.

    LIKE would not use the index on SQLite (it is case-insensitive there); a range does on
    both databases. The dot's successor in ASCII is "/".
    """
    if not prefix.endswith("."):
        return column == prefix
    return (column >= prefix) & (column < prefix[:-1] + "/")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        names = ", ".join(KINDS)
        raise ValidationError(f"“{kind}” is not a kind of entry; choose one of {names}.", "kind")


def _intervals(kind: str) -> list[tuple[str | None, str | None]]:
    """The actions of a kind as half-open ranges [low, high) of text (None: unbounded)."""
    _check_kind(kind)
    if kind != "other":
        return [(p, p[:-1] + "/") for p in KINDS[kind][1]]
    claimed = sorted((p, p[:-1] + "/") for key, (_l, prefixes) in KINDS.items()
                     if key != "other" for p in prefixes)
    out: list[tuple[str | None, str | None]] = []
    low: str | None = None
    for start, end in claimed:
        if low is None or start > low:
            out.append((low, start))
        low = end if low is None else max(low, end)
    out.append((low, None))
    return out


def _pieces(intervals: Sequence[tuple[str | None, str | None]]
            ) -> list[tuple[peewee.Expression, bool]]:
    """The ranges cut into single actions and the (normally empty) ranges between them.

    Each single action (flagged True) is walked newest first along the (action, at) index
    and stops after a page, however many entries the kind holds; an action the program does
    not write falls into a range between two it does, so nothing is missed.
    """
    col = t.AuditLog.action
    out: list[tuple[peewee.Expression, bool]] = []
    for low, high in intervals:
        known = sorted(a for a in _ACTION_LABELS
                       if (low is None or a >= low) and (high is None or a < high))
        lower: peewee.Expression | None = (col >= low) if low is not None else None
        for action in known:
            out.append((col < action if lower is None else lower & (col < action), False))
            out.append((col == action, True))
            lower = col > action
        upper = (col < high) if high is not None else None
        if lower is not None and upper is not None:
            out.append((lower & upper, False))
        elif lower is not None or upper is not None:
            out.append((cast(peewee.Expression, lower if lower is not None else upper), False))
    return out


def _as_text(column: peewee.Field) -> peewee.Node:
    return Cast(column, "TEXT")


def _about(entity: str, ids: peewee.Node) -> peewee.Expression:
    return (t.AuditLog.entity == entity) & t.AuditLog.entity_id.in_(ids)


_RECORD_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"inc-?0*(\d{1,12})"), "incident"),
    (re.compile(r"cn-?0*(\d{1,12})"), "credit_note"),
    (re.compile(r"r-?0*(\d{1,12})"), "payment"),
    (re.compile(r"(?:season[ -]?)?ticket[ #-]*(\d{1,12})"), "season_ticket"),
    (re.compile(r"c-?0*(\d{1,12})"), "customer"),
)
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


def _record_condition(text: str) -> peewee.Expression:
    """The entries about the record a person typed, resolved inside the page's one query.

    Text that reads as a record and also as a user name ("r12" is receipt R-000012 and may
    be a user's name) finds the entries of both.
    """
    raw = " ".join(text.split()).lower()
    user = (_about("user", t.User.select(_as_text(t.User.id)).where(t.User.username == raw))
            if _USERNAME.fullmatch(raw) else None)
    record = _record_only(raw)
    if record is not None:
        return record if user is None else (record | user)
    if user is not None:
        return user
    raise ValidationError(
        f"“{text.strip()}” is not a record the audit log knows: give an incident (INC-000012), "
        "a receipt (R-000003), a credit note (CN-000001), a season ticket (ticket 5), a "
        "customer's account code (C000042) or a user name.", "record")


def _record_only(raw: str) -> peewee.Expression | None:
    for pattern, kind in _RECORD_PATTERNS:
        match = pattern.fullmatch(raw)
        if not match:
            continue
        n = int(match.group(1))
        if kind == "incident":
            return _about("incident", t.Incident.select(_as_text(t.Incident.id))
                          .where(t.Incident.number == n))
        if kind == "credit_note":
            return _about("credit_note", t.CreditNote.select(_as_text(t.CreditNote.id))
                          .where(t.CreditNote.number == n))
        if kind == "payment":
            payment = t.Payment.select(t.Payment.id).where(t.Payment.receipt_number == n)
            return (_about("payment", t.Payment.select(_as_text(t.Payment.id))
                           .where(t.Payment.receipt_number == n))
                    | _about("credit_note", t.CreditNote.select(_as_text(t.CreditNote.id))
                             .where(t.CreditNote.payment.in_(payment)))
                    | _about("payment_line", t.PaymentLine.select(_as_text(t.PaymentLine.id))
                             .where(t.PaymentLine.payment.in_(payment))))
        if kind == "season_ticket":
            return (t.AuditLog.entity == "season_ticket") & (t.AuditLog.entity_id == str(n))
        code = account_code(n)
        return _about("customer", t.Customer.select(_as_text(t.Customer.id))
                      .where(t.Customer.account_code == code))
    return None


def _bounds(filt: AuditFilter) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The filter's dates as a half-open range of UTC times."""
    start, end = filt.start, filt.end
    needs_zone = any(isinstance(v, dt.date) and not isinstance(v, dt.datetime)
                     for v in (start, end))
    zone = office_zone() if needs_zone else None  # the reports' days too

    def utc(value: dt.date | dt.datetime, next_day: bool) -> dt.datetime:
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            return value
        assert zone is not None  # a day was given, so the zone was read
        return utc_start(value + dt.timedelta(days=1) if next_day else value, zone)

    lower = utc(start, False) if start is not None else None
    upper = utc(end, True) if end is not None else None
    if lower is not None and upper is not None and upper <= lower:
        raise ValidationError("The “to” date is before the “from” date.", "end")
    return lower, upper


def _where(filt: AuditFilter, after: AuditCursor | None) -> list[peewee.Expression]:
    log = t.AuditLog
    conds: list[peewee.Expression] = []
    if filt.user_id is not None:
        conds.append(log.user == filt.user_id)
    lower, upper = _bounds(filt)
    if lower is not None:
        conds.append(log.at >= lower)
    if upper is not None:
        conds.append(log.at < upper)
    if filt.action:
        conds.append(_prefix(log.action, filt.action.strip()))
    if filt.entity:
        conds.append(log.entity == filt.entity)
    if filt.entity_id is not None and filt.entity_id != "":
        conds.append(log.entity_id == str(filt.entity_id))
    if filt.record and filt.record.strip():
        conds.append(_record_condition(filt.record))
    if after is not None:
        # The same as at < cursor or (at = cursor and id < cursor id), written so that an
        # index on "at" seeks straight to the cursor.
        conds.append((log.at <= after.at) & ((log.at < after.at) | (log.id < after.id)))
    return conds


_PIECE = "__piece__"


def _page_ids(conds: list[peewee.Expression], pieces: list[tuple[peewee.Expression, bool]],
              size: int) -> peewee.Node:
    """The ids of one page of a kind: the newest ``size`` entries of each piece, merged.

    Asking for the whole kind at once would make the database read and sort every entry of
    it (most of the log, for incidents) to find the newest page. The filter is put into SQL
    once and repeated for every piece (building each piece's query anew costs more than the
    database's work).
    """
    log = t.AuditLog
    base = log.select(log.id, log.at).where(SQL(f"({_PIECE})"), *conds)
    walked = base.order_by(log.at.desc(), log.id.desc()).limit(size)
    templates = {True: db.get_sql_context().sql(walked).query(),
                 False: db.get_sql_context().sql(base).query()}
    texts: list[str] = []
    params: list[Any] = []
    for i, (piece, single) in enumerate(pieces):
        piece_sql, piece_params = db.get_sql_context().sql(piece).query()
        # A range between two actions is normally empty: unordered, the database looks it
        # up in the (action, at) index instead of walking the whole log by time to fill it.
        sql, rest = templates[single]
        texts.append(f'SELECT "piece{i}"."id", "piece{i}"."at" FROM ('
                     f'{sql.replace(_PIECE, piece_sql, 1)}) AS "piece{i}"')
        params += list(piece_params) + list(rest)
    union = " UNION ALL ".join(texts)  # the pieces do not overlap
    return SQL(f'(SELECT "pieces"."id" FROM ({union}) AS "pieces" '
               f'ORDER BY "pieces"."at" DESC, "pieces"."id" DESC LIMIT {int(size)})', params)


def _target_id(entity: str) -> peewee.Node:
    """The entry's entity id as a number when it is about ``entity`` (NULL otherwise)."""
    return Case(None, [(t.AuditLog.entity == entity,
                        Cast(t.AuditLog.entity_id, "INTEGER"))], None)


def list_audit(actor: Actor, filt: AuditFilter | None = None, after_id: AuditCursor | None = None,
               limit: int = 200) -> AuditPage:
    """One page of the audit log, newest first, with who did it and which record it is about.

    One query a page (plus the permission check, and one look at the office's time zone
    when the filter has dates), however deep the page: pages are keyed on the last row's
    time and id, and the record labels come from joins in the same query.

    Raises:
        PermissionDenied: reception (the audit log is for engineers and managers).
        ValidationError: an unknown kind, a record that cannot be read, dates out of order,
            or a page size out of range.
    """
    with read_snapshot():
        require(actor, ENGINEERS, "read the audit log")
        return _page(filt or AuditFilter(), after_id, limit)


def _page(filt: AuditFilter, after_id: AuditCursor | None, limit: int) -> AuditPage:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"A page holds 1 to {MAX_LIMIT} rows.", "limit")
    log = t.AuditLog
    who = t.User.alias("who")
    target_user = t.User.alias("target_user")
    line_payment = t.Payment.alias("line_payment")
    query = (log.select(log.id, log.at, who.full_name, log.action, log.entity, log.entity_id,
                        log.before, log.after, t.Incident.reference, t.Payment.receipt_number,
                        t.CreditNote.number, target_user.username, t.Customer.account_code,
                        t.Customer.name, t.Product.name, line_payment.receipt_number)
             .join_from(log, who, JOIN.LEFT_OUTER, on=(log.user == who.id))
             .join_from(log, t.Incident, JOIN.LEFT_OUTER,
                        on=(t.Incident.id == _target_id("incident")))
             .join_from(log, t.Payment, JOIN.LEFT_OUTER,
                        on=(t.Payment.id == _target_id("payment")))
             .join_from(log, t.CreditNote, JOIN.LEFT_OUTER,
                        on=(t.CreditNote.id == _target_id("credit_note")))
             .join_from(log, target_user, JOIN.LEFT_OUTER,
                        on=(target_user.id == _target_id("user")))
             .join_from(log, t.Customer, JOIN.LEFT_OUTER,
                        on=(t.Customer.id == _target_id("customer")))
             .join_from(log, t.Product, JOIN.LEFT_OUTER,
                        on=(t.Product.id == _target_id("product")))
             .join_from(log, t.PaymentLine, JOIN.LEFT_OUTER,
                        on=(t.PaymentLine.id == _target_id("payment_line")))
             .join_from(t.PaymentLine, line_payment, JOIN.LEFT_OUTER,
                        on=(t.PaymentLine.payment == line_payment.id)))
    conds = _where(filt, after_id)
    pieces = _pieces(_intervals(filt.kind)) if filt.kind else []
    if pieces:
        query = query.where(log.id.in_(_page_ids(conds, pieces, limit + 1)))
    elif conds:
        query = query.where(*conds)
    query = query.order_by(log.at.desc(), log.id.desc()).limit(limit + 1)
    raw = cast(list[Sequence[Any]], list(query.tuples()))
    more = len(raw) > limit
    rows = tuple(_audit_row(r) for r in raw[:limit])
    cursor = AuditCursor(rows[-1].at, rows[-1].id) if more and rows else None
    return AuditPage(rows, cursor)


def _json(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"value": text}
    return value if isinstance(value, dict) else {"value": value}


def _audit_row(r: Sequence[Any]) -> AuditRow:
    (row_id, at, who, action, entity, entity_id, before_text, after_text, reference, receipt,
     credit_note, username, account_code, customer_name, product_name, line_receipt) = r
    before, after = _json(before_text), _json(after_text)
    label = _record_label(entity, entity_id, reference, receipt, credit_note, username,
                          account_code, customer_name, product_name, line_receipt)
    return AuditRow(int(row_id), at, who or "", action, action_label(action), kind_of(action),
                    entity, entity_id, label, before, after, summarise(before, after))


def _record_label(entity: str, entity_id: str, reference: str | None, receipt: int | None,
                  credit_note: int | None, username: str | None, account_code: str | None,
                  customer_name: str | None, product_name: str | None,
                  line_receipt: int | None) -> str:
    if entity == "incident" and reference:
        return reference
    if entity == "payment" and receipt is not None:
        return receipt_text(receipt)
    if entity == "credit_note" and credit_note is not None:
        return credit_note_text(credit_note)
    if entity == "payment_line" and line_receipt is not None:
        return receipt_text(line_receipt)
    if entity == "user" and username:
        return username
    if entity == "customer" and account_code:
        return f"{account_code} {customer_name or ''}".strip()
    if entity == "product" and product_name:
        return product_name
    if entity == "season_ticket" and entity_id:
        return f"Season ticket {entity_id}"
    if entity == "settings":
        return "Office settings"
    if entity == "database":
        return "Database"
    words = entity.replace("_", " ").capitalize()
    return f"{words} {entity_id}".strip()


_ISO_TIME = re.compile(r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d)(:\d\d(\.\d+)?)?")


def _short(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        stamp = _ISO_TIME.fullmatch(value)
        if stamp:  # a stored UTC time: to the minute is enough for one line
            return f"{stamp.group(1)} {stamp.group(2)} UTC"
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def summarise(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """One line saying what changed: "status: queued → in_progress; engineer: — → 4"."""
    if before and after:
        keys = [k for k in sorted(set(before) | set(after)) if k not in _QUIET_KEYS
                and before.get(k, _MISSING) != after.get(k, _MISSING)]
        parts = [f"{k}: {_short(before.get(k))} → {_short(after.get(k))}" for k in keys]
    elif after:
        parts = [f"{k}: {_short(v)}" for k, v in after.items()
                 if k not in _QUIET_KEYS and v not in (None, "", [], {})]
    elif before:
        parts = [f"{k} was {_short(v)}" for k, v in before.items()
                 if k not in _QUIET_KEYS and v not in (None, "", [], {})]
    else:
        parts = []
    text = "; ".join(parts)
    return text if len(text) <= _SUMMARY_LENGTH else text[:_SUMMARY_LENGTH - 1] + "…"


# --- the tamper check ---------------------------------------------------------------------

@dataclass(frozen=True)
class IntegrityProblem:
    """One thing the tamper or sequence check found wrong."""

    check: str  # "tamper", "sequence" or "record" (a record unlike its last audited image)
    record: str  # "R-000012", "ticket_ledger row 7", "Receipts", ...
    problem: str

    def __str__(self) -> str:
        return f"{self.record}: {self.problem}" if self.record else self.problem


@dataclass(frozen=True)
class TamperReport:
    checked_at: dt.datetime
    problems: tuple[IntegrityProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@retried
def run_tamper_check(actor: Actor) -> TamperReport:
    """Recompute the money rows' and the audit log's hash chains, check the numbering and the
    audited records against the log; audit that it ran.

    Returns the problems of :func:`integrity.check_tamper`, :func:`integrity.check_sequences`
    and :func:`integrity.check_records` as plain rows (none when all is well), and writes an
    "integrity.check" entry with how many were found.

    Raises:
        PermissionDenied: reception (the check belongs with the audit log).
    """
    with read_snapshot():
        require(actor, ENGINEERS, "run the tamper check")
        tamper = integrity.check_tamper()
        sequences = integrity.check_sequences()
        records = integrity.check_records()
    problems = tuple(
        [IntegrityProblem("tamper", p.number or (f"{p.chain.replace('_', ' ')} row {p.row_id}"
                                                 if p.row_id else p.chain.replace("_", " ")),
                          p.problem) for p in tamper]
        + [IntegrityProblem("sequence", "", text) for text in sequences]
        + [IntegrityProblem("record", "", text) for text in records])
    now = utcnow()
    with transaction():
        require(actor, ENGINEERS, "run the tamper check")
        audit(actor, "integrity.check", "database", "", None,
              {"problems": len(problems), "tamper": len(tamper), "sequences": len(sequences),
               "records": len(records)})
    return TamperReport(now, problems)
