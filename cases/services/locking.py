"""Optimistic locking for episodes: an edit made from a stale page is refused, never merged."""

from ..errors import StaleEdit
from ..models import Episode


def episode_for_update(episode_id: int, expected_version: int | None = None) -> Episode:
    """Lock the episode row; refuse when someone changed it after ``expected_version``."""
    episode = Episode.objects.select_for_update().get(pk=episode_id)
    if expected_version is not None and episode.version != expected_version:
        changes = list(
            episode.events.filter(payload__version__gt=expected_version)
            .select_related("actor")
            .order_by("created_at")
        )
        raise StaleEdit(episode=episode, events=changes)
    return episode


def bump_version(episode: Episode, update_fields: list[str]) -> int:
    """Save ``update_fields`` and raise the version; returns the new version.

    ``episode`` is the row ``episode_for_update`` (or another ``select_for_update``) locked,
    so the version it holds is the one in the table: no one else can have moved it on."""
    episode.version += 1
    episode.save(update_fields=[*update_fields, "version", "updated_at"])
    return episode.version
