"""Moving a single-desk SQLite office into another database, usually a PostgreSQL server.

Every table is copied with its ids, in dependency order and in one transaction on the target
(into PostgreSQL through COPY, the source read a batch at a time): the counters and the
tamper-evident chains come across as they were, the search index is rebuilt from the copied
rows, and the copy is checked (row counts, tamper chains, number sequences) before it is
committed, so a failed copy leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import peewee

from synergy_desk.domain.errors import DatabaseError, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import BaseModel, db
from synergy_desk.models.database import (
    UNFINISHED_COPY_TABLE,
    close_database,
    copy_unfinished,
    describe_url,
    make_database,
    migrate,
    open_database,
)
from synergy_desk.services import search_index
from synergy_desk.services.data.lanes import Piece, run_lanes
from synergy_desk.services.reporting import integrity

__all__ = ["CHECK_STAGE", "CopyResult", "copy_office", "INDEX_STAGE", "ProgressCallback",
           "SEARCH_STAGE"]

log = logging.getLogger(__name__)

#: ``progress(rows done, rows in all, table)``.
ProgressCallback = Callable[[int, int, str], None]

#: The stage the progress callback is given while the search index is rebuilt (the others are
#: table names), on SQLite.
SEARCH_STAGE = "search index"
#: PostgreSQL's stage after the rows: the indexes and foreign keys made again over them, the
#: search texts and their indexes, and the copy's check, all at once (a step for each piece).
INDEX_STAGE = "indexes, search and check"
#: SQLite's last stage: the copy checked (a step for each tamper-evident chain walked).
CHECK_STAGE = "check"
#: Rows per INSERT, kept well under both databases' limit on bound parameters.
_MAX_PARAMS = 30_000
_MAX_ROWS = 1_000
#: Rows read from the source at a time (COPY streams them on; memory stays flat).
_BATCH = 5_000
#: Tables that say an office lives in a database; a target holding any of them is refused.
_OFFICE_TABLES: tuple[tuple[type[BaseModel], str], ...] = (
    (t.User, "user"), (t.Customer, "customer"), (t.Incident, "incident"),
    (t.Payment, "payment"),
)
#: Memory each index build may sort in, on PostgreSQL (the server's default is 64 MB).
_INDEX_MEMORY = "256MB"
#: The search tables, rebuilt from the copied rows.
_SEARCH_TABLES = ("customer_search", "incident_search")
#: Incident columns pointing at other incidents, which may come later in id order.
_SELF_REFERENCES = ("split_from", "merged_into")
#: The tables whose triggers keep the incident list's columns (migration 0015: the names an
#: incident sorts by, its earliest open call-back). Into PostgreSQL those columns are copied
#: as they are, with the triggers off for the load, rather than worked out again row by row;
#: the copy's check compares them with the rows they are kept from.
_TRIGGERED_TABLES = ("incident", "call_back")


@dataclass(frozen=True)
class CopyResult:
    """A finished copy: from where to where, the rows per table, and how long it took."""

    source: str
    target: str
    row_counts: tuple[tuple[str, int], ...]
    seconds: float
    #: Problems the source's own check already reported; the copy carries them unchanged.
    carried_problems: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.row_counts)

    @property
    def total_rows(self) -> int:
        return sum(n for _, n in self.row_counts)


def _sql(database: Any, sql: str, params: Sequence[Any] | None = None) -> Any:
    return database.execute_sql(sql, params)


def _is_postgres() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


def _problems(progress: ProgressCallback | None = None) -> list[str]:
    """The integrity check of whatever database the models are bound to, reported as the
    :data:`CHECK_STAGE` a chain at a time (the numbers, checked last, take a second or two)."""
    walked = (None if progress is None
              else lambda done, chains: progress(done, chains, CHECK_STAGE))
    return ([str(p) for p in integrity.check_tamper(walked)]
            + integrity.check_sequences())


def _original_problems(source: Any) -> list[str]:
    """The original's own check, read through the copy's connection to it: in its read
    transaction, so of the very rows that were copied."""
    with db.reading(source):
        return _problems()


def _models() -> list[type[BaseModel]]:
    """Every model, parents before the tables that point at them."""
    ordered: list[type[BaseModel]] = getattr(peewee, "sort_models")(t.ALL_MODELS)  # noqa: B009
    return ordered


def _batch_rows(model: type[BaseModel]) -> int:
    return max(1, min(_MAX_ROWS, _MAX_PARAMS // max(1, len(model._meta.sorted_fields))))


def _source_batches(source: Any, model: type[BaseModel]) -> Iterator[list[tuple[Any, ...]]]:
    """The source's rows of ``model`` as stored, a batch at a time, in key order."""
    fields = model._meta.sorted_fields
    pk: Any = model._meta.primary_key
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    cursor = _sql(source, f'SELECT {columns} FROM "{model._meta.table_name}" '
                          f'ORDER BY "{pk.column_name}"')
    while batch := cursor.fetchmany(_BATCH):
        yield batch


def _source_rows(source: Any, model: type[BaseModel]) -> Iterator[list[list[Any]]]:
    """The source's rows of ``model`` as Python values, a batch at a time, in key order."""
    fields = model._meta.sorted_fields
    size = _batch_rows(model)
    for raw in _source_batches(source, model):
        for start in range(0, len(raw), size):
            yield [[f.python_value(value) for f, value in zip(fields, row, strict=True)]
                   for row in raw[start:start + size]]


def _counts(database: Any) -> dict[str, int]:
    present = set(database.get_tables())
    return {m._meta.table_name: int(_sql(database, f'SELECT COUNT(*) FROM "{m._meta.table_name}"')
                                    .fetchone()[0])
            for m in t.ALL_MODELS if m._meta.table_name in present}


def _refuse_if_office(display: str) -> None:
    """Refuse a target that already holds an office (it is never overwritten), unless it is
    one a copy did not finish: that one is copied into again."""
    if copy_unfinished(db.obj):
        return
    present = set(db.get_tables())
    found: list[str] = []
    for model, noun in _OFFICE_TABLES:
        table = model._meta.table_name
        if table not in present:
            continue
        n = int(_sql(db, f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])
        if n:
            found.append(f"{n:,} {noun}{'s' if n != 1 else ''}")
    if found:
        raise ValidationError(
            f"{display} already holds an office ({', '.join(found)}); copy-to only copies into "
            "an empty database, so nothing was copied. Create a new, empty database for the "
            "office and copy into that.")


def _empty_target(models: Sequence[type[BaseModel]]) -> None:
    """Clear what a new database starts with (its counters and chain heads, any defaults), or
    what a copy that did not finish left (PostgreSQL: every table at once, by TRUNCATE)."""
    if _is_postgres():
        tables = [m._meta.table_name for m in models] + list(_SEARCH_TABLES)
        # CASCADE: the tables that are not models (desk sessions) point at users.
        _sql(db, "TRUNCATE " + ", ".join(f'"{table}"' for table in tables) + " CASCADE")
        return
    for model in reversed(models):
        model.delete().execute()
    for table in ("customer_search", "incident_search"):
        _sql(db, f"DELETE FROM {table}")


def _insert(model: type[BaseModel], rows: list[list[Any]]) -> None:
    """Insert a batch; a row the target refuses is named (table and id) with the reason."""
    fields = model._meta.sorted_fields
    try:
        with db.atomic():  # a savepoint: after a refusal the transaction can still look
            model.insert_many(rows, fields=fields).as_rowcount().execute()
    except peewee.DatabaseError as exc:
        _name_the_row(model, rows, exc)
        raise


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _refused(model: type[BaseModel], row: Sequence[Any], exc: BaseException) -> DatabaseError:
    """The error naming a row of ``model`` the target refuses, and why."""
    fields = model._meta.sorted_fields
    key = fields.index(model._meta.primary_key)
    name = model._meta.table_name.replace("_", " ")
    controls = [f.name.replace("_", " ") for f, value in zip(fields, row, strict=True)
                if isinstance(value, str) and any(
                    ch not in "\t\n" and unicodedata.category(ch) == "Cc" for ch in value)]
    why = (f"there is a control character (such as NUL) in its "
           f"{' and '.join(controls)} that the database cannot store"
           if controls else _first_line(exc))
    return DatabaseError(
        f"{name} {row[key]}: {why}. Correct that {name} in the office being copied "
        "and copy again. Nothing was copied.")


def _name_the_row(model: type[BaseModel], rows: list[list[Any]],
                  batch_error: peewee.DatabaseError) -> None:
    """Raise DatabaseError naming the first of ``rows`` the target refuses, and why."""
    fields = model._meta.sorted_fields
    for row in rows:
        try:
            with db.atomic():
                model.insert_many([row], fields=fields).as_rowcount().execute()
        except peewee.DatabaseError as exc:
            raise _refused(model, row, exc) from None
    name = model._meta.table_name.replace("_", " ")
    raise DatabaseError(f"{name}: {_first_line(batch_error)}. Nothing was copied.") from None


def _unlinked(model: type[BaseModel], rows: list[tuple[Any, ...]],
              links: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Incidents without their pointers at other incidents, which are noted in ``links``."""
    if model is not t.Incident:
        return rows
    names = [f.name for f in model._meta.sorted_fields]
    positions = [names.index(n) for n in _SELF_REFERENCES]
    key = names.index("id")
    out: list[tuple[Any, ...]] = []
    for row in rows:
        pointers = [row[p] for p in positions]
        if any(p is not None for p in pointers):
            links.append((row[key], *pointers))
            cleared = list(row)
            for p in positions:
                cleared[p] = None
            row = tuple(cleared)
        out.append(row)
    return out


def _relink(links: list[tuple[Any, ...]]) -> None:
    """Put back the incidents' pointers at incidents that may have come after them."""
    for incident_id, split_from, merged_into in links:
        (t.Incident.update(split_from=split_from, merged_into=merged_into)
         .where(t.Incident.id == incident_id).execute())


def _copy_line(exc: BaseException) -> int | None:
    """The line of the COPY data PostgreSQL refused (1 for the first row), when it says."""
    context = getattr(getattr(exc, "diag", None), "context", None) or ""
    found = re.search(r"\bline (\d+)", context)
    return int(found.group(1)) if found else None


def _copy_refusal(source: Any, model: type[BaseModel], exc: BaseException,
                  row: Sequence[Any] | None) -> DatabaseError:
    """The error for a COPY the target refused: the row PostgreSQL names, or the row being
    written when the refusal came from this side (a NUL in its text), else the table."""
    line = _copy_line(exc)
    if line is not None:
        seen = 0
        for rows in _source_batches(source, model):
            if seen + len(rows) >= line:
                row = rows[line - seen - 1]
                break
            seen += len(rows)
    if row is not None:
        return _refused(model, row, exc)
    name = model._meta.table_name.replace("_", " ")
    return DatabaseError(f"{name}: {_first_line(exc)}. Nothing was copied.")


def _copy_table(source: Any, model: type[BaseModel], done: int, total: int,
                progress: ProgressCallback | None) -> int:
    """Copy one table's rows (ids kept); returns the rows done so far in all."""
    if _is_postgres():
        return _copy_table_postgres(source, model, done, total, progress)
    name = model._meta.table_name
    links: list[tuple[Any, ...]] = []
    for rows in _source_rows(source, model):
        _insert(model, [list(r) for r in _unlinked(model, [tuple(r) for r in rows], links)])
        done += len(rows)
        if progress is not None:
            progress(done, total, name)
    _relink(links)
    return done


def _copy_table_postgres(source: Any, model: type[BaseModel], done: int, total: int,
                         progress: ProgressCallback | None) -> int:
    """Copy one table's rows into PostgreSQL through COPY, as the source stores them.

    The text form of COPY takes every value as PostgreSQL reads it typed: the source's
    times, dates, 0/1 flags, pence and text go in as they are, bytes as bytea. The foreign
    keys are set aside while the tables load (:func:`_set_aside`), so an incident that points
    at a later one goes in as it is.
    """
    import psycopg

    name = model._meta.table_name
    columns = ", ".join(f'"{f.column_name}"' for f in model._meta.sorted_fields)
    row: Sequence[Any] | None = None
    try:
        with db.connection().cursor() as cursor, cursor.copy(
                f'COPY "{name}" ({columns}) FROM STDIN') as copy:
            for rows in _source_batches(source, model):
                for row in rows:
                    copy.write_row(row)
                done += len(rows)
                if progress is not None:
                    progress(done, total, name)
    except psycopg.Error as exc:
        raise _copy_refusal(source, model, exc, row) from None
    return done


def _triggers(*, enabled: bool) -> None:
    """PostgreSQL: the triggers that keep what the rows copy as they are, off for the load
    (inside its transaction: nothing else sees the tables meanwhile) and on again after."""
    if not _is_postgres():
        return
    for table in _TRIGGERED_TABLES:
        _sql(db, f'ALTER TABLE "{table}" {"ENABLE" if enabled else "DISABLE"} TRIGGER USER')


def _set_aside(tables: Sequence[str]) -> list[tuple[str, str]]:
    """PostgreSQL: drop the secondary indexes and foreign keys of ``tables`` for the length of
    the load, and return the statements that make them again (each with its table).

    Building an index once over the loaded rows, and checking a foreign key with one join, is
    many times faster than keeping them up to date row by row. The statements are read back
    from the catalog (``pg_get_indexdef``, ``pg_get_constraintdef``), so what is made again is
    exactly what the migrations made; the primary keys and the constraints they back stay,
    and so do the partial indexes (the incident list's over the open incidents: they take a
    few thousand of a million rows, where building one again would read them all).
    It happens inside the transaction that loads the rows, and the statements are noted in
    the database with them (:func:`_note_unfinished`): a copy stopped before they are all
    made again leaves them for the next.
    """
    if not _is_postgres():
        return []
    names = list(tables)
    keys = _sql(db, """
        SELECT c.conname, t.relname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE c.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
          AND t.relname = ANY(%s)
        ORDER BY t.relname, c.conname""", (names,)).fetchall()
    indexes = _sql(db, """
        SELECT i.relname, t.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%s)
          AND NOT x.indisprimary AND x.indpred IS NULL
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
        ORDER BY t.relname, i.relname""", (names,)).fetchall()
    # The keys are dropped first (a key may rest on an index) and made last.
    keys_again: list[tuple[str, str]] = []
    for name, table, definition in keys:
        _sql(db, f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        keys_again.append((table, f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
    indexes_again: list[tuple[str, str]] = []
    for name, table, definition in indexes:
        _sql(db, f'DROP INDEX "{name}"')
        indexes_again.append((table, definition))
    return indexes_again + keys_again


def _make_again(statements: Sequence[tuple[str, str]]) -> None:
    """Make again what :func:`_set_aside` dropped (on rows that are all there now)."""
    for _table, statement in statements:
        _sql(db, statement)


def _write_search(table: str, bodies: list[tuple[int, str]]) -> None:
    """Add rows to a search table: through COPY on PostgreSQL."""
    if _is_postgres():
        with db.connection().cursor() as cursor, cursor.copy(
                f"COPY {table} (rowid, body) FROM STDIN") as copy:
            for body in bodies:
                copy.write_row(body)
    else:
        db.cursor().executemany(f"INSERT INTO {table} (rowid, body) VALUES (?, ?)", bodies)


def _stream(model: type[BaseModel], fields: Sequence[peewee.Field],
            order: Sequence[peewee.Field], name: str) -> Iterator[tuple[Any, ...]]:
    """The target's rows of ``model`` (``fields``, ordered by ``order``), read a batch at a
    time: through a server-side cursor on PostgreSQL, so memory stays flat."""
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    by = ", ".join(f'"{f.column_name}"' for f in order)
    sql = f'SELECT {columns} FROM "{model._meta.table_name}" ORDER BY {by}'
    if _is_postgres():
        with db.connection().cursor(name=f"copy_to_{name}") as cursor:
            cursor.itersize = _BATCH
            cursor.execute(sql)
            yield from cursor
    else:
        yield from db.cursor().execute(sql)


def _grouped(parents: Iterator[tuple[Any, ...]], children: Iterator[tuple[Any, ...]]
             ) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """Each parent (its id first) with its children (the parent's id first); both streams in
    the parents' id order, so one pass over each is enough."""
    child = next(children, None)
    for parent in parents:
        mine: list[tuple[Any, ...]] = []
        while child is not None and child[0] < parent[0]:
            child = next(children, None)
        while child is not None and child[0] == parent[0]:
            mine.append(child)
            child = next(children, None)
        yield parent, mine


def _rebuild_search(progress: ProgressCallback | None) -> None:
    """SQLite: fill the search tables from the copied rows, with the bodies the services index.

    The customers and their contacts, and the incidents and their timelines, are each read
    in one ordered pass (not a query per batch), and the bodies written a batch at a time.
    (PostgreSQL's server writes the incidents' itself, :func:`_incident_bodies_in_sql`, in
    pieces beside the indexes: :func:`_make_the_rest`.)
    """
    total = t.Customer.select().count() + t.Incident.select().count()
    done = _customer_texts(0, total, progress)
    bodies: list[tuple[int, str]] = []
    for (incident_id, reference, subject, description), entries in _grouped(
            _stream(t.Incident, [t.Incident.id, t.Incident.reference, t.Incident.subject,
                                 t.Incident.description], [t.Incident.id], "incidents"),
            _stream(t.TimelineEntry, [t.TimelineEntry.incident, t.TimelineEntry.text],
                    [t.TimelineEntry.incident, t.TimelineEntry.occurred_at, t.TimelineEntry.id],
                    "timeline")):
        incident = t.Incident(reference=reference, subject=subject, description=description)
        bodies.append((incident_id, search_index.incident_body(
            incident, [text for _, text in entries])))
        if len(bodies) == _BATCH:
            done = _write_bodies("incident_search", bodies, done, total, progress)
    _write_bodies("incident_search", bodies, done, total, progress)


def _customer_texts(done: int, total: int, progress: ProgressCallback | None) -> int:
    """Write the customers' search texts (each with its contacts'), read in one ordered pass;
    returns the texts written so far in all."""
    customer_fields = t.Customer._meta.sorted_fields
    contact_fields = [t.Contact.customer, *t.Contact._meta.sorted_fields]
    bodies: list[tuple[int, str]] = []
    for row, contacts in _grouped(
            _stream(t.Customer, customer_fields, [t.Customer.id], "customers"),
            _stream(t.Contact, contact_fields, [t.Contact.customer, t.Contact.id], "contacts")):
        customer = t.Customer(**{f.name: v for f, v in zip(customer_fields, row, strict=True)})
        people = [t.Contact(**{f.name: v for f, v in zip(contact_fields[1:], c[1:], strict=True)})
                  for c in contacts]
        bodies.append((customer.id, search_index.customer_body(customer, people)))
        if len(bodies) == _BATCH:
            done = _write_bodies("customer_search", bodies, done, total, progress)
    return _write_bodies("customer_search", bodies, done, total, progress)


#: Incidents whose search texts one statement writes (the progress moves on between them).
_SEARCH_SLICE = 100_000
#: PostgreSQL: an incident's search text as :func:`search_index.incident_body` makes it (its
#: reference, subject, description and timeline texts, oldest first, those that are empty
#: left out, one to a line), for the incidents with ids in [%s, %s).
_INCIDENT_BODIES = r"""
    INSERT INTO incident_search (rowid, body)
    SELECT i.id, array_to_string(
        ARRAY[NULLIF(i.reference::text, ''), NULLIF(i.subject::text, ''),
              NULLIF(i.description::text, '')]
        || ARRAY(SELECT NULLIF(e.text::text, '') FROM timeline_entry e
                 WHERE e.incident_id = i.id ORDER BY e.occurred_at, e.id),
        E'\n')
    FROM incident i WHERE i.id >= %s AND i.id < %s"""


def _incident_bodies_in_sql(start: int, stop: int) -> None:
    """PostgreSQL: write the search texts of the incidents with ids in [start, stop), on the
    server.

    The text is the product's own (:func:`search_index.incident_body`; a test holds the two
    equal), made where the rows are instead of reading 4 million rows out to join them here.
    """
    _sql(db, _INCIDENT_BODIES, (start, stop))


def _write_bodies(table: str, bodies: list[tuple[int, str]], done: int, total: int,
                  progress: ProgressCallback | None) -> int:
    """Write ``bodies`` to ``table`` and empty the list; the bodies written so far in all."""
    if bodies:
        _write_search(table, bodies)
        done += len(bodies)
        bodies.clear()
        if progress is not None:
            progress(done, total, SEARCH_STAGE)
    return done


def _continue_serials(models: Sequence[type[BaseModel]]) -> None:
    """PostgreSQL: new rows take ids after the copied ones (explicit ids leave SERIALs at 1)."""
    if not isinstance(db.obj, peewee.PostgresqlDatabase):
        return
    for model in models:
        if not isinstance(model._meta.primary_key, peewee.AutoField):
            continue
        table = model._meta.table_name
        key: Any = model._meta.primary_key
        column = key.column_name
        _sql(db, f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                 f'COALESCE(MAX("{column}"), 1), MAX("{column}") IS NOT NULL) FROM "{table}"')


def _analyse(tables: Sequence[str]) -> None:
    """Planner statistics for ``tables`` (the statistics are transactional, like the rows)."""
    for table in tables:
        _sql(db, f'ANALYZE "{table}"')


def _verify(expected: dict[str, int], problems: list[str],
            original: Callable[[], list[str]]) -> list[str]:
    """The copy holds exactly the source's rows, and checks as the source does (its check
    found ``problems``); returns the problems the source already had, which the copy carries.

    The original's own check is asked for (``original``) only when the copy's finds
    anything. A chained row of the copy holds its original's values, so a copy whose every
    row hashes to its recorded hash, in its recorded order, was made from rows that did, and
    its numbers are the original's numbers: a copy that checks clean is a clean office. One
    that does not is held to the original's problems: the same ones are carried (the office
    had them), any other means the copy went wrong.
    """
    copied = _counts(db)
    wrong = [f"{name} ({copied.get(name, 0):,} of {n:,})" for name, n in expected.items()
             if copied.get(name, 0) != n]
    if wrong:
        raise DatabaseError(f"The copy is incomplete: {', '.join(wrong)}. Nothing was copied.")
    for index, model, what in (("customer_search", t.Customer, "customer"),
                               ("incident_search", t.Incident, "incident")):
        searched = int(_sql(db, f"SELECT COUNT(*) FROM {index}").fetchone()[0])
        if searched != expected.get(model._meta.table_name, 0):
            raise DatabaseError(f"The copy's {what} search index is incomplete. Nothing was "
                                "copied.")
    if not problems:
        return []
    carried = original()
    if problems != carried:
        new = [p for p in problems if p not in carried] or problems
        raise DatabaseError(f"The copy does not check as the original does ({new[0]}); was "
                            "the office in use while it was copied? Nothing was copied.")
    return carried


#: Connections that make a PostgreSQL copy's indexes, keys and search texts at once.
_LANES = 2
#: What a row of ``copy_unfinished`` stands for: an index or a key still to make (its
#: statement), or the check still to pass.
_INDEX, _KEY, _CHECK = "index", "key", "check"
#: The advisory lock a copy holds on its PostgreSQL target while it fills it (any fixed
#: number: "SyCp"), so that two copies into one database do not run at once.
_COPY_LOCK = 0x53794370
#: The name the copy's sessions go by while they work (``application_name``).
_COPY_SESSION = "synergy-desk copy-to"


def _copy_into_postgres(source: Any, models: Sequence[type[BaseModel]],
                        expected: dict[str, int], display: str, filled: Sequence[str],
                        progress: ProgressCallback | None) -> list[str]:
    """Copy into PostgreSQL: the rows in one transaction, then the rest on two connections.

    The rows are committed with the indexes and keys they load without, and with a note of
    what is left (:func:`_note_unfinished`): until it is gone no desk opens the database
    (``open_database`` refuses it). Then the indexes, keys, search texts and statistics are
    made on :data:`_LANES` connections at once while this one checks the copy; only when all
    of it is done and the check holds is the note taken away. A copy that fails after the
    commit is emptied again (:func:`_abandon`); one that is stopped outright is emptied by
    the next copy into the same database. Returns the problems the original carries.
    """
    if not _sql(db, "SELECT pg_try_advisory_lock(%s)", (_COPY_LOCK,)).fetchone()[0]:
        raise ValidationError(f"Another copy-to is copying into {display} now, so nothing was "
                              "copied. Wait for it to finish, or copy into another empty "
                              "database.")
    try:
        with db.atomic():
            _named_as_the_copy()
            _refuse_if_office(display)  # again, under the transaction
            # What a new database starts with, put back if the copy fails after its commit.
            seeds = None if copy_unfinished(db.obj) else _rows_of(models)
            _start_again(models)
            _empty_target(models)
            again = (_set_aside([m._meta.table_name for m in models])
                     + _set_aside(_SEARCH_TABLES))
            _triggers(enabled=False)
            done = 0
            for model in models:
                done = _copy_table(source, model, done, sum(expected.values()), progress)
            _triggers(enabled=True)
            _continue_serials(models)
            _note_unfinished(again)
        try:
            carried = _make_the_rest(again, expected, filled, source, progress)
        except BaseException:
            _abandon(models, seeds)
            raise
        _sql(db, f'DELETE FROM "{UNFINISHED_COPY_TABLE}"')
    finally:
        # A connection lost took its session's lock with it.
        with contextlib.suppress(peewee.PeeweeException):
            _sql(db, "SELECT pg_advisory_unlock(%s)", (_COPY_LOCK,))
    return carried


def _left_to_make() -> list[tuple[str, str]]:
    """The indexes and keys a copy noted and has not made yet (table and statement), in
    the order they are to be made."""
    return [(table, statement) for table, statement in _sql(
        db, f'SELECT table_name, statement FROM "{UNFINISHED_COPY_TABLE}" '
            "WHERE kind <> %s ORDER BY id", (_CHECK,)).fetchall()]


def _start_again(models: Sequence[type[BaseModel]]) -> None:
    """Empty what a copy that did not finish left, and make on the emptied tables the indexes
    and keys it had not made yet, so the copy starts from the office's whole schema.

    A copy whose program was stopped outright may have left its statements running on the
    server (an index takes a minute to find its client gone), holding the tables: they are
    ended first. None belongs to a copy still running: this one holds the copy's lock.
    """
    if not copy_unfinished(db.obj):
        return
    _sql(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
             "WHERE datname = current_database() AND pid <> pg_backend_pid() "
             "AND application_name = %s", (_COPY_SESSION,))
    _empty_target(models)
    _make_again(_left_to_make())
    _sql(db, f'DELETE FROM "{UNFINISHED_COPY_TABLE}"')


def _note_unfinished(again: Sequence[tuple[str, str]]) -> None:
    """Note, with the rows, each index and key still to make, and the check still to pass."""
    rows = [(table, _KEY if statement.startswith("ALTER TABLE") else _INDEX, statement)
            for table, statement in again]
    rows.append(("", _CHECK, ""))
    db.cursor().executemany(
        f'INSERT INTO "{UNFINISHED_COPY_TABLE}" (table_name, kind, statement) '
        "VALUES (%s, %s, %s)", rows)


def _make_noted(statement: str) -> None:
    """Make one noted index or key, and strike it from the note in the same transaction."""
    with db.atomic():
        # Each index is built once, over millions of rows: sort in memory.
        _sql(db, f"SET LOCAL maintenance_work_mem = '{_INDEX_MEMORY}'")
        _sql(db, "SET LOCAL max_parallel_maintenance_workers = 0")
        _sql(db, statement)
        _sql(db, f'DELETE FROM "{UNFINISHED_COPY_TABLE}" WHERE statement = %s', (statement,))


def _rows_of(models: Sequence[type[BaseModel]]) -> dict[type[BaseModel], list[tuple[Any, ...]]]:
    """The rows of a database that holds no office yet (its counters and chain heads: a few)."""
    found: dict[type[BaseModel], list[tuple[Any, ...]]] = {}
    for model in models:
        rows: list[tuple[Any, ...]] = list(
            model.select(*model._meta.sorted_fields).tuples())  # type: ignore[arg-type]
        if rows:
            found[model] = rows
    return found


def _abandon(models: Sequence[type[BaseModel]],
             seeds: dict[type[BaseModel], list[tuple[Any, ...]]] | None) -> None:
    """After a failure past the commit: empty the copy, and make on the emptied tables what
    was left to make. A database that was new gets back what it started with and is as it
    was found; one a copy had not finished before stays noted as unfinished (no desk opens
    it) for the next copy."""
    try:
        with db.atomic():
            _empty_target(models)
            _make_again(_left_to_make())
            if seeds is None:
                _sql(db, f'DELETE FROM "{UNFINISHED_COPY_TABLE}" WHERE kind <> %s', (_CHECK,))
                return
            for model, rows in seeds.items():
                model.insert_many(rows, fields=model._meta.sorted_fields).execute()
            _continue_serials(models)
            _sql(db, f'DELETE FROM "{UNFINISHED_COPY_TABLE}"')
    except Exception:  # noqa: BLE001 - the failure itself is raised; the next copy empties it
        log.exception("Could not empty the unfinished copy; the next copy-to into it will")


class _Tally:
    """The steps of the work after the rows, counted from every lane for one progress line."""

    def __init__(self, total: int, progress: ProgressCallback | None) -> None:
        self.done = 0
        self.total = total
        self.progress = progress
        self.lock = threading.Lock()

    def step(self) -> None:
        with self.lock:
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, self.total, INDEX_STAGE)


def _make_the_rest(again: Sequence[tuple[str, str]], expected: dict[str, int],
                   filled: Sequence[str], source: Any,
                   progress: ProgressCallback | None) -> list[str]:
    """After the rows are committed: make the indexes, keys, search texts and statistics on
    :data:`_LANES` connections, each piece once what it reads is there, and check the copy
    on this one meanwhile; returns the problems the original carries."""
    indexes = [(table, s) for table, s in again if not s.startswith("ALTER TABLE")]
    keys = [s for _table, s in again if s.startswith("ALTER TABLE")]
    timeline = [s for table, s in indexes if table == "timeline_entry"]
    # The search tables' indexes, the largest table's first: the incidents' word index is the
    # longest piece of all, and the copy ends no sooner than it does.
    sizes = {"incident_search": expected.get("incident", 0),
             "customer_search": expected.get("customer", 0)}
    searched = [s for table, s in sorted(
        (i for i in indexes if i[0] in _SEARCH_TABLES), key=lambda i: -sizes.get(i[0], 0))]
    rest = [s for table, s in indexes if table != "timeline_entry" and table not in _SEARCH_TABLES]
    rest.sort(key=lambda s: not s.startswith("CREATE UNIQUE INDEX"))  # what the keys wait for

    pieces: list[Piece] = []

    def add(name: str, run: Callable[[], None], after: Sequence[str] = ()) -> str:
        pieces.append(Piece(name, run, frozenset(after)))
        return name

    def make(statement: str) -> Callable[[], None]:
        return lambda: _make_noted(statement)

    # The timeline's indexes first: the incidents' search texts read the timeline by them.
    timeline_made = [add(f"index {n}", make(s)) for n, s in enumerate(timeline)]
    # Every table's statistics, before the statements planned with them (the search texts,
    # the keys' checks), and once: a plain column's statistics do not wait for its index.
    counted = [add(f"statistics of {table}", functools.partial(_analyse, [table]),
                   timeline_made if table == "timeline_entry" else ()) for table in filled]
    texts = [add("customers' search texts", _customers_in_lane, counted)]
    lowest, highest = _sql(db, "SELECT MIN(id), MAX(id) FROM incident").fetchone()
    if lowest is not None:
        for start in range(lowest, highest + 1, _SEARCH_SLICE):
            texts.append(add(f"incidents' search texts from {start}",
                             _slice_in_lane(start, start + _SEARCH_SLICE), counted))
    search_made = [add(f"search index {n}", make(s), texts) for n, s in enumerate(searched)]
    add("statistics of the search", lambda: _analyse(_SEARCH_TABLES), search_made)

    def make_keys() -> None:  # one after another: each locks two tables
        for statement in keys:
            _make_noted(statement)

    # A key needs no index but the unique one it points at (the primary keys stayed): the
    # keys are made while the other indexes are.
    rest_names = [f"index {len(timeline) + n}" for n in range(len(rest))]
    unique = [name for name, s in zip(rest_names, rest, strict=True)
              if s.startswith("CREATE UNIQUE INDEX")]
    add("keys", make_keys, [*counted, *unique])
    made = timeline_made + [add(name, make(s)) for name, s in zip(rest_names, rest, strict=True)]
    add("statistics of the indexes on expressions", _analyse_expressions, made)

    pieces = [Piece(p.name, _as_the_copy(p.run), p.after) for p in pieces]
    tally = _Tally(len(pieces) + 1, progress)  # a step a piece, and one for the check

    def check() -> list[str]:
        found = _problems()
        tally.step()
        return found

    # The check (Python, a core of its own) starts once the search texts are written: they
    # lead to the longest piece, the incidents' word index, and should not share a core.
    problems: list[str] = run_lanes(pieces, _LANES, beside=check, beside_after=frozenset(texts),
                                    done_callback=lambda _done, _total: tally.step())
    return _verify(expected, problems, lambda: _original_problems(source))


def _analyse_expressions() -> None:
    """Statistics again of the tables (the search's aside) with an index over an expression,
    which has statistics of its own, once their indexes are made."""
    tables = [name for (name,) in _sql(db, """
        SELECT DISTINCT t.relname FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace AND x.indexprs IS NOT NULL
        ORDER BY t.relname""").fetchall() if name not in _SEARCH_TABLES]
    _analyse(tables)


def _as_the_copy(run: Callable[[], None]) -> Callable[[], None]:
    """``run`` with its session named as the copy's."""
    def named() -> None:
        _named_as_the_copy(for_the_transaction=False)
        try:
            run()
        finally:
            # The lane's connection goes back to the pool (one lost has nothing to reset).
            with contextlib.suppress(peewee.PeeweeException):
                _sql(db, "RESET application_name")
    return named


def _named_as_the_copy(*, for_the_transaction: bool = True) -> None:
    """Name the session as the copy's (see :func:`_start_again`), for the transaction it is
    in or until it is reset."""
    _sql(db, "SELECT set_config('application_name', %s, %s)",
         (_COPY_SESSION, for_the_transaction))


def _customers_in_lane() -> None:
    with db.atomic():  # the texts are read through server-side cursors, which need one
        _customer_texts(0, 0, None)


def _slice_in_lane(start: int, stop: int) -> Callable[[], None]:
    def write() -> None:
        with db.atomic():
            _incident_bodies_in_sql(start, stop)
    return write


def copy_office(source_url: str, target_url: str, *,
                progress: ProgressCallback | None = None) -> CopyResult:
    """Copy the SQLite office at ``source_url`` into the empty database at ``target_url``.

    The target's schema is created (or brought up to date); every table is copied in
    dependency order with its ids, the counters and chain heads replaced by the source's,
    the search tables rebuilt, PostgreSQL's id sequences moved past the copied ids, every
    table it filled analysed for PostgreSQL's query planner, and the whole copy checked, all
    in one transaction (a SQLite target's tables are analysed once it is committed). The
    models stay bound to the target.

    Raises:
        ValidationError: the source is not a SQLite office, the target is the source, or the
            target already holds an office; nothing was copied.
        DatabaseError: either database cannot be opened, or the copy failed its check
            (nothing was copied).
    """
    started = time.perf_counter()
    source_info = describe_url(source_url)
    target_info = describe_url(target_url)
    if source_info.kind != "sqlite" or source_info.path is None:
        raise ValidationError("copy-to moves a SQLite office; the database to copy from must "
                              "be a SQLite file.")
    if not source_info.path.is_file():
        raise ValidationError(f"There is no database at {source_info.path} to copy.")
    if target_info.path is not None and (
            target_info.path.resolve() == source_info.path.resolve()):
        raise ValidationError("The office cannot be copied onto itself; give another database.")

    # The source is opened as every command opens it (brought up to date, backed up first);
    # its own check, which the copy is held to, is taken while the copy runs.
    close_database()
    open_database(source_url)
    close_database()

    open_database(target_url, migrate_schema=False, unfinished_copy=True)
    _refuse_if_office(target_info.display)
    try:
        migrate(db.obj, target_info.path)
    except peewee.PeeweeException as exc:
        raise DatabaseError(f"Cannot create the office's tables in {target_info.display}: "
                            f"{str(exc).strip().splitlines()[0]}") from None

    source = make_database(source_url)
    source.connect()
    models = _models()
    try:
        # One read transaction: every table is read from the same moment of the source.
        _sql(source, "BEGIN")
        expected = _counts(source)
        total = sum(expected.values())
        done = 0
        filled = [m._meta.table_name for m in models if expected.get(m._meta.table_name)]
        if _is_postgres():
            carried = _copy_into_postgres(source, models, expected, target_info.display,
                                          filled, progress)
        else:
            with db.atomic():
                _refuse_if_office(target_info.display)  # again, under the transaction
                _empty_target(models)
                for model in models:
                    done = _copy_table(source, model, done, total, progress)
                _rebuild_search(progress)
                carried = _verify(expected, _problems(progress),
                                  lambda: _original_problems(source))
        _sql(source, "ROLLBACK")
    finally:
        source.close()
    if not _is_postgres():
        # SQLite's statistics for every table filled (PostgreSQL's were taken with the
        # indexes; autovacuum would have left the small tables, users and products, without
        # any until they changed).
        _analyse(filled)
    counts = tuple((m._meta.table_name, expected.get(m._meta.table_name, 0))
                   for m in t.ALL_MODELS)
    log.info("Copied %s to %s: %d rows", source_info.display, target_info.display,
             sum(n for _, n in counts))
    return CopyResult(source_info.display, target_info.display, counts,
                      round(time.perf_counter() - started, 3), tuple(carried))
