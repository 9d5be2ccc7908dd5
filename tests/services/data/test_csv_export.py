"""CSV exports: formulas neutralised, plain money, ISO dates, periods, batches, atomic files."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from playhouse.test_utils import count_queries

from synergy_desk.domain.enums import PaymentMethod, Role
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.common import Actor
from synergy_desk.services.data import csv_export, csv_import
from synergy_desk.services.incidents import closing, work
from synergy_desk.services.incidents.incident_list import IncidentFilter
from synergy_desk.services.money import payments
from synergy_desk.services.people import customers
from tests.conftest import sqlite_steps
from tests.ui.workbench_data import log_new, new_customer


def read_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_formulas_are_neutralised_and_the_file_imports_back(
        manager: Actor, tmp_path: Path) -> None:
    customers.create_customer(
        manager, customers.CustomerInput(
            name='=HYPERLINK("http://evil.example","Click")', company="@SUM(A1)",
            notes="+44 is the dialling code", address="1 High St\nLeeds", postcode="ls11aa",
            phone="+33 1 23 45 67 89"),
        [customers.ContactInput(name="-Dash", phone="01632 960123", is_primary=True)])
    out = tmp_path / "customers.csv"
    result = csv_export.export_customers(manager, out)
    assert result.rows == 1
    header, row = read_rows(out)
    assert header == list(csv_export.CUSTOMER_COLUMNS)
    cells = dict(zip(header, row, strict=True))
    assert cells["Name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert cells["Company"] == "'@SUM(A1)"
    assert cells["Notes"] == "'+44 is the dialling code"
    assert cells["Phone"] == "'+33 1 23 45 67 89"
    assert cells["Contact Name"] == "'-Dash"
    assert cells["Contact Phone"] == "01632 960123"
    assert cells["Address"] == "1 High St\nLeeds"
    assert cells["Postcode"] == "LS1 1AA"
    assert cells["Account Code"] == "C000001"
    # The headings are ones the import recognises.
    mapping = csv_import.guess_mapping(header)
    assert {mapping[f] for f in ("account_code", "name", "company", "notes", "contact_name",
                                 "contact_phone", "postcode", "phone", "email")} <= set(header)
    # And it imports back as it was typed (under a new account code: the first is taken).
    row[header.index("Account Code")] = "C900001"
    again = tmp_path / "again.csv"
    with again.open("w", encoding="utf-8-sig", newline="") as out_file:
        csv.writer(out_file).writerows([header, row])
    data = csv_import.read_csv(again)
    csv_import.import_customers(manager, data, csv_import.guess_mapping(data.headers))
    back = customers.customer_summary(
        t.Customer.get(t.Customer.account_code == "C900001").id)
    assert (back.name, back.company) == ('=HYPERLINK("http://evil.example","Click")', "@SUM(A1)")
    assert t.Customer.get_by_id(back.id).notes == "+44 is the dialling code"
    assert [c.name for c in back.contacts] == ["-Dash"]


def _paid_incidents(office: dict[str, Any]) -> list[int]:
    """Three incidents paid for on three receipts; the second receipt is refunded."""
    reception, manager = office["reception"], office["manager"]
    customer = new_customer(reception, "Asha Patel")
    receipts = []
    for subject in ("Printing fails", "=cmd|' /C calc'!A0", "Export is slow"):
        ref = log_new(reception, customer, office["product"].id, subject)
        receipts.append(payments.take_payment(reception, payments.PaymentInput(
            customer_id=customer, incident_ids=(ref.id,), method=PaymentMethod.CARD,
            card_brand="Visa", card_last4="4242", auth_code="A1B2")).payment_id)
    payments.refund(manager, receipts[1], reason="Taken twice")
    return receipts


def test_payments_have_plain_money_refunds_and_incidents(
        office: dict[str, Any], tmp_path: Path) -> None:
    _paid_incidents(office)
    out = tmp_path / "payments.csv"
    result = csv_export.export_payments(office["manager"], out)
    assert result.rows == 3
    header, *rows = read_rows(out)
    assert header == list(csv_export.PAYMENT_COLUMNS)
    first = dict(zip(header, rows[0], strict=True))
    assert first["Receipt"] == "R-000001"
    assert (first["Net"], first["VAT"], first["Gross"], first["Refunded"]) == (
        "75.00", "15.00", "90.00", "0.00")
    assert first["Incidents"] == "INC-000001"
    assert first["Method"] == "Card"
    assert first["Reference"] == "Visa •••• 4242, auth A1B2"
    assert dt.datetime.fromisoformat(first["Date"])  # an ISO date and time
    second = dict(zip(header, rows[1], strict=True))
    assert (second["Refunded"], second["Credit Notes"]) == ("90.00", "CN-000001")
    assert second["Items"] == "INC-000002 — =cmd|' /C calc'!A0"  # a formula only at the start
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_period_filter_takes_the_office_days(office: dict[str, Any], tmp_path: Path) -> None:
    receipts = _paid_incidents(office)
    # Move the first receipt to 31 March, 23:30 in London (22:30 UTC, summer time).
    t.Payment.update(taken_at=dt.datetime(2027, 3, 31, 22, 30)).where(
        t.Payment.id == receipts[0]).execute()
    t.Incident.update(opened_at=dt.datetime(2027, 3, 31, 22, 30)).where(
        t.Incident.number == 1).execute()
    out = tmp_path / "march.csv"
    result = csv_export.export_payments(office["manager"], out, dt.date(2027, 3, 1),
                                        dt.date(2027, 3, 31))
    assert result.rows == 1
    assert read_rows(out)[1][:2] == ["R-000001", "2027-03-31 23:30:00"]
    assert csv_export.export_payments(office["manager"], out, dt.date(2027, 4, 1),
                                      dt.date(2027, 4, 30)).rows == 0
    result = csv_export.export_incidents(office["manager"], out, start=dt.date(2027, 3, 31),
                                         end=dt.date(2027, 3, 31))
    assert result.rows == 1
    assert read_rows(out)[1][0] == "INC-000001"
    with pytest.raises(ValidationError, match="ends .* before it starts"):
        csv_export.export_payments(office["manager"], out, dt.date(2027, 4, 2),
                                   dt.date(2027, 4, 1))


def test_incidents_stream_in_batches(office: dict[str, Any], tmp_path: Path) -> None:
    reception = office["reception"]
    customer = new_customer(reception, "Ben Okafor")
    for n in range(7):
        log_new(reception, customer, office["product"].id, f"Problem {n}")
    out = tmp_path / "incidents.csv"
    seen: list[tuple[int, int]] = []
    with count_queries() as counted:
        result = csv_export.export_incidents(
            office["engineer"], out, batch_size=3,
            progress=lambda done, total, stage: seen.append((done, total)))
    assert result.rows == 7
    assert seen == [(3, 7), (6, 7), (7, 7)]
    selects = [q for q in counted.get_queries()
               if q.msg[0].startswith('SELECT "t1"."id", "t1"."opened_at"')]
    assert len(selects) == 4  # three batches and the empty one that ends it
    header, *rows = read_rows(out)
    assert header == list(csv_export.INCIDENT_COLUMNS)
    assert [r[0] for r in rows] == [f"INC-{n:06d}" for n in range(1, 8)]
    assert rows[0][header.index("Status")] == "Awaiting payment"
    assert rows[0][header.index("Customer")] == "Ben Okafor"


def test_incident_filter_narrows_the_export(office: dict[str, Any], tmp_path: Path) -> None:
    reception = office["reception"]
    first = new_customer(reception, "Cara Jones")
    second = new_customer(reception, "Dev Singh")
    log_new(reception, first, office["product"].id, "One")
    log_new(reception, second, office["product"].id, "Two")
    out = tmp_path / "incidents.csv"
    result = csv_export.export_incidents(office["engineer"], out,
                                         IncidentFilter(view="all", customer_id=second))
    assert result.rows == 1
    assert read_rows(out)[1][header_index("Subject")] == "Two"


def header_index(name: str) -> int:
    return csv_export.INCIDENT_COLUMNS.index(name)


def test_customers_batches_hold_every_customer_once(manager: Actor, tmp_path: Path) -> None:
    for n in range(5):
        customers.create_customer(manager, customers.CustomerInput(name=f"Customer {n}"))
    out = tmp_path / "customers.csv"
    assert csv_export.export_customers(manager, out, batch_size=2).rows == 5
    assert [r[1] for r in read_rows(out)[1:]] == [f"Customer {n}" for n in range(5)]


def test_reception_may_not_export(office: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    with pytest.raises(PermissionDenied, match="engineers and managers"):
        csv_export.export_incidents(office["reception"], out)
    for export in (lambda: csv_export.export_customers(office["reception"], out),
                   lambda: csv_export.export_payments(office["reception"], out)):
        with pytest.raises(PermissionDenied, match="Only managers"):
            export()
    assert not out.exists()


def test_only_managers_export_personal_details_and_payments(
        office: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    before = t.AuditLog.select().count()
    for export in (lambda: csv_export.export_customers(office["engineer"], out),
                   lambda: csv_export.export_payments(office["engineer"], out)):
        with pytest.raises(PermissionDenied, match="Only managers may export"):
            export()
    assert not out.exists()
    assert t.AuditLog.select().count() == before
    assert csv_export.export_incidents(office["engineer"], out).rows == 0


def test_each_export_is_in_the_audit_log(office: dict[str, Any], tmp_path: Path) -> None:
    manager = office["manager"]
    _paid_incidents(office)
    csv_export.export_customers(manager, tmp_path / "c.csv")
    csv_export.export_payments(manager, tmp_path / "p.csv", dt.date(2026, 1, 1),
                               dt.date(2026, 12, 31))
    csv_export.export_incidents(office["engineer"], tmp_path / "i.csv")
    rows = list(t.AuditLog.select().where(t.AuditLog.action.startswith("export."))
                .order_by(t.AuditLog.id))
    assert [(r.action, r.entity, r.user_id) for r in rows] == [
        ("export.customers", "customer", manager.id), ("export.payments", "payment", manager.id),
        ("export.incidents", "incident", office["engineer"].id)]
    import json
    customers_after, payments_after, incidents_after = (json.loads(r.after) for r in rows)
    assert customers_after == {"rows": 1, "from": None, "to": None}
    assert payments_after == {"rows": 3, "from": "2026-01-01", "to": "2026-12-31"}
    assert incidents_after["from"] is None and incidents_after["rows"] >= 1


def test_a_failed_export_leaves_the_old_file(office: dict[str, Any], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    reception = office["reception"]
    customer = new_customer(reception, "Eve Brown")
    log_new(reception, customer, office["product"].id, "Problem")
    out = tmp_path / "incidents.csv"
    out.write_text("the old file")

    def broken(*args: object, **kwargs: object) -> Any:
        raise RuntimeError("the database went away")

    with pytest.raises(ValidationError, match="is a folder"):
        csv_export.export_incidents(office["engineer"], tmp_path)
    monkeypatch.setattr(csv_export, "_incident_batches", broken)
    with pytest.raises(RuntimeError):
        csv_export.export_incidents(office["engineer"], out)
    assert out.read_text() == "the old file"
    assert not list(tmp_path.glob("*.part"))  # no half-written file left beside it


def test_resolved_incident_columns(office: dict[str, Any], tmp_path: Path) -> None:
    from synergy_desk.domain.enums import Resolution
    from synergy_desk.services.money import funding

    reception = office["reception"]
    customer = new_customer(reception, "Fay Green")
    ref = log_new(reception, customer, office["product"].id, "Cannot print")
    funding.waive(office["manager"], ref.id, "goodwill", "Loyal")
    work.start_work(office["engineer"], ref.id)
    closing.resolve(office["engineer"], ref.id, Resolution.SOLUTION, "Reinstalled driver")
    out = tmp_path / "incidents.csv"
    csv_export.export_incidents(office["engineer"], out)
    header, row = read_rows(out)
    cells = dict(zip(header, row, strict=True))
    assert cells["Resolution"] == "Solution"
    assert cells["Resolution Note"] == "Reinstalled driver"
    assert cells["Engineer"] == "Eddie Engineer"
    assert cells["Funding"] == "Waived"
    assert cells["Resolved"] and dt.datetime.fromisoformat(cells["Resolved"])


def _payments(actor: Actor, customer: t.Customer, first: int, count: int,
              start: dt.datetime) -> None:
    rows = [{"receipt_number": n, "customer": customer.id, "method": PaymentMethod.CASH,
             "net_pence": 6250, "vat_pence": 1250, "gross_pence": 7500,
             "tendered_pence": 7500, "customer_name": customer.name, "taken_by": actor.id,
             "taken_at": start + dt.timedelta(seconds=n - first), "prev_hash": "",
             "row_hash": ""} for n in range(first, first + count)]
    with db.atomic():
        for i in range(0, len(rows), 200):
            t.Payment.insert_many(rows[i:i + 200]).execute()


def test_a_periods_payments_are_not_sorted_again_for_every_batch(
        sqlite_db_url: str, password_hash: str, tmp_path: Path) -> None:
    from tests.conftest import make_user

    t.OfficeSettings.create(company_name="Synergy Support Ltd", incident_price_pence=7500,
                            vat_rate_bp=2000)
    manager = make_user("mary", Role.MANAGER, password_hash, "Mary Manager")
    customer = t.Customer.create(account_code="C000001", name="Brook Farm Ltd")
    day = dt.date(2026, 3, 2)
    _payments(manager, customer, 1, 100, dt.datetime(2026, 3, 2, 8, 0))
    path = tmp_path / "payments.csv"

    def export() -> None:
        csv_export.export_payments(manager, path, day, day, batch_size=10)

    short = sqlite_steps(export, 100)
    _payments(manager, customer, 101, 900, dt.datetime(2026, 3, 2, 9, 0))
    _payments(manager, customer, 1001, 50, dt.datetime(2026, 3, 3, 9, 0))
    long = sqlite_steps(export, 100)
    rows = read_rows(path)
    assert len(rows) == 1001 and rows[1][0] == "R-000001" and rows[-1][0] == "R-001000"
    # Ten times the payments, ten times the batches: about ten times the work, not a hundred.
    assert long < 20 * short, (short, long)


def test_a_receipt_numbered_among_the_periods_but_taken_outside_is_left_out(
        office: dict[str, Any], tmp_path: Path) -> None:
    manager = office["manager"]
    customer = t.Customer.create(account_code="C000009", name="Brook Farm Ltd")
    _payments(manager, customer, 1, 30, dt.datetime(2026, 3, 2, 8, 0))
    t.Payment.update(taken_at=dt.datetime(2026, 3, 4, 8, 0)).where(
        t.Payment.receipt_number == 15).execute()
    path = tmp_path / "payments.csv"
    result = csv_export.export_payments(manager, path, dt.date(2026, 3, 2), dt.date(2026, 3, 2),
                                        batch_size=4)
    numbers = [r[0] for r in read_rows(path)[1:]]
    assert result.rows == 29 and "R-000015" not in numbers and numbers[-1] == "R-000030"
