"""The incident list's rows and columns: what each incident shows, sorts by and looks like.

The list itself is a :class:`~synergy_desk.ui.table_model.TableModel` loading pages from the
list service, which sorts in the database by each column's ``sort_key``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.services.incidents import incident_list
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.table_model import Column, PageLoader, TableModel

__all__ = ["COLUMNS", "DEFAULT_SORT_COLUMN", "PAGE_SIZE", "ListRow", "incident_table_model",
           "to_list_row"]

#: How many incidents a page of the list holds.
PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class ListRow:
    """One incident as the list shows it (kept small: a long list stays light)."""

    id: int
    reference: str
    customer: str
    subject: str
    product: str
    status: IncidentStatus
    funding: FundingKind
    engineer: str
    opened_at: dt.datetime
    last_activity_at: dt.datetime
    version: int
    awaiting_transfer: bool = False


def to_list_row(row: Any) -> ListRow:
    """The list's row for one of the list service's rows."""
    return ListRow(
        id=row.id, reference=row.reference, customer=row.customer_name, subject=row.subject,
        product=row.product_name, status=IncidentStatus(row.status),
        funding=FundingKind(row.funding), engineer=row.engineer_name or "",
        opened_at=row.opened_at, last_activity_at=row.last_activity_at, version=row.version,
        awaiting_transfer=row.awaiting_transfer)


def _funding_text(row: ListRow) -> str:
    return "Awaiting transfer" if row.awaiting_transfer else row.funding.label


def _funding_tone(row: ListRow) -> palette.Tone:
    return formatting.AWAITING_TRANSFER_TONE if row.awaiting_transfer \
        else formatting.FUNDING_COLOURS[row.funding]


#: The columns, each sorted in the database by the sort key the list service understands.
COLUMNS: tuple[Column[ListRow], ...] = (
    Column("Reference", lambda r: r.reference, sort_key="reference"),
    Column("Customer", lambda r: r.customer, tooltip=lambda r: r.customer,
           sort_key="customer"),
    Column("Subject", lambda r: r.subject, tooltip=lambda r: r.subject, stretch=True,
           sort_key="subject"),
    Column("Product", lambda r: r.product, sort_key="product"),
    Column("Status", lambda r: r.status.label, lambda r: r.status,
           foreground=lambda r: formatting.STATUS_COLOURS[r.status].text,
           background=lambda r: formatting.STATUS_COLOURS[r.status].background,
           sort_key="status"),
    Column("Funding", _funding_text, lambda r: r.funding,
           foreground=lambda r: _funding_tone(r).text,
           background=lambda r: _funding_tone(r).background,
           sort_key="funding"),
    Column("Engineer", lambda r: r.engineer or "—", sort_key="engineer"),
    Column("Opened", lambda r: formatting.short_datetime(r.opened_at),
           lambda r: r.opened_at, sort_key="opened"),
    Column("Last activity", lambda r: formatting.short_datetime(r.last_activity_at),
           lambda r: r.last_activity_at, sort_key="last_activity"),
)

#: The list opens in the list service's own order (the latest activity first).
DEFAULT_SORT_COLUMN = next(i for i, column in enumerate(COLUMNS)
                           if column.sort_key == incident_list.Sort.column)


def incident_table_model(loader: PageLoader[ListRow], parent: QObject | None = None,
                         page_size: int = PAGE_SIZE) -> TableModel[ListRow]:
    """The incident list: pages from ``loader``, latest activity first until a heading is
    clicked."""
    return TableModel(COLUMNS, parent, loader=loader, page_size=page_size,
                      sort_column=DEFAULT_SORT_COLUMN, descending=incident_list.Sort.descending)
