"""VAT-registered or not: a registered office issues no receipt without its VAT number and
address; one that is not charges no VAT and its receipts say so; switching is a manager's,
audited, and receipts already issued reprint unchanged."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from pypdf import PdfReader

from synergy_desk.domain.enums import LineKind
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.money import funding, payments
from synergy_desk.services.office import settings
from synergy_desk.services.reporting import integrity, receipt_documents
from tests.services.money.test_funding import cash, new_customer, new_incident


def _sequences() -> dict[str, int]:
    return {row.name: row.last_value for row in t.Sequence.select()}


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in
                             PdfReader(io.BytesIO(pdf)).pages).split())


def _change(actor: Any, **changes: Any) -> settings.OfficeSettingsData:
    return settings.update_settings(actor, settings.get_settings().version, **changes)


@pytest.mark.parametrize(("cleared", "message"), [
    ({"vat_number": ""}, "the office is VAT-registered but its VAT number is not set. A "
                         "manager can set it in Office settings"),
    ({"address": ""}, "the office is VAT-registered but its address is not set."),
    ({"vat_number": "", "address": ""},
     "its VAT number and its address are not set. A manager can set them in Office settings"),
])
def test_a_registered_office_without_its_vat_number_or_address_issues_no_receipt(
        office, manager, reception, product, cleared, message) -> None:
    _change(manager, **cleared)
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    before = _sequences()
    with pytest.raises(ValidationError) as refused:
        payments.take_payment(reception, cash(customer, (incident.id,)))
    assert refused.value.message.startswith("No receipt can be issued:")
    assert message in refused.value.message
    assert refused.value.message.endswith("Nothing was charged.")
    assert t.Payment.select().count() == 0 and t.PaymentLine.select().count() == 0
    assert _sequences() == before  # no receipt number taken
    assert not t.AuditLog.select().where(t.AuditLog.action == "payment.take").exists()


def test_an_office_not_registered_charges_no_vat_and_its_receipt_says_so(
        office, manager, reception, product) -> None:
    _change(manager, vat_registered=False, vat_number="")
    customer = new_customer()
    # Two incidents and a one-incident ticket: the ticket funds the first, the second is
    # charged per incident, so the receipt has an incident line and a ticket line.
    first = new_incident(reception, customer, product)
    second = new_incident(reception, customer, product)
    ids = (first.id, second.id)
    quote = payments.quote(customer.id, ids, ticket_size=1)
    assert [(ln.kind, ln.vat_rate_bp, ln.vat_pence) for ln in quote.lines] == [
        (LineKind.INCIDENT, 0, 0), (LineKind.SEASON_TICKET, 0, 0)]
    assert (quote.net_pence, quote.vat_pence, quote.gross_pence) == (7500 + 6500, 0, 14000)
    assert funding.entitlement(customer.id).summary == "Pay per incident: £75.00 (no VAT)"

    receipt = payments.take_payment(reception, cash(customer, ids, ticket_size=1))
    assert (receipt.net_pence, receipt.vat_pence, receipt.gross_pence) == (14000, 0, 14000)
    assert all(ln.vat_rate_bp == 0 and ln.vat_pence == 0 for ln in receipt.lines)
    assert receipt.office.vat_registered is False
    text = _pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=True))
    assert "Not VAT registered — no VAT charged" in text
    assert "VAT rate" not in text and "incl. VAT" not in text and "of which VAT" not in text
    assert "VAT receipt" not in text and "VAT reg. no." not in text
    assert f"Receipt {receipt.number}" in text and "Total £140.00" in text
    # No VAT invoice is forced above £250, so no customer address is needed for one.
    big = payments.quote(customer.id, (), ticket_size=10)
    assert big.gross_pence == 65_000 and not big.full_invoice_required
    # The refund mirrors it: no VAT handed back, and the credit note says so too.
    third = new_incident(reception, customer, product)
    single = payments.take_payment(reception, cash(customer, (third.id,)))
    note = payments.refund(manager, single.payment_id, reason="Bought by mistake")
    assert note.vat_pence == 0
    note_text = _pdf_text(receipt_documents.receipt_pdf(note.number, copy=True))
    assert "Not VAT registered — no VAT charged" in note_text and "VAT rate" not in note_text


def test_switching_registration_is_a_managers_and_audited(office, manager, engineer,
                                                          reception) -> None:
    for actor in (engineer, reception):
        with pytest.raises(PermissionDenied):
            _change(actor, vat_registered=False)
    assert settings.get_settings().vat_registered is True
    _change(manager, vat_registered=False)
    row = (t.AuditLog.select().where(t.AuditLog.action == "settings.update")
           .order_by(t.AuditLog.id.desc()).get())
    assert row.user_id == manager.id
    assert json.loads(row.before)["vat_registered"] is True
    assert json.loads(row.after)["vat_registered"] is False
    with pytest.raises(ValidationError, match="must be on or off"):
        _change(manager, vat_registered="no")
    assert integrity.check_records() == []  # the audit image agrees with the record


def test_receipts_already_issued_reprint_unchanged_after_a_switch(
        office, manager, reception, product) -> None:
    customer = new_customer()
    registered = payments.take_payment(
        reception, cash(customer, (new_incident(reception, customer, product).id,)))
    first = receipt_documents.receipt_pdf(registered.number, copy=True)
    assert "VAT reg. no. GB123456789" in _pdf_text(first)
    _change(manager, vat_registered=False)
    unregistered = payments.take_payment(
        reception, cash(customer, (new_incident(reception, customer, product).id,)))
    assert unregistered.vat_pence == 0 and registered.vat_pence == 1500
    assert receipt_documents.receipt_pdf(registered.number, copy=True) == first
    _change(manager, vat_registered=True)
    later = receipt_documents.receipt_pdf(unregistered.number, copy=True)
    assert "Not VAT registered — no VAT charged" in _pdf_text(later)
    assert "GB123456789" not in _pdf_text(later)  # on record, but no VAT was charged
    assert receipt_documents.receipt_pdf(registered.number, copy=True) == first


def test_a_new_office_says_whether_it_is_registered(db_url) -> None:
    from tests.conftest import PASSWORD

    settings.setup_office("Small Desk", "", "", "mary", "Mary Manager", PASSWORD,
                          vat_registered=False)
    saved = settings.get_settings()
    assert saved.vat_registered is False
    row = t.AuditLog.select().where(t.AuditLog.action == "settings.setup").get()
    assert json.loads(row.after)["vat_registered"] is False


def test_an_office_set_up_without_saying_is_registered_and_needs_its_number(db_url) -> None:
    from tests.conftest import PASSWORD

    settings.setup_office("Big Desk", "1 Road\nLeeds", "", "mary", "Mary Manager", PASSWORD)
    row = t.OfficeSettings.select().get()
    assert row.vat_registered is True
    assert settings.missing_for_receipts(row) == ["VAT number"]


def test_an_office_upgraded_stays_registered_and_check_raises_no_alarm(tmp_path,
                                                                      password_hash) -> None:
    """An office kept by the version before: it had a VAT number and charged VAT; after the
    upgrade it is VAT-registered, its printed details too, and its settings and their audit
    images agree before and after a change."""
    import shutil

    from synergy_desk.models.base import db as bound
    from synergy_desk.models.database import (
        MIGRATIONS_DIR,
        close_database,
        open_database,
        sqlite_url,
    )
    from synergy_desk.services.common import audit, transaction
    from tests.conftest import make_user

    older = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, older,
                    ignore=shutil.ignore_patterns("__pycache__", "0010_*"))
    path = tmp_path / "office.sqlite3"
    open_database(sqlite_url(path), migrations_dir=older)
    try:
        bound.execute_sql(
            "INSERT INTO office_settings (company_name, address, vat_number, phone, email, "
            "incident_price_pence, vat_rate_bp, ticket_incident_price_pence, "
            "ticket_default_size, ticket_validity_days, timezone, smtp_host, smtp_port, "
            "smtp_user, smtp_password, smtp_from, smtp_starttls, lockout_attempts, "
            "lockout_minutes, updated_at, version) VALUES ('Old Desk Ltd', '1 Road', "
            "'GB123456789', '', '', 7500, 2000, 6500, 10, 365, 'Europe/London', '', 587, '', "
            "'', '', 1, 5, 15, '2025-01-01 09:00:00', 1)")
        bound.execute_sql(
            "INSERT INTO office_details (valid_from, company_name, address, vat_number, phone, "
            "email, timezone, recorded_at) VALUES ('1970-01-01 00:00:00', 'Old Desk Ltd', "
            "'1 Road', 'GB123456789', '', '', 'Europe/London', '2025-01-01 09:00:00')")
        with transaction():
            # What the earlier version recorded of its settings: no word of registration.
            audit(None, "settings.setup", "settings", 1, None,
                  {"company_name": "Old Desk Ltd", "address": "1 Road",
                   "vat_number": "GB123456789", "vat_rate_bp": 2000, "version": 1})
    finally:
        close_database()
    open_database(sqlite_url(path))
    try:
        row = t.OfficeSettings.get_by_id(1)
        assert row.vat_registered is True and row.cash_variance_threshold_pence == 500
        assert t.OfficeDetails.get_by_id(1).vat_registered is True
        assert integrity.check_records() == []
        manager = make_user("mary", settings.Role.MANAGER, password_hash)
        customer = new_customer()
        receipt = payments.take_payment(manager, cash(customer, ticket_size=1))
        assert receipt.vat_pence == 1300 and receipt.office.vat_registered is True
        _change(manager, vat_registered=False)
        assert integrity.check_records() == []
    finally:
        close_database()
