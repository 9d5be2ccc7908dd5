"""The two registers as a window: enhancement requests and escalations, filtered and exported."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.services.common import ENGINEERS, Actor
from synergy_desk.services.data.files import save_file
from synergy_desk.services.incidents import registers
from synergy_desk.services.incidents.registers import (
    ENHANCEMENT_STATUS_LABELS,
    ESCALATION_STATUS_LABELS,
    EnhancementRow,
    EscalationRow,
)
from synergy_desk.services.office import catalogue
from synergy_desk.services.reporting import summary_documents
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import Op, call, reporting_errors
from synergy_desk.ui.table_model import Column, TableModel, read_only_table
from synergy_desk.ui.worker import Background

R = TypeVar("R")


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


#: The enhancement-request register: request, product, how many asked, who, status.
ENHANCEMENT_COLUMNS: tuple[Column[EnhancementRow], ...] = (
    Column("Request", lambda r: r.title, tooltip=lambda r: r.description or r.title),
    Column("Product", lambda r: r.product_name),
    Column("Customers asking", lambda r: str(r.customer_count), lambda r: r.customer_count,
           number=True),
    Column("Which customers", lambda r: ", ".join(r.customer_names),
           tooltip=lambda r: "\n".join(r.customer_names)
           + ("\n\n" + ", ".join(r.incident_references) if r.incident_references else ""),
           stretch=True),
    Column("Status", lambda r: ENHANCEMENT_STATUS_LABELS[r.status],
           lambda r: r.status),
    Column("Raised", lambda r: formatting.short_date(r.created_at), lambda r: r.created_at),
)

#: The escalation register: incident, product, version, steps, status, development's answer.
ESCALATION_COLUMNS: tuple[Column[EscalationRow], ...] = (
    Column("Incident", lambda r: r.incident_reference,
           tooltip=lambda r: f"{r.incident_subject}\n{r.customer_name}"),
    Column("Product", lambda r: r.product_name),
    Column("Version", lambda r: r.product_version),
    Column("Steps to reproduce", lambda r: _one_line(r.steps_to_reproduce),
           tooltip=lambda r: r.steps_to_reproduce, stretch=True),
    Column("Status", lambda r: ESCALATION_STATUS_LABELS[r.status],
           lambda r: r.status),
    Column("Development response", lambda r: _one_line(r.development_response),
           tooltip=lambda r: r.development_response, stretch=True),
    Column("Escalated", lambda r: formatting.short_date(r.created_at), lambda r: r.created_at),
)


def _table(name: str, model: TableModel[Any]) -> QTableView:
    # Short columns fit their contents; the long texts share what is left (full text as tips).
    view = read_only_table(model, name)
    view.setSortingEnabled(True)
    view.setWordWrap(False)
    return view


class RegistersWindow(QDialog):
    """Two tabs, each a filterable register with CSV and PDF export; engineers update them."""

    exported = Signal(str)

    def __init__(self, actor: Actor, parent: QWidget | None = None,
                 background: Background | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registersWindow")
        self.setWindowTitle(self.tr("Registers"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._actor = actor
        self._background = background
        self._can_edit = actor.role in ENGINEERS
        self._products = catalogue.list_products(include_inactive=True)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("registersTabs")
        self.tabs.addTab(self._enhancements_tab(), self.tr("&Enhancement requests"))
        self.tabs.addTab(self._escalations_tab(), self.tr("E&scalations"))
        self.message = MessageLine("registersMessage", colour=palette.MUTED)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self.resize(1000, 600)
        self.refresh()

    # --- building the tabs ------------------------------------------------------------------

    def _product_combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(self.tr("All products"), None)
        for product in self._products:
            combo.addItem(product.name, product.id)
        return combo

    def _status_combo(self, name: str, labels: dict[Any, str], *, everything: bool) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        if everything:
            combo.addItem(self.tr("Any status"), None)
        for status, label in labels.items():
            combo.addItem(self.tr(label), status.value)
        return combo

    def _export_buttons(self, register: str) -> QHBoxLayout:
        csv_button = QPushButton(self.tr("Export &CSV…"))
        csv_button.setObjectName(f"{register}ExportCsv")
        csv_button.clicked.connect(lambda: self._on_export_clicked(register, "csv"))
        pdf_button = QPushButton(self.tr("Export &PDF…"))
        pdf_button.setObjectName(f"{register}ExportPdf")
        pdf_button.clicked.connect(lambda: self._on_export_clicked(register, "pdf"))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(csv_button)
        row.addWidget(pdf_button)
        return row

    def _enhancements_tab(self) -> QWidget:
        page = QWidget()
        page.setObjectName("enhancementsTab")
        self.enhancement_product = self._product_combo("enhancementProductFilter")
        self.enhancement_status = self._status_combo(
            "enhancementStatusFilter", ENHANCEMENT_STATUS_LABELS, everything=True)
        self.enhancement_model: TableModel[EnhancementRow] = TableModel(ENHANCEMENT_COLUMNS,
                                                                        self)
        self.enhancement_table = _table("enhancementTable", self.enhancement_model)
        self.enhancement_table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.enhancement_count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Product:")))
        filters.addWidget(self.enhancement_product)
        filters.addWidget(QLabel(self.tr("Status:")))
        filters.addWidget(self.enhancement_status)
        filters.addStretch(1)
        filters.addWidget(self.enhancement_count)

        edit = QGroupBox(self.tr("Product management's decision"))
        edit.setObjectName("enhancementEdit")
        self.enhancement_new_status = self._status_combo(
            "enhancementNewStatus", ENHANCEMENT_STATUS_LABELS, everything=False)
        self.enhancement_save = QPushButton(self.tr("Set s&tatus"))
        self.enhancement_save.setObjectName("enhancementSave")
        self.enhancement_save.clicked.connect(self._on_enhancement_save_clicked)
        edit_row = QHBoxLayout(edit)
        edit_row.addWidget(QLabel(self.tr("Status:")))
        edit_row.addWidget(self.enhancement_new_status)
        edit_row.addWidget(self.enhancement_save)
        edit_row.addStretch(1)
        edit.setVisible(self._can_edit)

        layout = QVBoxLayout(page)
        layout.addLayout(filters)
        layout.addWidget(self.enhancement_table, 1)
        layout.addWidget(edit)
        layout.addLayout(self._export_buttons("enhancements"))
        self.enhancement_product.currentIndexChanged.connect(self.refresh_enhancements)
        self.enhancement_status.currentIndexChanged.connect(self.refresh_enhancements)
        self.enhancement_table.selectionModel().selectionChanged.connect(
            self._on_enhancement_selection_changed)
        return page

    def _escalations_tab(self) -> QWidget:
        page = QWidget()
        page.setObjectName("escalationsTab")
        self.escalation_product = self._product_combo("escalationProductFilter")
        self.escalation_status = self._status_combo(
            "escalationStatusFilter", ESCALATION_STATUS_LABELS, everything=True)
        self.escalation_model: TableModel[EscalationRow] = TableModel(ESCALATION_COLUMNS, self)
        self.escalation_table = _table("escalationTable", self.escalation_model)
        self.escalation_table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
        self.escalation_count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Product:")))
        filters.addWidget(self.escalation_product)
        filters.addWidget(QLabel(self.tr("Status:")))
        filters.addWidget(self.escalation_status)
        filters.addStretch(1)
        filters.addWidget(self.escalation_count)

        edit = QGroupBox(self.tr("Development's answer"))
        edit.setObjectName("escalationEdit")
        self.escalation_steps = QPlainTextEdit()
        self.escalation_steps.setObjectName("escalationStepsShown")
        self.escalation_steps.setReadOnly(True)
        self.escalation_steps.setTabChangesFocus(True)
        self.escalation_steps.setMaximumHeight(80)
        self.escalation_new_status = self._status_combo(
            "escalationNewStatus", ESCALATION_STATUS_LABELS, everything=False)
        self.escalation_response = QPlainTextEdit()
        self.escalation_response.setObjectName("escalationResponse")
        self.escalation_response.setTabChangesFocus(True)
        self.escalation_response.setMaximumHeight(90)
        self.escalation_save = QPushButton(self.tr("Save &answer"))
        self.escalation_save.setObjectName("escalationSave")
        self.escalation_save.clicked.connect(self._on_escalation_save_clicked)
        status_row = QHBoxLayout()
        status_row.addWidget(QLabel(self.tr("Status:")))
        status_row.addWidget(self.escalation_new_status)
        status_row.addStretch(1)
        status_row.addWidget(self.escalation_save)
        edit_layout = QVBoxLayout(edit)
        edit_layout.addWidget(self.escalation_steps)
        edit_layout.addLayout(status_row)
        edit_layout.addWidget(QLabel(self.tr("Response:")))
        edit_layout.addWidget(self.escalation_response)
        self.escalation_response.setReadOnly(not self._can_edit)
        self.escalation_new_status.setEnabled(self._can_edit)
        self.escalation_save.setVisible(self._can_edit)

        layout = QVBoxLayout(page)
        layout.addLayout(filters)
        layout.addWidget(self.escalation_table, 1)
        layout.addWidget(edit)
        layout.addLayout(self._export_buttons("escalations"))
        self.escalation_product.currentIndexChanged.connect(self.refresh_escalations)
        self.escalation_status.currentIndexChanged.connect(self.refresh_escalations)
        self.escalation_table.selectionModel().selectionChanged.connect(
            self._on_escalation_selection_changed)
        return page

    # --- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        self.refresh_enhancements()
        self.refresh_escalations()

    def _filters(self, register: str) -> tuple[int | None, str | None]:
        if register == "enhancements":
            return self.enhancement_product.currentData(), self.enhancement_status.currentData()
        return self.escalation_product.currentData(), self.escalation_status.currentData()

    def refresh_enhancements(self, *_args: object) -> None:
        product, status = self._filters("enhancements")
        rows = call(self, registers.list_enhancement_requests, product, status)
        if rows is None:
            return
        self.enhancement_model.set_rows(rows)
        self.enhancement_count.setText(self.tr("%s requests") % len(rows))
        self._on_enhancement_selection_changed()

    def refresh_escalations(self, *_args: object) -> None:
        product, status = self._filters("escalations")
        rows = call(self, registers.list_escalations, status, product)
        if rows is None:
            return
        self.escalation_model.set_rows(rows)
        self.escalation_count.setText(self.tr("%s escalations") % len(rows))
        self._on_escalation_selection_changed()

    # --- selection and editing --------------------------------------------------------------

    @staticmethod
    def _selected(table: QTableView, model: TableModel[R]) -> R | None:
        rows = table.selectionModel().selectedRows()
        return model.row_at(rows[0].row()) if rows else None

    def selected_enhancement(self) -> EnhancementRow | None:
        return self._selected(self.enhancement_table, self.enhancement_model)

    def selected_escalation(self) -> EscalationRow | None:
        return self._selected(self.escalation_table, self.escalation_model)

    @staticmethod
    def _select(table: QTableView, model: TableModel[Any], row_id: int) -> bool:
        row = model.row_of(row_id)
        if row >= 0:
            table.selectRow(row)
        return row >= 0

    def select_enhancement(self, request_id: int) -> bool:
        return self._select(self.enhancement_table, self.enhancement_model, request_id)

    def select_escalation(self, escalation_id: int) -> bool:
        return self._select(self.escalation_table, self.escalation_model, escalation_id)

    def _on_enhancement_selection_changed(self, *_args: object) -> None:
        row = self.selected_enhancement()
        self.enhancement_save.setEnabled(self._can_edit and row is not None)
        if row is not None:
            self.enhancement_new_status.setCurrentIndex(
                self.enhancement_new_status.findData(row.status.value))

    def _on_escalation_selection_changed(self, *_args: object) -> None:
        row = self.selected_escalation()
        self.escalation_save.setEnabled(self._can_edit and row is not None)
        if row is None:
            self.escalation_steps.setPlainText(self.tr(
                "Choose an escalation to see its steps and record development's answer."))
            self.escalation_response.clear()
            return
        self.escalation_steps.setPlainText(
            f"{row.incident_reference} — {row.incident_subject} ({row.customer_name}); "
            f"{row.product_name} {row.product_version}\n{row.steps_to_reproduce}")
        self.escalation_new_status.setCurrentIndex(
            self.escalation_new_status.findData(row.status.value))
        self.escalation_response.setPlainText(row.development_response)

    def _on_enhancement_save_clicked(self) -> None:
        row = self.selected_enhancement()
        if row is None:
            return
        with reporting_errors(self) as outcome:
            registers.set_enhancement_status(self._actor, row.id,
                                             self.enhancement_new_status.currentData())
        if outcome.failed:
            return
        self.refresh_enhancements()
        self.select_enhancement(row.id)
        self.message.note(self.tr("Request “%s” updated.") % row.title)

    def _on_escalation_save_clicked(self) -> None:
        row = self.selected_escalation()
        if row is None:
            return
        with reporting_errors(self) as outcome:
            registers.update_escalation(self._actor, row.id,
                                        self.escalation_new_status.currentData(),
                                        self.escalation_response.toPlainText())
        if outcome.failed:
            return
        self.refresh_escalations()
        self.select_escalation(row.id)
        self.message.note(self.tr("Escalation of %s updated.") % row.incident_reference)

    # --- exporting --------------------------------------------------------------------------

    def ask_save_path(self, register: str, kind: str) -> str | None:
        """Where to save an export (a file dialog; tests call the export methods directly)."""
        name = "enhancement-requests" if register == "enhancements" else "escalations"
        pattern = self.tr("CSV files (*.csv)") if kind == "csv" else self.tr("PDF files (*.pdf)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the register"),
                                              f"{name}.{kind}", pattern)
        return path or None

    def _on_export_clicked(self, register: str, kind: str) -> None:
        path = self.ask_save_path(register, kind)
        if path is None:
            return
        if kind == "csv":
            self.export_csv(register, path)
        else:
            self.export_pdf(register, path)

    def export_csv(self, register: str, path: str | Path) -> bool:
        """Save the register, as filtered on screen, as CSV (UTF-8 with a BOM for Excel)."""
        product, status = self._filters(register)
        with reporting_errors(self) as outcome:
            text = summary_documents.register_csv(register, product_id=product, status=status)
            save_file(path, text.encode("utf-8-sig"))
        if outcome.failed:
            return False
        self._saved(path)
        return True

    def export_pdf(self, register: str, path: str | Path) -> None:
        """Save the register, as filtered on screen, as a PDF (rendered in the background)."""
        product, status = self._filters(register)

        def render() -> bytes:
            return summary_documents.register_pdf(register, product_id=product, status=status)

        def done(pdf: bytes) -> None:
            with reporting_errors(self) as outcome:
                save_file(path, pdf)
            if not outcome.failed:
                self._saved(path)

        if self._background is None:
            pdf = call(self, render)
            if pdf is not None:
                done(pdf)
        else:
            self.message.note(self.tr("Preparing the PDF…"))
            Op(self, self._background, render).success(done).run(pdf=True)

    def _saved(self, path: str | Path) -> None:
        self.message.note(self.tr("Saved %s") % Path(path).name)
        self.exported.emit(str(path))
