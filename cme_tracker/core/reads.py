"""Reads that see one moment of the database and cannot write, from a replica when there is
one.

A report made of several queries must not mix two moments (a case closed between them would
count in one figure and not the next), and reading must never write: so reports can run on
a read-only connection, and on a PostgreSQL replica (``DATABASE_REPLICA_URL``), which
``ReportsRouter`` sends their reads to while ``one_snapshot`` is open.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

_reading_from: ContextVar[str | None] = ContextVar("reading_from", default=None)


@contextmanager
def one_snapshot():
    """A REPEATABLE READ, READ ONLY transaction for the block (or the decorated function), on
    ``REPORTS_DATABASE``: the replica when one is configured, else the default. Inside a
    transaction already open on it (a test, say), the block joins that one."""
    using = settings.REPORTS_DATABASE
    connection = connections[using]
    joined = connection.in_atomic_block
    token = _reading_from.set(using)
    try:
        with transaction.atomic(using=using):
            if not joined:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    finally:
        _reading_from.reset(token)


def cursor():
    """A cursor for a report's own SQL, on the database its snapshot reads."""
    return connections[_reading_from.get() or DEFAULT_DB_ALIAS].cursor()


class ReportsRouter:
    """Reads inside ``one_snapshot`` go to the reports' database; everything else, and every
    write and migration, to the default."""

    def db_for_read(self, model, **hints):
        return _reading_from.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
