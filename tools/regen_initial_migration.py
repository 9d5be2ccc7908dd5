"""Regenerate synergy_desk/migrations/0001_initial.py from the models (before the first release only).

Keeps the hand-written parts (search tables, seeded counters) and freezes every model inline.
"""

from __future__ import annotations

import re
from pathlib import Path

from peewee import sort_models
from playhouse.migrations import template
from playhouse.schema_diff import SchemaDiff

from synergy_desk.models.tables import ALL_MODELS

PATH = Path(__file__).resolve().parent.parent / "synergy_desk" / "migrations" / "0001_initial.py"


def main() -> None:
    old = PATH.read_text()
    body = template(SchemaDiff(sort_models(ALL_MODELS), [], [], [], []))
    body = body.replace("from synergy_desk.models.base import UTCDateTimeField\n", "")
    body = body.replace("UTCDateTimeField(", "DateTimeField(")
    body = re.sub(r"# Generated from a schema diff on .*\n",
                  '"""The first schema: every table of the office database, frozen as it was."""\n',
                  body)
    body = re.sub(r"(# TODO: .*\n)+\n",
                  "# Time-stamp defaults are filled in by the program when it writes a row, so the "
                  "frozen\n# columns below carry none.\n\n", body)
    body = body.replace("def up(migrator, db):\n",
                        "def up(migrator, db):\n    _create_search_tables(db)\n\n", 1)
    seed = old[old.index("    # The gap-free sequences"):old.index("\n\ndef down(")]
    idx = body.index("\n\ndef down(")
    body = body[:idx] + "\n" + seed + body[idx:]
    body = body.replace(
        "def down(migrator, db):\n",
        "def down(migrator, db):\n    db.execute_sql('DROP TABLE IF EXISTS customer_search')\n"
        "    db.execute_sql('DROP TABLE IF EXISTS incident_search')\n", 1)
    tail = old[old.index("\n\ndef _create_search_tables"):]
    PATH.write_text(body.rstrip("\n") + "\n" + tail)


if __name__ == "__main__":
    main()
