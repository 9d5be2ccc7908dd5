"""Windows that fit the screen they open on: a 1366 × 768 laptop, or 1920 × 1080 at 150 %
(1280 × 720 to the program).

- A saved window geometry is used only when it still lies wholly on a screen attached now
  (:func:`fits_a_screen`): one saved on a bigger screen, or on a monitor since unplugged, is
  ignored and the window fitted afresh.
- Every dialog, as it is first shown, is made no bigger than the screen's free area (title
  bar and borders allowed for) and moved wholly onto it (:class:`KeepOnScreen`, installed
  once on the application).
"""

from __future__ import annotations

import struct

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QFrame, QScrollArea, QStyle, QWidget

__all__ = ["FRAME_ALLOWANCE", "KeepOnScreen", "VerticalScroll", "fit_on_screen",
           "fits_a_screen", "keep_dialogs_on_screen", "saved_frame"]

#: Room left round a window for its title bar and borders before it is shown (logical px).
FRAME_ALLOWANCE = (16, 40)
#: The first word of a geometry saved by ``QWidget.saveGeometry``.
_GEOMETRY_MAGIC = 0x1D9D0CB
#: Its start: the magic word, major and minor version, then the frame's left, top, right and
#: bottom.
_GEOMETRY_HEAD = struct.Struct(">IHHiiii")
#: Set on a dialog once it has been fitted, so that a dialog shown again keeps its size.
_FITTED = "synergyDeskFitted"


class VerticalScroll(QScrollArea):
    """A pane that scrolls up and down when it is given less height than its contents
    (rather than holding the window taller than the screen), but keeps the width its
    contents need: nothing is cut off at its right-hand edge."""

    def __init__(self, widget: QWidget, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        # A viewport made here is known to Python; asking for one Qt made would have PySide
        # look for its type among every widget class (about 15 ms the first time, at start-up).
        self.setViewport(QWidget())
        self.setWidget(widget)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        inner = self.widget()
        width = inner.minimumSizeHint().width() if inner is not None else 0
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return QSize(width + bar + 2 * self.frameWidth(), super().minimumSizeHint().height())


def saved_frame(geometry: QByteArray) -> QRect | None:
    """The frame (title bar included) a saved window geometry had, or None when it cannot
    be read (Qt's layout of ``QWidget.saveGeometry``: magic, version, frame, …)."""
    # Read as QDataStream writes it (big-endian): unpacked here rather than through a
    # QDataStream, whose ">>" has PySide load a dozen of Qt's classes at start-up.
    data = bytes(geometry.data())
    if len(data) < _GEOMETRY_HEAD.size:
        return None
    magic, _major, _minor, left, top, right, bottom = _GEOMETRY_HEAD.unpack_from(data)
    frame = QRect(QPoint(left, top), QPoint(right, bottom))
    if magic != _GEOMETRY_MAGIC or not frame.isValid():
        return None
    return frame


def fits_a_screen(geometry: QByteArray) -> bool:
    """Whether a saved window lies wholly on one of the screens attached now: not bigger
    than it, not off its edge, not on a monitor since unplugged."""
    frame = saved_frame(geometry)
    if frame is None:
        return False
    return any(screen.availableGeometry().contains(frame)
               for screen in QGuiApplication.screens())


def fit_on_screen(window: QWidget, *, move: bool = True) -> None:
    """Shrink a top-level window to the free area of its screen (never below its minimum)
    and, with ``move``, move it wholly onto that screen."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    room = screen.availableGeometry()
    frame, inner = window.frameGeometry(), window.geometry()
    frame_w = max(FRAME_ALLOWANCE[0], frame.width() - inner.width())
    frame_h = max(FRAME_ALLOWANCE[1], frame.height() - inner.height())
    width = max(window.minimumWidth(), min(window.width(), room.width() - frame_w))
    height = max(window.minimumHeight(), min(window.height(), room.height() - frame_h))
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    if not move:
        return
    x = min(max(window.x(), room.left()), room.right() + 1 - width - frame_w)
    y = min(max(window.y(), room.top()), room.bottom() + 1 - height - frame_h)
    x, y = max(x, room.left()), max(y, room.top())
    if (x, y) != (window.x(), window.y()):
        window.move(x, y)


class KeepOnScreen(QObject):
    """Fits every dialog to its screen as it is first shown (see :func:`fit_on_screen`).

    The filter sees the dialog's show before the dialog does: a dialog that places itself
    (over its parent, kept on the screen by Qt) is only made small enough to be placed; one
    moved to a place of its own is also moved wholly onto the screen.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if (event.type() == QEvent.Type.Show and isinstance(watched, QDialog)
                and watched.isWindow() and not watched.property(_FITTED)):
            watched.setProperty(_FITTED, True)
            fit_on_screen(watched, move=watched.testAttribute(Qt.WidgetAttribute.WA_Moved))
        return False


def keep_dialogs_on_screen(app: QObject) -> KeepOnScreen:
    """Install the dialog fitter on the application, once; the fitter installed."""
    found = app.findChild(KeepOnScreen, "keepOnScreen")
    if isinstance(found, KeepOnScreen):
        return found
    keeper = KeepOnScreen(app)
    keeper.setObjectName("keepOnScreen")
    app.installEventFilter(keeper)
    return keeper
