"""Fixtures: a fresh, migrated database per test, on SQLite and (where named) PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from synergy_desk.domain.enums import Role
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import close_database, open_database, sqlite_url
from synergy_desk.services.common import Actor

POSTGRES_URL = os.environ.get("SYNERGY_DESK_TEST_POSTGRES", "")
PASSWORD = "correct horse"


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ.get("CI") and not POSTGRES_URL:
        raise pytest.UsageError(
            "SYNERGY_DESK_TEST_POSTGRES is not set: under CI the PostgreSQL tests must run.")


def pytest_report_header(config: pytest.Config) -> str:
    where = POSTGRES_URL.rsplit("@", 1)[-1] if POSTGRES_URL else "not set (PostgreSQL skipped)"
    return f"synergy-desk databases: sqlite, postgresql={where}"


@pytest.fixture(scope="session")
def password_hash() -> str:
    from synergy_desk.services.people.users import hash_password

    return hash_password(PASSWORD)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    open_database(sqlite_url(path))
    close_database()
    return path


_PG_MIGRATED = False


def _reset_postgres() -> None:
    global _PG_MIGRATED
    open_database(POSTGRES_URL, migrate_schema=not _PG_MIGRATED, unfinished_copy=True)
    _PG_MIGRATED = True
    database = db.obj
    # A copy a test stopped part-way left indexes and keys to make: made on the emptied tables.
    left = [row[0] for row in database.execute_sql(
        "SELECT statement FROM copy_unfinished WHERE kind <> 'check' ORDER BY id").fetchall()]
    # The office's generation stays: this process remembered it when it opened the database.
    tables = [m._meta.table_name for m in t.ALL_MODELS] + ["customer_search", "incident_search",
                                                           "desk_session", "copy_unfinished"]
    database.execute_sql("TRUNCATE " + ", ".join(f'"{n}"' for n in tables)
                         + " RESTART IDENTITY CASCADE")
    for statement in left:
        database.execute_sql(statement)
    for name in ("receipt", "credit_note", "incident", "customer"):
        database.execute_sql("INSERT INTO sequence (name, last_value) VALUES (%s, 0)", (name,))
    for name in ("payment", "credit_note", "ticket_ledger"):
        database.execute_sql("INSERT INTO chain_head (name, last_hash, length) "
                             "VALUES (%s, %s, 0)", (name, "0" * 64))


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """The URL of a fresh, migrated database, bound to the models for this test."""
    if request.param == "sqlite":
        path = tmp_path / "office.sqlite3"
        shutil.copyfile(sqlite_template, path)
        url = sqlite_url(path)
        open_database(url)
    else:
        if not POSTGRES_URL:
            pytest.skip("SYNERGY_DESK_TEST_POSTGRES names no PostgreSQL server")
        _reset_postgres()
        url = POSTGRES_URL
    try:
        yield url
    finally:
        close_database()


@pytest.fixture
def sqlite_db_url(tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A fresh SQLite database only (for what is specific to the embedded file)."""
    path = tmp_path / "office.sqlite3"
    shutil.copyfile(sqlite_template, path)
    url = sqlite_url(path)
    open_database(url)
    try:
        yield url
    finally:
        close_database()


def make_user(username: str, role: Role, password_hash: str, full_name: str | None = None) -> Actor:
    user = t.User.create(username=username, full_name=full_name or username.title(), role=role,
                         password_hash=password_hash)
    return Actor.from_user(user)


@pytest.fixture
def office(db_url: str, password_hash: str) -> dict[str, object]:
    """An office with settings, two products and one user of each role."""
    settings = t.OfficeSettings.create(
        company_name="Synergy Support Ltd", address="1 High Street\nLeeds\nLS1 1AA",
        vat_number="GB123456789", incident_price_pence=7500, vat_rate_bp=2000,
        ticket_incident_price_pence=6500, ticket_default_size=10, ticket_validity_days=365)
    accounts = t.Product.create(name="Ledger Accounts", current_version="12.4")
    payroll = t.Product.create(name="Payroll Plus", current_version="8.1")
    return {
        "url": db_url,
        "settings": settings,
        "product": accounts,
        "product2": payroll,
        "manager": make_user("mary", Role.MANAGER, password_hash, "Mary Manager"),
        "engineer": make_user("eddie", Role.ENGINEER, password_hash, "Eddie Engineer"),
        "engineer2": make_user("erin", Role.ENGINEER, password_hash, "Erin Engineer"),
        "reception": make_user("rita", Role.RECEPTION, password_hash, "Rita Reception"),
    }


@pytest.fixture
def manager(office: dict[str, object]) -> Actor:
    return office["manager"]  # type: ignore[return-value]


@pytest.fixture
def engineer(office: dict[str, object]) -> Actor:
    return office["engineer"]  # type: ignore[return-value]


@pytest.fixture
def reception(office: dict[str, object]) -> Actor:
    return office["reception"]  # type: ignore[return-value]


@pytest.fixture
def product(office: dict[str, object]) -> t.Product:
    return office["product"]  # type: ignore[return-value]


_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


def pytest_unconfigure(config: pytest.Config) -> None:
    """End the process without the interpreter's final clean-up, keeping pytest's status.

    With Qt objects still alive at exit, PySide6 on Python 3.11 can abort while the
    interpreter tears itself down ("deallocating None/True"), after every test has passed and
    been reported. Results and the summary are already written; only that crash is skipped.
    """
    if os.environ.get("SYNERGY_DESK_TEST_NORMAL_EXIT"):
        return
    import logging
    import sys

    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_exit_status)


@pytest.fixture(scope="session")
def small_demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo office in a SQLite file, made once a run (copy it before changing it)."""
    from synergy_desk.demo import generator

    path = tmp_path_factory.mktemp("small-demo") / "demo.sqlite3"
    open_database(sqlite_url(path))
    try:
        generator.generate_demo(customers=12, incidents=40, timeline_per_incident=2)
    finally:
        close_database()
    return path


@pytest.fixture
def demo_office_file(small_demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the small demo office of this test's own, closed (no desk has it open)."""
    path = tmp_path / "office.sqlite3"
    shutil.copyfile(small_demo_file, path)
    return path


def sqlite_steps(call: Any, every: int = 1000) -> int:
    """How much work SQLite did for ``call``: its virtual machine's steps, in ``every``s.

    A measure of work that does not depend on how busy the machine is, so a test can say
    that a query reads a page rather than the whole table.
    """
    connection = db.connection()
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    connection.set_progress_handler(tick, every)
    try:
        call()
    finally:
        connection.set_progress_handler(None, every)
    return steps[0]


# --- real mail servers on the loopback address -----------------------------------------------

@pytest.fixture(scope="session")
def _dovecot() -> Iterator[Any]:
    from tests import mail_servers

    if not mail_servers.dovecot_installed():
        message = f"Dovecot is not installed ({mail_servers.DOVECOT}); the IMAP tests need it"
        if os.environ.get("CI"):
            pytest.fail(message + " and CI runs them")
        pytest.skip(message)
    server, running = mail_servers.start_dovecot()
    try:
        yield server
    finally:
        mail_servers.stop_dovecot(running)


@pytest.fixture
def imap_server(_dovecot: Any) -> Any:
    """A Dovecot IMAP server on the loopback address with one user and an empty INBOX (one
    server a run, emptied for each test; skipped where Dovecot is not installed, and under CI
    that is a failure, never a skip)."""
    _dovecot.empty()
    return _dovecot


@pytest.fixture
def smtp_sink() -> Iterator[Any]:
    """An SMTP server on the loopback address keeping the messages it is sent (aiosmtpd)."""
    from tests import mail_servers

    yield from mail_servers.run_smtp_sink()
