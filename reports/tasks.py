"""Scheduled reporting: freeze each quarter's scorecard on the first working day after it."""

from celery import shared_task
from django.db import IntegrityError
from django.utils import timezone

from cme_tracker.core import jobs

from . import services
from .models import ScorecardSnapshot


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def snapshot_scorecard(self) -> int | None:
    """Safe to run any number of times: one scheduled snapshot per quarter (a constraint)."""
    quarter = services.snapshot_due(timezone.localdate())
    if quarter is None:
        return None
    existing = ScorecardSnapshot.objects.filter(
        year=quarter.year, quarter=quarter.number, scheduled=True
    ).first()
    if existing:
        return existing.pk
    with jobs.recorded("snapshot_scorecard", trigger="schedule", task_id=self.request.id) as run:
        try:
            snapshot = services.snapshot_take(
                year=quarter.year, quarter=quarter.number, scheduled=True
            )
        except IntegrityError:  # another beat or worker got there first
            run.counts = {"snapshot": None, "note": "taken by another run"}
            return None
        run.counts = {"snapshot": snapshot.pk}
    return snapshot.pk
