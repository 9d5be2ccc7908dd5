"""Changing one's own password: the old one and the new one typed twice, or, after a manager
has reset it, a new one chosen before the window opens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from synergy_desk.domain.errors import DomainError, ValidationError
from synergy_desk.services.people import users
from synergy_desk.ui.dialogs.form import FormDialog, Problem


class ChangePasswordDialog(FormDialog[tuple[str, str]]):
    """Asks for the new password twice, and the current one unless it is already known.

    In the forced mode (``current_password`` given) there is no "current password" field: the
    login dialog has just checked it. ``change`` is then called with the new password; what it
    raises is shown in the dialog, which stays open. The answer is the current and the new
    password.
    """

    def __init__(self, parent: QWidget | None = None, *, current_password: str | None = None,
                 username: str = "", change: Callable[[str], None] | None = None) -> None:
        super().__init__(parent, message_name="changePasswordMessage")
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
        if forced:
            self.ok_button.setText(self.tr("Set password and log in"))
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        (self.new if forced else self.old).setFocus()
        self.setMinimumWidth(380)

    def current(self) -> str:
        return self._known_current if self._known_current is not None else self.old.text()

    def validate(self) -> None:
        if self._known_current is None and not self.old.text():
            raise Problem(self.tr("Type your current password."), self.old)
        try:
            users.check_password_rules(self.new.text())  # the service's rule, asked at once
        except ValidationError as exc:
            raise Problem(exc.message, self.new) from exc
        if self.new.text() != self.again.text():
            self.again.clear()
            raise Problem(self.tr("The two new passwords are not the same."), self.again)
        if self.new.text() == self.current():
            self.again.clear()
            raise Problem(self.tr("Choose a new password that is not the same as the old "
                                  "one."), self.new)

    def answer(self) -> tuple[str, str]:
        if self._change is not None:
            try:
                self._change(self.new.text())
            except DomainError as exc:
                self.again.clear()
                raise Problem(exc.message, self.new) from exc
        return self.current(), self.new.text()

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> tuple[str, str] | None:
        """The current and the new password, or None when cancelled."""
        return cls(parent).ask_value()

    @classmethod
    def ask_forced(cls, parent: QWidget | None, username: str, current_password: str,
                   change: Callable[[str], None]) -> bool:
        """After a reset: a new password, saved through ``change``; False when cancelled."""
        return cls(parent, current_password=current_password, username=username,
                   change=change).ask_value() is not None
