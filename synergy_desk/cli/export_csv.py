"""``synergy-desk export WHAT --out FILE``: customers, incidents or payments as a CSV file a
spreadsheet opens safely.

Exit status 0 when done; 2 for bad input (a wrong option, a user who may not do it); 1 when the
file cannot be written.
"""

from __future__ import annotations

import argparse

from synergy_desk.cli.common import (
    Commands,
    ProgressBar,
    UsageError,
    cannot_write,
    common_options,
    day_option,
    open_office,
    output_file,
    plural,
)

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands) -> None:
    """Add the ``export`` command to the command line's sub-parsers."""
    exp: argparse.ArgumentParser = commands.add_parser(
        "export", parents=[common_options()],
        help="export customers, incidents or payments to a CSV file",
        description="Write customers (with their primary contact), incidents or payments "
                    "(receipts, with refunds and the incidents paid for) to a CSV file for a "
                    "spreadsheet: UTF-8, money as 75.00, dates as 2027-03-12, and no cell "
                    "that a spreadsheet would run as a formula.")
    exp.add_argument("what", choices=["customers", "incidents", "payments"],
                     help="what to export")
    exp.add_argument("--out", metavar="FILE", required=True,
                     help="the CSV file to write (replaced if it exists)")
    exp.add_argument("--from", dest="start", metavar="DATE",
                     help="incidents opened or payments taken on or after this day "
                          "(default: from the first)")
    exp.add_argument("--to", dest="end", metavar="DATE",
                     help="... and on or before this day (default: to the last)")
    exp.add_argument("--user", metavar="NAME",
                     help="the user exporting, named in the audit log: a manager for "
                          "customers and payments, an engineer or manager for incidents "
                          "(default: the first active manager)")
    exp.epilog = "Dates: 2026-12-01, 01/12/2026, today or yesterday (the office's days)."
    exp.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the CSV file; returns the exit status (0, 1 or 2)."""
    from synergy_desk.services.common import ENGINEERS, MANAGERS
    from synergy_desk.services.data import csv_export
    from synergy_desk.services.people.users import command_actor

    if args.what == "customers" and (args.start or args.end):
        raise UsageError("--from and --to choose a period of incidents or payments; "
                         "customers are exported whole.")
    out = output_file(args.out, args.what + ".csv", "CSV file")
    if out is None:
        raise UsageError("give the CSV file's name to --out; the export is not written to "
                         "standard output.")
    open_office(args)
    # Read after opening: "today" is the office's today, in its time zone.
    args.start, args.end = day_option(args.start, "--from"), day_option(args.end, "--to")
    if args.start and args.end and args.end < args.start:
        raise UsageError(f"--to {args.end.isoformat()} is before --from "
                         f"{args.start.isoformat()}.")
    # The command acts as a user of the office, like the window: customers' personal details
    # and payments are managers' to export, and the export is audited under that user's name.
    allowed = ENGINEERS if args.what == "incidents" else MANAGERS
    actor = command_actor(args.user, allowed, f"export {args.what}")
    try:
        with ProgressBar() as bar:
            if args.what == "customers":
                result = csv_export.export_customers(actor, out, progress=bar)
            elif args.what == "incidents":
                result = csv_export.export_incidents(actor, out, start=args.start,
                                                     end=args.end, progress=bar)
            else:
                result = csv_export.export_payments(actor, out, args.start, args.end,
                                                    progress=bar)
    except OSError as exc:
        cannot_write(out, exc)
        return 1
    print(f"Wrote {plural(result.rows, args.what[:-1])} to {out}.")
    return 0
