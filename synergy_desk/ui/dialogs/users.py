"""The manager's users dialog: add, edit, deactivate or reactivate, reset passwords, unlock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import DomainError, ValidationError
from synergy_desk.services.common import MANAGERS, Actor
from synergy_desk.services.people import users
from synergy_desk.services.people.users import MAX_FULL_NAME_LENGTH, MIN_PASSWORD_LENGTH, UserRow
from synergy_desk.ui import errors, formatting, palette
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import allowed, call, reporting_errors
from synergy_desk.ui.palette import Colour
from synergy_desk.ui.table_model import Column, TableModel

__all__ = ["COLUMNS", "UserRequest", "UserEditDialog", "ResetPasswordDialog", "UsersDialog",
           "open_users"]


def _t(text: str) -> str:
    return QCoreApplication.translate("UsersDialog", text)


ROLE_LABELS = {Role.RECEPTION: "Reception", Role.ENGINEER: "Engineer", Role.MANAGER: "Manager"}


@dataclass(frozen=True)
class UserRequest:
    """What the add/edit dialog collected; ``password`` only when adding."""

    username: str
    full_name: str
    role: Role
    password: str | None = None


class UserEditDialog(FormDialog[UserRequest]):
    """Add a user (user name, full name, role, password twice) or edit one (name and role)."""

    def __init__(self, parent: QWidget | None, user: UserRow | None = None) -> None:
        super().__init__(parent, message_name="userMessage")
        self.setObjectName("userEditDialog")
        self._user = user
        adding = user is None
        self.setWindowTitle(self.tr("Add a user") if adding
                            else self.tr("Edit %s") % user.full_name)  # type: ignore[union-attr]
        self.username = QLineEdit(user.username if user else "")
        self.username.setObjectName("userUsername")
        self.username.setMaxLength(64)
        self.username.setReadOnly(not adding)
        self.username.setPlaceholderText(self.tr("e.g. sam.smith"))
        self.full_name = QLineEdit(user.full_name if user else "")
        self.full_name.setObjectName("userFullName")
        self.full_name.setMaxLength(MAX_FULL_NAME_LENGTH)
        self.role = QComboBox()
        self.role.setObjectName("userRole")
        for role in Role:
            self.role.addItem(self.tr(ROLE_LABELS[role]), role)
        self.role.setCurrentIndex(self.role.findData(user.role if user else Role.RECEPTION))
        self.password = QLineEdit()
        self.password.setObjectName("userPassword")
        self.again = QLineEdit()
        self.again.setObjectName("userPasswordAgain")
        for box in (self.password, self.again):
            box.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("&User name:"), self.username)
        form.addRow(self.tr("&Full name:"), self.full_name)
        form.addRow(self.tr("&Role:"), self.role)
        if adding:
            form.addRow(self.tr("&Password:"), self.password)
            form.addRow(self.tr("Password a&gain:"), self.again)
            hint = QLabel(self.tr("At least %d characters. They will be asked to keep it "
                                  "to themselves.") % MIN_PASSWORD_LENGTH)
            hint.setStyleSheet(palette.MUTED.text_style())
            hint.setWordWrap(True)
            form.addRow("", hint)
        self.ok_button.setText(self.tr("&Add user") if adding else self.tr("&Save"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        self.resize(420, 0)
        (self.username if adding else self.full_name).setFocus()

    def validate(self) -> None:
        """What is wrong with the entries (a message and the box to fix)."""
        # The users service's own rules, asked at once so the message comes before saving.
        checks: list[tuple[Callable[[], object], QWidget]] = [
            (lambda: users.check_full_name(self.full_name.text()), self.full_name)]
        if self._user is None:
            checks.insert(0, (lambda: users.check_username(self.username.text()),
                              self.username))
            checks.append((lambda: users.check_password_rules(self.password.text()),
                           self.password))
        for check, box in checks:
            try:
                check()
            except ValidationError as exc:
                raise Problem(exc.message, box) from exc
        if self._user is None:
            if self.password.text() != self.again.text():
                raise Problem(self.tr("The two passwords are not the same."), self.again)

    def answer(self) -> UserRequest:
        return UserRequest(self.username.text().strip().lower(), self.full_name.text().strip(),
                           self.role.currentData(),
                           self.password.text() if self._user is None else None)

    @classmethod
    def ask(cls, parent: QWidget | None, user: UserRow | None = None) -> UserRequest | None:
        """Ask for a new user (``user`` None) or for changes to ``user``."""
        return cls(parent, user).ask_value()


class ResetPasswordDialog(FormDialog[str]):
    """A manager sets a new password (typed twice); the user must change it at next log-in."""

    def __init__(self, parent: QWidget | None, user: UserRow) -> None:
        super().__init__(parent, message_name="resetMessage")
        self.setObjectName("resetPasswordDialog")
        self.setWindowTitle(self.tr("Reset the password of %s") % user.full_name)
        explanation = QLabel(self.tr("%s will be asked to choose a password of their own the "
                                     "next time they log in. A lock-out is lifted too.")
                             % user.full_name)
        explanation.setWordWrap(True)
        self.new = QLineEdit()
        self.new.setObjectName("resetPassword")
        self.again = QLineEdit()
        self.again.setObjectName("resetPasswordAgain")
        for box in (self.new, self.again):
            box.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("&New password:"), self.new)
        form.addRow(self.tr("New password &again:"), self.again)
        self.ok_button.setText(self.tr("&Reset password"))
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        self.resize(400, 0)
        self.new.setFocus()

    def validate(self) -> None:
        try:
            users.check_password_rules(self.new.text())
        except ValidationError as exc:
            raise Problem(exc.message, self.new) from exc
        if self.new.text() != self.again.text():
            raise Problem(self.tr("The two passwords are not the same."), self.again)

    def answer(self) -> str:
        return self.new.text()

    @classmethod
    def ask(cls, parent: QWidget | None, user: UserRow) -> str | None:
        """The new password, or None when cancelled."""
        return cls(parent, user).ask_value()


def _quiet(user: UserRow) -> Colour | None:
    """A deactivated user is greyed out, every cell of the row."""
    return palette.INACTIVE if not user.active else None


def _lock_colour(user: UserRow) -> Colour | None:
    return _quiet(user) or (palette.ERROR if user.locked else None)


#: Every user, all loaded at once (a handful of rows).
COLUMNS: tuple[Column[UserRow], ...] = (
    Column("Name", lambda u: u.full_name, foreground=_quiet, stretch=True),
    Column("User name", lambda u: u.username, foreground=_quiet),
    Column("Role", lambda u: _t(ROLE_LABELS[u.role]), lambda u: u.role,
           foreground=_quiet),
    Column("Active", lambda u: _t("Yes") if u.active else _t("No (deactivated)"),
           lambda u: not u.active, foreground=_quiet),
    Column("Locked until",
           lambda u: formatting.short_datetime(u.locked_until) if u.locked else "",
           lambda u: u.locked_until if u.locked else None,
           tooltip=lambda u: _t("Locked out after too many failed log-ins; Unlock lets them "
                                "in now.") if u.locked else None,
           foreground=_lock_colour),
    Column("Must change password", lambda u: _t("Yes") if u.must_change_password else "",
           lambda u: u.must_change_password, foreground=_quiet),
)


class UsersDialog(QDialog):
    """Managers look after the office's users here; nobody is ever deleted."""

    def __init__(self, parent: QWidget | None, actor: Actor) -> None:
        super().__init__(parent)
        self.setObjectName("usersDialog")
        self.setWindowTitle(self.tr("Users"))
        self._actor = actor
        self.model: TableModel[UserRow] = TableModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("usersTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)
        head = self.table.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column, declared in enumerate(COLUMNS):
            if declared.stretch:
                head.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self._on_edit_clicked())
        self.table.installEventFilter(self)

        self.add_button = self._button("addUser", self.tr("&Add…"), self._on_add_clicked)
        self.edit_button = self._button("editUser", self.tr("&Edit…"), self._on_edit_clicked)
        self.active_button = self._button("toggleActive", self.tr("&Deactivate…"),
                                          self._on_active_clicked)
        self.reset_button = self._button("resetPassword", self.tr("Reset &password…"),
                                         self._on_reset_clicked)
        self.unlock_button = self._button("unlockUser", self.tr("&Unlock"),
                                          self._on_unlock_clicked)
        self.status = MessageLine("usersStatus", colour=palette.MUTED)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        side = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.active_button,
                       self.reset_button, self.unlock_button):
            side.addWidget(button)
        side.addStretch(1)
        hint = QLabel(self.tr("Enter edits, Ins adds,\nDel deactivates."))
        hint.setStyleSheet(palette.MUTED.text_style())
        side.addWidget(hint)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.resize(860, 380)

        self.table.selectionModel().currentRowChanged.connect(
            lambda *_a: self._update_buttons())
        self.reload()
        self.table.setFocus()

    def _button(self, name: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name + "Button")
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- data ----------------------------------------------------------------------------

    def reload(self, select_id: int | None = None) -> bool:
        """Read the users again; keep (or move to) the chosen one. False when refused."""
        keep = select_id if select_id is not None else self._current_id()
        rows = call(self, users.list_users, self._actor)
        if rows is None:
            return False
        self.model.set_rows(rows)
        row = self.model.row_of(keep) if keep is not None else -1
        self.table.selectRow(row if row >= 0 else 0)
        active = sum(1 for r in rows if r.active)
        self.status.setText(self.tr("%d users, %d active. A user is never deleted: a "
                                    "deactivated account keeps its history and cannot log in.")
                            % (len(rows), active))
        self._update_buttons()
        return True

    def _current_id(self) -> int | None:
        user = self.current_user()
        return user.id if user else None

    def current_user(self) -> UserRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        user = self.current_user()
        chosen = user is not None
        self.edit_button.setEnabled(chosen)
        self.active_button.setEnabled(chosen)
        self.reset_button.setEnabled(chosen and bool(user and user.active))
        self.unlock_button.setEnabled(bool(user and user.active and user.locked))
        if user is not None and not user.active:
            self.active_button.setText(self.tr("Re&activate"))
        else:
            self.active_button.setText(self.tr("&Deactivate…"))

    # -- keyboard ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._on_edit_clicked()
                return True
            if key == Qt.Key.Key_Insert:
                self._on_add_clicked()
                return True
            if key == Qt.Key.Key_Delete:
                user = self.current_user()
                if user is not None and user.active:
                    self._on_active_clicked()
                return True
        return super().eventFilter(watched, event)

    # -- actions -------------------------------------------------------------------------

    def _on_refused(self, exc: Exception) -> None:
        """Every action's failure: shown, and after a refusal the list is read again."""
        errors.show_error(self, exc)
        if isinstance(exc, DomainError):
            self.reload()  # a conflict or a change elsewhere: show what is true now

    def confirm(self, title: str, text: str, action: str) -> bool:
        """Ask before something that matters; True to go ahead."""
        box = QMessageBox(self)
        box.setObjectName("usersConfirm")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        chosen = box.clickedButton() is go
        box.deleteLater()
        return chosen

    def _on_add_clicked(self) -> None:
        request = UserEditDialog.ask(self)
        if request is None:
            return
        with reporting_errors(self, failure=self._on_refused) as outcome:
            row = users.create_user(self._actor, request.username, request.full_name,
                                    request.role, request.password or "")
        if outcome.failed:
            return
        self.reload(row.id)
        self.status.setText(self.tr("%s added as %s.")
                            % (row.full_name, self.tr(ROLE_LABELS[row.role]).lower()))

    def _on_edit_clicked(self) -> None:
        user = self.current_user()
        if user is None:
            return
        request = UserEditDialog.ask(self, user)
        if request is None:
            return
        with reporting_errors(self, failure=self._on_refused) as outcome:
            row = users.update_user(self._actor, user.id, full_name=request.full_name,
                                    role=request.role, expected_version=user.version)
        if outcome.failed:
            return
        self.reload(row.id)
        self.status.setText(self.tr("%s saved.") % row.full_name)

    def _on_active_clicked(self) -> None:
        user = self.current_user()
        if user is None:
            return
        if user.active:
            yourself = (self.tr(" This is your own account: you will not be able to log in "
                                "with it again.") if user.id == self._actor.id else "")
            if not self.confirm(
                    self.tr("Deactivate %s") % user.full_name,
                    self.tr("%s will no longer be able to log in, and is refused at once at "
                            "any desk where they are logged in. Their history stays theirs; "
                            "you can reactivate them later.") % user.full_name + yourself,
                    self.tr("&Deactivate")):
                return
        with reporting_errors(self, failure=self._on_refused) as outcome:
            row = users.update_user(self._actor, user.id, active=not user.active,
                                    expected_version=user.version)
        if outcome.failed:
            return
        self.reload(row.id)
        self.status.setText((self.tr("%s reactivated.") if row.active
                             else self.tr("%s deactivated.")) % row.full_name)

    def _on_reset_clicked(self) -> None:
        user = self.current_user()
        if user is None:
            return
        password = ResetPasswordDialog.ask(self, user)
        if password is None:
            return
        with reporting_errors(self, failure=self._on_refused) as outcome:
            users.reset_password(self._actor, user.id, password)
        if outcome.failed:
            return
        self.reload(user.id)
        self.status.setText(self.tr("Password of %s reset; they choose a new one at their "
                                    "next log-in.") % user.full_name)

    def _on_unlock_clicked(self) -> None:
        user = self.current_user()
        if user is None:
            return
        with reporting_errors(self, failure=self._on_refused) as outcome:
            users.unlock(self._actor, user.id)
        if outcome.failed:
            return
        self.reload(user.id)
        self.status.setText(self.tr("%s unlocked: they can log in now.") % user.full_name)


def open_users(parent: QWidget | None, actor: Actor) -> None:
    """Open the users dialog (managers only; anyone else is told why not)."""
    if not allowed(parent, actor, MANAGERS, "look after users"):
        return
    dialog = UsersDialog(parent, actor)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()
