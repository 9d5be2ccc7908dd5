"""Backing the office database up, checking a backup, restoring one, and the daily automatic copy.

A SQLite office is copied with SQLite's online backup API, a few pages at a time, so desks keep
working while it runs; a PostgreSQL office with ``pg_dump`` (custom format) from the PostgreSQL
client tools. A backup is written beside its final name and renamed into place only once it
has been checked, so a half-written backup never carries a backup's name.

A restore never leaves a desk writing to a database that is no longer the office. It is
refused while any desk is live (its heartbeat, see :mod:`synergy_desk.services.office.desks`)
or, second, while another program holds the database open, unless told to disconnect them.
The restored database gets a new generation (:mod:`synergy_desk.models.generation`), which
every desk checks before each change, so a desk that was left open is refused instead of
writing. A SQLite backup is copied *into* the office's file through SQLite's backup API, so
every connection open on it sees the restored database; the file is never renamed over. The
office's receipts and credit notes that the backup lacks are listed, and kept aside with the
database that was replaced.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import peewee

from synergy_desk.domain import zones
from synergy_desk.domain.errors import DatabaseError, DomainError, ValidationError
from synergy_desk.domain.money import format_pence
from synergy_desk.domain.numbers import CREDIT_NOTE, RECEIPT
from synergy_desk.models import generation
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.models.database import (
    HISTORY_TABLE,
    DatabaseInfo,
    check_schema_not_newer,
    copy_sqlite_file,
    default_data_dir,
    describe_url,
    make_database,
    migrate,
    migration_names,
    sqlite_url,
)
from synergy_desk.services.common import MANAGERS, Actor, read_snapshot, require
from synergy_desk.services.data.files import (
    file_problem,
    refuse_to_overwrite,
    temporary_beside,
)
from synergy_desk.services.office import desks
from synergy_desk.services.reporting import integrity

__all__ = [
    "BackupResult", "BackupInfo", "back_up_office", "RestoreResult", "ProgressCallback",
    "backup_database", "verify_backup", "restore_database", "backup_folder", "daily_backup_due",
    "run_daily_backup", "daily_backups", "find_pg_tool", "table_names", "sqlite_in_use",
    "PGDUMP_HEADER", "SQLITE_HEADER", "MissingMoney"
]

log = logging.getLogger(__name__)

#: ``progress(done, total, stage)``, as the command line's progress bar takes it.
ProgressCallback = Callable[[int, int, str], None]

SQLITE_HEADER = b"SQLite format 3\x00"
#: The first bytes of a pg_dump custom-format archive.
PGDUMP_HEADER = b"PGDMP"

#: Pages copied per step of the online backup: between steps the desks may write.
_PAGES_PER_STEP = 256
#: After this many restarts (a desk wrote between two steps), the rest is copied in one read
#: transaction; in WAL mode that does not hold the desks up either.
_MAX_RESTARTS = 3
#: How long a restore waits for a lock before it decides another desk has the file open.
_IN_USE_TIMEOUT = 0.5

_DAILY_PREFIX = "synergy-desk-daily-"
_DAILY_PATTERN = re.compile(r"^synergy-desk-daily-(\d{4}-\d{2}-\d{2})\.sqlite3$")


# --- what the functions return -----------------------------------------------------------

@dataclass(frozen=True)
class BackupResult:
    """A finished backup: where it is, how big, how long it took, how many rows it holds."""

    path: Path
    kind: str  # "sqlite" or "postgresql"
    size_bytes: int
    seconds: float
    row_counts: tuple[tuple[str, int], ...]

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.row_counts)

    @property
    def total_rows(self) -> int:
        return sum(n for _, n in self.row_counts)


@dataclass(frozen=True)
class BackupInfo:
    """A backup file that has been checked and can be restored."""

    path: Path
    kind: str  # "sqlite" (a database file) or "postgresql" (a pg_dump archive)
    size_bytes: int
    migrations: tuple[str, ...]
    row_counts: tuple[tuple[str, int], ...]  # empty for a pg_dump archive
    entries: int  # the archive's table-of-contents entries (pg_dump), or tables (SQLite)

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.row_counts)


@dataclass(frozen=True)
class MissingMoney:
    """A receipt or credit note of the office that the restored office does not have.

    It is in the database kept aside (:attr:`RestoreResult.previous`).
    """

    kind: str  # "receipt" or "credit note"
    number: str  # "R-000012", "CN-000003"
    gross_pence: int
    at: dt.datetime  # when it was taken or issued (UTC)
    when: str  # the same, as people read it in the office's time zone
    customer: str
    replaced: bool  # the backup holds this number for another payment

    def text(self) -> str:
        """"R-000012 £90.00 taken 05/12/2026 12:40 GMT, Harriet Oduya"."""
        verb = "taken" if self.kind == "receipt" else "issued"
        line = f"{self.number} {format_pence(self.gross_pence)} {verb} {self.when}"
        if self.customer:
            line += f", {self.customer}"
        if self.replaced:
            line += " (the backup holds that number for another payment)"
        return line


@dataclass(frozen=True)
class RestoreResult:
    """A finished restore: what replaced what, and where the previous database was kept."""

    target: str
    source: Path
    previous: Path | None  # the database as it was, kept aside (None: there was none)
    row_counts: tuple[tuple[str, int], ...]
    seconds: float
    #: The office's receipts and credit notes the backup lacks (they are in ``previous``).
    missing: tuple[MissingMoney, ...] = ()
    #: The desks that were live when the restore went ahead (with --disconnect): each is
    #: refused at its next change and told the office was restored.
    disconnected: tuple[desks.Desk, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.row_counts)


def table_names() -> list[str]:
    """The office's tables, in the order the models list them."""
    return [m._meta.table_name for m in t.ALL_MODELS]


# --- helpers -----------------------------------------------------------------------------

def _tell(progress: ProgressCallback | None, done: int, total: int, stage: str) -> None:
    if progress is not None:
        progress(done, total, stage)


def _stamp(moment: dt.datetime | None = None) -> str:
    return (moment or utcnow()).strftime("%Y%m%d-%H%M%S")


def _sql(database: Any, sql: str, params: tuple[Any, ...] | None = None) -> Any:
    """Run one statement on a database of our own (not the models' proxy); its cursor."""
    return database.execute_sql(sql, params)


def _connection(database: Any) -> sqlite3.Connection:
    conn: sqlite3.Connection = database.connection()
    return conn


def _first_line(text: str | BaseException) -> str:
    text = str(text).strip()
    return text.splitlines()[0] if text else ""


def _uri(path: Path, mode: str) -> str:
    return f"{path.resolve().as_uri()}?mode={mode}"


def _temp_beside(target: Path) -> Path:
    """An empty file in the target's folder, to be renamed over the target when complete; its
    name carries this process's id, so one left by a killed process is removed by the next
    write into that folder."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return temporary_beside(target)
    except OSError as exc:
        raise DatabaseError(f"Cannot write in {target.parent}: "
                            f"{exc.strerror or exc}.") from None


def _remove_quietly(path: Path) -> None:
    with suppress(FileNotFoundError):
        path.unlink()


def _sqlite_counts(conn: sqlite3.Connection) -> tuple[tuple[str, int], ...]:
    present = {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    return tuple((name, int(conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]))
                 for name in table_names() if name in present)


def backup_folder(info: DatabaseInfo) -> Path:
    """Where backups of this database go: ``backups`` beside a SQLite file, or in the user's
    data folder for a PostgreSQL office."""
    if info.path is not None:
        return info.path.resolve().parent / "backups"
    return default_data_dir() / "backups"


def _default_target(info: DatabaseInfo) -> Path:
    suffix = ".sqlite3" if info.kind == "sqlite" else ".dump"
    return backup_folder(info) / f"synergy-desk-{_stamp()}{suffix}"


def _resolve_target(info: DatabaseInfo, target: Path | None) -> Path:
    if target is None:
        return _default_target(info)
    target = target.expanduser()
    if target.is_dir():
        return target / _default_target(info).name
    if info.path is not None and target.exists() and target.resolve() == info.path.resolve():
        raise ValidationError(f"{target} is the office database: the backup cannot replace "
                              "the database it is a copy of; nothing was written. Give another "
                              "file name.")
    # Not over a device, a folder, the office's logs or another backup either.
    refuse_to_overwrite(target)
    return target


# --- SQLite ------------------------------------------------------------------------------

class _Restarted(Exception):
    """The source changed between steps too often to copy it step by step."""


def _sqlite_copy(source: sqlite3.Connection, dest: sqlite3.Connection,
                 progress: ProgressCallback | None, stage: str) -> None:
    """Copy ``source`` into ``dest`` with the online backup API, a few pages a step."""
    restarts = 0
    last_remaining: int | None = None

    def step(_status: int, remaining: int, total: int) -> None:
        nonlocal restarts, last_remaining
        if last_remaining is not None and remaining > last_remaining:
            # Another connection wrote to the source: SQLite started the copy again.
            restarts += 1
            if restarts > _MAX_RESTARTS:
                raise _Restarted
        last_remaining = remaining
        _tell(progress, total - remaining, total, stage)

    try:
        source.backup(dest, pages=_PAGES_PER_STEP, progress=step, sleep=0.05)
    except _Restarted:
        log.info("The database changed while it was copied; copying the rest in one pass")
        source.backup(dest, pages=-1)


def _give_copy_its_own_generation(copy: sqlite3.Connection) -> None:
    """A backup is another copy of the office: a desk whose office is replaced by it, even by
    hand (the file copied over the office), sees a generation it did not open."""
    has_table = copy.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                             (generation.TABLE,)).fetchone()
    if has_table:
        with copy:
            copy.execute(f'UPDATE "{generation.TABLE}" SET value = ?, reason = ?',
                         (generation.new_value(), generation.BACKUP_REASON))


def _backup_sqlite(info: DatabaseInfo, target: Path,
                   progress: ProgressCallback | None) -> BackupResult:
    assert info.path is not None
    source_path = info.path
    if not source_path.is_file():
        raise DatabaseError(f"There is no database at {source_path} to back up.")
    # The live file is only ever read through SQLite, never opened as a plain file: closing
    # a plain handle would drop the locks this process's own connections (an open desk)
    # hold on it, and the next program to close its connection would then delete the
    # write-ahead log the desk still writes to.
    started = time.perf_counter()
    temp = _temp_beside(target)
    try:
        source = _open_source(source_path)
        try:
            dest = sqlite3.connect(str(temp))
            try:
                _sqlite_copy(source, dest, progress, "backup")
                # A backup is one self-contained file, not a file plus its write-ahead log.
                dest.execute("PRAGMA journal_mode = DELETE")
                _give_copy_its_own_generation(dest)
                result = dest.execute("PRAGMA integrity_check").fetchall()
                if [tuple(r) for r in result] != [("ok",)]:
                    raise DatabaseError(
                        f"The copy of {source_path} failed its integrity check "
                        f"({result[0][0]}); the database itself may be damaged. No backup "
                        "was written.")
                counts = _sqlite_counts(dest)
            finally:
                dest.close()
        except sqlite3.Error as exc:
            raise DatabaseError(f"Backing up {source_path} failed: {_first_line(exc)}.") from None
        finally:
            source.close()
        os.replace(temp, target)
    except BaseException:
        _remove_quietly(temp)
        raise
    return BackupResult(target, "sqlite", target.stat().st_size,
                        round(time.perf_counter() - started, 3), counts)


def _open_source(path: Path) -> sqlite3.Connection:
    """A connection to the database to back up, refused if the file is not a SQLite one."""
    try:
        source = sqlite3.connect(_uri(path, "rw"), uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot open {path}: {_first_line(exc)}.") from None
    try:
        source.execute("PRAGMA schema_version").fetchone()
    except sqlite3.Error as exc:
        source.close()
        if "not a database" in str(exc):
            raise ValidationError(
                f"{path} is not a Synergy Desk database (not a SQLite file).") from None
        raise DatabaseError(f"Cannot open {path}: {_first_line(exc)}.") from None
    return source


def sqlite_in_use(path: Path) -> bool:
    """Whether another connection (any desk, any process) has this SQLite file open."""
    if not path.exists():
        return False
    try:
        with _exclusive(path):
            return False
    except _InUse:
        return True


class _InUse(Exception):
    pass


@contextmanager
def _exclusive(path: Path) -> Iterator[sqlite3.Connection]:
    """The database file to ourselves: no other connection has it open while this lasts.

    With ``locking_mode=EXCLUSIVE`` SQLite keeps a WAL database's index in private memory,
    which it may only do once no other connection has the shared-memory file open; so this
    fails while any desk has the database open, idle or reading, not only while one writes.
    """
    try:
        conn = sqlite3.connect(_uri(path, "rw"), uri=True, timeout=_IN_USE_TIMEOUT,
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot open {path}: {_first_line(exc)}.") from None
    try:
        try:
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise _InUse from None
            raise DatabaseError(f"Cannot open {path}: {_first_line(exc)}.") from None
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(
                f"{path} is not a usable database ({_first_line(exc)}).") from None
        yield conn
    finally:
        conn.close()


def _verify_sqlite(path: Path) -> BackupInfo:
    """Check a SQLite backup (its first bytes already read as SQLite's)."""
    database = peewee.SqliteDatabase(_uri(path, "ro"), uri=True, timeout=30)
    try:
        try:
            database.connect()
            result = _sql(database, "PRAGMA integrity_check").fetchall()
            if [tuple(r) for r in result] != [("ok",)]:
                raise ValidationError(f"{path} is damaged ({result[0][0]}); it cannot be "
                                      "restored.")
            tables = set(database.get_tables())
            if HISTORY_TABLE not in tables:
                raise ValidationError(f"{path} is a SQLite file but not a Synergy Desk "
                                      "database (it has no schema history).")
            check_schema_not_newer(database)
            applied = tuple(r[0] for r in _sql(database,
                f'SELECT name FROM "{HISTORY_TABLE}" ORDER BY name').fetchall())
            missing = [name for name in table_names() if name not in tables]
            if missing and set(applied) >= set(migration_names()):
                raise ValidationError(f"{path} is not a whole Synergy Desk database (the "
                                      f"table “{missing[0]}” is missing).")
            conn = _connection(database)
            counts = _sqlite_counts(conn)
        except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
            # A damaged page may only show when the check reads it (sqlite3's own error).
            raise ValidationError(f"{path} is damaged or not a usable Synergy Desk backup "
                                  f"({_first_line(exc)}); it cannot be restored. Nothing "
                                  "was changed.") from None
    finally:
        database.close()
    return BackupInfo(path, "sqlite", path.stat().st_size, applied, counts, len(tables))


def _office_connection(path: Path, *, timeout: float = 30) -> sqlite3.Connection:
    """A connection of the restore's own to the office file (no pragmas: the file keeps the
    write-ahead log it is in)."""
    try:
        conn = sqlite3.connect(_uri(path, "rw"), uri=True, timeout=timeout,
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot open {path}: {_first_line(exc)}.") from None
    return conn


def _sqlite_live_desks(path: Path) -> list[desks.Desk]:
    """The desks live on a SQLite office, read through a connection of the restore's own."""
    database = peewee.SqliteDatabase(_uri(path, "rw"), uri=True, timeout=30)
    try:
        database.connect()
        return desks.live_desks(database=database)
    except peewee.DatabaseError as exc:
        raise DatabaseError(f"Cannot read {path}: {_first_line(exc)}.") from None
    finally:
        database.close()


def _prepare_sqlite_copy(source: Path, temp: Path, new_generation: str,
                         page_size: int | None) -> tuple[tuple[str, int], ...]:
    """The checked backup, copied to ``temp`` and made ready to become the office: in the
    office's page size and the write-ahead log, its schema brought up to date, a new
    generation, no desks. Returns its row counts."""
    copy_sqlite_file(source, temp)
    if page_size:
        dest = sqlite3.connect(str(temp))
        try:
            if dest.execute("PRAGMA page_size").fetchone()[0] != page_size:
                # Copied page for page into the office, the two must agree.
                dest.execute(f"PRAGMA page_size = {int(page_size)}")
                dest.execute("VACUUM")
        finally:
            dest.close()
    database = make_database(sqlite_url(temp))
    try:
        database.connect()
        migrate(database)  # a backup made by an older version is brought up to date
        with database.atomic():
            database.execute_sql(  # type: ignore[no-untyped-call]
                f'DELETE FROM "{generation.TABLE}"')
            database.execute_sql(  # type: ignore[no-untyped-call]
                f'INSERT INTO "{generation.TABLE}" (id, value, changed_at, reason) '
                "VALUES (1, ?, ?, ?)",
                (new_generation, _db_time(utcnow()), f"restored from {source.name}"[:300]))
            # The desks it lists were open on another copy of the office.
            database.execute_sql(  # type: ignore[no-untyped-call]
                f'DELETE FROM "{t.DeskSession._meta.table_name}"')
        return _sqlite_counts(_connection(database))
    finally:
        database.close()


def _db_time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _copy_into_office(target: Path, temp: Path, source: Path
                      ) -> tuple[Path, tuple[MissingMoney, ...]]:
    """Keep the office aside and copy the prepared database into its file.

    While the office is kept aside and compared with the backup, this holds the office's
    write lock: no desk saves anything the kept copy would not have. Before letting go it
    gives the office a passing generation, so a desk that saves in the moment before the copy
    starts is refused too. The copy itself is one write transaction into the same file, with
    SQLite's backup API: every connection open on it sees the old office or the restored one,
    whole, and none keeps a file of its own.
    """
    hold = _office_connection(target)
    previous = _aside_name(target)
    try:
        hold.execute("BEGIN IMMEDIATE")
        try:
            reader = _office_connection(target)
            # Written under a temporary name and given its own only when whole: a restore
            # killed half-way leaves no half copy that looks like the office kept aside.
            keeping = _temp_beside(previous)
            try:
                keep = sqlite3.connect(str(keeping))
                try:
                    reader.backup(keep)
                    keep.execute("PRAGMA journal_mode = DELETE")
                finally:
                    keep.close()
                os.replace(keeping, previous)
            finally:
                reader.close()
                for leftover in (keeping, Path(f"{keeping}-journal")):
                    _remove_quietly(leftover)
            restored = sqlite3.connect(_uri(temp, "ro"), uri=True)
            try:
                missing = _missing_money(_sqlite_money(hold), _sqlite_money(restored),
                                         _sqlite_zone(hold))
            finally:
                restored.close()
            was = _sqlite_generation(hold)
            passing = generation.new_value()
            if was is not None:  # (an office no desk of this version has opened has none)
                hold.execute(f'UPDATE "{generation.TABLE}" SET value = ?, changed_at = ?, '
                             "reason = ? WHERE id = 1",
                             (passing, _db_time(utcnow()), f"restoring from {source.name}"[:300]))
            hold.execute("COMMIT")
        except BaseException:
            if hold.in_transaction:
                hold.execute("ROLLBACK")
            _remove_quietly(previous)
            raise
    except sqlite3.Error as exc:
        raise DatabaseError(f"Restoring {target} failed before anything was changed: "
                            f"{_first_line(exc)}.") from None
    finally:
        hold.close()
    dest = _office_connection(target)
    try:
        src = sqlite3.connect(_uri(temp, "ro"), uri=True)
        try:
            src.backup(dest)
        finally:
            src.close()
        dest.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    except sqlite3.Error as exc:
        # The copy is one transaction: the office is as it was. Its desks may carry on.
        with suppress(sqlite3.Error):
            dest.execute(f'UPDATE "{generation.TABLE}" SET value = ? WHERE value = ?',
                         (was, passing))
        raise DatabaseError(f"Restoring {target} failed ({_first_line(exc)}); the office is "
                            f"as it was, and also kept as {previous}.") from None
    finally:
        dest.close()
    return previous, missing


def _sqlite_generation(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute(f'SELECT value FROM "{generation.TABLE}" WHERE id = 1').fetchone()
    except sqlite3.OperationalError:
        return None
    return str(row[0]) if row else None


def _sqlite_page_size(path: Path) -> int:
    conn = _office_connection(path)
    try:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot read {path}: {_first_line(exc)}.") from None
    finally:
        conn.close()


def _restore_sqlite(info: DatabaseInfo, source: Path, disconnect: bool) -> RestoreResult:
    assert info.path is not None
    target = info.path
    if source.resolve() == (target.resolve() if target.exists() else target.absolute()):
        raise ValidationError("That file is the database itself; choose a backup to restore.")
    started = time.perf_counter()
    existing = target.exists()
    live: list[desks.Desk] = []
    if existing:
        live = _sqlite_live_desks(target)
        if not disconnect:
            if live:
                raise ValidationError(_live_message(str(target), live, utcnow()))
            if sqlite_in_use(target):
                raise ValidationError(_in_use_message(target))
    page_size = _sqlite_page_size(target) if existing else None
    previous: Path | None = None
    missing: tuple[MissingMoney, ...] = ()
    temp = _temp_beside(target)
    try:
        try:
            expected = _prepare_sqlite_copy(source, temp, generation.new_value(), page_size)
        except (sqlite3.Error, peewee.PeeweeException) as exc:
            raise DatabaseError(f"The backup {source} could not be made ready to restore: "
                                f"{_first_line(exc)}. Nothing was changed.") from None
        if not existing:
            # A new file: nobody can have open what was not there.
            os.replace(temp, target)
        else:
            # Asked again at the last moment: a desk that opened the database while the
            # backup was made ready would otherwise have its work replaced unasked.
            if not disconnect and sqlite_in_use(target):
                raise ValidationError(_in_use_message(target))
            previous, missing = _copy_into_office(target, temp, source)
    finally:
        for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            _remove_quietly(leftover)
    # Prove the restored database opens and holds what the backup held.
    check = sqlite3.connect(_uri(target, "rw"), uri=True, timeout=30)
    try:
        ok = check.execute("PRAGMA quick_check").fetchone()[0]
        counts = _sqlite_counts(check)
    except sqlite3.Error as exc:
        ok, counts = _first_line(exc), ()
    finally:
        check.close()
    if ok != "ok" or counts != expected:
        raise DatabaseError(
            f"The restored database {target} does not match the backup ({ok}); the previous "
            f"database is kept as {previous}.")
    return RestoreResult(str(target), source, previous, counts,
                         round(time.perf_counter() - started, 3), missing, tuple(live))


def _in_use_message(target: Path) -> str:
    return (f"The database {target} is open at a desk (or in another program); close Synergy "
            "Desk everywhere it is open and try again, or restore with --disconnect to go "
            "ahead anyway. Nothing was changed.")


def _live_message(display: str, live: list[desks.Desk], now: dt.datetime) -> str:
    are = "desks are" if len(live) != 1 else "desk is"
    return (f"{len(live)} {are} open on {display}: {desks.desks_sentence(live, now)}. Close "
            "Synergy Desk there and try again, or restore with --disconnect to go ahead "
            "anyway (each desk is then told the office was restored and saves nothing more "
            "until it is opened again). Nothing was changed.")


# --- what the office has that the backup lacks ------------------------------------------

#: (kind, number) -> (gross pence, when, customer)
_Money = dict[tuple[str, int], tuple[int, dt.datetime | None, str]]

_PAYMENTS_SQL = "SELECT receipt_number, gross_pence, taken_at, customer_name FROM payment"
_CREDIT_NOTES_SQL = ("SELECT c.number, c.gross_pence, c.issued_at, p.customer_name "
                     "FROM credit_note c JOIN payment p ON p.id = c.payment_id")


def _as_moment(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else (
            value.astimezone(dt.UTC).replace(tzinfo=None))
    if isinstance(value, str) and value:
        try:
            return _as_moment(dt.datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def _money(payments: Iterable[tuple[Any, ...]], notes: Iterable[tuple[Any, ...]]) -> _Money:
    found: _Money = {}
    for kind, rows in (("receipt", payments), ("credit note", notes)):
        for number, gross, at, customer in rows:
            found[(kind, int(number))] = (int(gross), _as_moment(at), str(customer or ""))
    return found


def _sqlite_money(conn: sqlite3.Connection) -> _Money:
    return _money(conn.execute(_PAYMENTS_SQL).fetchall(),
                  conn.execute(_CREDIT_NOTES_SQL).fetchall())


def _sqlite_zone(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT timezone FROM office_settings ORDER BY id LIMIT 1").fetchone()
    return str(row[0]) if row and row[0] else None


def _missing_money(office: _Money, restored: _Money,
                   zone: str | None) -> tuple[MissingMoney, ...]:
    """The office's receipts and credit notes the restored office will not have: numbers it
    lacks, or holds for another amount or moment."""
    missing: list[MissingMoney] = []
    for (kind, number), (gross, at, customer) in sorted(
            office.items(), key=lambda item: (item[0][0] != "receipt", item[0][1])):
        there = restored.get((kind, number))
        if there is not None and there[:2] == (gross, at):
            continue
        text = (RECEIPT if kind == "receipt" else CREDIT_NOTE).text(number)
        missing.append(MissingMoney(kind, text, gross, at or dt.datetime.min,
                                    zones.format_datetime(at, zone), customer,
                                    there is not None))
    return tuple(missing)


def _aside_name(target: Path, suffix: str = ".bak") -> Path:
    """A name for the office kept aside before a restore that no file has yet (two restores
    in one second, such as a refused one and the putting back, never share one)."""
    stamp = _stamp()
    aside = target.with_name(f"{target.name}.before-restore-{stamp}{suffix}")
    n = 1
    while aside.exists():
        n += 1
        aside = target.with_name(f"{target.name}.before-restore-{stamp}-{n}{suffix}")
    return aside


# --- PostgreSQL --------------------------------------------------------------------------

def _tool_candidates(name: str) -> list[str]:
    """Where the PostgreSQL client tools are installed when they are not on the PATH."""
    if sys.platform == "win32":
        roots = [os.environ.get(v, "") for v in ("ProgramFiles", "ProgramW6432",
                                                  "ProgramFiles(x86)")]
        patterns = [os.path.join(root, "PostgreSQL", "*", "bin", f"{name}.exe")
                    for root in roots if root]
    elif sys.platform == "darwin":
        patterns = [f"/Applications/Postgres.app/Contents/Versions/*/bin/{name}",
                    f"/opt/homebrew/opt/postgresql@*/bin/{name}",
                    f"/usr/local/opt/postgresql@*/bin/{name}",
                    f"/opt/homebrew/opt/libpq/bin/{name}"]
    else:
        patterns = [f"/usr/lib/postgresql/*/bin/{name}", f"/usr/pgsql-*/bin/{name}"]
    found: list[str] = []
    for pattern in patterns:
        found.extend(p for p in glob.glob(pattern) if os.access(p, os.X_OK))
    return found


def _version_key(path: str) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", path)
    return tuple(int(n) for n in numbers)


def find_pg_tool(name: str) -> str:
    """The full path of ``pg_dump`` or ``pg_restore`` (the newest found).

    Raises:
        DatabaseError: the PostgreSQL client tools are not installed.
    """
    on_path = shutil.which(name)
    if on_path:
        return on_path
    candidates = _tool_candidates(name)
    if candidates:
        return max(candidates, key=_version_key)
    raise DatabaseError(
        f"{name} was not found: install the PostgreSQL client tools (on Debian or Ubuntu "
        "the postgresql-client package; on Windows the PostgreSQL installer's command line "
        "tools) and try again.")


def _pg_env(url: str) -> tuple[dict[str, str], str]:
    """The environment for a client tool (the password never goes on its command line)."""
    parsed = urlparse(url)
    env = dict(os.environ)
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        raise DatabaseError("The PostgreSQL address names no database; add /NAME at its end.")
    env["PGDATABASE"] = name
    if parsed.hostname:
        env["PGHOST"] = parsed.hostname
    if parsed.port:
        env["PGPORT"] = str(parsed.port)
    if parsed.username:
        env["PGUSER"] = unquote(parsed.username)
    if parsed.password:
        env["PGPASSWORD"] = unquote(parsed.password)
    env["PGAPPNAME"] = "synergy-desk"
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env, name


def _run_tool(args: list[str], env: Mapping[str, str], what: str) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(args, env=dict(env), capture_output=True, text=True,
                                check=False)
    except OSError as exc:
        raise DatabaseError(f"Cannot run {args[0]}: {exc.strerror or exc}.") from None
    if result.returncode != 0:
        detail = _first_line(result.stderr) or f"exit status {result.returncode}"
        raise DatabaseError(f"{what} failed: {detail}")
    return result


def _pg_connect(url: str) -> peewee.Database:
    database = make_database(url)
    try:
        database.connect()
    except peewee.PeeweeException as exc:
        database.close()
        raise DatabaseError(f"Cannot open the database {describe_url(url).display}: "
                            f"{_first_line(exc)}") from None
    return database


def _pg_counts(database: peewee.Database) -> tuple[tuple[str, int], ...]:
    present = set(database.get_tables())
    return tuple((name, int(_sql(database, f'SELECT COUNT(*) FROM "{name}"')
                            .fetchone()[0]))
                 for name in table_names() if name in present)


def _backup_postgres(info: DatabaseInfo, target: Path,
                     progress: ProgressCallback | None) -> BackupResult:
    pg_dump = find_pg_tool("pg_dump")
    env, _name = _pg_env(info.url)
    started = time.perf_counter()
    _tell(progress, 0, 1, "backup")
    database = _pg_connect(info.url)
    temp = _temp_beside(target)
    try:
        # pg_dump reads the snapshot this transaction exported, so the counts below are the
        # dump's own, whatever the desks write meanwhile.
        _sql(database, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = _sql(database, "SELECT pg_export_snapshot()").fetchone()[0]
        counts = _pg_counts(database)
        _run_tool([pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}",
                   f"--file={temp}"], env, "pg_dump")
        _sql(database, "COMMIT")
        os.replace(temp, target)
    except BaseException:
        _remove_quietly(temp)
        raise
    finally:
        database.close()
    _tell(progress, 1, 1, "backup")
    return BackupResult(target, "postgresql", target.stat().st_size,
                        round(time.perf_counter() - started, 3), counts)


def _verify_pgdump(path: Path) -> BackupInfo:
    pg_restore = find_pg_tool("pg_restore")
    env = dict(os.environ)
    listing = _run_tool([pg_restore, "--list", str(path)], env,
                        f"Reading the PostgreSQL backup {path}")
    entries = [line for line in listing.stdout.splitlines()
               if line.strip() and not line.startswith(";")]
    if not any(f" {HISTORY_TABLE} " in f" {line} " for line in entries):
        raise ValidationError(f"{path} is a PostgreSQL backup but not of a Synergy Desk "
                              "database (it has no schema history).")
    data = _run_tool([pg_restore, "--data-only", f"--table={HISTORY_TABLE}", "--file=-",
                      str(path)], env, f"Reading the PostgreSQL backup {path}")
    applied = tuple(sorted(_copy_values(data.stdout, HISTORY_TABLE, "name")))
    known = set(migration_names())
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise ValidationError(
            f"{path} was made by a newer version of Synergy Desk (it has schema change "
            f"“{unknown[-1]}”, which this version does not know); install the newer version "
            "to restore it.")
    return BackupInfo(path, "postgresql", path.stat().st_size, applied, (), len(entries))


def _copy_values(script: str, table: str, column: str) -> list[str]:
    """The values of one column in the COPY block that pg_restore prints for ``table``."""
    return [row.get(column) or "" for row in _copy_rows(script, table)]


def _pg_other_sessions(database: peewee.Database) -> list[tuple[int, str, str]]:
    rows = _sql(database,
        "SELECT pid, COALESCE(usename, ''), COALESCE(application_name, '') "
        "FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND backend_type = 'client backend'").fetchall()
    return [(int(pid), str(user), str(app)) for pid, user, app in rows]


def _pg_money(database: peewee.Database) -> _Money:
    return _money(_sql(database, _PAYMENTS_SQL).fetchall(),
                  _sql(database, _CREDIT_NOTES_SQL).fetchall())


def _pgdump_money(pg_restore: str, path: Path) -> _Money:
    """The receipts and credit notes in a pg_dump archive, read from its data."""
    data = _run_tool([pg_restore, "--data-only", "--table=payment", "--table=credit_note",
                      "--file=-", str(path)], dict(os.environ),
                     f"Reading the PostgreSQL backup {path}")
    payments = _copy_rows(data.stdout, "payment")
    names = {row.get("id"): row.get("customer_name") or "" for row in payments}
    return _money(
        ((row["receipt_number"], row["gross_pence"], row["taken_at"], row["customer_name"])
         for row in payments),
        ((row["number"], row["gross_pence"], row["issued_at"],
          names.get(row.get("payment_id"), "")) for row in _copy_rows(data.stdout,
                                                                      "credit_note")))


_COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
                 "\\": "\\"}


def _copy_field(text: str) -> str | None:
    """One field of COPY's text format, its backslash escapes undone (\\N is NULL)."""
    if text == "\\N":
        return None
    return re.sub(r"\\(.)", lambda m: _COPY_ESCAPES.get(m.group(1), m.group(1)), text)


def _copy_rows(script: str, table: str) -> list[dict[str, str | None]]:
    """The rows of ``table`` in the COPY block that pg_restore prints, by column name."""
    rows: list[dict[str, str | None]] = []
    columns: list[str] | None = None
    for line in script.splitlines():
        if columns is None:
            match = re.match(r'COPY\s+(?:\S+\.)?"?' + re.escape(table) + r'"?\s*\((.*)\)\s+FROM',
                             line)
            if match:
                columns = [c.strip().strip('"') for c in match.group(1).split(",")]
            continue
        if line == "\\.":
            break
        rows.append(dict(zip(columns, (_copy_field(f) for f in line.split("\t")),
                             strict=False)))
    return rows


def _pg_zone(database: peewee.Database) -> str | None:
    row = _sql(database, "SELECT timezone FROM office_settings ORDER BY id LIMIT 1").fetchone()
    return str(row[0]) if row and row[0] else None


def _restore_postgres(info: DatabaseInfo, source: Path, force_stop: bool) -> RestoreResult:
    pg_restore = find_pg_tool("pg_restore")
    find_pg_tool("pg_dump")  # the database is dumped aside before it is replaced
    env, name = _pg_env(info.url)
    started = time.perf_counter()
    # This session holds the office for the whole restore: desks take the advisory lock
    # shared at the start of every change, so none saves anything from the moment the
    # office is kept aside until the restored one has its new generation.
    holder = _pg_connect(info.url)
    try:
        try:
            live = desks.live_desks(database=holder)
            others = _pg_other_sessions(holder)
            if not force_stop and live:
                raise ValidationError(_live_message(info.display, live,
                                                    desks.database_now(holder)))
            if others and not force_stop:
                raise ValidationError(
                    f"{len(others)} other session{'s are' if len(others) != 1 else ' is'} "
                    f"connected to {info.display} (desks or other programs); close Synergy "
                    "Desk everywhere it is open, or end those sessions (restore with "
                    "--disconnect), and try again. Nothing was changed.")
            for pid, _user, _app in others:
                ended = _sql(holder, "SELECT pg_terminate_backend(%s)", (pid,)).fetchone()
                if not ended or not ended[0]:
                    raise ValidationError(f"Session {pid} on {info.display} could not be "
                                          "ended; nothing was changed.")
            _sql(holder, "SELECT pg_advisory_lock(%s)", (generation.ADVISORY_KEY,))
            was = generation.read(holder)
            office = _pg_money(holder)
            zone = _pg_zone(holder)
            passing = generation.new_value()
            if was is not None:  # (an office no desk of this version has opened has none)
                _set_pg_generation(holder, passing, f"restoring from {source.name}")
        except peewee.PeeweeException as exc:
            raise DatabaseError(f"Cannot check who uses {info.display}: "
                                f"{_first_line(exc)}") from None
        try:
            aside = _aside_name(backup_folder(info) / f"synergy-desk-{name}", ".dump")
            previous = _backup_postgres(info, aside, None).path
            missing = _missing_money(office, _pgdump_money(pg_restore, source), zone)
            _run_tool([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
                       "--single-transaction", "--exit-on-error", "--no-password",
                       f"--dbname={name}", str(source)], env, "pg_restore")
        except BaseException:
            # pg_restore runs in one transaction: the office is as it was, and its desks
            # may carry on.
            with suppress(peewee.PeeweeException):
                _sql(holder, f'UPDATE "{generation.TABLE}" SET value = %s WHERE value = %s',
                     (was, passing))
            raise
        try:
            check_schema_not_newer(holder)
            migrate(holder)  # a backup made by an older version is brought up to date
            with holder.atomic():
                _set_pg_generation(holder, generation.new_value(),
                                   f"restored from {source.name}")
                # The desks it lists were open on another copy of the office.
                _sql(holder, f'DELETE FROM "{t.DeskSession._meta.table_name}"')
            counts = _pg_counts(holder)
        except peewee.PeeweeException as exc:
            raise DatabaseError(f"The backup was restored into {info.display} but could not "
                                f"be made ready: {_first_line(exc)}. The previous database "
                                f"is kept as {previous}.") from None
    finally:
        holder.close()  # lets go of the advisory lock: the desks waiting find the new office
    return RestoreResult(info.display, source, previous, counts,
                         round(time.perf_counter() - started, 3), missing, tuple(live))


def _set_pg_generation(database: peewee.Database, value: str, reason: str) -> None:
    updated = _sql(database, f'UPDATE "{generation.TABLE}" SET value = %s, changed_at = %s, '
                             "reason = %s WHERE id = 1", (value, utcnow(), reason[:300]))
    if not updated.rowcount:
        _sql(database, f'INSERT INTO "{generation.TABLE}" (id, value, changed_at, reason) '
                       "VALUES (1, %s, %s, %s)", (value, utcnow(), reason[:300]))


# --- the public functions ----------------------------------------------------------------

def back_up_office(actor: Actor, url: str, target: Path | None = None, *,
                   progress: ProgressCallback | None = None) -> BackupResult:
    """A manager's "Back up now" from the window: :func:`backup_database`, managers only.

    (The command line and the daily automatic backup are the machine's own: whoever runs
    the office's machines may use them.)

    Raises:
        PermissionDenied: the actor is not a manager.
    """
    with read_snapshot():
        require(actor, MANAGERS, "back up the office")
    return backup_database(url, target, progress=progress)


def backup_database(url: str, target: Path | None = None, *,
                    progress: ProgressCallback | None = None) -> BackupResult:
    """Make a consistent copy of the office database while desks carry on working.

    Args:
        url: the database (``sqlite:///…`` or ``postgresql://…``).
        target: the backup file (a plain file that is not a database is replaced), or a
            folder to put it in; by default ``synergy-desk-YYYYmmdd-HHMMSS.sqlite3``
            (``.dump`` for PostgreSQL) in :func:`backup_folder`.
        progress: called with (pages done, pages in all, "backup") as the copy goes.

    Raises:
        DatabaseError: the database cannot be read, the copy failed its check, or (for
            PostgreSQL) the client tools are not installed.
        ValidationError: the target is the database itself, its logs, another backup, a
            device or a pipe (nothing is written).
    """
    info = describe_url(url)
    target = _resolve_target(info, target)
    if info.kind == "sqlite":
        return _backup_sqlite(info, target, progress)
    return _backup_postgres(info, target, progress)


def verify_backup(path: Path) -> BackupInfo:
    """Check that ``path`` is a whole Synergy Desk backup this version can restore.

    A SQLite file must pass SQLite's integrity check, hold a Synergy Desk schema no newer
    than this version's, and is counted table by table; a pg_dump archive must be readable by
    ``pg_restore --list`` and hold a Synergy Desk schema no newer than this version's.

    Raises:
        ValidationError: the file is missing, damaged, not a Synergy Desk backup, or newer.
        DatabaseError: a pg_dump archive cannot be read without the client tools.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        found = sorted((p for p in path.glob("synergy-desk-*") if p.is_file()
                        and p.suffix in (".sqlite3", ".dump")),
                       key=lambda p: p.stat().st_mtime)
        newest = f" (the newest there is {found[-1]})" if found else ""
        raise ValidationError(f"{path} is a folder; give the backup file itself{newest}.")
    if not path.is_file():
        raise ValidationError(f"There is no backup file {path}.")
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise file_problem(path, exc, "read") from None
    if head.startswith(PGDUMP_HEADER):
        return _verify_pgdump(path)
    if head == SQLITE_HEADER:
        try:
            return _verify_sqlite(path)
        except DomainError as exc:
            if isinstance(exc, ValidationError):
                raise
            raise ValidationError(exc.message) from None
    raise ValidationError(f"{path} is not a Synergy Desk backup (neither a SQLite database "
                          "nor a PostgreSQL custom-format dump).")


def restore_database(url: str, source: Path, *, force_stop: bool = False,
                     checked: BackupInfo | None = None,
                     accept_tampered: bool = False) -> RestoreResult:
    """Replace the office database with a backup, keeping the current one aside first.

    The backup is checked before anything is touched. The restore is refused while any desk
    is live (its heartbeat is recent), naming them, and while another program has the
    database open (a SQLite file this cannot have to itself; other PostgreSQL sessions),
    unless ``force_stop``: then PostgreSQL sessions are ended, and on either database every
    desk that was open is refused at its next change (the office's generation changes) and
    listed in the result's ``disconnected``.

    The current database is kept aside first (``NAME.before-restore-STAMP.bak`` beside a
    SQLite file; a dump in the backup folder for PostgreSQL) and compared with the backup:
    its receipts and credit notes the backup lacks are the result's ``missing``. No desk
    saves anything in between. A SQLite backup is then copied into the office's own file
    with SQLite's backup API (never renamed over it, so every open connection sees the
    restored database); a PostgreSQL one is restored with ``pg_restore --clean`` in one
    transaction. Either way the restored office is brought up to date, gets a new
    generation, and lists no desks.

    Unless ``accept_tampered``, the backup must also pass what ``check`` checks (hash chains,
    the audit log, numbering, records against the log): a SQLite backup is checked on a
    temporary copy before anything is touched; a PostgreSQL dump, which only a database can
    read, is checked once restored, before the restore is reported, and on a problem the
    office is restored again from the copy kept aside.

    Raises:
        ValidationError: the backup is not usable or is of the other kind of database, or the
            database is in use, or the backup fails the checks (naming what they found).
        DatabaseError: the database cannot be opened, or the PostgreSQL tools are missing.
    """
    info = describe_url(url)
    source = Path(source).expanduser()
    # A backup the caller has just checked (to show what it holds) is not checked twice.
    if checked is None or checked.path != source:
        checked = verify_backup(source)
    if checked.kind != info.kind:
        if checked.kind == "sqlite":
            raise ValidationError(
                f"{source} is a backup of a SQLite office; it can only be restored into a "
                "SQLite database (to move a SQLite office onto PostgreSQL, restore it into a "
                "SQLite file and use copy-to). Nothing was changed.")
        raise ValidationError(
            f"{source} is a backup of a PostgreSQL office (a pg_dump archive); it can only be "
            "restored into a PostgreSQL database: give its postgresql:// address with "
            "--database. Nothing was changed.")
    if info.kind == "sqlite":
        found = [] if accept_tampered else integrity.check_sqlite_backup(source)
        if found:
            raise ValidationError(integrity.tampered_message(source, found, restored=False))
        return _restore_sqlite(info, source, force_stop)
    result = _restore_postgres(info, source, force_stop)
    found = [] if accept_tampered else integrity.check_database_at(info.url)
    if found:
        if result.previous is not None:
            _restore_postgres(info, result.previous, True)
        raise ValidationError(integrity.tampered_message(source, found,
                                                         restored=result.previous is not None))
    return result


# --- the daily automatic backup ----------------------------------------------------------

def daily_backups(folder: Path) -> list[tuple[dt.date, Path]]:
    """The automatic daily backups in ``folder`` (only files with their own name), oldest first."""
    found: list[tuple[dt.date, Path]] = []
    if not folder.is_dir():
        return found
    for entry in folder.iterdir():
        match = _DAILY_PATTERN.match(entry.name)
        if not match or not entry.is_file():
            continue
        try:
            day = dt.date.fromisoformat(match.group(1))
        except ValueError:
            continue
        found.append((day, entry))
    found.sort()
    return found


def daily_backup_due(folder: Path, now: dt.datetime) -> bool:
    """Whether the office-local day of ``now`` has no automatic backup in ``folder`` yet.

    ``now`` is the office's local time (an aware time is taken as it is; a naive one as
    local already).
    """
    today = now.date()
    return all(day != today for day, _ in daily_backups(folder))


def run_daily_backup(url: str, folder: Path, keep: int, *, now: dt.datetime) -> Path | None:
    """Back a SQLite office up once per office-local day, keeping the newest ``keep`` copies.

    ``now`` is the office's local time (the window reads it in the office's time zone). The
    file is ``synergy-desk-daily-YYYY-MM-DD.sqlite3`` in ``folder``. Older automatic
    backups beyond ``keep`` are removed; files with any other name are never touched.

    Returns:
        The new backup, or None when today's backup already exists.

    Raises:
        ValidationError: ``keep`` is below 1, or the database is not a SQLite file.
        DatabaseError: the backup could not be made.
    """
    if keep < 1:
        raise ValidationError("Keep at least one automatic backup.", "keep")
    info = describe_url(url)
    if info.kind != "sqlite":
        raise ValidationError("Automatic daily backups are made of a SQLite office only; back "
                              "a PostgreSQL server up with its own tools or the backup "
                              "command.")
    moment = now
    if not daily_backup_due(folder, moment):
        return None
    target = folder / f"{_DAILY_PREFIX}{moment.date().isoformat()}.sqlite3"
    result = backup_database(url, target)
    for _day, old in daily_backups(folder)[:-keep]:
        try:
            old.unlink()
            log.info("Removed the old automatic backup %s", old)
        except OSError as exc:
            log.warning("Could not remove the old automatic backup %s: %s", old, exc)
    log.info("Automatic backup written to %s (%d bytes)", result.path, result.size_bytes)
    return result.path
