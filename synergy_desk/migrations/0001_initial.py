"""The first schema: every table of the office database, frozen as it was."""
from peewee import *

# Time-stamp defaults are filled in by the program when it writes a row, so the frozen
# columns below carry none.

def up(migrator, db):
    _create_search_tables(db)

    class User(Model):
        username = CharField(unique=True, max_length=64)
        full_name = CharField(max_length=120)
        role = CharField(max_length=16)
        password_hash = CharField()
        active = BooleanField(default=True)
        failed_logins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        must_change_password = BooleanField(default=False)
        created_at = DateTimeField()
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'user'
            indexes = ((('full_name',), False),)
    db.create_tables([User])

    class AuditLog(Model):
        at = DateTimeField()
        user = ForeignKeyField(User, null=True)
        action = CharField(max_length=48)
        entity = CharField(max_length=32)
        entity_id = CharField(max_length=32, default='')
        before = TextField(default='')
        after = TextField(default='')
        class Meta:
            database = db
            table_name = 'audit_log'
            indexes = ((('entity', 'entity_id'), False), (('at',), False))
    db.create_tables([AuditLog])

    class Customer(Model):
        account_code = CharField(unique=True, max_length=32)
        name = CharField(max_length=200)
        company = CharField(max_length=200, default='')
        address = TextField(default='')
        postcode = CharField(max_length=16, default='')
        email = CharField(max_length=200, default='')
        phone = CharField(max_length=32, default='')
        notes = TextField(default='')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'customer'
            indexes = ((('name',), False),)
    db.create_tables([Customer])

    class Contact(Model):
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        name = CharField(max_length=200)
        job_title = CharField(max_length=100, default='')
        email = CharField(max_length=200, default='')
        phone = CharField(max_length=32, default='')
        is_primary = BooleanField(default=False)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'contact'
            indexes = ((('phone',), False),)
    db.create_tables([Contact])

    class Product(Model):
        name = CharField(unique=True, max_length=120)
        current_version = CharField(max_length=40, default='')
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'product'
    db.create_tables([Product])

    class Module(Model):
        product = ForeignKeyField(Product)
        name = CharField(max_length=120)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'module'
            indexes = ((('product', 'name'), True),)
    db.create_tables([Module])

    class Contract(Model):
        customer = ForeignKeyField(Customer)
        reference = CharField(max_length=64)
        product = ForeignKeyField(Product, null=True)
        starts_on = DateField()
        ends_on = DateField()
        notes = TextField(default='')
        cancelled = BooleanField(default=False)
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'contract'
    db.create_tables([Contract])

    class EnhancementRequest(Model):
        product = ForeignKeyField(Product)
        title = CharField(max_length=200)
        description = TextField(default='')
        status = CharField(max_length=16, default='open')
        customer_count = IntegerField(default=0)
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'enhancement_request'
    db.create_tables([EnhancementRequest])

    class Incident(Model):
        number = IntegerField(unique=True)
        reference = CharField(unique=True, max_length=16)
        customer = ForeignKeyField(Customer)
        contact = ForeignKeyField(Contact, null=True, on_delete='SET NULL')
        product = ForeignKeyField(Product)
        module = ForeignKeyField(Module, null=True)
        product_version = CharField(max_length=40, default='')
        subject = CharField(max_length=200)
        description = TextField(default='')
        status = CharField(max_length=24, default='awaiting_payment')
        priority = CharField(max_length=8, default='normal')
        engineer = ForeignKeyField(User, null=True)
        funding = CharField(max_length=16, default='none')
        contract = ForeignKeyField(Contract, null=True)
        funded_at = DateTimeField(null=True)
        work_started_at = DateTimeField(null=True)
        resolution = CharField(null=True, max_length=16)
        resolution_note = TextField(default='')
        resolved_at = DateTimeField(null=True)
        resolved_by = ForeignKeyField(User, null=True)
        closed_at = DateTimeField(null=True)
        enhancement_request = ForeignKeyField(EnhancementRequest, null=True)
        split_from = ForeignKeyField('self', null=True)
        merged_into = ForeignKeyField('self', null=True)
        reopen_count = IntegerField(default=0)
        opened_at = DateTimeField()
        last_activity_at = DateTimeField()
        created_by = ForeignKeyField(User)
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'incident'
            indexes = ((('status', 'last_activity_at', 'id'), False), (('engineer', 'status', 'last_activity_at'), False), (('customer', 'status'), False), (('product', 'status'), False), (('last_activity_at', 'id'), False), (('opened_at', 'id'), False), (('status', 'opened_at', 'id'), False), (('subject', 'id'), False), (('funding', 'last_activity_at', 'id'), False), (('customer', 'last_activity_at', 'id'), False), (('product', 'last_activity_at', 'id'), False), (('engineer', 'last_activity_at', 'id'), False))
    db.create_tables([Incident])

    class CallBack(Model):
        customer = ForeignKeyField(Customer)
        incident = ForeignKeyField(Incident, null=True)
        contact = ForeignKeyField(Contact, null=True, on_delete='SET NULL')
        due_at = DateTimeField()
        note = TextField(default='')
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        done_at = DateTimeField(null=True)
        done_by = ForeignKeyField(User, null=True)
        outcome = TextField(default='')
        class Meta:
            database = db
            table_name = 'call_back'
            indexes = ((('done_at', 'due_at'), False),)
    db.create_tables([CallBack])

    class ChainHead(Model):
        name = CharField(primary_key=True, max_length=32)
        last_hash = CharField(max_length=64)
        length = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'chain_head'
    db.create_tables([ChainHead])

    class Payment(Model):
        receipt_number = IntegerField(unique=True)
        customer = ForeignKeyField(Customer)
        method = CharField(max_length=16)
        net_pence = IntegerField()
        vat_pence = IntegerField()
        gross_pence = IntegerField()
        tendered_pence = IntegerField()
        card_brand = CharField(max_length=24, default='')
        card_last4 = CharField(max_length=4, default='')
        auth_code = CharField(max_length=16, default='')
        bank_reference = CharField(max_length=64, default='')
        full_invoice = BooleanField(default=False)
        customer_name = CharField(max_length=200)
        customer_address = TextField(default='')
        taken_by = ForeignKeyField(User)
        taken_at = DateTimeField()
        prev_hash = CharField(max_length=64)
        row_hash = CharField(max_length=64)
        class Meta:
            database = db
            table_name = 'payment'
            indexes = ((('taken_at',), False),)
    db.create_tables([Payment])

    class CreditNote(Model):
        number = IntegerField(unique=True)
        payment = ForeignKeyField(Payment)
        kind = CharField(max_length=8)
        reason = TextField()
        method = CharField(max_length=16)
        net_pence = IntegerField()
        vat_pence = IntegerField()
        gross_pence = IntegerField()
        issued_by = ForeignKeyField(User)
        issued_at = DateTimeField()
        prev_hash = CharField(max_length=64)
        row_hash = CharField(max_length=64)
        class Meta:
            database = db
            table_name = 'credit_note'
            indexes = ((('issued_at',), False),)
    db.create_tables([CreditNote])

    class SeasonTicket(Model):
        customer = ForeignKeyField(Customer)
        size = IntegerField()
        price_pence = IntegerField()
        purchased_at = DateTimeField()
        expires_at = DateTimeField()
        created_by = ForeignKeyField(User)
        class Meta:
            database = db
            table_name = 'season_ticket'
            indexes = ((('customer', 'expires_at'), False),)
    db.create_tables([SeasonTicket])

    class PaymentLine(Model):
        payment = ForeignKeyField(Payment)
        position = IntegerField()
        kind = CharField(max_length=16)
        incident = ForeignKeyField(Incident, null=True)
        ticket = ForeignKeyField(SeasonTicket, null=True)
        description = CharField(max_length=300)
        net_pence = IntegerField()
        vat_rate_bp = IntegerField()
        vat_pence = IntegerField()
        gross_pence = IntegerField()
        class Meta:
            database = db
            table_name = 'payment_line'
            indexes = ((('payment', 'position'), True),)
    db.create_tables([PaymentLine])

    class CreditNoteLine(Model):
        credit_note = ForeignKeyField(CreditNote)
        payment_line = ForeignKeyField(PaymentLine)
        description = CharField(max_length=300)
        net_pence = IntegerField()
        vat_rate_bp = IntegerField()
        vat_pence = IntegerField()
        gross_pence = IntegerField()
        class Meta:
            database = db
            table_name = 'credit_note_line'
    db.create_tables([CreditNoteLine])

    class EnhancementRequestCustomer(Model):
        request = ForeignKeyField(EnhancementRequest)
        customer = ForeignKeyField(Customer)
        incident = ForeignKeyField(Incident)
        added_by = ForeignKeyField(User)
        added_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'enhancement_request_customer'
            indexes = ((('request', 'incident'), True),)
    db.create_tables([EnhancementRequestCustomer])

    class Escalation(Model):
        incident = ForeignKeyField(Incident, unique=True)
        product = ForeignKeyField(Product)
        product_version = CharField(max_length=40, default='')
        steps_to_reproduce = TextField(default='')
        status = CharField(max_length=24, default='open')
        development_response = TextField(default='')
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'escalation'
    db.create_tables([Escalation])

    class IncidentCount(Model):
        status = CharField(max_length=24)
        engineer_id = IntegerField(default=0)
        product_id = IntegerField(default=0)
        count = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'incident_count'
            indexes = ((('status', 'engineer_id', 'product_id'), True),)
    db.create_tables([IncidentCount])

    class TicketLedger(Model):
        ticket = ForeignKeyField(SeasonTicket)
        kind = CharField(max_length=16)
        delta = IntegerField()
        incident = ForeignKeyField(Incident, null=True)
        reason = TextField(default='')
        user = ForeignKeyField(User)
        created_at = DateTimeField()
        prev_hash = CharField(max_length=64)
        row_hash = CharField(max_length=64)
        class Meta:
            database = db
            table_name = 'ticket_ledger'
            indexes = ((('ticket', 'created_at'), False),)
    db.create_tables([TicketLedger])

    class Waiver(Model):
        incident = ForeignKeyField(Incident)
        kind = CharField(max_length=16)
        reason = TextField()
        granted_by = ForeignKeyField(User)
        granted_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'waiver'
    db.create_tables([Waiver])

    class IncidentFunding(Model):
        incident = ForeignKeyField(Incident)
        kind = CharField(max_length=16)
        payment_line = ForeignKeyField(PaymentLine, null=True)
        ticket_entry = ForeignKeyField(TicketLedger, null=True)
        contract = ForeignKeyField(Contract, null=True)
        waiver = ForeignKeyField(Waiver, null=True)
        active = BooleanField(default=True)
        created_by = ForeignKeyField(User)
        created_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        ended_reason = TextField(default='')
        class Meta:
            database = db
            table_name = 'incident_funding'
            indexes = ((('incident', 'active'), False),)
    db.create_tables([IncidentFunding])

    class OfficeSettings(Model):
        company_name = CharField(max_length=200, default='')
        address = TextField(default='')
        vat_number = CharField(max_length=32, default='')
        phone = CharField(max_length=40, default='')
        email = CharField(max_length=200, default='')
        logo = BlobField(null=True)
        incident_price_pence = IntegerField(default=7500)
        vat_rate_bp = IntegerField(default=2000)
        ticket_incident_price_pence = IntegerField(default=6500)
        ticket_default_size = IntegerField(default=10)
        ticket_validity_days = IntegerField(default=365)
        timezone = CharField(max_length=64, default='Europe/London')
        smtp_host = CharField(max_length=200, default='')
        smtp_port = IntegerField(default=587)
        smtp_user = CharField(max_length=200, default='')
        smtp_password = CharField(max_length=200, default='')
        smtp_from = CharField(max_length=200, default='')
        smtp_starttls = BooleanField(default=True)
        lockout_attempts = IntegerField(default=5)
        lockout_minutes = IntegerField(default=15)
        updated_at = DateTimeField()
        version = IntegerField(default=1)
        class Meta:
            database = db
            table_name = 'office_settings'
    db.create_tables([OfficeSettings])

    class Sequence(Model):
        name = CharField(primary_key=True, max_length=32)
        last_value = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'sequence'
    db.create_tables([Sequence])

    class TimelineEntry(Model):
        incident = ForeignKeyField(Incident)
        kind = CharField(max_length=16)
        author = ForeignKeyField(User, null=True)
        occurred_at = DateTimeField()
        duration_seconds = IntegerField(default=0)
        text = TextField(default='')
        moved_from = ForeignKeyField(Incident, null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'timeline_entry'
            indexes = ((('incident', 'occurred_at'), False),)
    db.create_tables([TimelineEntry])

    # The gap-free sequences and the money chains start here, so the first receipt of a
    # busy morning never races to create its own counter.
    for name in ("receipt", "credit_note", "incident", "customer"):
        db.execute_sql("INSERT INTO sequence (name, last_value) VALUES (%s, 0)"
                       % _param(db), (name,))
    for name in ("payment", "credit_note", "ticket_ledger"):
        db.execute_sql("INSERT INTO chain_head (name, last_hash, length) VALUES (%s, %s, 0)"
                       % (_param(db), _param(db)), (name, "0" * 64))


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS customer_search')
    db.execute_sql('DROP TABLE IF EXISTS incident_search')
    migrator.migrate(migrator.drop_table('timeline_entry'))
    migrator.migrate(migrator.drop_table('sequence'))
    migrator.migrate(migrator.drop_table('office_settings'))
    migrator.migrate(migrator.drop_table('incident_funding'))
    migrator.migrate(migrator.drop_table('waiver'))
    migrator.migrate(migrator.drop_table('ticket_ledger'))
    migrator.migrate(migrator.drop_table('incident_count'))
    migrator.migrate(migrator.drop_table('escalation'))
    migrator.migrate(migrator.drop_table('enhancement_request_customer'))
    migrator.migrate(migrator.drop_table('credit_note_line'))
    migrator.migrate(migrator.drop_table('payment_line'))
    migrator.migrate(migrator.drop_table('season_ticket'))
    migrator.migrate(migrator.drop_table('credit_note'))
    migrator.migrate(migrator.drop_table('payment'))
    migrator.migrate(migrator.drop_table('chain_head'))
    migrator.migrate(migrator.drop_table('call_back'))
    migrator.migrate(migrator.drop_table('incident'))
    migrator.migrate(migrator.drop_table('enhancement_request'))
    migrator.migrate(migrator.drop_table('contract'))
    migrator.migrate(migrator.drop_table('module'))
    migrator.migrate(migrator.drop_table('product'))
    migrator.migrate(migrator.drop_table('contact'))
    migrator.migrate(migrator.drop_table('customer'))
    migrator.migrate(migrator.drop_table('audit_log'))
    migrator.migrate(migrator.drop_table('user'))


def _create_search_tables(db):
    """Indexes for the search box: trigram for customers, words for incidents.

    They are not models (their shape differs by database) and are kept up to date by the
    services that change what they index.
    """
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            "CREATE VIRTUAL TABLE customer_search USING fts5(body, tokenize='trigram')")
        db.execute_sql(
            "CREATE VIRTUAL TABLE incident_search USING fts5("
            "body, tokenize='unicode61 remove_diacritics 2', prefix='2 3')")
    else:
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        db.execute_sql(
            "CREATE TABLE customer_search (rowid INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        db.execute_sql(
            "CREATE INDEX customer_search_trgm ON customer_search "
            "USING gin (body gin_trgm_ops)")
        db.execute_sql(
            "CREATE TABLE incident_search (rowid INTEGER PRIMARY KEY, body TEXT NOT NULL, "
            "tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)")
        db.execute_sql("CREATE INDEX incident_search_tsv ON incident_search USING gin (tsv)")


def _param(db):
    return "?" if isinstance(db, SqliteDatabase) else "%s"
