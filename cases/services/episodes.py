"""Opening, editing and allocating episodes (cases)."""

from datetime import date

from django.db import transaction

from cme_tracker.core import outbox

from ..errors import CaseError
from ..models import Episode
from .events import apply_changes, event_record
from .locking import bump_version, episode_for_update
from .sensitivity import sensitivity_mark


@transaction.atomic
def episode_open(
    *,
    child,
    referral,
    referral_date: date,
    by,
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
        payload={
            "version": episode.version,
            "referral_date": referral_date,
            "referral": referral,
            "open_to_services": list(open_to_services),
            **fields,
        },
    )
    if episode.is_sensitive:  # the child and family too: every case of theirs
        sensitivity_mark(episode=episode, by=by)
    return episode


@transaction.atomic
def episode_attach_referral(*, episode: Episode, referral, by) -> Episode:
    """A new referral of a child whose case is open joins that case: never a second one."""
    episode = episode_for_update(episode.pk)
    if not episode.is_open:
        raise CaseError("Only an open case can take a further referral.")
    version = bump_version(episode, [])
    event_record(
        actor=by,
        verb="episode.referral_attached",
        episode=episode,
        payload={"version": version, "referral": referral, "received_on": referral.received_on},
    )
    return episode


@transaction.atomic
def episode_update(*, episode: Episode, expected_version: int, by, **fields) -> Episode:
    """Change an open case's details; refused if it changed since ``expected_version``."""
    unknown = set(fields) - set(Episode.OFFICER_EDITS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    episode = episode_for_update(episode.pk, expected_version)
    if not episode.is_open:
        raise CaseError("A closed case cannot be edited; reopen it first.")
    if fields.get("area") is not None:
        fields["locality"] = fields["area"].locality
    services = fields.pop("open_to_services", None)
    changes = apply_changes(episode, fields)
    if services is not None:
        before = sorted(episode.open_to_services.values_list("pk", flat=True))
        after = sorted(service.pk for service in services)
        if before != after:
            episode.open_to_services.set(services)
            changes["open_to_services"] = {"before": before, "after": after}
    if changes:
        version = bump_version(episode, [name for name in changes if name in fields])
        event_record(
            actor=by, verb="episode.updated", episode=episode,
            payload={"version": version, **changes},
        )  # fmt: skip
    return episode


@transaction.atomic
def episode_allocate(
    *,
    episode: Episode,
    officer,
    by,
    expected_version: int | None = None,
    notify: bool = True,
) -> Episode:
    """Give a case to an officer (or take it back to unallocated with ``officer=None``).

    The officer is told (``notify``), except when the demo writes its history."""
    episode = episode_for_update(episode.pk, expected_version)
    if not episode.is_open:
        raise CaseError("Only open cases can be allocated.")
    changes = apply_changes(episode, {"allocated_officer": officer})
    if changes:
        version = bump_version(episode, ["allocated_officer"])
        event = event_record(
            actor=by, verb="episode.allocated", episode=episode,
            payload={"version": version, **changes},
        )  # fmt: skip
        if officer is not None and notify:
            # The officer hears of it from a worker; the save never waits on the broker.
            outbox.enqueue("cases.tasks.notify_allocation", event.pk)
    return episode


@transaction.atomic
def episodes_allocate(*, episode_ids: list[int], officer, by) -> int:
    """Allocate many open cases at once; returns how many changed hands."""
    changed = 0
    for episode_id in sorted(episode_ids):  # a fixed order, so two managers cannot deadlock
        episode = episode_for_update(episode_id)
        if episode.is_open and episode.allocated_officer_id != (officer and officer.pk):
            episode_allocate(episode=episode, officer=officer, by=by)
            changed += 1
    return changed


@transaction.atomic
def removal_from_roll_authorise(
    *,
    episode: Episode,
    authorised_on: date,
    school,
    by,
    expected_version: int | None = None,
) -> Episode:
    """Record the LA's authorisation for ``school`` to remove the child from its roll."""
    episode = episode_for_update(episode.pk, expected_version)
    if authorised_on < episode.referral_date:
        raise CaseError("The authorisation cannot be dated before the referral.")
    changes = apply_changes(
        episode,
        {
            "removal_from_roll_authorised_on": authorised_on,
            "removal_from_roll_authorised_by": by,
            "removal_from_roll_school": school,
        },
    )
    if changes:
        version = bump_version(episode, list(changes))
        event_record(
            actor=by, verb="episode.removal_from_roll_authorised", episode=episode,
            payload={"version": version, **changes},
        )  # fmt: skip
    return episode
