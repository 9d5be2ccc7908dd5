"""Pieces of database work run on several connections at once, each starting once the pieces it
needs are done.

copy-to commits a large office's rows first and then makes its indexes, keys and search texts
over them; one connection runs one statement at a time, so two connections ("lanes") keep both
of the server's cores busy. A lane is a thread with a connection of its own (the models'
database hands each thread its own). The first piece that fails stops the rest: the other
lanes' statements are cancelled, no further piece is started, and its error is raised.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from synergy_desk.models.base import db

__all__ = ["Piece", "run_lanes"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Piece:
    """A piece of work: ``run`` is called in a lane once every piece named in ``after`` is done."""

    name: str
    run: Callable[[], None]
    after: frozenset[str] = field(default_factory=frozenset)


class _Board:
    """What is waiting, done and failed, shared by the lanes under one lock."""

    def __init__(self, pieces: Sequence[Piece],
                 done_callback: Callable[[int, int], None] | None) -> None:
        self.waiting = list(pieces)
        self.total = len(pieces)
        self.done: set[str] = set()
        self.errors: list[BaseException] = []
        self.connections: list[Any] = []
        self.changed = threading.Condition()
        self.done_callback = done_callback

    def take(self) -> Piece | None:
        """The first waiting piece whose pieces before it are done (waiting for one), or None
        when nothing is left or something failed."""
        with self.changed:
            while not self.errors and self.waiting:
                for index, piece in enumerate(self.waiting):
                    if piece.after <= self.done:
                        return self.waiting.pop(index)
                self.changed.wait()
            return None

    def wait_for(self, names: frozenset[str]) -> bool:
        """Wait until every piece named is done (True), or something failed (False)."""
        with self.changed:
            while not self.errors and not names <= self.done:
                self.changed.wait()
            return not self.errors

    def finished(self, piece: Piece) -> None:
        with self.changed:
            self.done.add(piece.name)
            if self.done_callback is not None:
                self.done_callback(len(self.done), self.total)
            self.changed.notify_all()

    def failed(self, exc: BaseException) -> None:
        """Note the failure, and cancel what the other lanes' connections are running."""
        with self.changed:
            self.errors.append(exc)
            self.changed.notify_all()
            connections = list(self.connections)
        for connection in connections:
            try:
                connection.cancel()
            except Exception:  # noqa: BLE001 - a connection already closed has nothing to cancel
                log.debug("Could not cancel a lane's statement", exc_info=True)


def _lane(board: _Board) -> None:
    connection: Any = None
    try:
        connection = db.connection()
        with board.changed:
            board.connections.append(connection)
        while (piece := board.take()) is not None:
            began = time.perf_counter()
            try:
                piece.run()
            except BaseException as exc:  # noqa: BLE001 - raised again by run_lanes
                board.failed(exc)
                return
            log.debug("%s took %.1f s", piece.name, time.perf_counter() - began)
            board.finished(piece)
    except BaseException as exc:  # noqa: BLE001 - the connection could not be had
        board.failed(exc)
    finally:
        with board.changed:
            if connection is not None:
                board.connections.remove(connection)
        db.close()


def run_lanes(pieces: Sequence[Piece], lanes: int, *,
              beside: Callable[[], Any] | None = None,
              beside_after: frozenset[str] = frozenset(),
              done_callback: Callable[[int, int], None] | None = None) -> Any:
    """Run ``pieces`` on ``lanes`` threads, each with its own connection; each piece starts
    once the pieces it is ``after`` are done, and otherwise in the order given.

    ``beside``, if given, is called in this thread while the lanes work, once the pieces
    named in ``beside_after`` are done, and what it returns is returned.
    ``done_callback(done, total)`` is called as each piece finishes.

    Raises:
        ValueError: a piece is after a piece that is not among them.
        BaseException: the first error of a piece (or of ``beside``); the others were stopped.
    """
    names = {p.name for p in pieces}
    for name, after in [(p.name, p.after) for p in pieces] + [("beside", beside_after)]:
        if not after <= names:
            raise ValueError(f"{name} is after {sorted(after - names)}, which are not pieces")
    board = _Board(pieces, done_callback)
    threads = [threading.Thread(target=_lane, args=(board,), name=f"lane-{n + 1}", daemon=True)
               for n in range(max(1, lanes))]
    for thread in threads:
        thread.start()
    result: Any = None
    try:
        if beside is not None and board.wait_for(beside_after):
            result = beside()
    except BaseException as exc:
        board.failed(exc)
        raise
    finally:
        for thread in threads:
            while thread.is_alive():
                try:
                    thread.join()
                except BaseException as exc:  # noqa: BLE001 - Ctrl+C while waiting: stop them
                    board.failed(exc)
    if board.errors:
        raise board.errors[0]
    return result
