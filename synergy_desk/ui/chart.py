"""A small chart painted with QPainter: vertical bars, or a pie with its legend, for a report."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from synergy_desk.domain.money import format_pence
from synergy_desk.ui import palette

# The chart is drawn on the report's white page, in the same colours on any desktop.
INK = palette.CHART_INK.qcolor()
MUTED = palette.CHART_MUTED.qcolor()
GRID = palette.CHART_GRID.qcolor()
AXIS = palette.CHART_AXIS.qcolor()
BAR = palette.CHART_BAR.qcolor()
BAR_HOVER = palette.CHART_BAR_HOVER.qcolor()
#: Slices take these in turn.
PALETTE = tuple(colour.hex() for colour in palette.CHART_SERIES)


class Series(Protocol):
    """What the chart draws (the reports service's ChartSeries has these fields)."""

    @property
    def title(self) -> str: ...
    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def values(self) -> tuple[int, ...]: ...
    @property
    def unit(self) -> str: ...
    @property
    def kind(self) -> str: ...


@dataclass(frozen=True)
class Bar:
    """One bar or slice as painted: its label, value, the value as shown, and where it is."""

    label: str
    value: int
    text: str
    rect: QRectF


def value_text(value: int, unit: str) -> str:
    """A value as the chart writes it: money with the pound sign, counts as whole numbers."""
    return format_pence(value) if unit == "pence" else f"{value:,}"


def _axis_text(value: int, unit: str) -> str:
    # Axis ticks are round amounts: "£1,200" reads better than "£1,200.00" on an axis.
    text = value_text(value, unit)
    return text[:-3] if unit == "pence" and text.endswith(".00") else text


def nice_step(largest: int, unit: str, ticks: int = 4) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks."""
    floor = 100 if unit == "pence" else 1
    raw = max(largest / ticks, floor)
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= raw:
            return max(int(multiple * power), floor)
    return max(int(10 * power), floor)  # pragma: no cover - the loop always returns


class ChartWidget(QWidget):
    """Paints one chart series: bars with an axis and values, or a pie with a legend."""

    def __init__(self, series: Series | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportChart")
        self.setMinimumSize(320, 230)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self._series: Series | None = None
        self._bars: list[Bar] = []
        self._hover = -1
        if series is not None:
            self.set_series(series)

    # -- data --------------------------------------------------------------------------------

    def set_series(self, series: Series) -> None:
        self._series = series
        self._hover = -1
        self.setAccessibleName(series.title)
        self.setAccessibleDescription("; ".join(
            f"{label}: {value_text(value, series.unit)}"
            for label, value in zip(series.labels, series.values, strict=False)))
        self._layout()
        self.update()

    @property
    def series(self) -> Series | None:
        return self._series

    def bars(self) -> list[Bar]:
        """The bars (or slices) as laid out for painting, in the series' order."""
        return list(self._bars)

    def is_pie(self) -> bool:
        return self._series is not None and self._series.kind == "pie"

    def _total(self) -> int:
        return sum(max(0, v) for v in self._series.values) if self._series else 0

    def _is_empty(self) -> bool:
        return self._series is None or not self._series.labels or self._total() == 0

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(520, 260)

    # -- geometry ----------------------------------------------------------------------------

    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        base = QFont(self.font())
        title = QFont(base)
        title.setBold(True)
        title.setPointSizeF(base.pointSizeF() * 1.08)
        small = QFont(base)
        small.setPointSizeF(max(6.5, base.pointSizeF() * 0.86))
        return title, base, small

    def _plot_area(self) -> QRectF:
        title_font, _base, small = self._fonts()
        title_height = QFontMetricsF(title_font).height() + 10
        return QRectF(self.rect()).adjusted(8, title_height + 4, -8, -6)

    def _layout(self) -> None:
        """Work out each bar's or slice's rectangle for the widget's current size."""
        self._bars = []
        series = self._series
        if series is None or self._is_empty():
            return
        area = self._plot_area()
        if series.kind == "pie":
            # The legend keeps the room it needs (labels whole); the pie takes the rest.
            room = area.width() - 16 - 20 - self.legend_width()
            side = max(48.0, min(area.height() - 4, area.width() * 0.45, room))
            pie = QRectF(area.left() + 8, area.top() + (area.height() - side) / 2, side, side)
            for label, value in zip(series.labels, series.values, strict=False):
                self._bars.append(Bar(label, value, value_text(value, series.unit), pie))
            return
        if self.is_horizontal():
            label_width, value_width = self._row_margins()
            plot = area.adjusted(label_width + 8, 4, -value_width - 6, -4)
            row = min(plot.height() / len(series.labels), 30.0)
            thickness = max(4.0, row * 0.66)
            largest = max([1, *series.values])
            for i, (label, value) in enumerate(zip(series.labels, series.values, strict=False)):
                length = plot.width() * max(0, value) / largest
                y = plot.top() + row * i + (row - thickness) / 2
                rect = QRectF(plot.left(), y, length, thickness)
                self._bars.append(Bar(label, value, value_text(value, series.unit), rect))
            return
        axis_width, _top, bottom_margin = self._bar_margins()
        plot = area.adjusted(axis_width, 16, 0, -bottom_margin)
        count = len(series.labels)
        slot = plot.width() / count
        width = max(2.0, min(slot * 0.7, 64.0))
        top = self._axis_top()
        for i, (label, value) in enumerate(zip(series.labels, series.values, strict=False)):
            height = plot.height() * max(0, value) / top if top else 0.0
            x = plot.left() + slot * i + (slot - width) / 2
            rect = QRectF(x, plot.bottom() - height, width, height)
            self._bars.append(Bar(label, value, value_text(value, series.unit), rect))

    def legend_width(self) -> float:
        """The width a pie's legend needs: swatch, the longest label, its value and share."""
        if self._series is None:
            return 0.0
        metrics = QFontMetricsF(self._fonts()[1])
        total = self._total() or 1
        labels = [metrics.horizontalAdvance(label) for label in self._series.labels]
        figures = [metrics.horizontalAdvance(
            f"{value_text(value, self._series.unit)}  ({100 * max(0, value) / total:.0f}%)")
            for value in self._series.values]
        return 18 + max([0.0, *labels]) + 8 + max([0.0, *figures]) + 12

    def is_horizontal(self) -> bool:
        """Bars lie sideways when there are few of them and their names are too long to sit
        under a bar (resolutions, engineers); a run of days stays upright."""
        series = self._series
        if series is None or series.kind == "pie" or not series.labels \
                or len(series.labels) > 12:
            return False
        _title, _base, small = self._fonts()
        metrics = QFontMetricsF(small)
        slot = (self._plot_area().width() - self._bar_margins()[0]) / len(series.labels)
        return max(metrics.horizontalAdvance(label) for label in series.labels) + 6 > slot

    def _row_margins(self) -> tuple[float, float]:
        assert self._series is not None
        _title, base, _small = self._fonts()
        metrics = QFontMetricsF(base)
        labels = max(metrics.horizontalAdvance(label) for label in self._series.labels)
        values = max(metrics.horizontalAdvance(value_text(v, self._series.unit))
                     for v in self._series.values)
        return min(labels + 4, self.width() * 0.4), values + 4

    def _axis_top(self) -> int:
        assert self._series is not None
        largest = max([0, *self._series.values])
        step = nice_step(largest, self._series.unit)
        return max(step, math.ceil(largest / step) * step)

    def _bar_margins(self) -> tuple[float, float, float]:
        assert self._series is not None
        _title, _base, small = self._fonts()
        metrics = QFontMetricsF(small)
        top = self._axis_top()
        step = nice_step(max([0, *self._series.values]), self._series.unit)
        widest = max(metrics.horizontalAdvance(_axis_text(v, self._series.unit))
                     for v in range(0, top + 1, step))
        return widest + 10, 16, metrics.height() * 2 + 6

    # -- painting ----------------------------------------------------------------------------

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        self._layout()
        super().resizeEvent(event)  # type: ignore[arg-type]

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(self.rect(), palette.PAPER.qcolor())
        title_font, base, small = self._fonts()
        painter.setPen(palette.CHART_FRAME.qcolor())
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        if self._series is None:
            painter.end()
            return
        painter.setFont(title_font)
        painter.setPen(INK)
        painter.drawText(QRectF(10, 6, self.width() - 20, QFontMetricsF(title_font).height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         self._series.title)
        if self._is_empty():
            painter.setFont(base)
            painter.setPen(MUTED)
            painter.drawText(self._plot_area(), Qt.AlignmentFlag.AlignCenter,
                             self.tr("Nothing to chart for this period."))
        elif self._series.kind == "pie":
            self._paint_pie(painter, base, small)
        elif self.is_horizontal():
            self._paint_rows(painter, base)
        else:
            self._paint_bars(painter, small)
        painter.end()

    def _paint_bars(self, painter: QPainter, small: QFont) -> None:
        assert self._series is not None
        unit = self._series.unit
        area = self._plot_area()
        axis_width, _top, bottom_margin = self._bar_margins()
        plot = area.adjusted(axis_width, 16, 0, -bottom_margin)
        metrics = QFontMetricsF(small)
        painter.setFont(small)
        top = self._axis_top()
        step = nice_step(max([0, *self._series.values]), unit)
        for tick in range(0, top + 1, step):
            y = plot.bottom() - plot.height() * tick / top
            painter.setPen(QPen(GRID if tick else AXIS, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(MUTED)
            painter.drawText(QRectF(area.left(), y - metrics.height() / 2, axis_width - 6,
                                    metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             _axis_text(tick, unit))
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.left(), plot.bottom()))

        slot = plot.width() / max(1, len(self._bars))
        widest_label = max(metrics.horizontalAdvance(b.label) for b in self._bars) + 6
        label_every = max(1, math.ceil(widest_label / slot))
        widest_value = max(metrics.horizontalAdvance(b.text) for b in self._bars) + 4
        values_fit = widest_value <= slot
        for i, bar in enumerate(self._bars):
            painter.fillRect(bar.rect, BAR_HOVER if i == self._hover else BAR)
            centre = bar.rect.center().x()
            if bar.value and (values_fit or i == self._hover):
                painter.setPen(INK)
                painter.drawText(QRectF(centre - widest_value / 2, bar.rect.top() - metrics.height()
                                        - 2, widest_value, metrics.height()),
                                 Qt.AlignmentFlag.AlignCenter, bar.text)
            if i % label_every == 0:
                painter.setPen(MUTED)
                span = max(slot * label_every, metrics.horizontalAdvance(bar.label) + 4)
                left = min(max(centre - span / 2, 2.0), self.width() - span - 2)
                painter.drawText(QRectF(left, plot.bottom() + 4, span, metrics.height() * 2),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                                 | Qt.TextFlag.TextWordWrap, bar.label)

    def _paint_rows(self, painter: QPainter, base: QFont) -> None:
        assert self._series is not None
        metrics = QFontMetricsF(base)
        painter.setFont(base)
        label_width, _value_width = self._row_margins()
        left = self._plot_area().left()
        plot_left = left + label_width + 8
        first, last = self._bars[0].rect, self._bars[-1].rect
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(QPointF(plot_left, first.top() - 4), QPointF(plot_left, last.bottom() + 4))
        for i, bar in enumerate(self._bars):
            band = QRectF(left, bar.rect.top(), label_width, bar.rect.height())
            painter.setPen(INK)
            painter.drawText(band, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight,
                                                label_width))
            if bar.rect.width() > 0:
                painter.fillRect(bar.rect, BAR_HOVER if i == self._hover else BAR)
            painter.setPen(INK)
            painter.drawText(QRectF(bar.rect.right() + 6, bar.rect.top(),
                                    metrics.horizontalAdvance(bar.text) + 4, bar.rect.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, bar.text)

    def _paint_pie(self, painter: QPainter, base: QFont, small: QFont) -> None:
        assert self._series is not None
        total = self._total()
        pie = self._bars[0].rect
        angle = 90 * 16  # start at twelve o'clock, go clockwise
        painter.setPen(QPen(palette.PAPER.qcolor(), 1.5))  # the seams between slices
        for i, bar in enumerate(self._bars):
            span = -round(360 * 16 * max(0, bar.value) / total)
            painter.setBrush(QColor(PALETTE[i % len(PALETTE)]))
            if span == -360 * 16:
                painter.drawEllipse(pie)  # one slice is all of it: no seam to draw
            elif span:
                painter.drawPie(pie, angle, span)
            angle += span
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # The legend: swatch, label, value and share, one line each.
        metrics = QFontMetricsF(base)
        line = metrics.height() + 4
        left = pie.right() + 20
        width = self.width() - left - 12
        top = pie.center().y() - line * len(self._bars) / 2
        painter.setFont(base)
        for i, bar in enumerate(self._bars):
            y = top + line * i
            painter.fillRect(QRectF(left, y + (line - 12) / 2, 12, 12),
                             QColor(PALETTE[i % len(PALETTE)]))
            share = f"{100 * max(0, bar.value) / total:.0f}%"
            painter.setPen(INK)
            row = QRectF(left + 18, y, width - 18, line)
            figures = f"{bar.text}  ({share})"
            figures_width = metrics.horizontalAdvance(figures)
            painter.drawText(row.adjusted(0, 0, -figures_width - 8, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight,
                                                row.width() - figures_width - 8))
            painter.setPen(MUTED if i != self._hover else INK)
            painter.drawText(row, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             figures)

    # -- hover -------------------------------------------------------------------------------

    def _bar_at(self, point: QPointF) -> int:
        if self.is_pie() and self._bars:
            pie = self._bars[0].rect
            centre = pie.center()
            dx, dy = point.x() - centre.x(), centre.y() - point.y()
            if dx * dx + dy * dy > (pie.width() / 2) ** 2:
                return -1
            # Degrees clockwise from twelve o'clock, as the slices are drawn.
            turned = (90 - math.degrees(math.atan2(dy, dx))) % 360
            total, start = self._total(), 0.0
            for i, bar in enumerate(self._bars):
                start += 360 * max(0, bar.value) / total
                if turned < start:
                    return i
            return -1
        area = self._plot_area()
        for i, bar in enumerate(self._bars):
            if self.is_horizontal():
                band = QRectF(area.left(), bar.rect.top(), area.width(), bar.rect.height())
            else:
                band = QRectF(bar.rect.left(), area.top(), bar.rect.width(), area.height())
            if band.contains(point):
                return i
        return -1

    def mouseMoveEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        index = self._bar_at(event.position())  # type: ignore[attr-defined]
        if index != self._hover:
            self._hover = index
            self.update()

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if self._hover != -1:
            self._hover = -1
            self.update()
        super().leaveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self._bar_at(QPointF(event.pos()))
            if index >= 0:
                bar = self._bars[index]
                QToolTip.showText(event.globalPos(), f"{bar.label}: {bar.text}", self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
