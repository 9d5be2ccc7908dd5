"""Whether the office is VAT-registered (kept with the printed details too, so a document
reprints as it was issued), the cash variance a count may show without a reason, and the
counts of the cash drawer.

Every office upgraded here charged VAT until now: it stays VAT-registered, and so do the
details its documents were printed with."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('office_settings', 'vat_registered', BooleanField(
            default=True, constraints=[SQL("DEFAULT TRUE")])),
        migrator.add_column('office_settings', 'cash_variance_threshold_pence', IntegerField(
            default=500, constraints=[SQL("DEFAULT 500")])),
        migrator.add_column('office_details', 'vat_registered', BooleanField(
            default=True, constraints=[SQL("DEFAULT TRUE")])),
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
        migrator.drop_column('office_details', 'vat_registered'),
        migrator.drop_column('office_settings', 'cash_variance_threshold_pence'),
        migrator.drop_column('office_settings', 'vat_registered'),
    )
