"""The tamper check makes each chained row's content straight from the values the database
driver gives: the same content the chains' own functions make from the model instance a
plain select reads, on every chained table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee
import pytest
from playhouse.fields import EnumField

from synergy_desk.domain.enums import PaymentMethod
from synergy_desk.models import tables as t
from synergy_desk.services.common import canonical_json
from synergy_desk.services.money import chains
from synergy_desk.services.reporting import integrity
from tests.services.reporting.test_integrity import books  # noqa: F401 - a fixture


def _json(contents: list[dict[str, Any]]) -> list[str]:
    """As hashed: 0 and False are equal in Python, not in a hash."""
    return [canonical_json(c) for c in contents]


def _by_select(model: Any) -> list[Any]:
    return list(model.select().order_by(model.id))


def _raw(row: chains.RowContent) -> list[tuple[Any, ...]]:
    return [values for batch in integrity._batches(row) for values in batch]


def _lines_of(model: Any, parent: str) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {}
    for line in model.select():
        found.setdefault(line.__data__[parent], []).append(line)
    return found


@pytest.mark.usefixtures("books")
def test_the_check_makes_the_content_the_chains_make_from_a_select() -> None:
    payments = _by_select(t.Payment)
    assert payments
    lines = _lines_of(t.PaymentLine, "payment")
    expected = [chains.payment_content(p, lines.get(p.id, [])) for p in payments]
    read = [content for *_, content in integrity._payment_rows()]
    assert _json(read) == _json(expected)
    assert any(c["lines"] for c in read)

    notes = _by_select(t.CreditNote)
    assert notes
    note_lines = _lines_of(t.CreditNoteLine, "credit_note")
    assert _json([content for *_, content in integrity._credit_note_rows()]) == _json([
        chains.credit_note_content(n, note_lines.get(n.id, [])) for n in notes])

    for model, row, content in ((t.TicketLedger, chains.LEDGER_ROW, chains.ledger_content),
                                (t.AuditLog, chains.AUDIT_ROW, chains.audit_content),
                                (t.BankTransfer, chains.TRANSFER_ROW,
                                 chains.transfer_content)):
        selected = _by_select(model)
        assert selected or model is t.BankTransfer, model.__name__
        assert _json([row(values) for values in _raw(row)]) == _json(
            [content(r) for r in selected]), model.__name__
        assert [row.value(values, "row_hash") for values in _raw(row)] == [
            r.row_hash for r in selected]


class _Thing(peewee.Model):
    number = peewee.IntegerField(null=True)
    label = peewee.CharField(null=True)
    flag = peewee.BooleanField(null=True)
    when = peewee.DateTimeField(null=True)
    method = EnumField(PaymentMethod, null=True, max_length=16)


@pytest.mark.parametrize("values", [
    (1, 7, "x", 1, "2026-01-02 03:04:05", "cash"),
    (2, None, None, None, None, None),
    # Types a column may not give:
    (3, True, b"bytes", 0, dt.datetime(2026, 1, 2, 3, 4, 5), PaymentMethod.CARD),
    (4, "12", 5, True, None, b"cash"),
])
def test_a_value_not_of_its_columns_plain_type_goes_through_its_field(
        values: tuple[Any, ...]) -> None:
    row = chains.RowContent(_Thing, {"id"})
    instance = _Thing(__no_default__=1)
    instance.__data__ = {f.name: f.python_value(v)
                         for f, v in zip(_Thing._meta.sorted_fields, values, strict=True)}
    expected = chains._columns(instance, {"id"})
    assert canonical_json(row(values)) == canonical_json(expected)
    assert [type(v) for v in row(values).values()] == [type(v) for v in expected.values()]


def test_a_value_no_member_of_its_enum_has_is_refused_as_a_select_refuses_it() -> None:
    row = chains.RowContent(_Thing, {"id"})
    with pytest.raises(ValueError):
        _Thing.method.python_value("no such method")
    with pytest.raises(ValueError):
        row((5, 1, "x", 1, None, "no such method"))


def test_only_fields_that_keep_a_value_as_it_is_take_it_as_given() -> None:
    assert chains._as_given(_Thing.number) is int
    assert chains._as_given(_Thing.label) is str
    assert chains._as_given(_Thing.flag) is None
    assert chains._as_given(_Thing.when) is None
    assert chains._as_given(t.PaymentLine.payment) is int
