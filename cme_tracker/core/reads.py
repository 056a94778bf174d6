"""Reads that see one moment of the database and cannot write.

A report made of several queries must not mix two moments (a case closed between them would
count in one figure and not the next), and reading must never write: reports can then run
on a read-only connection or a replica.
"""

from contextlib import contextmanager

from django.db import connections, transaction


@contextmanager
def one_snapshot(using: str = "default"):
    """A REPEATABLE READ, READ ONLY transaction for the block. Inside a transaction already
    open (a snapshot being taken, a test), the block joins it as it stands."""
    connection = connections[using]
    if connection.in_atomic_block:
        with transaction.atomic(using=using):
            yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
