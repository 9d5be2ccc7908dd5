"""Importing customers and their contacts from a CSV file, as an accounts package exports it.

Reading a file (:func:`read_csv`) finds its encoding and delimiter; :func:`guess_mapping`
matches its headings to the customer's fields; :func:`preview_import` shows the first rows as
they would be imported and every bad row of the whole file; :func:`import_customers` writes
them all in one transaction, or nothing when a row is bad (unless told to skip bad rows).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import peewee

from synergy_desk.domain.cards import contains_card_number
from synergy_desk.domain.csv_cells import restore_cell
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.numbers import account_code
from synergy_desk.domain.phones import display_phone
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services import search_index
from synergy_desk.services.common import (
    MANAGERS,
    Actor,
    audit,
    canonical_json,
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
    "SHOWN_IN_MESSAGE"
]

#: The largest file one import takes; a bigger one is refused before it is read.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Delimiters looked for when none is given: comma, semicolon, tab and bar.
DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar (|)"}
#: Rows written per INSERT statement.
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
        for record in reader:
            start = previous_end + 1
            previous_end = reader.line_num
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
    if b"\x00" in data[:_SAMPLE_BYTES]:
        raise ValidationError(
            f"“{name}” does not look like a CSV file (it holds binary data). Export the list "
            "from your accounts package as CSV and choose that file.", "path")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # What UK accounts packages write when they do not write UTF-8.
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise ValidationError(
            f"“{name}” is neither UTF-8 nor Windows-1252 text; choose its encoding.",
            "encoding") from None


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

    The encoding is UTF-8 (with or without a byte-order mark), else Windows-1252, unless
    given; the delimiter is found among comma, semicolon, tab and bar, unless given.

    Raises:
        ValidationError: the file is missing, larger than :data:`MAX_FILE_BYTES` (refused
            before it is read), not text in the encoding, or has no heading row.
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
        header = None
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
    if len(csv_file.headers) == 1:
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


def _codes_in_use(codes: Sequence[str]) -> set[str]:
    used: set[str] = set()
    for start in range(0, len(codes), BATCH_SIZE):
        chunk = list(codes[start:start + BATCH_SIZE])
        used.update(str(c) for (c,) in tuples(t.Customer.select(t.Customer.account_code)
                                              .where(t.Customer.account_code.in_(chunk))))
    return used


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
    # Account codes the office already has.
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

def _is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


def _take_numbers(count: int) -> range:
    """Take ``count`` numbers of the customers' sequence at once (inside the transaction)."""
    last = next_number("customer", count)
    return range(last - count + 1, last + 1)


def _generated_codes(count: int, taken: set[str]) -> list[str]:
    """New account codes as the customers service makes them, skipping any already used."""
    out: list[str] = []
    while len(out) < count:
        candidates = [account_code(n) for n in _take_numbers(count - len(out))]
        clash = _codes_in_use(candidates) | (taken & set(candidates))
        out.extend(c for c in candidates if c not in clash)
    return out


_NUMBERED_CODE = re.compile(r"^C(\d{6,9})$")


def _advance_sequence_past(codes: Sequence[str]) -> None:
    """Keep later customers' generated codes clear of numbered codes taken from the file."""
    highest = max((int(m.group(1)) for c in codes if (m := _NUMBERED_CODE.match(c))),
                  default=0)
    if highest:
        (t.Sequence.update(last_value=highest)
         .where((t.Sequence.name == "customer") & (t.Sequence.last_value < highest)).execute())


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


def _write_batch(batch: list[tuple[str, _Clean]], actor: Actor, file_name: str) -> int:
    now = utcnow()
    t.Customer.insert_many([
        {"account_code": code, "created_at": now, "updated_at": now, **clean.customer}
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
    # account code; written in bulk with the rest of the batch.
    t.AuditLog.insert_many([
        {"at": now, "user": actor.id, "action": "customer.create", "entity": "customer",
         "entity_id": str(ids[code]), "before": "",
         "after": canonical_json({"account_code": code, **clean.customer,
                                  "contacts": [clean.contact] if clean.contact else [],
                                  "imported_from": file_name})}
        for code, clean in batch]).execute()
    return len(contacts)


@retried
def import_customers(actor: Actor, csv_file: CsvFile, mapping: Mapping[str, str], *,
                     skip_bad_rows: bool = False,
                     progress: ProgressCallback | None = None) -> ImportResult:
    """Add every customer of the file (with its contact), in one transaction.

    Every row is checked first. With any bad row, and ``skip_bad_rows`` not set, nothing is
    written. Account codes in the file are kept; rows without one get the next codes, as
    customers added by hand do. One audit row, ``customer.import``, records the counts.

    ``progress(done, total, stage)`` is called now and then (total is 0 while checking).

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: a problem with the file or mapping, or bad rows (the first ones
            listed with their lines) when not skipping them; nothing was imported.
    """
    with read_snapshot():
        # Early, so a refused user does not wait for a long check; again when writing.
        require(actor, MANAGERS, "import customers")
    checked = _check(csv_file, mapping, progress=progress)
    if checked.problems or (checked.bad and not skip_bad_rows):
        raise _refusal(checked)
    if not checked.clean:
        raise ImportRefused(
            f"None of the {checked.total:,} rows can be imported ({checked.bad[0]}).",
            checked.bad, total_rows=checked.total)
    total = len(checked.clean)
    with transaction():
        require(actor, MANAGERS, "import customers")
        # Another desk may have added a customer with one of these codes since the check.
        kept_codes = [c.account_code for c in checked.clean if c.account_code]
        clash = _codes_in_use(kept_codes)
        if clash:
            first = next(c for c in checked.clean if c.account_code in clash)
            raise ValidationError(
                f"line {first.line}: the account code “{first.account_code}” was given to "
                "another customer a moment ago; nothing was imported. Try again.", "rows")
        _advance_sequence_past(kept_codes)
        new_codes = iter(_generated_codes(sum(1 for c in checked.clean if not c.account_code),
                                          set(kept_codes)))
        coded = [(c.account_code or next(new_codes), c) for c in checked.clean]
        contacts = 0
        for start in range(0, total, BATCH_SIZE):
            contacts += _write_batch(coded[start:start + BATCH_SIZE], actor, csv_file.name)
            if progress is not None:
                progress(min(total, start + BATCH_SIZE), total, "importing")
        audit(actor, "customer.import", "customer", "", None, {
            "file": csv_file.name, "rows": checked.total, "imported": total,
            "contacts": contacts, "skipped": len(checked.bad),
            "first_account_code": coded[0][0], "last_account_code": coded[-1][0]})
    return ImportResult(imported=total, contacts=contacts, skipped=len(checked.bad),
                        bad_rows=tuple(checked.bad), first_account_code=coded[0][0],
                        last_account_code=coded[-1][0])

