"""VAT-registered or not, in the window: the first-run question, the office settings, and the
till's plain refusal when a registered office has no VAT number."""

from __future__ import annotations

import json
from typing import Any

from synergy_desk.models import tables as t
from synergy_desk.services.office import settings
from synergy_desk.services.people import customers, users
from synergy_desk.ui.dialogs.first_run import FirstRunDialog, FirstRunRequest
from synergy_desk.ui.dialogs.office_settings import OfficeSettingsDialog
from synergy_desk.ui.dialogs.payment import PaymentDialog
from synergy_desk.ui.worker import Background
from tests.ui.test_payment_dialog import log_incident


def _create(request: FirstRunRequest) -> object:
    return settings.setup_office(
        company_name=request.company_name, address=request.address,
        vat_number=request.vat_number, manager_username=request.username,
        manager_full_name=request.full_name, password=request.password,
        vat_registered=request.vat_registered)


def _first_run(qtbot: Any) -> FirstRunDialog:
    dialog = FirstRunDialog(None, _create)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.company.setText("Corner Desk")
    dialog.username.setText("mary")
    dialog.full_name.setText("Mary Manager")
    dialog.password.setText("a long password")
    dialog.password2.setText("a long password")
    return dialog


def test_the_first_run_asks_whether_the_office_is_vat_registered(qtbot: Any,
                                                                 db_url: str) -> None:
    dialog = _first_run(qtbot)
    assert dialog.vat_registered() is None
    assert dialog.vat_note.text() == "Say whether the office is VAT-registered."
    dialog.ok_button.click()
    assert dialog.isVisible() and not users.has_users()
    assert dialog.message.text() == ("Say whether the office is VAT-registered: Yes, and give "
                                     "its VAT number, or No.")
    assert dialog.focusWidget() is dialog.vat_registered_yes

    dialog.vat_registered_no.setChecked(True)
    assert not dialog.vat.isEnabled()
    assert "not VAT-registered" in dialog.vat_note.text()
    dialog.ok_button.click()
    assert dialog.value is not None and dialog.value.vat_registered is False
    saved = settings.get_settings()
    assert saved.vat_registered is False and saved.vat_number == ""


def test_a_vat_number_typed_at_the_first_run_says_yes(qtbot: Any, db_url: str) -> None:
    dialog = _first_run(qtbot)
    dialog.vat.setText("GB 123 4567 89")
    assert dialog.vat_registered() is True
    assert "none is issued until both are set" in dialog.vat_note.text()
    dialog.ok_button.click()
    saved = settings.get_settings()
    assert saved.vat_registered is True and saved.vat_number == "GB123456789"


def test_the_office_settings_switch_registration_and_it_is_audited(
        qtbot: Any, manager: Any, background: Background) -> None:
    dialog = OfficeSettingsDialog(None, manager, background, settings.get_settings())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.vat_registered.isChecked()
    assert dialog.incident_gross.text() == "£90.00 with VAT"
    dialog.vat_registered.setChecked(False)
    assert "No VAT is charged on new payments" in dialog.vat_note.text()
    assert dialog.incident_gross.text() == "no VAT charged"
    assert dialog.changes() == {"vat_registered": False}
    dialog.save_button.click()
    assert settings.get_settings().vat_registered is False
    row = t.AuditLog.select().where(t.AuditLog.action == "settings.update").get()
    assert row.user_id == manager.id
    assert (json.loads(row.before)["vat_registered"], json.loads(row.after)["vat_registered"]) \
        == (True, False)


def test_the_till_says_plainly_why_no_receipt_can_be_issued(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    settings.update_settings(office["manager"], settings.get_settings().version, vat_number="")
    incident = log_incident(office, caller.id, "Cannot print payslips")
    dialog = PaymentDialog(None, office["reception"], caller.id, (incident.id,), False)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.amount.setText("90.00")
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.value is None
    assert dialog.message.text().startswith(
        "No receipt can be issued: the office is VAT-registered but its VAT number is not set.")
    assert "A manager can set it in Office settings" in dialog.message.text()
    assert t.Payment.select().count() == 0


def test_the_till_charges_no_vat_for_an_office_not_registered(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    settings.update_settings(office["manager"], settings.get_settings().version,
                             vat_registered=False)
    incident = log_incident(office, caller.id, "Cannot print payslips")
    dialog = PaymentDialog(None, office["reception"], caller.id, (incident.id,), False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.amount.text() == "75.00"
    assert dialog.full_invoice.text() == "Full &invoice (customer's address)"
    dialog.ok_button.click()
    assert dialog.value is not None
    assert (dialog.value.vat_pence, dialog.value.gross_pence) == (0, 7500)
