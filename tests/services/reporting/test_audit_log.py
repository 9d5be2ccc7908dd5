"""The audit-log reader: filters, keyset pages, record look-up, who may read it; the tamper check."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from playhouse.test_utils import assert_query_count

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.common import Actor, audit, transaction
from synergy_desk.services.incidents import work
from synergy_desk.services.money import funding, payments
from synergy_desk.services.people import customers, users
from synergy_desk.services.reporting import audit_log
from synergy_desk.services.reporting.audit_log import AuditFilter, list_audit, run_tamper_check
from tests.conftest import sqlite_steps
from tests.services.incidents.incident_helpers import make_customer, new_call, pay_for
from tests.services.reporting.test_integrity import sql


@pytest.fixture
def history(office: dict[str, Any], product: t.Product) -> dict[str, Any]:
    """A customer added, a paid incident worked on and refunded, a user changed."""
    manager, engineer, reception = office["manager"], office["engineer"], office["reception"]
    customers.create_customer(reception, customers.CustomerInput(name="Brook Farm Ltd"))
    customer = make_customer()
    first = new_call(reception, customer, product, subject="Printing fails")
    second = new_call(reception, customer, product, subject="Crash on open")
    receipt = pay_for(reception, customer, first.id)
    work.start_work(engineer, first.id)
    note = payments.refund(manager, receipt.payment_id, reason="Paid twice",
                           confirm_work_started=True)
    users.update_user(manager, office["engineer2"].id, role=Role.MANAGER)
    users.update_user(manager, office["engineer2"].id, full_name="Erin Evans")
    return {"customer": customer, "first": t.Incident.get_by_id(first.id),
            "second": t.Incident.get_by_id(second.id), "receipt": receipt, "note": note}


def actions(page: audit_log.AuditPage) -> list[str]:
    return [r.action for r in page.rows]


def test_newest_first_with_who_and_which_record(office: dict[str, Any],
                                                history: dict[str, Any]) -> None:
    page = list_audit(office["manager"])
    assert [r.id for r in page.rows] == sorted((r.id for r in page.rows), reverse=True)
    assert page.rows[0].action == "user.update"
    assert page.rows[0].record_label == "erin" and page.rows[0].user_name == "Mary Manager"
    assert page.rows[0].summary == "full_name: Erin Engineer → Erin Evans"
    assert page.rows[0].changed_keys == {"full_name", "version"}
    labels = {r.action: r.record_label for r in page.rows}
    assert labels["customer.create"] == "C000001 Brook Farm Ltd"
    assert labels["payment.take"] == "R-000001"
    assert labels["payment.refund"] == "CN-000001"
    assert labels["incident.start"] == history["first"].reference
    start = next(r for r in page.rows if r.action == "incident.start")
    assert start.action_label == "Work started" and start.kind == "status"
    assert "status: queued → in_progress" in start.summary
    assert start.before["status"] == "queued" and start.after["status"] == "in_progress"


def test_filter_by_user_kind_and_action(office: dict[str, Any], history: dict[str, Any]) -> None:
    manager, engineer = office["manager"], office["engineer"]
    mine = list_audit(manager, AuditFilter(user_id=engineer.id))
    assert {r.user_name for r in mine.rows} == {"Eddie Engineer"}
    assert "incident.start" in actions(mine)
    money = list_audit(manager, AuditFilter(kind="money"))
    assert money.rows and all(r.kind == "money" for r in money.rows)
    assert {"payment.take", "payment.refund"} <= set(actions(money))
    assert actions(list_audit(manager, AuditFilter(kind="users"))) == ["user.update"] * 2
    status = list_audit(manager, AuditFilter(kind="status"))
    assert status.rows and all(a.startswith("incident.") for a in actions(status))
    assert actions(list_audit(manager, AuditFilter(action="payment.refund"))) == [
        "payment.refund"]
    assert set(actions(list_audit(manager, AuditFilter(action="payment.")))) == {
        "payment.take", "payment.refund"}
    with transaction():
        audit(manager, "something.new", "database", "")
    assert actions(list_audit(manager, AuditFilter(kind="other"))) == ["something.new"]
    with pytest.raises(ValidationError, match="not a kind"):
        list_audit(manager, AuditFilter(kind="gossip"))


@pytest.mark.parametrize(("text", "expected"), [
    ("INC-000001", {"incident"}), ("inc-1", {"incident"}),
    ("R-000001", {"payment", "credit_note", "payment_line"}),
    ("CN-000001", {"credit_note"}), ("erin", {"user"}), ("c000001", {"customer"}),
])
def test_a_record_typed_by_a_person_is_found(office: dict[str, Any], history: dict[str, Any],
                                             text: str, expected: set[str]) -> None:
    page = list_audit(office["manager"], AuditFilter(record=text))
    assert page.rows
    assert {r.entity for r in page.rows} <= expected
    if text.lower().startswith("inc"):
        assert {r.entity_id for r in page.rows} == {str(history["first"].id)}
        assert "incident.start" in actions(page)


def test_an_unknown_record_finds_nothing_and_nonsense_is_refused(
        office: dict[str, Any], history: dict[str, Any]) -> None:
    assert list_audit(office["manager"], AuditFilter(record="INC-999999")).rows == ()
    assert list_audit(office["manager"], AuditFilter(record="nobody")).rows == ()
    with pytest.raises(ValidationError, match="not a record") as caught:
        list_audit(office["manager"], AuditFilter(record="what? !"))
    assert caught.value.field == "record"


def test_date_filters_are_office_days(office: dict[str, Any]) -> None:
    manager = office["manager"]
    # 23:30 UTC on 30 June is already 1 July in London (BST).
    late = dt.datetime(2025, 6, 30, 23, 30)
    early = dt.datetime(2025, 6, 30, 22, 30)
    for at, action in ((early, "test.early"), (late, "test.late")):
        t.AuditLog.create(at=at, user=manager.id, action=action, entity="database",
                          entity_id="")
    july = list_audit(manager, AuditFilter(start=dt.date(2025, 7, 1), end=dt.date(2025, 7, 1)))
    assert actions(july) == ["test.late"]
    june = list_audit(manager, AuditFilter(end=dt.date(2025, 6, 30)))
    assert actions(june) == ["test.early"]
    utc = list_audit(manager, AuditFilter(start=early, end=late))  # end exclusive
    assert actions(utc) == ["test.early"]
    with pytest.raises(ValidationError, match="before"):
        list_audit(manager, AuditFilter(start=dt.date(2025, 7, 2), end=dt.date(2025, 7, 1)))


def test_pages_follow_on_without_gaps_or_repeats(office: dict[str, Any]) -> None:
    manager = office["manager"]
    same = dt.datetime(2025, 1, 1, 12, 0)
    t.AuditLog.insert_many([
        {"at": same if i % 3 else same + dt.timedelta(seconds=i), "user": manager.id,
         "action": "test.row", "entity": "database", "entity_id": str(i)}
        for i in range(23)]).execute()
    seen: list[int] = []
    cursor = None
    while True:
        page = list_audit(manager, AuditFilter(action="test.row"), after_id=cursor, limit=5)
        seen.extend(r.id for r in page.rows)
        cursor = page.next_cursor
        if cursor is None:
            break
    every = list(t.AuditLog.select(t.AuditLog.id).where(t.AuditLog.action == "test.row")
                 .order_by(t.AuditLog.at.desc(), t.AuditLog.id.desc()).tuples())
    assert seen == [i for (i,) in every] and len(seen) == 23


@pytest.mark.parametrize("filt", [
    AuditFilter(), AuditFilter(kind="money"), AuditFilter(record="INC-000001"),
    AuditFilter(record="R-000001", kind="money"), AuditFilter(record="erin"),
])
def test_a_page_costs_one_query_however_deep(office: dict[str, Any], history: dict[str, Any],
                                             filt: AuditFilter) -> None:
    manager = office["manager"]
    # One for the permission check, one for the page: names and labels come joined.
    with assert_query_count(2):
        first = list_audit(manager, filt, limit=1)
    assert first.next_cursor is not None
    with assert_query_count(2):
        second = list_audit(manager, filt, after_id=first.next_cursor, limit=1)
    assert second.rows and second.rows[0].id != first.rows[0].id


def test_dates_add_one_look_at_the_office_time_zone(office: dict[str, Any],
                                                    history: dict[str, Any]) -> None:
    with assert_query_count(3):
        list_audit(office["manager"], AuditFilter(start=dt.date(2000, 1, 1)))


def test_engineers_read_the_log_and_reception_is_refused(office: dict[str, Any],
                                                         history: dict[str, Any]) -> None:
    assert list_audit(office["engineer"]).rows
    with pytest.raises(PermissionDenied, match="engineers and managers"):
        list_audit(office["reception"])
    with pytest.raises(PermissionDenied, match="engineers and managers"):
        run_tamper_check(office["reception"])
    with pytest.raises(ValidationError):
        list_audit(office["engineer"], limit=0)


def test_the_choices_cover_every_kind(db_url: str) -> None:
    choices = audit_log.audit_actions()
    assert {c.kind for c in choices} == set(audit_log.KINDS)
    refund = next(c for c in choices if c.action == "payment.refund")
    assert (refund.label, refund.kind) == ("Refund", "money")


def test_waivers_show_in_the_log(office: dict[str, Any], history: dict[str, Any]) -> None:
    manager = office["manager"]
    funding.waive(manager, history["second"].id, "warranty", "Our bug in 12.4")
    [row] = list_audit(manager, AuditFilter(action="funding.waive")).rows
    assert row.record_label == history["second"].reference and row.kind == "money"
    assert row.after["kind"] == "warranty" and row.after["reason"] == "Our bug in 12.4"


# --- the tamper check ---------------------------------------------------------------------


def test_untouched_books_pass_and_the_check_is_audited(office: dict[str, Any],
                                                       history: dict[str, Any]) -> None:
    report = run_tamper_check(office["engineer"])
    assert report.ok and report.problems == ()
    entry = t.AuditLog.get(t.AuditLog.action == "integrity.check")
    assert entry.user_id == office["engineer"].id
    assert json.loads(entry.after)["problems"] == 0
    # A tamper check is filed with the money it checks.
    money = list_audit(office["manager"], AuditFilter(kind="money")).rows
    assert any(row.action == "integrity.check" for row in money)


def test_a_payment_altered_with_sql_is_reported(office: dict[str, Any],
                                                history: dict[str, Any]) -> None:
    sql("UPDATE payment SET gross_pence = %s WHERE id = %s", 1,
        history["receipt"].payment_id)
    report = run_tamper_check(office["manager"])
    assert not report.ok
    [problem] = report.problems
    assert (problem.check, problem.record) == ("tamper", "R-000001")
    assert "altered" in problem.problem and str(problem).startswith("R-000001: ")
    entry = (t.AuditLog.select().where(t.AuditLog.action == "integrity.check")
             .order_by(t.AuditLog.id.desc()).get())
    assert json.loads(entry.after) == {"problems": 1, "records": 0, "sequences": 0,
                                        "tamper": 1}
    # And it shows in the log's own list.
    [row] = list_audit(office["manager"], AuditFilter(action="integrity.check")).rows
    assert row.summary == "problems: 1; records: 0; sequences: 0; tamper: 1"


def test_a_number_gap_is_reported_too(office: dict[str, Any], history: dict[str, Any]) -> None:
    sql("UPDATE sequence SET last_value = last_value + 1 WHERE name = %s", "receipt")
    problems = run_tamper_check(office["manager"]).problems
    assert [p.check for p in problems] == ["sequence"]
    assert "counter" in problems[0].problem


def test_a_deactivated_engineer_cannot_read_the_log(office: dict[str, Any]) -> None:
    users.update_user(office["manager"], office["engineer"].id, active=False)
    with pytest.raises(PermissionDenied, match="no longer active"):
        list_audit(office["engineer"])


def test_role_changed_elsewhere_takes_effect(office: dict[str, Any]) -> None:
    eddie: Actor = office["engineer"]
    users.update_user(office["manager"], eddie.id, role=Role.RECEPTION)
    with pytest.raises(PermissionDenied, match="changed to reception"):
        list_audit(eddie)
    assert db.obj is not None


# --- a kind's page on a long log -----------------------------------------------------------

def _add_entries(user_id: int, action: str, first: int, count: int) -> None:
    base = dt.datetime(2026, 1, 5, 9, 0)
    rows = [{"at": base + dt.timedelta(seconds=first + i), "user": user_id, "action": action,
             "entity": "incident", "entity_id": str(first + i), "before": "", "after": "{}"}
            for i in range(count)]
    with db.atomic():
        for start in range(0, len(rows), 400):
            t.AuditLog.insert_many(rows[start:start + 400]).execute()


def test_a_kind_page_reads_a_page_however_long_the_kind(sqlite_db_url: str,
                                                         password_hash: str) -> None:
    from tests.conftest import make_user

    manager = make_user("mary", Role.MANAGER, password_hash, "Mary Manager")
    _add_entries(manager.id, "incident.create", 0, 300)
    _add_entries(manager.id, "payment.take", 300, 50)
    filt = AuditFilter(kind="status")
    short = sqlite_steps(lambda: list_audit(manager, filt, limit=20))
    _add_entries(manager.id, "incident.create", 350, 6000)
    page = list_audit(manager, filt, limit=20)
    assert [r.entity_id for r in page.rows] == [str(i) for i in range(6349, 6329, -1)]
    # Twenty times the entries, about the same work: the page is not found by sorting the
    # whole kind.
    long = sqlite_steps(lambda: list_audit(manager, filt, limit=20))
    assert long < 2 * short + 5, (short, long)


def test_a_kind_finds_actions_it_has_no_label_for_in_order(office: dict[str, Any]) -> None:
    manager = office["manager"]
    for n, action in enumerate(("incident.zzz", "incident.create", "incident.aaa",
                                "incident.", "incidents.other", "ticket.purchase",
                                "aaa.first", "zzz.last", "user.login", "incident.create")):
        _add_entries(manager.id, action, n, 1)
    seen: list[str] = []
    cursor = None
    while True:
        page = list_audit(manager, AuditFilter(kind="status"), after_id=cursor, limit=2)
        seen += actions(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ["incident.create", "incident.", "incident.aaa", "incident.create",
                    "incident.zzz"]
    other = list_audit(manager, AuditFilter(kind="other"))
    assert actions(other) == ["zzz.last", "aaa.first", "incidents.other"]
    money = list_audit(manager, AuditFilter(kind="money"))
    assert actions(money) == ["ticket.purchase"]
    assert money.rows[0].action_label == "Season ticket sold"


def test_a_user_named_like_a_record_is_found_too(office: dict[str, Any],
                                                 history: dict[str, Any]) -> None:
    manager = office["manager"]
    r1 = users.create_user(manager, "r1", "Rob One", "engineer", "a long password")
    page = list_audit(manager, AuditFilter(record="r1"))
    # Receipt R-000001's entries and the user r1's both.
    assert {"payment", "user"} <= {r.entity for r in page.rows}
    assert any(r.entity == "user" and r.entity_id == str(r1.id) for r in page.rows)
