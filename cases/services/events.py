"""The case history: every service writes through here, in its own transaction."""

from datetime import date

from ..models import Episode, Event


def jsonable(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [jsonable(item) for item in value]
    return value


def event_record(*, actor, verb: str, episode: Episode | None, payload: dict) -> Event:
    """Append one row to the case history, timed by the database's clock."""
    return Event.objects.create(
        actor=actor,
        verb=verb,
        episode=episode,
        payload={key: jsonable(value) for key, value in payload.items()},
    )


def apply_changes(instance, fields: dict) -> dict:
    """Set ``fields`` on ``instance``; return {field: {"before", "after"}} for what moved."""
    changes = {}
    for name, value in fields.items():
        before = getattr(instance, name)
        if before != value:
            changes[name] = {"before": jsonable(before), "after": jsonable(value)}
            setattr(instance, name, value)
    return changes
