"""The search box: customers by any fragment and incidents by reference or text, as you type."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QWidget

from synergy_desk.domain.enums import IncidentStatus
from synergy_desk.ui import palette
from synergy_desk.ui.operations import Latest, Op
from synergy_desk.ui.worker import Background

KIND_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def run_search(text: str) -> tuple[list[Any], list[Any]]:
    """Both searches for one query (runs on a worker thread)."""
    from synergy_desk.services import search

    return search.search_customers(text, limit=8), search.search_incidents(text, limit=6)


#: The room a hit's text leaves on either side of it, in pixels, within the drop-down's row.
_TEXT_MARGIN = 12


class GlobalSearch(QLineEdit):
    """Debounced: typing never waits for the database; stale answers are dropped."""

    #: The most rows the drop-down shows before it scrolls.
    POPUP_ROWS = 16
    #: The widest the drop-down grows for a long hit, in pixels.
    POPUP_WIDTH = 760

    customer_chosen = Signal(int)
    incident_chosen = Signal(int)
    results_shown = Signal(int)

    def __init__(self, background: Background, parent: QWidget | None = None,
                 debounce_ms: int = 120) -> None:
        super().__init__(parent)
        self.setObjectName("globalSearch")
        self.setPlaceholderText(self.tr("Search customers, phone numbers, incidents…  (Ctrl+K)"))
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(240)
        self.setMaximumWidth(520)
        self._background = background
        self._searches = Latest()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.textEdited.connect(self._on_text_edited)

        self.popup = QListWidget()
        self.popup.setObjectName("globalSearchResults")
        self.popup.setWindowFlags(Qt.WindowType.ToolTip)
        self.popup.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.popup.setMouseTracking(True)
        # A hit too long for the list ends in "…" (the whole of it in its tooltip): no
        # sideways scroll bar to take the room of a row.
        self.popup.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.popup.itemClicked.connect(self._on_popup_item_clicked)
        self.installEventFilter(self)

    # -- typing --------------------------------------------------------------------------

    def _on_text_edited(self, text: str) -> None:
        self._searches.forget()
        if len(text.strip()) < 2:
            self._timer.stop()
            self.popup.hide()
            return
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        text = self.text().strip()
        # A failed search is said in the list, where the answer was expected; the answer to
        # text since changed is dropped.
        Op(self, self._background, lambda: run_search(text)) \
            .unless(self._searches.start()) \
            .success(self._on_results).failure(self._on_error).run()

    def _on_error(self, exc: Exception) -> None:
        self.popup.clear()
        item = QListWidgetItem(self.tr("Search failed: %s") % exc)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.popup.addItem(item)
        self._show_popup()

    def _on_results(self, result: tuple[list[Any], list[Any]]) -> None:
        if not self.hasFocus():
            return
        customers, incidents = result
        self.popup.clear()
        if customers:
            self._section(self.tr("Customers"))
            for hit in customers:
                bits = [hit.name]
                if hit.company and hit.company != hit.name:
                    bits.append(hit.company)
                bits.extend(x for x in (hit.account_code, hit.phone, hit.postcode) if x)
                self._item(" · ".join(bits), "customer", hit.id)
        if incidents:
            self._section(self.tr("Incidents"))
            for hit in incidents:
                status = IncidentStatus(hit.status).label
                self._item(f"{hit.reference}  {hit.subject} — {hit.customer_name} [{status}]",
                           "incident", hit.id)
        if not customers and not incidents:
            item = QListWidgetItem(self.tr("Nothing found for “%s”") % self.text().strip())
            item.setToolTip(item.text())  # a long search is cut short like a long hit
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.popup.addItem(item)
        else:
            for row in range(self.popup.count()):
                if self.popup.item(row).data(KIND_ROLE):
                    self.popup.setCurrentRow(row)
                    break
        self._show_popup()
        self.results_shown.emit(len(customers) + len(incidents))

    def _section(self, title: str) -> None:
        item = QListWidgetItem(title.upper())
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        item.setForeground(palette.SECONDARY.brush())
        font = item.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.85)
        item.setFont(font)
        self.popup.addItem(item)

    def _item(self, text: str, kind: str, ident: int) -> None:
        item = QListWidgetItem(text)
        item.setToolTip(text)
        item.setData(KIND_ROLE, kind)
        item.setData(ID_ROLE, ident)
        self.popup.addItem(item)

    def _show_popup(self) -> None:
        pos = self.mapToGlobal(QPoint(0, self.height()))
        frame = 2 * self.popup.frameWidth()
        shown = min(self.popup.count(), self.POPUP_ROWS)
        scroll = (self.popup.verticalScrollBar().sizeHint().width()
                  if self.popup.count() > shown else 0)
        metrics = self.popup.fontMetrics()
        # As wide as the longest hit, up to POPUP_WIDTH and the screen's right edge; never
        # narrower than the box.
        widest = max((metrics.horizontalAdvance(self.popup.item(row).toolTip())
                      for row in range(self.popup.count())), default=0)
        width = max(self.width(), min(widest + frame + _TEXT_MARGIN + scroll,
                                      self.POPUP_WIDTH))
        screen = self.screen()
        if screen is not None:
            width = max(self.width(), min(width, screen.availableGeometry().right() - pos.x()))
        room = width - frame - _TEXT_MARGIN - scroll
        for row in range(self.popup.count()):
            item = self.popup.item(row)
            if item.toolTip():  # a row's whole text is its tooltip; headings are short
                item.setText(metrics.elidedText(item.toolTip(), Qt.TextElideMode.ElideRight,
                                                room))
        # Every row it holds, up to POPUP_ROWS (a section's heading is smaller than a hit).
        height = (sum(self.popup.sizeHintForRow(row) for row in range(shown)) or 20) + frame
        self.popup.setGeometry(pos.x(), pos.y(), width, height)
        self.popup.show()

    # -- choosing ------------------------------------------------------------------------

    def _move(self, step: int) -> None:
        count = self.popup.count()
        if not count:
            return
        row = self.popup.currentRow()
        for _ in range(count):
            row = (row + step) % count
            if self.popup.item(row).data(KIND_ROLE):
                self.popup.setCurrentRow(row)
                return

    def choose_current(self) -> bool:
        item = self.popup.currentItem()
        if item is None or not item.data(KIND_ROLE):
            return False
        self._choose(item)
        return True

    def _choose(self, item: QListWidgetItem) -> None:
        kind, ident = item.data(KIND_ROLE), int(item.data(ID_ROLE))
        self.popup.hide()
        self.clear()
        if kind == "customer":
            self.customer_chosen.emit(ident)
        else:
            self.incident_chosen.emit(ident)

    def _on_popup_item_clicked(self, item: QListWidgetItem) -> None:
        if item.data(KIND_ROLE):
            self._choose(item)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.popup.isVisible():
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._timer.isActive():
                    # Enter before the debounce fired: search now, synchronously, then choose.
                    self._timer.stop()
                    self._on_results(run_search(self.text().strip()))
                return self.choose_current()
            if key == Qt.Key.Key_Escape:
                self.popup.hide()
                self.clear()
                return True
        if watched is self and event.type() == QEvent.Type.FocusOut:
            QTimer.singleShot(150, self._hide_if_unfocused)
        return super().eventFilter(watched, event)

    def _hide_if_unfocused(self) -> None:
        if not self.hasFocus():
            self.popup.hide()
