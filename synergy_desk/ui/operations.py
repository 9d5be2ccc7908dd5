"""Calling the services from the window: what goes wrong reaches the user in one way.

A service raises the domain's errors (:class:`~synergy_desk.domain.errors.DomainError`), each
with words a person can read; they become a message box. Anything else is a bug: the crash
dialog and the log. Both go through :func:`synergy_desk.ui.errors.show_error`, looked up on
its module at the moment of showing, so that there is one display (and one place for a test
to replace it).

Three shapes, for three kinds of call:

- :func:`call` for one synchronous service call: its result, or None once the error has been
  shown;
- :func:`reporting_errors` for a block of several steps, with an optional ``failure`` for a
  place that handles errors its own way (a lost connection shown in the status bar);
- :class:`Op` for work on the background helper: callbacks arrive on the GUI thread, by
  default a failure is shown like any other, and nothing is called once the widget that
  asked has gone, or once a newer run of the same job has started (:class:`Latest`).

:func:`allowed` asks the services' own role check before a dialog opens, so that nobody fills
in a form that is bound to be refused (the service still refuses on its own).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, ParamSpec, TypeVar

from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import OfficeReplaced
from synergy_desk.services.common import Actor, require
from synergy_desk.ui import errors
from synergy_desk.ui.worker import Background

__all__ = ["Latest", "Op", "Outcome", "allowed", "call", "reporting_errors"]

log = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")

#: What to do with an error instead of showing it.
Failure = Callable[[Exception], None]


class Outcome:
    """How a :func:`reporting_errors` block ended: ``error`` is what stopped it, if anything."""

    def __init__(self) -> None:
        self.error: Exception | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


@contextmanager
def reporting_errors(parent: QWidget | None, *,
                     failure: Failure | None = None) -> Iterator[Outcome]:
    """Run a block; an error that escapes it is shown (or given to ``failure``), not raised.

    Example::

        with reporting_errors(self) as outcome:
            info = tickets.adjust(self.actor, ticket_id, delta, reason)
        if outcome.failed:
            return

    Args:
        parent: the widget the message belongs to.
        failure: handles the error instead of the one display (it may show it itself through
            ``errors.show_error``); an error it raises in turn is shown.
    """
    outcome = Outcome()
    try:
        yield outcome
    except Exception as exc:  # noqa: BLE001 - the one place errors reach the user
        outcome.error = exc
        _fail(parent, exc, failure)


def _fail(parent: QWidget | None, exc: Exception, failure: Failure | None) -> None:
    # An office replaced under the desk is the whole window's business, not a form's: it
    # always reaches the one display, which takes the desk back to the log-in.
    if failure is None or isinstance(exc, OfficeReplaced):
        errors.show_error(parent, exc)
        return
    try:
        failure(exc)
    except Exception as raised:  # noqa: BLE001 - a handler's own bug is shown like any other
        errors.show_error(parent, raised)


def call(parent: QWidget | None, fn: Callable[P, T], *args: P.args,
         **kwargs: P.kwargs) -> T | None:
    """Call a service; its result, or None once what went wrong has been shown."""
    with reporting_errors(parent):
        return fn(*args, **kwargs)
    return None


def allowed(parent: QWidget | None, actor: Actor, roles: Iterable[Role], doing: str) -> bool:
    """Whether the actor may do this now, by the services' own rule and words; when not, the
    refusal has been shown.

    Example::

        if not allowed(parent, actor, MANAGERS, "waive a charge"):
            return None
    """
    with reporting_errors(parent) as outcome:
        require(actor, roles, doing)
    return not outcome.failed


class Latest:
    """Runs of one job where only the newest one's answer counts (a search as you type, a
    report run again with other dates).

    Example::

        self._searches = Latest()
        ...
        Op(self, self._background, search).unless(self._searches.start()) \\
            .success(self._on_results).run()

    A run's answer is dropped, with no callback called, once a newer run has started or
    :meth:`forget` was called.
    """

    def __init__(self) -> None:
        self._runs = 0

    def start(self) -> Callable[[], bool]:
        """A new run; returns its test "is this run's answer stale?" for :meth:`Op.unless`."""
        self._runs += 1
        run = self._runs
        return lambda: run != self._runs

    def forget(self) -> None:
        """No run started so far is wanted any more (the question was changed)."""
        self._runs += 1


class Op(Generic[T]):
    """One job on the background helper, its outcome handled on the GUI thread.

    Example::

        Op(self, self._background, render) \\
            .success(self._on_rendered) \\
            .finally_(lambda: self.message.clear()) \\
            .run(pdf=True)

    By default a failure is shown like any other error; ``failure`` replaces that. A success
    or failure callback that raises is shown too. When ``parent`` has been deleted by the time
    the job ends (its window closed), no callback is called: there is nobody to tell; nor when
    the answer is stale (:meth:`unless`), as a newer run's answer is coming.
    """

    def __init__(self, parent: QWidget | None, background: Background,
                 fn: Callable[[], T]) -> None:
        self._parent = parent
        self._background = background
        self._fn = fn
        self._on_success: Callable[[T], object] | None = None
        self._on_failure: Failure | None = None
        self._on_finally: Callable[[], object] | None = None
        self._stale: Callable[[], bool] | None = None

    def success(self, callback: Callable[[T], object]) -> Op[T]:
        """Called with the job's result."""
        self._on_success = callback
        return self

    def failure(self, callback: Failure) -> Op[T]:
        """Called with the job's error, instead of showing it."""
        self._on_failure = callback
        return self

    def finally_(self, callback: Callable[[], object]) -> Op[T]:
        """Called when the job has ended, whatever the outcome, before success or failure.

        The place to hide a progress bar or enable a button again, so that the window is
        right before any message about the outcome is shown.
        """
        self._on_finally = callback
        return self

    def unless(self, stale: Callable[[], bool]) -> Op[T]:
        """Drop the answer, calling nothing, when ``stale()`` is true as the job ends
        (usually :meth:`Latest.start`)."""
        self._stale = stale
        return self

    def run(self, *, pdf: bool = False) -> None:
        """Start the job (``pdf``: on the single PDF thread, ReportLab not being re-entrant)."""
        self._background.run(self._fn, self._done, self._failed, pdf=pdf)

    def _gone(self) -> bool:
        if self._parent is not None and not isValid(self._parent):
            log.debug("A background job ended after its window closed")
            return True
        if self._stale is not None and self._stale():
            log.debug("A background job's answer was overtaken by a newer run")
            return True
        return False

    def _ended(self) -> bool:
        """Run the finally callback; False when nothing more should be done."""
        if self._gone():
            return False
        if self._on_finally is not None:
            with reporting_errors(self._parent):
                self._on_finally()
        return True

    def _done(self, result: Any) -> None:
        if not self._ended() or self._on_success is None:
            return
        with reporting_errors(self._parent):
            self._on_success(result)

    def _failed(self, exc: BaseException) -> None:
        if not self._ended():
            return
        assert isinstance(exc, Exception)  # the worker hands over only Exceptions
        _fail(self._parent, exc, self._on_failure)
