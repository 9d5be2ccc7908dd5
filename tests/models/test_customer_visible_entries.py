"""Migration 0011: timeline entries written before it get who sees them from their kind."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from synergy_desk.models.database import (
    MIGRATIONS_DIR,
    close_database,
    open_database,
    sqlite_url,
)

_ROWS = [
    ("phone_in", "Customer rang: cannot post", True),
    ("phone_out", "Rang back", True),
    ("email_in", "Log file attached", True),
    ("email_out", "Sent the fix", True),
    ("remote_session", "Rebuilt the index", True),
    ("note", "Customer is difficult; manager says no refunds", False),
    ("system", "Assigned to Sam Engineer by Sam Engineer.", False),
    ("system", "Work started by Sam Engineer.", False),
    ("system", "Closed as out of remit by Mia Manager: wants a report written", False),
    ("system", "Resolved — Solution: rebuilt the index", True),
    ("system", "Re-opened by Sam Engineer (no new charge).", True),
    ("system", "Closed unresolved by Sam Engineer: hardware fault", True),
]


def test_existing_entries_get_customer_visibility_by_kind(tmp_path: Path) -> None:
    before = tmp_path / "before-0011"
    shutil.copytree(MIGRATIONS_DIR, before,
                    ignore=shutil.ignore_patterns("__pycache__", "0011_*"))
    path = tmp_path / "office.sqlite3"
    open_database(sqlite_url(path), migrations_dir=before)
    close_database()
    conn = sqlite3.connect(str(path))  # foreign keys off: entries of an incident not made here
    conn.executemany(
        "INSERT INTO timeline_entry (incident_id, kind, occurred_at, duration_seconds, text, "
        "created_at) VALUES (1, ?, '2026-01-05 10:00:00', 0, ?, '2026-01-05 10:00:00')",
        [(kind, text) for kind, text, _ in _ROWS])
    conn.commit()
    conn.close()

    open_database(sqlite_url(path))
    close_database()

    conn = sqlite3.connect(str(path))
    try:
        got = [(kind, text, bool(flag)) for kind, text, flag in conn.execute(
            "SELECT kind, text, for_customer FROM timeline_entry ORDER BY id")]
        # A row written by hand afterwards without the column is internal.
        conn.execute("INSERT INTO timeline_entry (incident_id, kind, occurred_at, "
                     "duration_seconds, text, created_at) VALUES "
                     "(1, 'note', '2026-01-06 10:00:00', 0, 'by hand', '2026-01-06 10:00:00')")
        by_hand = conn.execute("SELECT for_customer FROM timeline_entry "
                               "WHERE text = 'by hand'").fetchone()[0]
    finally:
        conn.close()
    assert got == _ROWS
    assert by_hand == 0
