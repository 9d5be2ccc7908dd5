"""The plain data each document is printed from: frozen dataclasses that services fill in.

Nothing here touches the database or ReportLab, so a service can build these cheaply and hand
them to a renderer on another thread. Times are naive UTC, as stored; each document carries the
office's time-zone name and prints its times in that zone. Money is integer pence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from synergy_desk.domain.enums import LedgerKind
from synergy_desk.domain.money import format_pence

ReceiptKind = Literal["receipt", "credit_note"]

#: What a report's cell with no value prints.
DASH = "—"

#: What a report cell's value is (see :class:`Cell`).
CellKind = Literal["text", "money", "count", "number", "hours", "date", "datetime"]


def ticket_label(receipt_number: str | None, purchased_on: str) -> str:
    """A season ticket as the customer knows it, after the word "Ticket": by the receipt that
    sold it ("bought on R-000123"), or by its purchase date when no receipt sold it ("of
    12/01/2026"). The id the database gives a ticket is never printed: nobody was told it."""
    if receipt_number:
        return f"bought on {receipt_number}"
    return f"of {purchased_on}"


@dataclass(frozen=True)
class Office:
    """The supplier printed at the top of every document."""

    name: str
    address: str
    vat_number: str
    phone: str
    email: str
    logo_png: bytes | None = None


@dataclass(frozen=True)
class DocLine:
    """One line of a receipt or credit note, its VAT already computed once (domain.money)."""

    description: str
    net_pence: int
    vat_rate_bp: int
    vat_pence: int
    gross_pence: int
    #: A second, smaller line under the description, e.g. "10 incidents, expires 12/03/2027"
    #: for a season ticket or "Incident 4 of 10 used, 6 left, expires 12/03/2027".
    detail: str = ""


@dataclass(frozen=True)
class ReceiptDoc:
    """A receipt (simplified or full VAT invoice) or a credit note.

    For a credit note the amounts may be given either as the positive amounts refunded or
    already negated: a credit note always prints them as negatives. ``reference_masked`` must
    already be masked ("Visa •••• 4242, auth 123456"); the renderer masks any full card number
    it still finds, as a last line of defence.
    """

    office: Office
    number: str
    kind: ReceiptKind
    issued_at: dt.datetime
    timezone: str
    customer_name: str
    customer_address: str
    lines: tuple[DocLine, ...]
    net_pence: int
    vat_pence: int
    gross_pence: int
    method_label: str
    reference_masked: str
    tendered_pence: int | None
    change_pence: int | None
    taken_by: str
    full_invoice: bool
    copy: bool
    #: Credit note only: the receipt it reverses, e.g. "R-000001".
    original_number: str = ""
    #: Credit note only: why the money was handed back.
    reason: str = ""
    #: Extra lines printed under the payment, e.g. a season ticket's balance.
    notes: tuple[str, ...] = ()
    #: False when the office was not VAT-registered: no VAT was charged, and the document
    #: says so and prints no VAT columns.
    vat_registered: bool = True


@dataclass(frozen=True)
class TimelineDocRow:
    """One entry of an incident's timeline."""

    occurred_at: dt.datetime
    kind_label: str
    author: str
    duration_seconds: int
    text: str
    #: The customer sees it (their version prints only these; the staff's marks the notes).
    for_customer: bool = False


@dataclass(frozen=True)
class IncidentSummaryDoc:
    """An incident with its timeline, for the customer or (``internal``) for the staff.

    The customer's version is given only the entries they see and funding as they know it;
    the internal one has every entry, waiver reasons and who granted them, for the office,
    product management or development.
    """

    office: Office
    reference: str
    subject: str
    description: str
    customer_name: str
    customer_address: str
    contact: str
    product: str
    module: str
    product_version: str
    status_label: str
    priority: str
    engineer: str
    funding_text: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution_label: str
    resolution_note: str
    #: Related incidents and registers, e.g. "Split from INC-000012" or "Escalation #7".
    links: tuple[str, ...]
    timeline: tuple[TimelineDocRow, ...]
    timezone: str
    printed_at: dt.datetime
    #: The staff's version: headed and footed "Internal — staff only".
    internal: bool = False


@dataclass(frozen=True)
class LedgerDocRow:
    """One entry of a season ticket's append-only ledger."""

    at: dt.datetime
    kind_label: str
    #: Incidents added (positive) or taken (negative) by this entry.
    delta: int
    balance_after: int
    #: The incident a redemption or re-credit is for, e.g. "INC-000042"; empty otherwise.
    incident_ref: str
    #: What became of that incident, e.g. "Resolved — Solution" or "Open — In progress".
    outcome: str
    #: The reason of a manager's adjustment or re-credit.
    reason: str
    #: The ledger kind, so the statement can count lapsed incidents (``LedgerKind.EXPIRY``).
    kind: LedgerKind | None = None


@dataclass(frozen=True)
class TicketDoc:
    """One season ticket with its ledger, oldest entry first."""

    label: str
    size: int
    purchased_at: dt.datetime
    expires_at: dt.datetime
    state: str
    balance: int
    ledger: tuple[LedgerDocRow, ...]


@dataclass(frozen=True)
class TicketStatementDoc:
    """Every season ticket of one customer."""

    office: Office
    customer_name: str
    customer_address: str
    account_code: str
    generated_at: dt.datetime
    timezone: str
    tickets: tuple[TicketDoc, ...]


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a report: its value, to sort and export by, and its text as printed.

    ``kind`` says what the value is: ``money`` integer pence; ``count`` a number of things;
    ``number`` a whole number that names something (a ticket); ``hours`` a duration in hours;
    ``date`` an office day; ``datetime`` a moment, zone-aware in the office's zone; ``text``
    the text itself. A cell with nothing in it has the value None and prints a dash (or the
    text it is given). Build cells with the class methods, which keep value and text together.
    """

    value: int | float | str | dt.date | dt.datetime | None
    text: str
    kind: CellKind = "text"

    @classmethod
    def plain(cls, text: str) -> Cell:
        """Text that is its own value: a name, a reason, a receipt number."""
        return cls(text, text)

    @classmethod
    def money(cls, pence: int) -> Cell:
        """An amount in pence, printed "£1,075.50" (or "-£2.50")."""
        value = int(pence)
        return cls(value, format_pence(value), "money")

    @classmethod
    def count(cls, count: int, text: str | None = None) -> Cell:
        """A number of things, printed "1,204", or as ``text`` says ("4 of 10")."""
        value = int(count)
        return cls(value, f"{value:,}" if text is None else text, "count")

    @classmethod
    def number(cls, number: int) -> Cell:
        """A whole number that names something (a season ticket's number), printed as it is."""
        value = int(number)
        return cls(value, str(value), "number")

    @classmethod
    def hours(cls, hours: float | None) -> Cell:
        """A duration: "3.5 h" below two days, "4.2 days" from then on; a dash for none."""
        if hours is None:
            return cls.blank("hours")
        text = f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"
        return cls(float(hours), text, "hours")

    @classmethod
    def date(cls, day: dt.date | None) -> Cell:
        """An office day, printed "01/12/2026"; a dash for none."""
        if day is None:
            return cls.blank("date")
        if isinstance(day, dt.datetime):
            day = day.date()  # a day sorts among days, never among moments
        return cls(day, f"{day:%d/%m/%Y}", "date")

    @classmethod
    def datetime(cls, moment: dt.datetime | None) -> Cell:
        """A moment in the office's zone, printed "01/12/2026 14:05"; a dash for none."""
        if moment is None:
            return cls.blank("datetime")
        return cls(moment, f"{moment:%d/%m/%Y %H:%M}", "datetime")

    @classmethod
    def blank(cls, kind: CellKind = "text", text: str = DASH) -> Cell:
        """A cell with no value: a dash, or the text given (a waiver never revoked: "No")."""
        return cls(None, text, kind)


@dataclass(frozen=True)
class ReportTable:
    """One table of a report: each cell a value and its text as printed."""

    title: str
    columns: tuple[str, ...]
    #: One cell per column (``Cell.money(107550)`` prints "£1,075.50").
    rows: tuple[tuple[Cell, ...], ...]
    #: Right-align these columns.
    numeric: tuple[bool, ...]
    #: A totals row, or None.
    totals: tuple[Cell, ...] | None = None
    #: Row indexes to show as a problem (e.g. a gap in the numbering).
    flagged_rows: tuple[int, ...] = ()
    #: e.g. "No payments in this period."
    note: str = ""
    #: Columns of free text (a refund's reason) the PDF prints on one line, cut short with an
    #: ellipsis, so one long reason does not stretch its row over many lines; the CSV and the
    #: screen keep the whole text.
    one_line: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChartSeries:
    """A chart of a report: one value per label."""

    title: str
    labels: tuple[str, ...]
    #: Pence or counts, as ``unit`` says.
    values: tuple[int, ...]
    unit: Literal["pence", "count"]
    kind: Literal["bar", "pie"] = "bar"


@dataclass(frozen=True)
class ReportDoc:
    """A report for a period: key figures, tables and charts."""

    name: str
    title: str
    #: Office-local days, inclusive.
    start: dt.date
    end: dt.date
    #: "1 Dec 2026" or "1 Nov 2026 – 30 Nov 2026".
    period_text: str
    #: Naive UTC.
    generated_at: dt.datetime
    generated_by: str
    timezone: str
    office: Office
    #: Key figures: ("Net takings", Cell.money(123400)), ...
    summary: tuple[tuple[str, Cell], ...]
    tables: tuple[ReportTable, ...]
    charts: tuple[ChartSeries, ...]
    #: e.g. "Receipt R-000013 is missing."
    warnings: tuple[str, ...] = ()
    #: e.g. "Takings of Rita Reception only".
    scope: str = ""
