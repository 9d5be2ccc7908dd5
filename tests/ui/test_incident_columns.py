"""The incident list's columns: headings, status and funding as text with colour, sort keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.services.incidents.incident_list import IncidentRow
from synergy_desk.ui import formatting
from synergy_desk.ui.incident_columns import (
    COLUMNS,
    ListRow,
    incident_table_model,
    to_list_row,
)
from synergy_desk.ui.table_model import SORT_ROLE, TableModel, sort_order
from tests.ui.test_table_model import FakeLoader, make_rows


def test_the_columns_and_their_database_sort_keys() -> None:
    assert [c.heading for c in COLUMNS] == [
        "Reference", "Customer", "Subject", "Product", "Status", "Funding", "Engineer",
        "Opened", "Last activity"]
    assert [c.sort_key for c in COLUMNS] == [
        "reference", "customer", "subject", "product", "status", "funding", "engineer",
        "opened", "last_activity"]
    assert [c.stretch for c in COLUMNS].index(True) == 2


def test_status_and_funding_are_text_with_colour(qtbot: Any) -> None:
    model = incident_table_model(FakeLoader(make_rows(10)), page_size=50)
    model.reload()
    row = model.row_at(0)
    assert row is not None
    status = model.index(0, 4)
    assert status.data() == row.status.label
    tone = formatting.STATUS_COLOURS[row.status]
    assert status.data(Qt.ItemDataRole.BackgroundRole).color().name() == tone.background.hex()
    assert status.data(Qt.ItemDataRole.ForegroundRole).color().name() == tone.text.hex()
    funding = model.index(0, 5)
    assert funding.data() == row.funding.label
    assert funding.data(Qt.ItemDataRole.ForegroundRole).color().name() == \
        formatting.FUNDING_COLOURS[row.funding].text.hex()
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    # The status sorts in the order of the work, not by its text.
    assert sort_order(COLUMNS[4].value(row)) == (1, "IncidentStatus",
                                                 list(IncidentStatus).index(row.status))
    assert model.index(0, 8).data(SORT_ROLE) == row.last_activity_at
    assert model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == row.subject
    engineers = {model.index(r, 6).data() for r in range(model.rowCount())}
    assert engineers == {"—", "Eddie"}
    assert not model.canFetchMore(QModelIndex())


def test_a_service_row_becomes_a_list_row() -> None:
    at = dt.datetime(2026, 1, 1, 9, 0)
    row = to_list_row(IncidentRow(
        id=7, reference="INC-000007", customer_id=1, customer_name="Oduya Joinery",
        subject="Blank reports", product_id=2, product_name="Ledger",
        status=IncidentStatus.QUEUED, funding=FundingKind.PAYMENT, engineer_id=None,
        engineer_name="", opened_at=at, last_activity_at=at, version=3))
    assert (row.id, row.customer, row.product, row.engineer, row.version) == (
        7, "Oduya Joinery", "Ledger", "", 3)


def test_an_incident_awaiting_a_bank_transfer_says_so_in_the_funding_column() -> None:
    at = dt.datetime(2026, 1, 1, 9, 0)
    base = {"customer_id": 1, "customer_name": "Oduya Joinery", "subject": "Blank reports",
            "product_id": 2, "product_name": "Ledger", "status": IncidentStatus.AWAITING_PAYMENT,
            "funding": FundingKind.NONE, "engineer_id": None, "engineer_name": "",
            "opened_at": at, "last_activity_at": at, "version": 1}
    rows = [to_list_row(IncidentRow(id=1, reference="INC-000001", **base)),
            to_list_row(IncidentRow(id=2, reference="INC-000002", awaiting_transfer=True,
                                    **base))]
    model: TableModel[ListRow] = TableModel(COLUMNS)
    model.set_rows(rows)
    funding = [c.heading for c in COLUMNS].index("Funding")
    assert [model.index(r, funding).data() for r in range(2)] == ["Unfunded",
                                                                 "Awaiting transfer"]
    tones = {model.index(r, funding).data(Qt.ItemDataRole.BackgroundRole).color().name()
             for r in range(2)}
    assert len(tones) == 2  # told apart by colour as well as by word
