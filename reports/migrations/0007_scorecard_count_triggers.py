"""Scorecard counts kept exact with triggers, so a year's scorecard reads a few thousand counts
instead of grouping a million episodes.

This migration first installed the counting SQL. That SQL now lives in one module,
``reports.counting_sql``, and migration 0011 installs it (as every later change to it will:
docs/adr/0008-scorecard-counting.md), so this one no longer does anything on a new database.
A database that ran it before keeps what it installed until 0011 replaces it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_scorecard_counts"),
        ("cases", "0011_allocation_alerts"),
    ]

    operations = []
