"""Wrong passwords guessed at several desks at once are counted exactly: the account locks
after exactly the office's number of failures, and no more guesses than that are checked
before it does."""

from __future__ import annotations

import json
from typing import Any

import pytest

from synergy_desk.domain.errors import AuthenticationFailed
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.people.users import login
from tests.conftest import PASSWORD
from tests.stress.harness import run_desks

WRONG = "Wrong user name or password."


@pytest.mark.stress
@pytest.mark.parametrize(("desks", "guesses", "attempts"), [
    (6, 5, 5),  # 30 guesses: locked at the 5th, the other 25 refused unchecked
    (4, 3, 5),  # 12 guesses
    (4, 3, 20),  # 12 guesses, fewer than the office allows: every one counted
], ids=["6x5 allowed 5", "4x3 allowed 5", "4x3 allowed 20"])
def test_parallel_wrong_guesses_lock_the_account_at_exactly_the_office_limit(
        db_url: str, office: dict[str, Any], desks: int, guesses: int, attempts: int) -> None:
    t.OfficeSettings.update(lockout_attempts=attempts, lockout_minutes=15).execute()
    total = desks * guesses

    run = run_desks(db_url, [("guess_passwords", {"username": "rita", "guesses": guesses})
                             for _ in range(desks)], timeout=150)

    user = t.User.get(t.User.username == "rita")
    locks = [json.loads(row.after) for row in t.AuditLog.select()
             .where((t.AuditLog.action == "user.locked") & (t.AuditLog.entity_id == str(user.id)))]
    checked = [o for o in run.outcomes if o.message == WRONG]
    refused_locked = [o for o in run.outcomes if "locked" in o.message]
    problems = []
    if run.failures:
        problems.append("Raw errors or desks that did not finish:\n"
                        + run.summary(problems_only=True))
    others = [str(o) for o in run.outcomes if o not in checked and o not in refused_locked]
    if others:
        problems.append("Guesses that ended otherwise:\n  " + "\n  ".join(others))
    if total >= attempts:
        if len(checked) != attempts:
            problems.append(f"{len(checked)} guesses were checked against the password; the "
                            f"office allows {attempts} before the account locks.")
        if len(refused_locked) != total - attempts:
            problems.append(f"{len(refused_locked)} guesses were refused as locked, not "
                            f"{total - attempts}.")
        if user.locked_until is None or user.locked_until <= utcnow():
            problems.append("The account is not locked.")
        if [lock.get("failed_attempts") for lock in locks] != [attempts]:
            problems.append(f"The audit log records the lock as {locks}, not once after "
                            f"{attempts} failures.")
        if user.failed_logins != 0:
            problems.append(f"The failure count stands at {user.failed_logins} after the lock, "
                            "not 0.")
    else:
        if len(checked) != total:
            problems.append(f"Only {len(checked)} of {total} guesses were refused as wrong.")
        if user.failed_logins != total:
            problems.append(f"{total} wrong guesses were counted as {user.failed_logins}.")
        if user.locked_until is not None or locks:
            problems.append("The account was locked before the office's limit.")
    assert problems == [], "\n".join(problems) + "\nThe guesses:\n" + run.summary()

    if total >= attempts:
        with pytest.raises(AuthenticationFailed, match="locked"):
            login("rita", PASSWORD)
    else:
        assert login("rita", PASSWORD).username == "rita"
        assert t.User.get_by_id(user.id).failed_logins == 0
