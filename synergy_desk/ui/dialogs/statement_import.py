"""Import the bank's statement: choose the file, its columns when they are not plain, see each
line with the payment request it pays (or why it pays none), and record the ticked ones."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.money import format_pence
from synergy_desk.domain.zones import day_text
from synergy_desk.services.common import Actor
from synergy_desk.services.data import bank_statements
from synergy_desk.services.data.bank_statements import (
    RecordResult,
    StatementFile,
    StatementPreview,
)
from synergy_desk.ui import palette
from synergy_desk.ui.operations import call, reporting_errors

__all__ = ["StatementImportDialog", "open_statement_import"]

#: The table's columns.
TICK, DATE, DESCRIPTION, AMOUNT, REQUEST, CUSTOMER, EFFECT = range(7)
#: The mapping's rows: (field, label with its mnemonic); the description may take two columns.
_MAPPED = (("date", "&Date:"), ("description", "Descri&ption:"),
           ("description2", "&Then:"), ("amount", "A&mount:"), ("credit", "Paid &in:"),
           ("debit", "Paid o&ut:"), ("reference", "Bank's transaction &number:"))


class StatementImportDialog(QDialog):
    """The statement's file, its columns, its lines matched, and Record."""

    def __init__(self, parent: QWidget | None, actor: Actor) -> None:
        super().__init__(parent)
        self.setObjectName("statementImportDialog")
        self.setWindowTitle(self.tr("Import the bank statement"))
        self._actor = actor
        self._statement: StatementFile | None = None
        self._preview: StatementPreview | None = None
        self._filling = False
        self.result_value: RecordResult | None = None

        intro = QLabel(self.tr(
            "Choose the statement as your bank exports it (CSV or OFX). Each line of money in "
            "is matched to an open payment request by its reference, or by its amount and the "
            "customer's name; untick any you do not want, then record them. A line recorded "
            "once is never recorded again."))
        intro.setWordWrap(True)

        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("statementPath")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("No file chosen"))
        self.choose_button = QPushButton(self.tr("Choose &file…"))
        self.choose_button.setObjectName("statementChoose")
        self.choose_button.clicked.connect(self._on_choose_clicked)
        self.columns_button = QPushButton(self.tr("Co&lumns…"))
        self.columns_button.setObjectName("statementColumnsButton")
        self.columns_button.setCheckable(True)
        self.columns_button.setEnabled(False)
        self.columns_button.toggled.connect(self._on_columns_toggled)
        file_row = QHBoxLayout()
        file_label = QLabel(self.tr("Statement:"))
        file_row.addWidget(file_label)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.columns_button)

        self.mapping_box = QGroupBox(self.tr("Which column holds what"))
        self.mapping_box.setObjectName("statementMapping")
        grid = QGridLayout(self.mapping_box)
        self.combos: dict[str, QComboBox] = {}
        for index, (name, label) in enumerate(_MAPPED):
            combo = QComboBox()
            combo.setObjectName(f"statementColumn_{name}")
            combo.currentIndexChanged.connect(self._on_mapping_changed)
            caption = QLabel(self.tr(label))
            caption.setBuddy(combo)
            row, column = divmod(index, 4)
            grid.addWidget(caption, row, column * 2)
            grid.addWidget(combo, row, column * 2 + 1)
            self.combos[name] = combo
        self.mapping_note = QLabel()
        self.mapping_note.setObjectName("statementMappingNote")
        self.mapping_note.setWordWrap(True)
        grid.addWidget(self.mapping_note, 2, 0, 1, 8)
        self.mapping_box.hide()

        self.table = QTableWidget(0, 7)
        self.table.setObjectName("statementLines")
        self.table.setHorizontalHeaderLabels([
            "", self.tr("Date"), self.tr("Description"), self.tr("Amount"), self.tr("Request"),
            self.tr("Customer"), self.tr("Pays, or why not")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in (TICK, DATE, AMOUNT, REQUEST):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column in (DESCRIPTION, CUSTOMER):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(EFFECT, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._on_item_changed)

        self.summary = QLabel()
        self.summary.setObjectName("statementSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.record_button = QPushButton(self.tr("&Record transfers"))
        self.record_button.setObjectName("statementRecord")
        self.record_button.setEnabled(False)
        self.record_button.clicked.connect(self._on_record_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.record_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.mapping_box)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.resize(1240, 620)

    # -- the file ------------------------------------------------------------------------

    def ask_open_path(self) -> str:
        """The file chosen in the desktop's dialog ("" when none); tests replace it."""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the bank statement"), "",
            self.tr("Bank statements (*.csv *.ofx *.qfx *.txt);;All files (*)"))
        return path

    def _on_choose_clicked(self) -> None:
        path = self.ask_open_path()
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        """Read the statement and show its lines matched (its columns first when unsure)."""
        statement = call(self, bank_statements.open_statement, path)
        if statement is None:
            return
        self._statement = statement
        self.path_edit.setText(path)
        self.summary.clear()
        self.columns_button.setEnabled(statement.kind == "CSV")
        self._fill_mapping(statement)
        unsure = statement.kind == "CSV" and not statement.sure
        self.columns_button.setChecked(unsure)
        self.mapping_box.setVisible(unsure)
        if unsure:
            self.mapping_note.setText(self.tr(
                "The columns of this file could not all be told from their headings: choose "
                "the date, the description and the amount (or paid in and paid out)."))
            self._show_preview(None)
            self.combos["date"].setFocus()
        else:
            self.mapping_note.clear()
            self._match()

    def _fill_mapping(self, statement: StatementFile) -> None:
        self._filling = True
        try:
            for name, combo in self.combos.items():
                combo.clear()
                combo.addItem(self.tr("(none)"), "")
                for heading in statement.headers:
                    combo.addItem(heading, heading)
                field = "description" if name == "description2" else name
                chosen = statement.columns.get(field, ())
                position = 1 if name == "description2" else 0
                if len(chosen) > position:
                    combo.setCurrentIndex(max(0, combo.findData(chosen[position])))
        finally:
            self._filling = False

    def columns(self) -> dict[str, tuple[str, ...]]:
        """The columns as the mapping shows them."""
        out: dict[str, tuple[str, ...]] = {}
        for name, combo in self.combos.items():
            heading = str(combo.currentData() or "")
            if not heading:
                continue
            field = "description" if name == "description2" else name
            out[field] = (*out.get(field, ()), heading)
        return out

    def _on_columns_toggled(self, on: bool) -> None:
        self.mapping_box.setVisible(on)

    def _on_mapping_changed(self) -> None:
        if not self._filling and self._statement is not None:
            self._match()

    # -- the lines -----------------------------------------------------------------------

    def _match(self) -> None:
        statement = self._statement
        if statement is None:
            return
        columns: Mapping[str, tuple[str, ...]] | None = \
            self.columns() if statement.kind == "CSV" else None
        with reporting_errors(self, failure=self._on_match_failed) as outcome:
            preview = bank_statements.preview_statement(statement, columns)
        if outcome.failed:
            return
        self.mapping_note.clear()
        self._show_preview(preview)

    def _on_match_failed(self, exc: Exception) -> None:
        from synergy_desk.domain.errors import ValidationError

        if not isinstance(exc, ValidationError) or self._statement is None \
                or self._statement.kind != "CSV":
            raise exc
        # A column chosen wrongly: said beside the columns, for the next choice.
        self.mapping_box.show()
        self.columns_button.setChecked(True)
        self.mapping_note.setText(exc.message)
        self._show_preview(None)

    def _show_preview(self, preview: StatementPreview | None) -> None:
        self._preview = preview
        lines = preview.lines if preview is not None else ()
        self._filling = True
        try:
            self.table.setRowCount(len(lines))
            for row, proposal in enumerate(lines):
                line = proposal.line
                tick = QTableWidgetItem()
                if proposal.matched:
                    tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled
                                  | Qt.ItemFlag.ItemIsSelectable)
                    tick.setCheckState(Qt.CheckState.Checked)
                else:
                    tick.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                tick.setData(Qt.ItemDataRole.UserRole, line.key)
                self.table.setItem(row, TICK, tick)
                amount = QTableWidgetItem(format_pence(line.amount_pence))
                amount.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                        | Qt.AlignmentFlag.AlignVCenter)
                effect = proposal.effect_text if proposal.matched else proposal.reason
                how = f" ({proposal.how})" if proposal.matched else ""
                cells = {DATE: QTableWidgetItem(day_text(line.date)),
                         DESCRIPTION: QTableWidgetItem(line.description),
                         AMOUNT: amount,
                         REQUEST: QTableWidgetItem(proposal.number),
                         CUSTOMER: QTableWidgetItem(proposal.customer_name),
                         EFFECT: QTableWidgetItem(effect + how)}
                for column, item in cells.items():
                    item.setToolTip(item.text())
                    if not proposal.matched:
                        item.setForeground(palette.MUTED.brush())
                    self.table.setItem(row, column, item)
        finally:
            self._filling = False
        for column in (DESCRIPTION, CUSTOMER):
            self.table.resizeColumnToContents(column)
        # The description and customer are cut to a share of the width; their tooltips show
        # the rest, and the last column takes what is left.
        self.table.setColumnWidth(DESCRIPTION, min(self.table.columnWidth(DESCRIPTION), 280))
        self.table.setColumnWidth(CUSTOMER, min(self.table.columnWidth(CUSTOMER), 200))
        self._update_record_button()

    def chosen_keys(self) -> list[str]:
        """The keys of the ticked lines."""
        keys = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, TICK)
            if item is not None and item.flags() & Qt.ItemFlag.ItemIsUserCheckable \
                    and item.checkState() == Qt.CheckState.Checked:
                keys.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return keys

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if not self._filling and item.column() == TICK:
            self._update_record_button()

    def _update_record_button(self) -> None:
        count = len(self.chosen_keys())
        if count == 0:
            self.record_button.setText(self.tr("&Record transfers"))
        else:
            self.record_button.setText(self.tr("&Record 1 transfer") if count == 1
                                       else self.tr("&Record %d transfers") % count)
        self.record_button.setEnabled(count > 0)
        matched = len(self._preview.matched) if self._preview is not None else 0
        if self._preview is not None and not self.summary.text():
            unmatched = len(self._preview.lines) - matched
            self.summary.setText(self.tr(
                "%d of the statement's lines matched to payment requests; %d left unmatched "
                "(the reason is beside each).") % (matched, unmatched))

    # -- recording -----------------------------------------------------------------------

    def _on_record_clicked(self) -> None:
        if self._preview is None:
            return
        keys = self.chosen_keys()
        if not keys:
            return
        with reporting_errors(self) as outcome:
            result = bank_statements.record_matches(self._actor, self._preview, keys)
        if outcome.failed:
            return
        self.result_value = result
        summary = self._summary_text(result)
        self._match()  # the lines recorded now read "Recorded already"
        self.summary.setText(summary)

    def _summary_text(self, result: RecordResult) -> str:
        count = len(result.recorded)
        parts = [self.tr("Recorded 1 transfer.") if count == 1
                 else self.tr("Recorded %d transfers.") % count]
        if result.receipts:
            parts.append(self.tr("Receipts issued: %s.") % ", ".join(result.receipts))
        if result.queued:
            parts.append(self.tr("Now in the queue: %s.") % ", ".join(result.queued))
        # Each request as the last line recorded for it left it (a part, then the rest, is
        # simply paid).
        last = {done.number: done for done in result.recorded}
        for done in last.values():
            if done.receipt_number is None:
                parts.append(self.tr("%s still waits for %s.") % (
                    done.number, format_pence(done.outstanding_pence)))
            elif done.over_pence:
                parts.append(self.tr("%s was paid %s over, to refund or hold.") % (
                    done.number, format_pence(done.over_pence)))
        for refused in result.refused:
            parts.append(self.tr("Not recorded for %s: %s") % (refused.number,
                                                               refused.message))
        return " ".join(parts)


def open_statement_import(parent: QWidget | None, actor: Actor) -> RecordResult | None:
    """Open the dialog; what was recorded, or None when nothing was."""
    dialog = StatementImportDialog(parent, actor)
    dialog.exec()
    result = dialog.result_value
    dialog.deleteLater()
    return result if result is not None and result.recorded else None
