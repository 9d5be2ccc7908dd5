"""Real mail servers for tests, on the loopback address: a Dovecot IMAP server run as the
current user from a configuration written here, and an SMTP sink (aiosmtpd) keeping what it
is sent."""

from __future__ import annotations

import email
import email.policy
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

DOVECOT = "/usr/sbin/dovecot"
USER = "support@example.test"
PASSWORD = "mailbox-pass"


def free_port() -> int:
    """A TCP port nobody listens on at this moment, on the loopback address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes] | None, log: Path,
                   seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the mail server stopped at once: {_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the mail server did not listen on port {port}: {_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"


@dataclass
class ImapServer:
    """A running Dovecot: where it listens and the one user's credentials."""

    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"

    def client(self) -> Any:
        """A logged-in IMAPClient (the caller logs out)."""
        from imapclient import IMAPClient

        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes | EmailMessage, folder: str = "INBOX") -> None:
        """Put one message into the mailbox, as a mail server delivering it would."""
        data = bytes(raw) if isinstance(raw, bytes) else raw.as_bytes()
        client = self.client()
        try:
            client.append(folder, data)
        finally:
            client.logout()

    def empty(self, folder: str = "INBOX") -> None:
        """Delete every message in the folder (its UIDs go on rising, as a real server's)."""
        client = self.client()
        try:
            client.select_folder(folder)
            uids = client.search(["ALL"])
            if uids:
                client.delete_messages(uids)
                client.expunge()
        finally:
            client.logout()

    def settings(self, **changes: Any) -> Any:
        """ImapSettings for this server (plain IMAP on the loopback address)."""
        from synergy_desk.services.mail.mailbox import ImapSettings

        values: dict[str, Any] = {"host": self.host, "port": self.port, "security": "none",
                                  "user": self.user, "password": self.password,
                                  "folder": self.folder}
        values.update(changes)
        return ImapSettings(**values)


def _service_users() -> tuple[str, str, str, int, int]:
    """The internal user, its group, the login user and the mail's owner (uid, gid): the
    current user's own, except that Dovecot runs nothing as root, so root (a CI container)
    uses the users the Debian package made for it."""
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    if os.getuid() != 0:
        return user, group, user, os.getuid(), os.getgid()
    internal = pwd.getpwnam("dovecot")
    login = pwd.getpwnam("dovenull")
    return (internal.pw_name, grp.getgrgid(internal.pw_gid).gr_name, login.pw_name,
            internal.pw_uid, internal.pw_gid)


def _dovecot_config(root: Path, port: int) -> Path:
    internal, group, login, uid, gid = _service_users()
    for name in ("run", "state", "mail", "home"):
        (root / name).mkdir(parents=True, exist_ok=True)
    for name in ("mail", "home"):
        os.chown(root / name, uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root / 'home'}\n")
    config = root / "dovecot.conf"
    config.write_text(f"""\
base_dir = {root / 'run'}
state_dir = {root / 'state'}
log_path = {root / 'dovecot.log'}
info_log_path = {root / 'dovecot.log'}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
mail_location = maildir:{root / 'mail'}/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root / 'passwd'}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root / 'home'}/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {internal}
}}
service stats {{
  chroot =
}}
""")
    return config


@dataclass
class RunningDovecot:
    process: subprocess.Popen[bytes]
    root: Path


def start_dovecot() -> tuple[ImapServer, RunningDovecot]:
    """Start Dovecot in the foreground from a configuration in a new folder of its own (one
    its own users can reach, which a test's folder may not be)."""
    root = Path(tempfile.mkdtemp(prefix="synergy-dovecot-"))
    root.chmod(0o755)
    port = free_port()
    config = _dovecot_config(root, port)
    log = root / "dovecot.log"
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=open(log, "ab"))  # noqa: SIM115 (closed with the process)
    try:
        _wait_for_port(port, process, log)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return ImapServer("127.0.0.1", port, USER, PASSWORD), RunningDovecot(process, root)


def stop_dovecot(running: RunningDovecot) -> None:
    running.process.terminate()
    try:
        running.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        running.process.kill()
        running.process.wait()
    shutil.rmtree(running.root, ignore_errors=True)


def dovecot_installed() -> bool:
    return Path(DOVECOT).exists()


# --- the SMTP sink ---------------------------------------------------------------------------

@dataclass
class SmtpSink:
    """An aiosmtpd server on the loopback address that keeps every message it accepts;
    ``refuse`` set to an SMTP reply ("550 5.1.1 No such user") refuses every recipient."""

    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: str = ""
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, seconds: float = 10.0) -> list[EmailMessage]:
        """The messages once ``count`` have arrived (fails the test after ``seconds``)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=seconds)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} messages arrived"
        return list(self.messages)


class _SinkHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if self.sink.refuse:
            return self.sink.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self.sink.arrived:
            self.sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.sink.messages.append(message)  # type: ignore[arg-type]
            self.sink.arrived.notify_all()
        return "250 Message accepted"


def run_smtp_sink() -> Iterator[SmtpSink]:
    """An SMTP sink running for as long as the generator is not closed."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(_SinkHandler(sink), hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
