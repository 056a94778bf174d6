from celery import shared_task

from cme_tracker.core import jobs

from . import services


@shared_task(bind=True)
def match_waiting_notices(self) -> dict:
    """Unmatched new-pupil notices, tried against the cases opened since."""
    with jobs.recorded("match_waiting_notices", trigger="schedule", task_id=self.request.id) as run:
        run.counts = services.waiting_notices_match()
    return run.counts


@shared_task(bind=True)
def send_invitation(self, user_id: int, school_id: int) -> bool:
    from .invitations import invitation_send

    with jobs.recorded("send_invitation", trigger="outbox", task_id=self.request.id) as run:
        run.counts = {"sent": invitation_send(user_id, school_id)}
    return run.counts["sent"]


@shared_task(bind=True)
def tell_school(self, notice_id: int, kind: str = "new_pupil") -> bool:
    with jobs.recorded("tell_school", trigger="outbox", task_id=self.request.id) as run:
        run.counts = {"sent": services.school_told(notice_id, kind)}
    return run.counts["sent"]
