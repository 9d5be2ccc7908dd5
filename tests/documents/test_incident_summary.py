"""The incident summary PDF carries the incident, the whole timeline and the resolution."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from typing import Any

from pypdf import PdfReader

from synergy_desk.documents import render_incident_summary
from synergy_desk.documents.data import IncidentSummaryDoc, TimelineDocRow
from tests.documents.test_receipt import OFFICE, flat, page_count, pdf_text

OPENED = dt.datetime(2026, 3, 2, 9, 15)


def timeline(count: int) -> tuple[TimelineDocRow, ...]:
    kinds = ("Phone call in", "E-mail out", "Note", "Remote session")
    return tuple(
        TimelineDocRow(
            occurred_at=OPENED + dt.timedelta(hours=5 * n),
            kind_label=kinds[n % len(kinds)],
            author="Bob Engineer" if n % 2 else "Alice Reception",
            duration_seconds=600 if n % 3 == 0 else 0,
            text=f"Entry marker {n:03d}: the customer reports the print spooler stops again "
                 f"after the nightly backup; asked for the event log and the driver version.",
        )
        for n in range(1, count + 1)
    )


def summary(**changes: Any) -> IncidentSummaryDoc:
    doc = IncidentSummaryDoc(
        office=OFFICE, reference="INC-000042", subject="Printing to PDF fails with error 1603",
        description="Since the March update, printing any ledger to PDF fails.",
        customer_name="Café Müller Ltd", customer_address="12 High Street\nEly\nCB7 4AB",
        contact="Łukasz Żółć", product="Ledger Pro", module="Printing", product_version="7.2.1",
        status_label="Resolved", priority="High", engineer="Bob Engineer",
        funding_text="Season ticket ST-2026-004: incident 4 of 10 used, 6 left",
        opened_at=OPENED, resolved_at=dt.datetime(2026, 3, 14, 16, 0),
        resolution_label="Work-around",
        resolution_note="Restart the spooler and re-register the PDF driver.",
        links=("Split from INC-000040", "Escalation #7"), timeline=timeline(3),
        timezone="Europe/London", printed_at=dt.datetime(2026, 3, 20, 10, 0),
    )
    return dataclasses.replace(doc, **changes)


def test_summary_shows_the_incident_customer_product_funding_and_status() -> None:
    text = pdf_text(render_incident_summary(summary()))

    assert "Incident summary" in text
    assert "INC-000042" in text
    assert "Printing to PDF fails with error 1603" in text
    assert "Café Müller Ltd\n12 High Street\nEly\nCB7 4AB" in text
    assert "Łukasz Żółć" in text
    assert "Ledger Pro · Printing · version 7.2.1" in text
    assert "Season ticket ST-2026-004: incident 4 of 10 used, 6 left" in flat(text)
    assert "Status\nResolved" in text
    assert "Bob Engineer" in text
    assert "Since the March update, printing any ledger to PDF fails." in flat(text)


def test_times_print_in_the_office_zone() -> None:
    bst = summary(opened_at=dt.datetime(2026, 7, 1, 8, 0), resolved_at=None,
                  resolution_label="", timeline=())
    text = pdf_text(render_incident_summary(bst))

    assert "Opened\n01/07/2026 09:00 BST" in text


def test_the_whole_timeline_prints_over_as_many_pages_as_it_takes() -> None:
    pdf = render_incident_summary(summary(timeline=timeline(40)))
    text = flat(pdf_text(pdf))

    pages = page_count(pdf)
    assert pages > 1
    assert f"Page {pages} of {pages}" in text
    assert "Timeline (40 entries)" in text
    for n in range(1, 41):
        assert f"Entry marker {n:03d}:" in text
    markers = [int(m) for m in re.findall(r"Entry marker (\d{3}):", text)]
    assert markers == list(range(1, 41))  # oldest first, none twice
    # The table's heading row repeats on every page the timeline reaches.
    reader = PdfReader(io.BytesIO(pdf))
    assert all("Details" in page.extract_text() for page in reader.pages[1:-1])


def test_timeline_rows_show_when_what_who_and_how_long() -> None:
    text = pdf_text(render_incident_summary(summary(timeline=timeline(3))))

    assert "02/03/2026\n14:15 GMT\nE-mail out\nBob Engineer\nEntry marker 001" in text
    assert "03/03/2026\n00:15 GMT\nRemote session\nBob Engineer\n10 min\nEntry marker 003" in text
    assert "time logged 10 min" in text


def test_an_entry_longer_than_a_page_still_prints_whole() -> None:
    huge = TimelineDocRow(OPENED, "Note", "Bob Engineer", 0,
                          "Pasted log line with a failure. " * 700 + "END-OF-PASTED-LOG")
    pdf = render_incident_summary(summary(timeline=(huge, *timeline(2))))

    assert page_count(pdf) > 2
    assert "END-OF-PASTED-LOG" in pdf_text(pdf)


def test_resolution_and_links_are_shown() -> None:
    text = pdf_text(render_incident_summary(summary()))

    assert "Resolution\nWork-around — 14/03/2026 16:00 GMT" in text
    assert "Restart the spooler and re-register the PDF driver." in text
    assert "• Split from INC-000040\n• Escalation #7" in text


def test_an_unresolved_incident_says_so() -> None:
    open_incident = summary(status_label="In progress", resolved_at=None, resolution_label="",
                            resolution_note="")
    text = pdf_text(render_incident_summary(open_incident))

    assert "Not resolved yet (status: In progress)." in text
    assert "Resolved\n—" in text


def test_empty_timeline_says_nothing_is_logged() -> None:
    text = pdf_text(render_incident_summary(summary(timeline=())))

    assert "Timeline (0 entries)" in text
    assert "Nothing has been logged yet." in text


def test_card_numbers_in_timeline_text_never_print() -> None:
    leaky = TimelineDocRow(OPENED, "Phone call in", "Alice Reception", 0,
                           "Caller read out 4242 4242 4242 4242 before I could stop them")
    text = pdf_text(render_incident_summary(summary(timeline=(leaky,))))

    assert re.search(r"(?:\d[ -]?){12,}\d", text) is None
    assert "[card •••• 4242]" in text


def test_unicode_and_markup_in_text_print_as_typed() -> None:
    row = TimelineDocRow(OPENED, "E-mail in", "Νίκος Παπαδόπουλος", 0,
                         "Ελληνικά, Русский, Straße; if a < b && c > d then <b>fail</b>\nline 2")
    text = pdf_text(render_incident_summary(summary(timeline=(row,))))

    assert "Νίκος Παπαδόπουλος" in flat(text)
    assert "Ελληνικά, Русский, Straße; if a < b && c > d then <b>fail</b> line 2" in flat(text)
    assert "<b>fail</b>\nline 2" in text  # the typed line break is kept


def test_identical_input_gives_identical_bytes() -> None:
    doc = summary(timeline=timeline(12))

    assert render_incident_summary(doc) == render_incident_summary(doc)


def test_the_staffs_summary_says_it_is_internal_and_marks_notes_for_the_customer() -> None:
    note = dataclasses.replace(timeline(3)[1], kind_label="Note", for_customer=True,
                               text="Back up first.")
    internal = pdf_text(render_incident_summary(summary(timeline=(note,), internal=True)))
    customer = pdf_text(render_incident_summary(summary(timeline=(note,))))
    assert flat(internal).count("Internal — staff only") >= 2  # at the top and on the foot
    assert "Note (for the customer)" in flat(internal)
    assert "Internal" not in customer and "(for the customer)" not in customer
    assert "Back up first." in customer
