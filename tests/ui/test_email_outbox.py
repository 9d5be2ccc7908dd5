"""The outbox view: a message the mail server refused for good is listed with its error;
anyone sends it again (queued, due now, the desk asked to send at once); only a manager
cancels one."""

from __future__ import annotations

from typing import Any

import pytest

from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.mail import outgoing
from synergy_desk.ui.outbox_view import OutboxView
from synergy_desk.ui.worker import Background
from tests.services.mail.mail_helpers import office_mail


@pytest.fixture
def refused(office: dict[str, Any]) -> int:
    """A message the mail server refused for good."""
    office_mail(t.OfficeSettings.get())
    from synergy_desk.models.base import db

    with db.atomic():
        message = outgoing.queue_in_tx(None, to="raj.patel@acme-joinery.co.uk",
                                       subject="Your receipt", body="Attached.")
    t.EmailMessage.update(state="failed", attempts=8, next_attempt_at=None,
                          last_error="The mail server refused the address.").where(
        t.EmailMessage.id == message.id).execute()
    return int(message.id)


def open_view(qtbot: Any, actor: Actor, background: Background) -> OutboxView:
    view = OutboxView(actor, background)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_a_failed_message_is_listed_with_its_error_and_sent_again(
        qtbot: Any, reception: Actor, background: Background, refused: int) -> None:
    view = open_view(qtbot, reception, background)
    assert view.model.rowCount() == 1
    row = view.selected()
    assert row.email_id == refused
    texts = [view.model.data(view.model.index(0, c)) for c in range(view.model.columnCount())]
    assert "Not sent (gave up)" in texts and "The mail server refused the address." in texts
    assert view.summary.text() == "0 waiting to go; 1 not sent"
    assert view.retry_button.isEnabled() and not view.cancel_button.isEnabled()
    with qtbot.waitSignal(view.send_now):
        assert view.retry()
    message = t.EmailMessage.get_by_id(refused)
    assert (message.state, message.attempts) == ("queued", 0)
    assert message.next_attempt_at <= utcnow()
    assert view.summary.text() == "1 waiting to go; 0 not sent"


def test_a_manager_cancels_a_message(qtbot: Any, manager: Actor, background: Background,
                                     refused: int) -> None:
    view = open_view(qtbot, manager, background)
    assert view.cancel_button.isEnabled()
    view.confirm_cancel = lambda _subject: True  # type: ignore[method-assign]
    assert view.cancel()
    assert t.EmailMessage.get_by_id(refused).state == "cancelled"
    assert view.model.rowCount() == 0



def test_ctrl_u_reaches_the_window_from_a_text_box_that_wants_it_for_itself(
        qtbot: Any) -> None:
    """On Linux a line edit takes Ctrl+U (delete to the start of the line) before the
    window's shortcut: the box here does the same, and the window's keys keep it."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    from synergy_desk.ui.mail_worker import WindowKeys

    class GreedyBox(QLineEdit):
        def event(self, event: QEvent) -> bool:
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # as Linux's key bindings do for Ctrl+U
                return True
            return super().event(event)

    def press(window: QWidget, box: QLineEdit) -> bool:
        fired: list[bool] = []
        action = QAction("Outbox…", window)
        action.setShortcut(QKeySequence("Ctrl+U"))
        action.triggered.connect(lambda: fired.append(True))
        window.addAction(action)
        box.setFocus()
        qtbot.waitUntil(box.hasFocus)
        qtbot.keyClick(box, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
        return bool(fired)

    for keep in (False, True):
        window = QWidget()
        qtbot.addWidget(window)
        box = GreedyBox(window)
        QVBoxLayout(window).addWidget(box)
        if keep:
            box.installEventFilter(WindowKeys(window, [QKeySequence("Ctrl+U")]))
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        assert press(window, box) is keep
