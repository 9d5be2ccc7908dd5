"""The window driven as a person would: log in, find a caller, log a call, see it listed."""

from __future__ import annotations

from typing import Any

import peewee
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QTableView, QWidget

from synergy_desk.domain.enums import FundingKind, IncidentStatus, TimelineKind
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import incident_list, intake, work
from synergy_desk.services.office import activity
from synergy_desk.services.people import customers, users
from synergy_desk.ui.dialogs.log_call import LogCallDialog, LoggedCall
from synergy_desk.ui.dialogs.login import LoginDialog
from synergy_desk.ui.incident_columns import PAGE_SIZE
from synergy_desk.ui.main_window import MainWindow
from tests.conftest import PASSWORD
from tests.ui.conftest import ShownErrors


def make_window(qtbot: Any, actor: Actor, prefs: Any) -> MainWindow:
    window = MainWindow(actor, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    # The customer panel and the incident detail are built just after the first paint.
    qtbot.waitUntil(lambda: window.findChild(QWidget, "incidentDetail") is not None)
    return window


def test_login_dialog_logs_in_from_the_keyboard(qtbot: Any, office: dict[str, Any]) -> None:
    dialog = LoginDialog(None, users.login, "Synergy Support Ltd")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.objectName() == "loginDialog"
    qtbot.keyClicks(dialog.findChild(QLineEdit, "loginUser"), "rita")
    password = dialog.findChild(QLineEdit, "loginPassword")
    password.setFocus()
    qtbot.keyClicks(password, "wrong password")
    qtbot.keyClick(password, Qt.Key.Key_Return)
    assert dialog.value is None
    assert "Wrong user name or password" in dialog.findChild(QLabel, "loginMessage").text()
    qtbot.keyClicks(password, PASSWORD)
    qtbot.keyClick(password, Qt.Key.Key_Return)
    assert dialog.value is not None and dialog.value.username == "rita"


def test_reception_logs_a_call_from_the_keyboard_and_sees_it_listed(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        prefs: Any) -> None:
    reception = office["reception"]
    window = make_window(qtbot, reception, prefs)
    dialog = LogCallDialog(window, reception)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.search.hasFocus() or dialog.focusWidget() is dialog.search
    # The number was stored from "01632 960123"; the caller reads it out internationally.
    qtbot.keyClicks(dialog.search, "+44 (0)1632 960-123")
    qtbot.waitUntil(lambda: dialog.results.count() > 0
                    and dialog.results.item(0).data(Qt.ItemDataRole.UserRole) is not None)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.customer_id == caller.id
    assert dialog.entitlement.isVisible()
    assert "£90.00" in dialog.entitlement.text()  # £75 net + 20% VAT, per incident
    # New incident is the default; type the aspect and the call notes, then Ctrl+Enter.
    dialog.subject.setFocus()
    qtbot.keyClicks(dialog.subject, "Error 1603 when installing the update")
    dialog.notes.setFocus()
    qtbot.keyClicks(dialog.notes, "Caller gets error 1603 half-way through setup.")
    qtbot.keyClick(dialog.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    result = dialog.value
    assert result is not None and result.new_incident and result.needs_funding

    window.refresh(keep_selection=False)
    window.view_buttons["all"].click()
    table = window.findChild(QTableView, "incidentTable")
    top = table.model().index(0, 0)
    assert top.data() == result.reference
    assert table.model().index(0, 4).data() == IncidentStatus.AWAITING_PAYMENT.label
    assert table.model().index(0, 5).data() == FundingKind.NONE.label

    window.open_incident(result.incident_id)
    assert window.detail.incident_id == result.incident_id
    assert window.detail.timeline.topLevelItemCount() == 1
    entry = window.detail.timeline.topLevelItem(0)
    assert entry.text(1) == TimelineKind.PHONE_IN.label
    assert "error 1603" in entry.text(4)
    assert window.customer_panel.customer_id == caller.id


def test_ctrl_l_opens_log_call_and_lands_on_the_new_incident(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary, prefs: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reception = office["reception"]
    ref = intake.log_call(reception, intake.LogCallInput(
        customer_id=caller.id, product_id=office["product"].id, subject="Cannot print payslips",
        text="Printer greyed out"))
    asked: list[int | None] = []

    def fake_ask(parent: QWidget, actor: Actor, customer_id: int | None = None,
                 incident_id: int | None = None) -> LoggedCall:
        asked.append(customer_id)
        return LoggedCall(ref.id, ref.reference, caller.id, True, True)

    monkeypatch.setattr(LogCallDialog, "ask", staticmethod(fake_ask))
    window = make_window(qtbot, reception, prefs)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert asked == [None]
    assert window.detail.incident_id == ref.id
    assert ref.reference in window.statusBar().currentMessage()
    assert "awaiting payment" in window.statusBar().currentMessage()


def test_global_search_finds_a_caller_by_phone_and_opens_them(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        prefs: Any) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    search = window.findChild(QLineEdit, "globalSearch")
    assert search.hasFocus()
    with qtbot.waitSignal(search.results_shown, timeout=5000):
        qtbot.keyClicks(search, "0163 296 0123")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.customer_panel.customer_id == caller.id
    assert "Harriet Oduya" in window.customer_panel.heading.text()
    banner = window.findChild(QLabel, "entitlementBanner")
    assert banner.isVisible() and "per incident" in banner.text().lower()


def test_the_search_drop_down_shows_every_hit_it_holds_without_a_sideways_scroll_bar(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    long_name = "Harrogate and Knaresborough Agricultural Machinery Repairers Ltd"
    for n in range(3):
        customers.create_customer(office["reception"], customers.CustomerInput(
            name=f"{long_name} {n}", company=f"{long_name} Holdings {n}",
            phone=f"01632 96012{n}", postcode="HG1 2AB"))
    window = make_window(qtbot, office["reception"], prefs)
    window.resize(1366, 768)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    search = window.findChild(QLineEdit, "globalSearch")
    with qtbot.waitSignal(search.results_shown, timeout=5000):
        qtbot.keyClicks(search, "Knaresborough")
    popup = search.popup
    assert popup.isVisible() and popup.count() == 4  # the heading and three customers
    assert not popup.horizontalScrollBar().isVisible()
    assert not popup.verticalScrollBar().isVisible()
    viewport = popup.viewport().rect()
    for row in range(popup.count()):
        assert viewport.contains(popup.visualItemRect(popup.item(row))), row
    # A hit longer than the list is cut short with "…"; the whole of it is its tooltip.
    hit = popup.item(1)
    assert hit.text().endswith("…") and long_name in hit.toolTip()
    assert popup.fontMetrics().horizontalAdvance(hit.toolTip()) > viewport.width()
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert window.customer_panel.customer_id is not None
    assert long_name in window.customer_panel.heading.text()


def test_a_long_search_that_finds_nothing_says_so_within_the_drop_down(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    window.resize(1366, 768)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    search = window.findChild(QLineEdit, "globalSearch")
    typed = "nobody at all answers to this very long and quite unlikely search " * 2
    with qtbot.waitSignal(search.results_shown, timeout=5000):
        qtbot.keyClicks(search, typed)
    popup = search.popup
    assert popup.isVisible() and popup.count() == 1
    assert not popup.horizontalScrollBar().isVisible()
    message = popup.item(0)
    assert message.toolTip().startswith("Nothing found for") and typed.strip() in message.toolTip()
    assert message.text().endswith("…")
    assert popup.viewport().rect().contains(popup.visualItemRect(message))


def test_reception_does_not_see_engineer_actions(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    reception_window = make_window(qtbot, office["reception"], prefs)
    assert "startWork" not in reception_window.detail.buttons
    assert "claim" not in reception_window.detail.buttons
    assert reception_window.detail.findChild(QWidget, "startWorkButton") is None
    engineer_window = make_window(qtbot, office["engineer"], prefs)
    assert engineer_window.detail.findChild(QWidget, "startWorkButton") is not None


def test_the_panels_are_built_after_the_list_is_first_painted(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    """The customer panel and the incident detail show nothing until a customer or an
    incident is chosen: the window is painted without them and builds them straight after,
    in their places, with the detail's actions in the Incident menu before the row menu's."""
    window = MainWindow(office["manager"], prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    assert window.findChild(QWidget, "incidentDetail") is None
    assert window.findChild(QWidget, "customerPanel") is None
    assert window.incident_actions == []
    assert not window.act_apply_cover.isEnabled() and not window.act_change_incident.isEnabled()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.findChild(QWidget, "incidentDetail") is not None)
    detail = window.findChild(QWidget, "incidentDetail")
    panel = window.findChild(QWidget, "customerPanel")
    assert detail is window.detail and panel is window.customer_panel
    assert window.right.isAncestorOf(detail) and window.right.isAncestorOf(panel)
    assert detail.isVisible() and panel.isVisible()
    assert detail.height() > 100 and panel.parentWidget().height() > 50  # their places' size
    # Built into a shown window, nothing took the keyboard from it (a button shown with no
    # parent is a window of its own).
    qtbot.waitUntil(window.isActiveWindow)
    entries = [a for a in window.incident_menu.actions() if not a.isSeparator()]
    assert entries.index(window.detail.incident_actions["resolve"]) < entries.index(
        window.act_row_menu)
    assert window.incident_actions[0] is window.detail.incident_actions["logCall"]
    assert window.incident_actions == [a for a in window.incident_context_menu.actions()]


def test_a_panel_asked_for_before_the_first_paint_is_built_then(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = MainWindow(office["engineer"], prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    assert window.customer_panel.customer_id is None
    assert window.findChild(QWidget, "incidentDetail") is window.detail
    assert len(window.incident_actions) == len(window.detail.incident_actions)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)  # the job after the first paint finds them built, and builds no others
    assert len(window.findChildren(QWidget, "incidentDetail")) == 1
    assert len(window.findChildren(QWidget, "customerPanel")) == 1


def test_every_stable_object_name_exists(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        prefs: Any) -> None:
    window = make_window(qtbot, office["engineer"], prefs)
    assert window.objectName() == "mainWindow"
    for name in ("incidentTable", "globalSearch", "customerPanel", "entitlementBanner",
                 "incidentDetail", "timeline"):
        assert window.findChild(QWidget, name) is not None, name
    dialog = LogCallDialog(window, office["engineer"])
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "logCallDialog"
    login = LoginDialog(None, users.login)
    qtbot.addWidget(login)
    assert login.objectName() == "loginDialog"
    for name in ("loginUser", "loginPassword"):
        assert login.findChild(QLineEdit, name) is not None, name


def test_another_desks_change_refreshes_without_losing_the_selection(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        prefs: Any) -> None:
    engineer = office["engineer"]
    first = intake.log_call(engineer, intake.LogCallInput(
        customer_id=caller.id, product_id=office["product"].id, subject="First aspect"))
    second = intake.log_call(engineer, intake.LogCallInput(
        customer_id=caller.id, product_id=office["product"].id, subject="Second aspect"))
    window = make_window(qtbot, engineer, prefs)
    window.view_buttons["all"].click()
    window.open_incident(first.id)
    assert window.detail.incident_id == first.id
    before = window.detail.timeline.topLevelItemCount()
    # Another desk (another user) adds a call to the selected incident.
    work.add_timeline_entry(office["engineer2"], first.id, TimelineKind.PHONE_OUT,
                                 "Rang back about the payment", duration_seconds=120,
                                 about_payment=True)
    with qtbot.waitSignal(window.refreshed, timeout=5000):
        window._on_poll_timeout()
    assert window.detail.incident_id == first.id
    assert window.detail.timeline.topLevelItemCount() == before + 1
    current = window.table.selectionModel().currentIndex()
    assert current.isValid() and current.siblingAtColumn(0).data() == first.reference
    # The list is in last-activity order: the incident the other desk touched is on top.
    assert window.model.index(0, 0).data() == first.reference
    assert window.model.index(1, 0).data() == second.reference


def test_window_state_is_restored_between_runs(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = make_window(qtbot, office["engineer"], prefs)
    window.resize(760, 700)
    window.splitter.setSizes([420, 320])
    sizes = window.splitter.sizes()
    window.close()
    again = make_window(qtbot, office["engineer"], prefs)
    assert again.size().width() == 760
    assert again.splitter.sizes() == sizes


def test_status_counts_on_the_filter_bar(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        prefs: Any) -> None:
    for n in range(3):
        intake.log_call(office["reception"], intake.LogCallInput(
            customer_id=caller.id, product_id=office["product"].id, subject=f"Aspect {n}"))
    window = make_window(qtbot, office["reception"], prefs)
    assert window.view_buttons["awaiting_payment"].text().endswith("3")
    assert window.model.rowCount() == 3


def test_a_lost_connection_is_said_in_the_status_bar_not_a_dialog(
        qtbot: Any, office: dict[str, Any], prefs: Any, shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    assert window.connection_label.text() == "● Connected"

    def gone(**_filters: object) -> dict[str, int]:
        raise ConnectionError("server closed the connection unexpectedly")

    monkeypatch.setattr(incident_list, "status_counts", gone)
    window.refresh_counts()
    assert window.connection_label.text() == "● Connection lost — retrying"
    assert shown_errors.shown == []  # the poll tries again; nobody is stopped by a dialog
    assert "Could not read the counts" in caplog.text
    monkeypatch.undo()
    window.refresh()
    assert window.connection_label.text() == "● Connected"


def test_a_refresh_that_cannot_read_the_open_incident_says_connection_lost(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary, prefs: Any,
        shown_errors: ShownErrors, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    ref = intake.log_call(office["reception"], intake.LogCallInput(
        customer_id=caller.id, product_id=office["product"].id, subject="Printer"))
    window = make_window(qtbot, office["reception"], prefs)
    window.detail.show_incident(ref.id)

    def gone(*_args: object) -> Any:
        raise peewee.OperationalError("server closed the connection unexpectedly")

    # The list was read; then the server went away before the incident and the poll's token.
    monkeypatch.setattr(window.detail, "show_incident", gone)
    monkeypatch.setattr(activity, "change_token", gone)
    window.refresh()
    assert window.connection_label.text() == "● Connection lost — retrying"
    assert shown_errors.shown == []  # the poll, not a dialog, says it
    assert "Could not read the incident or the customer" in caplog.text


def test_a_page_lost_while_scrolling_takes_the_connection_lost_path(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary, prefs: Any,
        shown_errors: ShownErrors, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    for n in range(PAGE_SIZE + 20):
        intake.log_call(office["reception"], intake.LogCallInput(
            customer_id=caller.id, product_id=office["product"].id, subject=f"Aspect {n}"))
    listing = incident_list.list_incidents
    asked: list[object] = []

    def second_page_fails(filt: Any, sort: Any = None, *, after: Any = None,
                          limit: int = 100) -> incident_list.IncidentPage:
        asked.append(after)
        if after is not None:  # the server went away between the first page and the second
            raise peewee.OperationalError("server closed the connection unexpectedly")
        return listing(filt, sort, after=after, limit=limit)

    monkeypatch.setattr(incident_list, "list_incidents", second_page_fails)
    window = make_window(qtbot, office["reception"], prefs)
    assert window.model.rowCount() == PAGE_SIZE and window.model.canFetchMore(QModelIndex())
    assert window.connection_label.text() == "● Connected"

    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: window.connection_label.text() == "● Connection lost — retrying")
    assert shown_errors.shown == []  # no crash dialog, no message: the status bar says it
    assert "Could not read the incident list" in caplog.text
    assert window.model.rowCount() == PAGE_SIZE
    assert not window.model.canFetchMore(QModelIndex())  # not asked again and again
    assert sum(1 for after in asked if after is not None) == 1

    # The database answers again: the poll reloads the list, and it scrolls on.
    monkeypatch.setattr(incident_list, "list_incidents", listing)
    with qtbot.waitSignal(window.refreshed, timeout=5000):
        window._on_poll_timeout()
    assert window.connection_label.text() == "● Connected"
    window.table.scrollToBottom()
    qtbot.waitUntil(lambda: window.model.rowCount() == PAGE_SIZE + 20)
    assert shown_errors.shown == []


def test_a_reload_on_a_lost_connection_takes_the_same_path(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary, prefs: Any,
        shown_errors: ShownErrors, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, office["manager"], prefs)

    def gone(*_args: object, **_kwargs: object) -> incident_list.IncidentPage:
        raise peewee.InterfaceError("connection already closed")

    monkeypatch.setattr(incident_list, "list_incidents", gone)
    window.view_buttons["all"].click()
    assert window.connection_label.text() == "● Connection lost — retrying"
    assert shown_errors.shown == []
    assert window.model.rowCount() == 0 and not window.model.canFetchMore(QModelIndex())


def test_a_bug_while_the_list_scrolls_is_still_the_crash_dialog(
        qtbot: Any, office: dict[str, Any], prefs: Any, shown_errors: ShownErrors) -> None:
    window = make_window(qtbot, office["manager"], prefs)
    shown_errors.expect_crash()
    window.model.failed.emit(KeyError("last_activity"))
    qtbot.waitUntil(lambda: bool(shown_errors.crashes))
    assert isinstance(shown_errors.crashes[0], KeyError)
    # A fault of the program is not a lost connection: the status bar does not say so.
    assert window.connection_label.text() == "● Connected"


def test_a_bug_while_reading_the_counts_is_shown_not_taken_for_a_lost_connection(
        qtbot: Any, office: dict[str, Any], prefs: Any, shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, office["reception"], prefs)

    def broken(**_filters: object) -> dict[str, int]:
        raise KeyError("awaiting_payment")

    monkeypatch.setattr(incident_list, "status_counts", broken)
    shown_errors.expect_crash()
    window.refresh_counts()
    assert [type(e) for e in shown_errors.crashes] == [KeyError]
    assert window.connection_label.text() == "● Connected"


def test_engineer_filter_lists_engineers_and_filters_the_list(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        prefs: Any) -> None:
    engineer = office["engineer"]
    mine = intake.log_call(engineer, intake.LogCallInput(
        customer_id=caller.id, product_id=office["product"].id, subject="Eddie's aspect"))
    work.claim(engineer, mine.id)
    intake.log_call(engineer, intake.LogCallInput(
        customer_id=caller.id, product_id=office["product"].id, subject="Nobody's aspect"))
    window = make_window(qtbot, office["manager"], prefs)
    window.view_buttons["all"].click()
    assert window.model.rowCount() == 2
    qtbot.waitUntil(lambda: window.engineer_filter.count() > 1)
    names = [window.engineer_filter.itemText(i) for i in range(window.engineer_filter.count())]
    assert "Eddie Engineer" in names and "Rita Reception" not in names
    window.engineer_filter.setCurrentIndex(names.index("Eddie Engineer"))
    assert window.model.rowCount() == 1
    assert window.model.index(0, 0).data() == mine.reference
    assert window.view_buttons["all"].text().endswith("1")


def test_an_open_desk_lapses_expired_season_tickets(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    from synergy_desk.domain.enums import LedgerKind
    from synergy_desk.models import tables as t
    from synergy_desk.services.money import tickets
    from tests.services.money.test_funding import buy_ticket, expire_ticket, new_customer

    customer = new_customer()
    ticket_id = buy_ticket(office["reception"], customer, size=3)
    expire_ticket(ticket_id)
    window = make_window(qtbot, office["reception"], prefs)
    window.lapse_expired_tickets()
    qtbot.waitUntil(lambda: t.TicketLedger.select().where(
        t.TicketLedger.kind == LedgerKind.EXPIRY).exists(), timeout=10_000)
    assert tickets.balance(ticket_id) == 0
    qtbot.waitUntil(lambda: "lapsed" in window.statusBar().currentMessage())


def test_another_window_opens_after_the_audit_log_was_closed(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent
    from shiboken6 import isValid

    from synergy_desk.ui.audit_view import AuditLogWindow

    window = make_window(qtbot, office["manager"], prefs)
    window.act_audit_log.trigger()
    audit = next(w for w in window._windows if isinstance(w, AuditLogWindow))
    audit.close()  # it deletes itself on closing
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not isValid(audit)
    window.act_callbacks.trigger()  # no crash dialog: the deleted window is let go
    assert all(isValid(w) for w in window._windows) and len(window._windows) == 1
    window._windows[0].close()


def test_the_office_menu_opens_the_reports_each_role_may_run(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    from synergy_desk.ui.reports import ReportsWindow

    manager = make_window(qtbot, office["manager"], prefs)
    assert manager.act_reports.isVisible()
    manager.act_reports.trigger()
    opened = [w for w in manager._windows if isinstance(w, ReportsWindow)]
    assert opened and opened[0].isVisible()
    opened[0].close()

    reception = make_window(qtbot, office["reception"], prefs)
    assert not reception.act_reports.isVisible()
    reception.act_takings.trigger()
    window = next(w for w in reception._windows if isinstance(w, ReportsWindow))

    def scope() -> str:
        label = window.findChild(QLabel, "reportScope")
        return label.text() if label is not None else ""

    qtbot.waitUntil(lambda: "Rita Reception" in scope(), timeout=10_000)
    window.close()


def test_a_manager_changes_the_office_settings_and_products_from_the_office_menu(
        qtbot: Any, office: dict[str, Any], prefs: Any, monkeypatch: Any) -> None:
    from synergy_desk.services.office import catalogue, settings
    from synergy_desk.ui.dialogs.office_settings import OfficeSettingsDialog
    from synergy_desk.ui.dialogs.products import ProductsDialog

    manager = office["manager"]
    window = make_window(qtbot, manager, prefs)
    assert window.act_office_settings.isVisible() and window.act_products.isVisible()

    def save_settings(cls: Any, parent: Any, actor: Any, background: Any) -> Any:
        current = settings.get_settings()
        return settings.update_settings(actor, current.version, company_name="Renamed Ltd")

    monkeypatch.setattr(OfficeSettingsDialog, "ask", classmethod(save_settings))
    window.act_office_settings.trigger()
    assert window.windowTitle().startswith("Renamed Ltd")

    qtbot.waitUntil(lambda: window.product_filter.count() > 1)
    monkeypatch.setattr(ProductsDialog, "ask", classmethod(
        lambda cls, parent, actor: catalogue.add_product(actor, "Stock Control", "3.0")))
    window.act_products.trigger()
    names = [window.product_filter.itemText(i) for i in range(window.product_filter.count())]
    assert "Stock Control" in names and names.count("Ledger Accounts") == 1


def test_only_a_manager_is_offered_the_office_settings(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = make_window(qtbot, office["engineer"], prefs)
    assert not window.act_office_settings.isVisible()
    assert not window.act_products.isVisible()


def test_a_manager_backs_the_office_up_from_the_file_menu(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    from synergy_desk.models.database import describe_url
    from synergy_desk.services.data import backup

    info = describe_url(office["url"])
    window = make_window(qtbot, office["manager"], prefs)
    window.attach_database(info)
    assert window.db_label.text().startswith("SQLite: " if info.kind == "sqlite"
                                             else "PostgreSQL: ")
    qtbot.waitUntil(lambda: window.auto_backup is not None)
    assert window.auto_backup.active is (info.kind == "sqlite")
    if info.kind != "sqlite":
        return  # a PostgreSQL office is backed up with pg_dump (tests/services/data/test_backup.py)
    folder = backup.backup_folder(info)
    before = set(folder.glob("*")) if folder.exists() else set()
    window.act_backup_now.trigger()
    qtbot.waitUntil(lambda: "Backed up" in window.statusBar().currentMessage()
                    or len(set(folder.glob("*.sqlite3")) - before) > 0, timeout=20_000)
    made = set(folder.glob("*.sqlite3")) - before
    assert len(made) == 1
    assert backup.verify_backup(next(iter(made))).counts["user"] == 4


MENU_ACTIONS = ("act_users", "act_audit_log", "act_import_customers", "act_office_settings",
                "act_products", "act_backup_now", "act_database", "act_reports")
#: Which of those each role is offered (docs/roles.md; the services refuse the rest anyway).
OFFERED = {
    "reception": set(),
    "engineer": {"act_audit_log", "act_reports"},
    "manager": set(MENU_ACTIONS),
}


@pytest.mark.parametrize("role", sorted(OFFERED))
def test_each_role_is_offered_its_own_office_functions(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str) -> None:
    window = make_window(qtbot, office[role], prefs)
    offered = {name for name in MENU_ACTIONS if getattr(window, name).isVisible()}
    assert offered == OFFERED[role]
    exports = {w for w, a in window.export_actions.items() if a.isVisible()}
    # Customers' personal details and payments are managers' to export (docs/roles.md).
    assert exports == {"reception": set(), "engineer": {"incidents"},
                       "manager": {"customers", "incidents", "payments"}}[role]
    assert window.act_takings.isVisible()


def test_the_menu_entries_open_users_audit_log_import_and_export(
        qtbot: Any, office: dict[str, Any], prefs: Any, monkeypatch: Any) -> None:
    import synergy_desk.ui.audit_view as audit_view
    import synergy_desk.ui.dialogs.import_customers as import_customers
    import synergy_desk.ui.dialogs.users as users_dialog
    import synergy_desk.ui.exports as exports

    opened: list[str] = []
    monkeypatch.setattr(users_dialog, "open_users", lambda *a: opened.append("users"))
    monkeypatch.setattr(audit_view, "open_audit_log", lambda *a: opened.append("audit"))
    monkeypatch.setattr(import_customers, "open_import_customers",
                        lambda *a: opened.append("import"))
    monkeypatch.setattr(exports, "export_flow", lambda *a: opened.append(f"export {a[3]}"))
    window = make_window(qtbot, office["manager"], prefs)
    window.act_users.trigger()
    window.act_audit_log.trigger()
    window.act_import_customers.trigger()
    for action in window.export_actions.values():
        action.trigger()
    assert opened == ["users", "audit", "import", "export customers", "export incidents",
                      "export payments"]


def test_on_first_start_the_window_fits_the_screen_it_opens_on(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    """No saved size: the window is never larger than the screen's free area (a 1366 × 768
    laptop lost the status bar and the right-hand panes off its edges), and a screen smaller
    than the roomy default gets the window maximised."""
    window = make_window(qtbot, office["reception"], prefs)
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()
    small = room.width() < 1400 or room.height() < 860
    assert bool(window.windowState() & Qt.WindowState.WindowMaximized) == small


@pytest.mark.parametrize("role", ["reception", "engineer", "manager"])
def test_no_two_shortcuts_of_the_window_are_the_same_keys(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str) -> None:
    """Two actions on the same keys cancel each other out in Qt ("ambiguous shortcut"), so
    neither runs: Ctrl+Shift+Y did nothing once the detail and the window both had it."""
    from PySide6.QtGui import QAction, QShortcut

    window = make_window(qtbot, office[role], prefs)
    seen: dict[str, list[str]] = {}
    for action in window.findChildren(QAction):
        for keys in action.shortcuts():
            seen.setdefault(keys.toString(), []).append(
                action.objectName() or action.text() or "an action")
    for shortcut in window.findChildren(QShortcut):
        seen.setdefault(shortcut.key().toString(), []).append(
            shortcut.objectName() or "a shortcut")
    clashes = {keys: names for keys, names in seen.items() if keys and len(names) > 1}
    assert clashes == {}


def test_the_window_reads_the_first_page_once_as_it_opens(
        qtbot: Any, office: dict[str, Any], prefs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Setting the model, its sort, a saved header and the view each sort the list; the
    first page is still read once."""
    engineer: Actor = office["engineer"]
    make_window(qtbot, engineer, prefs).close()  # leaves a saved header and view behind
    calls: list[str] = []
    real = incident_list.list_incidents

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0].view)
        return real(*args, **kwargs)

    monkeypatch.setattr(incident_list, "list_incidents", counted)
    window = make_window(qtbot, engineer, prefs)
    assert calls == [window.current_filter().view]
