"""Two desks, each a real window in a process of its own, working on one SQLite office, and a
restore from a backup in between: refused while they are open, gone ahead with --disconnect,
after which neither desk writes another row anywhere until it has logged in again."""

from __future__ import annotations

import os
import queue
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from synergy_desk.domain.enums import Role
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.models.database import close_database, open_database, sqlite_url
from synergy_desk.services.data import backup
from synergy_desk.services.office import desks
from tests.cli.test_main import assert_one_line_error, run_cli
from tests.conftest import PASSWORD, make_user

REPOSITORY = Path(__file__).resolve().parents[2]
#: How long a desk may take to answer (a window starting on a busy machine is the slowest).
ANSWER_SECONDS = 90


class Desk:
    """A desk process: commands in, what it says out (every line kept in ``said``)."""

    def __init__(self, name: str, proc: subprocess.Popen[str]) -> None:
        self.name = name
        self.proc = proc
        self.said: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        assert proc.stdout is not None
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            self._lines.put(line.rstrip("\n"))
        self._lines.put("")  # the process has ended

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def expect(self, prefix: str, timeout: float = ANSWER_SECONDS) -> str:
        """The next line that starts with ``prefix`` (a crash or the end fails the test)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"{self.name} did not say {prefix!r}; it said {self.said}")
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                continue
            if line == "" and self.proc.poll() is not None:
                pytest.fail(f"{self.name} ended before saying {prefix!r}: {self.said}")
            self.said.append(line)
            assert not line.startswith("crash"), f"{self.name}: {line}"
            if line.startswith(prefix):
                return line

    def since(self, mark: int) -> list[str]:
        return self.said[mark:]


@pytest.fixture
def office_file(tmp_path: Path, password_hash: str) -> Iterator[dict[str, Any]]:
    """An office in a SQLite file with a reception desk's and an engineer's users, a product
    and a customer; closed, as no program has it open."""
    path = tmp_path / "office" / "synergy-desk.sqlite3"
    path.parent.mkdir()
    url = sqlite_url(path)
    open_database(url)
    try:
        t.OfficeSettings.create(
            company_name="Synergy Support Ltd", address="1 High Street\nLeeds\nLS1 1AA",
            vat_number="GB123456789", incident_price_pence=7500, vat_rate_bp=2000)
        product = t.Product.create(name="Ledger Accounts", current_version="12.4")
        customer = t.Customer.create(account_code="C000001", name="Oduya Joinery",
                                     address="4 Mill Lane\nLeeds", postcode="LS6 2AB")
        make_user("rita", Role.RECEPTION, password_hash, "Rita Reception")
        make_user("eddie", Role.ENGINEER, password_hash, "Eddie Engineer")
        yield {"url": url, "path": path, "customer": customer.id, "product": product.id}
    finally:
        close_database()


def _start(tmp_path: Path, url: str, user: str, heartbeat_ms: int) -> Desk:
    home = tmp_path / f"desk-{user}"
    runtime = home / "runtime"
    runtime.mkdir(parents=True)
    runtime.chmod(0o700)
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_RUNTIME_DIR=str(runtime), SYNERGY_DESK_LOG_DIR=str(home / "log"),
               QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPOSITORY),
                                                        os.environ.get("PYTHONPATH")])))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.desk_process", url, user, PASSWORD, str(heartbeat_ms)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=env, cwd=REPOSITORY)
    return Desk(user, proc)


def _stop(desk: Desk) -> None:
    """Quit the desk as a person would; one that does not end is killed, never left behind."""
    if desk.proc.poll() is not None:
        return
    try:
        desk.send("quit")
        desk.expect("closed", 30)
        desk.proc.wait(timeout=30)
    finally:
        if desk.proc.poll() is None:
            desk.proc.kill()
            desk.proc.wait(timeout=30)


def _rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _receipts(path: Path) -> list[str]:
    return [f"R-{n:06d}" for (n,) in _rows(path, "SELECT receipt_number FROM payment "
                                                 "ORDER BY receipt_number")]


def _latest_write(path: Path) -> str:
    """The newest moment any desk wrote a row of these kinds (as stored, naive UTC)."""
    found = [row[0] for sql in ("SELECT MAX(at) FROM audit_log",
                                "SELECT MAX(taken_at) FROM payment",
                                "SELECT MAX(created_at) FROM timeline_entry",
                                "SELECT MAX(last_seen_at) FROM desk_session")
             for row in _rows(path, sql) if row[0] is not None]
    return max(found, default="")


def _stamp(moment: Any) -> str:
    return str(moment.strftime("%Y-%m-%d %H:%M:%S.%f"))


def _wait_for(check: Any, what: str, timeout: float = ANSWER_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)  # another process's state: nothing to wait on but the file


@pytest.mark.slow
def test_a_restore_under_two_open_desks_leaves_neither_writing_to_a_lost_office(
        tmp_path: Path, office_file: dict[str, Any]) -> None:
    url, path = office_file["url"], office_file["path"]
    pay = f"pay {office_file['customer']} {office_file['product']}"
    last_night = backup.backup_database(url, tmp_path / "last-night.sqlite3").path
    incidents_then = _rows(path, "SELECT COUNT(*) FROM incident")[0][0]

    # Reception beats only when it opens: its own next payment is what meets the restore.
    # The engineer beats every second and is told by its heartbeat, doing nothing.
    rita = _start(tmp_path, url, "rita", 600_000)
    eddie = _start(tmp_path, url, "eddie", 1_000)
    try:
        rita.expect("ready")
        eddie.expect("ready")
        taken: list[str] = []
        for _ in range(2):  # a morning's work: payments, their receipts shown, incidents taken
            rita.send(pay)
            _, number, gross, incident = rita.expect("paid").split()
            assert gross == "9000"
            taken.append(number)
            rita.send(f"preview {number}")
            rita.expect("done preview")
            eddie.send(f"claim {incident}")
            eddie.expect("claimed")
        assert _receipts(path) == taken == ["R-000001", "R-000002"]
        _wait_for(lambda: len(_rows(path, "SELECT 1 FROM desk_session")) == 2, "both desks")

        # While they are open the restore is refused, naming them.
        refused = run_cli(tmp_path, "--database", url, "restore", str(last_night), "--yes")
        line = assert_one_line_error(refused, 2)
        assert "2 desks are open" in line and "--disconnect" in line
        computer = desks.this_computer()
        assert f"Rita Reception on {computer} (last seen" in line
        assert f"Eddie Engineer on {computer} (last seen" in line
        assert _receipts(path) == taken

        # Told to disconnect them, it goes ahead and says what the backup lacks.
        marks = (len(rita.said), len(eddie.said))
        started = _stamp(utcnow())
        done = run_cli(tmp_path, "--database", url, "restore", str(last_night), "--yes",
                       "--disconnect")
        finished = _stamp(utcnow())
        assert done.returncode == 0, done.stderr
        assert "2 receipts of the office are not in the backup" in done.stdout
        assert "R-000001 £90.00 taken" in done.stdout and "R-000002 £90.00 taken" in done.stdout
        assert "Rita Reception" in done.stdout and "Eddie Engineer" in done.stdout

        # Reception, left open, takes the next payment: refused, told, back to the log-in.
        rita.send(pay)
        told = rita.expect("shown")
        assert told.startswith("shown OfficeReplaced The office database was restored from a "
                               "backup at ")
        rita.expect("refused")
        rita.expect("login")
        # The engineer is told by its own heartbeat.
        assert eddie.expect("shown").startswith("shown OfficeReplaced ")
        eddie.expect("login")
        for desk, mark in ((rita, marks[0]), (eddie, marks[1])):
            said = desk.since(mark)
            assert not [line for line in said if line.startswith(("paid", "claimed"))], said
            assert len([line for line in said if line.startswith("shown")]) == 1, said

        # Nothing was written after the restore: not in the office, not in the copy kept.
        assert _receipts(path) == []
        assert _rows(path, "SELECT COUNT(*) FROM incident")[0][0] == incidents_then
        assert _rows(path, "SELECT COUNT(*) FROM desk_session")[0][0] == 0
        assert _latest_write(path) < started
        [kept] = path.parent.glob("synergy-desk.sqlite3.before-restore-*.bak")
        assert _receipts(kept) == taken
        assert _latest_write(kept) <= finished
        assert _rows(path, "PRAGMA integrity_check") == [("ok",)]

        # Logged in again, the desk works in the restored office: its file, its numbers.
        rita.send("login")
        rita.expect("ready")
        rita.send(pay)
        assert rita.expect("paid").split()[1] == "R-000001"
        assert _receipts(path) == ["R-000001"]
        assert _latest_write(kept) <= finished
    finally:
        try:
            _stop(rita)
        finally:
            _stop(eddie)
    assert rita.proc.returncode == 0 and eddie.proc.returncode == 0
