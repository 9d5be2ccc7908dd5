"""The program's log: a rotating file in the user's log folder, shared by the window and the CLI."""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from logging.handlers import RotatingFileHandler
from pathlib import Path

APP_NAME = "SynergyDesk"
LOG_FILE_NAME = "synergy-desk.log"
#: Names a folder to write the log to instead of the user's log folder (tests, locked-down PCs).
LOG_DIR_ENV = "SYNERGY_DESK_LOG_DIR"
MAX_BYTES = 2_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"

#: An address's password: what lies between "KIND://USER:" and the last "@" before a space.
_PASSWORD_IN_ADDRESS = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)\S*(?=@)")


def redact_secrets(text: str) -> str:
    """The text with the password of every database address in it replaced by ***
    (postgresql://mary:SECRET@host/office becomes postgresql://mary:***@host/office)."""
    return _PASSWORD_IN_ADDRESS.sub(r"\1***", text)


class RedactingFormatter(logging.Formatter):
    """A formatter that never writes a database password: the message, the traceback and any
    exception's text all pass through :func:`redact_secrets`."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_secrets(super().format(record))


def default_log_dir() -> Path:
    """The folder the log goes to: $SYNERGY_DESK_LOG_DIR, else the platform's user log folder."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def configure_logging(verbose: bool = False, log_dir: Path | None = None) -> Path:
    """Send the program's log to a rotating file and return the file's path.

    Safe to call more than once (the command line calls it, then the window may): the file
    handler is installed only once. If the log folder cannot be created the log goes to the
    system's temporary folder instead, so a read-only profile never stops the program.

    Args:
        verbose: also echo INFO and above to standard error.
        log_dir: the folder for the log file; by default :func:`default_log_dir`.
    """
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    # Peewee logs every statement with its parameters at DEBUG; those include password hashes.
    logging.getLogger("peewee").setLevel(logging.INFO)

    path = _existing_file_handler_path(root)
    if path is None:
        handler, path = _file_handler(log_dir or default_log_dir())
        handler.setFormatter(RedactingFormatter(FORMAT))
        handler.set_name("synergy-desk-file")
        root.addHandler(handler)

    if verbose and not any(h.get_name() == "synergy-desk-stderr" for h in root.handlers):
        echo = logging.StreamHandler(sys.stderr)
        echo.setLevel(logging.INFO)
        echo.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
        echo.set_name("synergy-desk-stderr")
        root.addHandler(echo)
    return path


def _existing_file_handler_path(root: logging.Logger) -> Path | None:
    for handler in root.handlers:
        if handler.get_name() == "synergy-desk-file":
            if isinstance(handler, RotatingFileHandler):
                return Path(handler.baseFilename)
            return Path(os.devnull)
    return None


def _file_handler(folder: Path) -> tuple[logging.Handler, Path]:
    for candidate in (folder, Path(tempfile.gettempdir()) / "synergy-desk-log"):
        path = candidate / LOG_FILE_NAME
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            # Opened now, not on the first record, so an unwritable file is found here.
            return RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                       encoding="utf-8"), path
        except OSError:
            continue
    # Neither folder is writable: keep running with nothing logged rather than fail to start.
    return logging.NullHandler(), Path(os.devnull)
