"""The application icon and the toolbar's icons, from the resources compiled into the package.

The toolbar's icons are Tabler Icons (MIT; resources/icons), drawn with ``currentColor``
strokes: :func:`icon` draws one in the palette's text colour, with its own greyed pixmap for a
disabled action and the highlighted-text colour for a chosen menu entry, so it reads on the
desktop's light or dark scheme alike. :class:`IconTint` draws a window's icons again when its
palette changes (the desktop switched scheme). :class:`ToolbarFit` shows a toolbar's text beside
its icons where there is room and only the icons where the window is narrow, so no action falls
into the toolbar's overflow menu.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QFile,
    QIODevice,
    QObject,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QToolBar, QWidget
from shiboken6 import Shiboken

from synergy_desk.ui import resources_rc  # noqa: F401 - registers the resources with Qt

#: The application icon in the compiled resources.
APP_ICON = ":/synergy-desk.svg"
#: Where the toolbar's icons are: ``:/icons/NAME.svg``.
ICON_FOLDER = ":/icons"
#: The sizes an icon says it has (16–32 for menus and toolbars, the larger for high-DPI
#: screens); it is drawn at whatever size is asked, a scaled screen's included.
ICON_SIZES = (16, 20, 24, 32, 40, 48, 64)


def app_icon() -> QIcon:
    """The application icon (a speech bubble with a tick), drawn at any size from its SVG."""
    return QIcon(APP_ICON)


def install_application_resources(app: QApplication) -> None:
    """Give every window of the program the application icon (a dialog without an icon of its
    own takes the application's), and the compiled translation for the desktop's language when
    the resources hold one (the program is written in British English)."""
    app.setWindowIcon(app_icon())
    from PySide6.QtCore import QLocale, QTranslator

    translator = QTranslator(app)
    if translator.load(QLocale(), "synergy_desk", "_", ":/translations"):
        app.installTranslator(translator)


def icon_exists(name: str) -> bool:
    """Whether the resources hold the icon called ``name``."""
    return QFile.exists(f"{ICON_FOLDER}/{name}.svg")


def resource_text(path: str) -> str:
    """A text file of the compiled resources (an icon, a help page, a licence)."""
    file = QFile(path)
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise KeyError(f"{path} is not in the resources.")
    try:
        return bytes(file.readAll().data()).decode("utf-8")
    finally:
        file.close()


def _svg(name: str) -> str:
    if not icon_exists(name):
        raise KeyError(f"No icon called {name!r} in the resources.")
    return resource_text(f"{ICON_FOLDER}/{name}.svg")


def _image(renderer: QSvgRenderer, size: int) -> QImage:
    """The SVG drawn at ``size`` (its strokes in whatever colour the SVG names)."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def _tinted(shape: QImage, colour: QColor) -> QPixmap:
    """``shape`` in ``colour``: every pixel as opaque as it is in ``shape``, all one colour.

    The icons are drawn in one colour (``currentColor``), so the shape drawn once is the
    icon in any colour: filling it keeping its alpha gives what drawing the SVG again with
    another colour would, without parsing and rasterising it again.
    """
    image = shape.copy()
    painter = QPainter(image)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(image.rect(), colour)
    painter.end()
    return QPixmap.fromImage(image)


class _TintedSvg(QIconEngine):
    """An icon drawn from its SVG only when a size of it is first asked for: a toolbar of a
    dozen icons draws each at the one size it shows, rather than at every size in every
    colour before the window can open. Each pixmap drawn is kept."""

    def __init__(self, svg: bytes, colours: dict[QIcon.Mode, QColor]) -> None:
        super().__init__()
        self._svg = svg
        self._colours = colours
        self._renderer: QSvgRenderer | None = None
        self._shapes: dict[int, QImage] = {}
        self._pixmaps: dict[tuple[int, QIcon.Mode], QPixmap] = {}

    def _shape(self, side: int) -> QImage:
        shape = self._shapes.get(side)
        if shape is None:
            if self._renderer is None:
                self._renderer = QSvgRenderer(QByteArray(self._svg))
            shape = self._shapes[side] = _image(self._renderer, side)
        return shape

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        """The icon drawn square, as large as fits ``size`` (device pixels)."""
        side = min(size.width(), size.height())
        if side <= 0:
            return QPixmap()
        pixmap = self._pixmaps.get((side, mode))
        if pixmap is None:
            colour = self._colours.get(mode, self._colours[QIcon.Mode.Normal])
            pixmap = self._pixmaps[(side, mode)] = _tinted(self._shape(side), colour)
        return pixmap

    def actualSize(self, size: QSize, mode: QIcon.Mode,  # noqa: N802 - Qt override
                   state: QIcon.State) -> QSize:
        side = max(0, min(size.width(), size.height()))
        return QSize(side, side)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode,
              state: QIcon.State) -> None:
        ratio = painter.device().devicePixelRatioF()
        side = min(rect.width(), rect.height())
        pixmap = self.pixmap(QSize(round(side * ratio), round(side * ratio)), mode, state)
        pixmap.setDevicePixelRatio(ratio)
        target = QRect(0, 0, side, side)
        target.moveCenter(rect.center())
        painter.drawPixmap(target, pixmap)

    def availableSizes(self, mode: QIcon.Mode = QIcon.Mode.Normal,  # noqa: N802 - Qt override
                       state: QIcon.State = QIcon.State.Off) -> list[QSize]:
        return [QSize(side, side) for side in ICON_SIZES]

    def clone(self) -> QIconEngine:
        engine = _TintedSvg(self._svg, self._colours)
        # Qt deletes the copy with the icon that took it; held here meanwhile, or Python
        # would delete it as this returns. Copies Qt has deleted are let go.
        _CLONES[:] = [kept for kept in _CLONES if Shiboken.isValid(kept)]
        _CLONES.append(engine)
        return engine


#: Engines copied for Qt (an icon changed after it was copied), until Qt deletes them.
_CLONES: list[_TintedSvg] = []


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """The icon called ``name`` drawn in the palette's text colour (the application's palette
    unless one is given), greyed as the palette greys disabled text, and in the highlighted
    text's colour for a chosen menu entry; each size is drawn when it is first shown.

    Raises:
        KeyError: the resources hold no icon of that name.
    """
    svg = _svg(name).encode("utf-8")
    palette = palette if palette is not None else QGuiApplication.palette()
    role = QPalette.ColorRole.WindowText
    colours = {
        QIcon.Mode.Normal: palette.color(QPalette.ColorGroup.Active, role),
        QIcon.Mode.Active: palette.color(QPalette.ColorGroup.Active, role),
        QIcon.Mode.Disabled: palette.color(QPalette.ColorGroup.Disabled, role),
        QIcon.Mode.Selected: palette.color(QPalette.ColorGroup.Active,
                                           QPalette.ColorRole.HighlightedText),
    }
    # Opaque, as the SVG drew with the colour's name (#rrggbb) in it.
    return QIcon(_TintedSvg(svg, {mode: QColor(colour.name())
                                  for mode, colour in colours.items()}))


class IconTint(QObject):
    """Keeps the icons of a window's actions in its palette's colours.

    ``tint.set(action, "name")`` gives the action its icon now and again whenever the window's
    palette changes, as it does when the desktop turns from light to dark.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._names: dict[QAction, str] = {}
        window.installEventFilter(self)

    def set(self, action: QAction, name: str) -> None:
        """Give ``action`` the icon called ``name``, kept in the window's colours."""
        self._names[action] = name
        action.setIcon(icon(name, self._window.palette()))

    def names(self) -> dict[QAction, str]:
        """Each action kept and the name of its icon."""
        return dict(self._names)

    def retint(self) -> None:
        """Draw every icon again in the window's palette."""
        palette = self._window.palette()
        for action, name in self._names.items():
            action.setIcon(icon(name, palette))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._window and event.type() == QEvent.Type.PaletteChange:
            self.retint()
        return False


class ToolbarFit(QObject):
    """Text beside the icons where the toolbar has room for all of it, icons alone where it
    has not (a narrow window), so that no action is pushed into the overflow menu."""

    def __init__(self, toolbar: QToolBar) -> None:
        super().__init__(toolbar)
        self._toolbar = toolbar
        #: The width the toolbar wants with text beside its icons, measured while it has it.
        self._wide = 0
        toolbar.setIconSize(QSize(20, 20))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.installEventFilter(self)

    def wide_width(self) -> int:
        """The width the toolbar needs to show its text beside its icons."""
        if self._toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon:
            self._wide = self._toolbar.sizeHint().width()
        return self._wide

    def fit(self) -> None:
        """Choose the style the toolbar's present width has room for."""
        wide = self.wide_width()
        style = (Qt.ToolButtonStyle.ToolButtonTextBesideIcon
                 if self._toolbar.width() >= wide else Qt.ToolButtonStyle.ToolButtonIconOnly)
        if style != self._toolbar.toolButtonStyle():
            self._toolbar.setToolButtonStyle(style)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._toolbar and event.type() in (QEvent.Type.Resize,
                                                         QEvent.Type.FontChange):
            if event.type() == QEvent.Type.FontChange:
                self._toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.fit()
        return False
