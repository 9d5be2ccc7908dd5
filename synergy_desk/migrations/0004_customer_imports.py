"""Customer imports written in short batches: the import itself, and the import each customer
came from, so an import that fails part-way is undone whole."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class CustomerImport(Model):
        file_name = CharField(max_length=255)
        state = CharField(max_length=16)
        started_by = ForeignKeyField(User, null=True)
        started_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        heartbeat_at = DateTimeField()
        host = CharField(max_length=255, default='')
        pid = IntegerField(default=0)
        written = IntegerField(default=0)
        sequence_before = IntegerField(null=True)
        sequence_after = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'customer_import'
            indexes = ((('state',), False),)
    db.create_tables([CustomerImport])

    migrator.migrate(
        migrator.add_column('customer', 'customer_import_id',
                            ForeignKeyField(CustomerImport, field=CustomerImport.id, null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('customer', 'customer_import_id'),
        migrator.drop_table('customer_import'),
    )
