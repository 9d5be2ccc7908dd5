"""Timeline entries say whether the customer sees them: calls, e-mails and remote sessions
yes, notes no, and of the program's events only how the incident ended and its re-openings."""
from peewee import *


def up(migrator, db):
    # The database's own default too: an entry written by hand without it stays internal.
    migrator.migrate(
        migrator.add_column('timeline_entry', 'for_customer', BooleanField(
            default=False, constraints=[SQL("DEFAULT FALSE")])),
    )
    # The rule as it stood when this ran (frozen here: a migration never imports live code).
    p = db.param
    db.execute_sql(
        "UPDATE timeline_entry SET for_customer = TRUE "
        "WHERE kind IN ('phone_in', 'phone_out', 'email_in', 'email_out', 'remote_session') "
        f"OR (kind = 'system' AND (text LIKE {p} OR text LIKE {p} OR text LIKE {p}))",
        ('Resolved — %', 'Re-opened %', 'Closed unresolved %'))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('timeline_entry', 'for_customer'))
