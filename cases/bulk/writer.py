"""The set-based half of the import: matching rows to known records, the checks across
rows, and the writes, all as SQL over the temporary ``import_row`` table.

A dry run works out the same changes and counts them, but writes nothing to the case
tables: no rows, and no number taken from their sequences (which a rollback would not give
back), so checking a file twice leaves the next case reference where it was. Its new
records take numbers from a temporary sequence of negative ids instead."""

from __future__ import annotations

from django.db.models.expressions import RawSQL

from .. import access
from ..models import Child
from ..references import CASE_REF, CHILD_REF, FAMILY_REF
from ..services.sensitivity import sensitivity_spread
from .columns import CHILD_STAGED, COLUMNS, STAGED


class Writer:
    """The set-based half: matching, checks across rows, and the writes."""

    def __init__(self, cursor, report, *, present: set[str], by, dry_run: bool = False):
        self.cursor = cursor
        self.report = report
        self.present = present
        self.by = by
        self.dry_run = dry_run

    def _new_id(self, table: str) -> str:
        """SQL for the id a new record of ``table`` takes."""
        if self.dry_run:
            return "nextval('import_dry_id')"
        return f"nextval(pg_get_serial_sequence('{table}', 'id'))"

    def sql(self, statement: str, params=()) -> list[tuple]:
        self.cursor.execute(statement, params)
        return self.cursor.fetchall() if self.cursor.description else []

    def count_rows(self) -> int:
        return self.sql("SELECT count(*) FROM import_row")[0][0]

    def drop_lines(self, lines: set[int]) -> None:
        if lines:
            self.sql("DELETE FROM import_row WHERE line = ANY(%s)", [sorted(lines)])
            self.prepare()

    # Matching ---------------------------------------------------------------------------

    def prepare(self) -> None:
        """Find each row's child and episode among those already known."""
        self.sql("CREATE INDEX IF NOT EXISTS import_row_child_ref ON import_row (child_ref)")
        self.sql("ANALYZE import_row")
        self.sql("DROP TABLE IF EXISTS import_child")
        # A child's details come from their latest row.
        self.sql(
            f"""
            CREATE TEMP TABLE import_child ON COMMIT DROP AS
            SELECT DISTINCT ON (child_ref) child_ref, {", ".join(CHILD_STAGED)},
                   NULL::bigint AS child_id,
                   NULL::bigint AS family_id, false AS created, line
            FROM import_row ORDER BY child_ref, referral_date DESC, line DESC
            """
        )
        self.sql("CREATE UNIQUE INDEX ON import_child (child_ref)")
        self.sql(
            "UPDATE import_child i SET child_id = c.id FROM cases_child c "
            "WHERE c.child_ref = i.child_ref"
        )
        self.sql(
            "UPDATE import_child i SET child_id = c.id FROM cases_child c "
            f"WHERE i.child_id IS NULL AND {CHILD_REF.sql_matches('i.child_ref')} "
            f"AND c.child_ref = '' AND c.id = {CHILD_REF.sql_id('i.child_ref')}"
        )
        self.sql(
            "UPDATE import_child i SET child_id = c.id FROM cases_child c "
            "WHERE i.child_id IS NULL AND i.upn <> '' AND c.upn = i.upn "
            "AND NOT EXISTS (SELECT 1 FROM import_child o WHERE o.child_id = c.id)"
        )
        # Rows of children not yet known keep no id (so on an empty database this is cheap);
        # a second pass after dropping bad lines starts its episode matching afresh.
        self.sql(
            "UPDATE import_row r SET child_id = i.child_id, episode_id = NULL "
            "FROM import_child i WHERE i.child_ref = r.child_ref "
            "AND (r.child_id IS DISTINCT FROM i.child_id OR r.episode_id IS NOT NULL)"
        )
        self.sql(
            "UPDATE import_row r SET episode_id = e.id FROM cases_episode e "
            "WHERE r.episode_ref <> '' AND e.episode_ref = r.episode_ref"
        )
        self.sql(
            "UPDATE import_row r SET episode_id = e.id FROM cases_episode e "
            f"WHERE r.episode_id IS NULL AND {CASE_REF.sql_matches('r.episode_ref')} "
            f"AND e.episode_ref = '' AND e.id = {CASE_REF.sql_id('r.episode_ref')}"
        )
        self.sql(
            "UPDATE import_row r SET episode_id = e.id FROM cases_episode e "
            "WHERE r.episode_id IS NULL AND e.child_id = r.child_id "
            "AND e.referral_date = r.referral_date"
        )
        self.sql(
            "UPDATE import_child i SET family_id = f.id FROM cases_family f "
            "WHERE i.family_ref <> '' AND f.family_ref = i.family_ref"
        )
        self.sql(
            "UPDATE import_child i SET family_id = f.id FROM cases_family f "
            f"WHERE i.family_id IS NULL AND {FAMILY_REF.sql_matches('i.family_ref')} "
            f"AND f.family_ref = '' AND f.id = {FAMILY_REF.sql_id('i.family_ref')}"
        )

    # Checks across rows ---------------------------------------------------------------------

    def check_across_rows(self) -> set[int]:
        checks = [
            # The same episode twice, or one child referred twice on one day.
            """SELECT line, format('line %%s, episode_ref "%%s": appears more than once '
                                   '(first on line %%s)', line, episode_ref, first_line)
               FROM (SELECT line, episode_ref, first_value(line) OVER (
                         PARTITION BY episode_ref ORDER BY line) AS first_line
                     FROM import_row WHERE episode_ref <> '') AS t
               WHERE line <> first_line""",
            """SELECT line, format('line %%s, referral_date "%%s": child %%s already has an '
                                   'episode referred that day, on line %%s',
                                   line, referral_date, child_ref, first_line)
               FROM (SELECT line, referral_date, child_ref, first_value(line) OVER (
                         PARTITION BY child_ref, referral_date ORDER BY line) AS first_line
                     FROM import_row) AS t
               WHERE line <> first_line""",
            # One child, two dates of birth.
            """SELECT r.line, format('line %%s, date_of_birth "%%s": child %%s has another '
                                     'date of birth, %%s, on line %%s',
                                     r.line, r.dob, r.child_ref, i.dob, i.line)
               FROM import_row r JOIN import_child i USING (child_ref) WHERE r.dob <> i.dob""",
            # An episode already recorded under another child: a file never moves one.
            """SELECT r.line, format('line %%s, episode_ref "%%s": is a case of another child, '
                                     'not of %%s', r.line, r.episode_ref, r.child_ref)
               FROM import_row r JOIN cases_episode e ON e.id = r.episode_id
               JOIN import_child i USING (child_ref)
               WHERE i.child_id IS DISTINCT FROM e.child_id""",
            # One UPN, two children.
            """SELECT i.line, format('line %%s, upn "%%s": also belongs to child %%s',
                      i.line, i.upn, o.child_ref)
               FROM import_child i
               JOIN import_child o ON o.upn = i.upn AND o.child_ref < i.child_ref
               WHERE i.upn <> ''""",
            f"""SELECT i.line, format('line %%s, upn "%%s": already belongs to another child (%%s)',
                      i.line, i.upn, COALESCE(NULLIF(c.child_ref, ''), {CHILD_REF.sql_of("c.id")}))
               FROM import_child i JOIN cases_child c ON c.upn = i.upn
               WHERE i.upn <> '' AND c.id IS DISTINCT FROM i.child_id""",
        ]
        bad = set()
        for query in checks:
            for line, message in self._flagged(query):
                bad.add(line)
                self.report.error(message)
        for line, message in self._overlaps():
            bad.add(line)
            self.report.error(message)
        if not (self.by is not None and access.has_sensitive_access(self.by)):
            for line, message in self._sensitive_rows():
                bad.add(line)
                self.report.error(message)
        return bad

    def _sensitive_rows(self):
        """Rows about a sensitive case, child or family, from someone without sensitive access:
        refused, since an import could allocate such a case, or add a child to such a family,
        and so open its details to whoever the file names. The message names no one."""
        return self.sql(
            """
            SELECT r.line, format('line %%s: this row is about a sensitive family; only someone '
                                  'with sensitive access (a manager) may import it', r.line)
            FROM import_row r JOIN import_child i USING (child_ref)
            LEFT JOIN cases_episode e ON e.id = r.episode_id
            LEFT JOIN cases_child owner ON owner.id = e.child_id
            LEFT JOIN cases_family owners ON owners.id = owner.family_id
            LEFT JOIN cases_child c ON c.id = i.child_id
            LEFT JOIN cases_family known ON known.id = c.family_id
            LEFT JOIN cases_family named ON named.id = i.family_id
            WHERE e.is_sensitive OR owner.is_sensitive OR owners.is_sensitive OR c.is_sensitive
               OR known.is_sensitive OR named.is_sensitive
            ORDER BY r.line
            """
        )

    def _flagged(self, query):
        return self.sql(f"SELECT line, message FROM ({query}) AS flagged(line, message)")

    def _overlaps(self):
        """Episodes of one child that overlap, in the file or with those already recorded."""
        return self.sql(
            """
            WITH spans AS (
                SELECT child_ref, line, referral_date, closed_on FROM import_row
                UNION ALL
                SELECT i.child_ref, NULL, e.referral_date, e.closed_on
                FROM cases_episode e JOIN import_child i ON i.child_id = e.child_id
                WHERE NOT EXISTS (SELECT 1 FROM import_row r WHERE r.episode_id = e.id)
            ), ordered AS (
                SELECT *, lag(closed_on) OVER w AS previous_closed,
                       lag(referral_date) OVER w AS previous_referral,
                       lag(line) OVER w AS previous_line
                FROM spans WINDOW w AS (PARTITION BY child_ref ORDER BY referral_date, line)
            )
            SELECT COALESCE(line, previous_line),
                   format('line %%s, referral_date "%%s": child %%s already has an episode '
                          'from %%s %%s', COALESCE(line, previous_line), referral_date, child_ref,
                          previous_referral,
                          CASE WHEN previous_closed IS NULL THEN 'that is still open'
                               ELSE 'to ' || previous_closed END)
            FROM ordered
            WHERE previous_referral IS NOT NULL
              AND (previous_closed IS NULL OR previous_closed > referral_date)
              AND COALESCE(line, previous_line) IS NOT NULL
            """
        )

    # Writes ---------------------------------------------------------------------------------

    def write(self, import_id: int | None) -> None:
        if "sensitive" in self.present:
            self._warn_sensitive_kept()
        if self.dry_run:
            self.sql("DROP SEQUENCE IF EXISTS import_dry_id")
            self.sql("CREATE TEMP SEQUENCE import_dry_id INCREMENT BY -1 MAXVALUE -1 START -1")
        self._families()
        self._children()
        self._episodes(import_id)
        if self.dry_run:
            return
        # Sensitivity follows the family, however the cases were written.
        self.sql("ANALYZE import_child")  # its ids are set now: plan the spread on them
        sensitivity_spread(
            children=Child.objects.filter(pk__in=RawSQL("SELECT child_id FROM import_child", []))
        )

    def _warn_sensitive_kept(self) -> None:
        for (line,) in self.sql(
            "SELECT r.line FROM import_row r JOIN cases_episode e ON e.id = r.episode_id "
            "WHERE e.is_sensitive AND NOT r.sensitive ORDER BY r.line"
        ):
            self.report.warning(
                "the case is sensitive and stays so: only a manager lifts sensitivity, on the case",
                line,
            )

    def _families(self):
        if self.dry_run:  # a family not yet known is a new one, whatever its number
            self.sql(
                f"UPDATE import_child SET family_id = {self._new_id('cases_family')} "
                "WHERE family_ref <> '' AND family_id IS NULL"
            )
            return
        self.sql(
            """
            WITH new AS (
                INSERT INTO cases_family (family_ref, created_at, updated_at)
                SELECT DISTINCT family_ref, now(), now() FROM import_child
                WHERE family_ref <> '' AND family_id IS NULL
                RETURNING id, family_ref
            )
            UPDATE import_child i SET family_id = new.id FROM new
            WHERE i.family_ref = new.family_ref AND i.family_id IS NULL
            """
        )

    def _children(self):
        # New children take their ids from the table's sequence first, so no join is needed
        # to learn which id each row was given.
        self.sql(
            f"UPDATE import_child SET child_id = {self._new_id('cases_child')}, created = true "
            "WHERE child_id IS NULL"
        )
        if not self.dry_run:
            self.sql(
                """
                INSERT INTO cases_child (id, family_id, child_ref, forename, surname,
                    preferred_name, other_names, date_of_birth, gender, ethnicity_id, upn,
                    former_upn, fsm_eligible, sen_status, first_language, created_at, updated_at)
                SELECT child_id, family_id, child_ref, forename, surname, '', '', dob, gender,
                    ethnicity_id, upn, '', fsm, 'NOT_KNOWN', '', now(), now()
                FROM import_child WHERE created
                """
            )
        [(self.report.children_created,)] = self.sql(
            "SELECT count(*) FROM import_child WHERE created"
        )
        self._children_update()
        self._rows_learn_ids()

    def _children_update(self) -> None:
        ethnicity = "i.ethnicity_id" if "ethnicity" in self.present else "c.ethnicity_id"
        family = "COALESCE(i.family_id, c.family_id)" if "family_ref" in self.present else (
            "c.family_id"
        )  # fmt: skip
        fsm = "COALESCE(i.fsm, c.fsm_eligible)" if "fsm_eligible" in self.present else (
            "c.fsm_eligible"
        )  # fmt: skip
        new_values = (
            f"i.forename, i.surname, i.dob, i.gender, {ethnicity}, "
            f"COALESCE(NULLIF(i.upn, ''), c.upn), {family}, {fsm}, "
            f"CASE WHEN c.child_ref = '' AND NOT {CHILD_REF.sql_matches('i.child_ref')} "
            "THEN i.child_ref ELSE c.child_ref END"
        )
        changed = f"""
            c.id = i.child_id AND NOT i.created
              AND (c.forename, c.surname, c.date_of_birth, c.gender, c.ethnicity_id, c.upn,
                   c.family_id, c.fsm_eligible, c.child_ref) IS DISTINCT FROM ({new_values})
        """
        if self.dry_run:
            [(self.report.children_updated,)] = self.sql(
                f"SELECT count(*) FROM cases_child c, import_child i WHERE {changed}"
            )
            return
        updated = self.sql(
            f"""
            UPDATE cases_child c SET (forename, surname, date_of_birth, gender, ethnicity_id,
                upn, family_id, fsm_eligible, child_ref) = ({new_values}), updated_at = now()
            FROM import_child i WHERE {changed} RETURNING c.id
            """
        )
        self.report.children_updated = len(updated)

    def _rows_learn_ids(self) -> None:
        # Every row now learns its child, and each new episode its id, in one pass: a table
        # made afresh, which is quicker than updating every row in place.
        staged = ", ".join(f"r.{name}" for name, _ in STAGED)
        self.sql(
            f"""
            CREATE TEMP TABLE import_written ON COMMIT DROP AS
            SELECT {staged}, i.child_id, r.episode_id IS NULL AS created, r.changed,
                   COALESCE(r.episode_id, {self._new_id("cases_episode")}) AS episode_id
            FROM import_row r JOIN import_child i ON i.child_ref = r.child_ref
            """
        )
        self.sql("DROP TABLE import_row")
        self.sql("ALTER TABLE import_written RENAME TO import_row")

    def _episode_values(self, alias: str) -> tuple[list[str], list[str], list[str]]:
        """Episode columns, the values this file gives them (absent columns keep theirs), and
        the values a new episode takes."""
        source = {field: value for column in COLUMNS for field, value in column.episode}
        # An import may mark a case sensitive, never lift it (a manager does, with a reason).
        source["is_sensitive"] = f"(r.sensitive OR {alias}.is_sensitive)"
        new = {"is_sensitive": "r.sensitive"}  # what a new episode takes instead
        kept = {field for column in COLUMNS if column.kept and column.name not in self.present
                for field, _ in column.episode}  # fmt: skip
        names = list(source)
        values = [f"{alias}.{name}" if name in kept else source[name] for name in names]
        inserted = [
            {"is_sensitive": "false"}.get(name, "NULL") if name in kept
            else new.get(name, source[name])
            for name in names
        ]  # fmt: skip
        return names, values, inserted

    def _episodes(self, import_id: int):
        """Insert new episodes, update changed ones, and write an event for each; the ids
        stay in the database (flags on ``import_row``), never round-tripping through Python."""
        names, values, inserted = self._episode_values("e")
        defaults = {"school_phase": "'UNKNOWN'"}
        insert_values = [defaults.get(name, value) if value == "NULL" else value
                         for name, value in zip(names, inserted, strict=True)]  # fmt: skip
        if not self.dry_run:
            self.sql(
                f"""
                INSERT INTO cases_episode (id, child_id, episode_ref, {", ".join(names)},
                    closure_details, version, created_at, updated_at)
                SELECT r.episode_id, r.child_id, CASE WHEN {CASE_REF.sql_matches("r.episode_ref")}
                                                      THEN '' ELSE r.episode_ref END,
                       {", ".join(insert_values)}, '{{}}'::jsonb, 1, now(), now()
                FROM import_row r WHERE r.created
                """
            )
        assignments = ", ".join(
            f"{name} = {value}" for name, value in zip(names, values, strict=True)
        )
        differs = f"""
            e.id = r.episode_id AND NOT r.created
            AND (({", ".join(f"e.{n}" for n in names)}) IS DISTINCT FROM ({", ".join(values)})
                 OR (e.episode_ref = '' AND r.episode_ref <> ''
                     AND NOT {CASE_REF.sql_matches("r.episode_ref")}))
        """
        if self.dry_run:
            self.sql(f"UPDATE import_row r SET changed = true FROM cases_episode e WHERE {differs}")
        else:
            self.sql(
                f"""
                WITH changed AS (
                    UPDATE cases_episode e SET {assignments},
                        episode_ref = CASE WHEN e.episode_ref = '' AND r.episode_ref <> ''
                                            AND NOT {CASE_REF.sql_matches("r.episode_ref")}
                                       THEN r.episode_ref ELSE e.episode_ref END,
                        version = e.version + 1, updated_at = now()
                    FROM import_row r WHERE {differs}
                    RETURNING e.id
                )
                UPDATE import_row r SET changed = true FROM changed
                WHERE r.episode_id = changed.id
                """
            )
        if "open_to" in self.present:
            self._open_to()
        [(created, updated)] = self.sql(
            "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE changed AND NOT "
            "created) FROM import_row"
        )
        self.report.episodes_created, self.report.episodes_updated = created, updated
        if self.dry_run:
            return
        self.sql(
            """
                INSERT INTO cases_event (actor_id, verb, episode_id, payload, created_at)
                SELECT %s, 'episode.imported', episode_id,
                       jsonb_build_object('import', %s, 'line', line,
                                          'action', CASE WHEN created THEN 'created'
                                                         ELSE 'updated' END),
                       now()
                FROM import_row WHERE created OR changed
                """,
            [self.by.pk if self.by else None, import_id],
        )

    def _open_to(self) -> None:
        """Make each episode's services exactly the file's, flagging those that changed."""
        self.sql(
            """
            WITH wanted AS (
                SELECT r.episode_id, s.service
                FROM import_row r CROSS JOIN LATERAL unnest(r.open_to) AS s(service)
            ), current AS (
                SELECT m.episode_id, m.opentoservice_id AS service
                FROM cases_episode_open_to_services m JOIN import_row r USING (episode_id)
            ), difference AS (
                (SELECT * FROM wanted EXCEPT SELECT * FROM current)
                UNION
                (SELECT * FROM current EXCEPT SELECT * FROM wanted)
            )
            UPDATE import_row r SET changed = true
            FROM (SELECT DISTINCT episode_id FROM difference) d
            WHERE r.episode_id = d.episode_id AND NOT r.changed
            """
        )
        if self.dry_run:
            return
        self.sql(
            "DELETE FROM cases_episode_open_to_services m USING import_row r "
            "WHERE m.episode_id = r.episode_id AND r.changed"
        )
        self.sql(
            """
            INSERT INTO cases_episode_open_to_services (episode_id, opentoservice_id)
            SELECT DISTINCT r.episode_id, s.service FROM import_row r
            CROSS JOIN LATERAL unnest(r.open_to) AS s(service)
            WHERE r.changed OR r.created
            """
        )
