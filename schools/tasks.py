from datetime import date

from celery import shared_task
from django.utils import timezone

from cases.working_days import is_working_day
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


@shared_task(bind=True)
def chase_joint_enquiries(self, today: str | None = None) -> int:
    """The daily chase of joint enquiries waiting on the council (as on ``today``, an ISO
    date, when a missed day is re-run); nothing on weekends and bank holidays."""
    from .enquiry_services import joint_enquiries_chase

    day = date.fromisoformat(today) if today else timezone.localdate()
    if not is_working_day(day):
        return 0
    with jobs.recorded("chase_joint_enquiries", trigger="schedule", task_id=self.request.id) as run:
        run.counts = {"chased": joint_enquiries_chase(today=day)}
    return run.counts["chased"]
