"""Counting the cash drawer at the end of a day: the float and the cash counted, set against the
cash the day's takings put there, with a reason when the difference is larger than the
manager allows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import peewee
from peewee import fn

from synergy_desk.domain.enums import PaymentMethod, Role
from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.domain.money import MAX_PENCE, format_pence
from synergy_desk.domain.text import screened_text
from synergy_desk.domain.zones import day_text, local_date, utc_start
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    EVERYONE,
    Actor,
    audit,
    read_snapshot,
    require,
    retried,
    snapshot,
    transaction,
)
from synergy_desk.services.office.office_time import office_zone
from synergy_desk.services.office.settings import office_settings

__all__ = [
    "ExpectedCash", "CashCountInfo", "expected_cash", "count_drawer", "latest_count",
    "counts_of_day", "latest_counts", "REASON_MAX",
]

#: The longest reason a count may give for its variance.
REASON_MAX = 500


@dataclass(frozen=True)
class ExpectedCash:
    """The cash a day's takings put in the drawer, before the float."""

    day: dt.date
    #: Whose takings: one person's own (reception), or None for the whole office.
    drawer_of: int | None
    cash_taken_pence: int
    cash_refunded_pence: int
    #: The variance a count may show without a reason (the office's setting when read).
    threshold_pence: int = 0

    @property
    def takings_pence(self) -> int:
        """Cash takings less cash refunds."""
        return self.cash_taken_pence - self.cash_refunded_pence


@dataclass(frozen=True)
class CashCountInfo:
    """One count of the drawer, as it was saved."""

    id: int
    day: dt.date
    drawer_of: int | None
    float_pence: int
    cash_taken_pence: int  # cash takings less cash refunds when counted
    expected_pence: int  # float + cash takings - cash refunds
    counted_pence: int
    variance_pence: int  # counted - expected: negative is short, positive over
    threshold_pence: int
    reason: str
    counted_by: str
    counted_at: dt.datetime  # UTC

    @property
    def variance_text(self) -> str:
        """ "£0.00", "£2.50 over" or "£2.50 short"."""
        if self.variance_pence == 0:
            return format_pence(0)
        word = "over" if self.variance_pence > 0 else "short"
        return f"{format_pence(abs(self.variance_pence))} {word}"


def _scope(actor: Actor) -> int | None:
    """Whose drawer the actor counts: reception their own takings, others the office's."""
    return actor.id if actor.role is Role.RECEPTION else None


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = office_zone(office_settings())
    return utc_start(day, zone), utc_start(day + dt.timedelta(days=1), zone)


def _expected(day: dt.date, drawer_of: int | None) -> ExpectedCash:
    since, until = _day_bounds(day)
    P, CN = t.Payment, t.CreditNote  # noqa: N806
    taken = P.select(fn.SUM(P.gross_pence)).where(
        (P.taken_at >= since) & (P.taken_at < until) & (P.method == PaymentMethod.CASH))
    back = CN.select(fn.SUM(CN.gross_pence)).where(
        (CN.issued_at >= since) & (CN.issued_at < until) & (CN.method == PaymentMethod.CASH))
    if drawer_of is not None:
        taken = taken.where(P.taken_by == drawer_of)
        back = back.where(CN.issued_by == drawer_of)
    return ExpectedCash(day, drawer_of, int(taken.scalar() or 0), int(back.scalar() or 0))


def _pence(value: object, label: str, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"Give the {label} as an amount of money; nothing was saved.",
                              field)
    if value < 0:
        raise ValidationError(f"The {label} cannot be negative; nothing was saved.", field)
    if value > MAX_PENCE:
        raise ValidationError(f"The {label} is too large; nothing was saved.", field)
    return value


def _checked_day(actor: Actor, day: object) -> dt.date:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise ValidationError("Choose the day whose drawer was counted.", "day")
    today = local_date(utcnow(), office_zone(office_settings()))
    if day > today:
        raise ValidationError(
            f"{day_text(day)} has not come yet; a drawer is counted on or after its day.", "day")
    if actor.role is Role.RECEPTION and day != today:
        raise PermissionDenied(
            f"Reception counts the drawer for today ({day_text(today)}) only; ask a manager "
            "to count another day.")
    return day


def _info(row: t.CashCount, names: dict[int, str]) -> CashCountInfo:
    drawer_of = row.__data__.get("drawer_of")
    counted_by = int(row.__data__["counted_by"])
    return CashCountInfo(
        row.id, row.day, int(drawer_of) if drawer_of is not None else None, row.float_pence,
        row.expected_pence - row.float_pence, row.expected_pence, row.counted_pence,
        row.variance_pence, row.threshold_pence, row.reason,
        names.get(counted_by, f"User {counted_by}"), row.counted_at)


def _names(rows: list[t.CashCount]) -> dict[int, str]:
    ids = {int(r.__data__["counted_by"]) for r in rows}
    if not ids:
        return {}
    return {u.id: u.full_name for u in t.User.select(t.User.id, t.User.full_name)
            .where(t.User.id.in_(sorted(ids)))}


def expected_cash(actor: Actor, day: dt.date) -> ExpectedCash:
    """The cash the day's takings put in the drawer the actor counts (reception: their own
    takings; engineers and managers: the whole office's).

    Raises:
        PermissionDenied: the actor may not count the drawer, or reception asks for another
            day than today.
        ValidationError: not a day, or a day still to come.
    """
    with read_snapshot():
        require(actor, EVERYONE, "count the cash drawer")
        expected = _expected(_checked_day(actor, day), _scope(actor))
        return dataclasses.replace(
            expected, threshold_pence=int(office_settings().cash_variance_threshold_pence))


@retried
def count_drawer(actor: Actor, day: dt.date, counted_pence: int, float_pence: int,
                 reason: str = "") -> CashCountInfo:
    """Save a count of the drawer for ``day``: the cash counted (float included) and the float.

    The expected cash is the float plus the day's cash takings less its cash refunds; the
    variance is what was counted less that. A variance larger than the office's threshold
    (either way) needs a reason. A day may be counted again: every count is kept and audited,
    and the latest is the one the cash-up shows.

    Raises:
        PermissionDenied: reception counting another day than today.
        ValidationError: an amount missing or negative, a day to come, a variance beyond the
            threshold with no reason; nothing is saved.
    """
    with transaction():
        require(actor, EVERYONE, "count the cash drawer")
        day = _checked_day(actor, day)
        counted = _pence(counted_pence, "cash counted", "counted_pence")
        float_ = _pence(float_pence, "float", "float_pence")
        text = screened_text(reason if isinstance(reason, str) else "", "reason",
                             "reason").strip()
        if len(text) > REASON_MAX:
            raise ValidationError(
                f"The reason is too long ({len(text)} characters; at most {REASON_MAX}); "
                "nothing was saved.", "reason")
        drawer_of = _scope(actor)
        expected = float_ + _expected(day, drawer_of).takings_pence
        variance = counted - expected
        threshold = int(office_settings().cash_variance_threshold_pence)
        if abs(variance) > threshold and not text:
            word = "more" if variance > 0 else "less"
            raise ValidationError(
                f"The drawer holds {format_pence(abs(variance))} {word} than expected "
                f"({format_pence(counted)} counted, {format_pence(expected)} expected); a "
                f"difference over {format_pence(threshold)} needs a reason. Nothing was saved.",
                "reason")
        row = t.CashCount.create(
            day=day, drawer_of=drawer_of, float_pence=float_, counted_pence=counted,
            expected_pence=expected, variance_pence=variance, threshold_pence=threshold,
            reason=text, counted_by=actor.id, counted_at=utcnow())
        audit(actor, "cash.count", "cash_count", row.id, None,
              {**snapshot(row), "day": day.isoformat()})
        return _info(row, {actor.id: actor.full_name})


def counts_of_day(actor: Actor, day: dt.date) -> tuple[CashCountInfo, ...]:
    """Every count of the day's drawer the actor counts, oldest first."""
    with read_snapshot():
        require(actor, EVERYONE, "see the counts of the cash drawer")
        rows = list(_counts(day, _scope(actor)).order_by(t.CashCount.counted_at,
                                                         t.CashCount.id))
        names = _names(rows)
        return tuple(_info(r, names) for r in rows)


def _whose(drawer_of: int | None) -> peewee.Expression:
    return (t.CashCount.drawer_of.is_null() if drawer_of is None
            else t.CashCount.drawer_of == drawer_of)


def _counts(day: dt.date, drawer_of: int | None) -> peewee.ModelSelect[t.CashCount]:
    return t.CashCount.select().where((t.CashCount.day == day) & _whose(drawer_of))


def latest_count(actor: Actor, day: dt.date) -> CashCountInfo | None:
    """The latest count of the day's drawer the actor counts, if it was counted."""
    with read_snapshot():
        require(actor, EVERYONE, "see the counts of the cash drawer")
        return _latest(day, _scope(actor))


def _latest(day: dt.date, drawer_of: int | None) -> CashCountInfo | None:
    row = (_counts(day, drawer_of)
           .order_by(t.CashCount.counted_at.desc(), t.CashCount.id.desc()).first())
    return None if row is None else _info(row, _names([row]))


def latest_counts(first: dt.date, last: dt.date,
                  drawer_of: int | None) -> dict[dt.date, CashCountInfo]:
    """The latest count of each day from ``first`` to ``last`` that was counted (inside the
    caller's reading transaction: the cash-up's)."""
    rows = list(t.CashCount.select()
                .where((t.CashCount.day >= first) & (t.CashCount.day <= last)
                       & _whose(drawer_of))
                .order_by(t.CashCount.day, t.CashCount.counted_at, t.CashCount.id))
    latest = {row.day: row for row in rows}  # the last of each day wins
    names = _names(list(latest.values()))
    return {day: _info(row, names) for day, row in sorted(latest.items())}
