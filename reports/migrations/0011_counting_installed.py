"""The counting SQL installed from ``reports.counting_sql`` under its one name (changes not yet
counted, counted at their transaction's commit), and every count made afresh."""

from django.db import migrations, models

from reports import counting_sql


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_dfe_return_submissions"),
    ]

    operations = [
        migrations.RunPython(counting_sql.migration_uninstall, migrations.RunPython.noop),
        migrations.RenameModel("PendingCount", "UncountedChange"),
        migrations.RemoveConstraint(
            model_name="uncountedchange", name="pending_count_names_a_child_or_an_episode"
        ),
        migrations.AddConstraint(
            model_name="uncountedchange",
            constraint=models.CheckConstraint(
                condition=models.Q(child_id__isnull=False) | models.Q(episode_id__isnull=False),
                name="uncounted_change_names_a_child_or_an_episode",
            ),
        ),
        migrations.CreateModel(
            name="CountingDue",
            fields=[("transaction_id", models.BigIntegerField(primary_key=True, serialize=False))],
            options={"default_permissions": ()},
        ),
        migrations.RunPython(counting_sql.migration_install, counting_sql.migration_uninstall),
    ]
