"""Changing one's own password: the old one and the new one typed twice, or, after a manager
has reset it, a new one chosen before the window opens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.errors import DomainError, ValidationError
from synergy_desk.services.people import users


class ChangePasswordDialog(QDialog):
    """Asks for the new password twice, and the current one unless it is already known.

    In the forced mode (``current_password`` given) there is no "current password" field: the
    login dialog has just checked it. ``change`` is then called with the new password; what it
    raises is shown in the dialog, which stays open.
    """

    def __init__(self, parent: QWidget | None = None, *, current_password: str | None = None,
                 username: str = "", change: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changePasswordDialog")
        self._known_current = current_password
        self._change = change
        forced = current_password is not None
        self.setWindowTitle(self.tr("Choose a new password") if forced
                            else self.tr("Change my password"))
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for w, name in ((self.old, "oldPassword"), (self.new, "newPassword"),
                        (self.again, "newPasswordAgain")):
            w.setEchoMode(QLineEdit.EchoMode.Password)
            w.setObjectName(name)
        layout = QVBoxLayout(self)
        if forced:
            who = username or self.tr("this account")
            why = QLabel(self.tr(
                "A manager has reset the password of %s. Choose a new password of your own "
                "(at least %d characters) before you carry on.") % (who, users.MIN_PASSWORD_LENGTH))
            why.setObjectName("changePasswordReason")
            why.setWordWrap(True)
            layout.addWidget(why)
        form = QFormLayout()
        if not forced:
            form.addRow(self.tr("&Current password:"), self.old)
        else:
            self.old.hide()
        form.addRow(self.tr("&New password:"), self.new)
        form.addRow(self.tr("New password &again:"), self.again)
        self.message = QLabel()
        self.message.setObjectName("changePasswordMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#a61b1b;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        if forced:
            self.ok_button.setText(self.tr("Set password and log in"))
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.new if forced else self.old).setFocus()
        self.setMinimumWidth(380)

    def current(self) -> str:
        return self._known_current if self._known_current is not None else self.old.text()

    def _fail(self, text: str, widget: QLineEdit) -> None:
        self.message.setText(text)
        widget.setFocus()
        widget.selectAll()

    def _on_buttons_accepted(self) -> None:
        if self._known_current is None and not self.old.text():
            return self._fail(self.tr("Type your current password."), self.old)
        try:
            users.check_password_rules(self.new.text())  # the service's rule, asked at once
        except ValidationError as exc:
            return self._fail(exc.message, self.new)
        if self.new.text() != self.again.text():
            self.again.clear()
            return self._fail(self.tr("The two new passwords are not the same."), self.again)
        if self.new.text() == self.current():
            self.again.clear()
            return self._fail(self.tr("Choose a new password that is not the same as the old "
                                      "one."), self.new)
        if self._change is not None:
            try:
                self._change(self.new.text())
            except DomainError as exc:
                self.again.clear()
                return self._fail(exc.message, self.new)
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> tuple[str, str] | None:
        """The current and the new password, or None when cancelled."""
        dialog = cls(parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.old.text(), dialog.new.text()
            return None
        finally:
            # Dialogs with a parent would otherwise live as long as the window.
            dialog.deleteLater()

    @classmethod
    def ask_forced(cls, parent: QWidget | None, username: str, current_password: str,
                   change: Callable[[str], None]) -> bool:
        """After a reset: a new password, saved through ``change``; False when cancelled."""
        dialog = cls(parent, current_password=current_password, username=username,
                     change=change)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()
