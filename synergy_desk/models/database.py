"""Opening the office database from one URL, and bringing its schema up to date safely."""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import peewee

from synergy_desk._lazy_drivers import load_postgres_driver
from synergy_desk.domain.errors import DatabaseError, SchemaTooNew
from synergy_desk.logging_setup import redact_secrets
from synergy_desk.models import generation
from synergy_desk.models.base import db, utcnow

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
HISTORY_TABLE = "schema_migration"
#: Where copy-to notes what it has still to make in a database it is filling (migration 0018).
UNFINISHED_COPY_TABLE = "copy_unfinished"
APP_NAME = "SynergyDesk"

#: How long a desk waits for a lock another desk holds (SQLite's busy timeout, PostgreSQL's
#: lock_timeout) before it gives up with a readable message. Every transaction that writes is
#: short, so a wait this long means the other desk is stuck (a dropped network, a frozen
#: program), not busy.
LOCK_WAIT_SECONDS = 10

# SQLite settings: write-ahead log, enforced foreign keys, a bounded busy timeout so a desk
# waits for another desk's short transaction instead of failing, and FULL sync so money that
# was committed survives a power cut.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": LOCK_WAIT_SECONDS * 1000,
    "synchronous": "full",
    "cache_size": -32_000,
    "temp_store": "memory",
}


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_url() -> str:
    """The embedded SQLite file in the user's data folder."""
    return sqlite_url(default_data_dir() / "synergy-desk.sqlite3")


def sqlite_url(path: Path | str) -> str:
    """The address of a SQLite file; characters an address gives a meaning to (# ? %), spaces
    and letters outside ASCII are percent-encoded, so a folder named "Accounts #2" is read as
    the folder it is."""
    return "sqlite:///" + quote(Path(path).resolve().as_posix(), safe="/:")


#: An address starts with its kind and "://" (sqlite://, postgresql://); anything else is the
#: path of a SQLite file. A kind of one letter is a Windows drive (C:\ or C:/), not a kind.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")


@dataclass(frozen=True)
class DatabaseInfo:
    """What the window's status bar and the command line say about the open database."""

    url: str
    kind: str  # "sqlite" or "postgresql"
    display: str  # the URL without its password
    path: Path | None  # the SQLite file, if any


def describe_url(url: str) -> DatabaseInfo:
    """What an address names. A plain path (no ``kind://`` in front) is a SQLite file,
    taken exactly as written, relative to the current folder.

    Raises:
        DatabaseError: the address is malformed or of a kind this program does not use; the
            message never repeats a password.
    """
    match = _SCHEME.match(url)
    if match is None:
        if not url.strip():
            raise DatabaseError("The database address is empty; give a SQLite file or "
                                "postgresql://USER@HOST/NAME.")
        path = Path(url).expanduser()
        return DatabaseInfo(sqlite_url(path), "sqlite", str(path), path)
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        path = _sqlite_path(url)
        return DatabaseInfo(url, "sqlite", str(path), path)
    if scheme in ("postgres", "postgresql"):
        parts = postgres_parts(url)
        return DatabaseInfo(url, "postgresql", parts.display, None)
    raise DatabaseError(
        f"“{redact_url(url)}” is not a database address this program understands; use "
        "sqlite:///FILE, a file's path, or postgresql://USER@HOST/NAME.")


def _sqlite_path(url: str) -> Path:
    """The file a sqlite:// address names. Everything after sqlite:/// is the path: ``#`` and
    ``?`` are part of it (a SQLite address has no query or fragment), and %XX is the escaped
    character (write a ``%`` as %25)."""
    match = _SCHEME.match(url)
    rest = url[match.end():] if match else url
    # As Peewee reads it: sqlite:///relative.db, sqlite:////absolute/file, sqlite:///C:/file;
    # sqlite://relative/path is a common slip for sqlite:///relative/path.
    try:
        raw = unquote(rest[1:] if rest.startswith("/") else rest, errors="strict")
    except UnicodeDecodeError:
        raise DatabaseError("The SQLite address has a %-escape that is not UTF-8 text; write "
                            "a “%” in a file's name as %25, or give the file's path.") from None
    if not raw:
        raise DatabaseError("The SQLite address names no file; use sqlite:///PATH/TO/FILE "
                            "or the file's path.")
    return Path(raw)


_PERCENT_HINT = ("characters such as # / ? @ : % in a user name or password are written "
                 "percent-encoded (%23 %2F %3F %40 %3A %25)")

#: What a PostgreSQL address may say after its "?", and the values it may take (None: any).
_PG_OPTIONS: dict[str, frozenset[str] | None] = {
    "sslmode": frozenset({"disable", "allow", "prefer", "require", "verify-ca",
                          "verify-full"}),
    "sslrootcert": None, "sslcert": None, "sslkey": None,
    "connect_timeout": None,
}

_HOST_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class PostgresParts:
    """A PostgreSQL address taken apart, each part percent-decoded."""

    user: str
    password: str
    host: str
    port: int | None
    database: str
    options: dict[str, str]

    @property
    def display(self) -> str:
        """The address without its password (for the window, the command line, the log)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{quote(self.user, safe='')}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"postgresql://{user}{host}{port}/{quote(self.database, safe='')}"

    def url(self, password: str | None = None) -> str:
        """The address again, with ``password`` (by default its own; "" for none)."""
        secret = self.password if password is None else password
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = quote(self.user, safe="")
        if secret:
            user += ":" + quote(secret, safe="")
        at = f"{user}@" if user else ""
        port = f":{self.port}" if self.port else ""
        query = "&".join(f"{name}={quote(value, safe='')}" for name, value in self.options.items())
        return (f"postgresql://{at}{host}{port}/{quote(self.database, safe='')}"
                + (f"?{query}" if query else ""))


def _malformed(problem: str) -> DatabaseError:
    return DatabaseError(f"The PostgreSQL address is malformed: {problem}; {_PERCENT_HINT}.")


def _decoded(text: str, what: str) -> str:
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise _malformed(f"its {what} has a %-escape that is not UTF-8 text") from None


def postgres_parts(url: str) -> PostgresParts:
    """Take a postgresql://USER:PASSWORD@HOST:PORT/NAME?OPTION=VALUE address apart.

    Raises:
        DatabaseError: a one-line reason (a port that is not a number, an IPv6 address
            without its closing bracket, an option this program does not know, no server
            or no database named); it never repeats the password.
    """
    match = _SCHEME.match(url)
    rest = url[match.end():] if match else url
    # The user name and password end at the last "@": one that holds # / ? (which should be
    # written %23 %2F %3F) is still read as written.
    userinfo, _, remainder = rest.rpartition("@")
    if "#" in remainder:
        raise _malformed("it has a “#” after the server's name")
    hostport, slash, tail = remainder.partition("/")
    if not slash:
        raise _malformed("it names no database (add /NAME at its end)")
    path, _, query = tail.partition("?")
    user, colon, password = userinfo.partition(":")
    if hostport.startswith("["):
        inside, bracket, after = hostport[1:].partition("]")
        if not bracket:
            raise _malformed("its IPv6 address has no closing “]”")
        try:
            host = str(ipaddress.IPv6Address(inside))
        except ValueError:
            raise _malformed("what is inside [ ] is not an IPv6 address") from None
        if after and not after.startswith(":"):
            raise _malformed("something follows the IPv6 address's “]” that is not “:PORT”")
        port_text = after[1:] if after else None
    else:
        if "[" in hostport or "]" in hostport:
            raise _malformed("an IPv6 address is written inside [ ]")
        host, colon_port, port_text_raw = hostport.partition(":")
        port_text = port_text_raw if colon_port else None
        if not host:
            raise _malformed("it names no server (postgresql://USER@HOST/NAME)")
        if not _HOST_NAME.match(host):
            raise _malformed("its server name has characters a server name cannot have")
    port: int | None = None
    if port_text is not None:
        if not port_text.isascii() or not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise _malformed("its port is not a number from 1 to 65535")
        port = int(port_text)
    database = _decoded(path, "database name")
    if not database:
        raise _malformed("it names no database (add /NAME at its end)")
    if "/" in path:
        raise _malformed("its database name has a “/” in it")
    options: dict[str, str] = {}
    if query:
        for pair in query.split("&"):
            name, equals, value = pair.partition("=")
            name = _decoded(name, "options")
            if not equals or name not in _PG_OPTIONS:
                known = ", ".join(sorted(_PG_OPTIONS))
                raise _malformed(f"it has an option this program does not know (it knows "
                                 f"{known})")
            value = _decoded(value, "options")
            allowed = _PG_OPTIONS[name]
            if allowed is not None and value not in allowed:
                raise _malformed(f"{name} must be one of {', '.join(sorted(allowed))}")
            if name == "connect_timeout" and not (value.isascii() and value.isdigit()):
                raise _malformed("connect_timeout must be a whole number of seconds")
            options[name] = value
    return PostgresParts(_decoded(user, "user name"),
                         _decoded(password, "password") if colon else "",
                         host, port, database, options)


def redact_url(text: str) -> str:
    """The text with every address's password replaced by ***."""
    return redact_secrets(text)


def make_database(url: str, *, keep_connections: bool = False) -> peewee.Database:
    """A Peewee database for the URL, not yet connected.

    ``keep_connections``: on PostgreSQL, a connection a thread closes is kept for the next
    thread to connect (:class:`synergy_desk.models.pool.OfficePool`), as the office the
    program works in is; close it with :func:`let_go`.
    """
    info = describe_url(url)
    if info.kind == "sqlite":
        assert info.path is not None
        # Every transaction starts IMMEDIATE: a deferred one that reads and then writes fails
        # with "database is locked" when two desks save at once.
        return peewee.SqliteDatabase(
            str(info.path), pragmas=SQLITE_PRAGMAS, timeout=LOCK_WAIT_SECONDS,
            lock_type="IMMEDIATE",
            check_same_thread=False)
    parts = postgres_parts(url)
    try:
        load_postgres_driver()  # loaded only for an office on PostgreSQL
    except ImportError:
        raise DatabaseError(
            "The PostgreSQL driver is not installed; install synergy-desk[postgres].") from None
    kwargs: dict[str, Any] = {"database": parts.database, "host": parts.host}
    if parts.user:
        kwargs["user"] = parts.user
    if parts.password:
        kwargs["password"] = parts.password
    if parts.port:
        kwargs["port"] = parts.port
    kwargs["connect_timeout"] = 10
    kwargs["application_name"] = "synergy-desk"
    # Waits for another session's locks are bounded, and the server's keep-alives find a
    # desk whose line went dead within about a minute and end its session, so a payment it
    # left half-way frees the receipt counter (each setting this session's own). The office's
    # rows are read from memory or a solid-state disk: priced as the server's default prices a
    # spinning disk's seek, the planner would rather walk an index in the table's own order
    # and pass thousands of rows over than seek the index made for the page (4 ms against
    # 0.3 ms for one engineer's open incidents by reference, on a million incidents).
    kwargs["options"] = " ".join(f"-c {name}={value}" for name, value in (
        ("lock_timeout", f"{LOCK_WAIT_SECONDS}s"),
        ("tcp_keepalives_idle", "30"), ("tcp_keepalives_interval", "10"),
        ("tcp_keepalives_count", "3"), ("random_page_cost", "1.1")))
    kwargs.update(parts.options)
    if "connect_timeout" in parts.options:
        kwargs["connect_timeout"] = int(parts.options["connect_timeout"])
    if keep_connections:
        from synergy_desk.models.pool import OfficePool

        return OfficePool(**kwargs)
    return peewee.PostgresqlDatabase(**kwargs)


def let_go(database: peewee.Database) -> None:
    """Close this thread's connection to ``database`` and, when it keeps connections for
    other threads, every one it keeps (one still in use is closed when given back)."""
    from synergy_desk.models.pool import OfficePool

    if isinstance(database, OfficePool):
        database.retire()
    elif not database.is_closed():
        database.close()


#: SQLite's primary result codes that mean the file could not be used just now: busy or
#: locked too long, a read or write that failed, a file that could not be opened.
_SQLITE_UNREACHABLE = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR,
                                 sqlite3.SQLITE_CANTOPEN})


#: PostgreSQL's error codes for a transaction that lost a race with another session's and
#: may simply be run again: a deadlock broken by the server, a serialisation failure.
_PG_RUN_AGAIN = frozenset({"40P01", "40001"})
#: PostgreSQL's code for a lock not granted within lock_timeout.
_PG_LOCK_NOT_AVAILABLE = "55P03"
#: SQLite's extended code for a write refused because the snapshot it read is out of date;
#: the transaction may simply be run again.
_SQLITE_BUSY_SNAPSHOT = 517


def _driver_error(exc: BaseException) -> BaseException | None:
    """The driver's own error that Peewee's error was raised from (Peewee keeps it as
    ``orig``)."""
    original = getattr(exc, "orig", None)
    if isinstance(original, BaseException):
        return original
    return exc.__cause__ or exc.__context__


def _sqlstate(exc: BaseException) -> str | None:
    original = _driver_error(exc)
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return str(state) if state else None


def is_run_again(exc: BaseException) -> bool:
    """Whether a transaction failed only because another desk's transaction got in its way
    (a deadlock the server broke, a serialisation failure, a stale SQLite snapshot), so that
    running it again from the start is safe and will usually succeed."""
    if not isinstance(exc, peewee.DatabaseError):
        return False
    if _sqlstate(exc) in _PG_RUN_AGAIN:
        return True
    original = _driver_error(exc)
    return (isinstance(original, sqlite3.Error)
            and getattr(original, "sqlite_errorcode", None) == _SQLITE_BUSY_SNAPSHOT)


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether an error says a lock another desk holds was not granted in time (PostgreSQL's
    lock_timeout, SQLite's busy timeout)."""
    if not isinstance(exc, peewee.DatabaseError):
        return False
    if _sqlstate(exc) == _PG_LOCK_NOT_AVAILABLE:
        return True
    original = _driver_error(exc)
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return False


def is_lost_connection(exc: BaseException) -> bool:
    """Whether an error says the database could not be reached or used just now (a server
    gone away, a connection dropped, a file locked too long), rather than a fault in the
    program.

    Peewee wraps the drivers' errors, the original being the one it was raised from. On
    PostgreSQL an operational error is the connection's (a query's faults are programming
    errors); SQLite reports a wrong column as an operational error too, so there its result
    code decides.
    """
    if isinstance(exc, peewee.InterfaceError | ConnectionError):
        return True
    if not isinstance(exc, peewee.OperationalError) or is_run_again(exc):
        return False
    if _sqlstate(exc) == _PG_LOCK_NOT_AVAILABLE:
        return False
    original = exc.__context__
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_UNREACHABLE
    return True


def is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


def is_postgres() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


def migration_names(migrations_dir: Path | None = None) -> list[str]:
    """The schema changes this version knows, in order (from ``migrations_dir``, by default
    the package's own)."""
    folder = migrations_dir or MIGRATIONS_DIR
    return [p.stem for p in sorted(folder.glob("[0-9]*.py"))]


def applied_migrations(database: peewee.Database) -> list[str]:
    if HISTORY_TABLE not in database.get_tables():
        return []
    cursor = database.execute_sql(  # type: ignore[no-untyped-call]
        f'SELECT name FROM "{HISTORY_TABLE}" ORDER BY name')
    return [row[0] for row in cursor.fetchall()]


def check_schema_not_newer(database: peewee.Database,
                           migrations_dir: Path | None = None) -> None:
    known = set(migration_names(migrations_dir))
    unknown = [name for name in applied_migrations(database) if name not in known]
    if unknown:
        raise SchemaTooNew(
            "This database was written by a newer version of Synergy Desk "
            f"(it has schema change “{unknown[-1]}”, which this version does not know). "
            "It has not been touched; install the newer version to use it.")


def pending_migrations(database: peewee.Database,
                       migrations_dir: Path | None = None) -> list[str]:
    done = set(applied_migrations(database))
    return [name for name in migration_names(migrations_dir) if name not in done]


def backup_sqlite_file(path: Path, label: str) -> Path | None:
    """Copy a SQLite database aside (consistently, via the online backup API)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}.bak")
    copy_sqlite_file(path, target)
    return target


def copy_sqlite_file(source: Path, target: Path) -> None:
    """Copy a SQLite database page for page through SQLite's online backup API: consistent
    while others write to it, and the source only read (its path escaped as a URI, so a
    folder named "Accounts #2" is the folder it is)."""
    original = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(str(target))
        try:
            original.backup(dest)
        finally:
            dest.close()
    finally:
        original.close()


def migrate(database: peewee.Database, sqlite_path: Path | None = None,
            migrations_dir: Path | None = None) -> list[str]:
    """Apply pending migrations; back the SQLite file up first. Returns what was applied.

    Args:
        database: the connected database.
        sqlite_path: the SQLite file to copy aside before an existing schema is changed.
        migrations_dir: where the migration scripts are; the package's own by default
            (tests pass a folder with an extra migration).
    """
    folder = migrations_dir or MIGRATIONS_DIR
    check_schema_not_newer(database, folder)
    pending = pending_migrations(database, folder)
    if not pending:
        return []
    if sqlite_path is not None and applied_migrations(database):
        backup = backup_sqlite_file(sqlite_path, "before-migration")
        log.info("Backed the database up to %s before migrating", backup)
    # Imported here: the migration runner pulls in Peewee's PostgreSQL extensions (and with
    # them the driver), which a desk that is already up to date never needs.
    from playhouse.migrations import Runner

    runner = Runner(database, str(folder), table_name=HISTORY_TABLE)
    if not isinstance(database, peewee.SqliteDatabase):
        return list(runner.up())
    # A schema change SQLite cannot make in place copies the table, drops it and renames the
    # copy; the triggers that keep the incident list's names (migration 0015) name the
    # tables, and SQLite would refuse the drop while a trigger names a table not there yet.
    # In the legacy mode the rename leaves the triggers be, and they name the table again.
    # The copy has none of the old table's triggers: each trigger a migration's copy lost is
    # made again from its own stored definition (one a migration dropped on purpose is left
    # dropped: its table, or its migration's record of it, says so).
    triggers = _sqlite_triggers(database)
    database.execute_sql("PRAGMA legacy_alter_table = ON")  # type: ignore[no-untyped-call]
    try:
        applied = list(runner.up())
    finally:
        database.execute_sql("PRAGMA legacy_alter_table = OFF")  # type: ignore[no-untyped-call]
    now = _sqlite_triggers(database)
    tables = {row[0] for row in database.execute_sql(  # type: ignore[no-untyped-call]
        "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    for name, (table, sql) in triggers.items():
        if name not in now and table in tables and not _dropped_on_purpose(folder, applied,
                                                                           name):
            database.execute_sql(sql)  # type: ignore[no-untyped-call]
            log.info("Made the trigger %s on %s again after the schema change", name, table)
    return applied


def _sqlite_triggers(database: peewee.Database) -> dict[str, tuple[str, str]]:
    return {name: (table, sql) for name, table, sql in database.execute_sql(  # type: ignore[no-untyped-call]
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()}


def _dropped_on_purpose(folder: Path, applied: list[str], trigger: str) -> bool:
    """Whether a migration just applied names the trigger (to drop or replace it)."""
    for name in applied:
        script = folder / f"{name}.py"
        if script.is_file() and trigger in script.read_text(encoding="utf-8"):
            return True
    return False


def open_database(url: str | None = None, *, migrate_schema: bool = True,
                  migrations_dir: Path | None = None, create: bool = True,
                  unfinished_copy: bool = False) -> DatabaseInfo:
    """Bind the models to the database at ``url`` and bring its schema up to date.

    ``migrations_dir`` replaces the package's migrations folder (for tests). With
    ``create=False`` a SQLite file that is missing or empty (0 bytes) is refused, and nothing
    (no file, no folder) is created: only ``init`` and the window's first run create an office.
    A database copy-to has not finished is refused unless ``unfinished_copy`` (copy-to's own).

    Raises:
        DatabaseError: the database cannot be opened (with a one-line reason).
        SchemaTooNew: the database was written by a newer version; it is left untouched.
    """
    url = url or default_database_url()
    info = describe_url(url)
    if info.path is not None:
        if not create:
            require_existing_office(url)
        _check_sqlite_file(info.path)
    database = make_database(url, keep_connections=True)
    try:
        database.connect(reuse_if_open=True)
        if info.kind == "sqlite":
            database.execute_sql("PRAGMA schema_version").fetchone()  # type: ignore[no-untyped-call]
    except peewee.OperationalError as exc:
        let_go(database)
        raise DatabaseError(f"Cannot open the database {info.display}: {_first_line(exc)}") from None
    except peewee.DatabaseError as exc:
        let_go(database)
        raise DatabaseError(
            f"{info.display} is not a Synergy Desk database ({_first_line(exc)}).") from None
    try:
        if migrate_schema:
            migrate(database, info.path, migrations_dir)
        else:
            check_schema_not_newer(database, migrations_dir)
    except (SchemaTooNew, DatabaseError):
        let_go(database)
        raise
    except peewee.PeeweeException as exc:
        let_go(database)
        raise DatabaseError(
            f"Cannot bring the database {info.display} up to date: {_first_line(exc)}") from None
    if not unfinished_copy and copy_unfinished(database):
        let_go(database)
        raise DatabaseError(
            f"{info.display} holds an office that copy-to has not finished copying (or whose "
            "copy failed), so no desk may use it. Run copy-to into it again, or copy into a "
            "new, empty database.")
    try:
        # Which copy of the office this process opened: a restore changes it (see generation).
        generation.remember(database)
    except peewee.PeeweeException as exc:
        let_go(database)
        raise DatabaseError(f"Cannot open the database {info.display}: {_first_line(exc)}") from None
    db.initialize(database)
    return info


def copy_unfinished(database: peewee.Database) -> bool:
    """Whether copy-to has yet to finish filling ``database`` (migration 0018): it notes what
    it has still to make in :data:`UNFINISHED_COPY_TABLE`, and empties that table last."""
    try:
        row = database.execute_sql(  # type: ignore[no-untyped-call]
            f'SELECT 1 FROM "{UNFINISHED_COPY_TABLE}" LIMIT 1').fetchone()
    except (peewee.OperationalError, peewee.ProgrammingError):
        return False  # a schema from before the table (opened without migrating)
    return row is not None


def require_existing_office(url: str) -> None:
    """Refuse a SQLite office file that is missing or empty (0 bytes), creating nothing: a
    mistyped path must not become a new, empty office.

    Raises:
        DatabaseError: naming the path.
    """
    path = describe_url(url).path
    if path is not None and (not path.exists() or (path.is_file() and path.stat().st_size == 0)):
        raise DatabaseError(f"There is no office database at {path}; give the right "
                            "--database, or create one with `synergy-desk init`.")


def close_database() -> None:
    if db.obj is not None:
        let_go(db.obj)


def open_in_this_process(path: Path) -> bool:
    """Whether this process holds a descriptor open on the file (always False on Windows).

    On POSIX systems closing *any* descriptor on a file releases every lock the process holds
    on it, SQLite's included (SQLite guards only its own descriptors). A program that has the
    office open (a desk, any thread's connection) must not open it as a plain file: once its
    locks are gone it looks closed to a restore's check, and the next program to close the
    database takes itself for the last one and removes the log the desk still writes to.
    When this cannot be told, the answer is yes.
    """
    if os.name != "posix":
        return False
    try:
        target = path.stat()
        names = os.listdir("/dev/fd")
    except OSError:
        return True
    for name in names:
        try:
            status = os.fstat(int(name))
        except (OSError, ValueError):
            continue
        if (status.st_dev, status.st_ino) == (target.st_dev, target.st_ino):
            return True
    return False


def _check_sqlite_file(path: Path) -> None:
    if path.exists():
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder, not a database file.")
        if open_in_this_process(path):
            # Open here already (a second opening: a log-in after a restore, a retry at
            # start-up), so SQLite has read it: its first bytes are not read again.
            _check_access(path)
            return
        try:
            with path.open("rb") as fh:
                head = fh.read(_HEADER_SIZE)
        except OSError as exc:
            raise DatabaseError(f"Cannot read the database {path}: {exc.strerror}.") from None
        if head and not head.startswith(_SQLITE_MAGIC):
            raise DatabaseError(f"{path} is not a Synergy Desk database (not a SQLite file).")
        if head:
            _check_sqlite_size(path, head)
        _check_access(path)
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"Cannot create the folder for {path}: {exc.strerror}.") from None
    if not os.access(path.parent, os.W_OK):
        raise DatabaseError(f"Cannot create {path}: the folder is read-only.")


def _check_access(path: Path) -> None:
    if not os.access(path, os.W_OK):
        raise DatabaseError(f"Cannot open the database {path}: the file is read-only.")
    if not os.access(path.parent, os.W_OK):
        # SQLite keeps its write-ahead log and lock files beside the database.
        raise DatabaseError(
            f"Cannot open the database {path}: its folder is read-only (the database "
            "keeps its log files beside it).")


_SQLITE_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100


def _check_sqlite_size(path: Path, head: bytes) -> None:
    """Refuse a SQLite file that was cut short (a copy that stopped half-way, a full disk).

    SQLite opens such a file and fails only when a query reaches a missing page, which may be
    in the middle of taking a payment. The header says how big the file should be: the page
    size at offset 16 and the page count at offset 28 (trusted only while the "version valid
    for" number at offset 92 matches the change counter at offset 24). A file that is not a
    whole number of pages, or shorter than its header says, is checked page by page with
    ``PRAGMA quick_check`` on a read-only, lock-free connection that writes nothing, and
    refused if that finds damage.
    """
    if len(head) < _HEADER_SIZE:
        raise DatabaseError(f"{path} is damaged: it is cut off inside its header. It has not "
                            "been changed; restore it from a backup.")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise DatabaseError(f"{path} is damaged: its header is not valid. It has not been "
                            "changed; restore it from a backup.")
    size = path.stat().st_size
    pages = int.from_bytes(head[28:32], "big")
    count_valid = pages > 0 and head[24:28] == head[92:96]
    wal = path.with_name(path.name + "-wal")
    # Pages not yet copied from the write-ahead log into the file live in the log: while a
    # log is there the file may be shorter than its header says.
    log_pending = wal.exists() and wal.stat().st_size > 0
    suspicious = size % page_size != 0 or (
        count_valid and not log_pending and size < pages * page_size)
    if not suspicious:
        return
    problem = _quick_check(path)
    if problem is not None:
        raise DatabaseError(f"{path} is damaged ({problem}); it looks cut short. It has not "
                            "been changed; restore it from a backup.")


def _quick_check(path: Path) -> str | None:
    """What ``PRAGMA quick_check`` finds wrong with the file, or None; nothing is written."""
    # Imported here: urllib.request brings the whole HTTP client, which start-up never needs.
    from urllib.request import pathname2url

    uri = "file:" + pathname2url(str(path.resolve())) + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        return _first_line(exc)
    try:
        rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check(1)").fetchall()]
    except sqlite3.Error as exc:
        return _first_line(exc)
    finally:
        conn.close()
    return None if rows == ["ok"] else rows[0]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
