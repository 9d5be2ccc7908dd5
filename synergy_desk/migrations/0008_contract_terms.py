"""Support contracts' terms: the agreed price, an early end (when, by whom, why), and the
receipt lines that paid for a contract (kept in a table of their own: a payment line's
columns are what the payment chain hashes, so they never change)."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Contract(Model):
        class Meta:
            database = db
            table_name = 'contract'

    class PaymentLine(Model):
        class Meta:
            database = db
            table_name = 'payment_line'

    # The database's own defaults too, so a row written by hand without them still inserts.
    migrator.migrate(
        migrator.add_column('contract', 'price_pence', IntegerField(
            default=0, constraints=[SQL("DEFAULT 0")])),
        migrator.add_column('contract', 'ended_early_at', DateTimeField(null=True)),
        migrator.add_column('contract', 'ended_early_by_id',
                            ForeignKeyField(User, field=User.id, null=True)),
        migrator.add_column('contract', 'ended_early_reason', TextField(
            default='', constraints=[SQL("DEFAULT ''")])),
    )

    class ContractPayment(Model):
        contract = ForeignKeyField(Contract)
        payment_line = ForeignKeyField(PaymentLine, unique=True)
        class Meta:
            database = db
            table_name = 'contract_payment'
    db.create_tables([ContractPayment])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('contract_payment'),
        migrator.drop_column('contract', 'ended_early_reason'),
        migrator.drop_column('contract', 'ended_early_by_id'),
        migrator.drop_column('contract', 'ended_early_at'),
        migrator.drop_column('contract', 'price_pence'),
    )
