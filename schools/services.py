"""Writes for school notices: a school sends a new-pupil notice, the tracker matches it to an
open case by the duplicate check's rules (``selectors.open_candidates``), and the case's
officer confirms the suggested closure or rejects it. Nothing closes by itself."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases import access
from cases.errors import CaseError
from cases.models import ClosureOutcome, Episode
from cases.services.closure import episode_close
from cme_tracker.core import clock, http, outbox

from .models import DeletionNotice, JointEnquiry, NewPupilNotice
from .selectors import open_candidates, schools_of

KEPT_UNMATCHED = timedelta(days=30)
FOUND_IN_SCHOOL = "FOUND_SCHOOL_THIS_LA"


@transaction.atomic
def new_pupil_notice_send(*, by, school, forename, surname, date_of_birth, upn, admitted_on):
    """A school user tells the council of a new pupil at one of their schools."""
    if not schools_of(by).filter(pk=school.pk).exists():
        raise CaseError("You can only send notices for your own school.")
    notice = NewPupilNotice.objects.create(
        school=school, sent_by=by, forename=forename, surname=surname,
        date_of_birth=date_of_birth, upn=upn or "", admitted_on=admitted_on,
    )  # fmt: skip
    notice_match(notice)
    return notice


def notice_match(notice: NewPupilNotice) -> bool:
    """Suggest the one open case this notice matches, if exactly one does (two would need a
    person to choose: none is suggested, and an officer finds it in the queue later)."""
    rejected = set(
        NewPupilNotice.objects.filter(
            forename=notice.forename, surname=notice.surname,
            date_of_birth=notice.date_of_birth, status=NewPupilNotice.Status.REJECTED,
        ).values_list("episode_id", flat=True)
    )  # fmt: skip
    candidates = [candidate for candidate in open_candidates(notice)
                  if candidate.open_episode.pk not in rejected]  # fmt: skip
    if len(candidates) != 1:
        return False
    notice.status = NewPupilNotice.Status.SUGGESTED
    notice.episode = candidates[0].open_episode
    notice.match_reason = candidates[0].reason
    notice.save(update_fields=["status", "episode", "match_reason"])
    return True


@transaction.atomic
def notice_suggest(*, notice: NewPupilNotice, episode: Episode, by) -> NewPupilNotice:
    """An officer picks, from the cases the duplicate check found for an unmatched notice,
    the one it is: that case then shows the suggested closure, to confirm or reject."""
    notice = NewPupilNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NewPupilNotice.Status.UNMATCHED:
        raise CaseError("This notice has already been matched or decided.")
    found = {candidate.open_episode.pk: candidate.reason for candidate in open_candidates(notice)}
    if episode.pk not in found:
        raise CaseError("That case is not one the duplicate check finds for this pupil.")
    if not access.may(by, access.Action.CLOSE, episode) or not access.shows_sensitive(by, episode):
        raise CaseError("You cannot close this case.")
    notice.status = NewPupilNotice.Status.SUGGESTED
    notice.episode = episode
    notice.match_reason = found[episode.pk]
    notice.save(update_fields=["status", "episode", "match_reason"])
    return notice


def waiting_notices_match() -> dict:
    """Try unmatched notices against the cases opened since (beat runs this hourly); after
    30 days a notice is no longer tried."""
    cutoff = timezone.now() - KEPT_UNMATCHED
    waiting = NewPupilNotice.objects.filter(status=NewPupilNotice.Status.UNMATCHED)
    expired = waiting.filter(sent_at__lt=cutoff).update(status=NewPupilNotice.Status.EXPIRED)
    matched = 0
    for notice in waiting.filter(sent_at__gte=cutoff):
        with transaction.atomic():
            matched += notice_match(notice)
    return {"matched": matched, "expired": expired}


def _decidable(notice: NewPupilNotice, by) -> Episode:
    notice = NewPupilNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != NewPupilNotice.Status.SUGGESTED:
        raise CaseError("This notice has already been decided.")
    if not access.may(by, access.Action.CLOSE, notice.episode) or not access.shows_sensitive(
        by, notice.episode
    ):
        raise CaseError("You cannot close this case.")
    return notice


@transaction.atomic
def suggestion_confirm(*, notice: NewPupilNotice, by) -> Episode:
    """The officer agrees: the case closes as found in school in this local authority, at the
    school, from the day the child was admitted (or the referral, if that was later)."""
    notice = _decidable(notice, by)
    episode = notice.episode
    closed_on = max(notice.admitted_on, episode.referral_date)
    episode_close(
        episode=episode, outcome=ClosureOutcome.objects.get(code=FOUND_IN_SCHOOL),
        closed_on=closed_on, by=by, destination_school=notice.school,
        details={"start_date": notice.admitted_on.isoformat(),
                 NewPupilNotice.CLOSURE_KEY: notice.reference},
    )  # fmt: skip
    _decided(notice, by, NewPupilNotice.Status.CONFIRMED)
    return episode


@transaction.atomic
def suggestion_reject(*, notice: NewPupilNotice, by) -> None:
    """Not this child: the case stays open, and this notice is not suggested for it again."""
    notice = _decidable(notice, by)
    _decided(notice, by, NewPupilNotice.Status.REJECTED)


def _decided(notice: NewPupilNotice, by, status) -> None:
    notice.status = status
    notice.decided_by = by
    notice.decided_at = clock.now()
    notice.save(update_fields=["status", "decided_by", "decided_at"])
    outbox.enqueue("schools.tasks.tell_school", notice.pk)  # with the decision, or not at all


NOTICE_KINDS = {"new_pupil": (NewPupilNotice, "schools:notice"),
                "deletion": (DeletionNotice, "schools:deletion"),
                "joint_enquiry": (JointEnquiry, "schools:enquiry")}  # fmt: skip


def school_told(notice_id: int, kind: str = "new_pupil") -> bool:
    """Email the school user who sent a notice that it has an outcome: its reference and a
    link to the portal, never the child's details (the outbox's task: safe to run twice)."""
    model, page = NOTICE_KINDS[kind]
    notice = model.objects.filter(pk=notice_id).first()
    sender = getattr(notice, "sent_by", None) or getattr(notice, "started_by", None)
    if notice is None or not sender.is_active or not sender.email:
        return False
    link = http.site_link(reverse(page, args=[notice.pk]))
    EmailMessage(
        subject=f"Notice {notice.reference}: the council has looked at it",
        body=(f"The council's children missing education team has looked at notice "
              f"{notice.reference}. See what happened: {link}\n"),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[sender.email],
    ).send()  # fmt: skip
    return True
