"""Snapshots never change: PostgreSQL refuses to update or delete them."""

from django.db import migrations

SQL = """
CREATE FUNCTION reports_snapshot_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'scorecard snapshots never change: % is not allowed', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reports_snapshot_frozen
    BEFORE UPDATE OR DELETE ON reports_scorecardsnapshot
    FOR EACH ROW EXECUTE FUNCTION reports_snapshot_frozen();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS reports_snapshot_frozen ON reports_scorecardsnapshot;
DROP FUNCTION IF EXISTS reports_snapshot_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_snapshots")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
