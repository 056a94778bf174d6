"""Changes to cases. Each runs in one transaction and writes an event saying who did what.

Checks of the current state raise ``CaseError``; the database constraints stand behind them.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .errors import CaseError
from .models import (
    Address,
    Carer,
    Child,
    ClosureOutcome,
    Enquiry,
    EnquiryType,
    Episode,
    Event,
    Family,
)


def _jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def event_record(
    *, actor, verb: str, episode: Episode | None, payload: dict, at: datetime | None = None
) -> Event:
    """Append one row to the case history. ``at`` backdates demo and imported history."""
    return Event.objects.create(
        actor=actor,
        verb=verb,
        episode=episode,
        payload={key: _jsonable(value) for key, value in payload.items()},
        created_at=at or timezone.now(),
    )


def _changes(instance, fields: dict) -> dict:
    """Apply ``fields`` to ``instance``; return {field: {"before", "after"}} for what moved."""
    changes = {}
    for name, value in fields.items():
        before = getattr(instance, name)
        if before != value:
            changes[name] = {"before": _jsonable(before), "after": _jsonable(value)}
            setattr(instance, name, value)
    return changes


def _bump(episode: Episode, update_fields: list[str]) -> None:
    episode.version = F("version") + 1
    episode.save(update_fields=[*update_fields, "version", "updated_at"])
    episode.refresh_from_db(fields=["version"])


@transaction.atomic
def episode_open(
    *,
    child,
    referral,
    referral_date: date,
    by,
    at: datetime | None = None,
    open_to_services=(),
    **fields,
) -> Episode:
    """Open a new episode for ``child``. A child with an open episode cannot get a second."""
    if Episode.objects.filter(child=child, status=Episode.Status.OPEN).exists():
        raise CaseError("This child already has an open case; add the referral to it instead.")
    if fields.get("area") is not None and fields.get("locality") is None:
        fields["locality"] = fields["area"].locality
    episode = Episode.objects.create(
        child=child, referral=referral, referral_date=referral_date, **fields
    )
    episode.open_to_services.set(open_to_services)
    event_record(
        actor=by,
        verb="episode.opened",
        episode=episode,
        payload={"referral_date": referral_date, "referral": referral, **fields},
        at=at,
    )
    return episode


@transaction.atomic
def episode_allocate(*, episode: Episode, officer, by, at: datetime | None = None) -> Episode:
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    changes = _changes(episode, {"allocated_officer": officer})
    if changes:
        _bump(episode, ["allocated_officer"])
        event_record(actor=by, verb="episode.allocated", episode=episode, payload=changes, at=at)
    return episode


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
    at: datetime | None = None,
) -> Enquiry:
    """Record an enquiry; its due date defaults from the type's days to respond."""
    if not episode.is_open:
        raise CaseError("Enquiries can only be added to an open case.")
    due_on = due_on or requested_on + timedelta(days=enquiry_type.days_to_respond)
    enquiry = Enquiry.objects.create(
        episode=episode,
        enquiry_type=enquiry_type,
        made_to=made_to,
        requested_on=requested_on,
        due_on=due_on,
        notes=notes,
        officer=by,
    )
    event_record(
        actor=by,
        verb="enquiry.added",
        episode=episode,
        payload={
            "enquiry": enquiry.pk,
            "type": enquiry_type.code,
            "made_to": made_to,
            "requested_on": requested_on,
            "due_on": due_on,
        },
        at=at,
    )
    return enquiry


@transaction.atomic
def enquiry_complete(
    *, enquiry: Enquiry, completed_on: date, response: str, by, at: datetime | None = None
) -> Enquiry:
    enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if enquiry.completed_on is not None:
        raise CaseError("This enquiry has already been completed.")
    if completed_on < enquiry.requested_on:
        raise CaseError("The completion date cannot be before the enquiry was made.")
    changes = _changes(enquiry, {"completed_on": completed_on, "response": response})
    enquiry.save(update_fields=["completed_on", "response", "updated_at"])
    event_record(
        actor=by,
        verb="enquiry.completed",
        episode=enquiry.episode,
        payload={"enquiry": enquiry.pk, **changes},
        at=at,
    )
    return enquiry


@transaction.atomic
def episode_close(
    *,
    episode: Episode,
    outcome: ClosureOutcome,
    closed_on: date,
    by,
    details: dict | None = None,
    destination_school=None,
    at: datetime | None = None,
) -> Episode:
    """Close an open episode with an outcome."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if not episode.is_open:
        raise CaseError("This case is already closed.")
    if closed_on < episode.referral_date:
        raise CaseError("The closure date cannot be before the referral date.")
    changes = _changes(
        episode,
        {
            "status": Episode.Status.CLOSED,
            "closed_on": closed_on,
            "closure_outcome": outcome,
            "closure_details": details or {},
            "destination_school": destination_school,
        },
    )
    _bump(episode, list(changes))
    event_record(actor=by, verb="episode.closed", episode=episode, payload=changes, at=at)
    return episode


@transaction.atomic
def removal_from_roll_authorise(
    *, episode: Episode, authorised_on: date, school, by, at: datetime | None = None
) -> Episode:
    """Record the LA's authorisation for ``school`` to remove the child from its roll."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    changes = _changes(
        episode,
        {
            "removal_from_roll_authorised_on": authorised_on,
            "removal_from_roll_authorised_by": by,
            "removal_from_roll_school": school,
        },
    )
    _bump(episode, list(changes))
    event_record(
        actor=by,
        verb="episode.removal_from_roll_authorised",
        episode=episode,
        payload=changes,
        at=at,
    )
    return episode


@transaction.atomic
def family_create(
    *, by, carers: list[dict] = (), addresses: list[dict] = (), at: datetime | None = None
) -> Family:
    """A new sibling group with its parents or carers and addresses."""
    family = Family.objects.create()
    for carer in carers:
        Carer.objects.create(family=family, **carer)
    for address in addresses:
        Address.objects.create(family=family, **address)
    event_record(
        actor=by,
        verb="family.created",
        episode=None,
        payload={"family": family.pk, "carers": len(carers), "addresses": len(addresses)},
        at=at,
    )
    return family


@transaction.atomic
def child_create(*, by, at: datetime | None = None, **fields) -> Child:
    """A child not known before. The UPN, when given, is stored upper-case."""
    fields["upn"] = (fields.get("upn") or "").strip().upper()
    child = Child.objects.create(**fields)
    event_record(actor=by, verb="child.created", episode=None, payload={"child": child.pk}, at=at)
    return child
