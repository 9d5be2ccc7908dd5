"""--database takes an address or a plain path; a malformed address is bad input (exit 2) in
one line, and its password is written nowhere: not on standard error, not in the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_main import PASSWORD, assert_one_line_error, run_cli


def test_a_plain_path_names_the_sqlite_file(tmp_path: Path) -> None:
    folder = tmp_path / "Accounts #2 ?%41 é"
    folder.mkdir()
    result = run_cli(tmp_path, "--database", str(folder / "office.sqlite3"), "init",
                     "--manager", "mary", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm"))) \
        == ["office.sqlite3"]
    # Nothing beside it: not "Accounts " nor any other file the address was cut into.
    assert not [p for p in tmp_path.iterdir() if p.is_file()]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("Accounts")] == [
        folder.name]


@pytest.mark.slow
@pytest.mark.parametrize("url", [
    "postgresql://mary:Pa55word@host:54x2/office",
    "postgresql://mary:Pa55word@[::1/office",
    "postgresql://mary:Pa55word@host/office?encoding=latin1",
    "postgresql://mary:Pa55word@/office",
    "postgresql://mary:Pa55word@host/office#part",
])
def test_a_malformed_address_is_bad_input_and_its_password_is_not_written(
        tmp_path: Path, url: str) -> None:
    result = run_cli(tmp_path, "--database", url, "check")
    line = assert_one_line_error(result, 2)
    assert "percent-encoded" in line
    # With the log echoed on standard error too.
    verbose = run_cli(tmp_path, "-v", "--database", url, "check")
    assert verbose.returncode == 2
    assert "Traceback" not in verbose.stderr
    log_text = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "log").glob("*"))
    for text in (result.stderr, result.stdout, verbose.stderr, log_text):
        assert "Pa55word" not in text


def test_an_error_line_never_shows_a_password(capsys: pytest.CaptureFixture[str]) -> None:
    from synergy_desk.cli.common import error

    error("could not reach postgresql://desk:Pa55word@db.office.lan/office: timed out")
    assert capsys.readouterr().err == (
        "synergy-desk: error: could not reach postgresql://desk:***@db.office.lan/office: "
        "timed out\n")
