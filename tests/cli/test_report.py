"""``synergy-desk report NAME --from DATE --to DATE --out FILE``: a report as PDF or CSV."""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from synergy_desk import cli
from synergy_desk.domain.enums import PaymentMethod
from synergy_desk.domain.money import decimal_pence, format_pence
from synergy_desk.services.money import payments
from tests.cli.test_main import assert_one_line_error, run_cli
from tests.services.money.test_funding import new_customer


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def take_cash(office: dict[str, Any]) -> payments.ReceiptInfo:
    customer = new_customer("Acme Joinery")
    return payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=customer.id, ticket_size=2, method=PaymentMethod.CASH,
        tendered_pence=100_000))


def report(office: dict[str, Any], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, "--database", office["url"], "report", *args)


def test_report_is_a_command_listing_the_reports(tmp_path: Path) -> None:
    commands = [a for a in cli.build_parser()._actions
                if isinstance(a, argparse._SubParsersAction)]
    assert commands and "report" in commands[0].choices
    result = run_cli(tmp_path, "report", "--help")
    assert result.returncode == 0
    for name, title in (("cashup", "End-of-day cash-up"), ("incidents", "Incidents"),
                        ("tickets", "Season tickets"), ("overrides", "Waivers and overrides"),
                        ("registers", "Registers")):
        assert name in result.stdout and title in result.stdout


def test_cashup_as_pdf_and_csv(office: dict[str, Any], tmp_path: Path) -> None:
    paid = take_cash(office)
    out = tmp_path / "cashup.pdf"
    ok = report(office, tmp_path, "cashup", "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    assert "Wrote the end-of-day cash-up report" in ok.stdout
    text = pdf_text(out.read_bytes())
    assert "End-of-day cash-up" in text and paid.number in text
    assert f"Cash to be in the drawer (before any float) {format_pence(paid.gross_pence)}" in text
    assert "Generated" in text and "Mary Manager" in text

    to_stdout = report(office, tmp_path, "cashup", "--from", "today", "--to", "today",
                       "--out", "-")
    assert to_stdout.returncode == 0, to_stdout.stderr
    rows = list(csv.reader(io.StringIO(to_stdout.stdout)))
    assert rows[0] == ["End-of-day cash-up"]
    assert next(r for r in rows if r and r[0] == "Receipts") == ["Receipts", "1"]
    assert next(r for r in rows if r and r[0] == "Gross takings") == [
        "Gross takings", decimal_pence(paid.gross_pence)]
    assert any(r and r[0] == paid.number for r in rows)

    file_csv = tmp_path / "tickets.csv"
    ok = report(office, tmp_path, "tickets", "--out", str(file_csv))
    assert ok.returncode == 0, ok.stderr
    rows = list(csv.reader(io.StringIO(file_csv.read_text(encoding="utf-8-sig"))))
    assert ["Tickets sold", "1"] in rows


def test_bad_input_exits_2_with_one_line(office: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    bad_name = report(office, tmp_path, "takings", "--out", str(out))
    assert "choose one of cashup, incidents" in assert_one_line_error(bad_name, 2)
    bad_date = report(office, tmp_path, "cashup", "--from", "31/02/2026", "--out", str(out))
    assert "not a date" in assert_one_line_error(bad_date, 2)
    backwards = report(office, tmp_path, "incidents", "--from", "2026-12-02", "--to",
                       "2026-12-01", "--out", str(out))
    assert "after its last day" in assert_one_line_error(backwards, 2)
    bad_kind = report(office, tmp_path, "cashup", "--out", str(tmp_path / "r.txt"))
    assert ".pdf or .csv" in assert_one_line_error(bad_kind, 2)
    no_folder = tmp_path / "no such folder" / "r.pdf"
    missing = report(office, tmp_path, "cashup", "--out", str(no_folder))
    assert assert_one_line_error(missing, 2) == (
        f"synergy-desk: error: There is no folder {no_folder.parent} to save r.pdf in.")
    assert not out.exists() and not no_folder.parent.exists()


def test_the_user_named_is_found_whatever_the_case(office: dict[str, Any],
                                                    tmp_path: Path) -> None:
    out = tmp_path / "cashup.csv"
    result = report(office, tmp_path, "cashup", "--out", str(out), "--user", "MARY")
    assert result.returncode == 0, result.stderr
    assert "Mary Manager" in out.read_text(encoding="utf-8-sig")
    refused = report(office, tmp_path, "incidents", "--out", str(out), "--user", "rita")
    assert "a reception user" in assert_one_line_error(refused, 2)
