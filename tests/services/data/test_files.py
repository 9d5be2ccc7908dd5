"""Saving a file a person chose: never over a database, its logs, a backup, a device, a pipe
or a folder; whole or not at all; what a killed writer left is removed by the next write."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from synergy_desk.domain.errors import ValidationError
from synergy_desk.models.database import describe_url
from synergy_desk.services.data.files import (
    remove_stale_temporaries,
    save_file,
    temporary_beside,
)

GONE_PID = 999_999_999  # above any system's largest process id


def test_the_open_office_is_refused_without_being_read(sqlite_db_url: str) -> None:
    office = describe_url(sqlite_db_url).path
    assert office is not None
    before = office.read_bytes()
    with pytest.raises(ValidationError, match=str(office)):
        save_file(office, b"%PDF-1.4 a receipt")
    assert office.read_bytes() == before


@pytest.mark.parametrize("name", ["office.sqlite3-wal", "office.sqlite3-shm",
                                  "office.sqlite3-journal"])
def test_a_database_log_is_refused(tmp_path: Path, name: str) -> None:
    log = tmp_path / name
    log.write_bytes(b"log")
    with pytest.raises(ValidationError, match=name):
        save_file(log, b"a,b\n")
    assert log.read_bytes() == b"log"


def test_a_backup_is_recognised_by_its_first_bytes(tmp_path: Path,
                                                   small_demo_file: Path) -> None:
    copy = tmp_path / "takings.csv"
    shutil.copyfile(small_demo_file, copy)
    with pytest.raises(ValidationError, match="takings.csv"):
        save_file(copy, b"a,b\n")
    assert copy.read_bytes() == small_demo_file.read_bytes()
    archive = tmp_path / "report.pdf"
    archive.write_bytes(b"PGDMP" + b"\x00" * 50)
    with pytest.raises(ValidationError, match="report.pdf"):
        save_file(archive, b"%PDF")


def test_devices_pipes_folders_and_links_to_them_are_refused(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    link = tmp_path / "link.csv"
    link.symlink_to(os.devnull)
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere")
    # /dev/null itself only when not root, who could replace it if the guard failed.
    devices = [Path(os.devnull)] if os.geteuid() != 0 else []
    for target in (*devices, pipe, folder, link, dangling):
        with pytest.raises(ValidationError, match=str(target)):
            save_file(target, b"a,b\n")
    assert folder.is_dir() and not list(folder.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["pipe.csv", "folder.csv", "link.csv", "dangling.csv"])
    assert link.is_symlink()


def test_a_document_is_saved_and_replaced(tmp_path: Path) -> None:
    out = tmp_path / "list.csv"
    save_file(out, b"one\n")
    save_file(out, b"two\n")
    assert out.read_bytes() == b"two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["list.csv"]


def test_what_a_killed_writer_left_is_removed_by_the_next_write(tmp_path: Path) -> None:
    stale = [tmp_path / f".synergy-{GONE_PID}-abc123.part",
             tmp_path / f".office.sqlite3.{GONE_PID}-xyz.partial",
             tmp_path / f".office.sqlite3.{GONE_PID}-xyz.partial-journal"]
    mine = temporary_beside(tmp_path / "office.sqlite3")  # this process is running
    others = [tmp_path / ".hidden", tmp_path / f"notes-{GONE_PID}-1.part"]
    for path in stale + others:
        path.write_bytes(b"half")
    save_file(tmp_path / "list.csv", b"a\n")
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"list.csv", mine.name, *(p.name for p in others)}
    assert str(os.getpid()) in mine.name
    assert remove_stale_temporaries(tmp_path) == []
