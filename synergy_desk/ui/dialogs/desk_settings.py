"""This desk's own settings, kept for the person logged in to this computer: phone links."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.errors import DomainError
from synergy_desk.ui import url_schemes
from synergy_desk.ui.dialogs.form import FormDialog
from synergy_desk.ui.url_schemes import RegistryWriter

__all__ = ["DeskSettingsDialog"]


class DeskSettingsDialog(FormDialog[str]):
    """File ▸ This desk…: whether ``tel:`` and ``callto:`` links open Synergy Desk (Windows,
    for this user, no administrator needed). The answer is what was done, in a sentence."""

    def __init__(self, parent: QWidget | None,
                 writer: Callable[[], RegistryWriter] | None = None,
                 windows: bool | None = None) -> None:
        super().__init__(parent, message_name="deskSettingsMessage")
        self.setObjectName("deskSettingsDialog")
        self.setWindowTitle(self.tr("This desk"))
        self._windows = url_schemes.on_windows() if windows is None else windows
        self._writer = writer or url_schemes.WinregWriter
        links = QGroupBox(self.tr("Phone links"))
        self.phone_links = QCheckBox(self.tr("Open &tel: and callto: links with Synergy Desk"))
        self.phone_links.setObjectName("phoneLinks")
        self.note = QLabel()
        self.note.setObjectName("phoneLinksNote")
        self.note.setWordWrap(True)
        box = QVBoxLayout(links)
        box.addWidget(self.phone_links)
        box.addWidget(self.note)
        self._was_registered = False
        if self._windows:
            self._was_registered = self._registered()
            self.phone_links.setChecked(self._was_registered)
            self.note.setText(self.tr(
                "A softphone, a CRM or a web page that dials a number then pops the caller up "
                "here. Registered for you only; no administrator is needed. To make Synergy "
                "Desk the program for phone links, choose it in Windows Settings ▸ Apps ▸ "
                "Default apps."))
        else:
            self.phone_links.setEnabled(False)
            self.note.setText(self.tr(
                "Phone links are registered on Windows. On this computer, have the softphone "
                "run “synergy-desk call NUMBER” (or open tel: links with synergy-desk)."))
        layout = QVBoxLayout(self)
        layout.addWidget(links)
        self.add_message_and_buttons(layout)
        self.resize(480, 220)

    def _registered(self) -> bool:
        try:
            return url_schemes.url_schemes_registered(self._writer())
        except OSError:
            return False

    def answer(self) -> str:
        wanted = self.phone_links.isChecked()
        if not self._windows or wanted == self._was_registered:
            return self.tr("Nothing was changed.")
        writer = self._writer()
        try:
            if wanted:
                url_schemes.register_url_schemes(writer)
            else:
                url_schemes.unregister_url_schemes(writer)
        except OSError as exc:
            raise DomainError(self.tr("Windows did not let the phone links be changed (%s). "
                                      "Try again, or ask whoever looks after this "
                                      "computer.") % (exc.strerror or exc)) from None
        changed = getattr(writer, "changed", None)
        if changed is not None:
            changed()
        if wanted:
            return self.tr("Phone links now open Synergy Desk. Choose it for tel: in Windows "
                           "Settings ▸ Apps ▸ Default apps if Windows asks.")
        return self.tr("Phone links no longer open Synergy Desk.")

    @classmethod
    def ask(cls, parent: QWidget | None) -> str | None:
        return cls(parent).ask_value()
