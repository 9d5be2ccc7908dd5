"""One desk window per user session, and the numbers other programs hand it.

The first window of a user's session listens on a local server (``QLocalServer``: a named pipe
on Windows, a socket file in the temporary folder elsewhere) whose name holds the user's name,
so two people on one Windows terminal server each reach their own window; only the user who
started it may connect. ``synergy-desk call NUMBER`` (and a ``tel:`` or ``callto:`` link opened
with the program) connects and hands the number over; when no window listens, the command starts
one, which pops the caller up once someone has logged in.

The name is one per user session, not per database: a call goes to the desk the person has in
front of them, whichever office it has open. ``SYNERGY_DESK_INSTANCE`` gives a session a second,
separate name (a test, or a second desk kept apart on purpose).

Each hand-over is one line of UTF-8, ``CALL <number>``, answered ``OK`` or ``NO <why>``.
"""

from __future__ import annotations

import getpass
import logging
import os
import re
import sys
import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from shiboken6 import isValid

__all__ = ["server_name", "hand_over_call", "IncomingCalls", "INSTANCE_VARIABLE"]

log = logging.getLogger(__name__)

#: The environment variable that gives a user's session a second, separate desk.
INSTANCE_VARIABLE = "SYNERGY_DESK_INSTANCE"
#: The longest line a hand-over may send (a number is far shorter).
MAX_LINE = 512
#: How long ``synergy-desk call`` waits for the window to answer, in milliseconds.
HAND_OVER_MS = 3000


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:40]


def server_name() -> str:
    """The local server's name for this user's session: "synergy-desk-<domain>.<user>"."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name in the environment or passwd
        user = os.path.basename(os.path.expanduser("~")) or "user"
    domain = os.environ.get("USERDOMAIN", "") if os.name == "nt" else ""
    name = "synergy-desk-" + _safe(f"{domain}.{user}" if domain else user)
    instance = os.environ.get(INSTANCE_VARIABLE, "").strip()
    return f"{name}-{_safe(instance)}" if instance else name


def hand_over_call(number: str, name: str | None = None, timeout_ms: int = HAND_OVER_MS
                   ) -> bool:
    """Give the number to the window listening in this session; False when none answers.

    Needs no QApplication: the command line calls it before deciding to start a window.
    """
    if sys.platform == "win32":  # pragma: no cover - Windows only
        # Windows lets a program bring its window to the front only when the person just
        # used it; this command is that program, and it passes the right on to the window.
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(-1)  # ASFW_ANY
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(timeout_ms):
        return False
    try:
        socket.write(f"CALL {number}\n".encode())
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        # Waited for in short steps: a blocking wait holds Python's lock, and a window in the
        # same process (a test) could not answer meanwhile.
        deadline = time.monotonic() + timeout_ms / 1000
        while not socket.canReadLine():
            if socket.state() != QLocalSocket.LocalSocketState.ConnectedState \
                    or time.monotonic() > deadline:
                return False
            socket.waitForReadyRead(50)
        reply = bytes(socket.readLine().data()).decode("utf-8", "replace").strip()
    finally:
        socket.disconnectFromServer()
    if reply != "OK":
        log.warning("The open window did not take the call: %s", reply)
    return reply == "OK"


class IncomingCalls(QObject):
    """The window's end of the hand-over: listens, and pops each number up in the open main
    window; a number that comes before the window is open (the log-in is being asked) waits
    for :meth:`window_opened`."""

    #: A number was handed over (as it came; the window reads it).
    call_received = Signal(str)

    def __init__(self, parent: QObject | None = None, name: str | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self.server = QLocalServer(self)
        self.server.setObjectName("deskCallServer")
        # Only the user who started the window may hand it a call.
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._on_server_new_connection)
        self._window: Any = None
        self._pending: str | None = None
        # Queued: the program that rang has its answer before the window pops anything up.
        self.call_received.connect(self._on_call_received, Qt.ConnectionType.QueuedConnection)

    def listen(self) -> bool:
        """Start listening; False when another window of this session listens already."""
        # Asked first: listening with the user-only option would take the name over from a
        # window that has it.
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(500):
            probe.disconnectFromServer()
            log.info("Another window of this session takes the calls (%s).", self.name)
            return False
        if self.server.listen(self.name):
            return True
        if self.server.serverError() == QLocalSocket.LocalSocketError.AddressInUseError:
            # A socket file left by a window that ended without closing it.
            QLocalServer.removeServer(self.name)
            if self.server.listen(self.name):
                return True
        log.warning("Calls cannot be handed to this window: %s", self.server.errorString())
        return False

    def close(self) -> None:
        self.server.close()

    def window_opened(self, window: Any) -> None:
        """The main window now open (a new one after a switch of user): calls go to it, and a
        call that came while none was open pops up in it now."""
        self._window = window
        if self._pending is not None:
            number, self._pending = self._pending, None
            self._deliver(number)

    def receive(self, number: str) -> None:
        """A number to pop up (the one the program was started for, or one handed over)."""
        self.call_received.emit(number)

    def _on_call_received(self, number: str) -> None:
        self._deliver(number)

    def _deliver(self, number: str) -> None:
        window = self._window
        if window is None or not isValid(window) or not window.isVisible():
            self._pending = number  # the latest call is the one that rings
            return
        window.pop_up_caller(number)

    def _on_server_new_connection(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            # A slot, not a closure over this object: a closure kept by the socket's
            # connection would make the socket the last holder of this object, which would
            # then be deleted from inside the socket's own deletion and delete it twice.
            socket.readyRead.connect(self._on_socket_ready_read)
            socket.disconnected.connect(socket.deleteLater)
            # A connection that says nothing is not kept open.
            QTimer.singleShot(HAND_OVER_MS * 2, socket, socket.abort)
            if socket.bytesAvailable():
                self._read_call(socket)

    def _on_socket_ready_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and isValid(socket):
            self._read_call(socket)

    def _read_call(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_LINE:
                socket.abort()
            return
        line = bytes(socket.readLine(MAX_LINE).data()).decode("utf-8", "replace").strip()
        command, _space, rest = line.partition(" ")
        number = rest.strip()
        if command != "CALL" or not number:
            socket.write(b"NO not a call\n")
            socket.flush()
            return
        socket.write(b"OK\n")
        socket.flush()
        self.receive(number)
