"""A desk in a process of its own, for tests that need several desks at once.

Run as ``python -m tests.ui.desk_process URL USER PASSWORD [HEARTBEAT_MS]``. It starts the
program's window through the program's own start-up (:func:`synergy_desk.app.main`), logs in
through the real log-in dialog, and then does what the lines on its standard input ask, on the
window's thread, through the window's own flows. It says what happened on its standard output,
one line each:

- ``ready`` once a main window is open (again after each log-in);
- ``login`` when the log-in dialog opens after the first (the desk went back to it): the
  ``login`` command logs in again;
- ``paid R-000012 9000 INCIDENT`` when a payment was taken (its receipt, gross pence and the
  incident it paid for), or ``refused WHY`` when it was not;
- ``claimed INCIDENT`` or ``refused WHY`` for a claim, ``done WHAT`` after other commands;
- ``shown CLASS MESSAGE`` whenever the one error display is asked to show something
  (``crash CLASS MESSAGE`` for the crash dialog); the real display shows it, and its message
  boxes are answered at once;
- ``closed CODE`` as the program ends.

Commands: ``pay CUSTOMER PRODUCT`` (log a call for a new incident and take its payment in cash
through the payment dialog), ``preview NUMBER`` (a receipt in the preview), ``claim INCIDENT``,
``refresh``, ``login``, ``quit``. ``HEARTBEAT_MS`` replaces how often the window beats.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QMessageBox
from shiboken6 import isValid

POLL_MS = 50
#: How long a desk whose test has gone may take to quit before it is ended.
QUIT_SECONDS = 20


def say(*words: object) -> None:
    text = " ".join(str(w) for w in words).replace("\n", " ")
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _previews() -> list[Any]:
    return [w for w in QApplication.topLevelWidgets()
            if w.objectName() == "pdfPreview" and w.isVisible()]


def _answer_message_boxes() -> None:
    """Press OK on the message box open now (the error display is modal)."""
    box = QApplication.activeModalWidget()
    if isinstance(box, QMessageBox):
        box.accept()
    else:
        QTimer.singleShot(POLL_MS, _answer_message_boxes)


class Driver(QObject):
    """Reads commands on a thread of its own and carries them out on the window's thread."""

    command = Signal(str)

    def __init__(self, username: str, password: str) -> None:
        super().__init__()
        self.username = username
        self.password = password
        self.window: Any = None
        self._logins = 0
        self._waiting_login: Any = None
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._on_poll)
        self._poll.start()
        self.command.connect(self._on_command)
        threading.Thread(target=self._read_commands, daemon=True).start()

    # -- getting in ---------------------------------------------------------------------------

    def _on_poll(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None and modal.objectName() == "loginDialog":
            if modal is self._waiting_login:
                return
            if self._logins == 0:
                self._log_in(modal)
            else:
                self._waiting_login = modal
                say("login")
            return
        for widget in QApplication.topLevelWidgets():
            if (widget.objectName() == "mainWindow" and widget.isVisible()
                    and widget is not self._open_window()):
                self.window = widget
                say("ready")
                return

    def _log_in(self, dialog: Any) -> None:
        self._logins += 1
        dialog.findChild(QLineEdit, "loginUser").setText(self.username)
        dialog.findChild(QLineEdit, "loginPassword").setText(self.password)
        dialog.accept()

    def _read_commands(self) -> None:
        for line in sys.stdin:
            if line.strip():
                self.command.emit(line.strip())
        # The test has gone: quit, and do not outlive it whatever is still open.
        self.command.emit("quit")
        time.sleep(QUIT_SECONDS)
        os._exit(3)

    # -- doing what is asked --------------------------------------------------------------------

    def _on_command(self, line: str) -> None:
        words = line.split()
        handler = getattr(self, f"do_{words[0]}", None)
        if handler is None:
            say("unknown", line)
            return
        handler(*words[1:])

    def _open_window(self) -> Any:
        window = self.window
        if window is None or not isValid(window) or not window.isVisible():
            return None
        return window

    def do_login(self) -> None:
        if self._waiting_login is None:
            say("refused", "no log-in is asked for")
            return
        dialog, self._waiting_login = self._waiting_login, None
        self._log_in(dialog)

    def do_pay(self, customer: str, product: str) -> None:
        from synergy_desk.services.incidents import intake
        from synergy_desk.ui.operations import call

        window = self._open_window()
        if window is None:
            say("refused", "no window is open")
            return
        ref = call(window, intake.log_call, window.actor, intake.LogCallInput(
            customer_id=int(customer), product_id=int(product), subject="Will not print",
            text="Rang about printing"))
        if ref is None:
            say("refused", "the call was not logged")
            return
        QTimer.singleShot(0, lambda: self._press_take_payment(ref.id))
        window._on_take_payment(int(customer), (ref.id,))

    def _press_take_payment(self, incident_id: int) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "paymentDialog":
            QTimer.singleShot(POLL_MS, lambda: self._press_take_payment(incident_id))
            return
        previews = set(_previews())
        dialog.accept()
        if dialog.result() == QDialog.DialogCode.Accepted and dialog.value is not None:
            paid = f"paid {dialog.value.number} {dialog.value.gross_pence} {incident_id}"
            self._when_receipt_shown(previews, paid)
            return
        message = dialog.findChild(QLabel, "paymentMessage")
        say("refused", message.text() if message is not None else "")
        dialog.reject()

    def _when_receipt_shown(self, before: set[Any], text: str, tries: int = 400) -> None:
        """Say ``text`` once the receipt's preview is open (it is drawn on another thread)."""
        if set(_previews()) - before or not tries:
            say(text)
            return
        QTimer.singleShot(POLL_MS, lambda: self._when_receipt_shown(before, text, tries - 1))

    def do_preview(self, number: str) -> None:
        from synergy_desk.ui import receipts

        window = self._open_window()
        if window is not None:
            receipts.show_receipt(window, window.background, number, copy=True)
        say("done", "preview")

    def do_claim(self, incident: str) -> None:
        from synergy_desk.services.incidents import work
        from synergy_desk.ui.operations import call

        window = self._open_window()
        if window is None:
            say("refused", "no window is open")
            return
        if call(window, work.claim, window.actor, int(incident)) is None:
            say("refused", "not claimed")
        else:
            say("claimed", incident)

    def do_refresh(self) -> None:
        window = self._open_window()
        if window is not None:
            window.refresh()
        say("done", "refresh")

    def do_quit(self) -> None:
        window = self._open_window()
        if window is not None:
            window.close()
        elif self._waiting_login is not None:
            self._waiting_login.reject()


def _report_errors() -> None:
    """Say every error the window shows, then let the real display show it (answered)."""
    from synergy_desk.ui import errors

    shown, crashed = errors.show_error, errors.show_crash

    def show_error(parent: Any, exc: BaseException) -> None:
        say("shown", type(exc).__name__, str(exc))
        QTimer.singleShot(0, _answer_message_boxes)
        shown(parent, exc)

    def show_crash(parent: Any, exc_type: Any, exc: BaseException, tb: Any) -> None:
        say("crash", exc_type.__name__, str(exc))
        QTimer.singleShot(0, _answer_message_boxes)
        crashed(parent, exc_type, exc, tb)

    errors.show_error = show_error
    errors.show_crash = show_crash


def main() -> None:
    url, username, password = sys.argv[1:4]
    QApplication(sys.argv[:1])
    if len(sys.argv) > 4:
        from synergy_desk.ui import main_window

        main_window.HEARTBEAT_MS = int(sys.argv[4])
    driver = Driver(username, password)
    _report_errors()
    from synergy_desk import app as desk

    def exit_now(code: int, original: Any = desk._exit_now) -> None:
        say("closed", code)
        original(code)

    desk._exit_now = exit_now
    code = desk.main(argparse.Namespace(database=url, verbose=False))
    # The log-in was cancelled: main returned without ending the process. It ends as the
    # program does, without the interpreter's clean-up of Qt objects still alive.
    say("closed", code)
    del driver
    os._exit(int(code))


if __name__ == "__main__":
    main()
