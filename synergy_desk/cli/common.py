"""What the commands share: the parser, --database, opening the office, one-line errors, files
to write, and a progress bar."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeAlias

if TYPE_CHECKING:
    from synergy_desk.models.database import DatabaseInfo

__all__ = ["PROG", "UsageError", "Parser", "Commands", "common_options", "error",
           "open_office", "office_must_exist", "count_arg", "plural", "day_option", "output_file", "write_output",
           "cannot_write", "ProgressBar"]

PROG = "synergy-desk"

log = logging.getLogger(__name__)


class UsageError(Exception):
    """The command line itself is wrong (exit status 2)."""


class Parser(argparse.ArgumentParser):
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


#: The sub-parsers every command module adds itself to (``add_parser(commands)``).
Commands: TypeAlias = "argparse._SubParsersAction[Parser]"


def common_options() -> Parser:
    """Options every command accepts after its name as well as before it."""
    common = Parser(add_help=False)
    # SUPPRESS: a sub-command's default must not overwrite a value given before its name.
    common.add_argument("--database", metavar="URL|FILE", default=argparse.SUPPRESS,
                        help="the office database: a SQLite file's path, sqlite:///FILE or "
                             "postgresql://USER:PASSWORD@HOST/NAME, with # / ? @ : %% in a "
                             "password written %%23 %%2F %%3F %%40 %%3A %%25 (default: the "
                             "SQLite file in your data folder)")
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="also print the log on standard error")
    return common


def error(message: str) -> None:
    """Print a one-line error on standard error, prefixed with the program's name (a
    database address in it without its password)."""
    from synergy_desk.logging_setup import redact_secrets

    one_line = " ".join(redact_secrets(message).split())
    print(f"{PROG}: error: {one_line}", file=sys.stderr)


def open_office(args: argparse.Namespace, *, create: bool = False) -> DatabaseInfo:
    """Open (and bring up to date) the office database the command was given.

    Only ``init`` passes ``create``: any other command on a missing or empty SQLite file is
    refused (exit status 2) and creates nothing. Temporary files that a killed command left
    beside the office or in its backups folder are removed.
    """
    from synergy_desk.models.database import open_database
    from synergy_desk.services.data.files import remove_stale_temporaries

    info = open_database(args.database, create=create)
    log.info("opened %s", info.display)
    if info.path is not None:
        folder = info.path.resolve().parent
        for stale in (remove_stale_temporaries(folder)
                      + remove_stale_temporaries(folder / "backups")):
            log.info("removed %s, left by a command that was stopped half-way", stale)
    from synergy_desk.services.data.csv_import import undo_stopped_imports

    # An import whose process was killed half-way is undone before anything else is done.
    for undone in undo_stopped_imports():
        print(f"{PROG}: {undone.sentence}", file=sys.stderr)
    return info


def office_must_exist(url: str) -> None:
    """Refuse a SQLite office file that is missing or empty, before anything is written.

    Raises:
        DatabaseError: naming the path (exit status 2).
    """
    from synergy_desk.models.database import require_existing_office

    require_existing_office(url)


def count_arg(text: str) -> int:
    """A whole number of things (1,000 and 1_000 allowed), for argparse."""
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def plural(count: int, noun: str) -> str:
    """ "1 row", "2 rows", "1,204 customers"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def day_option(text: str | None, option: str) -> dt.date | None:
    """A day given to --from or --to, read as the reports read it (the office's days)."""
    from synergy_desk.domain.errors import ValidationError
    from synergy_desk.services.reporting.reports import parse_day

    if text is None:
        return None
    try:
        return parse_day(text)
    except ValidationError as exc:
        raise UsageError(f"{option}: {exc.message}") from None


def output_file(text: str, example_name: str, what: str = "file") -> Path | None:
    """The file given to --out, checked before any work is done; None for ``-`` (standard
    output).

    Raises:
        UsageError: a folder, or a file in a folder that does not exist.
        ValidationError: a file that must not be written over (a database or its logs, a
            backup, a device, a pipe).
    """
    if text == "-":
        return None
    out = Path(text).expanduser()
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give the {what}'s name, e.g. {out / example_name}.")
    if not out.parent.is_dir():
        raise UsageError(f"There is no folder {out.parent} to save {out.name} in.")
    from synergy_desk.services.data.files import refuse_to_overwrite

    # Never over the office, its logs, a backup, a device or a pipe (exit status 2).
    refuse_to_overwrite(out)
    return out


def write_output(out: Path | None, payload: bytes) -> bool:
    """Write the bytes to the file (whole or not at all) or to standard output; says whether
    it was written, after printing the one-line error if not."""
    from synergy_desk.services.data.files import write_file_atomically

    if out is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return True
    try:
        write_file_atomically(out, payload)
    except OSError as exc:
        cannot_write(out, exc)
        return False
    return True


def cannot_write(out: Path, exc: OSError) -> None:
    """Say on standard error that the output file could not be written (exit status 1)."""
    error(f"could not write {out}: {exc.strerror or exc}.")


class ProgressBar:
    """A one-line progress bar on standard error, used as ``with ProgressBar() as bar:`` so
    its line is ended however the work ends.

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
        """End the bar's line (once), so what is printed next starts on a line of its own."""
        if self._tty and self._width:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._width = 0

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.finish()
