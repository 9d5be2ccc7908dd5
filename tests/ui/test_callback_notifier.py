"""Call-backs that remind: the desk a call-back was promised to (every engineer's desk for one
promised to nobody in particular) shows a notification once it falls due, once per desk;
clicking it opens the call-back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QPoint, Qt

from synergy_desk.models.base import utcnow
from synergy_desk.services.incidents import callbacks
from synergy_desk.ui.callbacks_view import CallbacksView
from synergy_desk.ui.main_window import MainWindow
from tests.conftest import PASSWORD
from tests.ui.test_main_window import make_window
from tests.ui.workbench_data import detail, incident_in_progress

MINUTE = dt.timedelta(minutes=1)


def desk(qtbot: Any, office: dict[str, Any], prefs: Any, who: str,
         at: dt.datetime) -> MainWindow:
    window = make_window(qtbot, office[who], prefs)
    window.callback_notifier.stop()  # the test moves the clock and looks itself
    window.callback_notifier.now = lambda: at
    return window


def shown(window: MainWindow) -> list[int]:
    return [n.row.id for n in window.callback_notifier.visible_notices()]


def test_a_call_back_reminds_its_desk_once_when_it_falls_due(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    working = incident_in_progress(office)
    customer_id = detail(working.id).customer_id
    now = utcnow()
    promised = callbacks.schedule_callback(
        office["reception"], customer_id, now + 10 * MINUTE, "Ring with the fix",
        incident_id=working.id, assigned_to=office["engineer"].id)
    clock = [now]
    eddie = desk(qtbot, office, prefs, "engineer", now)
    eddie.callback_notifier.now = lambda: clock[0]
    assert eddie.callback_notifier.check() == [] and shown(eddie) == []  # not due yet
    clock[0] = now + 11 * MINUTE
    assert [r.id for r in eddie.callback_notifier.check()] == [promised.id]
    assert shown(eddie) == [promised.id]
    [notice] = eddie.callback_notifier.visible_notices()
    assert notice.objectName() == "callbackNotification"
    assert working.reference in notice.text.text()
    assert "Ring with the fix" in notice.text.text()
    assert eddie.rect().contains(notice.geometry())  # inside the window, not cut off
    # The next looks do not show it again, even once it is put away.
    notice.close_button.click()
    clock[0] = now + 20 * MINUTE
    assert eddie.callback_notifier.check() == [] and shown(eddie) == []


def test_an_unassigned_call_back_reminds_every_engineer_but_not_reception(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    working = incident_in_progress(office)
    now = utcnow()
    anyone = callbacks.schedule_callback(office["reception"], detail(working.id).customer_id,
                                         now + MINUTE, "Any engineer")
    later = now + 5 * MINUTE
    for who in ("engineer", "engineer2"):
        window = desk(qtbot, office, prefs, who, later)
        assert [r.id for r in window.callback_notifier.check()] == [anyone.id], who
        window.close()
    rita = desk(qtbot, office, prefs, "reception", later)
    assert rita.callback_notifier.check() == []


def test_one_promised_to_reception_reminds_reception_only(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    working = incident_in_progress(office)
    now = utcnow()
    hers = callbacks.schedule_callback(office["reception"], detail(working.id).customer_id,
                                       now + MINUTE, "Rita rings", assigned_to=office["reception"].id)
    later = now + 5 * MINUTE
    rita = desk(qtbot, office, prefs, "reception", later)
    assert [r.id for r in rita.callback_notifier.check()] == [hers.id]
    eddie = desk(qtbot, office, prefs, "engineer", later)
    assert eddie.callback_notifier.check() == []


def test_clicking_the_notification_opens_the_call_back(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    working = incident_in_progress(office)
    customer_id = detail(working.id).customer_id
    now = utcnow()
    promised = callbacks.schedule_callback(office["reception"], customer_id, now + MINUTE,
                                           "Ring", incident_id=working.id,
                                           assigned_to=office["reception"].id)
    rita = desk(qtbot, office, prefs, "reception", now + 2 * MINUTE)
    rita.callback_notifier.check()
    [notice] = rita.callback_notifier.visible_notices()
    qtbot.mouseClick(notice, Qt.MouseButton.LeftButton, pos=QPoint(20, 10))
    assert rita.detail.incident_id == working.id  # its incident, and its customer
    assert rita.customer_panel.customer_id == customer_id
    [view] = [w for w in rita._windows if isinstance(w, CallbacksView)]
    qtbot.addWidget(view)
    assert view.selected() is not None and view.selected().id == promised.id
    assert view.done_button.isEnabled()  # reception marks it done from there
    assert shown(rita) == []


def test_a_locked_desk_shows_no_notification_until_it_is_unlocked(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    working = incident_in_progress(office)
    now = utcnow()
    promised = callbacks.schedule_callback(office["reception"], detail(working.id).customer_id,
                                           now + MINUTE, "", assigned_to=office["engineer"].id)
    eddie = desk(qtbot, office, prefs, "engineer", now + 2 * MINUTE)
    eddie.lock()
    assert eddie.callback_notifier.check() == []
    eddie.lock_screen.password.setText(PASSWORD)
    assert eddie.lock_screen.unlock()
    assert shown(eddie) == [promised.id]


def test_many_falling_due_at_once_are_a_few_notifications_and_one_for_the_rest(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    working = incident_in_progress(office)
    customer_id = detail(working.id).customer_id
    now = utcnow()
    promised = [callbacks.schedule_callback(office["reception"], customer_id,
                                            now + (i + 1) * MINUTE, f"Call {i}")
                for i in range(5)]
    eddie = desk(qtbot, office, prefs, "engineer", now + 10 * MINUTE)
    assert len(eddie.callback_notifier.check()) == 5
    notices = eddie.callback_notifier.visible_notices()
    assert [n.more for n in notices] == [0, 0, 3]
    assert [n.row.id for n in notices[:2]] == [promised[0].id, promised[1].id]
    assert "3 more call-backs due" in notices[2].text.text()
    notices[2].open_button.click()
    assert [w for w in eddie._windows if isinstance(w, CallbacksView)]
    assert eddie.callback_notifier.check() == []  # each shown once
