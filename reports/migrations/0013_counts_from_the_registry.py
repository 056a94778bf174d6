"""The counts of episodes referred, active and resolved, and their breakdowns, are generated
from the measure registry (``reports.indicators``); the resolved cases' total is kept under
``resolved`` and their outcomes under ``resolved.outcome``, family sizes under
``family.size``. The counting SQL is installed again and every count made afresh."""

from django.db import migrations

from reports import counting_sql


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0012_family_size_counts_children"),
    ]

    operations = [migrations.RunPython(counting_sql.migration_install, migrations.RunPython.noop)]
