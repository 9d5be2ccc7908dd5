"""Paid before support, everywhere: an outgoing call or e-mail on the timeline says whether it
was about paying (the only outgoing entries an unfunded incident takes)."""
from peewee import *


def up(migrator, db):
    # The database's own default too, so a row written by hand is stored as support work.
    migrator.migrate(
        migrator.add_column('timeline_entry', 'about_payment', BooleanField(
            default=False, constraints=[SQL("DEFAULT FALSE")])),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('timeline_entry', 'about_payment'),
    )
