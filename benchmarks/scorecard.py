"""Benchmark: a year's scorecard over 1,000,000 generated episodes (`make bench`).

Target: under a second on this 2-core machine (one scan of a million rows takes PostgreSQL
about 0.3 s here: the floor). Prints the time of three runs after one warm-up.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ["DJANGO_SETTINGS_MODULE"] = "cme_tracker.settings.bench"

EPISODES = int(os.environ.get("BENCH_EPISODES", 1_000_000))


def load(episodes: int) -> None:
    """Children two episodes each, spread over 2014-2026, generated inside PostgreSQL, as a
    DBA would load them: as the superuser, with triggers off."""
    from import_history import superuser_connection

    children = episodes // 2
    with superuser_connection() as conn, conn.cursor() as cursor:
        # A bulk load: no triggers (the counts are made afresh after) and no key checks.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO cases_family (family_ref, created_at, updated_at)
            SELECT '', now(), now() FROM generate_series(1, %s)
            """,
            [children // 2],
        )
        cursor.execute(
            """
            INSERT INTO cases_child (family_id, child_ref, forename, surname, preferred_name,
                other_names, date_of_birth, gender, ethnicity_id, upn, former_upn, fsm_eligible,
                sen_status, first_language, created_at, updated_at)
            SELECT (SELECT min(id) FROM cases_family) + ((i - 1) / 2), '', 'F', 'S', '', '',
                   date '2003-09-01' + (i * 7919 %% 4000)::int,
                   (ARRAY['MALE','FEMALE'])[1 + i %% 2],
                   (SELECT id FROM cases_ethnicity ORDER BY id OFFSET i %% 20 LIMIT 1),
                   '', '', i %% 3 = 0, 'NOT_KNOWN', '', now(), now()
            FROM generate_series(1::bigint, %s) AS i
            """,
            [children],
        )
        cursor.execute(
            """
            INSERT INTO cases_episode (child_id, referral_date, status, closed_on,
                closure_outcome_id, locality_id, school_phase, presenting_need_id,
                fsm_at_referral, is_sensitive, closure_details, version, episode_ref,
                created_at, updated_at)
            SELECT c.id, r.referral, CASE WHEN r.closes THEN 'CLOSED' ELSE 'OPEN' END,
                   CASE WHEN r.closes THEN r.referral + (30 + c.id * 13 %% 300)::int END,
                   CASE WHEN r.closes THEN (SELECT id FROM cases_closureoutcome
                                            ORDER BY id OFFSET c.id %% 9 LIMIT 1) END,
                   (SELECT id FROM cases_locality ORDER BY id OFFSET c.id %% 3 LIMIT 1),
                   (ARRAY['PRIMARY','SECONDARY','SPECIAL','UNKNOWN'])[1 + c.id %% 4],
                   (SELECT id FROM cases_presentingneed ORDER BY id OFFSET c.id %% 26 LIMIT 1),
                   c.id %% 2 = 0, false, '{}'::jsonb, 1, '', now(), now()
            FROM cases_child c
            CROSS JOIN LATERAL (VALUES
                (date '2014-04-01' + (c.id * 37 %% 2400)::int, true),
                (date '2014-04-01' + ((c.id * 37 %% 2400) + 700 + (c.id %% 900))::int,
                 c.id %% 10 <> 0)
            ) AS r(referral, closes)
            """,
            [],
        )
        # Two enquiries for most episodes: the first soon after referral, the second due a
        # week later and answered late or (for some) never, so some are overdue at quarter ends.
        cursor.execute(
            """
            INSERT INTO cases_enquiry (episode_id, enquiry_type_id, made_to, requested_on,
                due_on, completed_on, response, notes, created_at, updated_at)
            SELECT e.id, (SELECT min(id) FROM cases_enquirytype), 'School',
                   e.referral_date + d.after, e.referral_date + d.after + 7,
                   CASE WHEN e.id % 10 <> 0 OR d.after = 0
                        THEN e.referral_date + d.after + (e.id % 40)::int END,
                   '', '', now(), now()
            FROM cases_episode e
            CROSS JOIN LATERAL (VALUES (0), ((e.id % 8)::int + 1)) AS d(after)
            WHERE e.id % 5 <> 0
            """
        )
        cursor.execute("SET session_replication_role = DEFAULT")


def count_afresh() -> float:
    """Make every scorecard count from the case tables, as migrating an existing database does;
    the generated cases were written with triggers off, so this is their only count."""
    from import_history import superuser_connection

    from reports.services import counts_rebuild

    started = time.perf_counter()
    counts_rebuild()
    with superuser_connection() as conn:
        # As autovacuum leaves a running database: statistics and visibility map up to date.
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def one_scan() -> float:
    """One aggregate over every episode, the best of three: what the figures are set against."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute("SELECT count(*), max(referral_date) FROM cases_episode")
            cursor.fetchone()
            times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    from import_history import fresh_database

    fresh_database()
    started = time.perf_counter()
    load(EPISODES)
    generated = time.perf_counter() - started
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
    # Changes since the counts were last brought up to date are counted first.
    for changed in (100, 10_000):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_episode SET locality_id = NULL WHERE id IN "
                "(SELECT id FROM cases_episode ORDER BY id DESC LIMIT %s)",
                [changed],
            )
        started = time.perf_counter()
        card = scorecard(2021)
        print(f"  2021/22 after {changed:,} episodes changed: "
              f"{time.perf_counter() - started:.2f} s", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
