"""``synergy-desk check``: the database itself, the money rows and the audit log for
tampering, the audited records against the log, the numbers for gaps; exit status 1 when
anything is wrong."""

from __future__ import annotations

import argparse
import logging
import sys

from synergy_desk.cli.common import Commands, common_options, open_office, plural

__all__ = ["add_parser", "run"]

log = logging.getLogger(__name__)


def add_parser(commands: Commands) -> None:
    """Add the ``check`` command to the command line's sub-parsers."""
    p = commands.add_parser(
        "check", parents=[common_options()],
        help="check the database, the money rows and audit log for tampering and the "
             "numbers for gaps",
        description="Check the database itself (SQLite: PRAGMA integrity_check and every "
                    "reference; PostgreSQL: every table readable), that every receipt has its "
                    "lines and every funded incident a funding record that exists and was not "
                    "refunded, recompute the hash chain of every payment, credit note, "
                    "season-ticket ledger row and audit row, check that receipt, credit-note "
                    "and incident numbers run 1..N with no gap or repeat, and compare users, "
                    "season tickets, waivers, contracts and the office's settings with the "
                    "last image the audit log holds of each. Exit status 1 if anything is "
                    "wrong.")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the office; returns 0 when all is well, 1 when problems were found."""
    from synergy_desk.services.common import read_snapshot
    from synergy_desk.services.reporting import integrity

    info = open_office(args)
    # One moment of the office: a desk saving a payment meanwhile is not half seen.
    with read_snapshot():
        problems = integrity.check_office()
    for problem in problems:
        print(problem)
    if problems:
        log.warning("check of %s found %d problem(s)", info.display, len(problems))
        print(f"{plural(len(problems), 'problem')} found in "
              f"{info.display} (listed on standard output); nothing was changed.",
              file=sys.stderr)
        return 1
    print(f"No problems found in {info.display}: the database is whole, the money rows and "
          "the audit log are as the program wrote them and the numbers have no gaps.")
    return 0
