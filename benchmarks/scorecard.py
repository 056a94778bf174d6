"""Benchmark: a year's scorecard over 1,000,000 generated episodes (`make bench`).

Target: under a second on this 2-core machine. Prints each year's time and its ratio to one
scan of the episodes table. Leaves the database for ``pages.py`` (``make bench`` runs both).
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ["DJANGO_SETTINGS_MODULE"] = "cme_tracker.settings.bench"

from data import EPISODES, count_afresh, load, one_scan  # noqa: E402


def main() -> None:
    from bulk_import import fresh_database

    fresh_database()
    took = load(EPISODES)
    generated = took["generated"] + took["derived"]
    counted = count_afresh()
    from cases.models import Enquiry, Episode

    print(f"Scorecard over {Episode.objects.count():,} episodes and "
          f"{Enquiry.objects.count():,} enquiries (generated in {generated:.0f} s; counts made "
          f"afresh in {counted:.0f} s; target: under 1 s)")  # fmt: skip
    from django.db import connection

    from reports.scorecard import scorecard

    scorecard(2019)  # warm the cache, as a server that has been running would be
    scan = one_scan()
    print(f"  one scan of the episodes table (the yardstick): {scan:.3f} s")
    for year in (2019, 2020, 2021):
        started = time.perf_counter()
        card = scorecard(year)
        seconds = time.perf_counter() - started
        print(f"  {card.year_label}: {seconds:.2f} s, {seconds / scan:.2f} scans "
              f"({card.value('1a')} new referrals, {card.value('6')} active at the year end)",
              flush=True)  # fmt: skip
    # A year with a quarter not yet ended: months open and overdue enquiries as at today are
    # counted from the open cases.
    from datetime import date

    started = time.perf_counter()
    card = scorecard(2026, today=date(2026, 11, 20))
    seconds = time.perf_counter() - started
    print(f"  {card.year_label} with Q3 to date: {seconds:.2f} s, {seconds / scan:.2f} scans "
          f"({card.value('6', quarter=3)} active today)", flush=True)  # fmt: skip
    # A change is counted as it commits (ADR 0008): the cost is the writer's, not the reader's.
    for changed in (100, 10_000):
        started = time.perf_counter()
        with connection.cursor() as cursor:  # autocommit: the statement commits, and counts
            cursor.execute(
                "UPDATE cases_episode SET locality_id = NULL WHERE id IN "
                "(SELECT id FROM cases_episode ORDER BY id DESC LIMIT %s)",
                [changed],
            )
        written = time.perf_counter() - started
        started = time.perf_counter()
        card = scorecard(2021)
        print(f"  {changed:,} episodes changed in one statement: {written:.2f} s to commit, "
              f"counted; then 2021/22 read in {time.perf_counter() - started:.2f} s",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
