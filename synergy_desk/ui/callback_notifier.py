"""Call-backs that remind: when a call-back falls due, the desk it was promised to (every
engineer's desk for one promised to nobody in particular) shows a notification that opens it.

Each call-back is shown once per desk: the notifier remembers what it has shown, so the
next look at the clock does not show it again. A desk that is locked shows nothing until
it is unlocked, and then shows what fell due meanwhile.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget
from shiboken6 import isValid

from synergy_desk.domain.phones import display_phone
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.operations import reporting_errors

if TYPE_CHECKING:
    from synergy_desk.services.incidents.callbacks import CallBackRow

__all__ = ["CallbackNotice", "CallbackNotifier", "CHECK_MS"]

log = logging.getLogger(__name__)

#: How often the desk looks for call-backs that have fallen due, in milliseconds.
CHECK_MS = 30_000
#: Room kept between a notification and the window's edge, and between notifications.
_MARGIN = 12
#: At most this many notifications at once; more fallen due together are one "and N more".
MOST_AT_ONCE = 3


class CallbackNotice(QFrame):
    """One call-back fallen due, in the window's lower right corner: clicking it (or Open)
    opens the call-back; × puts it away."""

    opened = Signal(object)

    def __init__(self, row: CallBackRow, parent: QWidget, more: int = 0) -> None:
        super().__init__(parent)
        self.row = row
        self.more = more
        self.put_away = False
        self.setObjectName("callbackNotification")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        tone = palette.WARNING_TONE
        self.setStyleSheet(f"#callbackNotification {{ background:{tone.background.hex()}; "
                           f"border:1px solid {tone.text.hex()}; border-radius:4px; }}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        ring = " ".join(x for x in (row.contact_name, display_phone(row.contact_phone)) if x)
        about = f" — {html.escape(row.incident_reference)}" if row.incident_reference else ""
        lines = [f"<b>{html.escape(self.tr('Call-back due'))}: "
                 f"{html.escape(row.customer_name)}</b>{about}",
                 html.escape(self.tr("Promised for %s") % formatting.short_datetime(row.due_at))]
        if ring:
            lines.append(html.escape(self.tr("Ring %s") % ring))
        if row.note:
            note = " ".join(row.note.split())
            lines.append(html.escape(note if len(note) <= 90 else note[:89] + "…"))
        if more:  # several fell due at once: the rest are in the queue
            lines = [f"<b>{html.escape(self.tr('%d more call-backs due') % more)}</b>",
                     html.escape(self.tr("Open the call-backs due to see them all."))]
        self.text = QLabel("<br>".join(lines))
        self.text.setObjectName("callbackNotificationText")
        self.text.setWordWrap(True)
        self.text.setStyleSheet(palette.INK.text_style())
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("callbackNotificationOpen")
        self.open_button.setToolTip(self.tr("Open the call-back: its incident or customer, and "
                                            "the call-backs due"))
        self.open_button.clicked.connect(self.open)
        self.close_button = QToolButton()
        self.close_button.setObjectName("callbackNotificationClose")
        self.close_button.setText("×")
        self.close_button.setToolTip(self.tr("Put this reminder away (the call-back stays due)"))
        self.close_button.clicked.connect(self.dismiss)
        row_layout = QHBoxLayout(self)
        row_layout.setContentsMargins(10, 8, 6, 8)
        row_layout.addWidget(self.text, 1)
        row_layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        row_layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.setFixedWidth(380)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self.open()
            return
        super().mouseReleaseEvent(event)

    def open(self) -> None:
        self.opened.emit(self.row)
        self.dismiss()

    def dismiss(self) -> None:
        self.put_away = True
        self.hide()
        self.deleteLater()


class CallbackNotifier(QObject):
    """Looks, every :data:`CHECK_MS`, for the call-backs due that this desk's user is to be
    reminded of, and shows each one once. ``now`` is the clock (tests give their own and call
    :meth:`check`); ``may_show`` says whether the window may show one now (not while it is
    locked)."""

    #: A notification was clicked: the call-back to open.
    open_requested = Signal(object)
    #: The "and N more" notification was clicked: open the call-backs due.
    queue_requested = Signal()

    def __init__(self, window: QWidget, actor: Actor,
                 now: Callable[[], dt.datetime] = utcnow,
                 may_show: Callable[[], bool] = lambda: True) -> None:
        super().__init__(window)
        self._window = window
        self._actor = actor
        self.now = now
        self._may_show = may_show
        self._shown: set[int] = set()
        self.notices: list[CallbackNotice] = []
        self.timer = QTimer(self)
        self.timer.setObjectName("callbackReminderTimer")
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        window.installEventFilter(self)

    def start(self) -> None:
        self.timer.start()
        QTimer.singleShot(2_000, self.check)  # what fell due before the desk opened

    def stop(self) -> None:
        self.timer.stop()

    def check(self) -> list[CallBackRow]:
        """Show the call-backs fallen due that this desk has not shown yet; those shown."""
        if not self._may_show() or not isValid(self._window) or not self._window.isVisible():
            return []

        def failed(exc: Exception) -> None:
            log.warning("Could not read the call-backs due: %s", exc)  # the next look tries

        from synergy_desk.services.incidents import callbacks

        with reporting_errors(self._window, failure=failed) as reading:
            due = callbacks.callbacks_due_for(self._actor, self.now())
        if reading.failed:
            return []
        new = [row for row in due if row.id not in self._shown]
        room = max(1, MOST_AT_ONCE - len(self.visible_notices()))
        each = new if len(new) <= room else new[:room - 1]
        rest = new[len(each):]
        for row in new:
            self._shown.add(row.id)
        for row, more in [(row, 0) for row in each] + ([(rest[0], len(rest))] if rest else []):
            notice = CallbackNotice(row, self._window, more)
            if more:
                notice.opened.connect(lambda _row: self.queue_requested.emit())
            else:
                notice.opened.connect(self.open_requested.emit)
            notice.destroyed.connect(lambda _o=None, n=notice: self._forget(n))
            self.notices.append(notice)
        if new:
            self._place()
        return new

    def visible_notices(self) -> list[CallbackNotice]:
        return [n for n in self.notices if isValid(n) and n.isVisible()]

    def _forget(self, notice: CallbackNotice) -> None:
        self.notices = [n for n in self.notices if n is not notice and isValid(n)]
        self._place()

    def _place(self) -> None:
        """Stack the notifications up from the window's lower right corner."""
        if not isValid(self._window) or not self._may_show():
            return  # a locked window's curtain stays on top
        # Within the part of the window on the screen (a window larger than the screen is
        # not cut off at its edge).
        area = self._window.rect()
        screen = self._window.screen()
        if screen is not None:
            shown = screen.availableGeometry()
            area = area.intersected(QRect(self._window.mapFromGlobal(shown.topLeft()),
                                          shown.size()))
        right = area.right() + 1
        bottom = area.bottom() + 1 - _MARGIN
        status = getattr(self._window, "statusBar", None)
        if callable(status) and area.bottom() + 1 >= self._window.height():
            bottom -= status().height()
        for notice in self.notices:
            if not isValid(notice) or notice.put_away:
                continue
            notice.adjustSize()
            height = notice.sizeHint().height()
            notice.move(right - notice.width() - _MARGIN, bottom - height)
            notice.show()
            notice.raise_()
            bottom -= height + _MARGIN // 2

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._window and event.type() == QEvent.Type.Resize:
            self._place()
        return False
