"""The window fits a 1366 × 768 laptop and a 1920 × 1080 screen at 150 %, for every role.

Each size runs the real main window in a process of its own (:mod:`tests.ui.screen_fit_probe`):
Qt reads the scale factor and the offscreen screen's size once, when the application is made.
At 150 % the 1920 × 1080 screen is 1280 × 720 to the window.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from synergy_desk.ui.main_window import MainWindow
from synergy_desk.ui.prefs import Preferences
from synergy_desk.ui.screen import FRAME_ALLOWANCE, fits_a_screen, keep_dialogs_on_screen

REPOSITORY = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "synergy-demo"

#: (screen width, height, scale factor)
SCREENS = ((1366, 768, "1"), (1920, 1080, "1.5"))
ROLES = ("reception", "engineer", "manager")
#: What "non-trivial" means for a part that must be seen, in logical pixels.
SMALLEST = {"globalSearch": (120, 16), "incidentTable": (300, 200), "timeline": (250, 150),
            "incidentDetail": (250, 200), "customerPanel": (250, 100), "statusBar": (300, 14)}


def _environment(home: Path, **extra: str) -> dict[str, str]:
    runtime = home / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    return dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
                XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
                XDG_RUNTIME_DIR=str(runtime), SYNERGY_DESK_LOG_DIR=str(home / "log"),
                PYTHONPATH=os.pathsep.join(filter(None, [str(REPOSITORY),
                                                         os.environ.get("PYTHONPATH")])),
                **extra)


@pytest.fixture(scope="module")
def demo_office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo office (its users reception, engineer and manager)."""
    home = tmp_path_factory.mktemp("office")
    path = home / "office.sqlite3"
    env = _environment(home)
    program = [sys.executable, "-m", "synergy_desk", "--database", str(path)]
    subprocess.run([*program, "init", "--manager", "mary"], input="managerpass1\n" * 2,
                   env=env, cwd=REPOSITORY, check=True, capture_output=True, text=True,
                   timeout=120)
    subprocess.run([*program, "demo", "--incidents", "40", "--customers", "10"], env=env,
                   cwd=REPOSITORY, check=True, capture_output=True, text=True, timeout=120)
    return path


def probe(office: Path, home: Path, user: str, width: int, height: int, scale: str,
          prefs: Path | None = None) -> dict[str, Any]:
    """The window of ``user`` on a screen of that size and scale, as the probe measured it."""
    config = home / f"screen-{width}x{height}.json"
    config.write_text(json.dumps({"screens": [{
        "name": "screen", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "dpr": 1}]}), encoding="utf-8")
    env = _environment(home, QT_QPA_PLATFORM=f"offscreen:configfile={config}",
                       QT_SCALE_FACTOR=scale)
    prefs = prefs or home / f"prefs-{user}-{width}.ini"
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.screen_fit_probe", str(office), user, str(prefs)],
        env=env, cwd=REPOSITORY, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    line = [text for text in done.stdout.splitlines() if text.startswith("{")][-1]
    return dict(json.loads(line))


def inside(part: list[int], area: list[int]) -> bool:
    x, y, w, h = part
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


@pytest.mark.slow
@pytest.mark.parametrize("width, height, scale", SCREENS, ids=("1366x768", "1920x1080@150"))
@pytest.mark.parametrize("user", ROLES)
def test_the_window_fits_the_screen(demo_office: Path, tmp_path: Path, user: str, width: int,
                                    height: int, scale: str) -> None:
    seen = probe(demo_office, tmp_path, user, width, height, scale)
    screen = seen["screen"]
    assert screen == [0, 0, round(width / float(scale)), round(height / float(scale))]
    assert inside(seen["frame"], screen), seen
    min_width, min_height = seen["minimum"]
    assert min_width <= screen[2] and min_height <= screen[3], seen["minimum"]
    for name, part in seen["parts"].items():
        assert inside(part, screen), (name, part, screen)
        wide, tall = SMALLEST.get(name, (20, 14))
        assert part[2] >= wide and part[3] >= tall, (name, part)
    # The panes are not cut off at their right-hand edge (they scroll up and down only).
    for name in ("customerPanel", "incidentDetail", "timeline"):
        assert seen["parts"][name][2] >= seen["widths"][name], (name, seen["parts"][name])
    # The dialogs open wholly on the screen, and could be shrunk to leave room for a
    # title bar.
    for name, dialog in seen["dialogs"].items():
        assert inside(dialog["frame"], screen), (name, dialog)
        # Placed over the window, as a dialog is, not pushed into a corner.
        x, y, w, h = dialog["frame"]
        fx, fy, fw, fh = seen["frame"]
        assert abs((x + w // 2) - (fx + fw // 2)) <= 40, (name, dialog, seen["frame"])
        least_width, least_height = dialog["minimum"]
        assert least_width + FRAME_ALLOWANCE[0] <= screen[2], (name, dialog)
        assert least_height + FRAME_ALLOWANCE[1] <= screen[3], (name, dialog)


@pytest.mark.slow
@pytest.mark.parametrize("width, height, scale", SCREENS, ids=("1366x768", "1920x1080@150"))
def test_every_incident_action_is_seen_or_in_a_menu(demo_office: Path, tmp_path: Path,
                                                     width: int, height: int,
                                                     scale: str) -> None:
    seen = probe(demo_office, tmp_path, "manager", width, height, scale)
    hidden = [name for name, where in seen["actions"].items()
              if not (where["visible"] or where["in_menu"])]
    assert hidden == []


@pytest.mark.slow
def test_a_window_saved_on_a_bigger_screen_is_fitted_afresh(demo_office: Path,
                                                            tmp_path: Path) -> None:
    prefs = tmp_path / "prefs.ini"
    big = probe(demo_office, tmp_path, "manager", 2560, 1440, "1", prefs)
    assert big["frame"][2] > 1366 or big["frame"][3] > 768
    small = probe(demo_office, tmp_path, "manager", 1366, 768, "1", prefs)
    assert inside(small["frame"], small["screen"])
    assert small["parts"]["timeline"][3] >= SMALLEST["timeline"][1]


def _saved(qtbot: Any, x: int, y: int, width: int, height: int) -> QByteArray:
    """The geometry a window saves when it stands at (x, y) with that size."""
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setGeometry(x, y, width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget.saveGeometry()


def test_a_saved_window_fits_only_when_wholly_on_a_screen(qtbot: Any) -> None:
    room = QGuiApplication.primaryScreen().availableGeometry()
    assert fits_a_screen(_saved(qtbot, room.x() + 20, room.y() + 30, 300, 200))
    # Bigger than the screen; off its edge; on a monitor to the right, since unplugged.
    assert not fits_a_screen(_saved(qtbot, room.x(), room.y(), room.width() + 200, 300))
    assert not fits_a_screen(_saved(qtbot, room.right() - 100, room.y() + 30, 300, 200))
    assert not fits_a_screen(_saved(qtbot, room.right() + 400, room.y() + 30, 300, 200))
    assert not fits_a_screen(QByteArray(b"not a saved geometry"))
    assert not fits_a_screen(QByteArray())


def test_a_window_saved_on_an_unplugged_monitor_opens_on_this_screen(
        qtbot: Any, office: dict[str, Any], prefs: Preferences) -> None:
    room = QGuiApplication.primaryScreen().availableGeometry()
    prefs.window_geometry = _saved(qtbot, room.right() + 400, room.y() + 30, 700, 500)
    window = MainWindow(office["manager"], prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert room.contains(window.frameGeometry())


def test_a_window_that_still_fits_is_put_back_where_it_was(
        qtbot: Any, office: dict[str, Any], prefs: Preferences) -> None:
    room = QGuiApplication.primaryScreen().availableGeometry()
    prefs.window_geometry = _saved(qtbot, room.x() + 40, room.y() + 50, 720, 540)
    window = MainWindow(office["manager"], prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.geometry() == QRect(room.topLeft() + QPoint(40, 50), QSize(720, 540))


def test_a_dialog_bigger_than_the_screen_is_fitted_to_it(qtbot: Any, qapp: Any) -> None:
    keeper = keep_dialogs_on_screen(qapp)
    try:
        assert keep_dialogs_on_screen(qapp) is keeper  # installed once
        room = QGuiApplication.primaryScreen().availableGeometry()
        dialog = QDialog()
        qtbot.addWidget(dialog)
        dialog.resize(room.width() + 300, room.height() + 300)
        dialog.move(room.right() - 50, room.bottom() - 50)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert room.contains(dialog.frameGeometry())
        assert dialog.height() <= room.height() - FRAME_ALLOWANCE[1]
    finally:
        qapp.removeEventFilter(keeper)
        keeper.setParent(None)
