"""Infrastructure jobs: publishing what the outbox still holds."""

from celery import shared_task

from . import jobs, outbox


@shared_task(bind=True, acks_late=False)
def publish_outbox(self) -> int:
    """Every minute: publish messages whose after-commit publish failed (Redis was down)."""
    if not outbox.pending_count():
        return 0  # the usual case: nothing to record
    with jobs.recorded("publish_outbox", trigger="schedule", task_id=self.request.id) as run:
        run.counts = outbox.sweep()
    return run.counts["published"]
