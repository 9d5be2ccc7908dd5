"""The ``synergy-desk`` command line, run as a real process: exit codes, one-line errors."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from synergy_desk import __version__
from synergy_desk.domain.enums import Role
from synergy_desk.models.database import close_database, open_database, sqlite_url
from synergy_desk.services.people.users import login

PASSWORD = "a long secret"


def run_cli(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # Keep the log (and any default data folder) out of the real profile.
    env["SYNERGY_DESK_LOG_DIR"] = str(tmp_path / "log")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    return subprocess.run([sys.executable, "-m", "synergy_desk", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120, check=False)


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("synergy-desk: error: ")
    return lines[0]


def test_init_creates_the_database_and_a_manager_who_can_log_in(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    result = run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "Mary",
                     "--full-name", "Mary Manager", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "mary" in result.stdout
    open_database(sqlite_url(path))
    try:
        actor = login("mary", PASSWORD)
    finally:
        close_database()
    assert actor.role is Role.MANAGER
    assert actor.full_name == "Mary Manager"


def test_init_with_company_sets_up_the_office_too(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    result = run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "mary",
                     "--company", "Synergy Support Ltd", "--address", "1 High Street, Leeds",
                     stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "Synergy Support Ltd" in result.stdout
    open_database(sqlite_url(path))
    try:
        from synergy_desk.services.office.settings import get_settings

        office = get_settings()
        assert login("mary", PASSWORD).role is Role.MANAGER
    finally:
        close_database()
    assert office.company_name == "Synergy Support Ltd"
    assert office.address == "1 High Street, Leeds"


def test_office_details_without_a_company_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    result = run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "mary",
                     "--vat-number", "GB123456789", stdin=PASSWORD + "\n")
    assert "--company" in assert_one_line_error(result, 2)
    assert not path.exists()


def test_database_option_is_accepted_after_the_command(tmp_path: Path) -> None:
    path = tmp_path / "after.sqlite3"
    result = run_cli(tmp_path, "init", "--manager", "mary", "--database", sqlite_url(path),
                     stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert path.exists()


def test_init_into_an_existing_empty_database(db_url: str, tmp_path: Path) -> None:
    """On SQLite and PostgreSQL alike: a migrated database with no users gets its manager."""
    result = run_cli(tmp_path, "init", "--manager", "mary", "--database", db_url,
                     stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert login("mary", PASSWORD).role is Role.MANAGER


def test_init_twice_is_refused(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "office.sqlite3")
    assert run_cli(tmp_path, "--database", url, "init", "--manager", "mary",
                   stdin=PASSWORD + "\n").returncode == 0
    again = run_cli(tmp_path, "--database", url, "init", "--manager", "other",
                    stdin=PASSWORD + "\n")
    message = assert_one_line_error(again, 2)
    assert "already has users" in message


@pytest.mark.parametrize(("stdin", "expected"), [
    ("", "no password"),
    ("short\n", "at least 8 characters"),
])
def test_init_refuses_a_missing_or_weak_password(tmp_path: Path, stdin: str,
                                                 expected: str) -> None:
    url = sqlite_url(tmp_path / "office.sqlite3")
    result = run_cli(tmp_path, "--database", url, "init", "--manager", "mary", stdin=stdin)
    assert expected in assert_one_line_error(result, 2)
    open_database(url)
    try:
        from synergy_desk.services.people.users import has_users

        assert not has_users()
    finally:
        close_database()


def test_init_refuses_a_bad_user_name(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "office.sqlite3")
    result = run_cli(tmp_path, "--database", url, "init", "--manager", "mary smith",
                     stdin=PASSWORD + "\n")
    assert "user name" in assert_one_line_error(result, 2)


def test_a_database_url_of_an_unknown_kind_is_bad_input(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--database", "mysql://office/desk", "init", "--manager", "mary",
                     stdin=PASSWORD + "\n")
    assert "mysql://office/desk" in assert_one_line_error(result, 2)


def test_a_file_that_is_not_a_database_is_bad_input_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_text("a shopping list, not a database\n")
    result = run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "mary",
                     stdin=PASSWORD + "\n")
    assert "not a Synergy Desk database" in assert_one_line_error(result, 2)
    assert path.read_text() == "a shopping list, not a database\n"


@pytest.mark.parametrize("args", [
    ["--no-such-option"],
    ["no-such-command"],
    ["init"],  # --manager is required
])
def test_argument_mistakes_are_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = run_cli(tmp_path, *args)
    assert "--help" in assert_one_line_error(result, 2)


def test_version(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"synergy-desk {__version__}"


def test_check_passes_on_a_clean_database(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "office.sqlite3")
    assert run_cli(tmp_path, "--database", url, "init", "--manager", "mary",
                   stdin=PASSWORD + "\n").returncode == 0
    result = run_cli(tmp_path, "--database", url, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems" in result.stdout


def test_check_reports_a_counter_and_a_chain_changed_outside_the_program(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    assert run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "mary",
                   stdin=PASSWORD + "\n").returncode == 0
    conn = sqlite3.connect(str(path))
    conn.execute("UPDATE sequence SET last_value = 3 WHERE name = 'receipt'")
    conn.execute("UPDATE chain_head SET length = 2 WHERE name = 'payment'")
    conn.commit()
    conn.close()
    result = run_cli(tmp_path, "--database", sqlite_url(path), "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "receipt counter stands at 3" in result.stdout
    assert "payment" in result.stdout
    assert "2 problems found" in result.stderr


def test_demo_fills_an_initialised_office_that_then_checks_clean(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "office.sqlite3")
    assert run_cli(tmp_path, "--database", url, "init", "--manager", "mary",
                   "--company", "Test Office", stdin=PASSWORD + "\n").returncode == 0
    result = run_cli(tmp_path, "--database", url, "demo", "--incidents", "400")
    assert result.returncode == 0, result.stderr
    assert "400 incidents" in result.stdout
    assert "synergy-demo" in result.stdout  # the demo users' password is told
    assert "100.0%" in result.stderr  # the progress bar reached its end
    open_database(url)
    try:
        from synergy_desk.models import tables as t

        assert t.Incident.select().count() == 400
        assert t.Customer.select().count() == 40
        assert t.OfficeSettings.get().company_name == "Test Office"
    finally:
        close_database()
    assert run_cli(tmp_path, "--database", url, "check").returncode == 0
    again = run_cli(tmp_path, "--database", url, "demo")
    assert_one_line_error(again, 2)


@pytest.mark.parametrize("value", ["-5", "lots"])
def test_demo_refuses_a_bad_size(tmp_path: Path, value: str) -> None:
    url = sqlite_url(tmp_path / "office.sqlite3")
    assert_one_line_error(run_cli(tmp_path, "--database", url, "demo", "--incidents", value), 2)


def test_a_wrong_option_points_at_the_commands_own_help(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "backup", "--bogus")
    assert "(see synergy-desk backup --help)" in assert_one_line_error(result, 2)


def test_the_help_lists_the_exit_statuses(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "Exit status: 0 done; 2 bad input" in text
    assert "synergy-desk COMMAND --help" in text


def test_progress_off_a_terminal_is_a_line_a_stage_and_tenths_only_when_long(
        capsys: pytest.CaptureFixture[str]) -> None:
    from synergy_desk.cli.common import ProgressBar

    bar = ProgressBar()
    for done in range(0, 101):
        bar(done, 100, "customers")
    for done in range(0, 20_001, 500):
        bar(done, 20_000, "incidents")
    bar.finish()
    lines = capsys.readouterr().err.splitlines()
    assert [line.split("%")[1].split()[0] for line in lines] == ["customers"] + ["incidents"] * 10
    assert "100.0%" in lines[0] and "customers 100/100" in lines[0]
    assert "10.0%" in lines[1] and "100.0%" in lines[-1]


def test_on_a_terminal_the_bar_ends_its_line_once_however_the_work_ends(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from synergy_desk.cli.common import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with pytest.raises(RuntimeError), ProgressBar() as bar:
        bar(5, 10, "rows")
        raise RuntimeError("the work failed")
    bar.finish()
    assert screen.getvalue().startswith("\r[") and screen.getvalue().endswith("\n")
    assert screen.getvalue().count("\n") == 1
