"""Fixtures the copy-to tests share: each test module gives its own ``source`` office."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from synergy_desk.models.database import close_database, sqlite_url


@pytest.fixture
def source_url(source: tuple[Path, dict[str, Any]], tmp_path: Path) -> Iterator[str]:
    """A copy of the module's source office, so each test may change its own."""
    path = tmp_path / "source.sqlite3"
    shutil.copyfile(source[0], path)
    yield sqlite_url(path)


@pytest.fixture
def empty_target(db_url: str) -> str:
    """The test database (SQLite or PostgreSQL), empty and not bound."""
    close_database()
    return db_url
