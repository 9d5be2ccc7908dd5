"""``synergy-desk receipt NUMBER --out FILE``: any receipt or credit note as a PDF reprint (COPY).

Registered in ``synergy_desk.cli`` (``COMMANDS``) through :func:`add_parser`; :func:`run` is
its handler. Exit status 0 when written, 2 for a number that is not a receipt or credit note
of this office (one line on standard error), 1 when the file cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from synergy_desk.cli import _error
from synergy_desk.domain.errors import DomainError
from synergy_desk.services.data.files import write_file_atomically


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``receipt`` command to the command line's sub-parsers."""
    from synergy_desk.cli import _common_options

    p: argparse.ArgumentParser = subparsers.add_parser(
        "receipt", parents=[_common_options()],
        help="write a receipt or credit note as a PDF (a reprint, marked COPY)",
        description="Write receipt NUMBER (R-000012) or credit note NUMBER (CN-000003) as a "
                    "PDF file. It is a reprint: the same document as the original, marked "
                    "COPY.")
    p.add_argument("number", metavar="NUMBER",
                   help="the receipt or credit note number, e.g. R-000012 or CN-000003")
    p.add_argument("--out", metavar="FILE", required=True,
                   help="the PDF file to write (replaced if it exists); - for standard output")
    p.set_defaults(handler=run)
    return p



def run(args: argparse.Namespace) -> int:
    """Write the reprint; returns the exit status (0, 1 or 2)."""
    from synergy_desk.cli import _open
    from synergy_desk.services.reporting import receipt_documents

    try:
        _open(args)
        document = receipt_documents.document_for_number(args.number, copy=True)
    except DomainError as exc:
        _error(exc.message)
        return 2
    if args.out == "-":
        sys.stdout.buffer.write(document.pdf)
        sys.stdout.buffer.flush()
        return 0
    out = Path(args.out).expanduser()
    if out.is_dir():
        _error(f"{out} is a folder; give the PDF file's name, e.g. {out / document.filename}.")
        return 2
    if not out.parent.is_dir():
        _error(f"There is no folder {out.parent} to save {out.name} in.")
        return 2
    try:
        write_file_atomically(out, document.pdf)
    except OSError as exc:
        _error(f"could not write {out}: {exc.strerror or exc}.")
        return 1
    # The document's own name and number ("VAT invoice R-000012"), whichever way it was typed.
    title = document.title.removesuffix(" (copy)")
    if not title.startswith("VAT"):
        title = title[0].lower() + title[1:]
    print(f"Wrote {title} (a reprint marked COPY) to {out}.")
    return 0
