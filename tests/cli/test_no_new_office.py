"""Only ``init`` creates an office: every other command on a mistyped path or an empty file
says there is no office there, and creates nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from synergy_desk.models.database import sqlite_url
from tests.cli.test_main import PASSWORD, assert_one_line_error, run_cli


def _commands(tmp_path: Path) -> dict[str, tuple[str, ...]]:
    out = tmp_path / "out"
    csv = tmp_path / "customers.csv"
    csv.write_text("name,email\nAcme Ltd,info@acme.example\n", encoding="utf-8")
    return {
        "check": ("check",),
        "backup": ("backup",),
        "backup --out": ("backup", "--out", str(out) + ".sqlite3"),
        "export": ("export", "payments", "--out", str(out) + ".csv"),
        "report": ("report", "cashup", "--out", str(out) + ".pdf"),
        "receipt": ("receipt", "R-000001", "--out", str(out) + ".pdf"),
        "demo": ("demo",),
        "import": ("import", "customers", str(csv)),
        "copy-to": ("copy-to", sqlite_url(tmp_path / "target.sqlite3")),
    }


NAMES = ["check", "backup", "backup --out", "export", "report", "receipt", "demo", "import",
         "copy-to"]


def _everything(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.parts[len(folder.parts)] not in ("log", "data", "state"))


@pytest.mark.parametrize("name", NAMES)
def test_a_command_on_a_missing_office_creates_nothing(tmp_path: Path, name: str) -> None:
    command = _commands(tmp_path)[name]
    missing = tmp_path / "mistyped" / "offfice.sqlite3"
    before = _everything(tmp_path)
    result = run_cli(tmp_path, "--database", sqlite_url(missing), *command)
    line = assert_one_line_error(result, 2)
    assert f"There is no office database at {missing}" in line
    assert "synergy-desk init" in line
    assert _everything(tmp_path) == before


@pytest.mark.parametrize("name", NAMES)
def test_a_command_on_an_empty_file_creates_nothing(tmp_path: Path, name: str) -> None:
    command = _commands(tmp_path)[name]
    empty = tmp_path / "office.sqlite3"
    empty.touch()
    before = _everything(tmp_path)
    result = run_cli(tmp_path, "--database", sqlite_url(empty), *command)
    line = assert_one_line_error(result, 2)
    assert f"There is no office database at {empty}" in line
    assert empty.stat().st_size == 0
    assert _everything(tmp_path) == before


def test_init_still_creates_the_office_and_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "office.sqlite3"
    result = run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "mary",
                     stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert path.stat().st_size > 0
    assert run_cli(tmp_path, "--database", sqlite_url(path), "check").returncode == 0


def test_init_makes_an_office_of_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    path.touch()
    result = run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "mary",
                     stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert run_cli(tmp_path, "--database", sqlite_url(path), "check").returncode == 0
