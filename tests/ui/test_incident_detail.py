"""The incident detail: timeline notes read whole, and every action's button on view."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt

from synergy_desk.domain.enums import TimelineKind
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import work
from synergy_desk.ui.incident_detail import IncidentDetail
from tests.services.incidents.incident_helpers import in_progress, make_customer

LONG_NOTE = ("Rang their IT firm: the nightly backup stops when the server's antivirus scans "
             "the database folder at two in the morning. They will exclude the folder and "
             "move the scan to four; we check the log on Monday and ring the customer back "
             "with what it says. END-OF-NOTE")


@pytest.fixture
def incident(engineer: Actor, reception: Actor, product: t.Product) -> Any:
    ref = in_progress(engineer, reception, make_customer("Orla Byrne"), product,
                      "Backups fail at night")
    work.add_timeline_entry(engineer, ref.id, TimelineKind.NOTE, "Short note.")
    work.add_timeline_entry(engineer, ref.id, TimelineKind.NOTE, LONG_NOTE)
    return ref


def row_of(detail: IncidentDetail, text: str) -> Any:
    for i in range(detail.timeline.topLevelItemCount()):
        item = detail.timeline.topLevelItem(i)
        if item.text(4) == text:
            return item
    raise AssertionError(f"no timeline row “{text}”")


def wrapped_height(detail: IncidentDetail, text: str) -> int:
    """How tall the text is, wrapped to the Notes column."""
    timeline = detail.timeline
    width = timeline.columnWidth(4) - 8
    box = timeline.fontMetrics().boundingRect(QRect(0, 0, width, 10_000),
                                              int(Qt.TextFlag.TextWordWrap), text)
    return box.height()


def test_a_long_note_wraps_in_the_timeline_and_reads_whole(
        qtbot: Any, engineer: Actor, incident: Any) -> None:
    detail = IncidentDetail(engineer)
    qtbot.addWidget(detail)
    detail.resize(700, 600)
    detail.show()
    qtbot.waitExposed(detail)
    detail.show_incident(incident.id)
    timeline = detail.timeline
    line = timeline.fontMetrics().height()
    short, long = row_of(detail, "Short note."), row_of(detail, LONG_NOTE)
    qtbot.waitUntil(lambda: timeline.visualItemRect(long).height() >= wrapped_height(
        detail, LONG_NOTE))
    assert wrapped_height(detail, LONG_NOTE) >= 3 * line  # several lines, all shown
    assert timeline.visualItemRect(short).height() < 2 * line  # a short one stays one line
    # Narrower, the long note takes more lines and still shows whole.
    before = timeline.visualItemRect(long).height()
    detail.resize(520, 600)
    qtbot.waitUntil(lambda: timeline.visualItemRect(long).height() > before)
    assert timeline.visualItemRect(long).height() >= wrapped_height(detail, LONG_NOTE)


def test_every_button_of_the_managers_full_set_is_on_view_at_1366_by_768(
        qtbot: Any, office: dict[str, Any], prefs: Any, engineer: Actor, incident: Any) -> None:
    from tests.ui.test_main_window import make_window

    window = make_window(qtbot, office["manager"], prefs)
    window.showNormal()
    window.resize(1366, 768)
    window.open_incident(incident.id)
    detail = window.detail
    assert len(detail.buttons) == 17  # the manager's full set, with Ask for a bank transfer…
    bar = detail.action_bar

    def all_on_view() -> bool:
        for button in detail.buttons.values():
            if not button.isVisible():
                return False
            place = button.geometry()
            if not bar.rect().contains(place):
                return False
            if button.visibleRegion().boundingRect() != button.rect():
                return False  # clipped by the bar or the detail
        return True

    qtbot.waitUntil(all_on_view)
    assert (window.width(), window.height()) == (1366, 768)  # the window did not grow
    tops = {button.geometry().top() for button in detail.buttons.values()}
    assert len(tops) > 1  # wrapped onto more rows, not squeezed or hidden
    # Nothing overlaps: the timeline starts below the last row of buttons.
    assert detail.timeline.geometry().top() >= bar.geometry().bottom()
    # A narrower detail wraps onto more rows and still shows them all.
    alone = IncidentDetail(office["manager"])
    qtbot.addWidget(alone)
    alone.resize(380, 500)
    alone.show()
    qtbot.waitExposed(alone)
    alone.show_incident(incident.id)
    qtbot.waitUntil(lambda: all(alone.action_bar.rect().contains(b.geometry())
                                and b.visibleRegion().boundingRect() == b.rect()
                                for b in alone.buttons.values()))
    assert len({b.geometry().top() for b in alone.buttons.values()}) > len(tops)
