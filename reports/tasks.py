"""Background reporting: each quarter's scorecard frozen on the first working day after it, and
any change to the scorecard's counts left uncounted, counted overnight."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from cme_tracker.core import jobs, locks

from . import counting, services
from .snapshots import current_snapshot


@shared_task(bind=True, **jobs.RETRY)
def snapshot_scorecard(self) -> int | None:
    """Safe to run any number of times: a quarter is frozen once by the schedule."""
    quarter = services.snapshot_due(timezone.localdate())
    if quarter is None:
        return None
    with jobs.recorded("snapshot_scorecard", trigger="schedule", task_id=self.request.id) as run:
        with transaction.atomic():
            # Two beats (or a task delivered twice) wait here for each other; the second
            # finds the snapshot taken. The unique constraints stand behind the lock. A
            # quarter someone took by hand already is not taken again.
            locks.hold(locks.SNAPSHOT)
            snapshot = current_snapshot(quarter)
            taken = snapshot is None
            if taken:
                snapshot = services.snapshot_take(
                    year=quarter.year, quarter=quarter.number, scheduled=True
                )
        run.counts = {"snapshot": snapshot.pk, "taken": taken}
    return snapshot.pk


@shared_task(bind=True, **jobs.RETRY)
def count_changes(self, trigger: str = "schedule") -> int:
    """Safe to run any number of times: it counts whatever changes are left uncounted."""
    with jobs.recorded("count_changes", trigger=trigger, task_id=self.request.id) as run:
        counted = counting.count_changes()
        run.counts = {"children": counted}
    return counted
