"""The desks open on the office: each window registers itself, beats while it is open and
leaves when it closes, so that a restore can see who is working and refuse to pull the
database from under them.

A desk is *live* while its last heartbeat is at most :data:`LIVE_SECONDS` old; a window beats
every :data:`BEAT_SECONDS`. Times are the database's own clock on PostgreSQL (the desks'
computers may disagree by minutes) and this computer's on SQLite. Heartbeats write no audit
rows: they change nothing of the office.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import peewee

from synergy_desk.domain.errors import OfficeReplaced
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services.common import Actor, retried, transaction, tuples

__all__ = ["LIVE_SECONDS", "BEAT_SECONDS", "FORGET_AFTER", "PROGRAM", "Desk", "this_computer",
           "register", "beat", "leave", "live_desks", "database_now", "desks_sentence"]

#: A desk whose last heartbeat is older than this is taken to be gone (crashed, switched off).
LIVE_SECONDS = 60
#: How often an open window beats: several beats fit in :data:`LIVE_SECONDS`, so a desk that
#: is busy for a moment (a long report on its one thread) is not taken for gone.
BEAT_SECONDS = 15
#: Rows of desks not seen for this long are removed when another desk registers.
FORGET_AFTER = dt.timedelta(days=1)
#: What the window calls itself in the desks' list.
PROGRAM = "Synergy Desk"


@dataclass(frozen=True)
class Desk:
    """One desk open on the office, as the restore names it."""

    token: str
    user_id: int | None
    user_name: str  # the person's full name ("" when the desk has not said)
    computer: str
    process_id: int
    program: str
    started_at: dt.datetime  # UTC
    last_seen_at: dt.datetime  # UTC

    def seen_ago(self, now: dt.datetime) -> int:
        """Whole seconds since its last heartbeat (never negative)."""
        return max(0, int((now - self.last_seen_at).total_seconds()))

    def who_where(self) -> str:
        """"Rita Reception on RECEPTION-PC"."""
        who = self.user_name or "someone not logged in"
        return f"{who} on {self.computer or 'an unnamed computer'}"

    def describe(self, now: dt.datetime) -> str:
        """"Rita Reception on RECEPTION-PC (last seen 12 s ago)"."""
        return f"{self.who_where()} (last seen {self.seen_ago(now)} s ago)"


def desks_sentence(desks: Iterable[Desk], now: dt.datetime | None = None) -> str:
    """The desks in one phrase: "Rita Reception on DESK-1 (last seen 3 s ago) and Eddie
    Engineer on DESK-2 (…)"; without ``now``, only who and where."""
    parts = [desk.describe(now) if now is not None else desk.who_where() for desk in desks]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def this_computer() -> str:
    """This computer's name, as the office knows it."""
    return (socket.gethostname() or platform.node() or "")[:200]


def database_now(database: peewee.Database | None = None) -> dt.datetime:
    """The time now (naive UTC) by the clock every desk shares: the PostgreSQL server's, or
    this computer's for a SQLite file."""
    target = database if database is not None else db.obj
    if isinstance(target, peewee.PostgresqlDatabase):
        row = target.execute_sql(  # type: ignore[no-untyped-call]
            "SELECT (now() AT TIME ZONE 'utc')").fetchone()
        if row and isinstance(row[0], dt.datetime):
            return row[0].replace(tzinfo=None)
    return utcnow()


@retried
def register(actor: Actor | None, *, computer: str | None = None,
             process_id: int | None = None, program: str = PROGRAM) -> str:
    """Say that a desk is open on the office; the token it beats and leaves with.

    Rows of desks not seen for :data:`FORGET_AFTER` (a computer switched off with the window
    open) are removed at the same time.

    Raises:
        OfficeReplaced: the office was restored since this process opened it.
    """
    token = uuid.uuid4().hex
    with transaction():
        now = database_now()
        t.DeskSession.delete().where(t.DeskSession.last_seen_at < now - FORGET_AFTER).execute()
        t.DeskSession.create(
            token=token, user=actor.id if actor is not None else None,
            computer=(this_computer() if computer is None else computer)[:200],
            process_id=os.getpid() if process_id is None else process_id,
            program=program[:100], started_at=now, last_seen_at=now)
    return token


@retried
def beat(actor: Actor | None, token: str, *, program: str = PROGRAM) -> None:
    """The desk with this token is still open. A desk whose row has gone (removed as
    forgotten while its computer slept) is put back.

    Raises:
        OfficeReplaced: the office was restored since this process opened it; nothing is
            written, and the desk should stop beating.
    """
    with transaction():
        now = database_now()
        updated = (t.DeskSession.update(last_seen_at=now)
                   .where(t.DeskSession.token == token).execute())
        if not updated:
            t.DeskSession.create(
                token=token, user=actor.id if actor is not None else None,
                computer=this_computer(), process_id=os.getpid(), program=program[:100],
                started_at=now, last_seen_at=now)


@retried
def leave(token: str) -> None:
    """The desk with this token has closed.

    On an office restored since this process opened it nothing is written: the desk's row
    went with the office it was in.
    """
    try:
        with transaction():
            t.DeskSession.delete().where(t.DeskSession.token == token).execute()
    except OfficeReplaced:
        return


def live_desks(*, database: peewee.Database | None = None,
               exclude: Iterable[str] = ()) -> list[Desk]:
    """The desks whose last heartbeat is at most :data:`LIVE_SECONDS` old, newest first.

    Args:
        database: read this database instead of the one the models are bound to (a restore
            reads the office it is about to replace through a connection of its own).
        exclude: tokens of desks not to list (the asking desk itself).
    """
    target = database if database is not None else db.obj
    if t.DeskSession._meta.table_name not in target.get_tables():
        return []  # a database from before desks were kept: nobody can be told apart
    skip = list(exclude)
    since = database_now(target) - dt.timedelta(seconds=LIVE_SECONDS)
    d = t.DeskSession
    query = (d.select(d.token, d.user, t.User.full_name, d.computer, d.process_id, d.program,
                      d.started_at, d.last_seen_at)
             .join(t.User, peewee.JOIN.LEFT_OUTER, on=(d.user == t.User.id))
             .where(d.last_seen_at >= since)
             .order_by(d.last_seen_at.desc(), d.id))
    if skip:
        query = query.where(d.token.not_in(skip))
    return [Desk(token=token, user_id=user_id, user_name=full_name or "", computer=computer,
                 process_id=int(process_id), program=program, started_at=started_at,
                 last_seen_at=last_seen_at)
            for token, user_id, full_name, computer, process_id, program, started_at,
            last_seen_at in tuples(query.bind(target))]
