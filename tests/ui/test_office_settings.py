"""The office settings dialog: loading, saving only what changed, field errors, conflicts,
the test e-mail from the values on screen, and the logo."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from synergy_desk.domain.errors import ConflictError, PermissionDenied
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.office.settings import get_settings, update_settings
from synergy_desk.ui.dialogs.office_settings import OfficeSettingsDialog, open_office_settings
from synergy_desk.ui.worker import Background
from tests.smtp_stub import smtp_stub
from tests.ui.conftest import ShownErrors


def open_dialog(qtbot: Any, manager: Actor, background: Background) -> OfficeSettingsDialog:
    dialog = OfficeSettingsDialog(None, manager, background, get_settings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def settings_audit() -> list[t.AuditLog]:
    return list(t.AuditLog.select().where(t.AuditLog.entity == "settings"))


def test_the_dialog_shows_the_saved_settings(qtbot: Any, manager: Actor,
                                             background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    assert dialog.objectName() == "officeSettingsDialog"
    assert dialog.company_name.text() == "Synergy Support Ltd"
    assert dialog.address.toPlainText() == "1 High Street\nLeeds\nLS1 1AA"
    assert dialog.vat_number.text() == "GB123456789"
    assert dialog.incident_price.text() == "75.00"
    assert dialog.vat_rate.text() == "20"
    assert dialog.ticket_price.text() == "65.00"
    assert dialog.ticket_size.value() == 10
    assert dialog.timezone.currentText() == "Europe/London"
    assert dialog.password_state.text() == "not set"
    assert dialog.incident_gross.text() == "£90.00 with VAT"
    assert "Receipts already issued keep the prices" in dialog.findChild(
        QLabel, "pricesNote").text()
    assert dialog.changes() == {}


def test_price_and_vat_are_saved_with_an_audit_row(qtbot: Any, manager: Actor,
                                                   background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.incident_price.setText("£80.00")
    dialog.vat_rate.setText("17.5")
    assert dialog.incident_gross.text() == "£94.00 with VAT"
    assert dialog.changes() == {"incident_price_pence": 8000, "vat_rate_bp": 1750}

    dialog.save_button.click()

    assert dialog.result() == OfficeSettingsDialog.DialogCode.Accepted
    saved = get_settings()
    assert (saved.incident_price_pence, saved.vat_rate_bp, saved.version) == (8000, 1750, 2)
    assert dialog.value == saved
    [row] = settings_audit()
    assert row.action == "settings.update" and row.user_id == manager.id
    after = json.loads(row.after)
    assert after == {"incident_price_pence": 8000, "vat_rate_bp": 1750, "version": 2}


@pytest.mark.parametrize(("widget", "text", "field", "message"), [
    ("incident_price", "75.005", "incident_price_pence", "more than two decimal places"),
    ("incident_price", "-3", "incident_price_pence", "cannot be negative"),
    ("ticket_price", "sixty", "ticket_incident_price_pence", "not an amount of money"),
    ("vat_rate", "20.125", "vat_rate_bp", "not a VAT rate"),
])
def test_a_bad_figure_is_told_under_its_field_and_nothing_is_saved(
        qtbot: Any, manager: Actor, background: Background, widget: str, text: str,
        field: str, message: str) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.company_name.setText("Renamed Ltd")
    dialog.tabs.setCurrentIndex(0)
    getattr(dialog, widget).setText(text)

    dialog.save_button.click()

    assert dialog.isVisible()
    assert message in dialog.field_error(field)
    assert dialog.tabs.currentIndex() == 1
    assert dialog.focusWidget() is getattr(dialog, widget)
    saved = get_settings()
    assert (saved.version, saved.company_name, saved.incident_price_pence) == (
        1, "Synergy Support Ltd", 7500)
    assert settings_audit() == []


def test_a_value_the_service_refuses_is_told_under_its_field(
        qtbot: Any, manager: Actor, background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.tabs.setCurrentIndex(3)
    dialog.vat_number.setText("12345")
    dialog.timezone.setCurrentText("Europe/Nowhere")

    dialog.save_button.click()

    assert "not a UK VAT number" in dialog.field_error("vat_number")
    assert dialog.tabs.currentIndex() == 0
    assert get_settings().version == 1


def test_a_vat_number_is_normalised_when_saved(qtbot: Any, manager: Actor,
                                               background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.vat_number.setText("gb 987 6543 21")
    dialog.save_button.click()
    assert get_settings().vat_number == "GB987654321"


def test_a_change_from_another_desk_is_not_overwritten(
        qtbot: Any, manager: Actor, background: Background,
        shown_errors: ShownErrors) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.incident_price.setText("99.00")
    # Meanwhile, at another desk:
    update_settings(manager, 1, company_name="Pennine Support Ltd")

    dialog.save_button.click()

    [error] = shown_errors.shown
    assert isinstance(error, ConflictError)
    assert "Mary Manager" in error.message and "company name" in error.message
    assert dialog.isVisible()
    saved = get_settings()
    assert (saved.company_name, saved.incident_price_pence, saved.version) == (
        "Pennine Support Ltd", 7500, 2)
    # The dialog now shows what is saved, so a second save cannot undo the other desk's.
    assert dialog.company_name.text() == "Pennine Support Ltd"
    assert dialog.incident_price.text() == "75.00"
    dialog.ticket_price.setText("70.00")
    dialog.save_button.click()
    saved = get_settings()
    assert (saved.company_name, saved.ticket_incident_price_pence, saved.version) == (
        "Pennine Support Ltd", 7000, 3)


def test_the_test_email_is_sent_with_the_values_on_screen(
        qtbot: Any, manager: Actor, background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    asked: list[str] = []

    def ask(suggested: str) -> str:
        asked.append(suggested)
        return "mary@synergy.example"

    dialog.ask_test_address = ask  # type: ignore[method-assign]
    with smtp_stub() as (port, received, _refuse):
        dialog.tabs.setCurrentIndex(3)
        dialog.smtp_host.setText("127.0.0.1")
        dialog.smtp_port.setValue(port)
        dialog.smtp_starttls.setChecked(False)
        dialog.smtp_from.setText("desk@synergy.example")
        with qtbot.waitSignal(dialog.test_email_finished, timeout=20_000) as finished:
            dialog.test_button.click()
    assert finished.args[0] is True
    assert "sent to mary@synergy.example" in dialog.test_status.text()
    assert dialog.test_button.isEnabled()
    [message] = received.messages
    assert received.rcpt_to == ["mary@synergy.example"]
    assert message["Subject"] == "Test e-mail from Synergy Desk"
    assert message["From"] == "Synergy Support Ltd <desk@synergy.example>"
    # Testing saves nothing.
    assert get_settings().smtp_host == "" and get_settings().version == 1


def test_a_failed_test_email_says_why_in_plain_words(
        qtbot: Any, manager: Actor, background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.ask_test_address = lambda _suggested: "nobody@synergy.example"  # type: ignore[method-assign]
    with smtp_stub() as (port, received, refuse):
        refuse.add("nobody@synergy.example")
        dialog.smtp_host.setText("127.0.0.1")
        dialog.smtp_port.setValue(port)
        dialog.smtp_starttls.setChecked(False)
        dialog.smtp_from.setText("desk@synergy.example")
        with qtbot.waitSignal(dialog.test_email_finished, timeout=20_000) as finished:
            dialog.test_button.click()
    assert finished.args[0] is False
    assert "would not deliver to nobody@synergy.example" in dialog.test_status.text()
    assert received.messages == []


def test_a_test_email_without_a_server_is_refused_at_once(
        qtbot: Any, manager: Actor, background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.ask_test_address = lambda _suggested: "mary@synergy.example"  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.test_email_finished, timeout=20_000) as finished:
        dialog.test_button.click()
    assert finished.args[0] is False
    assert "mail server's name" in finished.args[1]


def test_the_smtp_password_is_changed_or_removed_only_when_asked(
        qtbot: Any, manager: Actor, background: Background) -> None:
    dialog = open_dialog(qtbot, manager, background)
    assert not dialog.smtp_password.isVisible()
    dialog.tabs.setCurrentIndex(3)
    dialog.change_password_button.click()
    assert dialog.smtp_password.isVisible()
    dialog.smtp_password.setText("s3cret")
    assert dialog.password_state.text() == "changed when you save"
    dialog.save_button.click()
    assert get_settings().smtp_password_set
    assert t.OfficeSettings.get().smtp_password == "s3cret"

    dialog = open_dialog(qtbot, manager, background)
    assert dialog.password_state.text() == "set"
    assert "smtp_password" not in dialog.changes()
    dialog.remove_password_button.click()
    assert dialog.password_state.text() == "removed when you save"
    dialog.save_button.click()
    assert not get_settings().smtp_password_set


def png_file(path: Path) -> Path:
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#1d4e89"))
    assert image.save(str(path), "PNG")
    return path


def test_a_logo_is_chosen_previewed_and_saved(qtbot: Any, manager: Actor,
                                              background: Background, tmp_path: Path) -> None:
    logo = png_file(tmp_path / "logo.png")
    dialog = open_dialog(qtbot, manager, background)
    dialog.choose_logo_file = lambda: str(logo)  # type: ignore[method-assign]
    assert not dialog.remove_logo_button.isEnabled()

    dialog.choose_logo_button.click()

    assert not dialog.logo_preview.pixmap().isNull()
    assert dialog.remove_logo_button.isEnabled()
    dialog.save_button.click()
    assert get_settings().logo == logo.read_bytes()

    dialog = open_dialog(qtbot, manager, background)
    assert not dialog.logo_preview.pixmap().isNull()
    dialog.remove_logo_button.click()
    assert dialog.logo_preview.pixmap().isNull()
    dialog.save_button.click()
    assert get_settings().logo is None


def test_a_file_that_is_not_a_logo_is_refused_under_the_field(
        qtbot: Any, manager: Actor, background: Background, tmp_path: Path) -> None:
    gif = tmp_path / "logo.gif"
    gif.write_bytes(b"GIF89a" + b"\x00" * 40)
    dialog = open_dialog(qtbot, manager, background)
    dialog.choose_logo_file = lambda: str(gif)  # type: ignore[method-assign]
    dialog.choose_logo_button.click()
    assert "PNG or JPEG" in dialog.field_error("logo")
    assert dialog.changes() == {}
    dialog.choose_logo_file = lambda: str(tmp_path / "missing.png")  # type: ignore[method-assign]
    dialog.choose_logo_button.click()
    assert "Could not read" in dialog.field_error("logo")


def test_a_logo_of_huge_dimensions_is_refused_and_a_large_one_kept_scaled(
        qtbot: Any, manager: Actor, background: Background, tmp_path: Path) -> None:
    from PIL import Image

    huge = tmp_path / "huge.png"
    Image.new("P", (12_000, 12_000), 0).save(huge, "PNG", optimize=True)
    dialog = open_dialog(qtbot, manager, background)
    dialog.choose_logo_file = lambda: str(huge)  # type: ignore[method-assign]
    dialog.choose_logo_button.click()
    assert "12,000 × 12,000 pixels" in dialog.field_error("logo")
    assert dialog.changes() == {}

    large = tmp_path / "large.png"
    Image.new("RGB", (2400, 800), "#1d4e89").save(large, "PNG")
    dialog.choose_logo_file = lambda: str(large)  # type: ignore[method-assign]
    dialog.choose_logo_button.click()
    assert dialog.field_error("logo") == ""
    dialog.save_button.click()
    stored = get_settings().logo
    assert stored is not None
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (1200, 400)


@pytest.mark.parametrize("who", ["engineer", "reception"])
def test_only_managers_open_the_settings(qtbot: Any, office: dict[str, Any],
                                         background: Background,
                                         shown_errors: ShownErrors, who: str) -> None:
    assert open_office_settings(None, office[who], background) is None  # nothing saved
    [error] = shown_errors.shown
    assert isinstance(error, PermissionDenied)
    assert "Only managers" in error.message


def test_each_field_is_built_from_its_declared_setting(qtbot: Any, manager: Actor,
                                                       background: Background) -> None:
    from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox

    from synergy_desk.services.office.settings import SETTING

    dialog = open_dialog(qtbot, manager, background)
    for key, widget in dialog._fields.items():
        setting = SETTING[key]
        if isinstance(widget, QSpinBox):
            assert (widget.minimum(), widget.maximum()) == (setting.low, setting.high), key
            assert widget.suffix().strip() == setting.unit, key
        elif isinstance(widget, QLineEdit) and setting.max_length is not None:
            assert widget.maxLength() == setting.max_length, key
        captions = [label.text() for label in dialog.findChildren(QLabel)
                    if label.buddy() is widget]
        assert captions == ([setting.caption] if setting.caption else [""]), key
    spins = [w for w in dialog._fields.values() if isinstance(w, QSpinBox)]
    assert len(spins) == 10  # with the phone system listener's port, a request's due days,
    # the mailbox's port and its flood limit


def test_the_idle_lock_is_set_in_minutes_never_by_default_and_audited(
        qtbot: Any, manager: Actor, background: Background) -> None:
    from PySide6.QtWidgets import QSpinBox

    dialog = open_dialog(qtbot, manager, background)
    idle = dialog.findChild(QSpinBox, "settingsIdleLock")
    assert idle is not None and idle.value() == 0
    assert idle.text() == "Never"  # 0 minutes is said as what it means
    dialog.tabs.setCurrentIndex(2)
    assert idle.isVisible()
    idle.setValue(10)
    assert idle.text() == "10 minutes idle"
    assert dialog.changes() == {"idle_lock_minutes": 10}
    dialog.save_button.click()
    assert get_settings().idle_lock_minutes == 10
    assert json.loads(settings_audit()[-1].after)["idle_lock_minutes"] == 10


def test_the_bank_page_saves_the_details_as_the_bank_prints_them(
        qtbot: Any, manager: Actor, background: Background) -> None:
    from tests.ui.keys import duplicate_mnemonics

    dialog = open_dialog(qtbot, manager, background)
    dialog.tabs.setCurrentIndex(5)
    assert dialog.tabs.tabText(5) == "&Bank"
    assert dialog.bank_sort_code.isVisible()
    assert duplicate_mnemonics(dialog) == {}
    assert dialog.request_due_days.value() == 14
    dialog.bank_account_name.setText("Synergy Support Ltd")
    dialog.bank_sort_code.setText("200000")
    dialog.bank_account_number.setText("55779911")
    dialog.bank_iban.setText("gb33bukb20201555555555")
    dialog.bank_bic.setText("bukbgb22")
    dialog.request_due_days.setValue(10)

    dialog.save_button.click()

    assert dialog.result() == OfficeSettingsDialog.DialogCode.Accepted
    saved = get_settings()
    assert (saved.bank_account_name, saved.bank_sort_code, saved.bank_account_number,
            saved.bank_iban, saved.bank_bic, saved.request_due_days) == (
        "Synergy Support Ltd", "20-00-00", "55779911", "GB33 BUKB 2020 1555 5555 55",
        "BUKBGB22", 10)
    assert json.loads(settings_audit()[-1].after)["bank_sort_code"] == "20-00-00"


@pytest.mark.parametrize(("widget", "text", "field"), [
    ("bank_sort_code", "20-00-0", "bank_sort_code"),
    ("bank_account_number", "5577991", "bank_account_number"),
    ("bank_iban", "GB33BUKB20201555555556", "bank_iban"),
    ("bank_bic", "BUKB", "bank_bic"),
])
def test_a_bank_detail_the_service_refuses_is_told_under_its_field(
        qtbot: Any, manager: Actor, background: Background, widget: str, text: str,
        field: str) -> None:
    dialog = open_dialog(qtbot, manager, background)
    dialog.company_name.setText("Renamed Ltd")
    getattr(dialog, widget).setText(text)

    dialog.save_button.click()

    assert dialog.isVisible()
    assert dialog.field_error(field)
    assert dialog.tabs.currentIndex() == 5
    assert dialog.focusWidget() is getattr(dialog, widget)
    assert get_settings().version == 1  # nothing was saved, the company's name neither
