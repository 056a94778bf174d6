"""Enquiries: the checks made to find a child, each with a due date and a response."""

import uuid
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import Q

from cme_tracker.core import clock

from ..errors import CaseError
from ..models import Enquiry, EnquiryType, Episode
from ..selectors import open_sibling_episodes
from ..working_days import add_working_days
from .events import apply_changes, event_record, events_record
from .locking import bump_version, episode_for_update


def default_due_date(enquiry_type: EnquiryType, requested_on: date) -> date:
    """The type's days to respond, counted in working days (no weekends or bank holidays)."""
    return add_working_days(requested_on, enquiry_type.days_to_respond)


@transaction.atomic
def enquiry_add(
    *,
    episode: Episode,
    enquiry_type: EnquiryType,
    made_to: str,
    requested_on: date,
    by,
    due_on: date | None = None,
    notes: str = "",
    siblings: Sequence[Episode] = (),
    completed_on: date | None = None,
    response: str = "",
) -> list[Enquiry]:
    """Record an enquiry, and a family enquiry on ``siblings`` (open cases of the child's
    brothers and sisters the officer may work) at once.

    The due date defaults from the type's days to respond. An enquiry already answered
    (``completed_on`` and ``response``) is made and answered in one change to each case.
    """
    fields = _checked(
        enquiry_type=enquiry_type, made_to=made_to, requested_on=requested_on, due_on=due_on,
        notes=notes, completed_on=completed_on, response=response,
    )  # fmt: skip
    if siblings:
        family = {sibling.pk for sibling in open_sibling_episodes(episode)[1:]}
        if any(sibling.pk not in family for sibling in siblings):
            raise CaseError("A family enquiry goes only on brothers' and sisters' open cases.")
    # Each case is locked (in a fixed order) and moves on a version, as any change to it does.
    locked = {pk: episode_for_update(pk) for pk in sorted({episode.pk, *(s.pk for s in siblings)})}
    episodes = [locked[episode.pk], *(locked[sibling.pk] for sibling in siblings)]
    group = uuid.uuid4() if len(episodes) > 1 else None
    return [enquiry for case in episodes for enquiry in _make(case, [fields], by, group)]


@transaction.atomic
def enquiries_record(*, episode: Episode, records: list[dict], by) -> list[Enquiry]:
    """Several enquiries on one case at once, each made and (if answered) answered: all or
    none, in one change to the case.

    Each record holds ``enquiry_type``, ``made_to``, ``requested_on`` and, when answered,
    ``completed_on`` and ``response``; ``due_on`` and ``notes`` as ``enquiry_add`` takes them."""
    items = [_checked(**record) for record in records]
    return _make(episode_for_update(episode.pk), items, by, None)


def _checked(*, enquiry_type: EnquiryType, made_to: str, requested_on: date,
             due_on: date | None = None, notes: str = "", completed_on: date | None = None,
             response: str = "") -> dict:  # fmt: skip
    """One enquiry's fields, with every rule of making (and answering) it checked."""
    today = clock.today()
    if requested_on > today:
        raise CaseError("The date the enquiry was made cannot be in the future.")
    due_on = due_on or default_due_date(enquiry_type, requested_on)
    if due_on < requested_on:
        raise CaseError("The due date cannot be before the date the enquiry was made.")
    if completed_on is not None:
        _check_response(requested_on, completed_on, today)
    return {"enquiry_type": enquiry_type, "made_to": made_to, "requested_on": requested_on,
            "due_on": due_on, "notes": notes, "completed_on": completed_on,
            "response": response if completed_on else ""}  # fmt: skip


def _make(case: Episode, items: list[dict], by, group) -> list[Enquiry]:
    """Create ``items`` on the locked ``case``: one new version, and History's entries."""
    if not case.is_open:
        raise CaseError("Enquiries can only be added to an open case.")
    enquiries = Enquiry.objects.bulk_create(
        [Enquiry(episode=case, officer=by, family_group=group, **item) for item in items]
    )
    version = bump_version(case, [])
    entries = []
    for enquiry in enquiries:
        kind = enquiry.enquiry_type.code
        entries.append(("enquiry.added", {
            "version": version, "enquiry": enquiry.pk, "type": kind, "made_to": enquiry.made_to,
            "requested_on": enquiry.requested_on, "due_on": enquiry.due_on,
            "family": bool(group),
        }))  # fmt: skip
        if enquiry.completed_on is not None:
            entries.append(("enquiry.completed", {
                "version": version, "enquiry": enquiry.pk, "type": kind,
                "completed_on": {"before": None, "after": enquiry.completed_on},
                "response": {"before": "", "after": enquiry.response},
            }))  # fmt: skip
    events_record(actor=by, episode=case, entries=entries)
    return enquiries


def _check_response(requested_on: date, completed_on: date, today: date) -> None:
    if completed_on < requested_on:
        raise CaseError("The date of the response cannot be before the enquiry was made.")
    if completed_on > today:
        raise CaseError("The date of the response cannot be in the future.")


@transaction.atomic
def enquiry_complete(
    *,
    enquiry: Enquiry,
    completed_on: date,
    response: str,
    by,
    notes: str | None = None,
) -> Enquiry:
    """Record the response. A family-level enquiry is completed on every sibling's case."""
    # The cases first, in a fixed order (as closing does), then the enquiries: never a deadlock.
    own_group = Enquiry.objects.filter(pk=enquiry.pk, family_group__isnull=False)
    cases = Enquiry.objects.filter(
        Q(pk=enquiry.pk) | Q(family_group__in=own_group.values("family_group"))
    ).values_list("episode_id", flat=True)
    locked = {pk: episode_for_update(pk) for pk in sorted(set(cases))}
    enquiry = (Enquiry.objects.select_for_update(of=("self",)).select_related("enquiry_type")
               .get(pk=enquiry.pk))  # fmt: skip
    if enquiry.completed_on is not None:
        raise CaseError("This enquiry has already been completed.")
    _check_response(enquiry.requested_on, completed_on, clock.today())
    copies = [enquiry]
    if enquiry.family_group:
        copies += list(
            Enquiry.objects.select_for_update(of=("self",))
            .select_related("enquiry_type")
            .filter(family_group=enquiry.family_group, completed_on__isnull=True)
            .exclude(pk=enquiry.pk)
        )
    for each in copies:
        fields = {"completed_on": completed_on, "response": response}
        if notes is not None:
            fields["notes"] = notes
        changes = apply_changes(each, fields)
        each.save(update_fields=[*fields, "updated_at"])
        case = locked[each.episode_id]
        event_record(
            actor=by, verb="enquiry.completed", episode=case,
            payload={"version": bump_version(case, []), "enquiry": each.pk,
                     "type": each.enquiry_type.code, **changes},
        )  # fmt: skip
    return enquiry
