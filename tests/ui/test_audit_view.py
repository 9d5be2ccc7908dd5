"""The audit-log viewer: paged model, filters, the before/after pane and the tamper check."""

from __future__ import annotations

from typing import Any

import peewee
import pytest
from PySide6.QtCore import QModelIndex, Qt

from synergy_desk.domain.errors import PermissionDenied
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.people import users
from synergy_desk.services.reporting import audit_log
from synergy_desk.services.reporting.audit_log import AuditFilter, AuditRow
from synergy_desk.ui import palette
from synergy_desk.ui.audit_view import COLUMNS, AuditLogWindow, open_audit_log
from synergy_desk.ui.table_model import TableModel
from synergy_desk.ui.worker import Background
from tests.services.incidents.incident_helpers import make_customer, new_call, pay_for
from tests.services.reporting.test_integrity import sql
from tests.ui.conftest import ShownErrors


@pytest.fixture
def history(office: dict[str, Any], product: t.Product) -> dict[str, Any]:
    manager, reception = office["manager"], office["reception"]
    customer = make_customer()
    first = new_call(reception, customer, product, subject="Printing fails")
    receipt = pay_for(reception, customer, first.id)
    for name in ("Erin One", "Erin Two", "Erin Three"):
        users.update_user(manager, office["engineer2"].id, full_name=name)
    return {"incident": first, "receipt": receipt}


@pytest.fixture
def window(qtbot: Any, manager: Actor, history: dict[str, Any]) -> Any:
    background = Background()
    widget = AuditLogWindow(None, manager, background, page_size=3)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    background.wait()


def texts(model: TableModel[AuditRow], column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_the_model_passes_the_model_tests_and_pages_lazily(qtmodeltester: Any, window: Any,
                                                           manager: Actor) -> None:
    qtmodeltester.check(window.model)
    assert [window.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "When", "Who", "What", "Record", "Change"]

    def loader(cursor: Any, limit: int, _key: Any, _descending: bool) -> Any:
        page = audit_log.list_audit(manager, after_id=cursor, limit=limit)
        return page.rows, page.next_cursor

    model = TableModel(COLUMNS, page_size=3)
    model.set_loader(loader)
    assert model.rowCount() == 3 and model.canFetchMore(QModelIndex())
    total = len(audit_log.list_audit(manager, limit=1000).rows)
    assert total > 6
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == total and model.exhausted
    ids = [model.row_at(r).id for r in range(model.rowCount())]
    assert ids == sorted(ids, reverse=True)


def test_fetch_more_never_runs_twice_for_one_page(manager: Actor, history: dict[str, Any],
                                                  qtbot: Any) -> None:
    calls: list[object] = []
    model: TableModel[AuditRow]

    def loader(cursor: Any, limit: int, _key: Any, _descending: bool) -> Any:
        calls.append(cursor)
        model.fetchMore(QModelIndex())  # a view asking again while the page loads
        assert not model.canFetchMore(QModelIndex())
        page = audit_log.list_audit(manager, after_id=cursor, limit=limit)
        return page.rows, page.next_cursor

    model = TableModel(COLUMNS, page_size=2)
    model.set_loader(loader)
    assert len(calls) == 1 and model.rowCount() == 2
    model.fetchMore(QModelIndex())
    assert len(calls) == 2 and model.rowCount() == 4


def test_the_kind_of_change_is_coloured_and_the_code_is_the_tip(window: Any) -> None:
    window.kind.setCurrentIndex(window.kind.findData("users"))
    what = window.model.index(0, 2)
    assert what.data() == "User changed"
    assert what.data(Qt.ItemDataRole.ToolTipRole) == window.model.row_at(0).action
    assert what.data(Qt.ItemDataRole.ForegroundRole).color().name() == palette.ACCENT.hex()
    assert window.model.index(0, 4).data(Qt.ItemDataRole.ToolTipRole) == \
        window.model.row_at(0).summary


def test_a_page_refused_while_scrolling_is_said_in_the_status_line(
        window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
        shown_errors: ShownErrors) -> None:
    listing = audit_log.list_audit

    def refused(actor: Actor, filt: Any = None, *, after_id: Any = None,
                limit: int = 200) -> Any:
        if after_id is not None:  # the reader lost the role at another desk meanwhile
            raise PermissionDenied("Your role may not read the audit log.")
        return listing(actor, filt, after_id=after_id, limit=limit)

    monkeypatch.setattr(audit_log, "list_audit", refused)
    window.refresh()
    assert window.model.canFetchMore(QModelIndex())
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: window.status.text() == "Your role may not read the audit log.")
    assert window.model.rowCount() == 3 and not window.model.canFetchMore(QModelIndex())
    assert shown_errors.shown == []


def test_a_page_that_fails_while_scrolling_reaches_the_one_display(
        window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
        shown_errors: ShownErrors) -> None:
    def gone(*_args: object, **_kwargs: object) -> Any:
        raise peewee.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(audit_log, "list_audit", gone)
    shown_errors.expect_crash()
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: bool(shown_errors.crashes))
    assert isinstance(shown_errors.crashes[0], peewee.OperationalError)
    assert window.model.rowCount() == 3 and window.model.stopped


def test_filters_narrow_the_list(window: Any, history: dict[str, Any]) -> None:
    window.kind.setCurrentIndex(window.kind.findData("users"))
    assert set(texts(window.model, 2)) == {"User changed"}
    window.kind.setCurrentIndex(0)
    window.record.setText(history["incident"].reference)
    window.apply.click()
    assert set(texts(window.model, 3)) == {history["incident"].reference}
    window.record.setText("R-000001")
    window.record.returnPressed.emit()
    assert "R-000001" in texts(window.model, 3)
    window.record.clear()
    rita = t.User.get(t.User.username == "rita").id
    window.user.setCurrentIndex(window.user.findData(rita))
    assert set(texts(window.model, 1)) == {"Rita Reception"}


def test_a_record_it_cannot_read_is_said_plainly(window: Any) -> None:
    window.record.setText("what? !")
    window.apply.click()
    assert "not a record" in window.status.text()
    assert window.model.rowCount() == 0


def test_the_detail_shows_before_and_after_with_changes_marked(window: Any) -> None:
    window.kind.setCurrentIndex(window.kind.findData("users"))
    window.table.selectRow(0)
    detail = window.detail
    rows = {detail.item(r, 0).text(): r for r in range(detail.rowCount())}
    name = rows["full_name"]
    assert detail.item(name, 1).text() == "Erin Two" and detail.item(name, 2).text() == "Erin Three"
    assert detail.item(name, 2).font().bold()
    same = rows["username"]
    assert detail.item(same, 1).text() == detail.item(same, 2).text() == "erin"
    assert not detail.item(same, 2).font().bold()
    assert name < same  # what changed comes first
    assert "User changed by Mary Manager" in window.detail_title.text()


def test_the_tamper_check_reports_no_problems(window: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(window.tamper_checked, timeout=10000):
        window.check_button.click()
        assert not window.check_button.isEnabled()
        assert "Checking" in window.check_status.text()
    assert window.check_button.isEnabled()
    assert window.check_results.count() == 1
    assert window.check_results.item(0).text().startswith("No problems")
    assert "passed" in window.check_status.text()
    # The check was audited, and the list shows it at the top.
    assert window.model.row_at(0).action == "integrity.check"


def test_a_payment_altered_in_the_database_is_shown_in_red(window: Any, qtbot: Any,
                                                           history: dict[str, Any]) -> None:
    sql("UPDATE payment SET gross_pence = %s WHERE id = %s", 1,
        history["receipt"].payment_id)
    with qtbot.waitSignal(window.tamper_checked, timeout=10000) as blocker:
        window.run_tamper_check()
    assert not blocker.args[0].ok
    item = window.check_results.item(0)
    assert item.text().startswith("R-000001: ") and "altered" in item.text()
    assert item.foreground().color().name() == "#a61b1b"
    assert "found 1 problem" in window.check_status.text()


def test_reception_cannot_open_the_log(office: dict[str, Any],
                                       shown_errors: ShownErrors) -> None:
    assert open_audit_log(None, office["reception"]) is None
    assert isinstance(shown_errors.shown[-1], PermissionDenied)


def test_engineers_open_it(office: dict[str, Any], qtbot: Any) -> None:
    window = open_audit_log(None, office["engineer"])
    assert window is not None and window.objectName() == "auditLogWindow"
    qtbot.addWidget(window)
    assert window.current_filter() == AuditFilter()
    window.close()


def test_closing_the_window_while_the_check_runs_is_quiet(
        qtbot: Any, manager: Actor, history: Any, shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import shiboken6

    from synergy_desk.services.reporting import audit_log

    started, release = threading.Event(), threading.Event()

    def slow_check(_actor: Actor) -> Any:
        started.set()
        release.wait(10)
        raise RuntimeError("the connection went")

    monkeypatch.setattr(audit_log, "run_tamper_check", slow_check)
    background = Background()
    closed = AuditLogWindow(None, manager, background, page_size=3)
    closed.run_tamper_check()
    assert started.wait(10)
    shiboken6.delete(closed)  # closed and deleted before the check came back
    release.set()
    assert background.wait(10_000)
    qtbot.wait(50)  # the queued answer arrives, and is dropped
    assert shown_errors.shown == []
