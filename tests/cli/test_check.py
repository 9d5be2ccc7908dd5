"""``synergy-desk check`` run as a real process on an office with money problems in it."""

from __future__ import annotations

from pathlib import Path

from synergy_desk.models import tables as t
from synergy_desk.services.common import transaction
from synergy_desk.services.money import credit_notes, payments
from tests.cli.test_main import run_cli
from tests.services.money.test_funding import cash, new_customer, new_incident


def test_check_fails_on_an_incident_funded_by_a_refunded_payment(
        tmp_path: Path, office, manager, reception, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    clean = run_cli(tmp_path, "--database", office["url"], "check")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "No problems" in clean.stdout

    with transaction():  # the credit note alone, the funding left as it was
        credit_notes.refund_line_in_tx(
            manager, t.PaymentLine.get_by_id(receipt.lines[0].line_id), "Money back")
    result = run_cli(tmp_path, "--database", office["url"], "check")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        f"{incident.reference} is still funded by receipt R-000001, whose line was refunded "
        "on credit note CN-000001: the customer has the money back and the cover."]
    assert "1 problem found" in result.stderr and "nothing was changed" in result.stderr
