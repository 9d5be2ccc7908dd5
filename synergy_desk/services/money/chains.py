"""The tamper-evident chains of money rows: their names, and exactly what each row's hash
covers. The writers (payments, credit notes, the ticket ledger) hash this content as they
write a row; the integrity check recomputes the same content from the row read back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import peewee

from synergy_desk.models import tables as t
from synergy_desk.services.common import canonical_json

__all__ = ["PAYMENT_CHAIN", "CREDIT_NOTE_CHAIN", "LEDGER_CHAIN", "payment_content",
           "credit_note_content", "ledger_content", "AUDIT_CHAIN", "audit_content",
           "TRANSFER_CHAIN", "transfer_content"]

#: Columns that are the chain itself, never part of what is hashed.
_CHAIN_COLUMNS = frozenset({"id", "prev_hash", "row_hash"})

#: The three chains of money rows, by the name chain_append is given.
PAYMENT_CHAIN = "payment"
CREDIT_NOTE_CHAIN = "credit_note"
LEDGER_CHAIN = "ticket_ledger"
#: Money that arrived by bank transfer for a payment request.
TRANSFER_CHAIN = "bank_transfer"
#: The audit log's own chain: a row deleted, altered or slipped in by hand breaks it.
#: (services.common.audit writes it, hashing the same content as :func:`audit_content`.)
AUDIT_CHAIN = "audit"


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


def audit_content(entry: t.AuditLog) -> dict[str, Any]:
    """What an audit row's hash covers: when, who, what, and the images before and after."""
    return _columns(entry, _CHAIN_COLUMNS)


def transfer_content(transfer: t.BankTransfer) -> dict[str, Any]:
    """What a bank transfer's hash covers: every column of the row."""
    return _columns(transfer, _CHAIN_COLUMNS)
