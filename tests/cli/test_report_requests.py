"""``synergy-desk report requests``: the payment-requests report as a PDF or CSV file."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payment_requests
from synergy_desk.services.money.payment_requests import RequestInput
from tests.cli.test_main import assert_one_line_error, run_cli
from tests.cli.test_report import pdf_text
from tests.services.money.test_funding import new_customer, new_incident
from tests.services.money.test_payment_requests import set_bank, today


def issue(office: dict[str, Any], manager: Actor, product: t.Product
          ) -> payment_requests.RequestInfo:
    set_bank(manager)
    customer = new_customer("Acme Joinery")
    incident = new_incident(office["reception"], customer, product)
    return payment_requests.issue_request(office["reception"],
                                          RequestInput(customer.id, (incident.id,)))


def report(office: dict[str, Any], tmp_path: Path, *args: str):  # type: ignore[no-untyped-def]
    return run_cli(tmp_path, "--database", office["url"], "report", "requests", *args)


def test_the_report_is_listed_and_written_as_pdf_and_csv(
        office: dict[str, Any], manager: Actor, product: t.Product, tmp_path: Path) -> None:
    listed = run_cli(tmp_path, "report", "--help")
    assert listed.returncode == 0 and "requests" in listed.stdout
    assert "Payment requests" in listed.stdout
    request = issue(office, manager, product)
    day = today().isoformat()
    pdf = tmp_path / "requests.pdf"
    ok = report(office, tmp_path, "--from", day, "--to", day, "--out", str(pdf))
    assert ok.returncode == 0, ok.stderr
    assert "Wrote the payment requests report" in ok.stdout
    text = pdf_text(pdf.read_bytes())
    assert "Payment requests" in text and request.number in text and request.reference in text
    assert "£90.00" in text
    out = tmp_path / "requests.csv"
    ok = report(office, tmp_path, "--from", day, "--to", day, "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Payment requests"]
    assert ["Requests issued", "1"] in rows
    assert ["PR-000001", "Acme Joinery", "90.00", "0.00", "90.00", "0.00"] in rows


def test_bad_dates_exit_2_with_one_line(office: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "requests.pdf"
    bad = report(office, tmp_path, "--from", "31/02/2026", "--out", str(out))
    assert "not a date" in assert_one_line_error(bad, 2)
    backwards = report(office, tmp_path, "--from", "2026-12-02", "--to", "2026-12-01",
                       "--out", str(out))
    assert "after its last day" in assert_one_line_error(backwards, 2)
    assert not out.exists()
