"""Backups, their check, restores (refused while a desk has the database open), daily copies."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from synergy_desk.demo import generator
from synergy_desk.domain.errors import DatabaseError, OfficeReplaced, ValidationError
from synergy_desk.models import generation
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import close_database, describe_url, open_database, sqlite_url
from synergy_desk.services.common import Actor
from synergy_desk.services.data import backup
from synergy_desk.services.money import payments
from synergy_desk.services.money.payments import ReceiptInfo
from synergy_desk.services.office import desks
from synergy_desk.services.reporting import integrity
from tests.services.money.test_funding import cash, new_customer, new_incident

HOLDER = r"""
import sys
from synergy_desk.models.base import db
from synergy_desk.models.database import open_database
from synergy_desk.models import tables as t

open_database(sys.argv[1])
t.Incident.select().count()
if sys.argv[2] == "reading":
    db.execute_sql("BEGIN")
    db.execute_sql("SELECT COUNT(*) FROM customer").fetchone()
if sys.argv[2] == "opened again":
    # The same process opens the office a second time (a log-in after a restore, a retry at
    # start-up), its first connection still open.
    open_database(sys.argv[1])
    t.Incident.select().count()
print("ready", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def demo_url(demo_office_file: Path) -> Iterator[str]:
    """A small demo office in a SQLite file of its own, closed (as no desk has it open)."""
    path = demo_office_file
    yield sqlite_url(path)
    close_database()


def _path(url: str) -> Path:
    path = describe_url(url).path
    assert path is not None
    return path


def _counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
                for name in backup.table_names()}
    finally:
        conn.close()


@pytest.fixture
def holder(demo_url: str) -> Iterator[object]:
    """Start a second process that holds the database open, idle or inside a read."""
    procs: list[subprocess.Popen[str]] = []

    def start(mode: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, demo_url, mode],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        return proc

    yield start
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


def test_backup_is_a_checked_copy_with_its_row_counts(demo_url: str, tmp_path: Path) -> None:
    target = tmp_path / "copy.sqlite3"
    seen: list[tuple[int, int]] = []
    result = backup.backup_database(demo_url, target, progress=lambda d, n, _s: seen.append((d, n)))
    assert result.path == target and target.is_file()
    assert result.kind == "sqlite"
    assert result.size_bytes == target.stat().st_size
    assert result.counts == _counts(_path(demo_url))
    assert result.counts["incident"] == 40
    assert seen and seen[-1][0] == seen[-1][1]
    # Nothing half-written is left beside it.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_default_backup_goes_in_the_backups_folder(demo_url: str) -> None:
    result = backup.backup_database(demo_url)
    folder = _path(demo_url).parent / "backups"
    assert result.path.parent == folder
    assert result.path.name.startswith("synergy-desk-") and result.path.suffix == ".sqlite3"


def test_backup_cannot_overwrite_the_database_itself(demo_url: str) -> None:
    before = _path(demo_url).read_bytes()
    with pytest.raises(ValidationError, match="cannot replace the database"):
        backup.backup_database(demo_url, _path(demo_url))
    assert _path(demo_url).read_bytes() == before


def test_backup_while_another_connection_is_writing(demo_url: str, tmp_path: Path) -> None:
    path = _path(demo_url)
    writer = sqlite3.connect(path, timeout=0, isolation_level=None)
    # Enough pages that the copy takes many steps.
    writer.executemany("INSERT INTO audit_log (at, action, entity, entity_id, before, after) "
                       "VALUES ('2024-01-01 00:00:00', 'filler', 'x', '', ?, '')",
                       [("x" * 4000,) for _ in range(800)])
    start_rows = writer.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    written = 0

    def write_between_steps(done: int, total: int, _stage: str) -> None:
        nonlocal written
        # A desk saving while the backup runs: never blocked (timeout 0 would fail at once).
        writer.execute("INSERT INTO audit_log (at, action, entity, entity_id, before, after) "
                       "VALUES ('2024-01-01 00:00:00', 'desk', 'x', '', '', '')")
        written += 1

    result = backup.backup_database(demo_url, tmp_path / "b.sqlite3",
                                    progress=write_between_steps)
    writer.close()
    assert written > 3
    info = backup.verify_backup(result.path)
    assert start_rows <= info.counts["audit_log"] <= start_rows + written
    assert info.counts["audit_log"] == result.counts["audit_log"]
    assert _counts(path)["audit_log"] == start_rows + written


def test_verify_reports_a_good_backup(demo_url: str, tmp_path: Path) -> None:
    result = backup.backup_database(demo_url, tmp_path / "b.sqlite3")
    info = backup.verify_backup(result.path)
    assert info.kind == "sqlite"
    assert info.counts == result.counts
    assert "0001_initial" in info.migrations


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()


def _corrupt(path: Path, source: Path) -> None:
    data = bytearray(source.read_bytes())
    page = 4096
    for offset in range(page * 2, min(len(data), page * 30), page):
        data[offset:offset + 100] = b"\xff" * 100
    path.write_bytes(bytes(data))


def _damaged_page(path: Path, source: Path) -> None:
    """A whole page overwritten: SQLite's own check fails to read it rather than report it."""
    data = bytearray(source.read_bytes())
    page = 4096
    data[page * 5:page * 6] = b"\xff" * page
    path.write_bytes(bytes(data))


def _newer(path: Path, source: Path) -> None:
    path.write_bytes(source.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migration (name, applied) VALUES ('9999_future', "
                 "'2030-01-01')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("kind,message", [
    ("text", "not a Synergy Desk backup"),
    ("foreign", "not a Synergy Desk database"),
    ("corrupt", "damaged|not a usable"),
    ("damaged-page", "is damaged or not a usable Synergy Desk backup"),
    ("newer", "newer version"),
    ("missing", "no backup file"),
    ("folder", "is a folder; give the backup file itself"),
])
def test_restore_of_a_bad_file_is_refused_and_changes_nothing(
        demo_url: str, tmp_path: Path, kind: str, message: str) -> None:
    path = _path(demo_url)
    good = backup.backup_database(demo_url, tmp_path / "good.sqlite3").path
    bad = tmp_path / f"{kind}.sqlite3"
    if kind == "text":
        bad.write_text("name,phone\nAda,01632 960000\n")
    elif kind == "foreign":
        _foreign(bad)
    elif kind == "corrupt":
        _corrupt(bad, good)
    elif kind == "damaged-page":
        _damaged_page(bad, good)
    elif kind == "newer":
        _newer(bad, good)
    elif kind == "folder":
        bad = tmp_path
    before = path.read_bytes()
    neighbours = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(ValidationError, match=message):
        backup.restore_database(demo_url, bad)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == neighbours


@pytest.mark.parametrize("mode", ["idle", "reading", "opened again"])
def test_restore_is_refused_while_another_process_has_the_database_open(
        demo_url: str, tmp_path: Path, holder: object, mode: str) -> None:
    good = backup.backup_database(demo_url, tmp_path / "good.sqlite3").path
    path = _path(demo_url)
    holder(mode)  # type: ignore[operator]
    assert backup.sqlite_in_use(path)
    before = path.read_bytes()
    with pytest.raises(ValidationError, match="open at a desk"):
        backup.restore_database(demo_url, good)
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.before-restore-*"))


def test_a_closed_database_is_not_in_use(demo_url: str) -> None:
    assert not backup.sqlite_in_use(_path(demo_url))


def test_round_trip_backup_then_restore_gives_the_same_office(demo_url: str,
                                                              tmp_path: Path) -> None:
    taken = backup.backup_database(demo_url, tmp_path / "b.sqlite3")
    open_database(demo_url)
    heads_then = {h.name: (h.last_hash, h.length) for h in t.ChainHead.select()}
    # The office carries on after the backup...
    t.Product.create(name="Later Product")
    db.execute_sql("DELETE FROM call_back")
    close_database()
    assert _counts(_path(demo_url)) != taken.counts
    result = backup.restore_database(demo_url, taken.path)
    # ...and the restore puts it back as the backup had it, keeping what it replaced.
    assert result.counts == taken.counts
    assert result.previous is not None and result.previous.is_file()
    assert _counts(result.previous)["product"] == taken.counts["product"] + 1
    open_database(demo_url)
    try:
        assert integrity.check_tamper() == []
        assert integrity.check_sequences() == []
        assert {h.name: (h.last_hash, h.length) for h in t.ChainHead.select()} == heads_then
        assert not t.Product.select().where(t.Product.name == "Later Product").exists()
    finally:
        close_database()
    assert _counts(_path(demo_url)) == taken.counts


def test_restore_into_a_new_file(demo_url: str, tmp_path: Path) -> None:
    taken = backup.backup_database(demo_url, tmp_path / "b.sqlite3")
    fresh = tmp_path / "elsewhere" / "office.sqlite3"
    fresh.parent.mkdir()
    result = backup.restore_database("sqlite:///" + fresh.as_posix(), taken.path)
    assert result.previous is None
    assert _counts(fresh) == taken.counts


# --- daily backups -------------------------------------------------------------------------

def _day(n: int) -> dt.datetime:
    return dt.datetime(2024, 3, n, 9, 30, tzinfo=dt.UTC)


def test_daily_backup_once_a_day_keeping_n_and_leaving_other_files(demo_url: str,
                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    others = ["notes.txt", "synergy-desk-20240301-093000.sqlite3",
              "synergy-desk-daily-2024-03-01.sqlite3.bak", "synergy-desk-daily-2024-02-30.sqlite3",
              "my-synergy-desk-daily-2024-02-01.sqlite3"]
    for name in others:
        (folder / name).write_text("keep me")
    assert backup.daily_backup_due(folder, _day(1))
    made = [backup.run_daily_backup(demo_url, folder, keep=3, now=_day(n)) for n in range(1, 6)]
    assert all(p is not None for p in made)
    assert made[0] is not None and made[0].name == "synergy-desk-daily-2024-03-01.sqlite3"
    assert not backup.daily_backup_due(folder, _day(5))
    assert backup.run_daily_backup(demo_url, folder, keep=3, now=_day(5)) is None
    daily = sorted(p.name for p in folder.glob("synergy-desk-daily-2024-03-0?.sqlite3"))
    assert daily == [f"synergy-desk-daily-2024-03-0{n}.sqlite3" for n in (3, 4, 5)]
    for name in others:
        assert (folder / name).read_text() == "keep me"
    backup.verify_backup(folder / "synergy-desk-daily-2024-03-05.sqlite3")


def test_daily_backup_day_is_the_office_local_day(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "synergy-desk-daily-2024-06-01.sqlite3").write_bytes(b"")
    late = dt.datetime(2024, 6, 1, 23, 30)  # local time, already the 1st
    assert not backup.daily_backup_due(folder, late)
    assert backup.daily_backup_due(folder, late + dt.timedelta(hours=1))


def test_daily_backup_needs_a_sensible_keep(demo_url: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        backup.run_daily_backup(demo_url, tmp_path, keep=0, now=dt.datetime(2024, 3, 5, 9))


def test_backup_folder_is_beside_the_database(demo_url: str) -> None:
    assert backup.backup_folder(describe_url(demo_url)) == _path(demo_url).parent / "backups"


# --- PostgreSQL ----------------------------------------------------------------------------

def test_missing_pg_dump_is_a_clear_message(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    monkeypatch.setattr(backup, "_tool_candidates", lambda _name: [])
    with pytest.raises(DatabaseError, match="install the PostgreSQL client tools"):
        backup.backup_database("postgresql://desk:secret@localhost/office", tmp_path / "x.dump")


def _have_pg_tools() -> bool:
    try:
        backup.find_pg_tool("pg_dump")
        backup.find_pg_tool("pg_restore")
    except DatabaseError:
        return False
    return True


needs_pg_tools = pytest.mark.skipif(not _have_pg_tools(),
                                    reason="the PostgreSQL client tools are not installed")


@pytest.fixture
def pg_office(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if not db_url.startswith("postgres"):
        pytest.skip("PostgreSQL only")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    generator.generate_demo(customers=10, incidents=30, timeline_per_incident=2)
    close_database()
    yield db_url


@needs_pg_tools
def test_pg_dump_backup_and_restore_round_trip(pg_office: str, tmp_path: Path) -> None:
    taken = backup.backup_database(pg_office, tmp_path / "office.dump")
    assert taken.kind == "postgresql" and taken.counts["incident"] == 30
    info = backup.verify_backup(taken.path)
    assert info.kind == "postgresql" and "0001_initial" in info.migrations
    open_database(pg_office)
    t.Product.create(name="Later Product")
    close_database()
    result = backup.restore_database(pg_office, taken.path)
    assert result.counts == taken.counts
    assert result.previous is not None and result.previous.is_file()
    open_database(pg_office)
    try:
        assert not t.Product.select().where(t.Product.name == "Later Product").exists()
        assert integrity.check_tamper() == []
        assert integrity.check_sequences() == []
    finally:
        close_database()


@needs_pg_tools
def test_pg_restore_is_refused_while_another_session_is_connected(pg_office: str,
                                                                  tmp_path: Path) -> None:
    taken = backup.backup_database(pg_office, tmp_path / "office.dump")
    open_database(pg_office)
    try:
        t.Product.create(name="Still Here")
        with pytest.raises(ValidationError, match="other session"):
            backup.restore_database(pg_office, taken.path)
        assert t.Product.select().where(t.Product.name == "Still Here").exists()
    finally:
        close_database()


@needs_pg_tools
def test_a_sqlite_backup_is_not_restored_into_postgresql(pg_office: str, tmp_path: Path,
                                                         sqlite_template: Path) -> None:
    with pytest.raises(ValidationError, match="copy-to"):
        backup.restore_database(pg_office, sqlite_template)


def test_a_folder_of_backups_is_refused_naming_the_newest(demo_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    older = backup.backup_database(demo_url, folder / "synergy-desk-20270101-090000.sqlite3")
    os.utime(older.path, (1_000_000_000, 1_000_000_000))
    newest = backup.backup_database(demo_url, folder).path
    with pytest.raises(ValidationError, match=f"the newest there is {newest}"):
        backup.restore_database(demo_url, folder)


@needs_pg_tools
def test_a_postgresql_backup_is_not_restored_into_sqlite(pg_office: str, tmp_path: Path) -> None:
    taken = backup.backup_database(pg_office, tmp_path / "office.dump")
    target = tmp_path / "office.sqlite3"
    with pytest.raises(ValidationError, match="give its postgresql:// address with --database"):
        backup.restore_database(sqlite_url(target), taken.path)
    assert not target.exists()


def test_a_desk_that_opens_the_database_during_a_restore_stops_it(
        demo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = backup.backup_database(demo_url, tmp_path / "good.sqlite3").path
    path = _path(demo_url)
    before = path.read_bytes()
    desks: list[sqlite3.Connection] = []
    in_use = backup.sqlite_in_use

    asked: list[Path] = []

    def a_desk_opens_meanwhile(target: Path) -> bool:
        asked.append(target)
        if len(asked) == 2:
            # The second look: after the old file was kept aside and its lock let go,
            # before the new one is renamed in. A desk opens the database just then.
            desk = sqlite3.connect(str(path))
            desk.execute("SELECT COUNT(*) FROM customer").fetchone()  # open, as a desk is
            desks.append(desk)
        return in_use(target)

    monkeypatch.setattr(backup, "sqlite_in_use", a_desk_opens_meanwhile)
    try:
        with pytest.raises(ValidationError, match="open at a desk"):
            backup.restore_database(demo_url, good)
    finally:
        for desk in desks:
            desk.close()
    assert desks and path.read_bytes() == before


def test_a_backup_from_an_open_desk_keeps_the_desk_writing_to_the_office(
        demo_url: str, tmp_path: Path) -> None:
    """A desk's "Back up now" must not drop its own hold on the file: another process closing
    afterwards would take itself for the last one and delete the write-ahead log the desk
    still writes to, so what the desk saved next reached nobody else (and no backup)."""
    path = _path(demo_url)
    open_database(demo_url)  # this process is the desk, the database open in WAL mode
    t.Product.create(name="Saved before the backup", current_version="1")
    backup.backup_database(demo_url, tmp_path / "copy.sqlite3")
    # Another desk's command opens the office as the program does (WAL) and closes it.
    subprocess.run([sys.executable, "-c", "import sqlite3, sys; "
                    "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=wal'); "
                    "c.execute('SELECT 1').fetchone(); c.close()", str(path)],
                   check=True, timeout=60)
    assert Path(f"{path}-wal").exists()
    product = t.Product.create(name="Saved after the backup", current_version="1")
    seen = subprocess.run([sys.executable, "-c", "import sqlite3, sys; "
                           "c = sqlite3.connect(sys.argv[1]); print(c.execute("
                           "'SELECT COUNT(*) FROM product WHERE id = ?', (int(sys.argv[2]),)"
                           ").fetchone()[0])", str(path), str(product.id)],
                          check=True, capture_output=True, text=True, timeout=60)
    assert seen.stdout.strip() == "1"


def test_a_file_that_is_not_a_database_is_not_backed_up(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    path.write_bytes(b"Milk\nEggs\nBread\n" * 300)
    with pytest.raises(ValidationError, match="not a SQLite file"):
        backup.backup_database(sqlite_url(path), tmp_path / "copy.sqlite3")
    assert not (tmp_path / "copy.sqlite3").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["office.sqlite3"]


# --- desks open on the office, the generation, the money a backup lacks (both databases) --

@pytest.fixture
def taken(office: dict[str, Any], tmp_path: Path) -> backup.BackupResult:
    """A backup of the office as the fixture made it (users, products, settings)."""
    return backup.backup_database(str(office["url"]), tmp_path / "taken")


def _cash_payment(actor: Actor, office: dict[str, Any], name: str) -> ReceiptInfo:
    customer = new_customer(name)
    incident = new_incident(actor, customer, office["product"])
    return payments.take_payment(actor, cash(customer, (incident.id,)))


def _aged(token: str, seconds: float) -> None:
    when = desks.database_now() - dt.timedelta(seconds=seconds)
    t.DeskSession.update(last_seen_at=when).where(t.DeskSession.token == token).execute()


def _reconnect_if_ended(url: str) -> None:
    """A PostgreSQL desk whose session --disconnect ended opens a new one for its next job,
    remembering the office it opened."""
    if not url.startswith("sqlite"):
        db.obj.close()


def test_restore_is_refused_while_a_desk_is_live_naming_it(
        office: dict[str, Any], taken: backup.BackupResult) -> None:
    url = str(office["url"])
    desks.register(office["reception"], computer="RECEPTION-PC")
    _aged(desks.register(office["engineer"], computer="ENGINEER-PC"), 40)
    t.Product.create(name="Made after the backup")
    close_database()  # only the heartbeats say who is working
    with pytest.raises(ValidationError) as refused:
        backup.restore_database(url, taken.path)
    message = refused.value.message
    assert "2 desks are open" in message
    assert re.search(r"Rita Reception on RECEPTION-PC \(last seen [0-5] s ago\)", message)
    assert re.search(r"Eddie Engineer on ENGINEER-PC \(last seen 4[0-5] s ago\)", message)
    assert "--disconnect" in message and "Nothing was changed" in message
    open_database(url)
    assert t.Product.select().where(t.Product.name == "Made after the backup").exists()
    assert t.DeskSession.select().count() == 2


def test_a_desk_that_stopped_beating_does_not_stop_a_restore(
        office: dict[str, Any], taken: backup.BackupResult) -> None:
    url = str(office["url"])
    token = desks.register(office["reception"], computer="RECEPTION-PC")
    _aged(token, desks.LIVE_SECONDS + 30)  # its computer was switched off, window open
    close_database()
    result = backup.restore_database(url, taken.path)
    assert result.disconnected == ()
    open_database(url)
    assert not t.DeskSession.select().exists()


def test_disconnect_restores_under_a_live_desk_which_then_writes_nothing(
        office: dict[str, Any], taken: backup.BackupResult) -> None:
    url = str(office["url"])
    reception = office["reception"]
    desks.register(reception, computer="RECEPTION-PC")
    before = generation.read(db.obj)
    # This process is the desk: its database stays open through the restore.
    result = backup.restore_database(url, taken.path, force_stop=True)
    assert [d.computer for d in result.disconnected] == ["RECEPTION-PC"]
    _reconnect_if_ended(url)
    with pytest.raises(OfficeReplaced, match="restored from a backup at"):
        _cash_payment(reception, office, "Too Late Ltd")
    close_database()
    open_database(url)
    assert generation.read(db.obj) not in (before, None)
    assert "restored from" in t.OfficeGeneration.get_by_id(1).reason
    assert not t.DeskSession.select().exists()
    assert not t.Customer.select().where(t.Customer.name == "Too Late Ltd").exists()
    _cash_payment(reception, office, "Welcome Back Ltd")  # the desk opened again works


def test_the_money_the_backup_lacks_is_listed(
        office: dict[str, Any], taken: backup.BackupResult) -> None:
    url = str(office["url"])
    reception, manager = office["reception"], office["manager"]
    first = _cash_payment(reception, office, "Oduya Joinery")
    second = _cash_payment(reception, office, "Harrow Books")
    note = payments.refund(manager, first.payment_id, reason="Paid twice")
    close_database()
    result = backup.restore_database(url, taken.path)
    assert [(m.kind, m.number, m.gross_pence, m.customer) for m in result.missing] == [
        ("receipt", first.number, first.gross_pence, "Oduya Joinery"),
        ("receipt", second.number, second.gross_pence, "Harrow Books"),
        ("credit note", note.number, note.gross_pence, "Oduya Joinery"),
    ]
    assert all(not m.replaced for m in result.missing)
    assert result.missing[0].at == first.taken_at
    assert result.missing[0].text().startswith(f"{first.number} £90.00 taken ")
    assert result.previous is not None and result.previous.is_file()


def test_a_receipt_number_the_backup_holds_for_another_payment_is_listed(
        office: dict[str, Any], tmp_path: Path) -> None:
    url = str(office["url"])
    reception = office["reception"]
    _cash_payment(reception, office, "In Both Ltd")
    earlier = backup.backup_database(url, tmp_path / "earlier")
    _cash_payment(reception, office, "Later Ltd")
    later = backup.backup_database(url, tmp_path / "later")
    close_database()
    backup.restore_database(url, earlier.path)
    open_database(url)
    # Back on the earlier office, the next payment takes the number Later Ltd had.
    again = _cash_payment(reception, office, "Another Ltd")
    close_database()
    result = backup.restore_database(url, later.path)
    assert [(m.number, m.customer, m.replaced) for m in result.missing] == [
        (again.number, "Another Ltd", True)]
    assert "the backup holds that number for another payment" in result.missing[0].text()


def test_nothing_is_listed_when_the_backup_has_every_payment(
        office: dict[str, Any], tmp_path: Path) -> None:
    url = str(office["url"])
    _cash_payment(office["reception"], office, "In The Backup Ltd")
    taken = backup.backup_database(url, tmp_path / "taken")
    close_database()
    assert backup.restore_database(url, taken.path).missing == ()


def test_sqlite_restore_writes_into_the_office_file_itself(
        sqlite_db_url: str, tmp_path: Path) -> None:
    """Every connection open on the office (any desk) sees the restored database: nothing can
    go on writing to a file that is no longer the office."""
    path = _path(sqlite_db_url)
    t.Product.create(name="In the backup")
    taken = backup.backup_database(sqlite_db_url, tmp_path / "taken.sqlite3")
    t.Product.create(name="Not in the backup")
    close_database()
    os.chmod(path, 0o640)
    inode = path.stat().st_ino
    desk = sqlite3.connect(str(path), isolation_level=None)  # a desk that stays open
    desk.execute("SELECT COUNT(*) FROM product").fetchone()
    try:
        backup.restore_database(sqlite_db_url, taken.path, force_stop=True)
        assert path.stat().st_ino == inode and path.stat().st_mode & 0o777 == 0o640
        names = {row[0] for row in desk.execute("SELECT name FROM product")}
        assert names == {"In the backup"}
        desk.execute("INSERT INTO product (name, current_version, active) VALUES ('x', '', 1)")
    finally:
        desk.close()
    assert "x" in {row[0] for row in sqlite3.connect(str(path)).execute(
        "SELECT name FROM product")}
    assert sqlite3.connect(str(path)).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_office_older_than_the_desk_list_is_restored_and_brought_up_to_date(
        tmp_path: Path) -> None:
    """A restore run before any desk of this version opened the office: neither the office
    nor its backup has the desks' tables yet."""
    from synergy_desk.models.database import MIGRATIONS_DIR

    older = tmp_path / "older-migrations"
    older.mkdir()
    for name in ("0001_initial.py", "0002_office_details_and_report_indexes.py"):
        (older / name).write_text((MIGRATIONS_DIR / name).read_text())
    url = sqlite_url(tmp_path / "office.sqlite3")
    open_database(url, migrations_dir=older)
    t.Product.create(name="In the backup")
    close_database()
    taken = backup.backup_database(url, tmp_path / "taken.sqlite3")
    result = backup.restore_database(url, taken.path)
    assert result.missing == () and result.disconnected == ()
    conn = sqlite3.connect(str(_path(url)))
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM schema_migration")}
        assert "0003_desk_sessions_and_generation" in names
        assert conn.execute("SELECT COUNT(*) FROM office_generation").fetchone()[0] == 1
        assert conn.execute("SELECT name FROM product").fetchall() == [("In the backup",)]
    finally:
        conn.close()


def test_a_desk_saving_as_the_backup_goes_into_postgresql_waits_and_is_refused(
        office: dict[str, Any], taken: backup.BackupResult,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Between pg_restore's commit and the new generation the office holds the backup's own
    generation, which may be the one a desk opened: the restore's advisory lock keeps every
    change waiting until the new one is written."""
    import threading

    import psycopg

    from synergy_desk.services.people import customers

    url = str(office["url"])
    if url.startswith("sqlite"):
        pytest.skip("PostgreSQL only: on SQLite the backup goes in as one write transaction")
    reception = office["reception"]
    outcome: list[BaseException | None] = []

    def a_desk_saves() -> None:
        try:
            customers.create_customer(reception, customers.CustomerInput(name="Mid Restore"))
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)
        finally:
            db.close()

    check_schema = backup.check_schema_not_newer
    desk = threading.Thread(target=a_desk_saves)

    def restored_and_a_desk_saves_now(database: Any) -> None:
        desk.start()
        with psycopg.connect(url, autocommit=True) as watcher:
            deadline = time.monotonic() + 30
            while not watcher.execute("SELECT COUNT(*) FROM pg_locks WHERE locktype = "
                                      "'advisory' AND NOT granted").fetchone()[0]:
                assert time.monotonic() < deadline, "the desk's change did not wait"
                time.sleep(0.05)  # another session's state: nothing to wait on but it
        check_schema(database)

    monkeypatch.setattr(backup, "check_schema_not_newer", restored_and_a_desk_saves_now)
    backup.restore_database(url, taken.path, force_stop=True)
    desk.join(timeout=60)
    assert len(outcome) == 1 and isinstance(outcome[0], OfficeReplaced)
    close_database()
    open_database(url)
    assert not t.Customer.select().where(t.Customer.name == "Mid Restore").exists()


def test_a_desk_saving_while_the_office_is_kept_aside_is_refused_and_loses_nothing(
        office: dict[str, Any], taken: backup.BackupResult,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The office kept aside and the restored one both lack what a desk would save between
    them: the restore holds the office (SQLite's write lock, PostgreSQL's advisory lock) and
    gives it a passing generation before letting go."""
    import threading

    from synergy_desk.services.people import customers

    url = str(office["url"])
    reception = office["reception"]
    outcome: list[BaseException | None] = []

    def a_desk_saves() -> None:
        try:
            customers.create_customer(reception, customers.CustomerInput(name="Meanwhile Ltd"))
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)
        finally:
            db.close()

    compare = backup._missing_money
    desk = threading.Thread(target=a_desk_saves)

    def kept_aside_and_a_desk_saves(*args: Any) -> Any:
        desk.start()
        # Unguarded, the desk's change would be done in a moment; guarded, it waits.
        desk.join(timeout=1)
        assert desk.is_alive(), f"the desk saved while the office was kept aside: {outcome}"
        return compare(*args)

    monkeypatch.setattr(backup, "_missing_money", kept_aside_and_a_desk_saves)
    result = backup.restore_database(url, taken.path, force_stop=True)
    desk.join(timeout=60)
    assert len(outcome) == 1 and isinstance(outcome[0], OfficeReplaced)
    close_database()
    open_database(url)
    assert not t.Customer.select().where(t.Customer.name == "Meanwhile Ltd").exists()
    if result.previous is not None and result.previous.suffix == ".bak":
        assert sqlite3.connect(str(result.previous)).execute(
            "SELECT COUNT(*) FROM customer WHERE name = 'Meanwhile Ltd'").fetchone() == (0,)
