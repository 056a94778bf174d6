"""The daily overdue scan: alert officers to overdue enquiries, escalate the ones left
overdue, flag quiet cases to managers. Each alert is raised once (a database constraint
stands behind the check), so running the scan twice, or two at once, sends nothing twice."""

import logging
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cme_tracker.core import locks, roles

from .. import selectors
from ..models import Alert, Event, Notification
from ..working_days import working_days_between

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


def overdue_scan(*, today: date | None = None, escalate_after: int = 5,
                 quiet_after: int = 20) -> list[Notification]:  # fmt: skip
    """Raise every alert due today; returns the notifications created."""
    today = today or timezone.localdate()
    created: list[Notification] = []
    with transaction.atomic():
        locks.hold(locks.OVERDUE_SCAN)
        managers = _managers()
        overdue = selectors.overdue_enquiries(today=today).select_related(
            "episode__allocated_officer"
        )
        for enquiry in overdue:
            officer = enquiry.episode.allocated_officer
            created += _raise(Alert.Level.OVERDUE, enquiry.episode,
                              [officer] if officer else managers, enquiry=enquiry)  # fmt: skip
            if working_days_between(enquiry.due_on, today) >= escalate_after:
                created += _raise(Alert.Level.ESCALATED, enquiry.episode, managers,
                                  enquiry=enquiry)  # fmt: skip
        quiet = selectors.open_episodes().annotate(
            last_activity=Greatest(
                F("referral_date"),
                Coalesce(Max("enquiries__requested_on"), F("referral_date")),
                Coalesce(Max("enquiries__completed_on"), F("referral_date")),
            )
        )
        for episode in quiet:
            if working_days_between(episode.last_activity, today) >= quiet_after:
                created += _raise(Alert.Level.STALE, episode, managers,
                                  quiet_since=episode.last_activity)  # fmt: skip
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


def notifications_email_pending() -> int:
    """Email every notification not yet emailed. Each row is locked while it is sent, so two
    workers never send one twice, and a task run again after a crash sends what is left."""
    sent = 0
    while True:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient", "alert__episode")
                .filter(emailed_at__isnull=True)
                .exclude(recipient__email="")
                .order_by("pk")
                .first()
            )
            if notification is None:
                break
            sent += notifications_email([notification])
    return sent


# What each alert says, as a sentence: the case reference only, never the child's details.
SENTENCES = {
    Alert.Level.OVERDUE: "An enquiry on case {reference} is overdue.",
    Alert.Level.ESCALATED: (
        "An enquiry on case {reference} is still overdue, so it has come to the team's managers."
    ),
    Alert.Level.STALE: "Case {reference} has had no enquiry activity for 20 working days.",
    Alert.Level.ALLOCATED: "Case {reference} has been allocated to you.",
}


def notifications_email(notifications: list[Notification]) -> int:
    """Email each notification: the case reference and a link, never the child's details."""
    sent = 0
    for notification in notifications:
        recipient = notification.recipient
        if not recipient.email:
            continue
        alert = notification.alert
        reference = alert.episode.reference
        link = settings.SITE_URL.rstrip("/") + alert.episode.get_absolute_url()
        said = SENTENCES[alert.level].format(reference=reference)
        send_mail(
            subject=f"CME case {reference}: {alert.get_level_display().lower()}",
            message=f"{said}\n\nOpen the case: {link}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[recipient.email],
        )
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    logger.info("overdue scan emailed %s notifications", sent)
    return sent


def overdue_alerts_send(*, today: date | None = None) -> int:
    """The scan, then the emails once its alerts are safely stored. Returns alerts sent."""
    created = overdue_scan(today=today)
    notifications_email_pending()  # also any a crashed run created but did not send
    return len(created)


@transaction.atomic
def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
