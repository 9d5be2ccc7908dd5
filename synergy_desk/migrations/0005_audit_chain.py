"""The audit log's own tamper-evident chain: each row carries the hash of its content and of
the row before it, like the money rows; the rows already written are chained once, in the
order they were written."""
from peewee import *

from synergy_desk.services.common import GENESIS_HASH, row_hash

_BATCH = 1000


def up(migrator, db):
    # The database's own default too: a row slipped in by hand without them is stored (and
    # breaks the chain, which is how it is found).
    migrator.migrate(
        migrator.add_column('audit_log', 'prev_hash', CharField(
            max_length=64, default='', constraints=[SQL("DEFAULT ''")])),
        migrator.add_column('audit_log', 'row_hash', CharField(
            max_length=64, default='', constraints=[SQL("DEFAULT ''")])),
    )

    class AuditLog(Model):
        at = DateTimeField()
        user = IntegerField(column_name='user_id', null=True)
        action = CharField(max_length=48)
        entity = CharField(max_length=32)
        entity_id = CharField(max_length=32)
        before = TextField()
        after = TextField()
        prev_hash = CharField(max_length=64)
        row_hash = CharField(max_length=64)
        class Meta:
            database = db
            table_name = 'audit_log'

    class ChainHead(Model):
        name = CharField(max_length=32, primary_key=True)
        last_hash = CharField(max_length=64)
        length = IntegerField()
        class Meta:
            database = db
            table_name = 'chain_head'

    content_fields = ('at', 'user', 'action', 'entity', 'entity_id', 'before', 'after')
    last_id = 0
    prev = GENESIS_HASH
    count = 0
    while True:
        rows = list(AuditLog.select().where(AuditLog.id > last_id)
                    .order_by(AuditLog.id).limit(_BATCH))
        if not rows:
            break
        for row in rows:
            content = {name: AuditLog._meta.fields[name].db_value(getattr(row, name))
                       for name in content_fields}
            new = row_hash(prev, content)
            (AuditLog.update(prev_hash=prev, row_hash=new)
             .where(AuditLog.id == row.id).execute())
            prev = new
            count += 1
        last_id = rows[-1].id
    ChainHead.delete().where(ChainHead.name == 'audit').execute()
    ChainHead.insert(name='audit', last_hash=prev, length=count).execute()
    # What the log recorded of users, tickets, settings... before now was written by versions
    # that did not record every change of them: the check compares records only with the
    # images written after the last row chained here (an office made new: all of them).
    ChainHead.delete().where(ChainHead.name == 'audit.images_after').execute()
    ChainHead.insert(name='audit.images_after', last_hash=prev, length=last_id).execute()


def down(migrator, db):
    db.execute_sql("DELETE FROM chain_head WHERE name IN ('audit', 'audit.images_after')")
    migrator.migrate(
        migrator.drop_column('audit_log', 'row_hash'),
        migrator.drop_column('audit_log', 'prev_hash'),
    )
