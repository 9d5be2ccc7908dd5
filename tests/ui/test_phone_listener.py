"""The phone system's listener, over real HTTP on the loopback address: events with the office's
token are recorded in the caller log, a missed call from a known customer becomes a call-back,
an incoming call rings the desk; without the token nothing is recorded."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor, transaction
from synergy_desk.services.incidents import callbacks
from synergy_desk.services.incidents.caller_log import CTI_PATH, caller_log
from synergy_desk.ui.phone_listener import PhoneListener
from tests.services.money.test_funding import new_customer

TOKEN = "Zq" * 20
KNOWN = "+441632960123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def listener(qtbot: Any, reception: Actor) -> Iterator[PhoneListener]:
    phone = PhoneListener(reception)
    assert phone.start(free_port(), TOKEN)
    yield phone
    phone.stop()


@pytest.fixture
def known(office: dict[str, Any]) -> t.Customer:
    customer = new_customer("Acme Joinery")
    with transaction():
        t.Customer.update(phone=KNOWN).where(t.Customer.id == customer.id).execute()
    return customer


def post(qtbot: Any, listener: PhoneListener, fields: dict[str, Any], *, token: str | None = TOKEN,
         as_json: bool = False, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """POST an event from another thread while the window's thread runs, as a phone system
    would; the status and message answered."""
    assert listener.address is not None
    url = f"http://127.0.0.1:{listener.address[1]}{CTI_PATH}{token or ''}"
    if as_json:
        body = json.dumps(fields).encode()
        kind = "application/json"
    else:
        body = urllib.parse.urlencode(
            [(k + "[]", v) for k, vs in fields.items() if isinstance(vs, list) for v in vs]
            + [(k, v) for k, v in fields.items() if not isinstance(v, list)]).encode()
        kind = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, body, {"Content-Type": kind, **(headers or {})},
                                     method="POST")
    answer: list[tuple[int, str]] = []

    def send() -> None:
        try:
            with urllib.request.urlopen(request, timeout=20) as reply:  # noqa: S310 - loopback
                answer.append((reply.status, json.loads(reply.read())["message"]))
        except urllib.error.HTTPError as refused:
            answer.append((refused.code, json.loads(refused.read())["message"]))

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    qtbot.waitUntil(lambda: bool(answer), timeout=20_000)
    sender.join(5)
    return answer[0]


def test_a_call_answered_and_ended_is_in_the_caller_log(qtbot: Any, listener: PhoneListener,
                                                        known: t.Customer,
                                                        office: dict[str, Any]) -> None:
    with qtbot.waitSignal(listener.call_rang, timeout=10_000) as rang:
        assert post(qtbot, listener, {"event": "newCall", "from": "441632960123",
                                      "to": "441632000999", "direction": "in",
                                      "callId": "4711", "user": ["Rita Reception"]}) \
            == (200, "Recorded.")
    assert rang.args == [KNOWN]
    assert post(qtbot, listener, {"event": "answer", "callId": "4711", "direction": "in",
                                  "user": ["eddie"], "from": "441632960123"}) == (200,
                                                                                  "Recorded.")
    assert post(qtbot, listener, {"event": "hangup", "callId": "4711", "cause": "normalClearing",
                                  "direction": "in"}, as_json=True) == (200, "Recorded.")
    [call] = caller_log()
    assert (call.customer_name, call.answered_by_name, call.outcome) == (
        "Acme Joinery", "Eddie Engineer", "answered")
    assert callbacks.due_callbacks() == []


def test_a_missed_call_becomes_a_call_back(qtbot: Any, listener: PhoneListener,
                                           known: t.Customer) -> None:
    post(qtbot, listener, {"event": "newCall", "from": "01632 960123", "to": "200",
                           "direction": "in", "callId": "m-1"})
    for _twice in range(2):
        assert post(qtbot, listener, {"event": "hangup", "callId": "m-1", "cause": "cancel",
                                      "direction": "in"},
                    headers={"X-Synergy-Token": TOKEN}, token="") == (200, "Recorded.")
    [call] = caller_log(missed_only=True)
    [due] = callbacks.due_callbacks()
    assert call.call_back_id == due.id and due.customer_id == known.id
    assert due.note.startswith("Missed call from 01632 960123")


@pytest.mark.parametrize("token", [None, "wrong-token-of-the-right-length-xx"])
def test_without_the_token_nothing_is_recorded(qtbot: Any, listener: PhoneListener,
                                               known: t.Customer, token: str | None) -> None:
    rang: list[str] = []
    listener.call_rang.connect(rang.append)
    status, text = post(qtbot, listener, {"event": "newCall", "from": "441632960123",
                                          "direction": "in", "callId": "x-1"}, token=token)
    assert (status, text) == (401, "The request does not carry this office's token.")
    qtbot.wait(50)
    assert caller_log() == [] and rang == []


def test_a_bad_or_unknown_event_is_told_in_one_line(qtbot: Any, listener: PhoneListener,
                                                    known: t.Customer) -> None:
    assert post(qtbot, listener, {"event": "ring", "callId": "b-1"}) == (
        400, "“ring” is not a call event (newCall, answer or hangup).")
    status, text = post(qtbot, listener, {"event": "hangup", "callId": "b-2"})
    assert status == 404 and text.endswith("never rang here; nothing was recorded.")
    assert caller_log() == [] and t.CallBack.select().count() == 0


def test_an_outgoing_call_rings_nobody_up(qtbot: Any, listener: PhoneListener,
                                          known: t.Customer) -> None:
    rang: list[str] = []
    listener.call_rang.connect(rang.append)
    post(qtbot, listener, {"event": "newCall", "from": "200", "to": "01632960123",
                           "direction": "out", "callId": "o-1"})
    assert rang == [] and caller_log()[0].customer_id == known.id


def test_a_port_in_use_is_told_and_the_desk_carries_on(qtbot: Any, reception: Actor) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        phone = PhoneListener(reception)
        with qtbot.waitSignal(phone.notice) as told:
            assert not phone.start(port, TOKEN)
        assert f"could not use port {port}" in told.args[0]
        assert not phone.running


def test_it_listens_on_the_loopback_address_unless_opened(qtbot: Any, reception: Actor) -> None:
    phone = PhoneListener(reception)
    try:
        assert phone.start(free_port(), TOKEN)
        assert phone.address is not None and phone.address[0] == "127.0.0.1"
        assert phone.start(free_port(), TOKEN, open_to_network=True)
        assert phone.address is not None and phone.address[0] == "0.0.0.0"
    finally:
        phone.stop()
    assert not phone.running


def test_the_log_never_holds_the_offices_token(qtbot: Any, listener: PhoneListener,
                                               known: t.Customer,
                                               caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="synergy_desk.ui.phone_listener"):
        assert post(qtbot, listener, {"event": "newCall", "from": "441632960123",
                                      "to": "441632000999", "direction": "in",
                                      "callId": "4712"})[0] == 200
        assert post(qtbot, listener, {"event": "newCall"}, token="a-wrong-guess")[0] == 401
        qtbot.waitUntil(lambda: sum("Phone system" in r.getMessage()
                                    for r in caplog.records) >= 2)
    lines = [r.getMessage() for r in caplog.records if "Phone system" in r.getMessage()]
    assert all(TOKEN not in line and "a-wrong-guess" not in line for line in lines), lines
    assert any(f"{CTI_PATH}…" in line for line in lines), lines


def test_a_client_that_stops_half_way_lets_go_of_its_thread() -> None:
    from synergy_desk.ui.phone_listener import _handler

    assert _handler(PhoneListener.__new__(PhoneListener)).timeout == 10
