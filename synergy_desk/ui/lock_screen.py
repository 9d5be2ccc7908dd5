"""A desk that locks: the idle watch, the curtains that hide every open window's data, and the
lock screen that unlocks with the same person's password or lets someone else log in.

Locking closes nothing: a dialog half filled in when the lock comes stays open under its
curtain, and is there as it was once the same person unlocks. Only "Log in as someone else"
closes the open windows, and it asks first when there are any.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from synergy_desk.domain.errors import AuthenticationFailed
from synergy_desk.services.common import Actor
from synergy_desk.ui import palette
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import reporting_errors

__all__ = ["IdleWatch", "Curtain", "LockScreen", "CHECK_MS"]

#: How often the idle watch looks at the clock, in milliseconds.
CHECK_MS = 5_000

#: What a person does at the desk: any of these means it is not idle.
_INPUT = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})


class IdleWatch(QObject):
    """Says ``idle`` once nobody has pressed a key or moved the mouse anywhere in the program
    for the minutes set (0: never). ``clock`` gives seconds; tests give a clock of their
    own and call :meth:`check` rather than wait."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.clock = clock
        self.minutes = 0
        self._last = clock()
        self._watching = False
        self.timer = QTimer(self)
        self.timer.setObjectName("idleLockTimer")
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)

    def set_minutes(self, minutes: int) -> None:
        """Lock after this many minutes idle from now on; 0 stops watching (and costs
        nothing: the program's input is only looked at while the lock is on)."""
        self.minutes = max(0, int(minutes))
        self.touched()
        app = QApplication.instance()
        if self.minutes and not self._watching and app is not None:
            app.installEventFilter(self)
            self._watching = True
        elif not self.minutes and self._watching and app is not None:
            app.removeEventFilter(self)
            self._watching = False
        if self.minutes:
            self.timer.start()
        else:
            self.timer.stop()

    def touched(self) -> None:
        """Someone is at the desk now."""
        self._last = self.clock()

    def idle_seconds(self) -> float:
        return self.clock() - self._last

    def check(self) -> bool:
        """Say ``idle`` if the desk has been left for the minutes set; True when it was."""
        if self.minutes and self.idle_seconds() >= self.minutes * 60:
            self.touched()  # said once per stretch of idleness
            self.idle.emit()
            return True
        return False

    def stop(self) -> None:
        self.set_minutes(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _INPUT:
            self._last = self.clock()
        return False


class Curtain(QWidget):
    """Covers a window's whole area while the desk is locked, so nothing it shows can be read;
    the window and what was typed in it are left as they were."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("lockCurtain")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#lockCurtain {{ background:{palette.BACKDROP.hex()}; }}")
        label = QLabel(self.tr("Locked"))
        label.setStyleSheet(palette.MUTED.text_style() + " font-size:16pt;")
        layout = QVBoxLayout(self)
        layout.addWidget(label, 0, Qt.AlignmentFlag.AlignCenter)
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
            self.raise_()
        elif event.type() == QEvent.Type.ChildAdded:
            QTimer.singleShot(0, self._raise_if_alive)  # a window's new part stays hidden
        return False

    def _raise_if_alive(self) -> None:
        if isValid(self):
            self.raise_()

    def lift(self) -> None:
        """Take the curtain away."""
        window = self.parentWidget()
        if window is not None and isValid(window):
            window.removeEventFilter(self)
        self.hide()
        self.deleteLater()


#: Checks a user name and password; the user (the users service's log-in).
Authenticate = Callable[[str, str], Actor]


class LockScreen(QWidget):
    """The locked desk: whose it is, their password to unlock it, or someone else's log-in.

    A window of its own, modal over the whole program (a dialog that was open stays open
    under its curtain), placed over the main window. Closing it does not unlock it.
    """

    #: The same person typed their password: the desk is theirs again.
    unlocked = Signal(object)
    #: Someone else is to log in (the open windows may be closed).
    someone_else = Signal()

    def __init__(self, over: QWidget, actor: Actor, authenticate: Authenticate,
                 office_name: str = "", open_windows: int = 0) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("lockScreen")
        self.setWindowTitle(self.tr("%s — locked") % (office_name or "Synergy Desk"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._actor = actor
        self._authenticate = authenticate
        self._open_windows = open_windows
        self._done = False

        title = QLabel(f"<h2>{html.escape(office_name or 'Synergy Desk')}</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        said = QLabel(self.tr("This desk is locked. %s was using it.")
                      % f"<b>{html.escape(actor.full_name)}</b>")
        said.setObjectName("lockWho")
        said.setWordWrap(True)
        said.setAlignment(Qt.AlignmentFlag.AlignCenter)
        caption = QLabel(self.tr("&Password:"))
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMinimumWidth(240)
        self.password.returnPressed.connect(self.unlock)
        caption.setBuddy(self.password)
        self.unlock_button = QPushButton(self.tr("&Unlock"))
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        self.other_button = QPushButton(self.tr("Log in as &someone else…"))
        self.other_button.setObjectName("lockSomeoneElse")
        self.other_button.clicked.connect(self._on_other_button_clicked)
        self.message = MessageLine("lockMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if open_windows:
            self.message.note(self.tr("Their open windows stay as they were until they "
                                      "unlock."))

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(caption)
        row.addWidget(self.password)
        row.addWidget(self.unlock_button)
        row.addStretch(1)
        other_row = QHBoxLayout()
        other_row.addStretch(1)
        other_row.addWidget(self.other_button)
        other_row.addStretch(1)
        panel = QWidget()
        panel.setObjectName("lockPanel")
        panel.setFixedWidth(520)  # a message that wraps gets the height it needs
        inner = QVBoxLayout(panel)
        inner.addWidget(title)
        inner.addWidget(said)
        inner.addSpacing(12)
        inner.addLayout(row)
        inner.addWidget(self.message)
        inner.addSpacing(12)
        inner.addLayout(other_row)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        if isValid(over) and over.isVisible():
            self.setGeometry(over.geometry())
        else:
            self.resize(800, 500)
        self.password.setFocus()

    def unlock(self) -> bool:
        """Check the password typed as the locked person's log-in (a wrong one counts towards
        their lock-out like any log-in); True when the desk is unlocked."""
        password = self.password.text()
        self.password.clear()
        if not password:
            self.message.problem(self.tr("Type your password to unlock the desk."))
            return False
        with reporting_errors(self, failure=self._unlock_failed) as checking:
            actor = self._authenticate(self._actor.username, password)
        if checking.failed:
            self.password.setFocus()
            return False
        if actor.id != self._actor.id:  # the account was renamed under it: not the same
            self.message.problem(self.tr("That is not the account this desk was locked by."))
            return False
        self._done = True
        self.unlocked.emit(actor)
        self.close()
        return True

    def _unlock_failed(self, exc: Exception) -> None:
        from synergy_desk.services.people.users import WRONG_LOGIN

        # Only the password was typed here: the log-in's "user name or password" would puzzle.
        if isinstance(exc, AuthenticationFailed) and exc.message == WRONG_LOGIN:
            self.message.problem(self.tr("Wrong password: the desk is still locked."))
        else:
            self.message.failure(exc)

    def confirm_someone_else(self) -> bool:
        """Ask before the locked person's open windows are closed (tests replace this)."""
        answer = QMessageBox.question(
            self, self.tr("Log in as someone else"),
            self.tr("%1 has %2 window(s) open, perhaps with something half typed. Logging in "
                    "as someone else closes them without saving. Close them and log in as "
                    "someone else?").replace("%1", self._actor.full_name)
            .replace("%2", str(self._open_windows)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _on_other_button_clicked(self) -> None:
        if self._open_windows and not self.confirm_someone_else():
            self.message.note(self.tr("Nothing was closed; the desk is still locked."))
            return
        self._done = True
        self.someone_else.emit()
        self.close()

    def keyPressEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        from PySide6.QtGui import QKeyEvent

        # Escape does not close a lock; everything else is the widget's as usual.
        if isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Cancel):
            event.accept()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._done:
            event.ignore()  # only the password or someone else's log-in ends a lock
            return
        super().closeEvent(event)

    def end(self) -> None:
        """Close the lock without unlocking (the window it locked is closing)."""
        self._done = True
        self.close()
