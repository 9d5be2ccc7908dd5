"""Database addresses: SQLite paths opened exactly, PostgreSQL addresses read with their
percent-escapes, malformed ones refused in one line that never repeats a password."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from synergy_desk.domain.errors import DatabaseError
from synergy_desk.logging_setup import RedactingFormatter, redact_secrets
from synergy_desk.models.database import (
    close_database,
    describe_url,
    open_database,
    postgres_parts,
    sqlite_url,
)

NAMES = ["Accounts #2", "What?", "Sales %41", "Mary Smith", "Zoë Brontë", "a #b ?c %25d é"]


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() and not p.name.endswith(("-wal", "-shm"))}


@pytest.mark.parametrize("folder", NAMES)
def test_a_sqlite_url_opens_exactly_the_named_file(tmp_path: Path, folder: str) -> None:
    path = tmp_path / folder / "office.sqlite3"
    info = open_database(sqlite_url(path))
    close_database()
    assert info.path == path.resolve()
    assert _files(tmp_path) == {path}


@pytest.mark.parametrize("folder", NAMES)
def test_a_plain_path_opens_exactly_the_named_file(tmp_path: Path, folder: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / folder / "office.sqlite3"
    info = open_database(str(path))
    close_database()
    assert info.kind == "sqlite"
    assert _files(tmp_path) == {path}
    # Relative to the current folder.
    monkeypatch.chdir(tmp_path)
    info = open_database(f"{folder}/office.sqlite3")
    close_database()
    assert Path(os.path.abspath(info.path or "")) == path
    assert _files(tmp_path) == {path}


def test_a_sqlite_address_written_by_hand_keeps_hash_and_question_mark(tmp_path: Path) -> None:
    path = tmp_path / "Accounts #2" / "office?.sqlite3"
    open_database(f"sqlite:///{tmp_path}/Accounts #2/office?.sqlite3")
    close_database()
    assert _files(tmp_path) == {path}
    # %XX is an escaped character in an address (not in a plain path).
    assert describe_url("sqlite:///x/Sales%20%2541.db").path == Path("x/Sales %41.db")
    assert describe_url("x/Sales %41.db").path == Path("x/Sales %41.db")


def test_a_windows_drive_is_a_path_not_a_kind_of_address() -> None:
    info = describe_url(r"C:\Users\Mary\office.sqlite3")
    assert info.kind == "sqlite"
    assert str(info.path) == r"C:\Users\Mary\office.sqlite3"


@pytest.mark.parametrize("secret", ["Pa55#word", "Pa55/word", "Pa55?word", "Pa55@word",
                                    "p:w%d é"])
def test_a_percent_encoded_password_is_read(secret: str) -> None:
    from urllib.parse import quote

    url = f"postgresql://mary:{quote(secret, safe='')}@db.example:6543/office?sslmode=require"
    parts = postgres_parts(url)
    assert (parts.user, parts.password, parts.host, parts.port, parts.database) == (
        "mary", secret, "db.example", 6543, "office")
    assert parts.options == {"sslmode": "require"}
    info = describe_url(url)
    assert secret not in info.display and "Pa55" not in info.display
    assert info.display == "postgresql://mary@db.example:6543/office"
    assert postgres_parts(parts.url()) == parts
    assert postgres_parts(parts.url("")).password == ""


def test_a_password_written_without_its_escapes_is_still_read_as_written() -> None:
    for secret in ("Pa55#word", "Pa55/word", "Pa55?word"):
        assert postgres_parts(f"postgresql://mary:{secret}@host/office").password == secret


MALFORMED = {
    "postgresql://mary:Pa55word@host:54x2/office": "port",
    "postgresql://mary:Pa55word@host:99999/office": "port",
    "postgresql://mary:Pa55word@[::1/office": "IPv6",
    "postgresql://mary:Pa55word@[fe80::zz]/office": "IPv6",
    "postgresql://mary:Pa55word@host/office?encoding=latin1": "option",
    "postgresql://mary:Pa55word@host/office?sslmode=sometimes": "sslmode",
    "postgresql://mary:Pa55word@/office": "server",
    "postgresql://mary:Pa55word@host": "database",
    "postgresql://mary:Pa55word@host/": "database",
    "postgresql://mary:Pa55word@host/office#x": "#",
    "postgres://mary:Pa55word@ho st/office": "server name",
}


@pytest.mark.parametrize(("url", "problem"), MALFORMED.items())
def test_a_malformed_address_is_one_line_without_the_password(url: str, problem: str) -> None:
    with pytest.raises(DatabaseError) as caught:
        open_database(url)
    text = str(caught.value)
    assert problem in text
    assert "percent-encoded" in text
    assert "Pa55word" not in text and "\n" not in text
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_an_address_of_an_unknown_kind_is_named_without_its_password() -> None:
    with pytest.raises(DatabaseError) as caught:
        describe_url("mysql://mary:Pa55word@host/office")
    assert "mysql://mary:***@host/office" in str(caught.value)
    assert "Pa55word" not in str(caught.value)


def test_the_log_never_holds_a_password(tmp_path: Path) -> None:
    assert redact_secrets("postgresql://mary:Pa55#w/o?rd@host/office and more") == (
        "postgresql://mary:***@host/office and more")
    handler = logging.FileHandler(tmp_path / "log.txt", encoding="utf-8")
    handler.setFormatter(RedactingFormatter("%(message)s"))
    logger = logging.getLogger("test_addresses")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("cannot use postgresql://mary:Pa55word@host/office")
        except ValueError:
            logger.exception("failed with %s", "postgres://mary:Pa55word@host/office")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = (tmp_path / "log.txt").read_text(encoding="utf-8")
    assert "Pa55word" not in text
    assert text.count("mary:***@host") == 3  # the message, the raise line, the error
