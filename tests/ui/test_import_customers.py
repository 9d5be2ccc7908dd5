"""The import dialog (mapping, preview, bad rows, skip, import) and the window's exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synergy_desk.models import tables as t
from synergy_desk.services.data.csv_export import ExportResult
from synergy_desk.ui import exports, palette
from synergy_desk.ui.dialogs import import_customers
from synergy_desk.ui.dialogs.import_customers import ImportCustomersDialog
from synergy_desk.ui.worker import Background
from tests.ui.conftest import InlineBackground, ShownErrors

HEADER = "A/C,Name,Street1,Town,Post Code,Contact Name,Telephone,E-mail,Notes"


def write_file(tmp_path: Path, count: int, bad_line: int | None = None) -> Path:
    lines = [HEADER]
    for n in range(1, count + 1):
        phone = "12ab" if bad_line == n + 1 else f"0113 496 {n:04d}"
        name = "Café Zoë £" if n == 1 else f"Customer {n}"
        lines.append(f"AC{n:04d},{name},{n} High St,Leeds,LS1 1AA,Person {n},{phone},"
                     f"c{n}@example.co.uk,Note {n}")
    path = tmp_path / "customers.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def open_dialog(qtbot: Any, office: dict[str, Any], path: Path,
                monkeypatch: pytest.MonkeyPatch) -> ImportCustomersDialog:
    """The dialog with the file read; its background jobs run at once."""
    dialog = ImportCustomersDialog(None, office["manager"], InlineBackground())
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_open_path", lambda: str(path))
    dialog.choose_button.click()
    assert dialog.preview_table.rowCount() > 0
    return dialog


def test_bad_rows_are_red_and_block_the_import_until_skipped(
        qtbot: Any, office: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        shown_errors: ShownErrors) -> None:
    dialog = open_dialog(qtbot, office, write_file(tmp_path, 20, bad_line=14), monkeypatch)
    assert dialog.objectName() == "importCustomersDialog"
    assert dialog.mapping()["phone"] == "Telephone"
    assert dialog.mapping()["account_code"] == "A/C"
    assert "Windows-1252" in dialog.detected.text()
    assert dialog.preview_table.item(0, 2).text() == "Café Zoë £"
    assert dialog.count_label.text().startswith("1 bad row of 20")
    assert dialog.bad_table.rowCount() == 1
    assert dialog.bad_table.item(0, 0).text() == "14"
    assert "“12ab” is not a phone number" in dialog.bad_table.item(0, 1).text()
    bad = next(r for r in range(dialog.preview_table.rowCount())
               if dialog.preview_table.item(r, 0).text() == "14")
    marked = palette.ERROR_TONE.background.qcolor()
    assert dialog.preview_table.item(bad, 0).background().color() == marked
    good = dialog.preview_table.item(0, 0)
    assert good.background().color() != marked
    assert not dialog.import_button.isEnabled()
    assert "fix them in the file, or skip them" in dialog.count_label.text()
    dialog.skip_bad.setChecked(True)
    assert dialog.import_button.isEnabled()
    assert dialog.count_label.text() == "1 bad row of 20."  # no longer told to skip them
    dialog.import_button.click()
    assert dialog.result_value is not None
    assert (dialog.result_value.imported, dialog.result_value.skipped) == (19, 1)
    assert t.Customer.select().count() == 19
    assert shown_errors.shown == []


def test_changing_the_mapping_checks_again(qtbot: Any, office: dict[str, Any],
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           shown_errors: ShownErrors) -> None:
    dialog = open_dialog(qtbot, office, write_file(tmp_path, 5), monkeypatch)
    assert dialog.import_button.isEnabled()
    assert dialog.count_label.text() == "All 5 rows can be imported."
    name = dialog._combos["name"]
    name.setCurrentIndex(0)  # "(not imported)": the required name has no column
    assert "required" in dialog.count_label.text()
    assert not dialog.import_button.isEnabled()
    name.setCurrentIndex(name.findData("Contact Name"))
    assert dialog.import_button.isEnabled()
    assert dialog.preview_table.item(0, 2).text() == "Person 1"


def test_a_refused_file_is_told(qtbot: Any, office: dict[str, Any], tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch,
                                shown_errors: ShownErrors) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    dialog = ImportCustomersDialog(None, office["manager"], Background())
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_open_path", lambda: str(path))
    dialog.choose_button.click()
    qtbot.waitUntil(lambda: bool(shown_errors.shown), timeout=10_000)
    assert "is empty" in str(shown_errors.messages[0])
    assert not dialog.import_button.isEnabled()


def test_a_file_that_cannot_be_read_is_told_not_a_crash(
        qtbot: Any, office: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        inline_background: InlineBackground, shown_errors: ShownErrors) -> None:
    path = write_file(tmp_path, 3)

    opening = Path.open

    def unreadable(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:  # as a file another user owns: the service reads it, and says so
            raise PermissionError(13, "Permission denied", str(self))
        return opening(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", unreadable)
    dialog = ImportCustomersDialog(None, office["manager"], inline_background)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "ask_open_path", lambda: str(path))
    dialog.choose_button.click()
    said = "Could not read customers.csv: Permission denied."
    assert [str(exc) for exc in shown_errors.messages] == [said]
    assert shown_errors.crashes == []
    assert dialog.count_label.text() == said
    assert not dialog.import_button.isEnabled()


def test_open_import_customers_returns_none_when_cancelled(
        office: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImportCustomersDialog, "ask", classmethod(lambda cls, *a: None))
    assert import_customers.open_import_customers(None, office["manager"], Background()) is None


def test_export_flow_asks_the_period_and_file_and_saves(
        qtbot: Any, office: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        inline_background: InlineBackground, shown_errors: ShownErrors) -> None:
    out = tmp_path / "payments.csv"
    asked: list[str] = []
    monkeypatch.setattr(exports.ExportPeriodDialog, "ask",
                        classmethod(lambda cls, parent, what: asked.append(what)
                                    or exports.ExportPeriod(None, None)))
    monkeypatch.setattr(exports, "ask_save_path", lambda parent, what: str(out))
    results: list[ExportResult | None] = []
    exports.export_flow(None, office["manager"], inline_background, "payments",
                        results.append)
    assert asked == ["payments"]
    assert results[0] is not None and results[0].path == str(out)
    assert out.read_text(encoding="utf-8-sig").startswith("Receipt,Date")
    assert shown_errors.shown == []


def test_export_flow_refuses_reception(qtbot: Any, office: dict[str, Any], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       inline_background: InlineBackground,
                                       shown_errors: ShownErrors) -> None:
    out = tmp_path / "customers.csv"
    monkeypatch.setattr(exports, "ask_save_path", lambda parent, what: str(out))
    results: list[ExportResult | None] = []
    exports.export_flow(None, office["reception"], inline_background, "customers",
                        results.append)
    assert results == [None]
    assert "Only managers may export customers" in str(shown_errors.shown[0])
    assert not out.exists()


def test_export_flow_refuses_an_engineer_customers_and_payments(
        qtbot: Any, office: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        inline_background: InlineBackground, shown_errors: ShownErrors) -> None:
    out = tmp_path / "export.csv"
    monkeypatch.setattr(exports.ExportPeriodDialog, "ask",
                        classmethod(lambda cls, parent, what: exports.ExportPeriod(None, None)))
    monkeypatch.setattr(exports, "ask_save_path", lambda parent, what: str(out))
    results: list[ExportResult | None] = []
    for what in ("customers", "payments"):
        exports.export_flow(None, office["engineer"], inline_background, what, results.append)
    assert results == [None, None]
    assert [str(e).split(";")[0] for e in shown_errors.shown] == [
        "Only managers may export customers", "Only managers may export payments"]
    assert not out.exists()


def test_period_dialog_refuses_a_backwards_period(qtbot: Any) -> None:
    from PySide6.QtCore import QDate

    dialog = exports.ExportPeriodDialog(None, "incidents")
    qtbot.addWidget(dialog)
    dialog.start.setDate(QDate(2027, 3, 2))
    dialog.end.setDate(QDate(2027, 3, 1))
    dialog.accept()
    assert dialog.value is None
    assert "ends before it starts" in dialog.message.text()
    dialog.end.setDate(QDate(2027, 3, 31))
    dialog.accept()
    assert dialog.value == exports.ExportPeriod(
        QDate(2027, 3, 2).toPython(), QDate(2027, 3, 31).toPython())


def test_an_import_stopped_part_way_says_its_customers_were_removed_again(
        qtbot: Any, office: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        shown_errors: ShownErrors) -> None:
    from synergy_desk.services.data import csv_import

    dialog = open_dialog(qtbot, office, write_file(tmp_path, 1_200), monkeypatch)
    monkeypatch.setattr(csv_import, "MAX_BATCH_ROWS", csv_import.FIRST_BATCH_ROWS)
    monkeypatch.setattr(csv_import, "MIN_BATCH_ROWS", csv_import.FIRST_BATCH_ROWS)
    pauses = [0]

    def another_desk_takes_a_code() -> None:
        pauses[0] += 1
        if pauses[0] == 1:  # between the first batch and the second
            t.Customer.create(account_code="AC1100", name="Typed in meanwhile")

    monkeypatch.setattr(csv_import, "_pause", another_desk_takes_a_code)
    dialog.import_button.click()
    said = shown_errors.messages[0].message
    assert "“AC1100” was given to another customer" in said
    assert "the 1,000 customers it had added were removed again" in said  # two batches
    assert dialog.count_label.text() == said
    assert dialog.result_value is None and dialog.import_button.isEnabled()
    assert [c.name for c in t.Customer.select()] == ["Typed in meanwhile"]


def test_a_desk_starting_undoes_an_import_whose_process_died(
        qtbot: Any, office: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    import subprocess
    import sys

    from PySide6.QtWidgets import QMessageBox

    from synergy_desk.models.base import utcnow

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    died = t.CustomerImport.create(file_name="big.csv", state="importing",
                                   started_by=office["manager"].id, heartbeat_at=utcnow(),
                                   host=socket.gethostname(), pid=int(ended.stdout), written=3)
    for n in range(3):
        t.Customer.create(account_code=f"BIG{n}", name=f"Big {n}", customer_import=died.id)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: told.append(box.text()) or 0)

    import_customers.undo_stopped_imports(None)

    assert told == ["An import of big.csv had stopped half-way; the 3 customers it had added "
                    "were removed again, so nothing was imported."]
    assert t.Customer.select().count() == 0
    told.clear()
    import_customers.undo_stopped_imports(None)
    assert told == []
