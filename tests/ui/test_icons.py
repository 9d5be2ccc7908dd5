"""The application icon on the program's windows, and the toolbar's icons: each one in the
resources, drawn in the palette's colours, tooltips with the shortcuts, no action pushed off a
narrow toolbar."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QKeySequence, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QToolBar, QToolButton

from synergy_desk.services.common import Actor
from synergy_desk.ui import icons
from synergy_desk.ui.dialogs.login import LoginDialog
from synergy_desk.ui.main_window import MainWindow
from tests.ui.test_main_window import make_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_icon_installed(qapp: QApplication) -> Iterator[QApplication]:
    saved = qapp.windowIcon()
    icons.install_application_resources(qapp)
    yield qapp
    qapp.setWindowIcon(saved)


def _same_icon(a: QIcon, b: QIcon) -> bool:
    return a.pixmap(32, 32).toImage() == b.pixmap(32, 32).toImage()


def _colours(image: QImage) -> set[str]:
    """The opaque colours an icon is drawn in."""
    found = set()
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() == 255:
                found.add(pixel.name())
    return found


def test_the_application_icon_is_the_svg_of_the_resources(qapp: Any) -> None:
    icon = icons.app_icon()
    assert not icon.isNull()
    image = icon.pixmap(64, 64).toImage()
    # The desk's blue and the tick's green.
    assert "#1f4e8c" in _colours(image)
    assert any(QColor(c).green() > QColor(c).red() + 40 for c in _colours(image))


def test_the_program_gives_its_windows_the_application_icon(tmp_path: Path) -> None:
    """What app.main does: the application icon is set before any window opens (the log-in,
    the first-run dialog, an error), so every window and dialog shows it."""
    code = """
import sys
from synergy_desk import app
seen = {}
def start(prefs, database_url=None):
    from PySide6.QtWidgets import QApplication, QDialog
    icon = QApplication.instance().windowIcon()
    seen["app"] = not icon.isNull() and icon.pixmap(32, 32).toImage().pixelColor(16, 4).name()
    seen["dialog"] = not QDialog().windowIcon().isNull()
    return 0
app.start = start
code = app.main(type("Args", (), {"database": None, "verbose": False})())
print(code, seen["app"], seen["dialog"])
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SYNERGY_DESK_LOG_DIR=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd=ROOT, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "#1f4e8c", "True"]


def test_a_dialog_shows_the_application_icon(app_icon_installed: QApplication,
                                             qtbot: Any) -> None:
    dialog = LoginDialog(None, lambda _user, _password: None)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(dialog)
    assert _same_icon(dialog.windowIcon(), icons.app_icon())


def test_the_main_window_shows_the_application_icon(qtbot: Any, manager: Actor,
                                                    prefs: Any) -> None:
    window = make_window(qtbot, manager, prefs)
    assert _same_icon(window.windowIcon(), icons.app_icon())


def test_every_icon_the_window_names_is_in_the_resources(qapp: Any) -> None:
    assert MainWindow.ACTION_ICONS
    missing = [name for name in MainWindow.ACTION_ICONS.values() if not icons.icon_exists(name)]
    assert missing == []
    with pytest.raises(KeyError, match="No icon called 'no-such-icon'"):
        icons.icon("no-such-icon")


def test_every_icon_in_the_resources_is_used_and_every_one_used_is_there(
        qtbot: Any, manager: Actor, prefs: Any) -> None:
    window = make_window(qtbot, manager, prefs)
    used = set(window.icon_tint.names().values())
    assert set(MainWindow.ACTION_ICONS.values()) <= used
    assert all(icons.icon_exists(name) for name in used)
    shipped = {p.stem for p in (ROOT / "resources" / "icons").glob("*.svg")}
    assert shipped == used


def _toolbar(window: MainWindow) -> QToolBar:
    toolbar = window.findChild(QToolBar, "mainToolbar")
    assert toolbar is not None
    return toolbar


@pytest.mark.parametrize("role", ["reception", "engineer", "manager"])
def test_every_toolbar_action_has_an_icon_and_its_shortcut_in_its_tooltip(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str) -> None:
    window = make_window(qtbot, office[role], prefs)
    actions = [a for a in _toolbar(window).actions()
               if not a.isSeparator() and a.isVisible() and a.text()]
    assert len(actions) >= 6
    for action in actions:
        assert not action.icon().isNull(), action.objectName()
        assert window.icon_tint.names().get(action) in MainWindow.ACTION_ICONS.values()
        shortcuts = [s.toString(QKeySequence.SequenceFormat.PortableText)
                     for s in action.shortcuts()]
        assert shortcuts, f"{action.objectName()} on the toolbar has no shortcut"
        for keys in shortcuts:
            assert keys in action.toolTip(), (action.objectName(), action.toolTip())


def _palette(text: str, disabled: str, highlighted: str) -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText, QColor(text))
    palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.WindowText, QColor(text))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText,
                     QColor(disabled))
    palette.setColor(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText,
                     QColor(highlighted))
    return palette


def test_an_icon_is_drawn_in_the_palettes_text_colour_and_greyed_when_disabled(
        qapp: Any) -> None:
    icon = icons.icon("refresh", _palette("#102030", "#a0a0a0", "#ffffff"))
    normal = _colours(icon.pixmap(48, 48, QIcon.Mode.Normal).toImage())
    disabled = _colours(icon.pixmap(48, 48, QIcon.Mode.Disabled).toImage())
    selected = _colours(icon.pixmap(48, 48, QIcon.Mode.Selected).toImage())
    assert normal == {"#102030"}
    assert disabled == {"#a0a0a0"}
    assert selected == {"#ffffff"}


def test_a_translucent_disabled_colour_greys_the_icon_as_its_name_would(qapp: Any) -> None:
    palette = _palette("#102030", "#a0a0a0", "#ffffff")
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText,
                     QColor(160, 160, 160, 80))
    icon = icons.icon("refresh", palette)
    assert _colours(icon.pixmap(48, 48, QIcon.Mode.Disabled).toImage()) == {"#a0a0a0"}


def test_an_icon_is_drawn_sharp_at_the_size_a_scaled_screen_asks_for(qapp: Any) -> None:
    icon = icons.icon("refresh", _palette("#102030", "#a0a0a0", "#ffffff"))
    for ratio, side in ((1.0, 20), (1.5, 30), (2.0, 40)):
        pixmap = icon.pixmap(QSize(20, 20), ratio)
        assert pixmap.size() == QSize(side, side)
        assert pixmap.devicePixelRatio() == ratio
        # Drawn at that size, not a smaller drawing blown up: its strokes keep their colour.
        assert _colours(pixmap.toImage()) == {"#102030"}
    assert icon.actualSize(QSize(40, 24)) == QSize(24, 24)


def test_an_icon_paints_itself_centred_in_the_rectangle_given(qapp: Any) -> None:
    icon = icons.icon("refresh", _palette("#102030", "#a0a0a0", "#ffffff"))
    image = QImage(60, 40, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    icon.paint(painter, QRect(0, 0, 60, 40))
    painter.end()
    columns = [x for x in range(60) for y in range(40) if image.pixelColor(x, y).alpha()]
    assert _colours(image) == {"#102030"}
    assert min(columns) >= 10 and max(columns) < 50  # a 40 × 40 icon in the middle


def test_an_icon_copied_and_changed_keeps_both_drawings(qapp: Any) -> None:
    icon = icons.icon("refresh", _palette("#102030", "#a0a0a0", "#ffffff"))
    copy = QIcon(icon)
    extra = QPixmap(8, 8)
    extra.fill(QColor("#ff0000"))
    copy.addPixmap(extra)  # Qt copies the icon's engine before changing the copy
    gc.collect()
    assert _colours(copy.pixmap(48, 48).toImage()) == {"#102030"}
    assert _colours(icon.pixmap(48, 48).toImage()) == {"#102030"}
    del copy
    gc.collect()
    assert _colours(icon.pixmap(32, 32, QIcon.Mode.Selected).toImage()) == {"#ffffff"}


def test_the_icons_are_drawn_again_when_the_palette_turns_dark(
        qtbot: Any, manager: Actor, prefs: Any) -> None:
    window = make_window(qtbot, manager, prefs)
    dark = _palette("#eeeeee", "#777777", "#000000")
    window.setPalette(dark)
    image = window.act_log_call.icon().pixmap(48, 48).toImage()
    assert _colours(image) == {"#eeeeee"}
    light = _palette("#111111", "#999999", "#ffffff")
    window.setPalette(light)
    assert _colours(window.act_refresh.icon().pixmap(48, 48).toImage()) == {"#111111"}


def test_the_toolbar_shows_text_beside_icons_with_room_and_icons_alone_when_narrow(
        qtbot: Any, manager: Actor, prefs: Any) -> None:
    window = make_window(qtbot, manager, prefs)
    toolbar = _toolbar(window)
    window.resize(1600, 800)
    qtbot.waitUntil(lambda: toolbar.toolButtonStyle()
                    == Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    window.resize(640, 700)
    qtbot.waitUntil(lambda: toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly)
    # Icons alone, every action still on the toolbar, none in its overflow menu.
    for action in toolbar.actions():
        if action.isVisible() and not action.isSeparator() and action.text():
            button = toolbar.widgetForAction(action)
            assert isinstance(button, QToolButton)
            assert button.isVisible(), action.objectName()
    window.resize(1600, 800)
    qtbot.waitUntil(lambda: toolbar.toolButtonStyle()
                    == Qt.ToolButtonStyle.ToolButtonTextBesideIcon)


def test_a_plain_dialog_without_its_own_icon_takes_the_applications(
        app_icon_installed: QApplication, qtbot: Any) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    assert _same_icon(dialog.windowIcon(), app_icon_installed.windowIcon())
