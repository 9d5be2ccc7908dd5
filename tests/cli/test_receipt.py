"""``synergy-desk receipt NUMBER --out FILE``: a reprint of any receipt or credit note."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from synergy_desk import cli
from synergy_desk.cli import receipt as receipt_command
from synergy_desk.domain.enums import PaymentMethod
from synergy_desk.services.data import files
from synergy_desk.services.money import payments
from synergy_desk.services.reporting import receipt_documents
from tests.services.money.test_funding import new_customer, new_incident


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def parse(*argv: str) -> argparse.Namespace:
    """The arguments as the command line parses them, with the receipt command added."""
    parser = argparse.ArgumentParser(prog="synergy-desk")
    commands = parser.add_subparsers(dest="command")
    receipt_command.add_parser(commands)
    return parser.parse_args(list(argv))


@pytest.fixture
def paid(office: dict[str, Any]) -> payments.ReceiptInfo:
    reception = office["reception"]
    customer = new_customer()
    incident = new_incident(reception, customer, office["product"], "Cannot print payslips")
    return payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer.id, incident_ids=(incident.id,), method=PaymentMethod.CARD,
        card_brand="Visa", card_last4="4242", auth_code="AB1234"))


def test_receipt_writes_a_reprint_marked_copy(office: dict[str, Any], paid: payments.ReceiptInfo,
                                              tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reprint.pdf"
    args = parse("receipt", "R-000001", "--out", str(out), "--database", office["url"])

    assert args.handler(args) == 0

    data = out.read_bytes()
    assert data == receipt_documents.receipt_pdf("R-000001", copy=True)
    text = pdf_text(data)
    assert "COPY" in text and "VAT receipt R-000001" in text
    assert "Visa •••• 4242, auth AB1234" in text
    assert f"Wrote receipt R-000001 (a reprint marked COPY) to {out}." in capsys.readouterr().out


@pytest.mark.parametrize("typed", ["r-1", " R-000001 ", "1"])
def test_receipt_names_the_number_as_printed_however_it_was_typed(
        office: dict[str, Any], paid: payments.ReceiptInfo, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], typed: str) -> None:
    out = tmp_path / "reprint.pdf"
    args = parse("receipt", typed, "--out", str(out), "--database", office["url"])

    assert args.handler(args) == 0

    assert f"Wrote receipt R-000001 (a reprint marked COPY) to {out}." in capsys.readouterr().out
    assert "R-000001" in pdf_text(out.read_bytes())


def test_a_folder_for_out_is_refused_with_the_file_name_to_give(
        office: dict[str, Any], paid: payments.ReceiptInfo, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    args = parse("receipt", "r-1", "--out", str(tmp_path), "--database", office["url"])

    assert receipt_command.run(args) == 2

    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"synergy-desk: error: {tmp_path} is a folder; give the PDF file's name, "
                   f"e.g. {tmp_path / 'R-000001 COPY.pdf'}."]


@pytest.mark.parametrize("typed", ["CN-000001", "cn1", "CN1"])
def test_receipt_writes_a_credit_note_too(office: dict[str, Any], paid: payments.ReceiptInfo,
                                          tmp_path: Path, typed: str) -> None:
    payments.refund(office["manager"], paid.payment_id, reason="Out of remit")
    out = tmp_path / "cn.pdf"
    args = parse("receipt", typed, "--out", str(out), "--database", office["url"])

    assert receipt_command.run(args) == 0

    text = pdf_text(out.read_bytes())
    assert "Credit note CN-000001" in text and "COPY" in text


@pytest.mark.parametrize("number", ["R-000099", "CN-000001", "banana"])
def test_an_unknown_number_exits_2_with_one_line(
        office: dict[str, Any], paid: payments.ReceiptInfo, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        number: str) -> None:
    out = tmp_path / "none.pdf"
    args = parse("receipt", number, "--out", str(out), "--database", office["url"])

    assert receipt_command.run(args) == 2

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("synergy-desk: error: ")
    assert not out.exists()


def test_a_folder_that_does_not_exist_exits_2_and_leaves_nothing(
        office: dict[str, Any], paid: payments.ReceiptInfo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "missing folder" / "r.pdf"
    args = parse("receipt", "R-000001", "--out", str(out), "--database", office["url"])

    assert receipt_command.run(args) == 2

    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"synergy-desk: error: There is no folder {out.parent} to save r.pdf in."]
    assert not out.parent.exists()


def test_a_failed_write_exits_1_with_one_line(
        office: dict[str, Any], paid: payments.ReceiptInfo, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "write_file_atomically", full_disk)
    out = tmp_path / "r.pdf"
    args = parse("receipt", "R-000001", "--out", str(out), "--database", office["url"])

    assert receipt_command.run(args) == 1

    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"synergy-desk: error: could not write {out}: No space left on device."]
    assert not out.exists()


def test_receipt_is_a_command_of_the_program() -> None:
    commands = [a for a in cli.build_parser()._actions
                if isinstance(a, argparse._SubParsersAction)]
    assert commands and "receipt" in commands[0].choices


def test_receipt_through_the_command_line(office: dict[str, Any], paid: payments.ReceiptInfo,
                                         tmp_path: Path) -> None:
    env = dict(os.environ, SYNERGY_DESK_LOG_DIR=str(tmp_path / "log"),
               XDG_DATA_HOME=str(tmp_path / "data"))
    out = tmp_path / "r.pdf"
    ok = subprocess.run([sys.executable, "-m", "synergy_desk", "--database", office["url"],
                         "receipt", "R-000001", "--out", str(out)],
                        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "COPY" in pdf_text(out.read_bytes())
    bad = subprocess.run([sys.executable, "-m", "synergy_desk", "--database", office["url"],
                          "receipt", "R-000777", "--out", str(out)],
                         capture_output=True, text=True, env=env, timeout=120, check=False)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "synergy-desk: error: There is no receipt R-000777."
    assert "Traceback" not in bad.stderr
