"""No command writes over the office, its logs, a backup, a device, a pipe or a folder, and
none leaves a half-written file behind, even when killed."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from synergy_desk.models.database import sqlite_url
from tests.cli.test_main import assert_one_line_error, run_cli

#: What each command that writes a file is given, with the file as its last argument.
COMMANDS: dict[str, tuple[str, ...]] = {
    "receipt": ("receipt", "R-000001", "--out"),
    "export": ("export", "payments", "--out"),
    "report": ("report", "cashup", "--out"),
    "backup": ("backup", "--out"),
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _the_office(office: Path, tmp_path: Path) -> Path:
    return office


def _a_database_log(office: Path, tmp_path: Path) -> Path:
    log = tmp_path / "other.sqlite3-wal"
    log.write_bytes(b"\x37\x7f\x06\x82" + b"log pages" * 100)
    return log


def _a_backup_by_its_bytes(office: Path, tmp_path: Path) -> Path:
    # Named like a document: only its first bytes say it is a database.
    copy = tmp_path / "copy.pdf"
    shutil.copyfile(office, copy)
    return copy


def _a_pg_dump_archive(office: Path, tmp_path: Path) -> Path:
    archive = tmp_path / "archive.csv"
    archive.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 200)
    return archive


def _a_file_in_the_backups_folder(office: Path, tmp_path: Path) -> Path:
    folder = office.parent / "backups"
    folder.mkdir(exist_ok=True)
    kept = folder / "synergy-desk-20261201-090000.pdf"
    kept.write_bytes(b"whatever the backup folder holds")
    return kept


FILES: dict[str, Callable[[Path, Path], Path]] = {
    "office": _the_office,
    "wal": _a_database_log,
    "backup": _a_backup_by_its_bytes,
    "pg_dump": _a_pg_dump_archive,
    "backups_folder": _a_file_in_the_backups_folder,
}


def _leftovers(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob(".*") if p.name.endswith((".part", ".partial")))


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("kind", sorted(FILES))
def test_no_command_writes_over_a_database_its_log_or_a_backup(
        demo_office_file: Path, tmp_path: Path, command: str, kind: str) -> None:
    target = FILES[kind](demo_office_file, tmp_path)
    before = _digest(target)
    office_before = _digest(demo_office_file)
    result = run_cli(tmp_path, "--database", sqlite_url(demo_office_file),
                     *COMMANDS[command], str(target))
    line = assert_one_line_error(result, 2)
    assert str(target) in line or target.name in line
    assert _digest(target) == before
    assert _digest(demo_office_file) == office_before
    assert _leftovers(tmp_path) == []


def _devices(tmp_path: Path) -> list[Path]:
    """/dev/null through a link of the test's own and, when the test is not run by root
    (who could replace it if the guard failed), /dev/null itself."""
    link = tmp_path / "null.pdf"
    link.symlink_to(os.devnull)
    return [link] + ([Path(os.devnull)] if os.geteuid() != 0 else [])


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_writes_to_a_device(demo_office_file: Path, tmp_path: Path,
                                       command: str) -> None:
    for device in _devices(tmp_path):
        result = run_cli(tmp_path, "--database", sqlite_url(demo_office_file),
                         *COMMANDS[command], str(device))
        assert str(device) in assert_one_line_error(result, 2)
        assert stat.S_ISCHR(os.stat(device).st_mode)
    assert (tmp_path / "null.pdf").is_symlink()
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_writes_into_a_pipe(demo_office_file: Path, tmp_path: Path,
                                       command: str) -> None:
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    result = run_cli(tmp_path, "--database", sqlite_url(demo_office_file),
                     *COMMANDS[command], str(pipe))
    assert str(pipe) in assert_one_line_error(result, 2)
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("command", ["receipt", "export", "report"])
def test_no_document_is_written_over_a_folder_or_a_link_to_one(
        demo_office_file: Path, tmp_path: Path, command: str) -> None:
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    link = tmp_path / "link.pdf"
    link.symlink_to(folder)
    for target in (folder, link):
        result = run_cli(tmp_path, "--database", sqlite_url(demo_office_file),
                         *COMMANDS[command], str(target))
        assert str(target) in assert_one_line_error(result, 2)
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert link.is_symlink()


def test_documents_are_still_written_and_replaced(demo_office_file: Path,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "receipt.pdf"
    out.write_bytes(b"an older reprint")
    for _ in range(2):
        result = run_cli(tmp_path, "--database", sqlite_url(demo_office_file),
                         *COMMANDS["receipt"], str(out))
        assert result.returncode == 0, result.stderr
        assert out.read_bytes().startswith(b"%PDF")
    assert _leftovers(tmp_path) == []


def _big_office(office: Path, megabytes: int) -> None:
    conn = sqlite3.connect(office)
    try:
        conn.execute("CREATE TABLE ballast (data BLOB)")
        chunk = os.urandom(1024 * 1024)
        with conn:
            conn.executemany("INSERT INTO ballast VALUES (?)",
                             [(chunk,) for _ in range(megabytes)])
    finally:
        conn.close()


def _kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not ready():
        assert process.poll() is None, "the command ended before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["SYNERGY_DESK_LOG_DIR"] = str(tmp_path / "log")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    return subprocess.Popen([sys.executable, "-m", "synergy_desk", *args], env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _partials(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.partial*")) if folder.is_dir() else []


@pytest.mark.slow
def test_a_killed_backup_leaves_nothing_after_the_next_command(demo_office_file: Path,
                                                               tmp_path: Path) -> None:
    _big_office(demo_office_file, 120)
    backups = demo_office_file.parent / "backups"
    url = sqlite_url(demo_office_file)
    process = _start(tmp_path, "--database", url, "backup")
    # Killed once the copy is well under way: its temporary file has some megabytes in it.
    _kill_when(process, lambda: any(p.stat().st_size > 8 * 1024 * 1024
                                    for p in _partials(backups)))
    assert _partials(backups), "the killed backup left nothing to clean up"
    assert list(backups.glob("synergy-desk-*.sqlite3")) == []  # no half copy under its name
    run_cli(tmp_path, "--database", url, "check")
    assert _partials(backups) == []
    assert _partials(demo_office_file.parent) == []


@pytest.mark.slow
def test_the_next_backup_into_a_folder_removes_what_a_killed_one_left(
        demo_office_file: Path, tmp_path: Path) -> None:
    _big_office(demo_office_file, 120)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    url = sqlite_url(demo_office_file)
    process = _start(tmp_path, "--database", url, "backup", "--out", str(elsewhere))
    _kill_when(process, lambda: any(p.stat().st_size > 8 * 1024 * 1024
                                    for p in _partials(elsewhere)))
    assert _partials(elsewhere)
    result = run_cli(tmp_path, "--database", url, "backup", "--out", str(elsewhere))
    assert result.returncode == 0, result.stderr
    assert _partials(elsewhere) == []
    assert len(list(elsewhere.glob("synergy-desk-*.sqlite3"))) == 1


def _backup_of(office: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.sqlite3"
    result = run_cli(tmp_path, "--database", sqlite_url(office), "backup", "--out", str(copy))
    assert result.returncode == 0, result.stderr
    return copy


def test_a_restored_office_keeps_its_file_mode(demo_office_file: Path, tmp_path: Path) -> None:
    copy = _backup_of(demo_office_file, tmp_path)
    demo_office_file.chmod(0o640)
    result = run_cli(tmp_path, "restore", str(copy), "--yes", "--database",
                     sqlite_url(demo_office_file))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(demo_office_file.stat().st_mode) == 0o640
    kept = list(tmp_path.glob("office.sqlite3.before-restore-*.bak"))
    assert len(kept) == 1
    assert _partials(tmp_path) == []


def test_the_kept_aside_copy_gets_its_name_only_when_whole(
        demo_office_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from synergy_desk.services.data import backup

    copy = _backup_of(demo_office_file, tmp_path)
    renamed: list[str] = []
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if ".before-restore-" in Path(dst).name and Path(dst).suffix == ".bak":
            assert not Path(dst).exists()
            conn = sqlite3.connect(src)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                renamed.append(str(conn.execute("SELECT COUNT(*) FROM incident").fetchone()[0]))
            finally:
                conn.close()
        real_replace(src, dst)

    monkeypatch.setattr(backup.os, "replace", replace)
    backup.restore_database(sqlite_url(demo_office_file), copy)
    assert renamed == ["40"]
    assert _partials(tmp_path) == []


@pytest.mark.slow
def test_a_restore_killed_while_keeping_the_office_aside_leaves_no_half_copy(
        demo_office_file: Path, tmp_path: Path) -> None:
    _big_office(demo_office_file, 120)
    copy = _backup_of(demo_office_file, tmp_path)
    url = sqlite_url(demo_office_file)
    process = _start(tmp_path, "restore", str(copy), "--yes", "--database", url)

    def keeping() -> bool:
        return any(".before-restore-" in p.name and p.stat().st_size > 8 * 1024 * 1024
                   for p in _partials(tmp_path))

    _kill_when(process, keeping)
    assert list(tmp_path.glob("office.sqlite3.before-restore-*.bak")) == []
    assert _partials(tmp_path)
    result = run_cli(tmp_path, "--database", url, "check")
    assert "Traceback" not in result.stderr
    assert _partials(tmp_path) == []
