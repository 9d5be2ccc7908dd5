"""The incident list's item model: lazy pages, guarded fetchMore, sorting in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.ui.incident_model import ID_ROLE, SORT_ROLE, IncidentTableModel, ListRow


def make_rows(n: int) -> list[ListRow]:
    base = dt.datetime(2026, 1, 1, 9, 0)
    statuses = list(IncidentStatus)
    fundings = list(FundingKind)
    return [ListRow(id=i, reference=f"INC-{i:06d}", customer=f"Customer {i % 7}",
                    subject=f"Subject {i}", product="Ledger", status=statuses[i % len(statuses)],
                    funding=fundings[i % len(fundings)], engineer="" if i % 3 else "Eddie",
                    opened_at=base + dt.timedelta(minutes=i),
                    last_activity_at=base + dt.timedelta(hours=i), version=1)
            for i in range(1, n + 1)]


class FakeLoader:
    """Serves pages from a list, counting calls, sorting by id like the service's keyset."""

    def __init__(self, rows: list[ListRow]) -> None:
        self.rows = rows
        self.calls: list[tuple[Any, int, str, bool]] = []

    def __call__(self, cursor: Any, limit: int, key: str, descending: bool):  # type: ignore[no-untyped-def]
        self.calls.append((cursor, limit, key, descending))
        ordered = sorted(self.rows, key=lambda r: r.id, reverse=descending)
        start = 0 if cursor is None else cursor
        page = ordered[start:start + limit]
        nxt = start + limit if start + limit < len(ordered) else None
        return page, nxt


def test_model_passes_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = IncidentTableModel(FakeLoader(make_rows(250)), page_size=50)
    model.reload()
    qtmodeltester.check(model, force_py=True)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 250


def test_pages_load_lazily_one_call_per_page(qtbot) -> None:  # type: ignore[no-untyped-def]
    loader = FakeLoader(make_rows(1000))
    model = IncidentTableModel(loader, page_size=100)
    model.reload()
    assert model.rowCount() == 100
    assert len(loader.calls) == 1
    model.fetchMore()
    assert model.rowCount() == 200
    assert len(loader.calls) == 2
    assert loader.calls[1][0] == 100  # the cursor of the first page was handed back


def test_fetch_more_is_not_reentrant(qtbot) -> None:  # type: ignore[no-untyped-def]
    rows = make_rows(500)
    inner_calls: list[int] = []

    model: IncidentTableModel

    def loader(cursor, limit, key, descending):  # type: ignore[no-untyped-def]
        # Qt may call fetchMore again while rows are being inserted; simulate that.
        inner_calls.append(model.rowCount())
        model.fetchMore()
        start = cursor or 0
        return rows[start:start + limit], (start + limit if start + limit < len(rows) else None)

    model = IncidentTableModel(loader, page_size=100)
    model.reload()
    assert model.rowCount() == 100
    assert inner_calls == [0]
    model.fetchMore()
    assert model.rowCount() == 200
    assert inner_calls == [0, 100]


def test_status_and_funding_are_text_with_colour(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = IncidentTableModel(FakeLoader(make_rows(10)), page_size=50)
    model.reload()
    index = model.index(0, 4)  # status
    assert model.data(index) in {s.label for s in IncidentStatus}
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    funding = model.index(0, 5)
    assert model.data(funding) in {f.label for f in FundingKind}
    assert model.data(funding, Qt.ItemDataRole.ForegroundRole) is not None


def test_sort_asks_the_loader_again_with_the_new_order(qtbot) -> None:  # type: ignore[no-untyped-def]
    loader = FakeLoader(make_rows(30))
    model = IncidentTableModel(loader, page_size=50)
    model.reload()
    assert model.data(model.index(0, 0), ID_ROLE) == 30  # newest activity first by default
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert loader.calls[-1][2] == "reference"
    assert loader.calls[-1][3] is False
    assert model.data(model.index(0, 0), ID_ROLE) == 1
    assert model.data(model.index(0, 7), SORT_ROLE) == dt.datetime(2026, 1, 1, 9, 1)


def test_reload_keeps_as_many_rows_as_were_loaded(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = IncidentTableModel(FakeLoader(make_rows(1000)), page_size=100)
    model.reload()
    for _ in range(4):
        model.fetchMore()
    assert model.rowCount() == 500
    model.reload(keep_rows=model.loaded_count())
    assert model.rowCount() == 500
