"""Manager's reports for a period: cash-up, incidents, season tickets, overrides, registers.

Each report is read in one transaction, aggregated in SQL over indexed columns, and returned
as plain frozen data (``documents.ReportDoc``, here called :data:`ReportData`) that the window
shows and the PDF and CSV are printed from: every cell a value (pence, a count, an office day
or moment) and its text as printed. Days are the office's calendar days.

One module per report (``cashup``, ``incidents``, ``tickets``, ``contracts``, ``overrides``,
``registers``, ``requests``),
each with ``build(request)``; :mod:`.registry` lists them, says who may run which and builds
one; :mod:`.period` reads days and periods. This package's names are the ones callers use.
"""

from synergy_desk.services.reporting.reports.period import (
    MAX_PERIOD_DAYS,
    parse_day,
    period_text,
)
from synergy_desk.services.reporting.reports.registry import (
    REPORT_KINDS,
    Cell,
    ChartSeries,
    ReportData,
    ReportKind,
    ReportTable,
    build_report,
    report_csv,
    report_kinds,
    report_pdf,
)

__all__ = ["ReportKind", "REPORT_KINDS", "Cell", "ReportTable", "ChartSeries", "ReportData",
           "MAX_PERIOD_DAYS", "report_kinds", "build_report", "report_pdf", "report_csv",
           "parse_day", "period_text"]
