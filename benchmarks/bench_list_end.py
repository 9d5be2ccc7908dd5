"""Ctrl+End in the incident list, view by view: loading the pages still to come, or, for a
list longer than ``TableModel.END_MAX_ROWS``, turning it round.

    python benchmarks/bench_list_end.py --database sqlite:///office-100k.sqlite3

For each view (newest activity first, as the list opens) the list model loads its first
page, then:

- *whole*: every page still to come is loaded (``fetch_to_end()`` with no bound) — the time,
  the rows, the loader calls and the memory the rows hold (tracemalloc, in a second run so
  it does not slow the timed one); beside it the same pages read by the list service alone;
- *Ctrl+End*: what the key does — the pages up to ``END_MAX_ROWS`` rows, and when the list
  is longer, the list sorted the other way round from its first page.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from _bench import open_office, parse_args

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], lambda p: p.add_argument(
        "--views", default="open,awaiting_payment,resolved,all",
        help="the views to take to their end, comma-separated"))
    open_office(args.database)
    from PySide6.QtCore import QCoreApplication, Qt

    from synergy_desk.services.incidents import incident_list
    from synergy_desk.ui.incident_columns import incident_table_model, to_list_row
    from synergy_desk.ui.table_model import TableModel

    app = QCoreApplication([])  # noqa: F841 - the model is a QObject
    calls = 0

    def loader_for(view: str) -> Callable[..., tuple[list[Any], Any]]:
        def loader(cursor: Any, limit: int, key: str | None,
                   descending: bool) -> tuple[list[Any], Any]:
            nonlocal calls
            calls += 1
            sort = incident_list.Sort(column=key or incident_list.Sort.column,
                                      descending=descending)
            page = incident_list.list_incidents(incident_list.IncidentFilter(view=view), sort,
                                                after=cursor, limit=limit)
            return [to_list_row(r) for r in page.rows], page.next_cursor
        return loader

    print(f"\nCtrl+End loads at most {TableModel.END_MAX_ROWS:,} rows; a longer list is "
          "turned round.")
    print(f"  {'view':18}  {'rows':>9}  {'calls':>6}  {'whole':>9}  {'service':>9}"
          f"  {'rows hold':>10}  {'Ctrl+End':>9}  what Ctrl+End did")
    for view in args.views.split(","):
        model = incident_table_model(loader_for(view))
        model.reload()
        calls = 0
        started = time.perf_counter()
        model.fetch_to_end()
        whole = (time.perf_counter() - started) * 1000.0
        rows, whole_calls = model.rowCount(), calls

        model = incident_table_model(loader_for(view))
        model.reload()
        tracemalloc.start()
        model.fetch_to_end()
        held, _peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        started = time.perf_counter()
        cursor: Any = None
        while True:
            page = incident_list.list_incidents(incident_list.IncidentFilter(view=view),
                                                incident_list.Sort(), after=cursor,
                                                limit=TableModel.END_PAGE_SIZE)
            [to_list_row(r) for r in page.rows]
            cursor = page.next_cursor
            if cursor is None or not page.rows:
                break
        alone = (time.perf_counter() - started) * 1000.0

        # What the key does (ListView.moveCursor, without a view on the screen).
        model = incident_table_model(loader_for(view))
        model.reload()
        started = time.perf_counter()
        if model.fetch_to_end(TableModel.END_MAX_ROWS):
            did = f"loaded to row {model.rowCount():,}"
        else:
            model.sort(model.sort_column, Qt.SortOrder.AscendingOrder if model.descending
                       else Qt.SortOrder.DescendingOrder)
            did = "turned round: the last row first"
        key = (time.perf_counter() - started) * 1000.0
        print(f"  {view:18}  {rows:9,d}  {whole_calls:6d}  {whole:6.0f} ms  {alone:6.0f} ms"
              f"  {held / 1e6:7.1f} MB  {key:6.0f} ms  {did}")


if __name__ == "__main__":
    main()
