"""The call-backs due queue: overdue ones marked in words and colour, cleared with "Done"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt

from synergy_desk.models.base import utcnow
from synergy_desk.services.incidents import callbacks, changes
from synergy_desk.ui.callbacks_view import CallbacksView
from tests.ui.conftest import ShownErrors
from tests.ui.workbench_data import detail, incident_in_progress


@pytest.fixture
def working(office: dict[str, Any]) -> changes.IncidentRef:
    return incident_in_progress(office)


def test_callbacks_queue_marks_overdue_in_words_and_colour_and_clears_one(
        qtbot: Any, qtmodeltester: Any, office: dict[str, Any],
        working: changes.IncidentRef) -> None:
    customer_id = detail(working.id).customer_id
    now = utcnow()
    early = callbacks.schedule_callback(office["reception"], customer_id,
                                        now + dt.timedelta(minutes=30), "Promised before lunch",
                                        incident_id=working.id)
    later = callbacks.schedule_callback(office["reception"], customer_id,
                                        now + dt.timedelta(hours=5), "Promised for later")
    # Seen three hours on: the first is overdue, the second not due yet.
    view = CallbacksView(office["engineer"], now=lambda: now + dt.timedelta(hours=3))
    qtbot.addWidget(view)
    qtmodeltester.check(view.model)
    assert view.model.rowCount() == 1
    state = view.model.index(0, 0)
    assert state.data().startswith("Overdue by 2 h 30 min")
    assert state.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#a61b1b"
    view.soon.setChecked(True)
    assert view.model.rowCount() == 2
    assert view.model.index(1, 0).data().startswith("Due in")
    assert view.model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert view.model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    # The state sorts by when the call is due, not by its words ("Due in" < "Overdue").
    view.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [view.model.row_at(i).id for i in range(2)] == [later.id, early.id]
    qtmodeltester.check(view.model)
    view.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)

    view.select_callback(early.id)
    assert view.done_button.isEnabled()
    done = view.clear_selected("Rang back; the font fixed it.")
    assert done is not None and done.done_at is not None
    assert [view.model.row_at(i).id for i in range(view.model.rowCount())] == [later.id]
    texts = [e.text for e in detail(working.id).timeline]
    assert "Call-back: Rang back; the font fixed it." in texts


def test_reception_marks_a_call_back_done_from_the_queue(
        qtbot: Any, office: dict[str, Any], working: changes.IncidentRef) -> None:
    now = utcnow()
    promised = callbacks.schedule_callback(
        office["reception"], detail(working.id).customer_id, now + dt.timedelta(minutes=10),
        "Soon", incident_id=working.id, assigned_to=office["engineer"].id)
    view = CallbacksView(office["reception"], now=lambda: now + dt.timedelta(hours=1))
    qtbot.addWidget(view)
    assert view.model.index(0, 7).data() == "Eddie Engineer"  # promised to
    view.table.selectRow(0)
    assert view.selected() is not None
    assert view.done_button.isEnabled()
    done = view.clear_selected("Spoke to them; they will try the fix tonight")
    assert done is not None and done.id == promised.id and done.done_by_name == "Rita Reception"
    assert view.model.rowCount() == 0
    texts = [e.text for e in detail(working.id).timeline]
    assert "Call-back: Spoke to them; they will try the fix tonight" in texts


def test_a_call_back_cleared_at_another_desk_is_told_and_the_list_reloads(
        qtbot: Any, office: dict[str, Any], working: changes.IncidentRef,
        shown_errors: ShownErrors) -> None:
    now = utcnow()
    promised = callbacks.schedule_callback(office["reception"], detail(working.id).customer_id,
                                           now + dt.timedelta(minutes=10), "Soon")
    view = CallbacksView(office["engineer"], now=lambda: now + dt.timedelta(hours=1))
    qtbot.addWidget(view)
    view.select_callback(promised.id)
    callbacks.clear_callback(office["engineer2"], promised.id, "Erin rang them")
    assert view.clear_selected("Rang back") is None
    assert len(shown_errors.messages) == 1
    assert view.model.rowCount() == 0  # what is true now
