"""What every service shares: a long read sees one moment and holds no desk up."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest

from synergy_desk.models import tables as t
from synergy_desk.models.database import describe_url
from synergy_desk.services.common import read_snapshot


def _other_desk(url: str) -> Callable[[str], None]:
    """A second connection, as another desk has, that saves a product and commits."""
    info = describe_url(url)
    if info.kind == "sqlite":
        def save(name: str) -> None:
            conn = sqlite3.connect(str(info.path), timeout=0.5, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")  # fails at once while anyone holds the lock
                conn.execute("INSERT INTO product (name, current_version, active) "
                             "VALUES (?, '', 1)", (name,))
                conn.execute("COMMIT")
            finally:
                conn.close()
        return save
    import psycopg

    def save_pg(name: str) -> None:
        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SET lock_timeout = '500ms'")
            conn.execute("INSERT INTO product (name, current_version, active) "
                         "VALUES (%s, '', true)", (name,))
    return save_pg


def test_a_snapshot_sees_one_moment_and_lets_other_desks_save(db_url: str) -> None:
    save = _other_desk(db_url)
    t.Product.create(name="Ledger Accounts")
    with read_snapshot():
        before = t.Product.select().count()
        save("Payroll Plus")  # another desk saves while the long read goes on
        assert t.Product.select().count() == before
    assert t.Product.select().count() == before + 1


def test_inside_a_transaction_the_snapshot_is_that_transaction(db_url: str) -> None:
    from synergy_desk.services.common import transaction

    with transaction():
        t.Product.create(name="Stock Control")
        with read_snapshot():
            assert t.Product.select().where(t.Product.name == "Stock Control").exists()


@pytest.mark.parametrize("depth", [1, 2])
def test_snapshots_nest(db_url: str, depth: int) -> None:
    t.Product.create(name="Ledger Accounts")
    if depth == 1:
        with read_snapshot():
            assert t.Product.select().count() == 1
    else:
        with read_snapshot(), read_snapshot():
            assert t.Product.select().count() == 1
