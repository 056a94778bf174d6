"""Reads of case data. Querysets come with their joins, so pages do not query per row."""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from .models import Enquiry, Episode


def open_episodes():
    return Episode.objects.filter(status=Episode.Status.OPEN)


def overdue_enquiries(*, today: date | None = None):
    """Incomplete enquiries on open episodes whose due date has passed."""
    today = today or timezone.localdate()
    return Enquiry.objects.filter(
        completed_on__isnull=True, due_on__lt=today, episode__status=Episode.Status.OPEN
    )


def caseload_summary(*, user, today: date | None = None) -> dict:
    """Counts for the home page: the user's own open cases and the team's."""
    today = today or timezone.localdate()
    mine = Q(allocated_officer=user)
    counts = open_episodes().aggregate(
        mine=Count("pk", filter=mine),
        team=Count("pk"),
        unallocated=Count("pk", filter=Q(allocated_officer__isnull=True)),
    )
    overdue = overdue_enquiries(today=today).aggregate(
        mine=Count("pk", filter=Q(episode__allocated_officer=user)), team=Count("pk")
    )
    return {
        "my_open": counts["mine"],
        "team_open": counts["team"],
        "unallocated": counts["unallocated"],
        "my_overdue": overdue["mine"],
        "team_overdue": overdue["team"],
    }
