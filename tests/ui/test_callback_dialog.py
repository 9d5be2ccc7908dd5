"""The call-back dialog chooses whom a call-back is promised to: any engineer, or one
person, whose desk is reminded when it falls due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from synergy_desk.models.base import utcnow
from synergy_desk.services.incidents import callbacks
from synergy_desk.ui import workbench
from synergy_desk.ui.dialogs.callback import CallbackDialog
from tests.ui.workbench_data import detail, incident_in_progress


def test_a_call_back_is_promised_to_any_engineer_or_to_one_person(
        qtbot: Any, office: dict[str, Any], monkeypatch: Any) -> None:
    working = incident_in_progress(office)
    customer_id = detail(working.id).customer_id
    rita = office["reception"]
    made: list[Any] = []

    def schedule(request: Any) -> Any:
        made.append(callbacks.schedule_callback(
            rita, request.customer_id, request.due_at, request.note,
            incident_id=request.incident_id, assigned_to=request.assigned_to))
        return made[-1]

    dialog = CallbackDialog(None, schedule, customer_id, working.id, working.reference)
    qtbot.addWidget(dialog)
    owner = dialog.owner
    assert owner.objectName() == "callbackAssignedTo"
    assert owner.currentText() == "Any engineer" and owner.currentData() is None
    names = [owner.itemText(i) for i in range(owner.count())]
    assert names.index("Eddie Engineer (engineer)") < names.index("Rita Reception (reception)")
    assert dialog.request().assigned_to is None
    owner.setCurrentIndex(owner.findData(office["engineer"].id))
    dialog.set_due_local(dt.datetime(utcnow().year + 1, 7, 1, 10, 0))
    dialog.accept()
    assert made and made[-1].assigned_to_name == "Eddie Engineer"

    # The flow hands the choice to the service.
    request = dialog.request()
    monkeypatch.setattr(CallbackDialog, "ask", staticmethod(
        lambda parent, schedule_, *a: schedule_(request)))
    row = workbench.schedule_callback_flow(None, rita, customer_id, working.id)
    assert row is not None and row.assigned_to_id == office["engineer"].id
