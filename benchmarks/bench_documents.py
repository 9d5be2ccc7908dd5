"""How long the PDFs take: a receipt (target ≤ 20 ms) and an incident summary (≤ 150 ms).

Run: python benchmarks/bench_documents.py [--runs N] [--logo]

With --logo it also times receipts whose office logo is ordinary (240 × 80), larger than print
needs (4,000 × 1,500: drawn from a copy scaled once to 1,200 pixels across) and huge
(a 12,000 × 12,000 PNG of a few kB, which used to take seconds and gigabytes per receipt: now
refused on upload from its header, and left off a document if one was stored before), and the
upload's check of each.

Each document is rendered once first (font registration and ReportLab's imports are a one-off
cost of the first document), then N times; the script prints the median and 95th percentile of
the wall-clock time, and of the CPU time, which is steadier on a busy machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Run as `python benchmarks/bench_documents.py` from a checkout: importable without installing.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from synergy_desk.documents import (  # noqa: E402
    DocLine,
    IncidentSummaryDoc,
    LedgerDocRow,
    Office,
    ReceiptDoc,
    TicketDoc,
    TicketStatementDoc,
    TimelineDocRow,
    render_incident_summary,
    render_receipt,
    render_ticket_statement,
)
from synergy_desk.domain.enums import LedgerKind  # noqa: E402
from synergy_desk.domain.money import line_amounts  # noqa: E402

OFFICE = Office("Synergy Software Support Ltd", "Unit 4, Riverside Park\nCambridge Road\nEly CB7 4AA",
                "GB 123 4567 89", "01353 123456", "support@synergy.example", None)
NOW = dt.datetime(2026, 3, 12, 14, 5)


def _receipt(full: bool) -> ReceiptDoc:
    specs = [("Support incident INC-000042 — Printing to PDF fails with error 1603", 7500, "")]
    if full:
        specs.append(("Season ticket — 10 incidents", 65000, "10 incidents, expires 12/03/2027"))
    lines = []
    for description, net, detail in specs:
        a = line_amounts(net, 2000)
        lines.append(DocLine(description, a.net_pence, a.vat_rate_bp, a.vat_pence, a.gross_pence,
                             detail))
    return ReceiptDoc(
        office=OFFICE, number="R-000001", kind="receipt", issued_at=NOW, timezone="Europe/London",
        customer_name="Café Müller Ltd", customer_address="12 High Street\nEly\nCB7 4AB",
        lines=tuple(lines), net_pence=sum(x.net_pence for x in lines),
        vat_pence=sum(x.vat_pence for x in lines), gross_pence=sum(x.gross_pence for x in lines),
        method_label="Card", reference_masked="Visa •••• 4242, auth 123456", tendered_pence=None,
        change_pence=None, taken_by="Alice Reception", full_invoice=full, copy=False,
        notes=("Season ticket: incident 4 of 10 used, 6 left, expires 12/03/2027",),
    )


def _incident(entries: int) -> IncidentSummaryDoc:
    texts = ("Customer rang: printing to PDF fails with error 1603 after the March update.",
             "Asked for the log file; the customer will e-mail it this afternoon.",
             "Log received. The print spooler service is stopped on the customer's server. "
             "Restarted it remotely and re-registered the PDF driver; a test print worked.",
             "Short note.")
    kinds = ("Phone call in", "E-mail out", "Remote session", "Note")
    timeline = tuple(
        TimelineDocRow(NOW + dt.timedelta(hours=6 * n), kinds[n % 4],
                       "Bob Engineer" if n % 2 else "Alice Reception", (n % 3) * 600,
                       texts[n % 4])
        for n in range(entries))
    return IncidentSummaryDoc(
        office=OFFICE, reference="INC-000042", subject="Printing to PDF fails with error 1603",
        description="Since the March update printing any ledger to PDF fails on all desks.",
        customer_name="Café Müller Ltd", customer_address="12 High Street\nEly\nCB7 4AB",
        contact="Łukasz Żółć", product="Ledger Pro", module="Printing", product_version="7.2.1",
        status_label="Resolved", priority="High", engineer="Bob Engineer",
        funding_text="Season ticket: incident 4 of 10 used, 6 left", opened_at=NOW,
        resolved_at=NOW + dt.timedelta(days=10), resolution_label="Work-around",
        resolution_note="Restart the spooler and re-register the PDF driver.",
        links=("Split from INC-000040",), timeline=timeline, timezone="Europe/London",
        printed_at=NOW + dt.timedelta(days=11),
    )


def _statement() -> TicketStatementDoc:
    tickets = []
    for year in (2024, 2025, 2026):
        bought = dt.datetime(year, 1, 10, 10, 0)
        rows = [LedgerDocRow(bought, "Purchase", 10, 10, "", "", "", LedgerKind.PURCHASE)]
        for n in range(1, 7):
            rows.append(LedgerDocRow(bought + dt.timedelta(days=30 * n), "Redemption", -1, 10 - n,
                                     f"INC-{year}{n:02d}", "Resolved — Solution", "",
                                     LedgerKind.REDEMPTION))
        tickets.append(TicketDoc(f"ST-{year}-001", 10, bought, bought + dt.timedelta(days=365),
                                 "Active", 4, tuple(rows)))
    return TicketStatementDoc(OFFICE, "Café Müller Ltd", "12 High Street\nEly", "CAFE001",
                              NOW, "Europe/London", tuple(tickets))


def _measure(label: str, render: Callable[[], bytes], runs: int, target_ms: float | None) -> None:
    render()  # warm-up: fonts registered, ReportLab imported
    wall: list[float] = []
    cpu: list[float] = []
    size = 0
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        size = len(render())
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]

    goal = f"  (target ≤ {target_ms:.0f} ms)" if target_ms else ""
    print(f"{label:<36} wall median {statistics.median(wall):6.1f} ms  p95 {p95(wall):6.1f} ms"
          f" | cpu median {statistics.median(cpu):6.1f} ms  p95 {p95(cpu):6.1f} ms"
          f" | {size / 1024:.0f} KiB{goal}")


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new(mode, (width, height), 0 if mode == "P" else "#1f3a5f")
    if mode != "P":
        ImageDraw.Draw(image).ellipse((0, 0, width // 3, height - 1), fill="#f0b429")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _logos(runs: int) -> None:
    from synergy_desk.domain.errors import ValidationError
    from synergy_desk.services.office.settings import check_logo

    print("\nreceipts with a logo (the first render of each includes any one-off scaling)")
    for label, data in (("logo 240 × 80", _png(240, 80)),
                        ("logo 4,000 × 1,500", _png(4000, 1500)),
                        ("logo 12,000 × 12,000", _png(12000, 12000, "P"))):
        w = time.perf_counter()
        try:
            stored = len(check_logo(data))
            verdict = f"stored as {stored / 1024:.0f} KiB"
        except ValidationError as exc:
            verdict = f"refused: {exc.message}"
        check_ms = (time.perf_counter() - w) * 1000
        print(f"  {label}: {len(data) / 1024:.0f} KiB file; upload check {check_ms:.0f} ms, "
              f"{verdict}")
        doc = dataclasses.replace(_receipt(False),
                                  office=dataclasses.replace(OFFICE, logo_png=data))
        w = time.perf_counter()
        render_receipt(doc)
        print(f"  {label}: first receipt {(time.perf_counter() - w) * 1000:.0f} ms")
        _measure(f"receipt, {label}", lambda doc=doc: render_receipt(doc), runs, 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="renders per document (default 50)")
    parser.add_argument("--logo", action="store_true",
                        help="also time receipts with ordinary, large and huge logos")
    args = parser.parse_args()
    start = time.perf_counter()
    render_receipt(_receipt(False))
    print(f"first document, with font registration: {(time.perf_counter() - start) * 1000:.0f} ms")
    simple, full = _receipt(False), _receipt(True)
    typical, long_one = _incident(12), _incident(40)
    statement = _statement()
    _measure("receipt (simplified, 1 line)", lambda: render_receipt(simple), args.runs, 20)
    _measure("receipt (full VAT invoice, 2 lines)", lambda: render_receipt(full), args.runs, 20)
    _measure("incident summary (12 entries)", lambda: render_incident_summary(typical),
             args.runs, 150)
    _measure("incident summary (40 entries)", lambda: render_incident_summary(long_one),
             max(args.runs // 2, 5), 150)
    _measure("ticket statement (3 tickets)", lambda: render_ticket_statement(statement),
             max(args.runs // 2, 5), None)
    if args.logo:
        _logos(args.runs)


if __name__ == "__main__":
    main()
