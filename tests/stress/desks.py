"""What each desk process does in the stress tests: calls to the real services, round by round.

Every function takes the :class:`~tests.stress.harness.Desk` it runs at, then plain values
(ids, actors as tuples), since it runs in a process of its own. Each call goes through
``desk.attempt``, which reports how it ended.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from tests.stress.harness import Desk, actor_of

REASON = "The customer changed their mind."


def _receipt(info: Any) -> tuple[int, int, int]:
    """A receipt as the test checks it: (receipt number, gross pence, payment id)."""
    return info.sequence_number, info.gross_pence, info.payment_id


def _credit_note(info: Any) -> tuple[int, int, int]:
    """A credit note as the test checks it: (credit-note number, gross pence, payment id)."""
    return info.sequence_number, info.gross_pence, info.payment_id


def merge_rounds(desk: Desk, actor: Sequence[Any], pairs: Sequence[tuple[int, int]],
                 pauses: Sequence[float]) -> None:
    """Each round: wait for the other desk, then merge the round's duplicate into its
    survivor (after the round's pause, so either desk may be first)."""
    from synergy_desk.services.incidents import reshape

    who = actor_of(actor)
    for n, (duplicate, survivor) in enumerate(pairs):
        desk.sync()
        time.sleep(pauses[n])
        desk.attempt("merge", lambda d=duplicate, s=survivor: reshape.merge(who, d, s),
                     round=n, summary=str)


def refund_rounds(desk: Desk, actor: Sequence[Any], payment_ids: Sequence[int],
                  pauses: Sequence[float]) -> None:
    """Each round: wait for the other desk, then refund the round's payment in full."""
    from synergy_desk.services.money import payments

    who = actor_of(actor)
    for n, payment_id in enumerate(payment_ids):
        desk.sync()
        time.sleep(pauses[n])
        desk.attempt("refund", lambda p=payment_id: payments.refund(who, p, reason=REASON),
                     round=n, summary=_credit_note)


def pay_and_refund(desk: Desk, taker: Sequence[Any], manager: Sequence[Any],
                   to_pay: Sequence[tuple[int, tuple[int, ...], int | None, str]],
                   to_refund: Sequence[tuple[int, tuple[int, ...] | None]]) -> None:
    """Take payments and refund earlier ones, alternately, as fast as the desk can.

    ``to_pay`` holds (customer, incidents, season-ticket size or None, "cash" or "card");
    ``to_refund`` holds (payment, its lines to refund or None for the whole payment).
    """
    from synergy_desk.domain.enums import PaymentMethod
    from synergy_desk.services.money import payments

    cashier, boss = actor_of(taker), actor_of(manager)
    for n in range(max(len(to_pay), len(to_refund))):
        if n < len(to_pay):
            customer, incidents, ticket, method = to_pay[n]
            if method == "card":
                request = payments.PaymentInput(
                    customer_id=customer, incident_ids=incidents, ticket_size=ticket,
                    method=PaymentMethod.CARD, card_brand="Visa", card_last4="4242",
                    auth_code=f"D{desk.index}R{n}")
            else:
                request = payments.PaymentInput(
                    customer_id=customer, incident_ids=incidents, ticket_size=ticket,
                    method=PaymentMethod.CASH, tendered_pence=100_000)
            desk.attempt("take_payment", lambda r=request: payments.take_payment(cashier, r),
                         round=n, summary=_receipt)
        if n < len(to_refund):
            payment_id, line_ids = to_refund[n]
            desk.attempt("refund", lambda p=payment_id, ln=line_ids: payments.refund(
                boss, p, line_ids=ln, reason=REASON), round=n, summary=_credit_note)


def hold_receipt_counter(desk: Desk, hold_seconds: float) -> None:
    """A desk whose network dropped mid-payment: it holds the receipt counter's row in an open
    transaction (SQLite: the file's write lock, as BEGIN IMMEDIATE takes it) until the test
    says "release" or ``hold_seconds`` pass."""
    from synergy_desk.models import tables as t
    from synergy_desk.models.base import db

    with db.atomic():
        (t.Sequence.update(last_value=t.Sequence.last_value)
         .where(t.Sequence.name == "receipt").execute())
        desk.event("held").set()
        released = desk.event("release").wait(hold_seconds)
    desk.record("hold", value=released)
    desk.event("let_go").set()


def pay_while_held(desk: Desk, actor: Sequence[Any], customer_id: int, incident_id: int,
                   wait_seconds: float) -> None:
    """Take a payment while another desk holds the receipt counter, then again once it has
    let go."""
    from synergy_desk.domain.enums import PaymentMethod
    from synergy_desk.services.money import payments

    who = actor_of(actor)
    request = payments.PaymentInput(customer_id=customer_id, incident_ids=(incident_id,),
                                      method=PaymentMethod.CASH, tendered_pence=10_000)
    if not desk.event("held").wait(wait_seconds):
        raise RuntimeError("the other desk never took the receipt counter")
    desk.attempt("pay while held", lambda: payments.take_payment(who, request),
                 summary=_receipt)
    if not desk.event("let_go").wait(wait_seconds):
        raise RuntimeError("the other desk never let the receipt counter go")
    desk.attempt("pay after release", lambda: payments.take_payment(who, request), round=1,
                 summary=_receipt)


# --- for the harness's own test ---

def report_every_ending(desk: Desk) -> None:
    """A success, a refusal and a raw database error, then a crash."""
    from synergy_desk.domain.errors import ValidationError
    from synergy_desk.models.base import db

    def refuse() -> None:
        raise ValidationError("That is not allowed; nothing was changed.")

    desk.attempt("succeed", lambda: 42, summary=lambda value: value)
    desk.attempt("refuse", refuse, round=1)
    desk.attempt("fail", lambda: db.execute_sql("SELECT * FROM no_such_table"), round=2)
    raise RuntimeError("the desk gave up")


def wait_for_go(desk: Desk) -> None:
    """A desk that does nothing until the test says "go"."""
    desk.event("go").wait(120)
    desk.record("went")
