"""Counting the cash drawer: the count is kept with who and when, the float is apart from the
takings, and a variance over the manager's threshold needs a reason."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from synergy_desk.domain.enums import PaymentMethod
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.money import cash_counts, payments
from synergy_desk.services.office import settings
from synergy_desk.services.office.office_time import office_today
from synergy_desk.services.reporting import reports
from tests.services.money.test_funding import cash, new_customer

#: A season ticket of one incident: £65.00 net, £78.00 with VAT.
TICKET_GROSS = 7800


def _take_cash(actor: Actor, customer: t.Customer) -> payments.ReceiptInfo:
    return payments.take_payment(actor, cash(customer, ticket_size=1))


def _take_card(actor: Actor, customer: t.Customer) -> payments.ReceiptInfo:
    return payments.take_payment(actor, payments.PaymentInput(
        customer_id=customer.id, ticket_size=1, method=PaymentMethod.CARD, card_brand="Visa",
        card_last4="4242", auth_code="123456"))


def _count_audits() -> list[t.AuditLog]:
    return list(t.AuditLog.select().where(t.AuditLog.action == "cash.count")
                .order_by(t.AuditLog.id))


def test_a_count_is_stored_with_who_and_when_and_audited(office, manager) -> None:
    customer = new_customer()
    _take_cash(manager, customer)
    today = office_today()
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    info = cash_counts.count_drawer(manager, today, counted_pence=10_000 + TICKET_GROSS,
                                    float_pence=10_000)
    assert (info.expected_pence, info.counted_pence, info.variance_pence) == (
        10_000 + TICKET_GROSS, 10_000 + TICKET_GROSS, 0)
    assert info.counted_by == "Mary Manager"
    row = t.CashCount.get_by_id(info.id)
    assert row.__data__["counted_by"] == manager.id
    assert row.counted_at >= before - dt.timedelta(seconds=1)
    assert row.day == today and row.float_pence == 10_000
    (entry,) = _count_audits()
    assert entry.user_id == manager.id and entry.entity == "cash_count"
    after = json.loads(entry.after)
    assert after["counted_pence"] == 10_000 + TICKET_GROSS and after["float_pence"] == 10_000


def test_a_day_counted_again_keeps_every_count_and_shows_the_latest(office, manager) -> None:
    customer = new_customer()
    _take_cash(manager, customer)
    today = office_today()
    first = cash_counts.count_drawer(manager, today, counted_pence=TICKET_GROSS - 200,
                                     float_pence=0)
    second = cash_counts.count_drawer(manager, today, counted_pence=TICKET_GROSS,
                                      float_pence=0)
    assert first.variance_pence == -200 and second.variance_pence == 0
    assert cash_counts.latest_count(manager, today) == second
    assert [c.id for c in cash_counts.counts_of_day(manager, today)] == [first.id, second.id]
    assert t.CashCount.select().count() == 2
    assert [json.loads(a.after)["counted_pence"] for a in _count_audits()] == [
        TICKET_GROSS - 200, TICKET_GROSS]
    data = reports.build_report(manager, "cashup", today, today)
    figures = {label: cell for label, cell in data.summary}
    assert figures["Counted"].value == TICKET_GROSS
    assert figures["Variance (counted − expected)"].value == 0


def test_a_variance_beyond_the_threshold_needs_a_reason(office, manager) -> None:
    customer = new_customer()
    _take_cash(manager, customer)
    today = office_today()
    current = settings.get_settings()
    settings.update_settings(manager, current.version, cash_variance_threshold_pence=300)
    # The dialog is told the same threshold the count is checked against.
    assert cash_counts.expected_cash(manager, today).threshold_pence == 300
    with pytest.raises(ValidationError) as refused:
        cash_counts.count_drawer(manager, today, counted_pence=TICKET_GROSS - 301,
                                 float_pence=0)
    assert refused.value.field == "reason"
    assert refused.value.message == (
        "The drawer holds £3.01 less than expected (£74.99 counted, £78.00 expected); a "
        "difference over £3.00 needs a reason. Nothing was saved.")
    assert t.CashCount.select().count() == 0 and not _count_audits()
    # Over by as much, or short by the threshold exactly: the first needs a reason too.
    with pytest.raises(ValidationError, match="more than expected"):
        cash_counts.count_drawer(manager, today, counted_pence=TICKET_GROSS + 301,
                                 float_pence=0, reason="   ")
    at_threshold = cash_counts.count_drawer(manager, today, counted_pence=TICKET_GROSS - 300,
                                            float_pence=0)
    assert at_threshold.reason == "" and at_threshold.threshold_pence == 300
    explained = cash_counts.count_drawer(manager, today, counted_pence=TICKET_GROSS - 301,
                                         float_pence=0, reason="Change given twice")
    assert explained.reason == "Change given twice" and explained.variance_pence == -301


def test_only_a_manager_sets_the_threshold(office, engineer) -> None:
    current = settings.get_settings()
    assert current.cash_variance_threshold_pence == 500
    with pytest.raises(PermissionDenied):
        settings.update_settings(engineer, current.version, cash_variance_threshold_pence=0)


def test_the_float_is_apart_from_the_takings(office, manager) -> None:
    customer = new_customer()
    kept = _take_cash(manager, customer)
    refunded = _take_cash(manager, customer)
    _take_card(manager, customer)
    payments.refund(manager, refunded.payment_id, reason="Bought by mistake")
    today = office_today()
    expected = cash_counts.expected_cash(manager, today)
    assert expected.cash_taken_pence == kept.gross_pence + refunded.gross_pence
    assert expected.cash_refunded_pence == refunded.gross_pence
    info = cash_counts.count_drawer(manager, today, counted_pence=15_000 + kept.gross_pence,
                                    float_pence=15_000)
    # Float + cash takings - cash refunds; the card payment never reaches the drawer.
    assert info.expected_pence == 15_000 + 2 * TICKET_GROSS - TICKET_GROSS
    assert info.cash_taken_pence == TICKET_GROSS and info.variance_pence == 0
    data = reports.build_report(manager, "cashup", today, today)
    figures = {label: cell.value for label, cell in data.summary}
    assert figures["Float"] == 15_000
    assert figures["Cash to be in the drawer (before any float)"] == TICKET_GROSS
    assert figures["Expected in the drawer"] == (
        15_000 + TICKET_GROSS)


def test_reception_counts_their_own_day(office, manager, reception) -> None:
    customer = new_customer()
    _take_cash(reception, customer)
    _take_cash(manager, customer)
    today = office_today()
    own = cash_counts.count_drawer(reception, today, counted_pence=5_000 + TICKET_GROSS,
                                   float_pence=5_000)
    assert own.drawer_of == reception.id and own.variance_pence == 0
    assert cash_counts.latest_count(manager, today) is None  # the office's drawer is apart
    office_count = cash_counts.count_drawer(manager, today, counted_pence=2 * TICKET_GROSS,
                                            float_pence=0)
    assert office_count.drawer_of is None and office_count.expected_pence == 2 * TICKET_GROSS
    data = reports.build_report(reception, "cashup", today, today)
    assert {label: c.value for label, c in data.summary}["Counted"] == 5_000 + TICKET_GROSS
    with pytest.raises(PermissionDenied, match="for today"):
        cash_counts.count_drawer(reception, today - dt.timedelta(days=1), counted_pence=0,
                                 float_pence=0)


def test_a_count_is_refused_for_a_day_to_come_or_bad_amounts(office, manager) -> None:
    today = office_today()
    with pytest.raises(ValidationError, match="has not come yet"):
        cash_counts.count_drawer(manager, today + dt.timedelta(days=1), counted_pence=0,
                                 float_pence=0)
    with pytest.raises(ValidationError, match="float cannot be negative"):
        cash_counts.count_drawer(manager, today, counted_pence=0, float_pence=-1)
    with pytest.raises(ValidationError, match="cash counted"):
        cash_counts.count_drawer(manager, today, counted_pence="12", float_pence=0)  # type: ignore[arg-type]
    assert t.CashCount.select().count() == 0


def test_a_period_lists_the_latest_count_of_each_day(office, manager) -> None:
    today = office_today()
    yesterday = today - dt.timedelta(days=1)
    cash_counts.count_drawer(manager, yesterday, counted_pence=100, float_pence=100)
    cash_counts.count_drawer(manager, yesterday, counted_pence=200, float_pence=200)
    cash_counts.count_drawer(manager, today, counted_pence=300, float_pence=300)
    data = reports.build_report(manager, "cashup", yesterday, today)
    drawer = next(tb for tb in data.tables if tb.title == "Cash drawer counted")
    assert [(r[0].value, r[3].value) for r in drawer.rows] == [(yesterday, 200), (today, 300)]
    assert drawer.totals is not None and drawer.totals[3].value == 500
    assert drawer.rows[1][5].text.startswith("Mary Manager, ")
    assert "Counted" not in {label for label, _ in data.summary}
