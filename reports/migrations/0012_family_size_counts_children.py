"""A family's size at a quarter end is how many of its children have an active episode, not
how many active episodes it has: a child with two cases active at once (one reopened after a
later one closed) made a family of one "2 children". The counting SQL is installed again from
``reports.counting_sql`` and every count made afresh."""

from django.db import migrations

from reports import counting_sql


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0011_counting_installed"),
    ]

    operations = [migrations.RunPython(counting_sql.migration_install, migrations.RunPython.noop)]
