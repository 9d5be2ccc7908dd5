"""PostgreSQL finds customers by fragments with punctuation in them through an index.

`pg_trgm` makes its trigrams from letters and digits only: "o'b", "r-0" or "r_s" give it at
most a trigram every word starting with that letter or digit has, so its index handed back
most of the customers to be checked one by one (about 150 ms on 100,000 customers for "r-0",
what a receptionist types on the way to a receipt number). SQLite's trigram table keeps every
character and has no such gap.

A second trigram index is made over the search text with each ASCII punctuation mark written
as two letters or digits ("q" and a code; a "q" itself as "qq"), and a fragment with
punctuation is written the same way to be looked up there. The writing is one character at a
time, so a text that holds the fragment holds its written form too: the index misses nothing,
and the exact match on the text as it is removes the rare extra (a "q" code read across two
marks).
"""
import string

from peewee import *

#: ASCII punctuation, and the code after "q" each is written as.
MARKS = string.punctuation
CODES = "abcdefghijklmnoprstuvwxyz0123456"


def _escape_sql():
    # "q" first, so that the "q" of each code written after is not doubled.
    body = "replace(body, 'q', 'qq')"
    for mark, code in zip(MARKS, CODES, strict=True):
        # Each mark by its code point: no quote, backslash or percent sign in the statement.
        body = f"replace({body}, chr({ord(mark)}), 'q{code}')"
    return body


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION search_marks_written(body text) RETURNS text "
        f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT {_escape_sql()} $$")
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS customer_search_marks ON customer_search "
        "USING gin (search_marks_written(body) gin_trgm_ops)")
    db.execute_sql("ANALYZE customer_search")


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        return
    db.execute_sql("DROP INDEX IF EXISTS customer_search_marks")
    db.execute_sql("DROP FUNCTION IF EXISTS search_marks_written(text)")
