"""E-mail: the support mailbox's settings (IMAP server, the attachment limit, the flood limit,
the acknowledgement and the signature), the mailbox as the desks share it (the fetching desk's
lease and how far the folder has been read), every message in and out with its attachments
(kept in the database), and which timeline entries show each message."""
from peewee import *


def up(migrator, db):
    # The database's own defaults too: a row written by hand without them still inserts.
    migrator.migrate(
        migrator.add_column('office_settings', 'imap_host', CharField(
            max_length=200, default='', constraints=[SQL("DEFAULT ''")])),
        migrator.add_column('office_settings', 'imap_port', IntegerField(
            default=993, constraints=[SQL("DEFAULT 993")])),
        migrator.add_column('office_settings', 'imap_security', CharField(
            max_length=8, default='ssl', constraints=[SQL("DEFAULT 'ssl'")])),
        migrator.add_column('office_settings', 'imap_user', CharField(
            max_length=200, default='', constraints=[SQL("DEFAULT ''")])),
        migrator.add_column('office_settings', 'imap_password', CharField(
            max_length=200, default='', constraints=[SQL("DEFAULT ''")])),
        migrator.add_column('office_settings', 'imap_folder', CharField(
            max_length=200, default='INBOX', constraints=[SQL("DEFAULT 'INBOX'")])),
        migrator.add_column('office_settings', 'mail_attachment_limit_kb', IntegerField(
            default=10240, constraints=[SQL("DEFAULT 10240")])),
        migrator.add_column('office_settings', 'mail_flood_limit', IntegerField(
            default=20, constraints=[SQL("DEFAULT 20")])),
        migrator.add_column('office_settings', 'mail_acknowledge', BooleanField(
            default=False, constraints=[SQL("DEFAULT FALSE")])),
        migrator.add_column('office_settings', 'mail_signature', TextField(
            default='', constraints=[SQL("DEFAULT ''")])),
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

    class Incident(Model):
        class Meta:
            database = db
            table_name = 'incident'

    class TimelineEntry(Model):
        class Meta:
            database = db
            table_name = 'timeline_entry'

    class MailboxState(Model):
        name = CharField(max_length=32, unique=True)
        mailbox_key = CharField(max_length=700, default='')
        holder = CharField(max_length=200, default='')
        lease_until = DateTimeField(null=True)
        uid_validity = BigIntegerField(null=True)
        last_uid = BigIntegerField(default=0)
        last_fetch_at = DateTimeField(null=True)
        last_error = TextField(default='')

        class Meta:
            database = db
            table_name = 'mailbox_state'

    class EmailMessage(Model):
        direction = CharField(max_length=3)
        state = CharField(max_length=12)
        message_id = CharField(max_length=255, unique=True)
        in_reply_to = CharField(max_length=255, default='')
        reference_ids = TextField(default='')
        uid_validity = BigIntegerField(null=True)
        uid = BigIntegerField(null=True)
        from_address = CharField(max_length=320, default='')
        from_name = CharField(max_length=200, default='')
        to_addresses = TextField(default='')
        cc_addresses = TextField(default='')
        subject = TextField(default='')
        body_text = TextField(default='')
        sent_at = DateTimeField(null=True)
        received_at = DateTimeField()
        size_bytes = IntegerField(default=0)
        auto_reply = BooleanField(default=False)
        masked = BooleanField(default=False)
        customer = ForeignKeyField(Customer, null=True, backref='+', on_delete='SET NULL')
        contact = ForeignKeyField(Contact, null=True, backref='+', on_delete='SET NULL')
        incident = ForeignKeyField(Incident, null=True, backref='+')
        note = TextField(default='')
        sorted_by = ForeignKeyField(User, null=True, backref='+')
        sorted_at = DateTimeField(null=True)
        written_by = ForeignKeyField(User, null=True, backref='+')
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(null=True)
        claimed_until = DateTimeField(null=True)
        last_error = TextField(default='')
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = 'email_message'
            indexes = ((('uid_validity', 'uid'), False),
                       (('direction', 'state', 'received_at'), False),
                       (('from_address', 'received_at'), False), (('incident',), False))

    class EmailAttachment(Model):
        message = ForeignKeyField(EmailMessage, backref='+', on_delete='CASCADE')
        position = IntegerField()
        filename = CharField(max_length=255)
        content_type = CharField(max_length=127, default='application/octet-stream')
        size_bytes = IntegerField(default=0)
        data = BlobField(null=True)

        class Meta:
            database = db
            table_name = 'email_attachment'
            indexes = ((('message', 'position'), True),)

    class EmailLink(Model):
        message = ForeignKeyField(EmailMessage, backref='+', on_delete='CASCADE')
        incident = ForeignKeyField(Incident, backref='+')
        entry = ForeignKeyField(TimelineEntry, unique=True, backref='+')

        class Meta:
            database = db
            table_name = 'email_link'
            indexes = ((('message', 'incident'), False), (('incident',), False))
    db.create_tables([MailboxState, EmailMessage, EmailAttachment, EmailLink])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('email_link'),
        migrator.drop_table('email_attachment'),
        migrator.drop_table('email_message'),
        migrator.drop_table('mailbox_state'),
        migrator.drop_column('office_settings', 'mail_signature'),
        migrator.drop_column('office_settings', 'mail_acknowledge'),
        migrator.drop_column('office_settings', 'mail_flood_limit'),
        migrator.drop_column('office_settings', 'mail_attachment_limit_kb'),
        migrator.drop_column('office_settings', 'imap_folder'),
        migrator.drop_column('office_settings', 'imap_password'),
        migrator.drop_column('office_settings', 'imap_user'),
        migrator.drop_column('office_settings', 'imap_port'),
        migrator.drop_column('office_settings', 'imap_security'),
        migrator.drop_column('office_settings', 'imap_host'),
    )
