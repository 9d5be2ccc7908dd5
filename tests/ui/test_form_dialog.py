"""The form dialog base: refusals said in the dialog, which stays open; bugs to the crash dialog."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget

from synergy_desk.domain.errors import NotFound
from synergy_desk.ui.dialogs.form import FormDialog, Problem
from tests.ui.conftest import ShownErrors


class NameDialog(FormDialog[str]):
    """A one-field form: the name must be given, and the "service" may refuse or break."""

    def __init__(self, parent: QWidget | None = None, service: Any = None) -> None:
        super().__init__(parent, message_name="nameMessage")
        self.setObjectName("nameDialog")
        self._service = service or (lambda name: name.upper())
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.other = QLineEdit()
        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self.other)
        self.add_message_and_buttons(layout)

    def validate(self) -> None:
        if not self.name.text().strip():
            raise Problem("Give the name.", self.name)

    def answer(self) -> str:
        return str(self._service(self.name.text().strip()))


def open_dialog(qtbot: Any, service: Any = None) -> NameDialog:
    dialog = NameDialog(None, service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_parts_have_stable_names(qtbot: Any) -> None:
    dialog = open_dialog(qtbot)
    assert dialog.findChild(type(dialog.message), "nameMessage") is dialog.message
    assert dialog.message.text() == "" and "color:" in dialog.message.styleSheet()
    assert dialog.ok_button.text() and dialog.ok_button.isDefault()


def test_a_problem_is_said_in_the_dialog_which_stays_open(qtbot: Any,
                                                          shown_errors: ShownErrors) -> None:
    dialog = open_dialog(qtbot)
    dialog.other.setFocus()
    dialog.ok_button.click()
    assert dialog.message.text() == "Give the name."
    assert dialog.focusWidget() is dialog.name
    assert dialog.isVisible() and dialog.value is None and shown_errors.shown == []
    dialog.message.clear()
    assert dialog.message.text() == ""


def test_a_refusal_from_the_answer_is_said_in_the_dialog(qtbot: Any,
                                                         shown_errors: ShownErrors) -> None:
    def refuse(name: str) -> str:
        raise NotFound(f"There is no customer called {name}.")

    dialog = open_dialog(qtbot, refuse)
    dialog.name.setText("Oduya")
    dialog.ok_button.click()
    assert dialog.message.text() == "There is no customer called Oduya."
    assert dialog.isVisible() and shown_errors.shown == []


def test_a_bug_in_the_answer_goes_to_the_crash_dialog_and_the_form_stays(
        qtbot: Any, shown_errors: ShownErrors) -> None:
    shown_errors.expect_crash()

    def broken(name: str) -> str:
        raise KeyError(name)

    dialog = open_dialog(qtbot, broken)
    dialog.name.setText("Oduya")
    dialog.ok_button.click()
    assert [type(exc) for exc in shown_errors.crashes] == [KeyError]
    assert dialog.isVisible() and dialog.message.text() == ""


def test_enter_accepts_and_gives_the_answer(qtbot: Any) -> None:
    dialog = open_dialog(qtbot)
    qtbot.keyClicks(dialog.name, "oduya")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.value == "ODUYA"


def test_escape_cancels(qtbot: Any) -> None:
    dialog = open_dialog(qtbot)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.value is None


@pytest.mark.parametrize("accept, expected", [(True, "ODUYA"), (False, None)])
def test_ask_value_gives_the_answer_or_none(qtbot: Any, accept: bool,
                                            expected: str | None) -> None:
    dialog = NameDialog()
    dialog.name.setText("oduya")
    QTimer.singleShot(0, dialog.accept if accept else dialog.reject)
    assert dialog.ask_value() == expected


def test_a_note_is_not_a_problem(qtbot: Any) -> None:
    dialog = open_dialog(qtbot)
    dialog.message.note("Connecting…")
    note_style = dialog.message.styleSheet()
    dialog.show_problem("Refused.")
    assert dialog.message.styleSheet() != note_style
