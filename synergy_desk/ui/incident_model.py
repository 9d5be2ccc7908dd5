"""The incident list's item model: pages loaded lazily by keyset, sorted in the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.ui import formatting

#: (key, heading, sort key understood by the list service)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("reference", "Reference", "reference"),
    ("customer", "Customer", "customer"),
    ("subject", "Subject", "subject"),
    ("product", "Product", "product"),
    ("status", "Status", "status"),
    ("funding", "Funding", "funding"),
    ("engineer", "Engineer", "engineer"),
    ("opened", "Opened", "opened"),
    ("last_activity", "Last activity", "last_activity"),
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
VERSION_ROLE = Qt.ItemDataRole.UserRole + 3


@dataclass(frozen=True, slots=True)
class ListRow:
    """One incident as the list shows it (kept small: a long list stays light)."""

    id: int
    reference: str
    customer: str
    subject: str
    product: str
    status: IncidentStatus
    funding: FundingKind
    engineer: str
    opened_at: dt.datetime
    last_activity_at: dt.datetime
    version: int


#: Loads one page: (cursor after which to start or None, page size, sort key, descending)
#: -> (rows, cursor of the next page or None when there are no more).
PageLoader = Callable[[Any, int, str, bool], tuple[Sequence[ListRow], Any]]


class IncidentTableModel(QAbstractTableModel):
    """Rows arrive page by page as the view scrolls; sorting asks the database again."""

    reloaded = Signal()

    def __init__(self, loader: PageLoader, page_size: int = 100, parent: Any = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._page_size = page_size
        self._rows: list[ListRow] = []
        self._cursor: Any = None
        self._exhausted = False
        self._fetching = False
        self._sort_column = 8
        self._descending = True

    # -- loading -------------------------------------------------------------------------

    def set_loader(self, loader: PageLoader) -> None:
        self._loader = loader
        self.reload()

    def reload(self, keep_rows: int = 0) -> None:
        """Start again from the first page; load at least ``keep_rows`` rows if there are."""
        self.beginResetModel()
        self._rows = []
        self._cursor = None
        self._exhausted = False
        self.endResetModel()
        self._fetch_page(max(self._page_size, min(keep_rows, 5000)))
        self.reloaded.emit()

    def _fetch_page(self, want: int | None = None) -> None:
        if self._fetching or self._exhausted:
            return
        self._fetching = True
        try:
            want = want or self._page_size
            new: list[ListRow] = []
            while len(new) < want and not self._exhausted:
                key = COLUMNS[self._sort_column][2]
                rows, cursor = self._loader(self._cursor, min(self._page_size, want - len(new))
                                            or self._page_size, key, self._descending)
                new.extend(rows)
                self._cursor = cursor
                if cursor is None or not rows:
                    self._exhausted = True
            if new:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
                self._rows.extend(new)
                self.endInsertRows()
        finally:
            self._fetching = False

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return not self._exhausted and not self._fetching

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        self._fetch_page()

    # -- the table -----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(COLUMNS):
                return self.tr(COLUMNS[section][1])
        return None

    def row_at(self, row: int) -> ListRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, incident_id: int) -> int:
        for i, item in enumerate(self._rows):
            if item.id == incident_id:
                return i
        return -1

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        item = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, key)
        if role == SORT_ROLE:
            return self._sort_value(item, key)
        if role == ID_ROLE:
            return item.id
        if role == VERSION_ROLE:
            return item.version
        if role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole):
            colours = None
            if key == "status":
                colours = formatting.STATUS_COLOURS.get(item.status)
            elif key == "funding":
                colours = formatting.FUNDING_COLOURS.get(item.funding)
            if colours:
                return (colours.text if role == Qt.ItemDataRole.ForegroundRole
                        else colours.background).brush()
            return None
        if role == Qt.ItemDataRole.ToolTipRole and key in ("subject", "customer"):
            return self._display(item, key)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(item, key)
        return None

    @staticmethod
    def _display(item: ListRow, key: str) -> str:
        if key == "status":
            return item.status.label
        if key == "funding":
            return item.funding.label
        if key == "opened":
            return formatting.short_datetime(item.opened_at)
        if key == "last_activity":
            return formatting.short_datetime(item.last_activity_at)
        if key == "engineer":
            return item.engineer or "—"
        return str(getattr(item, key))

    @staticmethod
    def _sort_value(item: ListRow, key: str) -> Any:
        if key == "opened":
            return item.opened_at
        if key == "last_activity":
            return item.last_activity_at
        if key == "status":
            return list(IncidentStatus).index(item.status)
        if key == "funding":
            return list(FundingKind).index(item.funding)
        return IncidentTableModel._display(item, key).lower()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def descending(self) -> bool:
        return self._descending

    def loaded_count(self) -> int:
        return len(self._rows)
