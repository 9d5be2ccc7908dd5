"""Help: the built-in guide (F1), its keyboard shortcuts page and the About box.

The guide's pages are HTML in the resources (resources/help). The keyboard shortcuts page has
no file: it is made, each time it is shown, from the main window's own actions (each visible
one with a shortcut, the menu it lives in) and the incident detail's buttons, so it cannot
drift from what the keys do.
"""

from __future__ import annotations

import html
import platform
from dataclasses import dataclass

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from synergy_desk import __version__
from synergy_desk.ui import icons
from synergy_desk.ui.icons import resource_text

#: The page of the keyboard shortcuts, made from the window's actions.
SHORTCUTS = "shortcuts"
#: The licence texts Help ▸ About shows, in the resources.
FONT_LICENCE = ":/licences/DejaVu-LICENSE.txt"
ICON_LICENCE = ":/licences/Tabler-Icons-LICENSE.txt"


@dataclass(frozen=True)
class ShortcutRow:
    """One line of the keyboard shortcuts page."""

    #: The action's text as a menu shows it, without its mnemonic's "&".
    text: str
    #: Its keys, as the desktop writes them ("Ctrl+L"); several are joined by ", ".
    keys: str
    #: Where it lives: "File", "File ▸ Export as CSV", "Incident detail", or "Window" for a
    #: shortcut that is in no menu.
    where: str


def plain_text(text: str) -> str:
    """A menu entry's or button's text without its mnemonic ("&&" stays one "&")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _keys(shortcuts: list[QKeySequence]) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts
                     if not s.isEmpty())


def _menu_rows(menu: QMenu, where: str, seen: set[int]) -> list[ShortcutRow]:
    rows = []
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible():
            continue
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            rows += _menu_rows(submenu, f"{where} ▸ {plain_text(submenu.title())}", seen)
            continue
        seen.add(id(action))
        keys = _keys(action.shortcuts())
        if keys:
            rows.append(ShortcutRow(plain_text(action.text()), keys, where))
    return rows


def shortcut_rows(window: QMainWindow) -> list[ShortcutRow]:
    """Every shortcut of the main window as its person sees it: each visible action of each
    menu that has one, in menu order, then the window's actions with a shortcut that no menu
    shows, then the incident detail's buttons that have one."""
    rows: list[ShortcutRow] = []
    seen: set[int] = set()
    for top in window.menuBar().actions():
        menu = top.menu()
        if isinstance(menu, QMenu) and top.isVisible():
            rows += _menu_rows(menu, plain_text(menu.title()), seen)
    for action in window.actions():
        if id(action) in seen or not action.isVisible() or not isinstance(action, QAction):
            continue
        keys = _keys(action.shortcuts())
        if keys and action.text():
            rows.append(ShortcutRow(plain_text(action.text()), keys,
                                    QMainWindow.tr("Window")))
    detail = window.findChild(QWidget, "incidentDetail")
    if detail is not None:
        rows += _detail_rows(detail)
    return rows


def _detail_rows(detail: QWidget) -> list[ShortcutRow]:
    """The incident detail's shortcuts: its actions with keys (one that has no text of its own
    clicks the button whose tooltip names its keys) and its buttons given keys of their own."""
    where = QMainWindow.tr("Incident detail")
    # Every button, shown or not: a row of them too long for the detail keeps some in its
    # overflow menu, and their keys work all the same.
    buttons = [b for b in detail.findChildren(QAbstractButton) if b.text()]
    rows: list[ShortcutRow] = []
    for action in detail.findChildren(QAction):
        keys = _keys(action.shortcuts())
        if not keys or not action.isVisible():
            continue
        text = plain_text(action.text()) or next(
            (plain_text(b.text()) for b in buttons if f"({keys})" in b.toolTip()), "")
        if text:
            rows.append(ShortcutRow(text, keys, where))
    listed = {row.keys for row in rows}
    for button in buttons:
        # A button's "&" letter is a shortcut too (Alt+letter): only the keys given it on
        # purpose are listed.
        if button.shortcut() == QKeySequence.mnemonic(button.text()):
            continue
        keys = _keys([button.shortcut()])
        if keys and keys not in listed:
            rows.append(ShortcutRow(plain_text(button.text()), keys, where))
    return rows


def shortcuts_html(window: QMainWindow) -> str:
    """The keyboard shortcuts page, made from the window's actions."""
    parts = [f"<h1>{html.escape(QMainWindow.tr('Keyboard shortcuts'))}</h1>",
             f"<p>{html.escape(QMainWindow.tr('Every shortcut of this window, read from the window itself. A shortcut does nothing while its action is greyed.'))}</p>",
             '<table cellspacing="0" cellpadding="4" border="1">',
             "<tr><th align='left'>{}</th><th align='left'>{}</th><th align='left'>{}</th></tr>"
             .format(*(html.escape(QMainWindow.tr(h)) for h in ("Keys", "Does", "Where")))]
    for row in shortcut_rows(window):
        parts.append(f"<tr><td><b>{html.escape(row.keys)}</b></td><td>{html.escape(row.text)}"
                     f"</td><td>{html.escape(row.where)}</td></tr>")
    parts.append("</table>")
    return "\n".join(parts)


class HelpWindow(QWidget):
    """The guide: a contents list on the left, the page chosen on the right."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self.setObjectName("helpWindow")
        self.setWindowTitle(self.tr("Synergy Desk guide"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._window = window
        #: (page, title) in the contents list's order.
        self.pages = (("index", self.tr("Welcome")),
                      ("reception", self.tr("Reception's path")),
                      ("engineer", self.tr("The engineer's workbench")),
                      ("manager", self.tr("The manager's day")),
                      (SHORTCUTS, self.tr("Keyboard shortcuts")))
        self.contents = QListWidget()
        self.contents.setObjectName("helpContents")
        for page, title in self.pages:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, page)
            self.contents.addItem(item)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        self.contents.currentRowChanged.connect(self._on_contents_row_changed)
        splitter = QSplitter()
        splitter.addWidget(self.contents)
        splitter.addWidget(self.browser)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([self.contents.sizeHintForColumn(0) + 24, 640])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        # The guide's own keys: Ctrl+/ turns to the shortcuts page here too, Escape closes it.
        shortcuts = QAction(self)
        shortcuts.setShortcut(QKeySequence("Ctrl+/"))
        shortcuts.triggered.connect(lambda: self.show_page(SHORTCUTS))
        close = QAction(self)
        close.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        close.triggered.connect(self.close)
        self.addActions([shortcuts, close])
        self.resize(860, 560)

    @property
    def page(self) -> str:
        """The page shown."""
        item = self.contents.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""

    def show_page(self, page: str) -> None:
        """Show one page of the guide (its name, e.g. "reception", or SHORTCUTS)."""
        for row, (name, _title) in enumerate(self.pages):
            if name == page:
                self.contents.setCurrentRow(row)
                self._on_contents_row_changed(row)
                return
        raise KeyError(page)

    def _on_contents_row_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self.pages[row][0]
        text = (shortcuts_html(self._window) if page == SHORTCUTS
                else resource_text(f":/help/{page}.html"))
        self.browser.setHtml(text)

    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        name = url.toString().removesuffix(".html")
        if any(name == page for page, _title in self.pages):
            self.show_page(name)


def open_help(window: QMainWindow, page: str, current: HelpWindow | None) -> HelpWindow:
    """Show the guide on ``page``: the one already open (raised), else a new one."""
    help_window = current if current is not None else HelpWindow(window)
    help_window.show_page(page)
    help_window.show()
    help_window.raise_()
    help_window.activateWindow()
    return help_window


class AboutDialog(QDialog):
    """The program's version, the database this desk uses, the Qt it runs on, and the licence
    notices of the fonts and icons bundled with it (their full texts on their own tabs)."""

    def __init__(self, parent: QWidget | None, database: str) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About Synergy Desk"))
        self.setWindowIcon(icons.app_icon())
        self.icon_label = QLabel()
        self.icon_label.setObjectName("aboutIcon")
        self.icon_label.setPixmap(icons.app_icon().pixmap(64, 64))
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel(self._about_html(database))
        self.text.setObjectName("aboutText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        about = QWidget()
        row = QHBoxLayout(about)
        row.addWidget(self.icon_label)
        row.addWidget(self.text, 1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("aboutTabs")
        self.tabs.addTab(about, self.tr("&About"))
        self.tabs.addTab(self._licence(resource_text(FONT_LICENCE), "aboutFontLicence"),
                         self.tr("&Fonts licence"))
        self.tabs.addTab(self._licence(resource_text(ICON_LICENCE), "aboutIconLicence"),
                         self.tr("&Icons licence"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def _about_html(self, database: str) -> str:
        e = html.escape
        return "".join([
            f"<h2>Synergy Desk {e(__version__)}</h2>",
            f"<p>{e(self.tr('Per-incident software support, paid before support is given.'))}</p>",
            f"<p><b>{e(self.tr('Database'))}:</b> {e(database or self.tr('none open'))}<br>",
            f"<b>Qt</b> {e(qVersion())}, <b>PySide6</b> {e(PySide6.__version__)}, "
            f"<b>Python</b> {e(platform.python_version())}</p>",
            f"<p><b>{e(self.tr('Bundled with it'))}</b></p><ul>",
            "<li>", e(self.tr("Document fonts: DejaVu Sans 2.37. Copyright © 2003 Bitstream, "
                              "Inc. (Bitstream Vera); DejaVu changes are in the public domain. "
                              "Under the Bitstream Vera licence: see the Fonts licence tab.")),
            "</li><li>", e(self.tr("Icons: Tabler Icons 3.52.0. Copyright © 2020-2026 Paweł "
                                   "Kuna. Under the MIT licence: see the Icons licence tab.")),
            "</li></ul>",
        ])

    @staticmethod
    def _licence(text: str, name: str) -> QTextBrowser:
        view = QTextBrowser()
        view.setObjectName(name)
        view.setPlainText(text)
        return view

    @classmethod
    def show_for(cls, parent: QWidget | None, database: str) -> None:
        """Show the About box, modal, until it is closed."""
        cls(parent, database).exec()
