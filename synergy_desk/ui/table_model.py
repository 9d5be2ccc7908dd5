"""One table model for the window's lists: declared columns over plain rows, given all at once
or loaded page by page.

A list is declared as its columns (:class:`Column`): a heading, the text of a row, the value
the column sorts by, and how a cell looks. :class:`TableModel` shows rows under them in one
of two ways:

- **all at once** (``set_rows``): a handful of users, the call-backs due, a report's table.
  A heading click sorts the rows here, by each column's value (never its text);
- **page by page** (a loader, ``reload``): the incident list and the audit log. The view
  asks for the next page as it scrolls (``fetchMore``, one call of the loader a page, never
  two at once); a heading click asks the loader again, in the order of the column's sort key,
  from the first page: the database sorts, not the window.

A page that cannot be loaded while the view scrolls is not raised into Qt: ``failed`` carries
the error to the window, and no more pages are asked for until the next ``reload``.

Rows are the plain frozen dataclasses the services return (or a few fields of them); the
model never reads the database itself.

Beside the model live the pieces a list's view needs to be readable: :class:`ListView` (a
table whose Ctrl+End reaches the real last row, loading the pages still to come),
:func:`size_columns_to_contents` (each column as wide as its heading and the rows loaded,
within a cap) and :class:`SpareWidth` (one column takes the width the others leave).
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QMetaMethod,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from synergy_desk.ui import errors
from synergy_desk.ui.operations import reporting_errors
from synergy_desk.ui.palette import Colour

__all__ = ["ID_ROLE", "SORT_ROLE", "Column", "ListView", "PageLoader", "SpareWidth", "TableModel",
           "size_columns_to_contents", "sort_order", "read_only_table"]

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex

#: The value a cell sorts by (a date, a number, text without case), never its display text.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: The id of the cell's row.
ID_ROLE = Qt.ItemDataRole.UserRole + 2

#: Loads one page: (cursor after which to start, or None for the first page; how many rows;
#: the sort key of the column sorted by, or None; descending) -> (the rows, the cursor of the
#: next page, or None when there are no more).
PageLoader = Callable[[Any, int, str | None, bool], tuple[Sequence[R], Any]]

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

# Qt's item roles as plain numbers. A list asks for seven or eight roles of every cell it
# sizes or paints (thousands of calls as the window first shows its rows), most of them
# roles a list never answers; comparing with Qt's enumeration members took longer than the
# answer itself.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ACCESSIBLE_TEXT = int(Qt.ItemDataRole.AccessibleTextRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_SORT = int(SORT_ROLE)
_ID = int(ID_ROLE)
#: The roles a list's cells answer; any other is None at once.
_ANSWERED = frozenset({_DISPLAY, _ACCESSIBLE_TEXT, _TOOLTIP, _FOREGROUND, _BACKGROUND, _FONT,
                       _ALIGNMENT, _SORT, _ID})


class Column(Generic[R]):
    """One column of a list, declared once: what it is called, shows, sorts by and looks like.

    Args:
        heading: the column's heading (translated when shown).
        text: the cell's text for a row.
        value: what the column sorts by for a row (a date, a number); by default the text
            without case.
        tooltip: the cell's tooltip for a row, or None for none.
        foreground: the colour role of the cell's text for a row, or None for the desktop's.
        background: the colour role of the cell's background for a row, or None.
        bold: whether the cell is in bold for a row.
        number: a number: right-aligned, heading too.
        stretch: the column takes the room the others leave.
        sort_key: for a list loaded page by page, the name of the order the loader sorts by
            when this column is chosen; a column without one does not sort such a list.
    """

    def __init__(self, heading: str, text: Callable[[R], str],
                 value: Callable[[R], Any] | None = None, *,
                 tooltip: Callable[[R], str | None] | None = None,
                 foreground: Callable[[R], Colour | None] | None = None,
                 background: Callable[[R], Colour | None] | None = None,
                 bold: Callable[[R], bool] | None = None, number: bool = False,
                 stretch: bool = False, sort_key: str | None = None) -> None:
        self.heading = heading
        self.text = text
        self.value: Callable[[R], Any] = value or (lambda row: text(row).casefold())
        self.tooltip = tooltip
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.number = number
        self.stretch = stretch
        self.sort_key = sort_key


def sort_order(value: Any) -> tuple[Any, ...]:
    """Where a value sorts: None first, then each kind of value in its own order.

    Values of different kinds are never compared (a day with a number, a moment with a
    zone with one without): the kind's name comes first. Text sorts without case; a member
    of an enum (a status) in the order its enum declares, not by its text.
    """
    if value is None:
        return (0,)
    if isinstance(value, enum.Enum):
        members = list(type(value))
        return (1, type(value).__name__, members.index(value))
    if isinstance(value, bool | int | float):
        return (1, "number", value)
    if isinstance(value, str):
        return (1, "text", value.casefold())
    if isinstance(value, dt.datetime):
        return (1, "moment" if value.tzinfo is None else "moment in a zone", value)
    return (1, type(value).__name__, value)


def _id_of(row: Any) -> Any:
    """A row's id: every row the services give has one."""
    return getattr(row, "id", None)


class TableModel(QAbstractTableModel, Generic[R]):
    """Rows under declared columns: all at once (``set_rows``) or page by page (a loader).

    Args:
        columns: the columns, in order.
        parent: the Qt parent.
        loader: loads a page; without one the rows are given with ``set_rows``.
        page_size: how many rows a page holds.
        sort_column: the column sorted by at first (-1: as the rows come).
        descending: whether that order is descending.
    """

    #: A page could not be loaded while the view scrolled or sorted; carries the error. It
    #: arrives after what Qt was doing ends; with nothing connected, the error is shown.
    failed = Signal(object)

    #: However many rows were loaded, a reload loads at most this many again.
    MAX_KEPT_ROWS = 5000

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None, *,
                 loader: PageLoader[R] | None = None, page_size: int = 100,
                 sort_column: int = -1, descending: bool = False) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._loader = loader
        self._page_size = max(1, page_size)
        self._sort_column = sort_column
        self._descending = descending
        #: The rows as given, in their own order, and which of them each row shown is (all
        #: at once only).
        self._given: list[R] = []
        self._order: list[int] = []
        #: The rows as shown.
        self._rows: list[R] = []
        self._cursor: Any = None
        self._exhausted = loader is None
        self._fetching = False
        self._held = False
        self._stopped = False
        self._bold = QFont()
        self._bold.setBold(True)

    # -- the columns -----------------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column[R], ...]:
        return self._columns

    # -- rows given all at once ----------------------------------------------------------

    def set_rows(self, rows: Sequence[R]) -> None:
        """Show these rows, in the order chosen (the model no longer loads pages)."""
        self.beginResetModel()
        self._loader = None
        self._exhausted = True
        self._stopped = False
        self._given = list(rows)
        self._arrange()
        self.endResetModel()

    def _arrange(self) -> None:
        """Put the rows given in the order chosen (stable: equal values keep theirs)."""
        order = list(range(len(self._given)))
        if 0 <= self._sort_column < len(self._columns):
            value = self._columns[self._sort_column].value
            keys = [sort_order(value(row)) for row in self._given]
            order.sort(key=keys.__getitem__, reverse=self._descending)
        self._order = order
        self._rows = [self._given[i] for i in order]

    # -- rows loaded page by page --------------------------------------------------------

    def set_loader(self, loader: PageLoader[R]) -> None:
        """Show another loader's rows from the first page; raises what the loader raises."""
        self._loader = loader
        self._given, self._order = [], []
        self.reload()

    def reload(self, keep_rows: int = 0) -> None:
        """Start again from the first page, loading at least ``keep_rows`` rows if there are.

        Raises what the loader raises (the rows loaded until then stay); no more pages are
        asked for until the next reload. Rows given all at once stay as they are.
        """
        if self._loader is None:
            return
        self.beginResetModel()
        self._rows = []
        self._cursor = None
        self._exhausted = False
        self._stopped = False
        self.endResetModel()
        self._load(max(self._page_size, min(keep_rows, self.MAX_KEPT_ROWS)))

    def hold(self) -> None:
        """Ask the loader for nothing until :meth:`release`: a window setting up its sort,
        its saved header and its view reads the first page once, not once for each."""
        self._held = True

    def release(self) -> None:
        self._held = False

    def _load(self, want: int, page_size: int | None = None) -> None:
        """Load pages until ``want`` rows have come or there are no more; one call a page
        (of ``page_size`` rows, or the model's own)."""
        if (self._fetching or self._held or self._exhausted or self._stopped
                or self._loader is None):
            return
        self._fetching = True
        key = self._sort_key()
        loaded = 0
        page = max(1, page_size or self._page_size)
        try:
            while loaded < want and not self._exhausted:
                limit = min(page, want - loaded)
                # A page that fails stops the loading until the next reload.
                self._stopped = True
                rows, cursor = self._loader(self._cursor, limit, key, self._descending)
                self._stopped = False
                self._cursor = cursor
                if cursor is None or not rows:
                    self._exhausted = True
                if rows:
                    first = len(self._rows)
                    # Still fetching: Qt asks for more while the rows go in, and is told no.
                    self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
                    self._rows.extend(rows)
                    self.endInsertRows()
                    loaded += len(rows)
        finally:
            self._fetching = False

    def _sort_key(self) -> str | None:
        if 0 <= self._sort_column < len(self._columns):
            return self._columns[self._sort_column].sort_key
        return None

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008, N802 - Qt's
        if parent.isValid() or self._loader is None:
            return False
        return not (self._exhausted or self._fetching or self._stopped or self._held)

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008, N802 - Qt's
        if parent.isValid() or not self.canFetchMore(parent):
            return
        # Qt calls this as the view scrolls: what goes wrong goes to the window by ``failed``.
        with reporting_errors(None, failure=self._hand_on):
            self._load(self._page_size)

    #: How many rows a page holds while the list is loaded to its end (the list service's
    #: largest page: fewer round trips than the view's pages of a screenful).
    END_PAGE_SIZE = 1000
    #: The most rows Ctrl+End loads to reach the end, as many as a reload keeps (about 3 MB
    #: of rows, under a tenth of a second); a longer list is turned round instead
    #: (:meth:`ListView.moveCursor`).
    END_MAX_ROWS = MAX_KEPT_ROWS

    def fetch_to_end(self, max_rows: int | None = None) -> bool:
        """Load the pages still to come, so the last row shown is the list's real last row;
        whether every row is here now.

        At most ``max_rows`` rows in all (None: however many there are), in pages of
        :attr:`END_PAGE_SIZE` rows, one loader call each; what goes wrong goes to the window
        by ``failed`` (the rows loaded until then stay).
        """
        if self.canFetchMore():
            want = sys.maxsize if max_rows is None else max(0, max_rows - len(self._rows))
            with reporting_errors(None, failure=self._hand_on):
                self._load(want, max(self._page_size, self.END_PAGE_SIZE))
        return self._exhausted

    def _hand_on(self, exc: Exception) -> None:
        """A failure while Qt scrolled or sorted, for the window once Qt is done; with no one
        to tell, the one error display shows it."""
        if self.isSignalConnected(QMetaMethod.fromSignal(self.failed)):
            QTimer.singleShot(0, self, lambda: self.failed.emit(exc))
        else:
            errors.show_error(None, exc)

    @property
    def exhausted(self) -> bool:
        """Every row is here: the loader had no more (always, for rows given at once)."""
        return self._exhausted

    @property
    def stopped(self) -> bool:
        """A page could not be loaded; none is asked for until the next reload."""
        return self._stopped

    # -- sorting -------------------------------------------------------------------------

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def descending(self) -> bool:
        return self._descending

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Rows given at once are sorted here by value; a paged list asks the loader again."""
        if column >= len(self._columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if self._loader is not None:
            if column < 0 or self._columns[column].sort_key is None:
                return
            self._sort_column, self._descending = column, descending
            # Qt calls this when a heading is clicked: errors go to the window by ``failed``.
            with reporting_errors(None, failure=self._hand_on):
                self.reload()
            return
        self._sort_column, self._descending = max(column, -1), descending
        self.layoutAboutToBeChanged.emit()
        before = self._order
        self._arrange()
        # Selections and the current row follow their rows to their new places.
        place = {given: shown for shown, given in enumerate(self._order)}
        old = self.persistentIndexList()
        new = [self.index(place[before[index.row()]], index.column())
               if 0 <= index.row() < len(before) else QModelIndex() for index in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # -- reading rows --------------------------------------------------------------------

    def row_at(self, row: int) -> R | None:
        """The row shown at ``row``, or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: Any) -> int:
        """Where the row with this id is shown, or -1 (not there, or not loaded yet)."""
        return next((i for i, row in enumerate(self._rows) if _id_of(row) == row_id), -1)

    def rows(self) -> list[R]:
        """The rows, as shown."""
        return list(self._rows)

    def loaded_count(self) -> int:
        return len(self._rows)

    # -- Qt's table ----------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt's
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr(column.heading)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.number:
            return _RIGHT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED:
            return None
        # An invalid index has row and column -1.
        number, place = index.row(), index.column()
        rows, columns = self._rows, self._columns
        if not (0 <= number < len(rows) and 0 <= place < len(columns)):
            return None
        row = rows[number]
        column = columns[place]
        if role == _DISPLAY or role == _ACCESSIBLE_TEXT:
            return column.text(row)
        if role == _FOREGROUND:
            colour = column.foreground(row) if column.foreground is not None else None
            return colour.brush() if colour is not None else None
        if role == _BACKGROUND:
            colour = column.background(row) if column.background is not None else None
            return colour.brush() if colour is not None else None
        if role == _FONT:
            return self._bold if column.bold is not None and column.bold(row) else None
        if role == _ALIGNMENT:
            return _RIGHT if column.number else None
        if role == _TOOLTIP:
            return column.tooltip(row) if column.tooltip is not None else None
        if role == _SORT:
            return column.value(row)
        if role == _ID:
            return _id_of(row)
        return None


# -- the view of a list ------------------------------------------------------------------------


class ListView(QTableView):
    """A table over a :class:`TableModel`: Ctrl+End goes to the list's real last row.

    Qt's Ctrl+End stops at the last row loaded so far; here the pages still to come are
    loaded first (a list given all at once has none). A list longer than
    :attr:`TableModel.END_MAX_ROWS` is not loaded whole (its rows would outgrow the list's
    memory and take seconds): it is turned round instead — sorted the other way by the same
    column, the heading's arrow saying so — and its first row, the real last one, chosen.
    """

    #: Ctrl+End turned a long list round to show its end: the rows it holds beyond those
    #: loaded are not known, only that there are more than END_MAX_ROWS.
    turned_round = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Made here, so that asking for it is cheap (see screen.VerticalScroll).
        self.setViewport(QWidget())

    def moveCursor(self, cursorAction: QAbstractItemView.CursorAction,  # noqa: N802, N803
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        if cursorAction == QAbstractItemView.CursorAction.MoveEnd \
                and modifiers & Qt.KeyboardModifier.ControlModifier:
            model = self.model()
            column = max(0, self.currentIndex().column())
            if isinstance(model, TableModel):
                if not model.fetch_to_end(model.END_MAX_ROWS) and not model.stopped \
                        and self._turn_round(model):
                    return model.index(0, column) if model.rowCount() else QModelIndex()
            rows = model.rowCount() if model is not None else 0
            if rows:
                # Qt's own goes to the first row when none is current yet.
                return model.index(rows - 1, column)
        return super().moveCursor(cursorAction, modifiers)

    def _turn_round(self, model: TableModel[Any]) -> bool:
        """Sort the other way by the column sorted by; False when the list cannot be."""
        column = model.sort_column
        if not 0 <= column < len(model.columns) or model.columns[column].sort_key is None:
            return False
        self.sortByColumn(column, Qt.SortOrder.AscendingOrder if model.descending
                          else Qt.SortOrder.DescendingOrder)
        self.turned_round.emit()
        return True


def read_only_table(model: TableModel[Any], name: str) -> QTableView:
    """A table of a window's list: whole rows chosen one at a time, nothing edited in place,
    Tab leaving it (arrows move within), no row numbers; the columns declared ``stretch``
    take the spare width, the others fit their contents."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    head = table.horizontalHeader()
    head.setStretchLastSection(False)
    for column, declared in enumerate(model.columns):
        head.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if declared.stretch
                                  else QHeaderView.ResizeMode.ResizeToContents)
    return table


def size_columns_to_contents(view: QTableView, cap: int, *, skip: Sequence[int] = ()) -> None:
    """Make each column as wide as its heading and the rows loaded need, at most ``cap``
    pixels (a column in ``skip`` keeps its width)."""
    header = view.horizontalHeader()
    for column in range(header.count()):
        if column in skip or view.isColumnHidden(column):
            continue
        # The heading's hint has room for the sort arrow when the list sorts.
        wanted = max(header.sectionSizeHint(column), view.sizeHintForColumn(column))
        view.setColumnWidth(column, min(wanted, cap))


class SpareWidth(QObject):
    """Keeps one column of a table as wide as the room the other columns leave, never
    narrower than ``minimum`` (then the table scrolls sideways instead).

    Qt's own stretch mode would squeeze the column to nothing on a narrow screen and would
    not let the user widen it; here the user's widths of the other columns are kept, and
    the column takes what is left whenever the table or another column changes width.
    """

    def __init__(self, view: QTableView, column: int, minimum: int) -> None:
        super().__init__(view)
        self._view = view
        self.column = column
        self.minimum = minimum
        self._busy = False
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._on_header_section_resized)
        view.viewport().installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        """Give the column the room the others leave now."""
        view = self._view
        header = view.horizontalHeader()
        if self._busy or not 0 <= self.column < header.count():
            return
        others = sum(header.sectionSize(c) for c in range(header.count())
                     if c != self.column and not header.isSectionHidden(c))
        width = max(self.minimum, view.viewport().width() - others)
        if header.sectionSize(self.column) != width:
            self._busy = True
            try:
                header.resizeSection(self.column, width)
            finally:
                self._busy = False

    def _on_header_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column != self.column:
            self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False
