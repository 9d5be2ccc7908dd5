"""Two desks (two separate processes) taking payments at once: gap-free receipts, no lock errors."""

from __future__ import annotations

import multiprocessing
from typing import Any

import pytest

from synergy_desk.domain.enums import FundingKind, IncidentStatus, PaymentMethod, Role
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor, next_number, transaction
from synergy_desk.services.incident_state import bump_count
from synergy_desk.services.reporting.integrity import check_sequences, check_tamper
from tests.desk_processes import run_desks
from tests.services.money.test_funding import new_customer

PAYMENTS_PER_DESK = 300
DESKS = 2
WAIT_SECONDS = 240


def _desk(url: str, actor: tuple[int, str, str, str], customer_id: int, incident_ids: list[int],
          start: Any, results: Any) -> None:
    """One desk: its own process and connection, taking one payment after another."""
    from synergy_desk.models.database import close_database, open_database
    from synergy_desk.services.money import payments

    numbers: list[int] = []
    errors: list[str] = []
    try:
        open_database(url, migrate_schema=False)
        who = Actor(actor[0], actor[1], actor[2], Role(actor[3]))
        start.wait(timeout=60)
        for i, incident_id in enumerate(incident_ids):
            if i % 2:
                request = payments.PaymentInput(
                    customer_id=customer_id, incident_ids=(incident_id,),
                    ticket_size=2 if i % 3 == 0 else None, method=PaymentMethod.CARD,
                    card_brand="Visa", card_last4="4242", auth_code=f"A{i:05d}")
            else:
                request = payments.PaymentInput(
                    customer_id=customer_id, incident_ids=(incident_id,),
                    ticket_size=3 if i % 3 == 0 else None, method=PaymentMethod.CASH,
                    tendered_pence=100_000)
            try:
                numbers.append(payments.take_payment(who, request).sequence_number)
            except Exception as exc:  # every failure is reported to the parent, none hidden
                errors.append(f"{type(exc).__name__}: {exc}")
        close_database()
    except Exception as exc:
        errors.append(f"desk failed: {type(exc).__name__}: {exc}")
    results.put((numbers, errors))


def _incidents(actor: Actor, customer: t.Customer, product: t.Product, n: int) -> list[int]:
    ids = []
    with transaction():
        for _ in range(n):
            number = next_number("incident")
            ids.append(t.Incident.create(
                number=number, reference=f"INC-{number:06d}", customer=customer.id,
                product=product.id, subject=f"Problem {number}", created_by=actor.id).id)
        bump_count(IncidentStatus.AWAITING_PAYMENT, None, product.id, n)
    return ids


@pytest.mark.slow
def test_two_desks_taking_payments_at_once_get_gap_free_receipts(
        db_url: str, office, reception, engineer, product) -> None:
    customer = new_customer()
    total = PAYMENTS_PER_DESK * DESKS
    incident_ids = _incidents(reception, customer, product, total)
    desks = [(reception, incident_ids[0::2]), (engineer, incident_ids[1::2])]

    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(DESKS)
    results = ctx.Queue()
    processes = [
        ctx.Process(target=_desk, args=(db_url, (a.id, a.username, a.full_name, a.role.value),
                                        customer.id, ids, start, results))
        for a, ids in desks]
    outcomes = run_desks(processes, results, WAIT_SECONDS,
                         "a desk did not finish its payments")
    assert all(p.exitcode == 0 for p in processes)

    errors = [e for _, errs in outcomes for e in errs]
    assert errors == []
    numbers = [n for nums, _ in outcomes for n in nums]
    assert [len(nums) for nums, _ in outcomes] == [PAYMENTS_PER_DESK] * DESKS
    assert sorted(numbers) == list(range(1, total + 1))
    stored = [row[0] for row in t.Payment.select(t.Payment.receipt_number)
              .order_by(t.Payment.receipt_number).tuples()]
    assert stored == list(range(1, total + 1))
    assert t.Sequence.get_by_id("receipt").last_value == total
    assert check_sequences() == []
    assert check_tamper() == []
    # Every third payment of a desk also buys a season ticket, which funds its incident (cover
    # follows the customer); the others fund theirs by the payment itself.
    with_ticket = DESKS * len(range(0, PAYMENTS_PER_DESK, 3))
    queued = t.Incident.select().where(t.Incident.status == IncidentStatus.QUEUED)
    assert queued.where(t.Incident.funding == FundingKind.TICKET).count() == with_ticket
    assert queued.where(t.Incident.funding == FundingKind.PAYMENT).count() == total - with_ticket
    assert t.IncidentFunding.select().where(t.IncidentFunding.active).count() == total
