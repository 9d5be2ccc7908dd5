"""The cash variance a count may show without a reason, and the counts of the cash drawer."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('office_settings', 'cash_variance_threshold_pence', IntegerField(
            default=500, constraints=[SQL("DEFAULT 500")])),
    )

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class CashCount(Model):
        day = DateField()
        drawer_of = ForeignKeyField(User, null=True, backref='+')
        float_pence = IntegerField()
        counted_pence = IntegerField()
        expected_pence = IntegerField()
        variance_pence = IntegerField()
        threshold_pence = IntegerField()
        reason = TextField(default='')
        counted_by = ForeignKeyField(User, backref='+')
        counted_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'cash_count'
            indexes = ((('day', 'counted_at'), False),)
    db.create_tables([CashCount])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('cash_count'),
        migrator.drop_column('office_settings', 'cash_variance_threshold_pence'),
    )
