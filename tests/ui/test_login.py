"""The login dialog, and the new password a manager's reset demands before the window opens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from synergy_desk.services.common import Actor
from synergy_desk.services.people import accounts, users
from synergy_desk.ui.dialogs.login import LoginDialog
from synergy_desk.ui.dialogs.password import ChangePasswordDialog
from tests.conftest import PASSWORD

TEMPORARY = "temporary-1"


def log_in(qtbot: Any, username: str, password: str) -> LoginDialog:
    dialog = LoginDialog(None, users.login)
    qtbot.addWidget(dialog)
    dialog.user.setText(username)
    dialog.password.setText(password)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    return dialog


@dataclass
class Forced:
    """The forced password changes asked for, each answered with ``answer`` (None cancels)."""

    answer: str | None = None
    calls: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> Forced:
    record = Forced()

    def ask_forced(_parent: Any, username: str, current_password: str, change: Any) -> bool:
        record.calls.append((username, current_password))
        if record.answer is None:
            return False
        change(record.answer)
        return True

    monkeypatch.setattr(ChangePasswordDialog, "ask_forced", staticmethod(ask_forced))
    return record


def test_a_normal_login_asks_for_no_new_password(qtbot: Any, reception: Actor,
                                                 forced: Forced) -> None:
    dialog = log_in(qtbot, "rita", PASSWORD)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.value == reception
    assert forced.calls == []


def test_after_a_reset_the_login_demands_a_new_password_and_cancel_logs_no_one_in(
        qtbot: Any, manager: Actor, reception: Actor, forced: Forced) -> None:
    users.reset_password(manager, reception.id, TEMPORARY)

    dialog = log_in(qtbot, "rita", TEMPORARY)

    assert forced.calls == [("rita", TEMPORARY)]
    assert dialog.value is None
    assert dialog.result() != LoginDialog.DialogCode.Accepted
    assert "choose a new one to log in" in dialog.message.text()
    assert accounts.must_change_password(reception.id)


def test_after_a_reset_the_new_password_is_saved_and_the_user_logged_in(
        qtbot: Any, manager: Actor, reception: Actor, forced: Forced) -> None:
    users.reset_password(manager, reception.id, TEMPORARY)
    forced.answer = "my own secret"

    dialog = log_in(qtbot, "rita", TEMPORARY)

    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.value == reception
    assert not accounts.must_change_password(reception.id)
    assert users.login("rita", "my own secret") == reception


def test_a_wrong_password_asks_for_no_new_one(qtbot: Any, manager: Actor, reception: Actor,
                                              forced: Forced) -> None:
    users.reset_password(manager, reception.id, TEMPORARY)
    dialog = log_in(qtbot, "rita", "not the one")
    assert forced.calls == []
    assert dialog.value is None
    assert "Wrong user name or password" in dialog.message.text()


def forced_dialog(qtbot: Any, reception: Actor) -> ChangePasswordDialog:
    dialog = ChangePasswordDialog(
        None, current_password=TEMPORARY, username="rita",
        change=lambda new: accounts.change_password(reception, TEMPORARY, new))
    qtbot.addWidget(dialog)
    return dialog


def test_the_forced_dialog_explains_why_and_asks_no_current_password(
        qtbot: Any, manager: Actor, reception: Actor) -> None:
    users.reset_password(manager, reception.id, TEMPORARY)
    dialog = forced_dialog(qtbot, reception)
    dialog.show()
    reason = dialog.findChild(QLabel, "changePasswordReason")
    assert "A manager has reset the password of rita" in reason.text()
    assert not dialog.old.isVisible()
    assert dialog.new.isVisible() and dialog.again.isVisible()


@pytest.mark.parametrize(("new", "again", "message"), [
    ("short", "short", "at least 8 characters"),
    ("my own secret", "my own secrets", "not the same"),
    (TEMPORARY, TEMPORARY, "not the same as the old one"),
    (" padded secret ", " padded secret ", "cannot start or end with a space"),
])
def test_the_forced_dialog_refuses_a_bad_new_password_and_stays_open(
        qtbot: Any, manager: Actor, reception: Actor, new: str, again: str,
        message: str) -> None:
    users.reset_password(manager, reception.id, TEMPORARY)
    dialog = forced_dialog(qtbot, reception)
    dialog.new.setText(new)
    dialog.again.setText(again)
    dialog.ok_button.click()
    assert message in dialog.message.text()
    assert dialog.result() != ChangePasswordDialog.DialogCode.Accepted
    assert accounts.must_change_password(reception.id)


def test_the_forced_dialog_saves_a_good_new_password(qtbot: Any, manager: Actor,
                                                     reception: Actor) -> None:
    users.reset_password(manager, reception.id, TEMPORARY)
    dialog = forced_dialog(qtbot, reception)
    dialog.new.setText("my own secret")
    dialog.again.setText("my own secret")
    dialog.ok_button.click()
    assert dialog.result() == ChangePasswordDialog.DialogCode.Accepted
    assert not accounts.must_change_password(reception.id)


def test_changing_ones_own_password_refuses_the_same_one(qtbot: Any) -> None:
    dialog = ChangePasswordDialog(None)
    qtbot.addWidget(dialog)
    dialog.old.setText(PASSWORD)
    dialog.new.setText(PASSWORD)
    dialog.again.setText(PASSWORD)
    dialog.ok_button.click()
    assert "not the same as the old one" in dialog.message.text()
    assert dialog.result() != ChangePasswordDialog.DialogCode.Accepted


def test_the_dialog_tells_a_locked_or_deactivated_account_only_to_the_right_password(
        qtbot: Any, office: dict[str, Any], forced: Forced) -> None:
    users.update_user(office["manager"], office["engineer"].id, active=False)
    for _ in range(5):
        log_in(qtbot, "rita", "not the one")
    answers = {who: log_in(qtbot, who, "not the one").message.text()
               for who in ("rita", "eddie", "nobody")}
    assert set(answers.values()) == {"Wrong user name or password."}
    locked = log_in(qtbot, "rita", PASSWORD)
    assert locked.message.text().startswith("This account is locked after too many failed "
                                            "attempts; try again in 15 minutes")
    assert locked.message.wordWrap()
    assert locked.value is None and locked.password.text() == ""
    deactivated = log_in(qtbot, "eddie", PASSWORD)
    assert deactivated.message.text() == "This account has been deactivated; ask a manager."


def test_a_refusal_of_several_lines_is_shown_whole(qtbot: Any) -> None:
    """The locked account's message wraps onto three lines: the dialog grows to show them,
    not squeezing the fields and cutting the last line off."""
    from synergy_desk.domain.errors import AuthenticationFailed

    def locked(_name: str, _password: str) -> Actor:
        raise AuthenticationFailed(
            "This account is locked after too many failed attempts; try again in 15 minutes "
            "or ask a manager to unlock it.")

    dialog = LoginDialog(None, locked, office_name="Pennine Software Support Ltd",
                         last_user="kate.dunn")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.password.setText("the right one")
    dialog.accept()
    message = dialog.findChild(QLabel, "loginMessage")
    assert "unlock it" in message.text()
    dialog.layout().activate()
    assert message.height() >= message.heightForWidth(message.width())
    assert dialog.password.height() >= dialog.password.sizeHint().height()
