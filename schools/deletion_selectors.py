"""Reads for deletion notices: a school user's own (``schools_of``), and the officers' triage
queue, each notice with the known children the referral's duplicate check finds for it."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from cases import access
from cases.working_days import working_days_between

from .models import DeletionNotice
from .selectors import schools_of

QUEUE_SIZE = 50


def deletion_notices_for(user):
    """A school user's own schools' deletion notices, newest first."""
    return DeletionNotice.objects.filter(school__in=schools_of(user)).select_related(
        "school", "ground"
    )


def deletion_notice_for(user, pk: int) -> DeletionNotice:
    """One of the user's schools' deletion notices (DoesNotExist for any other)."""
    return deletion_notices_for(user).get(pk=pk)


def known_children(pupil) -> list:
    """The children the referral's duplicate check finds for a notice's (or a joint
    enquiry's) pupil: the UPN, else the date of birth and a similar name, as
    ``cases.selectors.Candidate``s."""
    from cases.selectors import duplicate_candidates

    return duplicate_candidates(forename=pupil.forename, surname=pupil.surname,
                                date_of_birth=pupil.date_of_birth, upn=pupil.upn)  # fmt: skip


@dataclass
class Waiting:
    notice: DeletionNotice
    days: int  # working days since it arrived
    flagged: bool  # waiting longer than CME_DELETION_NOTICE_FLAG_WORKING_DAYS


def waiting_deletions(today: date, limit: int = QUEUE_SIZE) -> list[Waiting]:
    """Deletion notices not yet triaged, oldest first."""
    flag_after = settings.CME_DELETION_NOTICE_FLAG_WORKING_DAYS
    rows = []
    waiting = DeletionNotice.objects.filter(status=DeletionNotice.Status.RECEIVED)
    for notice in waiting.select_related("school", "ground").order_by("sent_at", "pk")[:limit]:
        days = working_days_between(timezone.localtime(notice.sent_at).date(), today)
        rows.append(Waiting(notice=notice, days=days, flagged=days > flag_after))
    return rows


def waiting_count() -> int:
    return DeletionNotice.objects.filter(status=DeletionNotice.Status.RECEIVED).count()


def triage_options(user, pupil) -> list[dict]:
    """Each known child who may be a notice's (or joint enquiry's) pupil, and whether
    ``user`` may add it to the child's open case. A sensitive child's case is offered only to
    someone with need to know it."""
    options = []
    for candidate in known_children(pupil):
        episode = candidate.open_episode
        # A sensitive child with no open case is withheld too, unless given sensitive access.
        shown = (access.shows_sensitive(user, episode) if episode is not None
                 else not candidate.sensitive or access.has_sensitive_access(user))  # fmt: skip
        options.append({
            "candidate": candidate, "episode": episode, "shown": shown,
            "attachable": episode is not None and shown
            and access.may(user, access.Action.EDIT, episode),
        })  # fmt: skip
    return options


def attachable_case(user, pupil, chosen: str):
    """The open case ``chosen`` (a number from a form) if the duplicate check offers it to
    ``user`` for this pupil; ``Http404`` for no number, ``PermissionDenied`` when the pupil is
    withheld from them, and ``CaseError`` for any other case."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from cases.errors import CaseError

    if not (chosen.isascii() and chosen.isdecimal()):
        raise Http404("No such case")
    options = triage_options(user, pupil)
    if withheld_from(user, pupil, options):
        raise PermissionDenied("The case's officer or a manager deals with this")
    for option in options:
        if option["attachable"] and chosen == str(option["episode"].pk):
            return option["episode"]
    raise CaseError("That case is not one the duplicate check finds for this pupil.")


def withheld_from(user, pupil, options: list[dict] | None = None) -> bool:
    """Whether a notice (or joint enquiry) may be about a sensitive child whose case ``user``
    has no need to know: its address, parents and destination are then not shown to them,
    and they cannot act on it (the case's officer or a manager does)."""
    options = triage_options(user, pupil) if options is None else options
    return any(not option["shown"] for option in options)


def referral_initial(notice: DeletionNotice) -> dict:
    """The new-referral form's first answers from a notice, form by form (the officer checks
    them and saves): the referral from the school, the pupil, the parent and the address."""
    ground = notice.ground
    reason = [f"Deletion notice {notice.reference} from {notice.school.name}: deleted from "
              f"the register on {notice.deleted_on:%-d %B %Y}, ground ({ground.code}) "
              f"{ground.label}."]  # fmt: skip
    if notice.destination_school or notice.destination_elsewhere:
        where = notice.destination_school or notice.destination_elsewhere
        reason.append(f"Destination given: {where}.")
    if notice.new_address:
        reason.append(f"New address given: {notice.new_address}.")
    if notice.joint_enquiries:
        reason.append(f"Enquiries made with the council: {notice.joint_enquiries}")
    if notice.second_parent_name:
        other = [notice.second_parent_name, notice.second_parent_phone,
                 notice.second_parent_address]  # fmt: skip
        reason.append("Other parent: " + ", ".join(part for part in other if part) + ".")
    if notice.parent_address:
        reason.append(f"{notice.parent_name}'s address: {notice.parent_address}.")
    received = timezone.localtime(notice.sent_at).date()
    return {
        "referral": {
            "deletion_notice": notice.pk, "source": _source_pk(),
            "referrer_name": notice.sent_by.get_full_name(),
            "referrer_organisation": notice.school.name, "referrer_contact": notice.sent_by.email,
            "received_on": received, "reason": " ".join(reason), "last_school": notice.school,
            "left_school_on": min(notice.deleted_on, received),
        },
        "child": {
            "forename": notice.forename, "surname": notice.surname,
            "date_of_birth": notice.date_of_birth, "upn": notice.upn, "gender": notice.gender,
        },
        "family": {
            "carer_name": notice.parent_name, "carer_relationship": "Parent",
            "carer_phone": notice.parent_phone, "line_1": notice.address_line_1,
            "line_2": notice.address_line_2, "town": notice.town, "postcode": notice.postcode,
        },
        "case": {"missing_reason": ground.missing_reason_id},
    }  # fmt: skip


def _source_pk():
    from referrals.models import ReferralSource

    return ReferralSource.objects.filter(code=DELETION_NOTICE_SOURCE).values_list(
        "pk", flat=True).first()  # fmt: skip


DELETION_NOTICE_SOURCE = "SCHOOL_DELETION_NOTICE"
