"""Background reporting: each quarter's scorecard frozen on the first working day after it, and
any change to the scorecard's counts left uncounted, counted overnight."""

from celery import shared_task
from django.utils import timezone

from cme_tracker.core import jobs

from . import counting, selectors, services


@shared_task(bind=True, **jobs.RETRY)
def snapshot_scorecard(self) -> int | None:
    """Safe to run any number of times: a quarter is frozen once by the schedule."""
    quarter = selectors.snapshot_due(timezone.localdate())
    if quarter is None:
        return None
    with jobs.recorded("snapshot_scorecard", trigger="schedule", task_id=self.request.id) as run:
        # Two beats (or a task delivered twice) each make the files, and the second finds the
        # snapshot taken once it has the lock. A quarter taken by hand is not taken again.
        snapshot = services.snapshot_take(year=quarter.year, quarter=quarter.number,
                                          scheduled=True)  # fmt: skip
        taken = snapshot is not None
        snapshot = snapshot or selectors.current_snapshot(quarter)
        run.counts = {"snapshot": snapshot.pk, "taken": taken}
    return snapshot.pk


@shared_task(bind=True, **jobs.RETRY)
def count_changes(self, trigger: str = "schedule") -> int:
    """Safe to run any number of times: it counts whatever changes are left uncounted."""
    with jobs.recorded("count_changes", trigger=trigger, task_id=self.request.id) as run:
        counted = counting.count_changes()
        run.counts = {"children": counted}
    return counted
