"""The access log: each look at a sensitive case, kept apart from History (which records
changes). Nothing of the child is written: who, which case, which page, from where."""

from collections.abc import Iterable

from ..models import AccessLogEntry, Episode


def access_log_record(
    *,
    user,
    episodes: Iterable[Episode | int],
    page: str,
    client_address: str | None,
    details_shown: bool,
) -> int:
    """One entry per case; returns how many. The database stamps the time."""
    entries = [
        AccessLogEntry(
            user=user,
            episode_id=episode if isinstance(episode, int) else episode.pk,
            page=page[:300],
            client_address=client_address or None,
            details_shown=details_shown,
        )
        for episode in episodes
    ]
    AccessLogEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)
