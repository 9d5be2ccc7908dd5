"""The ``synergy-desk`` command line: opens the window, or runs one office-machine command.

Every command accepts ``--database URL`` before or after its name, calls the same services the
window does, and ends with exit status 0 (done), 2 (bad input: wrong arguments, a database that
cannot be used, a refusal from the services) or 1 (anything else), printing one line on
standard error and never a traceback; tracebacks go to the log file.

Adding a command: write ``synergy_desk/cli/NAME.py`` with ``add_parser(commands)``, which
builds its sub-parser (with ``parents=[common_options()]``) and sets ``handler=run``, and
``run(args) -> int``, which imports the services it needs inside the function (so starting
the window stays quick); then list the module in :data:`COMMANDS`. What commands share lives
in :mod:`synergy_desk.cli.common`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from synergy_desk import __version__
from synergy_desk.cli import (
    backup,
    call,
    check,
    copy_to,
    demo,
    export_csv,
    import_csv,
    init,
    receipt,
    report,
    restore,
)
from synergy_desk.cli.common import PROG, Parser, UsageError, common_options, error
from synergy_desk.domain.errors import DomainError

__all__ = ["main", "build_parser", "COMMANDS"]

log = logging.getLogger(__name__)

#: Every command, in the order ``--help`` lists them: each module has ``add_parser`` and
#: ``run``.
COMMANDS: tuple[ModuleType, ...] = (init, demo, check, receipt, backup, restore, copy_to,
                                    report, import_csv, export_csv, call)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: the program's options and every command's sub-parser."""
    parser = Parser(
        prog=PROG, parents=[common_options()],
        description="Synergy Desk: the help-desk of a software-support office. With no "
                    "command it opens the window.",
        epilog=f"Run {PROG} COMMAND --help for a command's options. --database and -v may "
               "come before or after the command. Exit status: 0 done; 2 bad input (wrong "
               "arguments, a database or file that cannot be used, a request refused), with "
               "nothing changed; 1 any other failure, or check finding problems. Errors are "
               "one line on standard error; the log file holds the details.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _open_window(args: argparse.Namespace) -> int:
    try:
        import synergy_desk.app as app
    except ModuleNotFoundError as exc:
        if exc.name != "synergy_desk.app":
            raise
        error("this build has no window; use one of the commands (see --help).")
        return 1
    return int(app.main(args))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    for stream in (sys.stdout, sys.stderr):
        # A console that cannot show a character gets a "?" rather than a crash.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = build_parser()
    # A tel: or callto: link alone is a call: Windows opens the program that way for a link.
    argv = call.link_as_command(list(sys.argv[1:] if argv is None else argv),
                                _command_names(parser))
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        error(str(exc))
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
        error(str(exc))
        return 2
    except DomainError as exc:
        log.info("refused: %s", exc)
        error(str(exc))
        return 2
    except KeyboardInterrupt:
        error("interrupted.")
        return 1
    except Exception as exc:
        log.exception("%s failed", args.command or "window")
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        error(f"{detail} (details in {log_file})")
        return 1
    finally:
        from synergy_desk.models.database import close_database

        close_database()
