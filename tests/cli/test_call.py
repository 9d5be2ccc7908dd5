"""``synergy-desk call NUMBER`` and a tel:/callto: link alone: the number handed to the open
window, the window started when none is open, a number that cannot be read refused."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

import synergy_desk.app as app
from synergy_desk import cli
from synergy_desk.cli.call import link_as_command
from tests.cli.test_main import assert_one_line_error, run_cli

COMMANDS = {"call", "init", "demo", "report"}


@pytest.mark.parametrize("argv, expected", [
    (["tel:+441134960000"], ["call", "tel:+441134960000"]),
    (["callto://+44 113 496 0000"], ["call", "callto://+44 113 496 0000"]),
    (["--database", "x.sqlite3", "tel:0113"], ["--database", "x.sqlite3", "call", "tel:0113"]),
    (["tel:0113", "--database", "x.sqlite3"], ["call", "tel:0113", "--database", "x.sqlite3"]),
    (["call", "tel:0113"], ["call", "tel:0113"]),
    (["report", "tel:0113"], ["report", "tel:0113"]),
    (["01134960000"], ["01134960000"]),
    ([], []),
])
def test_a_link_given_alone_is_a_call(argv: list[str], expected: list[str]) -> None:
    assert link_as_command(argv, COMMANDS) == expected


class Desk:
    """Stands in for the window: whether one is open, and what it was started with."""

    def __init__(self, open_window: bool) -> None:
        self.open_window = open_window
        self.handed: list[str] = []
        self.started: list[argparse.Namespace] = []

    def hand_over_call(self, number: str) -> bool:
        self.handed.append(number)
        return self.open_window

    def main(self, args: argparse.Namespace) -> int:
        self.started.append(args)
        return 0


@pytest.fixture
def quiet_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNERGY_DESK_LOG_DIR", str(tmp_path / "log"))


@pytest.mark.usefixtures("quiet_log")
def test_with_a_window_open_the_number_is_handed_over_and_nothing_starts(
        monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    desk = Desk(open_window=True)
    monkeypatch.setattr(app, "hand_over_call", desk.hand_over_call)
    monkeypatch.setattr(app, "main", desk.main)
    assert cli.main(["call", "0113 496 0000"]) == 0
    assert desk.handed == ["+441134960000"] and desk.started == []
    assert capsys.readouterr().out == \
        "The call from 0113 496 0000 was handed to the open window.\n"


@pytest.mark.usefixtures("quiet_log")
@pytest.mark.parametrize("argv", [["call", "tel:+44 113 496 0000", "--database", "o.sqlite3"],
                                  ["--database", "o.sqlite3", "tel:%2B441134960000"]])
def test_with_no_window_open_the_window_starts_for_the_call(
        monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    desk = Desk(open_window=False)
    monkeypatch.setattr(app, "hand_over_call", desk.hand_over_call)
    monkeypatch.setattr(app, "main", desk.main)
    assert cli.main(argv) == 0
    assert desk.handed == ["+441134960000"]
    [args] = desk.started
    assert args.call_number == "+441134960000" and args.database == "o.sqlite3"


@pytest.mark.parametrize("number, said", [
    ("12", "“12” is not a possible phone number. Nothing was handed to the desk."),
    ("tel:", "“tel:” names no phone number. Nothing was handed to the desk."),
    ("call me", "“call me” is not a phone number. Nothing was handed to the desk."),
])
def test_a_number_that_cannot_be_read_is_exit_status_2_with_one_line(
        tmp_path: Path, number: str, said: str) -> None:
    result = run_cli(tmp_path, "call", number)
    assert assert_one_line_error(result, 2) == f"synergy-desk: error: {said}"
    assert result.stdout == ""


def test_a_link_alone_that_cannot_be_read_is_refused_the_same_way(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "callto://jane.smith")
    assert assert_one_line_error(result, 2) == (
        "synergy-desk: error: “jane.smith” is not a phone number. Nothing was handed to the "
        "desk.")


def test_call_is_listed_in_the_help(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "call", "--help")
    assert result.returncode == 0
    assert "tel: or callto:" in result.stdout and "--database" in result.stdout
