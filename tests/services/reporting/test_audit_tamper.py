"""Tamper evidence beyond money: the audit log's own chain."""

from __future__ import annotations

import pytest
from peewee import fn

from synergy_desk.models import tables as t
from synergy_desk.services.people import users
from synergy_desk.services.reporting import integrity
from tests.services.reporting.test_integrity import sql


@pytest.fixture
def logged(office, manager) -> list[int]:
    """A few audited changes: users added by the manager."""
    from synergy_desk.domain.enums import Role
    for name in ("sam", "tess", "uma"):
        users.create_user(manager, name, name.title(), Role.ENGINEER, "a long enough pass 1")
    return [row.id for row in t.AuditLog.select(t.AuditLog.id).order_by(t.AuditLog.id)]


def test_an_untouched_audit_log_passes(logged) -> None:
    assert len(logged) >= 3
    assert integrity.check_audit_chain() == []
    assert integrity.check_office() == []


def test_a_deleted_audit_row_is_reported(logged) -> None:
    sql("DELETE FROM audit_log WHERE id = %s", logged[1])
    problems = [str(p) for p in integrity.check_office()]
    assert any(p.startswith(f"audit log row {logged[2]}: does not follow") for p in problems)


def test_the_last_audit_row_deleted_is_reported(logged) -> None:
    sql("DELETE FROM audit_log WHERE id = %s", logged[-1])
    [problem] = integrity.check_audit_chain()
    assert "rows were deleted or added" in str(problem)


def test_an_altered_audit_row_is_reported(logged) -> None:
    sql("UPDATE audit_log SET after = %s WHERE id = %s", '{"role":"reception"}', logged[0])
    [problem] = integrity.check_audit_chain()
    assert str(problem).startswith(f"audit log row {logged[0]}: its content does not match")


def test_an_audit_row_slipped_in_is_reported(logged) -> None:
    sql("INSERT INTO audit_log (at, action, entity, entity_id, before, after, prev_hash, "
        "row_hash) VALUES ('2026-01-01 00:00:00', 'user.update', 'user', '1', '', '', '', '')")
    problems = [str(p) for p in integrity.check_audit_chain()]
    assert problems and problems[0].startswith("audit log row ")


def test_rows_audited_together_are_linked_as_if_audited_one_by_one(logged) -> None:
    from synergy_desk.services.common import audit, audit_many, transaction

    length = t.ChainHead.get(t.ChainHead.name == "audit").length
    with transaction():
        audit(None, "settings.update", "settings", 1, None, {"n": 1})
        audit_many(None, [("customer.create", "customer", n, None, {"n": n})
                          for n in (10, 11, 12)])
        audit_many(None, [])
        audit(None, "settings.update", "settings", 1, {"n": 1}, {"n": 2})
    rows = list(t.AuditLog.select().where(t.AuditLog.id > logged[-1])
                .order_by(t.AuditLog.id))
    assert [(r.action, r.entity_id) for r in rows] == [
        ("settings.update", "1"), ("customer.create", "10"), ("customer.create", "11"),
        ("customer.create", "12"), ("settings.update", "1")]
    # Each row follows the one before it, across the rows written together.
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    assert t.ChainHead.get(t.ChainHead.name == "audit").length == length + 5
    assert t.ChainHead.get(t.ChainHead.name == "audit").last_hash == rows[-1].row_hash
    assert integrity.check_audit_chain() == []
    # A row in the middle of the ones written together is checked as any other.
    sql("UPDATE audit_log SET after = %s WHERE id = %s", '{"n":99}', rows[2].id)
    [problem] = integrity.check_audit_chain()
    assert str(problem).startswith(f"audit log row {rows[2].id}: its content does not match")


# --- records compared with the audit log's last image of them ---

@pytest.fixture
def records(office, manager, reception, product) -> dict[str, object]:
    """A user, a season ticket, a waiver, a contract and the office's settings, each made or
    changed through the program (so the audit log holds an image of each)."""
    from synergy_desk.domain.enums import Role, WaiverKind
    from synergy_desk.services.money import funding
    from synergy_desk.services.office import settings
    from tests.services.money.test_funding import buy_ticket, new_customer, new_incident

    rosa = users.create_user(manager, "rosa", "Rosa Reception", Role.RECEPTION,
                             "a long enough pass 1")
    customer = new_customer()
    ticket_id = buy_ticket(reception, customer, size=10)
    incident = new_incident(reception, customer, product)
    funding.waive(manager, incident.id, WaiverKind.GOODWILL, "Long-standing customer")
    waiver = t.Waiver.get(t.Waiver.incident == incident.id)
    import datetime as dt
    contract = funding.create_contract(manager, customer.id, "SC-1", dt.date(2026, 1, 1),
                                       dt.date(2026, 12, 31))
    current = settings.get_settings()
    settings.update_settings(manager, current.version, vat_number="GB123456780")
    return {"rosa": rosa.id, "ticket": ticket_id, "waiver": waiver.id,
            "contract": contract.id, "manager": manager.id}


def test_records_changed_only_by_the_program_pass(records) -> None:
    assert integrity.check_records() == []
    assert integrity.check_office() == []


def test_a_user_promoted_with_sql_is_reported(records) -> None:
    sql("UPDATE \"user\" SET role = %s WHERE id = %s", "manager", records["rosa"])
    assert integrity.check_records() == [
        "user rosa: role is manager, the audit log last recorded reception."]


def test_a_season_ticket_stretched_with_sql_is_reported(records) -> None:
    sql("UPDATE season_ticket SET size = %s, expires_at = %s WHERE id = %s", 99,
        "2099-12-31 00:00:00", records["ticket"])
    [problem] = integrity.check_records()
    assert problem.startswith(f"season ticket {records['ticket']}: size is 99, the audit log "
                              "last recorded 10; expires at is 2099-12-31")


def test_a_waiver_rewritten_with_sql_is_reported(records, engineer) -> None:
    sql("UPDATE waiver SET reason = %s, granted_by_id = %s WHERE id = %s", "Manager said so",
        engineer.id, records["waiver"])
    [problem] = integrity.check_records()
    assert problem == (f"waiver {records['waiver']}: reason is Manager said so, the audit log "
                       f"last recorded Long-standing customer; granted by is {engineer.id}, "
                       f"the audit log last recorded {records['manager']}.")


def test_a_contract_extended_with_sql_is_reported(records) -> None:
    sql("UPDATE contract SET ends_on = %s WHERE id = %s", "2099-12-31", records["contract"])
    assert integrity.check_records() == [
        "contract SC-1: ends on is 2099-12-31, the audit log last recorded 2026-12-31."]


def test_the_vat_number_changed_with_sql_is_reported(records) -> None:
    sql("UPDATE office_settings SET vat_number = %s", "GB999999999")
    sql("UPDATE office_details SET vat_number = %s", "GB999999999")
    assert integrity.check_records() == [
        "the office's settings: vat number is GB999999999, the audit log last recorded "
        "GB123456780.",
        "the office's printed details: vat number is GB999999999, the audit log last "
        "recorded GB123456780."]


def test_a_deleted_record_is_reported(records) -> None:
    sql("DELETE FROM contract WHERE id = %s", records["contract"])
    assert integrity.check_records() == [
        f"contract {records['contract']}: it is missing, though the audit log recorded it; "
        "it was deleted outside the program."]


def test_check_names_every_tampering_and_exits_1(tmp_path, office, records) -> None:
    from tests.cli.test_main import run_cli

    sql("UPDATE \"user\" SET role = %s WHERE id = %s", "manager", records["rosa"])
    sql("UPDATE season_ticket SET size = %s WHERE id = %s", 99, records["ticket"])
    sql("UPDATE waiver SET reason = %s WHERE id = %s", "Manager said so", records["waiver"])
    sql("UPDATE office_settings SET vat_number = %s", "GB999999999")
    gone = t.AuditLog.get(t.AuditLog.action == "contract.create").id
    after = t.AuditLog.select(fn.MIN(t.AuditLog.id)).where(t.AuditLog.id > gone).scalar()
    sql("DELETE FROM audit_log WHERE id = %s", gone)
    result = run_cli(tmp_path, "--database", str(office["url"]), "check")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "user rosa: role is manager" in out
    assert f"season ticket {records['ticket']}: size is 99" in out
    assert f"waiver {records['waiver']}: reason is Manager said so" in out
    assert "the office's settings: vat number is GB999999999" in out
    assert f"audit log row {after}: does not follow the row before it" in out
    assert "Traceback" not in result.stderr


def test_an_untampered_demo_office_reports_nothing(tmp_path, demo_office_file) -> None:
    from tests.cli.test_main import run_cli

    result = run_cli(tmp_path, "--database", f"sqlite:///{demo_office_file}", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found" in result.stdout


def test_the_migration_chains_the_rows_written_before_it(tmp_path) -> None:
    import shutil

    from synergy_desk.models.base import db as bound
    from synergy_desk.models.database import (
        MIGRATIONS_DIR,
        close_database,
        open_database,
        sqlite_url,
    )
    from synergy_desk.services.common import audit, transaction

    older = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, older,
                    ignore=shutil.ignore_patterns("__pycache__", "0005_*"))
    path = tmp_path / "office.sqlite3"
    open_database(sqlite_url(path), migrations_dir=older)
    try:
        for n in range(3):
            bound.execute_sql(
                "INSERT INTO audit_log (at, action, entity, entity_id, before, after) "
                "VALUES (?, 'settings.update', 'settings', '1', '', ?)",
                (f"2025-0{n + 1}-01 12:00:00.123456", f'{{"n":{n}}}'))
    finally:
        close_database()
    open_database(sqlite_url(path))
    try:
        assert integrity.check_audit_chain() == []
        with transaction():
            audit(None, "settings.update", "settings", 1, None, {"n": 3})
        assert integrity.check_audit_chain() == []
        assert t.ChainHead.get(t.ChainHead.name == "audit").length == 4
        sql("UPDATE audit_log SET after = %s WHERE id = 2", '{"n":9}')
        [problem] = integrity.check_audit_chain()
        assert str(problem).startswith("audit log row 2: its content does not match")
    finally:
        close_database()



def test_an_office_upgraded_is_compared_only_with_what_was_recorded_since(tmp_path) -> None:
    """An office kept by an earlier version, which did not record every change of its
    settings: its old images prove nothing and raise no alarm; a change made outside the
    program after the upgrade to a record audited since is found."""
    import shutil

    from synergy_desk.models.base import db as bound
    from synergy_desk.models.database import (
        MIGRATIONS_DIR,
        close_database,
        open_database,
        sqlite_url,
    )
    from synergy_desk.services.common import audit, transaction

    older = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, older,
                    ignore=shutil.ignore_patterns("__pycache__", "0005_*"))
    path = tmp_path / "office.sqlite3"
    open_database(sqlite_url(path), migrations_dir=older)
    try:
        rita = t.User.create(username="rita", full_name="Rita", role="reception",
                             password_hash="x")
        bound.execute_sql(
            "INSERT INTO audit_log (at, action, entity, entity_id, before, after) "
            "VALUES ('2025-01-01 12:00:00.000000', 'user.create', 'user', ?, '', ?)",
            (str(rita.id), '{"full_name":"Rita R"}'))  # not what the row says: never recorded
    finally:
        close_database()
    open_database(sqlite_url(path))
    try:
        assert integrity.check_records() == []
        with transaction():
            audit(None, "user.update", "user", rita.id, None,
                  {"full_name": "Rita", "role": "reception"})
        assert integrity.check_records() == []
        t.User.update(role="manager").where(t.User.id == rita.id).execute()
        [problem] = integrity.check_records()
        assert "user rita" in problem and "manager" in problem
    finally:
        close_database()


def test_later_changes_by_the_program_are_no_false_alarm(records, manager, engineer) -> None:
    """Each change the program makes to these records leaves an image the check agrees with."""
    from synergy_desk.domain.enums import Role
    from synergy_desk.services.money import tickets
    from synergy_desk.services.office import settings

    users.update_user(manager, records["rosa"], role=Role.ENGINEER, full_name="Rosa Rossi")
    users.update_user(manager, records["rosa"], active=False)
    users.reset_password(manager, engineer.id, "another long pass 2")
    tickets.adjust(manager, records["ticket"], -1, "Used by phone")
    current = settings.get_settings()
    settings.update_settings(manager, current.version, company_name="Synergy Two Ltd",
                             incident_price_pence=8000)
    assert integrity.check_records() == []
    sql("UPDATE \"user\" SET active = %s WHERE id = %s", True, records["rosa"])
    assert integrity.check_records() == [
        "user rosa: active is yes, the audit log last recorded no."]


def test_an_untampered_demo_office_passes_on_either_database(db_url) -> None:
    from synergy_desk.demo import generator

    generator.generate_demo(customers=10, incidents=30, timeline_per_incident=2)
    assert integrity.check_office() == []
    sql("UPDATE office_settings SET vat_number = %s", "GB000000000")
    assert [p for p in integrity.check_office() if "vat number" in p] == [
        "the office's settings: vat number is GB000000000, the audit log last recorded "
        "GB 284 7716 39."]
