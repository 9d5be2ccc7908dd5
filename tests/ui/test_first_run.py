"""First run on a new database: the office's details and its first manager."""

from __future__ import annotations

from typing import Any

from synergy_desk.services.office import settings
from synergy_desk.services.people import users
from synergy_desk.ui.dialogs.first_run import FirstRunDialog, FirstRunRequest


def create(request: FirstRunRequest) -> object:
    return settings.setup_office(
        company_name=request.company_name, address=request.address,
        vat_number=request.vat_number, manager_username=request.username,
        manager_full_name=request.full_name, password=request.password)


def fill(dialog: FirstRunDialog, *, vat: str = "GB 123456789") -> None:
    dialog.company.setText("Pennine Support Ltd")
    dialog.vat.setText(vat)
    dialog.username.setText("mary")
    dialog.full_name.setText("Mary Manager")
    dialog.password.setText("a long password")
    dialog.password2.setText("a long password")


def open_dialog(qtbot: Any) -> FirstRunDialog:
    dialog = FirstRunDialog(None, create)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_office_and_its_manager_are_created(qtbot: Any, db_url: str) -> None:
    dialog = open_dialog(qtbot)
    fill(dialog)
    dialog.ok_button.click()
    assert dialog.value is not None and dialog.value.vat_number == "GB123456789"
    assert not dialog.isVisible()
    assert users.has_users()
    assert settings.get_settings().company_name == "Pennine Support Ltd"


def test_the_form_says_what_is_missing_and_where(qtbot: Any, db_url: str) -> None:
    dialog = open_dialog(qtbot)
    fill(dialog)
    dialog.password2.setText("another password")
    dialog.ok_button.click()
    assert dialog.message.objectName() == "firstRunMessage"
    assert dialog.message.text() == "The two passwords are not the same."
    assert dialog.focusWidget() is dialog.password2 and dialog.password2.text() == ""
    assert dialog.isVisible() and not users.has_users()


def test_the_password_rule_is_the_services(qtbot: Any, db_url: str) -> None:
    dialog = open_dialog(qtbot)
    fill(dialog)
    for box in (dialog.password, dialog.password2):
        box.setText("short")
    dialog.ok_button.click()
    assert dialog.message.text() == "A password needs at least 8 characters."
    assert dialog.focusWidget() is dialog.password and not users.has_users()


def test_a_refusal_from_the_service_is_said_in_the_dialog_which_stays_open(
        qtbot: Any, db_url: str) -> None:
    dialog = open_dialog(qtbot)
    fill(dialog, vat="not a VAT number")
    dialog.ok_button.click()
    assert "VAT" in dialog.message.text()
    assert dialog.isVisible() and dialog.value is None and not users.has_users()
    dialog.vat.setText("GB123456789")
    dialog.ok_button.click()
    assert not dialog.isVisible() and users.has_users()
