"""Importing customers and their contacts from a CSV file, as an accounts package exports it.

Reading a file (:func:`read_csv`) finds its encoding and delimiter; :func:`guess_mapping`
matches its headings to the customer's fields; :func:`preview_import` shows the first rows as
they would be imported and every bad row of the whole file; :func:`import_customers` checks
every row without the write lock, then writes them in short batches so other desks keep saving,
and imports nothing when a row is bad (unless told to skip bad rows) or when a batch fails
(what was written is removed again); :func:`undo_stopped_imports` removes an import whose
process died half-way.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import os
import re
import socket
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee

from synergy_desk.domain.cards import contains_card_number
from synergy_desk.domain.csv_cells import restore_cell
from synergy_desk.domain.errors import ConflictError, DomainError, ValidationError
from synergy_desk.domain.numbers import account_code
from synergy_desk.domain.phones import display_phone
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services import search_index
from synergy_desk.services.common import (
    MANAGERS,
    Actor,
    audit,
    audit_many,
    for_update,
    in_transaction,
    next_number,
    read_snapshot,
    require,
    retried,
    transaction,
    tuples,
)
from synergy_desk.services.data.files import file_problem
from synergy_desk.services.people.customers import (
    ContactInput,
    CustomerInput,
    _clean_contact,
    _clean_customer,
    without_control_characters,
)

__all__ = [
    "MAX_FILE_BYTES", "FIELDS", "FIELD_LABELS", "REQUIRED_FIELDS", "DELIMITERS", "CsvFile",
    "CsvRow", "BadRow", "PreviewRow", "ImportPreview", "ImportResult", "read_csv", "guess_mapping",
    "preview_import", "import_customers", "delimiter_name", "ImportRefused", "BATCH_SIZE",
    "SHOWN_IN_MESSAGE", "ProgressCallback", "UndoneImport", "ImportStopped",
    "undo_stopped_imports", "FIRST_BATCH_ROWS", "MIN_BATCH_ROWS", "MAX_BATCH_ROWS",
    "BATCH_SECONDS",
    "SQLITE_PAUSE_SECONDS", "STALLED_AFTER", "UNDO_BATCH_ROWS", "IMPORTING", "DONE", "UNDOING",
    "UNDONE",
]

#: The largest file one import takes; a bigger one is refused before it is read.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Delimiters looked for when none is given: comma, semicolon, tab and bar.
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar (|)"}
#: Rows written per INSERT statement (a batch's transaction writes one or more of these).
BATCH_SIZE = 500
#: How many bad rows a refusal's message lists (the preview has them all).
SHOWN_IN_MESSAGE = 10
_ACCOUNT_CODE_MAX = 32
_SAMPLE_BYTES = 64 * 1024

#: The fields a column can be mapped to, in the order the mapping table shows them.
FIELDS = ("account_code", "name", "company", "address1", "address2", "address3", "address4",
          "postcode", "phone", "email", "notes", "contact_name", "contact_phone",
          "contact_email", "contact_job_title")
FIELD_LABELS: dict[str, str] = {
    "account_code": "Account code", "name": "Name", "company": "Company",
    "address1": "Address line 1", "address2": "Address line 2", "address3": "Address line 3",
    "address4": "Address line 4", "postcode": "Postcode", "phone": "Phone", "email": "E-mail",
    "notes": "Notes", "contact_name": "Contact name", "contact_phone": "Contact phone",
    "contact_email": "Contact e-mail", "contact_job_title": "Contact job title",
}
REQUIRED_FIELDS = ("name",)
_ADDRESS_FIELDS = ("address1", "address2", "address3", "address4")

ProgressCallback = Callable[[int, int, str], None]


# --- reading the file ------------------------------------------------------------------------

@dataclass(frozen=True)
class CsvRow:
    """One record of the file: the physical line it starts on and its cells."""

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class CsvFile:
    """A CSV file read into memory (within :data:`MAX_FILE_BYTES`), with its headings."""

    name: str
    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    text: str = field(repr=False)

    def rows(self) -> Iterator[CsvRow]:
        """The records after the heading row, each with the line it starts on (from 1).

        A quoted cell may span lines: the record's line is the one it starts on. Blank lines
        are skipped.
        """
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter,
                            strict=False)
        previous_end = 0
        first = True
        total_lines: int | None = None
        while True:
            start = previous_end + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:  # a cell past the reader's limit: a quote left open
                raise _unclosed_quote(self.name, self.text, start, self.delimiter) from None
            previous_end = reader.line_num
            # A quote left open near the end swallows the lines after it into one cell: a
            # record whose last cell spans lines and that ran to the end of the file is
            # looked at again (once: only the last record can).
            if record and ("\n" in record[-1] or "\r" in record[-1]):
                if total_lines is None:
                    total_lines = sum(1 for _ in io.StringIO(self.text, newline=""))
                if (previous_end >= total_lines
                        and _quote_opened_at(self.text, start, self.delimiter) is not None):
                    raise _unclosed_quote(self.name, self.text, start, self.delimiter)
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if first:
                first = False  # the heading row
                continue
            yield CsvRow(start, tuple(record))

    @property
    def delimiter_name(self) -> str:
        return delimiter_name(self.delimiter)


def delimiter_name(delimiter: str) -> str:
    """A delimiter as people call it ("comma", "semicolon", "tab")."""
    return _DELIMITER_NAMES.get(delimiter, f"“{delimiter}”")


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _read_bytes(source: str | os.PathLike[str] | bytes) -> tuple[str, bytes]:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        name = "the file"
        size = len(data)
        if size > MAX_FILE_BYTES:
            raise _too_big(name, size)
        return name, data
    path = Path(source)
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ValidationError(f"There is no file {path}.", "path") from None
    except OSError as exc:
        raise file_problem(path, exc, "read") from None
    if path.is_dir():
        raise ValidationError(f"{path} is a folder, not a CSV file.", "path")
    # Refused before a byte is read: a file this size is not one customer list.
    if size > MAX_FILE_BYTES:
        raise _too_big(name, size)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise file_problem(path, exc, "read") from None
    if len(data) > MAX_FILE_BYTES:  # it grew while we looked
        raise _too_big(name, len(data))
    return name, data


def _quote_opened_at(text: str, start_line: int, delimiter: str) -> int | None:
    """The line of the quote a record starting on ``start_line`` opens and never closes (the
    rest of the file taken as that record), or None when every quote is closed."""
    offset = 0
    for _ in range(start_line - 1):
        found = _next_line_start(text, offset)
        if found is None:
            return None
        offset = found
    line = start_line
    in_quote = False
    opened = 0
    at_cell_start = True
    index = offset
    length = len(text)
    while index < length:
        char = text[index]
        if in_quote:
            if char == '"':
                if index + 1 < length and text[index + 1] == '"':
                    index += 1
                else:
                    in_quote = False
            elif char == "\n" or (char == "\r" and text[index + 1:index + 2] != "\n"):
                line += 1
        elif char == '"' and at_cell_start:
            in_quote, opened = True, line
        elif char in "\r\n":
            return None  # the record ended with every quote closed
        at_cell_start = char == delimiter and not in_quote
        index += 1
    return opened if in_quote else None


def _next_line_start(text: str, offset: int) -> int | None:
    found = min((i for i in (text.find("\n", offset), text.find("\r", offset)) if i >= 0),
                default=-1)
    if found < 0:
        return None
    if text.startswith("\r\n", found):
        return found + 2
    return found + 1


def _unclosed_quote(name: str, text: str, start_line: int, delimiter: str) -> ValidationError:
    line = _quote_opened_at(text, start_line, delimiter) or start_line
    return ValidationError(
        f"“{name}” has a quote (\") on line {line:,} that is never closed, so the rest of the "
        "file would be read as one cell. Close the quote (or remove it) and import the file "
        "again; nothing was imported.", "path")


def _too_big(name: str, size: int) -> ValidationError:
    return ValidationError(
        f"“{name}” is {_size_text(size)}; one import takes at most "
        f"{MAX_FILE_BYTES // (1024 * 1024)} MB. Split it into smaller files and import them "
        "one after another.", "path")


def _decode(name: str, data: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ValidationError(
                f"“{encoding}” is not an encoding this program knows; try UTF-8 or "
                "Windows-1252.", "encoding") from None
        try:
            text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"“{name}” is not written in {encoding} (byte {exc.start + 1} cannot be read "
                "in it); choose another encoding.", "encoding") from None
        return text, codec
    for bom, codec in _BYTE_ORDER_MARKS:
        if not data.startswith(bom):
            continue
        # UTF-16 (as Excel's "Unicode text" writes it) or UTF-32, told by its byte-order mark.
        try:
            return data[len(bom):].decode(codec), codec
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"“{name}” starts as {codec.upper()} text but byte {exc.start + len(bom) + 1:,} "
                "cannot be read in it; save it again and choose that file.",
                "encoding") from None
    if b"\x00" in data[:_SAMPLE_BYTES]:
        raise ValidationError(
            f"“{name}” does not look like a CSV file (it holds binary data). Export the list "
            "from your accounts package as CSV and choose that file.", "path")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    mixed = _utf8_line_after(data, first_bad)
    if mixed is not None:
        raise ValidationError(
            f"“{name}” mixes two encodings: line {_line_of(data, first_bad):,} is not UTF-8 "
            f"but line {mixed:,} is, so no one encoding reads it all. Save it again as UTF-8 "
            "(or give its encoding) and import it again; nothing was imported.", "encoding")
    try:
        # What UK accounts packages write when they do not write UTF-8.
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise ValidationError(
            f"“{name}” is neither UTF-8 nor Windows-1252 text; choose its encoding.",
            "encoding") from None


#: Byte-order marks and their encodings, UTF-32's first (its little-endian mark starts with
#: UTF-16's).
_BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                     (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _utf8_line_after(data: bytes, first_bad: int) -> int | None:
    """In a file that is not all UTF-8 (its first byte that is not at ``first_bad``), the
    first line beyond ASCII that is UTF-8, or None when there is none: then the whole file is
    in another encoding. (A Windows-1252 line is almost never UTF-8 by chance.)"""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            continue
        return number
    return None


def _check_delimiter(delimiter: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "bar": "|", "pipe": "|"}
    value = named.get(delimiter.strip().lower(), delimiter) if delimiter.strip() else delimiter
    if len(value) != 1 or value in "\r\n\"" or value.isalnum():
        raise ValidationError(
            f"“{delimiter}” cannot separate the cells; use one character such as , ; | or tab.",
            "delimiter")
    return value


def _widths(sample: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False)
    out: list[int] = []
    try:
        for record in reader:
            if record:
                out.append(len(record))
    except csv.Error:
        pass
    return out


def _sniff_delimiter(text: str) -> str:
    """The delimiter of the first lines: csv.Sniffer's answer, checked by counting cells."""
    sample = text[:_SAMPLE_BYTES]
    if len(text) > _SAMPLE_BYTES and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    lines = sample.splitlines()
    sample = "\n".join(lines[:50])
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None

    def score(delimiter: str) -> tuple[int, int]:
        widths = _widths(sample, delimiter)
        if not widths or widths[0] < 2:
            return (0, 0)
        # Rows as wide as the heading row, then the width itself.
        return (sum(1 for w in widths if w == widths[0]), widths[0])

    best = max(DELIMITERS, key=score)
    if sniffed is not None and score(sniffed)[0] >= score(best)[0] and score(sniffed)[1] > 1:
        return sniffed
    return best if score(best)[1] > 1 else ","


def _unique_headers(record: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    out = []
    for index, raw in enumerate(record):
        name = " ".join(without_control_characters(raw).split()) or f"Column {index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return tuple(out)


def read_csv(source: str | os.PathLike[str] | bytes, *, encoding: str | None = None,
             delimiter: str | None = None) -> CsvFile:
    """Read a CSV file: its encoding, delimiter and headings, and its rows to iterate.

    The encoding is UTF-16 when the file starts with its byte-order mark, else UTF-8 (with
    or without a byte-order mark), else Windows-1252 when no line is UTF-8, unless given; a
    file mixing UTF-8 lines with lines in another encoding is refused, naming the first line
    that is not UTF-8. The delimiter is found among comma, semicolon, tab and bar, unless
    given.

    Raises:
        ValidationError: the file is missing, larger than :data:`MAX_FILE_BYTES` (refused
            before it is read), not text in the encoding, mixes encodings, or has no heading
            row (or a quote in it that is never closed).
    """
    name, data = _read_bytes(source)
    text, codec = _decode(name, data, encoding)
    chosen = _check_delimiter(delimiter) if delimiter else _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text[:_SAMPLE_BYTES * 4], newline=""), delimiter=chosen,
                        strict=False)
    header: list[str] | None = None
    try:
        for record in reader:
            if record and any(cell.strip() for cell in record):
                header = record
                break
    except csv.Error:
        raise _unclosed_quote(name, text, 1, chosen) from None
    if header is None:
        raise ValidationError(f"“{name}” is empty: it has no heading row.", "path")
    return CsvFile(name=name, encoding=codec, delimiter=chosen,
                   headers=_unique_headers(header), text=text)


# --- matching headings to fields -------------------------------------------------------------

def _key(heading: str) -> str:
    return re.sub(r"[^0-9a-z]", "", heading.lower())


# The usual headings of Sage 50, Xero and QuickBooks exports (compared without spaces,
# punctuation or case: "A/C" is "ac", "E-mail" is "email", "*ContactName" is "contactname").
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "account_code": ("ac", "acref", "accountref", "accountreference", "accountcode",
                     "accountnumber", "accountno", "account", "customerref", "customercode",
                     "customerreference", "customerid", "customerno", "ref", "reference"),
    "name": ("name", "accountname", "customername", "customer", "displayname",
             "clientname", "client", "fullname"),
    "company": ("company", "companyname", "organisation", "organization", "business",
                "businessname", "tradingname"),
    "postcode": ("postcode", "postalcode", "zip", "zipcode", "popostalcode",
                 "sapostalcode", "billingpostcode", "billingzip", "billingpostalcode",
                 "postcodezip"),
    "phone": ("telephone", "tel", "phone", "phonenumber", "telephonenumber", "telno",
              "telephone1", "phone1", "mainphone", "businessphone", "workphone", "landline"),
    "email": ("email", "emailaddress", "mail", "email1", "mainemail", "emailid"),
    "notes": ("notes", "note", "memo", "comments", "comment", "remarks"),
    "contact_name": ("contactname", "contact", "contactperson", "poattentionto", "attention", "attn",
                     "primarycontact", "contactfullname"),
    "contact_phone": ("contactphone", "contacttelephone", "contacttel", "mobile",
                      "mobilenumber", "mobilephone", "contactmobile", "telephone2", "phone2"),
    "contact_email": ("contactemail", "contactemailaddress", "email2", "ccemail"),
    "contact_job_title": ("jobtitle", "contactjobtitle", "position", "contactposition",
                          "contactrole", "role"),
}
# Address parts, most wanted first: lines 1 and 2, the town, the county, then the rest.
_ADDRESS_PARTS: tuple[tuple[str, ...], ...] = (
    ("address1", "addressline1", "address", "street", "street1", "streetaddress",
     "poaddressline1", "saaddressline1", "billingaddress", "billingstreet",
     "billingaddressline1", "billingaddress1", "addr1"),
    ("address2", "addressline2", "street2", "poaddressline2", "saaddressline2",
     "billingaddressline2", "billingaddress2", "addr2", "locality"),
    ("town", "city", "towncity", "pocity", "sacity", "billingcity"),
    ("county", "region", "state", "poregion", "saregion", "billingstate", "billingcounty",
     "province"),
    ("address3", "addressline3", "street3", "poaddressline3", "addr3"),
    ("address4", "addressline4", "street4", "poaddressline4", "addr4"),
    ("country", "pocountry", "billingcountry"),
)


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Which heading holds which field, from the usual headings of accounts packages.

    Returns a dict from field (see :data:`FIELDS`) to heading; fields with no likely heading
    are left out. Up to four address columns fill the address lines, in the file's order.
    """
    keys = [(_key(h), h) for h in headers]
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field_name in ("account_code", "contact_name", "contact_phone", "contact_email",
                       "contact_job_title", "name", "company", "postcode", "phone", "email",
                       "notes"):
        for synonym in _SYNONYMS[field_name]:
            found = next((h for k, h in keys if k == synonym and h not in used), None)
            if found is not None:
                mapping[field_name] = found
                used.add(found)
                break
    # Sage's "Contact Name" is the person; when the file has no other name, it is the name.
    if "name" not in mapping:
        if "company" in mapping:
            mapping["name"] = mapping["company"]
        elif "contact_name" in mapping:
            mapping["name"] = mapping.pop("contact_name")
    parts: list[tuple[int, int, str]] = []  # (priority, position, heading)
    for position, (k, heading) in enumerate(keys):
        if heading in used:
            continue
        for priority, synonyms in enumerate(_ADDRESS_PARTS):
            if k in synonyms:
                parts.append((priority, position, heading))
                break
    chosen = sorted(sorted(parts)[:len(_ADDRESS_FIELDS)], key=lambda p: p[1])
    for field_name, (_, _, heading) in zip(_ADDRESS_FIELDS, chosen, strict=False):
        mapping[field_name] = heading
    return mapping


# --- checking the rows -----------------------------------------------------------------------

@dataclass(frozen=True)
class BadRow:
    """A row that cannot be imported: the line it starts on and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class PreviewRow:
    """One row as it would be imported (values as stored, phones as people write them)."""

    line: int
    values: dict[str, str]
    error: str | None = None


@dataclass(frozen=True)
class ImportPreview:
    """The first rows as imported and every bad row of the whole file."""

    file_name: str
    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    mapping: dict[str, str]
    rows: tuple[PreviewRow, ...]
    bad_rows: tuple[BadRow, ...]
    #: Problems with the file or the mapping as a whole (nothing can be imported).
    problems: tuple[str, ...]
    total_rows: int

    @property
    def good_rows(self) -> int:
        return self.total_rows - len(self.bad_rows)

    @property
    def can_import(self) -> bool:
        """True when nothing stops an import (bad rows may still need skipping)."""
        return not self.problems and self.good_rows > 0


@dataclass(frozen=True)
class ImportResult:
    imported: int
    contacts: int
    skipped: int
    bad_rows: tuple[BadRow, ...]
    first_account_code: str
    last_account_code: str


class ImportRefused(ValidationError):
    """Nothing was imported: the file, the mapping or some rows are bad (all listed here)."""

    def __init__(self, message: str, bad_rows: Sequence[BadRow] = (),
                 problems: Sequence[str] = (), total_rows: int = 0) -> None:
        super().__init__(message, "rows")
        self.bad_rows = tuple(bad_rows)
        self.problems = tuple(problems)
        #: The rows under the heading row, good and bad.
        self.total_rows = max(total_rows, len(self.bad_rows))


@dataclass(frozen=True)
class _Clean:
    line: int
    account_code: str  # "" when one is to be generated
    customer: dict[str, str]
    contact: dict[str, Any] | None


_FIELD_OF_ERROR = {
    "name": "name", "company": "company", "address": "address1", "postcode": "postcode",
    "email": "email", "phone": "phone", "notes": "notes", "contact_name": "contact_name",
    "job_title": "contact_job_title", "contact_email": "contact_email",
    "contact_phone": "contact_phone",
}


def _mapping_problems(csv_file: CsvFile, mapping: Mapping[str, str]) -> list[str]:
    problems = []
    # One column is a list of names; it is wrong only when its heading holds another
    # delimiter (the cells were separated by something else).
    if len(csv_file.headers) == 1 and any(d in csv_file.headers[0] for d in DELIMITERS):
        others = ", ".join(delimiter_name(d) for d in DELIMITERS if d != csv_file.delimiter)
        problems.append(
            f"The file has one column only when its cells are separated by "
            f"{csv_file.delimiter_name}: is it separated by something else ({others})? "
            "Choose the delimiter.")
    for field_name, heading in mapping.items():
        if field_name not in FIELD_LABELS:
            problems.append(f"“{field_name}” is not a customer field; the fields are "
                            f"{', '.join(FIELDS)}.")
        elif heading not in csv_file.headers:
            shown = ", ".join(f"“{h}”" for h in csv_file.headers[:12])
            problems.append(f"The {FIELD_LABELS[field_name].lower()} column “{heading}” is not "
                            f"in the file; its headings are {shown}.")
    for field_name in REQUIRED_FIELDS:
        if not mapping.get(field_name):
            problems.append(f"Choose the column that holds the "
                            f"{FIELD_LABELS[field_name].lower()}: it is required.")
    return problems


def _cell_texts(row: CsvRow, width: int) -> tuple[str, ...] | str:
    """The row's cells, or the reason its cell count is wrong."""
    cells = row.cells
    if len(cells) > width and not any(c.strip() for c in cells[width:]):
        cells = cells[:width]  # trailing empty cells, as some packages write
    if len(cells) != width:
        return (f"has {len(cells)} cell{'s' if len(cells) != 1 else ''} where the heading row "
                f"has {width}")
    return cells


#: Thirteen digits, each followed by at most one space or dash: the shortest card number.
_ENOUGH_DIGITS = re.compile(r"(?:\d[ -]?){13}")


def _clean_row(row: CsvRow, cells: tuple[str, ...], columns: dict[str, int],
               headers: tuple[str, ...]) -> _Clean | str:
    for index, cell in enumerate(cells):
        # Most cells have too few digits to hold a card number; only the others are searched.
        if _ENOUGH_DIGITS.search(cell) and contains_card_number(cell):
            return (f"{headers[index]}: holds what looks like a full card number; card numbers "
                    "are never stored (remove it from the file)")

    def get(field_name: str) -> str:
        # A cell this program exported ("'=...", "'+44...") comes back as it was typed.
        index = columns.get(field_name)
        return restore_cell(cells[index].strip()) if index is not None else ""

    address = "\n".join(part for part in (get(f) for f in _ADDRESS_FIELDS) if part)
    code = without_control_characters(get("account_code")).strip()
    if len(code) > _ACCOUNT_CODE_MAX:
        return (f"{headers[columns['account_code']]}: the account code “{code[:40]}” is too "
                f"long (at most {_ACCOUNT_CODE_MAX} characters)")
    try:
        customer = _clean_customer(CustomerInput(
            name=get("name"), company=get("company"), address=address,
            postcode=get("postcode"), email=get("email"), phone=get("phone"),
            notes=get("notes")))
        contact_values = (get("contact_name"), get("contact_job_title"), get("contact_email"),
                          get("contact_phone"))
        contact = None
        if any(contact_values):
            contact = _clean_contact(ContactInput(
                name=contact_values[0], job_title=contact_values[1], email=contact_values[2],
                phone=contact_values[3], is_primary=True))
    except ValidationError as exc:
        field_name = _FIELD_OF_ERROR.get(exc.field or "", "")
        heading = headers[columns[field_name]] if field_name in columns else ""
        return f"{heading}: {exc.message}" if heading else exc.message
    return _Clean(row.line, code, customer, contact)


def _preview_values(clean: _Clean) -> dict[str, str]:
    values = dict(clean.customer)
    values["phone"] = display_phone(values["phone"])
    values["account_code"] = clean.account_code
    contact = clean.contact or {}
    values["contact_name"] = str(contact.get("name", ""))
    values["contact_phone"] = display_phone(str(contact.get("phone", "")))
    values["contact_email"] = str(contact.get("email", ""))
    values["contact_job_title"] = str(contact.get("job_title", ""))
    return values


@dataclass
class _Checked:
    clean: list[_Clean]
    bad: list[BadRow]
    preview: list[PreviewRow]
    problems: list[str]
    total: int


def _check(csv_file: CsvFile, mapping: Mapping[str, str], *, preview_limit: int = 0,
           progress: ProgressCallback | None = None) -> _Checked:
    problems = _mapping_problems(csv_file, mapping)
    out = _Checked([], [], [], problems, 0)
    if problems:
        out.total = sum(1 for _ in csv_file.rows())
        return out
    headers = csv_file.headers
    columns = {f: headers.index(h) for f, h in mapping.items() if h}
    width = len(headers)
    first_line_of: dict[str, int] = {}
    preview_index: dict[int, int] = {}
    wrong_width = 0
    for row in csv_file.rows():
        out.total += 1
        if progress is not None and out.total % 1000 == 0:
            progress(out.total, 0, "checking")
        cells = _cell_texts(row, width)
        result: _Clean | str
        if isinstance(cells, str):
            wrong_width += 1
            result = cells
        else:
            result = _clean_row(row, cells, columns, headers)
        if isinstance(result, _Clean) and result.account_code:
            earlier = first_line_of.get(result.account_code)
            if earlier is not None:
                result = (f"{headers[columns['account_code']]}: the account code "
                          f"“{result.account_code}” is already used on line {earlier}.")
            else:
                first_line_of[result.account_code] = row.line
        if isinstance(result, str):
            out.bad.append(BadRow(row.line, result))
            if len(out.preview) < preview_limit:
                out.preview.append(PreviewRow(row.line, {}, result))
        else:
            out.clean.append(result)
            if len(out.preview) < preview_limit:
                preview_index[row.line] = len(out.preview)
                out.preview.append(PreviewRow(row.line, _preview_values(result)))
    if out.total and wrong_width == out.total:
        others = ", ".join(delimiter_name(d) for d in DELIMITERS if d != csv_file.delimiter)
        out.problems.append(
            f"No row has as many cells as the heading row when the cells are separated by "
            f"{csv_file.delimiter_name}: is the file separated by something else ({others})? "
            "Choose the delimiter.")
    if out.total == 0 and not out.problems:
        out.problems.append(f"“{csv_file.name}” has a heading row but no customers under it.")
    # Account codes the office already has, read in one snapshot that takes no write lock.
    with read_snapshot():
        in_use = _codes_in_use(list(first_line_of))
    if in_use:
        kept = []
        heading = headers[columns["account_code"]]
        for clean in out.clean:
            if clean.account_code in in_use:
                reason = (f"{heading}: the office already has a customer with the account "
                          f"code “{clean.account_code}”.")
                out.bad.append(BadRow(clean.line, reason))
                if clean.line in preview_index:
                    index = preview_index[clean.line]
                    out.preview[index] = PreviewRow(clean.line, out.preview[index].values,
                                                    reason)
            else:
                kept.append(clean)
        out.clean = kept
        out.bad.sort(key=lambda b: b.line)
    return out


def preview_import(csv_file: CsvFile, mapping: Mapping[str, str],
                   limit: int = 50) -> ImportPreview:
    """The first ``limit`` rows as they would be imported, and every bad row of the file.

    A bad row is one with the wrong number of cells, a bad phone number, e-mail or postcode,
    a missing name, a full card number in any cell, or an account code already used (by the
    office or earlier in the file). A cell that looks like a spreadsheet formula is imported
    as the text it is (exports neutralise it).
    """
    checked = _check(csv_file, mapping, preview_limit=max(0, limit))
    return ImportPreview(
        file_name=csv_file.name, encoding=csv_file.encoding, delimiter=csv_file.delimiter,
        headers=csv_file.headers, mapping=dict(mapping), rows=tuple(checked.preview),
        bad_rows=tuple(checked.bad), problems=tuple(checked.problems), total_rows=checked.total)


def _refusal(checked: _Checked) -> ImportRefused:
    if checked.problems:
        return ImportRefused(" ".join(checked.problems), checked.bad, checked.problems,
                             checked.total)
    shown = "; ".join(str(b) for b in checked.bad[:SHOWN_IN_MESSAGE])
    more = len(checked.bad) - SHOWN_IN_MESSAGE
    rest = f"; and {more:,} more" if more > 0 else ""
    count = len(checked.bad)
    return ImportRefused(
        f"{count:,} of {checked.total:,} rows cannot be imported, so nothing was imported "
        f"({shown}{rest}). Correct the file, or skip the bad rows.", checked.bad,
        total_rows=checked.total)


# --- writing ---------------------------------------------------------------------------------
#
# The file is checked whole first, without the write lock. Then it is written in batches, each
# its own short transaction, so other desks save between them; every customer written carries
# the import's id (the customer_import table), and an import that fails part-way is undone
# batch by batch. An import whose desk died is undone by the next desk to look
# (undo_stopped_imports: at start-up, before a command, before the next import).

#: Rows the first batch writes; later batches are sized to take about BATCH_SECONDS each.
FIRST_BATCH_ROWS = 500
#: The most rows one batch writes, however quick the database is.
MAX_BATCH_ROWS = 5_000
#: The fewest rows one batch writes, however slow the database is (and the step between).
MIN_BATCH_ROWS = 100
#: How long one batch's transaction should last: another desk waits at most about this long.
BATCH_SECONDS = 0.3
#: On SQLite, the pause after each batch. A desk waiting for the write lock tries again every
#: 100 ms at the most (SQLite's busy handler), so a longer pause lets every waiting desk in.
SQLITE_PAUSE_SECONDS = 0.11
#: An import not moved on for this long has stopped (its desk was switched off or lost the
#: database), whatever its process looks like.
STALLED_AFTER = dt.timedelta(minutes=2)
#: Customers removed per transaction when an import is undone.
UNDO_BATCH_ROWS = 1_000

#: The states of an import.
IMPORTING, DONE, UNDOING, UNDONE = "importing", "done", "undoing", "undone"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UndoneImport:
    """An import that was undone: how many of its customers were removed, and the account
    codes of any kept because a desk had already used them (an incident, a payment, an edit).
    """

    file_name: str
    started_at: dt.datetime
    removed: int
    kept: tuple[str, ...]

    @property
    def sentence(self) -> str:
        """What was done, as a desk or a command tells it."""
        return f"An import of {self.file_name} had stopped half-way; {_what_became_of_it(self)}"


class ImportStopped(ConflictError):
    """Another desk found this import stopped and undid it; nothing was imported."""


class _Clash(Exception):
    """A batch met an account code another desk gave a customer after the file was checked."""

    def __init__(self, line: int, code: str) -> None:
        super().__init__(f"line {line}: {code}")
        self.line = line
        self.code = code


def _is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


def _database_now() -> dt.datetime:
    """The database's clock in UTC, so every desk judges a heartbeat by the same clock."""
    if _is_sqlite():
        return utcnow()  # the file is read and written on this machine
    cursor = db.execute_sql("SELECT CAST(clock_timestamp() AT TIME ZONE 'UTC' AS timestamp)")
    value: dt.datetime = cursor.fetchone()[0]
    return value


def _this_desk() -> tuple[str, int]:
    """This process as an import names the desk doing it: host name and process id."""
    return socket.gethostname()[:255], os.getpid()


def _process_alive(pid: int) -> bool:
    """Whether a process of this machine with that id is running (True when unsure)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000 | 0x00100000, False, pid)  # query, synchronize
        if not handle:
            return bool(ctypes.get_last_error() == 5)  # access denied: it is there
        try:
            return bool(kernel32.WaitForSingleObject(handle, 0) == 0x102)  # still running
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: it is there
    return True


@in_transaction
def _beat(import_id: int, in_state: str, **changes: Any) -> bool:
    """Move the import's heartbeat on (and write ``changes``) if this desk still does it in
    ``in_state``; False when another desk has taken it over. Locks the import's row."""
    host, pid = _this_desk()
    fields = {getattr(t.CustomerImport, k): v for k, v in changes.items()}
    fields[t.CustomerImport.heartbeat_at] = _database_now()
    CI = t.CustomerImport  # noqa: N806
    return bool(CI.update(fields)
                .where((CI.id == import_id) & (CI.state == in_state) & (CI.host == host)
                       & (CI.pid == pid)).execute())


@dataclass
class _Numbers:
    """What the import took from the customers' sequence: the value before its first take and
    after its last; ``before`` is None once another desk took a number in between."""

    before: int | None = None
    after: int | None = None

    def took(self, start: int, end: int) -> None:
        if self.after is None:
            self.before = start
        elif start != self.after:
            self.before = None
        self.after = end


def _codes_in_use(codes: Sequence[str]) -> set[str]:
    used: set[str] = set()
    for start in range(0, len(codes), BATCH_SIZE):
        chunk = list(codes[start:start + BATCH_SIZE])
        used.update(str(c) for (c,) in tuples(t.Customer.select(t.Customer.account_code)
                                              .where(t.Customer.account_code.in_(chunk))))
    return used


@in_transaction
def _take_codes(count: int, taken: set[str], numbers: _Numbers) -> list[str]:
    """New account codes as the customers service makes them, skipping any already used."""
    out: list[str] = []
    while len(out) < count:
        wanted = count - len(out)
        last = next_number("customer", wanted)
        numbers.took(last - wanted, last)
        candidates = [account_code(n) for n in range(last - wanted + 1, last + 1)]
        clash = _codes_in_use(candidates) | (taken & set(candidates))
        out.extend(c for c in candidates if c not in clash)
    return out


_NUMBERED_CODE = re.compile(r"^C(\d{6,9})$")


@in_transaction
def _advance_sequence_past(codes: Sequence[str], numbers: _Numbers) -> None:
    """Keep later customers' generated codes clear of numbered codes taken from the file."""
    highest = max((int(m.group(1)) for c in codes if (m := _NUMBERED_CODE.match(c))),
                  default=0)
    if not highest:
        return
    S = t.Sequence  # noqa: N806
    # Lock the sequence's row first (an UPDATE locks on both databases), then read it.
    if not S.update(last_value=S.last_value).where(S.name == "customer").execute():
        S.insert(name="customer", last_value=0).on_conflict_ignore().execute()
        S.update(last_value=S.last_value).where(S.name == "customer").execute()
    current = int(S.select(S.last_value).where(S.name == "customer").scalar())
    if current < highest:
        S.update(last_value=highest).where(S.name == "customer").execute()
        numbers.took(current, highest)


def _insert_search_rows(rows: list[tuple[int, str]]) -> None:
    if not rows:
        return
    param = "?" if _is_sqlite() else "%s"
    values = ", ".join(f"({param}, {param})" for _ in rows)
    flat = [v for row in rows for v in row]
    if _is_sqlite():
        db.execute_sql(f"INSERT INTO customer_search (rowid, body) VALUES {values}", flat)
    else:
        db.execute_sql(f"INSERT INTO customer_search (rowid, body) VALUES {values} "
                       "ON CONFLICT (rowid) DO UPDATE SET body = EXCLUDED.body", flat)


def _write_batch(batch: list[tuple[str, _Clean]], actor: Actor, file_name: str,
                 import_id: int) -> int:
    """Write up to :data:`BATCH_SIZE` customers with their contacts, search entries and audit
    rows (inside the caller's transaction); returns how many contacts were written."""
    now = utcnow()
    t.Customer.insert_many([
        {"account_code": code, "created_at": now, "updated_at": now,
         "customer_import": import_id, **clean.customer}
        for code, clean in batch]).execute()
    ids = {str(code): int(cid) for cid, code in tuples(
           t.Customer.select(t.Customer.id, t.Customer.account_code)
           .where(t.Customer.account_code.in_([code for code, _ in batch])))}
    contacts = [{"customer": ids[code], "created_at": now, **clean.contact}
                for code, clean in batch if clean.contact is not None]
    if contacts:
        t.Contact.insert_many(contacts).execute()
    search_rows = []
    for code, clean in batch:
        customer = t.Customer(id=ids[code], account_code=code, **clean.customer)
        people = [t.Contact(**clean.contact)] if clean.contact is not None else []
        search_rows.append((ids[code], search_index.customer_body(customer, people)))
    _insert_search_rows(search_rows)
    # Each customer's own audit row, as if added by hand, so the audit log finds it by its
    # account code; linked into the audit log's hash chain together, with one INSERT.
    audit_many(actor, [
        ("customer.create", "customer", ids[code], None,
         {"account_code": code, **clean.customer,
          "contacts": [clean.contact] if clean.contact else [],
          "imported_from": file_name, "import": import_id})
        for code, clean in batch])
    return len(contacts)


@dataclass
class _Progress:
    """How far an import has got: rows written, contacts, the first and last codes."""

    written: int = 0
    contacts: int = 0
    first_code: str = ""
    last_code: str = ""


@retried
def _take_batch_codes(actor: Actor, import_id: int, count: int, file_codes: list[str],
                      taken: set[str], numbers: _Numbers, first: bool) -> list[str]:
    """Take the batch's new account codes in a transaction of their own, recorded on the
    import (so an undo can give them back): the customers' sequence is locked for a moment,
    not for the whole batch, so a desk adding a customer meanwhile does not wait for it."""
    if not count and not first:
        return []
    with transaction():
        require(actor, MANAGERS, "import customers")
        if not _beat(import_id, IMPORTING):
            raise _taken_over()
        if first:
            _advance_sequence_past(file_codes, numbers)
        codes = _take_codes(count, taken, numbers) if count else []
        (t.CustomerImport.update(sequence_before=numbers.before, sequence_after=numbers.after)
         .where(t.CustomerImport.id == import_id).execute())
    return codes


def _write_one_batch(import_id: int, actor: Actor, file_name: str, rows: list[_Clean],
                     file_codes: list[str], taken: set[str], numbers: _Numbers,
                     done: _Progress) -> _Progress:
    """Write ``rows``: their new account codes first, then the rows in one transaction;
    returns how far the import has got."""
    kept = [c for c in rows if c.account_code]
    new_codes = iter(_take_batch_codes(actor, import_id, len(rows) - len(kept), file_codes,
                                       taken, numbers, first=done.written == 0))
    coded = [(c.account_code or next(new_codes), c) for c in rows]
    return _write_coded_batch(import_id, actor, file_name, coded, kept, done)


@retried
def _write_coded_batch(import_id: int, actor: Actor, file_name: str,
                       coded: list[tuple[str, _Clean]], kept: list[_Clean],
                       done: _Progress) -> _Progress:
    """Write one batch whose account codes are settled, in one transaction."""
    try:
        with transaction():
            require(actor, MANAGERS, "import customers")
            if not _beat(import_id, IMPORTING):
                raise _taken_over()
            # Another desk may have given a customer one of these codes since the check.
            clash = _codes_in_use([c.account_code for c in kept])
            if clash:
                first = next(c for c in kept if c.account_code in clash)
                raise _Clash(first.line, first.account_code)
            contacts = 0
            for start in range(0, len(coded), BATCH_SIZE):
                contacts += _write_batch(coded[start:start + BATCH_SIZE], actor, file_name,
                                         import_id)
            after = _Progress(done.written + len(coded), done.contacts + contacts,
                              done.first_code or coded[0][0], coded[-1][0])
            (t.CustomerImport.update(written=after.written)
             .where(t.CustomerImport.id == import_id).execute())
    except peewee.IntegrityError:
        # The same, when the other desk's customer was saved at the very moment (PostgreSQL).
        clash = _codes_in_use([c.account_code for c in kept])
        if not clash:
            raise
        first = next(c for c in kept if c.account_code in clash)
        raise _Clash(first.line, first.account_code) from None
    return after


def _taken_over() -> ImportStopped:
    return ImportStopped(
        f"This import had not moved on for {_minutes(STALLED_AFTER)}, so another desk took it "
        "for stopped and undid it; nothing was imported. Import the file again.")


def _minutes(span: dt.timedelta) -> str:
    minutes = max(1, round(span.total_seconds() / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _next_batch_rows(rows: int, seconds: float) -> int:
    """Rows for the next batch, so that it takes about :data:`BATCH_SECONDS`."""
    wanted = MAX_BATCH_ROWS if seconds <= 0 else int(rows * BATCH_SECONDS / seconds)
    return max(MIN_BATCH_ROWS, min(MAX_BATCH_ROWS, wanted // MIN_BATCH_ROWS * MIN_BATCH_ROWS))


#: The tables an import fills, whose planner statistics it keeps up to date on PostgreSQL.
_FILLED_TABLES = ("customer", "contact", "customer_search")
#: On PostgreSQL, the fewest customers the statistics are taken to describe: below this, a
#: table is small whatever its plans are.
_ANALYSE_FROM = 1_000


@dataclass
class _Statistics:
    """When to analyse the tables an import fills, on PostgreSQL.

    A desk's connection keeps the plan of a statement it runs often (psycopg prepares it),
    and PostgreSQL plans it once for the table as its statistics describe it. A table an
    import fills from a few rows to many would keep a plan made for a few rows (a sequential
    scan, for a lookup of a batch's account codes), holding the customers' sequence while it
    reads the whole table. Analysing makes every desk plan again; doing it whenever the
    table has doubled since it was last analysed keeps every plan within twice the size it
    was made for, at a few analyses for any file.
    """

    #: The customers written at which to analyse next; None on SQLite, which plans without.
    next_at: int | None

    @classmethod
    def of_office(cls) -> _Statistics:
        if _is_sqlite():
            return cls(next_at=None)
        cursor = db.execute_sql(
            "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = 'customer'::regclass")
        return cls(next_at=max(_ANALYSE_FROM, int(cursor.fetchone()[0])))

    def written(self, rows: int) -> None:
        """After a batch: ``rows`` customers written by the import so far."""
        if self.next_at is None or rows < self.next_at:
            return
        for table in _FILLED_TABLES:
            db.execute_sql(f'ANALYZE "{table}"')
        self.next_at = 2 * rows


def _pause() -> None:
    """Let desks waiting for SQLite's write lock in between two batches."""
    if _is_sqlite():
        time.sleep(SQLITE_PAUSE_SECONDS)


def import_customers(actor: Actor, csv_file: CsvFile, mapping: Mapping[str, str], *,
                     skip_bad_rows: bool = False,
                     progress: ProgressCallback | None = None) -> ImportResult:
    """Add every customer of the file (with its contact), in short batches.

    Every row is checked first, without holding the write lock. With any bad row, and
    ``skip_bad_rows`` not set, nothing is written. Then the customers are written a batch at a
    time, each batch its own short transaction, so other desks keep saving while a long file
    imports. If a batch is refused (another desk gave a customer one of the file's account
    codes meanwhile, the manager was deactivated, the database failed), the batches already
    written are removed again, so a file is imported whole or not at all; an import whose
    process dies is undone by :func:`undo_stopped_imports`. Account codes in the file are
    kept; rows without one get the next codes, as customers added by hand do. One audit row,
    ``customer.import``, records the counts when it is done.

    ``progress(done, total, stage)`` is called now and then: stage "checking" (total 0),
    "importing" after each batch, and "undoing" while a failed import is removed again.

    Raises:
        PermissionDenied: the actor is not a manager (or no longer is); nothing was imported.
        ValidationError: a problem with the file or mapping, or bad rows (the first ones
            listed with their lines) when not skipping them, or an account code another desk
            took meanwhile; nothing was imported.
        ImportStopped: another desk found the import stopped and undid it.
    """
    with read_snapshot():
        # Early, so a refused user does not wait for a long check; again with every batch.
        require(actor, MANAGERS, "import customers")
    undo_stopped_imports()
    checked = _check(csv_file, mapping, progress=progress)
    if checked.problems or (checked.bad and not skip_bad_rows):
        raise _refusal(checked)
    if not checked.clean:
        raise ImportRefused(
            f"None of the {checked.total:,} rows can be imported ({checked.bad[0]}).",
            checked.bad, total_rows=checked.total)
    rows = checked.clean
    total = len(rows)
    file_codes = [c.account_code for c in rows if c.account_code]
    taken = set(file_codes)
    import_id = _start_import(actor, csv_file.name)
    numbers = _Numbers()
    done = _Progress()
    statistics = _Statistics.of_office()
    batch_rows = FIRST_BATCH_ROWS
    try:
        while done.written < total:
            batch = rows[done.written:done.written + batch_rows]
            started = time.monotonic()
            done = _write_one_batch(import_id, actor, csv_file.name, batch, file_codes, taken,
                                    numbers, done)
            batch_rows = _next_batch_rows(len(batch), time.monotonic() - started)
            statistics.written(done.written)
            if progress is not None:
                progress(done.written, total, "importing")
            _pause()
        _finish_import(actor, import_id, {
            "file": csv_file.name, "import": import_id, "rows": checked.total,
            "imported": total, "contacts": done.contacts, "skipped": len(checked.bad),
            "first_account_code": done.first_code, "last_account_code": done.last_code})
    except BaseException as exc:
        replacement = _stopped(import_id, exc, progress)
        if replacement is not None:
            raise replacement from exc
        raise
    return ImportResult(imported=total, contacts=done.contacts, skipped=len(checked.bad),
                        bad_rows=tuple(checked.bad), first_account_code=done.first_code,
                        last_account_code=done.last_code)


@retried
def _start_import(actor: Actor, file_name: str) -> int:
    """Record a new import, in the state "importing", by this desk; returns its id."""
    host, pid = _this_desk()
    with transaction():
        require(actor, MANAGERS, "import customers")
        return int(t.CustomerImport.insert(
            file_name=file_name[:255], state=IMPORTING, started_by=actor.id,
            started_at=utcnow(), heartbeat_at=_database_now(), host=host, pid=pid).execute())


@retried
def _finish_import(actor: Actor, import_id: int, counts: dict[str, Any]) -> None:
    """Mark an import done and audit what it wrote."""
    with transaction():
        require(actor, MANAGERS, "import customers")
        if not _beat(import_id, IMPORTING, state=DONE, finished_at=utcnow()):
            raise _taken_over()
        audit(actor, "customer.import", "customer", "", None, counts)


@retried
def _claim_undo(import_id: int, seen_state: str, seen_host: str, seen_pid: int) -> bool:
    """Take an import over for undoing, only as it was seen (so two desks looking at once
    undo it once); whether this desk has it now."""
    host, pid = _this_desk()
    CI = t.CustomerImport  # noqa: N806
    with transaction():
        return bool(CI.update(state=UNDOING, host=host, pid=pid, heartbeat_at=_database_now())
                    .where((CI.id == import_id) & (CI.state == seen_state)
                           & (CI.host == seen_host) & (CI.pid == seen_pid)).execute())


def _stopped(import_id: int, exc: BaseException,
             progress: ProgressCallback | None) -> DomainError | None:
    """Undo an import that failed part-way; the error to raise instead of ``exc`` (None: raise
    ``exc`` itself, its message saying what became of what was written)."""
    if isinstance(exc, ImportStopped):
        return None  # another desk is undoing it
    outcome: UndoneImport | None = None
    claimed = True
    host, pid = _this_desk()
    try:
        claimed = _claim_undo(import_id, IMPORTING, host, pid)
        if claimed:
            detail = " ".join(str(exc).split())[:200]
            why = detail if isinstance(exc, DomainError | _Clash) else (
                f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__)
            outcome = _undo(import_id, why, progress)
    except Exception:
        # The database failed again: the next desk to start, or the next command, undoes it.
        log.warning("The failed import %s could not be undone now", import_id, exc_info=True)
    what = (_what_became_of_it(outcome) if claimed or outcome is not None else
            "another desk is removing the customers it had added, so nothing is imported.")
    log.warning("Import %s stopped (%s): %s", import_id, exc, what)
    if isinstance(exc, _Clash):
        return ValidationError(
            f"line {exc.line}: the account code “{exc.code}” was given to another customer "
            f"while the file was being imported, so the import stopped there; {what} Import "
            "the file again to see that row listed.", "rows")
    if isinstance(exc, DomainError):
        exc.message = f"{exc.message} The import stopped there; {what}"
        exc.args = (exc.message,)
    return None


def _what_became_of_it(outcome: UndoneImport | None) -> str:
    """The customers a stopped import had written, as its refusal tells it."""
    if outcome is None:
        return ("the customers it had added are removed again the next time Synergy Desk "
                "starts or a command runs, so nothing is imported.")
    if not outcome.kept:
        return (f"the {outcome.removed:,} customer{'s' if outcome.removed != 1 else ''} it had "
                f"added {'were' if outcome.removed != 1 else 'was'} removed again, so nothing "
                "was imported.")
    shown = ", ".join(outcome.kept[:SHOWN_IN_MESSAGE])
    more = f" and {len(outcome.kept) - SHOWN_IN_MESSAGE:,} more" \
        if len(outcome.kept) > SHOWN_IN_MESSAGE else ""
    return (f"the {outcome.removed:,} customers it had added were removed again, except "
            f"{len(outcome.kept):,} that desks had already used ({shown}{more}), which were "
            "kept.")


def _used_customers(ids: list[int]) -> set[int]:
    """Which of these customers a desk has used: changed them, or recorded anything for them
    (an incident, a payment, a call-back ... any row that points at a customer)."""
    used = {int(i) for (i,) in tuples(t.Customer.select(t.Customer.id)
                                      .where(t.Customer.id.in_(ids) & (t.Customer.version != 1)))}
    for fk, model in t.Customer._meta.backrefs.items():
        if model is t.Contact:
            continue  # a desk's change to a contact moves the customer's version on
        used.update(int(i) for (i,) in tuples(model.select(fk).where(fk.in_(ids)).distinct()))
    return used


def _undo(import_id: int, why: str, progress: ProgressCallback | None) -> UndoneImport | None:
    """Remove the customers an import wrote (this desk has claimed it: state "undoing"), a
    batch at a time; returns what was done, or None when another desk took the undo over.

    A customer a desk has used meanwhile is kept (and named); the numbers the import took are
    given back when no other desk took one since and nothing was kept.
    """
    job = t.CustomerImport.get_by_id(import_id)
    kept: list[str] = []
    removed = 0
    last_id = 0
    while True:
        batch = _undo_batch(import_id, last_id)
        if batch is None:
            return None
        last_id, gone, batch_kept = batch
        if not last_id:
            break
        kept += batch_kept
        removed += gone
        if progress is not None:
            progress(removed, max(int(job.written), removed), "undoing")
        _pause()
    if not _finish_undo(job, why, kept):
        return None
    return UndoneImport(str(job.file_name), job.started_at, int(job.written) - len(kept),
                        tuple(kept))


@retried
def _undo_batch(import_id: int, after_id: int) -> tuple[int, int, list[str]] | None:
    """Remove the next batch of an import's customers past ``after_id``, keeping those a desk
    has used: (the last id looked at, 0 when none was left; how many were removed; the
    account codes kept), or None when another desk took the undo over."""
    C = t.Customer  # noqa: N806
    with transaction():
        if not _beat(import_id, UNDOING):
            return None
        ids = [int(i) for (i,) in tuples(for_update(
            C.select(C.id).where((C.customer_import == import_id) & (C.id > after_id))
            .order_by(C.id).limit(UNDO_BATCH_ROWS)))]
        if not ids:
            return 0, 0, []
        used = _used_customers(ids)
        gone = [i for i in ids if i not in used]
        kept = [str(c) for (c,) in tuples(C.select(C.account_code)
                                          .where(C.id.in_(sorted(used))).order_by(C.id))
                ] if used else []
        if gone:
            t.Contact.delete().where(t.Contact.customer.in_(gone)).execute()
            params = ", ".join("?" if _is_sqlite() else "%s" for _ in gone)
            db.execute_sql(f"DELETE FROM customer_search WHERE rowid IN ({params})", gone)
            C.delete().where(C.id.in_(gone)).execute()
        return ids[-1], len(gone), kept


@retried
def _finish_undo(job: t.CustomerImport, why: str, kept: list[str]) -> bool:
    """Mark an undone import so, give its numbers back when nobody took one since and nothing
    was kept, and audit it; False when another desk took the undo over."""
    import_id = int(job.id)
    with transaction():
        if not _beat(import_id, UNDOING, state=UNDONE, finished_at=utcnow()):
            return False
        before, after = job.sequence_before, job.sequence_after
        if before is not None and after is not None and not kept:
            # Nobody took a number since: the import's numbers are given back, as a
            # transaction that rolls back gives its number back.
            (t.Sequence.update(last_value=before)
             .where((t.Sequence.name == "customer") & (t.Sequence.last_value == after))
             .execute())
        audit(None, "customer.import_undone", "customer", "", None, {
            "file": job.file_name, "import": import_id, "written": int(job.written),
            "removed": int(job.written) - len(kept), "kept": kept, "why": why})
    return True


def _has_stopped(host: str, pid: int, heartbeat: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether the desk doing an import has stopped: it has not moved the import on for
    :data:`STALLED_AFTER`, or it ran on this machine and its process is gone."""
    if heartbeat is None or now - heartbeat > STALLED_AFTER:
        return True
    this_host, this_pid = _this_desk()
    return host == this_host and pid != this_pid and not _process_alive(pid)


def undo_stopped_imports(progress: ProgressCallback | None = None) -> list[UndoneImport]:
    """Undo every import whose desk stopped before finishing it (or before finishing undoing
    it): a process killed or a machine switched off half-way through a long file.

    Cheap when there is none (one query on a small table): run it when a desk starts and
    before each command. An import still running at another desk is left alone. Returns the
    imports undone here, oldest first.
    """
    CI = t.CustomerImport  # noqa: N806
    found = tuples(CI.select(CI.id, CI.state, CI.host, CI.pid, CI.heartbeat_at)
                   .where(CI.state.in_([IMPORTING, UNDOING])).order_by(CI.id))
    if not found:
        return []
    now = _database_now()
    out = []
    for import_id, state, old_host, old_pid, heartbeat in found:
        if not _has_stopped(str(old_host), int(old_pid), heartbeat, now):
            continue
        if not _claim_undo(int(import_id), str(state), str(old_host), int(old_pid)):
            continue
        log.warning("Undoing import %s: its desk (%s, process %s) stopped before it finished",
                    import_id, old_host, old_pid)
        outcome = _undo(int(import_id), "its desk stopped before it finished", progress)
        if outcome is not None:
            out.append(outcome)
    return out
