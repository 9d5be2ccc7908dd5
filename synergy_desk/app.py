"""Starting the window.

Start-up, in order:
1. faulthandler, so a hard crash still leaves a stack in the log folder;
2. arguments (already parsed by :mod:`synergy_desk.cli`);
3. logging to a rotating file;
4. the model layer and the list's service, before Qt (see :func:`load_model_layer`);
   then the QApplication, and Python's cycle collector moved onto the window's thread (see
   :func:`collect_garbage_on_gui_thread`);
5. the crash hook: an unexpected exception becomes the crash dialog and a log entry, never a
   traceback on a console the user cannot see;
6. the database: brought up to date (schema changes an existing office is waiting for are
   made beside a dialog saying so: see :func:`bring_up_to_date`) and opened; a failure
   (cannot open, not a database, written by a newer version) is a plain dialog and exit
   code 2; a customer import whose desk stopped half-way is undone (with progress, and a
   message saying so);
7. first run on a new database (office details and the first manager, demo data if wanted);
8. login (the window listens for calls handed over by ``synergy-desk call`` from before the
   log-in, one listener per user session: see :mod:`synergy_desk.ui.single_instance`);
9. the main window, which pops up the caller the program was started for, if any; when the
   office is restored from a backup under it, the window says so and the desk goes back to 6
   (the restored office is opened, and the log-in asked again).
   Logging out or switching user (a shared reception computer) goes back to 8 only: the
   window closes its session and the next person's window opens on the same database.
"""

from __future__ import annotations

import argparse
import faulthandler
import gc
import logging
import os
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
_fault_file: Any = None


def _enable_faulthandler(log_dir: Path) -> None:
    global _fault_file
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        _fault_file = (log_dir / "crash.log").open("a", encoding="utf-8")
        faulthandler.enable(_fault_file)
    except OSError:
        faulthandler.enable()


def main(args: argparse.Namespace) -> int:
    """Run the window; returns the process exit code."""
    from synergy_desk.logging_setup import configure_logging

    log_path = configure_logging(verbose=bool(getattr(args, "verbose", False)))
    _enable_faulthandler(log_path.parent)
    load_model_layer()

    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("SynergyDesk")
    QCoreApplication.setApplicationName("Synergy Desk")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    from synergy_desk.ui.icons import install_application_resources

    install_application_resources(app)  # the application icon on every window
    collect_garbage_on_gui_thread(app)
    use_office_locale_if_none()

    from synergy_desk.ui.screen import keep_dialogs_on_screen

    keep_dialogs_on_screen(app)  # every dialog fits the screen it opens on

    from synergy_desk.ui import errors

    def hook(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
        errors.show_crash(QApplication.activeWindow(), exc_type, exc, tb)

    sys.excepthook = hook

    from synergy_desk.ui.prefs import Preferences

    prefs = Preferences(QSettings())
    from synergy_desk.ui import palette

    palette.use_appearance(prefs.appearance)  # the desktop's scheme, or light or dark
    url = getattr(args, "database", None)
    # Listening before the log-in: a second call meanwhile comes here, not to a second desk.
    _listen_for_calls(app, getattr(args, "call_number", None))
    window = start(prefs, database_url=url)
    if isinstance(window, int):
        return window
    window.show()
    _calls_go_to(window)
    code = int(app.exec())
    while code == errors.RETURN_TO_LOGIN:
        # The office was restored from a backup under this desk (the window said so): open
        # the restored office and log in again, as at start-up.
        window = _open_again(app, prefs, url)
        if isinstance(window, int):
            code = window
            break
        window.show()
        _calls_go_to(window)
        app.setQuitOnLastWindowClosed(True)
        code = int(app.exec())
    _exit_now(code)
    return code


def _listen_for_calls(app: Any, first_call: str | None) -> Any:
    """The window's end of ``synergy-desk call`` (one per user session); ``first_call`` is
    the number the program was started for, popped up once someone has logged in."""
    from synergy_desk.ui.single_instance import IncomingCalls

    calls = IncomingCalls(app)
    calls.setObjectName("incomingCalls")
    calls.listen()
    if first_call:
        calls.receive(first_call)
    return calls


def _calls_go_to(window: Any) -> None:
    """Numbers handed over from now on pop up in this main window."""
    from PySide6.QtWidgets import QApplication

    from synergy_desk.ui.single_instance import IncomingCalls

    app = QApplication.instance()
    calls = app.findChild(IncomingCalls, "incomingCalls") if app is not None else None
    if calls is not None:
        calls.window_opened(window)


def hand_over_call(number: str) -> bool:
    """Give an incoming number to the window open in this user's session; False when no
    window listens (the caller then starts one)."""
    from synergy_desk.ui.single_instance import hand_over_call as hand_over

    return hand_over(number)


def _open_again(app: Any, prefs: Any, url: str | None) -> Any:
    """Close the desk's windows and its database, then start again from opening the office:
    the new main window, or an exit code."""
    from synergy_desk.models.database import close_database
    from synergy_desk.ui import errors

    # Closing the last window would end the program, not return it to the log-in.
    app.setQuitOnLastWindowClosed(False)
    app.closeAllWindows()  # the window takes itself off the office's list of desks
    # The main window open now: the one started with, or the one a log-out or a switch of
    # user put in its place (the one replaced is deleted already).
    for widget in app.topLevelWidgets():
        if widget.objectName() == "mainWindow":
            widget.deleteLater()
    close_database()
    app.setProperty(errors.OFFICE_REPLACED_TOLD, False)
    return start(prefs, database_url=url)


def load_model_layer() -> None:
    """Import the tables, the database and the services the first screen reads, before Qt.

    Once PySide6 is imported, it reads the source of every module imported after it, to see
    whether that module asks for one of its optional Python features. These modules use no
    Qt: imported first, they are not read, and the start to the list's first rows takes 1.4 %
    fewer instructions (docs/speed.md). Opening the office and the log-in need most of them
    before the window anyway.
    """
    import synergy_desk.models.database  # noqa: F401
    import synergy_desk.services.incidents.incident_list  # noqa: F401
    import synergy_desk.services.office.activity  # noqa: F401
    import synergy_desk.services.office.desks  # noqa: F401


#: How often the window's thread collects reference cycles, in milliseconds.
GC_INTERVAL_MS = 30_000


def collect_garbage_on_gui_thread(app: Any) -> Any:
    """Collect reference cycles only on the window's thread, on a timer.

    Python collects cycles on whichever thread happens to allocate when a threshold is
    crossed: a background job (a receipt being drawn) could then free a dialog or a model
    caught in a cycle, and a Qt object destroyed off its own thread crashes the process.
    Automatic collection is turned off and a timer on the window's thread collects instead;
    the timer is returned (parented to ``app``) so that a test can fire it.
    """
    from PySide6.QtCore import QTimer

    gc.disable()
    timer = QTimer(app)
    timer.setObjectName("garbageCollector")
    timer.setInterval(GC_INTERVAL_MS)
    timer.timeout.connect(lambda: gc.collect())
    timer.start()
    return timer


def use_office_locale_if_none() -> None:
    """Dates as the desktop shows them; a machine with no locale set ("C") gets British ones,
    the office's own, rather than Qt's bare "1 12 2026"."""
    from PySide6.QtCore import QLocale

    from synergy_desk.ui import formatting

    if QLocale.system().name() == "C":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        formatting.clear_cache()


def _exit_now(code: int) -> None:
    """Leave once the window has closed, skipping the interpreter's final clean-up.

    Everything is saved by then (each service call commits on its own); the database is
    closed and the log flushed first. PySide6 on Python 3.11 can abort while the interpreter
    tears down Qt objects that are still alive, which would make a clean quit look like a
    crash.
    """
    from synergy_desk.models.database import close_database

    try:
        close_database()
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def start(prefs: Any, database_url: str | None) -> Any:
    """Open the database, run first-run and login; the main window, or an exit code."""
    from PySide6.QtWidgets import QMessageBox

    from synergy_desk.domain.errors import DatabaseError
    from synergy_desk.models.database import open_database, require_existing_office
    from synergy_desk.services.office import settings as settings_service
    from synergy_desk.services.people import users
    from synergy_desk.ui import formatting
    from synergy_desk.ui.dialogs.import_customers import undo_stopped_imports
    from synergy_desk.ui.dialogs.login import LoginDialog
    from synergy_desk.ui.operations import reporting_errors

    def cannot_open(exc: Exception) -> None:
        if not isinstance(exc, DatabaseError):
            log.error("Could not open the database", exc_info=exc)

    while True:
        url = database_url or prefs.database_url or None
        if url and not database_url and prefs.database_password_needed:
            # No credential store keeps the server's password: it is asked for each start.
            url = _ask_database_password(url)
            if url is None:
                return 0
        # A failure is a plain message, never a traceback.
        with reporting_errors(None, failure=cannot_open) as opening:
            # Only the first run, on this machine's own office file, creates a database (and
            # then asks for the office's details); a database named on the command line or in
            # the settings that is not there is said, not made empty.
            if url is not None:
                require_existing_office(url)
            bring_up_to_date(url)
            info = open_database(url)
        if opening.error is None:
            break
        message = (opening.error.message if isinstance(opening.error, DatabaseError)
                   else f"Cannot open the database: {opening.error}")
        # A database chosen in this desk's settings (not on the command line) can be changed
        # here, so a server that moved does not lock the desk out.
        if database_url or not prefs.database_url or not _choose_other_database(prefs, message):
            QMessageBox.critical(None, "Synergy Desk", message)
            return 2

    # An import whose desk stopped half-way is undone before anyone works with its customers.
    undo_stopped_imports(None)
    if not users.has_users():
        from synergy_desk.ui.dialogs.first_run import FirstRunDialog  # a new office only

        # What the service refuses is said in the dialog, which stays open to put it right.
        request = FirstRunDialog.ask(None, lambda office: settings_service.setup_office(
            company_name=office.company_name, address=office.address,
            vat_number=office.vat_number, manager_username=office.username,
            manager_full_name=office.full_name, password=office.password,
            vat_registered=office.vat_registered))
        if request is None:
            return 0
        if request.load_demo:
            _load_demo(request.username)
        prefs.last_user = request.username

    office = settings_service.get_settings()
    formatting.set_office_zone(office.timezone)
    actor = LoginDialog.ask(None, users.login, office.company_name, prefs.last_user,
                            info.display)
    if actor is None:
        return 0
    prefs.last_user = actor.username
    return open_window(actor, prefs, info, office.company_name)


def bring_up_to_date(url: str | None) -> None:
    """Make the schema changes an existing office is waiting for, with a dialog saying so.

    After an update the first start changes the office's tables, which on a large office
    takes minutes (a million incidents: several). The changes are made on a connection of
    their own in a thread while the window shows what is happening; the office is then
    opened as always. Anything wrong (no office there, not a database, a change that fails)
    is left to the opening, which says it plainly.
    """
    import threading

    import peewee

    from synergy_desk.domain.errors import DatabaseError
    from synergy_desk.models import database

    url = url or database.default_database_url()
    info = database.describe_url(url)
    if info.path is not None and (not info.path.is_file() or info.path.stat().st_size == 0):
        return  # a new office: made when it is opened, in a moment
    try:
        connection = database.make_database(url)
        connection.connect()
        try:
            waiting = bool(database.applied_migrations(connection)
                           and database.pending_migrations(connection))
        finally:
            connection.close()
    except (peewee.PeeweeException, DatabaseError, OSError):
        return
    if not waiting:
        return
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QProgressDialog

    def change() -> None:
        connection = database.make_database(url)
        try:
            connection.connect()
            database.migrate(connection, info.path)
        except (peewee.PeeweeException, DatabaseError, OSError) as exc:
            log.warning("Bringing the office up to date failed: %s", exc)
        finally:
            connection.close()

    progress = QProgressDialog(
        "Bringing the office's database up to date for this version of Synergy Desk.\n"
        "This is done once, after an update; on a large office it takes several minutes.\n"
        "Please wait, and leave the computer on.", "", 0, 0)
    progress.setObjectName("migrationProgress")
    progress.setWindowTitle("Synergy Desk")
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setMinimumDuration(0)
    progress.show()
    worker = threading.Thread(target=change, name="bring-up-to-date", daemon=True)
    worker.start()
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: None if worker.is_alive() else loop.quit())
    poll.start(50)
    loop.exec()
    poll.stop()
    progress.close()
    progress.deleteLater()


def open_window(actor: Any, prefs: Any, info: Any, office_name: str) -> Any:
    """The main window for a user on the open database; when its person logs out or
    switches user, the next person's window opens in its place (not shown yet)."""
    from synergy_desk.ui.main_window import MainWindow

    window = MainWindow(actor, prefs, info.display, office_name)
    window.attach_database(info)
    window.session_ended.connect(
        lambda next_actor: _next_session(window, prefs, info, office_name, next_actor))
    return window


def _next_session(old: Any, prefs: Any, info: Any, office_name: str, actor: Any) -> Any:
    """After a log-out (``actor`` None: the log-in is asked) or a switch of user: the old
    window is closed, the database stays open, and the next person's window is shown. The
    new window, or None when nobody logged in (the program then ends)."""
    from PySide6.QtWidgets import QApplication
    from shiboken6 import isValid

    from synergy_desk.services.people import users
    from synergy_desk.ui.dialogs.login import LoginDialog

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quit_when_closed = app.quitOnLastWindowClosed()
    # Closing the old window must not end the program while the log-in is asked.
    app.setQuitOnLastWindowClosed(False)
    try:
        if isValid(old):
            old.close()
            old.deleteLater()
        if actor is None:
            actor = LoginDialog.ask(None, users.login, office_name, "", info.display)
        if actor is None:
            _quit(app)
            return None
        prefs.last_user = actor.username
        window = open_window(actor, prefs, info, office_name)
        window.show()
        window.activateWindow()
        _calls_go_to(window)
        return window
    finally:
        app.setQuitOnLastWindowClosed(quit_when_closed)


def _quit(app: Any) -> None:
    """Nobody logged in after a log-out: the program ends, as if the log-in at start-up had
    been cancelled."""
    app.quit()


def _ask_database_password(url: str) -> str | None:
    """The saved address with the password the person types in, or None if they cancel."""
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from synergy_desk.models.database import postgres_parts

    parts = postgres_parts(url)
    password, ok = QInputDialog.getText(
        None, "Synergy Desk",
        f"Password for the office database {parts.display}\n(this computer has no password "
        "store to keep it in):", QLineEdit.EchoMode.Password)
    if not ok:
        return None
    return str(parts.url(password))


def _choose_other_database(prefs: Any, message: str) -> bool:
    """Offer to change the database this desk's settings name; True when a new one was chosen."""
    from PySide6.QtWidgets import QMessageBox

    from synergy_desk.ui.dialogs.database_settings import DatabaseSettingsDialog
    from synergy_desk.ui.worker import Background

    box = QMessageBox(QMessageBox.Icon.Warning, "Synergy Desk",
                      f"{message}\n\nThis desk's settings choose that database.")
    box.setObjectName("databaseUnavailable")
    change = box.addButton("&Choose another database…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not change:
        return False
    background = Background()
    choice = DatabaseSettingsDialog.ask(None, prefs.database_url, background)
    background.wait(3000)
    if choice is None:
        return False
    prefs.database_url = choice.url
    prefs.sync()
    return True


def _load_demo(manager_username: str) -> None:
    """Fill the new office with the small demo, with a progress dialog."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

    from synergy_desk.demo import generator
    from synergy_desk.ui.operations import reporting_errors

    progress = QProgressDialog("Loading demo data…", "", 0, 100)
    progress.setObjectName("demoProgress")
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setMinimumDuration(0)

    def step(done: int, total: int, stage: str) -> None:
        progress.setLabelText(f"Loading demo data: {stage}…")
        progress.setValue(int(100 * done / max(1, total)))
        QApplication.processEvents()

    def failed(exc: Exception) -> None:
        # The office works without demo data.
        log.error("Demo data failed", exc_info=exc)
        QMessageBox.warning(None, "Synergy Desk", f"The demo data could not be loaded: {exc}")

    try:
        with reporting_errors(None, failure=failed) as loading:
            summary = generator.generate_demo(progress=step)
    finally:
        progress.close()
    if loading.failed:
        return
    password = getattr(summary, "password", "")
    if password:
        QMessageBox.information(
            None, "Synergy Desk",
            "Demo data loaded. The demo users (reception, engineers, a manager) all have the "
            f"password “{password}”; you can also log in as {manager_username}.")
