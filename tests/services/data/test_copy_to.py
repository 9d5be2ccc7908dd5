"""copy-to: a SQLite office moved into another database gives the same lists, counts, searches
and reports, keeps its numbering going, and never copies over an office."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from synergy_desk.demo import generator
from synergy_desk.domain.enums import IncidentStatus, PaymentMethod, Role
from synergy_desk.domain.errors import DatabaseError, ValidationError
from synergy_desk.domain.numbers import RECEIPT
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import close_database, describe_url, open_database, sqlite_url
from synergy_desk.services import search
from synergy_desk.services.common import Actor
from synergy_desk.services.data import copy_to
from synergy_desk.services.incidents import incident_list, intake
from synergy_desk.services.money import payments
from synergy_desk.services.people import customers
from synergy_desk.services.reporting import integrity

NOW = dt.datetime(2030, 1, 1, 12, 0)
VIEWS = ["all", "open", "awaiting_payment", "resolved", "callbacks_due"]
SORTS = [("last_activity", True), ("customer", False), ("engineer", False), ("reference", True),
         ("status", False)]


def _snapshot() -> dict[str, Any]:
    """What the window's services show of the database the models are bound to."""
    out: dict[str, Any] = {}
    for view in VIEWS:
        for column, descending in SORTS:
            filt = incident_list.IncidentFilter(view=view, now=NOW)
            sort = incident_list.Sort(column, descending)
            first = incident_list.list_incidents(filt, sort, limit=25)
            second = (incident_list.list_incidents(filt, sort, after=first.next_cursor, limit=25)
                      if first.next_cursor else None)
            out[f"{view}/{column}"] = (first.rows, second.rows if second else ())
    out["counts"] = incident_list.status_counts(now=NOW)
    out["tamper"] = integrity.check_tamper()
    out["sequences"] = integrity.check_sequences()
    customer = t.Customer.select().order_by(t.Customer.id).first()
    out["search"] = [search.search_customers(customer.name[:4]),
                     search.search_customers(customer.postcode),
                     search.search_incidents("error")]
    out["cashup"] = _cashup()
    out["table_counts"] = {m._meta.table_name: m.select().count() for m in t.ALL_MODELS}
    return out


def _manager() -> Actor:
    return Actor.from_user(t.User.select().where(t.User.role == Role.MANAGER)
                           .order_by(t.User.id).first())


def _cashup() -> Any:
    from synergy_desk.services.reporting import reports

    last = t.Payment.select(t.Payment.taken_at).order_by(t.Payment.taken_at.desc()).scalar()
    day = last.date()
    return reports.build_report(_manager(), "cashup", day - dt.timedelta(days=6), day, now=NOW)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A small demo office in SQLite, and what its services show."""
    path = tmp_path_factory.mktemp("source") / "office.sqlite3"
    open_database(sqlite_url(path))
    try:
        generator.generate_demo(customers=30, incidents=120, timeline_per_incident=2)
        expected = _snapshot()
    finally:
        close_database()
    return path, expected


def test_copy_gives_the_same_lists_counts_searches_and_reports(
        source: tuple[Path, dict[str, Any]], source_url: str, empty_target: str) -> None:
    seen: list[tuple[int, int, str]] = []
    result = copy_to.copy_office(source_url, empty_target, progress=lambda *a: seen.append(a))
    expected = source[1]
    assert result.counts == expected["table_counts"]
    assert result.carried_problems == ()
    # The rows table by table; then on SQLite the search texts and the check, a step a chain,
    # to its end; on PostgreSQL the indexes, search and check made at once, a step a piece.
    stages = [stage for i, (_, _, stage) in enumerate(seen)
              if i == 0 or seen[i - 1][2] != stage]
    tables = {m._meta.table_name for m in t.ALL_MODELS}
    while stages and stages[0] in tables:
        stages.pop(0)
    if empty_target.startswith("postgres"):
        assert stages == [copy_to.INDEX_STAGE]
        steps = [(done, total) for done, total, _ in seen if _ == copy_to.INDEX_STAGE]
        assert [done for done, _ in steps] == list(range(1, len(steps) + 1))
        assert {total for _, total in steps} == {len(steps)} and len(steps) > 50
    else:
        assert stages == [copy_to.SEARCH_STAGE, copy_to.CHECK_STAGE]
        checks = [(done, total) for done, total, stage in seen if stage == copy_to.CHECK_STAGE]
        assert checks[0][0] == 0 and checks[-1][0] == checks[-1][1] == len(checks) - 1 == 5
        assert [done for done, _ in checks] == list(range(6))
    # The models are bound to the target now, as the command line expects.
    copied = _snapshot()
    for key, value in expected.items():
        assert copied[key] == value, key
    assert expected["tamper"] == [] and expected["sequences"] == []
    assert dict(expected["cashup"].summary)["Receipts"].value != 0  # a week with takings


def test_a_copy_that_checks_clean_does_not_check_the_original_again(
        source_url: str, empty_target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = copy_to._original_problems

    def original(source: Any) -> list[str]:
        asked.append("original")
        return real(source)

    monkeypatch.setattr(copy_to, "_original_problems", original)
    result = copy_to.copy_office(source_url, empty_target)
    assert result.carried_problems == ()
    assert asked == []
    assert integrity.check_tamper() == [] and integrity.check_sequences() == []


def test_problems_the_original_has_are_carried_and_named(
        source_url: str, empty_target: str) -> None:
    broken = describe_url(source_url).path  # the test's own copy of the office
    assert broken is not None
    with contextlib.closing(sqlite3.connect(broken)) as connection, connection:
        number = connection.execute(
            "SELECT receipt_number FROM payment ORDER BY id LIMIT 1").fetchone()[0]
        connection.execute("UPDATE payment SET tendered_pence = tendered_pence + 1 "
                           "WHERE receipt_number = ?", (number,))
    result = copy_to.copy_office(sqlite_url(broken), empty_target)
    assert len(result.carried_problems) == 1
    assert RECEIPT.text(number) in result.carried_problems[0]
    assert "does not match its hash" in result.carried_problems[0]
    assert [str(p) for p in integrity.check_tamper()] == list(result.carried_problems)


def test_new_rows_continue_the_numbering(source_url: str, empty_target: str) -> None:
    copy_to.copy_office(source_url, empty_target)
    last_receipt = t.Payment.select(t.Payment.receipt_number).order_by(
        t.Payment.receipt_number.desc()).scalar()
    last_id = t.Payment.select(t.Payment.id).order_by(t.Payment.id.desc()).scalar()
    incident = (t.Incident.select().where(t.Incident.status == IncidentStatus.AWAITING_PAYMENT)
                .order_by(t.Incident.id).first())
    receptionist = Actor.from_user(t.User.select().where(t.User.role == Role.RECEPTION).first())
    receipt = payments.take_payment(receptionist, payments.PaymentInput(
        customer_id=incident.__data__["customer"], incident_ids=(incident.id,),
        method=PaymentMethod.CASH, tendered_pence=100_000))
    assert receipt.number == f"R-{last_receipt + 1:06d}"
    assert t.Payment.select(t.Payment.id).order_by(t.Payment.id.desc()).scalar() == last_id + 1
    customer = t.Customer.create(account_code="NEW001", name="After The Move")
    assert customer.id == max(c.id for c in t.Customer.select(t.Customer.id))
    assert integrity.check_tamper() == []
    assert integrity.check_sequences() == []


def test_a_second_copy_into_the_same_database_is_refused(source_url: str,
                                                         empty_target: str) -> None:
    copy_to.copy_office(source_url, empty_target)
    before = {m._meta.table_name: m.select().count() for m in t.ALL_MODELS}
    t.Product.create(name="Only In The Target")
    close_database()
    with pytest.raises(ValidationError, match="already holds an office"):
        copy_to.copy_office(source_url, empty_target)
    assert t.Product.select().where(t.Product.name == "Only In The Target").exists()
    after = {m._meta.table_name: m.select().count() for m in t.ALL_MODELS}
    assert after == {**before, "product": before["product"] + 1}


def test_a_failed_copy_leaves_nothing_behind(source_url: str, empty_target: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(copy_to, "_customer_texts", broken)
    with pytest.raises(RuntimeError):
        copy_to.copy_office(source_url, empty_target)
    assert t.User.select().count() == 0
    assert t.Incident.select().count() == 0
    assert db.execute_sql("SELECT COUNT(*) FROM customer_search").fetchone()[0] == 0


def test_a_copy_onto_itself_is_refused(source_url: str) -> None:
    with pytest.raises(ValidationError, match="onto itself"):
        copy_to.copy_office(source_url, source_url)


def test_only_a_sqlite_office_is_copied(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="SQLite"):
        copy_to.copy_office("postgresql://desk@localhost/office", sqlite_url(tmp_path / "x"))
    with pytest.raises(ValidationError, match="no database"):
        copy_to.copy_office(sqlite_url(tmp_path / "missing.sqlite3"),
                            sqlite_url(tmp_path / "x.sqlite3"))


# --- text the target cannot hold ------------------------------------------------------------


def _plant(path: Path, sql: str) -> int:
    """Change the SQLite office by hand (as a program other than this one might); the row id."""
    with contextlib.closing(sqlite3.connect(path)) as raw, raw:
        row_id = int(raw.execute("SELECT MIN(id) FROM customer").fetchone()[0]) + 1
        raw.execute(sql, (row_id,))
    return row_id


def test_a_row_the_target_cannot_hold_is_named_and_nothing_is_copied(
        source_url: str, tmp_path: Path, empty_target: str) -> None:
    if not empty_target.startswith("postgres"):
        pytest.skip("SQLite holds NUL characters in text")
    row_id = _plant(tmp_path / "source.sqlite3",
                    "UPDATE customer SET notes = 'rang' || char(0) || ' twice' || char(7) "
                    "WHERE id = ?")
    with pytest.raises(DatabaseError) as caught:
        copy_to.copy_office(source_url, empty_target)
    message = caught.value.message
    assert message.startswith(f"customer {row_id}: there is a control character (such as NUL) in its notes "), message
    assert message.endswith("Nothing was copied.")
    assert t.Customer.select().count() == 0
    assert t.User.select().count() == 0


def test_an_office_whose_text_went_through_the_services_copies_cleanly(
        source_url: str, tmp_path: Path, empty_target: str) -> None:
    close_database()
    open_database(source_url)
    try:
        manager = _manager()
        made = customers.create_customer(manager, customers.CustomerInput(
            name="Nul\x00 Ltd", notes="rang\x00 twice\x07\r\nthen\x1b wrote"))
        product = t.Product.select().order_by(t.Product.id).first()
        ref = intake.log_call(manager, intake.LogCallInput(
            customer_id=made.id, product_id=product.id, subject="Jams\x00 on\x0b page two",
            description="Line one\x00\r\nline two\x7f", text="Said\x00 so\x1f"))
    finally:
        close_database()
    copy_to.copy_office(source_url, empty_target)
    customer = t.Customer.get_by_id(made.id)
    assert (customer.name, customer.notes) == ("Nul Ltd", "rang twice\nthen wrote")
    incident = t.Incident.get_by_id(ref.id)
    assert (incident.subject, incident.description) == ("Jams on page two", "Line one\nline two")
    assert integrity.check_tamper() == []
