"""Checking the office: tamper chains of the money rows and of the audit log, audited records
against their last image in the log, number sequences, and rows that point nowhere; a backup
before it is restored. What each hash covers is built in
:mod:`synergy_desk.services.money.chains`."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee
from peewee import SQL, fn

from synergy_desk.domain.enums import CreditNoteKind, FundingKind, LedgerKind
from synergy_desk.domain.numbers import (
    CREDIT_NOTE,
    INCIDENT,
    PAYMENT_REQUEST,
    RECEIPT,
    NumberFormat,
    listed,
)
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.common import GENESIS_HASH, read_snapshot, row_hash, snapshot, tuples
from synergy_desk.services.money.chains import (
    AUDIT_CHAIN,
    AUDIT_ROW,
    CREDIT_NOTE_CHAIN,
    CREDIT_NOTE_LINE_ROW,
    CREDIT_NOTE_ROW,
    LEDGER_CHAIN,
    LEDGER_ROW,
    PAYMENT_CHAIN,
    PAYMENT_LINE_ROW,
    PAYMENT_ROW,
    TRANSFER_CHAIN,
    TRANSFER_ROW,
    RowContent,
    read_credit_note_content,
    read_payment_content,
)

__all__ = [
    "TamperProblem", "check_tamper", "check_sequences", "DAMAGED", "is_damage", "check_database",
    "check_office", "check_audit_chain", "check_records", "check_sqlite_backup",
    "check_database_at", "tampered_message", "IMAGES_AFTER",
]

#: Chained rows read at a time.
_BATCH = 5_000
#: The mark (a chain head's length) of the last audit row written before the log was chained:
#: records are compared only with the images written after it, as earlier versions did not
#: record every change of them.
IMAGES_AFTER = "audit.images_after"


# --- the tamper check ---

@dataclass(frozen=True)
class TamperProblem:
    """One money row (or chain head) that is not as the program wrote it."""

    chain: str
    row_id: int | None
    number: str | None  # "R-000012", "CN-000003", or None for ledger rows and the head
    problem: str

    def __str__(self) -> str:
        chain = "audit log" if self.chain == AUDIT_CHAIN else self.chain
        what = self.number or (f"{chain} row {self.row_id}" if self.row_id else chain)
        return f"{what}: {self.problem}"


def _read(query: Any) -> list[tuple[Any, ...]]:
    """The rows of ``query`` as the database driver gives them (no field has read them)."""
    return list(db.execute(query).fetchall())


def _batches(row: RowContent) -> Iterator[list[tuple[Any, ...]]]:
    """All rows of ``row.model`` in id order, every column (``row.fields``), as the driver
    gives them, a batch at a time (keyset, so any size is fine)."""
    model: Any = row.model
    last = 0
    while True:
        rows = _read(model.select(*row.fields).where(model.id > last)
                     .order_by(model.id).limit(_BATCH))
        if not rows:
            return
        yield rows
        last = row.value(rows[-1], "id")


def _lines(line: RowContent, parent: Any, ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """The lines of the rows ``ids`` (``parent``: the lines' field pointing at them), by id.

    ``ids`` are a batch of :func:`_batches`: every id from the first to the last of them, so
    the lines are asked for by that range (one index range, not a list of thousands).
    """
    model: Any = line.model
    found: dict[int, list[tuple[Any, ...]]] = {i: [] for i in ids}
    for values in _read(model.select(*line.fields).where(parent.between(ids[0], ids[-1]))):
        mine = found.get(line.value(values, parent.name))
        if mine is not None:
            mine.append(values)
    return found


def _walk(chain: str, rows: Iterator[tuple[int, str | None, str, str, dict[str, Any]]],
          problems: list[TamperProblem]) -> None:
    """Check each row's link and hash in order, then the chain head against the last row."""
    expected_prev = GENESIS_HASH
    count = 0
    for row_id, number, prev, stored, content in rows:
        count += 1
        if prev != expected_prev:
            problems.append(TamperProblem(
                chain, row_id, number,
                "does not follow the row before it: a row was removed, inserted or re-ordered "
                "outside the program"))
        if row_hash(prev, content) != stored:
            problems.append(TamperProblem(
                chain, row_id, number,
                "its content does not match its hash: it was altered outside the program"))
        expected_prev = stored
    head = t.ChainHead.get_or_none(t.ChainHead.name == chain)
    head_hash = head.last_hash if head else GENESIS_HASH
    head_length = head.length if head else 0
    if head_hash != expected_prev or head_length != count:
        problems.append(TamperProblem(
            chain, None, None,
            f"the chain's last recorded row does not match the table ({count} rows, "
            f"{head_length} recorded): rows were deleted or added outside the program"))


def _rows_with_lines(row: RowContent, line: RowContent, parent: Any, number: str,
                     numbers: NumberFormat,
                     content: Callable[[Sequence[Any], Sequence[Sequence[Any]]], dict[str, Any]]
                     ) -> Iterator[tuple[int, str | None, str, str, dict[str, Any]]]:
    """A chain whose rows' hashes cover each row and its lines (``parent``: the lines' field
    pointing at the row), each row named by its ``number`` column written as ``numbers``."""
    for batch in _batches(row):
        ids = [row.value(values, "id") for values in batch]
        lines = _lines(line, parent, ids)
        for key, values in zip(ids, batch, strict=True):
            yield (key, numbers.text(row.value(values, number)), row.value(values, "prev_hash"),
                   row.value(values, "row_hash"), content(values, lines[key]))


def _payment_rows() -> Iterator[tuple[int, str | None, str, str, dict[str, Any]]]:
    return _rows_with_lines(PAYMENT_ROW, PAYMENT_LINE_ROW, t.PaymentLine.payment,
                            "receipt_number", RECEIPT, read_payment_content)


def _credit_note_rows() -> Iterator[tuple[int, str | None, str, str, dict[str, Any]]]:
    return _rows_with_lines(CREDIT_NOTE_ROW, CREDIT_NOTE_LINE_ROW, t.CreditNoteLine.credit_note,
                            "number", CREDIT_NOTE, read_credit_note_content)


def _plain_rows(row: RowContent) -> Iterator[tuple[int, str | None, str, str, dict[str, Any]]]:
    """A chain whose rows' hashes cover each row alone (the ledger, transfers, the audit log)."""
    for batch in _batches(row):
        for e in batch:
            yield (row.value(e, "id"), None, row.value(e, "prev_hash"),
                   row.value(e, "row_hash"), row(e))


def check_audit_chain() -> list[TamperProblem]:
    """Walk the audit log's own chain, a batch at a time; report the first broken row.

    A row deleted, altered or slipped in outside the program breaks the chain there; the rows
    after a broken one are counted, not listed one by one (after a deletion the rest of the
    log is still as written). The chain head catches rows cut off the end.
    """
    found: list[TamperProblem] = []
    _walk(AUDIT_CHAIN, _plain_rows(AUDIT_ROW), found)
    rows = [p for p in found if p.row_id is not None]
    problems = rows[:1]
    if len(rows) > 1:
        first = rows[0]
        problems = [TamperProblem(
            AUDIT_CHAIN, first.row_id, None,
            f"{first.problem} (the first broken row; {len(rows) - 1} more "
            f"after it {'is' if len(rows) == 2 else 'are'} broken too)")]
    return problems + [p for p in found if p.row_id is None]


def check_tamper(walked: Callable[[int, int], None] | None = None) -> list[TamperProblem]:
    """Walk the payment, credit-note, season-ticket ledger and bank-transfer chains; report
    every bad row.

    Each row's hash is recomputed from its stored content and the previous row's hash with
    the same content builders the writers use, so any column changed, any row removed or
    slipped in, and any row cut off the end of a chain is found. ``walked(chains walked,
    chains in all)`` is called before the first chain and as each one is done.
    """
    problems: list[TamperProblem] = []
    walks: tuple[Callable[[], object], ...] = (
        lambda: _walk(PAYMENT_CHAIN, _payment_rows(), problems),
        lambda: _walk(CREDIT_NOTE_CHAIN, _credit_note_rows(), problems),
        lambda: _walk(LEDGER_CHAIN, _plain_rows(LEDGER_ROW), problems),
        lambda: _walk(TRANSFER_CHAIN, _plain_rows(TRANSFER_ROW), problems),
        lambda: problems.extend(check_audit_chain()))
    for done, walk in enumerate(walks):
        if walked is not None:
            walked(done, len(walks))
        walk()
    if walked is not None:
        walked(len(walks), len(walks))
    return problems


# --- the sequence check ---

def _number_gaps(label: str, numbers: NumberFormat, column: peewee.Field,
                 counter: str) -> list[str]:
    """Problems with one gap-free sequence: missing or repeated numbers, a counter out of step."""
    model = column.model
    total, lowest, highest, distinct = (
        model.select(fn.COUNT(column), fn.MIN(column), fn.MAX(column),
                     fn.COUNT(column.distinct())).tuples().get())
    last_value = (t.Sequence.select(t.Sequence.last_value)
                  .where(t.Sequence.name == counter).scalar()) or 0
    problems: list[str] = []
    total = total or 0
    if total and not (lowest == 1 and highest == total and distinct == total):
        missing: list[int] = []
        repeated: list[int] = []
        expected = 1
        previous = None
        for (number,) in model.select(column).order_by(column).tuples().iterator():
            if number == previous:
                if not repeated or repeated[-1] != number:
                    repeated.append(number)
                continue
            while expected < number:
                missing.append(expected)
                expected += 1
            expected = number + 1
            previous = number
        if missing:
            problems.append(f"{label} {numbers.list_text(missing)} "
                            f"{'is' if len(missing) == 1 else 'are'} missing.")
        if repeated:
            problems.append(f"{label} {numbers.list_text(repeated)} "
                            f"{'is' if len(repeated) == 1 else 'are'} used more than once.")
        if lowest is not None and lowest < 1:
            problems.append(f"{label} numbers below 1 exist ({numbers.text(lowest)}).")
    highest = highest or 0
    if last_value != highest:
        problems.append(
            f"The {label.lower()} counter stands at {last_value} but the highest number "
            f"issued is {highest}: the next number would "
            f"{'skip' if last_value > highest else 'repeat'} numbers.")
    return problems


def check_sequences() -> list[str]:
    """Receipts, credit notes, incidents and payment requests numbered 1..N with no gap or
    repeat, counters at N."""
    return (_number_gaps("Receipt", RECEIPT, t.Payment.receipt_number, "receipt")
            + _number_gaps("Credit note", CREDIT_NOTE, t.CreditNote.number, "credit_note")
            + _number_gaps("Incident", INCIDENT, t.Incident.number, "incident")
            + _number_gaps("Payment request", PAYMENT_REQUEST, t.PaymentRequest.number,
                           "payment_request"))


# --- the database itself, and rows that point nowhere ---

#: How check_database's problems about a damaged SQLite file begin; after one of those the
#: rows cannot be trusted, so the other checks are not worth running.
DAMAGED = "The database file is damaged"


def is_damage(problem: str) -> bool:
    """Whether a problem from :func:`check_database` says the file itself is damaged."""
    return problem.startswith(DAMAGED)


def check_database() -> list[str]:
    """The database's own consistency, then the money rows that must come in whole sets.

    On SQLite, ``PRAGMA integrity_check`` over the file's pages and indexes and
    ``PRAGMA foreign_key_check`` over every reference; on both (PostgreSQL keeps its own pages
    whole) every table the program uses must exist and be readable. Then:
    every receipt has its lines, every line its receipt, every funded incident exactly one
    active funding row of its kind, every funding row points at a record that exists, and no
    incident is still funded by money the customer was given back.
    """
    return _database_problems()[0]


def check_office() -> list[str]:
    """Everything ``synergy-desk check`` checks, each problem one line (none: all is well).

    The database itself first; the hash chains (the audit log's too), the numbering and the
    audited records against the log only when every row can be read (a damaged file or a
    missing table is the problem to report, not what follows from it).
    """
    problems, readable = _database_problems()
    if readable:
        problems += ([str(p) for p in check_tamper()] + check_sequences()
                     + check_records())
    return problems


def _database_problems() -> tuple[list[str], bool]:
    """The problems of :func:`check_database`, and whether every row can still be read."""
    if isinstance(db.obj, peewee.SqliteDatabase):
        problems = _sqlite_file_problems()
        if any(is_damage(p) for p in problems):
            return problems, False  # reading rows out of a damaged file would only add noise
    else:
        problems = []
    tables = _catalogue_problems()
    if tables:
        return problems + tables, False  # with a table missing or unreadable, rows cannot be
    return problems + _orphan_problems(), True


def _sqlite_file_problems() -> list[str]:
    # A badly damaged file fails the pragmas themselves (the driver's own error, unwrapped).
    try:
        found = [str(row[0]) for row in db.execute_sql("PRAGMA integrity_check(20)").fetchall()]
        if found != ["ok"]:
            return [f"{DAMAGED}: {row}" for row in found]
        references = db.execute_sql("PRAGMA foreign_key_check").fetchall()
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        return [f"{DAMAGED}: {_one_line(exc)}."]
    problems: list[str] = []
    broken: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fk in references:
        broken[(str(table), str(parent))] = broken.get((str(table), str(parent)), 0) + 1
    for (table, parent), count in sorted(broken.items()):
        problems.append(f"{count} row{'s' if count != 1 else ''} of {table} "
                        f"point{'' if count != 1 else 's'} at {parent} rows that do not exist.")
    return problems


def _catalogue_problems() -> list[str]:
    problems: list[str] = []
    present = set(db.get_tables())
    for model in t.ALL_MODELS:
        name = model._meta.table_name
        if name not in present:
            problems.append(f"The table {name} is missing from the database.")
            continue
        try:
            with db.atomic():
                model.select(fn.COUNT(SQL("*"))).scalar()
        except peewee.DatabaseError as exc:
            problems.append(f"The table {name} cannot be read: {_one_line(exc)}.")
    return problems


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].rstrip(".")


def _refs(numbers: NumberFormat, values: list[int]) -> str:
    return numbers.list_text(sorted(values))


def _orphan_problems() -> list[str]:
    problems: list[str] = []
    line = t.PaymentLine
    no_lines = [n for (n,) in tuples(
        t.Payment.select(t.Payment.receipt_number)
        .join(line, peewee.JOIN.LEFT_OUTER, on=(line.payment == t.Payment.id))
        .where(line.id.is_null()))]
    if no_lines:
        problems.append(f"Receipt {_refs(RECEIPT, no_lines)} "
                        f"{'has' if len(no_lines) == 1 else 'have'} no lines.")
    payment = t.Payment.alias()
    stray_lines = [i for (i,) in tuples(
        line.select(line.id)
        .join(payment, peewee.JOIN.LEFT_OUTER, on=(line.payment == payment.id))
        .where(payment.id.is_null()))]
    if stray_lines:
        problems.append(f"{len(stray_lines)} payment line{'s' if len(stray_lines) != 1 else ''} "
                        "belong to no receipt.")
    problems += _funding_problems()
    problems += _double_benefit_problems()
    problems += _sort_name_problems()
    return problems


def _sort_name_problems() -> list[str]:
    """What each incident keeps for the list (the names it sorts by, when its earliest open
    call-back is due) against the rows it is kept from."""
    (stale,) = db.execute_sql(
        'SELECT COUNT(*) FROM incident i JOIN customer c ON c.id = i.customer_id '
        'JOIN product p ON p.id = i.product_id LEFT JOIN "user" u ON u.id = i.engineer_id '
        "WHERE i.customer_name <> c.name OR i.product_name <> p.name "
        "OR i.engineer_name <> COALESCE(u.full_name, '')").fetchone()
    problems = []
    if stale:
        problems.append(
            f"{stale:,} incident{'s keep' if stale != 1 else ' keeps'} a customer, product or "
            "engineer name other than the current one, so the incident list sorts "
            f"{'them' if stale != 1 else 'it'} out of place.")
    # When each incident's earliest open call-back is due, against its call-backs.
    (wrong,) = db.execute_sql(
        "SELECT COUNT(*) FROM incident i LEFT JOIN (SELECT incident_id, MIN(due_at) AS due "
        "FROM call_back WHERE done_at IS NULL AND incident_id IS NOT NULL "
        "GROUP BY incident_id) c ON c.incident_id = i.id "
        "WHERE (i.callback_due_at IS NULL) <> (c.due IS NULL) "
        "OR i.callback_due_at <> c.due").fetchone()
    if wrong:
        problems.append(
            f"{wrong:,} incident{'s' if wrong != 1 else ''} "
            f"{'are' if wrong != 1 else 'is'} listed under call-backs due other than "
            f"{'their' if wrong != 1 else 'its'} open call-backs say.")
    return problems


def _funding_problems() -> list[str]:
    f = t.IncidentFunding
    problems: list[str] = []
    targets: list[tuple[FundingKind, peewee.Field, Any, str]] = [
        (FundingKind.PAYMENT, f.payment_line, t.PaymentLine, "payment line"),
        (FundingKind.TICKET, f.ticket_entry, t.TicketLedger, "season-ticket ledger entry"),
        (FundingKind.CONTRACT, f.contract, t.Contract, "contract"),
        (FundingKind.WAIVER, f.waiver, t.Waiver, "waiver"),
    ]
    for kind, column, target, noun in targets:
        other = target.alias()
        dangling = [str(ref) for (ref,) in tuples(
            f.select(t.Incident.reference)
            .join(t.Incident, on=(f.incident == t.Incident.id))
            .switch(f)
            .join(other, peewee.JOIN.LEFT_OUTER, on=(column == other.id))
            .where((f.kind == kind) & other.id.is_null())
            .order_by(t.Incident.number))]
        if dangling:
            problems.append(f"The funding of {listed(dangling)} points at a {noun} that "
                            "does not exist.")
    by_incident = {int(incident_id): (int(n), str(kind)) for incident_id, n, kind in tuples(
        f.select(f.incident, fn.COUNT(f.id), fn.MIN(f.kind)).where(f.active)
        .group_by(f.incident))}
    unfunded_rows: list[str] = []
    missing_rows: list[str] = []
    doubled: list[str] = []
    mismatched: list[str] = []
    for incident_id, reference, kind in (t.Incident.select(t.Incident.id, t.Incident.reference,
                                                           t.Incident.funding)
                                         .order_by(t.Incident.number).tuples().iterator()):
        held = by_incident.get(incident_id)
        funded = str(kind) != FundingKind.NONE.value
        if held is None:
            if funded:
                missing_rows.append(reference)
            continue
        count, held_kind = held
        if not funded:
            unfunded_rows.append(reference)
        elif count > 1:
            doubled.append(reference)
        elif held_kind != str(kind):
            mismatched.append(reference)
    if missing_rows:
        problems.append(f"{listed(missing_rows)} {_is_are(missing_rows)} marked funded "
                        "but no funding record says by what.")
    if unfunded_rows:
        problems.append(f"{listed(unfunded_rows)} {_is_are(unfunded_rows)} marked unfunded "
                        f"but still {'has' if len(unfunded_rows) == 1 else 'have'} an active "
                        "funding record.")
    if doubled:
        problems.append(f"{listed(doubled)} {_is_are(doubled)} funded more than once.")
    if mismatched:
        problems.append(f"The funding of {listed(mismatched)} does not match "
                        f"{'its' if len(mismatched) == 1 else 'their'} funding record.")
    return problems


_BOTH = "the customer has the money back and the cover"


def _double_benefit_problems() -> list[str]:
    """Incidents still funded by money the customer has been given back.

    An active funding by a payment line that a credit note refunded (or voided) is one. A
    season ticket refunded after some of its incidents were used leaves those incidents
    funded, by design (docs/money.md, Season tickets refunded after use): only an incident
    redeemed after the ticket's cancellation — later in the ticket's ledger than the
    cancellation the refund wrote — is one.
    """
    f = t.IncidentFunding
    line = t.PaymentLine
    problems: list[str] = []
    seen: set[str] = set()
    for reference, receipt, note, kind in tuples(
            f.select(t.Incident.reference, t.Payment.receipt_number, t.CreditNote.number,
                     t.CreditNote.kind)
            .join(t.Incident, on=(f.incident == t.Incident.id))
            .switch(f).join(line, on=(f.payment_line == line.id))
            .join(t.Payment, on=(line.payment == t.Payment.id))
            .switch(line).join(t.CreditNoteLine, on=(t.CreditNoteLine.payment_line == line.id))
            .join(t.CreditNote, on=(t.CreditNoteLine.credit_note == t.CreditNote.id))
            .where(f.active & (f.kind == FundingKind.PAYMENT))
            .order_by(t.Incident.number, t.CreditNote.number)):
        if reference in seen:
            continue
        seen.add(reference)
        how = ("which was voided" if CreditNoteKind(kind) is CreditNoteKind.VOID
               else "whose line was refunded")
        problems.append(f"{reference} is still funded by receipt {RECEIPT.text(receipt)}, "
                        f"{how} on credit note {CREDIT_NOTE.text(note)}: {_BOTH}.")
    cancelled = {int(ticket): int(first) for ticket, first in tuples(
        t.TicketLedger.select(t.TicketLedger.ticket, fn.MIN(t.TicketLedger.id))
        .where(t.TicketLedger.kind == LedgerKind.CANCELLATION)
        .group_by(t.TicketLedger.ticket))}
    if not cancelled:
        return problems
    late = [(str(reference), int(ticket)) for reference, ticket, entry_id in tuples(
        f.select(t.Incident.reference, t.TicketLedger.ticket, t.TicketLedger.id)
        .join(t.Incident, on=(f.incident == t.Incident.id))
        .switch(f).join(t.TicketLedger, on=(f.ticket_entry == t.TicketLedger.id))
        .where(f.active & (f.kind == FundingKind.TICKET)
               & t.TicketLedger.ticket.in_(list(cancelled)))
        .order_by(t.Incident.number))
        if int(entry_id) > cancelled[int(ticket)]]
    if not late:
        return problems
    refunds: dict[int, tuple[int, int]] = {}
    for ticket, receipt, note in tuples(
            line.select(line.ticket, t.Payment.receipt_number, t.CreditNote.number)
            .join(t.Payment, on=(line.payment == t.Payment.id))
            .switch(line).join(t.CreditNoteLine, on=(t.CreditNoteLine.payment_line == line.id))
            .join(t.CreditNote, on=(t.CreditNoteLine.credit_note == t.CreditNote.id))
            .where(line.ticket.in_(sorted({ticket for _, ticket in late})))
            .order_by(t.CreditNote.number)):
        refunds.setdefault(int(ticket), (int(receipt), int(note)))
    for reference, ticket in late:
        if ticket in refunds:
            receipt, note = refunds[ticket]
            problems.append(
                f"{reference} is funded by season ticket {ticket} (receipt "
                f"{RECEIPT.text(receipt)}), redeemed after the ticket was refunded on credit "
                f"note {CREDIT_NOTE.text(note)}: {_BOTH}.")
        else:
            problems.append(f"{reference} is funded by season ticket {ticket}, redeemed after "
                            "the ticket was cancelled.")
    return problems


def _is_are(items: Sequence[object]) -> str:
    return "is" if len(items) == 1 else "are"


# --- records against the audit log's last image of them ---

#: The fields compared, per kind of record; only those the audit log holds an image of.
_USER_FIELDS = ("username", "full_name", "role", "active")
_TICKET_FIELDS = ("customer", "size", "price_pence", "expires_at")
_WAIVER_FIELDS = ("incident", "kind", "reason", "granted_by")
_CONTRACT_FIELDS = ("customer", "reference", "product", "starts_on", "ends_on", "cancelled",
                    "price_pence", "ended_early_reason")
#: Settings that are not the office's business: bookkeeping, secrets, the logo's bytes.
_SETTINGS_SKIPPED = frozenset({"id", "version", "updated_at", "logo", "smtp_password"})
_PRINTED_FIELDS = ("company_name", "address", "vat_number", "phone", "email", "timezone")


def _images() -> dict[tuple[str, str], dict[str, Any]]:
    """Each audited record's last image: the "after"s of its audit rows merged, oldest first.

    Read a batch of rows at a time (keyset on the id), so a long log is never held whole;
    only the records compared are kept.
    """
    a = t.AuditLog
    wanted = ((a.entity.in_(["user", "season_ticket", "contract", "settings"]))
              | (a.action == "funding.waive"))
    images: dict[tuple[str, str], dict[str, Any]] = {}
    # Only the images written since the audit log was chained: earlier versions did not
    # record every change of these records, so an older image proves nothing.
    start = t.ChainHead.get_or_none(t.ChainHead.name == IMAGES_AFTER)
    last = int(start.length) if start is not None else 0
    while True:
        rows = tuples(a.select(a.id, a.entity, a.entity_id, a.action, a.after)
                      .where((a.id > last) & wanted).order_by(a.id).limit(_BATCH))
        if not rows:
            return images
        for _row_id, entity, entity_id, action, after in rows:
            if not after:
                continue
            try:
                image = json.loads(after)
            except ValueError:
                continue  # an altered row: the chain check reports it
            if not isinstance(image, dict):
                continue
            if action == "funding.waive":
                if "id" not in image:
                    continue
                key = ("waiver", str(image["id"]))
            else:
                key = (str(entity), str(entity_id))
            images.setdefault(key, {}).update(image)
        last = rows[-1][0]


def _same(recorded: Any, current: Any) -> bool:
    if recorded == current:
        return True
    if isinstance(recorded, str) and isinstance(current, str):
        try:
            was, now = dt.datetime.fromisoformat(recorded), dt.datetime.fromisoformat(current)
        except ValueError:
            return False
        if was.tzinfo is not None:
            was = was.astimezone(dt.UTC).replace(tzinfo=None)
        if now.tzinfo is not None:
            now = now.astimezone(dt.UTC).replace(tzinfo=None)
        return was == now
    return False


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _differences(what: str, image: Mapping[str, Any], current: Mapping[str, Any],
                 fields: Sequence[str]) -> list[str]:
    told = [f"{name.replace('_', ' ')} is {_shown(current[name])}, the audit log last "
            f"recorded {_shown(image[name])}"
            for name in fields
            if name in image and name in current and not _same(image[name], current[name])]
    return [f"{what}: {'; '.join(told)}."] if told else []


def check_records() -> list[str]:
    """Users, season tickets, waivers, contracts and the office's settings and printed details
    compared with the last image the audit log holds of each, every difference by record.

    Every change the program makes to these records writes that image; a record that differs
    was changed outside the program (a record the log never saw, such as one made before
    the audit log existed, is not compared).
    """
    images = _images()
    problems: list[str] = []

    def compare(entity: str, model: Any, fields: Sequence[str] | None,
                name: Any) -> None:
        ids = sorted(int(i) for (kind, i) in images if kind == entity and i.isdigit())
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start:start + _BATCH]
            rows = {row.id: row for row in model.select().where(model.id.in_(chunk))}
            for record_id in chunk:
                image = images[(entity, str(record_id))]
                row = rows.get(record_id)
                if row is None:
                    problems.append(f"{name(None, record_id)}: it is missing, though the audit "
                                    "log recorded it; it was deleted outside the program.")
                    continue
                current = snapshot(row)
                wanted = fields or [k for k in current if k not in _SETTINGS_SKIPPED]
                problems.extend(_differences(name(row, record_id), image, current, wanted))

    compare("user", t.User, _USER_FIELDS,
            lambda row, i: f"user {row.username if row else i}")
    compare("season_ticket", t.SeasonTicket, _TICKET_FIELDS,
            lambda row, i: f"season ticket {i}")
    compare("waiver", t.Waiver, _WAIVER_FIELDS, lambda row, i: f"waiver {i}")
    compare("contract", t.Contract, _CONTRACT_FIELDS,
            lambda row, i: f"contract {row.reference if row else i}")
    compare("settings", t.OfficeSettings, None, lambda row, i: "the office's settings")
    settings = [image for (kind, _i), image in images.items() if kind == "settings"]
    printed = t.OfficeDetails.select().order_by(t.OfficeDetails.id.desc()).first()
    if settings and printed is not None:
        problems += _differences("the office's printed details", settings[-1],
                                 snapshot(printed), _PRINTED_FIELDS)
    return problems


# --- another copy of the office: a backup before it is restored ---

@contextmanager
def _checking(database: peewee.Database) -> Iterator[None]:
    """The models read ``database`` in this thread for the duration (every other thread of
    the process, a desk's, goes on with the office it opened)."""
    with db.reading(database):  # this thread only: a desk's thread keeps its office
        yield


def _check_other(database: peewee.Database) -> list[str]:
    with _checking(database), read_snapshot():
        return check_office()


def check_sqlite_backup(source: Path) -> list[str]:
    """Everything :func:`check_office` checks, run on a SQLite backup before it is restored.

    The backup itself is only read: a temporary copy of it is brought up to date (a backup
    made by an older version lacks the newer columns) and checked, then removed.
    """
    from synergy_desk.models.database import (
        copy_sqlite_file,
        make_database,
        migrate,
        sqlite_url,
    )

    with tempfile.TemporaryDirectory(prefix="synergy-desk-check-") as folder:
        copy = Path(folder) / "backup.sqlite3"
        copy_sqlite_file(source, copy)
        database = make_database(sqlite_url(copy))
        try:
            database.connect()
            migrate(database)
            return _check_other(database)
        finally:
            database.close()


def check_database_at(url: str) -> list[str]:
    """Everything :func:`check_office` checks, run on the database at ``url`` (a PostgreSQL
    office just restored, before the restore is announced), on a connection of its own."""
    from synergy_desk.models.database import make_database

    database = make_database(url)
    try:
        database.connect()
        return _check_other(database)
    finally:
        database.close()


def tampered_message(source: Path, problems: Sequence[str], *, restored: bool) -> str:
    """The refusal of a backup that fails the checks, naming what they found."""
    shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5
                                       else "")
    state = ("the office was put back as it was before the restore"
             if restored else "nothing was changed")
    return (f"The backup {source} is not as the program wrote it ({len(problems)} "
            f"problem{'s' if len(problems) != 1 else ''}: {shown}); {state}. To restore it "
            "all the same, say so explicitly (restore --accept-tampered).")
