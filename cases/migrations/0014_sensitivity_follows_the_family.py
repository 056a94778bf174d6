"""Sensitivity follows the family: every child and family with a sensitive case or a sensitive
address is marked, and the "Sensitive case viewed" events History used to carry become the
access log's first entries (their own times: the database clock stamps only new rows)."""

from django.db import migrations


def forward(apps, schema_editor):
    Episode = apps.get_model("cases", "Episode")
    Child = apps.get_model("cases", "Child")
    Family = apps.get_model("cases", "Family")
    Event = apps.get_model("cases", "Event")
    AccessLogEntry = apps.get_model("cases", "AccessLogEntry")

    sensitive_children = Episode.objects.filter(is_sensitive=True).values("child_id")
    Child.objects.filter(pk__in=sensitive_children).update(is_sensitive=True)
    Family.objects.filter(children__is_sensitive=True).update(is_sensitive=True)
    Family.objects.filter(addresses__is_sensitive=True).update(is_sensitive=True)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            user_id=event.actor_id, episode_id=event.episode_id, viewed_at=event.created_at,
            page="(recorded in History before the access log)", details_shown=True,
        )
        for event in Event.objects.filter(
            verb="episode.viewed", actor__isnull=False, episode__isnull=False
        ).iterator()
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("cases", "0013_sensitivity_and_access_log")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
