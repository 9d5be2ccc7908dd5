"""The demo office: realistic data that is consistent with everything the services keep."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from peewee import fn

from synergy_desk.demo.generator import (
    DEMO_PASSWORD,
    SMALL_CUSTOMERS,
    SMALL_INCIDENTS,
    _row_hash,
    generate_demo,
)
from synergy_desk.domain.enums import (
    RESOLVING,
    FundingKind,
    IncidentStatus,
    LedgerKind,
    Resolution,
    Role,
)
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.phones import display_phone
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import close_database, is_sqlite, open_database, sqlite_url
from synergy_desk.services import search, search_index
from synergy_desk.services.common import canonical_json, row_hash
from synergy_desk.services.incident_state import recount_all
from synergy_desk.services.people import users
from synergy_desk.services.reporting import integrity


def _kept_counts() -> Counter[tuple[str, int, int]]:
    return Counter({(row.status, row.engineer_id, row.product_id): row.count
                    for row in t.IncidentCount.select() if row.count})


def _search_body(table: str, rowid: int) -> str:
    param = db.obj.param
    row = db.execute_sql(f"SELECT body FROM {table} WHERE rowid = {param}", (rowid,)).fetchone()
    assert row is not None, f"{table} has no row {rowid}"
    return str(row[0])


def _assert_consistent(customers: int, incidents: int, per_incident: int) -> None:
    """Everything the services maintain agrees with the rows the demo wrote."""
    assert t.Customer.select().count() == customers
    assert t.Incident.select().count() == incidents
    assert t.TimelineEntry.select().count() == incidents * per_incident
    # Search tables: one row for every customer and every incident.
    assert db.execute_sql("SELECT COUNT(*) FROM customer_search").fetchone()[0] == customers
    assert db.execute_sql("SELECT COUNT(*) FROM incident_search").fetchone()[0] == incidents
    # The kept counts are what a real recount gives.
    kept = _kept_counts()
    recount_all()
    assert kept == _kept_counts()
    assert sum(kept.values()) == incidents
    # Gap-free sequences stand at the highest number used; money chains are whole.
    assert integrity.check_sequences() == []
    assert integrity.check_tamper() == []
    highest_code = t.Customer.select(fn.MAX(t.Customer.account_code)).scalar()
    customer_seq = t.Sequence.get(t.Sequence.name == "customer").last_value
    assert highest_code == f"C{customer_seq:06d}"

    for incident in t.Incident.select():
        status = IncidentStatus(incident.status)
        funding = list(t.IncidentFunding.select()
                       .where((t.IncidentFunding.incident == incident.id)
                              & t.IncidentFunding.active))
        if FundingKind(incident.funding) is FundingKind.NONE:
            assert funding == [], incident.reference
            assert incident.funded_at is None
        else:
            assert [FundingKind(f.kind) for f in funding] == [FundingKind(incident.funding)]
            assert incident.funded_at is not None
        if status is IncidentStatus.RESOLVED:
            assert Resolution(incident.resolution) in RESOLVING
            assert incident.resolved_at is not None and incident.resolved_by_id is not None
        elif status is IncidentStatus.CLOSED:
            assert Resolution(incident.resolution) in (
                Resolution.UNRESOLVED, Resolution.OUT_OF_REMIT, Resolution.MERGED)
            assert incident.closed_at is not None
        else:
            assert incident.resolution is None
        if status in (IncidentStatus.QUEUED, IncidentStatus.IN_PROGRESS,
                      IncidentStatus.WAITING_ON_CUSTOMER):
            assert FundingKind(incident.funding) is not FundingKind.NONE, incident.reference
        if status is IncidentStatus.AWAITING_PAYMENT:
            assert FundingKind(incident.funding) is FundingKind.NONE
        if incident.merged_into_id is not None:
            survivor = t.Incident.get_by_id(incident.merged_into_id)
            assert survivor.customer_id == incident.customer_id
            assert survivor.id < incident.id

    # Every incident's last activity is its latest timeline entry, and nothing is in the future.
    latest = dict(t.TimelineEntry.select(t.TimelineEntry.incident,
                                         fn.MAX(t.TimelineEntry.occurred_at))
                  .group_by(t.TimelineEntry.incident).tuples())
    for incident_id, last_activity, opened in (t.Incident.select(
            t.Incident.id, t.Incident.last_activity_at, t.Incident.opened_at).tuples()):
        assert str(latest[incident_id]) == str(last_activity)
        assert opened <= last_activity

    # Season tickets: balances are ledger sums, never below nothing nor above the size.
    balances = dict(t.TicketLedger.select(t.TicketLedger.ticket, fn.SUM(t.TicketLedger.delta))
                    .group_by(t.TicketLedger.ticket).tuples())
    for ticket in t.SeasonTicket.select():
        assert 0 <= balances[ticket.id] <= ticket.size
    purchases = t.TicketLedger.select().where(t.TicketLedger.kind == LedgerKind.PURCHASE).count()
    assert purchases == t.SeasonTicket.select().count()
    # Enhancement requests count the distinct customers asking.
    for request in t.EnhancementRequest.select():
        asking = (t.EnhancementRequestCustomer
                  .select(fn.COUNT(t.EnhancementRequestCustomer.customer.distinct()))
                  .where(t.EnhancementRequestCustomer.request == request.id).scalar())
        assert request.customer_count == asking


def _assert_search_text_as_services_write_it(sample: int) -> None:
    for customer in t.Customer.select().order_by(t.Customer.id).limit(sample):
        contacts = list(t.Contact.select().where(t.Contact.customer == customer.id))
        assert _search_body("customer_search", customer.id) == search_index.customer_body(
            customer, contacts)
    for incident in t.Incident.select().order_by(t.Incident.id.desc()).limit(sample):
        texts = [row.text for row in t.TimelineEntry.select(t.TimelineEntry.text)
                 .where(t.TimelineEntry.incident == incident.id)
                 .order_by(t.TimelineEntry.occurred_at, t.TimelineEntry.id)]
        assert _search_body("incident_search", incident.id) == search_index.incident_body(
            incident, texts)


def test_small_office_is_complete_and_consistent(db_url: str) -> None:
    stages: list[str] = []
    summary = generate_demo(progress=lambda done, total, stage: stages.append(stage))

    assert (summary.customers, summary.incidents) == (SMALL_CUSTOMERS, SMALL_INCIDENTS)
    assert summary.timeline_entries == 3 * SMALL_INCIDENTS
    assert summary.password == DEMO_PASSWORD
    assert {u.role for u in summary.users} == set(Role)
    assert {"customers", "incidents", "counts"} <= set(stages)
    _assert_consistent(SMALL_CUSTOMERS, SMALL_INCIDENTS, 3)
    _assert_search_text_as_services_write_it(20)

    settings = t.OfficeSettings.get()
    assert settings.company_name and settings.vat_number.startswith("GB")
    assert t.Product.select().count() >= 5 and t.Module.select().count() >= 20
    statuses = Counter(IncidentStatus(i.status) for i in t.Incident.select())
    assert statuses[IncidentStatus.RESOLVED] > SMALL_INCIDENTS // 2
    for open_status in (IncidentStatus.AWAITING_PAYMENT, IncidentStatus.IN_PROGRESS,
                        IncidentStatus.WAITING_ON_CUSTOMER):
        assert statuses[open_status] > 0, open_status
    fundings = Counter(FundingKind(i.funding) for i in t.Incident.select())
    for kind in (FundingKind.PAYMENT, FundingKind.TICKET, FundingKind.CONTRACT):
        assert fundings[kind] > 0, kind
    assert summary.payments == t.Payment.select().count() > 0
    assert t.PaymentLine.select().count() == summary.payments
    assert t.SeasonTicket.select().count() == summary.season_tickets > 0
    kinds = {row.kind for row in t.TimelineEntry.select(t.TimelineEntry.kind).distinct()}
    assert len(kinds) == 7
    assert t.CallBack.select().where(t.CallBack.done_at.is_null()).exists()
    # Every phone is stored normalised, as the customer services store it.
    assert all(c.phone.startswith("+44") for c in t.Customer.select(t.Customer.phone))
    assert all(c.phone.startswith("+44") for c in t.Contact.select(t.Contact.phone))
    # The demo users log in with the demo password.
    for user in summary.users:
        assert users.login(user.username, DEMO_PASSWORD).role is user.role


def test_demo_customer_is_found_by_phone_however_it_is_typed(db_url: str) -> None:
    generate_demo()
    customer = t.Customer.select().order_by(t.Customer.id.desc()).first()
    national = display_phone(customer.phone)  # "01632 960123"
    digits = national.replace(" ", "")
    for typed in (national, digits, customer.phone, "+44 " + digits[1:], digits[-6:]):
        hits = search.search_customers(typed, limit=50)
        assert customer.id in [h.id for h in hits], typed
    assert search.search_customers(customer.account_code)[0].id == customer.id
    by_postcode = search.search_customers(customer.postcode.replace(" ", "").lower(), limit=50)
    assert customer.id in [h.id for h in by_postcode]


def test_demo_refuses_a_database_that_has_customers(db_url: str) -> None:
    generate_demo(customers=5, incidents=10)
    with pytest.raises(ValidationError, match="already has customers"):
        generate_demo(customers=5, incidents=10)
    assert t.Customer.select().count() == 5
    assert t.Incident.select().count() == 10


def test_demo_keeps_an_existing_manager_and_their_password(db_url: str) -> None:
    users.create_first_manager("manager", "Mary Owner", "owner password")
    summary = generate_demo(customers=5, incidents=20)
    assert "manager" not in [u.username for u in summary.users]
    assert users.login("manager", "owner password").full_name == "Mary Owner"
    assert {u.role for u in summary.users} >= {Role.ENGINEER, Role.RECEPTION}


@pytest.mark.parametrize("sizes", [
    {"customers": 0}, {"incidents": -1}, {"timeline_per_incident": 0},
])
def test_demo_refuses_sizes_out_of_range(db_url: str, sizes: dict[str, int]) -> None:
    with pytest.raises(ValidationError):
        generate_demo(**sizes)
    assert not t.User.select().exists()


def test_same_seed_gives_the_same_office(tmp_path: object, sqlite_template: object) -> None:
    import shutil
    from pathlib import Path

    results = []
    for name in ("one", "two"):
        path = Path(str(tmp_path)) / f"{name}.sqlite3"
        shutil.copyfile(str(sqlite_template), path)
        open_database(sqlite_url(path))
        try:
            generate_demo(customers=20, incidents=60, seed=7)
            results.append([(i.reference, i.subject, i.customer.name, i.status)
                            for i in t.Incident.select().order_by(t.Incident.id)])
        finally:
            close_database()
    assert results[0] == results[1]


def test_fast_row_hash_is_the_services_row_hash() -> None:
    # Keys in sorted order at every level, values already plain JSON, as the demo builds them.
    content = {"customer_address": "1 Mill Lane\nLeeds\nLS1 1AA",
               "customer_name": "Zoë O'Brien — Ltd", "full_invoice": False,
               "lines": [{"kind": "incident", "net_pence": 7500, "position": 1}],
               "receipt_number": 3,
               "taken_at": dt.datetime(2024, 5, 1, 9, 30).isoformat(timespec="microseconds"),
               "ticket": None}
    assert list(content) == sorted(content)
    assert canonical_json(content).startswith('{"customer_address":"1 Mill Lane\\nLeeds')
    assert _row_hash("0" * 64, content) == row_hash("0" * 64, content)
    assert _row_hash("0" * 64, content) != row_hash("1" * 64, content)


def test_medium_demo_bulk_path_is_consistent(sqlite_db_url: str) -> None:
    """The bulk path (indexes dropped and rebuilt, a writer thread) leaves a sound database."""
    assert is_sqlite()
    indexes_before = sorted(db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall())
    summary = generate_demo(customers=300, incidents=2_000, timeline_per_incident=3, seed=3)

    assert summary.timeline_entries == 6_000
    _assert_consistent(300, 2_000, 3)
    _assert_search_text_as_services_write_it(50)
    indexes_after = sorted(db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall())
    assert indexes_after == indexes_before
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The connection is left as the program opens it: durable and checking foreign keys.
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2
    # Statistics were gathered for the planner.
    assert db.execute_sql("SELECT COUNT(*) FROM sqlite_stat1").fetchone()[0] > 0
    # History spreads over years and most of it is finished.
    first = t.Incident.select(fn.MIN(t.Incident.opened_at)).scalar()
    last = t.Incident.select(fn.MAX(t.Incident.opened_at)).scalar()
    assert (last - first).days > 365
    finished = t.Incident.select().where(
        t.Incident.status.in_([IncidentStatus.RESOLVED, IncidentStatus.CLOSED])).count()
    assert finished > 0.9 * 2_000


def test_a_failed_bulk_write_is_reported_and_leaves_every_index(sqlite_db_url: str) -> None:
    indexes_before = sorted(db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall())
    db.execute_sql("CREATE TRIGGER refuse_timeline BEFORE INSERT ON timeline_entry "
                   "BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    with pytest.raises(RuntimeError, match="disk says no"):
        generate_demo(customers=20, incidents=100)
    indexes_after = sorted(db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall())
    assert indexes_after == indexes_before
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2


def _support_before_funding() -> list[str]:
    """Support work the demo wrote on an incident before anything funded it."""
    funded_from = {incident: first for incident, first in
                   t.IncidentFunding.select(t.IncidentFunding.incident,
                                            fn.MIN(t.IncidentFunding.created_at))
                   .group_by(t.IncidentFunding.incident).tuples()}
    found = []
    for entry in t.TimelineEntry.select().where(
            t.TimelineEntry.kind.in_(["remote_session", "phone_out", "email_out"])):
        kind = str(entry.kind.value if hasattr(entry.kind, "value") else entry.kind)
        if kind != "remote_session" and (entry.about_payment
                                         or entry.text.startswith("Call-back:")):
            continue  # the intake: a message about paying, or the promised call back
        start = funded_from.get(entry.incident_id)
        if start is None or entry.occurred_at < start:
            found.append(f"{kind} of {entry.duration_seconds // 60} min on "
                         f"{entry.incident.reference}")
    return found


@pytest.mark.parametrize("sizes", [{}, {"customers": 40, "incidents": 300,
                                          "timeline_per_incident": 6, "seed": 7},
                                    {"customers": 40, "incidents": 300,
                                     "timeline_per_incident": 6, "seed": 2024}],
                         ids=["the-small-office", "seed-7", "seed-2024"])
def test_the_demo_writes_no_support_work_before_an_incident_is_funded(
        db_url: str, sizes: dict[str, int]) -> None:
    # Paid before support: an awaiting-payment incident carries only the intake, and a funded
    # one has no remote session or outgoing support entry dated before its funding.
    generate_demo(**sizes)
    assert _support_before_funding() == []


def test_the_demo_office_has_e_mail_waiting_to_be_sorted(sqlite_db_url: str) -> None:
    from synergy_desk.services.mail import triage

    generate_demo(customers=20, incidents=60, seed=3)
    rows = triage.triage_list()
    assert len(rows) >= 4
    assert any(r.customer_id is not None for r in rows)
    assert any(r.auto_reply for r in rows)
    assert any(r.from_address.endswith("@gmail.com") and r.customer_id is None for r in rows)
    assert t.EmailLink.select().count() == 0
    assert not t.EmailMessage.select().where(t.EmailMessage.direction == "out").exists()
