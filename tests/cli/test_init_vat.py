"""``init`` says whether the new office is VAT-registered."""

from __future__ import annotations

from pathlib import Path

from synergy_desk.models.database import close_database, open_database, sqlite_url
from tests.cli.test_main import PASSWORD, assert_one_line_error, run_cli


def _registered(path: Path) -> bool:
    from synergy_desk.services.office.settings import get_settings

    open_database(sqlite_url(path))
    try:
        return get_settings().vat_registered
    finally:
        close_database()


def test_init_makes_an_office_not_vat_registered_when_told(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    result = run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "mary",
                     "--company", "Corner Desk", "--not-vat-registered", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert _registered(path) is False


def test_init_makes_a_vat_registered_office_by_default(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    result = run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "mary",
                     "--company", "Corner Desk", "--vat-number", "GB123456789",
                     stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert _registered(path) is True


def test_init_refuses_a_vat_number_for_an_office_not_registered(tmp_path: Path) -> None:
    path = tmp_path / "office.sqlite3"
    result = run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "mary",
                     "--company", "Corner Desk", "--vat-number", "GB123456789",
                     "--not-vat-registered", stdin=PASSWORD + "\n")
    assert "--not-vat-registered" in assert_one_line_error(result, 2)
    assert not path.exists()
    result = run_cli(tmp_path, "--database", sqlite_url(path), "init", "--manager", "mary",
                     "--not-vat-registered", stdin=PASSWORD + "\n")
    assert "--company" in assert_one_line_error(result, 2)
