"""Tamper and sequence checks over the money rows, and the one place their hashed content is built."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import peewee
from peewee import fn

from synergy_desk.models import tables as t
from synergy_desk.services.common import GENESIS_HASH, canonical_json, row_hash

#: Columns that are the chain itself, never part of what is hashed.
_CHAIN_COLUMNS = frozenset({"id", "prev_hash", "row_hash"})

#: The three chains of money rows, by the name chain_append is given.
PAYMENT_CHAIN = "payment"
CREDIT_NOTE_CHAIN = "credit_note"
LEDGER_CHAIN = "ticket_ledger"

_BATCH = 500


# --- content builders: the writers hash exactly this, the checker recomputes exactly this ---

def _columns(row: peewee.Model, exclude: Iterable[str]) -> dict[str, Any]:
    """Every column of ``row`` except ``exclude``, as the database will hold it.

    Each value passes through its field's ``db_value`` so an unsaved row (the writer) and the
    same row read back (the checker) give identical content: enums become their values,
    foreign keys their ids, booleans ``bool``.
    """
    skip = set(exclude)
    out: dict[str, Any] = {}
    for field in row._meta.sorted_fields:
        if field.name in skip:
            continue
        out[field.name] = field.db_value(row.__data__.get(field.name))
    return out


def payment_content(payment: t.Payment, lines: Sequence[t.PaymentLine]) -> dict[str, Any]:
    """What a receipt's hash covers: every column of the payment and of each of its lines."""
    content = _columns(payment, _CHAIN_COLUMNS)
    content["lines"] = [_columns(line, {"id", "payment"})
                        for line in sorted(lines, key=lambda ln: int(ln.position))]
    return content


def credit_note_content(note: t.CreditNote, lines: Sequence[t.CreditNoteLine]) -> dict[str, Any]:
    """What a credit note's hash covers: every column of the note and of each of its lines."""
    content = _columns(note, _CHAIN_COLUMNS)
    content["lines"] = sorted((_columns(line, {"id", "credit_note"}) for line in lines),
                              key=lambda c: (c["payment_line"], canonical_json(c)))
    return content


def ledger_content(entry: t.TicketLedger) -> dict[str, Any]:
    """What a season-ticket ledger row's hash covers: every column of the row."""
    return _columns(entry, _CHAIN_COLUMNS)


# --- the tamper check ---

@dataclass(frozen=True)
class TamperProblem:
    """One money row (or chain head) that is not as the program wrote it."""

    chain: str
    row_id: int | None
    number: str | None  # "R-000012", "CN-000003", or None for ledger rows and the head
    problem: str

    def __str__(self) -> str:
        what = self.number or (f"{self.chain} row {self.row_id}" if self.row_id else self.chain)
        return f"{what}: {self.problem}"


def _batches(model: Any) -> Iterator[list[Any]]:
    """All rows of ``model`` in id order, a batch at a time (keyset, so any size is fine)."""
    last = 0
    while True:
        rows = list(model.select().where(model.id > last).order_by(model.id).limit(_BATCH))
        if not rows:
            return
        yield rows
        last = rows[-1].id


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


def _payment_rows() -> Iterator[tuple[int, str | None, str, str, dict[str, Any]]]:
    for batch in _batches(t.Payment):
        ids = [p.id for p in batch]
        lines: dict[int, list[t.PaymentLine]] = {i: [] for i in ids}
        for line in t.PaymentLine.select().where(t.PaymentLine.payment.in_(ids)):
            lines[line.__data__["payment"]].append(line)
        for p in batch:
            yield (p.id, f"R-{p.receipt_number:06d}", p.prev_hash, p.row_hash,
                   payment_content(p, lines[p.id]))


def _credit_note_rows() -> Iterator[tuple[int, str | None, str, str, dict[str, Any]]]:
    for batch in _batches(t.CreditNote):
        ids = [n.id for n in batch]
        lines: dict[int, list[t.CreditNoteLine]] = {i: [] for i in ids}
        for line in t.CreditNoteLine.select().where(t.CreditNoteLine.credit_note.in_(ids)):
            lines[line.__data__["credit_note"]].append(line)
        for n in batch:
            yield (n.id, f"CN-{n.number:06d}", n.prev_hash, n.row_hash,
                   credit_note_content(n, lines[n.id]))


def _ledger_rows() -> Iterator[tuple[int, str | None, str, str, dict[str, Any]]]:
    for batch in _batches(t.TicketLedger):
        for e in batch:
            yield e.id, None, e.prev_hash, e.row_hash, ledger_content(e)


def check_tamper() -> list[TamperProblem]:
    """Walk the payment, credit-note and season-ticket ledger chains; report every bad row.

    Each row's hash is recomputed from its stored content and the previous row's hash with
    the same content builders the writers use, so any column changed, any row removed or
    slipped in, and any row cut off the end of a chain is found.
    """
    problems: list[TamperProblem] = []
    _walk(PAYMENT_CHAIN, _payment_rows(), problems)
    _walk(CREDIT_NOTE_CHAIN, _credit_note_rows(), problems)
    _walk(LEDGER_CHAIN, _ledger_rows(), problems)
    return problems


# --- the sequence check ---

def _number_gaps(label: str, prefix: str, column: peewee.Field, counter: str) -> list[str]:
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
            problems.append(f"{label} {_list_numbers(prefix, missing)} "
                            f"{'is' if len(missing) == 1 else 'are'} missing.")
        if repeated:
            problems.append(f"{label} {_list_numbers(prefix, repeated)} "
                            f"{'is' if len(repeated) == 1 else 'are'} used more than once.")
        if lowest is not None and lowest < 1:
            problems.append(f"{label} numbers below 1 exist ({prefix}{lowest:06d}).")
    highest = highest or 0
    if last_value != highest:
        problems.append(
            f"The {label.lower()} counter stands at {last_value} but the highest number "
            f"issued is {highest}: the next number would "
            f"{'skip' if last_value > highest else 'repeat'} numbers.")
    return problems


def _list_numbers(prefix: str, numbers: list[int], shown: int = 10) -> str:
    text = ", ".join(f"{prefix}{n:06d}" for n in numbers[:shown])
    if len(numbers) > shown:
        text += f" and {len(numbers) - shown} more"
    return text


def check_sequences() -> list[str]:
    """Receipts, credit notes and incidents numbered 1..N with no gap or repeat, counters at N."""
    return (_number_gaps("Receipt", "R-", t.Payment.receipt_number, "receipt")
            + _number_gaps("Credit note", "CN-", t.CreditNote.number, "credit_note")
            + _number_gaps("Incident", "INC-", t.Incident.number, "incident"))
