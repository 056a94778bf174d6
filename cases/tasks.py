"""Scheduled case work, run by Celery beat; each task takes ids or nothing and is safe twice."""

from celery import shared_task
from django.utils import timezone

from . import services
from .working_days import is_working_day


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_overdue_alerts(self) -> int:
    """The daily overdue scan; does nothing on weekends and bank holidays."""
    if not is_working_day(timezone.localdate()):
        return 0
    return services.overdue_alerts_send()
