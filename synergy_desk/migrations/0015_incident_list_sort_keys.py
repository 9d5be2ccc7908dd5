"""The incident list at a million incidents: every sort key kept on the incident itself, and an
index for every view, filter and sort the list offers.

The names the list sorts by (customer, product, engineer) were read from their own tables, so
no index could hold an incident list sorted by them: the database sorted after scanning, or
walked a name index and read each name's incidents. Each incident now keeps its customer's,
product's and engineer's name (the engineer's is empty while unassigned), kept right by the
database's own triggers whatever changes them: an incident moved, assigned or re-filed, or a
customer, product or user renamed.

Each incident also keeps when its earliest open call-back is due (none: no call-back is
open), kept by triggers on the call-backs, so "call-backs due" is a condition on the incident.

Each sort gets an index in each family: over every incident, over one engineer's, over one
product's; and the same over small partial indexes: the open incidents, the open incidents of
one status (the status after the engineer or product), the incidents with a call-back
open; and the open incidents nobody is assigned (PostgreSQL cannot read an index in order
after an IS NULL). The open incidents and the call-backs are a small share of a long history, and most of
the day's work reads them.
"""
from peewee import *

#: How each sortable column orders the list, ending in a unique key (mirrored by
#: services/incidents/incident_list.py, which names these indexes).
SORT_KEYS = {
    'last_activity': ('last_activity_at', 'id'),
    'opened': ('opened_at', 'id'),
    'reference': ('number',),
    'subject': ('subject', 'id'),
    'status': ('status', 'last_activity_at', 'id'),
    'funding': ('funding', 'last_activity_at', 'id'),
    'customer': ('customer_name', 'customer_id', 'last_activity_at', 'id'),
    'product': ('product_name', 'product_id', 'last_activity_at', 'id'),
    'engineer': ('engineer_name', 'last_activity_at', 'id'),
}
OPEN = "status IN ('awaiting_payment', 'queued', 'in_progress', 'waiting_on_customer')"
#: Indexes the office already has that are exactly what a family needs.
EXISTING = {
    ('', 'last_activity'): 'incident_last_activity_at_id',
    ('', 'opened'): 'incident_opened_at_id',
    ('', 'reference'): 'incident_number',
    ('', 'subject'): 'incident_subject_id',
    ('', 'status'): 'incident_status_last_activity_at_id',
    ('', 'funding'): 'incident_funding_last_activity_at_id',
    ('engineer', 'last_activity'): 'incident_engineer_id_last_activity_at_id',
    ('product', 'last_activity'): 'incident_product_id_last_activity_at_id',
}
#: Replaced by a family's index on the same columns and the id.
REPLACED = 'incident_engineer_id_status_last_activity_at'


#: The partial families: what each holds, and the column it adds after the family's prefix.
KINDS = {
    'all': ('', ()),
    'open': (OPEN, ()),
    'status': (OPEN, ('status',)),
    'unassigned': (OPEN + ' AND engineer_id IS NULL', ()),
    'callback': ('callback_due_at IS NOT NULL', ()),
}


def index_for(prefix, kind, sort):
    """(name, columns, condition) of the index a family reads a sort by."""
    if prefix == sort or (kind == 'unassigned' and sort == 'engineer'):
        sort = 'last_activity'  # one engineer's (product's, nobody's) incidents share a name
    if kind == 'status' and sort in ('status', 'last_activity'):
        kind, sort = 'open', 'status'  # (status, last activity, id) is the open family's
    if kind == 'all' and (prefix, sort) in EXISTING:
        return EXISTING[(prefix, sort)], None, ''
    condition, added = KINDS[kind]
    name = '_'.join(p for p in ('incident', '' if kind == 'all' else kind, prefix, 'by', sort)
                    if p)
    columns = ((prefix + '_id',) if prefix else ()) + added + SORT_KEYS[sort]
    return name, columns, condition


def index_plan():
    """(name, columns, condition) of every index the families need that the office lacks."""
    out = {}
    for kind in KINDS:
        for prefix in ('', 'engineer', 'product'):
            if kind == 'unassigned' and prefix == 'engineer':
                continue  # nobody's incidents are no engineer's
            for sort in SORT_KEYS:
                name, columns, condition = index_for(prefix, kind, sort)
                if columns is not None:
                    out[name] = (name, columns, condition)
    # The call-backs due, counted for the whole office, one engineer or one product.
    for prefix in ('', 'engineer', 'product'):
        name = '_'.join(p for p in ('incident_callback', prefix, 'due') if p)
        out[name] = (name, ((prefix + '_id',) if prefix else ()) + ('callback_due_at',),
                     KINDS['callback'][0])
    return list(out.values())


def _triggers_sqlite():
    names = (
        "customer_name = COALESCE((SELECT name FROM customer WHERE id = NEW.customer_id), ''), "
        "product_name = COALESCE((SELECT name FROM product WHERE id = NEW.product_id), ''), "
        "engineer_name = COALESCE((SELECT full_name FROM \"user\" WHERE id = NEW.engineer_id),"
        " '')")
    return [
        "CREATE TRIGGER incident_sort_names_insert AFTER INSERT ON incident "
        "WHEN NEW.customer_name = '' OR NEW.product_name = '' "
        "OR (NEW.engineer_id IS NOT NULL AND NEW.engineer_name = '') "
        f"BEGIN UPDATE incident SET {names} WHERE id = NEW.id; END",
        "CREATE TRIGGER incident_sort_names_update "
        "AFTER UPDATE OF customer_id, product_id, engineer_id ON incident "
        "WHEN NEW.customer_id IS NOT OLD.customer_id OR NEW.product_id IS NOT OLD.product_id "
        "OR NEW.engineer_id IS NOT OLD.engineer_id "
        f"BEGIN UPDATE incident SET {names} WHERE id = NEW.id; END",
        "CREATE TRIGGER customer_name_on_incidents AFTER UPDATE OF name ON customer "
        "WHEN NEW.name IS NOT OLD.name "
        "BEGIN UPDATE incident SET customer_name = NEW.name WHERE customer_id = NEW.id; END",
        "CREATE TRIGGER product_name_on_incidents AFTER UPDATE OF name ON product "
        "WHEN NEW.name IS NOT OLD.name "
        "BEGIN UPDATE incident SET product_name = NEW.name WHERE product_id = NEW.id; END",
        "CREATE TRIGGER user_name_on_incidents AFTER UPDATE OF full_name ON \"user\" "
        "WHEN NEW.full_name IS NOT OLD.full_name "
        "BEGIN UPDATE incident SET engineer_name = NEW.full_name WHERE engineer_id = NEW.id; END",
        # A new open call-back can only bring the time forward (a done one changes nothing):
        # most call-backs, written done by a bulk load, cost the incident nothing.
        "CREATE TRIGGER call_back_due_insert AFTER INSERT ON call_back "
        "WHEN NEW.incident_id IS NOT NULL AND NEW.done_at IS NULL "
        "BEGIN UPDATE incident SET callback_due_at = NEW.due_at WHERE id = NEW.incident_id "
        "AND (callback_due_at IS NULL OR callback_due_at > NEW.due_at); END",
        "CREATE TRIGGER call_back_due_update "
        "AFTER UPDATE OF incident_id, due_at, done_at ON call_back "
        f"BEGIN {_due('OLD')}; {_due('NEW')}; END",
        f"CREATE TRIGGER call_back_due_delete AFTER DELETE ON call_back BEGIN {_due('OLD')}; END",
    ]


def _due(row):
    """Set the incident's earliest open call-back from its call-backs."""
    return (f"UPDATE incident SET callback_due_at = (SELECT MIN(due_at) FROM call_back "
            f"WHERE incident_id = {row}.incident_id AND done_at IS NULL) "
            f"WHERE id = {row}.incident_id")


def _triggers_postgres():
    return [
        # The names are read FOR SHARE: a rename at the same moment either waits for this
        # incident (and then renames it too) or is waited for (and its name read).
        """CREATE FUNCTION incident_sort_names() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                IF NEW.customer_name <> '' AND NEW.product_name <> ''
                        AND (NEW.engineer_id IS NULL OR NEW.engineer_name <> '') THEN
                    RETURN NEW;
                END IF;
            ELSIF NEW.customer_id IS NOT DISTINCT FROM OLD.customer_id
                    AND NEW.product_id IS NOT DISTINCT FROM OLD.product_id
                    AND NEW.engineer_id IS NOT DISTINCT FROM OLD.engineer_id THEN
                RETURN NEW;
            END IF;
            NEW.customer_name := COALESCE(
                (SELECT name FROM customer WHERE id = NEW.customer_id FOR SHARE), '');
            NEW.product_name := COALESCE(
                (SELECT name FROM product WHERE id = NEW.product_id FOR SHARE), '');
            NEW.engineer_name := COALESCE(
                (SELECT full_name FROM "user" WHERE id = NEW.engineer_id FOR SHARE), '');
            RETURN NEW;
        END $$""",
        "CREATE TRIGGER incident_sort_names BEFORE INSERT OR UPDATE OF customer_id, product_id, "
        "engineer_id ON incident FOR EACH ROW EXECUTE FUNCTION incident_sort_names()",
        """CREATE FUNCTION customer_name_on_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE incident SET customer_name = NEW.name WHERE customer_id = NEW.id;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER customer_name_on_incidents AFTER UPDATE OF name ON customer "
        "FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name) "
        "EXECUTE FUNCTION customer_name_on_incidents()",
        """CREATE FUNCTION product_name_on_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE incident SET product_name = NEW.name WHERE product_id = NEW.id;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER product_name_on_incidents AFTER UPDATE OF name ON product "
        "FOR EACH ROW WHEN (NEW.name IS DISTINCT FROM OLD.name) "
        "EXECUTE FUNCTION product_name_on_incidents()",
        """CREATE FUNCTION user_name_on_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE incident SET engineer_name = NEW.full_name WHERE engineer_id = NEW.id;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER user_name_on_incidents AFTER UPDATE OF full_name ON \"user\" "
        "FOR EACH ROW WHEN (NEW.full_name IS DISTINCT FROM OLD.full_name) "
        "EXECUTE FUNCTION user_name_on_incidents()",
        f"""CREATE FUNCTION call_back_due() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- The incident is locked first, and read again by a statement of its own: two
            -- desks changing one incident's call-backs at once take turns, the second
            -- seeing what the first committed.
            IF TG_OP = 'INSERT' THEN
                IF NEW.incident_id IS NOT NULL AND NEW.done_at IS NULL THEN
                    PERFORM 1 FROM incident WHERE id = NEW.incident_id FOR NO KEY UPDATE;
                    UPDATE incident SET callback_due_at = NEW.due_at
                    WHERE id = NEW.incident_id
                    AND (callback_due_at IS NULL OR callback_due_at > NEW.due_at);
                END IF;
                RETURN NULL;
            END IF;
            PERFORM 1 FROM incident WHERE id = OLD.incident_id FOR NO KEY UPDATE;
            {_due('OLD')};
            IF TG_OP = 'UPDATE' THEN
                PERFORM 1 FROM incident WHERE id = NEW.incident_id FOR NO KEY UPDATE;
                {_due('NEW')};
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER call_back_due AFTER INSERT OR UPDATE OF incident_id, due_at, done_at "
        "OR DELETE ON call_back FOR EACH ROW EXECUTE FUNCTION call_back_due()",
    ]


def up(migrator, db):
    sqlite = isinstance(db, SqliteDatabase)
    # Added with the database's own default, so PostgreSQL writes no row to add them (the
    # triggers below keep them from here on; the one UPDATE fills in what is there).
    for column, size in (('customer_name', 200), ('product_name', 120), ('engineer_name', 120)):
        db.execute_sql(f"ALTER TABLE incident ADD COLUMN {column} VARCHAR({size}) NOT NULL "
                       f"DEFAULT ''")
    db.execute_sql("ALTER TABLE incident ADD COLUMN callback_due_at "
                   + ("DATETIME" if sqlite else "TIMESTAMP"))
    db.execute_sql(f'DROP INDEX IF EXISTS "{REPLACED}"')
    db.execute_sql(
        "UPDATE incident SET "
        "customer_name = COALESCE((SELECT name FROM customer WHERE id = incident.customer_id), ''),"
        " product_name = COALESCE((SELECT name FROM product WHERE id = incident.product_id), ''),"
        " engineer_name = COALESCE("
        "(SELECT full_name FROM \"user\" WHERE id = incident.engineer_id), ''),"
        " callback_due_at = (SELECT MIN(due_at) FROM call_back "
        "WHERE incident_id = incident.id AND done_at IS NULL)")
    for sql in (_triggers_sqlite() if sqlite else _triggers_postgres()):
        db.execute_sql(sql)
    for name, columns, condition in index_plan():
        cols = ', '.join(f'"{c}"' for c in columns)
        where = f' WHERE {condition}' if condition else ''
        db.execute_sql(f'CREATE INDEX "{name}" ON "incident" ({cols}){where}')
    # Each incident's open call-backs, as the triggers read them.
    db.execute_sql('CREATE INDEX "call_back_open" ON "call_back" ("incident_id", "due_at") '
                   'WHERE done_at IS NULL')
    # Statistics for the new indexes, so the planner weighs them from the first query.
    if sqlite:
        db.execute_sql('PRAGMA analysis_limit = 1000')
        db.execute_sql('ANALYZE incident')
        db.execute_sql('ANALYZE call_back')
    else:
        db.execute_sql('ANALYZE incident')
        db.execute_sql('ANALYZE call_back')


def down(migrator, db):
    sqlite = isinstance(db, SqliteDatabase)
    db.execute_sql('DROP INDEX IF EXISTS "call_back_open"')
    for name, _, _ in index_plan():
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
    db.execute_sql(f'CREATE INDEX IF NOT EXISTS "{REPLACED}" ON "incident" '
                   '("engineer_id", "status", "last_activity_at")')
    if sqlite:
        for name in ('incident_sort_names_insert', 'incident_sort_names_update',
                     'customer_name_on_incidents', 'product_name_on_incidents',
                     'user_name_on_incidents', 'call_back_due_insert', 'call_back_due_update',
                     'call_back_due_delete'):
            db.execute_sql(f'DROP TRIGGER IF EXISTS {name}')
    else:
        db.execute_sql('DROP TRIGGER IF EXISTS incident_sort_names ON incident')
        db.execute_sql('DROP TRIGGER IF EXISTS customer_name_on_incidents ON customer')
        db.execute_sql('DROP TRIGGER IF EXISTS product_name_on_incidents ON product')
        db.execute_sql('DROP TRIGGER IF EXISTS user_name_on_incidents ON "user"')
        db.execute_sql('DROP TRIGGER IF EXISTS call_back_due ON call_back')
        for name in ('incident_sort_names', 'customer_name_on_incidents',
                     'product_name_on_incidents', 'user_name_on_incidents', 'call_back_due'):
            db.execute_sql(f'DROP FUNCTION IF EXISTS {name}()')
    migrator.migrate(
        migrator.drop_column('incident', 'callback_due_at'),
        migrator.drop_column('incident', 'engineer_name'),
        migrator.drop_column('incident', 'product_name'),
        migrator.drop_column('incident', 'customer_name'),
    )
