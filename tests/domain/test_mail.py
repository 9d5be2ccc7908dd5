"""Reading e-mail: raw messages, references in subjects, replies, auto-replies, file names."""

from __future__ import annotations

import base64
import datetime as dt
import unicodedata
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synergy_desk.domain.mail import (
    ParsedMessage,
    find_incident_reference,
    html_to_text,
    is_auto_reply,
    is_risky_attachment,
    parse_message,
    quoted,
    safe_filename,
    subject_with_reference,
)


def _raw(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = headers.pop("From", "Raj Patel <Raj.Patel@Example.co.uk>")
    message["To"] = "support@synergy.example"
    message["Subject"] = headers.pop("Subject", "Printer offline")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


def test_a_plain_message_is_read_with_its_addresses_lower_case() -> None:
    message = _raw(Message_ID="<abc@example.co.uk>", Date="Sat, 05 Dec 2026 14:02:00 +0100",
                   In_Reply_To="<out1@synergy.example>",
                   References="<first@x.example> <out1@synergy.example>",
                   Cc="Ann <ANN@example.co.uk>")
    message.set_content("It stopped printing.\n")
    parsed = parse_message(message.as_bytes())
    assert parsed.message_id == "<abc@example.co.uk>"
    assert parsed.from_address == "raj.patel@example.co.uk"
    assert parsed.from_name == "Raj Patel"
    assert parsed.to == ("support@synergy.example",)
    assert parsed.cc == ("ann@example.co.uk",)
    assert parsed.in_reply_to == "<out1@synergy.example>"
    assert parsed.references == ("<first@x.example>", "<out1@synergy.example>")
    assert parsed.sent_at == dt.datetime(2026, 12, 5, 13, 2, tzinfo=dt.UTC)
    assert parsed.body_text == "It stopped printing."
    assert not parsed.auto_reply
    assert parsed.size_bytes == len(message.as_bytes())


def test_a_message_without_a_message_id_gets_the_same_one_each_time() -> None:
    message = _raw()
    message.set_content("hello")
    raw = message.as_bytes()
    first, again = parse_message(raw), parse_message(raw)
    assert first.message_id == again.message_id
    assert first.message_id.startswith("<") and first.message_id.endswith(">")
    assert parse_message(raw + b"x").message_id != first.message_id


@pytest.mark.parametrize("raw", [
    b"",
    b"garbage without headers",
    b"From: \xff\xfe broken <a@b.c>\r\nSubject: =?utf-8?q?caf=C3?=\r\n\r\n\xff\xfe body",
    b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain; "
    b"charset=no-such-charset\r\n\r\nbody\xe9\r\n--x",
    b"Date: not a date\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64",
])
def test_a_malformed_message_is_read_without_raising(raw: bytes) -> None:
    parsed = parse_message(raw)
    for text in (parsed.body_text, parsed.subject, parsed.from_name):
        assert not any("\ud800" <= ch <= "\udfff" for ch in text)
    assert parsed.message_id


def test_an_html_only_message_reads_as_text_without_tags_or_remote_content() -> None:
    message = _raw()
    message.set_content(
        "<html><head><style>p {color: red}</style><script>alert('x')</script></head>"
        "<body><p>Hello <b>team</b>,</p><img src='https://tracker.example/pixel.gif'>"
        "<p>See <a href='https://example.com/x'>the log</a>.</p></body></html>", subtype="html")
    parsed = parse_message(message.as_bytes())
    assert "Hello team," in parsed.body_text
    assert "the log" in parsed.body_text
    for unwanted in ("<", "alert", "color", "tracker.example"):
        assert unwanted not in parsed.body_text


def test_plain_text_is_preferred_to_html_and_attachments_are_kept_in_order() -> None:
    message = _raw()
    message.set_content("The plain words")
    message.add_alternative("<p>The html words</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf",
                           filename="log.pdf")
    message.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="shot.png")
    parsed = parse_message(message.as_bytes())
    assert parsed.body_text == "The plain words"
    assert [(a.filename, a.content_type, a.data) for a in parsed.attachments] == [
        ("log.pdf", "application/pdf", b"%PDF-1.4"), ("shot.png", "image/png", b"\x89PNG")]


def test_an_inline_image_without_a_name_is_an_attachment() -> None:
    message = _raw()
    message.set_content("see below")
    message.add_related(b"\x89PNG", maintype="image", subtype="png", cid="<img1@x>")
    parsed = parse_message(message.as_bytes())
    assert [a.content_type for a in parsed.attachments] == ["image/png"]
    assert parsed.attachments[0].filename.endswith(".png")


@pytest.mark.parametrize(("subject", "reference"), [
    ("Re: Printer offline [INC-000123]", "INC-000123"),
    ("[inc-123] still broken", "INC-000123"),
    ("RE: [ INC-42 ]", "INC-000042"),
    ("About INC-000123 without brackets", None),
    ("Nothing here", None),
    ("[INC-0]", None),
])
def test_the_reference_in_a_subject_is_found(subject: str, reference: str | None) -> None:
    assert find_incident_reference(subject) == reference


@pytest.mark.parametrize(("subject", "expected"), [
    ("Printer offline", "Re: Printer offline [INC-000123]"),
    ("Re: Printer offline", "Re: Printer offline [INC-000123]"),
    ("RE: Re: AW: Printer offline [INC-000123]", "Re: Printer offline [INC-000123]"),
    ("Re: [inc-123] Printer offline", "Re: [inc-123] Printer offline"),
    ("", "Re: [INC-000123]"),
    # Another incident's reference is taken out: the reply is found as this incident's.
    ("Re: [INC-5] and [INC-000123]", "Re: and [INC-000123]"),
    ("Re: [INC-5] printer", "Re: printer [INC-000123]"),
    ("Re: Printer [INC-000001]", "Re: Printer [INC-000123]"),
    ("Re: [INC-000001] Printer [inc-7] [INC-000123]", "Re: Printer [INC-000123]"),
    ("[INC-000001] Re: Printer", "Re: Printer [INC-000123]"),
    ("[INC-[INC-5]1] Printer", "Re: Printer [INC-000123]"),
])
def test_a_replys_subject_carries_the_reference_once(subject: str, expected: str) -> None:
    assert subject_with_reference(subject, "INC-000123") == expected


def test_a_quoted_message_names_who_wrote_it_and_when() -> None:
    assert quoted("Line one\n\nLine two\n", "Raj Patel", "5 Dec 2026 14:02") == (
        "On 5 Dec 2026 14:02, Raj Patel wrote:\n> Line one\n>\n> Line two")


@pytest.mark.parametrize("headers", [
    {"Auto-Submitted": "auto-replied"},
    {"auto-submitted": "auto-generated; owner-email=x@y"},
    {"Precedence": "bulk"}, {"Precedence": "junk"}, {"Precedence": "list"},
    {"X-Autoreply": "yes"}, {"X-Autorespond": "yes"},
    {"List-Id": "<news.example.com>"},
    {"Return-Path": "<>"},
    {"From": "MAILER-DAEMON@mail.example.com"},
    {"Subject": "Out of Office: Printer offline"},
    {"Subject": "Automatic reply: Printer offline"},
    {"Subject": "Auto: Printer offline"},
])
def test_machine_written_mail_is_an_auto_reply(headers: dict[str, str]) -> None:
    assert is_auto_reply(headers)


@pytest.mark.parametrize("headers", [
    {"Auto-Submitted": "no", "Subject": "Printer offline"},
    {"Precedence": "normal", "From": "raj@example.co.uk"},
    {"Return-Path": "<raj@example.co.uk>", "Subject": "Re: out of paper"},
])
def test_a_persons_mail_is_not_an_auto_reply(headers: dict[str, str]) -> None:
    assert not is_auto_reply(headers)


def test_html_to_text_keeps_words_and_drops_scripts() -> None:
    text = html_to_text("<div>One<br>Two</div><script>evil()</script>")
    assert "One" in text and "Two" in text and "evil" not in text


@pytest.mark.parametrize(("name", "safe"), [
    ("report.pdf", "report.pdf"),
    ("../../etc/passwd", "passwd"),
    ("C:\\Windows\\evil.txt", "evil.txt"),
    ('a<b>c:"d|e?.txt', "a_b_c__d_e_.txt"),
    ("CON.txt", "_CON.txt"),
    ("", "attachment"),
    ("...", "attachment"),
    ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
])
def test_a_file_name_is_made_safe_to_save(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


@pytest.mark.parametrize(("name", "risky"), [
    ("setup.exe", True), ("invoice.pdf.exe", True), ("SCRIPT.JS", True), ("run.ps1", True),
    ("shortcut.lnk", True), ("bad.exe. ", True), ("invoice\u202efdp.exe", True),
    ("report.pdf", False), ("photo.png", False), ("Notes.TXT", False), ("sheet.xlsx", False),
    # Not on the list of plain documents and pictures: saved, never opened from the desk.
    ("noextension", True), ("help.chm", True), ("link.url", True), ("disk.iso", True),
    ("page.html", True), ("drawing.svg", True), ("macro.xlsm", True), ("macro.docm", True),
    ("run.sh", True), ("app.desktop", True), ("tool.AppImage", True), ("old.doc", True),
])
def test_only_plain_documents_and_pictures_may_be_opened(name: str, risky: bool) -> None:
    assert is_risky_attachment(name) is risky


_SAMPLE = (b"From: Raj <raj@example.co.uk>\r\nSubject: =?utf-8?b?Y2Fmw6k=?=\r\n"
           b"Message-ID: <m1@example.co.uk>\r\nContent-Type: multipart/mixed; boundary=b\r\n"
           b"\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n--b\r\n"
           b"Content-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64"
           b"\r\n\r\nJVBERg==\r\n--b--\r\n")


def _no_broken_characters(text: str) -> bool:
    return not any("\ud800" <= ch <= "\udfff" for ch in text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_at_all_are_read_without_raising(raw: bytes) -> None:
    parsed = parse_message(raw)
    assert parsed.message_id.startswith("<") and parsed.size_bytes == len(raw)
    assert all(_no_broken_characters(text) for text in (
        parsed.subject, parsed.body_text, parsed.from_name, parsed.message_id))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(_SAMPLE) - 1), st.binary(min_size=1, max_size=20))
def test_a_damaged_message_is_read_without_raising(at: int, junk: bytes) -> None:
    parsed = parse_message(_SAMPLE[:at] + junk + _SAMPLE[at:])
    assert _no_broken_characters(parsed.body_text + parsed.subject + parsed.from_name)
    assert all(isinstance(a.data, bytes) for a in parsed.attachments)


@given(st.text(max_size=80), st.integers(1, 999_999))
def test_a_replys_subject_always_carries_the_reference_once(subject: str, number: int) -> None:
    reference = f"INC-{number:06d}"
    reply = subject_with_reference(subject, reference)
    assert reply.startswith("Re: ") and not reply.lower().startswith("re: re:")
    assert find_incident_reference(reply) == reference
    assert subject_with_reference(reply, reference) == reply


@given(st.lists(st.integers(1, 999_999), max_size=3), st.text(max_size=30),
       st.integers(1, 999_999))
def test_a_replys_subject_is_found_as_its_own_incident_whatever_it_carried(
        others: list[int], words: str, number: int) -> None:
    subject = " ".join([words, *(f"[INC-{n:06d}]" for n in others)])
    reference = f"INC-{number:06d}"
    reply = subject_with_reference(subject, reference)
    assert find_incident_reference(reply) == reference
    assert subject_with_reference(reply, reference) == reply


# The body: every text the customer wrote, in order.

_TEXT_IMAGE_TEXT = (
    b"From: Raj <raj@acme.example>\r\nTo: support@synergy.example\r\nSubject: Printer\r\n"
    b"Message-ID: <a1@acme.example>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
    b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHere is the screenshot:\r\n"
    b"--B\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
    b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"The error appears after step 3.\r\n--B--\r\n")

_HTML_AND_DISCLAIMER = (
    b"From: Raj <raj@acme.example>\r\nTo: support@synergy.example\r\nSubject: Printer\r\n"
    b"Message-ID: <a2@acme.example>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
    b"--B\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<p>The invoice run crashes with error 42 every morning.</p>\r\n"
    b"--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"This e-mail is confidential.\r\n--B--\r\n")


def test_text_an_inline_image_and_more_text_keep_both_texts_in_order() -> None:
    parsed = parse_message(_TEXT_IMAGE_TEXT)
    assert parsed.body_text == "Here is the screenshot:\n\nThe error appears after step 3."
    assert [a.content_type for a in parsed.attachments] == ["image/png"]


def test_an_html_body_with_a_gateways_plain_disclaimer_keeps_the_html_words() -> None:
    parsed = parse_message(_HTML_AND_DISCLAIMER)
    assert parsed.body_text == (
        "The invoice run crashes with error 42 every morning.\n\nThis e-mail is confidential.")


def test_an_alternative_counts_once_and_its_plain_part_is_the_one_read() -> None:
    message = _raw()
    message.set_content("First words")
    message.add_alternative("<p>First words in html</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf",
                           filename="log.pdf")
    message.add_attachment("Second words", disposition="inline")
    parsed = parse_message(message.as_bytes())
    assert parsed.body_text == "First words\n\nSecond words"
    assert [a.filename for a in parsed.attachments] == ["log.pdf"]


def test_an_alternative_with_an_empty_plain_part_is_read_from_its_html() -> None:
    message = _raw()
    message.set_content("  \n")
    message.add_alternative("<p>Only the html has words</p>", subtype="html")
    parsed = parse_message(message.as_bytes())
    assert parsed.body_text == "Only the html has words"


def test_a_text_file_sent_as_an_attachment_is_not_read_into_the_body() -> None:
    message = _raw()
    message.set_content("See the log.")
    message.add_attachment("secret log lines", filename="log.txt")
    message.add_attachment("<p>page</p>", subtype="html", disposition="attachment")
    parsed = parse_message(message.as_bytes())
    assert parsed.body_text == "See the log."
    assert len(parsed.attachments) == 2


# Headers: nothing a database or a single line refuses.

def _forbidden(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") for ch in text)


def _header_values(parsed: ParsedMessage) -> list[str]:
    return [parsed.message_id, parsed.in_reply_to, *parsed.references, parsed.from_address,
            parsed.from_name, *parsed.to, *parsed.cc, parsed.subject,
            *(a.filename for a in parsed.attachments),
            *(a.content_type for a in parsed.attachments)]


@pytest.mark.parametrize("header", [
    b"In-Reply-To: =?utf-8?q?<c=00d@x>?=",
    b"References: =?utf-8?q?<a@x>_<c=00d@x>?=",
    b"Message-ID: =?utf-8?q?<c=00d@x>?=",
    b"Message-ID: <c\x00d@x>",
    b"From: =?utf-8?q?Raj=00Patel?= <r=?utf-8?q?=00?=aj@x.example>",
    b"From: Raj\x00 <raj\x00@x.example>",
    b"To: =?utf-8?q?a=00b@x.example?=",
    b"Cc: a\x00b@x.example, =?utf-8?q?Ann=07=1B?= <ann@x.example>",
    b"Subject: =?utf-8?q?one=E2=80=A8two=E2=80=A9three=00four=0Afive=C2=85six?=",
])
def test_no_header_value_carries_a_control_character(header: bytes) -> None:
    raw = (b"From: raj@x.example\r\nTo: support@synergy.example\r\nSubject: x\r\n"
           + header + b"\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
           b"Content-Type: text/plain\r\nContent-Disposition: attachment; "
           b"filename=\"=?utf-8?q?a=00b.txt?=\"\r\n\r\nx\r\n--B--\r\n")
    parsed = parse_message(raw)
    assert not [v for v in _header_values(parsed) if _forbidden(v)]
    assert parsed.message_id.startswith("<") and parsed.message_id.endswith(">")
    assert "\n" not in parsed.subject


def test_a_message_id_left_empty_by_its_control_characters_gets_the_stable_one() -> None:
    raw = b"From: raj@x.example\r\nMessage-ID: =?utf-8?q?<c=00d@x>?=\r\n\r\nhi\r\n"
    parsed = parse_message(raw)
    assert parsed.message_id.endswith("@no-message-id.synergy-desk.invalid>")
    assert parse_message(raw).message_id == parsed.message_id


def test_a_subject_with_line_separators_is_one_line() -> None:
    raw = (b"From: raj@x.example\r\nSubject: =?utf-8?q?Printer=E2=80=A8offline=00"
           b"_again?=\r\n\r\nhi\r\n")
    assert parse_message(raw).subject == "Printer offline again"


_HEADER_NAMES = ("From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References",
                 "Content-Type", "Content-Disposition")


def _encoded_word(text: str) -> bytes:
    return b"=?utf-8?b?" + base64.b64encode(text.encode("utf-8")) + b"?="


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_HEADER_NAMES), st.one_of(
    st.binary(max_size=60), st.text(max_size=40).map(_encoded_word),
    st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass")))), max_size=8))
def test_random_header_bytes_never_give_a_value_with_a_control_character(
        headers: list[tuple[str, bytes]]) -> None:
    raw = b"".join(name.encode() + b": " + value.replace(b"\r", b" ").replace(b"\n", b" ")
                   + b"\r\n" for name, value in headers) + b"\r\nbody\r\n"
    parsed = parse_message(raw)
    assert not [v for v in _header_values(parsed) if _forbidden(v)]
    assert parsed.message_id.startswith("<") and parsed.message_id.endswith(">")
