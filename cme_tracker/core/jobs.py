"""Job runs: each run of a background job is recorded so administrators can see it."""

import logging
from contextlib import contextmanager

from django.utils import timezone

from .models import JobRun

logger = logging.getLogger(__name__)

# How scheduled and case-change tasks retry: with exponential backoff, a few times.
RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "max_retries": 5}


@contextmanager
def recorded(job: str, *, trigger: str, task_id: str = ""):
    """Record a run: started now; finished with the counts the body puts in ``run.counts``,
    or failed with the error's type and message (our errors never carry a child's details).

    The row is written outside any transaction the job opens, so a run that dies part-way
    (a killed worker) still shows as started and never finished.
    """
    run = JobRun.objects.create(job=job, trigger=trigger, task_id=task_id or "")
    try:
        yield run
    except Exception as error:
        run.status = JobRun.Status.FAILED
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        logger.warning("job %s (run %s) failed: %s", job, run.pk, type(error).__name__)
        raise
    run.status = JobRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "counts", "finished_at"])
