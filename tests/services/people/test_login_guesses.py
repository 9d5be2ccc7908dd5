"""The lock-out holds against guesses made in parallel, by real processes: every failure is
counted, the lock comes at the office's number of attempts and no guess beyond that number can
log in; and a refusal says nothing of an account to someone who does not know its password."""

from __future__ import annotations

import json
import multiprocessing
from typing import Any

import pytest

from synergy_desk.domain.errors import AuthenticationFailed
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.people import users
from tests.conftest import PASSWORD
from tests.desk_processes import run_desks

WRONG = "Wrong user name or password."

_ctx = multiprocessing.get_context("spawn")


class _CountingHasher:
    """The service's password hasher, counting the checks made against one stored hash."""

    def __init__(self, hasher: Any, counted_hash: str) -> None:
        self._hasher = hasher
        self._counted = counted_hash
        self.checks = 0
        self.all_checks = 0

    def verify(self, stored: str, password: str) -> bool:
        self.all_checks += 1
        if stored == self._counted:
            self.checks += 1
        return bool(self._hasher.verify(stored, password))

    def hash(self, password: str) -> str:
        return str(self._hasher.hash(password))

    def check_needs_rehash(self, stored: str) -> bool:
        return bool(self._hasher.check_needs_rehash(stored))


def _guesser(url: str, username: str, password: str, guesses: int, start: Any,
             results: Any) -> None:
    """One process guessing ``guesses`` times: the answers, the checks made against the
    account's password, and the attempts the service numbered (number, may it log in)."""
    from synergy_desk.models.database import close_database, open_database

    answers: list[str] = []
    errors: list[str] = []
    attempts: list[tuple[int, bool]] = []
    counting: _CountingHasher | None = None
    try:
        open_database(url, migrate_schema=False)
        stored = t.User.get(t.User.username == username).password_hash
        counting = _CountingHasher(users._hasher(), stored)
        users._hasher = lambda: counting  # type: ignore[assignment]
        numbered = users._reserve_attempt

        def recording(*args: Any, **kwargs: Any) -> Any:
            attempt = numbered(*args, **kwargs)
            if attempt is not None:
                attempts.append((attempt.number, attempt.may_log_in))
            return attempt

        users._reserve_attempt = recording
        start.wait(timeout=60)
        for _ in range(guesses):
            try:
                users.login(username, password)
                answers.append("logged in")
            except AuthenticationFailed as exc:
                answers.append(exc.message)
        close_database()
    except Exception as exc:  # every failure is reported to the parent, none hidden
        errors.append(f"{type(exc).__name__}: {exc}")
    results.put((answers, counting.checks if counting else 0, attempts, errors))


def _guess_at_once(url: str, username: str, processes: int, guesses: int
                   ) -> tuple[list[str], int, list[tuple[int, bool]]]:
    start = _ctx.Barrier(processes)
    results = _ctx.Queue()
    workers = [_ctx.Process(target=_guesser, args=(url, username, "not the password", guesses,
                                                   start, results))
               for _ in range(processes)]
    outcomes = run_desks(workers, results, 240, "a guessing process did not finish")
    assert [e for *_, errors in outcomes for e in errors] == []
    answers = [a for answers, *_ in outcomes for a in answers]
    checks = sum(checks for _, checks, _, _ in outcomes)
    attempts = [a for _, _, attempts, _ in outcomes for a in attempts]
    return answers, checks, attempts


@pytest.mark.slow
@pytest.mark.parametrize(("processes", "guesses", "allowed"), [(6, 5, 5), (4, 3, 5), (4, 3, 20)])
def test_parallel_wrong_guesses_are_all_counted_and_lock_at_the_office_setting(
        office: dict[str, Any], processes: int, guesses: int, allowed: int) -> None:
    t.OfficeSettings.update(lockout_attempts=allowed, lockout_minutes=15).execute()
    total = processes * guesses

    answers, checks, attempts = _guess_at_once(office["url"], "rita", processes, guesses)

    # Every guess was told the same, locked or not.
    assert answers == [WRONG] * total
    rita = t.User.get(t.User.username == "rita")
    # Every failure was counted, none lost to another process's at the same moment.
    assert rita.failed_logins == total
    assert sorted(number for number, _ in attempts) == list(range(1, total + 1))
    # Only the first guesses up to the office's number could have logged in ...
    assert sorted(number for number, may in attempts if may) == list(
        range(1, min(total, allowed) + 1))
    # ... and the password was checked at most once more for each, to tell the right one that
    # the account is locked, never for every guess.
    assert min(total, allowed) <= checks <= 2 * allowed
    locks = list(t.AuditLog.select().where(t.AuditLog.action == "user.locked"))
    if total >= allowed:
        assert rita.locked_until is not None and rita.locked_until > utcnow()
        assert len(locks) == 1
        assert json.loads(locks[0].after)["failed_attempts"] == allowed
        # Guessed on beyond the checks a lock allows: not even the right password is
        # checked now, until the lock runs out.
        assert total > 2 * allowed
        with pytest.raises(AuthenticationFailed, match=f"^{WRONG}$"):
            users.login("rita", PASSWORD)
        t.User.update(locked_until=utcnow()).where(t.User.username == "rita").execute()
        assert users.login("rita", PASSWORD).username == "rita"
    else:
        assert rita.locked_until is None and locks == []
        assert users.login("rita", PASSWORD).username == "rita"
        assert t.User.get(t.User.username == "rita").failed_logins == 0


# --- what a refusal tells ------------------------------------------------------------------

def _locked(username: str) -> None:
    for _ in range(5):  # the office allows 5 attempts
        with pytest.raises(AuthenticationFailed):
            users.login(username, "not the password")


def test_a_wrong_password_tells_nothing_of_the_account(office: dict[str, Actor]) -> None:
    users.update_user(office["manager"], office["engineer"].id, active=False)
    _locked("rita")
    answers = {}
    for who in ("nobody", "rita", "eddie", "erin", "mary"):
        with pytest.raises(AuthenticationFailed) as refused:
            users.login(who, "not the password")
        answers[who] = refused.value.message
    # Unknown, locked, deactivated, and two ordinary accounts: one answer.
    assert set(answers.values()) == {WRONG}


def test_only_the_right_password_learns_an_account_is_locked_or_deactivated(
        office: dict[str, Actor]) -> None:
    users.update_user(office["manager"], office["engineer"].id, active=False)
    _locked("rita")
    with pytest.raises(AuthenticationFailed, match="^This account is locked after too many "
                                                   "failed attempts; try again in 15 minutes"):
        users.login("rita", PASSWORD)
    with pytest.raises(AuthenticationFailed, match="^This account has been deactivated"):
        users.login("eddie", PASSWORD)


def test_every_refusal_costs_one_password_check(office: dict[str, Actor],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    users.update_user(office["manager"], office["engineer"].id, active=False)
    _locked("rita")
    counting = _CountingHasher(users._hasher(), "")
    monkeypatch.setattr(users, "_hasher", lambda: counting)
    # Unknown users, locked and deactivated accounts are answered after as much work as an
    # ordinary wrong password, so the time taken does not tell them apart either; guesses
    # far beyond the lock are checked against a stand-in, never the account's password.
    for who in ("nobody", "rita", "eddie", "mary", *["rita"] * 12):
        before = counting.all_checks
        with pytest.raises(AuthenticationFailed, match=f"^{WRONG}$"):
            users.login(who, "not the password")
        assert counting.all_checks - before == 1, who


def test_while_locked_the_password_is_checked_only_as_often_again(
        office: dict[str, Actor], monkeypatch: pytest.MonkeyPatch) -> None:
    _locked("rita")
    stored = t.User.get(t.User.username == "rita").password_hash
    counting = _CountingHasher(users._hasher(), stored)
    monkeypatch.setattr(users, "_hasher", lambda: counting)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed, match=f"^{WRONG}$"):
            users.login("rita", "not the password")
    assert counting.checks == 5
    # Someone has guessed as often again while it was locked: from now until the lock runs
    # out no guess is checked, so guessing on cannot find the password, and even the right
    # one is answered as a wrong one.
    with pytest.raises(AuthenticationFailed, match=f"^{WRONG}$"):
        users.login("rita", PASSWORD)
    assert counting.checks == 5
    assert t.User.get(t.User.username == "rita").failed_logins == 11
    (t.User.update(locked_until=utcnow()).where(t.User.username == "rita").execute())
    assert users.login("rita", PASSWORD).username == "rita"
    assert t.User.get(t.User.username == "rita").failed_logins == 0
