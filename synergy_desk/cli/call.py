"""``synergy-desk call NUMBER``: pop the caller up in the window open in this user's session.

The number may be typed in any format or given as a ``tel:`` or ``callto:`` link (which is how a
softphone or a web page hands it over; ``synergy-desk tel:+44…`` with the link alone does the
same). The window open in this session gets the number and the command ends (exit status 0);
when none is open, the command starts the window, as ``synergy-desk`` with no command does, and
the caller pops up once someone has logged in. ``--database`` names the office only for a window
started that way: an open window keeps its own. A number that cannot be read is exit status 2,
with one line saying why and nothing handed over.
"""

from __future__ import annotations

import argparse

from synergy_desk.cli.common import Commands, common_options, error
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.phones import display_phone, is_call_url, number_for_call

__all__ = ["add_parser", "run", "link_as_command"]


def add_parser(commands: Commands) -> None:
    """Add the ``call`` command to the command line's sub-parsers."""
    p = commands.add_parser(
        "call", parents=[common_options()],
        help="pop the caller up in the open window (starting it if none is open)",
        description="Hand an incoming call's number to the window open in your session: it "
                    "comes to the front with log-a-call open for the caller found by the "
                    "number, or the new-customer form with the number filled in. With no "
                    "window open, the window starts and pops the caller up once you have "
                    "logged in. NUMBER may be typed in any format or be a tel: or callto: "
                    "link. --database names the office only for a window started this way.")
    p.add_argument("number", metavar="NUMBER",
                   help="the caller's number, e.g. 0113 496 0000, +44 113 496 0000 or "
                        "tel:+441134960000")
    p.set_defaults(handler=run)


def link_as_command(argv: list[str], commands: set[str]) -> list[str]:
    """The arguments with ``call`` put before a ``tel:``/``callto:`` link given with no
    command (the way Windows starts the program for a link: ``synergy-desk "tel:…"``)."""
    if commands.intersection(argv):
        return argv
    for index, arg in enumerate(argv):
        if is_call_url(arg) and (index == 0 or argv[index - 1] != "--database"):
            return [*argv[:index], "call", *argv[index:]]
    return argv


def run(args: argparse.Namespace) -> int:
    """Hand the number over, or start the window for it; returns the exit status."""
    try:
        e164 = number_for_call(args.number)
    except ValidationError as exc:
        error(f"{exc.message} Nothing was handed to the desk.")
        return 2
    try:
        import synergy_desk.app as app
    except ModuleNotFoundError as exc:
        if exc.name != "synergy_desk.app":
            raise
        error("this build has no window to pop the caller up in.")
        return 1
    if app.hand_over_call(e164):
        print(f"The call from {display_phone(e164)} was handed to the open window.")
        return 0
    args.call_number = e164
    return int(app.main(args))
