"""``synergy-desk copy-to URL``: move a single-desk SQLite office into another database.

Exit status 0 when copied; 2 when refused (the target already holds an office, a database that cannot be
used); 1 for anything else. Nothing is half-copied: a copy that fails is emptied, and no desk opens
a copy before it has been checked.
"""

from __future__ import annotations

import argparse
import sys

from synergy_desk.cli.common import (
    PROG,
    Commands,
    ProgressBar,
    common_options,
    office_must_exist,
)

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands) -> None:
    """Add the ``copy-to`` command to the command line's sub-parsers."""
    p = commands.add_parser(
        "copy-to", parents=[common_options()],
        help="copy this SQLite office into an empty database, e.g. a PostgreSQL server",
        description="Copy every table and row of the SQLite office (--database, or the file "
                    "in your data folder) into the empty database at URL, usually "
                    "postgresql://USER:PASSWORD@HOST/NAME, then check the copy: row counts, "
                    "the tamper-evident chains and the number sequences. A database that "
                    "already holds an office is refused, and a copy that fails its check "
                    "leaves nothing behind. The original is left as it was. Create the "
                    "empty database first, e.g. createdb --owner USER --encoding UTF8 "
                    "--template template0 NAME on the server, and close Synergy Desk on "
                    "this desk while it copies.")
    p.add_argument("url", metavar="URL",
                   help="the empty database to copy into, e.g. "
                        "postgresql://USER:PASSWORD@SERVER/NAME")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Copy the office; returns the exit status."""
    from synergy_desk.models.database import default_database_url
    from synergy_desk.services.data import copy_to

    source = args.database or default_database_url()
    office_must_exist(source)
    with ProgressBar() as bar:

        def progress(done: int, total: int, stage: str) -> None:
            # One line per stage, not per table: "rows" while copying, then on PostgreSQL the
            # indexes, search and check made at once over them, on SQLite the search index
            # and then the check.
            bar(done, total, stage if stage in (
                copy_to.INDEX_STAGE, copy_to.SEARCH_STAGE,
                copy_to.CHECK_STAGE) else "rows")

        result = copy_to.copy_office(source, args.url,
                                     progress=progress)
    counts = result.counts
    print(f"Copied {result.source} to {result.target} in {result.seconds:.1f} s: "
          f"{result.total_rows:,} rows ({counts.get('customer', 0):,} customers, "
          f"{counts.get('incident', 0):,} incidents, {counts.get('payment', 0):,} payments); "
          "the copy checks as the original does.")
    for problem in result.carried_problems:
        print(f"warning: carried over from the original: {problem}", file=sys.stderr)
    print(f"Next: point every desk at the copy ({PROG} --database {_address_to_give(args.url)}, "
          "or File → Database for this desk in the window), and stop using "
          f"{result.source}, which is left as it was.")
    return 0


def _address_to_give(url: str) -> str:
    """The address every desk is to use, with its password (if any) shown as PASSWORD."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{parts.username}:PASSWORD@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
