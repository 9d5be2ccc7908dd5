"""``synergy-desk import customers`` and ``synergy-desk export``, run as real processes."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from synergy_desk.domain.enums import Role
from synergy_desk.models import tables as t
from synergy_desk.models.database import close_database, open_database, sqlite_url
from tests.cli.test_main import assert_one_line_error, run_cli

HEADER = "A/C,Name,Street1,Town,Post Code,Contact Name,Telephone,E-mail,Notes"


def rows(count: int) -> list[str]:
    return [f"AC{n:04d},Customer {n},{n} High St,Leeds,LS1 1AA,Person {n},0113 496 {n:04d},"
            f"c{n}@example.co.uk,Note {n}" for n in range(1, count + 1)]


@pytest.fixture
def office_url(tmp_path: Path) -> str:
    """An office database with a manager, an engineer and a receptionist."""
    url = sqlite_url(tmp_path / "office.sqlite3")
    open_database(url)
    try:
        for name, role in (("mary", Role.MANAGER), ("eddie", Role.ENGINEER),
                           ("rita", Role.RECEPTION)):
            t.User.create(username=name, full_name=name.title(), role=role, password_hash="x")
    finally:
        close_database()
    return url


def write(tmp_path: Path, lines: list[str], name: str = "customers.csv",
          encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def customer_count(url: str) -> int:
    open_database(url)
    try:
        return int(t.Customer.select().count())
    finally:
        close_database()


def test_import_then_export_customers(tmp_path: Path, office_url: str) -> None:
    lines = [HEADER, *rows(3)]
    lines[1] = lines[1].replace("Customer 1", "Café Zoë £")
    path = write(tmp_path, lines, encoding="cp1252")
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path))
    assert result.returncode == 0, result.stderr
    assert "Imported 3 customers (AC0001 to AC0003) with 3 contacts" in result.stdout
    assert customer_count(office_url) == 3
    out = tmp_path / "out.csv"
    result = run_cli(tmp_path, "--database", office_url, "export", "customers", "--out",
                     str(out), "--user", "mary")
    assert result.returncode == 0, result.stderr
    assert "Wrote 3 customers" in result.stdout
    exported = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert exported[1][:2] == ["AC0001", "Café Zoë £"]


def test_bad_phone_lists_the_line_and_imports_nothing(tmp_path: Path, office_url: str) -> None:
    lines = [HEADER, *rows(20)]
    lines[13] = lines[13].replace("0113 496 0013", "12ab")  # line 14 of the file
    path = write(tmp_path, lines)
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path))
    error = assert_one_line_error(result, 2)
    assert ("1 of the 20 rows of customers.csv cannot be imported (listed above); correct "
            "them, or give --skip-bad-rows to import the others. Nothing was imported."
            in error)
    bad = [line for line in result.stdout.splitlines() if line.startswith("line ")]
    assert bad == ["line 14: Telephone: “12ab” is not a phone number that can be dialled; "
                   "type it like 01632 960123, or +33 1 23 45 67 89 for a number abroad."]
    assert customer_count(office_url) == 0
    # --dry-run checks only; --skip-bad-rows imports the rest.
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path),
                     "--skip-bad-rows", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "19 would be imported, 1 skipped" in result.stdout
    assert customer_count(office_url) == 0
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path),
                     "--skip-bad-rows")
    assert result.returncode == 0, result.stderr
    assert "skipped line 14:" in result.stdout
    assert customer_count(office_url) == 19


def test_wrong_delimiter(tmp_path: Path, office_url: str) -> None:
    path = write(tmp_path, [line.replace(",", ";") for line in [HEADER, *rows(3)]])
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path),
                     "--delimiter", ",")
    error = assert_one_line_error(result, 2)
    assert "one column only" in error
    assert "Give it with --delimiter" in error
    assert customer_count(office_url) == 0
    # Found by itself, the semicolons work.
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path))
    assert result.returncode == 0, result.stderr
    assert "semicolon" in result.stdout


def test_missing_column_and_a_map_that_names_it(tmp_path: Path, office_url: str) -> None:
    path = write(tmp_path, ["Client Title,Telephone", "Acme Ltd,0113 496 0000"])
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path))
    assert ("No column holds the name, which is required: give it with --map name=HEADING."
            in assert_one_line_error(result, 2))
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path),
                     "--map", "name=Client Title")
    assert result.returncode == 0, result.stderr
    assert customer_count(office_url) == 1
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path),
                     "--map", "name=Nothing Like It")
    assert "no column headed “Nothing Like It”" in assert_one_line_error(result, 2)
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path),
                     "--map", "colour=Telephone")
    assert "--map “colour=Telephone” is not FIELD=HEADING" in assert_one_line_error(result, 2)


def test_a_50_mb_file_is_refused(tmp_path: Path, office_url: str) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as out:
        out.write((HEADER + "\r\n").encode())
        out.write(("\r\n".join(rows(1)) + "\r\n").encode() * 10)
        out.truncate(50 * 1024 * 1024)  # the rest is a sparse run of NULs: quick to make
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path))
    error = assert_one_line_error(result, 2)
    assert "“big.csv” is 50.0 MB; one import takes at most 20 MB. Split it" in error


def test_formulas_are_exported_neutralised(tmp_path: Path, office_url: str) -> None:
    path = write(tmp_path, ["Name,Notes", '"=HYPERLINK(""http://x"",""click"")",+44 1632',
                            "@SUM(A1),-1"])
    assert run_cli(tmp_path, "--database", office_url, "import", "customers",
                   str(path)).returncode == 0
    out = tmp_path / "out.csv"
    result = run_cli(tmp_path, "--database", office_url, "export", "customers", "--out",
                     str(out))
    assert result.returncode == 0, result.stderr
    exported = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    names = [(r[1], r[7]) for r in exported[1:]]
    assert names == [('\'=HYPERLINK("http://x","click")', "'+44 1632"), ("'@SUM(A1)", "'-1")]


@pytest.mark.parametrize(("start", "end", "everything"), [("2099-01-01", "2099-01-31", False),
                                                          ("01/01/2020", "today", True)])
def test_export_incidents_and_payments_with_a_period(tmp_path: Path, demo_office_file: Path,
                                                      start: str, end: str,
                                                      everything: bool) -> None:
    import csv
    import sqlite3

    url = sqlite_url(demo_office_file)
    conn = sqlite3.connect(demo_office_file)
    try:
        counts = {"incidents": conn.execute("SELECT COUNT(*) FROM incident").fetchone()[0],
                  "payments": conn.execute("SELECT COUNT(*) FROM payment").fetchone()[0]}
    finally:
        conn.close()
    assert all(counts.values())
    for what in ("incidents", "payments"):
        out = tmp_path / f"{what}.csv"
        result = run_cli(tmp_path, "--database", url, "export", what, "--out", str(out),
                         "--from", start, "--to", end)
        assert result.returncode == 0, result.stderr
        rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
        assert rows[0][0] == ("Reference" if what == "incidents" else "Receipt")
        # The period chooses the rows: none in a year with no work, all since 2020.
        receipts = {row[0] for row in rows[1:]}
        assert len(receipts) == (counts[what] if everything else 0), what


@pytest.mark.parametrize(("args", "message"), [
    (["export", "incidents", "--out", "x.csv", "--from", "next week"], "is not a date"),
    (["export", "incidents", "--out", "x.csv", "--to", "31/02/2027"],
     "--to: 31/02/2027 is not a date in the calendar"),
    (["export", "payments", "--out", "x.csv", "--from", "02/02/2027", "--to", "2027-02-01"],
     "is before --from"),
    (["export", "payments", "--out", "x.csv", "--from", "2027-02-01", "--to", "2027-01-01"],
     "is before --from"),
    (["export", "customers", "--out", "x.csv", "--from", "2027-02-01"],
     "customers are exported whole"),
    (["export", "payments", "--out", "x.csv", "--user", "rita"],
     "Only managers may export payments; “rita” is a reception user. Name "
     "another user with --user."),
    (["export", "customers", "--out", "x.csv", "--user", "eddie"],
     "Only managers may export customers; “eddie” is an engineer user. Name another user "
     "with --user."),
    (["export", "incidents", "--out", "x.csv", "--user", "rita"],
     "Only engineers and managers may export incidents; “rita” is a reception user."),
    (["export", "payments", "--out", "x.csv", "--user", "nobody"], "There is no user"),
    (["import", "customers", "missing.csv"], "There is no file"),
])
def test_bad_export_and_import_options(tmp_path: Path, office_url: str, args: list[str],
                                       message: str) -> None:
    result = run_cli(tmp_path, "--database", office_url,
                     *[str(tmp_path / a) if a.endswith(".csv") else a for a in args])
    assert message in assert_one_line_error(result, 2)
    assert not (tmp_path / "x.csv").exists()


def test_import_needs_a_manager(tmp_path: Path, office_url: str) -> None:
    path = write(tmp_path, [HEADER, *rows(1)])
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path),
                     "--user", "eddie")
    assert "Only managers may import customers" in assert_one_line_error(result, 2)
    assert customer_count(office_url) == 0


def test_export_to_a_folder_that_does_not_exist(tmp_path: Path, office_url: str) -> None:
    out = tmp_path / "no" / "such" / "folder" / "x.csv"
    result = run_cli(tmp_path, "--database", office_url, "export", "customers", "--out",
                     str(out))
    assert "There is no folder" in assert_one_line_error(result, 2)


def test_skipping_when_every_row_is_bad_says_none_can_be_imported(tmp_path: Path,
                                                                    office_url: str) -> None:
    lines = [HEADER, *rows(2)]
    lines[1] = lines[1].replace("0113 496 0001", "12ab")
    lines[2] = lines[2].replace("0113 496 0002", "34cd")
    path = write(tmp_path, lines)
    for extra in ((), ("--dry-run",)):
        result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path),
                         "--skip-bad-rows", *extra)
        error = assert_one_line_error(result, 2)
        # Not "give --skip-bad-rows": it was given.
        assert "--skip-bad-rows" not in error
        assert "none of the 2 rows of customers.csv can be imported" in error
    assert customer_count(office_url) == 0


def test_the_columns_left_out_are_named(tmp_path: Path, office_url: str) -> None:
    path = write(tmp_path, ["Name,Telephone,Balance", "Acme Ltd,0113 496 0000,12.50"])
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path),
                     "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Not imported: “Balance”" in result.stdout


def test_a_file_whose_headings_match_nothing_says_so(tmp_path: Path, office_url: str) -> None:
    path = write(tmp_path, [line.replace(",", ";") for line in [HEADER, *rows(3)]])
    result = run_cli(tmp_path, "--database", office_url, "import", "customers", str(path),
                     "--delimiter", ",", "--dry-run")
    assert_one_line_error(result, 2)
    assert "Columns: none of the headings matched" in result.stdout
    assert "Columns: ." not in result.stdout


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="kills the importing process with SIGKILL")
def test_an_import_killed_half_way_is_undone_by_the_next_command(
        tmp_path: Path, office_url: str) -> None:
    path = write(tmp_path, [HEADER, *rows(9_999), *[r.replace("AC", "AD") for r in rows(9_999)]])
    database = office_url.removeprefix("sqlite:///")
    env = dict(os.environ, SYNERGY_DESK_LOG_DIR=str(tmp_path / "log"))
    importing = subprocess.Popen(
        [sys.executable, "-m", "synergy_desk", "--database", office_url, "import", "customers",
         str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    written = 0
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and importing.poll() is None and not written:
            time.sleep(0.05)
            connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
            try:
                written = connection.execute("SELECT COUNT(*) FROM customer").fetchone()[0]
            except sqlite3.OperationalError:
                written = 0  # the first batch is being written
            finally:
                connection.close()
    finally:
        importing.kill()
        importing.wait(timeout=30)
    assert 0 < written < 19_998, "the import was not caught half-way"
    assert customer_count(office_url) > 0

    result = run_cli(tmp_path, "--database", office_url, "check")

    assert result.returncode == 0, result.stderr
    told = re.fullmatch(r"synergy-desk: An import of customers\.csv had stopped half-way; the "
                        r"([\d,]+) customers it had added were removed again, so nothing was "
                        r"imported\.\n", result.stderr)
    assert told is not None, result.stderr
    assert int(told.group(1).replace(",", "")) >= written
    assert customer_count(office_url) == 0
    # Once undone, it is told no more.
    assert "import" not in run_cli(tmp_path, "--database", office_url, "check").stderr


# --- files that used to be read wrong: mixed encodings, UTF-16, a quote left open, one column

def _import(tmp_path: Path, url: str, path: Path,
            *options: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, "--database", url, "import", "customers", str(path), *options)


def test_a_mixed_file_is_refused_naming_the_line(tmp_path: Path, office_url: str) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("Name\r\nZoë Brontë\r\n".encode() + "Renée\r\n".encode("cp1252"))
    error = assert_one_line_error(_import(tmp_path, office_url, path), 2)
    assert "line 3 is not UTF-8" in error
    assert customer_count(office_url) == 0


def test_a_quote_left_open_is_refused_naming_its_line(tmp_path: Path, office_url: str) -> None:
    path = tmp_path / "open.csv"
    path.write_bytes(("Name,Notes\r\nAnn,x\r\nBob,\"open\r\n" + "Cid,y\r\n" * 30_000).encode())
    error = assert_one_line_error(_import(tmp_path, office_url, path), 2)
    assert "line 3 that is never closed" in error
    assert customer_count(office_url) == 0


@pytest.mark.parametrize("options", [(), ("--delimiter", ",")])
def test_one_column_of_names_imports(tmp_path: Path, office_url: str,
                                     options: tuple[str, ...]) -> None:
    path = tmp_path / "names.csv"
    path.write_bytes("Name\r\nAnn Smith\r\nZoë Brontë\r\n".encode())
    result = _import(tmp_path, office_url, path, *options)
    assert result.returncode == 0, result.stderr
    assert customer_count(office_url) == 2


@pytest.mark.parametrize(("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"),
                                            (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_a_utf16_file_imports(tmp_path: Path, office_url: str, bom: bytes, codec: str) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes(bom + "Name\tTown\r\nZoë Brontë\tHaworth\r\n".encode(codec))
    result = _import(tmp_path, office_url, path)
    assert result.returncode == 0, result.stderr
    assert codec in result.stdout
    assert customer_count(office_url) == 1
