"""Money stays right when desks collide: real desk processes merging, paying and refunding on
one office at once, many rounds, on SQLite and PostgreSQL.

What must hold however the calls interleave: no incident is left funded by a payment line that
was refunded (a double benefit); no deadlock or lock error reaches a desk; receipt and
credit-note numbers run 1..N with every one a desk was given present with its amount; the
kept status counts equal a recount; and ``synergy-desk check`` finds nothing.
"""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

import pytest

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payments
from tests.services.money.test_funding import cash, new_customer
from tests.stress.harness import (
    OK,
    actor_args,
    after_the_race,
    funded_by_refunded_lines,
    make_incidents,
    run_desks,
)

MERGE_ROUNDS = 40


@pytest.mark.stress
def test_a_merge_racing_a_refund_never_leaves_the_refunded_payment_funding_the_survivor(
        db_url: str, office: dict[str, Any], reception: Actor, engineer: Actor,
        manager: Actor, product: t.Product, tmp_path: Path) -> None:
    # Each round: A is paid, B (the same customer's) is not. An engineer merges A into B,
    # which moves A's payment to B, while a manager refunds A's receipt.
    customer = new_customer()
    ids = make_incidents(reception, customer.id, product.id, 2 * MERGE_ROUNDS)
    pairs, receipts = [], []
    for n in range(MERGE_ROUNDS):
        paid, unfunded = ids[2 * n], ids[2 * n + 1]
        receipts.append(payments.take_payment(reception, cash(customer, (paid,))).payment_id)
        pairs.append((paid, unfunded))
    rng = Random(2026)
    # Either desk may start first, by up to 10 ms, or both at once.
    offsets = [rng.choice((0.0, rng.uniform(-0.01, 0.01))) for _ in range(MERGE_ROUNDS)]

    run = run_desks(db_url, [
        ("merge_rounds", {"actor": actor_args(engineer), "pairs": pairs,
                          "pauses": [max(0.0, o) for o in offsets]}),
        ("refund_rounds", {"actor": actor_args(manager), "payment_ids": receipts,
                           "pauses": [max(0.0, -o) for o in offsets]}),
    ], timeout=150)

    problems = []
    if run.failures:
        problems.append("Raw errors or desks that did not finish:\n"
                        + run.summary(problems_only=True))
    if not (run.of("merge", OK) and run.of("refund", OK)):
        problems.append("The race was not run: no merge or no refund succeeded.")
    doubles = funded_by_refunded_lines()
    if doubles:
        problems.append(f"{len(doubles)} of {MERGE_ROUNDS} rounds left an incident funded by "
                        "a refunded payment:\n  " + "\n  ".join(doubles))
    problems += after_the_race(db_url, tmp_path)
    assert problems == [], "\n".join(problems) + "\nThe calls:\n" + run.summary()


def _payments_to_refund(reception: Actor, customer: t.Customer, product: t.Product,
                        n: int) -> list[tuple[int, tuple[int, ...] | None]]:
    """``n`` payments taken before the desks start, and what of each a desk will refund: the
    whole of a one-incident payment, or the first line of a two-incident one."""
    ids = make_incidents(reception, customer.id, product.id, n + n // 3 + 1)
    out: list[tuple[int, tuple[int, ...] | None]] = []
    i = 0
    for k in range(n):
        if k % 3 == 0:
            receipt = payments.take_payment(reception, cash(customer, (ids[i], ids[i + 1])))
            out.append((receipt.payment_id, (receipt.lines[0].line_id,)))
            i += 2
        else:
            receipt = payments.take_payment(reception, cash(customer, (ids[i],)))
            out.append((receipt.payment_id, None))
            i += 1
    return out


@pytest.mark.stress
@pytest.mark.parametrize(("desks", "rounds"), [(2, 60), (4, 40)], ids=["2 desks", "4 desks"])
def test_desks_taking_payments_and_refunding_at_once_lose_no_receipt_and_meet_no_lock_error(
        db_url: str, office: dict[str, Any], reception: Actor, manager: Actor,
        product: t.Product, tmp_path: Path, desks: int, rounds: int) -> None:
    customer = new_customer()
    to_refund = _payments_to_refund(reception, customer, product, desks * rounds)
    taken_before = {n: gross for n, gross in t.Payment.select(
        t.Payment.receipt_number, t.Payment.gross_pence).tuples()}
    scripts = []
    for d in range(desks):
        fresh = make_incidents(reception, customer.id, product.id, rounds)
        to_pay = [(customer.id, (incident,), 2 if n % 4 == 0 else None,
                   "card" if (n + d) % 2 else "cash") for n, incident in enumerate(fresh)]
        scripts.append(("pay_and_refund", {
            "taker": actor_args(reception), "manager": actor_args(manager),
            "to_pay": to_pay, "to_refund": to_refund[d::desks]}))

    run = run_desks(db_url, scripts, timeout=150)

    problems = []
    # Every call succeeds: a deadlock, a lock timeout or any raw error is a failure here.
    if run.not_ok():
        problems.append("Calls that did not succeed:\n" + run.summary(problems_only=True))
    taken = {o.value[0]: o.value[1] for o in run.of("take_payment", OK)}
    expected = {**taken_before, **taken}
    stored = dict(t.Payment.select(t.Payment.receipt_number, t.Payment.gross_pence).tuples())
    if sorted(stored) != list(range(1, len(stored) + 1)):
        problems.append(f"The receipt numbers are not 1..{len(stored)}.")
    if stored != expected:
        lost = sorted(set(expected) - set(stored))
        extra = sorted(set(stored) - set(expected))
        changed = sorted(n for n in set(stored) & set(expected) if stored[n] != expected[n])
        problems.append(f"Receipts lost {lost}, not given to any desk {extra}, with another "
                        f"amount {changed}.")
    notes = {o.value[0]: (o.value[1], o.value[2]) for o in run.of("refund", OK)}
    stored_notes = {n: (g, p) for n, g, p in t.CreditNote.select(
        t.CreditNote.number, t.CreditNote.gross_pence, t.CreditNote.payment).tuples()}
    if sorted(stored_notes) != list(range(1, len(stored_notes) + 1)):
        problems.append(f"The credit-note numbers are not 1..{len(stored_notes)}.")
    if stored_notes != notes:
        problems.append(f"Credit notes lost {sorted(set(notes) - set(stored_notes))}, not "
                        f"given to any desk {sorted(set(stored_notes) - set(notes))}, or "
                        "differing from what the desk was given.")
    doubles = funded_by_refunded_lines()
    if doubles:
        problems.append("Incidents funded by a refunded payment:\n  " + "\n  ".join(doubles))
    problems += after_the_race(db_url, tmp_path)
    assert problems == [], "\n".join(problems) + "\nThe calls:\n" + run.summary()
