"""Counting: bringing the scorecard's counts up to date with the case tables.

A write, though reports call it before they read: triggers note each changed child in the
changing transaction, and the counts of those children are made again here (or in the
background after an import). Kept apart from reports' other writes so that the scorecard,
which calls it, and the services, which render the scorecard into snapshots, import without
a circle.
"""

from django.db import connection, transaction


@transaction.atomic
def counts_rebuild() -> int:
    """Make every scorecard count afresh from the case tables; returns how many were made.

    The database's triggers keep the counts exact as cases change. This is for data loaded
    with triggers off (for example ``session_replication_role = replica``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_rebuild_counts()")
        cursor.execute("SELECT count(*) FROM reports_scorecardcount")
        return cursor.fetchone()[0]


@transaction.atomic
def counts_bring_up_to_date() -> int:
    """Count the changes to cases noted since the last time; returns how many children.

    Triggers note each changed child in the changing transaction; the scorecard does this
    before it reads, and an import asks for it in the background."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_count_pending()")
        return cursor.fetchone()[0]
