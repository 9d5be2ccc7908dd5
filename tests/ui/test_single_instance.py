"""One window per user session: ``synergy-desk call`` and a tel: link hand the number to the
window that listens, which pops the caller up."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from synergy_desk.services.people import customers
from synergy_desk.services.people.customers import ContactInput, CustomerInput
from synergy_desk.ui import single_instance
from synergy_desk.ui.dialogs.log_call import LogCallDialog
from synergy_desk.ui.main_window import MainWindow
from synergy_desk.ui.single_instance import IncomingCalls, hand_over_call, server_name


@pytest.fixture
def instance(monkeypatch: pytest.MonkeyPatch) -> str:
    """A session name of this test's own, so no other desk (or test) gets its calls."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv(single_instance.INSTANCE_VARIABLE, name)
    return name


@pytest.fixture
def listening(qtbot: Any, instance: str) -> Any:
    calls = IncomingCalls()
    assert calls.listen()
    yield calls
    calls.close()


def make_window(qtbot: Any, actor: Any, prefs: Any) -> MainWindow:
    window = MainWindow(actor, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def run_desk_command(qtbot: Any, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``synergy-desk ARGS`` as its own process, this test's window answering meanwhile."""
    env = dict(os.environ)
    env["SYNERGY_DESK_LOG_DIR"] = str(tmp_path / "log")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    process = subprocess.Popen([sys.executable, "-m", "synergy_desk", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    try:
        qtbot.waitUntil(lambda: process.poll() is not None, timeout=60_000)
    finally:
        if process.poll() is None:
            process.kill()
    out, err = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def acme(office: dict[str, Any]) -> customers.CustomerSummary:
    return customers.create_customer(
        office["reception"],
        CustomerInput(name="Acme Ltd", phone="0113 496 0000"),
        contacts=(ContactInput(name="Jane Smith", phone="07700 900123", is_primary=True),
                  ContactInput(name="Raj Patel", phone="07700 900456")))


def popped(qtbot: Any, window: MainWindow) -> LogCallDialog:
    qtbot.waitUntil(lambda: isinstance(window._call_dialog, LogCallDialog)
                    and window._call_dialog.isVisible())
    dialog = window._call_dialog
    assert isinstance(dialog, LogCallDialog)
    return dialog


@pytest.mark.slow
@pytest.mark.parametrize("given", [("call", "07700 900456"), ("tel:+44%207700%20900456",),
                                   ("call", "callto://+447700900456;ext=2")])
def test_synergy_desk_call_pops_the_caller_up_in_the_running_window(
        qtbot: Any, office: dict[str, Any], prefs: Any, tmp_path: Path,
        listening: IncomingCalls, given: tuple[str, ...]) -> None:
    customer = acme(office)
    window = make_window(qtbot, office["reception"], prefs)
    listening.window_opened(window)
    result = run_desk_command(qtbot, tmp_path, *given, "--database", office["url"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "The call from 07700 900456 was handed to the open window."
    dialog = popped(qtbot, window)
    assert dialog.customer_id == customer.id
    assert dialog.contact.currentText() == "Raj Patel"
    assert window.caller_status.text().startswith(
        "Incoming call: 07700 900456 — Raj Patel at Acme Ltd")
    dialog.reject()


@pytest.mark.slow
def test_an_unknown_number_handed_over_opens_the_new_customer_form(
        qtbot: Any, office: dict[str, Any], prefs: Any, tmp_path: Path,
        listening: IncomingCalls) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    listening.window_opened(window)
    result = run_desk_command(qtbot, tmp_path, "tel:+441632960777")
    assert result.returncode == 0, result.stderr
    dialog = popped(qtbot, window)
    assert dialog.customer_id is None and dialog.new_box.isVisible()
    assert dialog.nc_phone.text() == "01632 960777"
    dialog.reject()


def test_a_call_handed_over_before_the_window_opens_pops_up_when_it_does(
        qtbot: Any, office: dict[str, Any], prefs: Any, listening: IncomingCalls) -> None:
    customer = acme(office)
    listening.receive("+441134960000")  # the log-in is still being asked
    qtbot.wait(10)
    window = make_window(qtbot, office["reception"], prefs)
    listening.window_opened(window)
    dialog = popped(qtbot, window)
    assert dialog.customer_id == customer.id and dialog.contact.currentText() == "Jane Smith"
    dialog.reject()


def test_the_hand_over_is_answered_by_the_window_and_refused_by_nobody(
        qtbot: Any, instance: str) -> None:
    assert not hand_over_call("+441134960000", timeout_ms=500)  # no window listens
    calls = IncomingCalls()
    assert calls.listen()
    received: list[str] = []
    calls.call_received.connect(received.append)
    # The hand-over blocks; the window answers on its own thread's loop, so a thread calls.
    import threading

    answers: list[bool] = []
    caller = threading.Thread(target=lambda: answers.append(hand_over_call("+441134960000")))
    caller.start()
    qtbot.waitUntil(lambda: bool(answers) and bool(received), timeout=10_000)
    caller.join()
    assert answers == [True] and received == ["+441134960000"]
    calls.close()


def test_a_second_window_of_the_session_does_not_take_the_calls(
        qtbot: Any, instance: str) -> None:
    first = IncomingCalls()
    assert first.listen()
    second = IncomingCalls()
    assert not second.listen()
    assert first.server.isListening()
    first.close()


@pytest.mark.skipif(os.name == "nt", reason="a named pipe leaves no file behind")
def test_a_socket_left_by_a_window_that_ended_is_taken_over(qtbot: Any, instance: str) -> None:
    from PySide6.QtCore import QDir

    stale = Path(QDir.tempPath()) / server_name()
    stale.write_text("")
    try:
        calls = IncomingCalls()
        assert calls.listen()
        calls.close()
    finally:
        stale.unlink(missing_ok=True)


def test_the_name_is_the_users_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(single_instance.INSTANCE_VARIABLE, raising=False)
    monkeypatch.setattr(single_instance.getpass, "getuser", lambda: "rita")
    assert server_name() == "synergy-desk-rita"
    monkeypatch.setattr(single_instance.getpass, "getuser", lambda: "eddie/../x y")
    assert server_name() == "synergy-desk-eddie_.._x_y"
    monkeypatch.setenv(single_instance.INSTANCE_VARIABLE, "second")
    assert server_name() == "synergy-desk-eddie_.._x_y-second"


def test_the_window_started_for_a_call_pops_the_caller_up_once_logged_in(
        qtbot: Any, qapp: Any, office: dict[str, Any], prefs: Any, instance: str) -> None:
    import synergy_desk.app as desk

    customer = acme(office)
    calls = desk._listen_for_calls(qapp, "+447700900456")  # before the log-in
    try:
        assert calls.server.isListening()
        window = make_window(qtbot, office["reception"], prefs)
        desk._calls_go_to(window)  # what start-up does once the window is shown
        dialog = popped(qtbot, window)
        assert dialog.customer_id == customer.id and dialog.contact.currentText() == "Raj Patel"
        dialog.reject()
    finally:
        calls.close()
        calls.setParent(None)
        calls.deleteLater()


_DROPPED_AFTER_A_HAND_OVER = """
import threading, time
from PySide6.QtWidgets import QApplication
from synergy_desk.ui.single_instance import IncomingCalls, hand_over_call

app = QApplication([])


def hand_over_then_drop():
    calls = IncomingCalls()
    assert calls.listen()
    received, answers = [], []
    calls.call_received.connect(received.append)
    caller = threading.Thread(target=lambda: answers.append(hand_over_call("+441134960000")))
    caller.start()
    while not (answers and received):
        app.processEvents()
        time.sleep(0.001)
    caller.join()
    time.sleep(0.2)  # the caller has hung up; its going is not yet seen by the loop
    calls.close()
    return answers, received


print(hand_over_then_drop())
for _ in range(20):  # the hang-up seen after the object that listened is gone
    app.processEvents()
    time.sleep(0.01)
print("still running")
"""


def test_an_object_that_listened_goes_cleanly_after_a_caller_hangs_up(
        tmp_path: Path, instance: str) -> None:
    """Its own process: this used to end in a segmentation fault (the socket's connection
    held the last reference to the listener, which was deleted from inside the socket's own
    deletion)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", _DROPPED_AFTER_A_HAND_OVER], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["([True], ['+441134960000'])", "still running"]
