"""The SQL that keeps the scorecard's counts exact, in one place, and its installer.

What episodes are counted by comes from the measure registry (``reports.indicators``): the
counts of episodes referred, active and resolved, and each breakdown of them, are generated
from its entries; the counts the registry names but this keeps by hand (families, days to a
first enquiry, removal from roll, overdue enquiries) are written out below.

Every statement that changes an episode, a child, an enquiry or an episode's services notes
the children it touched (``reports_uncountedchange``) in its own transaction, and notes once
that the transaction has counting due (``reports_countingdue``); at that transaction's commit
``reports_count_changes()`` counts them: what the children's episodes and
families counted comes off, their fact rows are made again from the view
``reports_episodefact_source``, and the counts go back on. Families are counted whole, since
a family's size at a quarter end depends on all its children. One transaction at a time
counts (an advisory lock held to commit), so two never deadlock on the counts. Reading a
scorecard therefore only reads. ``reports_count_afresh()`` makes everything afresh.

``install`` is safe to run again: a migration that changes this SQL calls it (see
docs/adr/0008-scorecard-counting.md); no migration carries the SQL itself.
"""

from cme_tracker.core import locks

from .indicators import COUNTED, counted_by

FACT_COLUMNS = (
    "episode_id, child_id, family_key, referral_date, closed_on, referred_quarter, "
    "closed_quarter, referred_month, gender, ethnicity_id, locality_id, area_id, school_phase, "
    "presenting_need_id, closure_outcome_id, fsm, cohort, previously, removal_quarter, "
    "first_enquiry_on, open_to, overdue"
)


def _grouped(of: str, period: str, source: str, where: str, n: str, indicators) -> str:
    """The generated counts of episodes ``of`` a kind (``indicators.COUNTED``): one scan of
    ``source`` grouping by ``period`` alone (the kind's total, measure ``referred``) and by
    ``period`` with each dimension the registry breaks it down by (measure
    ``referred.gender`` keyed by gender, and so on). A dimension whose key is NULL for a row
    (no area, not eligible for FSM) does not count it; an array dimension counts the row under
    each of its elements, in a scan of its own."""
    dimensions = counted_by(of, indicators)
    one = [d.name for d in dimensions if not d.many]
    sets = ", ".join([f"({period})", *(f"({period}, {d})" for d in one)])
    measures = " ".join(f"WHEN GROUPING({d}) = 0 THEN '{of}.{d}'" for d in one)
    keys = " ".join(f"WHEN GROUPING({d}) = 0 THEN {d}" for d in one)
    scans = [
        f"SELECT CASE {measures} ELSE '{of}' END, CASE {keys} ELSE '' END, {period}, {n} "
        f"FROM {source} {where} GROUP BY GROUPING SETS ({sets})"
        if one
        else f"SELECT '{of}', '', {period}, {n} FROM {source} {where} GROUP BY {period}"
    ]
    scans += [
        f"SELECT '{of}.{d.name}', m.key::text, {period}, {n} "
        f"FROM {source} CROSS JOIN LATERAL unnest(f.{d.name}) AS m(key) {where} "
        f"GROUP BY 2, {period}"
        for d in dimensions
        if d.many
    ]
    return "\n    UNION ALL\n    ".join(scans)


def _keys(indicators=None) -> str:
    """The fact row's columns the generated counts are keyed by, named for their dimension."""
    names = {d.name: d for of in COUNTED for d in counted_by(of, indicators)}
    return ",\n           ".join(f"{d.key} AS {name}" for name, d in names.items())


def _counted(indicators=None) -> dict[str, str]:
    """The generated parts of reports_add_counts, from the registry."""
    return {
        "keys": _keys(indicators),
        "referred": _grouped("referred", "rq", "f", "", "count(*)", indicators),
        # Stocks: +1 from the first quarter end an episode is active at (referred on or
        # before it), -1 from the first it is not (closed on or before it).
        "active": _grouped(
            "active", "b.period",
            "f CROSS JOIN LATERAL (VALUES (f.rq, 1), (f.cq, -1)) AS b(period, change)",
            "WHERE b.period IS NOT NULL AND (f.cq IS NULL OR f.cq > f.rq)",
            "sum(b.change)", indicators,
        ),
        "resolved": _grouped(
            "resolved", "cq", "f", "WHERE cq IS NOT NULL", "count(*)", indicators
        ),
    }  # fmt: skip


def _functions(indicators=None) -> str:
    """Every counting function and the fact view, with the registry's counts generated in."""
    counted = _counted(indicators)
    return f"""
-- A date's financial quarter: 2017 * 4 for April to June 2017, 2017 * 4 + 3 for Jan-Mar 2018.
CREATE OR REPLACE FUNCTION reports_quarter(day date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (date_part('year', day)::integer * 12 + date_part('month', day)::integer - 4) / 3;

DROP VIEW IF EXISTS reports_episodefact_source;
CREATE VIEW reports_episodefact_source AS
SELECT e.id AS episode_id, e.child_id, COALESCE(c.family_id, -c.id) AS family_key,
       e.referral_date, e.closed_on, reports_quarter(e.referral_date) AS referred_quarter,
       reports_quarter(e.closed_on) AS closed_quarter,
       (date_part('year', e.referral_date)::integer * 12
        + date_part('month', e.referral_date)::integer) * 2
       + (date_part('day', e.referral_date) = 31)::integer AS referred_month,
       c.gender::text, c.ethnicity_id, e.locality_id, e.area_id,
       e.school_phase::text, e.presenting_need_id, e.closure_outcome_id,
       COALESCE(e.fsm_at_referral, false) AS fsm,
       date_part('year', c.date_of_birth)::integer
       + (date_part('month', c.date_of_birth) >= 9)::integer AS cohort,
       -- An earlier episode of the same child (a window: filtering by child reaches it).
       e.referral_date > min(e.referral_date) OVER (PARTITION BY e.child_id) AS previously,
       reports_quarter(e.removal_from_roll_authorised_on) AS removal_quarter,
       q.first_enquiry_on,
       ARRAY(SELECT m.opentoservice_id FROM cases_episode_open_to_services m
             WHERE m.episode_id = e.id ORDER BY 1) AS open_to,
       q.overdue
FROM cases_episode e JOIN cases_child c ON c.id = e.child_id
CROSS JOIN LATERAL (
    -- Overdue at a quarter end E when due before E and not completed by E: the quarters
    -- from the one holding the day after it was due, to the one it was completed in.
    SELECT min(requested_on) AS first_enquiry_on,
           range_agg(int4range(reports_quarter(due_on + 1), reports_quarter(completed_on)))
               FILTER (WHERE completed_on IS NULL OR completed_on > due_on) AS overdue
    FROM cases_enquiry WHERE episode_id = e.id
) AS q;

-- Adds (sign 1) or takes off (sign -1) what the episodes' fact rows and whole families count.
CREATE OR REPLACE FUNCTION reports_add_counts(episodes bigint[], families bigint[], sign integer)
    RETURNS void LANGUAGE sql
    SET work_mem = '64MB'  -- room to group in memory rather than sort a large import
    AS $$
WITH f AS MATERIALIZED (
    SELECT referred_quarter AS rq, closed_quarter AS cq, referral_date, closed_on,
           removal_quarter, first_enquiry_on, overdue,
           {counted["keys"]}
    FROM reports_episodefact WHERE episode_id = ANY(episodes)
), children AS (
    -- Each child of the families: the quarters it has an active episode in (however many of
    -- its episodes are active, a child counts once in its family's size) and was referred in.
    SELECT family_key, range_agg(int4range(referred_quarter, closed_quarter)) AS active,
           array_agg(referred_quarter) AS referred
    FROM reports_episodefact WHERE family_key = ANY(families) GROUP BY family_key, child_id
), by_quarter AS (
    SELECT family_key, period, sum(change) AS change, bool_or(referred) AS referred
    FROM (SELECT c.family_key, lower(s.span), 1, false FROM children c, unnest(c.active) s(span)
          UNION ALL
          SELECT c.family_key, upper(s.span), -1, false FROM children c, unnest(c.active) s(span)
          WHERE NOT upper_inf(s.span)
          UNION ALL
          SELECT c.family_key, r.period, 0, true FROM children c, unnest(c.referred) r(period))
         AS x(family_key, period, change, referred)
    GROUP BY family_key, period
), sizes AS MATERIALIZED (
    SELECT period, referred, sum(change) OVER w AS size, lead(period) OVER w AS next
    FROM by_quarter WINDOW w AS (PARTITION BY family_key ORDER BY period)
), counts(measure, key, period, n) AS (
    {counted["referred"]}
    UNION ALL
    {counted["active"]}
    UNION ALL
    {counted["resolved"]}
    UNION ALL
    -- On the day referred: days to the first enquiry (up to 21; 'none' without one).
    SELECT 'first_enquiry',
           CASE WHEN first_enquiry_on IS NULL THEN 'none'
                ELSE least(greatest(first_enquiry_on - referral_date, -1), 21)::text END,
           referral_date - date '2000-01-01', count(*)
    FROM f GROUP BY 2, 3
    UNION ALL
    SELECT s.measure, '', b.period, sum(b.n)
    FROM f
    CROSS JOIN LATERAL (
        SELECT 'active.removal', int4range(f.rq, f.cq) * int4range(f.removal_quarter, NULL)
        WHERE f.removal_quarter IS NOT NULL
        UNION ALL
        SELECT 'active.overdue', o.span
        FROM unnest(f.overdue * int4multirange(int4range(f.rq, f.cq))) AS o(span)
    ) AS s(measure, span)
    CROSS JOIN LATERAL (VALUES (lower(s.span), 1), (upper(s.span), -1)) AS b(period, n)
    WHERE NOT isempty(s.span) AND b.period IS NOT NULL
    GROUP BY 1, 3
    UNION ALL
    -- Families: how many of their children have an active episode (their size) from each
    -- quarter on, and the quarters they had a new referral in. Each family is counted whole.
    SELECT 'family.size', least(size, 5)::text, period, count(*) FROM sizes WHERE size > 0
    GROUP BY 2, 3
    UNION ALL
    SELECT 'family.size', least(size, 5)::text, next, -count(*) FROM sizes
    WHERE size > 0 AND next IS NOT NULL GROUP BY 2, 3
    UNION ALL
    SELECT 'referred.families', '', period, count(*) FROM sizes WHERE referred GROUP BY 3
)
INSERT INTO reports_scorecardcount AS total (measure, key, period, count)
SELECT measure, key, period, sign * sum(n) FROM counts WHERE key IS NOT NULL
GROUP BY measure, key, period HAVING sum(n) <> 0
ORDER BY measure, key, period
ON CONFLICT (measure, key, period) DO UPDATE SET count = total.count + EXCLUDED.count
$$;

CREATE OR REPLACE FUNCTION reports_refresh_counts(children bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    fresh reports_episodefact[];
    replaced bigint[];
    families bigint[];
BEGIN
    IF coalesce(cardinality(children), 0) = 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock({locks.SCORECARD_COUNTS});
    -- The case tables are read once, so everything below agrees with one view of them even
    -- while other transactions commit changes (those are pending, for next time).
    fresh := ARRAY(SELECT ROW({FACT_COLUMNS})::reports_episodefact
                   FROM reports_episodefact_source WHERE child_id = ANY(children));
    -- Out go the children's fact rows, and these episodes' rows under any other child.
    replaced := ARRAY(SELECT episode_id FROM reports_episodefact WHERE child_id = ANY(children)
                      UNION SELECT episode_id FROM unnest(fresh));
    families := ARRAY(SELECT family_key FROM reports_episodefact WHERE episode_id = ANY(replaced)
                      UNION SELECT family_key FROM unnest(fresh));
    PERFORM reports_add_counts(replaced, families, -1);
    DELETE FROM reports_episodefact WHERE episode_id = ANY(replaced);
    INSERT INTO reports_episodefact SELECT * FROM unnest(fresh);
    PERFORM reports_add_counts(ARRAY(SELECT episode_id FROM unnest(fresh)), families, 1);
END;
$$;

-- Children (or episodes) whose counts are out of date, noted in the changing transaction.
CREATE OR REPLACE FUNCTION reports_note_changes(children bigint[], episodes bigint[]) RETURNS void
    LANGUAGE sql AS $$
INSERT INTO reports_uncountedchange (child_id) SELECT DISTINCT unnest(children);
INSERT INTO reports_uncountedchange (episode_id) SELECT DISTINCT unnest(episodes);
-- The transaction's one note that it has changes to count at its commit.
INSERT INTO reports_countingdue (transaction_id) SELECT pg_current_xact_id()::text::bigint
WHERE coalesce(cardinality(children), 0) + coalesce(cardinality(episodes), 0) > 0
ON CONFLICT DO NOTHING;
$$;

-- Brings the counts up to date with every change committed so far; how many children. An
-- episode's children are its child now and the one its fact row was filed under.
CREATE OR REPLACE FUNCTION reports_count_changes() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    children bigint[];
    episodes bigint[];
    batch bigint[];
BEGIN
    -- Each statement must see what committed before it (the lock wait included).
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'scorecard counts are brought up to date only at READ COMMITTED';
    END IF;
    PERFORM pg_advisory_xact_lock({locks.SCORECARD_COUNTS});
    DELETE FROM reports_countingdue;  -- what is visible here is counted now
    WITH taken AS (DELETE FROM reports_uncountedchange RETURNING child_id, episode_id)
    SELECT array_agg(child_id) FILTER (WHERE child_id IS NOT NULL),
           array_agg(episode_id) FILTER (WHERE episode_id IS NOT NULL)
    INTO children, episodes FROM taken;
    children := ARRAY(SELECT unnest(children)
                      UNION SELECT child_id FROM cases_episode WHERE id = ANY(episodes)
                      UNION SELECT child_id FROM reports_episodefact
                            WHERE episode_id = ANY(episodes));
    FOR batch IN SELECT array_agg(child) FROM unnest(children) AS child GROUP BY child / 20000
    LOOP
        PERFORM reports_refresh_counts(batch);  -- in batches: a large import's children
    END LOOP;
    RETURN cardinality(children);
END;
$$;

-- Every count made afresh from the case tables, 20,000 children at a time.
CREATE OR REPLACE FUNCTION reports_count_afresh() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    batch bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock({locks.SCORECARD_COUNTS});
    DELETE FROM reports_uncountedchange;
    DELETE FROM reports_scorecardcount;
    DELETE FROM reports_episodefact;
    FOR batch IN SELECT array_agg(id) FROM cases_child GROUP BY id / 20000 LOOP
        PERFORM reports_refresh_counts(batch);
    END LOOP;
END;
$$;

-- Triggers: which children a statement touched, counting only changes the scorecard reads.
CREATE OR REPLACE FUNCTION reports_episodes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM reports_note_changes(ARRAY(SELECT DISTINCT child_id FROM new_rows), NULL);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM reports_note_changes(ARRAY(SELECT DISTINCT child_id FROM old_rows), NULL);
    ELSE
        PERFORM reports_note_changes(ARRAY(
            SELECT DISTINCT unnest(ARRAY[o.child_id, n.child_id])
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.child_id, o.referral_date, o.closed_on, o.locality_id, o.area_id,
                   o.school_phase, o.presenting_need_id, o.closure_outcome_id,
                   o.fsm_at_referral, o.removal_from_roll_authorised_on)
                  IS DISTINCT FROM
                  (n.child_id, n.referral_date, n.closed_on, n.locality_id, n.area_id,
                   n.school_phase, n.presenting_need_id, n.closure_outcome_id,
                   n.fsm_at_referral, n.removal_from_roll_authorised_on)), NULL);
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION reports_children_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reports_note_changes(ARRAY(
        SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
        WHERE (o.family_id, o.gender, o.ethnicity_id, o.date_of_birth)
              IS DISTINCT FROM (n.family_id, n.gender, n.ethnicity_id, n.date_of_birth)),
        NULL);
    RETURN NULL;
END;
$$;

-- Enquiries and services: the episodes they belong (or belonged) to.
CREATE OR REPLACE FUNCTION reports_episode_details_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    episodes bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        episodes := ARRAY(SELECT episode_id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
        episodes := ARRAY(SELECT episode_id FROM old_rows);
    ELSIF TG_TABLE_NAME = 'cases_enquiry' THEN
        episodes := ARRAY(
            SELECT unnest(ARRAY[o.episode_id, n.episode_id])
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.episode_id, o.requested_on, o.due_on, o.completed_on)
                  IS DISTINCT FROM (n.episode_id, n.requested_on, n.due_on, n.completed_on));
    ELSE
        episodes := ARRAY(SELECT episode_id FROM old_rows UNION SELECT episode_id FROM new_rows);
    END IF;
    PERFORM reports_note_changes(NULL, episodes);
    RETURN NULL;
END;
$$;

-- At the commit of a transaction that changed what the scorecard counts, its changes are
-- counted, so that reading a scorecard never writes. A constraint trigger is per row, so it
-- is on the transaction's one row in reports_countingdue, not on each change noted. A
-- transaction that is not READ COMMITTED leaves its changes to reports_count_changes() on
-- the schedule.
CREATE OR REPLACE FUNCTION reports_count_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('transaction_isolation') = 'read committed' THEN
        PERFORM reports_count_changes();
    END IF;
    RETURN NULL;
END;
$$;
"""


TRIGGERS = [
    ("cases_episode", "reports_episodes_changed"),
    ("cases_child", "reports_children_changed"),
    ("cases_enquiry", "reports_episode_details_changed"),
    ("cases_episode_open_to_services", "reports_episode_details_changed"),
]
TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def _triggers() -> str:
    statements = []
    for table, function in TRIGGERS:
        for event, transition in TRANSITIONS.items():
            if table == "cases_child" and event != "UPDATE":
                continue  # a new child has no episodes yet; one with episodes is protected
            statements.append(
                f"DROP TRIGGER IF EXISTS reports_counts_{event.lower()} ON {table}; "
                f"CREATE TRIGGER reports_counts_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
            )
    statements.append(
        "DROP TRIGGER IF EXISTS reports_count_at_commit ON reports_countingdue; "
        "CREATE CONSTRAINT TRIGGER reports_count_at_commit AFTER INSERT ON "
        "reports_countingdue DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION reports_count_at_commit();"
    )
    return "\n".join(statements)


UNINSTALL = "\n".join(
    [
        *(
            f"DROP TRIGGER IF EXISTS reports_counts_{event.lower()} ON {table};"
            for table, _ in TRIGGERS
            for event in TRANSITIONS
        ),
        "DROP TRIGGER IF EXISTS reports_count_at_commit ON reports_countingdue;",
        "DROP FUNCTION IF EXISTS reports_count_at_commit(), reports_episode_details_changed(),"
        " reports_children_changed(), reports_episodes_changed(),"
        " reports_refresh_counts(bigint[]), reports_add_counts(bigint[], bigint[], integer),"
        " reports_count_changes(), reports_note_changes(bigint[], bigint[]),"
        " reports_count_afresh();",
        "DROP VIEW IF EXISTS reports_episodefact_source;",
        "DROP FUNCTION IF EXISTS reports_quarter(date);",
    ]
)


# What earlier versions installed under other names (reports migration 0007).
LEGACY = (
    "DROP FUNCTION IF EXISTS reports_count_pending(), reports_rebuild_counts(),"
    " reports_mark_pending(bigint[], bigint[]);"
)


def install(cursor, indicators=None) -> None:
    """Put the counting functions, view and triggers into the database, replacing any: for
    the registry's indicators, or those given (a test's)."""
    cursor.execute(LEGACY + _functions(indicators) + _triggers())


def uninstall(cursor) -> None:
    cursor.execute(UNINSTALL + LEGACY)


def migration_install(apps, schema_editor) -> None:
    """A migration's ``RunPython``: install, then make every count afresh by the SQL now."""
    with schema_editor.connection.cursor() as cursor:
        install(cursor)
        cursor.execute("SELECT reports_count_afresh()")


def migration_uninstall(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        uninstall(cursor)
