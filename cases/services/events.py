"""The case history: every service writes through here, in its own transaction."""

from datetime import date

from .. import access
from ..models import Episode, Event

# Intake opens and joins cases: whoever does it is not acting on someone else's case.
_INTAKE = {"episode.opened", "episode.referral_attached", "episode.imported"}


def jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    return value


def event_record(*, actor, verb: str, episode: Episode | None, payload: dict) -> Event:
    """Append one row to the case history, timed by the database's clock."""
    [event] = events_record(actor=actor, episode=episode, entries=[(verb, payload)])
    return event


def events_record(*, actor, episode: Episode | None, entries: list[tuple[str, dict]]) -> list:
    """Append several rows (each a verb and its payload) about one case in one statement.

    A change by an officer other than the case's own (team-wide working) is marked as such."""
    outside = episode is not None and access.outside_allocation(actor, episode)
    events = []
    for verb, payload in entries:
        payload = {key: jsonable(value) for key, value in payload.items()}
        if outside and verb not in _INTAKE:
            payload["outside_allocation"] = True
        events.append(Event(actor=actor, verb=verb, episode=episode, payload=payload))
    return Event.objects.bulk_create(events)


def apply_changes(instance, fields: dict) -> dict:
    """Set ``fields`` on ``instance``; return {field: {"before", "after"}} for what moved."""
    changes = {}
    for name, value in fields.items():
        before = getattr(instance, name)
        if before != value:
            changes[name] = {"before": jsonable(before), "after": jsonable(value)}
            setattr(instance, name, value)
    return changes
