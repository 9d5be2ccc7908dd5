"""Background work whose results always come back on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self._fn = fn
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        from synergy_desk.models.base import db

        try:
            try:
                result = self._fn()
            except Exception as exc:  # noqa: BLE001 - handed to the GUI thread
                self.signals.failed.emit(exc)
            else:
                self.signals.finished.emit(result)
        except RuntimeError:
            # The window that asked has gone (the program is closing): nobody to tell.
            log.debug("A background job ended after its window closed")
        finally:
            # The worker thread opened its own connection; give it back.
            if db.obj is not None and not db.obj.is_closed():
                db.obj.close()


class Background(QObject):
    """Runs callables on a thread pool; callbacks run on the GUI thread via queued signals."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._pdf_pool = QThreadPool(self)
        self._pdf_pool.setMaxThreadCount(1)  # ReportLab is not re-entrant across threads
        self._live: set[_Signals] = set()

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None], *, pdf: bool = False) -> None:
        signals = _Signals()
        self._live.add(signals)

        def done(result: object) -> None:
            self._live.discard(signals)
            on_done(result)

        def failed(exc: object) -> None:
            self._live.discard(signals)
            assert isinstance(exc, BaseException)
            on_error(exc)

        signals.finished.connect(done)
        signals.failed.connect(failed)
        (self._pdf_pool if pdf else self._pool).start(_Job(fn, signals))

    def wait(self, msecs: int = 5000) -> bool:
        return self._pool.waitForDone(msecs) and self._pdf_pool.waitForDone(msecs)
