"""``synergy-desk init``: create (or bring up to date) the database and the office's first
manager, and with --company the office's details."""

from __future__ import annotations

import argparse
import getpass
import sys

from synergy_desk.cli.common import Commands, UsageError, common_options, open_office

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands) -> None:
    """Add the ``init`` command to the command line's sub-parsers."""
    p = commands.add_parser(
        "init", parents=[common_options()],
        help="create the database and the office's first manager",
        description="Create (or bring up to date) the database and its first manager, and with "
                    "--company the office's details. The password is asked for twice, or read "
                    "from the first line of standard input when that is not a terminal.")
    p.add_argument("--manager", metavar="NAME", required=True,
                   help="the manager's user name (letters, digits, dots, dashes)")
    p.add_argument("--full-name", metavar="TEXT", help="the manager's full name (default: NAME)")
    p.add_argument("--company", metavar="TEXT",
                   help="the office's company name, as receipts show it (or set it later in "
                        "the window)")
    p.add_argument("--address", metavar="TEXT", default="",
                   help="the office's postal address (with --company)")
    p.add_argument("--vat-number", metavar="TEXT", default="",
                   help="the office's VAT registration number (with --company)")
    p.add_argument("--not-vat-registered", action="store_true",
                   help="the office is not VAT-registered: no VAT is charged and receipts say "
                        "so (with --company; by default an office is VAT-registered and issues "
                        "no receipt until its VAT number and address are set)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Create the office and its first manager; returns the exit status."""
    from synergy_desk.services.office import settings
    from synergy_desk.services.people import users

    if (args.address or args.vat_number or args.not_vat_registered) and not args.company:
        raise UsageError("--address, --vat-number and --not-vat-registered go with --company.")
    if args.vat_number and args.not_vat_registered:
        raise UsageError("an office that is not VAT-registered has no VAT number; give one of "
                         "--vat-number and --not-vat-registered.")
    info = open_office(args, create=True)
    if users.has_users():
        raise UsageError(f"{info.display} already has users; log in as a manager to add more.")
    password = _read_new_password(args.manager)
    full_name = args.full_name or args.manager
    if args.company:
        actor = settings.setup_office(
            company_name=args.company, address=args.address, vat_number=args.vat_number,
            manager_username=args.manager, manager_full_name=full_name, password=password,
            vat_registered=not args.not_vat_registered)
    else:
        actor = users.create_first_manager(args.manager, full_name, password)
    what = f"the office “{args.company}” and " if args.company else ""
    print(f"Created {what}the manager “{actor.username}” in {info.display}.")
    return 0


def _read_new_password(username: str) -> str:
    if sys.stdin is None:
        raise UsageError("no password given: standard input is closed.")
    if sys.stdin.isatty():
        try:
            first = getpass.getpass(f"Password for {username}: ")
            second = getpass.getpass("The same password again: ")
        except EOFError:
            raise UsageError("no password given; nothing was created.") from None
        if first != second:
            raise UsageError("the two passwords differ; nothing was created.")
        return first
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise UsageError("no password given on standard input (its first line is the "
                         "password).")
    return password
