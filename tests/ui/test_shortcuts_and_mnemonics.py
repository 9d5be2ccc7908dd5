"""Every key the window offers works and has one owner: the mnemonics (&-letters) of each
window and dialog are unique, no two things answer the same shortcut, and each shortcut shown
in a menu, a tooltip or the README does what it says when pressed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from synergy_desk.domain.cards import contains_card_number
from synergy_desk.domain.enums import FundingKind, PaymentMethod
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.ui.dialogs.log_call import LogCallDialog
from synergy_desk.ui.dialogs.payment import PaymentDialog
from synergy_desk.ui.dialogs.resolve import ResolveDialog
from synergy_desk.ui.main_window import VIEWS, MainWindow
from tests.ui.keys import ambiguous_shortcuts, duplicate_mnemonics
from tests.ui.workbench_data import detail, incident_in_progress, log_new, new_customer

ROLES = ["reception", "engineer", "manager"]
PAN = "4111 1111 1111 1111"


# -- helpers -------------------------------------------------------------------------------------


def make_window(qtbot: Any, actor: Actor, prefs: Any) -> MainWindow:
    window = MainWindow(actor, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    show_active(qtbot, window)
    # The customer panel and the incident detail are built just after the first paint.
    qtbot.waitUntil(lambda: window.findChild(QWidget, "incidentDetail") is not None)
    return window


def show_active(qtbot: Any, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


class ModalCloser:
    """Answers each modal dialog as it opens (by default: cancels it), remembering its name;
    a key that opens a modal dialog returns only once it is closed."""

    def __init__(self, answer: Callable[[QDialog], None] | None = None) -> None:
        self.opened: list[str] = []
        self._answer = answer
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, QDialog) or not modal.isVisible():
            return
        self.opened.append(modal.objectName() or type(modal).__name__)
        if self._answer is not None:
            self._answer(modal)
        if modal.isVisible():
            modal.reject()

    def stop(self) -> None:
        self._timer.stop()


def press(qtbot: Any, window: QWidget, keys: str) -> None:
    """The key sequence pressed where the keyboard focus is in the (active) window."""
    target = QApplication.focusWidget()
    if target is None or target.window() is not window:
        target = window
    QTest.keySequence(target, QKeySequence(keys))


def _resolved_incident(office: dict[str, Any]) -> int:
    """An incident worked and resolved, for the keys that apply to one (Re-open)."""
    from synergy_desk.domain.enums import Resolution
    from synergy_desk.services.incidents import closing

    ref = incident_in_progress(office)
    closing.resolve(office["engineer"], ref.id, Resolution.SOLUTION, "Excluded the folder.")
    return ref.id


def show_unfunded_incident(office: dict[str, Any], window: MainWindow) -> int:
    customer = new_customer(office["reception"], "Harriet Oduya")
    ref = log_new(office["reception"], customer, office["product"].id, "Payroll will not post")
    window.refresh(keep_selection=False)
    window.open_customer(customer)
    window.open_incident(ref.id)
    assert window.detail.incident_id == ref.id
    return ref.id


# -- the defects the desk reported ---------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_ctrl_shift_y_takes_the_payment_for_the_unfunded_incident_shown(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str) -> None:
    window = make_window(qtbot, office[role], prefs)
    show_unfunded_incident(office, window)
    window.table.setFocus()
    closer = ModalCloser()
    press(qtbot, window, "Ctrl+Shift+Y")
    closer.stop()
    assert closer.opened == ["paymentDialog"]


@pytest.mark.parametrize("role", ROLES)
def test_alt_digits_select_the_views_wherever_the_focus_is(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str) -> None:
    window = make_window(qtbot, office[role], prefs)
    for focus in (window.table, window.search):
        for number, (key, _label, shortcut) in reversed(list(enumerate(VIEWS, start=1))):
            assert shortcut == f"Alt+{number}"
            focus.setFocus()
            press(qtbot, window, shortcut)
            assert window._view == key, shortcut
            assert window.view_buttons[key].isChecked()


def open_dialog(qtbot: Any, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    return dialog


def test_alt_l_logs_the_call_and_log_call_keys_have_one_owner_each(
        qtbot: Any, office: dict[str, Any]) -> None:
    customer = new_customer(office["reception"], "Harriet Oduya")
    dialog = open_dialog(qtbot, LogCallDialog(None, office["reception"], customer))
    assert duplicate_mnemonics(dialog) == {}
    assert ambiguous_shortcuts(dialog) == {}
    dialog.subject.setFocus()
    QTest.keyClicks(dialog.subject, "Bank feed stopped")
    press(qtbot, dialog, "Alt+L")
    # A mnemonic presses its button as a click would be seen: a moment later.
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=2000)
    assert dialog.value is not None and dialog.value.new_incident
    assert t.Incident.select().where(t.Incident.subject == "Bank feed stopped").count() == 1


def test_the_resolve_dialog_has_one_owner_for_each_letter(
        qtbot: Any, office: dict[str, Any]) -> None:
    ref = incident_in_progress(office)
    dialog = open_dialog(qtbot, ResolveDialog(None, detail(ref.id)))
    for index in range(dialog.resolution_type.count()):
        dialog.resolution_type.setCurrentIndex(index)
        shown = dialog.resolution_type.currentText()
        assert duplicate_mnemonics(dialog) == {}, shown
        assert ambiguous_shortcuts(dialog) == {}, shown


@pytest.mark.parametrize("role", ROLES)
def test_the_window_with_an_incident_shown_has_one_owner_for_each_key(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str) -> None:
    """Re&fund… (Alt+F) took the File menu's letter; Take &payment… and S&plit… shared P."""
    window = make_window(qtbot, office[role], prefs)
    show_unfunded_incident(office, window)
    assert duplicate_mnemonics(window) == {}
    assert ambiguous_shortcuts(window) == {}


def test_one_enter_takes_the_payment_once_a_wiped_card_number_is_typed_over(
        qtbot: Any, office: dict[str, Any]) -> None:
    customer = new_customer(office["reception"], "Harriet Oduya")
    ref = log_new(office["reception"], customer, office["product"].id, "Payroll will not post")
    dialog = open_dialog(qtbot, PaymentDialog(None, office["reception"], customer, (ref.id,)))
    dialog.method.setCurrentIndex(dialog.method.findData(PaymentMethod.CARD.value))
    dialog.card_brand.setFocus()
    QTest.keyClicks(dialog.card_brand, "Visa")
    dialog.card_last4.setFocus()
    QTest.keyClicks(dialog.card_last4, "1111")
    dialog.reference.setFocus()
    QTest.keyClicks(dialog.reference, PAN)
    assert not contains_card_number(dialog.reference.text())
    assert "full card number" in dialog.message.text()
    # The cashier selects what was left of the number, types the code over it, and presses
    # Enter once.
    QTest.keySequence(dialog.reference, QKeySequence(QKeySequence.StandardKey.SelectAll))
    QTest.keyClicks(dialog.reference, "XY9876")
    QTest.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value is not None and dialog.value.auth_code == "XY9876"
    assert t.Incident.get_by_id(ref.id).funding == FundingKind.PAYMENT


def test_one_enter_takes_a_numeric_auth_code_typed_after_the_wiped_number(
        qtbot: Any, office: dict[str, Any]) -> None:
    """Terminals print six-digit codes: more digits than a card number has left are the
    cashier's own, not the rest of the number."""
    customer = new_customer(office["reception"], "Harriet Oduya")
    ref = log_new(office["reception"], customer, office["product"].id, "Payroll will not post")
    dialog = open_dialog(qtbot, PaymentDialog(None, office["reception"], customer, (ref.id,)))
    dialog.method.setCurrentIndex(dialog.method.findData(PaymentMethod.CARD.value))
    dialog.card_brand.setText("Visa")
    dialog.card_last4.setText("1111")
    dialog.reference.setFocus()
    QTest.keyClicks(dialog.reference, PAN)
    assert dialog.reference.text() == ""
    QTest.keyClicks(dialog.reference, "654321")
    QTest.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value is not None and dialog.value.auth_code == "654321"


def test_one_enter_takes_the_payment_after_a_pasted_card_number_is_wiped(
        qtbot: Any, office: dict[str, Any]) -> None:
    customer = new_customer(office["reception"], "Harriet Oduya")
    ref = log_new(office["reception"], customer, office["product"].id, "Payroll will not post")
    dialog = open_dialog(qtbot, PaymentDialog(None, office["reception"], customer, (ref.id,)))
    dialog.method.setCurrentIndex(dialog.method.findData(PaymentMethod.CARD.value))
    dialog.card_brand.setText("Visa")
    dialog.card_last4.setText("1111")
    dialog.reference.setFocus()
    QApplication.clipboard().setText(PAN)
    QTest.keySequence(dialog.reference, QKeySequence(QKeySequence.StandardKey.Paste))
    assert dialog.reference.text() == ""
    QTest.keyClicks(dialog.reference, "654321")
    QTest.keyClick(dialog.reference, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.value is not None and dialog.value.auth_code == "654321"


# -- every window and dialog of the program ------------------------------------------------------


@pytest.fixture
def desk(office: dict[str, Any]) -> dict[str, Any]:
    """What the dialogs show: a customer with a contact, a season ticket, an incident awaiting
    payment, one in progress with entries, and a receipt paid by card."""
    from synergy_desk.services.money import payments
    from synergy_desk.services.people import customers
    from tests.ui.workbench_data import buy_ticket

    reception = office["reception"]
    customer = new_customer(reception, "Harriet Oduya")
    customers.add_contact(reception, customer, customers.customer_summary(customer).version,
                          customers.ContactInput(name="Sam Oduya", phone="01632 960124",
                                                 email="sam@oduya.example"))
    buy_ticket(reception, customer, size=5)
    unfunded = log_new(reception, customer, office["product"].id, "Payroll will not post")
    paid = log_new(reception, customer, office["product"].id, "Bank feed stopped")
    receipt = payments.take_payment(reception, payments.PaymentInput(
        customer_id=customer, incident_ids=(paid.id,), method=PaymentMethod.CARD,
        card_brand="Visa", card_last4="4242", auth_code="AB1234"))
    working = incident_in_progress(office)
    return {**office, "customer": customer, "unfunded": unfunded.id, "working": working.id,
            "receipt": receipt}


def _never(*_args: object, **_kwargs: object) -> Any:
    raise AssertionError("nothing is saved while the keys are checked")


def _factories() -> dict[str, Callable[[dict[str, Any]], list[QWidget]]]:
    """Each window or dialog class of the program, made as the program makes it (some in more
    than one state: each counts as the window a person sees)."""
    from synergy_desk.services.incidents.detail import incident_detail
    from synergy_desk.services.mail import outbox, triage
    from synergy_desk.services.money import cash_counts, tickets
    from synergy_desk.services.money.refund_queue import RefundRequestRow
    from synergy_desk.services.office import catalogue, settings
    from synergy_desk.services.office.office_time import office_today
    from synergy_desk.services.people import customers, users
    from synergy_desk.services.people.phone_book import callers_with_number
    from synergy_desk.services.reporting import receipt_documents
    from synergy_desk.ui import exports
    from synergy_desk.ui.audit_view import AuditLogWindow
    from synergy_desk.ui.callbacks_view import CallbacksView
    from synergy_desk.ui.caller_log_view import CallerLogView
    from synergy_desk.ui.contracts_view import ContractsView
    from synergy_desk.ui.dialogs import (
        callback,
        caller_choice,
        customer_cover,
        customer_editor,
        database_settings,
        desk_settings,
        first_run,
        import_customers,
        incident_fields,
        login,
        merge,
        office_settings,
        password,
        payment_request,
        products,
        record_transfer,
        refund,
        resolve,
        split,
        statement_import,
        timeline_entry,
        waiver,
    )
    from synergy_desk.ui.dialogs import users as users_dialogs
    from synergy_desk.ui.dialogs.incident_from_email import IncidentFromEmailDialog
    from synergy_desk.ui.dialogs.reply_editor import ReplyEditor
    from synergy_desk.ui.email_triage_view import EmailTriageView, NotSupportDialog
    from synergy_desk.ui.help import AboutDialog
    from synergy_desk.ui.lock_screen import LockScreen
    from synergy_desk.ui.outbox_view import OutboxView
    from synergy_desk.ui.pdf_preview import PdfPreviewDialog
    from synergy_desk.ui.refund_queue import DeclineRefundDialog, RefundQueueWindow
    from synergy_desk.ui.registers import RegistersWindow
    from synergy_desk.ui.reports import CashCountDialog, ReportsWindow
    from synergy_desk.ui.requests_view import CancelRequestDialog, RequestsView
    from tests.ui.conftest import InlineBackground

    def bg() -> InlineBackground:
        return InlineBackground()

    def user_row(d: dict[str, Any]) -> Any:
        return next(u for u in users.list_users(d["manager"]) if u.username == "rita")

    def summary(d: dict[str, Any]) -> Any:
        return customers.customer_summary(d["customer"])

    return {
        "CallbackDialog": lambda d: [callback.CallbackDialog(
            None, _never, d["customer"], d["unfunded"], "INC-1")],
        "TicketAdjustDialog": lambda d: [customer_cover.TicketAdjustDialog(
            None, "Harriet Oduya", tickets.tickets_for_customer(d["customer"]), _never)],
        "ContractDialog": lambda d: [customer_cover.ContractDialog(
            None, "Harriet Oduya", catalogue.list_products(), _never)],
        "ContractEndDialog": lambda d: [customer_cover.ContractEndDialog(
            None, "SC-1", office_today(), _never, 1, early=early) for early in (False, True)],
        "CustomerEditor": lambda d: [customer_editor.CustomerEditor(
            None, d["reception"], customers.get_customer_for_edit(d["customer"]))],
        "ContactEditor": lambda d: [customer_editor.ContactEditor(
            None, d["reception"], summary(d)), customer_editor.ContactEditor(
            None, d["reception"], summary(d), summary(d).contacts[0])],
        "DatabaseSettingsDialog": lambda d: [database_settings.DatabaseSettingsDialog(
            None, d["url"], bg())],
        "FirstRunDialog": lambda d: [first_run.FirstRunDialog(None)],
        "ImportCustomersDialog": lambda d: [import_customers.ImportCustomersDialog(
            None, d["manager"], bg())],
        "IncidentFieldsDialog": lambda d: [incident_fields.IncidentFieldsDialog(
            None, d["manager"], incident_detail(d["unfunded"]), catalogue.list_products(),
            users.user_choices())],
        "LogCallDialog": lambda d: [LogCallDialog(None, d["reception"]),
                                    LogCallDialog(None, d["reception"], d["customer"])],
        "LoginDialog": lambda d: [login.LoginDialog(None, users.login, "Synergy Support Ltd")],
        "MergeDialog": lambda d: [merge.MergeDialog(None, detail(d["working"]))],
        "OfficeSettingsDialog": lambda d: [office_settings.OfficeSettingsDialog(
            None, d["manager"], bg(), settings.get_settings())],
        "ChangePasswordDialog": lambda d: [
            password.ChangePasswordDialog(None),
            password.ChangePasswordDialog(None, current_password="x", username="rita")],
        "PaymentDialog": lambda d: [
            PaymentDialog(None, d["reception"], d["customer"], (d["unfunded"],)),
            PaymentDialog(None, d["reception"], d["customer"], offer_ticket=True)],
        "CatalogueEntryDialog": lambda d: [
            products.CatalogueEntryDialog(None, "Product", _never, "Ledger", "12.4"),
            products.CatalogueEntryDialog(None, "Module", _never, "Bank feeds")],
        "ProductsDialog": lambda d: [products.ProductsDialog(None, d["manager"])],
        "RefundDialog": lambda d: [refund.RefundDialog(None, d["manager"], d["receipt"])],
        "ResolveDialog": lambda d: [resolve.ResolveDialog(None, detail(d["working"]))],
        "CloseUnresolvedDialog": lambda d: [resolve.CloseUnresolvedDialog(
            None, detail(d["working"]))],
        "ReopenDialog": lambda d: [resolve.ReopenDialog(None, detail(d["working"]))],
        "OutOfRemitDialog": lambda d: [resolve.OutOfRemitDialog(None, detail(d["working"]))],
        "SplitDialog": lambda d: [split.SplitDialog(None, detail(d["working"]),
                                                    catalogue.list_products())],
        "StatementImportDialog": lambda d: [
            statement_import.StatementImportDialog(None, d["reception"]),
            _statement_loaded(statement_import.StatementImportDialog(None, d["reception"]))],
        "TimelineEntryDialog": lambda d: [timeline_entry.TimelineEntryDialog(
            None, list(timeline_entry.TimelineKind), "INC-000001")],
        "UserEditDialog": lambda d: [users_dialogs.UserEditDialog(None),
                                     users_dialogs.UserEditDialog(None, user_row(d))],
        "ResetPasswordDialog": lambda d: [users_dialogs.ResetPasswordDialog(None, user_row(d))],
        "UsersDialog": lambda d: [users_dialogs.UsersDialog(None, d["manager"])],
        "WaiverDialog": lambda d: [waiver.WaiverDialog(None, "INC-000001")],
        "AuditLogWindow": lambda d: [AuditLogWindow(None, d["manager"], bg())],
        "CallbacksView": lambda d: [CallbacksView(d["reception"])],
        "ContractsView": lambda d: [ContractsView(None, d["manager"]), ContractsView(
            None, d["manager"], d["customer"], "Harriet Oduya")],
        "ExportPeriodDialog": lambda d: [exports.ExportPeriodDialog(None, "incidents")],
        "LockScreen": lambda d: [LockScreen(QWidget(), d["reception"], users.login)],
        "PdfPreviewDialog": lambda d: [PdfPreviewDialog(
            None, receipt_documents.receipt_pdf(d["receipt"].number, copy=True),
            title="Receipt", filename="receipt.pdf", background=bg())],
        "RefundQueueWindow": lambda d: [RefundQueueWindow(d["manager"], bg())],
        "DeclineRefundDialog": lambda d: [DeclineRefundDialog(None, RefundRequestRow(
            1, d["unfunded"], "INC-1", "Payroll", "Harriet Oduya", "R-000001", 1, 9000,
            "Out of remit", "Eddie", d["receipt"].taken_at))],
        "RegistersWindow": lambda d: [RegistersWindow(d["engineer"])],
        "CashCountDialog": lambda d: [CashCountDialog(
            None, d["reception"], cash_counts.expected_cash(d["reception"], office_today()),
            500)],
        "ReportsWindow": lambda d: [ReportsWindow(d["manager"], bg())],
        "CallerChoiceDialog": lambda d: [caller_choice.CallerChoiceDialog(
            None, "01632 960124", callers_with_number("01632 960124") * 2)],
        "CallerLogView": lambda d: [CallerLogView(d["reception"])],
        "DeskSettingsDialog": lambda d: [desk_settings.DeskSettingsDialog(None, windows=False)],
        "AboutDialog": lambda d: [AboutDialog(None, "SQLite: office.sqlite3")],
        # Without the office's bank details (no Issue button), then with them.
        "PaymentRequestDialog": lambda d: [
            payment_request.PaymentRequestDialog(None, d["reception"], d["customer"],
                                                 (d["unfunded"],)),
            _banked(d, lambda: payment_request.PaymentRequestDialog(
                None, d["reception"], d["customer"], (d["unfunded"],), ticket_size=5))],
        "RecordTransferDialog": lambda d: [record_transfer.RecordTransferDialog(
            None, d["reception"])],
        "RequestsView": lambda d: [RequestsView(d["reception"], bg()),
                                   RequestsView(d["manager"], bg())],
        "CancelRequestDialog": lambda d: [CancelRequestDialog(None, "PR-000001")],
        # E-mail to sort with a message chosen (a held one too), and what is done from it.
        "EmailTriageView": lambda d: [_with_mail(d, lambda: EmailTriageView(d["reception"],
                                                                            bg())),
                                      _with_mail(d, lambda: EmailTriageView(
                                          d["reception"], bg(), view="not_support"))],
        "IncidentFromEmailDialog": lambda d: [_with_mail(d, lambda: IncidentFromEmailDialog(
            None, d["reception"], triage.message_detail(_email_id(d))))],
        "NotSupportDialog": lambda d: [NotSupportDialog(None, "Printer offline")],
        "OutboxView": lambda d: [OutboxView(d["reception"], bg()), OutboxView(d["manager"], bg())],
        # An unfunded incident's reply (about payment asked) and a funded one's.
        "ReplyEditor": lambda d: [
            ReplyEditor(None, d["engineer"], "INC-1",
                        outbox.draft_reply(d["engineer"], d["unfunded"]), 10240),
            ReplyEditor(None, d["engineer"], "INC-2",
                        outbox.draft_reply(d["engineer"], d["working"]), 10240)],
    }


def _email_id(d: dict[str, Any]) -> int:
    """A message waiting to be sorted (received once for all the windows that show it)."""
    from synergy_desk.services.mail import inbound
    from tests.services.mail.mail_helpers import raw_mail

    if "email_id" not in d:
        d["email_id"] = inbound.receive(raw_mail(
            sender="Sam Oduya <sam@oduya.example>", subject="Printer offline",
            files=(("report.pdf", "application/pdf", b"%PDF-1.4"),))).email_id
    return int(d["email_id"])


def _with_mail(d: dict[str, Any], make: Callable[[], QWidget]) -> QWidget:
    """A window made once a message waits to be sorted."""
    _email_id(d)
    return make()


def _statement_loaded(dialog: Any) -> Any:
    """The statement window with a statement's lines and its columns shown."""
    from pathlib import Path

    dialog.load(str(Path(__file__).parents[1] / "data" / "statements" / "barclays.csv"))
    dialog.columns_button.setChecked(True)
    return dialog


def _banked(d: dict[str, Any], make: Callable[[], QWidget]) -> QWidget:
    """A window made once the office's bank details are set."""
    from tests.ui.test_payment_request_dialog import set_bank

    set_bank(d["manager"])
    return make()


#: Base classes, never shown on their own.
NOT_SHOWN = {"FormDialog", "ReasonDialog"}


def _window_classes() -> set[str]:
    """Every class of the window's code that is a dialog or a window of its own."""
    import importlib
    import inspect
    import pkgutil

    import synergy_desk.ui
    import synergy_desk.ui.dialogs
    from synergy_desk.ui.lock_screen import LockScreen

    found: set[str] = set()
    for package in (synergy_desk.ui, synergy_desk.ui.dialogs):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and (
                        issubclass(cls, QDialog) or issubclass(cls, LockScreen)):
                    found.add(name)
    return found - NOT_SHOWN


def test_every_dialog_of_the_program_is_walked() -> None:
    assert _window_classes() == set(_factories())


def _clashes(widget: QWidget, state: str) -> list[str]:
    found = []
    for letter, owners in duplicate_mnemonics(widget).items():
        found.append(f"{widget.objectName()} ({state}): &{letter} on {owners}")
    for keys, owners in ambiguous_shortcuts(widget).items():
        found.append(f"{widget.objectName()} ({state}): {keys} on {owners}")
    return found


def test_no_dialog_has_two_owners_for_a_letter_or_a_key(
        qtbot: Any, desk: dict[str, Any]) -> None:
    """Every dialog and window of the program, in each state that shows other widgets."""
    clashes: list[str] = []
    for name, make in _factories().items():
        for widget in make(desk):
            qtbot.addWidget(widget)
            widget.show()
            qtbot.waitExposed(widget)
            assert widget.objectName(), name
            clashes += _clashes(widget, "as opened")
            states: list[str] = []
            # The states are applied one after another; each is checked as it is shown.
            from PySide6.QtWidgets import QComboBox, QRadioButton, QTabWidget

            for tabs in widget.findChildren(QTabWidget):
                for index in range(tabs.count()):
                    tabs.setCurrentIndex(index)
                    states.append(f"tab {tabs.tabText(index)!r}")
                    clashes += _clashes(widget, states[-1])
            for combo in widget.findChildren(QComboBox):
                if combo.objectName() in ("resolutionType", "paymentMethod"):
                    for index in range(combo.count()):
                        combo.setCurrentIndex(index)
                        clashes += _clashes(widget, f"{combo.itemText(index)!r} chosen")
            for radio in widget.findChildren(QRadioButton):
                if radio.isVisibleTo(widget) and radio.isEnabled():
                    radio.setChecked(True)
                    clashes += _clashes(widget, f"{radio.text()!r} chosen")
            widget.close()
    assert clashes == [], "\n".join(clashes)


def test_the_offer_to_fund_an_incident_has_one_owner_for_each_letter(
        qtbot: Any, desk: dict[str, Any], window: QWidget) -> None:
    """The message box start work shows for an unfunded incident (redeem, pay or cancel)."""
    from synergy_desk.ui import workbench

    clashes: list[str] = []
    closer = ModalCloser(lambda box: clashes.extend(_clashes(box, "as opened")))
    workbench.start_work_flow(window, desk["engineer"], desk["unfunded"],
                              take_payment=_never)
    closer.stop()
    assert closer.opened == ["fundingShortcut"]
    assert clashes == []


# -- every shortcut shown is alive ---------------------------------------------------------------

#: Shortcuts whose action would end the test's window (quit, lock, switch user, log out): the
#: key is held to reach that action, alone and unambiguous, and the action is not run (their
#: own tests run them: tests/ui/test_log_out.py, tests/ui/test_lock_screen.py).
ENDS_THE_WINDOW = {"actionQuit", "actionLockDesk", "actionSwitchUser", "actionLogOut"}


def _plain(text: str) -> str:
    return " ".join(text.replace("&&", "\0").replace("&", "").replace("\0", "&")
                    .replace("…", "").split()).lower()


def readme_shortcuts() -> list[str]:
    """The key sequences of the README's list of the window's keyboard shortcuts."""
    import re
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Keyboard shortcuts")
    end = readme.index("\n#", start + 4)
    found: list[str] = []
    for line in readme[start:end].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) < 2 or set(cells[0]) <= {"-", " "} \
                or cells[0] == "Keys":
            continue
        for part in cells[0].split(","):
            part = part.strip()
            span = re.fullmatch(r"(.*\+)(\d) … \1(\d)", part)
            if span:
                found.extend(f"{span.group(1)}{n}" for n in
                             range(int(span.group(2)), int(span.group(3)) + 1))
            else:
                found.append(part)
    return found


class Fired:
    """Which actions, shortcuts and buttons of a window answered a key."""

    def __init__(self, window: QWidget) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtGui import QAction, QShortcut
        from PySide6.QtWidgets import QAbstractButton

        self.names: list[str] = []
        self.ambiguous: list[str] = []
        fired = self

        class Stop(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Shortcut:
                    fired.names.append(watched.objectName())
                    return True
                return False

        self._stop = Stop()
        for action in window.findChildren(QAction):
            if action.objectName() in ENDS_THE_WINDOW:
                action.installEventFilter(self._stop)
            action.triggered.connect(
                lambda _c=False, a=action: self.names.append(a.objectName() or a.text()))
        for shortcut in window.findChildren(QShortcut):
            shortcut.activated.connect(lambda s=shortcut: self.names.append(s.objectName()))
            shortcut.activatedAmbiguously.connect(
                lambda s=shortcut: self.ambiguous.append(s.objectName()))
        for button in window.findChildren(QAbstractButton):
            button.clicked.connect(lambda _c=False, b=button: self.names.append(b.objectName()))


def _owners(window: QWidget) -> dict[str, list[Any]]:
    """Each key sequence with the live actions and shortcuts that own it."""
    from PySide6.QtGui import QShortcut

    from tests.ui.keys import _live_actions, _shown

    owners: dict[str, list[Any]] = {}
    for action, _name in _live_actions(window):
        for keys in action.shortcuts():
            owners.setdefault(keys.toString(), []).append(action)
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if shortcut.isEnabled() and isinstance(parent, QWidget) and _shown(parent, window):
            for keys in shortcut.keys():
                owners.setdefault(keys.toString(), []).append(shortcut)
    return owners


def _tooltips(window: QWidget) -> dict[str, list[Any]]:
    """Each key sequence a tooltip of the window names, with what carries the tooltip: the
    widgets and actions that can be used now (a greyed button's keys do nothing, as it does
    nothing; the keys are pressed in a state where it applies)."""
    from PySide6.QtGui import QAction

    from tests.ui.keys import _shown, keys_in_tip

    named: dict[str, list[Any]] = {}
    for widget in [window, *window.findChildren(QWidget)]:
        if _shown(widget, window) and widget.isEnabled():
            for keys in keys_in_tip(widget.toolTip()):
                named.setdefault(keys, []).append(widget)
    for action in window.findChildren(QAction):
        if action.isVisible() and action.isEnabled() \
                and action.toolTip() != _plain(action.text()):
            for keys in keys_in_tip(action.toolTip()):
                named.setdefault(keys, []).append(action)
    return named


def _focus_for(window: MainWindow, owner: Any) -> QWidget:
    """Where the keyboard focus is when the key is pressed: the list, or inside the widget of
    an action that answers only there (the timeline's)."""
    from PySide6.QtGui import QAction

    if isinstance(owner, QAction) and \
            owner.shortcutContext() is Qt.ShortcutContext.WidgetWithChildrenShortcut:
        widget = owner.associatedObjects()[0]
        assert isinstance(widget, QWidget)
        return widget
    return window.table


def _tidy(qtbot: Any, window: MainWindow) -> None:
    """Close what a key opened beside the window, and make the window active again."""
    window.background.wait(10_000)
    qtbot.wait(10)
    popup = QApplication.activePopupWidget()
    if popup is not None:
        popup.close()
    for widget in QApplication.topLevelWidgets():
        if widget is not window and widget.isVisible() and widget.isWindow() \
                and widget.objectName() != "globalSearchResults":
            widget.close()
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)


def _choose_a_call(window: MainWindow) -> None:
    """The call on the incident's timeline is the chosen entry (Ctrl+Shift+F marks it)."""
    from synergy_desk.domain.enums import TimelineKind

    timeline = window.detail.timeline
    for index in range(timeline.topLevelItemCount()):
        item = timeline.topLevelItem(index)
        timeline.setCurrentItem(item)
        entry = window.detail._chosen_entry()
        if entry is not None and TimelineKind(entry.kind) is not TimelineKind.SYSTEM:
            return
    raise AssertionError("the incident shown has no call on its timeline")


def _exercise(qtbot: Any, window: MainWindow, keys: str) -> tuple[Any, list[str]]:
    """Press the keys in the window as a person would; the owner, and what answered."""
    _choose_a_call(window)
    owners = _owners(window).get(QKeySequence(keys).toString(), [])
    assert len(owners) == 1, f"{keys} belongs to {[o.objectName() for o in owners]}"
    owner = owners[0]
    _focus_for(window, owner).setFocus()
    window.fired.names.clear()
    closer = ModalCloser()
    press(qtbot, window, keys)
    closer.stop()
    _tidy(qtbot, window)
    assert window.fired.ambiguous == []
    answered = list(window.fired.names)
    assert owner.objectName() in answered, f"{keys}: {owner.objectName()} did not answer"
    return owner, answered + closer.opened


def _corresponds(carrier: Any, owner: Any, answered: list[str]) -> bool:
    """Whether what answered the key is what the tooltip's widget or action offers."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QAbstractButton, QToolButton

    if carrier is owner or carrier.objectName() in answered:
        return True
    if isinstance(carrier, QToolButton) and carrier.defaultAction() is owner:
        return True
    # A button of the incident detail answers its keys through its own action, which presses
    # it only while it is enabled (a disabled button's keys do nothing, as it says).
    if owner.objectName() == carrier.objectName().removesuffix("Button") + "Shortcut":
        return carrier.isEnabled() == (carrier.objectName() in answered)
    text = carrier.text() if isinstance(carrier, (QAbstractButton, QAction)) else ""
    mine, its = _plain(text), _plain(owner.text())
    return bool(mine and its) and (mine.startswith(its) or its.startswith(mine))


@pytest.mark.slow
def test_every_shortcut_in_the_menus_tooltips_and_readme_does_what_it_says(
        qtbot: Any, office: dict[str, Any], prefs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from synergy_desk.ui import main_window

    # The window's background jobs (a summary PDF, a report) run at once, on this thread.
    from tests.ui.conftest import InlineBackground

    monkeypatch.setattr(main_window, "Background", lambda _parent=None: InlineBackground())
    readme = readme_shortcuts()
    assert "Ctrl+L" in readme and "Alt+8" in readme
    exercised: set[str] = set()
    resolved = _resolved_incident(office)
    working = incident_in_progress(office).id
    for role in ROLES:
        window = make_window(qtbot, office[role], prefs)
        unfunded = show_unfunded_incident(office, window)
        window.fired = Fired(window)  # type: ignore[attr-defined]
        # An incident awaiting payment, one in progress, then a resolved one: each incident
        # action's keys are live while it applies (Resolve on one being worked, Re-open on a
        # resolved one).
        for shown in (unfunded, working, resolved):
            window.open_incident(shown)
            assert window.detail.incident_id == shown
            _choose_a_call(window)
            owners = _owners(window)

            # Every shortcut of an action of the window (its menus' among them) answers.
            for keys in sorted(owners):
                window.open_incident(shown)  # each key meets the incident as shown
                owner, answered = _exercise(qtbot, window, keys)
                exercised.add(keys)
                if owner.objectName().startswith("actionView_"):
                    assert window._view == owner.objectName().removeprefix("actionView_")

            # Every tooltip names keys that do what its widget or action does, with the
            # incident shown again (a view's keys above may have chosen another).
            window.open_incident(shown)
            _choose_a_call(window)
            owners = _owners(window)
            for keys, carriers in sorted(_tooltips(window).items()):
                assert QKeySequence(keys).toString() in owners, \
                    f"{keys} is named in a tooltip ({carriers[0].objectName()}) but nothing has it"
                window.open_incident(shown)
                owner, answered = _exercise(qtbot, window, keys)
                for carrier in carriers:
                    assert _corresponds(carrier, owner, answered), (
                        f"{keys}: the tooltip of {carrier.objectName()} ({carrier.toolTip()!r}) "
                        f"but {owner.objectName()} answered")
        window.close()

    # Every key the README lists answers in the window of some role.
    missing = [keys for keys in readme if QKeySequence(keys).toString() not in exercised]
    assert missing == [], f"the README names keys no action of the window has: {missing}"


# -- Tab and the keyboard focus --------------------------------------------------------------------


def test_tab_leaves_the_incident_list_and_the_arrows_move_within_it(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    customer = new_customer(office["reception"], "Harriet Oduya")
    for subject in ("Payroll will not post", "Bank feed stopped", "Reports are blank"):
        log_new(office["reception"], customer, office["product"].id, subject)
    window.refresh(keep_selection=False)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    window.table.setFocus()
    window.table.selectRow(0)
    QTest.keyClick(window.table, Qt.Key.Key_Down)
    assert window.table.currentIndex().row() == 1
    QTest.keyClick(window.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not window.table
    assert window.table.currentIndex().row() == 1
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab,
                   Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is window.table


@pytest.mark.parametrize(("role", "keys", "dialog"), [
    ("reception", "Ctrl+L", "logCallDialog"),
    ("reception", "Ctrl+Shift+Y", "paymentDialog"),
    ("reception", "Ctrl+Shift+U", "customerEditor"),
    ("engineer", "Ctrl+Shift+I", "incidentFieldsDialog"),
    ("engineer", "Ctrl+T", "timelineEntryDialog"),
    ("manager", "Ctrl+Shift+B", "callbackDialog"),
])
def test_the_keyboard_is_back_in_the_list_when_a_dialog_closes(
        qtbot: Any, office: dict[str, Any], prefs: Any, role: str, keys: str,
        dialog: str) -> None:
    window = make_window(qtbot, office[role], prefs)
    show_unfunded_incident(office, window)
    window.search.setFocus()  # where the caller was found
    closer = ModalCloser()
    press(qtbot, window, keys)
    closer.stop()
    assert closer.opened == [dialog]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table, timeout=2000)


def test_the_keyboard_is_back_in_the_list_after_a_call_is_logged(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    customer = new_customer(office["reception"], "Harriet Oduya")
    window.open_customer(customer)
    window.search.setFocus()

    def log_it(dialog: QDialog) -> None:
        assert isinstance(dialog, LogCallDialog)
        dialog.subject.setText("Bank feed stopped")
        dialog.accept()

    closer = ModalCloser(log_it)
    press(qtbot, window, "Ctrl+Shift+C")
    closer.stop()
    assert closer.opened == ["logCallDialog"]
    assert t.Incident.select().count() == 1
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.table, timeout=2000)
