"""Reception edits what the customer panel shows: the customer, and their contacts (added,
changed, retired), each saved against the version shown, audited, and shown again."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import intake
from synergy_desk.services.people import customers
from synergy_desk.ui.dialogs import customer_editor
from synergy_desk.ui.dialogs.customer_editor import ContactEditor, CustomerEditor
from synergy_desk.ui.dialogs.log_call import LogCallDialog
from synergy_desk.ui.incident_detail import IncidentDetail
from synergy_desk.ui.main_window import MainWindow
from tests.ui.conftest import ShownErrors


def make_window(qtbot: Any, actor: Actor, prefs: Any) -> MainWindow:
    window = MainWindow(actor, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def last_audit(customer_id: int) -> t.AuditLog:
    return (t.AuditLog.select().where((t.AuditLog.entity == "customer")
                                      & (t.AuditLog.entity_id == str(customer_id)))
            .order_by(t.AuditLog.id.desc()).get())


def editor_for(qtbot: Any, actor: Actor, customer_id: int) -> CustomerEditor:
    dialog = CustomerEditor(None, actor, customers.get_customer_for_edit(customer_id))
    qtbot.addWidget(dialog)
    return dialog


def answering(dialog_class: type, fill: Any) -> Any:
    """An ``ask`` that builds the real dialog, lets the test fill it in, and accepts it."""
    def ask(cls: type, parent: QWidget | None, *args: Any) -> Any:
        dialog = dialog_class(parent, *args)
        fill(dialog)
        dialog.accept()
        value = dialog.value
        dialog.deleteLater()
        return value
    return classmethod(ask)


def test_reception_edits_the_customer_from_the_panel_with_ctrl_shift_u(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary, prefs: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reception = office["reception"]
    window = make_window(qtbot, reception, prefs)
    window.open_customer(caller.id)
    seen: list[CustomerEditor] = []

    def fill(dialog: CustomerEditor) -> None:
        seen.append(dialog)
        assert dialog.objectName() == "customerEditor"
        assert dialog.name.text() == "Harriet Oduya"
        assert dialog.account_code.text() == caller.account_code
        assert dialog.phone.text() == "01632 960123"
        dialog.company.setText("Oduya & Daughters Joinery")
        dialog.account_code.setText("oduya01")
        dialog.phone.setText("0113 496 0000")
        dialog.notes.setPlainText("Ring after 10am")

    monkeypatch.setattr(CustomerEditor, "ask", answering(CustomerEditor, fill))
    qtbot.keyClick(window, Qt.Key.Key_U,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert seen, "Ctrl+Shift+U opened no customer editor"
    saved = t.Customer.get_by_id(caller.id)
    assert (saved.company, saved.account_code, saved.phone, saved.notes, saved.version) == (
        "Oduya & Daughters Joinery", "ODUYA01", "+441134960000", "Ring after 10am", 2)
    audit = last_audit(caller.id)
    assert audit.action == "customer.update" and audit.user_id == reception.id
    assert json.loads(audit.before)["company"] == "Oduya Joinery Ltd"
    assert json.loads(audit.after)["account_code"] == "ODUYA01"
    assert "Oduya &amp; Daughters Joinery" in window.customer_panel.heading.text()
    assert "ODUYA01" in window.customer_panel.heading.text()
    assert window.statusBar().currentMessage() == "Customer saved."


def test_a_stale_customer_edit_says_who_changed_what_and_changes_nothing(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    dialog = editor_for(qtbot, office["reception"], caller.id)
    # Another desk saves the customer while the editor is open.
    customers.update_customer(office["engineer"], caller.id, caller.version,
                              customers.CustomerInput(
                                  name="Harriet Oduya", company="Oduya Joinery Ltd",
                                  phone="01632 960123", email="accounts@oduya.example",
                                  postcode="LS6 2AB", address="4 Mill Lane\nLeeds"))
    audits = t.AuditLog.select().count()
    dialog.email.setText("harriet.o@oduya.example")
    dialog.name.setText("Harriet O.")
    dialog.ok_button.click()
    assert dialog.value is None  # the dialog stays open with the form as typed
    text = dialog.message.text()
    assert "Eddie Engineer" in text and "e-mail" in text and "nothing" in text.lower()
    assert dialog.name.text() == "Harriet O."
    stored = t.Customer.get_by_id(caller.id)
    assert (stored.name, stored.email, stored.version) == (
        "Harriet Oduya", "accounts@oduya.example", 2)
    assert t.AuditLog.select().count() == audits


def test_a_bad_field_is_said_in_the_editor_with_the_cursor_on_it(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    dialog = editor_for(qtbot, office["reception"], caller.id)
    dialog.show()
    dialog.email.setText("not an address")
    dialog.ok_button.click()
    assert "not an e-mail address" in dialog.message.text()
    assert dialog.focusWidget() is dialog.email
    dialog.email.setText("harriet@oduya.example")
    dialog.account_code.setText("C000099")
    dialog.ok_button.click()
    assert "given out by the program" in dialog.message.text()
    assert dialog.focusWidget() is dialog.account_code
    assert t.Customer.get_by_id(caller.id).version == 1


def test_reception_adds_and_edits_a_contact_from_the_panel(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary, prefs: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    window.open_customer(caller.id)

    def add(dialog: ContactEditor) -> None:
        assert dialog.objectName() == "contactEditor"
        assert dialog.primary.isChecked()  # the first contact is the main one
        dialog.name.setText("Sam Patel")
        dialog.job_title.setText("Office manager")
        dialog.phone.setText("07700 900123")

    monkeypatch.setattr(ContactEditor, "ask", answering(ContactEditor, add))
    qtbot.keyClick(window, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    contact = t.Contact.get(t.Contact.customer == caller.id)
    assert (contact.name, contact.job_title, contact.is_primary) == (
        "Sam Patel", "Office manager", True)
    assert last_audit(caller.id).action == "contact.add"
    panel = window.customer_panel
    assert panel.contacts.count() == 1 and "Sam Patel" in panel.contacts.item(0).text()

    def edit(dialog: ContactEditor) -> None:
        assert dialog.name.text() == "Sam Patel"
        dialog.email.setText("sam@oduya.example")

    monkeypatch.setattr(ContactEditor, "ask", answering(ContactEditor, edit))
    panel.contacts.setCurrentRow(0)
    assert panel.act_edit_contact.isEnabled()
    panel.act_edit_contact.trigger()
    assert t.Contact.get_by_id(contact.id).email == "sam@oduya.example"
    assert last_audit(caller.id).action == "contact.update"
    assert "sam@oduya.example" in panel.contacts.item(0).text()


def test_a_retired_contact_is_not_offered_for_new_calls_but_stays_on_old_incidents(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary, prefs: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reception = office["reception"]
    with_bob = customers.add_contact(reception, caller.id, caller.version,
                                     customers.ContactInput("Bob Jones", phone="01632 960999"))
    bob = with_bob.contacts[0].id
    old = intake.log_call(reception, intake.LogCallInput(
        customer_id=caller.id, contact_id=bob, product_id=office["product"].id,
        subject="Cannot print payslips", text="Bob rang"))
    window = make_window(qtbot, reception, prefs)
    window.open_customer(caller.id)
    panel = window.customer_panel
    panel.contacts.setCurrentRow(0)
    asked: list[str] = []

    def question(parent: Any, title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    panel.act_retire_contact.trigger()
    assert asked and "Bob Jones" in asked[0]
    assert t.Contact.get_by_id(bob).retired_at is not None
    assert last_audit(caller.id).action == "contact.retire"
    assert panel.contacts.count() == 1
    assert panel.contacts.item(0).text() == "Bob Jones  (has left)"
    assert not panel.act_edit_contact.isEnabled()

    dialog = LogCallDialog(window, reception, caller.id)
    qtbot.addWidget(dialog)
    offered = [dialog.contact.itemText(i) for i in range(dialog.contact.count())]
    assert offered == ["(the customer)"]

    detail = IncidentDetail(reception)
    qtbot.addWidget(detail)
    detail.show_incident(old.id)
    assert "Bob Jones" in detail.facts.text()


def test_a_stale_retirement_is_refused_with_who_changed_it(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary, prefs: Any,
        shown_errors: ShownErrors, monkeypatch: pytest.MonkeyPatch) -> None:
    reception = office["reception"]
    with_bob = customers.add_contact(reception, caller.id, caller.version,
                                     customers.ContactInput("Bob Jones"))
    window = make_window(qtbot, reception, prefs)
    window.open_customer(caller.id)
    window.customer_panel.contacts.setCurrentRow(0)
    window._poll.stop()  # the panel keeps what it showed, as if the desk had not looked again
    customers.update_customer(office["engineer"], caller.id, with_bob.version,
                              customers.CustomerInput(name="Harriet Oduya-Smith"))
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a: QMessageBox.StandardButton.Yes))
    window.customer_panel.act_retire_contact.trigger()
    [error] = shown_errors.messages
    assert "Eddie Engineer" in error.message and "nothing" in error.message.lower()
    assert t.Contact.get_by_id(with_bob.contacts[0].id).retired_at is None


def test_the_customer_menu_shows_each_action_with_its_shortcut(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    window = make_window(qtbot, office["reception"], prefs)
    menu = window.findChild(QMenu, "customerMenu")
    assert menu is not None
    entries = {a.text(): a.shortcut().toString() for a in menu.actions() if a.text()}
    assert entries == {
        "&Log call for this customer…": "Ctrl+Shift+C",
        "&Edit customer…": "Ctrl+Shift+U",
        "&Add contact…": "Ctrl+Shift+N",
        "Edit c&ontact…": "",
        "Contact has le&ft…": "",
    }
    shortcuts = [a.shortcut().toString() for a in window.findChildren(type(menu.actions()[0]))
                 if not a.shortcut().isEmpty()]
    for key in ("Ctrl+Shift+C", "Ctrl+Shift+U", "Ctrl+Shift+N", "Ctrl+Shift+I"):
        assert shortcuts.count(key) == 1, key
    # Without a customer in the panel, the window says what to do first.
    window.act_edit_customer.trigger()
    assert "Find the customer first" in window.statusBar().currentMessage()


def test_the_flow_is_refused_cleanly_for_a_customer_gone_meanwhile(
        qtbot: Any, office: dict[str, Any], shown_errors: ShownErrors) -> None:
    assert customer_editor.edit_customer_flow(None, office["reception"], 4242) is None
    [error] = shown_errors.messages
    assert "4242" in error.message
