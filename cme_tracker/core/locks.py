"""PostgreSQL advisory locks, by name, in one list: no two kinds of work share a key.

Each is held to the end of the taking transaction (``pg_advisory_xact_lock``)."""

from django.db import connection

OVERDUE_SCAN = 436_001  # one overdue scan at a time across every worker and beat
SNAPSHOT = 436_002  # one scorecard snapshot taken at a time, by the schedule or by hand
SCORECARD_COUNTS = 436_003  # taken by the counting SQL (reports.counting_sql)
REFERRAL_INTAKE = 436_004  # one referral's duplicate check and new children at a time
DFE_RETURN = 436_005  # one DfE return marked submitted at a time
IMPORT_RUN = 436_006  # with an import's id: one worker runs an import at a time
DFE_BENCHMARKS = 436_007  # one DfE published file loaded at a time
JOINT_ENQUIRY_CHASE = 436_008  # one daily chase of joint enquiries at a time


def hold(key: int) -> None:
    """Wait for the lock, then hold it until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def try_hold(key: int, item: int) -> bool:
    """Take the lock on ``item`` of ``key`` if no one holds it, until the transaction ends;
    False at once if someone does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [key, item])
        return cursor.fetchone()[0]
