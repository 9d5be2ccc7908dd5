"""``synergy-desk import statement FILE``: the bank's statement matched to open payment
requests; the matches shown, confirmed once (or ``--yes``) and recorded.

Exit status 0 when done (or when nothing was to be recorded, or the answer was no); 2 for bad
input (a file that is no statement, a bad date or amount on a line, an unknown user or a
wrong ``--map``) with one line on standard error and nothing recorded.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from synergy_desk.cli.common import UsageError, open_office, plural

if TYPE_CHECKING:
    from synergy_desk.services.data.bank_statements import (
        ProposedLine,
        StatementFile,
        StatementLine,
    )

__all__ = ["add_arguments", "run", "DESCRIPTION"]

DESCRIPTION = (
    "import statement FILE reads the bank's statement (CSV as Barclays, Lloyds, NatWest, HSBC, "
    "Starling or Nationwide export it, or OFX/QFX), matches each line coming in to an open "
    "payment request (by its reference, or by amount and the customer's name), prints the "
    "matches and the lines left unmatched with the reason, asks once, and records the "
    "matches: a receipt for each request paid in full, its incidents queued. A statement line "
    "is recorded once, however often the file is imported. --map FIELD=HEADING chooses a CSV "
    "column (fields: date, description (may be given more than once), amount, debit, credit, "
    "reference); --dry-run shows the matches without recording.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options ``import statement`` adds to the ``import`` command."""
    parser.add_argument("--yes", "-y", action="store_true",
                        help="statement: record the matches without asking")
    parser.add_argument("--as", dest="user", metavar="NAME",
                        help="the user the transfers are recorded by (the same as --user)")


def _columns(statement: StatementFile, overrides: Sequence[str]
             ) -> dict[str, tuple[str, ...]] | None:
    from synergy_desk.services.data.bank_statements import STATEMENT_FIELDS

    if not overrides:
        return None
    if statement.kind != "CSV":
        raise UsageError("--map is for CSV statements; an OFX file names its own fields.")
    columns = {name: tuple(headings) for name, headings in statement.columns.items()}
    described: list[str] = []
    for item in overrides:
        name, sep, heading = item.partition("=")
        key = name.strip().lower()
        if not sep or key not in STATEMENT_FIELDS:
            raise UsageError(f"--map “{item}” is not FIELD=HEADING with FIELD one of "
                             f"{', '.join(STATEMENT_FIELDS)}.")
        heading = heading.strip()
        if not heading:
            columns.pop(key, None)
            continue
        match = [h for h in statement.headers if h.lower() == heading.lower()]
        if not match:
            shown = ", ".join(f"“{h}”" for h in statement.headers)
            raise UsageError(f"--map {key}: the file has no column headed “{heading}”; its "
                             f"headings are {shown}.")
        if key == "description":
            described.append(match[0])
            columns[key] = tuple(described)
        else:
            columns[key] = (match[0],)
        if key == "amount":
            columns.pop("debit", None)
            columns.pop("credit", None)
    return columns


def _columns_text(columns: Mapping[str, Sequence[str]]) -> str:
    from synergy_desk.services.data.bank_statements import (
        STATEMENT_FIELD_LABELS,
        STATEMENT_FIELDS,
    )

    return ", ".join(f"{STATEMENT_FIELD_LABELS[f].lower()} ← "
                     + " + ".join(f"“{h}”" for h in columns[f])
                     for f in STATEMENT_FIELDS if columns.get(f))


def _line_text(line: StatementLine) -> str:
    from synergy_desk.domain.money import format_pence
    from synergy_desk.domain.zones import day_text

    description = line.description if len(line.description) <= 40 \
        else line.description[:39] + "…"
    return f"{day_text(line.date):>11}  {format_pence(line.amount_pence):>10}  {description:<40}"


def _proposal_text(proposal: ProposedLine) -> str:
    if proposal.matched:
        return (f"  {_line_text(proposal.line)}  → {proposal.number} {proposal.customer_name}: "
                f"{proposal.effect_text.lower()} ({proposal.how})")
    return f"  {_line_text(proposal.line)}  — {proposal.reason}"


def _confirmed(count: int) -> bool:
    question = f"Record {plural(count, 'transfer')}? [y/N] "
    print(question, end="", flush=True)
    answer = sys.stdin.readline()
    if not answer:
        print()
    return answer.strip().lower() in ("y", "yes")


def run(args: argparse.Namespace) -> int:
    """Show the statement's matches, ask once, record them; returns the exit status."""
    from synergy_desk.domain.enums import Role
    from synergy_desk.domain.money import format_pence
    from synergy_desk.services.data import bank_statements
    from synergy_desk.services.people import users

    statement = bank_statements.open_statement(Path(args.file).expanduser(),
                                               encoding=args.encoding, delimiter=args.delimiter)
    columns = _columns(statement, args.map)
    lines = bank_statements.statement_lines(statement, columns)
    open_office(args)
    actor = users.command_actor(args.user, tuple(Role), "record bank transfers")
    described = f" (columns: {_columns_text(columns or statement.columns)})" \
        if statement.kind == "CSV" else ""
    print(f"Reading {statement.name}: {statement.kind}, "
          f"{plural(len(lines), 'line')}{described}.")
    preview = bank_statements.preview_statement(lines)
    matched, unmatched = preview.matched, preview.unmatched
    if matched:
        print(f"To record ({len(matched):,}):")
        for proposal in matched:
            print(_proposal_text(proposal))
    if unmatched:
        print(f"Not matched ({len(unmatched):,}):")
        for proposal in unmatched:
            print(_proposal_text(proposal))
    if not matched:
        print("Nothing to record: no line of the statement matches an open payment request.")
        return 0
    if args.dry_run:
        print(f"Nothing was recorded (--dry-run); {plural(len(matched), 'transfer')} would be.")
        return 0
    if not args.yes and not _confirmed(len(matched)):
        print("Nothing was recorded.")
        return 0
    result = bank_statements.record_matches(actor, preview, [p.line.key for p in matched])
    for done in result.recorded:
        if done.receipt_number:
            queued = f"; {', '.join(done.queued)} queued" if done.queued else ""
            over = f"; {format_pence(done.over_pence)} over, to refund or hold" \
                if done.over_pence else ""
            outcome = f"paid, receipt {done.receipt_number}{queued}{over}"
        else:
            outcome = f"{format_pence(done.outstanding_pence)} still to come"
        print(f"Recorded {format_pence(done.line.amount_pence)} for {done.number} "
              f"{done.customer_name}: {outcome}.")
    for refused in result.refused:
        print(f"Not recorded: {format_pence(refused.line.amount_pence)} for {refused.number}: "
              f"{refused.message}")
    receipts = result.receipts
    print(f"Recorded {plural(len(result.recorded), 'transfer')}"
          + (f"; receipts issued: {', '.join(receipts)}" if receipts else "; no receipt issued")
          + (f"; {plural(len(result.refused), 'line')} not recorded" if result.refused else "")
          + ".")
    return 0
