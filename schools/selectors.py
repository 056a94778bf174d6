"""Reads for the school portal and for the officers who act on its notices. A school user's
reads go through ``schools_of``: they see their own schools' notices and nothing else."""

from cases.models import School

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
