"""From a receipt number to PDF bytes (docs/speed.md: a receipt PDF ≤ 20 ms).

Picks receipts (and credit notes, if any) of a demo office at random and times
``services.receipt_documents.receipt_pdf``: the services reading the receipt, then ReportLab
rendering it. It also times the two halves apart. The first document is rendered once before
timing (registering the fonts and importing ReportLab is a one-off cost of the first one).

    python benchmarks/bench_receipt.py --database sqlite:///office.sqlite3 [--receipts 200]
"""

from __future__ import annotations

import argparse
from functools import partial
from random import Random

from _bench import Figures, Sample, open_office, parse_args, print_table, timed

from synergy_desk.documents import ReceiptDoc, render_receipt
from synergy_desk.models import tables as t
from synergy_desk.services.money import payments
from synergy_desk.services.reporting import receipt_documents

TARGET_MS = 20.0


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--receipts", type=int, default=200,
                        help="how many receipt numbers to time (default 200)")
    parser.add_argument("--seed", type=int, default=1)


def _numbers(model: type[t.BaseModel], column: object, prefix: str, count: int,
             rng: Random) -> list[str]:
    highest = model.select(column).order_by(column.desc()).scalar() or 0  # type: ignore[attr-defined]
    if not highest:
        return []
    return [f"{prefix}-{rng.randint(1, highest):06d}" for _ in range(count)]


def _read_into(number: str, out: list[payments.ReceiptInfo]) -> None:
    out.append(payments.receipt_info(number, copy=True))


def _render_into(doc: ReceiptDoc, out: list[bytes]) -> None:
    out.append(render_receipt(doc))


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _options)
    open_office(args.database)
    rng = Random(args.seed)
    receipts = _numbers(t.Payment, t.Payment.receipt_number, "R", args.receipts, rng)
    if not receipts:
        raise SystemExit("The database has no receipts; fill it with demo data first.")
    notes = _numbers(t.CreditNote, t.CreditNote.number, "CN", max(1, args.receipts // 4), rng)
    print(f"{t.Payment.select().count():,} receipts and {t.CreditNote.select().count():,} "
          f"credit notes in the office; timing {len(receipts)} receipts and {len(notes)} "
          "credit notes")

    receipt_documents.receipt_pdf(receipts[0], copy=True)  # fonts and imports, once

    whole: list[Sample] = []
    reads: list[Sample] = []
    renders: list[Sample] = []
    full_invoices: list[Sample] = []
    sizes: list[int] = []
    for number in receipts:
        sample = timed(partial(receipt_documents.receipt_pdf, number, copy=True))
        whole.append(sample)
        infos: list[payments.ReceiptInfo] = []
        reads.append(timed(partial(_read_into, number, infos)))
        doc = receipt_documents.receipt_doc(infos[0], copy=True)
        pdfs: list[bytes] = []
        renders.append(timed(partial(_render_into, doc, pdfs)))
        sizes.append(len(pdfs[0]))
        if infos[0].full_invoice or infos[0].gross_pence > payments.FULL_INVOICE_ABOVE_PENCE:
            full_invoices.append(sample)
    credit: list[Sample] = [timed(partial(receipt_documents.receipt_pdf, n, copy=True))
                            for n in notes]

    rows = [Figures.of("receipt number → PDF bytes", whole)]
    if full_invoices:
        rows.append(Figures.of("  of which full VAT invoices", full_invoices))
    if credit:
        rows.append(Figures.of("credit note number → PDF bytes", credit))
    ok = print_table("Receipt PDF", rows, TARGET_MS)
    print_table("Where the time goes", [Figures.of("services: receipt_info", reads),
                                        Figures.of("ReportLab: render_receipt", renders)],
                None)
    print(f"\nPDF size: median {sorted(sizes)[len(sizes) // 2]:,} bytes")
    print("verdict:", "meets the target" if ok else "MISSES the target")


if __name__ == "__main__":
    main()
