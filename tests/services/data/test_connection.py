"""Trying a database address: what is there, with nothing created or changed by looking."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import pytest

from synergy_desk.domain.errors import DatabaseError, SchemaTooNew, ValidationError
from synergy_desk.models.database import close_database, open_database, sqlite_url
from synergy_desk.services.data import connection
from synergy_desk.services.office import settings
from tests.conftest import POSTGRES_URL


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_missing_file_would_be_a_new_office_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    result = connection.probe(sqlite_url(path))
    assert result.state == "new" and "new office" in result.message
    assert not path.exists()


def test_an_office_file_is_ready_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    open_database(sqlite_url(path))
    settings.setup_office("Acme Support", "", "", "mary", "Mary", "a long password")
    close_database()
    before = _digest(path)
    result = connection.probe(sqlite_url(path))
    assert (result.state, result.users, result.kind) == ("ready", 1, "sqlite")
    assert "1 user," in result.message
    assert _digest(path) == before


def test_an_older_office_would_be_brought_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    open_database(sqlite_url(path))
    close_database()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM schema_migration WHERE name LIKE '0002%'")
    conn.close()
    assert connection.probe(sqlite_url(path)).state == "upgrade"


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("shopping list\n" * 200)
    with pytest.raises(DatabaseError, match="Cannot open"):
        connection.probe(sqlite_url(path))


def test_a_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    with pytest.raises(DatabaseError, match="not a Synergy Desk database"):
        connection.probe(sqlite_url(path))


def test_a_newer_office_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    open_database(sqlite_url(path))
    close_database()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO schema_migration (name, applied) "
                     "VALUES ('9000_from_the_future', '2030-01-01 00:00:00')")
    conn.close()
    with pytest.raises(SchemaTooNew):
        connection.probe(sqlite_url(path))


@pytest.mark.postgres
def test_the_postgresql_server_is_reached(db_url: str) -> None:
    if not db_url.startswith("postgres"):
        pytest.skip("the PostgreSQL half only")
    close_database()
    result = connection.probe(POSTGRES_URL)
    assert result.kind == "postgresql" and result.state == "ready"
    password = urlparse(POSTGRES_URL).password
    assert not password or f":{password}@" not in result.display


def test_a_wrong_postgresql_password_is_one_line() -> None:
    if not POSTGRES_URL:
        pytest.skip("SYNERGY_DESK_TEST_POSTGRES names no PostgreSQL server")
    wrong = POSTGRES_URL.replace("://", "://nobody_here:wrong@", 1).split("@", 1)[0] + "@" + \
        POSTGRES_URL.rsplit("@", 1)[-1]
    with pytest.raises(DatabaseError) as caught:
        connection.probe(wrong)
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(("parts", "url"), [
    (("db.office.lan", 5432, "office", "desk", "p@ss/w:rd"),
     "postgresql://desk:p%40ss%2Fw%3Ard@db.office.lan:5432/office"),
    (("10.0.0.5", "6543", "office", "desk", ""), "postgresql://desk@10.0.0.5:6543/office"),
    (("::1", 5432, "office", "desk", "x"), "postgresql://desk:x@[::1]:5432/office"),
])
def test_postgresql_addresses_are_built_with_every_part_escaped(
        parts: tuple[str, int, str, str, str], url: str) -> None:
    assert connection.postgres_url(*parts) == url


@pytest.mark.parametrize(("parts", "field"), [
    (("", 5432, "office", "desk", ""), "host"),
    (("server", 5432, "", "desk", ""), "database"),
    (("server", 5432, "office", "", ""), "user"),
    (("server", "port", "office", "desk", ""), "port"),
    (("server", 70000, "office", "desk", ""), "port"),
])
def test_a_postgresql_address_with_a_part_missing_is_refused(
        parts: tuple[str, int, str, str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        connection.postgres_url(*parts)
    assert caught.value.field == field


def test_a_folder_with_a_hash_in_its_name_is_read_where_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "p#1 100%"
    folder.mkdir()
    path = folder / "office.sqlite3"
    open_database(sqlite_url(path))
    settings.setup_office("Acme Support", "", "", "mary", "Mary", "a long password")
    close_database()
    before = sorted(p.name for p in tmp_path.iterdir())
    result = connection.probe(sqlite_url(path))
    assert (result.state, result.users) == ("ready", 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no file "p" made beside it
    assert sqlite_url(path).endswith("/p%231%20100%25/office.sqlite3")
