"""The caller log: every call the phone system tells the office of (who rang, when, who
answered, how long, a missed call's call-back), and the office's settings for the listener
that takes those events (off, on the loopback address, port 8765, no token yet)."""
from peewee import *


def up(migrator, db):
    # The database's own defaults too: a row written by hand without them still inserts.
    migrator.migrate(
        migrator.add_column('office_settings', 'phone_listener_enabled', BooleanField(
            default=False, constraints=[SQL("DEFAULT FALSE")])),
        migrator.add_column('office_settings', 'phone_listener_open', BooleanField(
            default=False, constraints=[SQL("DEFAULT FALSE")])),
        migrator.add_column('office_settings', 'phone_listener_port', IntegerField(
            default=8765, constraints=[SQL("DEFAULT 8765")])),
        migrator.add_column('office_settings', 'phone_listener_token', CharField(
            max_length=100, default='', constraints=[SQL("DEFAULT ''")])),
    )

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class Contact(Model):
        class Meta:
            database = db
            table_name = 'contact'

    class CallBack(Model):
        class Meta:
            database = db
            table_name = 'call_back'

    class CallerLog(Model):
        call_id = CharField(max_length=100, unique=True)
        direction = CharField(max_length=3, default='in')
        from_number = CharField(max_length=40, default='')
        to_number = CharField(max_length=40, default='')
        customer = ForeignKeyField(Customer, null=True, backref='+', on_delete='SET NULL')
        contact = ForeignKeyField(Contact, null=True, backref='+', on_delete='SET NULL')
        started_at = DateTimeField()
        answered_at = DateTimeField(null=True)
        answered_by = ForeignKeyField(User, null=True, backref='+')
        answered_by_name = CharField(max_length=200, default='')
        ended_at = DateTimeField(null=True)
        duration_seconds = IntegerField(default=0)
        outcome = CharField(max_length=16, default='')
        hangup_cause = CharField(max_length=40, default='')
        call_back = ForeignKeyField(CallBack, null=True, backref='+', on_delete='SET NULL')
        recorded_by = ForeignKeyField(User, null=True, backref='+')

        class Meta:
            database = db
            table_name = 'caller_log'
            indexes = ((('started_at',), False), (('customer', 'started_at'), False))
    db.create_tables([CallerLog])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('caller_log'),
        migrator.drop_column('office_settings', 'phone_listener_token'),
        migrator.drop_column('office_settings', 'phone_listener_port'),
        migrator.drop_column('office_settings', 'phone_listener_open'),
        migrator.drop_column('office_settings', 'phone_listener_enabled'),
    )
