"""The ``synergy-desk`` command line: opens the window, or runs one office-machine command.

Every command accepts ``--database URL`` before or after its name, calls the same services the
window does, and ends with exit status 0 (done), 2 (bad input: wrong arguments, a database that
cannot be used, a refusal from the services) or 1 (anything else), printing one line on
standard error and never a traceback; tracebacks go to the log file.

Adding a command: write ``_add_NAME(commands)`` that builds its sub-parser (with
``parents=[_common_options()]``) and sets ``handler=_run_NAME``, write ``_run_NAME(args) -> int``
that imports the services it needs inside the function (so starting the window stays quick),
and list ``_add_NAME`` in ``COMMANDS``; a larger command lives in ``synergy_desk/cli_NAME.py``
with ``add_parser(subparsers)`` and is listed as ``_from_module("synergy_desk.cli_NAME")``.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from synergy_desk import __version__
from synergy_desk.domain.errors import DomainError

if TYPE_CHECKING:
    from synergy_desk.models.database import DatabaseInfo

PROG = "synergy-desk"

log = logging.getLogger(__name__)


class UsageError(Exception):
    """The command line itself is wrong (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and an exception, not an exit."""

    def error(self, message: str) -> NoReturn:
        # self.prog is "synergy-desk backup" for a command: point at that command's own help.
        raise UsageError(f"{message} (see {self.prog} --help)")

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            # argparse finds them only at the top; point at the command's own help.
            command = getattr(parsed, "command", None)
            prog = f"{self.prog} {command}" if command else self.prog
            raise UsageError(f"unrecognized arguments: {' '.join(extras)} (see {prog} --help)")
        return parsed


def _common_options() -> _Parser:
    """Options every command accepts after its name as well as before it."""
    common = _Parser(add_help=False)
    # SUPPRESS: a sub-command's default must not overwrite a value given before its name.
    common.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                        help="the office database: sqlite:///FILE or "
                             "postgresql://USER:PASSWORD@HOST/NAME (default: the SQLite file "
                             "in your data folder)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="also print the log on standard error")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG, parents=[_common_options()],
        description="Synergy Desk: the help-desk of a software-support office. With no "
                    "command it opens the window.",
        epilog=f"Run {PROG} COMMAND --help for a command's options. --database and -v may "
               "come before or after the command. Exit status: 0 done; 2 bad input (wrong "
               "arguments, a database or file that cannot be used, a request refused), with "
               "nothing changed; 1 any other failure, or check finding problems. Errors are "
               "one line on standard error; the log file holds the details.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for add in COMMANDS:
        add(commands)
    return parser


# --- init ---

def _add_init(commands: argparse._SubParsersAction[_Parser]) -> None:
    p = commands.add_parser(
        "init", parents=[_common_options()],
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
    p.set_defaults(handler=_run_init)


def _run_init(args: argparse.Namespace) -> int:
    from synergy_desk.services.office import settings
    from synergy_desk.services.people import users

    if (args.address or args.vat_number) and not args.company:
        raise UsageError("--address and --vat-number go with --company.")
    info = _open(args)
    if users.has_users():
        raise UsageError(f"{info.display} already has users; log in as a manager to add more.")
    password = _read_new_password(args.manager)
    full_name = args.full_name or args.manager
    if args.company:
        actor = settings.setup_office(
            company_name=args.company, address=args.address, vat_number=args.vat_number,
            manager_username=args.manager, manager_full_name=full_name, password=password)
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


# --- check ---

def _add_check(commands: argparse._SubParsersAction[_Parser]) -> None:
    p = commands.add_parser(
        "check", parents=[_common_options()],
        help="check the database, the money rows for tampering and the numbers for gaps",
        description="Check the database itself (SQLite: PRAGMA integrity_check and every "
                    "reference; PostgreSQL: every table readable), that every receipt has its "
                    "lines and every funded incident a funding record that exists, recompute "
                    "the hash chain of every payment, credit note and season-ticket ledger "
                    "row, and check that receipt, credit-note and incident numbers run 1..N "
                    "with no gap or repeat. Exit status 1 if anything is wrong.")
    p.set_defaults(handler=_run_check)


def _run_check(args: argparse.Namespace) -> int:
    from synergy_desk.services.common import read_snapshot
    from synergy_desk.services.reporting import integrity

    info = _open(args)
    # One moment of the office: a desk saving a payment meanwhile is not half seen.
    with read_snapshot():
        problems = integrity.check_office()
    for problem in problems:
        print(problem)
    if problems:
        log.warning("check of %s found %d problem(s)", info.display, len(problems))
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found in "
              f"{info.display} (listed on standard output); nothing was changed.",
              file=sys.stderr)
        return 1
    print(f"No problems found in {info.display}: the database is whole, the money rows are as "
          "the program wrote them and the numbers have no gaps.")
    return 0


# --- demo ---

def _add_demo(commands: argparse._SubParsersAction[_Parser]) -> None:
    p = commands.add_parser(
        "demo", parents=[_common_options()],
        help="fill an empty office database with realistic demo data",
        description="Fill a new (or just initialised) office database with realistic "
                    "customers, contacts, incidents, calls, payments, season tickets and "
                    "contracts. By default a small office in a few seconds; --incidents and "
                    "--customers make it as big as you like (1,000,000 incidents take a few "
                    "minutes). Every demo user's password is printed at the end.")
    p.add_argument("--customers", metavar="N", type=_count_arg, default=None,
                   help="how many customers (default 60, or one per ten incidents)")
    p.add_argument("--incidents", metavar="N", type=_count_arg, default=None,
                   help="how many incidents (default 250)")
    p.add_argument("--timeline", metavar="N", type=_count_arg, default=3,
                   help="timeline entries per incident (default 3)")
    p.add_argument("--seed", metavar="N", type=int, default=1,
                   help="the random seed: the same seed gives the same office (default 1)")
    p.set_defaults(handler=_run_demo)


def _count_arg(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


class _ProgressBar:
    """A one-line progress bar on standard error.

    When standard error is not a terminal (a log, a scheduled task) it writes a line as each
    stage ends, and for a long stage (:data:`LONG_STAGE` items or more) one a tenth as well,
    so a small job leaves a few lines rather than a screenful.
    """

    #: A stage of this many items or more is reported every tenth when not on a terminal.
    LONG_STAGE = 10_000

    def __init__(self) -> None:
        self._tty = sys.stderr.isatty()
        self._width = 0
        self._printed: tuple[str, int] | None = None
        self._start = time.monotonic()

    def __call__(self, done: int, total: int, stage: str) -> None:
        fraction = min(1.0, done / total) if total else 1.0
        filled = int(30 * fraction)
        line = (f"[{'#' * filled}{'.' * (30 - filled)}] {fraction * 100:5.1f}%  {stage} "
                f"{done:,}/{total:,}  {time.monotonic() - self._start:5.0f} s")
        if self._tty:
            sys.stderr.write("\r" + line.ljust(self._width))
            sys.stderr.flush()
            self._width = max(self._width, len(line))
            return
        tenth = int(fraction * 10)
        if tenth < 10 and (total < self.LONG_STAGE or tenth == 0):
            return
        key = (stage, tenth)
        if key != self._printed:
            self._printed = key
            print(line, file=sys.stderr)

    def finish(self) -> None:
        if self._tty and self._width:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _run_demo(args: argparse.Namespace) -> int:
    from synergy_desk.demo import generator

    incidents = generator.SMALL_INCIDENTS if args.incidents is None else args.incidents
    if args.customers is not None:
        customers = args.customers
    elif args.incidents is None:
        customers = generator.SMALL_CUSTOMERS
    else:
        customers = max(1, incidents // 10)
    info = _open(args)
    bar = _ProgressBar()
    try:
        summary = generator.generate_demo(customers=customers, incidents=incidents,
                                     timeline_per_incident=args.timeline, seed=args.seed,
                                     progress=bar)
    finally:
        bar.finish()
    print(f"Filled {info.display} in {summary.seconds:.1f} s: {summary.customers:,} customers, "
          f"{summary.incidents:,} incidents, {summary.timeline_entries:,} timeline entries, "
          f"{summary.payments:,} payments.")
    if summary.users:
        names = ", ".join(f"{u.username} ({u.role.value})" for u in summary.users)
        print(f"Demo users: {names}; each has the password “{summary.password}”.")
    return 0


def _from_module(name: str) -> Callable[[argparse._SubParsersAction[_Parser]], None]:
    """A command kept in a module of its own (``synergy_desk.cli_NAME``) with ``add_parser``."""

    def add(commands: argparse._SubParsersAction[_Parser]) -> None:
        import importlib

        importlib.import_module(name).add_parser(commands)

    return add


#: Every command, in the order ``--help`` lists them. A command in a module of its own is
#: listed by that module's name; the module has ``add_parser(subparsers)``, which sets the
#: handler, and imports the services it needs inside the handler.
COMMANDS: list[Callable[[argparse._SubParsersAction[_Parser]], None]] = [
    _add_init,
    _add_demo,
    _add_check,
    _from_module("synergy_desk.cli_receipt"),
    _from_module("synergy_desk.cli_backup"),
    _from_module("synergy_desk.cli_copy"),
    _from_module("synergy_desk.cli_report"),
    _from_module("synergy_desk.cli_csv"),
]


# --- running ---

def _open(args: argparse.Namespace) -> DatabaseInfo:
    from synergy_desk.models.database import open_database

    info = open_database(args.database)
    log.info("opened %s", info.display)
    return info


def _open_window(args: argparse.Namespace) -> int:
    try:
        import synergy_desk.app as app
    except ModuleNotFoundError as exc:
        if exc.name != "synergy_desk.app":
            raise
        _error("this build has no window; use one of the commands (see --help).")
        return 1
    return int(app.main(args))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    for stream in (sys.stdout, sys.stderr):
        # A console that cannot show a character gets a "?" rather than a crash.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        _error(str(exc))
        return 2
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else 0
    # None: not given. Commands then use the default SQLite file; the window may prefer the
    # database chosen in its settings dialog.
    args.database = getattr(args, "database", None)
    args.verbose = getattr(args, "verbose", False)

    from synergy_desk.logging_setup import configure_logging

    log_file = configure_logging(verbose=args.verbose)
    log.info("%s %s: %s", PROG, __version__, args.command or "window")
    handler: Callable[[argparse.Namespace], int] = getattr(args, "handler", _open_window)
    try:
        return handler(args)
    except UsageError as exc:
        _error(str(exc))
        return 2
    except DomainError as exc:
        log.info("refused: %s", exc)
        _error(str(exc))
        return 2
    except KeyboardInterrupt:
        _error("interrupted.")
        return 1
    except Exception as exc:
        log.exception("%s failed", args.command or "window")
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        _error(f"{detail} (details in {log_file})")
        return 1
    finally:
        from synergy_desk.models.database import close_database

        close_database()


def _error(message: str) -> None:
    one_line = " ".join(message.split())
    print(f"{PROG}: error: {one_line}", file=sys.stderr)
