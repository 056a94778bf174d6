"""Enquiries: the checks made to find a child, each with a due date and a response."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from ..errors import CaseError
from ..models import Enquiry, EnquiryType, Episode
from ..selectors import open_sibling_episodes
from ..working_days import add_working_days
from .events import apply_changes, event_record
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
) -> list[Enquiry]:
    """Record an enquiry, and a family enquiry on ``siblings`` (open cases of the child's
    brothers and sisters the officer may work) at once.

    The due date defaults from the type's days to respond.
    """
    if not episode.is_open:
        raise CaseError("Enquiries can only be added to an open case.")
    if requested_on > timezone.localdate():
        raise CaseError("The date the enquiry was made cannot be in the future.")
    due_on = due_on or default_due_date(enquiry_type, requested_on)
    if due_on < requested_on:
        raise CaseError("The due date cannot be before the date the enquiry was made.")
    family = {sibling.pk for sibling in open_sibling_episodes(episode)[1:]}
    if any(sibling.pk not in family for sibling in siblings):
        raise CaseError("A family enquiry goes only on brothers' and sisters' open cases.")
    # Each case is locked (in a fixed order) and moves on a version, as any change to it does.
    locked = {pk: episode_for_update(pk) for pk in sorted({episode.pk, *(s.pk for s in siblings)})}
    episodes = [locked[episode.pk], *(locked[sibling.pk] for sibling in siblings)]
    group = uuid.uuid4() if len(episodes) > 1 else None
    enquiries = []
    for each in episodes:
        enquiry = Enquiry.objects.create(
            episode=each, enquiry_type=enquiry_type, made_to=made_to, requested_on=requested_on,
            due_on=due_on, notes=notes, officer=by, family_group=group,
        )  # fmt: skip
        event_record(
            actor=by,
            verb="enquiry.added",
            episode=each,
            payload={
                "version": bump_version(each, []),
                "enquiry": enquiry.pk,
                "type": enquiry_type.code,
                "made_to": made_to,
                "requested_on": requested_on,
                "due_on": due_on,
                "family": bool(group),
            },
        )
        enquiries.append(enquiry)
    return enquiries


@transaction.atomic
def enquiry_complete(
    *,
    enquiry: Enquiry,
    completed_on: date,
    response: str,
    by,
    notes: str | None = None,
    at: datetime | None = None,
) -> Enquiry:
    """Record the response. A family-level enquiry is completed on every sibling's case."""
    enquiry = Enquiry.objects.get(pk=enquiry.pk)
    group = (Enquiry.objects.filter(family_group=enquiry.family_group)
             if enquiry.family_group else Enquiry.objects.filter(pk=enquiry.pk))  # fmt: skip
    # The cases first, in a fixed order (as closing does), then the enquiries: never a deadlock.
    locked = {pk: episode_for_update(pk)
              for pk in sorted(set(group.values_list("episode_id", flat=True)))}  # fmt: skip
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.completed_on is not None:
        raise CaseError("This enquiry has already been completed.")
    if completed_on < enquiry.requested_on:
        raise CaseError("The date of the response cannot be before the enquiry was made.")
    if completed_on > timezone.localdate(at):
        raise CaseError("The date of the response cannot be in the future.")
    copies = [enquiry]
    if enquiry.family_group:
        copies += list(
            Enquiry.objects.select_for_update()
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


@transaction.atomic
def core_enquiries_record(*, episode: Episode, records: list[dict], by) -> list[Enquiry]:
    """Several core enquiries at once, each made and (if answered) answered: all or none.

    Each record holds ``enquiry_type``, ``made_to``, ``requested_on`` and, when answered,
    ``completed_on`` and ``response``."""
    made = []
    for record in records:
        [enquiry] = enquiry_add(
            episode=episode, enquiry_type=record["enquiry_type"], made_to=record["made_to"],
            requested_on=record["requested_on"], by=by,
        )  # fmt: skip
        if record.get("completed_on"):
            enquiry_complete(enquiry=enquiry, completed_on=record["completed_on"],
                             response=record["response"], by=by)  # fmt: skip
        made.append(enquiry)
    return made
