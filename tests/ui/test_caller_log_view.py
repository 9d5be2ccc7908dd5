"""The caller log window and the desk's own listener: Office ▸ Caller log (Ctrl+D) lists who
rang, missed calls marked, today's or the missed ones only, and opens the caller; the window
listens for the phone system only when the office's settings say so."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor, transaction
from synergy_desk.services.incidents.caller_log import record_phone_event
from synergy_desk.services.office.settings import get_settings, update_settings
from synergy_desk.ui.caller_log_view import CallerLogView, call_state
from synergy_desk.ui.main_window import MainWindow
from tests.services.incidents.test_caller_log import shift
from tests.services.money.test_funding import new_customer
from tests.ui.test_main_window import make_window

KNOWN = "+441632960123"


def calls(reception: Actor) -> t.Customer:
    """A known customer's answered call, their missed one (a call-back), a stranger's missed
    call, and yesterday's call."""
    customer = new_customer("Acme Joinery")
    with transaction():
        t.Customer.update(phone=KNOWN).where(t.Customer.id == customer.id).execute()
    for call_id, number, answered in (("old", "441632960123", True),
                                      ("a-1", "441632960123", True),
                                      ("m-1", "01632960123", False),
                                      ("s-1", "07700900999", False)):
        record_phone_event(reception, {"event": "newCall", "callId": call_id, "from": number,
                                       "to": "200", "direction": "in"})
        if answered:
            record_phone_event(reception, {"event": "answer", "callId": call_id,
                                           "user": ["rita"]})
        record_phone_event(reception, {"event": "hangup", "callId": call_id, "cause": "cancel"})
    shift("old", "started_at", dt.timedelta(days=3))
    return customer


def test_the_caller_log_lists_todays_calls_missed_ones_marked(qtbot: Any, reception: Actor,
                                                              office: dict[str, Any]) -> None:
    customer = calls(reception)
    view = CallerLogView(reception)
    qtbot.addWidget(view)
    view.show()
    assert view.today.isChecked()
    rows = view.model.rows()
    assert [r.call_id for r in rows] == ["s-1", "m-1", "a-1"]  # newest first, today's
    shown = [[view.model.index(i, c).data() for c in range(view.model.columnCount())]
             for i in range(3)]
    assert shown[0][2:5] == ["07700 900999", "Not known", "Missed"]
    assert shown[1][2:5] == ["01632 960123", "Acme Joinery", "Missed — call-back queued"]
    assert shown[2][3:6] == ["Acme Joinery", "Answered", "Rita Reception"]
    missed_font = view.model.index(1, 4).data(Qt.ItemDataRole.FontRole)
    assert missed_font is not None and missed_font.bold()
    assert view.model.index(1, 4).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert view.model.index(2, 4).data(Qt.ItemDataRole.BackgroundRole) is None
    assert view.summary.text() == "3 calls, 2 of them missed"

    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # missed only
    qtbot.waitUntil(view.missed.isChecked)  # a mnemonic clicks as if pressed, a moment later
    assert [r.call_id for r in view.model.rows()] == ["s-1", "m-1"]
    view.missed.setChecked(False)
    qtbot.keyClick(view.table, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # every day's
    qtbot.waitUntil(lambda: not view.today.isChecked())
    assert [r.call_id for r in view.model.rows()] == ["s-1", "m-1", "a-1", "old"]

    with qtbot.waitSignal(view.customer_requested) as opened:
        view.table.doubleClicked.emit(view.model.index(1, 0))
    assert opened.args == [customer.id]
    view.table.setFocus()
    view.table.selectRow(1)
    with qtbot.waitSignal(view.customer_requested) as by_key:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Enter opens the caller too
    assert by_key.args == [customer.id] and view.isVisible()
    view.table.selectRow(0)  # a stranger: nobody to open
    assert not view.open_button.isEnabled()
    view.table.selectRow(2)
    assert view.open_button.isEnabled()


def test_call_states_are_said_in_words(reception: Actor, office: dict[str, Any]) -> None:
    calls(reception)
    ringing = record_phone_event(reception, {"event": "newCall", "callId": "r-1",
                                             "from": "200", "direction": "in"})
    assert call_state(ringing) == "Ringing"
    on_line = record_phone_event(reception, {"event": "answer", "callId": "r-1"})
    assert call_state(on_line) == "On the line"


def test_ctrl_d_opens_the_caller_log_from_the_office_menu_and_it_opens_a_caller(
        qtbot: Any, reception: Actor, office: dict[str, Any], prefs: Any) -> None:
    customer = calls(reception)
    window = make_window(qtbot, reception, prefs)
    action = window.act_caller_log
    assert action.shortcut() == QKeySequence("Ctrl+D")
    assert action in window.office_menu.actions() and action.isVisible()
    assert "Ctrl+D" in action.toolTip()
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    view = window.findChild(CallerLogView, "callerLogView")
    assert view is not None and view.isVisible()
    view.table.doubleClicked.emit(view.model.index(1, 0))
    qtbot.waitUntil(lambda: window.customer_panel.customer_id == customer.id)
    action.trigger()  # a second time: the same window, brought forward
    assert len([w for w in QApplication.topLevelWidgets()
                if isinstance(w, CallerLogView) and w.isVisible()]) == 1
    view.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_window_listens_only_when_the_settings_say_so(qtbot: Any, reception: Actor,
                                                          manager: Actor, prefs: Any) -> None:
    window: MainWindow = make_window(qtbot, reception, prefs)
    qtbot.wait(20)
    assert not window.phone_listener.running  # off by default
    port = free_port()
    saved = update_settings(manager, get_settings().version, phone_listener_enabled=True,
                            phone_listener_port=port)
    window.apply_phone_settings(saved)
    assert window.phone_listener.running
    assert window.phone_listener.address == ("127.0.0.1", port)
    assert f"port {port}" in window.statusBar().currentMessage()
    off = update_settings(manager, saved.version, phone_listener_enabled=False)
    window.apply_phone_settings(off)
    assert not window.phone_listener.running
    window.apply_phone_settings(saved)
    window.close()  # the window closing stops it
    assert not window.phone_listener.running
