"""Desks as real processes on one office database: start them together, collect every outcome.

Each desk is a process of its own (the ``spawn`` start method, as on Windows), opens the office
itself through ``open_database(url)`` and runs one script of :mod:`tests.stress.desks` against
the real services. The desks wait for each other at a barrier before they start (and, where a
script asks, before every round), and report every call back as an :class:`Outcome`: a
success with what it returned, a refusal (a :class:`DomainError`, by class and message) or a
failure (any other exception, with its text). A desk that has not finished by the deadline is
reported as a failure too, with what it was doing; it is then stopped, and on PostgreSQL its
server session ended, so no lock it held outlives the test.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from peewee import fn

from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.common import Actor

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")

OK = "ok"
REFUSED = "refused"
FAILURE = "failure"


@dataclass(frozen=True)
class Outcome:
    """One call a desk made: what it was, how it ended, and how long it took."""

    desk: int
    round: int
    action: str
    status: str  # OK, REFUSED (a DomainError) or FAILURE (anything else)
    error: str = ""  # the exception's class name
    message: str = ""  # what it said (first 500 characters)
    value: Any = None  # what a success returned, as the script summarised it
    seconds: float = 0.0

    def __str__(self) -> str:
        what = f"desk {self.desk} round {self.round} {self.action}: {self.status}"
        if self.error:
            what += f" {self.error}: {self.message}"
        return what + f" ({self.seconds:.2f} s)"


def actor_args(actor: Actor) -> tuple[int, str, str, str]:
    """An actor as plain values, to hand to a desk process."""
    return actor.id, actor.username, actor.full_name, actor.role.value


def actor_of(args: Sequence[Any]) -> Actor:
    from synergy_desk.domain.enums import Role

    return Actor(int(args[0]), str(args[1]), str(args[2]), Role(args[3]))


class Desk:
    """What a desk's script is given, in its own process: attempt calls, wait for the others."""

    def __init__(self, index: int, results: Any, barrier: Any, events: Mapping[str, Any]
                 ) -> None:
        self.index = index
        self._results = results
        self._barrier = barrier
        self._events = events

    def attempt(self, action: str, call: Callable[[], T], *, round: int = 0,
                summary: Callable[[T], Any] | None = None) -> T | None:
        """Make one call and report how it ended; returns its result, or None if it raised."""
        from synergy_desk.domain.errors import DomainError

        self._results.put(("started", self.index, round, action))
        started = time.perf_counter()
        try:
            result = call()
        except DomainError as exc:
            self._report(Outcome(self.index, round, action, REFUSED, type(exc).__name__,
                                 str(exc)[:500], None, time.perf_counter() - started))
            return None
        except Exception as exc:  # every other failure is reported to the parent, none hidden
            self._report(Outcome(self.index, round, action, FAILURE, _class_name(exc),
                                 str(exc).strip()[:500], None, time.perf_counter() - started))
            return None
        value = summary(result) if summary is not None else None
        self._report(Outcome(self.index, round, action, OK, value=value,
                             seconds=time.perf_counter() - started))
        return result

    def record(self, action: str, *, round: int = 0, value: Any = None) -> None:
        """Report something the script did itself (holding a lock, say) as a success."""
        self._report(Outcome(self.index, round, action, OK, value=value))

    def sync(self, timeout: float = 60.0) -> None:
        """Wait until every desk reaches this point (the start of a round)."""
        self._barrier.wait(timeout)

    def event(self, name: str) -> Any:
        """A signal shared by the desks and the test (``multiprocessing.Event``)."""
        return self._events[name]

    def _report(self, outcome: Outcome) -> None:
        self._results.put(("outcome", outcome))


def _class_name(exc: BaseException) -> str:
    kind = type(exc)
    module = kind.__module__
    return kind.__name__ if module == "builtins" else f"{module}.{kind.__name__}"


def _desk_main(index: int, url: str, script: str, kwargs: dict[str, Any], results: Any,
               barrier: Any, events: Mapping[str, Any]) -> None:
    """A desk process: open the office, report its server session, start with the others."""
    try:
        from synergy_desk.models.database import close_database, is_postgres, open_database
        from tests.stress import desks

        open_database(url, migrate_schema=False)
        if is_postgres():
            backend = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
            results.put(("backend", index, int(backend)))
        desk = Desk(index, results, barrier, events)
        desk.sync()
        getattr(desks, script)(desk, **kwargs)
        close_database()
    except BaseException as exc:  # a desk that cannot go on says why, then ends
        results.put(("crash", index, f"{_class_name(exc)}: {str(exc).strip()[:500]}"))
        barrier.abort()  # the others stop waiting for it at their next round
    finally:
        results.put(("done", index))


@dataclass
class DeskRun:
    """Desk processes running scripts on one office; use as a context manager.

    ``scripts`` names a function of :mod:`tests.stress.desks` for each desk, with its keyword
    arguments; ``events`` names the signals the desks and the test share.
    """

    url: str
    scripts: Sequence[tuple[str, dict[str, Any]]]
    events: Sequence[str] = ()
    outcomes: list[Outcome] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._results: Any = ctx.Queue()
        self._barrier = ctx.Barrier(len(self.scripts))
        self._events = {name: ctx.Event() for name in self.events}
        self._processes = [
            ctx.Process(target=_desk_main, name=f"desk-{i}",
                        args=(i, self.url, script, kwargs, self._results, self._barrier,
                              self._events), daemon=True)
            for i, (script, kwargs) in enumerate(self.scripts)]
        self._done: set[int] = set()
        self._doing: dict[int, str] = {}
        self._backends: dict[int, int] = {}

    def __enter__(self) -> DeskRun:
        for process in self._processes:
            process.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def set(self, name: str) -> None:
        self._events[name].set()

    def _take(self, timeout: float) -> bool:
        """Handle one message from the desks; False when none came within ``timeout``."""
        try:
            message = self._results.get(timeout=max(0.0, timeout))
        except queue.Empty:
            return False
        kind = message[0]
        if kind == "outcome":
            self.outcomes.append(message[1])
            self._doing.pop(message[1].desk, None)
        elif kind == "started":
            self._doing[message[1]] = f"round {message[2]} {message[3]}"
        elif kind == "backend":
            self._backends[message[1]] = message[2]
        elif kind == "crash":
            self.crashes.append(f"desk {message[1]}: {message[2]}")
        elif kind == "done":
            self._done.add(message[1])
        return True

    def wait_for(self, wanted: Callable[[Outcome], bool], timeout: float) -> Outcome | None:
        """The first outcome (so far or to come) that ``wanted`` accepts, or None after
        ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        seen = 0
        while True:
            for outcome in self.outcomes[seen:]:
                if wanted(outcome):
                    return outcome
            seen = len(self.outcomes)
            if len(self._done) == len(self._processes):
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._take(remaining)

    def join(self, timeout: float) -> None:
        """Collect until every desk has finished or ``timeout`` seconds have passed; a desk
        still busy then is noted in ``unfinished``."""
        deadline = time.monotonic() + timeout
        while len(self._done) < len(self._processes):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._take(remaining)
        while self._take(0):
            pass
        for i in range(len(self._processes)):
            if i not in self._done:
                doing = self._doing.get(i, "before or between its calls")
                self.unfinished.append(f"desk {i} had not finished after {timeout:g} s "
                                       f"(it was at {doing})")

    def stop(self) -> None:
        """Let every desk go (every signal set), then stop any that is still running."""
        for event in self._events.values():
            event.set()
        deadline = time.monotonic() + 10
        while len(self._done) < len(self._processes) and time.monotonic() < deadline:
            self._take(deadline - time.monotonic())
        for process in self._processes:
            process.join(timeout=max(0.1, deadline - time.monotonic()))
        stopped = [p for p in self._processes if p.is_alive()]
        for process in stopped:
            process.kill()
            process.join(timeout=10)
        if stopped and self._backends:
            _end_sessions(list(self._backends.values()))
        self._results.close()

    # --- reading the outcomes ---

    @property
    def failures(self) -> list[str]:
        """Every raw error, desk crash and desk that did not finish, one line each."""
        return ([str(o) for o in self.outcomes if o.status == FAILURE] + self.crashes
                + self.unfinished)

    def of(self, action: str, status: str | None = None) -> list[Outcome]:
        return [o for o in self.outcomes
                if o.action == action and (status is None or o.status == status)]

    def not_ok(self) -> list[str]:
        """Every outcome that was not a success, and every crash or unfinished desk."""
        return ([str(o) for o in self.outcomes if o.status != OK] + self.crashes
                + self.unfinished)

    def summary(self, *, problems_only: bool = False) -> str:
        """How the calls ended, counted by action, status, error and the first line of its
        message, then every crash and unfinished desk (for failure messages)."""
        counts = Counter((o.action, o.status, o.error, o.message.splitlines()[0] if o.error
                          else "") for o in self.outcomes
                         if not (problems_only and o.status == OK))
        lines = [f"{n:5d} × {action}: {status}" + (f" {error}: {message}" if error else "")
                 for (action, status, error, message), n in sorted(counts.items())]
        return "\n".join(lines + self.crashes + self.unfinished)


def run_desks(url: str, scripts: Sequence[tuple[str, dict[str, Any]]], *, timeout: float,
              events: Sequence[str] = ()) -> DeskRun:
    """Run the desks to the end (or ``timeout`` seconds) and return what they reported."""
    with DeskRun(url, scripts, events) as run:
        run.join(timeout)
    return run


def _end_sessions(backends: list[int]) -> None:
    """End the server sessions of desks that were stopped, so their locks go with them."""
    database = db.obj
    if database is None:
        return
    database.execute_sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE pid = ANY(%s) AND datname = current_database()", (backends,))


# --- what the office looks like afterwards ---

def kept_counts_against_recount() -> dict[tuple[str, int, int], tuple[int, int]]:
    """Every (status, engineer, product) whose kept count differs from a recount:
    (kept, counted)."""
    kept: dict[tuple[str, int, int], int] = {}
    for status, engineer, product, count in (
            t.IncidentCount.select(t.IncidentCount.status, t.IncidentCount.engineer_id,
                                   t.IncidentCount.product_id, t.IncidentCount.count).tuples()):
        key = (str(getattr(status, "value", status)), int(engineer), int(product))
        kept[key] = kept.get(key, 0) + int(count)
    counted: dict[tuple[str, int, int], int] = {}
    for status, engineer, product, n in (
            t.Incident.select(t.Incident.status, t.Incident.engineer, t.Incident.product,
                              fn.COUNT(t.Incident.id))
            .group_by(t.Incident.status, t.Incident.engineer, t.Incident.product).tuples()):
        key = (str(getattr(status, "value", status)), int(engineer or 0), int(product))
        counted[key] = int(n)
    return {key: (kept.get(key, 0), counted.get(key, 0)) for key in set(kept) | set(counted)
            if kept.get(key, 0) != counted.get(key, 0)}


def funded_by_refunded_lines() -> list[str]:
    """Incidents an active funding record says are paid for by a payment line that was
    refunded or voided (a double benefit): "INC-000012 by R-000003 line 1 (CN-000002)"."""
    from synergy_desk.domain.numbers import credit_note_text, receipt_text

    f = t.IncidentFunding
    rows = (f.select(t.Incident.reference, t.Payment.receipt_number, t.PaymentLine.position,
                     t.CreditNote.number)
            .join(t.Incident, on=(f.incident == t.Incident.id))
            .switch(f)
            .join(t.PaymentLine, on=(f.payment_line == t.PaymentLine.id))
            .join(t.Payment, on=(t.PaymentLine.payment == t.Payment.id))
            .switch(t.PaymentLine)
            .join(t.CreditNoteLine, on=(t.CreditNoteLine.payment_line == t.PaymentLine.id))
            .join(t.CreditNote, on=(t.CreditNoteLine.credit_note == t.CreditNote.id))
            .where(f.active)
            .order_by(t.Incident.number).tuples())
    return [f"{ref} by {receipt_text(receipt)} line {position} ({credit_note_text(note)})"
            for ref, receipt, position, note in rows]


@dataclass(frozen=True)
class CheckResult:
    status: int
    output: str


def run_check(url: str, log_dir: Path) -> CheckResult:
    """``synergy-desk check`` on the office, as a separate process."""
    env = dict(os.environ)
    env["SYNERGY_DESK_LOG_DIR"] = str(log_dir)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    result = subprocess.run([sys.executable, "-m", "synergy_desk", "--database", url, "check"],
                            capture_output=True, text=True, env=env, timeout=300, check=False,
                            cwd=ROOT)
    return CheckResult(result.returncode, (result.stdout + result.stderr).strip())


# --- setting the office up, and reading it back ---

def make_incidents(actor: Actor, customer_id: int, product_id: int, n: int) -> list[int]:
    """``n`` new incidents awaiting payment, made in one transaction (kept counts too)."""
    from synergy_desk.domain.enums import IncidentStatus
    from synergy_desk.services.common import next_number, transaction
    from synergy_desk.services.incident_state import bump_count

    ids = []
    with transaction():
        for _ in range(n):
            number = next_number("incident")
            ids.append(t.Incident.create(
                number=number, reference=f"INC-{number:06d}", customer=customer_id,
                product=product_id, subject=f"Error {number} when printing",
                created_by=actor.id).id)
        bump_count(IncidentStatus.AWAITING_PAYMENT, None, product_id, n)
    return ids


def after_the_race(url: str, tmp_path: Path) -> list[str]:
    """What is wrong with the office once the desks have finished: kept counts that differ
    from a recount, and whatever ``synergy-desk check`` reports."""
    problems = []
    counts = kept_counts_against_recount()
    if counts:
        problems.append("Kept status counts differ from a recount (kept, counted): "
                        + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    check = run_check(url, tmp_path / "log")
    if check.status != 0:
        problems.append(f"synergy-desk check ended with {check.status}:\n{check.output}")
    return problems


def office_state() -> dict[str, Any]:
    """Everything a payment or refund writes, counted, and every counter and chain head: two
    equal states mean nothing was written in between."""
    models = (t.Payment, t.PaymentLine, t.CreditNote, t.CreditNoteLine, t.IncidentFunding,
              t.TicketLedger, t.SeasonTicket, t.AuditLog, t.TimelineEntry)
    state: dict[str, Any] = {m.__name__: m.select().count() for m in models}
    state["sequences"] = sorted(t.Sequence.select(t.Sequence.name, t.Sequence.last_value)
                                .tuples())
    state["chains"] = sorted(t.ChainHead.select(t.ChainHead.name, t.ChainHead.last_hash,
                                                t.ChainHead.length).tuples())
    state["incidents"] = sorted(
        (i, str(getattr(s, "value", s)), str(getattr(f, "value", f)), v)
        for i, s, f, v in t.Incident.select(t.Incident.id, t.Incident.status,
                                            t.Incident.funding, t.Incident.version).tuples())
    state["active funding"] = t.IncidentFunding.select().where(t.IncidentFunding.active).count()
    return state


#: What a message a person reads never says: the driver's or the database's own words.
_RAW = ("psycopg", "sqlite3", "peewee", "operationalerror", "traceback", "lock_timeout",
        "canceling statement", "database is locked", "deadlock detected", "lock not available")


def unreadable(message: str) -> list[str]:
    """Why ``message`` is not a plain sentence for a person (empty when it is one)."""
    reasons = []
    if not message.strip():
        reasons.append("it is empty")
    else:
        if "\n" in message.strip():
            reasons.append("it runs over several lines")
        if not message[0].isupper():
            reasons.append("it does not start as a sentence")
        if not message.rstrip().endswith((".", "!", ")")):
            reasons.append("it does not end as a sentence")
    found = [word.strip() for word in _RAW if word in message.lower()]
    if found:
        reasons.append(f"it shows what lies underneath ({', '.join(found)})")
    return reasons
