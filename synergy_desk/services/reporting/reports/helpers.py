"""What the reports share: money and counts as report cells, user names, payment methods, and
the sections a report is made of."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from synergy_desk.documents.data import Cell, ChartSeries, ReportTable
from synergy_desk.domain.enums import (
    PaymentMethod,
)
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor, tuples
from synergy_desk.services.reporting.reports.period import Period

__all__ = ["Sections", "ReportRequest", "money_cell", "count_cell", "user_names", "method_label"]


#: What a report is made of: key figures, tables, charts and warnings.
Sections = tuple[list[tuple[str, Cell]], list[ReportTable], list[ChartSeries], list[str]]


@dataclass(frozen=True)
class ReportRequest:
    """What every report is built from: who asks, for which days, and when."""

    actor: Actor
    period: Period
    now: dt.datetime
    #: Reception's cash-up: only the takings of the person asking.
    own_takings_only: bool


def money_cell(pence: int | None) -> Cell:
    """Pence as a cell; a sum over no rows (None) is £0.00."""
    return Cell.money(int(pence or 0))


def count_cell(value: int | None) -> Cell:
    """A count as a cell; a sum over no rows (None) is 0."""
    return Cell.count(int(value or 0))


def user_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({int(i) for i in ids if i is not None})
    if not wanted:
        return {}
    return {int(uid): name for uid, name in tuples(
        t.User.select(t.User.id, t.User.full_name).where(t.User.id.in_(wanted)))}


def method_label(value: object) -> str:
    try:
        return PaymentMethod(str(value)).label
    except ValueError:
        return str(value)
