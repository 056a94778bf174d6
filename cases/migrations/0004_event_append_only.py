"""The case history is append-only: PostgreSQL refuses to update or delete an event row."""

from django.db import migrations

SQL = """
CREATE FUNCTION cases_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the case history is append-only: % on cases_event is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER cases_event_append_only
    BEFORE UPDATE OR DELETE ON cases_event
    FOR EACH ROW EXECUTE FUNCTION cases_event_append_only();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS cases_event_append_only ON cases_event;
DROP FUNCTION IF EXISTS cases_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_reference_data")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
