"""Reads for joint enquiries: a school user's own (``schools_of``), with their school's side
only; and the council's list of open enquiries with the statutory timescales."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from cases.working_days import working_days_between

from .grounds import earliest_deletion
from .models import JointEnquiry, JointEnquiryStep
from .selectors import schools_of

Side = JointEnquiryStep.Side


def enquiries_for(user):
    """A school user's own schools' joint enquiries, newest first."""
    return JointEnquiry.objects.filter(school__in=schools_of(user)).select_related(
        "school", "ground"
    )


def school_letter(enquiry: JointEnquiry):
    """The removal-from-roll letter's content for the school: the pupil as the school sent
    them, under the enquiry's reference, so the letter shows nothing of the council's record."""
    from cases.letters import Authorisation

    return Authorisation(
        full_name=f"{enquiry.forename} {enquiry.surname}", date_of_birth=enquiry.date_of_birth,
        upn=enquiry.upn, reference=enquiry.reference, school=enquiry.school,
        authorised_on=enquiry.episode.removal_from_roll_authorised_on,
        authorised_by=enquiry.concluded_by,
    )  # fmt: skip


def enquiry_for(user, pk: int) -> JointEnquiry:
    return enquiries_for(user).get(pk=pk)


def school_steps(enquiry: JointEnquiry) -> list[JointEnquiryStep]:
    """The school's own side: all a school user sees of the enquiries made."""
    return list(enquiry.steps.filter(side=Side.SCHOOL))


@dataclass
class Timescale:
    enquiry: JointEnquiry
    earliest: date | None  # the first day a deletion may come (working days: school days later)
    due: bool  # the earliest day has come and the council has not concluded
    council_steps: int
    slow: bool  # no council enquiry within CME_JOINT_ENQUIRY_FIRST_STEP_WORKING_DAYS


def timescale(enquiry: JointEnquiry, today: date, council_steps: int) -> Timescale:
    earliest = earliest_deletion(enquiry.ground, enquiry.clock_started_on)
    waited = working_days_between(timezone.localtime(enquiry.started_at).date(), today)
    return Timescale(
        enquiry=enquiry, earliest=earliest,
        due=enquiry.status == JointEnquiry.Status.OPEN and earliest is not None
        and today >= earliest,
        council_steps=council_steps,
        slow=enquiry.status == JointEnquiry.Status.OPEN and not council_steps
        and waited > settings.CME_JOINT_ENQUIRY_FIRST_STEP_WORKING_DAYS,
    )  # fmt: skip


def open_enquiries(today: date, limit: int | None = 100) -> list[Timescale]:
    """Open joint enquiries, the soonest due first, each with its timescale (``limit=None``:
    every one, for the daily chase)."""
    from django.db.models import Count, Q

    rows = (JointEnquiry.objects.filter(status=JointEnquiry.Status.OPEN)
            .select_related("school", "ground", "episode__allocated_officer")
            .annotate(council=Count("steps", filter=Q(steps__side=Side.COUNCIL)))
            .order_by("clock_started_on", "pk")[:limit])  # fmt: skip
    return [timescale(enquiry, today, enquiry.council) for enquiry in rows]
