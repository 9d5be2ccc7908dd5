"""``synergy-desk backup`` and ``restore`` through the real entry point."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from synergy_desk.models.database import sqlite_url
from tests.cli.test_main import assert_one_line_error, run_cli


@pytest.fixture
def office(demo_office_file: Path) -> Path:
    return demo_office_file


def _incidents(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM incident").fetchone()[0])
    finally:
        conn.close()


def test_backup_then_restore_with_yes(office: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.sqlite3"
    result = run_cli(tmp_path, "--database", sqlite_url(office), "backup", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout and "Traceback" not in result.stderr
    assert _incidents(out) == 40  # the small demo office
    conn = sqlite3.connect(office)
    entries = conn.execute("SELECT COUNT(*) FROM timeline_entry").fetchone()[0]
    assert entries > 0
    conn.execute("DELETE FROM timeline_entry")
    conn.commit()
    conn.close()
    result = run_cli(tmp_path, "restore", str(out), "--yes", "--database", sqlite_url(office))
    assert result.returncode == 0, result.stderr
    assert "before-restore" in result.stdout
    check = run_cli(tmp_path, "--database", sqlite_url(office), "check")
    assert check.returncode == 0, check.stdout + check.stderr
    conn = sqlite3.connect(office)
    assert conn.execute("SELECT COUNT(*) FROM timeline_entry").fetchone()[0] == entries
    conn.close()


def test_backup_goes_to_the_backups_folder_by_default(office: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--database", sqlite_url(office), "backup")
    assert result.returncode == 0, result.stderr
    made = list((office.parent / "backups").glob("synergy-desk-*.sqlite3"))
    assert len(made) == 1 and _incidents(made[0]) == 40


def test_restore_without_yes_off_a_terminal_is_refused(office: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.sqlite3"
    assert run_cli(tmp_path, "--database", sqlite_url(office), "backup", "--out",
                   str(out)).returncode == 0
    before = office.read_bytes()
    result = run_cli(tmp_path, "--database", sqlite_url(office), "restore", str(out))
    assert "--yes" in assert_one_line_error(result, 2)
    assert office.read_bytes() == before


def test_restore_of_a_file_that_is_not_a_backup(office: Path, tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database")
    before = office.read_bytes()
    result = run_cli(tmp_path, "--database", sqlite_url(office), "restore", str(bad), "--yes")
    assert "not a Synergy Desk backup" in assert_one_line_error(result, 2)
    assert office.read_bytes() == before


def test_backup_of_an_unreachable_server_is_one_line_without_the_password(
        tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--database", "postgresql://desk:sesame@127.0.0.1:1/office",
                     "backup")
    assert "sesame" not in assert_one_line_error(result, 2)
