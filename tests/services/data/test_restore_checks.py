"""A restore checks the backup as ``check`` checks an office, and refuses a tampered one."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.database import close_database, open_database
from synergy_desk.services.data import backup
from tests.services.data.test_backup import _cash_payment, needs_pg_tools
from tests.services.reporting.test_integrity import sql


def _office_with_receipts(office: dict[str, Any], n: int) -> None:
    for i in range(n):
        _cash_payment(office["reception"], office, f"Customer {i}")


def _edit_sqlite(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(str(path))
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture
def sqlite_office(office: dict[str, Any]) -> dict[str, Any]:
    if not str(office["url"]).startswith("sqlite"):
        pytest.skip("a SQLite backup file")
    return office


def _products() -> set[str]:
    return {p.name for p in t.Product.select()}


@pytest.mark.parametrize("tamper, named", [
    (("UPDATE payment SET gross_pence = 1 WHERE receipt_number = 2",), "R-000002"),
    (("DELETE FROM payment_line WHERE payment_id IN "
      "(SELECT id FROM payment WHERE receipt_number > 1)",
      "DELETE FROM payment WHERE receipt_number > 1"), "rows were deleted"),
    (("UPDATE \"user\" SET role = 'manager' WHERE username = 'rita'",
      "DELETE FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log)"), "audit log row"),
])
def test_a_tampered_sqlite_backup_is_refused_and_changes_nothing(
        sqlite_office: dict[str, Any], tmp_path: Path, tamper: tuple[str, ...],
        named: str) -> None:
    _office_with_receipts(sqlite_office, 6)
    url = str(sqlite_office["url"])
    close_database()
    taken = backup.backup_database(url, tmp_path / "b.sqlite3")
    _edit_sqlite(taken.path, *tamper)
    open_database(url)
    t.Product.create(name="Made After The Backup")
    close_database()
    with pytest.raises(ValidationError) as refused:
        backup.restore_database(url, taken.path)
    message = str(refused.value)
    assert message.startswith(f"The backup {taken.path} is not as the program wrote it")
    assert named in message and "nothing was changed" in message
    assert "--accept-tampered" in message
    open_database(url)
    assert "Made After The Backup" in _products()
    close_database()
    # Told explicitly, the restore goes ahead.
    backup.restore_database(url, taken.path, accept_tampered=True)
    open_database(url)
    assert "Made After The Backup" not in _products()


def test_an_untampered_sqlite_backup_is_restored(sqlite_office: dict[str, Any],
                                                 tmp_path: Path) -> None:
    _office_with_receipts(sqlite_office, 2)
    url = str(sqlite_office["url"])
    close_database()
    taken = backup.backup_database(url, tmp_path / "b.sqlite3")
    result = backup.restore_database(url, taken.path)
    assert result.counts == taken.counts


@needs_pg_tools
def test_a_tampered_postgresql_backup_is_refused_and_the_office_put_back(
        office: dict[str, Any], tmp_path: Path) -> None:
    url = str(office["url"])
    if not url.startswith("postgres"):
        pytest.skip("a pg_dump archive")
    _office_with_receipts(office, 3)
    sql("UPDATE payment SET gross_pence = 1 WHERE receipt_number = 2")
    close_database()
    taken = backup.backup_database(url, tmp_path / "office.dump")
    open_database(url)
    sql("UPDATE payment SET gross_pence = (SELECT gross_pence FROM payment "
        "WHERE receipt_number = 1) WHERE receipt_number = 2")
    t.Product.create(name="Made After The Backup")
    close_database()
    with pytest.raises(ValidationError) as refused:
        backup.restore_database(url, taken.path)
    message = str(refused.value)
    assert "R-000002" in message
    assert "the office was put back as it was before the restore" in message
    open_database(url)
    try:
        assert "Made After The Backup" in _products()
    finally:
        close_database()
    backup.restore_database(url, taken.path, accept_tampered=True)
    open_database(url)
    assert "Made After The Backup" not in _products()



def test_a_backup_in_a_folder_named_with_a_hash_is_checked_where_it_is(
        sqlite_office: dict[str, Any], tmp_path: Path) -> None:
    """The check reads the backup through an address: "Accounts #2" is a folder, not a cut."""
    from synergy_desk.services.reporting import integrity

    _office_with_receipts(sqlite_office, 2)
    folder = tmp_path / "Accounts #2"
    folder.mkdir()
    taken = backup.backup_database(str(sqlite_office["url"]), folder / "office.sqlite3")
    assert integrity.check_sqlite_backup(taken.path) == []
    _edit_sqlite(taken.path, "UPDATE payment SET gross_pence = 1 WHERE receipt_number = 2")
    assert any("R-000002" in str(problem) for problem in integrity.check_sqlite_backup(taken.path))
