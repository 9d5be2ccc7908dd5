"""Desks open on the office: registered when a window opens, live while it beats, gone when
it closes or stops beating."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from synergy_desk.domain.errors import OfficeReplaced
from synergy_desk.models import tables as t
from synergy_desk.models.database import make_database
from synergy_desk.services.common import Actor
from synergy_desk.services.office import desks
from tests.services.test_office_generation import _elsewhere, _restored_elsewhere


def _age(token: str, seconds: float) -> None:
    """Make the desk's last heartbeat ``seconds`` old by the database's clock."""
    when = desks.database_now() - dt.timedelta(seconds=seconds)
    t.DeskSession.update(last_seen_at=when).where(t.DeskSession.token == token).execute()


def test_a_registered_desk_is_live_and_named(reception: Actor) -> None:
    token = desks.register(reception, computer="RECEPTION-PC", program="Synergy Desk 0.1.0")
    [desk] = desks.live_desks()
    assert desk.token == token
    assert desk.user_name == "Rita Reception" and desk.user_id == reception.id
    assert desk.computer == "RECEPTION-PC" and desk.process_id == os.getpid()
    assert desk.program == "Synergy Desk 0.1.0"
    now = desks.database_now()
    assert desk.describe(now).startswith("Rita Reception on RECEPTION-PC (last seen ")
    assert desk.seen_ago(now) <= 5


def test_a_desk_that_stopped_beating_is_not_live(reception: Actor, engineer: Actor) -> None:
    stale = desks.register(reception, computer="RECEPTION-PC")
    fresh = desks.register(engineer, computer="ENGINEER-PC")
    _age(stale, desks.LIVE_SECONDS + 5)
    assert [d.token for d in desks.live_desks()] == [fresh]
    desks.beat(reception, stale)  # it beats again: live again
    assert {d.token for d in desks.live_desks()} == {stale, fresh}


def test_a_desk_just_inside_the_limit_is_live(reception: Actor) -> None:
    token = desks.register(reception)
    _age(token, desks.LIVE_SECONDS - 10)
    assert [d.token for d in desks.live_desks()] == [token]


def test_a_desk_that_leaves_is_gone(reception: Actor) -> None:
    token = desks.register(reception)
    desks.leave(token)
    assert desks.live_desks() == []
    assert not t.DeskSession.select().exists()


def test_the_asking_desk_can_leave_itself_out(reception: Actor, engineer: Actor) -> None:
    mine = desks.register(reception)
    theirs = desks.register(engineer)
    assert [d.token for d in desks.live_desks(exclude=[mine])] == [theirs]


def test_a_beat_puts_back_a_desk_whose_row_was_removed(reception: Actor) -> None:
    token = desks.register(reception)
    t.DeskSession.delete().execute()
    desks.beat(reception, token)
    [desk] = desks.live_desks()
    assert desk.token == token and desk.user_name == "Rita Reception"


def test_long_forgotten_desks_are_removed_when_a_desk_registers(reception: Actor) -> None:
    old = desks.register(reception)
    _age(old, desks.FORGET_AFTER.total_seconds() + 60)
    recent = desks.register(reception)
    _age(recent, desks.LIVE_SECONDS * 3)
    desks.register(reception)
    tokens = {row.token for row in t.DeskSession.select()}
    assert old not in tokens and recent in tokens and len(tokens) == 2


def test_heartbeats_write_no_audit_rows(reception: Actor) -> None:
    before = t.AuditLog.select().count()
    token = desks.register(reception)
    desks.beat(reception, token)
    desks.leave(token)
    assert t.AuditLog.select().count() == before


def test_the_desks_are_read_through_another_connection(db_url: str, reception: Actor) -> None:
    """As a restore reads them: a database object of its own, not the models' binding."""
    token = desks.register(reception, computer="RECEPTION-PC")
    other = make_database(db_url)
    other.connect()
    try:
        [desk] = desks.live_desks(database=other)
    finally:
        other.close()
    assert desk.token == token and desk.user_name == "Rita Reception"


def test_after_a_restore_the_desk_stops_writing_its_heartbeat(db_url: str,
                                                               reception: Actor) -> None:
    token = desks.register(reception)
    _restored_elsewhere(db_url)
    seen = _elsewhere(db_url, "SELECT last_seen_at FROM desk_session")
    with pytest.raises(OfficeReplaced):
        desks.beat(reception, token)
    with pytest.raises(OfficeReplaced):
        desks.register(reception)
    desks.leave(token)  # closing: its row went with the office it was in
    assert _elsewhere(db_url, "SELECT last_seen_at FROM desk_session") == seen


def test_the_sentence_names_every_desk(reception: Actor, engineer: Actor) -> None:
    desks.register(reception, computer="DESK-1")
    desks.register(engineer, computer="DESK-2")
    now = desks.database_now()
    text = desks.desks_sentence(desks.live_desks(), now)
    assert "Rita Reception on DESK-1 (last seen" in text
    assert "Eddie Engineer on DESK-2 (last seen" in text and " and " in text
