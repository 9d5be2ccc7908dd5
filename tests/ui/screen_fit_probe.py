"""The main window on a screen of a given size, in a process of its own.

Run as ``python -m tests.ui.screen_fit_probe DATABASE USER PREFS`` with the screen chosen
before Qt starts (``QT_QPA_PLATFORM=offscreen:configfile=…``, ``QT_SCALE_FACTOR``): the
scale factor is read once, when the application is made, so each size needs a process.

It logs ``USER`` in (password ``synergy-demo``, the demo office's), opens the real main
window with the preferences in the INI file ``PREFS``, opens the first incident, lets the
window settle, saves its state (as closing it would) and prints one line of JSON: the
screen's available area, the window's frame, where each part that must be seen lies on the
screen (what of it is visible), and for each of the incident detail's actions whether it
is visible there and whether a menu of the window offers it.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, QRect, QSettings
from PySide6.QtWidgets import QApplication, QMenu, QWidget

#: The parts of the window that must be on the screen, by object name.
PARTS = ("globalSearch", "filterViews", "incidentTable", "timeline", "incidentDetail",
         "customerPanel")


def settle(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def seen(widget: QWidget) -> list[int]:
    """The part of a widget that is shown, clipped by every widget it sits in, in global
    (logical) coordinates; nothing for a hidden widget."""
    if not widget.isVisible():
        return [0, 0, 0, 0]
    box = QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())
    parent = widget.parentWidget()
    while parent is not None:
        box = box.intersected(QRect(parent.mapToGlobal(parent.rect().topLeft()),
                                    parent.size()))
        parent = parent.parentWidget()
    return [box.x(), box.y(), box.width(), box.height()] if box.isValid() else [0, 0, 0, 0]


def rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def menu_texts(menu: QMenu) -> set[str]:
    found: set[str] = set()
    for action in menu.actions():
        if action.menu() is not None:
            found |= menu_texts(action.menu())  # type: ignore[arg-type]
        elif action.isVisible() and not action.isSeparator():
            found.add(action.text().replace("&", "").rstrip(".… ").strip())
    return found


def dialog_makers(window: Any, incident_id: int) -> list[tuple[str, Any]]:
    """The dialogs a desk opens most, for the role logged in: (name, how to make it)."""
    from synergy_desk.domain.enums import Role
    from synergy_desk.services.incidents.detail import incident_detail
    from synergy_desk.services.office.settings import get_settings
    from synergy_desk.ui.dialogs.log_call import LogCallDialog
    from synergy_desk.ui.dialogs.office_settings import OfficeSettingsDialog
    from synergy_desk.ui.dialogs.payment import PaymentDialog
    from synergy_desk.ui.dialogs.resolve import ResolveDialog

    actor = window.actor
    detail = incident_detail(incident_id)
    makers: list[tuple[str, Any]] = [
        ("logCall", lambda: LogCallDialog(window, actor)),
        ("logCallFor", lambda: LogCallDialog(window, actor, detail.customer_id)),
        ("payment", lambda: PaymentDialog(window, actor, detail.customer_id, [incident_id],
                                          True)),
    ]
    if actor.role is not Role.RECEPTION:
        makers.append(("resolve", lambda: ResolveDialog(window, detail)))
    if actor.role is Role.MANAGER:
        makers.append(("officeSettings", lambda: OfficeSettingsDialog(
            window, actor, window.background, get_settings())))
    return makers


def measure(app: QApplication, make: Any) -> dict[str, Any]:
    """Where a dialog opens, and the least room it needs."""
    dialog = make()
    dialog.show()
    settle(app, 0.3)
    found: dict[str, Any] = {"frame": rect(dialog.frameGeometry()),
             "minimum": [dialog.minimumSizeHint().width(), dialog.minimumSizeHint().height()],
             "screen": rect(dialog.screen().availableGeometry())}
    dialog.reject()
    dialog.deleteLater()
    settle(app, 0.1)
    return found


def main() -> int:
    path, username, prefs_path = sys.argv[1:4]
    QCoreApplication.setOrganizationName("SynergyDeskTest")
    app = QApplication(sys.argv[:1])
    from synergy_desk.ui.screen import keep_dialogs_on_screen

    keep_dialogs_on_screen(app)  # as the program's start-up does

    from synergy_desk.models import tables as t
    from synergy_desk.models.database import open_database
    from synergy_desk.services.people import users
    from synergy_desk.ui.main_window import MainWindow
    from synergy_desk.ui.prefs import Preferences

    info = open_database(path, create=False)
    actor = users.login(username, "synergy-demo")
    prefs = Preferences(QSettings(prefs_path, QSettings.Format.IniFormat))
    window = MainWindow(actor, prefs, info.display, "Demo office")
    window.show()
    settle(app, 0.5)
    incident = t.Incident.select().order_by(t.Incident.id).first()
    window.open_incident(incident.id)
    settle(app, 1.0)

    texts: set[str] = set()
    for action in window.menuBar().actions():
        if action.menu() is not None:
            texts |= menu_texts(action.menu())  # type: ignore[arg-type]
    for menu in window.findChildren(QMenu):
        if menu.objectName() in ("incidentMenu", "incidentRowMenu"):
            texts |= menu_texts(menu)
    actions = {}
    for name, button in window.detail.buttons.items():
        x, y, w, h = seen(button)
        actions[name] = {"visible": w >= 10 and h >= 10,
                         "in_menu": button.text().replace("&", "").rstrip(".… ").strip()
                         in texts}
    screen = window.screen()
    parts: dict[str, Any] = {name: seen(window.findChild(QWidget, name)) for name in PARTS}
    parts["statusBar"] = seen(window.statusBar())
    widths = {name: window.findChild(QWidget, name).width() for name in PARTS}
    for key, button in window.view_buttons.items():
        parts[f"filter_{key}"] = seen(button)
    dialogs = {name: measure(app, make) for name, make in dialog_makers(window, incident.id)}
    print(json.dumps({
        "screen": rect(screen.availableGeometry()),
        "ratio": screen.devicePixelRatio(),
        "frame": rect(window.frameGeometry()),
        "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
        "parts": parts,
        "widths": widths,
        "actions": actions,
        "dialogs": dialogs,
    }), flush=True)
    window.save_state()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
