"""``synergy-desk import statement FILE``, run as a real process on an office with open payment
requests (the example statements of tests/data/statements/, described in
tests/services/data/test_bank_statements.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from synergy_desk.domain.enums import IncidentStatus, Role
from synergy_desk.models import tables as t
from synergy_desk.models.database import close_database, open_database
from tests.cli.test_main import assert_one_line_error, run_cli
from tests.conftest import make_user
from tests.services.data.test_bank_statements import STATEMENTS, make_office


@pytest.fixture
def office_url(sqlite_db_url: str, password_hash: str) -> str:
    """An office with the seven requests the example statements pay (and some they do not)."""
    t.OfficeSettings.create(
        company_name="Synergy Support Ltd", address="1 High Street\nLeeds\nLS1 1AA",
        vat_number="GB123456789", incident_price_pence=7500, vat_rate_bp=2000,
        ticket_incident_price_pence=6500, ticket_default_size=10, ticket_validity_days=365)
    product = t.Product.create(name="Ledger Accounts", current_version="12.4")
    manager = make_user("mary", Role.MANAGER, password_hash, "Mary Manager")
    reception = make_user("rita", Role.RECEPTION, password_hash, "Rita Reception")
    make_office(manager, reception, product)
    close_database()
    return sqlite_db_url


def counts(url: str) -> tuple[int, int, int]:
    open_database(url)
    try:
        return (int(t.BankTransfer.select().count()), int(t.Payment.select().count()),
                int(t.Incident.select().where(t.Incident.status == IncidentStatus.QUEUED)
                    .count()))
    finally:
        close_database()


@pytest.mark.slow
def test_the_statement_is_shown_confirmed_once_recorded_and_not_again(
        tmp_path: Path, office_url: str) -> None:
    path = str(STATEMENTS / "barclays.csv")
    refused = run_cli(tmp_path, "--database", office_url, "import", "statement", path,
                      "--as", "rita", stdin="n\n")
    assert refused.returncode == 0, refused.stderr
    assert "To record (5):" in refused.stdout and "Not matched (8):" in refused.stdout
    assert "→ PR-000001 Sam Ward, Acme Joinery Ltd: pays in full (by reference)" \
        in refused.stdout
    assert "Reference PR1-Q does not check: mistyped?" in refused.stdout
    assert "2 open requests for £90.00 from Dunmore Farms" in refused.stdout
    assert "Money out" in refused.stdout
    assert "Record 5 transfers? [y/N]" in refused.stdout
    assert refused.stdout.rstrip().endswith("Nothing was recorded.")
    assert counts(office_url) == (1, 1, 1)  # Eastgate's, recorded by hand before

    done = run_cli(tmp_path, "--database", office_url, "import", "statement", path,
                   "--as", "rita", stdin="y\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "Recorded £100.00 for PR-000002 Bramley Dental Practice: £80.00 still to come." \
        in done.stdout
    assert "paid, receipt R-000002; INC-000001 queued" in done.stdout
    assert done.stdout.rstrip().endswith(
        "Recorded 5 transfers; receipts issued: R-000002, R-000003, R-000004, R-000005.")
    assert counts(office_url) == (6, 5, 6)

    again = run_cli(tmp_path, "--database", office_url, "import", "statement",
                    str(STATEMENTS / "hsbc.csv"), "--yes")
    assert again.returncode == 0, again.stderr
    assert "Nothing to record" in again.stdout
    assert again.stdout.count("Recorded already on PR-0000") == 5
    assert counts(office_url) == (6, 5, 6)


@pytest.mark.slow
def test_an_ofx_statement_with_yes_records_without_asking(tmp_path: Path,
                                                          office_url: str) -> None:
    result = run_cli(tmp_path, "--database", office_url, "import", "statement",
                     str(STATEMENTS / "nationwide.ofx"), "--yes")
    assert result.returncode == 0, result.stderr
    assert "Reading nationwide.ofx: OFX, 13 lines." in result.stdout
    assert "[y/N]" not in result.stdout
    assert counts(office_url) == (6, 5, 6)


@pytest.mark.slow
def test_dry_run_and_chosen_columns(tmp_path: Path, office_url: str) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("When,Who,What,How much\n02/12/2026,ACME JOINERY,PR1-Z,90.00\n")
    result = run_cli(tmp_path, "--database", office_url, "import", "statement", str(odd),
                     "--map", "date=When", "--map", "description=Who",
                     "--map", "description=What", "--map", "amount=How much", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "description ← “Who” + “What”" in result.stdout
    assert "Nothing was recorded (--dry-run); 1 transfer would be." in result.stdout
    assert counts(office_url) == (1, 1, 1)


@pytest.mark.parametrize(("content", "message"), [
    ("Date,Description,Amount\n01/12/2026,A,1.00\n31/02/2026,B,2.00\n",
     "line 3: “31/02/2026” is not a date"),
    ("Name,Phone\nAcme,01904 123456\n", "no date column"),
])
def test_a_bad_statement_is_one_line_and_exit_2(tmp_path: Path, office_url: str,
                                                content: str, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    result = run_cli(tmp_path, "--database", office_url, "import", "statement", str(bad),
                     "--yes")
    line = assert_one_line_error(result, 2)
    assert message in line
    assert counts(office_url) == (1, 1, 1)


def test_an_unknown_user_and_a_wrong_map_are_exit_2(tmp_path: Path, office_url: str) -> None:
    path = str(STATEMENTS / "barclays.csv")
    nobody = run_cli(tmp_path, "--database", office_url, "import", "statement", path,
                     "--as", "nobody", "--yes")
    assert "There is no user “nobody”" in assert_one_line_error(nobody, 2)
    wrong = run_cli(tmp_path, "--database", office_url, "import", "statement", path,
                    "--map", "amount=Nothing")
    assert "no column headed “Nothing”" in assert_one_line_error(wrong, 2)
    assert counts(office_url) == (1, 1, 1)
