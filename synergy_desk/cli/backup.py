"""``synergy-desk backup``: a consistent copy of the office database while desks keep working.

Exit status 0 when done; 2 for bad input (the PostgreSQL client tools missing, a database that
cannot be used); 1 for anything else.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from synergy_desk.cli.common import PROG, Commands, ProgressBar, common_options, open_office

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands) -> None:
    """Add the ``backup`` command to the command line's sub-parsers."""
    p = commands.add_parser(
        "backup", parents=[common_options()],
        help="make a consistent copy of the office database while desks keep working",
        description="Copy the office database while desks keep working: a SQLite office "
                    "with SQLite's online backup (the copy is one .sqlite3 file), a "
                    "PostgreSQL office with pg_dump (a .dump archive; the PostgreSQL client "
                    "tools must be installed). The copy is checked before it is given its "
                    "name, and the command prints where it went. Put it back with "
                    f"{PROG} restore FILE.")
    p.add_argument("--out", metavar="FILE",
                   help="the backup file to write (never over the database, its logs or "
                        "another backup: give a new name), or a folder to "
                        "write it in (default: synergy-desk-DATE-TIME.sqlite3 or .dump in "
                        "the folder “backups” beside a SQLite database; for a PostgreSQL "
                        "one, in “backups” in your data folder)")
    p.set_defaults(handler=run)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{n:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n:,} bytes"


def run(args: argparse.Namespace) -> int:
    """Write the backup; returns the exit status."""
    from synergy_desk.services.data import backup

    info = open_office(args)
    target = Path(args.out) if args.out else None
    with ProgressBar() as bar:
        result = backup.backup_database(info.url, target, progress=bar)
    print(f"Backed up {info.display} to {result.path} ({_size(result.size_bytes)}, "
          f"{result.total_rows:,} rows, {result.seconds:.1f} s).")
    return 0
