"""A desk that locks itself after the minutes idle the manager sets (0: never, as every office
had before), and call-backs promised to one user (none: any engineer, as every call-back
promised before was)."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    # The database's own default too: a row written by hand without it still inserts.
    migrator.migrate(
        migrator.add_column('office_settings', 'idle_lock_minutes', IntegerField(
            default=0, constraints=[SQL('DEFAULT 0')])),
        migrator.add_column('call_back', 'assigned_to_id', ForeignKeyField(
            User, field=User.id, null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('call_back', 'assigned_to_id'),
        migrator.drop_column('office_settings', 'idle_lock_minutes'),
    )
