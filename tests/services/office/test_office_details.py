"""A receipt or credit note reprints with the office's details in force when it was issued."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sqlite3
from pathlib import Path

from pypdf import PdfReader

from synergy_desk.models import tables as t
from synergy_desk.models.database import MIGRATIONS_DIR, close_database, open_database, sqlite_url
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payments
from synergy_desk.services.office import office_details, settings
from synergy_desk.services.reporting import receipt_documents
from tests.services.money.test_funding import cash, new_customer, new_incident


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _pay(actor: Actor, product: t.Product, subject: str) -> payments.ReceiptInfo:
    customer = new_customer()
    incident = new_incident(actor, customer, product, subject)
    return payments.take_payment(actor, cash(customer, (incident.id,)))


def test_a_reprint_keeps_the_details_in_force_when_it_was_issued(
        office: dict[str, object], manager: Actor, reception: Actor, product: t.Product) -> None:
    first = _pay(reception, product, "Cannot print invoices")
    before = receipt_documents.receipt_pdf(first.number, copy=True)

    current = settings.get_settings()
    settings.update_settings(manager, current.version, company_name="Synergy Support Group plc",
                             address="9 New Road\nHarrogate\nHG1 1ZZ", vat_number="GB987654321")

    again = receipt_documents.receipt_pdf(first.number, copy=True)
    assert again == before
    assert payments.receipt_info(first.number).office.name == "Synergy Support Ltd"
    assert "GB123456789" in _text(again) and "Harrogate" not in _text(again)

    second = _pay(reception, product, "Payroll will not run")
    assert second.office.name == "Synergy Support Group plc"
    text = _text(receipt_documents.receipt_pdf(second.number, copy=True))
    assert "GB987654321" in text and "Harrogate" in text
    # The history holds the old details from the beginning, the new ones from the change.
    periods = list(t.OfficeDetails.select().order_by(t.OfficeDetails.id))
    assert [p.company_name for p in periods] == ["Synergy Support Ltd",
                                                 "Synergy Support Group plc"]
    assert periods[0].valid_from == office_details.BEGINNING
    assert periods[1].recorded_by_id == manager.id


def test_a_price_change_starts_no_new_period(office: dict[str, object], manager: Actor) -> None:
    current = settings.get_settings()
    settings.update_settings(manager, current.version, incident_price_pence=9000)
    assert t.OfficeDetails.select().count() == 0
    assert office_details.details_at(dt.datetime(2030, 1, 1)).name == "Synergy Support Ltd"


def test_a_credit_note_prints_the_details_of_its_own_day(
        office: dict[str, object], manager: Actor, reception: Actor, product: t.Product) -> None:
    receipt = _pay(reception, product, "Cannot print invoices")
    current = settings.get_settings()
    settings.update_settings(manager, current.version, company_name="Renamed Support Ltd")
    note = payments.refund(manager, receipt.payment_id, reason="Paid twice")
    assert note.office.name == "Renamed Support Ltd"
    assert payments.receipt_info(receipt.number).office.name == "Synergy Support Ltd"


def test_setting_up_an_office_records_its_details_from_the_start(db_url: str) -> None:
    settings.setup_office("New Office Ltd", "1 Road\nLeeds", "GB123456789", "boss",
                          "The Boss", "a long password")
    (period,) = t.OfficeDetails.select()
    assert period.company_name == "New Office Ltd"
    assert period.valid_from == office_details.BEGINNING


def test_upgrading_an_office_keeps_its_details_for_its_old_receipts(tmp_path: Path) -> None:
    old_release = tmp_path / "migrations"
    old_release.mkdir()
    shutil.copy(MIGRATIONS_DIR / "0001_initial.py", old_release)
    path = tmp_path / "office.sqlite3"
    open_database(sqlite_url(path), migrations_dir=old_release)
    close_database()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO office_settings (company_name, address, vat_number, phone, "
                     "email, incident_price_pence, vat_rate_bp, ticket_incident_price_pence, "
                     "ticket_default_size, ticket_validity_days, timezone, smtp_host, smtp_port, "
                     "smtp_user, smtp_password, smtp_from, smtp_starttls, lockout_attempts, "
                     "lockout_minutes, updated_at, version) VALUES ('Old Office Ltd', "
                     "'2 Lane', 'GB111222333', '', '', 7500, 2000, 6500, 10, 365, "
                     "'Europe/London', '', 587, '', '', '', 1, 5, 15, '2025-01-01 00:00:00', 1)")
    conn.close()

    open_database(sqlite_url(path))
    try:
        (period,) = t.OfficeDetails.select()
        assert (period.company_name, period.vat_number) == ("Old Office Ltd", "GB111222333")
        assert period.valid_from == office_details.BEGINNING
        assert office_details.details_at(dt.datetime(2020, 5, 1)).name == "Old Office Ltd"
        assert t.OfficeSettings.get().company_name == "Old Office Ltd"
    finally:
        close_database()
    assert list(tmp_path.glob("office.sqlite3.before-migration-*.bak"))
