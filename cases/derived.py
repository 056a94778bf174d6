"""What the database keeps from other rows, so the pages officers use all day read an index
instead of grouping a million episodes:

- ``cases_episode.next_due_on``: the earliest due date of the case's outstanding enquiries,
  kept by triggers on ``cases_enquiry``. A case has an overdue enquiry exactly when it is open
  and this date has passed, so "overdue" is a range on an index, not a count.
- ``cases_childnamepart``: every word of a child's names, folded (lower case, accents
  dropped), kept by triggers on ``cases_child``. A search for "mull" finds Müller, and "hart"
  Jones-Hart, by a prefix range on a B-tree: the partial, accent-blind search pg_trgm would
  give, without an extension the embedded PostgreSQL lacks. (Each word's tails as well would
  find the middle of a word, "son" in Johnson, but made a 100,000-row import take 70% longer.)

Triggers are per statement with transition tables, so an import of 100,000 rows refreshes
its cases in one statement, not 100,000. ``install`` (re)creates everything; ``refresh_all``
makes every derived row afresh, for a migration or a bulk load made with triggers off.
"""

# Lower case, NFKD, combining marks dropped, and the letters NFKD leaves whole mapped by hand:
# the same folding as ``cases.names.normalise`` (which also drops everything but letters).
FOLD = r"""
CREATE OR REPLACE FUNCTION cme_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT replace(replace(replace(translate(
           regexp_replace(normalize(lower(value), NFKD), '[\u0300-\u036f]', '', 'g'),
           'łøđħıŀ', 'lodhil'), 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe')
$$;
"""

# The words of the names, split on anything not a letter or digit ("Jones-Hart" is two).
NAME_PARTS = r"""
CREATE OR REPLACE FUNCTION cme_name_parts(forename text, surname text, preferred text,
                                          other text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT DISTINCT word
  FROM regexp_split_to_table(
         cme_fold(concat_ws(' ', forename, surname, preferred, other)), '[^[:alnum:]]+') AS word
  WHERE word <> ''
$$;
"""


def _statement_trigger(name: str, event: str, table: str, tables: str, body: str) -> str:
    """A trigger run once per statement, with the rows it changed as ``tables`` (transition
    tables: one event per trigger, so an insert, update and delete each have their own)."""
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {body}; RETURN NULL; END $$;
CREATE OR REPLACE TRIGGER {name} AFTER {event} ON {table}
  REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


# The episodes whose enquiries ``changed`` names get their next due date worked out again.
_NEXT_DUE_SET = """
UPDATE cases_episode e SET next_due_on = d.next_due_on
FROM (SELECT t.id, (SELECT min(q.due_on) FROM cases_enquiry q
                    WHERE q.episode_id = t.id AND q.completed_on IS NULL) AS next_due_on
      FROM (SELECT DISTINCT episode_id AS id FROM {changed}) t) d
WHERE e.id = d.id AND e.next_due_on IS DISTINCT FROM d.next_due_on
"""
_BOTH = "(SELECT episode_id FROM new_rows UNION ALL SELECT episode_id FROM old_rows) AS c"

NEXT_DUE_TRIGGERS = "".join([
    _statement_trigger("cme_next_due_insert", "INSERT", "cases_enquiry",
                       "NEW TABLE AS new_rows", _NEXT_DUE_SET.format(changed="new_rows")),
    _statement_trigger("cme_next_due_update", "UPDATE", "cases_enquiry",
                       "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                       _NEXT_DUE_SET.format(changed=_BOTH)),
    _statement_trigger("cme_next_due_delete", "DELETE", "cases_enquiry",
                       "OLD TABLE AS old_rows", _NEXT_DUE_SET.format(changed="old_rows")),
])  # fmt: skip

# The name parts of the children ``changed`` names: made from their names as they are now.
_PARTS_INSERT = """
INSERT INTO cases_childnamepart (child_id, part)
  SELECT c.id, part FROM {changed} c,
    cme_name_parts(c.forename, c.surname, c.preferred_name, c.other_names) AS part
"""
_PARTS_SET = "DELETE FROM cases_childnamepart p USING {changed} c WHERE p.child_id = c.id;"
_PARTS_SET += _PARTS_INSERT

# Only children whose names changed are refreshed: saving a child for anything else is free.
_RENAMED = """(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE (n.forename, n.surname, n.preferred_name, n.other_names)
         IS DISTINCT FROM (o.forename, o.surname, o.preferred_name, o.other_names)) AS"""

NAME_PART_TRIGGERS = "".join([
    _statement_trigger("cme_name_parts_insert", "INSERT", "cases_child",
                       "NEW TABLE AS new_rows", _PARTS_INSERT.format(changed="new_rows")),
    _statement_trigger("cme_name_parts_update", "UPDATE", "cases_child",
                       "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                       _PARTS_SET.format(changed=_RENAMED)),
])  # fmt: skip

REFRESH_ALL = f"""
UPDATE cases_episode e SET next_due_on = d.next_due_on
FROM (SELECT episode_id, min(due_on) AS next_due_on FROM cases_enquiry
      WHERE completed_on IS NULL GROUP BY episode_id) d
WHERE e.id = d.episode_id AND e.next_due_on IS DISTINCT FROM d.next_due_on;
UPDATE cases_episode e SET next_due_on = NULL
WHERE e.next_due_on IS NOT NULL AND NOT EXISTS (
  SELECT 1 FROM cases_enquiry q WHERE q.episode_id = e.id AND q.completed_on IS NULL);
TRUNCATE cases_childnamepart;
{_PARTS_INSERT.format(changed="cases_child")};
"""


def install(cursor) -> None:
    for statement in (FOLD, NAME_PARTS, NEXT_DUE_TRIGGERS, NAME_PART_TRIGGERS):
        cursor.execute(statement)


def refresh_all(cursor) -> None:
    cursor.execute(REFRESH_ALL)
