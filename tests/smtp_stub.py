"""A tiny SMTP server for tests: it speaks enough SMTP for smtplib and keeps what it is sent."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage


@dataclass
class Received:
    """What the stub was sent: the envelope and the parsed messages."""

    mail_from: list[str] = field(default_factory=list)
    rcpt_to: list[str] = field(default_factory=list)
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _send(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self._send("220 stub.example ESMTP ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._send("250-stub.example")
                self._send("250-AUTH PLAIN")
                self._send("250 8BITMIME")
            elif verb == "HELO":
                self._send("250 stub.example")
            elif verb == "AUTH":
                self.server.received.logins.append(command)
                self._send("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                self.server.received.mail_from.append(command.split(":", 1)[1].strip(" <>"))
                self._send("250 OK")
            elif verb == "RCPT":
                address = command.split(":", 1)[1].strip(" <>")
                if address in self.server.refuse:
                    self._send("550 No such user")
                else:
                    self.server.received.rcpt_to.append(address)
                    self._send("250 OK")
            elif verb == "DATA":
                self._send("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                assert isinstance(message, EmailMessage)
                self.server.received.messages.append(message)
                self._send("250 OK: queued")
            elif verb == "RSET" or verb == "NOOP":
                self._send("250 OK")
            elif verb == "QUIT":
                self._send("221 Bye")
                return
            else:
                self._send("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received = Received()
        self.refuse: set[str] = set()


@contextmanager
def smtp_stub() -> Iterator[tuple[int, Received, set[str]]]:
    """Run the stub on a free local port: yields (port, what it received, addresses it refuses)."""
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.received, server.refuse
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
