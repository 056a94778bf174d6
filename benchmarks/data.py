"""A national-scale case history for the benchmarks, generated inside PostgreSQL.

``BENCH_SCALE`` sets the size: 1.0 (the default) is 1,000,000 episodes of 500,000 children;
0.01 is 10,000. Children two episodes each, referred over 2014-2026; one in ten still open.
Names are varied, with accents (José, Zoë, Łukasz, Müller, Ó Briain); most children have a
UPN and some a former one. Three enquiries an episode: on closed cases all answered, on open
cases two answered and one outstanding, overdue for one open case in six. An event for each
episode opened. Loaded as a DBA would: as the superuser, with triggers off; then what the
triggers keep (next due dates, name parts, scorecard counts) is made afresh.
"""

import os
import time

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
EPISODES = int(os.environ.get("BENCH_EPISODES", round(1_000_000 * SCALE)))

FORENAMES = [
    "Oliver", "Amelia", "Mohammed", "Aisha", "José", "Zoë", "Łukasz", "Chloé", "Seán",
    "Siobhán", "Jürgen", "Ömer", "Ana-María", "Noah", "Isla", "Kacper", "Zofia", "Andrei",
    "Ioana", "Fatima", "Yusuf", "Maryam", "Leo", "Freya", "Ayşe", "Dávid", "Eszter", "Tomás",
    "Niamh", "Ethan", "Grace", "Kofi", "Ama", "Chidi", "Ngozi", "Priya", "Arjun", "Wei",
    "Mei", "Renée", "François", "Björn", "Søren", "Inés", "Mateus", "Gabriel", "Lily",
]  # fmt: skip
SURNAMES = [
    "Smith", "Jones", "Williams", "Brown", "Taylor", "Wilson", "Evans", "Thomas", "Roberts",
    "Khan", "Ahmed", "Hussain", "Patel", "Begum", "Ali", "Nowak", "Kowalski", "Wiśniewski",
    "Wójcik", "Popescu", "Ionescu", "Müller", "Schäfer", "García", "Martínez", "Núñez",
    "Ó Briain", "O'Connor", "Mac Giolla", "Çelik", "Yılmaz", "Öztürk", "Novák", "Dvořák",
    "Horváth", "Nagy", "Kovács", "Okafor", "Mensah", "Nguyen", "Chen", "Singh", "Kaur",
    "Lefèvre", "Gonçalves", "Sørensen", "Åberg", "Hall", "Wood", "Clarke", "Price",
]  # fmt: skip
# Surnames vary more than a list: a stem and an ending make 51 x 8 of them.
ENDINGS = ["", "-Hart", "son", "ová", "ek", "-Reid", "ini", "owski"]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def load(episodes: int = EPISODES) -> dict:
    """Generate the history into the bench database; returns how long each part took."""
    from bulk_import import superuser_connection

    from cases import derived

    children = episodes // 2
    took = {}
    _people()
    with superuser_connection() as conn, conn.cursor() as cursor:
        started = time.perf_counter()
        # A bulk load: no triggers (what they keep is made afresh after) and no key checks.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO cases_family (family_ref, created_at, updated_at)
            SELECT '', now(), now() FROM generate_series(1, %s)
            """,
            [max(1, children // 2)],
        )
        cursor.execute(
            f"""
            INSERT INTO cases_child (family_id, child_ref, forename, surname, preferred_name,
                other_names, date_of_birth, gender, ethnicity_id, upn, former_upn, fsm_eligible,
                sen_status, first_language, is_sensitive, created_at, updated_at)
            SELECT (SELECT min(id) FROM cases_family) + ((i - 1) / 2),
                   '', f[1 + (i * 7 %% array_length(f, 1))],
                   s[1 + (i / 3 %% array_length(s, 1))]
                     || e[1 + (i / 11 %% array_length(e, 1))],
                   CASE WHEN i %% 9 = 0 THEN f[1 + (i * 13 %% array_length(f, 1))] ELSE '' END,
                   CASE WHEN i %% 4 = 0 THEN f[1 + (i * 3 %% array_length(f, 1))] ELSE '' END,
                   date '2008-09-01' + (i * 7919 %% 4000)::int,
                   (ARRAY['MALE','FEMALE'])[1 + i %% 2],
                   (SELECT id FROM cases_ethnicity ORDER BY id OFFSET i %% 20 LIMIT 1),
                   CASE WHEN i %% 10 < 8 THEN 'A' || lpad(i::text, 11, '0') || 'A' ELSE '' END,
                   CASE WHEN i %% 20 = 0 THEN 'B' || lpad(i::text, 11, '0') || 'B' ELSE '' END,
                   i %% 3 = 0, 'NOT_KNOWN', '', false, now(), now()
            FROM generate_series(1::bigint, %s) AS i,
                 (SELECT {_array(FORENAMES)} AS f, {_array(SURNAMES)} AS s,
                         {_array(ENDINGS)} AS e) AS names
            """,
            [children],
        )
        cursor.execute(
            """
            INSERT INTO cases_episode (child_id, referral_date, status, closed_on,
                closure_outcome_id, locality_id, school_phase, presenting_need_id,
                fsm_at_referral, is_sensitive, closure_details, version, episode_ref,
                allocated_officer_id, missing_reason_id, created_at, updated_at)
            SELECT c.id, r.referral, CASE WHEN r.closes THEN 'CLOSED' ELSE 'OPEN' END,
                   CASE WHEN r.closes THEN r.referral + (30 + c.id * 13 %% 300)::int END,
                   CASE WHEN r.closes THEN (SELECT id FROM cases_closureoutcome
                                            ORDER BY id OFFSET c.id %% 9 LIMIT 1) END,
                   (SELECT id FROM cases_locality ORDER BY id OFFSET c.id %% 3 LIMIT 1),
                   (ARRAY['PRIMARY','SECONDARY','SPECIAL','UNKNOWN'])[1 + c.id %% 4],
                   (SELECT id FROM cases_presentingneed ORDER BY id OFFSET c.id %% 26 LIMIT 1),
                   c.id %% 2 = 0, false, '{}'::jsonb, 1, '',
                   (SELECT id FROM core_user ORDER BY id OFFSET c.id %% 3 LIMIT 1),
                   CASE WHEN c.id %% 10 <> 3 THEN (SELECT id FROM cases_missingreason
                        WHERE is_active ORDER BY id OFFSET c.id %% 19 LIMIT 1) END,
                   now(), now()
            FROM cases_child c
            CROSS JOIN LATERAL (VALUES
                (date '2014-04-01' + (c.id * 37 %% 2400)::int, true),
                (least(current_date - 30,
                       date '2014-04-01' + ((c.id * 37 %% 2400) + 700 + (c.id %% 900))::int),
                 c.id %% 10 <> 0)
            ) AS r(referral, closes)
            """,
            [],
        )
        # Three enquiries an episode, a week apart; on an open case the third is outstanding,
        # due within the next five weeks, or (one open case in six) a week overdue.
        cursor.execute(
            """
            INSERT INTO cases_enquiry (episode_id, enquiry_type_id, made_to, requested_on,
                due_on, completed_on, response, notes, created_at, updated_at)
            SELECT e.id,
                   (SELECT id FROM cases_enquirytype ORDER BY id OFFSET (e.id + n) %% 8 LIMIT 1),
                   'Synthetic', d.requested, d.due,
                   CASE WHEN d.outstanding THEN NULL ELSE d.requested + (e.id %% 10)::int END,
                   '', '', now(), now()
            FROM cases_episode e
            CROSS JOIN generate_series(1, 3) AS n
            CROSS JOIN LATERAL (SELECT e.status = 'OPEN' AND n = 3 AS outstanding) AS o
            CROSS JOIN LATERAL (SELECT o.outstanding, r.requested,
                CASE WHEN NOT o.outstanding THEN r.requested + 10
                     WHEN e.id %% 6 = 0 THEN current_date - 7
                     ELSE current_date + 7 * (e.id %% 6)::int END AS due
                FROM (SELECT CASE
                    WHEN o.outstanding THEN current_date - 14
                    WHEN e.status = 'OPEN' THEN e.referral_date + 7 * (n - 1)
                    ELSE least(e.referral_date + 7 * (n - 1), e.closed_on - 10)
                    END AS requested) AS r) AS d
            """,
            [],
        )
        cursor.execute(
            """
            INSERT INTO cases_event (verb, episode_id, payload, created_at)
            SELECT 'episode.opened', id, '{}'::jsonb, now() FROM cases_episode
            """
        )
        took["generated"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("ANALYZE")  # plans for what follows need to know the tables' sizes
        derived.refresh_all(cursor)  # still with triggers off: the counts are made afresh
        cursor.execute("SET session_replication_role = DEFAULT")
        took["derived"] = time.perf_counter() - started
    return took


def _people() -> None:
    """Three officers, a team manager and a head of service: the cases are the officers'."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cme_tracker.core import roles

    for username, role in [("officer1", roles.CME_OFFICER), ("officer2", roles.CME_OFFICER),
                           ("officer3", roles.CME_OFFICER), ("manager", roles.TEAM_MANAGER),
                           ("head", roles.HEAD_OF_SERVICE)]:  # fmt: skip
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": username.title(), "last_name": "Bench",
                                         "email": f"{username}@bench.invalid"})  # fmt: skip
        user.groups.add(Group.objects.get(name=role))


def count_afresh() -> float:
    """Make every scorecard count from the case tables, as migrating an existing database does;
    the generated cases were written with triggers off, so this is their only count."""
    from bulk_import import superuser_connection

    from reports.counting import count_afresh

    started = time.perf_counter()
    count_afresh()
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
