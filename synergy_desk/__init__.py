"""Synergy Desk: a desktop help-desk for an office that sells support per incident."""

from synergy_desk._lazy_drivers import import_peewee_without_drivers

__version__ = "0.1.0"

# Peewee imports every database driver it can find when it is first imported; the PostgreSQL
# driver alone costs about half a second of start-up. Most desks run on SQLite, so the driver
# is loaded only when a PostgreSQL address is opened (see models.database.make_database).
import_peewee_without_drivers()
