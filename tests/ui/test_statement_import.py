"""The bank statement's window: the file chosen, its lines matched, the ticked ones recorded,
and a file whose columns are not plain mapped first (reception, offscreen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from synergy_desk.domain.enums import IncidentStatus
from synergy_desk.models import tables as t
from synergy_desk.ui.dialogs.statement_import import (
    AMOUNT,
    EFFECT,
    REQUEST,
    TICK,
    StatementImportDialog,
)
from tests.services.data.test_bank_statements import STATEMENTS, make_office
from tests.ui.conftest import ShownErrors


@pytest.fixture
def statement_office(office: dict[str, Any]) -> dict[str, Any]:
    return make_office(office["manager"], office["reception"], office["product"])


def open_dialog(qtbot: Any, office: dict[str, Any], path: Path,
                monkeypatch: pytest.MonkeyPatch) -> StatementImportDialog:
    dialog = StatementImportDialog(None, office["reception"])
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_open_path", lambda: str(path))
    dialog.show()
    dialog.choose_button.click()
    return dialog


def cell(dialog: StatementImportDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    return item.text() if item is not None else ""


@pytest.mark.slow
def test_reception_records_the_ticked_matches_and_sees_receipts_and_queue(
        qtbot: Any, office: dict[str, Any], statement_office: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch, shown_errors: ShownErrors) -> None:
    dialog = open_dialog(qtbot, office, STATEMENTS / "starling.csv", monkeypatch)
    assert dialog.objectName() == "statementImportDialog"
    assert not dialog.mapping_box.isVisible()  # Starling's headings are plain
    assert dialog.table.rowCount() == 13
    ticked = [row for row in range(13) if dialog.table.item(row, TICK).flags()
              & Qt.ItemFlag.ItemIsUserCheckable]
    assert len(ticked) == 5
    assert dialog.record_button.text() == "&Record 5 transfers"
    rows = {cell(dialog, r, 2): r for r in range(13)}
    wrong = rows["Acme Joinery Ltd PR1-Q"]
    assert cell(dialog, wrong, REQUEST) == ""
    assert cell(dialog, wrong, EFFECT).startswith("Reference PR1-Q does not check: mistyped?")
    part = rows["Bramley Dental PR2X"]
    assert cell(dialog, part, REQUEST) == "PR-000002"
    assert cell(dialog, part, AMOUNT) == "£100.00"
    assert cell(dialog, part, EFFECT) == ("Pays £100.00 of £180.00; £80.00 still to come "
                                          "(by reference)")
    assert cell(dialog, rows["J Bloggs"], EFFECT).startswith("3 open requests for £90.00")
    # Castle's line is left for another day.
    dialog.table.item(rows["Castle Accountants Limited DEC SUPPORT"], TICK).setCheckState(
        Qt.CheckState.Unchecked)
    assert dialog.record_button.text() == "&Record 4 transfers"
    dialog.record_button.click()
    assert shown_errors.shown == []
    summary = dialog.summary.text()
    assert summary.startswith("Recorded 4 transfers. Receipts issued: R-000002, R-000003, "
                              "R-000004.")
    assert "still waits" not in summary  # Bramley's part, then the rest: paid
    incidents = statement_office["incidents"]
    assert "Now in the queue: " + incidents["acme"].reference in summary
    for key in ("acme", "bramley1", "bramley2", "foster"):
        assert t.Incident.get_by_id(incidents[key].id).status == IncidentStatus.QUEUED
    assert t.Incident.get_by_id(incidents["castle"].id).status \
        == IncidentStatus.AWAITING_PAYMENT
    # The lines recorded now read so, and only Castle's can still be ticked.
    assert cell(dialog, rows["Acme Joinery Ltd PR1-Z"], EFFECT).startswith(
        "Recorded already on PR-000001")
    assert dialog.record_button.text() == "&Record 1 transfer"
    assert dialog.result_value is not None and len(dialog.result_value.recorded) == 4


def test_a_file_with_unknown_headings_asks_for_its_columns_first(
        qtbot: Any, office: dict[str, Any], statement_office: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, shown_errors: ShownErrors) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("When,Who,What,How much\n02/12/2026,ACME JOINERY,PR1-Z,90.00\n"
                    "03/12/2026,SOMEONE,,-5.00\n")
    dialog = open_dialog(qtbot, office, path, monkeypatch)
    assert dialog.mapping_box.isVisible()
    assert dialog.table.rowCount() == 0
    assert not dialog.record_button.isEnabled()
    for name, heading in (("date", "When"), ("description", "Who"), ("description2", "What"),
                          ("amount", "How much")):
        combo = dialog.combos[name]
        combo.setCurrentIndex(combo.findData(heading))
    assert dialog.table.rowCount() == 2
    assert cell(dialog, 0, REQUEST) == "PR-000001"
    assert cell(dialog, 1, EFFECT) == "Money out"
    assert dialog.record_button.isEnabled()
    # A column chosen wrongly is said beside the columns, not as an error box.
    dialog.combos["amount"].setCurrentIndex(dialog.combos["amount"].findData("Who"))
    assert "“ACME JOINERY” is not an amount of money" in dialog.mapping_note.text()
    assert dialog.table.rowCount() == 0
    assert shown_errors.shown == []


def test_a_file_that_is_no_statement_is_a_plain_message(
        qtbot: Any, office: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        shown_errors: ShownErrors) -> None:
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\x00\x00\x00binary")
    dialog = open_dialog(qtbot, office, path, monkeypatch)
    assert [str(e) for e in shown_errors.messages] == [
        "“picture.csv” is not a bank statement (it holds binary data). Export the statement "
        "from your bank as CSV or OFX and choose that file."]
    assert dialog.table.rowCount() == 0 and dialog.path_edit.text() == ""
