"""Reads for the school portal and for the officers who act on its notices. A school user's
reads go through ``schools_of``: they see their own schools' notices and nothing else."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from cases import access
from cases.models import Episode, School
from cases.working_days import working_days_between

from .models import NewPupilNotice, SchoolMembership


def schools_of(user):
    """The schools a school user acts for."""
    return School.objects.filter(pk__in=user.school_memberships.values("school_id"))


def notices_for(user):
    """A school user's own schools' notices, newest first."""
    return NewPupilNotice.objects.filter(school__in=schools_of(user)).select_related("school")


def notice_for(user, pk: int) -> NewPupilNotice:
    """One of the user's schools' notices (DoesNotExist for any other, as if none)."""
    return notices_for(user).get(pk=pk)


def suggestions_for(episode) -> list[NewPupilNotice]:
    """New-pupil notices waiting for this case's officer to confirm or reject."""
    return list(
        NewPupilNotice.objects.filter(
            episode=episode, status=NewPupilNotice.Status.SUGGESTED
        ).select_related("school")
    )


def school_users():
    """Every school user's school, for managers: a row per school user and school."""
    return SchoolMembership.objects.select_related("user", "school").order_by(
        "school__name", "user__last_name", "user__first_name"
    )


@dataclass
class SchoolFinds:
    """For caseload aging: suggested closures waiting for an officer (those waiting longer
    than ``CME_SUGGESTION_FLAG_WORKING_DAYS`` flagged), and the cases closed this financial
    year because a school's new-pupil notice found the child."""

    waiting: list  # (notice, its school or None if withheld, working days waiting, flagged)
    found_this_year: int


def school_finds(user, today: date, year_start: date) -> SchoolFinds:
    """The school of a sensitive case's match is left out (None) for someone without need
    to know: a refuge's child's new school is exactly what must not spread."""
    limit = settings.CME_SUGGESTION_FLAG_WORKING_DAYS
    waiting = []
    for notice in (
        NewPupilNotice.objects.filter(status=NewPupilNotice.Status.SUGGESTED)
        .select_related("school", "episode__allocated_officer", "episode__child__family")
        .order_by("sent_at")[:50]
    ):
        days = working_days_between(timezone.localtime(notice.sent_at).date(), today)
        school = notice.school if access.shows_sensitive(user, notice.episode) else None
        waiting.append((notice, school, days, days > limit))
    from reports.figures import found_by_school_notice

    found = Episode.objects.filter(found_by_school_notice(), closed_on__gte=year_start).count()
    return SchoolFinds(waiting=waiting, found_this_year=found)


QUEUE_SIZE = 25


def notices_to_look_at(user) -> list[tuple]:
    """New-pupil notices no case was matched to, still kept (30 days), each with the open
    cases the duplicate check finds for it: none, or several for an officer to choose from.
    A sensitive case is offered only to someone who needs to know: otherwise the row would
    tell them which school a sensitive child has joined."""
    since = timezone.now() - timedelta(days=30)
    queue = []
    for notice in (
        NewPupilNotice.objects.filter(status=NewPupilNotice.Status.UNMATCHED, sent_at__gte=since)
        .select_related("school")
        .order_by("sent_at")[:QUEUE_SIZE]
    ):
        candidates = [candidate for candidate in open_candidates(notice)
                      if access.shows_sensitive(user, candidate.open_episode)]  # fmt: skip
        queue.append((notice, candidates))
    return queue


def open_candidates(notice: NewPupilNotice) -> list:
    """The open cases the duplicate check (the UPN, else the date of birth and a similar
    name) finds for a notice's pupil, as ``cases.selectors.Candidate``s."""
    from cases.selectors import duplicate_candidates

    return [
        candidate for candidate in duplicate_candidates(
            forename=notice.forename, surname=notice.surname,
            date_of_birth=notice.date_of_birth, upn=notice.upn,
        ) if candidate.open_episode is not None
    ]  # fmt: skip
