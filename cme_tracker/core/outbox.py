"""The outbox: background work that must happen, recorded in the database first.

Celery's ``delay()`` can hang while Redis is down, and a web request must never wait on
it. So a service calls ``enqueue`` inside its transaction; the message commits with the
case change (or not at all), is published straight after the commit with no retrying,
and anything still unpublished is published by ``sweep``, which beat runs every minute.
Tasks fed by the outbox must be safe to run twice: a message can be published by both.
"""

import logging
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)
SWEEP_AFTER = timedelta(seconds=30)  # leave the after-commit publish time to do its work


def enqueue(task: str, *args) -> OutboxMessage:
    """Record ``task(*args)`` in the current transaction; publish it once that commits."""
    message = OutboxMessage.objects.create(task=task, args=list(args))
    transaction.on_commit(lambda: publish(message))
    return message


def publish(message: OutboxMessage) -> bool:
    """Send one message to the broker, once, without retrying; False (and kept) if it fails."""
    try:
        with current_app.connection_for_write() as connection:
            # One attempt to connect: kombu's default keeps retrying for seconds.
            connection.ensure_connection(max_retries=0)
            current_app.send_task(
                message.task,
                args=message.args,
                task_id=f"outbox-{message.pk}-{message.attempts + 1}",
                connection=connection,
                retry=False,
            )
    except Exception as error:  # the broker is down or unreachable: the sweep tries again
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:500]
        )
        logger.warning("outbox message %s not published: %s", message.pk, type(error).__name__)
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        published_at=timezone.now(), attempts=message.attempts + 1, last_error=""
    )
    return True


def sweep(*, older_than: timedelta = SWEEP_AFTER, limit: int = 500) -> dict:
    """Publish what is still pending. Rows are locked as they go, so two sweeps share them."""
    published = failed = 0
    cutoff = timezone.now() - older_than
    while True:
        with transaction.atomic():
            batch = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(published_at__isnull=True, created_at__lte=cutoff)
                .order_by("created_at")[:50]
            )
            if not batch:
                break
            for message in batch:
                if publish(message):
                    published += 1
                else:
                    failed += 1
                    break  # the broker is down: stop, and try again at the next sweep
        if failed or published + failed >= limit:
            break
    return {"published": published, "still_pending": pending_count()}


def pending_count() -> int:
    return OutboxMessage.objects.filter(published_at__isnull=True).count()
