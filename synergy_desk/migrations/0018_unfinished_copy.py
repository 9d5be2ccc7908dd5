"""A database copy-to has not finished filling says so, and no desk opens it.

copy-to moves a large office into PostgreSQL by committing the rows first and then making
the indexes, keys and search over them on two connections at once (a connection cannot see
rows another has not committed). Until the copy has been checked, ``copy_unfinished`` holds a
row for each index or key still to be made (its statement) and one for the check itself; the
copy empties it last. ``open_database`` refuses a database with any row there, and copy-to
copies into it again (what is left to make is made on the emptied tables first). SQLite
copies in one transaction and never writes here.
"""
from peewee import *


def up(migrator, db):
    class CopyUnfinished(Model):
        table_name = CharField(max_length=100, default='')
        kind = CharField(max_length=20)
        statement = TextField(default='')
        class Meta:
            database = db
            table_name = 'copy_unfinished'

    db.create_tables([CopyUnfinished])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('copy_unfinished'))
