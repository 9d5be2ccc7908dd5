"""Help: F1 opens the guide, Ctrl+/ its keyboard shortcuts page made from the window's own
actions, and Help ▸ About names the version, the database, Qt and the bundled licences."""

from __future__ import annotations

from typing import Any

import PySide6
import pytest
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QTextBrowser
from shiboken6 import isValid

from synergy_desk import __version__
from synergy_desk.services.common import Actor
from synergy_desk.ui import help as guide
from synergy_desk.ui import icons
from synergy_desk.ui.main_window import MainWindow
from tests.ui.test_main_window import make_window

ROLE_PAGES = {"reception": "reception", "engineer": "engineer", "manager": "manager"}


def _open_help(qtbot: Any, window: MainWindow, key: str) -> guide.HelpWindow:
    qtbot.keyClick(window.table, QKeySequence(key)[0].key(), QKeySequence(key)[0].keyboardModifiers())
    qtbot.waitUntil(lambda: window.help_window is not None and window.help_window.isVisible())
    help_window = window.help_window
    assert isinstance(help_window, guide.HelpWindow)
    return help_window


@pytest.mark.parametrize("role", ["reception", "engineer", "manager"])
def test_f1_opens_the_guide_on_the_roles_page(qtbot: Any, office: dict[str, Any], prefs: Any,
                                              role: str) -> None:
    window = make_window(qtbot, office[role], prefs)
    help_window = _open_help(qtbot, window, "F1")
    assert help_window.objectName() == "helpWindow"
    assert help_window.page == ROLE_PAGES[role]
    titles = [help_window.contents.item(i).text() for i in range(help_window.contents.count())]
    assert titles == ["Welcome", "Reception's path", "The engineer's workbench",
                      "The manager's day", "Keyboard shortcuts"]
    text = help_window.browser.toPlainText()
    heading = {"reception": "Reception's path", "engineer": "The engineer's workbench",
               "manager": "The manager's day"}[role]
    assert text.startswith(heading)


def test_every_page_of_the_guide_opens_and_its_links_lead_to_the_others(
        qtbot: Any, manager: Actor, prefs: Any) -> None:
    window = make_window(qtbot, manager, prefs)
    help_window = window.show_help("index")
    for page, _title in help_window.pages:
        help_window.show_page(page)
        assert help_window.page == page
        assert len(help_window.browser.toPlainText()) > 200
    for link in ("reception.html", "engineer.html", "manager.html", "shortcuts"):
        help_window.show_page("index")
        help_window.browser.anchorClicked.emit(QUrl(link))
        assert help_window.page == link.removesuffix(".html")
    # Clicking a page in the contents shows it.
    help_window.contents.setCurrentRow(2)
    assert help_window.browser.toPlainText().startswith("The engineer's workbench")


def test_f1_again_raises_the_guide_already_open(qtbot: Any, manager: Actor, prefs: Any) -> None:
    window = make_window(qtbot, manager, prefs)
    first = _open_help(qtbot, window, "F1")
    first.show_page("reception")
    window.act_help.trigger()
    assert window.help_window is first
    assert first.page == "manager"


def _visible_shortcut_actions(window: MainWindow) -> dict[str, str]:
    """Each action the person can see in the window's menus with a shortcut: its text without
    "&" and its keys, read from the actions themselves."""
    found: dict[str, str] = {}

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            if not action.isVisible() or action.isSeparator():
                continue
            if action.menu() is not None:
                walk(action.menu())  # type: ignore[arg-type]
            elif not action.shortcut().isEmpty():
                found[action.text().replace("&", "")] = ", ".join(
                    s.toString(QKeySequence.SequenceFormat.NativeText)
                    for s in action.shortcuts())

    for top in window.menuBar().actions():
        if top.isVisible() and top.menu() is not None:
            walk(top.menu())  # type: ignore[arg-type]
    return found


def _page_rows(browser: QTextBrowser) -> dict[str, str]:
    """(does → keys) read back from the page as shown."""
    rows: dict[str, str] = {}
    for line in browser.toPlainText().splitlines():
        cells = [c.strip() for c in line.split("\t")] if "\t" in line else []
        if len(cells) >= 2:
            rows[cells[1]] = cells[0]
    return rows


@pytest.mark.parametrize("role", ["reception", "engineer", "manager"])
def test_ctrl_slash_opens_the_shortcuts_page_listing_every_visible_action_with_a_shortcut(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str) -> None:
    window = make_window(qtbot, office[role], prefs)
    help_window = _open_help(qtbot, window, "Ctrl+/")
    assert help_window.page == guide.SHORTCUTS
    expected = _visible_shortcut_actions(window)
    assert {"Log call…", "Synergy Desk guide", "Keyboard shortcuts", "Refresh",
            "Quit"} <= set(expected)
    rows = guide.shortcut_rows(window)
    listed = {row.text: row.keys for row in rows if row.where != "Incident detail"}
    for text, keys in expected.items():
        assert listed.get(text) == keys, text
    # The page shows them all, with the keys and the menu each lives in.
    html = help_window.browser.toHtml()
    for row in rows:
        assert row.keys.replace("+", "") in html.replace("+", "") and row.text in html
    where = {row.text: row.where for row in rows}
    assert where["Log call…"] == "Incident"
    assert where["Keyboard shortcuts"] == "Help"
    assert where["Quit"] == "File"
    # No hidden action is listed: what a role cannot see is not on its page.
    hidden = [a.text().replace("&", "") for a in window.findChildren(QAction)
              if not a.isVisible() and not a.shortcut().isEmpty() and a.text()]
    for text in hidden:
        if text not in expected:
            assert text not in listed, text


def test_the_shortcuts_page_follows_the_actions_themselves(qtbot: Any, manager: Actor,
                                                          prefs: Any) -> None:
    window = make_window(qtbot, manager, prefs)
    window.act_registers.setShortcut(QKeySequence("Ctrl+Shift+F12"))
    window.act_refresh.setVisible(False)
    listed = {row.text: row.keys for row in guide.shortcut_rows(window)}
    assert listed["Registers…"] == QKeySequence("Ctrl+Shift+F12").toString(
        QKeySequence.SequenceFormat.NativeText)
    assert "Refresh" not in listed


def test_the_shortcuts_page_lists_the_incident_details_buttons(qtbot: Any, engineer: Actor,
                                                              prefs: Any) -> None:
    window = make_window(qtbot, engineer, prefs)
    detail_rows = [row for row in guide.shortcut_rows(window) if row.where == "Incident detail"]
    keys = {row.text: row.keys for row in detail_rows}
    assert keys["Start work"] == "Ctrl+Shift+S" and keys["Resolve…"] == "Ctrl+Shift+R"
    # A button's "&" letter is no shortcut of its own: Assign to me has none.
    assert "Assign to me" not in keys


def test_the_help_menu_holds_the_guide_the_shortcuts_and_about(qtbot: Any, manager: Actor,
                                                               prefs: Any) -> None:
    window = make_window(qtbot, manager, prefs)
    entries = [(a.text(), a.shortcut().toString()) for a in window.help_menu.actions()
               if not a.isSeparator()]
    assert entries == [("Synergy Desk &guide", "F1"), ("&Keyboard shortcuts", "Ctrl+/"),
                       ("&About Synergy Desk", "")]
    for action in window.help_menu.actions():
        if not action.isSeparator():
            assert not action.icon().isNull()
            assert icons.icon_exists(window.icon_tint.names()[action])


def _about(qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> guide.AboutDialog:
    shown: list[guide.AboutDialog] = []

    def exec_(self: guide.AboutDialog) -> int:
        shown.append(self)
        return 0

    monkeypatch.setattr(guide.AboutDialog, "exec", exec_)
    window.act_about.trigger()
    assert len(shown) == 1
    qtbot.addWidget(shown[0])
    return shown[0]


def test_about_names_the_version_the_database_qt_and_both_licences(
        qtbot: Any, manager: Actor, prefs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, manager, prefs)
    window.set_database_label("SQLite: /offices/leeds.sqlite3")
    dialog = _about(qtbot, window, monkeypatch)
    text = dialog.text.text()
    assert f"Synergy Desk {__version__}" in text
    assert "SQLite: /offices/leeds.sqlite3" in text
    assert qVersion() in text and PySide6.__version__ in text
    assert "DejaVu Sans" in text and "Tabler Icons" in text and "MIT" in text
    # The full licence texts are on their own tabs.
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["&About", "&Fonts licence", "&Icons licence"]
    fonts = dialog.findChild(QTextBrowser, "aboutFontLicence")
    tabler = dialog.findChild(QTextBrowser, "aboutIconLicence")
    assert fonts is not None and tabler is not None
    assert "Bitstream Vera Fonts Copyright" in fonts.toPlainText()
    assert "public domain" in fonts.toPlainText()
    assert tabler.toPlainText().startswith("MIT License")
    assert "Paweł Kuna" in tabler.toPlainText()


def test_about_shows_the_application_icon(qtbot: Any, manager: Actor, prefs: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, manager, prefs)
    dialog = _about(qtbot, window, monkeypatch)
    expected = icons.app_icon().pixmap(32, 32).toImage()
    assert dialog.windowIcon().pixmap(32, 32).toImage() == expected
    pixmap = dialog.icon_label.pixmap()
    assert not pixmap.isNull() and pixmap.width() == 64
    assert pixmap.toImage() == icons.app_icon().pixmap(64, 64).toImage()


def test_the_guide_closes_with_its_window_and_opens_again(qtbot: Any, manager: Actor,
                                                          prefs: Any) -> None:
    window = make_window(qtbot, manager, prefs)
    first = window.show_help()
    first.close()
    qtbot.waitUntil(lambda: not isValid(first) or not first.isVisible())
    second = window.show_help("shortcuts")
    assert second.isVisible() and second.page == "shortcuts"
    assert second.windowFlags() & Qt.WindowType.Window


def test_in_the_guide_ctrl_slash_turns_to_the_shortcuts_and_escape_closes_it(
        qtbot: Any, manager: Actor, prefs: Any) -> None:
    window = make_window(qtbot, manager, prefs)
    help_window = _open_help(qtbot, window, "F1")
    help_window.activateWindow()
    qtbot.waitUntil(help_window.isActiveWindow)
    qtbot.keyClick(help_window.browser, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    assert help_window.page == guide.SHORTCUTS
    qtbot.keyClick(help_window.contents, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not isValid(help_window) or not help_window.isVisible())
