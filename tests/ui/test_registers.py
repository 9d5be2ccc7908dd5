"""The registers window: both item models, filters, development's answer, CSV and PDF export."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from synergy_desk.domain.enums import EnhancementStatus, EscalationStatus, Resolution
from synergy_desk.domain.errors import PermissionDenied
from synergy_desk.services.incidents import closing, registers
from synergy_desk.services.incidents.closing import EscalationInput
from synergy_desk.services.incidents.detail import incident_detail
from synergy_desk.services.money import funding
from synergy_desk.ui.registers import RegistersWindow
from synergy_desk.ui.table_model import SORT_ROLE
from synergy_desk.ui.worker import Background
from tests.ui.conftest import ShownErrors
from tests.ui.workbench_data import log_new, new_customer


@pytest.fixture
def filled(office: dict[str, Any]) -> dict[str, Any]:
    """Requests asked for by one and by two customers, and an escalation per product."""
    engineer = office["engineer"]
    refs = []
    for name, product in (("Anna Berg", "product"), ("Bo Carlsson", "product"),
                          ("Cy Dahl", "product"), ("Di Eng", "product"), ("Ed Fox", "product2")):
        customer = new_customer(office["reception"], name)
        ref = log_new(office["reception"], customer, office[product].id, f"{name}'s problem")
        funding.waive(office["manager"], ref.id, "goodwill", "Test")
        refs.append(ref)
    closing.resolve(engineer, refs[0].id, Resolution.ENHANCEMENT, "wish",
                      enhancement_title="+Dark mode")
    popular = incident_detail(refs[0].id).enhancement_request_id
    closing.resolve(engineer, refs[1].id, Resolution.ENHANCEMENT, "wish",
                      enhancement_request_id=popular)
    closing.resolve(engineer, refs[2].id, Resolution.ENHANCEMENT, "wish",
                      enhancement_title="Bigger fonts")
    closing.resolve(engineer, refs[3].id, Resolution.ESCALATED, "bug",
                      escalation=EscalationInput("=cmd|' /C calc'!A0 in a cell", "12.4"))
    closing.resolve(engineer, refs[4].id, Resolution.ESCALATED, "bug",
                      escalation=EscalationInput("Open payroll; it crashes", "8.1"))
    return {"refs": refs, "popular": popular}


def rows_of(model: Any) -> list[Any]:
    return [model.row_at(i) for i in range(model.rowCount())]


def test_both_models_pass_the_model_tester_and_show_the_counts(
        qtbot: Any, qtmodeltester: Any, office: dict[str, Any], filled: dict[str, Any]) -> None:
    window = RegistersWindow(office["engineer"])
    qtbot.addWidget(window)
    assert window.objectName() == "registersWindow"
    qtmodeltester.check(window.enhancement_model)
    qtmodeltester.check(window.escalation_model)
    model = window.enhancement_model
    headings = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(6)]
    assert headings[:5] == ["Request", "Product", "Customers asking", "Which customers",
                            "Status"]
    popular = next(i for i in range(model.rowCount()) if model.row_at(i).id == filled["popular"])
    assert model.index(popular, 2).data() == "2"
    assert model.index(popular, 2).data(SORT_ROLE) == 2  # sorts as a number
    assert model.index(popular, 3).data() == "Anna Berg, Bo Carlsson"
    assert model.index(popular, 4).data() == "Open"
    # The view sorts the most-asked-for first.
    assert model.index(0, 0).data() == "+Dark mode"
    assert model.headerData(2, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    # Raised sorts by the date, newest last when ascending; a selection keeps its row.
    window.select_enhancement(filled["popular"])
    window.enhancement_table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    raised = [model.index(i, 5).data(SORT_ROLE) for i in range(model.rowCount())]
    assert raised == sorted(raised)
    assert window.selected_enhancement().id == filled["popular"]
    escalations = window.escalation_model
    assert escalations.rowCount() == 2
    assert {escalations.index(i, 2).data() for i in range(2)} == {"12.4", "8.1"}


def test_filters_narrow_each_register(qtbot: Any, office: dict[str, Any],
                                      filled: dict[str, Any]) -> None:
    window = RegistersWindow(office["engineer"])
    qtbot.addWidget(window)
    combo = window.escalation_product
    combo.setCurrentIndex(combo.findData(office["product2"].id))
    assert [r.product_version for r in rows_of(window.escalation_model)] == ["8.1"]
    window.enhancement_status.setCurrentIndex(
        window.enhancement_status.findData(EnhancementStatus.PLANNED.value))
    assert rows_of(window.enhancement_model) == []


def test_engineer_records_developments_answer(qtbot: Any, office: dict[str, Any],
                                              filled: dict[str, Any]) -> None:
    window = RegistersWindow(office["engineer"])
    qtbot.addWidget(window)
    target = next(r for r in rows_of(window.escalation_model) if r.product_version == "8.1")
    assert window.select_escalation(target.id)
    assert window.escalation_save.isEnabled()
    window.escalation_new_status.setCurrentIndex(
        window.escalation_new_status.findData(EscalationStatus.FIX_SCHEDULED.value))
    window.escalation_response.setPlainText("Fixed in 8.2, due in May.")
    window.escalation_save.click()
    saved = next(r for r in registers.list_escalations() if r.id == target.id)
    assert saved.status is EscalationStatus.FIX_SCHEDULED
    assert saved.development_response == "Fixed in 8.2, due in May."
    shown = next(r for r in rows_of(window.escalation_model) if r.id == target.id)
    assert shown.status is EscalationStatus.FIX_SCHEDULED

    assert window.select_enhancement(filled["popular"])
    window.enhancement_new_status.setCurrentIndex(
        window.enhancement_new_status.findData(EnhancementStatus.PLANNED.value))
    window.enhancement_save.click()
    assert next(r for r in registers.list_enhancement_requests()
                if r.id == filled["popular"]).status is EnhancementStatus.PLANNED


def test_reception_reads_the_registers_but_cannot_answer(qtbot: Any, office: dict[str, Any],
                                                         filled: dict[str, Any]) -> None:
    window = RegistersWindow(office["reception"])
    qtbot.addWidget(window)
    window.select_escalation(rows_of(window.escalation_model)[0].id)
    assert not window.escalation_save.isEnabled()
    assert window.escalation_response.isReadOnly()
    with pytest.raises(PermissionDenied):
        registers.update_escalation(office["reception"], rows_of(window.escalation_model)[0].id,
                                    EscalationStatus.FIXED, "no")


def test_export_csv_writes_what_is_filtered_with_formulas_neutralised(
        qtbot: Any, office: dict[str, Any], filled: dict[str, Any], tmp_path: Path) -> None:
    window = RegistersWindow(office["engineer"])
    qtbot.addWidget(window)
    window.enhancement_product.setCurrentIndex(
        window.enhancement_product.findData(office["product"].id))
    out = tmp_path / "requests.csv"
    with qtbot.waitSignal(window.exported):
        assert window.export_csv("enhancements", out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    titles = [row[2] for row in rows[1:]]
    assert titles == ["'+Dark mode", "Bigger fonts"]
    assert rows[1][4] == "2"

    out = tmp_path / "escalations.csv"
    assert window.export_csv("escalations", out)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    steps = rows[0].index("Steps to reproduce")
    assert "'=cmd|' /C calc'!A0 in a cell" in [row[steps] for row in rows[1:]]


def test_export_pdf_renders_on_the_pdf_pool(qtbot: Any, office: dict[str, Any],
                                            filled: dict[str, Any], tmp_path: Path) -> None:
    background = Background()
    window = RegistersWindow(office["engineer"], background=background)
    qtbot.addWidget(window)
    window.escalation_product.setCurrentIndex(
        window.escalation_product.findData(office["product"].id))
    out = tmp_path / "escalations.pdf"
    with qtbot.waitSignal(window.exported, timeout=20_000):
        window.export_pdf("escalations", out)
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Escalation register" in text
    assert filled["refs"][3].reference in text
    assert filled["refs"][4].reference not in text  # the other product was filtered out


def test_a_file_that_cannot_be_written_is_reported(
        qtbot: Any, office: dict[str, Any], filled: dict[str, Any], tmp_path: Path,
        shown_errors: ShownErrors) -> None:
    window = RegistersWindow(office["engineer"])
    qtbot.addWidget(window)
    assert not window.export_csv("enhancements", tmp_path / "missing" / "x.csv")
    assert len(shown_errors.messages) == 1
    assert "Could not save x.csv" in str(shown_errors.messages[0])
