"""A layout that puts its widgets in a row and wraps them onto more rows as the width runs out.

Used for rows of buttons that must all stay in view on a narrow window (the incident
detail's actions): nothing is hidden behind an overflow menu, the row grows taller instead.
Its height follows its width (``heightForWidth``), so the layout above it gives it the rows
it needs.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QMargins, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QStyle,
    QWidget,
)

from synergy_desk.ui.screen import VerticalScroll

__all__ = ["FlowBar", "FlowLayout", "FlowScroll"]


class FlowLayout(QLayout):
    """Widgets left to right, wrapping onto a new row when the next does not fit.

    Args:
        parent: the widget laid out, or None.
        spacing: the gap between widgets, across and down (-1: the style's).
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    # -- the items -----------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's
        self._items.append(item)
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's
        if not 0 <= index < len(self._items):
            return None
        item = self._items.pop(index)
        self.invalidate()
        return item

    # -- sizes ---------------------------------------------------------------------------------

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # -- placing -------------------------------------------------------------------------------

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _gap(self, item: QLayoutItem, orientation: Qt.Orientation) -> int:
        if self._spacing >= 0:
            return self._spacing
        widget = item.widget()
        parent = self.parentWidget()
        if widget is None or parent is None:
            return 6
        gap = widget.style().layoutSpacing(QSizePolicy.ControlType.PushButton,
                                           QSizePolicy.ControlType.PushButton, orientation)
        if gap < 0:
            gap = parent.style().pixelMetric(
                QStyle.PixelMetric.PM_LayoutHorizontalSpacing
                if orientation is Qt.Orientation.Horizontal
                else QStyle.PixelMetric.PM_LayoutVerticalSpacing, None, parent)
        return max(gap, 4)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items in ``rect`` (or only measure, without ``move``); the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        # The gaps depend on the style alone: asked for once per style, not for every item.
        gaps: dict[object, tuple[int, int]] = {}
        for item in self._visible():
            hint = item.sizeHint()
            widget = item.widget()
            style = widget.style() if widget is not None else None
            if style not in gaps:
                gaps[style] = (self._gap(item, Qt.Orientation.Horizontal),
                               self._gap(item, Qt.Orientation.Vertical))
            across, down = gaps[style]
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y = area.x(), y + row_height + down
                row_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + across
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


class FlowBar(QWidget):
    """A bar of widgets in a :class:`FlowLayout` that is never shorter than its rows.

    A layout's minimum height does not follow its width, so a tight window could squeeze
    the bar and cut its last row off; the bar asks for the height its width needs each time
    its width changes.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow = FlowLayout(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        height = self.flow.heightForWidth(self.width())
        if height != self.minimumHeight():
            self.setMinimumHeight(height)

    def addWidget(self, widget: QWidget) -> None:  # noqa: N802 - like a layout's
        self.flow.addWidget(widget)
        self._fit_height()


class FlowScroll(VerticalScroll):
    """A :class:`FlowBar` that asks for all its rows but, in a window too short for them,
    keeps one row and scrolls the rest, rather than hold the window taller than the screen.

    Its preferred height is the bar's, for the width it has, so where there is room every row
    shows; its least height is one row.
    """

    def __init__(self, bar: FlowBar) -> None:
        super().__init__(bar, "incidentActionsArea")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        bar.installEventFilter(self)

    @property
    def bar(self) -> FlowBar:
        """The bar of buttons scrolled."""
        return cast(FlowBar, self.widget())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's
        if watched is self.bar and event.type() in (QEvent.Type.Resize,
                                                    QEvent.Type.LayoutRequest):
            self.updateGeometry()
        return False

    def _one_row(self) -> int:
        items = self.bar.flow._visible()
        return max((item.sizeHint().height() for item in items), default=0)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's
        width = max(self.viewport().width(), 1)
        return QSize(self.bar.sizeHint().width(),
                     self.bar.flow.heightForWidth(width) + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's
        margins = self.bar.flow.contentsMargins()
        return QSize(0, self._one_row() + margins.top() + margins.bottom()
                     + 2 * self.frameWidth())
