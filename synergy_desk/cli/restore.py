"""``synergy-desk restore FILE``: replace the office database with a backup, after checking it.

Exit status 0 when done; 2 for bad input (a file that is not a usable backup, a database in
use, a restore not confirmed); 1 for anything else.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synergy_desk.cli.common import Commands, UsageError, common_options

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands) -> None:
    """Add the ``restore`` command to the command line's sub-parsers."""
    r = commands.add_parser(
        "restore", parents=[common_options()],
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
    r.set_defaults(handler=run)


def _confirm(question: str) -> bool:
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def run(args: argparse.Namespace) -> int:
    """Restore the backup; returns the exit status."""
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
