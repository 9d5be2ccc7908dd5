"""Changing an incident from its detail: an engineer reassigns it and puts right its product,
module, version and priority; reception may only correct the details at intake."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from synergy_desk.domain.enums import Priority, TimelineKind
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import details
from synergy_desk.services.incidents.detail import incident_detail
from synergy_desk.services.office import catalogue
from synergy_desk.services.people import users
from synergy_desk.ui.dialogs.incident_fields import IncidentFieldsDialog
from synergy_desk.ui.incident_detail import IncidentDetail
from synergy_desk.ui.main_window import MainWindow
from tests.services.incidents.incident_helpers import in_progress, make_customer, new_call


def dialog_for(qtbot: Any, actor: Actor, incident_id: int) -> IncidentFieldsDialog:
    dialog = IncidentFieldsDialog(None, actor, incident_detail(incident_id),
                                  catalogue.list_products(), users.user_choices())
    qtbot.addWidget(dialog)
    return dialog


def timeline_texts(detail: IncidentDetail) -> list[str]:
    return [detail.timeline.topLevelItem(i).text(4)
            for i in range(detail.timeline.topLevelItemCount())]


def test_an_engineer_reassigns_and_changes_details_from_the_detail(
        qtbot: Any, office: dict[str, Any], prefs: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    engineer, reception = office["engineer"], office["reception"]
    payroll = office["product2"]
    module = t.Module.create(product=payroll.id, name="Year end")
    ref = in_progress(engineer, reception, make_customer(), office["product"])
    window = MainWindow(engineer, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.open_incident(ref.id)
    opened: list[IncidentFieldsDialog] = []

    def ask(cls: Any, parent: Any, actor: Actor, detail: Any, products: Any,
            engineers: Any) -> Any:
        dialog = cls(parent, actor, detail, products, engineers)
        opened.append(dialog)
        assert dialog.objectName() == "incidentFieldsDialog"
        assert dialog.engineer.currentText() == "Eddie Engineer"
        assert dialog.engineer.isEnabled()
        dialog.engineer.setCurrentIndex(dialog.engineer.findText("Erin Engineer"))
        dialog.product.setCurrentIndex(dialog.product.findData(payroll.id))
        dialog.module.setCurrentIndex(dialog.module.findData(module.id))
        dialog.version.setText("8.1")
        dialog.priority.setCurrentIndex(dialog.priority.findData("high"))
        dialog.accept()
        value = dialog.value
        dialog.deleteLater()
        return value

    monkeypatch.setattr(IncidentFieldsDialog, "ask", classmethod(ask))
    qtbot.keyClick(window, Qt.Key.Key_I,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert opened, "Ctrl+Shift+I opened nothing"
    stored = t.Incident.get_by_id(ref.id)
    assert stored.engineer_id == office["engineer2"].id
    assert (stored.product_id, stored.module_id, stored.product_version, stored.priority) == (
        payroll.id, module.id, "8.1", Priority.HIGH)
    texts = timeline_texts(window.detail)
    assert "Assigned to Erin Engineer by Eddie Engineer." in texts
    assert ("Product from Ledger Accounts to Payroll Plus; module from none to Year end; "
            "version from none to 8.1; priority from Normal to High "
            "(changed by Eddie Engineer).") in texts
    assert "Erin Engineer" in window.detail.facts.text()
    audit = (t.AuditLog.select().where((t.AuditLog.entity == "incident")
                                       & (t.AuditLog.entity_id == str(ref.id)))
             .order_by(t.AuditLog.id.desc()).get())
    assert audit.action == "incident.edit" and audit.user_id == engineer.id


def test_reception_corrects_details_at_intake_but_cannot_reassign(
        qtbot: Any, office: dict[str, Any]) -> None:
    reception = office["reception"]
    ref = new_call(reception, make_customer(), office["product"])
    dialog = dialog_for(qtbot, reception, ref.id)
    assert not dialog.engineer.isEnabled()
    assert "reassign" in dialog.note.text()
    assert dialog.priority.isEnabled() and dialog.version.isEnabled()
    dialog.priority.setCurrentIndex(dialog.priority.findData("urgent"))
    dialog.version.setText("12.4")
    dialog.ok_button.click()
    assert dialog.value is not None
    stored = t.Incident.get_by_id(ref.id)
    assert (stored.priority, stored.product_version) == (Priority.URGENT, "12.4")
    [line] = [e.text for e in t.TimelineEntry.select().where(
        (t.TimelineEntry.incident == ref.id) & (t.TimelineEntry.kind == TimelineKind.SYSTEM))]
    assert line == ("Version from none to 12.4; priority from Normal to Urgent "
                    "(changed by Rita Reception).")


def test_reception_cannot_change_an_incident_being_worked(
        qtbot: Any, office: dict[str, Any]) -> None:
    reception = office["reception"]
    ref = in_progress(office["engineer"], reception, make_customer(), office["product"])
    dialog = dialog_for(qtbot, reception, ref.id)
    for widget in (dialog.engineer, dialog.product, dialog.module, dialog.version,
                   dialog.priority):
        assert not widget.isEnabled()
    assert "Work on this incident has begun" in dialog.note.text()
    # Even driven past the form, the service refuses and says so in the dialog.
    dialog.priority.setCurrentIndex(dialog.priority.findData("urgent"))
    dialog.ok_button.click()
    assert dialog.value is None
    assert "Only engineers and managers may change" in dialog.message.text()
    assert t.Incident.get_by_id(ref.id).priority is Priority.NORMAL


def test_a_stale_change_is_said_in_the_dialog(qtbot: Any, office: dict[str, Any]) -> None:
    engineer = office["engineer"]
    ref = in_progress(engineer, office["reception"], make_customer(), office["product"])
    dialog = dialog_for(qtbot, engineer, ref.id)
    seen = t.Incident.get_by_id(ref.id)
    details.change_incident(office["engineer2"], ref.id, seen.version, details.IncidentChange(
        seen.engineer_id, seen.product_id, None, "", "low"))
    dialog.version.setText("99")
    dialog.ok_button.click()
    assert dialog.value is None
    assert "Erin Engineer" in dialog.message.text()
    assert t.Incident.get_by_id(ref.id).product_version == ""
