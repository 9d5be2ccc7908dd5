"""PostgreSQL learns how the incident's engineer and status go together.

The planner takes its conditions as independent: "nobody is assigned" (about one incident in a
thousand over a long history) and "open" (about one in two hundred) would leave five incidents
of a million. But nearly every unassigned incident is open (assigning is how work starts, and
every resolved incident has its engineer), so there are hundreds. Thinking them five, the
planner read them through the narrowest index and sorted them, instead of walking the index
that holds the list in order and stopping after a page.

A statistics object over the two columns keeps their commonest pairs (each engineer with each
status, and nobody with each open status); its sample is larger than a column's, because the
pairs that matter here are rare in the whole table. SQLite is told its index on every page and
needs no such help.
"""
from peewee import *

#: Rows sampled per unit of target: PostgreSQL reads 300 × the target. At 250 the rarer pairs
#: (nobody with a queued incident: about 2 in 10,000) are seen often enough to be kept.
TARGET = 250


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    db.execute_sql('CREATE STATISTICS IF NOT EXISTS "incident_engineer_status" (mcv) '
                   'ON "engineer_id", "status" FROM "incident"')
    db.execute_sql(f'ALTER STATISTICS "incident_engineer_status" SET STATISTICS {TARGET}')
    db.execute_sql('ANALYZE incident')


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    db.execute_sql('DROP STATISTICS IF EXISTS "incident_engineer_status"')
