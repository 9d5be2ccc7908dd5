"""A cheap token that changes whenever any desk saves something (for the window's refresh)."""

from __future__ import annotations

from peewee import fn

from synergy_desk.models import tables as t

__all__ = ["change_token"]


def change_token() -> tuple[int, int]:
    """The newest audit-log and timeline ids.

    Every change that matters writes an audit row, and every call, note or e-mail writes a
    timeline row, so the pair moves whenever another desk saves anything the window shows.
    Both are primary-key maxima: one index probe each, however big the office.
    """
    audit_id = t.AuditLog.select(fn.MAX(t.AuditLog.id)).scalar()
    entry_id = t.TimelineEntry.select(fn.MAX(t.TimelineEntry.id)).scalar()
    return int(audit_id or 0), int(entry_id or 0)
