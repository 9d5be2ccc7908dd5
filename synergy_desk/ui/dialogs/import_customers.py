"""Import customers from CSV: choose the file, match its columns, preview, then import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.errors import DomainError
from synergy_desk.services.common import Actor
from synergy_desk.services.data import csv_import
from synergy_desk.services.data.csv_import import (
    FIELD_LABELS,
    FIELDS,
    REQUIRED_FIELDS,
    CsvFile,
    ImportPreview,
    ImportResult,
    UndoneImport,
)
from synergy_desk.ui import errors, palette
from synergy_desk.ui.operations import Latest, Op, reporting_errors
from synergy_desk.ui.worker import Background

__all__ = ["ImportCustomersDialog", "open_import_customers", "undo_stopped_imports"]

#: A row that cannot be imported.
_BAD_ROW = palette.ERROR_TONE
#: The bad rows listed on screen (the count says how many there are in all).
_BAD_ROWS_SHOWN = 2000
#: The preview's columns: the field each shows.
_PREVIEW_FIELDS = ("account_code", "name", "company", "address", "postcode", "phone", "email",
                   "notes", "contact_name", "contact_phone", "contact_email",
                   "contact_job_title")


class _Relay(QObject):
    """Carries the import's progress from the worker thread to the dialog (queued)."""

    progressed = Signal(int, int, str)


class ImportCustomersDialog(QDialog):
    """The file, its encoding and delimiter, the column mapping, the preview and Import."""

    def __init__(self, parent: QWidget | None, actor: Actor, background: Background) -> None:
        super().__init__(parent)
        self.setObjectName("importCustomersDialog")
        self.setWindowTitle(self.tr("Import customers from a CSV file"))
        self._actor = actor
        self._background = background
        self._path: str | None = None
        self._csv: CsvFile | None = None
        self._preview: ImportPreview | None = None
        self._reads = Latest()
        self._filling = False
        self._importing = False
        self.result_value: ImportResult | None = None

        intro = QLabel(self.tr(
            "Choose a CSV file exported from your accounts package. Check which column "
            "holds each field and look at the preview: rows in red cannot be imported. "
            "Nothing is imported while any row is bad, unless you skip the bad rows."))
        intro.setWordWrap(True)

        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("No file chosen"))
        self.choose_button = QPushButton(self.tr("&Choose file…"))
        self.choose_button.setObjectName("importChoose")
        self.choose_button.clicked.connect(self._on_choose_clicked)

        self.encoding = QComboBox()
        self.encoding.setObjectName("importEncoding")
        for label, value in ((self.tr("Automatic"), None), ("UTF-8", "utf-8"),
                             (self.tr("Windows-1252 (Western)"), "cp1252"),
                             ("ISO-8859-1", "latin-1")):
            self.encoding.addItem(label, value)
        self.delimiter = QComboBox()
        self.delimiter.setObjectName("importDelimiter")
        for label, value in ((self.tr("Automatic"), None), (self.tr("Comma"), ","),
                             (self.tr("Semicolon"), ";"), (self.tr("Tab"), "\t"),
                             (self.tr("Bar (|)"), "|")):
            self.delimiter.addItem(label, value)
        self.encoding.currentIndexChanged.connect(self._on_format_changed)
        self.delimiter.currentIndexChanged.connect(self._on_format_changed)
        self.detected = QLabel()
        self.detected.setObjectName("importDetected")

        file_row = QGridLayout()
        file_label = QLabel(self.tr("&File:"))
        file_label.setBuddy(self.choose_button)
        file_row.addWidget(file_label, 0, 0)
        file_row.addWidget(self.path_edit, 0, 1, 1, 4)
        file_row.addWidget(self.choose_button, 0, 5)
        encoding_label = QLabel(self.tr("&Encoding:"))
        encoding_label.setBuddy(self.encoding)
        delimiter_label = QLabel(self.tr("&Delimiter:"))
        delimiter_label.setBuddy(self.delimiter)
        file_row.addWidget(encoding_label, 1, 0)
        file_row.addWidget(self.encoding, 1, 1)
        file_row.addWidget(delimiter_label, 1, 2)
        file_row.addWidget(self.delimiter, 1, 3)
        file_row.addWidget(self.detected, 1, 4, 1, 2)
        file_row.setColumnStretch(4, 1)

        self.mapping_table = QTableWidget(len(FIELDS), 2)
        self.mapping_table.setObjectName("importMapping")
        self.mapping_table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Column")])
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.horizontalHeader().setStretchLastSection(True)
        self.mapping_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self._combos: dict[str, QComboBox] = {}
        bold = QFont()
        bold.setBold(True)
        for row, field_name in enumerate(FIELDS):
            label = self.tr(FIELD_LABELS[field_name])
            item = QTableWidgetItem(label + (" *" if field_name in REQUIRED_FIELDS else ""))
            if field_name in REQUIRED_FIELDS:
                item.setFont(bold)
                item.setToolTip(self.tr("Required"))
            self.mapping_table.setItem(row, 0, item)
            combo = QComboBox()
            combo.setObjectName(f"importMap_{field_name}")
            combo.addItem(self.tr("(not imported)"), "")
            combo.currentIndexChanged.connect(self._on_mapping_changed)
            self.mapping_table.setCellWidget(row, 1, combo)
            self._combos[field_name] = combo
        required_note = QLabel(self.tr("* required"))

        self.preview_table = QTableWidget(0, len(_PREVIEW_FIELDS) + 2)
        self.preview_table.setObjectName("importPreview")
        self.preview_table.setHorizontalHeaderLabels(
            [self.tr("Line")]
            + [self.tr(FIELD_LABELS.get(f, "Address")) for f in _PREVIEW_FIELDS]
            + [self.tr("Problem")])
        self.preview_table.verticalHeader().hide()
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setWordWrap(False)

        self.bad_table = QTableWidget(0, 2)
        self.bad_table.setObjectName("importBadRows")
        self.bad_table.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Why it cannot be "
                                                                           "imported")])
        self.bad_table.verticalHeader().hide()
        self.bad_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.bad_table.setWordWrap(False)
        self.bad_table.horizontalHeader().setStretchLastSection(True)
        self.bad_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)

        self.count_label = QLabel()
        self.count_label.setObjectName("importCount")
        self.count_label.setWordWrap(True)
        self.skip_bad = QCheckBox(self.tr("&Skip bad rows (import only the good ones)"))
        self.skip_bad.setObjectName("importSkipBad")
        self.skip_bad.toggled.connect(self._show_count)
        self.skip_bad.toggled.connect(self._update_buttons)
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(self.tr("&Import"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(self._on_import_clicked)
        self.buttons.rejected.connect(self.reject)

        self._relay = _Relay(self)
        self._relay.progressed.connect(self._on_relay_progressed)

        mapping_box = QWidget()
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.setContentsMargins(0, 0, 0, 0)
        mapping_layout.addWidget(QLabel(self.tr("Columns")))
        mapping_layout.addWidget(self.mapping_table)
        mapping_layout.addWidget(required_note)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel(self.tr("Preview (the first rows, as they will be "
                                                "imported)")))
        preview_layout.addWidget(self.preview_table, 3)
        preview_layout.addWidget(QLabel(self.tr("Bad rows in the whole file")))
        preview_layout.addWidget(self.bad_table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(mapping_box)
        splitter.addWidget(preview_box)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 700])

        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_bad)
        bottom.addStretch(1)
        bottom.addWidget(self.progress)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)
        layout.addLayout(bottom)
        layout.addWidget(self.buttons)
        self.resize(1100, 640)
        self._update_buttons()
        self.choose_button.setFocus()

    # --- entry point -------------------------------------------------------------------------

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor,
            background: Background) -> ImportResult | None:
        """Run the dialog; the import's result, or None when nothing was imported."""
        dialog = cls(parent, actor, background)
        try:
            dialog.exec()
            return dialog.result_value
        finally:
            dialog.deleteLater()

    # --- choosing and reading the file -------------------------------------------------------

    def ask_open_path(self) -> str | None:
        """The CSV file to import (a file dialog; tests patch this)."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import customers"), "",
            self.tr("CSV files (*.csv *.txt);;All files (*)"))
        return path or None

    def _on_choose_clicked(self) -> None:
        path = self.ask_open_path()
        if path:
            self.load(path)

    def load(self, path: str | Path) -> None:
        """Read the file (on the background helper) and fill the mapping and preview."""
        self._path = str(path)
        self.path_edit.setText(self._path)
        self._read()

    def _on_format_changed(self) -> None:
        if self._path is not None and not self._filling:
            self._read()

    def _read(self) -> None:
        assert self._path is not None
        path = self._path
        encoding = self.encoding.currentData()
        delimiter = self.delimiter.currentData()
        self._csv = None
        self._preview = None
        self.count_label.setText(self.tr("Reading %s…") % Path(path).name)
        self._update_buttons()

        def work() -> tuple[CsvFile, dict[str, str], ImportPreview]:
            csv_file = csv_import.read_csv(path, encoding=encoding, delimiter=delimiter)
            mapping = csv_import.guess_mapping(csv_file.headers)
            return csv_file, mapping, csv_import.preview_import(csv_file, mapping)

        def done(result: tuple[CsvFile, dict[str, str], ImportPreview]) -> None:
            csv_file, mapping, preview = result
            self._csv = csv_file
            self._fill_mapping(csv_file, mapping)
            self._show_preview(preview)

        # Read again when the file or its format changes meanwhile: this answer is dropped.
        Op(self, self._background, work).unless(self._reads.start()) \
            .success(done).failure(self._failed).run()

    def _failed(self, exc: Exception) -> None:
        self.count_label.setText(str(exc))
        self._update_buttons()
        errors.show_error(self, exc)

    def _fill_mapping(self, csv_file: CsvFile, mapping: dict[str, str]) -> None:
        self._filling = True
        try:
            encodings = {"utf-8": "UTF-8", "cp1252": "Windows-1252",
                         "iso8859-1": "ISO-8859-1"}
            self.detected.setText(self.tr("Read as %s, cells separated by %s.")
                                  % (encodings.get(csv_file.encoding, csv_file.encoding),
                                     self.tr(csv_file.delimiter_name)))
            for field_name, combo in self._combos.items():
                combo.clear()
                combo.addItem(self.tr("(not imported)"), "")
                for heading in csv_file.headers:
                    combo.addItem(heading, heading)
                index = combo.findData(mapping.get(field_name, ""))
                combo.setCurrentIndex(max(0, index))
        finally:
            self._filling = False

    def mapping(self) -> dict[str, str]:
        """The mapping chosen on screen: field to heading."""
        return {f: str(c.currentData()) for f, c in self._combos.items() if c.currentData()}

    def _on_mapping_changed(self) -> None:
        if self._filling or self._csv is None:
            return
        csv_file = self._csv
        mapping = self.mapping()
        self._preview = None
        self.count_label.setText(self.tr("Checking the rows…"))
        self._update_buttons()

        Op(self, self._background, lambda: csv_import.preview_import(csv_file, mapping)) \
            .unless(self._reads.start()) \
            .success(self._show_preview).failure(self._failed).run()

    # --- the preview -------------------------------------------------------------------------

    def _show_preview(self, preview: ImportPreview) -> None:
        self._preview = preview
        table = self.preview_table
        table.setRowCount(len(preview.rows))
        for row, shown in enumerate(preview.rows):
            cells = [str(shown.line)]
            cells += [shown.values.get(f, "").replace("\n", ", ") for f in _PREVIEW_FIELDS]
            cells.append(shown.error or "")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if shown.error:
                    item.setBackground(_BAD_ROW.background.brush())
                    item.setForeground(_BAD_ROW.text.brush())
                    item.setToolTip(shown.error)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        bad = preview.bad_rows[:_BAD_ROWS_SHOWN]
        self.bad_table.setRowCount(len(bad))
        for row, bad_row in enumerate(bad):
            line = QTableWidgetItem(str(bad_row.line))
            line.setData(Qt.ItemDataRole.UserRole, bad_row.line)
            reason = QTableWidgetItem(bad_row.reason)
            reason.setToolTip(bad_row.reason)
            for item in (line, reason):
                item.setForeground(_BAD_ROW.text.brush())
            self.bad_table.setItem(row, 0, line)
            self.bad_table.setItem(row, 1, reason)
        self._show_count()
        self._update_buttons()

    def _show_count(self) -> None:
        """How many rows are bad, and what to do about them (skipping or not)."""
        preview = self._preview
        if preview is None:
            return
        if preview.problems:
            text = " ".join(preview.problems)
        elif preview.bad_rows:
            text = self.tr("%s bad rows of %s") % (f"{len(preview.bad_rows):,}",
                                                   f"{preview.total_rows:,}")
            if len(preview.bad_rows) == 1:
                text = self.tr("1 bad row of %s") % f"{preview.total_rows:,}"
            if len(preview.bad_rows) > _BAD_ROWS_SHOWN:
                text += self.tr(" (the first %s are listed)") % f"{_BAD_ROWS_SHOWN:,}"
            text += self.tr(": fix them in the file, or skip them.") if \
                not self.skip_bad.isChecked() else "."
        else:
            text = self.tr("All %s rows can be imported.") % f"{preview.total_rows:,}"
        self.count_label.setText(text)

    def _update_buttons(self) -> None:
        preview = self._preview
        ready = (preview is not None and preview.can_import and not self._importing
                 and (not preview.bad_rows or self.skip_bad.isChecked()))
        self.import_button.setEnabled(ready)
        busy = self._importing
        for widget in (self.choose_button, self.encoding, self.delimiter, self.mapping_table,
                       self.skip_bad):
            widget.setEnabled(not busy)

    # --- importing ---------------------------------------------------------------------------

    def _on_import_clicked(self) -> None:
        if self._csv is None or self._preview is None or not self.import_button.isEnabled():
            return
        csv_file = self._csv
        mapping = self.mapping()
        skip = self.skip_bad.isChecked()
        actor = self._actor
        relay = self._relay
        self._importing = True
        self._update_buttons()
        self.progress.setRange(0, 0)
        self.progress.show()
        self.count_label.setText(self.tr("Importing…"))

        def work() -> ImportResult:
            return csv_import.import_customers(
                actor, csv_file, mapping, skip_bad_rows=skip,
                progress=lambda done, total, stage: relay.progressed.emit(done, total, stage))

        def ended() -> None:
            self._importing = False
            self.progress.hide()

        def done(result: ImportResult) -> None:
            self.result_value = result
            self.accept()

        def failed(exc: Exception) -> None:
            self._update_buttons()
            # A refusal says what became of anything written before it (removed again, or
            # kept because a desk had used it); anything else is said by the error display.
            self.count_label.setText(exc.message if isinstance(exc, DomainError)
                                     else self.tr("Nothing was imported."))
            errors.show_error(self, exc)

        Op(self, self._background, work).finally_(ended).success(done).failure(failed).run()

    def _on_relay_progressed(self, done: int, total: int, stage: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            text = (self.tr("The import stopped: removing what it wrote… %s of %s")
                    if stage == "undoing" else self.tr("Importing… %s of %s"))
            self.count_label.setText(text % (f"{done:,}", f"{total:,}"))
        else:
            self.count_label.setText(self.tr("Checking… %s rows") % f"{done:,}")

    def reject(self) -> None:
        if self._importing:
            # The import finishes, or stops and removes what it wrote, on its own; the dialog
            # stays to say which.
            return
        super().reject()


def open_import_customers(parent: QWidget | None, actor: Actor,
                          background: Background) -> ImportResult | None:
    """Import customers from CSV (managers); tells how many were imported."""
    from PySide6.QtWidgets import QMessageBox

    result = ImportCustomersDialog.ask(parent, actor, background)
    if result is not None:
        box = QMessageBox(parent)
        box.setObjectName("importDoneDialog")
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(box.tr("Customers imported"))
        text = box.tr("Imported %s customers (%s to %s) with %s contacts.") % (
            f"{result.imported:,}", result.first_account_code, result.last_account_code,
            f"{result.contacts:,}")
        if result.skipped:
            text += " " + box.tr("%s bad rows were skipped.") % f"{result.skipped:,}"
        box.setText(text)
        box.open()
    return result


def undo_stopped_imports(parent: QWidget | None) -> list[UndoneImport]:
    """When a desk starts: undo any import whose desk stopped half-way (a process killed, a
    machine switched off), showing progress while it runs, and say what was done."""
    from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

    shown: list[QProgressDialog] = []

    def step(done: int, total: int, stage: str) -> None:
        if not shown:
            dialog = QProgressDialog(
                QApplication.translate("ImportCustomers",
                                       "Removing an import that stopped half-way…"), "", 0, 0,
                parent)
            dialog.setObjectName("undoImportProgress")
            dialog.setCancelButton(None)  # type: ignore[arg-type]
            dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
            dialog.setMinimumDuration(0)
            shown.append(dialog)
        shown[0].setRange(0, max(total, done, 1))
        shown[0].setValue(done)
        QApplication.processEvents()

    undone: list[UndoneImport] = []
    try:
        with reporting_errors(parent):
            undone = csv_import.undo_stopped_imports(progress=step)
    finally:
        for dialog in shown:
            dialog.close()
            dialog.deleteLater()
    for outcome in undone:
        box = QMessageBox(QMessageBox.Icon.Information, "Synergy Desk", outcome.sentence,
                          QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("importUndoneMessage")
        box.exec()
    return undone
