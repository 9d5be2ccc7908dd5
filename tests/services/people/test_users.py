"""Users, roles and logging in: hashed passwords, lock-out, the last manager kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import (
    AuthenticationFailed,
    ConflictError,
    PermissionDenied,
    ValidationError,
)
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.people import users
from synergy_desk.services.people.users import (
    change_own_password,
    create_first_manager,
    create_user,
    has_users,
    list_users,
    login,
    reset_password,
    unlock,
    update_user,
)
from tests.conftest import PASSWORD

NEW_PASSWORD = "battery staple"


def fail_logins(username: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            login(username, "wrong password")


# --- creating ------------------------------------------------------------------------------


def test_first_manager_once_only(db_url: str) -> None:
    assert not has_users()
    actor = create_first_manager("Boss", "The Boss", PASSWORD)
    assert actor.role is Role.MANAGER and actor.username == "boss"
    assert has_users()
    with pytest.raises(PermissionDenied, match="already exists"):
        create_first_manager("other", "Other Boss", PASSWORD)
    assert t.User.select().count() == 1


def test_manager_creates_users_with_hashed_passwords(manager: Actor) -> None:
    row = create_user(manager, "  Sam.Smith ", "Sam Smith", "engineer", PASSWORD)
    assert row.username == "sam.smith" and row.role is Role.ENGINEER and row.active
    stored = t.User.get_by_id(row.id)
    assert stored.password_hash.startswith("$argon2")
    assert PASSWORD not in stored.password_hash
    audit = t.AuditLog.get((t.AuditLog.action == "user.create")
                           & (t.AuditLog.entity_id == str(row.id)))
    assert audit.user_id == manager.id
    assert json.loads(audit.after)["password_hash"] == "(hidden)"


@pytest.mark.parametrize("who", ["engineer", "reception"])
def test_only_managers_create_users(office: dict[str, Actor], who: str) -> None:
    with pytest.raises(PermissionDenied, match="managers"):
        create_user(office[who], "newbie", "New Person", Role.RECEPTION, PASSWORD)
    assert not t.User.select().where(t.User.username == "newbie").exists()


@pytest.mark.parametrize(("username", "full_name", "role", "password", "field"), [
    ("x", "Xavier", Role.ENGINEER, PASSWORD, "username"),
    ("has space", "Has Space", Role.ENGINEER, PASSWORD, "username"),
    ("-dash", "Dash", Role.ENGINEER, PASSWORD, "username"),
    ("MARY", "Another Mary", Role.ENGINEER, PASSWORD, "username"),  # taken, whatever the case
    ("sam", "   ", Role.ENGINEER, PASSWORD, "full_name"),
    ("sam", "S" * 121, Role.ENGINEER, PASSWORD, "full_name"),
    ("sam", "Sam", Role.ENGINEER, "short", "password"),
    ("sam", "Sam", Role.ENGINEER, " padded password ", "password"),
    ("sam", "Sam", "boss", PASSWORD, "role"),
])
def test_bad_new_users_are_refused(manager: Actor, username: str, full_name: str,
                                   role: Role | str, password: str, field: str) -> None:
    count = t.User.select().count()
    with pytest.raises(ValidationError) as caught:
        create_user(manager, username, full_name, role, password)
    assert caught.value.field == field
    assert t.User.select().count() == count


def test_list_users_by_full_name(office: dict[str, Actor]) -> None:
    assert [u.full_name for u in list_users(office["manager"])] == [
        "Eddie Engineer", "Erin Engineer", "Mary Manager", "Rita Reception"]


# --- logging in ----------------------------------------------------------------------------


def test_login_with_the_right_password(office: dict[str, Actor]) -> None:
    actor = login(" RITA ", PASSWORD)
    assert actor == office["reception"]
    assert t.AuditLog.select().where(t.AuditLog.action == "user.login").count() == 1


@pytest.mark.parametrize(("username", "password"), [
    ("rita", "wrong password"), ("nobody", PASSWORD), ("rita", ""), ("", "")])
def test_wrong_details_give_one_plain_message(office: dict[str, Actor], username: str,
                                              password: str) -> None:
    with pytest.raises(AuthenticationFailed, match="^Wrong user name or password.$"):
        login(username, password)


def test_failed_logins_are_counted_even_though_the_login_fails(office: dict[str, Actor]) -> None:
    fail_logins("rita", 2)
    assert t.User.get(t.User.username == "rita").failed_logins == 2
    login("rita", PASSWORD)
    assert t.User.get(t.User.username == "rita").failed_logins == 0


def test_account_locks_after_repeated_failures(office: dict[str, Actor]) -> None:
    fail_logins("rita", 5)  # the office allows 5 attempts
    user = t.User.get(t.User.username == "rita")
    assert user.locked_until is not None and user.locked_until > utcnow()
    with pytest.raises(AuthenticationFailed, match="locked"):
        login("rita", PASSWORD)
    assert t.AuditLog.select().where(t.AuditLog.action == "user.locked").count() == 1


def test_lockout_follows_the_office_settings(office: dict[str, object]) -> None:
    t.OfficeSettings.update(lockout_attempts=2, lockout_minutes=60).execute()
    fail_logins("rita", 2)
    user = t.User.get(t.User.username == "rita")
    assert user.locked_until is not None
    assert user.locked_until - utcnow() > dt.timedelta(minutes=55)


def test_lock_runs_out(office: dict[str, Actor]) -> None:
    fail_logins("rita", 5)
    (t.User.update(locked_until=utcnow() - dt.timedelta(seconds=1))
     .where(t.User.username == "rita").execute())
    assert login("rita", PASSWORD).username == "rita"
    assert t.User.get(t.User.username == "rita").locked_until is None


def test_manager_unlocks_an_account(office: dict[str, Actor]) -> None:
    fail_logins("rita", 5)
    with pytest.raises(PermissionDenied):
        unlock(office["engineer"], office["reception"].id)
    unlock(office["manager"], office["reception"].id)
    assert login("rita", PASSWORD).username == "rita"


def test_deactivated_user_cannot_log_in(office: dict[str, Actor]) -> None:
    update_user(office["manager"], office["engineer"].id, active=False)
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        login("eddie", PASSWORD)


# --- passwords -----------------------------------------------------------------------------


def test_change_own_password_needs_the_current_one(reception: Actor) -> None:
    with pytest.raises(ValidationError, match="current password"):
        change_own_password(reception, "not it", NEW_PASSWORD)
    with pytest.raises(ValidationError):
        change_own_password(reception, PASSWORD, "short")
    change_own_password(reception, PASSWORD, NEW_PASSWORD)
    assert login("rita", NEW_PASSWORD).id == reception.id
    with pytest.raises(AuthenticationFailed):
        login("rita", PASSWORD)


def test_deactivated_user_cannot_change_their_password(office: dict[str, Actor]) -> None:
    reception = office["reception"]
    update_user(office["manager"], reception.id, active=False)
    with pytest.raises(PermissionDenied, match="no longer active"):
        change_own_password(reception, PASSWORD, NEW_PASSWORD)


def test_reset_password_forces_a_change_and_unlocks(office: dict[str, Actor]) -> None:
    fail_logins("rita", 5)
    with pytest.raises(PermissionDenied):
        reset_password(office["engineer"], office["reception"].id, NEW_PASSWORD)
    reset_password(office["manager"], office["reception"].id, NEW_PASSWORD)
    user = t.User.get(t.User.username == "rita")
    assert user.must_change_password and user.locked_until is None
    assert login("rita", NEW_PASSWORD).username == "rita"


# --- editing users -------------------------------------------------------------------------


def test_update_user_changes_role_name_and_audits(office: dict[str, Actor]) -> None:
    row = update_user(office["manager"], office["reception"].id, full_name="Rita Rogers",
                      role="engineer")
    assert row.full_name == "Rita Rogers" and row.role is Role.ENGINEER
    audit = (t.AuditLog.select().where(t.AuditLog.action == "user.update")
             .order_by(t.AuditLog.id.desc()).first())
    assert json.loads(audit.before)["role"] == "reception"
    assert json.loads(audit.after)["role"] == "engineer"


def test_demoted_user_loses_rights_at_once(office: dict[str, Actor]) -> None:
    engineer = office["engineer"]
    update_user(office["manager"], engineer.id, role=Role.MANAGER)
    as_manager = Actor(engineer.id, engineer.username, engineer.full_name, Role.MANAGER)
    unlock(as_manager, office["reception"].id)
    # Demoted at another desk while still logged in as a manager here.
    update_user(office["manager"], engineer.id, role=Role.ENGINEER)
    with pytest.raises(PermissionDenied, match="changed to engineer"):
        unlock(as_manager, office["reception"].id)


@pytest.mark.parametrize("change", [{"role": Role.ENGINEER}, {"active": False}])
def test_last_active_manager_is_kept(office: dict[str, Actor],
                                     change: dict[str, object]) -> None:
    manager = office["manager"]
    with pytest.raises(ValidationError, match="last active manager"):
        update_user(manager, manager.id, **change)  # type: ignore[arg-type]
    assert t.User.get_by_id(manager.id).role == Role.MANAGER
    # With another manager it is allowed.
    update_user(manager, office["engineer"].id, role=Role.MANAGER)
    update_user(manager, manager.id, **change)  # type: ignore[arg-type]


@pytest.mark.parametrize(("change", "field"), [
    ({"role": "boss"}, "role"), ({"full_name": " "}, "full_name"),
    ({"full_name": "N" * 121}, "full_name")])
def test_bad_user_edits_are_refused(office: dict[str, Actor], change: dict[str, object],
                                    field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        update_user(office["manager"], office["engineer"].id, **change)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert t.User.get_by_id(office["engineer"].id).full_name == "Eddie Engineer"


# --- what the users dialog reads and does ---------------------------------------------------


def test_user_rows_carry_what_the_dialog_shows(office: dict[str, Actor]) -> None:
    fail_logins("rita", 5)
    reset_password(office["manager"], office["engineer"].id, NEW_PASSWORD)
    rows = {u.username: u for u in list_users(office["manager"])}
    assert rows["rita"].locked and rows["rita"].locked_until is not None
    assert not rows["eddie"].locked and rows["eddie"].must_change_password
    assert rows["eddie"].version == 2 and rows["mary"].version == 1
    assert rows["mary"].created_at is not None
    # The window's filters have names and roles only, and anyone may read them.
    choices = users.user_choices()
    assert [(c.full_name, c.role.value) for c in choices][:2] == [
        ("Eddie Engineer", "engineer"), ("Erin Engineer", "engineer")]
    assert not hasattr(choices[0], "locked_until")


@pytest.mark.parametrize("who", ["engineer", "reception"])
def test_only_managers_see_the_users_accounts(office: dict[str, Actor], who: str) -> None:
    with pytest.raises(PermissionDenied, match="managers"):
        list_users(office[who])


def test_the_last_manager_cannot_deactivate_themselves(office: dict[str, Actor]) -> None:
    manager = office["manager"]
    with pytest.raises(ValidationError, match="You are the last active manager") as caught:
        update_user(manager, manager.id, active=False)
    assert caught.value.field == "active"
    assert t.User.get_by_id(manager.id).active


def test_a_deactivated_manager_is_not_counted_as_another_manager(
        office: dict[str, Actor]) -> None:
    manager, eddie = office["manager"], office["engineer"]
    update_user(manager, eddie.id, role=Role.MANAGER)
    update_user(manager, eddie.id, active=False)  # still a manager by role, but inactive
    with pytest.raises(ValidationError, match="last active manager"):
        update_user(manager, manager.id, role=Role.ENGINEER)


def test_reactivated_user_can_log_in_again(office: dict[str, Actor]) -> None:
    manager, eddie = office["manager"], office["engineer"]
    update_user(manager, eddie.id, active=False)
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        login("eddie", PASSWORD)
    update_user(manager, eddie.id, active=True)
    assert login("eddie", PASSWORD).id == eddie.id


def test_a_stale_edit_is_refused_naming_who_changed_it(office: dict[str, Actor]) -> None:
    manager, eddie = office["manager"], office["engineer"]
    other = create_user(manager, "olga", "Olga Other", Role.MANAGER, PASSWORD)
    olga = Actor(other.id, other.username, other.full_name, Role.MANAGER)
    seen = next(u for u in list_users(manager) if u.id == eddie.id)
    update_user(olga, eddie.id, full_name="Eddie Edwards", expected_version=seen.version)
    with pytest.raises(ConflictError, match="Olga Other") as caught:
        update_user(manager, eddie.id, role=Role.RECEPTION, expected_version=seen.version)
    assert caught.value.changed_by == "Olga Other"
    assert caught.value.changes == {"full_name": ("Eddie Engineer", "Eddie Edwards")}
    stored = t.User.get_by_id(eddie.id)
    assert stored.role == Role.ENGINEER and stored.full_name == "Eddie Edwards"


def test_a_password_reset_since_also_counts_as_a_change(office: dict[str, Actor]) -> None:
    manager, eddie = office["manager"], office["engineer"]
    seen = next(u for u in list_users(manager) if u.id == eddie.id)
    reset_password(manager, eddie.id, NEW_PASSWORD)
    with pytest.raises(ConflictError, match="Mary Manager"):
        update_user(manager, eddie.id, active=False, expected_version=seen.version)
    assert t.User.get_by_id(eddie.id).active
    fresh = next(u for u in list_users(manager) if u.id == eddie.id)
    assert update_user(manager, eddie.id, active=False,
                       expected_version=fresh.version).active is False


def test_password_changes_are_audited_with_before_and_after(office: dict[str, Actor]) -> None:
    manager, rita = office["manager"], office["reception"]
    reset_password(manager, rita.id, NEW_PASSWORD)
    change_own_password(rita, NEW_PASSWORD, "my own password")
    reset, changed = (t.AuditLog.select()
                      .where(t.AuditLog.action.in_(["user.password_reset",
                                                    "user.password_changed"]))
                      .order_by(t.AuditLog.id))
    assert json.loads(reset.after)["must_change_password"] is True
    assert json.loads(changed.before)["must_change_password"] is True
    assert json.loads(changed.after) == {"must_change_password": False, "version": 3}
    for row in (reset, changed):
        assert NEW_PASSWORD not in row.after and "argon2" not in row.after


def test_a_new_password_the_same_as_the_old_is_refused_by_the_service(office) -> None:
    from tests.conftest import PASSWORD

    eddie = office["engineer"]
    with pytest.raises(ValidationError, match="not the same as the old one"):
        users.change_own_password(eddie, PASSWORD, PASSWORD)
    with pytest.raises(ValidationError, match="current password is not right"):
        users.change_own_password(eddie, "a wrong guess", "a wrong guess")  # asked first


@pytest.mark.parametrize(("check", "value", "field"), [
    (users.check_username, "x", "username"),
    (users.check_full_name, "  ", "full_name"),
    (users.check_password_rules, "short", "password"),
    (users.check_password_rules, " padded password", "password"),
])
def test_the_rules_a_dialog_asks_are_the_services(check, value: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check(value)
    assert caught.value.field == field
