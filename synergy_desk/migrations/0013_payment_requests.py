"""Payment requests for customers paying by bank transfer (PR-000001, with the lines each
charges for at the day's prices), the transfers that arrive for them (by hand or from the bank
statement, each statement line at most once), and the office's bank details they print."""
from peewee import *


def up(migrator, db):
    # The database's own defaults too: a row written by hand without them still inserts.
    migrator.migrate(
        migrator.add_column('office_settings', 'bank_account_name', CharField(
            max_length=100, default='', constraints=[SQL("DEFAULT ''")])),
        migrator.add_column('office_settings', 'bank_sort_code', CharField(
            max_length=8, default='', constraints=[SQL("DEFAULT ''")])),
        migrator.add_column('office_settings', 'bank_account_number', CharField(
            max_length=8, default='', constraints=[SQL("DEFAULT ''")])),
        migrator.add_column('office_settings', 'bank_iban', CharField(
            max_length=42, default='', constraints=[SQL("DEFAULT ''")])),
        migrator.add_column('office_settings', 'bank_bic', CharField(
            max_length=11, default='', constraints=[SQL("DEFAULT ''")])),
        migrator.add_column('office_settings', 'request_due_days', IntegerField(
            default=14, constraints=[SQL("DEFAULT 14")])),
    )

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class Incident(Model):
        class Meta:
            database = db
            table_name = 'incident'

    class Payment(Model):
        class Meta:
            database = db
            table_name = 'payment'

    class PaymentRequest(Model):
        number = IntegerField(unique=True)
        reference = CharField(max_length=18, unique=True)
        customer = ForeignKeyField(Customer, backref='+')
        customer_name = CharField(max_length=200, default='')
        customer_address = TextField(default='')
        net_pence = IntegerField()
        vat_pence = IntegerField()
        gross_pence = IntegerField()
        due_on = DateField()
        state = CharField(max_length=16, default='open')
        bank_account_name = CharField(max_length=100, default='')
        bank_sort_code = CharField(max_length=8, default='')
        bank_account_number = CharField(max_length=8, default='')
        bank_iban = CharField(max_length=42, default='')
        bank_bic = CharField(max_length=11, default='')
        issued_by = ForeignKeyField(User, backref='+')
        issued_at = DateTimeField()
        payment = ForeignKeyField(Payment, null=True, backref='+')
        cancelled_by = ForeignKeyField(User, null=True, backref='+')
        cancelled_at = DateTimeField(null=True)
        cancel_reason = TextField(default='')
        reminded_at = DateTimeField(null=True)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'payment_request'
            indexes = ((('state', 'due_on'), False), (('customer', 'issued_at'), False),
                       (('issued_at',), False))

    class PaymentRequestLine(Model):
        request = ForeignKeyField(PaymentRequest, backref='+')
        position = IntegerField()
        kind = CharField(max_length=16)
        incident = ForeignKeyField(Incident, null=True, backref='+')
        from_ticket = BooleanField(default=False)
        description = CharField(max_length=300)
        net_pence = IntegerField(default=0)
        vat_rate_bp = IntegerField(default=0)
        vat_pence = IntegerField(default=0)
        gross_pence = IntegerField(default=0)
        ticket_size = IntegerField(null=True)
        ticket_validity_days = IntegerField(null=True)

        class Meta:
            database = db
            table_name = 'payment_request_line'
            indexes = ((('request', 'position'), True), (('incident',), False))

    class BankTransfer(Model):
        request = ForeignKeyField(PaymentRequest, backref='+')
        received_on = DateField()
        amount_pence = IntegerField()
        bank_reference = CharField(max_length=140, default='')
        statement_key = CharField(max_length=64, null=True, unique=True)
        recorded_by = ForeignKeyField(User, backref='+')
        recorded_at = DateTimeField()
        prev_hash = CharField(max_length=64)
        row_hash = CharField(max_length=64)

        class Meta:
            database = db
            table_name = 'bank_transfer'
            indexes = ((('received_on',), False),)
    db.create_tables([PaymentRequest, PaymentRequestLine, BankTransfer])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('bank_transfer'),
        migrator.drop_table('payment_request_line'),
        migrator.drop_table('payment_request'),
        migrator.drop_column('office_settings', 'request_due_days'),
        migrator.drop_column('office_settings', 'bank_bic'),
        migrator.drop_column('office_settings', 'bank_iban'),
        migrator.drop_column('office_settings', 'bank_account_number'),
        migrator.drop_column('office_settings', 'bank_sort_code'),
        migrator.drop_column('office_settings', 'bank_account_name'),
    )
