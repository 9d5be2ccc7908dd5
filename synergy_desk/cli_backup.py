"""``synergy-desk backup`` and ``synergy-desk restore``: a consistent copy of the office database,
and putting one back.

Registered in ``synergy_desk.cli`` (``COMMANDS``) through :func:`add_parser`. Exit status 0
when done; 2 for bad input (a file that is not a usable backup, a database in use, the
PostgreSQL client tools missing, a restore not confirmed); 1 for anything else.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from synergy_desk.cli import PROG


def add_parser(subparsers: Any) -> None:
    """Add the ``backup`` and ``restore`` commands to the command line's sub-parsers."""
    from synergy_desk.cli import _common_options

    p = subparsers.add_parser(
        "backup", parents=[_common_options()],
        help="make a consistent copy of the office database while desks keep working",
        description="Copy the office database while desks keep working: a SQLite office "
                    "with SQLite's online backup (the copy is one .sqlite3 file), a "
                    "PostgreSQL office with pg_dump (a .dump archive; the PostgreSQL client "
                    "tools must be installed). The copy is checked before it is given its "
                    "name, and the command prints where it went. Put it back with "
                    f"{PROG} restore FILE.")
    p.add_argument("--out", metavar="FILE",
                   help="the backup file to write (replaced if it exists), or a folder to "
                        "write it in (default: synergy-desk-DATE-TIME.sqlite3 or .dump in "
                        "the folder “backups” beside a SQLite database; for a PostgreSQL "
                        "one, in “backups” in your data folder)")
    p.set_defaults(handler=run_backup)

    r = subparsers.add_parser(
        "restore", parents=[_common_options()],
        help="replace the office database with a backup",
        description="Replace the office database (--database) with a backup made by the "
                    "backup command: a .sqlite3 backup into a SQLite office, a .dump into a "
                    "PostgreSQL one. The backup is checked first; the database is refused "
                    "while a desk has it open (close Synergy Desk on every desk first); the "
                    "current database is kept aside (NAME.before-restore-DATE-TIME.bak "
                    "beside a SQLite file, a .dump in the backups folder for PostgreSQL) "
                    "before it is replaced. Asks for confirmation unless --yes is given.")
    r.add_argument("file", metavar="FILE", help="the backup file to restore")
    r.add_argument("--yes", action="store_true",
                   help="do not ask for confirmation (required when standard input is not a "
                        "terminal)")
    r.add_argument("--disconnect", action="store_true",
                   help="PostgreSQL only: end the other sessions connected to the database "
                        "first, instead of refusing")
    r.set_defaults(handler=run_restore)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{n:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n:,} bytes"


def run_backup(args: argparse.Namespace) -> int:
    """Write the backup; returns the exit status."""
    from synergy_desk.cli import _open, _ProgressBar
    from synergy_desk.services.data import backup

    info = _open(args)
    bar = _ProgressBar()
    target = Path(args.out) if args.out else None
    try:
        result = backup.backup_database(info.url, target, progress=bar)
    finally:
        bar.finish()
    print(f"Backed up {info.display} to {result.path} ({_size(result.size_bytes)}, "
          f"{result.total_rows:,} rows, {result.seconds:.1f} s).")
    return 0


def _confirm(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def run_restore(args: argparse.Namespace) -> int:
    """Restore the backup; returns the exit status."""
    from synergy_desk.cli import UsageError
    from synergy_desk.models.database import default_database_url, describe_url
    from synergy_desk.services.data import backup

    info = describe_url(args.database or default_database_url())
    source = Path(args.file)
    checked = backup.verify_backup(source)
    if not args.yes:
        if sys.stdin is None or not sys.stdin.isatty():
            raise UsageError("restore replaces the whole database; give --yes to confirm when "
                             "standard input is not a terminal. Nothing was changed.")
        what = (f"{checked.counts.get('incident', 0):,} incidents, "
                f"{checked.counts.get('payment', 0):,} payments"
                if checked.row_counts else f"{checked.entries:,} archive entries")
        if not _confirm(f"Replace {info.display} with the backup {source} ({what})?"):
            print("Nothing was changed.", file=sys.stderr)
            return 2
    result = backup.restore_database(info.url, source, force_stop=args.disconnect,
                                     checked=checked)
    kept = f" The previous database is kept as {result.previous}." if result.previous else ""
    print(f"Restored {result.target} from {source} ({sum(result.counts.values()):,} rows, "
          f"{result.seconds:.1f} s).{kept}")
    return 0
