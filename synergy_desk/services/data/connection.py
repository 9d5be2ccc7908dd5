"""Trying a database address before a desk switches to it: can it be reached, and what is there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import peewee

from synergy_desk.domain.errors import DatabaseError, ValidationError
from synergy_desk.models.database import (
    check_schema_not_newer,
    describe_url,
    make_database,
    pending_migrations,
    sqlite_url,
)

__all__ = ["ProbeResult", "postgres_url", "probe"]

State = Literal["ready", "upgrade", "new", "empty"]


@dataclass(frozen=True)
class ProbeResult:
    """What a desk would find at an address: nothing is created or changed by looking."""

    url: str
    display: str  # the address without its password
    kind: str  # "sqlite" or "postgresql"
    state: State
    users: int
    message: str  # one line for the person at the desk


def postgres_url(host: str, port: int | str, database: str, user: str, password: str) -> str:
    """A PostgreSQL address from its parts, each escaped (a password may hold @ or /).

    Raises:
        ValidationError: a part is missing or the port is not a port number.
    """
    host, database, user = host.strip(), database.strip(), user.strip()
    if not host:
        raise ValidationError("Give the name or address of the database server.", "host")
    if not database:
        raise ValidationError("Give the name of the office's database on the server.",
                              "database")
    if not user:
        raise ValidationError("Give the user name the desks connect with.", "user")
    try:
        number = int(str(port).strip() or "5432")
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise ValidationError(f"“{port}” is not a port number (PostgreSQL uses 5432).", "port")
    login = quote(user, safe="")
    if password:
        login += ":" + quote(password, safe="")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"postgresql://{login}@{host}:{number}/{quote(database, safe='')}"


def probe(url: str) -> ProbeResult:
    """Connect to ``url`` and say what is there, changing nothing (a SQLite file is read only).

    Raises:
        DatabaseError: the address cannot be used (no server, wrong password, not a database),
            with a one-line reason; SchemaTooNew when a newer version wrote it.
    """
    info = describe_url(url)
    if info.kind == "sqlite":
        assert info.path is not None
        path = info.path
        if not path.exists():
            folder = _nearest_existing(path.parent)
            if folder is None or not folder.is_dir():
                raise DatabaseError(f"Cannot create {path}: there is no folder to put it in.")
            return ProbeResult(sqlite_url(path), str(path), "sqlite", "new", 0,
                               f"No database at {path} yet: a new office will be set up there "
                               "when Synergy Desk next starts.")
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder, not a database file.")
        # as_uri escapes the path: a folder named "p#1" must not end the address early.
        database: peewee.Database = peewee.SqliteDatabase(
            path.resolve().as_uri() + "?mode=ro", uri=True)
    else:
        database = make_database(url)
    try:
        try:
            database.connect()
            tables = set(database.get_tables())
        except peewee.PeeweeException as exc:
            raise DatabaseError(f"Cannot open {info.display}: {_first_line(exc)}") from None
        if not tables:
            return ProbeResult(url, info.display, info.kind, "empty", 0,
                               f"{info.display} is reachable and empty: the office will be "
                               "set up there when Synergy Desk next starts.")
        if "schema_migration" not in tables:
            raise DatabaseError(f"{info.display} holds other tables and is not a Synergy Desk "
                                "database; choose an empty database for the office.")
        check_schema_not_newer(database)  # SchemaTooNew: a newer version wrote it
        users = 0
        if "user" in tables:
            row = database.execute_sql(  # type: ignore[no-untyped-call]
                'SELECT COUNT(*) FROM "user"').fetchone()
            users = int(row[0]) if row else 0
        if pending_migrations(database):
            return ProbeResult(url, info.display, info.kind, "upgrade", users,
                               f"{info.display} is a Synergy Desk office with {users} "
                               f"user{'s' if users != 1 else ''}, written by an older version: "
                               "it will be brought up to date when Synergy Desk next starts.")
        return ProbeResult(url, info.display, info.kind, "ready", users,
                           f"{info.display} is a Synergy Desk office with {users} "
                           f"user{'s' if users != 1 else ''}, ready to use.")
    finally:
        if not database.is_closed():
            database.close()


def _nearest_existing(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
