"""The tamper check over money rows and the gap-free sequence check."""

from __future__ import annotations

import pytest

from synergy_desk.domain.enums import CreditNoteKind, FundingKind, LedgerKind
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import is_sqlite
from synergy_desk.services.common import row_hash, transaction
from synergy_desk.services.money import chains, credit_notes, funding, payments, tickets
from synergy_desk.services.reporting import integrity
from tests.services.money.test_funding import buy_ticket, cash, new_customer, new_incident


def sql(statement: str, *params: object) -> None:
    """Change the database behind the program's back, as someone with a SQL prompt could."""
    if db.obj.__class__.__name__.startswith("Sqlite"):
        statement = statement.replace("%s", "?")
    db.execute_sql(statement, params)


@pytest.fixture
def books(office, manager, reception, product) -> dict[str, int]:
    """Three receipts (one with a ticket), a redemption and a credit note."""
    customer = new_customer()
    a = new_incident(reception, customer, product)
    b = new_incident(reception, customer, product)
    first = payments.take_payment(reception, cash(customer, (a.id,)))
    ticket_id = buy_ticket(reception, customer, size=10)
    funding.fund_from_ticket(reception, b.id)
    third = payments.take_payment(reception, cash(customer, ticket_size=2))
    note = payments.refund(manager, first.payment_id, reason="Fixed itself")
    return {"first": first.payment_id, "ticket": ticket_id, "third": third.payment_id,
            "note": note.credit_note_id}


def test_untouched_books_pass_both_checks(books) -> None:
    assert integrity.check_tamper() == []
    assert integrity.check_sequences() == []


def test_an_amount_changed_with_sql_is_reported(books) -> None:
    sql("UPDATE payment SET gross_pence = %s WHERE id = %s", 1, books["first"])
    [problem] = integrity.check_tamper()
    assert (problem.chain, problem.row_id, problem.number) == ("payment", books["first"],
                                                               "R-000001")
    assert "altered" in problem.problem
    assert str(problem).startswith("R-000001: ")


def test_a_changed_payment_line_is_reported_on_its_receipt(books) -> None:
    sql("UPDATE payment_line SET description = %s WHERE payment_id = %s", "Nothing",
        books["third"])
    assert [p.number for p in integrity.check_tamper()] == ["R-000003"]


def test_a_changed_credit_note_is_reported(books) -> None:
    sql("UPDATE credit_note SET gross_pence = gross_pence * 2 WHERE id = %s", books["note"])
    assert [(p.chain, p.number) for p in integrity.check_tamper()] == [("credit_note",
                                                                         "CN-000001")]
    sql("UPDATE credit_note SET gross_pence = gross_pence / 2 WHERE id = %s", books["note"])
    sql("UPDATE credit_note_line SET net_pence = 1")
    assert [(p.chain, p.number) for p in integrity.check_tamper()] == [("credit_note",
                                                                         "CN-000001")]


def test_a_changed_ledger_row_is_reported(books) -> None:
    entry = (t.TicketLedger.select().where(t.TicketLedger.ticket == books["ticket"])
             .order_by(t.TicketLedger.id).first())
    sql("UPDATE ticket_ledger SET delta = 100 WHERE id = %s", entry.id)
    [problem] = integrity.check_tamper()
    assert (problem.chain, problem.row_id) == ("ticket_ledger", entry.id)


def test_a_rehashed_row_still_breaks_the_chain(books) -> None:
    # Someone who alters a row and recomputes its own hash still breaks the next row's link.
    payment = t.Payment.get_by_id(books["first"])
    lines = list(t.PaymentLine.select().where(t.PaymentLine.payment == payment.id))
    payment.gross_pence = 1
    forged = row_hash(payment.prev_hash, chains.payment_content(payment, lines))
    sql("UPDATE payment SET gross_pence = 1, row_hash = %s WHERE id = %s", forged, payment.id)
    problems = integrity.check_tamper()
    assert [p.number for p in problems] == ["R-000002"]
    assert "does not follow" in problems[0].problem


def test_a_deleted_receipt_leaves_a_gap_and_a_broken_chain(books) -> None:
    sql("DELETE FROM payment_line WHERE payment_id = %s", books["third"])
    sql("DELETE FROM payment WHERE id = %s", books["third"])
    assert integrity.check_sequences() == [
        "The receipt counter stands at 3 but the highest number issued is 2: the next number "
        "would skip numbers."]
    problems = integrity.check_tamper()
    assert [(p.chain, p.row_id) for p in problems] == [("payment", None)]
    assert "deleted" in problems[0].problem


def test_a_receipt_deleted_in_the_middle_is_a_gap(books) -> None:
    payment = t.Payment.get(t.Payment.receipt_number == 2)
    sql("DELETE FROM payment_line WHERE payment_id = %s", payment.id)
    sql("DELETE FROM payment WHERE id = %s", payment.id)
    assert integrity.check_sequences() == ["Receipt R-000002 is missing."]
    problems = integrity.check_tamper()
    assert [(p.number, p.row_id) for p in problems] == [("R-000003", books["third"]),
                                                        (None, None)]
    assert "2 rows, 3 recorded" in problems[1].problem


def test_a_counter_out_of_step_is_reported(books) -> None:
    sql("UPDATE sequence SET last_value = 0 WHERE name = %s", "credit_note")
    assert integrity.check_sequences() == [
        "The credit note counter stands at 0 but the highest number issued is 1: the next "
        "number would repeat numbers."]


def test_a_deleted_incident_is_a_gap(office, reception, product) -> None:
    customer = new_customer()
    incidents = [new_incident(reception, customer, product) for _ in range(4)]
    assert integrity.check_sequences() == []
    sql("DELETE FROM incident WHERE id = %s", incidents[1].id)
    sql("DELETE FROM incident WHERE id = %s", incidents[2].id)
    assert integrity.check_sequences() == ["Incident INC-000002, INC-000003 are missing."]


# --- check_database: the database itself and rows that point nowhere ---

def test_untouched_books_pass_the_database_check(books) -> None:
    assert integrity.check_database() == []


def test_a_receipt_without_its_lines_is_reported(books) -> None:
    sql("DELETE FROM payment_line WHERE payment_id = %s", books["third"])
    assert integrity.check_database() == ["Receipt R-000003 has no lines."]


def test_a_funding_row_pointing_nowhere_is_reported(office, reception, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    payments.take_payment(reception, cash(customer, (incident.id,)))
    assert integrity.check_database() == []
    sql("UPDATE incident_funding SET payment_line_id = NULL WHERE incident_id = %s", incident.id)
    assert integrity.check_database() == [
        f"The funding of {incident.reference} points at a payment line that does not exist."]


def test_a_funded_incident_without_a_funding_record_is_reported(books) -> None:
    sql("UPDATE incident_funding SET active = %s", False)
    problems = integrity.check_database()
    assert problems == ["INC-000002 is marked funded but no funding record says by what."]


def test_an_incident_funded_twice_is_reported(office, reception, product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    payments.take_payment(reception, cash(customer, (incident.id,)))
    row = t.IncidentFunding.get(t.IncidentFunding.incident == incident.id)
    sql("INSERT INTO incident_funding (incident_id, kind, payment_line_id, active, "
        "created_by_id, created_at, ended_reason) SELECT incident_id, kind, payment_line_id, "
        "active, created_by_id, created_at, ended_reason FROM incident_funding WHERE id = %s",
        row.id)
    assert integrity.check_database() == [f"{incident.reference} is funded more than once."]


def test_a_missing_table_is_reported(books) -> None:
    with db.atomic() as txn:  # DDL is transactional on both databases: put back afterwards
        sql("ALTER TABLE waiver RENAME TO waiver_elsewhere")
        problems = integrity.check_database()
        txn.rollback()
    assert problems == ["The table waiver is missing from the database."]
    assert integrity.check_database() == []


def test_a_damaged_sqlite_file_is_reported(sqlite_db_url: str, tmp_path) -> None:
    from synergy_desk.models.database import close_database, open_database

    customer = new_customer()
    for n in range(400):
        t.Contact.create(customer=customer.id, name=f"Contact {n}", phone=f"0113 496 {n:04d}")
    path = sqlite_db_url.removeprefix("sqlite:///")
    close_database()
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    [(root,)] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                             "'contact_phone'").fetchall()
    [(page_size,)] = conn.execute("PRAGMA page_size").fetchall()
    conn.close()
    with open(path, "r+b") as fh:  # scribble over the phone index's root page
        fh.seek((root - 1) * page_size + 8)
        fh.write(b"\x07" * 64)
    open_database(sqlite_db_url)
    problems = integrity.check_database()
    assert problems
    assert all(integrity.is_damage(p) for p in problems), problems


def test_a_reference_broken_behind_sqlites_back_is_reported(office, reception, product) -> None:
    if not is_sqlite():
        pytest.skip("PostgreSQL always enforces references; only SQLite can be told not to")
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    db.execute_sql("PRAGMA foreign_keys = OFF")  # as a SQL prompt that never turned them on
    try:
        sql("DELETE FROM payment_line WHERE payment_id = %s", receipt.payment_id)
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")
    assert integrity.check_database() == [
        "1 row of incident_funding points at payment_line rows that do not exist.",
        "Receipt R-000001 has no lines.",
        f"The funding of {incident.reference} points at a payment line that does not exist."]


def test_a_missing_table_is_reported_and_the_money_checks_wait(office, reception,
                                                               product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    payments.take_payment(reception, cash(customer, (incident.id,)))
    db.execute_sql('ALTER TABLE "credit_note_line" RENAME TO "set_aside"')
    try:
        problems = integrity.check_office()
    finally:
        db.execute_sql('ALTER TABLE "set_aside" RENAME TO "credit_note_line"')
    assert problems == ["The table credit_note_line is missing from the database."]


def test_the_whole_check_of_a_sound_office_finds_nothing(office, reception, product) -> None:
    customer = new_customer()
    payments.take_payment(reception, cash(customer, (new_incident(reception, customer,
                                                                   product).id,)))
    assert integrity.check_office() == []
    sql("UPDATE payment SET gross_pence = %s", 1)
    assert [p.split(":")[0] for p in integrity.check_office()] == ["R-000001"]


# --- an incident funded by money the customer has been given back ---


def test_an_incident_funded_by_a_refunded_line_is_reported(office, manager, reception,
                                                           product) -> None:
    """A credit note written while the line still funded its incident (a refund that lost a
    race with a merge once did this): the customer has the money back and the cover."""
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    assert integrity.check_office() == []
    with transaction():  # the credit note alone, the funding left as it was
        credit_notes.refund_line_in_tx(
            manager, t.PaymentLine.get_by_id(receipt.lines[0].line_id), "Money back")
    assert integrity.check_database() == [
        f"{incident.reference} is still funded by receipt R-000001, whose line was refunded "
        "on credit note CN-000001: the customer has the money back and the cover."]


def test_an_incident_funded_by_a_voided_payment_is_reported(office, manager, reception,
                                                            product) -> None:
    customer = new_customer()
    incident = new_incident(reception, customer, product)
    receipt = payments.take_payment(reception, cash(customer, (incident.id,)))
    payment = t.Payment.get_by_id(receipt.payment_id)
    with transaction():
        credit_notes.issue_credit_note_in_tx(manager, payment, list(payment.lines),
                                             "Keyed twice", CreditNoteKind.VOID)
    assert integrity.check_database() == [
        f"{incident.reference} is still funded by receipt R-000001, which was voided on "
        "credit note CN-000001: the customer has the money back and the cover."]


def test_a_ticket_refunded_after_use_leaves_its_used_incidents_funded_without_a_problem(
        office, manager, reception, product) -> None:
    """Incidents a ticket paid for before its refund keep their funding (docs/money.md); one
    redeemed after the refund is a double benefit."""
    customer = new_customer()
    ticket_id = buy_ticket(reception, customer, size=3)
    used = new_incident(reception, customer, product)
    funding.fund_from_ticket(reception, used.id)
    payment = t.Payment.select().where(t.Payment.customer == customer.id).get()
    payments.refund(manager, payment.id, reason="Cancelled the ticket")
    assert funding.funding_of(used.id) is not None
    assert integrity.check_office() == []

    late = new_incident(reception, customer, product)
    with transaction():  # redeemed behind the refund's back
        ticket = t.SeasonTicket.get_by_id(ticket_id)
        entry = tickets.append_ledger(reception.id, ticket, LedgerKind.REDEMPTION, -1,
                                      incident=late.id)
        funding.attach_funding(reception, t.Incident.get_by_id(late.id), FundingKind.TICKET,
                               ticket_entry=entry)
    assert integrity.check_database() == [
        f"{late.reference} is funded by season ticket {ticket_id} (receipt R-000001), "
        "redeemed after the ticket was refunded on credit note CN-000001: the customer has "
        "the money back and the cover."]
