"""A quarter may be taken again, with a reason, superseding its snapshot: never duplicated."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from reports.snapshots import LINK_EARLIER_SNAPSHOTS


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_database_clock"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="scorecardsnapshot",
            name="reason",
            field=models.TextField(blank=True, help_text="Why the quarter was taken again."),
        ),
        migrations.AddField(
            model_name="scorecardsnapshot",
            name="supersedes",
            field=models.OneToOneField(
                blank=True,
                help_text="The quarter's snapshot this one was taken to replace.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="superseded_by",
                to="reports.scorecardsnapshot",
            ),
        ),
        migrations.RunSQL(LINK_EARLIER_SNAPSHOTS, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="scorecardsnapshot",
            constraint=models.UniqueConstraint(
                condition=models.Q(("supersedes__isnull", True)),
                fields=("year", "quarter"),
                name="one_first_snapshot_per_quarter",
            ),
        ),
        migrations.AddConstraint(
            model_name="scorecardsnapshot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("supersedes__isnull", True),
                    models.Q(("reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="snapshot_taken_again_has_a_reason",
            ),
        ),
    ]
