"""Start-up when the database this desk's settings name cannot be opened."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from synergy_desk import app
from synergy_desk.models.base import db
from synergy_desk.models.database import close_database, open_database, sqlite_url
from synergy_desk.services.office import settings
from synergy_desk.ui.dialogs.login import LoginDialog


@pytest.fixture
def good_office(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path / "good.sqlite3")
    open_database(url)
    settings.setup_office("Good Office Ltd", "", "", "mary", "Mary", "a long password")
    close_database()
    return url


@pytest.fixture
def broken(tmp_path: Path) -> str:
    path = tmp_path / "broken.sqlite3"
    path.write_text("this is not a database\n" * 100)
    return sqlite_url(path)


def test_a_desk_whose_saved_database_fails_may_choose_another(
        qtbot: Any, prefs: Any, good_office: str, broken: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    prefs.database_url = broken
    offered: list[str] = []

    def choose(prefs_: Any, message: str) -> bool:
        offered.append(message)
        prefs_.database_url = good_office
        return True

    seen: list[str] = []
    monkeypatch.setattr(app, "_choose_other_database", choose)
    monkeypatch.setattr(LoginDialog, "ask", classmethod(
        lambda cls, parent, authenticate, office_name, *a: seen.append(office_name)))
    try:
        assert app.start(prefs, database_url=None) == 0  # the login was cancelled
    finally:
        close_database()
    assert offered and "not a Synergy Desk database" in offered[0]
    assert seen == ["Good Office Ltd"]
    assert prefs.database_url == good_office


def test_a_database_named_on_the_command_line_is_not_second_guessed(
        qtbot: Any, prefs: Any, broken: str, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(app, "_choose_other_database",
                        lambda *a: pytest.fail("must not offer another database"))
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: shown.append(text)))
    assert app.start(prefs, database_url=broken) == 2
    assert shown and "not a Synergy Desk database" in shown[0]


def test_an_unexpected_failure_to_open_is_a_plain_message_and_logged(
        qtbot: Any, prefs: Any, good_office: str, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from synergy_desk.models import database

    def broken_driver(url: str | None) -> Any:
        raise OSError("the driver could not be loaded")

    shown: list[str] = []
    monkeypatch.setattr(database, "open_database", broken_driver)
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda parent, title, text: shown.append(text)))
    assert app.start(prefs, database_url=good_office) == 2
    assert shown == ["Cannot open the database: the driver could not be loaded"]
    assert "Could not open the database" in caplog.text


def test_declining_to_choose_another_database_quits_with_status_2(
        qtbot: Any, prefs: Any, broken: str, monkeypatch: pytest.MonkeyPatch) -> None:
    prefs.database_url = broken
    monkeypatch.setattr(app, "_choose_other_database", lambda *a: False)
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *a: None))
    assert app.start(prefs, database_url=None) == 2
    assert prefs.database_url == broken


def test_a_machine_without_a_locale_shows_british_dates(qtbot: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from PySide6.QtCore import QLocale

    from synergy_desk.ui import formatting

    original = QLocale()
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale.c()))
    try:
        QLocale.setDefault(QLocale.c())  # as on a machine with no locale set
        assert formatting.short_date(dt.date(2026, 12, 1)) != "01/12/2026"
        app.use_office_locale_if_none()
        assert formatting.short_date(dt.date(2026, 12, 1)) == "01/12/2026"
        assert formatting.short_datetime(dt.datetime(2026, 12, 1, 9, 5)).startswith(
            "01/12/2026")
    finally:
        QLocale.setDefault(original)
        formatting.clear_cache()


def test_demo_data_that_fails_leaves_a_working_office_and_says_so(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    from synergy_desk.demo import generator

    def broken(**_kwargs: object) -> Any:
        raise RuntimeError("out of disk space")

    warned: list[str] = []
    monkeypatch.setattr(generator, "generate_demo", broken)
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda parent, title, text: warned.append(text)))
    app._load_demo("mary")
    assert warned == ["The demo data could not be loaded: out of disk space"]
    assert "Demo data failed" in caplog.text


def test_cycles_are_collected_on_the_windows_thread_only(qtbot: Any) -> None:
    """A background job never collects: a Qt object freed off its own thread crashes."""
    import gc
    import threading

    from PySide6.QtWidgets import QApplication

    collected_on: list[str] = []

    def note(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            collected_on.append(threading.current_thread().name)

    timer = app.collect_garbage_on_gui_thread(QApplication.instance())
    gc.callbacks.append(note)
    try:
        assert not gc.isenabled()
        assert timer.isActive() and timer.interval() == app.GC_INTERVAL_MS

        def allocate_cycles() -> None:
            for _ in range(50_000):
                a: list[Any] = []
                a.append(a)

        worker = threading.Thread(target=allocate_cycles, name="worker")
        worker.start()
        worker.join()
        assert "worker" not in collected_on

        timer.timeout.emit()
        assert collected_on == [threading.current_thread().name]
    finally:
        gc.callbacks.remove(note)
        timer.stop()
        timer.deleteLater()
        gc.enable()


def test_an_office_waiting_for_schema_changes_is_brought_up_to_date_with_a_dialog(
        qtbot: Any, prefs: Any, good_office: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first start after an update changes the office's tables (minutes on a large
    office): the desk says so in a dialog, the changes are made beside it, and the office then
    opens as always."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from synergy_desk.models import database

    office = database.make_database(good_office)
    office.connect()
    last = database.migration_names()[-1]
    office.execute_sql(f'DELETE FROM "{database.HISTORY_TABLE}" WHERE name = ?', [last])
    office.close()

    shown: list[str] = []
    changing = threading.Event()
    seen = threading.Event()
    real_migrate = database.migrate

    def slow_migrate(connection: Any, *args: Any, **kwargs: Any) -> list[str]:
        changing.set()
        assert seen.wait(timeout=30)  # the dialog was up while the change went on
        return real_migrate(connection, *args, **kwargs)

    def look() -> None:
        if not changing.is_set():
            QTimer.singleShot(20, look)
            return
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                shown.append(widget.labelText())
        seen.set()

    monkeypatch.setattr(database, "migrate", slow_migrate)
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, *a: None))
    QTimer.singleShot(0, look)
    try:
        assert app.start(prefs, database_url=good_office) == 0
        assert database.pending_migrations(db.obj) == []
    finally:
        close_database()
    assert len(shown) == 1 and "up to date" in shown[0], shown
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QProgressDialog) and w.isVisible()]


def test_an_office_already_up_to_date_opens_without_the_dialog(
        qtbot: Any, prefs: Any, good_office: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from synergy_desk.models import database

    threads: list[str] = []
    real_migrate = database.migrate

    def migrate(*args: Any, **kwargs: Any) -> list[str]:
        threads.append(threading.current_thread().name)
        return real_migrate(*args, **kwargs)

    monkeypatch.setattr(database, "migrate", migrate)
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda cls, *a: None))
    try:
        assert app.start(prefs, database_url=good_office) == 0
    finally:
        close_database()
    # Only the opening's own look, which finds nothing to change: no thread, no dialog.
    assert threads == [threading.main_thread().name]
