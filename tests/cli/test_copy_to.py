"""``synergy-desk copy-to URL`` through the real entry point."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from synergy_desk.models.database import close_database, sqlite_url
from tests.cli.test_main import assert_one_line_error, run_cli
from tests.conftest import POSTGRES_URL


@pytest.fixture
def office(demo_office_file: Path) -> Path:
    return demo_office_file


def test_copy_to_a_new_sqlite_file_then_refused_the_second_time(office: Path,
                                                                tmp_path: Path) -> None:
    target = tmp_path / "moved.sqlite3"
    result = run_cli(tmp_path, "--database", sqlite_url(office), "copy-to", sqlite_url(target))
    assert result.returncode == 0, result.stderr
    assert "40 incidents" in result.stdout and "Traceback" not in result.stderr
    check = run_cli(tmp_path, "--database", sqlite_url(target), "check")
    assert check.returncode == 0, check.stdout + check.stderr
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT COUNT(*) FROM incident").fetchone()[0] == 40
    conn.close()
    again = run_cli(tmp_path, "--database", sqlite_url(office), "copy-to", sqlite_url(target))
    assert "already holds an office" in assert_one_line_error(again, 2)


def test_copy_to_postgresql(office: Path, tmp_path: Path, db_url: str) -> None:
    if not db_url.startswith("postgres"):
        pytest.skip("PostgreSQL only")
    close_database()
    result = run_cli(tmp_path, "copy-to", POSTGRES_URL, "--database", sqlite_url(office))
    assert result.returncode == 0, result.stderr
    password = POSTGRES_URL.split("@")[0].split(":")[-1]
    assert f":{password}@" not in result.stdout  # the address is shown without its password
    # ... and the next step names the address to give every desk, the password left to type.
    host_and_name = POSTGRES_URL.split("@", 1)[1]
    assert f"--database postgresql://{POSTGRES_URL.split('//')[1].split(':')[0]}:PASSWORD@" \
           f"{host_and_name}" in result.stdout
    check = run_cli(tmp_path, "--database", POSTGRES_URL, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_copy_to_an_address_that_is_not_a_database(office: Path, tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--database", sqlite_url(office), "copy-to", "mysql://x/y")
    assert_one_line_error(result, 2)


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql://desk:s3cret@db.example:5433/office",
     "postgresql://desk:PASSWORD@db.example:5433/office"),
    ("postgresql://desk@db.example/office", "postgresql://desk@db.example/office"),
    ("sqlite:///office.sqlite3", "sqlite:///office.sqlite3"),
])
def test_the_address_to_give_every_desk_hides_the_password(url: str, shown: str) -> None:
    from synergy_desk.cli.copy_to import _address_to_give

    assert _address_to_give(url) == shown
