"""The tamper check reads each chained row as the same model instance a plain select gives:
every field's value read by that field, nothing marked as changed."""

from __future__ import annotations

from typing import Any

import pytest

from synergy_desk.models import tables as t
from synergy_desk.services.reporting import integrity
from tests.services.reporting.test_integrity import books  # noqa: F401 - a fixture

CHAINED = (t.Payment, t.PaymentLine, t.CreditNote, t.CreditNoteLine, t.TicketLedger,
           t.BankTransfer, t.AuditLog)


def _as_a_select_reads(model: Any) -> list[tuple[dict[str, Any], set[str], dict[str, Any]]]:
    return [(dict(row.__data__), set(row._dirty), dict(row.__rel__))
            for row in model.select().order_by(model.id)]


@pytest.mark.usefixtures("books")
def test_the_check_reads_the_rows_a_plain_select_reads() -> None:
    for model in CHAINED:
        expected = _as_a_select_reads(model)
        assert expected or model is t.BankTransfer, model.__name__
        batches = list(integrity._batches(model))
        read = [(dict(row.__data__), set(row._dirty), dict(row.__rel__))
                for batch in batches for row in batch]
        assert read == expected, model.__name__
        assert all(type(row) is model for batch in batches for row in batch)
