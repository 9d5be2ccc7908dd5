"""A user's own account: the new password a manager's reset demands."""

from __future__ import annotations

import pytest

from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.people import accounts, users
from tests.conftest import PASSWORD


def test_a_reset_password_must_be_changed_and_changing_it_clears_the_mark(
        manager: Actor, reception: Actor) -> None:
    assert accounts.must_change_password(reception.id) is False
    users.reset_password(manager, reception.id, "temporary-1")
    assert accounts.must_change_password(reception.id) is True
    assert accounts.must_change_password(manager.id) is False

    accounts.change_password(reception, "temporary-1", "my own secret")

    assert accounts.must_change_password(reception.id) is False
    assert users.login("rita", "my own secret").id == reception.id
    assert t.AuditLog.select().where(t.AuditLog.action == "user.password_changed").count() == 1


def test_the_new_password_must_differ_from_the_old_one(manager: Actor,
                                                       reception: Actor) -> None:
    users.reset_password(manager, reception.id, "temporary-1")
    with pytest.raises(ValidationError, match="not the same as the old one") as caught:
        accounts.change_password(reception, "temporary-1", "temporary-1")
    assert caught.value.field == "new_password"
    assert accounts.must_change_password(reception.id) is True
    assert users.login("rita", "temporary-1").id == reception.id


def test_a_wrong_old_password_changes_nothing(reception: Actor) -> None:
    with pytest.raises(ValidationError, match="current password is not right"):
        accounts.change_password(reception, "not it at all", "my own secret")
    assert users.login("rita", PASSWORD).id == reception.id


def test_an_unknown_user_need_not_change_anything(db_url: str) -> None:
    assert accounts.must_change_password(424242) is False
