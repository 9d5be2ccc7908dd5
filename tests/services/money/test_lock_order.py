"""Desks colliding over money: a merge against a refund, payments against refunds, and the one
order every money transaction takes its row locks in (docs/storage.md, Locking)."""

from __future__ import annotations

import logging
import multiprocessing
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from synergy_desk.domain.enums import FundingKind, IncidentStatus, PaymentMethod, Resolution, Role
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import is_postgres
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import reshape
from synergy_desk.services.money import credit_notes, funding, payments, tickets
from synergy_desk.services.reporting import integrity
from tests.desk_processes import run_desks
from tests.services.money.test_funding import cash, new_customer, new_incident, reload

#: How long a desk waits for the other before the test gives up on it.
WAIT = 30.0


# --- two desks in threads, each with its own connection ---

class Desk(threading.Thread):
    """One desk: a thread with its own database connection running one service call."""

    def __init__(self, name: str, work: Callable[[], object]) -> None:
        super().__init__(name=name, daemon=True)
        self._work = work
        self.result: object = None
        self.error: BaseException | None = None
        self.backend: int | None = None  # PostgreSQL's process id for this desk's connection
        self.connected = threading.Event()
        self.go = threading.Event()

    def run(self) -> None:
        try:
            db.connect(reuse_if_open=True)
            if is_postgres():
                self.backend = int(db.connection().info.backend_pid)
            self.connected.set()
            if not self.go.wait(WAIT):
                raise TimeoutError(f"{self.name} was never told to go")
            self.result = self._work()
        except BaseException as exc:  # handed to the test, which fails on it
            self.error = exc
        finally:
            self.connected.set()
            db.close()

    def finish(self) -> object:
        self.join(WAIT)
        assert not self.is_alive(), f"{self.name} did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def wait_until_blocked(desk: Desk) -> None:
    """Return once ``desk`` is waiting for a lock another desk holds.

    PostgreSQL says which sessions block a backend. SQLite has one lock for the whole file, so
    the other desk is simply given time to reach it (its busy timeout makes it wait there).
    """
    if not is_postgres():
        time.sleep(0.5)
        return
    import psycopg

    deadline = time.monotonic() + WAIT
    with psycopg.connect(_postgres_dsn(), autocommit=True) as watcher:
        while time.monotonic() < deadline:
            row = watcher.execute("SELECT cardinality(pg_blocking_pids(%s))",
                                  (desk.backend,)).fetchone()
            if row is not None and row[0] > 0:
                return
            time.sleep(0.01)
    raise AssertionError(f"{desk.name} never waited for the other desk's lock")


def _postgres_dsn() -> str:
    from tests.conftest import POSTGRES_URL

    return POSTGRES_URL


def paid_duplicate_and_unfunded_survivor(reception: Actor, product: t.Product
                                         ) -> tuple[t.Incident, t.Incident, int]:
    """The survivor B (unfunded) and the duplicate A, paid for on its own receipt."""
    customer = new_customer()
    survivor = new_incident(reception, customer, product, "Invoices print blank")
    duplicate = new_incident(reception, customer, product, "Blank invoice prints")
    receipt = payments.take_payment(reception, cash(customer, (duplicate.id,)))
    return duplicate, survivor, receipt.payment_id


def assert_no_double_benefit(survivor: t.Incident, duplicate: t.Incident) -> None:
    """The refunded payment funds nothing: the customer has the money or the cover, not both."""
    kept = reload(survivor)
    assert funding.funding_of(survivor.id) is None, (
        f"{survivor.reference} is still funded by a payment that was refunded")
    assert kept.funding is FundingKind.NONE
    assert IncidentStatus(kept.status) is IncidentStatus.AWAITING_PAYMENT
    merged = reload(duplicate)
    assert Resolution(merged.resolution) is Resolution.MERGED
    assert merged.funding is FundingKind.NONE
    assert t.IncidentFunding.select().where(t.IncidentFunding.active).count() == 0
    assert integrity.check_office() == []


def test_a_refund_waiting_on_a_merge_unfunds_the_incident_the_payment_moved_to(
        office, engineer, manager, reception, product, monkeypatch) -> None:
    """The merge moves A's payment to B while the manager refunds A's receipt: the refund,
    which had to wait for the merge, must take the cover away from B too."""
    duplicate, survivor, payment_id = paid_duplicate_and_unfunded_survivor(reception, product)
    refund = Desk("refund", lambda: payments.refund(manager, payment_id,
                                                    reason="Customer asked for the money back"))
    merge = Desk("merge", lambda: reshape.merge(engineer, duplicate.id, survivor.id))
    real_lock_pair = reshape.lock_pair

    def lock_pair_then_let_the_refund_run(first: int, second: int) -> Any:
        pair = real_lock_pair(first, second)
        refund.go.set()  # the merge holds its locks: now the manager presses Refund
        wait_until_blocked(refund)
        return pair

    monkeypatch.setattr(reshape, "lock_pair", lock_pair_then_let_the_refund_run)
    for desk in (refund, merge):
        desk.start()
        assert desk.connected.wait(WAIT)
    merge.go.set()
    summary = merge.finish()
    note = refund.finish()

    assert f"now funds {survivor.reference}" in str(summary)
    assert isinstance(note, credit_notes.CreditNoteInfo) and note.gross_pence == 9000
    assert_no_double_benefit(survivor, duplicate)


def test_a_merge_waiting_on_a_refund_moves_no_refunded_payment(
        office, engineer, manager, reception, product, monkeypatch) -> None:
    """The other way round: the refund holds its locks first; the merge that waited for it
    finds the duplicate unfunded and moves nothing."""
    duplicate, survivor, payment_id = paid_duplicate_and_unfunded_survivor(reception, product)
    refund = Desk("refund", lambda: payments.refund(manager, payment_id,
                                                    reason="Customer asked for the money back"))
    merge = Desk("merge", lambda: reshape.merge(engineer, duplicate.id, survivor.id))
    real_issue = credit_notes.issue_credit_note_in_tx

    def issue_then_let_the_merge_run(*args: Any, **kwargs: Any) -> Any:
        note = real_issue(*args, **kwargs)
        merge.go.set()
        wait_until_blocked(merge)
        return note

    monkeypatch.setattr(credit_notes, "issue_credit_note_in_tx", issue_then_let_the_merge_run)
    for desk in (refund, merge):
        desk.start()
        assert desk.connected.wait(WAIT)
    refund.go.set()
    note = refund.finish()
    summary = merge.finish()

    assert isinstance(note, credit_notes.CreditNoteInfo)
    assert "now funds" not in str(summary)
    assert_no_double_benefit(survivor, duplicate)


def test_a_ticket_refund_waiting_on_a_redemption_counts_that_incident_as_used(
        office, manager, reception, product, monkeypatch) -> None:
    """A desk redeems the ticket while the manager refunds it: the refund reads what is used
    and left under the ticket's lock, so it gives back only what is really unused and the
    incident redeemed first keeps its funding."""
    customer = new_customer()
    receipt = payments.take_payment(reception, cash(customer, ticket_size=3))
    ticket_id = receipt.lines[0].ticket_id
    first = new_incident(reception, customer, product, "Payroll will not run")
    funding.fund_from_ticket(reception, first.id)
    second = new_incident(reception, customer, product, "Backup fails")
    refund = Desk("refund", lambda: payments.refund(manager, receipt.payment_id,
                                                    reason="Customer closing down"))
    redeem = Desk("redeem", lambda: funding.fund_from_ticket(reception, second.id))
    real_append = tickets.append_ledger

    def append_then_let_the_refund_run(*args: Any, **kwargs: Any) -> Any:
        entry = real_append(*args, **kwargs)
        if threading.current_thread() is redeem:
            refund.go.set()  # the redemption holds the ticket: now the manager refunds it
            wait_until_blocked(refund)
        return entry

    monkeypatch.setattr(tickets, "append_ledger", append_then_let_the_refund_run)
    for desk in (refund, redeem):
        desk.start()
        assert desk.connected.wait(WAIT)
    redeem.go.set()
    redeem.finish()
    note = refund.finish()

    assert isinstance(note, credit_notes.CreditNoteInfo)
    assert note.gross_pence == 7_800  # one of three unused: £65.00 + £13.00 VAT
    assert tickets.ticket_info(ticket_id).state == "cancelled"
    assert tickets.balance(ticket_id) == 0
    for incident in (first, second):
        info = funding.funding_of(incident.id)
        assert info is not None and info.kind is FundingKind.TICKET
    assert integrity.check_office() == []


# --- the kept counts are locked in key order, after every other lock ---

_COUNT_UPDATE = re.compile(r'^UPDATE "incident_count"')
_OTHER_LOCK = re.compile(r'^UPDATE "(sequence|chain_head)"|FOR (NO KEY )?UPDATE')


@contextmanager
def statements() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Every statement the program sends while the block runs, as (SQL, parameters)."""
    seen: list[tuple[str, tuple[Any, ...]]] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.msg, tuple) and len(record.msg) == 2:
                sql, params = record.msg
                seen.append((str(sql), tuple(params or ())))

    logger = logging.getLogger("peewee")
    handler = Catch(logging.DEBUG)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def count_keys(seen: list[tuple[str, tuple[Any, ...]]]) -> list[tuple[str, int, int]]:
    """The kept-count rows each UPDATE of incident_count touched, in the order sent."""
    keys = []
    for sql, params in seen:
        if _COUNT_UPDATE.match(sql):
            status, engineer_id, product_id = params[-3:]
            keys.append((str(status), int(engineer_id), int(product_id)))
    return keys


def assert_counts_locked_last_in_key_order(seen: list[tuple[str, tuple[Any, ...]]]) -> None:
    keys = count_keys(seen)
    assert keys, "the transaction changed no kept count"
    assert keys == sorted(keys), f"kept counts locked out of key order: {keys}"
    assert len(keys) == len(set(keys)), f"a kept count was locked in two passes: {keys}"
    first = next(i for i, (sql, _) in enumerate(seen) if _COUNT_UPDATE.match(sql))
    later = [sql for sql, _ in seen[first:] if _OTHER_LOCK.search(sql)]
    assert later == [], f"rows locked after the kept counts: {later}"


def test_a_payment_and_a_refund_lock_the_kept_counts_in_the_same_key_order(
        office, manager, reception, product) -> None:
    """A payment moves incidents awaiting payment → queued and a refund queued → awaiting
    payment: both must lock the two counts in key order, or two desks deadlock."""
    customer = new_customer()
    a = new_incident(reception, customer, product)
    b = new_incident(reception, customer, product)
    with statements() as paying:
        receipt = payments.take_payment(reception, cash(customer, (a.id, b.id)))
    assert_counts_locked_last_in_key_order(paying)
    with statements() as refunding:
        payments.refund(manager, receipt.payment_id, reason="Paid twice")
    assert_counts_locked_last_in_key_order(refunding)
    assert sorted(count_keys(paying)) == sorted(count_keys(refunding))


def test_a_merge_moving_a_payment_locks_each_kept_count_once_in_key_order(
        office, engineer, reception, product) -> None:
    customer = new_customer()
    survivor = new_incident(reception, customer, product, "Invoices print blank")
    duplicate = new_incident(reception, customer, product, "Blank invoice prints")
    payments.take_payment(reception, cash(customer, (duplicate.id,)))
    with statements() as merging:
        reshape.merge(engineer, duplicate.id, survivor.id)
    # The duplicate queued → closed, the survivor awaiting payment → queued: in one pass.
    assert_counts_locked_last_in_key_order(merging)
    assert integrity.check_office() == []


# --- desks paying and refunding at once never deadlock ---

DESKS = 3
SECONDS = 4.0


def _paying_and_refunding_desk(url: str, actor: tuple[int, str, str, str], customer_id: int,
                               incident_ids: list[int], start: Any, results: Any) -> None:
    """One desk in its own process: pay for an incident, refund it, pay again, for a while."""
    from synergy_desk.models.database import close_database, open_database
    from synergy_desk.services.money import payments as desk_payments

    done = 0
    errors: list[str] = []
    try:
        open_database(url, migrate_schema=False)
        who = Actor(actor[0], actor[1], actor[2], Role(actor[3]))
        start.wait(timeout=60)
        until = time.monotonic() + SECONDS
        while time.monotonic() < until:
            for incident_id in incident_ids:
                try:
                    receipt = desk_payments.take_payment(who, desk_payments.PaymentInput(
                        customer_id=customer_id, incident_ids=(incident_id,),
                        method=PaymentMethod.CASH, tendered_pence=100_000))
                    desk_payments.refund(who, receipt.payment_id, reason="Paid by mistake")
                    done += 2
                except Exception as exc:  # every failure is reported to the parent
                    errors.append(f"{type(exc).__name__}: {exc}")
        close_database()
    except Exception as exc:
        errors.append(f"desk failed: {type(exc).__name__}: {exc}")
    results.put((done, errors))


def _deadlocks() -> int:
    db.execute_sql("SELECT pg_stat_clear_snapshot()")
    return int(db.execute_sql("SELECT deadlocks FROM pg_stat_database "
                              "WHERE datname = current_database()").fetchone()[0])


@pytest.mark.slow
def test_desks_paying_and_refunding_at_once_never_deadlock(db_url, office, manager,
                                                           product) -> None:
    if not is_postgres():
        pytest.skip("SQLite has one write lock for the whole file: nothing to deadlock on")
    desks = []
    for n in range(DESKS):
        customer = new_customer(f"Desk {n} Ltd")
        ids = [new_incident(manager, customer, product, f"Problem {n}.{i}").id for i in range(3)]
        desks.append((customer.id, ids))
    deadlocks_before = _deadlocks()

    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(DESKS)
    results = ctx.Queue()
    who = (manager.id, manager.username, manager.full_name, manager.role.value)
    processes = [ctx.Process(target=_paying_and_refunding_desk,
                             args=(db_url, who, customer_id, ids, start, results))
                 for customer_id, ids in desks]
    outcomes = run_desks(processes, results, SECONDS + 120, "a desk did not finish")

    errors = [e for _, errs in outcomes for e in errs]
    done = sum(n for n, _ in outcomes)
    print(f"{DESKS} desks, {SECONDS:.0f} s: {done} payments and refunds, {len(errors)} failed")
    assert errors == []
    assert done > 0
    time.sleep(0.5)  # PostgreSQL publishes a backend's statistics when it ends
    assert _deadlocks() == deadlocks_before
    assert integrity.check_office() == []
    assert (t.IncidentCount.select(t.IncidentCount.count)
            .where(t.IncidentCount.status == IncidentStatus.AWAITING_PAYMENT).scalar()
            == DESKS * 3)
