"""Receipts, VAT invoices and credit notes, read back from the PDF as a customer would read them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
import sys
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from pypdf import PdfReader

from synergy_desk.documents import render_receipt
from synergy_desk.documents.data import DocLine, Office, ReceiptDoc
from synergy_desk.documents.fonts import font_bytes
from synergy_desk.domain.money import line_amounts

OFFICE = Office(
    name="Synergy Software Support Ltd",
    address="Unit 4, Riverside Park\nCambridge Road\nEly CB7 4AA",
    vat_number="GB 123 4567 89",
    phone="01353 123456",
    email="support@synergy.example",
    logo_png=None,
)
CUSTOMER_ADDRESS = "12 High Street\nEly\nCB7 4AB"
ISSUED = dt.datetime(2026, 3, 12, 14, 5)  # naive UTC; GMT in March



def _logo_png() -> bytes:
    image = Image.new("RGB", (240, 80), "#1f3a5f")
    ImageDraw.Draw(image).ellipse((8, 8, 72, 72), fill="#f0b429")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


LOGO_PNG = _logo_png()


def pdf_text(pdf: bytes) -> str:
    """The PDF's text, one stripped line per line, the way pypdf reads it back."""
    reader = PdfReader(io.BytesIO(pdf))
    lines = "\n".join(page.extract_text() for page in reader.pages).splitlines()
    return "\n".join(line.strip() for line in lines if line.strip())


def flat(text: str) -> str:
    """The text with every run of white space (including wrapped lines) as one space."""
    return " ".join(text.split())


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def line(description: str, net: int, rate: int = 2000, detail: str = "") -> DocLine:
    amounts = line_amounts(net, rate)
    return DocLine(description, amounts.net_pence, amounts.vat_rate_bp, amounts.vat_pence,
                   amounts.gross_pence, detail)


def receipt(lines: list[DocLine] | None = None, **changes: Any) -> ReceiptDoc:
    lines = lines if lines is not None else [
        line("Support incident INC-000042 — Printing to PDF fails", 7500)]
    doc = ReceiptDoc(
        office=OFFICE, number="R-000001", kind="receipt", issued_at=ISSUED,
        timezone="Europe/London", customer_name="Café Müller Ltd",
        customer_address=CUSTOMER_ADDRESS, lines=tuple(lines),
        net_pence=sum(x.net_pence for x in lines), vat_pence=sum(x.vat_pence for x in lines),
        gross_pence=sum(x.gross_pence for x in lines), method_label="Card",
        reference_masked="Visa •••• 4242, auth 123456", tendered_pence=None, change_pence=None,
        taken_by="Alice Reception", full_invoice=False, copy=False,
    )
    return dataclasses.replace(doc, **changes)


def full_invoice() -> ReceiptDoc:
    return receipt([
        line("Season ticket — 10 incidents", 65000, detail="10 incidents, expires 12/03/2027"),
        line("Support incident INC-000043 — Ledger import", 7500),
        line("Printed manual", 2000, 0),
    ], full_invoice=True)


def credit_note(**changes: Any) -> ReceiptDoc:
    base = receipt(kind="credit_note", number="CN-000001", original_number="R-000001",
                   reason="Out of remit: customisation of the customer's data files.")
    return dataclasses.replace(base, **changes)


def test_simplified_receipt_shows_what_hmrc_requires() -> None:
    text = pdf_text(render_receipt(receipt()))

    assert "VAT receipt R-000001" in text
    assert "Simplified VAT invoice" in text
    assert "Synergy Software Support Ltd" in text
    assert "Unit 4, Riverside Park\nCambridge Road\nEly CB7 4AA" in text
    assert "VAT reg. no. GB 123 4567 89" in text
    assert "12/03/2026 14:05 GMT" in text
    assert "Support incident INC-000042 — Printing to PDF fails\n20%\n£90.00" in text
    assert "Total incl. VAT\n£90.00" in text
    assert "of which VAT\n£15.00" in text


def test_simplified_receipt_leaves_out_the_customer_address_and_net_column() -> None:
    text = pdf_text(render_receipt(receipt()))

    assert "Café Müller Ltd" in text
    assert "12 High Street" not in text
    assert "Net" not in text.split("\n")
    assert "Total net" not in text
    assert "£75.00" not in text  # the net is not printed on a simplified invoice
    assert "VAT rate" in text


def test_full_invoice_shows_customer_address_and_net_vat_gross_per_line() -> None:
    text = pdf_text(render_receipt(full_invoice()))

    assert "VAT invoice R-000001" in text
    assert "Full VAT invoice" in text
    assert "Café Müller Ltd\n12 High Street\nEly\nCB7 4AB" in text
    assert ("Season ticket — 10 incidents\n10 incidents, expires 12/03/2027\n"
            "£650.00\n20%\n£130.00\n£780.00") in text
    assert "Support incident INC-000043 — Ledger import\n£75.00\n20%\n£15.00\n£90.00" in text
    assert "Printed manual\n£20.00\n0%\n£0.00\n£20.00" in text
    assert "Total net\n£745.00" in text
    assert "Total VAT\n£145.00" in text
    assert "Total incl. VAT\n£890.00" in text


def test_full_invoice_analyses_vat_by_rate_when_rates_differ() -> None:
    text = pdf_text(render_receipt(full_invoice()))

    assert "VAT at 20% on £725.00\n£145.00" in text
    assert "VAT at 0% on £20.00\n£0.00" in text


def test_total_above_250_pounds_is_always_a_full_invoice() -> None:
    # £250.01 gross: HMRC allows a simplified invoice only up to £250.
    big = receipt([DocLine("Consultancy", 20834, 2000, 4167, 25001)])
    text = pdf_text(render_receipt(big))

    assert "VAT invoice R-000001" in text
    assert "12 High Street" in text
    assert "Total net\n£208.34" in text


def test_receipt_of_exactly_250_pounds_may_be_simplified() -> None:
    text = pdf_text(render_receipt(receipt([DocLine("Consultancy", 20833, 2000, 4167, 25000)])))

    assert "VAT receipt R-000001" in text
    assert "12 High Street" not in text


@pytest.mark.parametrize(("issued_at", "zone", "shown"), [
    (dt.datetime(2026, 3, 12, 14, 5), "Europe/London", "12/03/2026 14:05 GMT"),
    (dt.datetime(2026, 7, 1, 13, 30), "Europe/London", "01/07/2026 14:30 BST"),
    (dt.datetime(2026, 7, 1, 23, 30), "Europe/London", "02/07/2026 00:30 BST"),
    (dt.datetime(2026, 7, 1, 13, 30), "Europe/Dublin", "01/07/2026 14:30 IST"),
    # An unknown zone prints in the office default, as everywhere else in the program.
    (dt.datetime(2026, 7, 1, 13, 30), "No/Such_Zone", "01/07/2026 14:30 BST"),
])
def test_tax_point_is_the_payment_time_in_the_office_zone(
        issued_at: dt.datetime, zone: str, shown: str) -> None:
    text = pdf_text(render_receipt(receipt(issued_at=issued_at, timezone=zone)))

    assert f"Date and time (tax point)\n{shown}" in text


def test_card_payment_shows_method_masked_reference_and_who_took_it() -> None:
    text = pdf_text(render_receipt(receipt()))

    assert "Paid by Card — Visa •••• 4242, auth 123456" in text
    assert "Taken by Alice Reception" in text


def test_no_full_card_number_ever_prints() -> None:
    leaky = receipt(reference_masked="Visa 4242 4242 4242 4242, auth 123456",
                    notes=("Customer read out 4000-0566-5566-5556 by mistake",))
    text = pdf_text(render_receipt(leaky))

    assert re.search(r"(?:\d[ -]?){12,}\d", text) is None
    assert "•••• 4242" in text
    assert "•••• 5556" in text


def test_office_not_registered_for_vat_prints_a_plain_receipt() -> None:
    unregistered = dataclasses.replace(OFFICE, vat_number="")
    text = pdf_text(render_receipt(receipt(office=unregistered)))

    assert "Receipt R-000001" in text
    assert "VAT reg. no." not in text
    assert "VAT receipt" not in text
    assert "VAT invoice" not in text


def test_cash_payment_shows_tendered_and_change() -> None:
    cash = receipt(method_label="Cash", reference_masked="", tendered_pence=10000,
                   change_pence=1000)
    text = pdf_text(render_receipt(cash))

    assert "Paid by Cash" in text
    assert "Cash tendered £100.00 · Change given £10.00" in text


def test_notes_print_under_the_payment() -> None:
    doc = receipt(notes=("Season ticket: incident 4 of 10 used, 6 left, expires 12/03/2027",))
    text = pdf_text(render_receipt(doc))

    assert "Season ticket: incident 4 of 10 used, 6 left, expires 12/03/2027" in text


def test_reprint_says_copy_and_the_original_does_not() -> None:
    original = pdf_text(render_receipt(receipt()))
    reprint = pdf_text(render_receipt(receipt(copy=True)))

    assert "COPY" in reprint
    assert "Copy of receipt R-000001" in reprint
    assert "COPY" not in original
    assert "Copy of" not in original


def test_identical_input_gives_identical_bytes() -> None:
    first = render_receipt(full_invoice())
    second = render_receipt(full_invoice())

    assert first == second
    assert first.startswith(b"%PDF-")


def test_pdf_creation_date_is_the_time_of_supply_not_the_clock() -> None:
    reader = PdfReader(io.BytesIO(render_receipt(receipt())))

    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"].startswith("D:20260312140500")
    assert reader.metadata.title == "VAT receipt R-000001"


def test_unicode_text_round_trips() -> None:
    doc = receipt([line("Ελληνικά — Русский — naïve façade, Straße", 7500)],
                  customer_name="Łukasz Żółć — Café Müller",
                  notes=("Prices in € on request; £ always.",))
    text = pdf_text(render_receipt(doc))

    assert "Łukasz Żółć — Café Müller" in text
    assert "Ελληνικά — Русский — naïve façade, Straße" in text
    assert "Prices in € on request; £ always." in text


def test_markup_in_text_prints_literally() -> None:
    doc = receipt([line("Fix <b>bold</b> & <i>tags</i> in report", 7500)])
    text = pdf_text(render_receipt(doc))

    assert "Fix <b>bold</b> & <i>tags</i> in report" in text


def test_office_logo_is_drawn() -> None:
    with_logo = render_receipt(receipt(office=dataclasses.replace(OFFICE, logo_png=LOGO_PNG)))

    assert len(PdfReader(io.BytesIO(with_logo)).pages[0].images) == 1


@pytest.mark.parametrize("logo", [b"not a png", LOGO_PNG[: len(LOGO_PNG) // 2]], ids=["garbage", "truncated"])
def test_a_damaged_logo_is_left_out_and_the_receipt_still_prints(logo: bytes) -> None:
    damaged = render_receipt(receipt(office=dataclasses.replace(OFFICE, logo_png=logo)))

    assert len(PdfReader(io.BytesIO(damaged)).pages[0].images) == 0
    assert "VAT reg. no. GB 123 4567 89" in pdf_text(damaged)


def _png_of(width: int, height: int, mode: str = "RGB") -> bytes:
    image = Image.new(mode, (width, height), 0 if mode == "P" else "#1f3a5f")
    if mode != "P":
        ImageDraw.Draw(image).ellipse((0, 0, width // 3, height - 1), fill="#f0b429")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def test_a_stored_logo_of_huge_dimensions_is_left_out_without_a_warning() -> None:
    # 12,000 × 12,000 pixels in a few kB: decoding it took seconds and gigabytes per receipt.
    huge = _png_of(12_000, 12_000, "P")
    assert len(huge) < 100_000
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = render_receipt(receipt(office=dataclasses.replace(OFFICE, logo_png=huge)))
    assert [str(w.message) for w in caught] == []
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 0
    assert "VAT reg. no. GB 123 4567 89" in pdf_text(pdf)


def test_a_stored_logo_larger_than_print_needs_is_drawn_from_a_smaller_copy() -> None:
    large = _png_of(4_000, 1_500)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = render_receipt(receipt(office=dataclasses.replace(OFFICE, logo_png=large)))
    assert [str(w.message) for w in caught] == []
    (image,) = PdfReader(io.BytesIO(pdf)).pages[0].images
    assert max(image.image.size) == 600


@pytest.mark.parametrize("sign", [1, -1], ids=["given-positive", "given-negative"])
def test_credit_note_shows_negative_amounts_and_the_receipt_it_reverses(sign: int) -> None:
    amounts = line_amounts(7500 * sign, 2000)
    negative = DocLine("Support incident INC-000042 — Printing to PDF fails",
                       amounts.net_pence, 2000, amounts.vat_pence, amounts.gross_pence)
    doc = credit_note(lines=(negative,), net_pence=amounts.net_pence,
                      vat_pence=amounts.vat_pence, gross_pence=amounts.gross_pence)
    text = pdf_text(render_receipt(doc))

    assert "Credit note CN-000001" in text
    assert "Refund of receipt R-000001" in text
    assert "Reason: Out of remit: customisation of the customer's data files." in flat(text)
    assert "Support incident INC-000042 — Printing to PDF fails\n20%\n-£90.00" in text
    assert "Total refunded incl. VAT\n-£90.00" in text
    assert "of which VAT\n-£15.00" in text
    assert "Refunded by Card — Visa •••• 4242, auth 123456" in text
    assert re.search(r"(?<!-)£90\.00", text) is None


def test_full_credit_note_shows_negative_net_vat_and_gross() -> None:
    original = full_invoice()
    doc = dataclasses.replace(original, kind="credit_note", number="CN-000002",
                              original_number="R-000001", reason="Refund agreed")
    text = pdf_text(render_receipt(doc))

    assert "Credit note CN-000002" in text
    assert "Total net\n-£745.00" in text
    assert "Total VAT\n-£145.00" in text
    assert "Total refunded incl. VAT\n-£890.00" in text
    assert "Café Müller Ltd\n12 High Street" in text


def test_reprinted_credit_note_says_copy() -> None:
    text = pdf_text(render_receipt(credit_note(copy=True)))

    assert "COPY" in text
    assert "Copy of credit note CN-000001" in text


@pytest.mark.parametrize("broken", [
    {"gross_pence": 9001},
    {"vat_pence": 1400, "gross_pence": 8900},
    {"lines": (DocLine("Bad line", 7500, 2000, 1500, 9100),)},
    {"lines": ()},
    {"kind": "invoice"},
    {"kind": "credit_note", "number": "CN-000001", "original_number": ""},
])
def test_a_receipt_that_does_not_add_up_is_refused(broken: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        render_receipt(receipt(**broken))


def test_many_lines_run_over_pages_with_totals_intact() -> None:
    lines = [line(f"Support incident INC-{n:06d} — item {n}", 7500) for n in range(1, 61)]
    pdf = render_receipt(receipt(lines, full_invoice=True))
    text = pdf_text(pdf)

    assert page_count(pdf) > 1
    assert "Page 1 of" in text
    assert "Support incident INC-000060 — item 60" in text
    assert "Total net\n£4,500.00" in text
    assert "Total incl. VAT\n£5,400.00" in text


_RATES = st.sampled_from([0, 500, 2000])
_LINES = st.lists(st.tuples(st.integers(min_value=0, max_value=1_000_000), _RATES),
                  min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LINES)
def test_printed_totals_equal_the_sums_of_the_lines(raw: list[tuple[int, int]]) -> None:
    lines = [line(f"Item {i}", net, rate) for i, (net, rate) in enumerate(raw, start=1)]
    text = pdf_text(render_receipt(receipt(lines, full_invoice=True)))

    net = sum(x.net_pence for x in lines)
    vat = sum(x.vat_pence for x in lines)
    assert f"Total net\n{_money(net)}" in text
    assert f"Total VAT\n{_money(vat)}" in text
    assert f"Total incl. VAT\n{_money(net + vat)}" in text
    for i, item in enumerate(lines, start=1):
        assert (f"Item {i}\n{_money(item.net_pence)}\n{_rate(item.vat_rate_bp)}\n"
                f"{_money(item.vat_pence)}\n{_money(item.gross_pence)}") in text


def _money(pence: int) -> str:
    # Written out independently of format_pence so the test checks the formatter too.
    return f"£{pence // 100:,}.{pence % 100:02d}"


def _rate(bp: int) -> str:
    return {0: "0%", 500: "5%", 2000: "20%"}[bp]


def test_embedded_fonts_ship_inside_the_package() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        assert font_bytes(name)[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    assert b"Bitstream" in font_bytes("DejaVu-LICENSE.txt")


def test_importing_the_documents_package_does_not_load_reportlab() -> None:
    # The window must open without paying for ReportLab (docs/speed.md).
    code = ("import sys, synergy_desk.documents, synergy_desk.documents.data; "
            "print('reportlab' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("stored", ["+441353123456", "01353 123456", "01353123456",
                                    "(01353) 123-456"])
def test_the_offices_phone_prints_one_way_on_every_document(stored: str) -> None:
    from synergy_desk.documents import render_incident_summary, render_ticket_statement
    from tests.documents.test_incident_summary import summary
    from tests.documents.test_ticket_statement import statement

    office = dataclasses.replace(OFFICE, phone=stored)
    for pdf in (render_receipt(receipt(office=office)),
                render_incident_summary(summary(office=office)),
                render_ticket_statement(statement(office=office))):
        text = flat(pdf_text(pdf))
        assert "01353 123456" in text
        assert "+441353123456" not in text and "01353123456" not in text
        assert "(01353)" not in text


def test_the_footer_prints_the_whole_of_a_long_office_line() -> None:
    """The footer is set smaller rather than cut short: a credit note printed
    'support@penninesupport.exa…' and lost the end of the office's e-mail address."""
    office = dataclasses.replace(OFFICE, name="Pennine Software Support Ltd",
                                 vat_number="GB 284 7716 39", phone="0113 496 0000",
                                 email="support@penninesupport.example")
    for doc in (receipt(office=office), credit_note(office=office)):
        text = flat(pdf_text(render_receipt(doc)))
        assert ("Pennine Software Support Ltd · VAT reg. no. GB 284 7716 39 · 0113 496 0000 · "
                "support@penninesupport.example") in text
        assert "…" not in text
