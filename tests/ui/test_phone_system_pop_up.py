"""The phone system's events, posted over HTTP to the listener of a real window, pop the
caller up there: log-a-call with the caller found for a known number, the new-customer form
for an unknown one; the call is in the caller log, answered by whom and for how long, and a
missed call from a customer is a call-back in the queue. Without the token nothing happens."""

from __future__ import annotations

from typing import Any

from synergy_desk.models import tables as t
from synergy_desk.services.incidents.caller_log import caller_log
from synergy_desk.services.office.settings import get_settings, update_settings
from synergy_desk.ui.dialogs.log_call import LogCallDialog
from synergy_desk.ui.main_window import MainWindow
from tests.services.money.test_funding import buy_ticket
from tests.ui.test_phone_listener import free_port, post
from tests.ui.test_pop_up_caller import acme, make_window, popped_dialog


def listening_window(qtbot: Any, office: dict[str, Any], prefs: Any) -> MainWindow:
    """Reception's window, listening because the manager turned the phone system on."""
    saved = update_settings(office["manager"], get_settings().version,
                            phone_listener_enabled=True, phone_listener_port=free_port())
    window = make_window(qtbot, office["reception"], prefs)
    window.apply_phone_settings(saved)
    assert window.phone_listener.running
    return window


def test_a_known_callers_new_call_pops_them_up_and_is_logged_answered(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    customer = acme(office)
    buy_ticket(office["reception"], t.Customer.get_by_id(customer.id), size=10)
    window = listening_window(qtbot, office, prefs)
    token = get_settings().phone_listener_token
    assert post(qtbot, window.phone_listener, {
        "event": "newCall", "from": "07700900456", "to": "01134960999", "direction": "in",
        "callId": "pbx-1", "user": ["Reception"]}, token=token)[0] == 200
    dialog = popped_dialog(qtbot, window)
    assert dialog.customer_id == customer.id
    assert dialog.contact.currentText() == "Raj Patel"
    assert window.caller_status.text().startswith("Incoming call: 07700 900456 — Raj Patel")
    reception = office["reception"]
    assert post(qtbot, window.phone_listener, {
        "event": "answer", "callId": "pbx-1", "direction": "in", "from": "07700900456",
        "to": "01134960999", "user": [reception.username]}, token=token)[0] == 200
    assert post(qtbot, window.phone_listener, {
        "event": "hangup", "callId": "pbx-1", "direction": "in", "from": "07700900456",
        "to": "01134960999", "cause": "normalClearing"}, token=token)[0] == 200
    (row,) = caller_log()
    assert (row.call_id, row.customer_id, row.answered_by_id) == (
        "pbx-1", customer.id, reception.id)
    assert row.duration_seconds is not None and row.call_back_id is None
    dialog.reject()


def test_an_unknown_number_pops_up_the_new_customer_form(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = listening_window(qtbot, office, prefs)
    token = get_settings().phone_listener_token
    assert post(qtbot, window.phone_listener, {
        "event": "newCall", "from": "+441632960777", "to": "01134960999", "direction": "in",
        "callId": "pbx-2"}, token=token)[0] == 200
    dialog = popped_dialog(qtbot, window, LogCallDialog)
    assert dialog.customer_id is None
    assert dialog.nc_phone.text().replace(" ", "") == "01632960777"
    dialog.reject()


def test_a_missed_call_from_a_customer_is_a_call_back_and_without_the_token_nothing_pops_up(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    customer = acme(office)
    window = listening_window(qtbot, office, prefs)
    event = {"event": "newCall", "from": "01134960000", "to": "01134960999",
             "direction": "in", "callId": "pbx-3"}
    assert post(qtbot, window.phone_listener, event, token="wrong-token")[0] == 401
    assert post(qtbot, window.phone_listener, event, token=None)[0] == 401
    assert window._call_dialog is None and caller_log() == []
    token = get_settings().phone_listener_token
    assert post(qtbot, window.phone_listener, event, token=token)[0] == 200
    popped_dialog(qtbot, window).reject()
    assert post(qtbot, window.phone_listener, {
        "event": "hangup", "callId": "pbx-3", "direction": "in", "from": "01134960000",
        "to": "01134960999", "cause": "cancel"}, token=token)[0] == 200
    (row,) = caller_log()
    assert row.answered_at is None and row.call_back_id is not None
    call_back = t.CallBack.get_by_id(row.call_back_id)
    assert call_back.customer_id == customer.id and call_back.done_at is None
