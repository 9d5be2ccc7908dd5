"""Reception's path counted as a receptionist would press it, in the real window.

A typed string is one action, each key press or shortcut is one. The window is driven by key
events only: nothing in the counted path calls a method of the window or a dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from synergy_desk.domain.enums import FundingKind, IncidentStatus, PaymentMethod
from synergy_desk.models import tables as t
from synergy_desk.services.money import payments
from synergy_desk.services.people import customers
from synergy_desk.ui.main_window import MainWindow

#: A step of the script: keys to press, text to type, or a condition to wait for.
Step = tuple[str, Any]


def keys(sequence: str) -> Step:
    return ("keys", sequence)


def typed(text: str) -> Step:
    return ("type", text)


def until(condition: Callable[[], bool], what: str) -> Step:
    return ("wait", (condition, what))


class Receptionist:
    """Presses the script's keys where the keyboard focus is, one step at a time, as the
    window and its dialogs open; counts every action.

    A key that opens a modal dialog does not return until the dialog closes, so each step is
    pressed from a timer of its own while a watcher moves the script on.
    """

    def __init__(self, script: Iterator[Step]) -> None:
        self.actions = 0
        self.pressed: list[str] = []
        self.waiting_for = ""
        self.done = False
        self._script = script
        self._busy = False
        self._watch = QTimer()
        self._watch.setInterval(10)
        self._watch.timeout.connect(self._on_watch_timeout)
        self._step: Step | None = None
        self._next()
        self._watch.start()

    def _next(self) -> None:
        self._step = next(self._script, None)
        if self._step is None:
            self.done = True
            self._watch.stop()

    def _on_watch_timeout(self) -> None:
        if self._busy or self._step is None:
            return
        kind, value = self._step
        if kind == "wait":
            condition, self.waiting_for = value
            if condition():
                self.waiting_for = ""
                self._next()
            return
        self._busy = True
        QTimer.singleShot(0, self._press)

    def _press(self) -> None:
        assert self._step is not None
        kind, value = self._step
        self._next()
        self._busy = False
        target = QApplication.focusWidget() or QApplication.activeWindow()
        assert target is not None, "nowhere for the keys to go"
        self.actions += 1
        self.pressed.append(f"{value!r}" if kind == "type" else value)
        if kind == "type":
            QTest.keyClicks(target, value)
        else:
            QTest.keySequence(target, QKeySequence(value))


def make_window(qtbot: Any, office: dict[str, Any], prefs: Any) -> MainWindow:
    window = MainWindow(office["reception"], prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.table.setFocus()
    return window


def modal(name: str) -> Callable[[], bool]:
    def shown() -> bool:
        widget = QApplication.activeModalWidget()
        return widget is not None and widget.objectName() == name and widget.isVisible()
    return shown


def focus_on(name: str) -> Callable[[], bool]:
    def there() -> bool:
        widget = QApplication.focusWidget()
        return widget is not None and widget.objectName() == name
    return there


def run(qtbot: Any, script: Iterator[Step], finished: Callable[[], bool]) -> Receptionist:
    desk = Receptionist(script)
    stuck: list[str] = []

    def give_up() -> None:
        # A dialog left open would hold the test in its loop for ever: close them all, each
        # once; one that refuses to close (a lock) is left for the window's own teardown.
        stuck.append(f"stuck after {desk.pressed}, waiting for {desk.waiting_for or 'the end'}"
                     f" (focus on {QApplication.focusWidget()})")
        desk.done = True
        closed: list[QWidget] = []
        while (widget := QApplication.activeModalWidget()) is not None and widget not in closed:
            closed.append(widget)
            if isinstance(widget, QDialog):
                widget.done(QDialog.DialogCode.Rejected)  # no question asked on the way out
            else:
                widget.close()

    # The timer is this run's alone: stopped when the run ends, it cannot fire in a later test.
    limit = QTimer()
    limit.setSingleShot(True)
    limit.setInterval(20_000)
    limit.timeout.connect(give_up)
    limit.start()
    try:
        qtbot.waitUntil(lambda: stuck != [] or (desk.done and finished()), timeout=30_000)
    finally:
        limit.stop()
    if stuck:
        pytest.fail(stuck[0], pytrace=False)
    return desk


@pytest.fixture
def ticket_holder(office: dict[str, Any]) -> customers.CustomerSummary:
    """A known caller with a season ticket."""
    caller = customers.create_customer(
        office["reception"], customers.CustomerInput(
            name="Harriet Oduya", company="Oduya Joinery Ltd", phone="01632 960123",
            address="4 Mill Lane\nLeeds", postcode="LS6 2AB"))
    payments.take_payment(office["reception"], payments.PaymentInput(
        customer_id=caller.id, ticket_size=10, method=PaymentMethod.CASH,
        tendered_pence=1_000_000))
    return caller


def test_a_known_caller_with_a_season_ticket_found_by_search_is_queued_and_funded_in_6(
        qtbot: Any, office: dict[str, Any], prefs: Any,
        ticket_holder: customers.CustomerSummary) -> None:
    window = make_window(qtbot, office, prefs)
    subject = "Year-end close stops at step 4"

    def script() -> Iterator[Step]:
        yield keys("Ctrl+K")
        yield typed("Oduya")
        yield until(lambda: window.search.popup.isVisible()
                    and window.search.popup.currentItem() is not None, "the search's answer")
        yield keys("Return")
        yield until(lambda: window.customer_panel.customer_id == ticket_holder.id,
                    "the caller in the panel")
        yield keys("Ctrl+L")
        yield until(modal("logCallDialog"), "log a call")
        yield until(focus_on("logCallSubject"), "the subject")
        yield typed(subject)
        yield keys("Ctrl+Shift+T")

    def funded_and_queued() -> bool:
        incident = t.Incident.get_or_none(t.Incident.subject == subject)
        return incident is not None and incident.funding == FundingKind.TICKET \
            and incident.status == IncidentStatus.QUEUED

    desk = run(qtbot, script(), funded_and_queued)
    incident = t.Incident.get(t.Incident.subject == subject)
    assert incident.customer_id == ticket_holder.id
    print(f"keyboard budget: known caller with a season ticket, found by search, to a funded, "
          f"queued incident: {desk.actions} actions ({', '.join(desk.pressed)})")
    assert desk.actions <= 6


def test_a_new_caller_paying_by_card_reaches_the_receipt_in_15(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = make_window(qtbot, office, prefs)
    subject = "Cannot print payslips"

    def preview_open() -> bool:
        return any(w.objectName() == "pdfPreview" and w.isVisible()
                   for w in QApplication.topLevelWidgets())

    def script() -> Iterator[Step]:
        yield keys("Ctrl+L")
        yield until(modal("logCallDialog"), "log a call")
        yield typed("Priya Raman")
        yield keys("Ctrl+N")
        yield until(focus_on("newCustomerPhone"), "the new customer's phone")
        yield typed("0113 496 0000")
        yield keys("Return")
        yield until(focus_on("logCallSubject"), "the subject")
        yield typed(subject)
        yield keys("Ctrl+Shift+Return")
        yield until(modal("paymentDialog"), "the payment")
        yield from card_payment()

    def card_payment() -> Iterator[Step]:
        yield until(focus_on("paymentMethod"), "the payment method")
        yield keys("Down")
        yield keys("Tab")
        yield until(focus_on("cardBrand"), "the card brand")
        yield typed("Visa")
        yield keys("Tab")
        yield typed("4242")
        yield keys("Tab")
        yield typed("AB1234")
        yield keys("Return")

    desk = run(qtbot, script(), preview_open)
    incident = t.Incident.get(t.Incident.subject == subject)
    assert incident.customer.name == "Priya Raman"
    assert incident.customer.phone.replace(" ", "").endswith("1134960000")
    assert incident.funding == FundingKind.PAYMENT
    assert window.customer_panel.customer_id == incident.customer_id
    payment = t.Payment.get()
    assert payment.method == PaymentMethod.CARD and payment.card_last4 == "4242"
    print(f"keyboard budget: new caller paying by card, Ctrl+L to the receipt preview: "
          f"{desk.actions} actions ({', '.join(desk.pressed)})")
    assert desk.actions <= 15
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QWidget) and widget.objectName() == "pdfPreview":
            widget.close()
