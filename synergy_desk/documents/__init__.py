"""Documents as PDF bytes from plain data: receipts, credit notes, incident summaries, statements.

Importing this package is cheap: ReportLab loads only when the first document is rendered, so
the window opens without it.
"""

from __future__ import annotations

from synergy_desk.documents.data import (
    Cell,
    ChartSeries,
    DocLine,
    IncidentSummaryDoc,
    LedgerDocRow,
    Office,
    ReceiptDoc,
    ReportDoc,
    ReportTable,
    TicketDoc,
    TicketStatementDoc,
    TimelineDocRow,
    ticket_label,
)

__all__ = [
    "Cell",
    "ChartSeries",
    "DocLine",
    "IncidentSummaryDoc",
    "LedgerDocRow",
    "Office",
    "ReceiptDoc",
    "ReportDoc",
    "ReportTable",
    "TicketDoc",
    "TicketStatementDoc",
    "TimelineDocRow",
    "render_incident_summary",
    "render_receipt",
    "render_report",
    "render_ticket_statement",
    "ticket_label",
]


def render_receipt(doc: ReceiptDoc) -> bytes:
    """A receipt, full VAT invoice or credit note as PDF bytes (see documents.receipt)."""
    from synergy_desk.documents.receipt import render_receipt as render

    return render(doc)


def render_incident_summary(doc: IncidentSummaryDoc) -> bytes:
    """An incident with its whole timeline as PDF bytes (see documents.incident_summary)."""
    from synergy_desk.documents.incident_summary import render_incident_summary as render

    return render(doc)


def render_ticket_statement(doc: TicketStatementDoc) -> bytes:
    """A customer's season tickets and their ledgers as PDF bytes."""
    from synergy_desk.documents.ticket_statement import render_ticket_statement as render

    return render(doc)


def render_report(doc: ReportDoc) -> bytes:
    """A manager's report with its charts and tables as PDF bytes (see documents.report)."""
    from synergy_desk.documents.report import render_report as render

    return render(doc)
