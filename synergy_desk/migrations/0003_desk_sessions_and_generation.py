"""The desks open on the office (each beats while its window is open), and the office's
generation, which every restore changes so that an open desk notices its database was
replaced."""
import datetime
import uuid

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class OfficeGeneration(Model):
        id = IntegerField(primary_key=True)
        value = CharField(max_length=64)
        changed_at = DateTimeField()
        reason = CharField(max_length=300, default='')
        class Meta:
            database = db
            table_name = 'office_generation'

    class DeskSession(Model):
        token = CharField(max_length=64, unique=True)
        user = ForeignKeyField(User, null=True)
        computer = CharField(max_length=200, default='')
        process_id = IntegerField(default=0)
        program = CharField(max_length=100, default='')
        started_at = DateTimeField()
        last_seen_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'desk_session'
            indexes = ((('last_seen_at',), False),)

    db.create_tables([OfficeGeneration, DeskSession])
    p = "?" if isinstance(db, SqliteDatabase) else "%s"
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    db.execute_sql(
        "INSERT INTO office_generation (id, value, changed_at, reason) VALUES (1, %s, %s, %s)"
        % (p, p, p),
        (uuid.uuid4().hex, now.strftime("%Y-%m-%d %H:%M:%S.%f"), "created"))


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('desk_session'),
        migrator.drop_table('office_generation'),
    )
