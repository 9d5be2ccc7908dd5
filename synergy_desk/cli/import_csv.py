"""``synergy-desk import customers FILE``: customers and their contacts from an accounts
package's CSV file (``import statement FILE``, the bank's statement, is
:mod:`synergy_desk.cli.import_statement`).

Exit status 0 when done; 2 for bad input (a bad file, bad rows, a wrong option, a user who may
not do it, an account code another desk took while it ran), with the bad rows one per line on
standard output and one line on standard error. Nothing is imported unless all of it is.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from synergy_desk.cli import import_statement
from synergy_desk.cli.common import (
    Commands,
    ProgressBar,
    UsageError,
    common_options,
    error,
    open_office,
    plural,
)

__all__ = ["add_parser", "run"]


def add_parser(commands: Commands) -> None:
    """Add the ``import`` command to the command line's sub-parsers."""
    from synergy_desk.services.data.csv_import import FIELDS

    imp: argparse.ArgumentParser = commands.add_parser(
        "import", parents=[common_options()],
        help="import customers from a CSV file, or the bank's statement (CSV or OFX)",
        description="Import customers (and a contact each) from a CSV file as exported from an "
                    "accounts package (Sage, Xero, QuickBooks...). The columns are matched "
                    "to the customer's fields by their headings; --map overrides a match. "
                    "Every row is checked first: with any bad row nothing is imported (the "
                    "bad rows are listed with their line numbers) unless --skip-bad-rows is "
                    "given. The customers are then written in short batches, so the desks "
                    "keep working; an import that stops part-way (refused, interrupted, or "
                    "its process killed) has what it wrote removed again, at once or by the "
                    "next command. " + import_statement.DESCRIPTION)
    imp.add_argument("what", choices=["customers", "statement"],
                     help="what to import: customers, or the bank's statement")
    imp.add_argument("file", metavar="FILE", help="the CSV file (a statement: CSV or OFX)")
    imp.add_argument("--map", metavar="FIELD=HEADING", action="append", default=[],
                     help="take FIELD from the column headed HEADING (HEADING empty: leave "
                          f"the field out); the fields are {', '.join(FIELDS)}")
    imp.add_argument("--delimiter", metavar="X",
                     help="the character between cells: , ; | or tab (default: found from "
                          "the file)")
    imp.add_argument("--encoding", metavar="E",
                     help="the file's encoding, e.g. utf-8 or cp1252 (default: UTF-16 when "
                          "the file starts with its byte-order mark, else UTF-8, else "
                          "Windows-1252; a file mixing UTF-8 with another encoding is "
                          "refused)")
    imp.add_argument("--skip-bad-rows", action="store_true",
                     help="import the good rows and leave the bad ones out (they are listed)")
    imp.add_argument("--dry-run", action="store_true",
                     help="check the file and list the bad rows, but import nothing")
    imp.add_argument("--user", metavar="NAME",
                     help="the manager the import is recorded against (default: the first "
                          "active manager)")
    import_statement.add_arguments(imp)
    imp.set_defaults(handler=run)


def _mapping(guessed: dict[str, str], overrides: list[str], headers: tuple[str, ...]
             ) -> dict[str, str]:
    from synergy_desk.services.data.csv_import import FIELD_LABELS, FIELDS

    by_label = {label.lower(): name for name, label in FIELD_LABELS.items()}
    mapping = dict(guessed)
    for item in overrides:
        field, sep, heading = item.partition("=")
        key = field.strip().lower().replace("-", "_").replace(" ", "_")
        key = key if key in FIELDS else by_label.get(field.strip().lower(), key)
        if not sep or key not in FIELDS:
            raise UsageError(f"--map “{item}” is not FIELD=HEADING with FIELD one of "
                             f"{', '.join(FIELDS)}.")
        heading = heading.strip()
        if not heading:
            mapping.pop(key, None)
            continue
        if heading not in headers:
            match = [h for h in headers if h.lower() == heading.lower()]
            if len(match) != 1:
                shown = ", ".join(f"“{h}”" for h in headers)
                raise UsageError(f"--map {key}: the file has no column headed “{heading}”; "
                                 f"its headings are {shown}.")
            heading = match[0]
        mapping[key] = heading
    return mapping


def _print_mapping(mapping: dict[str, str], headers: tuple[str, ...]) -> None:
    from synergy_desk.services.data.csv_import import FIELD_LABELS, FIELDS

    shown = ", ".join(f"{FIELD_LABELS[f].lower()} ← “{mapping[f]}”" for f in FIELDS
                      if f in mapping)
    print(f"Columns: {shown}." if shown else "Columns: none of the headings matched a "
          "customer field (give them with --map FIELD=HEADING).")
    used = set(mapping.values())
    unused = [h for h in headers if h not in used and h.strip()]
    if unused and shown:
        print(f"Not imported: {', '.join(f'“{h}”' for h in unused)} (take one with --map "
              "FIELD=HEADING).")


def _hint(problem: str) -> str:
    """The service's advice (written for the window) as the command line's options."""
    from synergy_desk.services.data.csv_import import FIELD_LABELS

    problem = problem.replace("Choose the delimiter.", "Give it with --delimiter.")
    for name, label in FIELD_LABELS.items():
        window = f"Choose the column that holds the {label.lower()}: it is required."
        if problem == window:
            return (f"No column holds the {label.lower()}, which is required: give it with "
                    f"--map {name}=HEADING.")
    return problem


def _refusal(problems: tuple[str, ...] | list[str], bad_rows: int, total: int, name: str,
             skip: bool, dry_run: bool) -> str:
    """The one line on standard error when the file cannot be imported as it is."""
    nothing = "Nothing would be imported" if dry_run else "Nothing was imported"
    if problems:
        more = f" ({len(problems) - 1:,} more problem(s) listed above)" if len(problems) > 1 \
            else ""
        return f"{_hint(problems[0])}{more} {nothing}."
    if skip:
        return (f"none of the {plural(total, 'row')} of {name} can be imported (each is listed "
                f"above). {nothing}.")
    return (f"{bad_rows:,} of the {plural(total, 'row')} of {name} cannot be imported (listed "
            f"above); correct them, or give --skip-bad-rows to import the others. {nothing}.")


def run(args: argparse.Namespace) -> int:
    """Check and import the file; returns the exit status (0 or 2)."""
    if args.what == "statement":
        return import_statement.run(args)
    from synergy_desk.domain.enums import Role
    from synergy_desk.services.data import csv_import
    from synergy_desk.services.people import users

    csv_file = csv_import.read_csv(Path(args.file).expanduser(), encoding=args.encoding,
                                   delimiter=args.delimiter)
    mapping = _mapping(csv_import.guess_mapping(csv_file.headers), args.map, csv_file.headers)
    info = open_office(args)
    actor = users.command_actor(args.user, (Role.MANAGER,), "import customers")
    print(f"Reading {csv_file.name}: {csv_file.encoding}, cells separated by "
          f"{csv_file.delimiter_name}.")
    _print_mapping(mapping, csv_file.headers)
    if args.dry_run:
        preview = csv_import.preview_import(csv_file, mapping, limit=0)
        for problem in preview.problems[1:]:
            print(_hint(problem))
        for bad in preview.bad_rows:
            print(bad)
        if preview.problems or (preview.bad_rows and not args.skip_bad_rows) \
                or not preview.good_rows:
            error(_refusal(preview.problems, len(preview.bad_rows), preview.total_rows,
                            csv_file.name, args.skip_bad_rows, dry_run=True))
            return 2
        print(f"Checked {plural(preview.total_rows, 'row')}: {preview.good_rows:,} would be "
              "imported" + (f", {len(preview.bad_rows):,} skipped" if preview.bad_rows else "")
              + ". Nothing was imported (--dry-run).")
        return 0
    try:
        with ProgressBar() as bar:
            result = csv_import.import_customers(
                actor, csv_file, mapping, skip_bad_rows=args.skip_bad_rows,
                progress=lambda done, total, stage: bar(done, total, stage) if total else None)
    except csv_import.ImportRefused as exc:
        for problem in exc.problems[1:]:
            print(_hint(problem))
        for bad in exc.bad_rows:
            print(bad)
        error(_refusal(exc.problems, len(exc.bad_rows), exc.total_rows, csv_file.name,
                        args.skip_bad_rows, dry_run=False))
        return 2
    for bad in result.bad_rows:
        print(f"skipped {bad}")
    print(f"Imported {plural(result.imported, 'customer')} ({result.first_account_code} to "
          f"{result.last_account_code}) with {plural(result.contacts, 'contact')} into "
          f"{info.display}" + (f"; skipped {plural(result.skipped, 'bad row')}"
                               if result.skipped else "") + ".")
    return 0
