"""Who sees a timeline entry, from the window: the entry dialog's checkbox, the timeline's
context menu, and the summary printed for the customer or for the staff."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from synergy_desk.domain.enums import TimelineKind
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import work
from synergy_desk.ui.dialogs.timeline_entry import TimelineEntryDialog, TimelineRequest
from synergy_desk.ui.incident_detail import ENGINEER_KINDS, IncidentDetail
from tests.services.incidents.incident_helpers import in_progress, make_customer
from tests.ui.conftest import InlineBackground, ShownErrors


def pdf_text(pdf: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def incident(engineer: Actor, reception: Actor, product: t.Product) -> Any:
    ref = in_progress(engineer, reception, make_customer("Orla Byrne"), product,
                      "Backups fail at night")
    work.add_timeline_entry(engineer, ref.id, TimelineKind.NOTE,
                            "Their IT firm is hopeless; charge them next time.")
    work.add_timeline_entry(engineer, ref.id, TimelineKind.NOTE,
                            "Keep the server on overnight.", for_customer=True)
    return ref


def detail_for(qtbot: Any, actor: Actor, incident_id: int,
               background: InlineBackground | None = None) -> IncidentDetail:
    detail = IncidentDetail(actor, background)
    qtbot.addWidget(detail)
    detail.show_incident(incident_id)
    return detail


def row_of(detail: IncidentDetail, text: str) -> int:
    for i in range(detail.timeline.topLevelItemCount()):
        if detail.timeline.topLevelItem(i).text(4) == text:
            return i
    raise AssertionError(f"no timeline row “{text}”")


def test_the_checkbox_follows_the_kind_until_the_user_sets_it(qtbot: Any) -> None:
    dialog = TimelineEntryDialog(None, ENGINEER_KINDS, "INC-000007", TimelineKind.NOTE)
    qtbot.addWidget(dialog)
    box = dialog.for_customer
    assert box.objectName() == "timelineForCustomer" and box.text() == "For the c&ustomer"
    assert not box.isChecked()  # a note is internal unless marked
    dialog.kind.setCurrentIndex(dialog.kind.findData(TimelineKind.PHONE_IN))
    assert box.isChecked()  # a call with the customer is theirs to see
    box.click()  # the engineer says otherwise: changing the kind keeps their choice
    dialog.kind.setCurrentIndex(dialog.kind.findData(TimelineKind.EMAIL_OUT))
    assert not box.isChecked()
    dialog.text.setPlainText("Rang their IT firm, not the customer")
    assert dialog.answer() == TimelineRequest(
        TimelineKind.EMAIL_OUT, "Rang their IT firm, not the customer", 0, False)


def test_a_note_marked_for_the_customer_is_saved_so(
        qtbot: Any, engineer: Actor, incident: Any, shown_errors: ShownErrors,
        monkeypatch: pytest.MonkeyPatch) -> None:
    detail = detail_for(qtbot, engineer, incident.id)
    monkeypatch.setattr(TimelineEntryDialog, "ask", classmethod(
        lambda cls, parent, kinds, reference, default=None: TimelineRequest(
            TimelineKind.NOTE, "Fixed in 4.2; please update.", 0, True)))
    with qtbot.waitSignal(detail.changed):
        detail.buttons["logCall"].click()
    saved = t.TimelineEntry.get(t.TimelineEntry.text == "Fixed in 4.2; please update.")
    assert saved.for_customer is True
    assert shown_errors.shown == []


def test_the_timeline_menu_marks_an_entry_for_the_customer_and_back(
        qtbot: Any, engineer: Actor, incident: Any, shown_errors: ShownErrors) -> None:
    detail = detail_for(qtbot, engineer, incident.id)
    action = detail.act_for_customer
    assert action in detail.timeline_menu.actions()
    assert action.shortcut().toString() == "Ctrl+Shift+F"
    internal = row_of(detail, "Their IT firm is hopeless; charge them next time.")
    assert detail.timeline.topLevelItem(internal).text(1) == "Note"
    detail.timeline.setCurrentItem(detail.timeline.topLevelItem(internal))
    assert action.isEnabled() and not action.isChecked()
    with qtbot.waitSignal(detail.changed):
        action.trigger()
    entry = t.TimelineEntry.get(t.TimelineEntry.text.startswith("Their IT firm"))
    assert entry.for_customer is True
    assert t.AuditLog.select().where(t.AuditLog.action == "incident.for_customer").count() == 1

    detail.show_incident(incident.id)
    row = row_of(detail, entry.text)
    assert detail.timeline.topLevelItem(row).text(1) == "Note for the customer"
    detail.show()
    qtbot.waitExposed(detail)
    detail.activateWindow()
    qtbot.waitUntil(detail.isActiveWindow)  # the shortcut works in the active window
    detail.timeline.setFocus()
    detail.timeline.setCurrentItem(detail.timeline.topLevelItem(row))
    assert action.isChecked()
    with qtbot.waitSignal(detail.changed):
        qtbot.keyClick(detail.timeline, Qt.Key.Key_F,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert t.TimelineEntry.get_by_id(entry.id).for_customer is False
    assert shown_errors.shown == []


def test_the_programs_events_cannot_be_marked_from_the_menu(
        qtbot: Any, engineer: Actor, incident: Any) -> None:
    detail = detail_for(qtbot, engineer, incident.id)
    event = next(i for i in range(detail.timeline.topLevelItemCount())
                 if detail.timeline.topLevelItem(i).text(4).startswith("Work started"))
    detail.timeline.setCurrentItem(detail.timeline.topLevelItem(event))
    assert not detail.act_for_customer.isEnabled()


def test_the_summary_is_printed_for_the_customer_or_for_the_staff(
        qtbot: Any, engineer: Actor, incident: Any, inline_background: InlineBackground,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from synergy_desk.ui.pdf_preview import PdfPreviewDialog

    shown: list[dict[str, Any]] = []
    monkeypatch.setattr(PdfPreviewDialog, "open_document", classmethod(
        lambda cls, parent, background, pdf, **kw: shown.append({"pdf": pdf, **kw})))
    t.Customer.update(email="orla@byrne.example").execute()
    detail = detail_for(qtbot, engineer, incident.id, inline_background)
    menu = detail.summary_menu
    assert [a.text() for a in menu.actions()] == ["For the &customer", "&Internal (staff only)"]

    detail.summary_actions["customer"].trigger()
    detail.summary_actions["internal"].trigger()

    customer, internal = shown
    assert customer["email_to"] == "orla@byrne.example"
    assert internal["email_to"] == "" and "staff only" in internal["title"]
    assert internal["email_subject"].startswith("Internal (staff only): ")
    assert customer["email_subject"] == f"Incident {incident.reference}: Backups fail at night"
    assert "Keep the server on overnight." in pdf_text(customer["pdf"])
    assert "hopeless" not in pdf_text(customer["pdf"])
    assert "hopeless" in pdf_text(internal["pdf"])
    assert "Keep the server on overnight." in pdf_text(internal["pdf"])


def test_the_summary_button_offers_both_versions(qtbot: Any, engineer: Actor,
                                                 incident: Any) -> None:
    detail = detail_for(qtbot, engineer, incident.id)
    detail.show()
    detail.buttons["summary"].click()
    qtbot.waitUntil(detail.summary_menu.isVisible)
    assert detail.summary_menu.activeAction() is detail.summary_actions["customer"]
    detail.summary_menu.close()
