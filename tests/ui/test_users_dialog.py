"""The users dialog driven as a manager: the table, the sub-dialogs' checks, every button."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.people import users
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.users import (
    ResetPasswordDialog,
    UserEditDialog,
    UserRequest,
    UsersDialog,
    open_users,
)
from tests.ui.conftest import ShownErrors


@pytest.fixture
def dialog(qtbot: Any, manager: Actor) -> UsersDialog:
    widget = UsersDialog(None, manager)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def select(dialog: UsersDialog, username: str) -> None:
    user = t.User.get(t.User.username == username)
    dialog.table.selectRow(dialog.model.row_of(user.id))
    assert dialog.current_user() is not None and dialog.current_user().username == username


def press_ok(widget: Any) -> None:
    widget.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_the_table_lists_every_user(qtmodeltester: Any, dialog: UsersDialog) -> None:
    qtmodeltester.check(dialog.model)
    assert dialog.objectName() == "usersDialog"
    names = [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())]
    assert names == ["Eddie Engineer", "Erin Engineer", "Mary Manager", "Rita Reception"]
    heads = [dialog.model.headerData(c, Qt.Orientation.Horizontal)
             for c in range(dialog.model.columnCount())]
    assert heads == ["Name", "User name", "Role", "Active", "Locked until",
                     "Must change password"]
    assert "4 users, 4 active" in dialog.status.text()


def test_add_a_user(dialog: UsersDialog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(UserEditDialog, "ask", classmethod(
        lambda cls, parent, user=None: UserRequest("sam", "Sam Smith", Role.ENGINEER,
                                                   "long enough")))
    dialog.add_button.click()
    sam = t.User.get(t.User.username == "sam")
    assert sam.full_name == "Sam Smith" and Role(sam.role) is Role.ENGINEER
    assert dialog.current_user() is not None and dialog.current_user().username == "sam"
    assert users.login("sam", "long enough").id == sam.id


def test_a_refused_add_is_shown_and_writes_nothing(dialog: UsersDialog, shown_errors: ShownErrors,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(UserEditDialog, "ask", classmethod(
        lambda cls, parent, user=None: UserRequest("mary", "Another Mary", Role.ENGINEER,
                                                   "long enough")))
    dialog.add_button.click()
    assert isinstance(shown_errors.shown[-1], ValidationError)
    assert t.User.select().count() == 4


@pytest.mark.parametrize(("username", "full_name", "password", "again", "complaint"), [
    ("x", "Xavier", "long enough", "long enough", "user name"),
    ("has space", "Has Space", "long enough", "long enough", "user name"),
    ("sam", "  ", "long enough", "long enough", "full name"),
    ("sam", "Sam", "short", "short", "at least 8"),
    ("sam", "Sam", " padded pass ", " padded pass ", "space"),
    ("sam", "Sam", "long enough", "long enougH", "not the same"),
])
def test_the_add_dialog_checks_what_is_typed(qtbot: Any, username: str, full_name: str,
                                             password: str, again: str,
                                             complaint: str) -> None:
    widget = UserEditDialog(None)
    qtbot.addWidget(widget)
    widget.username.setText(username)
    widget.full_name.setText(full_name)
    widget.password.setText(password)
    widget.again.setText(again)
    press_ok(widget)
    assert complaint in widget.message.text()
    assert widget.value is None and widget.result() == 0


def test_the_add_dialog_gives_a_request(qtbot: Any) -> None:
    widget = UserEditDialog(None)
    qtbot.addWidget(widget)
    widget.username.setText("  Sam.Smith ")
    widget.full_name.setText(" Sam Smith ")
    widget.role.setCurrentIndex(widget.role.findData(Role.MANAGER))
    widget.password.setText("long enough")
    widget.again.setText("long enough")
    press_ok(widget)
    assert widget.value == UserRequest("sam.smith", "Sam Smith", Role.MANAGER, "long enough")


def test_edit_changes_name_and_role(dialog: UsersDialog, qtbot: Any,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    select(dialog, "rita")
    seen: list[Any] = []

    def ask(cls: Any, parent: Any, user: Any = None) -> UserRequest:
        seen.append(user)
        return UserRequest(user.username, "Rita Rogers", Role.ENGINEER)

    monkeypatch.setattr(UserEditDialog, "ask", classmethod(ask))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # Enter edits
    assert seen and seen[0].username == "rita"
    rita = t.User.get(t.User.username == "rita")
    assert rita.full_name == "Rita Rogers" and Role(rita.role) is Role.ENGINEER


def test_edit_dialog_keeps_the_user_name(qtbot: Any, manager: Actor) -> None:
    row = next(u for u in users.list_users(manager) if u.username == "eddie")
    widget = UserEditDialog(None, row)
    qtbot.addWidget(widget)
    assert widget.username.isReadOnly() and widget.username.text() == "eddie"
    widget.full_name.setText("Eddie Edwards")
    press_ok(widget)
    assert widget.value == UserRequest("eddie", "Eddie Edwards", Role.ENGINEER, None)


def test_a_stale_edit_is_refused_and_the_table_reloads(dialog: UsersDialog, shown_errors: ShownErrors,
                                                       manager: Actor,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    select(dialog, "eddie")
    # Another desk renames Eddie after this dialog read the list.
    users.update_user(manager, t.User.get(t.User.username == "eddie").id,
                      full_name="Eddie Elsewhere")
    monkeypatch.setattr(UserEditDialog, "ask", classmethod(
        lambda cls, parent, user=None: UserRequest("eddie", "Eddie Here", Role.ENGINEER)))
    dialog.edit_button.click()
    assert "changed by Mary Manager" in str(shown_errors.shown[-1])
    assert t.User.get(t.User.username == "eddie").full_name == "Eddie Elsewhere"
    names = [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())]
    assert "Eddie Elsewhere" in names


@pytest.mark.parametrize("confirmed", [False, True])
def test_deactivate_asks_first(dialog: UsersDialog, qtbot: Any, confirmed: bool,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    select(dialog, "eddie")
    asked: list[str] = []
    monkeypatch.setattr(dialog, "confirm",
                        lambda title, text, action: asked.append(text) or confirmed)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)  # Del deactivates
    assert asked and "no longer be able to log in" in asked[0]
    assert t.User.get(t.User.username == "eddie").active is (not confirmed)
    if confirmed:
        assert dialog.active_button.text().replace("&", "") == "Reactivate"
        greyed = dialog.table.currentIndex().siblingAtColumn(3)
        assert greyed.data() == "No (deactivated)"
        assert greyed.data(Qt.ItemDataRole.ForegroundRole).color().name() == \
            palette.INACTIVE.hex()
        assert not dialog.reset_button.isEnabled()
        dialog.active_button.click()  # reactivating needs no confirmation
        assert t.User.get(t.User.username == "eddie").active
        assert len(asked) == 1


def test_the_last_manager_is_kept(dialog: UsersDialog, shown_errors: ShownErrors,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    select(dialog, "mary")
    monkeypatch.setattr(dialog, "confirm", lambda *a: True)
    dialog.active_button.click()
    assert "last active manager" in str(shown_errors.shown[-1])
    assert t.User.get(t.User.username == "mary").active


def test_reset_password_and_unlock(dialog: UsersDialog, monkeypatch: pytest.MonkeyPatch) -> None:
    rita = t.User.get(t.User.username == "rita")
    t.User.update(locked_until=utcnow().replace(year=utcnow().year + 1)).where(
        t.User.id == rita.id).execute()
    dialog.reload()
    select(dialog, "rita")
    assert dialog.unlock_button.isEnabled()
    locked = dialog.model.index(dialog.table.currentIndex().row(), 4)
    assert locked.data()
    assert locked.data(Qt.ItemDataRole.ForegroundRole).color().name() == palette.ERROR.hex()
    assert "Unlock lets them in" in locked.data(Qt.ItemDataRole.ToolTipRole)
    assert locked.siblingAtColumn(0).data(Qt.ItemDataRole.ForegroundRole) is None
    dialog.unlock_button.click()
    assert t.User.get_by_id(rita.id).locked_until is None
    assert not dialog.unlock_button.isEnabled()
    monkeypatch.setattr(ResetPasswordDialog, "ask",
                        classmethod(lambda cls, parent, user: "a brand new one"))
    dialog.reset_button.click()
    assert t.User.get_by_id(rita.id).must_change_password
    assert dialog.model.index(dialog.table.currentIndex().row(), 5).data() == "Yes"
    assert users.login("rita", "a brand new one").id == rita.id


@pytest.mark.parametrize(("new", "again", "complaint"), [
    ("short", "short", "at least 8"), ("long enough", "long enougH", "not the same")])
def test_the_reset_dialog_checks_the_password(qtbot: Any, manager: Actor, new: str, again: str,
                                              complaint: str) -> None:
    row = next(u for u in users.list_users(manager) if u.username == "rita")
    widget = ResetPasswordDialog(None, row)
    qtbot.addWidget(widget)
    widget.new.setText(new)
    widget.again.setText(again)
    press_ok(widget)
    assert complaint in widget.message.text() and widget.value is None
    widget.again.setText(new if len(new) >= 8 else "")
    if len(new) >= 8:
        press_ok(widget)
        assert widget.value == new


def test_insert_adds(dialog: UsersDialog, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[object] = []
    monkeypatch.setattr(UserEditDialog, "ask",
                        classmethod(lambda cls, parent, user=None: asked.append(user)))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Insert)
    assert asked == [None]


@pytest.mark.parametrize("who", ["reception", "engineer"])
def test_others_are_refused_with_the_services_message(office: dict[str, Any], shown_errors: ShownErrors,
                                                      who: str) -> None:
    open_users(None, office[who])
    assert isinstance(shown_errors.shown[-1], PermissionDenied)
    assert "Only managers" in str(shown_errors.shown[-1])
