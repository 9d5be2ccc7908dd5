"""``synergy-desk restore`` with desks open on the office, on SQLite and PostgreSQL: refused
naming them, or gone ahead with --disconnect, saying what the backup lacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synergy_desk.models.database import close_database
from synergy_desk.services.data import backup
from synergy_desk.services.money import payments
from synergy_desk.services.office import desks
from tests.cli.test_main import assert_one_line_error, run_cli
from tests.services.money.test_funding import cash, new_customer, new_incident


def test_restore_names_the_open_desks_and_goes_ahead_with_disconnect(
        office: dict[str, Any], tmp_path: Path) -> None:
    url = str(office["url"])
    taken = backup.backup_database(url, tmp_path / "taken").path
    customer = new_customer("Oduya Joinery")
    incident = new_incident(office["reception"], customer, office["product"])
    receipt = payments.take_payment(office["reception"], cash(customer, (incident.id,)))
    desks.register(office["reception"], computer="RECEPTION-PC")
    close_database()
    refused = run_cli(tmp_path, "--database", url, "restore", str(taken), "--yes")
    line = assert_one_line_error(refused, 2)
    assert "1 desk is open" in line and "Rita Reception on RECEPTION-PC (last seen" in line
    assert "--disconnect" in line and "Nothing was changed" in line
    done = run_cli(tmp_path, "--database", url, "restore", str(taken), "--yes", "--disconnect")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Restored ")
    assert any("told so at their next change: Rita Reception on RECEPTION-PC" in line
               for line in lines)
    assert "1 receipt of the office is not in the backup" in done.stdout
    assert f"  {receipt.number} £90.00 taken " in done.stdout
    assert "Oduya Joinery" in done.stdout


def test_the_help_says_disconnect_applies_to_both_databases(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "restore", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "PostgreSQL only" not in text
    assert "each desk that was open is refused at its next change" in text


def test_a_tampered_backup_is_refused_unless_accept_tampered(
        tmp_path: Path, office: dict[str, Any], reception: Any) -> None:
    import sqlite3

    url = str(office["url"])
    if not url.startswith("sqlite"):
        return  # a pg_dump archive cannot be edited by hand here; the services test has it
    customer = new_customer()
    incident = new_incident(reception, customer, office["product"])
    payments.take_payment(reception, cash(customer, (incident.id,)))
    close_database()
    taken = backup.backup_database(url, tmp_path / "b.sqlite3")
    conn = sqlite3.connect(str(taken.path))
    conn.execute("UPDATE payment SET gross_pence = 1")
    conn.commit()
    conn.close()
    refused = run_cli(tmp_path, "--database", url, "restore", str(taken.path), "--yes")
    message = assert_one_line_error(refused, 2)
    assert "is not as the program wrote it" in message and "R-000001" in message
    assert "nothing was changed" in message and "--accept-tampered" in message
    done = run_cli(tmp_path, "--database", url, "restore", str(taken.path), "--yes",
                   "--accept-tampered")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Restored ")
