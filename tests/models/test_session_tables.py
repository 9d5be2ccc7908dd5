"""The tables the desks keep about one database (its generation, the desks open on it) are made
by their migration exactly as the models have them, and a new database has its generation."""

from __future__ import annotations

from playhouse.schema_diff import diff_models

from synergy_desk.models import generation
from synergy_desk.models import tables as t
from synergy_desk.models.base import db


def test_migrations_produce_exactly_the_session_models(db_url: str) -> None:
    diff = diff_models(db.obj, t.SESSION_MODELS)
    assert not diff, f"migrations and models differ:\n{diff}"


def test_the_session_tables_are_not_office_data() -> None:
    assert not set(t.SESSION_MODELS) & set(t.ALL_MODELS)


def test_every_new_database_has_a_generation_of_its_own(db_url: str) -> None:
    row = t.OfficeGeneration.get_by_id(1)
    assert row.value == generation.read(db.obj) and len(row.value) == 32
    assert row.changed_at is not None and row.reason
