"""Names and subjects in any script as the PDFs print them: Hebrew and Arabic right to left
and joined, and "�" for a character (an emoji) no embedded font has, never a box or nothing."""

from __future__ import annotations

import unicodedata

import pytest

from synergy_desk.documents import render_incident_summary, render_receipt
from synergy_desk.documents.scripts import REPLACEMENT, covered, printable
from tests.documents.test_incident_summary import summary
from tests.documents.test_receipt import pdf_text, receipt

HEBREW = "שלום עולם"
ARABIC = "مرحبا بالعالم"


def test_hebrew_is_put_in_visual_order() -> None:
    assert printable(HEBREW) == "םלוע םולש"


def test_arabic_is_joined_and_put_in_visual_order() -> None:
    shown = printable(ARABIC)
    # Joined: every letter is in its initial, medial or final form, none left isolated.
    assert all("ARABIC LETTER" in unicodedata.name(ch) and "FORM" in unicodedata.name(ch)
               for ch in shown if ch != " ")
    assert "ISOLATED" not in unicodedata.name(shown[-1])  # م starts a word: its initial form
    # In visual order: the last word first, and the first letter of each word on its right.
    first, second = shown.split(" ")
    assert unicodedata.name(second[-1]) == "ARABIC LETTER MEEM INITIAL FORM"
    assert unicodedata.name(first[-1]) == "ARABIC LETTER BEH INITIAL FORM"
    assert all(ord(ch) in covered() for ch in shown)


def test_left_to_right_text_is_left_alone() -> None:
    for text in ("Café Müller Ltd", "Łukasz Żółć", "Русский", "Ελληνικά", "Printer: 3 × A4"):
        assert printable(text) == text


def test_mixed_text_keeps_its_left_to_right_parts_in_place() -> None:
    assert printable(f"Café {HEBREW} Ltd") == "Café םלוע םולש Ltd"
    assert printable("A\n" + HEBREW) == "A\nםלוע םולש"


@pytest.mark.parametrize(("text", "expected"), [
    ("Printer 🖨 on fire 🔥", f"Printer {REPLACEMENT} on fire {REPLACEMENT}"),
    ("family 👨‍👩‍👧 visit", f"family {REPLACEMENT} visit"),  # one picture, one mark
    ("thumbs 👍🏽 up", f"thumbs {REPLACEMENT} up"),
    ("flag 🇬🇧", f"flag {REPLACEMENT}"),
])
def test_a_character_no_font_has_prints_as_a_visible_replacement(text: str,
                                                                  expected: str) -> None:
    assert printable(text) == expected


def test_every_character_printed_is_one_the_fonts_have() -> None:
    text = f"{HEBREW} {ARABIC} 🦄 ✅ Zürich 🇬🇧 👍🏽"
    assert all(ord(ch) in covered() for ch in printable(text))


def customer_line(pdf: bytes) -> str:
    lines = pdf_text(pdf).splitlines()
    return lines[lines.index("Customer") + 1]


# pypdf reads a right-to-left run back the way a reader of the page would: drawn in visual
# order, it comes back in the order it was written; drawn in logical order (as before), it
# came back reversed ("םלוע םולש") and, for Arabic, in unjoined letters.

def test_a_receipt_prints_a_hebrew_name_right_to_left() -> None:
    assert customer_line(render_receipt(receipt(customer_name=HEBREW))) == HEBREW


def test_a_receipt_prints_an_arabic_name_right_to_left_and_joined() -> None:
    shown = customer_line(render_receipt(receipt(customer_name=ARABIC)))
    assert shown == printable(ARABIC)[::-1]  # the joined forms, read in writing order
    assert all("FORM" in unicodedata.name(ch) for ch in shown if ch != " ")
    assert unicodedata.normalize("NFKC", shown) == ARABIC


def test_a_summary_prints_the_subject_and_customer_as_they_read() -> None:
    pdf = render_incident_summary(summary(subject="Printer 🖨 jams", customer_name=ARABIC,
                                          contact=HEBREW))
    text = pdf_text(pdf)
    assert f"Printer {REPLACEMENT} jams" in text
    assert "🖨" not in text
    assert printable(ARABIC)[::-1] in text
    assert HEBREW in text


def test_a_statement_and_a_report_print_names_right_to_left() -> None:
    from synergy_desk.documents import render_report, render_ticket_statement
    from synergy_desk.documents.data import Cell, ReportTable
    from tests.documents.test_report import doc as report
    from tests.documents.test_ticket_statement import statement

    assert HEBREW in pdf_text(render_ticket_statement(statement(customer_name=HEBREW)))
    table = ReportTable("Receipts", ("Receipt", "Customer"),
                        ((Cell.plain("R-000001"), Cell.plain(ARABIC)),
                         (Cell.plain("R-000002"), Cell.plain("Café 🦄 Ltd"))), (False, False))
    text = pdf_text(render_report(report(tables=(table,))))
    assert printable(ARABIC)[::-1] in text
    assert f"Café {REPLACEMENT} Ltd" in text
