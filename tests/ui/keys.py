"""What a window offers the keyboard: its mnemonics (&-letters) and its shortcuts, found on
the widgets themselves, so a test can hold a window to one owner for each key."""

from __future__ import annotations

import re
from collections.abc import Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QTabBar,
    QToolBar,
    QWidget,
)


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ('&&' is a literal ampersand), lower case, or None."""
    index = 0
    while True:
        index = text.find("&", index)
        if index < 0 or index + 1 >= len(text):
            return None
        if text[index + 1] == "&":
            index += 2
            continue
        return text[index + 1].lower()


def _shown(widget: QWidget, window: QWidget) -> bool:
    """Whether the widget is part of the window as shown; a toolbar's widget counts while its
    action is visible, even when it has moved into the toolbar's overflow menu."""
    if widget.window() is not window:
        return False
    if widget is window or widget.isVisibleTo(window):
        return True
    bar = widget.parentWidget()
    if isinstance(bar, QToolBar) and _shown(bar, window):
        return any(bar.widgetForAction(action) is widget and action.isVisible()
                   for action in bar.actions())
    return False


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Each letter used as a mnemonic by a widget shown in the window, with its owners:
    buttons, labels with a buddy, group boxes, tabs and (of a main window) the menus' titles."""
    found: dict[str, list[str]] = {}

    def add(text: str, owner: str) -> None:
        letter = mnemonic(text)
        if letter is not None:
            found.setdefault(letter, []).append(f"{owner} {text!r}")

    for widget in window.findChildren(QWidget):
        if not _shown(widget, window) or isinstance(widget, QMenu):
            continue
        if isinstance(widget, QAbstractButton):
            add(widget.text(), _name(widget))
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            add(widget.text(), _name(widget.buddy()) + " label")
        elif isinstance(widget, QGroupBox):
            add(widget.title(), _name(widget))
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                if widget.isTabVisible(index):
                    add(widget.tabText(index), f"{_name(widget)} tab")
    if isinstance(window, QMainWindow) and window.menuWidget() is not None:
        for action in window.menuBar().actions():
            if action.isVisible():
                add(action.text(), "menu")
    return found


def duplicate_mnemonics(window: QWidget) -> dict[str, list[str]]:
    return {k: v for k, v in mnemonics(window).items() if len(v) > 1}


def _live_actions(window: QWidget) -> Iterator[tuple[QAction, str]]:
    """The enabled, visible actions with shortcuts whose keys reach the window."""
    seen: set[int] = set()
    for widget in [window, *window.findChildren(QWidget)]:
        if isinstance(widget, QMenu):
            continue  # an action inside a menu is also the window's (counted there) or idle
        if not _shown(widget, window):
            continue
        for action in widget.actions():
            if id(action) in seen or not action.shortcuts():
                continue
            seen.add(id(action))
            if not (action.isEnabled() and action.isVisible()):
                continue
            if action.shortcutContext() is Qt.ShortcutContext.WidgetShortcut:
                continue  # only while its widget has the focus
            yield action, action.objectName() or action.text() or f"an action of {_name(widget)}"


def shortcuts(window: QWidget) -> dict[str, list[str]]:
    """Each key sequence that reaches something in the window, with its owners: actions,
    QShortcuts, buttons' own shortcuts, and the Alt+letter of every mnemonic."""
    found: dict[str, list[str]] = {}

    def add(keys: QKeySequence, owner: str) -> None:
        text = keys.toString(QKeySequence.SequenceFormat.PortableText)
        if text:
            found.setdefault(text, []).append(owner)

    for action, owner in _live_actions(window):
        for keys in action.shortcuts():
            add(keys, owner)
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if not shortcut.isEnabled() or not isinstance(parent, QWidget) \
                or not _shown(parent, window):
            continue
        if shortcut.context() is Qt.ShortcutContext.WidgetShortcut:
            continue
        for keys in shortcut.keys():
            add(keys, shortcut.objectName() or f"a shortcut of {_name(parent)}")
    for button in window.findChildren(QAbstractButton):
        if _shown(button, window) and button.isEnabled() and not button.shortcut().isEmpty() \
                and mnemonic(button.text()) is None:
            add(button.shortcut(), _name(button))
    for letter, owners in mnemonics(window).items():
        for owner in owners:
            add(QKeySequence(f"Alt+{letter.upper()}"), owner)
    return found


def ambiguous_shortcuts(window: QWidget) -> dict[str, list[str]]:
    return {k: v for k, v in shortcuts(window).items() if len(v) > 1}


#: "(Ctrl+Shift+Y)" or "(Ctrl+K, Ctrl+F)" at the end of a tooltip.
TIP_KEYS = re.compile(r"\(((?:(?:Ctrl|Alt|Shift|Meta)\+)+[^(),\s]+"
                      r"(?:,\s*(?:(?:Ctrl|Alt|Shift|Meta)\+)+[^(),\s]+)*|F\d{1,2})\)")


def keys_in_tip(tip: str) -> list[str]:
    """The key sequences a tooltip names in brackets."""
    found: list[str] = []
    for match in TIP_KEYS.finditer(tip):
        found.extend(part.strip() for part in match.group(1).split(","))
    return found
