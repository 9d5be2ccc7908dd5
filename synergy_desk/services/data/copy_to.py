"""Moving a single-desk SQLite office into another database, usually a PostgreSQL server.

Every table is copied with its ids, in dependency order and in one transaction on the target
(into PostgreSQL through COPY, the source read a batch at a time): the counters and the
tamper-evident chains come across as they were, the search index is rebuilt from the copied
rows, and the copy is checked (row counts, tamper chains, number sequences) before it is
committed, so a failed copy leaves nothing behind.
"""

from __future__ import annotations

import logging
import re
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
    close_database,
    describe_url,
    make_database,
    migrate,
    open_database,
)
from synergy_desk.services import search_index
from synergy_desk.services.reporting import integrity

__all__ = ["CHECK_STAGE", "CopyResult", "copy_office", "INDEX_STAGE", "ProgressCallback",
           "SEARCH_INDEX_STAGE", "SEARCH_STAGE"]

log = logging.getLogger(__name__)

#: ``progress(rows done, rows in all, table)``.
ProgressCallback = Callable[[int, int, str], None]

#: The stage the progress callback is given while the search index is rebuilt (the others are
#: table names).
SEARCH_STAGE = "search index"
#: The stage while PostgreSQL's indexes and foreign keys are made again over the loaded rows.
INDEX_STAGE = "indexes"
#: The stage while the search tables' indexes are made over their rebuilt texts (PostgreSQL).
SEARCH_INDEX_STAGE = "search indexes"
#: The last stage: the copy checked (a step for each tamper-evident chain walked).
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
    """Refuse a target that already holds an office (it is never overwritten)."""
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
    """Clear what a new database starts with (its counters and chain heads, any defaults)."""
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


def _set_aside(tables: Sequence[str]) -> list[str]:
    """PostgreSQL: drop the secondary indexes and foreign keys of ``tables`` for the length of
    the load, and return the statements that make them again.

    Building an index once over the loaded rows, and checking a foreign key with one join, is
    many times faster than keeping them up to date row by row. The statements are read back
    from the catalog (``pg_get_indexdef``, ``pg_get_constraintdef``), so what is made again is
    exactly what the migrations made; the primary keys and the constraints they back stay,
    and so do the partial indexes (the incident list's over the open incidents: they take a
    few thousand of a million rows, where building one again would read them all).
    All of it happens inside the copy's transaction: a failed copy rolls it back too.
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
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(%s)
          AND NOT x.indisprimary AND x.indpred IS NULL
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
        ORDER BY t.relname, i.relname""", (names,)).fetchall()
    again: list[str] = []
    for name, table, definition in keys:
        _sql(db, f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        again.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for name, definition in indexes:
        _sql(db, f'DROP INDEX "{name}"')
        again.insert(0, definition)  # the indexes before the keys that may use them
    return again


def _make_again(statements: Sequence[str], progress: ProgressCallback | None,
                stage: str = INDEX_STAGE) -> None:
    """Make again what :func:`_set_aside` dropped (on rows that are all there now)."""
    for done, statement in enumerate(statements, 1):
        _sql(db, statement)
        if progress is not None:
            progress(done, len(statements), stage)


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
    """Fill the search tables from the copied rows, with the bodies the services index.

    The customers and their contacts, and the incidents and their timelines, are each read
    in one ordered pass (not a query per batch), and the bodies written a batch at a time;
    on PostgreSQL the server writes the incidents' itself (:func:`_incident_bodies_in_sql`).
    """
    total = t.Customer.select().count() + t.Incident.select().count()
    done = 0
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
    done = _write_bodies("customer_search", bodies, done, total, progress)
    if _is_postgres():
        _incident_bodies_in_sql(done, total, progress)
        return
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


def _incident_bodies_in_sql(done: int, total: int, progress: ProgressCallback | None) -> None:
    """PostgreSQL: write the incidents' search texts on the server, a slice of ids at a time.

    The text is the product's own (:func:`search_index.incident_body`; a test holds the two
    equal), made where the rows are instead of reading 4 million rows out to join them here.
    """
    lowest, highest = _sql(db, "SELECT MIN(id), MAX(id) FROM incident").fetchone()
    if lowest is None:
        return
    for start in range(lowest, highest + 1, _SEARCH_SLICE):
        written = _sql(db, _INCIDENT_BODIES, (start, start + _SEARCH_SLICE)).rowcount
        done += written
        if progress is not None:
            progress(done, total, SEARCH_STAGE)


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


def _verify(expected: dict[str, int], original: Callable[[], list[str]],
            progress: ProgressCallback | None = None) -> list[str]:
    """The copy holds exactly the source's rows, and checks as the source does; returns the
    problems the source already had, which the copy carries.

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
    problems = _problems(progress)
    if not problems:
        return []
    carried = original()
    if problems != carried:
        new = [p for p in problems if p not in carried] or problems
        raise DatabaseError(f"The copy does not check as the original does ({new[0]}); was "
                            "the office in use while it was copied? Nothing was copied.")
    return carried


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

    open_database(target_url, migrate_schema=False)
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
        with db.atomic():
            _refuse_if_office(target_info.display)  # again, under the transaction
            _empty_target(models)
            if _is_postgres():
                # The indexes are built once, each over millions of rows: sort in memory.
                _sql(db, f"SET LOCAL maintenance_work_mem = '{_INDEX_MEMORY}'")
            again = _set_aside([m._meta.table_name for m in models])
            _triggers(enabled=False)
            for model in models:
                done = _copy_table(source, model, done, total, progress)
            _triggers(enabled=True)
            _make_again(again, progress)
            if _is_postgres():
                # Without statistics the planner takes the tables just loaded for empty, and
                # the search rebuild's and the check's queries would scan where they look up.
                # Taken inside the transaction, they are committed with the rows.
                _analyse(filled)
            again = _set_aside(_SEARCH_TABLES)
            _rebuild_search(progress)
            _make_again(again, progress, SEARCH_INDEX_STAGE)
            if _is_postgres():
                _analyse(_SEARCH_TABLES)
            _continue_serials(models)
            carried = _verify(expected, lambda: _original_problems(source), progress)
        _sql(source, "ROLLBACK")
    finally:
        source.close()
    if not _is_postgres():
        # SQLite's statistics for every table filled (PostgreSQL's were taken above, inside
        # the transaction, and came with its commit; autovacuum would have left the small
        # tables, users and products, without any until they changed).
        _analyse(filled)
    counts = tuple((m._meta.table_name, expected.get(m._meta.table_name, 0))
                   for m in t.ALL_MODELS)
    log.info("Copied %s to %s: %d rows", source_info.display, target_info.display,
             sum(n for _, n in counts))
    return CopyResult(source_info.display, target_info.display, counts,
                      round(time.perf_counter() - started, 3), tuple(carried))
