"""``synergy-desk receipt NUMBER --out FILE``: any receipt or credit note as a PDF reprint (COPY).

Exit status 0 when written, 2 for a number that is not a receipt or credit note of this office
or an --out that cannot be used (one line on standard error), 1 when the file cannot be
written.
"""

from __future__ import annotations

import argparse

from synergy_desk.cli.common import (
    Commands,
    UsageError,
    common_options,
    error,
    open_office,
    output_file,
    write_output,
)
from synergy_desk.domain.errors import DomainError

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands) -> None:
    """Add the ``receipt`` command to the command line's sub-parsers."""
    p = commands.add_parser(
        "receipt", parents=[common_options()],
        help="write a receipt or credit note as a PDF (a reprint, marked COPY)",
        description="Write receipt NUMBER (R-000012) or credit note NUMBER (CN-000003) as a "
                    "PDF file. It is a reprint: the same document as the original, marked "
                    "COPY.")
    p.add_argument("number", metavar="NUMBER",
                   help="the receipt or credit note number, e.g. R-000012 or CN-000003")
    p.add_argument("--out", metavar="FILE", required=True,
                   help="the PDF file to write (replaced if it exists); - for standard output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the reprint; returns the exit status (0, 1 or 2)."""
    from synergy_desk.services.reporting import receipt_documents

    try:
        open_office(args)
        document = receipt_documents.document_for_number(args.number, copy=True)
        out = output_file(args.out, document.filename, what="PDF file")
    except (DomainError, UsageError) as exc:
        error(str(exc))
        return 2
    if not write_output(out, document.pdf):
        return 1
    if out is None:
        return 0
    # The document's own name and number ("VAT invoice R-000012"), whichever way it was typed.
    title = document.title.removesuffix(" (copy)")
    if not title.startswith("VAT"):
        title = title[0].lower() + title[1:]
    print(f"Wrote {title} (a reprint marked COPY) to {out}.")
    return 0
