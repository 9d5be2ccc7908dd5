"""The bank's statement: read (CSV from the UK banks' exports, or OFX), matched to open payment
requests, and the confirmed matches recorded once.

:func:`open_statement` reads a file: OFX (and QFX, OFX 1 SGML or OFX 2 XML) through
``ofxtools``, or CSV as the banks export it (read like the customer import: encoding and
delimiter found, the headings matched to the statement's fields and overridable; a file with no
heading row, as HSBC's, is read by what its cells hold). Every line becomes a
:class:`StatementLine` with a key that names it: the bank's FITID for OFX; for CSV a hash of its
date, amount, text, the bank's own id when the file has one, and which of identical lines it
is, so the same export read again, or an overlapping later one, gives the same keys.

:func:`match_lines` is the rule, with no storage: a payment reference in the line's text with a
correct check character names its request; a wrong check character is never matched; a
reference without one matches only the amount still to come; with no reference, exactly one
open request for the amount whose customer is named in the line. :func:`preview_statement`
applies it to the office's requests; :func:`record_matches` records each confirmed line as a
transfer with the line's key, so a line is never recorded twice, by this desk or another.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from peewee import fn

from synergy_desk.domain.bank import find_reference
from synergy_desk.domain.cards import mask_card_numbers
from synergy_desk.domain.errors import DomainError, PermissionDenied, ValidationError
from synergy_desk.domain.money import MAX_PENCE, format_pence
from synergy_desk.domain.numbers import payment_request_text, receipt_text
from synergy_desk.domain.zones import day_text
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor, read_snapshot, tuples
from synergy_desk.services.data.csv_import import MAX_FILE_BYTES, CsvFile, read_csv
from synergy_desk.services.money import payment_requests
from synergy_desk.services.money.payments import receipt_customer_name
from synergy_desk.services.people.customers import without_control_characters

__all__ = [
    "STATEMENT_FIELDS", "STATEMENT_FIELD_LABELS", "FULL", "PART", "OVER", "StatementLine",
    "StatementFile", "RequestFacts", "ProposedLine", "StatementPreview", "RecordedLine",
    "RefusedLine", "RecordResult", "open_statement", "statement_lines", "read_statement",
    "guess_columns", "match_lines", "preview_statement", "record_matches", "parse_statement_date",
    "parse_statement_amount", "normalised_name",
]

#: The fields a statement's column can be mapped to. The description may take several
#: columns (Starling's "Counter Party" and "Reference"), joined; a signed amount, or a debit
#: (paid out) and a credit (paid in) column; the bank's own id of the line is optional.
STATEMENT_FIELDS = ("date", "description", "amount", "debit", "credit", "reference")
STATEMENT_FIELD_LABELS: dict[str, str] = {
    "date": "Date", "description": "Description", "amount": "Amount (money in positive)",
    "debit": "Paid out", "credit": "Paid in", "reference": "Bank's transaction id",
}
FULL = "full"
PART = "part"
OVER = "over"

_OFX_START = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*(?:OFXHEADER|<\?xml|<OFX>)", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DMY = re.compile(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
_D_MON_Y = re.compile(r"(\d{1,2})[\s\-/]*([A-Za-z]{3,9})[\s\-/,]*(\d{2}|\d{4})")
_AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?|\.\d{1,2}")
_NAME_NOISE = re.compile(r"\b(?:ltd|limited|plc|llp|llc|inc|the|co)\b")


# --- the lines ------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatementLine:
    """One line of the bank's statement; money in is positive."""

    line: int  # the file's line (CSV) or the transaction's position (OFX), from 1
    date: dt.date
    amount_pence: int
    description: str
    bank_reference: str  # the bank's own id of the line (FITID, a transaction id), or ""
    key: str  # names the line for good: the same line read again has the same key


@dataclass(frozen=True)
class StatementFile:
    """A statement file read: its lines (OFX), or its columns and how they map (CSV)."""

    name: str
    kind: str  # "CSV" or "OFX"
    headers: tuple[str, ...] = ()
    has_headings: bool = True
    #: field -> the headings it is read from (description may have several)
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: whether the columns were found without doubt (else the window asks)
    sure: bool = True
    sample: tuple[tuple[str, ...], ...] = ()  # the first rows' cells, to show when mapping
    csv_file: CsvFile | None = field(default=None, repr=False)
    ofx_lines: tuple[StatementLine, ...] = ()
    first_line: int = 0  # the file's line of the first statement line (CSV)


def _read_source(source: str | os.PathLike[str] | bytes) -> tuple[str, bytes]:
    if isinstance(source, bytes | bytearray):
        return "the file", bytes(source)
    path = Path(source)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValidationError(f"“{path.name}” is larger than "
                                  f"{MAX_FILE_BYTES // (1024 * 1024)} MB: it is no bank "
                                  "statement.", "path")
        with path.open("rb") as handle:
            return path.name, handle.read(64 * 1024)
    except FileNotFoundError:
        raise ValidationError(f"There is no file {path}.", "path") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a folder, not a bank statement.", "path") from None
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read ({exc.strerror or exc}).",
                              "path") from None


def open_statement(source: str | os.PathLike[str] | bytes, *, encoding: str | None = None,
                   delimiter: str | None = None) -> StatementFile:
    """Read a bank statement file, OFX or CSV (told by what it holds, not its name).

    Raises:
        ValidationError: a missing or unreadable file, one that is no statement, an OFX file
            that cannot be read, a CSV file whose columns cannot be told.
    """
    name, head = _read_source(source)
    if _OFX_START.match(head):
        data = bytes(source) if isinstance(source, bytes | bytearray) \
            else Path(source).read_bytes()
        return StatementFile(name=name, kind="OFX", ofx_lines=_ofx_lines(name, data))
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError(f"“{name}” is not a bank statement (it holds binary data). Export "
                              "the statement from your bank as CSV or OFX and choose that "
                              "file.", "path")
    csv_file = read_csv(source, encoding=encoding, delimiter=delimiter)
    records = list(_records(csv_file))
    if not records:
        raise ValidationError(f"“{name}” is empty: it holds no statement lines.", "path")
    heading = _heading_row(records)
    if heading is None and _looks_like_data(records[0][1]):
        has_headings = False
        width = max(len(cells) for _, cells in records)
        headers: tuple[str, ...] = tuple(f"Column {i + 1}" for i in range(width))
        body = records
        columns = _columns_from_cells(headers, [cells for _, cells in records[:50]])
    else:
        has_headings = True
        # Nationwide's export opens with the account's name and balance: the headings are
        # the first row that names a date and an amount.
        start = heading if heading is not None else 0
        headers = _unique(records[start][1])
        body = records[start + 1:]
        columns = guess_columns(headers)
    sample = tuple(tuple(cells) for _, cells in body[:5])
    statement = StatementFile(name=name, kind="CSV", headers=headers, has_headings=has_headings,
                              columns=columns, sure=False, sample=sample, csv_file=csv_file,
                              first_line=body[0][0] if body else records[-1][0] + 1)
    sure = _complete(columns)
    if sure:
        try:
            statement_lines(statement)
        except ValidationError:
            sure = False
    return StatementFile(name=name, kind="CSV", headers=headers, has_headings=has_headings,
                         columns=columns, sure=sure, sample=sample, csv_file=csv_file,
                         first_line=statement.first_line)


def _heading_row(records: Sequence[tuple[int, list[str]]]) -> int | None:
    for index, (_, cells) in enumerate(records[:15]):
        if _looks_like_data(cells):
            return None
        guessed = guess_columns(_unique(cells))
        if guessed.get("date") and (guessed.get("amount") or guessed.get("credit")):
            return index
    return None


def _unique(cells: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    out = []
    for index, cell in enumerate(cells):
        name = cell or f"Column {index + 1}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return tuple(out)


def _complete(columns: Mapping[str, tuple[str, ...]]) -> bool:
    return bool(columns.get("date") and columns.get("description")
                and (columns.get("amount") or (columns.get("debit") and columns.get("credit"))))


def _clean_cell(value: str) -> str:
    text = " ".join(without_control_characters(value).split())
    # NatWest and Lloyds put an apostrophe before text and sort codes so a spreadsheet keeps
    # them as text.
    return text[1:].strip() if text.startswith("'") else text


def _records(csv_file: CsvFile) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(csv_file.text, newline=""), delimiter=csv_file.delimiter,
                        strict=False)
    previous_end = 0
    while True:
        start = previous_end + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise ValidationError(f"“{csv_file.name}” has a quote (\") on line {start:,} that "
                                  "is never closed; it cannot be read as a statement.",
                                  "path") from None
        previous_end = reader.line_num
        cells = [_clean_cell(cell) for cell in record]
        if not any(cells):
            continue
        yield start, cells


def _looks_like_data(cells: Sequence[str]) -> bool:
    """A first row that is a statement line, not headings (HSBC exports none)."""
    has_date = any(_date_or_none(c) is not None for c in cells)
    has_amount = any(_amount_or_none(c) is not None for c in cells if _date_or_none(c) is None)
    return has_date and has_amount


def _key_of(heading: str) -> str:
    return re.sub(r"[^0-9a-z]", "", heading.lower().replace("(gbp)", "").replace("gbp", ""))


# The headings of the UK banks' exports, compared without spaces, punctuation, case or "(GBP)".
_HEADINGS: dict[str, tuple[str, ...]] = {
    "date": ("date", "transactiondate", "postingdate", "posteddate", "dateposted",
             "bookingdate", "completeddate", "valuedate"),
    "amount": ("amount", "value", "transactionamount", "paidinout", "moneyinout", "net"),
    "debit": ("debitamount", "debit", "paidout", "moneyout", "withdrawals", "withdrawal",
              "out"),
    "credit": ("creditamount", "credit", "paidin", "moneyin", "deposits", "deposit", "in"),
    "reference": ("transactionid", "fitid", "id", "bankreference", "transactionnumber",
                  "transactionref", "number"),
    "description": ("description", "transactiondescription", "memo", "details", "narrative",
                    "transactiondetails", "counterparty", "payee", "name", "reference",
                    "paymentreference", "notes"),
}


def guess_columns(headers: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Which headings hold which field, from the headings the UK banks use.

    Returns field -> headings (see :data:`STATEMENT_FIELDS`); the description takes every
    heading that reads like one, in the file's order ("Counter Party" and "Reference").
    """
    keys = [(_key_of(h), h) for h in headers]
    out: dict[str, tuple[str, ...]] = {}
    used: set[str] = set()
    for name in ("date", "amount", "debit", "credit", "reference"):
        for synonym in _HEADINGS[name]:
            found = next((h for k, h in keys if k == synonym and h not in used), None)
            if found is not None:
                out[name] = (found,)
                used.add(found)
                break
    described = tuple(h for k, h in keys if k in _HEADINGS["description"] and h not in used)
    if described:
        out["description"] = described
    if "amount" in out and ("debit" in out or "credit" in out):
        out.pop("debit", None)
        out.pop("credit", None)
    return out


def _columns_from_cells(headers: Sequence[str], rows: Sequence[Sequence[str]]
                        ) -> dict[str, tuple[str, ...]]:
    """A file with no headings: the date is the column of dates, the amount the last column
    of amounts, the description the columns of text."""
    def every(index: int, test: Callable[[str], object]) -> bool:
        cells = [r[index] for r in rows if index < len(r) and r[index]]
        return bool(cells) and all(test(c) is not None for c in cells)

    out: dict[str, tuple[str, ...]] = {}
    dates = [i for i in range(len(headers)) if every(i, _date_or_none)]
    if dates:
        out["date"] = (headers[dates[0]],)
    amounts = [i for i in range(len(headers))
               if i not in dates and every(i, _amount_or_none)]
    if amounts:
        # HSBC: date, description, amount (a balance, when there is one, comes after).
        out["amount"] = (headers[amounts[0]],)
    texts = tuple(headers[i] for i in range(len(headers))
                  if i not in dates and i not in amounts
                  and any(i < len(r) and r[i] for r in rows))
    if texts:
        out["description"] = texts
    return out


def parse_statement_date(text: str) -> dt.date:
    """A statement's date: "05/12/2026", "5/12/26", "2026-12-05", "05 Dec 2026", "05-Dec-26".

    Raises:
        ValueError: not a date.
    """
    value = text.strip()
    match = _DMY.fullmatch(value)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif (match := _YMD.fullmatch(value)) is not None:
        year, month, day = (int(g) for g in match.groups())
    elif (match := _D_MON_Y.fullmatch(value)) is not None:
        day, year = int(match.group(1)), int(match.group(3))
        month = _MONTHS.get(match.group(2)[:3].lower(), 0)
        if match.group(2).lower() not in _MONTH_NAMES:
            month = 0
    else:
        raise ValueError(value)
    if year < 100:
        year += 2000
    return dt.date(year, month, day)


_MONTH_NAMES = {name for m in _MONTHS for name in (m, dt.date(2000, _MONTHS[m], 1)
                                                    .strftime("%B").lower())} | {"sept"}


def _date_or_none(text: str) -> dt.date | None:
    try:
        return parse_statement_date(text)
    except ValueError:
        return None


def parse_statement_amount(text: str) -> int:
    """An amount as a statement prints it, in pence: "1,234.56", "-12.00", "£90.00", "-£5",
    "(12.00)", "12.00 CR", "12.00 DR".

    Raises:
        ValueError: not an amount.
    """
    value = text.strip().replace("£", "").replace("GBP", "").replace(" ", "")
    sign = 1
    upper = value.upper()
    if upper.endswith("CR"):
        value = value[:-2]
    elif upper.endswith("DR"):
        value, sign = value[:-2], -1
    if value.startswith("(") and value.endswith(")"):
        value, sign = value[1:-1], -sign
    if value.startswith("-"):
        value, sign = value[1:], -sign
    elif value.startswith("+"):
        value = value[1:]
    if value.startswith("£"):
        value = value[1:]
    if not _AMOUNT.fullmatch(value):
        raise ValueError(text)
    pence = int((Decimal(value.replace(",", "")) * 100).to_integral_value())
    if pence > MAX_PENCE:
        raise ValueError(text)
    return sign * pence


def _amount_or_none(text: str) -> int | None:
    try:
        return parse_statement_amount(text)
    except (ValueError, InvalidOperation):
        return None


def _cell(cells: Sequence[str], headers: Sequence[str], heading: str) -> str:
    index = headers.index(heading)
    return cells[index] if index < len(cells) else ""


def statement_lines(statement: StatementFile,
                    columns: Mapping[str, Sequence[str]] | None = None
                    ) -> tuple[StatementLine, ...]:
    """Every line of the statement (the file's columns as given, else as guessed).

    Lines that are no money moving (an opening balance, a blank amount) are left out.

    Raises:
        ValidationError: a field the statement needs has no column; a bad date or amount
            (naming its line).
    """
    if statement.kind == "OFX":
        return statement.ofx_lines
    chosen = {name: tuple(headings) for name, headings in
              (columns if columns is not None else statement.columns).items() if headings}
    name = statement.name
    for wanted, label in (("date", "date"), ("description", "description")):
        if not chosen.get(wanted):
            raise ValidationError(f"“{name}” has no {label} column: choose the column that "
                                  f"holds the {label}.", wanted)
    if not chosen.get("amount") and not (chosen.get("debit") or chosen.get("credit")):
        raise ValidationError(f"“{name}” has no amount column: choose the column of amounts, "
                              "or the paid-in and paid-out columns.", "amount")
    for headings in chosen.values():
        for heading in headings:
            if heading not in statement.headers:
                raise ValidationError(f"“{name}” has no column headed “{heading}”.", "columns")
    assert statement.csv_file is not None
    records = [r for r in _records(statement.csv_file) if r[0] >= statement.first_line]
    headers = statement.headers
    out: list[StatementLine] = []
    seen: dict[tuple[object, ...], int] = {}
    for line, cells in records:
        date_text = _cell(cells, headers, chosen["date"][0])
        if chosen.get("amount"):
            amount_text = _cell(cells, headers, chosen["amount"][0])
            if not amount_text:
                continue  # a balance line, not money moving
            amount = _amount_or_none(amount_text)
            if amount is None:
                raise ValidationError(f"“{name}” line {line:,}: “{amount_text}” is not an "
                                      "amount of money.", "amount")
        else:
            credit_text = _cell(cells, headers, chosen["credit"][0]) if chosen.get("credit") \
                else ""
            debit_text = _cell(cells, headers, chosen["debit"][0]) if chosen.get("debit") \
                else ""
            if not credit_text and not debit_text:
                continue
            credit = _amount_or_none(credit_text) if credit_text else 0
            debit = _amount_or_none(debit_text) if debit_text else 0
            if credit is None or debit is None:
                bad = credit_text if credit is None else debit_text
                raise ValidationError(f"“{name}” line {line:,}: “{bad}” is not an amount of "
                                      "money.", "amount")
            amount = abs(credit) - abs(debit)
        if not date_text:
            raise ValidationError(f"“{name}” line {line:,} has no date.", "date")
        date = _date_or_none(date_text)
        if date is None:
            raise ValidationError(f"“{name}” line {line:,}: “{date_text}” is not a date "
                                  "(such as 05/12/2026).", "date")
        description = mask_card_numbers(" ".join(
            part for part in (_cell(cells, headers, h) for h in chosen["description"]) if part))
        bank_id = _cell(cells, headers, chosen["reference"][0]) if chosen.get("reference") \
            else ""
        identity = (date.isoformat(), amount, description.upper(), bank_id)
        seen[identity] = seen.get(identity, 0) + 1
        out.append(StatementLine(line, date, amount, description, bank_id,
                                 _csv_key(identity, seen[identity])))
    return tuple(out)


def _csv_key(identity: tuple[object, ...], occurrence: int) -> str:
    text = "\x1f".join(str(part) for part in (*identity, occurrence))
    return "csv:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def _ofx_key(fitid: str) -> str:
    if len(fitid) <= 60:
        return f"ofx:{fitid}"
    return "ofx:" + hashlib.sha256(fitid.encode("utf-8")).hexdigest()[:60]


def _ofx_lines(name: str, data: bytes) -> tuple[StatementLine, ...]:
    from ofxtools.header import OFXHeaderError
    from ofxtools.Parser import OFXTree, ParseError

    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data))
    except (OFXHeaderError, ParseError, ET.ParseError, ValueError, UnicodeDecodeError) as exc:
        detail = " ".join(str(exc).split())[:120]
        raise ValidationError(f"“{name}” is not an OFX statement that can be read ({detail}).",
                              "path") from None
    root = tree.getroot()
    if root is None:
        raise ValidationError(f"“{name}” is an OFX file but holds no bank statement.", "path")
    out: list[StatementLine] = []
    for position, trn in enumerate(root.iter("STMTTRN"), start=1):
        def text(tag: str, element: ET.Element = trn) -> str:
            found = element.find(tag)
            return _clean_cell(found.text or "") if found is not None else ""

        posted, amount_text, fitid = text("DTPOSTED"), text("TRNAMT"), text("FITID")
        try:
            date = dt.date(int(posted[:4]), int(posted[4:6]), int(posted[6:8]))
        except ValueError:
            raise ValidationError(f"“{name}” transaction {position:,}: “{posted}” is not a "
                                  "date.", "date") from None
        amount = _amount_or_none(amount_text.replace(",", ".") if amount_text.count(",") == 1
                                 and "." not in amount_text else amount_text)
        if amount is None:
            raise ValidationError(f"“{name}” transaction {position:,}: “{amount_text}” is not "
                                  "an amount of money.", "amount")
        if not fitid:
            raise ValidationError(f"“{name}” transaction {position:,} has no FITID, the bank's "
                                  "id of the line; the file cannot be matched safely.", "path")
        description = mask_card_numbers(" ".join(part for part in (text("NAME"), text("MEMO"))
                                                 if part))
        out.append(StatementLine(position, date, amount, description, fitid, _ofx_key(fitid)))
    if not out and root.find(".//BANKTRANLIST") is None and root.find(".//STMTRS") is None \
            and root.find(".//CCSTMTRS") is None:
        raise ValidationError(f"“{name}” is an OFX file but holds no bank statement.", "path")
    return tuple(out)


def read_statement(source: str | os.PathLike[str] | bytes,
                   columns: Mapping[str, Sequence[str]] | None = None, *,
                   encoding: str | None = None, delimiter: str | None = None
                   ) -> tuple[StatementFile, tuple[StatementLine, ...]]:
    """:func:`open_statement` and :func:`statement_lines` in one: the file and its lines.

    Raises:
        ValidationError: as those do.
    """
    statement = open_statement(source, encoding=encoding, delimiter=delimiter)
    return statement, statement_lines(statement, columns)


# --- matching -------------------------------------------------------------------------------

def normalised_name(text: str) -> str:
    """A name as matching compares it: lower case, "&" as "and", no punctuation, and no "Ltd",
    "Limited", "plc" ("Acme Joinery Ltd." and "ACME JOINERY LIMITED" are "acme joinery")."""
    lowered = (text or "").lower().replace("&", " and ")
    words = re.sub(r"[^0-9a-z]+", " ", lowered)
    return " ".join(_NAME_NOISE.sub(" ", words).split())


@dataclass(frozen=True)
class RequestFacts:
    """What matching knows of one payment request."""

    request_id: int
    sequence_number: int
    number: str  # "PR-000003"
    state: str  # open, paid or cancelled
    outstanding_pence: int
    gross_pence: int
    customer_name: str  # as shown
    names: tuple[str, ...]  # the customer's name and company, normalised
    receipt_number: str = ""
    cancel_reason: str = ""
    #: Money recorded by hand for it (the day and the amount): a statement line that is the
    #: same money is not recorded again.
    by_hand: tuple[tuple[dt.date, int], ...] = ()


@dataclass(frozen=True)
class ProposedLine:
    """A statement line with the request it pays, or why it pays none."""

    line: StatementLine
    request_id: int | None = None
    number: str = ""  # "PR-000003"
    customer_name: str = ""
    how: str = ""  # "by reference" or "by amount and name"
    effect: str = ""  # FULL, PART or OVER
    effect_text: str = ""  # "Pays in full", "Pays £45.00 of £90.00; £45.00 still to come"
    over_pence: int = 0
    reason: str = ""  # why it is not matched

    @property
    def matched(self) -> bool:
        return self.request_id is not None


@dataclass(frozen=True)
class StatementPreview:
    """A statement's lines, each with its proposed request or the reason it has none."""

    name: str
    kind: str  # "CSV" or "OFX"
    lines: tuple[ProposedLine, ...]

    @property
    def matched(self) -> tuple[ProposedLine, ...]:
        return tuple(p for p in self.lines if p.matched)

    @property
    def unmatched(self) -> tuple[ProposedLine, ...]:
        return tuple(p for p in self.lines if not p.matched)


def _effect(amount: int, remaining: int, gross: int) -> tuple[str, str, int]:
    if amount == remaining:
        return FULL, "Pays in full", 0
    if amount < remaining:
        return (PART, f"Pays {format_pence(amount)} of {format_pence(gross)}; "
                      f"{format_pence(remaining - amount)} still to come", 0)
    return OVER, f"Pays in full, over by {format_pence(amount - remaining)}", amount - remaining


def match_lines(lines: Sequence[StatementLine], requests: Iterable[RequestFacts],
                recorded: Mapping[str, str]) -> tuple[ProposedLine, ...]:
    """Propose a request for each line, or give the reason there is none (no storage).

    Lines are taken in date order (then in the file's order, read upwards when the file puts
    its newest line first), each seeing what the lines before it
    were proposed to pay, and returned in the file's order.

    Args:
        lines: the statement's lines.
        requests: the open requests, and any other a line's reference names.
        recorded: keys of lines recorded already -> a sentence saying where ("on PR-000002
            on 5 Dec 2026").
    """
    by_number = {r.sequence_number: r for r in requests}
    remaining = {r.request_id: r.outstanding_pence for r in by_number.values()
                 if r.state == payment_requests.OPEN}
    paid_by: dict[int, StatementLine] = {}
    # Each transfer recorded by hand stands for one statement line at most.
    by_hand = {r.request_id: list(r.by_hand) for r in by_number.values() if r.by_hand}
    out: dict[int, ProposedLine] = {}
    # Lloyds lists the newest line first: a day's lines are then taken from the bottom up.
    step = 1 if not lines or lines[0].date <= lines[-1].date else -1
    order = sorted(range(len(lines)), key=lambda i: (lines[i].date, step * i))
    for index in order:
        line = lines[index]
        proposed = _match_one(line, by_number, remaining, paid_by, recorded)
        out[index] = _unless_by_hand(proposed, by_hand, remaining, paid_by)
    return tuple(out[i] for i in range(len(lines)))


def _unless_by_hand(proposed: ProposedLine, by_hand: dict[int, list[tuple[dt.date, int]]],
                    remaining: dict[int, int], paid_by: dict[int, StatementLine]
                    ) -> ProposedLine:
    """The proposal, unless its line is money a desk recorded by hand for the same request
    (the same amount, within a few days): then the line is not proposed again, and what the
    proposal took off the request is given back."""
    if proposed.request_id is None:
        return proposed
    line = proposed.line
    days = dt.timedelta(days=payment_requests.SAME_MONEY_DAYS)
    for entry in by_hand.get(proposed.request_id, []):
        day, amount = entry
        if amount == line.amount_pence and abs(day - line.date) <= days:
            by_hand[proposed.request_id].remove(entry)
            remaining[proposed.request_id] += line.amount_pence - proposed.over_pence
            if paid_by.get(proposed.request_id) is line:
                del paid_by[proposed.request_id]
            return ProposedLine(line, reason=f"Recorded by hand already on {proposed.number} "
                                             f"(arrived {day_text(day)})")
    return proposed


def _proposal(line: StatementLine, request: RequestFacts, how: str,
              remaining: dict[int, int], paid_by: dict[int, StatementLine]) -> ProposedLine:
    left = remaining[request.request_id]
    effect, text, over = _effect(line.amount_pence, left, request.gross_pence)
    remaining[request.request_id] = max(0, left - line.amount_pence)
    if remaining[request.request_id] == 0:
        paid_by[request.request_id] = line
    return ProposedLine(line, request.request_id, request.number, request.customer_name, how,
                        effect, text, over)


def _match_one(line: StatementLine, by_number: Mapping[int, RequestFacts],
               remaining: dict[int, int], paid_by: dict[int, StatementLine],
               recorded: Mapping[str, str]) -> ProposedLine:
    if line.key in recorded:
        return ProposedLine(line, reason=f"Recorded already {recorded[line.key]}")
    if line.amount_pence < 0:
        return ProposedLine(line, reason="Money out")
    if line.amount_pence == 0:
        return ProposedLine(line, reason="No money in")
    amount = format_pence(line.amount_pence)
    found = find_reference(line.description)
    other = found.checked_reading() if found is not None else None
    if found is not None and other is not None:
        # "PR389": PR-000389 without its check character, or PR38-9 without its dash.
        as_typed, as_checked = by_number.get(found.number), by_number.get(other.number)
        open_ = [r for r in (as_typed, as_checked)
                 if r is not None and r.state == payment_requests.OPEN]
        if len(open_) > 1:
            return ProposedLine(line, reason=f"{found.text} may be {open_[0].number} or "
                                             f"{open_[1].number}: find the request by hand")
        if as_checked is not None and (as_typed is None or as_typed not in open_):
            found = other
    request = by_number.get(found.number) if found is not None else None
    if found is not None and found.check:
        if not found.check_ok:
            return ProposedLine(line, reason=f"Reference {found.text} does not check: "
                                             "mistyped? (Find the request by hand.)")
        if request is None:
            return ProposedLine(line, reason=f"Reference {found.text} names no payment "
                                             "request")
    if found is not None and request is not None:
        if request.state == payment_requests.PAID:
            return ProposedLine(line, reason=f"{request.number} is paid already "
                                             f"({request.receipt_number})")
        if request.state == payment_requests.CANCELLED:
            return ProposedLine(line, reason=f"{request.number} was cancelled "
                                             f"({request.cancel_reason})")
        left = remaining.get(request.request_id, 0)
        if left == 0:
            earlier = paid_by.get(request.request_id)
            when = f" of {day_text(earlier.date)}" if earlier is not None else ""
            return ProposedLine(line, reason=f"{request.number} is paid in full by the line"
                                             f"{when} above")
        if found.check_ok:
            return _proposal(line, request, "by reference", remaining, paid_by)
        if line.amount_pence == left:
            return _proposal(line, request, "by reference without check character, and amount",
                             remaining, paid_by)
        return ProposedLine(line, reason=f"{found.text} lacks its check character: "
                                         f"{request.number} has {format_pence(left)} to come, "
                                         f"not {amount}")
    # No reference: one open request for exactly this amount, from a customer the line names.
    text = f" {normalised_name(line.description)} "
    same_amount = [r for r in by_number.values()
                   if r.state == payment_requests.OPEN
                   and remaining.get(r.request_id, 0) == line.amount_pence]
    named = [r for r in same_amount if any(n and f" {n} " in text for n in r.names)]
    if len(named) == 1:
        return _proposal(line, named[0], "by amount and name", remaining, paid_by)
    if len(named) > 1:
        who = sorted({r.customer_name for r in named})
        return ProposedLine(line, reason=f"{len(named)} open requests for {amount} from "
                                         f"{' and '.join(who)}")
    if same_amount:
        count = len(same_amount)
        return ProposedLine(line, reason=f"{count} open request{'s' if count > 1 else ''} "
                                         f"for {amount}, but not from anyone this line names")
    return ProposedLine(line, reason=f"No open request for {amount}")


def _request_facts(numbers: Iterable[int]) -> list[RequestFacts]:
    wanted = sorted(set(numbers))
    query = (t.PaymentRequest.select(
        t.PaymentRequest.id, t.PaymentRequest.number, t.PaymentRequest.state,
        t.PaymentRequest.gross_pence, t.PaymentRequest.cancel_reason,
        t.PaymentRequest.payment, t.Customer.name, t.Customer.company)
        .join(t.Customer, on=(t.PaymentRequest.customer == t.Customer.id)))
    condition = t.PaymentRequest.state == payment_requests.OPEN
    if wanted:
        condition = condition | t.PaymentRequest.number.in_(wanted)
    rows = tuples(query.where(condition))
    ids = [int(r[0]) for r in rows]
    received: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        received.update({int(rid): int(total or 0) for rid, total in tuples(
            t.BankTransfer.select(t.BankTransfer.request,
                                  fn.SUM(t.BankTransfer.amount_pence))
            .where(t.BankTransfer.request.in_(ids[start:start + 500]))
            .group_by(t.BankTransfer.request))})
    payment_ids = [int(r[5]) for r in rows if r[5]]
    receipts = {int(pid): receipt_text(n) for pid, n in tuples(
        t.Payment.select(t.Payment.id, t.Payment.receipt_number)
        .where(t.Payment.id.in_(payment_ids)))} if payment_ids else {}
    by_hand: dict[int, list[tuple[dt.date, int]]] = {}
    for start in range(0, len(ids), 500):
        for rid, day, amount in tuples(
                t.BankTransfer.select(t.BankTransfer.request, t.BankTransfer.received_on,
                                      t.BankTransfer.amount_pence)
                .where(t.BankTransfer.request.in_(ids[start:start + 500])
                       & t.BankTransfer.statement_key.is_null())
                .order_by(t.BankTransfer.received_on, t.BankTransfer.id)):
            by_hand.setdefault(int(rid), []).append((day, int(amount)))
    out = []
    for rid, number, state, gross, reason, payment, name, company in rows:
        got = received.get(int(rid), 0)
        out.append(RequestFacts(
            request_id=int(rid), sequence_number=int(number),
            number=payment_request_text(number), state=str(state),
            outstanding_pence=max(0, gross - got) if state == payment_requests.OPEN else 0,
            gross_pence=int(gross),
            customer_name=receipt_customer_name(str(name), str(company)),
            names=tuple(n for n in (normalised_name(name), normalised_name(company)) if n),
            receipt_number=receipts.get(int(payment or 0), ""), cancel_reason=str(reason),
            by_hand=tuple(by_hand.get(int(rid), ()))))
    return out


def _recorded(keys: Sequence[str]) -> dict[str, str]:
    wanted = sorted(set(keys))
    out: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        for key, number, received_on in tuples(
                t.BankTransfer.select(t.BankTransfer.statement_key, t.PaymentRequest.number,
                                      t.BankTransfer.received_on)
                .join(t.PaymentRequest, on=(t.BankTransfer.request == t.PaymentRequest.id))
                .where(t.BankTransfer.statement_key.in_(wanted[start:start + 500]))):
            out[str(key)] = f"on {payment_request_text(number)} ({day_text(received_on)})"
    return out


def preview_statement(source: str | os.PathLike[str] | bytes | StatementFile
                      | Sequence[StatementLine],
                      columns: Mapping[str, Sequence[str]] | None = None) -> StatementPreview:
    """The statement's lines matched to the office's payment requests, for one confirmation.

    Raises:
        ValidationError: the file cannot be read as a statement.
    """
    if isinstance(source, StatementFile):
        statement: StatementFile | None = source
        lines = statement_lines(source, columns)
    elif isinstance(source, str | bytes | bytearray | os.PathLike):
        statement, lines = read_statement(source, columns)
    else:
        statement, lines = None, tuple(source)
    with read_snapshot():
        numbers = []
        for found in (find_reference(ln.description) for ln in lines):
            if found is not None:
                other = found.checked_reading()
                numbers += [found.number] + ([other.number] if other is not None else [])
        facts = _request_facts(numbers)
        recorded = _recorded([ln.key for ln in lines])
    proposed = match_lines(lines, facts, recorded)
    return StatementPreview(statement.name if statement else "the statement",
                            statement.kind if statement else "", proposed)


# --- recording ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecordedLine:
    """A statement line recorded as a transfer."""

    line: StatementLine
    number: str  # "PR-000003"
    customer_name: str
    receipt_number: str | None  # the receipt issued when it paid the request in full
    over_pence: int
    queued: tuple[str, ...]  # the incidents funded and queued ("INC-000012")
    outstanding_pence: int  # what the request still waits for


@dataclass(frozen=True)
class RefusedLine:
    line: StatementLine
    number: str
    message: str


@dataclass(frozen=True)
class RecordResult:
    recorded: tuple[RecordedLine, ...]
    refused: tuple[RefusedLine, ...]

    @property
    def receipts(self) -> tuple[str, ...]:
        return tuple(r.receipt_number for r in self.recorded if r.receipt_number)

    @property
    def queued(self) -> tuple[str, ...]:
        return tuple(ref for r in self.recorded for ref in r.queued)


def record_matches(actor: Actor, preview: StatementPreview, chosen: Iterable[str]
                   ) -> RecordResult:
    """Record the confirmed lines (by key), in the preview's date order, each as a transfer
    to its request in a transaction of its own (with the line's key, so it is recorded once:
    a line another desk recorded meanwhile is reported, not recorded again).

    Raises:
        PermissionDenied: the actor may not record transfers (nothing is recorded).
    """
    keys = set(chosen)
    wanted = sorted((p for p in preview.lines if p.matched and p.line.key in keys),
                    key=lambda p: (p.line.date, p.line.line))
    recorded: list[RecordedLine] = []
    refused: list[RefusedLine] = []
    for proposal in wanted:
        line = proposal.line
        assert proposal.request_id is not None
        try:
            result = payment_requests.record_transfer(
                actor, proposal.request_id, received_on=line.date,
                amount_pence=line.amount_pence,
                # A card number a payer typed into their reference is kept as its last four.
                bank_reference=mask_card_numbers(line.description)[:140],
                statement_key=line.key)
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            refused.append(RefusedLine(line, proposal.number, exc.message))
            continue
        queued = tuple(ln.incident_reference for ln in result.request.lines
                       if ln.incident_reference) if result.receipt is not None else ()
        recorded.append(RecordedLine(
            line, proposal.number, proposal.customer_name,
            result.receipt.number if result.receipt is not None else None,
            result.over_pence, queued, result.request.outstanding_pence))
    return RecordResult(tuple(recorded), tuple(refused))
