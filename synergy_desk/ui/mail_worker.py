"""The desk's mail in the background: reading the support mailbox and sending the outbox.

Once someone has logged in, the desk takes turns on a helper thread of its own: it asks for
the mailbox's lease (one desk reads the mailbox at a time; another takes over when it goes
away), and while it holds it reads what is new and then waits for more (IMAP IDLE where the
server has it); every turn it also sends what is due in the outbox. A reply just written is
sent at once (:meth:`MailWorker.send_now`). The worker stops when the desk logs out, switches
user, closes or finds its office replaced (a locked desk goes on reading and sending): it lets
go of the lease and its helper thread ends.

Nothing it meets is shown as a dialog: what went wrong is said in plain words on
:attr:`MailWorker.problem` (the status bar) and written to the log, and the next turn tries
again. :attr:`MailWorker.changed` says that mail was stored or sent, so the counts, the
incident shown and the views of mail refresh.
"""

from __future__ import annotations

import getpass
import html
import logging
import os
import socket
import threading
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QWidget
from shiboken6 import isValid

from synergy_desk.domain.errors import DomainError, OfficeReplaced
from synergy_desk.models.database import is_lost_connection
from synergy_desk.ui import palette
from synergy_desk.ui.operations import reporting_errors
from synergy_desk.ui.worker import Background

__all__ = ["MailWorker", "MailTurn", "MailStatusLabel", "WindowKeys", "desk_holder", "read_mail_counts",
           "plain_problem", "WAIT_SECONDS", "RETRY_SECONDS"]

log = logging.getLogger(__name__)

#: How long the desk holding the mailbox waits for new mail before it looks again (and sends
#: what is due in the outbox).
WAIT_SECONDS = 30.0
#: How long a desk that does not hold the mailbox, or met a problem, waits before trying again.
RETRY_SECONDS = 30.0


def desk_holder(username: str = "") -> str:
    """This desk's name on the mailbox's lease: the computer, the person and the process."""
    who = username or getpass.getuser()
    return f"{socket.gethostname()}/{who}/{os.getpid()}"[:200]


@dataclass(frozen=True)
class MailTurn:
    """What one turn did: messages stored and sent, and whether this desk reads the mailbox."""

    stored: int
    sent: int
    failed: int
    holding: bool
    problems: tuple[str, ...] = ()


def plain_problem(exc: BaseException) -> str:
    """An error as the status bar says it: the service's own words, or what was being done."""
    if isinstance(exc, DomainError):
        return exc.message
    if is_lost_connection(exc):
        return "The office database could not be reached; mail waits until it can."
    return "The mail could not be read or sent just now; the details are in the log."


class MailWorker(QObject):
    """Reads the support mailbox and sends the outbox on a helper thread of its own."""

    #: Mail was stored or sent: what shows it should be read again.
    changed = Signal()
    #: A problem in plain words ("" once a turn has gone well again).
    problem = Signal(str)
    #: The worker has stopped (logged out, closed, or the office was replaced).
    stopped = Signal()

    def __init__(self, holder: str, parent: QObject | None = None, *,
                 wait_seconds: float = WAIT_SECONDS,
                 retry_seconds: float = RETRY_SECONDS) -> None:
        super().__init__(parent)
        self.holder = holder
        self.wait_seconds = wait_seconds
        self.retry_seconds = retry_seconds
        # One thread: the mailbox's connection is used by one turn at a time.
        self._background = Background(self, max_threads=1)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._fetcher: Any = None
        self._fetcher_settings: Any = None
        self._running = False
        self._holding = False
        self.last_problem = ""

    # -- the GUI thread's side --------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._running

    @property
    def holding(self) -> bool:
        """Whether this desk read the mailbox in its last turn."""
        return self._holding

    def start(self) -> None:
        """Begin taking turns (a second call does nothing)."""
        if self._running:
            return
        self._running = True
        self._stop.clear()
        self._turn()

    def send_now(self) -> None:
        """Send what is due at once (a reply was just written), not at the next turn."""
        self._wake.set()

    def stop(self, wait_ms: int = 15_000) -> bool:
        """Stop: end the wait, let the turn under way finish, let go of the mailbox's lease
        and close its connection. True when the helper thread has ended."""
        if not self._running:
            return self._background.wait(wait_ms)
        self._running = False
        self._stop.set()
        self._wake.set()
        ended = self._background.wait(wait_ms)
        if not ended:
            log.warning("The mail worker's turn did not end within %d ms", wait_ms)
        fetcher, self._fetcher = self._fetcher, None
        if fetcher is not None:
            def not_released(exc: Exception) -> None:
                log.warning("The mailbox's lease was not let go (it runs out by itself): %s",
                            exc)

            with reporting_errors(None, failure=not_released):
                fetcher.release()
            with reporting_errors(None, failure=not_released):
                fetcher.close()
        self._holding = False
        self.stopped.emit()
        return ended

    def _turn(self) -> None:
        if not self._running:
            return
        self._background.run(self._work, self._turn_done, self._turn_failed)

    def _turn_done(self, turn: object) -> None:
        if not self._running or not isValid(self):
            return  # stopped meanwhile: nobody to tell
        assert isinstance(turn, MailTurn)
        self._holding = turn.holding
        text = " ".join(turn.problems)
        if text != self.last_problem:
            self.last_problem = text
            self.problem.emit(text)
        if turn.stored or turn.sent or turn.failed:
            self.changed.emit()
        self._wait(turn.holding)

    def _turn_failed(self, exc: BaseException) -> None:
        if not self._running or not isValid(self):
            log.info("A turn of the mail worker ended after it stopped: %s", exc)
            return
        if isinstance(exc, OfficeReplaced):
            # The office this desk read mail for is gone: nothing more is read or sent.
            log.warning("The mail worker stops: %s", exc.message)
            self.last_problem = exc.message
            self.problem.emit(exc.message)
            QTimer.singleShot(0, self.stop)
            return
        log.warning("A turn of the mail worker failed", exc_info=exc)
        text = plain_problem(exc)
        self.last_problem = text
        self.problem.emit(text)
        self._wait(False)

    def _wait(self, holding: bool) -> None:
        if not self._running:
            return
        self._background.run(lambda: self._sleep(holding), lambda _r: self._turn(),
                             self._turn_failed)

    # -- the helper thread's side -------------------------------------------------------------

    def _sleep(self, holding: bool) -> None:
        """Wait for new mail (the mailbox's holder), a reply to send, or the stop."""
        if not self._stop.is_set() and not self._wake.is_set():
            if holding and self._fetcher is not None:
                self._fetcher.wait_for_mail(self.wait_seconds, self._wake)
            else:
                self._wake.wait(self.retry_seconds)
        if not self._stop.is_set():
            self._wake.clear()

    def _work(self) -> MailTurn:
        """One turn: read the mailbox when this desk holds it, then send what is due."""
        from synergy_desk.services.mail import mailbox, outbox

        if self._stop.is_set():
            return MailTurn(0, 0, 0, False)
        problems: list[str] = []
        stored = 0
        holding = False
        settings = mailbox.imap_settings()
        if settings.configured:
            if self._fetcher is None or self._fetcher_settings != settings:
                if self._fetcher is not None:
                    self._fetcher.close()
                self._fetcher = mailbox.Fetcher(self.holder, settings)
                self._fetcher_settings = settings
            holding = bool(self._fetcher.take_lease())
            if holding and not self._stop.is_set():
                report = self._fetcher.fetch_new()
                stored = report.stored
                problems.extend(report.errors)
        elif self._fetcher is not None:
            # The mailbox was taken out of the settings: this desk lets go of it.
            self._fetcher.release()
            self._fetcher.close()
            self._fetcher = self._fetcher_settings = None
        sent = outbox.send_due(self.holder)
        problems.extend(sent.errors)
        return MailTurn(stored, sent.sent, sent.failed, holding, tuple(problems))


class MailStatusLabel(QLabel):
    """The status bar's line for mail: "E-mail: 3 to sort · 1 not sent", each part a link to
    the view concerned; a problem of the mail worker's after it, in plain words."""

    #: "triage" or "outbox": the part clicked.
    open_view = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mailStatus")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.linkActivated.connect(self.open_view.emit)
        self._counts: tuple[int, int, int, int] | None = None
        self._problem = ""
        self.hide()

    @property
    def plain_text(self) -> str:
        """The line as it reads, without its links."""
        return QTextDocumentFragment.fromHtml(self.text()).toPlainText()

    def show_counts(self, to_sort: int, held: int, waiting: int, failed: int) -> None:
        self._counts = (to_sort, held, waiting, failed)
        self._show()

    def show_problem(self, text: str) -> None:
        self._problem = text
        self._show()

    def _show(self) -> None:
        parts: list[str] = []
        if self._counts is not None:
            to_sort, held, waiting, failed = self._counts
            sort_text = self.tr("%d to sort") % to_sort
            if held:
                sort_text += self.tr(" (%d held)") % held
            parts.append(f'<a href="triage">{html.escape(sort_text)}</a>')
            going = (self.tr("%d not sent") % failed if failed
                     else self.tr("%d waiting to go") % waiting if waiting else "")
            if going:
                parts.append(f'<a href="outbox">{html.escape(going)}</a>')
        if self._problem:
            # Short here, out of the way of the status bar's other items; the sentence is
            # the tooltip's (and the status bar's message when it first comes).
            warning = palette.WARNING.hex()
            parts.append(f"<span style='color:{warning}'>"
                         f"{html.escape(self.tr('not working'))}</span>")
        text = self.tr("E-mail: ") + " · ".join(parts) if parts else ""
        self.setText(text)
        self.setToolTip(self._problem)
        self.setVisible(bool(text))


class WindowKeys(QObject):
    """Keeps the window's own shortcuts working while a text box has the keyboard: a line
    edit on Linux takes Ctrl+U for itself (delete to the start of the line), which would make
    Office ▸ Outbox… (Ctrl+U) do nothing from the search box."""

    def __init__(self, parent: QObject, keys: list[QKeySequence]) -> None:
        super().__init__(parent)
        self._keys = [key.toString() for key in keys]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination()).toString()
            if pressed in self._keys:
                return True  # not the text box's: the window's shortcut has it
        return False


def read_mail_counts() -> tuple[int, int, int, int]:
    """To sort, held, waiting to go and not sent (a helper thread's read)."""
    from synergy_desk.services.mail import outbox, triage

    sorting = triage.triage_counts()
    going = outbox.outbox_counts()
    return sorting.triage, sorting.held, going.waiting, going.failed
