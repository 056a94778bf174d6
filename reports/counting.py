"""Counting: the scorecard's counts kept up to date with the case tables.

A transaction that changes what the scorecard counts counts its own changes at commit (the
SQL is in ``reports.counting_sql``), so reading a scorecard never writes. These are for what
is left over: changes made at another isolation level, counted on the schedule, and data
loaded with triggers off, counted afresh.
"""

from django.db import connection, transaction


@transaction.atomic
def count_afresh() -> int:
    """Make every scorecard count afresh from the case tables; returns how many were made.

    For data loaded with triggers off (for example ``session_replication_role = replica``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_count_afresh()")
        cursor.execute("SELECT count(*) FROM reports_scorecardcount")
        return cursor.fetchone()[0]


@transaction.atomic
def count_changes() -> int:
    """Count the changes noted and not yet counted; returns how many children."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_count_changes()")
        return cursor.fetchone()[0]
