"""The one table model: rows given at once and sorted by value, or pages loaded lazily and
sorted by the loader, fetchMore guarded, a failed page handed to the window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QTableView

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.ui import palette
from synergy_desk.ui.incident_columns import ListRow, incident_table_model
from synergy_desk.ui.table_model import (
    ID_ROLE,
    SORT_ROLE,
    Column,
    ListView,
    TableModel,
    sort_order,
)


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

    def __init__(self, rows: Sequence[Any], fail_from_call: int | None = None,
                 error: Exception | None = None) -> None:
        self.rows = list(rows)
        self.calls: list[tuple[Any, int, str | None, bool]] = []
        self.fail_from_call = fail_from_call
        self.error = error

    def __call__(self, cursor: Any, limit: int, key: str | None,
                 descending: bool) -> tuple[list[Any], Any]:
        self.calls.append((cursor, limit, key, descending))
        if self.fail_from_call is not None and len(self.calls) >= self.fail_from_call:
            raise self.error or ConnectionError("server closed the connection unexpectedly")
        ordered = sorted(self.rows, key=lambda r: r.id, reverse=descending)
        start = 0 if cursor is None else cursor
        page = ordered[start:start + limit]
        nxt = start + limit if start + limit < len(ordered) else None
        return page, nxt


@dataclass(frozen=True)
class Thing:
    """A row of the kind a service returns, with values that sort differently from their text."""

    id: int
    name: str
    when: dt.datetime | None
    pence: int | None


THINGS = [
    Thing(1, "beta", dt.datetime(2026, 1, 2, 9, 0), 1000),     # "02/01/2026", "£10.00"
    Thing(2, "Alpha", dt.datetime(2025, 12, 10, 9, 0), 107550),  # "10/12/2025", "£1,075.50"
    Thing(3, "gamma", None, 900),                               # "—", "£9.00"
    Thing(4, "delta", dt.datetime(2025, 12, 1, 23, 59), None),
]

THING_COLUMNS: tuple[Column[Thing], ...] = (
    Column("Name", lambda t: t.name, tooltip=lambda t: f"The {t.name} thing"),
    Column("When", lambda t: f"{t.when:%d/%m/%Y}" if t.when else "—", lambda t: t.when),
    Column("Amount", lambda t: "—" if t.pence is None else f"£{t.pence / 100:,.2f}",
           lambda t: t.pence, number=True,
           foreground=lambda t: palette.ERROR if t.pence is None else None,
           background=lambda t: palette.ERROR_TONE.background if t.pence is None else None,
           bold=lambda t: t.pence is None),
)


def things(model: TableModel[Thing], column: int = 0) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


# --- rows given all at once ----------------------------------------------------------------

def test_a_static_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = TableModel(THING_COLUMNS)
    qtmodeltester.check(model)
    model.set_rows(THINGS)
    qtmodeltester.check(model)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    assert not model.canFetchMore(QModelIndex()) and model.exhausted


def test_static_rows_keep_their_order_until_sorted_then_sort_by_value_not_text() -> None:
    model = TableModel(THING_COLUMNS)
    model.set_rows(THINGS)
    assert things(model) == ["beta", "Alpha", "gamma", "delta"]
    # As text "02/01/2026" < "10/12/2025": by value, no date first, then the oldest.
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert things(model, 1) == ["—", "01/12/2025", "10/12/2025", "02/01/2026"]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert things(model, 1) == ["02/01/2026", "10/12/2025", "01/12/2025", "—"]
    # As text "£1,075.50" < "£10.00" < "£9.00": by pence.
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert things(model, 2) == ["—", "£9.00", "£10.00", "£1,075.50"]
    # Text sorts without case.
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert things(model) == ["Alpha", "beta", "delta", "gamma"]
    model.sort(-1)
    assert things(model) == ["beta", "Alpha", "gamma", "delta"]


def test_new_rows_take_the_order_chosen() -> None:
    model = TableModel(THING_COLUMNS, sort_column=2, descending=True)
    model.set_rows(THINGS)
    assert things(model, 2) == ["£1,075.50", "£10.00", "£9.00", "—"]


def test_values_of_different_kinds_are_never_compared() -> None:
    mixed: list[Any] = [dt.date(2026, 3, 1), None, "b", 3, dt.date(2026, 1, 1), "A",
                        dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 1), 2.5]
    ordered = sorted(mixed, key=sort_order)
    assert ordered[0] is None
    assert ordered.index(dt.date(2026, 1, 1)) < ordered.index(dt.date(2026, 3, 1))
    assert ordered.index("A") < ordered.index("b")
    assert ordered.index(2.5) < ordered.index(3)
    column = Column[Any]("Mixed", str, lambda v: v)
    model: TableModel[Any] = TableModel((column,))
    model.set_rows(mixed)
    model.sort(0)
    assert model.rows()[0] is None


def test_an_enum_sorts_in_the_order_it_declares_not_by_its_text() -> None:
    from synergy_desk.domain.enums import IncidentStatus

    statuses = list(IncidentStatus)
    assert sorted(reversed(statuses), key=sort_order) == statuses
    assert sorted(statuses, key=lambda s: s.value) != statuses  # the text would differ
    assert sort_order(None) < sort_order(statuses[0])


def test_a_selection_follows_its_row_when_sorted(qtbot: Any) -> None:
    model = TableModel(THING_COLUMNS)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.set_rows(THINGS)
    view.selectionModel().setCurrentIndex(
        model.index(model.row_of(4), 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    (selected,) = view.selectionModel().selectedRows()
    assert selected.data() == "delta" and selected.data(ID_ROLE) == 4
    assert view.currentIndex().data(ID_ROLE) == 4


def test_the_cells_say_what_their_columns_declare() -> None:
    model = TableModel(THING_COLUMNS)
    model.set_rows(THINGS)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Name", "When", "Amount"]
    assert model.headerData(2, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    amount = model.index(0, 2)
    assert amount.data(SORT_ROLE) == 1000 and amount.data(ID_ROLE) == 1
    assert amount.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "The beta thing"
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.index(0, 0).data(SORT_ROLE) == "beta"  # text sorts without case
    assert amount.data(Qt.ItemDataRole.ForegroundRole) is None
    none = model.index(model.row_of(4), 2)
    assert none.data(Qt.ItemDataRole.ForegroundRole).color().name() == palette.ERROR.hex()
    assert none.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert none.data(Qt.ItemDataRole.FontRole).bold()
    assert amount.data(Qt.ItemDataRole.FontRole) is None
    assert model.row_at(model.row_of(3)).name == "gamma"
    assert model.row_at(99) is None and model.row_of(99) == -1
    # What a screen reader reads is what is shown; roles a list never answers, and cells
    # outside its rows, are nothing.
    assert model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole) == model.index(0, 0).data()
    assert model.index(0, 0).data(Qt.ItemDataRole.DecorationRole) is None
    assert model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) is None
    assert model.data(QModelIndex()) is None
    assert model.data(model.createIndex(len(THINGS), 0)) is None
    assert model.data(model.createIndex(0, 3)) is None


# --- pages loaded as the view scrolls ----------------------------------------------------------

def test_a_paged_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = incident_table_model(FakeLoader(make_rows(250)), page_size=50)
    model.reload()
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 250 and model.exhausted


def test_pages_load_lazily_one_call_per_page(qtbot: Any) -> None:
    loader = FakeLoader(make_rows(1000))
    model = incident_table_model(loader, page_size=100)
    model.reload()
    assert model.rowCount() == 100
    assert len(loader.calls) == 1
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 200
    assert len(loader.calls) == 2
    assert loader.calls[1][0] == 100  # the cursor of the first page was handed back


def test_fetch_more_asked_again_inside_the_loader_does_not_load_twice(qtbot: Any) -> None:
    rows = make_rows(500)
    inner_calls: list[int] = []
    model: TableModel[ListRow]

    def loader(cursor: Any, limit: int, key: str | None,
               descending: bool) -> tuple[list[ListRow], Any]:
        # Qt may call fetchMore again while a page loads; simulate that.
        inner_calls.append(model.rowCount())
        assert not model.canFetchMore(QModelIndex())
        model.fetchMore(QModelIndex())
        start = cursor or 0
        return rows[start:start + limit], (start + limit if start + limit < len(rows) else None)

    model = incident_table_model(loader, page_size=100)
    model.reload()
    assert model.rowCount() == 100
    assert inner_calls == [0]
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 200
    assert inner_calls == [0, 100]


def test_fetch_more_asked_again_while_rows_go_in_does_not_load_twice(qtbot: Any) -> None:
    loader = FakeLoader(make_rows(500))
    model = incident_table_model(loader, page_size=100)
    asked_during_insert: list[bool] = []

    def again(*_args: object) -> None:
        # A view asks for more as soon as rows arrive, before the insertion has ended.
        asked_during_insert.append(model.canFetchMore(QModelIndex()))
        model.fetchMore(QModelIndex())

    model.rowsAboutToBeInserted.connect(again)
    model.rowsInserted.connect(again)
    model.reload()
    assert len(loader.calls) == 1 and model.rowCount() == 100
    model.fetchMore(QModelIndex())
    assert len(loader.calls) == 2 and model.rowCount() == 200
    assert [call[0] for call in loader.calls] == [None, 100]  # each page asked for once
    assert asked_during_insert == [False] * 4


def test_a_paged_sort_asks_the_loader_with_the_key_and_starts_again(qtbot: Any) -> None:
    loader = FakeLoader(make_rows(300))
    model = incident_table_model(loader, page_size=100)
    model.reload()
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 200
    assert loader.calls[-1][2:] == ("last_activity", True)  # latest activity first
    assert model.data(model.index(0, 0), ID_ROLE) == 300
    with qtbot.waitSignal(model.modelReset):
        model.sort(0, Qt.SortOrder.AscendingOrder)
    assert loader.calls[-1] == (None, 100, "reference", False)  # from the first page
    assert model.rowCount() == 100
    assert model.data(model.index(0, 0), ID_ROLE) == 1
    assert (model.sort_column, model.descending) == (0, False)
    model.sort(7, Qt.SortOrder.DescendingOrder)
    assert loader.calls[-1] == (None, 100, "opened", True)
    assert model.data(model.index(0, 7), SORT_ROLE) == dt.datetime(2026, 1, 1, 9, 0) \
        + dt.timedelta(minutes=300)


def test_a_paged_model_never_sorts_what_it_has_loaded(qtbot: Any) -> None:
    # The fake loader always serves by id: the model shows the loader's order, whatever the
    # column's values say.
    loader = FakeLoader(make_rows(30))
    model = incident_table_model(loader, page_size=50)
    model.reload()
    model.sort(2, Qt.SortOrder.AscendingOrder)  # subject: "Subject 1", "Subject 10", …
    assert [model.index(r, 0).data(ID_ROLE) for r in range(3)] == [1, 2, 3]


def test_a_column_without_a_sort_key_does_not_sort_a_paged_list(qtbot: Any) -> None:
    loader = FakeLoader(THINGS)
    model = TableModel(THING_COLUMNS, loader=loader, page_size=10)
    model.reload()
    assert loader.calls == [(None, 10, None, False)]
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert len(loader.calls) == 1 and model.sort_column == -1


def test_reload_keeps_as_many_rows_as_were_loaded(qtbot: Any) -> None:
    model = incident_table_model(FakeLoader(make_rows(1000)), page_size=100)
    model.reload()
    for _ in range(4):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 500
    model.reload(keep_rows=model.loaded_count())
    assert model.rowCount() == 500
    assert model.row_of(1000) == 0 and model.row_at(0).id == 1000
    assert [r.id for r in model.rows()[:2]] == [1000, 999]


def test_a_page_that_fails_while_scrolling_is_handed_on_and_loading_stops(qtbot: Any) -> None:
    loader = FakeLoader(make_rows(300), fail_from_call=2)
    model = incident_table_model(loader, page_size=100)
    model.reload()
    with qtbot.waitSignal(model.failed) as failed:
        model.fetchMore(QModelIndex())  # nothing is raised into Qt
    assert isinstance(failed.args[0], ConnectionError)
    assert model.rowCount() == 100 and model.stopped
    assert not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert len(loader.calls) == 2  # not asked again until reloaded
    loader.fail_from_call = None
    model.reload()
    assert not model.stopped and model.canFetchMore(QModelIndex())


def test_a_page_that_fails_with_nobody_listening_reaches_the_one_error_display(
        shown_errors: Any) -> None:
    from synergy_desk.domain.errors import NotFound

    loader_error = NotFound("There is no such list.")
    model = incident_table_model(FakeLoader(make_rows(300), fail_from_call=2, error=loader_error),
                                 page_size=100)
    model.reload()
    model.fetchMore(QModelIndex())  # nothing is raised into Qt, and nothing is lost either
    assert shown_errors.messages == [loader_error] and model.stopped


def test_a_sort_that_fails_is_handed_on(qtbot: Any) -> None:
    loader = FakeLoader(make_rows(30), fail_from_call=2)
    model = incident_table_model(loader, page_size=50)
    model.reload()
    with qtbot.waitSignal(model.failed):
        model.sort(0, Qt.SortOrder.AscendingOrder)
    assert model.stopped and model.rowCount() == 0


def test_a_reload_that_fails_raises_to_its_caller_and_stops(qtbot: Any) -> None:
    model = incident_table_model(FakeLoader(make_rows(30), fail_from_call=1), page_size=50)
    with pytest.raises(ConnectionError):
        model.reload()
    assert model.stopped and not model.canFetchMore(QModelIndex())


def test_given_rows_end_the_paging() -> None:
    model = TableModel(THING_COLUMNS, loader=FakeLoader(THINGS), page_size=2)
    model.reload()
    assert model.canFetchMore(QModelIndex())
    model.set_rows(THINGS[:1])
    assert not model.canFetchMore(QModelIndex())
    model.reload()  # nothing to load again
    assert things(model) == ["beta"]


def test_ctrl_end_reaches_the_real_last_row_of_a_list_longer_than_a_page(qtbot: Any) -> None:
    loader = FakeLoader(make_rows(2350))
    model = TableModel(incident_table_model(loader).columns, loader=loader, page_size=100)
    model.reload()
    view = ListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    view.setFocus()
    assert model.rowCount() < 2350
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert model.rowCount() == 2350 and model.exhausted
    assert view.currentIndex().row() == 2349
    assert view.currentIndex().data(ID_ROLE) == 2350
    # Big pages to the end, not a screenful a call.
    assert max(limit for _cursor, limit, _key, _desc in loader.calls) == TableModel.END_PAGE_SIZE
    assert len(loader.calls) <= 1 + 3
    # Back at the top, Ctrl+End again asks for nothing more.
    calls = len(loader.calls)
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert len(loader.calls) == calls and view.currentIndex().row() == 2349


def test_a_page_that_fails_on_the_way_to_the_end_is_handed_to_the_window(qtbot: Any) -> None:
    loader = FakeLoader(make_rows(2350), fail_from_call=3)
    model = TableModel(incident_table_model(loader).columns, loader=loader, page_size=100)
    model.reload()
    failures: list[object] = []
    model.failed.connect(failures.append)
    model.fetch_to_end()
    qtbot.waitUntil(lambda: bool(failures))
    assert model.stopped and model.rowCount() == 1100


def test_ctrl_end_turns_a_very_long_list_round_rather_than_load_it_whole(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TableModel, "END_MAX_ROWS", 500)
    loader = FakeLoader(make_rows(2350))
    model = incident_table_model(loader, page_size=100)
    model.reload()
    assert model.descending and model.index(0, 0).data(ID_ROLE) == 2350  # newest first
    view = ListView()
    qtbot.addWidget(view)
    view.setSortingEnabled(True)
    view.setModel(model)
    view.horizontalHeader().setSortIndicator(model.sort_column, Qt.SortOrder.DescendingOrder)
    view.resize(600, 300)
    view.show()
    qtbot.waitExposed(view)
    view.setFocus()
    with qtbot.waitSignal(view.turned_round):
        qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    # At most END_MAX_ROWS were loaded before the list was turned round.
    assert sum(limit for _c, limit, _k, _d in loader.calls) <= 500 + 3 * 100 < 2350
    assert not model.descending
    assert view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    # The row chosen is the list's real last row: the oldest, first now.
    assert view.currentIndex().row() == 0 and view.currentIndex().data(ID_ROLE) == 1
    assert model.rowCount() <= 200
