"""The daily overdue scan: alert officers to overdue enquiries, escalate the ones left
overdue, flag quiet cases to managers. Each alert is raised once (a database constraint
stands behind the check), so running the scan twice, or two at once, sends nothing twice."""

import logging
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction

from cme_tracker.core import clock, locks, roles

from ..models import Alert, Episode, Event, Notification
from ..models.episodes import NO_DUE_DATE
from ..working_days import latest_day_before

logger = logging.getLogger(__name__)


def _managers():
    return list(
        get_user_model().objects.filter(is_active=True, groups__name=roles.TEAM_MANAGER).distinct()
    )


def _raise(
    level, episode, recipients, *, enquiry=None, quiet_since=None, event=None
) -> list[Notification]:
    """Create the alert and its notifications, unless it was raised before."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                level=level, episode=episode, enquiry=enquiry, quiet_since=quiet_since,
                event=event,
            )  # fmt: skip
    except IntegrityError:
        return []  # raised already: by an earlier run, or one running alongside
    return [Notification.objects.create(alert=alert, recipient=person) for person in recipients]


# The scan raises each kind of alert in one statement however many are due: the alerts that
# are new (the constraints refuse the rest: ON CONFLICT DO NOTHING), then their notifications,
# to the case's officer or, for an unallocated case or an escalation, to every manager.
# An overdue enquiry's case has a next due key before today too (selectors.has_overdue_q):
# said as well, so PostgreSQL starts from those few cases' index range.
_OVERDUE_ENQUIRIES = """
SELECT q.id AS enquiry_id, q.episode_id FROM cases_enquiry q
JOIN cases_episode e ON e.id = q.episode_id
WHERE q.completed_on IS NULL AND q.due_on < %(today)s AND q.due_on <= %(due_by)s
  AND e.status = 'OPEN' AND COALESCE(e.next_due_on, %(no_due)s) < %(today)s
"""
_QUIET_CASES = """
SELECT e.id AS episode_id, greatest(e.referral_date, max(q.requested_on), max(q.completed_on))
       AS quiet_since
FROM cases_episode e LEFT JOIN cases_enquiry q ON q.episode_id = e.id
WHERE e.status = 'OPEN' GROUP BY e.id
"""
_TO_OFFICER_OR_MANAGERS = """
SELECT r.id, u.id, now() FROM raised r JOIN cases_episode e ON e.id = r.episode_id
CROSS JOIN LATERAL (
  SELECT e.allocated_officer_id AS id WHERE e.allocated_officer_id IS NOT NULL
  UNION ALL SELECT m FROM unnest(%(managers)s::bigint[]) m WHERE e.allocated_officer_id IS NULL
) u
"""
_TO_MANAGERS = "SELECT r.id, m, now() FROM raised r CROSS JOIN unnest(%(managers)s::bigint[]) m"
_RAISE = """
WITH due AS ({due}),
raised AS (
  INSERT INTO cases_alert (level, episode_id, enquiry_id, quiet_since, created_at)
  SELECT %(level)s, episode_id, {enquiry}, {quiet_since}, now() FROM due {where}
  ON CONFLICT DO NOTHING RETURNING id, episode_id
),
told AS (
  INSERT INTO cases_notification (alert_id, recipient_id, created_at)
  {recipients} ON CONFLICT DO NOTHING RETURNING 1
)
SELECT count(*) FROM told
"""
_SCANS = {
    Alert.Level.OVERDUE: _RAISE.format(due=_OVERDUE_ENQUIRIES, enquiry="enquiry_id",
                                       quiet_since="NULL", where="",
                                       recipients=_TO_OFFICER_OR_MANAGERS),
    Alert.Level.ESCALATED: _RAISE.format(due=_OVERDUE_ENQUIRIES, enquiry="enquiry_id",
                                         quiet_since="NULL", where="", recipients=_TO_MANAGERS),
    Alert.Level.STALE: _RAISE.format(due=_QUIET_CASES, enquiry="NULL",
                                     quiet_since="quiet_since",
                                     where="WHERE quiet_since <= %(quiet_by)s",
                                     recipients=_TO_MANAGERS),
}  # fmt: skip


# A reminder or task on its day (or a later day, if the run missed it), once, to its person.
_TASKS_DUE = """
WITH raised AS (
  INSERT INTO cases_alert (level, episode_id, task_id, created_at)
  SELECT %(level)s, t.episode_id, t.id, now() FROM cases_casetask t
  JOIN cases_episode e ON e.id = t.episode_id
  WHERE t.done_on IS NULL AND t.due_on <= %(today)s AND e.status = 'OPEN'
  ON CONFLICT DO NOTHING RETURNING id, task_id
),
told AS (
  INSERT INTO cases_notification (alert_id, recipient_id, created_at)
  SELECT r.id, t.owner_id, now() FROM raised r JOIN cases_casetask t ON t.id = r.task_id
  ON CONFLICT DO NOTHING RETURNING 1
)
SELECT count(*) FROM told
"""


def overdue_scan(*, today: date | None = None, escalate_after: int = 5,
                 quiet_after: int = 20) -> int:  # fmt: skip
    """Raise every alert due today, a statement for each kind however many are due; returns
    how many notifications were created."""
    today = today or clock.today()
    with transaction.atomic(), connection.cursor() as cursor:
        locks.hold(locks.OVERDUE_SCAN)
        params = {
            "today": today, "managers": [user.pk for user in _managers()],
            "no_due": NO_DUE_DATE,  # the next due key, as indexed (models.episodes)
            "quiet_by": latest_day_before(today, quiet_after),
        }  # fmt: skip
        created = 0
        for level, due_by in ((Alert.Level.OVERDUE, today),
                              (Alert.Level.ESCALATED, latest_day_before(today, escalate_after)),
                              (Alert.Level.STALE, today)):  # fmt: skip
            cursor.execute(_SCANS[level], {**params, "level": level, "due_by": due_by})
            created += cursor.fetchone()[0]
        cursor.execute(_TASKS_DUE, {"today": today, "level": Alert.Level.TASK})
        created += cursor.fetchone()[0]
    return created


def allocation_notify(*, event_id: int) -> int:
    """Tell an officer a case is now theirs (in the app and by email), once per allocation."""
    event = Event.objects.select_related("episode").get(pk=event_id)
    officer_id = event.payload.get("allocated_officer", {}).get("after")
    officer = get_user_model().objects.filter(pk=officer_id, is_active=True).first()
    if officer is None or officer.pk == event.actor_id:
        return 0  # unallocated, or officers taking a case themselves need no telling
    created = _raise(Alert.Level.ALLOCATED, event.episode, [officer], event=event)
    return len(created) + notifications_email_pending()


EMAIL_BATCH = 500


def notifications_email_pending() -> int:
    """Email every notification not yet emailed, a batch at a time. A batch's rows are locked
    while it is sent (SKIP LOCKED: two workers take different batches, never one row twice),
    and marked sent in the same transaction, so a task run again after a crash sends what is
    left. Rows, not model objects: a scan's tens of thousands are read quickly."""
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(emailed_at__isnull=True)
                .exclude(recipient__email="")
                .order_by("pk")
                .values_list("pk", "recipient__email", "alert__level", "alert__episode_id")
                [:EMAIL_BATCH]
            )  # fmt: skip
            if not batch:
                break
            sent += notifications_email(batch)
    if sent:
        logger.info("emailed %s notifications", sent)
    return sent


# What each alert says, as a sentence: the case reference only, never the child's details.
SENTENCES = {
    Alert.Level.OVERDUE: "An enquiry on case {reference} is overdue.",
    Alert.Level.ESCALATED: (
        "An enquiry on case {reference} is still overdue, so it has come to the team's managers."
    ),
    Alert.Level.STALE: "Case {reference} has had no enquiry activity for 20 working days.",
    Alert.Level.ALLOCATED: "Case {reference} has been allocated to you.",
    Alert.Level.TASK: "A reminder or task of yours on case {reference} is due.",
}


def _sentence(level: str, episode_id: int, link: str) -> str:
    said = SENTENCES[level].format(reference=Episode.reference_of(episode_id))
    return f"{said}\n\nOpen the case: {link.format(episode_id)}\n"


def _email(address: str, theirs: list[tuple[str, int]], link: str) -> EmailMessage:
    """One notification in its own words; several in one email, a sentence and link each."""
    if len(theirs) == 1:
        level, episode_id = theirs[0]
        subject = f"CME case {Episode.reference_of(episode_id)}: {Alert.Level(level).label.lower()}"
        body = _sentence(level, episode_id, link)
    else:
        subject = f"CME: {len(theirs)} new alerts about cases"
        body = f"You have {len(theirs)} new alerts.\n\n" + "\n".join(
            _sentence(level, episode_id, link) for level, episode_id in theirs
        )
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[address])  # fmt: skip


def _case_link() -> str:
    """A case's address with ``{}`` for its id: made once, not for each of thousands."""
    marker = 918273645
    path = Episode(pk=marker).get_absolute_url().replace(str(marker), "{}")
    return settings.SITE_URL.rstrip("/") + path


def notifications_email(rows: list[tuple]) -> int:
    """Email the notifications (rows of id, address, alert level, case id): case references
    and links, never a child's details. One email a person for the batch (an officer with
    forty overdue enquiries gets one email, not forty), over one connection, then one update
    marking them sent. Returns how many notifications were emailed."""
    by_person: dict = {}
    for _, address, level, episode_id in rows:
        by_person.setdefault(address, []).append((level, episode_id))
    if not by_person:
        return 0
    link = _case_link()
    get_connection().send_messages([_email(address, theirs, link)
                                    for address, theirs in by_person.items()])  # fmt: skip
    Notification.objects.filter(pk__in=[row[0] for row in rows]).update(emailed_at=clock.now())
    return len(rows)


def overdue_alerts_send(*, today: date | None = None) -> int:
    """The scan, then the emails once its alerts are safely stored. Returns alerts sent."""
    created = overdue_scan(today=today)
    notifications_email_pending()  # also any a crashed run created but did not send
    return created


@transaction.atomic
def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=clock.now()
    )
