"""The desk's mail worker: started once the desk is open on its office, it reads the support
mailbox and sends the outbox on a helper thread; what goes wrong is said in plain words on the
status bar, and logging out stops it cleanly (no thread left, the mailbox let go)."""

from __future__ import annotations

import socket
from typing import Any

from PySide6.QtCore import Qt, QTimer

from synergy_desk.models import tables as t
from synergy_desk.ui.mail_worker import MailStatusLabel, desk_holder
from tests.ui.test_log_out import (
    answer_login,
    closed_at_the_end,  # noqa: F401 - fixture
    open_desk,
    open_windows,
)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_status_line_counts_mail_to_sort_and_not_sent_with_links(qtbot: Any) -> None:
    label = MailStatusLabel()
    qtbot.addWidget(label)
    assert label.isHidden()
    label.show_counts(3, 0, 0, 1)
    assert label.plain_text == "E-mail: 3 to sort · 1 not sent"
    assert 'href="triage"' in label.text() and 'href="outbox"' in label.text()
    label.show_counts(2, 1, 4, 0)
    assert label.plain_text == "E-mail: 2 to sort (1 held) · 4 waiting to go"
    label.show_problem("The mailbox at 127.0.0.1 did not answer.")
    assert label.plain_text.endswith("— The mailbox at 127.0.0.1 did not answer.")
    with qtbot.waitSignal(label.open_view) as opened:
        label.linkActivated.emit("outbox")
    assert opened.args == ["outbox"]


def test_the_holder_names_the_computer_the_person_and_the_process() -> None:
    import os

    holder = desk_holder("rita")
    assert holder.startswith(socket.gethostname()) and f"/rita/{os.getpid()}" in holder


def test_the_worker_says_a_problem_plainly_and_stops_cleanly_on_log_out(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    t.OfficeSettings.update(imap_host="127.0.0.1", imap_port=closed_port(),
                            imap_security="none", imap_user="support@synergy.example",
                            imap_password="secret").execute()
    window = open_desk(qtbot, office, prefs, "reception")
    worker = window.mail_worker
    assert worker.running
    qtbot.waitUntil(lambda: worker.last_problem != "", timeout=20_000)
    assert "Traceback" not in worker.last_problem and "Errno" not in worker.last_problem
    assert window.mail_status.isVisible()
    assert worker.last_problem in window.mail_status.plain_text

    QTimer.singleShot(0, lambda: answer_login("eddie"))
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: open_windows() not in ([], [window]), timeout=20_000)
    assert not worker.running
    assert worker._background._pool.activeThreadCount() == 0  # no thread left running
    held = [s.holder for s in t.MailboxState.select()]
    assert worker.holder not in held  # the lease was let go
    [new] = open_windows()
    assert new.mail_worker.running and new.mail_worker is not worker
    new.close()
    assert not new.mail_worker.running
    assert new.mail_worker._background._pool.activeThreadCount() == 0
