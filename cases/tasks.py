"""Case work for Celery: the daily overdue scan, and telling officers of new cases.

Each task is safe to run twice (database constraints stand behind every alert) and is
acknowledged only when done, so a worker killed part-way leaves it for another.
"""

from datetime import date

from celery import shared_task
from django.utils import timezone

from cme_tracker.core import jobs

from . import services
from .services import imports
from .working_days import is_working_day


@shared_task(bind=True, **jobs.RETRY)
def send_overdue_alerts(self, today: str | None = None) -> int:
    """The daily overdue scan (as on ``today``, an ISO date, when a missed day is re-run);
    does nothing on weekends and bank holidays."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    if not is_working_day(day):
        return 0
    with jobs.recorded("send_overdue_alerts", trigger="schedule", task_id=self.request.id) as run:
        sent = services.overdue_alerts_send(today=day)
        run.counts = {"alerts": sent}
    return sent


@shared_task(bind=True, **jobs.RETRY)
def notify_allocation(self, event_id: int) -> int:
    """Fed by the outbox when a case is allocated: notify the officer, once."""
    with jobs.recorded("notify_allocation", trigger="case change", task_id=self.request.id) as run:
        run.counts = {"notifications": services.allocation_notify(event_id=event_id)}
    return run.counts["notifications"]


@shared_task(bind=True, soft_time_limit=3600, time_limit=3660)
def import_cases(self, import_id: int) -> int | None:
    """Run one queued import of cases. Safe to deliver twice: it runs once. Not retried when
    it fails: the import is marked stopped, and the person who ran it tries again."""
    with jobs.recorded("import_cases", trigger="upload", task_id=self.request.id) as run:
        record = imports.import_run(import_id)
        run.counts = {"import": import_id, "ran": record is not None}
    return record.pk if record else None


@shared_task(bind=True, **jobs.RETRY)
def send_handover(self, handover_id: int) -> int:
    """Fed by the outbox when an officer hands a case over: email it, once."""
    with jobs.recorded("send_handover", trigger="case change", task_id=self.request.id) as run:
        run.counts = {"emails": services.handover_email(handover_id)}
    return run.counts["emails"]
