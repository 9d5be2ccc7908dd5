"""The tamper-evident chains of money rows: their names, and exactly what each row's hash
covers. The writers (payments, credit notes, the ticket ledger) hash this content as they
write a row; the integrity check recomputes the same content from the row read back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import peewee
from playhouse.fields import EnumField

from synergy_desk.models import tables as t
from synergy_desk.services.common import canonical_json

__all__ = ["PAYMENT_CHAIN", "CREDIT_NOTE_CHAIN", "LEDGER_CHAIN", "payment_content",
           "credit_note_content", "ledger_content", "AUDIT_CHAIN", "audit_content",
           "TRANSFER_CHAIN", "transfer_content", "RowContent", "PAYMENT_ROW", "PAYMENT_LINE_ROW",
           "CREDIT_NOTE_ROW", "CREDIT_NOTE_LINE_ROW", "LEDGER_ROW", "AUDIT_ROW", "TRANSFER_ROW",
           "read_payment_content", "read_credit_note_content"]

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


#: Field classes whose ``python_value`` and ``db_value`` hand back a value of this type (or
#: None) as it is: for their columns the content is the value the database driver gives.
_AS_GIVEN: dict[type[peewee.Field], type] = {
    peewee.IntegerField: int, peewee.BigIntegerField: int, peewee.SmallIntegerField: int,
    peewee.AutoField: int, peewee.BigAutoField: int,
    peewee.CharField: str, peewee.TextField: str,
}


def _as_given(field: peewee.Field) -> type | None:
    """The type whose values ``field`` reads and writes unchanged, if it has one (by the
    field's exact class: a subclass may convert)."""
    if type(field) is peewee.ForeignKeyField:
        return _as_given(field.rel_field)
    return _AS_GIVEN.get(type(field))


def _members(field: Any) -> frozenset[str] | None:
    """An enum text column's values: its content is such a value as it is (read as its
    member, written as the member's value), whereas any other text goes through the enum."""
    if type(field) is EnumField:
        return frozenset(member.value for member in field.enum_class)
    return None


class RowContent:
    """:func:`_columns` of a row read back, made straight from the values of a select of every
    column (``fields``, in that order) as the database driver gives them.

    The integrity check reads millions of chained rows: rather than make a model instance of
    each (every value through its field's ``python_value``) and then take its columns (every
    value through ``db_value``), each value goes through both only where that can change it.
    For a plain integer or text column, an ``int`` or ``str`` (or None) is its own content,
    and so is one of an enum's values in its column. A test holds the two ways equal on
    every chained table.
    """

    def __init__(self, model: type[peewee.Model], exclude: Iterable[str]) -> None:
        self.model = model
        self.fields: list[Any] = list(model._meta.sorted_fields)
        skip = set(exclude)
        #: Each column: its position, name, the type taken as given and the values it may
        #: have to be (an enum's), and its field.
        columns: list[tuple[int, str, type | None, frozenset[str] | None, Any]] = []
        for position, field in enumerate(self.fields):
            members = _members(field)
            plain = str if members is not None else _as_given(field)
            columns.append((position, field.name, plain, members, field))
        self._plan = [column for column in columns if column[1] not in skip]
        self._columns = {column[1]: column for column in columns}

    def __call__(self, values: Sequence[Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for position, name, plain, members, field in self._plan:
            value = values[position]
            if plain is not None and (value is None or type(value) is plain
                                      and (members is None or value in members)):
                out[name] = value
            else:
                out[name] = field.db_value(field.python_value(value))
        return out

    def value(self, values: Sequence[Any], name: str) -> Any:
        """The column ``name`` of the row as the model reads it."""
        position, _name, plain, members, field = self._columns[name]
        value = values[position]
        if members is None and plain is not None and (value is None or type(value) is plain):
            return value
        return field.python_value(value)


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


PAYMENT_ROW = RowContent(t.Payment, _CHAIN_COLUMNS)
PAYMENT_LINE_ROW = RowContent(t.PaymentLine, {"id", "payment"})
CREDIT_NOTE_ROW = RowContent(t.CreditNote, _CHAIN_COLUMNS)
CREDIT_NOTE_LINE_ROW = RowContent(t.CreditNoteLine, {"id", "credit_note"})
LEDGER_ROW = RowContent(t.TicketLedger, _CHAIN_COLUMNS)
AUDIT_ROW = RowContent(t.AuditLog, _CHAIN_COLUMNS)
TRANSFER_ROW = RowContent(t.BankTransfer, _CHAIN_COLUMNS)


def read_payment_content(payment: Sequence[Any], lines: Sequence[Sequence[Any]]
                         ) -> dict[str, Any]:
    """:func:`payment_content` of a payment and its lines read as the driver gives them."""
    content = PAYMENT_ROW(payment)
    content["lines"] = [PAYMENT_LINE_ROW(line) for line in sorted(
        lines, key=lambda ln: int(PAYMENT_LINE_ROW.value(ln, "position")))]
    return content


def read_credit_note_content(note: Sequence[Any], lines: Sequence[Sequence[Any]]
                             ) -> dict[str, Any]:
    """:func:`credit_note_content` of a note and its lines read as the driver gives them."""
    content = CREDIT_NOTE_ROW(note)
    content["lines"] = sorted((CREDIT_NOTE_LINE_ROW(line) for line in lines),
                              key=lambda c: (c["payment_line"], canonical_json(c)))
    return content
