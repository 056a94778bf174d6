"""Writes for deletion notices: a school sends one; an officer triages it into one of three
outcomes (a case opened from it, the notice attached to an open case, or no children missing
education concern with the reason). Each outcome is attributed, and tells the school that
there is one, never what the case is."""

from django.db import transaction

from cases import access
from cases.errors import CaseError
from cases.services.events import event_record
from cme_tracker.core import clock, outbox

from .models import DeletionNotice
from .selectors import schools_of

FIELDS = [field.name for field in DeletionNotice._meta.fields]


def candidates_seen(*, user, options: list[dict], page: str, client_address: str | None) -> int:
    """Each sensitive child the duplicate check showed ``user`` on a notice's (or joint
    enquiry's) page goes in the access log, against the child's open case (else their latest),
    saying whether its details were shown or withheld: a look at a sensitive record, even one
    that only finds it exists. Returns how many entries were made."""
    from cases.services import access_log_record

    made = 0
    for option in options:
        episode = option["episode"] or next(iter(option["candidate"].child.episodes.all()), None)
        if episode is None or not access.is_sensitive(episode):  # the case's, child's or family's
            continue
        made += access_log_record(user=user, episodes=[episode], page=page,
                                  client_address=client_address,
                                  details_shown=option["shown"])  # fmt: skip
    return made


@transaction.atomic
def deletion_notice_send(*, by, school, **details) -> DeletionNotice:
    """A school user tells the council of a deletion from one of their schools' registers."""
    if not schools_of(by).filter(pk=school.pk).exists():
        raise CaseError("You can only send notices for your own school.")
    unknown = set(details) - set(FIELDS)
    if unknown:
        raise TypeError(f"not a deletion notice's field: {', '.join(sorted(unknown))}")
    return DeletionNotice.objects.create(school=school, sent_by=by, **details)


class NoticeNotWaiting(CaseError):
    """The notice was dealt with meanwhile, or is not this user's to deal with: whatever was
    being made from it (a referral) can still be saved on its own."""


def _waiting(notice: DeletionNotice) -> DeletionNotice:
    notice = DeletionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != DeletionNotice.Status.RECEIVED:
        raise NoticeNotWaiting(f"Notice {notice.reference} has already been dealt with.")
    return notice


def _decided(notice: DeletionNotice, by, status, **outcome) -> DeletionNotice:
    for name, value in outcome.items():
        setattr(notice, name, value)
    notice.status = status
    notice.decided_by = by
    notice.decided_at = clock.now()
    notice.save(update_fields=["status", "decided_by", "decided_at", *outcome])
    outbox.enqueue("schools.tasks.tell_school", notice.pk, "deletion")
    return notice


@transaction.atomic
def deletion_referred(*, notice: DeletionNotice, referral, episode, joined: bool, by):
    """A referral made from this notice opened its pupil's case, or (``joined``) was added to
    the pupil's case already open, which is the notice attached to it, with its History entry.
    ``referral_intake`` calls this in its own transaction, so the two stand or fall together."""
    from .deletion_selectors import withheld_from

    notice = _waiting(notice)
    if not by.has_perm("schools.triage_deletion_notices") or withheld_from(by, notice):
        raise NoticeNotWaiting(
            f"You cannot deal with notice {notice.reference}: the case's officer or a manager does."
        )
    if joined:
        _attached_event(notice, episode, by)
    status = DeletionNotice.Status.ATTACHED if joined else DeletionNotice.Status.CASE_OPENED
    return _decided(notice, by, status, episode=episode, referral=referral)


def _attached_event(notice: DeletionNotice, episode, by) -> None:
    event_record(actor=by, verb="deletion_notice.attached", episode=episode, payload={
        "notice": notice.reference, "school": notice.school.name, "ground": notice.ground.code,
        "deleted_on": notice.deleted_on,
    })  # fmt: skip


@transaction.atomic
def deletion_attach(*, notice: DeletionNotice, episode, by) -> DeletionNotice:
    """The notice is about a child whose case is open already: it goes on that case."""
    notice = _waiting(notice)
    if episode.status != "OPEN":
        raise CaseError(f"Case {episode.reference} is closed: open a case from the notice.")
    if not access.may(by, access.Action.EDIT, episode) or not access.shows_sensitive(by, episode):
        raise CaseError(f"You cannot add to case {episode.reference}.")
    _attached_event(notice, episode, by)
    return _decided(notice, by, DeletionNotice.Status.ATTACHED, episode=episode)


@transaction.atomic
def deletion_no_concern(*, notice: DeletionNotice, reason: str, by) -> DeletionNotice:
    """Checked, and the child is not missing education (for example, the destination school
    confirmed the pupil is on its roll): the reason is kept, and the school told only that."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseError("Say why there is no children missing education concern.")
    notice = _waiting(notice)
    return _decided(notice, by, DeletionNotice.Status.NO_CONCERN, no_concern_reason=reason)
