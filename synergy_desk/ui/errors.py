"""The one place where service errors become a message dialog, and crashes a crash dialog.

The window reaches these through :mod:`synergy_desk.ui.operations`, or calls them as
``errors.show_error`` (looked up on this module, so that a test replaces them once).

An office restored from a backup while the desk was open (:class:`OfficeReplaced`) is said
once, and the desk goes back to the log-in (the event loop ends with :data:`RETURN_TO_LOGIN`;
``app.main`` opens the office again): nothing more is written by the window that was open.

A file the window reads or writes itself (an export, a logo, a CSV to import) that cannot be
read or written is not a bug: :func:`synergy_desk.services.data.files.file_problem` turns the
operating system's error into a refusal in plain words, shown like any other.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from synergy_desk.domain.errors import ConflictError, DomainError, OfficeReplaced
from synergy_desk.models.database import is_lost_connection

log = logging.getLogger(__name__)

#: What the window's event loop returns when the desk goes back to the log-in because its
#: office was replaced (any code the program does not otherwise exit with).
RETURN_TO_LOGIN = 75
#: The application's property that says the desk has been told its office was replaced.
OFFICE_REPLACED_TOLD = "officeReplacedTold"


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the user what went wrong; domain errors in plain words, a database that cannot be
    reached just now as that, anything else as a crash."""
    if isinstance(exc, OfficeReplaced):
        office_replaced(parent, exc)
        return
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


def office_replaced(parent: QWidget | None, exc: OfficeReplaced) -> None:
    """Say once that the office was restored under this desk, then end the window's event
    loop with :data:`RETURN_TO_LOGIN`: the desk opens the office again and asks for the
    log-in. Whatever else finds the office replaced meanwhile is not said again."""
    app = QApplication.instance()
    if app is None or app.property(OFFICE_REPLACED_TOLD):
        log.info("Again: %s", exc.message)
        return
    app.setProperty(OFFICE_REPLACED_TOLD, True)
    log.warning("The office database was replaced under this desk: %s", exc.message)
    box = QMessageBox(parent)
    box.setObjectName("officeReplacedDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(exc.title)
    box.setText(f"{exc.message}\n\nSynergy Desk now returns to the log-in, where the restored "
                "office opens.")
    box.exec()
    return_to_login()


def return_to_login() -> None:
    """End the window's event loop with :data:`RETURN_TO_LOGIN` (and every dialog's on the
    way): ``app.main`` then opens the office again and asks for the log-in."""
    QApplication.exit(RETURN_TO_LOGIN)


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
