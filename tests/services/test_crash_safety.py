"""A desk killed outright (SIGKILL) while taking payments, again and again: no money half-written.

Each round starts a worker process that takes real payments (``payments.take_payment`` for real
incidents, one transaction each), lets it finish a random handful, and kills it at a random
moment, nearly always inside a payment's transaction. Afterwards the database must be whole
(``PRAGMA integrity_check`` on SQLite), every receipt the worker was handed must be there, every
payment must have its lines and its receipt number, the receipt numbers must run 1..N with no
gap, the tamper chain must be clean and every funded incident's funding must point at a line
that exists. On PostgreSQL the killed process is the client: the server must roll back what it
left half-done.

Workers come from multiprocessing's "forkserver" with the payment modules preloaded, so each one
starts in milliseconds instead of importing everything afresh.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import time
from typing import Any

import pytest

from synergy_desk.domain.enums import FundingKind, LineKind, PaymentMethod, Role
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import is_sqlite
from synergy_desk.services.common import Actor
from synergy_desk.services.reporting.integrity import check_database, check_sequences, check_tamper
from tests.services.money.test_funding import new_customer
from tests.services.test_concurrency import _incidents

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="Windows has no SIGKILL and no forkserver to start workers")

KILLS = 100
#: Incidents set aside for each worker: more than it can pay for before it is killed.
PER_WORKER = 12
MOST_BEFORE_KILL = 5
#: The kill lands this long (in seconds) after the worker says it is starting a payment.
DELAY_RANGE = (0.0001, 0.03)
WAIT_SECONDS = 60
PRELOAD = ["synergy_desk.services.money.payments", "synergy_desk.models.database",
           "tests.services.test_crash_safety"]


def _worker(url: str, actor: tuple[int, str, str, str], customer_id: int,
            incident_ids: list[int], progress: Any) -> None:
    """Take one payment after another, saying before each and after each (with its number)."""
    from synergy_desk.models.database import open_database
    from synergy_desk.services.money import payments

    try:
        open_database(url, migrate_schema=False)
        who = Actor(actor[0], actor[1], actor[2], Role(actor[3]))
        for i, incident_id in enumerate(incident_ids):
            if i % 2:
                request = payments.PaymentInput(
                    customer_id=customer_id, incident_ids=(incident_id,),
                    ticket_size=2 if i % 3 == 0 else None, method=PaymentMethod.CARD,
                    card_brand="Visa", card_last4="4242", auth_code=f"K{i:05d}")
            else:
                request = payments.PaymentInput(
                    customer_id=customer_id, incident_ids=(incident_id,),
                    ticket_size=3 if i % 4 == 0 else None, method=PaymentMethod.CASH,
                    tendered_pence=100_000)
            progress.send(("start", incident_id))
            receipt = payments.take_payment(who, request)
            progress.send(("done", receipt.sequence_number))
        progress.send(("finished", None))
        # Paid for all of them before the kill came (the delay can outlast several quick
        # payments): wait to be killed, as a desk would sit idle.
        time.sleep(WAIT_SECONDS)
    except Exception as exc:  # reported to the test, which fails on it
        progress.send(("error", f"{type(exc).__name__}: {exc}"))


def _run_round(ctx: Any, rng: random.Random, url: str, actor: Actor, customer_id: int,
               incident_ids: list[int]) -> tuple[list[int], int | None]:
    """One worker, killed after a random handful of payments; returns the receipts it was
    handed and, when the kill landed inside a payment, the incident it was paying for."""
    reader, writer = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker, args=(
        url, (actor.id, actor.username, actor.full_name, actor.role.value), customer_id,
        incident_ids, writer))
    process.start()
    writer.close()
    handful = rng.randint(0, MOST_BEFORE_KILL)
    receipts: list[int] = []
    inside: int | None = None
    try:
        while True:
            if not reader.poll(WAIT_SECONDS):
                pytest.fail("a worker stopped talking before it was killed")
            kind, value = reader.recv()
            if kind == "error":
                pytest.fail(f"a worker failed: {value}")
            if kind == "finished":
                pytest.fail("a worker paid for every incident before it was killed")
            if kind == "done":
                receipts.append(value)
                inside = None
            else:
                inside = value
                if len(receipts) == handful:
                    break
        # The point of the test is to kill at a random moment inside the payment that has
        # just begun, so this waits a random time rather than for a condition.
        time.sleep(rng.uniform(*DELAY_RANGE))
        process.kill()
        process.join(WAIT_SECONDS)
        # Anything the worker said before it died still counts (a payment it finished).
        while reader.poll():
            try:
                kind, value = reader.recv()
            except (EOFError, OSError):
                break
            if kind == "done":
                receipts.append(value)
                inside = None
            elif kind == "start":
                inside = value
    finally:
        if process.is_alive():
            process.kill()
            process.join(WAIT_SECONDS)
        reader.close()
    assert process.exitcode == -9, f"the worker ended with {process.exitcode}, not SIGKILL"
    return receipts, inside


def _wait_for_the_server_to_finish_with_the_killed_client() -> None:
    """On PostgreSQL the server may still be committing, or rolling back, what the killed
    client left; the checks wait until its session is gone so they see a settled database."""
    if is_sqlite():
        return  # the killed process was the only one writing: its transaction ended with it
    deadline = time.monotonic() + WAIT_SECONDS
    query = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
             "AND pid <> pg_backend_pid() AND application_name = 'synergy-desk'")
    while db.execute_sql(query).fetchone()[0]:
        if time.monotonic() > deadline:
            pytest.fail("the server kept the killed client's session open")


def _payments_without_lines_or_number() -> int:
    with_lines = t.PaymentLine.select(t.PaymentLine.payment).distinct()
    return (t.Payment.select()
            .where(t.Payment.id.not_in(with_lines) | t.Payment.receipt_number.is_null()
                   | (t.Payment.receipt_number < 1))
            .count())


@pytest.mark.slow
def test_a_desk_killed_while_taking_payments_leaves_no_half_written_money(
        db_url: str, office, reception, product, record_property) -> None:
    seed = int(os.environ.get("SYNERGY_DESK_CRASH_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    customer = new_customer()
    incident_ids = _incidents(reception, customer, product, KILLS * PER_WORKER)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)

    reported: list[int] = []
    killed_inside = rolled_back = 0
    started = time.monotonic()
    for n in range(KILLS):
        mine = incident_ids[n * PER_WORKER:(n + 1) * PER_WORKER]
        receipts, inside = _run_round(ctx, rng, db_url, reception, customer.id, mine)
        reported += receipts
        _wait_for_the_server_to_finish_with_the_killed_client()
        if inside is not None:
            killed_inside += 1
            # Killed before its commit (rolled back) or just after it (not yet reported).
            rolled_back += t.Incident.get_by_id(inside).funding == FundingKind.NONE
        # After every kill: nothing the worker was told is committed has gone, no gap.
        committed = {n for (n,) in t.Payment.select(t.Payment.receipt_number).tuples()}
        assert set(receipts) <= committed, f"round {n}: a receipt handed out was lost (seed {seed})"
        assert check_sequences() == [], f"round {n} (seed {seed})"
    seconds = time.monotonic() - started

    backend = "sqlite" if is_sqlite() else "postgresql"
    if is_sqlite():
        assert [r[0] for r in db.execute_sql("PRAGMA integrity_check").fetchall()] == ["ok"]
    total = t.Payment.select().count()
    numbers = sorted(n for (n,) in t.Payment.select(t.Payment.receipt_number).tuples())
    gaps = len(set(range(1, total + 1)) - set(numbers))
    assert numbers == list(range(1, total + 1)), f"receipt numbers have gaps (seed {seed})"
    assert t.Sequence.get_by_id("receipt").last_value == total
    assert _payments_without_lines_or_number() == 0
    assert check_sequences() == []
    assert check_tamper() == []
    assert check_database() == []
    # Every receipt funds its one incident, and nothing else is funded: an incident line by
    # the payment, a season ticket bought with the incident by that ticket (cover follows the
    # customer), whose one redemption is on its ledger.
    paid_incidents = (t.PaymentLine.select()
                      .where(t.PaymentLine.kind == LineKind.INCIDENT).count())
    tickets_bought = (t.PaymentLine.select()
                      .where(t.PaymentLine.kind == LineKind.SEASON_TICKET).count())
    funded = (t.Incident.select().where(t.Incident.funding == FundingKind.PAYMENT).count())
    active = (t.IncidentFunding.select()
              .join(t.PaymentLine, on=(t.IncidentFunding.payment_line == t.PaymentLine.id))
              .where(t.IncidentFunding.active).count())
    assert paid_incidents == funded == active
    from_tickets = (t.Incident.select().where(t.Incident.funding == FundingKind.TICKET).count())
    redeemed = (t.IncidentFunding.select()
                .where(t.IncidentFunding.active & t.IncidentFunding.ticket_entry.is_null(False))
                .count())
    assert tickets_bought == from_tickets == redeemed
    assert paid_incidents + tickets_bought == total
    assert sorted(reported) == sorted(set(reported)) and set(reported) <= set(numbers)

    figures = {"backend": backend, "seed": seed, "kills": KILLS,
               "killed_inside_take_payment": killed_inside,
               "killed_before_commit": rolled_back, "payments_committed": total,
               "payments_reported_before_kill": len(reported),
               "committed_but_unreported": total - len(reported), "gaps": gaps,
               "seconds": round(seconds, 1)}
    record_property("crash_safety", figures)
    print("\ncrash safety " + ", ".join(f"{k}={v}" for k, v in figures.items()))
