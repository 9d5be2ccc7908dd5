"""Fixtures for the window's tests: preferences in a temporary INI file, the one error display
replaced for every test, a plain parent widget, the background helper (real, or one that runs
its jobs at once) and a customer who rings."""

from __future__ import annotations

import gc
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from synergy_desk.domain.errors import DomainError
from synergy_desk.services.people import customers
from synergy_desk.ui import errors
from synergy_desk.ui.prefs import Preferences
from synergy_desk.ui.worker import Background


class MemoryKeyring(KeyringBackend):
    """A credential store in memory, so no test reads or writes the real one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def credential_store() -> Iterator[MemoryKeyring]:
    """Every window test keeps passwords in memory (a test may swap in keyring's fail
    backend: a computer with no store)."""
    saved = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(saved)


@pytest.fixture(autouse=True)
def garbage_on_the_gui_thread() -> Iterator[None]:
    """Reference cycles are collected on the window's thread only, as the program does
    (``app.collect_garbage_on_gui_thread``): a collection set off by a background job's
    allocation would free Qt objects off their thread and crash the run."""
    enabled = gc.isenabled()
    gc.disable()
    yield
    gc.collect()
    if enabled:
        gc.enable()


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    return Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))


class ShownErrors:
    """Stands in for the one error display: remembers what would have been shown.

    A crash dialog (anything but a domain error) fails the test, unless the test said it
    expects one with :meth:`expect_crash`.
    """

    def __init__(self) -> None:
        #: Everything shown, in order: domain errors as messages, anything else as crashes.
        self.shown: list[BaseException] = []
        self.crashes: list[BaseException] = []
        self._crash_expected = False

    @property
    def messages(self) -> list[DomainError]:
        """The domain errors shown as a message box."""
        return [exc for exc in self.shown if isinstance(exc, DomainError)]

    def expect_crash(self) -> None:
        """This test means to reach the crash dialog."""
        self._crash_expected = True

    def show_error(self, parent: object, exc: BaseException) -> None:
        self.shown.append(exc)
        if not isinstance(exc, DomainError):
            self.crashes.append(exc)

    def show_crash(self, parent: object, exc_type: type[BaseException], exc: BaseException,
                   tb: Any) -> None:
        self.shown.append(exc)
        self.crashes.append(exc)

    def check(self) -> None:
        if self.crashes and not self._crash_expected:
            details = "\n".join("".join(traceback.format_exception(exc))
                                for exc in self.crashes)
            pytest.fail(f"The crash dialog was shown:\n{details}", pytrace=False)
        if self._crash_expected and not self.crashes:
            pytest.fail("A crash dialog was expected but none was shown.", pytrace=False)


@pytest.fixture(autouse=True)
def shown_errors(request: pytest.FixtureRequest,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[ShownErrors]:
    """The error display of every window test; a test marked ``real_error_display`` keeps
    the real message boxes (and answers them itself)."""
    recorder = ShownErrors()
    if request.node.get_closest_marker("real_error_display") is None:
        monkeypatch.setattr(errors, "show_error", recorder.show_error)
        monkeypatch.setattr(errors, "show_crash", recorder.show_crash)
    yield recorder
    recorder.check()


class InlineBackground(Background):
    """A background helper that runs each job at once, on the GUI thread.

    The callbacks are called before ``run`` returns, so a test need not wait for them.
    """

    def __init__(self) -> None:
        super().__init__()
        self.jobs = 0

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None], *, pdf: bool = False) -> None:
        self.jobs += 1
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - handed over like the worker thread does
            on_error(exc)
            return
        on_done(result)

    def wait(self, msecs: int = 5000) -> bool:
        return True


@pytest.fixture
def inline_background() -> InlineBackground:
    return InlineBackground()


@pytest.fixture
def window(qtbot: Any) -> QWidget:
    """A plain widget to parent what a test opens."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def background(qtbot: Any) -> Iterator[Background]:
    """The real background helper; the test waits for its jobs to end."""
    worker = Background()
    yield worker
    assert worker.wait(20_000)


@pytest.fixture
def caller(office: dict[str, Any]) -> customers.CustomerSummary:
    """A customer who rings in."""
    return customers.create_customer(
        office["reception"],
        customers.CustomerInput(name="Harriet Oduya", company="Oduya Joinery Ltd",
                                phone="01632 960123", email="harriet@oduya.example",
                                postcode="LS6 2AB", address="4 Mill Lane\nLeeds"))
