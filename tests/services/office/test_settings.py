"""Office settings and first-run set-up."""

from __future__ import annotations

import json
from typing import Any

import pytest

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import (
    ConflictError,
    PermissionDenied,
    ValidationError,
)
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.office.settings import (
    OfficeSettingsData,
    get_settings,
    setup_office,
    update_settings,
)
from synergy_desk.services.people.users import login
from tests.conftest import PASSWORD, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def settings_audit() -> list[t.AuditLog]:
    return list(t.AuditLog.select().where(t.AuditLog.entity == "settings")
                .order_by(t.AuditLog.id))


# --- reading -------------------------------------------------------------------------------


def test_get_settings_creates_the_row_with_defaults(db_url: str) -> None:
    assert t.OfficeSettings.select().count() == 0
    data = get_settings()
    assert data.incident_price_pence == 7500
    assert data.vat_rate_bp == 2000
    assert data.ticket_default_size == 10
    assert data.ticket_validity_days == 365
    assert data.timezone == "Europe/London"
    assert data.version == 1
    assert get_settings().id == data.id
    assert t.OfficeSettings.select().count() == 1


def test_get_settings_reads_the_office(office: dict[str, object]) -> None:
    data = get_settings()
    assert data.company_name == "Synergy Support Ltd"
    assert data.vat_number == "GB123456789"
    assert not data.smtp_password_set
    assert "smtp_password" not in OfficeSettingsData.__dataclass_fields__


# --- changing ------------------------------------------------------------------------------


def test_manager_changes_settings_with_audit(manager: Actor) -> None:
    data = update_settings(manager, 1, incident_price_pence=8000, vat_rate_bp=1750,
                           smtp_password="s3cret", phone="0113 496 0000",
                           vat_number="gb 123 4567 89 012", timezone="America/New_York")
    assert data.incident_price_pence == 8000
    assert data.vat_rate_bp == 1750
    assert data.smtp_password_set
    assert data.phone == "0113 496 0000"
    assert data.vat_number == "GB123456789012"
    assert data.timezone == "America/New_York"
    assert data.version == 2
    (row,) = settings_audit()
    assert row.action == "settings.update" and row.user_id == manager.id
    before, after = json.loads(row.before), json.loads(row.after)
    assert before["incident_price_pence"] == 7500 and after["incident_price_pence"] == 8000
    assert before["vat_rate_bp"] == 2000 and after["vat_rate_bp"] == 1750
    assert after["smtp_password"] == "(hidden)"
    assert "s3cret" not in row.after
    assert after["version"] == 2 and before["version"] == 1
    assert "company_name" not in after  # only what changed


@pytest.mark.parametrize("who", ["engineer", "reception"])
def test_only_managers_change_settings(office: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied, match="managers"):
        update_settings(office[who], 1, incident_price_pence=1)
    assert get_settings().incident_price_pence == 7500


@pytest.mark.parametrize(("changes", "field"), [
    ({"incident_price_pence": -1}, "incident_price_pence"),
    ({"incident_price_pence": 75.0}, "incident_price_pence"),
    ({"incident_price_pence": "7500"}, "incident_price_pence"),
    ({"incident_price_pence": True}, "incident_price_pence"),
    ({"ticket_incident_price_pence": -500}, "ticket_incident_price_pence"),
    ({"vat_rate_bp": -1}, "vat_rate_bp"),
    ({"vat_rate_bp": 10001}, "vat_rate_bp"),
    ({"ticket_default_size": 0}, "ticket_default_size"),
    ({"ticket_default_size": 11}, "ticket_default_size"),
    ({"ticket_validity_days": 0}, "ticket_validity_days"),
    ({"ticket_validity_days": 3651}, "ticket_validity_days"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"timezone": ""}, "timezone"),
    ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"vat_number": "GB12345678"}, "vat_number"),
    ({"vat_number": "FR123456789"}, "vat_number"),
    ({"vat_number": "GB1234567890"}, "vat_number"),
    ({"smtp_port": 0}, "smtp_port"),
    ({"smtp_port": 65536}, "smtp_port"),
    ({"email": "office"}, "email"),
    ({"smtp_from": "no at sign"}, "smtp_from"),
    ({"phone": "12"}, "phone"),
    ({"logo": b"GIF89a..."}, "logo"),
    ({"smtp_starttls": "yes"}, "smtp_starttls"),
    ({"company_name": "x" * 201}, "company_name"),
    ({"address": "Card 4111 1111 1111 1111"}, "address"),
    ({"no_such_setting": 1}, "no_such_setting"),
])
def test_bad_settings_are_refused_and_nothing_changes(manager: Actor, changes: dict[str, Any],
                                                      field: str) -> None:
    before = get_settings()
    with pytest.raises(ValidationError) as caught:
        update_settings(manager, 1, **{"incident_price_pence": 9999, **changes})
    assert caught.value.field == field
    assert get_settings() == before


@pytest.mark.parametrize(("changes", "expected"), [
    ({"vat_rate_bp": 0}, {"vat_rate_bp": 0}),
    ({"vat_rate_bp": 10000}, {"vat_rate_bp": 10000}),
    ({"incident_price_pence": 0}, {"incident_price_pence": 0}),
    ({"ticket_default_size": 1, "ticket_validity_days": 3650},
     {"ticket_default_size": 1, "ticket_validity_days": 3650}),
    ({"vat_number": ""}, {"vat_number": ""}),
    ({"vat_number": "123456789"}, {"vat_number": "GB123456789"}),
    ({"smtp_port": 65535, "smtp_starttls": False}, {"smtp_port": 65535, "smtp_starttls": False}),
    ({"logo": PNG}, {"logo": PNG}),
    ({"email": " office@synergy.example "}, {"email": "office@synergy.example"}),
])
def test_edge_values_are_accepted(manager: Actor, changes: dict[str, Any],
                                  expected: dict[str, Any]) -> None:
    data = update_settings(manager, 1, **changes)
    for name, value in expected.items():
        assert getattr(data, name) == value
        assert getattr(get_settings(), name) == value


def test_stale_settings_are_refused_naming_who_and_what(manager: Actor, password_hash: str,
                                                        ) -> None:
    other = make_user("max", Role.MANAGER, password_hash, "Max Manager")
    update_settings(other, 1, vat_rate_bp=1500)
    with pytest.raises(ConflictError) as caught:
        update_settings(manager, 1, incident_price_pence=9000)
    assert caught.value.changed_by == "Max Manager"
    assert caught.value.changes == {"vat_rate_bp": (2000, 1500)}
    assert "Max Manager" in caught.value.message and "vat rate bp" in caught.value.message
    data = get_settings()
    assert data.incident_price_pence == 7500 and data.vat_rate_bp == 1500
    assert data.version == 2


def test_saving_unchanged_settings_keeps_the_version(manager: Actor) -> None:
    data = update_settings(manager, 1, incident_price_pence=7500)
    assert data.version == 1
    assert settings_audit() == []


def test_clearing_the_smtp_password(manager: Actor) -> None:
    update_settings(manager, 1, smtp_password="s3cret")
    assert not update_settings(manager, 2, smtp_password="").smtp_password_set


# --- first run -----------------------------------------------------------------------------


def test_setup_office_creates_settings_and_the_first_manager(db_url: str) -> None:
    actor = setup_office("Synergy Support Ltd", "1 High Street\nLeeds", "GB 123 4567 89",
                         "Mary", "Mary Manager", PASSWORD)
    assert actor.role is Role.MANAGER and actor.username == "mary"
    data = get_settings()
    assert data.company_name == "Synergy Support Ltd"
    assert data.vat_number == "GB123456789"
    assert data.incident_price_pence == 7500
    assert login("mary", PASSWORD).id == actor.id
    actions = {row.action for row in t.AuditLog.select()}
    assert {"user.create", "settings.setup"} <= actions


def test_setup_office_keeps_an_existing_settings_row(db_url: str) -> None:
    first = get_settings()
    setup_office("Synergy Support Ltd", "", "", "mary", "Mary Manager", PASSWORD)
    assert t.OfficeSettings.select().count() == 1
    assert get_settings().id == first.id
    assert get_settings().company_name == "Synergy Support Ltd"


@pytest.mark.parametrize(("args", "field"), [
    (("", "addr", "", "mary", "Mary Manager", PASSWORD), "company_name"),
    (("Synergy", "addr", "GB12", "mary", "Mary Manager", PASSWORD), "vat_number"),
    (("Synergy", "addr", "", "m", "Mary Manager", PASSWORD), "username"),
    (("Synergy", "addr", "", "mary", "Mary Manager", "short"), "password"),
    (("Synergy", "addr", "", "mary", "", PASSWORD), "full_name"),
])
def test_setup_office_is_all_or_nothing(db_url: str, args: tuple[str, ...], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        setup_office(*args)
    assert caught.value.field == field
    assert t.User.select().count() == 0
    assert t.OfficeSettings.select().count() == 0


def test_setup_office_is_refused_once_there_are_users(office: dict[str, object]) -> None:
    with pytest.raises(PermissionDenied, match="already set up"):
        setup_office("Another Ltd", "", "", "newboss", "New Boss", PASSWORD)
    assert not t.User.select().where(t.User.username == "newboss").exists()
    assert get_settings().company_name == "Synergy Support Ltd"


# --- prices never reach back into issued receipts --------------------------------------------


def test_a_change_of_price_never_alters_an_issued_receipt(office: dict[str, Any],
                                                          manager: Actor) -> None:
    from synergy_desk.domain.enums import PaymentMethod
    from synergy_desk.services.incidents import intake
    from synergy_desk.services.money import payments
    from synergy_desk.services.people import customers
    from synergy_desk.services.reporting.receipt_documents import receipt_pdf

    reception = office["reception"]
    customer = customers.create_customer(reception, customers.CustomerInput(
        name="Harriet Oduya", company="Oduya Joinery Ltd", phone="01632 960123",
        email="harriet@oduya.example", postcode="LS6 2AB", address="4 Mill Lane\nLeeds"))
    ref = intake.log_call(reception, intake.LogCallInput(
        customer_id=customer.id, product_id=office["product"].id,
        subject="Cannot print payslips", text="Rang in."))
    taken = payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer.id, incident_ids=(ref.id,), ticket_size=5,
        method=PaymentMethod.CARD, card_brand="Visa", card_last4="4242", auth_code="AB1234"))
    info_before = payments.receipt_info(taken.number)
    pdf_before = receipt_pdf(taken.number, copy=True)
    # 5 × £65 + 20%: the incident is funded from the ticket bought with it.
    assert info_before.gross_pence == 39000

    update_settings(manager, get_settings().version, incident_price_pence=12000,
                    vat_rate_bp=1750, ticket_incident_price_pence=9900)

    assert get_settings().incident_price_pence == 12000
    assert payments.receipt_info(taken.number) == info_before
    assert receipt_pdf(taken.number, copy=True) == pdf_before
    # A payment taken now is charged at the new prices.
    ref2 = intake.log_call(reception, intake.LogCallInput(
        customer_id=customer.id, product_id=office["product"].id,
        subject="Year end will not close", text="Rang in."))
    new = payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer.id, incident_ids=(ref2.id,), method=PaymentMethod.CARD,
        card_brand="Visa", card_last4="4242", auth_code="AB1235"))
    assert new.gross_pence == 12000 + 2100


# --- the logo ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"GIF89a" + b"\x00" * 20, "PNG or JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 1_000_001, "too large"),
])
def test_a_logo_that_would_be_refused_on_save_is_refused_at_once(data: bytes,
                                                                 message: str) -> None:
    from synergy_desk.services.office.settings import check_logo

    with pytest.raises(ValidationError, match=message) as caught:
        check_logo(data)
    assert caught.value.field == "logo"


def test_a_png_or_jpeg_logo_is_accepted() -> None:
    from synergy_desk.services.office.settings import check_logo

    assert check_logo(PNG) == PNG
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 16
    assert check_logo(jpeg) == jpeg


# --- the settings, declared once -----------------------------------------------------------


def test_every_setting_a_manager_may_change_is_declared_once() -> None:
    from synergy_desk.services.office.settings import SETTING, SETTINGS

    columns = {f.name for f in t.OfficeSettings._meta.sorted_fields} - {"id", "updated_at",
                                                                         "version"}
    assert [s.key for s in SETTINGS] == list(SETTING)
    assert set(SETTING) == columns


def test_every_declared_default_passes_its_own_check() -> None:
    from synergy_desk.services.office.settings import SETTINGS

    for setting in SETTINGS:
        assert setting.validate(setting.default) == setting.default, setting.key


@pytest.mark.parametrize("key", ["ticket_default_size", "ticket_validity_days", "lockout_minutes",
                                 "lockout_attempts", "smtp_port", "vat_rate_bp"])
def test_a_declared_range_is_the_one_the_service_holds(manager: Actor, key: str) -> None:
    from synergy_desk.services.office.settings import SETTING

    setting = SETTING[key]
    assert setting.low is not None and setting.high is not None
    version = get_settings().version
    for wrong in (setting.low - 1, setting.high + 1):
        with pytest.raises(ValidationError, match=f"from {setting.low:,} to {setting.high:,}"):
            update_settings(manager, version, **{key: wrong})
    for right in (setting.low, setting.high):
        saved = update_settings(manager, version, **{key: right})
        assert getattr(saved, key) == right
        version = saved.version


def huge_png(width: int = 12_000, height: int = 12_000) -> bytes:
    """A few kB of PNG that claims 12,000 × 12,000 pixels (a palette picture of zeros)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("P", (width, height), 0).save(out, "PNG", optimize=True)
    return out.getvalue()


def big_png(width: int, height: int) -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "#1f3a5f")
    ImageDraw.Draw(image).ellipse((0, 0, width // 3, height - 1), fill="#f0b429")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_logo_of_huge_dimensions_is_refused_from_its_header_without_decoding_it(
        manager: Actor, recwarn: pytest.WarningsRecorder) -> None:
    import time

    from synergy_desk.services.office.settings import check_logo

    data = huge_png()
    assert len(data) < 100_000  # tiny on disk: only the header tells
    started = time.perf_counter()
    with pytest.raises(ValidationError, match=r"too large \(12,000 × 12,000 pixels") as caught:
        check_logo(data)
    assert caught.value.field == "logo"
    assert time.perf_counter() - started < 1.0  # it was never decoded
    version = get_settings().version
    with pytest.raises(ValidationError, match="12,000 × 12,000 pixels"):
        update_settings(manager, version, logo=data)
    assert get_settings().logo is None
    assert not [w for w in recwarn if "DecompressionBomb" in type(w.message).__name__]


def test_a_large_logo_is_stored_scaled_down_to_1200_pixels_across(manager: Actor) -> None:
    import io

    from PIL import Image

    from synergy_desk.services.office.settings import check_logo

    data = big_png(3000, 1000)
    scaled = check_logo(data)
    with Image.open(io.BytesIO(scaled)) as image:
        assert (image.format, image.size) == ("PNG", (1200, 400))
    update_settings(manager, get_settings().version, logo=data)
    assert get_settings().logo == scaled
    # A logo already small enough is stored as it was given.
    small = big_png(600, 200)
    assert check_logo(small) == small


# --- the desk's idle lock ------------------------------------------------------------------


def test_a_new_office_never_locks_its_desks_when_idle(db_url: str) -> None:
    assert get_settings().idle_lock_minutes == 0


def test_the_manager_sets_the_idle_lock_and_it_is_audited(manager: Actor) -> None:
    saved = update_settings(manager, get_settings().version, idle_lock_minutes=10)
    assert saved.idle_lock_minutes == 10
    last = settings_audit()[-1]
    assert json.loads(last.before)["idle_lock_minutes"] == 0
    assert json.loads(last.after)["idle_lock_minutes"] == 10
    assert update_settings(manager, saved.version, idle_lock_minutes=0).idle_lock_minutes == 0


@pytest.mark.parametrize("who", ["reception", "engineer"])
def test_only_a_manager_sets_the_idle_lock(office: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied):
        update_settings(office[who], get_settings().version, idle_lock_minutes=5)
    assert get_settings().idle_lock_minutes == 0


@pytest.mark.parametrize("wrong", [-1, 1441, "5", 2.5, True])
def test_an_idle_lock_that_is_not_a_number_of_minutes_is_refused(manager: Actor,
                                                                 wrong: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        update_settings(manager, get_settings().version, idle_lock_minutes=wrong)
    assert raised.value.field == "idle_lock_minutes"
    assert get_settings().idle_lock_minutes == 0


def test_check_finds_no_false_alarm_in_the_idle_lock_before_or_after_it_is_set(
        db_url: str) -> None:
    from synergy_desk.services.reporting import integrity
    from tests.services.reporting.test_integrity import sql

    mary = setup_office("Synergy Support Ltd", "", "", "mary", "Mary Manager", PASSWORD)
    assert integrity.check_records() == []  # the set-up's image holds the column's default
    # An image written before the column existed (an older version's set-up) lacks it.
    sql("UPDATE audit_log SET after = %s WHERE action = %s",
        json.dumps({"company_name": "Synergy Support Ltd"}), "settings.setup")
    assert "idle_lock_minutes" not in t.AuditLog.get(t.AuditLog.action == "settings.setup").after
    assert integrity.check_records() == []
    update_settings(mary, get_settings().version, idle_lock_minutes=15)
    assert integrity.check_records() == []
    sql("UPDATE office_settings SET idle_lock_minutes = %s", 0)
    assert integrity.check_records() == [
        "the office's settings: idle lock minutes is 0, the audit log last recorded 15."]


# --- the support mailbox -------------------------------------------------------------------


def test_the_mailbox_settings_are_checked_and_its_password_never_shown(manager: Actor) -> None:
    data = update_settings(manager, get_settings().version, imap_host=" imap.example.co.uk ",
                           imap_port=143, imap_security="starttls", imap_user="support",
                           imap_password="imap-s3cret", imap_folder="Support",
                           mail_attachment_limit_kb=0, mail_flood_limit=5,
                           mail_acknowledge=True, mail_signature="Kind regards,\nThe desk")
    assert (data.imap_host, data.imap_port, data.imap_security, data.imap_folder) == (
        "imap.example.co.uk", 143, "starttls", "Support")
    assert data.imap_password_set and data.mail_acknowledge
    assert (data.mail_attachment_limit_kb, data.mail_flood_limit) == (0, 5)
    assert "imap_password" not in OfficeSettingsData.__dataclass_fields__
    row = settings_audit()[-1]
    assert "imap-s3cret" not in row.after and json.loads(row.after)["imap_password"] == "(hidden)"
    version = data.version
    for key, wrong, words in (("imap_port", 0, "from 1 to 65,535"),
                              ("imap_port", 65536, "from 1 to 65,535"),
                              ("imap_security", "tls", "SSL/TLS, STARTTLS or none"),
                              ("imap_folder", "", "folder"),
                              ("imap_folder", "IN*", "not a folder name"),
                              ("mail_attachment_limit_kb", 51201, "from 0 to 51,200"),
                              ("mail_flood_limit", 0, "from 1 to 1,000"),
                              ("mail_signature", "Card 4111 1111 1111 1111", "card number")):
        with pytest.raises(ValidationError, match=words):
            update_settings(manager, version, **{key: wrong})
    assert get_settings().version == version
