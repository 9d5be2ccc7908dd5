"""The logged-in person's own account: whether they must choose a new password, and choosing it."""

from __future__ import annotations

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.people import users

__all__ = ["change_password", "must_change_password"]


def must_change_password(user_id: int) -> bool:
    """True when a manager has reset this user's password and they have not chosen their own."""
    row = (t.User.select(t.User.must_change_password).where(t.User.id == user_id).first())
    return bool(row is not None and row.must_change_password)


def change_password(actor: Actor, old_password: str, new_password: str) -> None:
    """Change the actor's own password; the new one must differ from the old one.

    Clears the "must change password" mark a reset leaves.

    Raises:
        ValidationError: the old password is wrong, the new one is the same as the old one,
            or it breaks the password rules; nothing is changed.
        PermissionDenied: the account is no longer active.
    """
    users.change_own_password(actor, old_password, new_password)
