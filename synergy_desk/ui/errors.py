"""The one place where service errors become a message dialog, and crashes a crash dialog.

The window reaches these through :mod:`synergy_desk.ui.operations`, or calls them as
``errors.show_error`` (looked up on this module, so that a test replaces them once).

A file the window reads or writes itself (an export, a logo, a CSV to import) that cannot be
read or written is not a bug: :func:`synergy_desk.services.data.files.file_problem` turns the
operating system's error into a refusal in plain words, shown like any other.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from synergy_desk.domain.errors import ConflictError, DomainError
from synergy_desk.models.database import is_lost_connection

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the user what went wrong; domain errors in plain words, a database that cannot be
    reached just now as that, anything else as a crash."""
    if is_lost_connection(exc):
        log.warning("The database could not be reached", exc_info=exc)
        box = QMessageBox(parent)
        box.setObjectName("connectionLostDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Database unavailable")
        detail = str(exc).strip().splitlines()
        box.setText("The office database could not be reached just now"
                    + (f" ({detail[0]})" if detail else "") + ". Try again in a moment; if "
                    "it goes on, check the network and the database server. Anything not "
                    "shown as saved was not saved.")
        box.exec()
        return
    if isinstance(exc, DomainError):
        box = QMessageBox(parent)
        box.setObjectName("errorDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(exc.title)
        box.setText(exc.message)
        if isinstance(exc, ConflictError) and exc.changes:
            lines = [f"{field.replace('_', ' ')}: yours “{mine}”, now “{theirs}”"
                     for field, (mine, theirs) in exc.changes.items()]
            box.setDetailedText("\n".join(lines))
        box.exec()
        return
    show_crash(parent, type(exc), exc, exc.__traceback__)


def show_crash(parent: QWidget | None, exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
    log.error("Unexpected error", exc_info=(exc_type, exc, tb))
    box = QMessageBox(parent)
    box.setObjectName("crashDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Something went wrong")
    box.setText("Synergy Desk met an unexpected problem. Nothing half-done was saved; the "
                "details are in the log file. You can carry on working.")
    box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
    box.exec()
