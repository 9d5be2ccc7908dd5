"""Users, roles and logging in: hashed passwords, lock-out after repeated failures."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from peewee import Case, fn

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import (
    AuthenticationFailed,
    ConflictError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from synergy_desk.domain.text import sanitised
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    EVERYONE,
    MANAGERS,
    Actor,
    audit,
    for_update,
    get_or_404,
    read_snapshot,
    require,
    retried,
    snapshot,
    stale_edit,
    transaction,
)

__all__ = [
    "MIN_PASSWORD_LENGTH", "MAX_FULL_NAME_LENGTH", "hash_password", "check_password_rules",
    "check_username", "check_full_name", "UserRow", "has_users", "create_first_manager",
    "create_user", "login", "change_own_password", "reset_password", "unlock", "update_user",
    "UserChoice", "user_choices", "list_users", "command_actor", "WRONG_LOGIN",
]

MIN_PASSWORD_LENGTH = 8
MAX_FULL_NAME_LENGTH = 120


if TYPE_CHECKING:
    from argon2 import PasswordHasher


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # Imported here: the hasher is slow to load and only a log-in or a password needs it.
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password_rules(password: str) -> None:
    """Refuse a password that breaks the office's rules (for dialogs to check at once).

    Raises:
        ValidationError: too short, or starting or ending with a space.
    """
    _check_password_rules(password)


def check_username(username: str) -> str:
    """The user name as stored (lower case), or ValidationError with the rule."""
    return _check_username(username)


def check_full_name(full_name: str | None) -> str:
    """The full name as stored, or ValidationError with the rule."""
    return _check_full_name(full_name)


def _check_password_rules(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.", "password")
    if password.strip() != password:
        raise ValidationError("A password cannot start or end with a space.", "password")


def _check_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,63}", name):
        raise ValidationError(
            "A user name is 2–64 letters, digits, dots, dashes or underscores.", "username")
    return name


def _check_full_name(full_name: str | None) -> str:
    full = sanitised(full_name, "full_name", "full name").strip()
    if not full:
        raise ValidationError("Give the person's full name.", "full_name")
    if len(full) > MAX_FULL_NAME_LENGTH:
        raise ValidationError(
            f"A full name has at most {MAX_FULL_NAME_LENGTH} characters.", "full_name")
    return full


def _check_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ValidationError(f"“{role}” is not a role; choose one of {names}.", "role") from None


@dataclass(frozen=True)
class UserRow:
    """One user as the users dialog shows it (never the password hash)."""

    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    locked_until: dt.datetime | None
    must_change_password: bool = False
    created_at: dt.datetime | None = None
    version: int = 1
    #: Locked out now (``locked_until`` still in the future when the row was read).
    locked: bool = False


def _row(user: t.User, now: dt.datetime | None = None) -> UserRow:
    locked_until = user.locked_until
    locked = locked_until is not None and locked_until > (now or utcnow())
    return UserRow(user.id, user.username, user.full_name, Role(user.role), bool(user.active),
                   locked_until, bool(user.must_change_password), user.created_at,
                   int(user.version), locked)


def has_users() -> bool:
    return t.User.select().exists()


@retried
def create_first_manager(username: str, full_name: str, password: str) -> Actor:
    """Create the office's first manager; refused once any user exists."""
    with transaction():
        if t.User.select().exists():
            raise PermissionDenied("The first manager already exists; log in as a manager "
                                   "to add more users.")
        user = _create(None, username, full_name, Role.MANAGER, password)
        return Actor.from_user(user)


@retried
def create_user(actor: Actor, username: str, full_name: str, role: Role | str,
                password: str) -> UserRow:
    with transaction():
        require(actor, MANAGERS, "add users")
        return _row(_create(actor, username, full_name, _check_role(role), password))


def _create(actor: Actor | None, username: str, full_name: str, role: Role,
            password: str) -> t.User:
    name = _check_username(username)
    full = _check_full_name(full_name)
    _check_password_rules(password)
    if t.User.select().where(t.User.username == name).exists():
        raise ValidationError(f"There is already a user called “{name}”.", "username")
    user = t.User.create(username=name, full_name=full, role=role,
                         password_hash=hash_password(password))
    audit(actor, "user.create", "user", user.id, None, snapshot(user))
    return user


@lru_cache(maxsize=1)
def _stand_in_hash() -> str:
    """A hash no password matches, checked when there is no account's own to check, so an
    unknown user name costs the same work as a known one."""
    return hash_password(secrets.token_urlsafe(32))


@dataclass(frozen=True)
class _Attempt:
    """One log-in attempt on an account, counted before its password is checked.

    ``number`` is its place among the failures since the last success (1 for the first);
    numbers are taken one at a time however many desks guess at once. Only the first
    ``attempts`` may log in; the next as many again are checked only to tell the right
    password that the account is locked; the rest are not checked at all.
    """

    user_id: int
    number: int
    attempts: int
    minutes: int
    active: bool
    password_hash: str
    locked_until: dt.datetime | None

    @property
    def may_log_in(self) -> bool:
        return self.number <= self.attempts

    @property
    def is_checked(self) -> bool:
        return self.number <= 2 * self.attempts


@retried
def _reserve_attempt(name: str, now: dt.datetime) -> _Attempt | None:
    """Count an attempt on the account called ``name`` before its password is checked, and
    lock the account when it is the office's last allowed one; None when there is no such
    account.

    One short transaction: each UPDATE locks the user's row (on SQLite the transaction holds
    the write lock), so two desks counting at once count twice, and each attempt gets a number
    of its own. A lock that has run out starts the count again.
    """
    U = t.User  # noqa: N806
    with transaction():
        settings = t.OfficeSettings.select(t.OfficeSettings.lockout_attempts,
                                           t.OfficeSettings.lockout_minutes).first()
        attempts = max(1, int(settings.lockout_attempts)) if settings else 5
        minutes = int(settings.lockout_minutes) if settings else 15
        (U.update(failed_logins=0, locked_until=None)
         .where((U.username == name) & U.locked_until.is_null(False) & (U.locked_until <= now))
         .execute())
        until = now + dt.timedelta(minutes=minutes)
        (U.update(failed_logins=U.failed_logins + 1,
                  locked_until=Case(None, [(U.failed_logins + 1 == attempts, until)],
                                    U.locked_until))
         .where(U.username == name).execute())
        row = (U.select(U.id, U.failed_logins, U.active, U.password_hash, U.locked_until)
               .where(U.username == name).tuples().first())
    if row is None:
        return None
    user_id, number, active, stored, locked_until = row
    return _Attempt(int(user_id), int(number), attempts, minutes, bool(active), str(stored),
                    locked_until)


def _password_matches(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored, password or ""))
    except (VerificationError, InvalidHashError):
        return False


def _locked_message(locked_until: dt.datetime | None, now: dt.datetime) -> str:
    left = (locked_until - now).total_seconds() if locked_until is not None else 0
    minutes = max(1, int(left // 60) + 1)
    return (f"This account is locked after too many failed attempts; try again in "
            f"{minutes} minute{'s' if minutes != 1 else ''} or ask a manager to unlock it.")


def login(username: str, password: str) -> Actor:
    """Check a user name and password.

    The attempt is counted first, in a short transaction of its own, and the password is
    checked after it, holding no lock: however many desks guess at once, every failure is
    counted and the account locks at the office's number of attempts
    (``lockout_attempts``, for ``lockout_minutes``); no guess beyond that number can log in.
    A wrong password is told "Wrong user name or password." whatever the account — unknown,
    locked or deactivated — after the same work; only the right password is told that the
    account is locked or deactivated. While it is locked, the password is checked for as many
    attempts again (to tell the right one so); after that no guess is checked until the lock
    runs out.

    Raises:
        AuthenticationFailed: wrong details; or, with the right password, an account that
            is deactivated, or locked for a while after repeated failures (the message says
            how long).
    """
    name = (username or "").strip().lower()
    now = utcnow()
    attempt = _reserve_attempt(name, now) if name else None
    if attempt is None or not attempt.is_checked:
        _password_matches(_stand_in_hash(), password)  # the same work, whatever the answer
        raise AuthenticationFailed(WRONG_LOGIN)
    if not _password_matches(attempt.password_hash, password):
        if attempt.number == attempt.attempts:
            _audit_lock(attempt, now)
        raise AuthenticationFailed(WRONG_LOGIN)
    if not attempt.active:
        raise AuthenticationFailed("This account has been deactivated; ask a manager.")
    if not attempt.may_log_in:
        raise AuthenticationFailed(_locked_message(attempt.locked_until, now))
    return _logged_in(attempt.user_id, password)


@retried
def _logged_in(user_id: int, password: str) -> Actor:
    """The right password: the failures are forgotten, the hash renewed if it is out of date,
    and the log-in audited."""
    with transaction():
        user = t.User.get_or_none(t.User.id == user_id)
        if user is None or not user.active:  # deactivated while the password was checked
            raise AuthenticationFailed("This account has been deactivated; ask a manager.")
        (t.User.update(failed_logins=0, locked_until=None)
         .where(t.User.id == user.id).execute())
        if _hasher().check_needs_rehash(user.password_hash):
            (t.User.update(password_hash=hash_password(password))
             .where(t.User.id == user.id).execute())
        actor = Actor.from_user(user)
        audit(actor, "user.login", "user", user.id)
    return actor


#: What a wrong user name or password is told, whatever the account (nothing to learn from it).
WRONG_LOGIN = "Wrong user name or password."


@retried
def _audit_lock(attempt: _Attempt, now: dt.datetime) -> None:
    """Record the lock the last allowed attempt took, once its password proved wrong (unless
    the right password logged in meanwhile and lifted it)."""
    U = t.User  # noqa: N806
    with transaction():
        still = (U.update(locked_until=U.locked_until)
                 .where((U.id == attempt.user_id) & (U.locked_until > now)).execute())
        if still:
            audit(None, "user.locked", "user", attempt.user_id,
                  {"locked_until": None, "failed_logins": attempt.number - 1},
                  {"locked_until": attempt.locked_until, "failed_logins": attempt.number,
                   "failed_attempts": attempt.number, "locked_minutes": attempt.minutes})


@retried
def change_own_password(actor: Actor, old_password: str, new_password: str) -> None:
    with transaction():
        # A user deactivated at another desk may no longer change anything, this included.
        require(actor, EVERYONE, "change your password")
        user = get_or_404(t.User, actor.id, "user")
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            _hasher().verify(user.password_hash, old_password or "")
        except (VerificationError, InvalidHashError):
            raise ValidationError("Your current password is not right.", "old_password") from None
        if new_password == old_password:
            raise ValidationError("Choose a new password that is not the same as the old one.",
                                  "new_password")
        _check_password_rules(new_password)
        (t.User.update(password_hash=hash_password(new_password), must_change_password=False,
                       version=t.User.version + 1).where(t.User.id == user.id).execute())
        audit(actor, "user.password_changed", "user", user.id,
              {"must_change_password": bool(user.must_change_password), "version": user.version},
              {"must_change_password": False, "version": user.version + 1})


@retried
def reset_password(actor: Actor, user_id: int, new_password: str) -> None:
    with transaction():
        require(actor, MANAGERS, "reset passwords")
        user = get_or_404(t.User, user_id, "user")
        _check_password_rules(new_password)
        (t.User.update(password_hash=hash_password(new_password), must_change_password=True,
                       failed_logins=0, locked_until=None, version=t.User.version + 1)
         .where(t.User.id == user.id).execute())
        audit(actor, "user.password_reset", "user", user.id,
              {"must_change_password": bool(user.must_change_password),
               "locked_until": user.locked_until, "version": user.version},
              {"must_change_password": True, "locked_until": None, "version": user.version + 1})


@retried
def unlock(actor: Actor, user_id: int) -> None:
    with transaction():
        require(actor, MANAGERS, "unlock accounts")
        user = get_or_404(t.User, user_id, "user")
        (t.User.update(failed_logins=0, locked_until=None).where(t.User.id == user.id).execute())
        audit(actor, "user.unlocked", "user", user.id,
              {"locked_until": user.locked_until}, {"locked_until": None})


def _other_active_managers(user_id: int) -> int:
    """How many other active managers there are, their rows locked until the transaction ends.

    Locked in id order, so two managers demoting each other at once at two desks cannot both
    succeed (PostgreSQL; SQLite runs one writer at a time anyway).
    """
    query = (t.User.select(t.User.id)
             .where((t.User.role == Role.MANAGER) & t.User.active).order_by(t.User.id))
    return sum(1 for row in for_update(query) if row.id != user_id)


#: Audit actions that give a user's row a new version.
_VERSIONED_ACTIONS = ("user.update", "user.password_reset", "user.password_changed")
_USER_FIELD_LABELS = {"full_name": "full name", "must_change_password": "password",
                      "active": "active", "role": "role"}


def _conflict(user: t.User, expected_version: int) -> ConflictError:
    """Who changed the user since ``expected_version``, and what, from the audit log."""
    return stale_edit("user", user.id, expected_version, f"{user.full_name} ({user.username})",
                      labels=_USER_FIELD_LABELS, nothing="their account",
                      actions=_VERSIONED_ACTIONS,
                      ignore=("locked_until", "failed_logins", "password_hash"), limit=50)


@retried
def update_user(actor: Actor, user_id: int, *, full_name: str | None = None,
                role: Role | str | None = None, active: bool | None = None,
                expected_version: int | None = None) -> UserRow:
    """Edit a user's name, role or whether the account is active (managers only).

    A user is never deleted: a deactivated account keeps its history and cannot log in.

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: a bad name or role, or a change that would leave the office with no
            active manager (the last one can be neither demoted nor deactivated).
        ConflictError: someone changed the user since ``expected_version``; nothing written.
        NotFound: no such user.
    """
    with transaction():
        require(actor, MANAGERS, "change users")
        user = get_or_404(t.User, user_id, "user")
        if expected_version is not None and user.version != expected_version:
            raise _conflict(user, expected_version)
        before = snapshot(user)
        if full_name is not None:
            user.full_name = _check_full_name(full_name)
        if role is not None:
            user.role = _check_role(role)
        if active is not None:
            user.active = bool(active)
        was_manager = Role(before["role"]) is Role.MANAGER and before["active"]
        still_manager = Role(user.role) is Role.MANAGER and user.active
        if was_manager and not still_manager and _other_active_managers(user.id) == 0:
            yourself = user.id == actor.id
            raise ValidationError(
                ("You are the last active manager; make someone else a manager first."
                 if yourself else
                 "This is the last active manager; make someone else a manager first."),
                "active" if active is False else "role")
        old_version = int(user.version)
        updated = (t.User.update(full_name=user.full_name, role=user.role, active=user.active,
                                 version=old_version + 1)
                   .where((t.User.id == user.id) & (t.User.version == old_version)).execute())
        if not updated:
            raise _conflict(t.User.get_by_id(user.id), old_version)
        user = t.User.get_by_id(user.id)
        audit(actor, "user.update", "user", user.id, before, snapshot(user))
        return _row(user)


@dataclass(frozen=True)
class UserChoice:
    """A user as a filter's list names them: no lock-out or password state."""

    id: int
    full_name: str
    role: Role
    active: bool


def user_choices() -> list[UserChoice]:
    """Every user's name and role, by full name, for the window's filters (anyone may see)."""
    rows: Any = (t.User.select(t.User.id, t.User.full_name, t.User.role, t.User.active)
                 .order_by(t.User.full_name, t.User.id).tuples())
    return [UserChoice(int(uid), name, Role(role), bool(active))
            for uid, name, role, active in rows]


def list_users(actor: Actor) -> list[UserRow]:
    """Every user, active or not, by full name, with their account's state (managers only).

    Raises:
        PermissionDenied: the actor is not a manager.
    """
    with read_snapshot():
        require(actor, MANAGERS, "look after users")
        now = utcnow()
        return [_row(u, now) for u in t.User.select().order_by(t.User.full_name, t.User.id)]


# --- who the command line acts as ------------------------------------------------------

def command_actor(username: str | None, allowed: Sequence[Role], doing: str) -> Actor:
    """The user a command acts as: the one named, else the first active manager.

    Raises:
        NotFound: no user of that name (or no active manager at all).
        PermissionDenied: the user named is inactive or has another role.
    """
    with read_snapshot():
        if username:
            user = t.User.get_or_none(fn.LOWER(t.User.username) == username.strip().lower())
            if user is None:
                raise NotFound(f"There is no user “{username.strip()}”.")
        else:
            user = (t.User.select().where((t.User.role == Role.MANAGER) & t.User.active)
                    .order_by(t.User.id).first())
            if user is None:
                raise NotFound("The office has no active manager; create one with "
                               "“synergy-desk init --manager NAME”.")
        actor = Actor.from_user(user)
        if not user.active or actor.role not in allowed:
            # A command has no one logged in: say who was named, and how to name another.
            who = " and ".join(_COMMAND_ROLES[r] for r in allowed)
            article = "an" if actor.role.value[0] in "aeiou" else "a"
            state = ("no longer active" if not user.active
                     else f"{article} {actor.role.value} user")
            raise PermissionDenied(f"Only {who} may {doing}; “{user.username}” is {state}. Name "
                                   "another user with --user.")
        require(actor, allowed, doing)
        return actor


_COMMAND_ROLES = {Role.RECEPTION: "reception", Role.ENGINEER: "engineers",
                  Role.MANAGER: "managers"}
