"""Enquiries: the checks made to find a child, each with a due date and a response."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ..errors import CaseError
from ..models import Enquiry, EnquiryType, Episode
from ..selectors import open_sibling_episodes
from .events import apply_changes, event_record


def default_due_date(enquiry_type: EnquiryType, requested_on: date) -> date:
    return requested_on + timedelta(days=enquiry_type.days_to_respond)


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
    episodes = [episode, *siblings]
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
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.completed_on is not None:
        raise CaseError("This enquiry has already been completed.")
    if completed_on < enquiry.requested_on:
        raise CaseError("The date of the response cannot be before the enquiry was made.")
    if completed_on > (at.date() if at else timezone.localdate()):
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
        event_record(
            actor=by, verb="enquiry.completed", episode=each.episode,
            payload={"enquiry": each.pk, "type": each.enquiry_type.code, **changes},
        )  # fmt: skip
    return enquiry
