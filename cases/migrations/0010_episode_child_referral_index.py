"""One index for a child's episodes by date: it serves the foreign key and "previously CME"."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_alerts"),
        ("referrals", "0002_referral_sources"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Django's AlterField would drop every index on child_id, including the partial
        # unique index that allows one open episode per child; drop only the plain one.
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS cases_episode_child_id_c3699259",
                    "CREATE INDEX cases_episode_child_id_c3699259 ON cases_episode (child_id)",
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="episode",
                    name="child",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="episodes",
                        to="cases.child",
                    ),
                )
            ],
        ),
        migrations.AddIndex(
            model_name="episode",
            index=models.Index(fields=["child", "referral_date"], name="episode_child_referral"),
        ),
    ]
