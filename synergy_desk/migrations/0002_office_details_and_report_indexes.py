"""The office's details as they were when each document was issued; indexes for the reports
and the audit log."""
import datetime

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class OfficeDetails(Model):
        valid_from = DateTimeField()
        company_name = CharField(max_length=200, default='')
        address = TextField(default='')
        vat_number = CharField(max_length=32, default='')
        phone = CharField(max_length=40, default='')
        email = CharField(max_length=200, default='')
        logo = BlobField(null=True)
        timezone = CharField(max_length=64, default='Europe/London')
        recorded_by = ForeignKeyField(User, null=True)
        recorded_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'office_details'
            indexes = ((('valid_from',), False),)
    db.create_tables([OfficeDetails])

    # Documents issued before this change were printed with the settings as they stand now:
    # those details are in force from the beginning of time.
    p = "?" if isinstance(db, SqliteDatabase) else "%s"
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    db.execute_sql(
        "INSERT INTO office_details (valid_from, company_name, address, vat_number, phone, "
        "email, logo, timezone, recorded_by_id, recorded_at) "
        "SELECT %s, company_name, address, vat_number, phone, email, logo, timezone, NULL, %s "
        "FROM office_settings WHERE id = (SELECT MIN(id) FROM office_settings)" % (p, p),
        ("1970-01-01 00:00:00", now.strftime("%Y-%m-%d %H:%M:%S.%f")))

    migrator.migrate(
        migrator.add_index('incident', ('resolved_at',), False),
        migrator.add_index('incident', ('closed_at',), False),
        migrator.add_index('waiver', ('granted_at',), False),
        migrator.add_index('season_ticket', ('purchased_at',), False),
        migrator.add_index('ticket_ledger', ('kind', 'created_at'), False),
        migrator.add_index('audit_log', ('action', 'at'), False),
        migrator.add_index('audit_log', ('user_id', 'at'), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index('audit_log', 'audit_log_user_id_at'),
        migrator.drop_index('audit_log', 'audit_log_action_at'),
        migrator.drop_index('ticket_ledger', 'ticket_ledger_kind_created_at'),
        migrator.drop_index('season_ticket', 'season_ticket_purchased_at'),
        migrator.drop_index('waiver', 'waiver_granted_at'),
        migrator.drop_index('incident', 'incident_closed_at'),
        migrator.drop_index('incident', 'incident_resolved_at'),
        migrator.drop_table('office_details'),
    )
