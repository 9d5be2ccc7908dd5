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
    assert label.plain_text == "E-mail: 2 to sort (1 held) · 4 waiting to go · not working"
    assert label.toolTip() == "The mailbox at 127.0.0.1 did not answer."
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
    assert window.mail_status.plain_text.endswith("not working")
    assert window.mail_status.toolTip() == worker.last_problem
    assert window.statusBar().currentMessage() == f"E-mail: {worker.last_problem}"

    QTimer.singleShot(0, lambda: answer_login("eddie"))
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: open_windows() not in ([], [window]), timeout=20_000)
    assert not worker.running
    assert worker._background._pool.activeThreadCount() == 0  # no thread left running
    [new] = open_windows()
    assert new.mail_worker.running and new.mail_worker is not worker
    # The desk let the mailbox go: the next person's takes it at once, not when it expires.
    qtbot.waitUntil(lambda: t.MailboxState.get().holder == new.mail_worker.holder,
                    timeout=20_000)
    new.close()
    assert not new.mail_worker.running
    assert new.mail_worker._background._pool.activeThreadCount() == 0


def test_the_worker_fetches_new_mail_and_sends_a_reply_at_once_against_real_servers(
        qtbot: Any, office: dict[str, Any], imap_server: Any, smtp_sink: Any) -> None:
    from synergy_desk.models.base import db
    from synergy_desk.services.mail import outgoing
    from synergy_desk.ui.mail_worker import MailWorker
    from tests.services.mail.mail_helpers import raw_mail

    t.OfficeSettings.update(
        imap_host=imap_server.host, imap_port=imap_server.port, imap_security="none",
        imap_user=imap_server.user, imap_password=imap_server.password,
        smtp_host=smtp_sink.host, smtp_port=smtp_sink.port, smtp_starttls=False,
        smtp_from="support@synergy.example").execute()
    imap_server.append(raw_mail(subject="Printer offline"))
    worker = MailWorker(desk_holder("rita"), wait_seconds=1.0, retry_seconds=1.0)
    problems: list[str] = []
    worker.problem.connect(problems.append)
    with qtbot.waitSignal(worker.changed, timeout=20_000):
        worker.start()
    [stored] = t.EmailMessage.select().where(t.EmailMessage.direction == "in")
    assert stored.subject == "Printer offline" and stored.state == "triage"
    assert worker.holding

    with db.atomic():
        outgoing.queue_in_tx(None, to="raj.patel@acme-joinery.co.uk", subject="Your receipt",
                             body="Attached.")
    with qtbot.waitSignal(worker.changed, timeout=20_000):
        worker.send_now()
    [sent] = smtp_sink.wait_for(1)
    assert sent["Subject"] == "Your receipt"
    assert worker.stop()
    assert not worker.running and worker._background._pool.activeThreadCount() == 0
    assert [p for p in problems if p] == []
