"""The incident list is readable: columns as wide as their contents on first use, Subject
taking the spare width, and each user's own widths kept from one session to the next."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTableView

from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import intake
from synergy_desk.services.people import customers
from synergy_desk.ui.incident_columns import COLUMNS
from synergy_desk.ui.main_window import LIST_SUBJECT_MIN_WIDTH, MainWindow
from synergy_desk.ui.prefs import Preferences
from tests.ui.test_main_window import make_window

SUBJECT = next(i for i, column in enumerate(COLUMNS) if column.stretch)
CUSTOMER = next(i for i, column in enumerate(COLUMNS) if column.heading == "Customer")


def log_calls(office: dict[str, Any]) -> None:
    """A few incidents whose cells are wider than Qt's default 100 px column."""
    reception = office["reception"]
    for name, subject in (("Oduya Joinery and Cabinet Makers Ltd", "Payroll run stops at 80%"),
                          ("Bramley Garden Centre", "Cannot print the VAT return")):
        customer = customers.create_customer(
            reception, customers.CustomerInput(name=name, phone="01632 960001"))
        intake.log_call(reception, intake.LogCallInput(
            customer_id=customer.id, product_id=office["product"].id, subject=subject,
            text="Rang in"))


def open_window(qtbot: Any, actor: Actor, prefs: Preferences) -> MainWindow:
    window = make_window(qtbot, actor, prefs)
    window.showNormal()
    window.resize(1366, 768)
    window.splitter.setSizes([820, 546])
    window.view_buttons["all"].click()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0)
    return window


def spare(table: QTableView) -> int:
    header = table.horizontalHeader()
    return table.viewport().width() - sum(header.sectionSize(c) for c in range(header.count())
                                          if c != SUBJECT)


def test_columns_are_sized_to_their_contents_and_subject_takes_the_rest(
        qtbot: Any, office: dict[str, Any], prefs: Preferences) -> None:
    log_calls(office)
    window = open_window(qtbot, office["manager"], prefs)
    table = window.table
    header = table.horizontalHeader()
    for column in range(len(COLUMNS)):
        if column == SUBJECT:
            continue
        needed = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
        # Nothing is left at Qt's default width when its contents are wider.
        assert header.sectionSize(column) >= min(needed, 240), COLUMNS[column].heading
        if needed > header.defaultSectionSize():
            assert header.sectionSize(column) != header.defaultSectionSize()
    assert header.sectionSize(SUBJECT) == max(window.subject_width.minimum, spare(table))
    # A wider list gives Subject the room; the other columns stay as they are.
    before = [header.sectionSize(c) for c in range(len(COLUMNS)) if c != SUBJECT]
    subject = header.sectionSize(SUBJECT)
    window.resize(2400, 900)
    window.splitter.setSizes([1700, 700])
    qtbot.waitUntil(lambda: header.sectionSize(SUBJECT) > subject)
    assert [header.sectionSize(c) for c in range(len(COLUMNS)) if c != SUBJECT] == before
    assert header.sectionSize(SUBJECT) == max(window.subject_width.minimum, spare(table))
    assert spare(table) > window.subject_width.minimum
    # A narrower one keeps Subject readable and scrolls sideways.
    window.resize(1366, 768)
    window.splitter.setSizes([400, 966])
    qtbot.waitUntil(lambda: header.sectionSize(SUBJECT) == window.subject_width.minimum)
    assert window.subject_width.minimum >= LIST_SUBJECT_MIN_WIDTH


def test_the_users_own_widths_are_kept_after_a_restart(
        qtbot: Any, office: dict[str, Any], prefs: Preferences) -> None:
    log_calls(office)
    manager = office["manager"]
    window = open_window(qtbot, manager, prefs)
    window.table.setColumnWidth(CUSTOMER, 333)
    window.close()

    again = open_window(qtbot, manager, prefs)
    header = again.table.horizontalHeader()
    assert header.sectionSize(CUSTOMER) == 333
    # Still stretching after the restore.
    assert header.sectionResizeMode(SUBJECT) is not QHeaderView.ResizeMode.Fixed
    assert header.sectionSize(SUBJECT) == max(again.subject_width.minimum, spare(again.table))
    again.resize(2400, 900)
    again.splitter.setSizes([1700, 700])
    qtbot.waitUntil(lambda: header.sectionSize(SUBJECT) == max(
        again.subject_width.minimum, spare(again.table)))
    assert header.sectionSize(CUSTOMER) == 333

    # Another person at the same desk has their own widths.
    other = open_window(qtbot, office["engineer"], prefs)
    assert other.table.horizontalHeader().sectionSize(CUSTOMER) != 333


def test_a_header_saved_for_an_older_set_of_columns_is_not_restored(
        qtbot: Any, office: dict[str, Any], prefs: Preferences) -> None:
    log_calls(office)
    table = QTableView()
    qtbot.addWidget(table)
    three = QStandardItemModel(1, 3)
    table.setModel(three)
    table.setColumnWidth(1, 20)
    state: QByteArray = table.horizontalHeader().saveState()
    manager = office["manager"]
    prefs.set_list_header(manager.username, "Reference|Subject|Opened", state)
    # And the key an older version kept for everyone.
    prefs.header_state = state
    window = open_window(qtbot, manager, prefs)
    header = window.table.horizontalHeader()
    assert header.count() == len(COLUMNS)
    assert all(header.sectionSize(c) > 20 for c in range(len(COLUMNS)))
    assert header.sectionSize(SUBJECT) >= LIST_SUBJECT_MIN_WIDTH


def test_ctrl_end_on_a_long_list_says_it_turned_the_list_round(
        qtbot: Any, office: dict[str, Any], prefs: Preferences) -> None:
    log_calls(office)
    window = open_window(qtbot, office["manager"], prefs)
    # The view turns a list longer than TableModel.END_MAX_ROWS round (held by
    # tests/ui/test_table_model.py); the window says so.
    window.table.turned_round.emit()
    assert "Ctrl+End shows its end" in window.statusBar().currentMessage()
