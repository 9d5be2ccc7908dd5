"""The office's PostgreSQL connections, kept open between one piece of background work and
the next.

A desk's background work (a search-box keystroke, an incident's detail, a report) runs on a
worker thread, and each piece gives its connection back when it is done. Opening a new
PostgreSQL session for each costs more than the work itself: about 8 ms with the server on the
same machine (a TCP connection, the password exchange, the session's
settings), against 3 ms for a search-box keystroke's statements. So the office's database
keeps the connections given back, and the next piece of work takes one: a connection is made
only when every kept one is in use.

A kept connection is checked before it is handed out (a round trip: a session a restore or
the server ended is closed and another made), and replaced after :data:`KEPT_SECONDS`. When
the office is closed (:meth:`OfficePool.retire`) every connection is closed, the ones other
threads still hold included, and one given back after that is closed too. Only the office
the program works in is pooled: a backup, a restore, a copy or a check opens its own
sessions and closes them when it is done. SQLite has no session to open: a worker opens the
file, and closes it again.
"""

from __future__ import annotations

from typing import Any

from playhouse.pool import PooledPostgresqlDatabase

__all__ = ["OfficePool", "KEPT_SECONDS"]

#: A kept connection is closed (when given back or asked for) once it is this old, so a
#: session's memory on the server does not grow for a whole working day.
KEPT_SECONDS = 600


class OfficePool(PooledPostgresqlDatabase):  # type: ignore[misc]  # playhouse ships no types
    """The office on PostgreSQL, its connections kept for the next piece of work."""

    def __init__(self, database: str, **kwargs: Any) -> None:
        super().__init__(database, max_connections=None, stale_timeout=KEPT_SECONDS,
                         **kwargs)
        self._retired = False

    def retire(self) -> None:
        """Close every connection: this thread's, the kept ones, and those other threads
        still hold (work left running when the office closes fails as on a dropped line,
        and one a thread never gave back is not left open); from now on a connection given
        back is closed, not kept."""
        self._retired = True
        self.close_all()

    def _close(self, conn: Any, close_conn: bool = False) -> None:
        super()._close(conn, close_conn=close_conn or self._retired)

    def kept(self) -> int:
        """How many connections are kept, waiting for work."""
        with self._pool_lock:
            return len(self._connections)
