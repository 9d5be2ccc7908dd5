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

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget
from shiboken6 import isValid

from synergy_desk.domain.phones import display_phone
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import callbacks
from synergy_desk.services.incidents.callbacks import CallBackRow
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.operations import reporting_errors

__all__ = ["CallbackNotice", "CallbackNotifier", "CHECK_MS"]

log = logging.getLogger(__name__)

#: How often the desk looks for call-backs that have fallen due, in milliseconds.
CHECK_MS = 30_000
#: Room kept between a notification and the window's edge, and between notifications.
_MARGIN = 12


class CallbackNotice(QFrame):
    """One call-back fallen due, in the window's lower right corner: clicking it (or Open)
    opens the call-back; × puts it away."""

    opened = Signal(object)

    def __init__(self, row: CallBackRow, parent: QWidget) -> None:
        super().__init__(parent)
        self.row = row
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

        with reporting_errors(self._window, failure=failed) as reading:
            due = callbacks.callbacks_due_for(self._actor, self.now())
        if reading.failed:
            return []
        new = [row for row in due if row.id not in self._shown]
        for row in new:
            self._shown.add(row.id)
            notice = CallbackNotice(row, self._window)
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
        bottom = self._window.height() - _MARGIN
        status = getattr(self._window, "statusBar", None)
        if callable(status):
            bottom -= status().height()
        for notice in self.notices:
            if not isValid(notice) or notice.put_away:
                continue
            notice.adjustSize()
            height = notice.sizeHint().height()
            notice.move(self._window.width() - notice.width() - _MARGIN, bottom - height)
            notice.show()
            notice.raise_()
            bottom -= height + _MARGIN // 2

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._window and event.type() == QEvent.Type.Resize:
            self._place()
        return False
