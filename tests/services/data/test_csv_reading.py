"""Reading a CSV file before an import: mixed encodings, UTF-16, a quote left open, a file of
one column."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.data import csv_import


def _names(csv_file: csv_import.CsvFile) -> list[str]:
    return [row.cells[csv_file.headers.index("Name")] for row in csv_file.rows()]


def test_a_utf8_file_with_accents_is_read_as_utf8() -> None:
    csv_file = csv_import.read_csv("Name,Town\r\nZoë Brontë,Haworth\r\n".encode())
    assert csv_file.encoding == "utf-8"
    assert _names(csv_file) == ["Zoë Brontë"]


def test_a_file_mixing_utf8_and_windows_1252_is_refused_naming_the_first_line_not_utf8(
        ) -> None:
    data = ("Name,Town\r\nZoë Brontë,Haworth\r\nAnn Smith,Leeds\r\n".encode()
            + "Renée Café,Paris\r\n".encode("cp1252") + "Åsa,Oslo\r\n".encode())
    with pytest.raises(ValidationError) as caught:
        csv_import.read_csv(data)
    message = str(caught.value)
    assert "line 4 is not UTF-8" in message and "line 2 is" in message
    assert "nothing was imported" in message
    # Told its encoding, it is read as told.
    assert csv_import.read_csv(data, encoding="cp1252").encoding == "cp1252"


def test_a_whole_windows_1252_file_is_still_read_as_windows_1252() -> None:
    csv_file = csv_import.read_csv("Name\r\nZoë Brontë\r\n£5 Ltd\r\n".encode("cp1252"))
    assert csv_file.encoding == "cp1252"
    assert _names(csv_file) == ["Zoë Brontë", "£5 Ltd"]


@pytest.mark.parametrize("bom_codec", [(codecs.BOM_UTF16_LE, "utf-16-le"),
                                       (codecs.BOM_UTF16_BE, "utf-16-be"),
                                       (codecs.BOM_UTF32_LE, "utf-32-le"),
                                       (codecs.BOM_UTF32_BE, "utf-32-be")])
def test_a_utf16_file_is_told_by_its_byte_order_mark(bom_codec: tuple[bytes, str]) -> None:
    bom, codec = bom_codec
    data = bom + "Name\tTown\r\nZoë Brontë\tHaworth\r\nAnn\tLeeds\r\n".encode(codec)
    csv_file = csv_import.read_csv(data)
    assert csv_file.encoding == codec
    assert csv_file.delimiter == "\t"
    assert csv_file.headers == ("Name", "Town")
    assert _names(csv_file) == ["Zoë Brontë", "Ann"]


def test_a_quote_left_open_over_the_reader_limit_names_its_line() -> None:
    lines = ["Name,Notes", "Ann,fine", 'Bob,"never closed', *[f"C{n},x" * 4 for n in
                                                             range(20_000)]]
    data = ("\r\n".join(lines) + "\r\n").encode()
    assert len(data) > 128 * 1024
    csv_file = csv_import.read_csv(data)
    with pytest.raises(ValidationError, match=r"quote \(\"\) on line 3 that is never closed"):
        list(csv_file.rows())


def test_a_quote_left_open_near_the_end_names_its_line_too() -> None:
    data = b'Name,Notes\r\nAnn,"two\r\nlines"\r\nBob,"open\r\nCid,x\r\n'
    with pytest.raises(ValidationError, match="on line 4 that is never closed"):
        list(csv_import.read_csv(data).rows())
    # Quotes that close, over several lines, are cells.
    closed = csv_import.read_csv(b'Name,Notes\r\nAnn,"two\r\nlines"\r\nBob,x\r\n')
    assert [row.line for row in closed.rows()] == [2, 4]


def test_many_cells_over_several_lines_are_read_in_one_pass() -> None:
    import time

    rows = "".join(f'C{n},"line one\r\nline two"\r\n' for n in range(60_000))
    csv_file = csv_import.read_csv(("Name,Notes\r\n" + rows).encode())
    began = time.monotonic()
    lines = [row.line for row in csv_file.rows()]
    assert time.monotonic() - began < 5
    assert lines[:2] == [2, 4] and len(lines) == 60_000


def test_a_quote_left_open_in_the_heading_row_names_line_1() -> None:
    data = ('Name,"Notes\r\n' + "Ann,x\r\n" * 30_000).encode()
    with pytest.raises(ValidationError, match="on line 1 that is never closed"):
        csv_import.read_csv(data)


def test_a_file_of_names_in_one_column_imports(manager: Actor, tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_bytes("Name\r\nAnn Smith\r\nZoë Brontë\r\n".encode())
    for delimiter in (None, ","):
        csv_file = csv_import.read_csv(path, delimiter=delimiter)
        preview = csv_import.preview_import(csv_file, {"name": "Name"})
        assert not preview.problems and preview.can_import
    result = csv_import.import_customers(manager, csv_file, {"name": "Name"})
    assert result.imported == 2
    assert sorted(c.name for c in t.Customer.select()) == ["Ann Smith", "Zoë Brontë"]


def test_a_mixed_file_imports_nothing(manager: Actor, tmp_path: Path) -> None:
    data = "Name\r\nZoë\r\n".encode() + "Brontë\r\n".encode("cp1252")
    with pytest.raises(ValidationError):
        csv_import.read_csv(data)
    assert t.Customer.select().count() == 0
