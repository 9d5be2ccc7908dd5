"""The login dialog: user name and password, checked by the users service; after a manager's
reset, a new password before the window opens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from synergy_desk.domain.errors import DomainError
from synergy_desk.services.common import Actor
from synergy_desk.services.people import accounts
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.dialogs.password import ChangePasswordDialog


class LoginDialog(FormDialog[Actor]):
    """Asks for a user name and password until they are right or the user cancels."""

    def __init__(self, parent: QWidget | None, authenticate: Callable[[str, str], Actor],
                 office_name: str = "", last_user: str = "", database: str = "") -> None:
        super().__init__(parent, message_name="loginMessage")
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("Log in to Synergy Desk"))
        self._authenticate = authenticate

        title = QLabel(f"<h2>{office_name or self.tr('Synergy Desk')}</h2>")
        self.user = QLineEdit(last_user)
        self.user.setObjectName("loginUser")
        self.user.setPlaceholderText(self.tr("user name"))
        self.password = QLineEdit()
        self.password.setObjectName("loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("&User name:"), self.user)
        form.addRow(self.tr("&Password:"), self.password)
        self.ok_button.setText(self.tr("Log in"))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        if database:
            where = QLabel(self.tr("Database: %s") % database)
            where.setStyleSheet(palette.SECONDARY.text_style())
            where.setWordWrap(True)
            layout.addWidget(where)
        layout.addWidget(self.buttons)
        (self.password if last_user else self.user).setFocus()
        self.setMinimumWidth(360)

    def validate(self) -> None:
        if not self.user.text().strip():
            raise Problem(self.tr("Type your user name."), self.user)

    def answer(self) -> Actor:
        password = self.password.text()
        try:
            actor = self._authenticate(self.user.text(), password)
            must_change = accounts.must_change_password(actor.id)
        except DomainError as exc:
            self.password.clear()
            raise Problem(exc.message, self.password) from exc
        if must_change and not ChangePasswordDialog.ask_forced(
                self, actor.username, password,
                lambda new: accounts.change_password(actor, password, new)):
            self.password.clear()
            raise Problem(self.tr("Your password was reset by a manager: choose a new one to "
                                  "log in."), self.password)
        return actor

    @classmethod
    def ask(cls, parent: QWidget | None, authenticate: Callable[[str, str], Actor],
            office_name: str = "", last_user: str = "", database: str = "") -> Actor | None:
        return cls(parent, authenticate, office_name, last_user, database).ask_value()
