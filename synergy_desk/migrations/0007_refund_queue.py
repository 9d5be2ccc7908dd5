"""Engineers decide the remit: the queue of out-of-remit refunds a manager approves or
declines; and paid before support, everywhere: an outgoing call or e-mail on the timeline says
whether it was about paying (the only outgoing entries an unfunded incident takes)."""
from peewee import *


def up(migrator, db):
    # The database's own default too, so a row written by hand is stored as support work.
    migrator.migrate(
        migrator.add_column('timeline_entry', 'about_payment', BooleanField(
            default=False, constraints=[SQL("DEFAULT FALSE")])),
    )

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Incident(Model):
        class Meta:
            database = db
            table_name = 'incident'

    class PaymentLine(Model):
        class Meta:
            database = db
            table_name = 'payment_line'

    class CreditNote(Model):
        class Meta:
            database = db
            table_name = 'credit_note'

    class RefundRequest(Model):
        incident = ForeignKeyField(Incident)
        payment_line = ForeignKeyField(PaymentLine)
        reason = TextField(default='')
        state = CharField(max_length=16, default='pending')
        requested_by = ForeignKeyField(User, backref='+')
        requested_at = DateTimeField()
        decided_by = ForeignKeyField(User, null=True, backref='+')
        decided_at = DateTimeField(null=True)
        decision_reason = TextField(default='')
        credit_note = ForeignKeyField(CreditNote, null=True)
        class Meta:
            database = db
            table_name = 'refund_request'
            indexes = ((('state', 'requested_at'), False),)
    db.create_tables([RefundRequest])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('refund_request'),
        migrator.drop_column('timeline_entry', 'about_payment'),
    )
