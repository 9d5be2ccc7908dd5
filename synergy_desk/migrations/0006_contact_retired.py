"""A contact who leaves a customer is retired, not deleted: the incidents and calls they were
on keep showing who it was, and they are no longer offered for new calls."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('contact', 'retired_at', DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('contact', 'retired_at'),
    )
