"""The register renderer: plain rows in, a paged PDF table out, the same bytes every time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from synergy_desk.documents import Office
from synergy_desk.documents.registers import RegisterDoc, render_register

OFFICE = Office("Synergy Support Ltd", "1 High Street\nLeeds", "GB123456789", "0113 496 0000",
                "help@synergy.example")


def doc(count: int, **changes: object) -> RegisterDoc:
    base = RegisterDoc(
        office=OFFICE, title="Escalation register", filters="Showing every entry",
        columns=("Incident", "Steps", "Status"), widths=(0.2, 0.6, 0.2),
        rows=tuple((f"INC-{n:06d}", f"Step {n}: open the ledger, then “save” — Żółć",
                    "Open") for n in range(1, count + 1)),
        generated_at=dt.datetime(2026, 7, 1, 9, 30), timezone="Europe/London")
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_every_row_is_printed_over_several_pages_with_office_time() -> None:
    pages, text = text_of(render_register(doc(120)))
    assert pages >= 2
    for n in (1, 60, 120):
        assert f"INC-{n:06d}" in text
    assert "Żółć" in text
    assert "01/07/2026 10:30 BST" in text  # 09:30 UTC in London in summer
    assert "Escalation register (continued)" in text
    assert f"Page {pages} of {pages}" in text


def test_same_input_gives_the_same_bytes() -> None:
    assert render_register(doc(5)) == render_register(doc(5))


def test_an_empty_register_says_so() -> None:
    _, text = text_of(render_register(doc(0)))
    assert "no entries" in text


def test_rows_must_match_the_columns() -> None:
    with pytest.raises(ValueError):
        render_register(doc(1, rows=(("INC-000001", "only two"),)))
