"""The listener for the phone system's call events: a small HTTP server on the desk.

Phone systems that already tell a help desk of their calls post them in the generic CTI form
(``event`` = newCall / answer / hangup, ``from``, ``to``, ``direction``, ``callId``,
``user[]``) to ``http://<desk>:<port>/api/v1/cti/<token>``. The server runs in a thread of its
own; what it reads is checked there (the office's token first: without it, 401 and nothing
else is read) and handed to the window's thread, which records it in the caller log and
answers the phone system with what came of it. An incoming call that rings emits
:attr:`PhoneListener.call_rang` with the caller's number.

It listens on the loopback address (127.0.0.1) unless the office's settings open it to the
office network, and only while the settings turn it on.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from synergy_desk.domain.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from synergy_desk.services.common import Actor
from synergy_desk.ui.operations import reporting_errors

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from synergy_desk.services.incidents.caller_log import PhoneEvent

__all__ = ["PhoneListener", "LOOPBACK", "OFFICE_NETWORK", "ANSWER_WAIT_SECONDS"]

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
OFFICE_NETWORK = "0.0.0.0"  # noqa: S104 - only when the manager opens it to the office network
#: How long the phone system's request waits for the window to record its event.
ANSWER_WAIT_SECONDS = 15.0


class _Pending:
    """One event on its way to the window's thread, and the answer it comes back with."""

    def __init__(self, event: PhoneEvent) -> None:
        self.event = event
        self.status = 503
        self.text = "The desk did not record the call in time; send it again."
        self.done = threading.Event()

    def answer(self, status: int, text: str) -> None:
        self.status, self.text = status, text
        self.done.set()


class PhoneListener(QObject):
    """The desk's HTTP listener for the phone system; started and stopped by the window."""

    #: An incoming call rang: the caller's number (E.164 where it is one).
    call_rang = Signal(str)
    #: A call event was recorded: the call as the caller log now has it (a CallerLogRow).
    call_recorded = Signal(object)
    #: Something the desk's user should know (the port in use, the listener started).
    notice = Signal(str)
    #: From the server's thread to the window's (queued).
    _arrived = Signal(object)

    def __init__(self, actor: Actor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phoneListener")
        self._actor = actor
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._token = ""
        self.address: tuple[str, int] | None = None
        self._arrived.connect(self._record, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self, port: int, token: str, *, open_to_network: bool = False) -> bool:
        """Listen on ``port`` (the loopback address, or every address of the computer when
        opened to the office network); False, with a notice, when it cannot."""
        self.stop()
        # The services a call needs are loaded here, on the window's thread, not with the
        # window: most desks never listen.
        from synergy_desk.services.incidents import caller_log  # noqa: F401

        host = OFFICE_NETWORK if open_to_network else LOOPBACK
        if not token:
            self.notice.emit(self.tr("The phone system's listener has no token yet; a manager "
                                     "makes one in Office settings."))
            return False
        try:
            from http.server import ThreadingHTTPServer  # loaded when the listener starts

            server = ThreadingHTTPServer((host, port), _handler(self))
        except OSError as exc:
            log.warning("The phone system's listener could not use port %s: %s", port, exc)
            self.notice.emit(self.tr("The phone system's listener could not use port %d (%s); "
                                     "calls are not being recorded at this desk.")
                             % (port, exc.strerror or exc))
            return False
        server.daemon_threads = True
        self._server, self._token = server, token
        self.address = (host, int(server.server_address[1]))
        self._thread = threading.Thread(target=server.serve_forever, name="phone-listener",
                                        daemon=True)
        self._thread.start()
        log.info("Listening for the phone system on %s:%s", *self.address)
        return True

    def stop(self) -> None:
        """Stop listening (nothing happens if it was not)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._thread = None
        self.address = None

    # -- the server's thread ---------------------------------------------------------------

    def _read(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        """Check a request and hand its event to the window; the answer for the phone
        system (status, one line)."""
        from synergy_desk.services.incidents import caller_log

        try:
            event = caller_log.read_phone_request(path, headers, body, self._token)
        except PermissionDenied as exc:
            return 401, exc.message
        except NotFound as exc:
            return 404, exc.message
        except ValidationError as exc:
            return 400, exc.message
        pending = _Pending(event)
        self._arrived.emit(pending)
        pending.done.wait(ANSWER_WAIT_SECONDS)
        return pending.status, pending.text

    # -- the window's thread ---------------------------------------------------------------

    @Slot(object)
    def _record(self, pending: _Pending) -> None:
        event = pending.event

        def failed(exc: Exception) -> None:
            if isinstance(exc, DomainError):
                pending.answer(404 if isinstance(exc, NotFound) else 400
                               if isinstance(exc, ValidationError) else 503, exc.message)
            else:
                log.error("The phone system's %s event was not recorded", event.event,
                          exc_info=exc)
                pending.answer(500, "The desk could not record the call.")

        from synergy_desk.services.incidents import caller_log

        with reporting_errors(None, failure=failed) as outcome:
            new = event.event == "newCall" and caller_log.call_of(event.call_id) is None
            row = caller_log.record_phone_event(self._actor, event)
        if outcome.failed:
            if not pending.done.is_set():  # the office was replaced: the window says so
                pending.answer(503, "The desk could not record the call.")
            return
        pending.answer(200, "Recorded.")
        self.call_recorded.emit(row)
        if new and row.direction == "in":
            self.call_rang.emit(row.from_number)


def _without_token(line: str) -> str:
    """A request's line for the log, the office's token (the address's last part) hidden."""
    from synergy_desk.services.incidents import caller_log

    return re.sub(re.escape(caller_log.CTI_PATH) + r"[^\s?\"]*", caller_log.CTI_PATH + "…",
                  line)


def _handler(listener: PhoneListener) -> type[BaseHTTPRequestHandler]:
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        server_version = "SynergyDesk"
        sys_version = ""
        # A client that stops half-way through its request lets go of its thread.
        timeout = 10

        def do_POST(self) -> None:  # noqa: N802 - the standard library's name
            length_text = self.headers.get("Content-Length", "0") or "0"
            try:
                length = int(length_text)
            except ValueError:
                length = -1
            from synergy_desk.services.incidents import caller_log

            if length < 0 or length > caller_log.MAX_BODY_BYTES:
                self._reply(400, "The request's length is not one a call event has.")
                return
            body = self.rfile.read(length)
            status, text = listener._read(self.path, dict(self.headers.items()), body)
            self._reply(status, text)

        def do_GET(self) -> None:  # noqa: N802
            self._reply(405, "The phone system posts its events; nothing is read here.")

        def _reply(self, status: int, text: str) -> None:
            payload = json.dumps({"ok": status == 200, "message": text}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            log.info("Phone system: %s", _without_token(format % args))

    return Handler
