"""``synergy-desk restore FILE``: replace the office database with a backup, after checking it.

Exit status 0 when done; 2 for bad input (a file that is not a usable backup, a database in
use by desks that were not to be disconnected, a restore not confirmed); 1 for anything else.
What the restored office lacks (receipts and credit notes taken since the backup) is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synergy_desk.cli.common import Commands, UsageError, common_options, plural

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands) -> None:
    """Add the ``restore`` command to the command line's sub-parsers."""
    r = commands.add_parser(
        "restore", parents=[common_options()],
        help="replace the office database with a backup",
        description="Replace the office database (--database) with a backup made by the "
                    "backup command: a .sqlite3 backup into a SQLite office, a .dump into a "
                    "PostgreSQL one. The backup is checked first, as the check command "
                    "checks an office (hash chains, audit log, numbering); one that fails is "
                    "refused, naming what was found, unless --accept-tampered is given. The "
                    "restore is refused while any desk is open on the office (each open "
                    "window says so every few seconds; the refusal names them) or another "
                    "program has it open, unless --disconnect is given. The current database "
                    "is kept aside (NAME.before-restore-DATE-TIME.bak beside a SQLite file, a "
                    ".dump in the backups folder for PostgreSQL) before it is replaced, and "
                    "the receipts and credit notes it has that the backup lacks are listed. "
                    "Asks for confirmation unless --yes is given.")
    r.add_argument("file", metavar="FILE", help="the backup file to restore")
    r.add_argument("--yes", action="store_true",
                   help="do not ask for confirmation (required when standard input is not a "
                        "terminal)")
    r.add_argument("--disconnect", action="store_true",
                   help="restore even while desks are open: on PostgreSQL their sessions are "
                        "ended; on either database each desk that was open is refused at its "
                        "next change, told the office was restored, and saves nothing more "
                        "until it is opened again")
    r.add_argument("--accept-tampered", action="store_true",
                   help="restore a backup even though the tamper, audit-log and numbering "
                        "checks find problems in it (they are named; without this the "
                        "backup is refused)")
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
    from synergy_desk.services.office import desks

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
                                     checked=checked, accept_tampered=args.accept_tampered)
    kept = f" The previous database is kept as {result.previous}." if result.previous else ""
    print(f"Restored {result.target} from {source} ({sum(result.counts.values()):,} rows, "
          f"{result.seconds:.1f} s).{kept}")
    if result.disconnected:
        print(f"Open when the office was restored, and told so at their next change: "
              f"{desks.desks_sentence(result.disconnected)}.")
    if result.missing:
        count = len(result.missing)
        receipts = sum(1 for item in result.missing if item.kind == "receipt")
        what = " and ".join(plural(n, noun) for n, noun in
                            ((receipts, "receipt"), (count - receipts, "credit note")) if n)
        print(f"{what} of the office {'is' if count == 1 else 'are'} not in the backup, so "
              f"the restored office does not have {'it' if count == 1 else 'them'}"
              + (f" (kept in {result.previous})" if result.previous else "") + ":")
        for item in result.missing:
            print(f"  {item.text()}")
    return 0
