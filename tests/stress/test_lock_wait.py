"""A desk never waits without end: while another desk holds the receipt counter (a desk whose
network dropped in the middle of a payment, an import holding SQLite's write lock), a payment
at another desk ends within a bounded time with a readable LockTimeout and writes nothing; once
the lock is let go, the same payment goes through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payments
from tests.services.money.test_funding import cash, new_customer
from tests.stress.harness import (
    OK,
    REFUSED,
    DeskRun,
    actor_args,
    after_the_race,
    make_incidents,
    office_state,
    unreadable,
)

#: A payment held up by another desk's lock ends within this many seconds.
BOUND_SECONDS = 30.0
#: How long the test waits for it before saying it is still waiting.
PATIENCE_SECONDS = BOUND_SECONDS + 10.0


@pytest.mark.stress
def test_a_payment_waits_a_bounded_time_while_another_desk_holds_the_receipt_counter(
        db_url: str, office: dict[str, Any], reception: Actor, product: t.Product,
        tmp_path: Path) -> None:
    customer = new_customer()
    first, waiting = make_incidents(reception, customer.id, product.id, 2)
    payments.take_payment(reception, cash(customer, (first,)))  # R-000001
    before = office_state()

    with DeskRun(db_url, [
        ("hold_receipt_counter", {"hold_seconds": 120.0}),
        ("pay_while_held", {"actor": actor_args(reception), "customer_id": customer.id,
                            "incident_id": waiting, "wait_seconds": 120.0}),
    ], events=("held", "release", "let_go")) as run:
        held = run.wait_for(lambda o: o.action == "pay while held", PATIENCE_SECONDS)
        during = office_state()
        run.set("release")
        after = run.wait_for(lambda o: o.action == "pay after release", 60.0)
        run.join(30.0)

    problems = []
    # The payment made while the lock was held, whenever it ended.
    first = next((o for o in run.outcomes if o.action == "pay while held"), None)
    if held is None:
        problems.append(f"The payment was still waiting after {PATIENCE_SECONDS:g} s while "
                        "another desk held the receipt counter" + (
                            f"; it ended only once the lock was let go, after "
                            f"{first.seconds:.1f} s ({first.status})." if first else "."))
    else:
        if held.seconds >= BOUND_SECONDS:
            problems.append(f"The payment ended only after {held.seconds:.1f} s "
                            f"(bound {BOUND_SECONDS:g} s).")
        if held.status != REFUSED or held.error != "LockTimeout":
            problems.append(f"The payment did not end with LockTimeout: {held}")
        elif unreadable(held.message):
            problems.append(f"LockTimeout's message is not a plain sentence "
                            f"({'; '.join(unreadable(held.message))}): {held.message!r}")
    if during != before:
        changed = {k: (before[k], during[k]) for k in before if before[k] != during[k]}
        problems.append(f"The refused payment left something written: {changed}")
    # A payment that went through once the lock went leaves nothing to pay the second time.
    paid_while_held = first is not None and first.status == OK
    if not paid_while_held:
        if after is None or after.status != OK:
            problems.append(f"Once the lock was let go the payment did not go through: {after}")
        elif after.value[0] != 2:
            problems.append(f"The payment after the wait got receipt {after.value[0]}, not 2.")
    problems += run.crashes + run.unfinished
    problems += after_the_race(db_url, tmp_path)
    assert problems == [], "\n".join(problems) + "\nThe calls:\n" + run.summary()
