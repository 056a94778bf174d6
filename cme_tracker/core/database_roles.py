"""The two database roles, and what the application's may do.

The web server, the worker, beat and every management command connect as the application's
role: it reads and writes case data, owns no table, is no superuser, and so cannot TRUNCATE,
ALTER or disable a trigger. On the audit tables (models marked ``APPEND_ONLY``) it may only
INSERT and SELECT, and the time of each row is the database's clock, whatever the insert
says. The schema belongs to the owner's role, which only schema commands use: ``migrate`` and
``flush`` switch to it for their run, and after every migrate the owner grants the
application's role what it needs here. The SQL lives in this module and is safe to run again.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg import sql

APPLICATION = "application"
OWNER = "owner"


def credentials(role: str) -> dict:
    found = settings.DATABASE_ROLES.get(role)
    if found is None:
        raise ImproperlyConfigured(
            "This command changes the schema, so it runs as the database's owner role: set "
            "DATABASE_OWNER_URL (the application's own role may not change the schema)."
        )
    return found


def connect_as(role: str, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Point ``alias`` at ``role``'s credentials; the next query opens a new connection."""
    connection = connections[alias]
    wanted = credentials(role)
    if all(connection.settings_dict.get(key) == value for key, value in wanted.items()):
        return
    if connection.in_atomic_block:
        raise RuntimeError("A connection cannot change role inside a transaction.")
    connection.close()
    # This thread's connection only: others (a test's live server, say) keep the application's.
    connection.settings_dict = {**connection.settings_dict, **wanted}


@contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS):
    """Run the block as the owner role, then go back to the application's."""
    connect_as(OWNER, alias)
    try:
        yield
    finally:
        connect_as(APPLICATION, alias)


def application_role_name() -> str:
    return settings.DATABASE_ROLES[APPLICATION]["USER"]


def append_only_models() -> list:
    """Audit records: a model says so with ``APPEND_ONLY = True`` and names the column the
    database stamps with its clock in ``RECORDED_AT``."""
    return [model for model in apps.get_models() if getattr(model, "APPEND_ONLY", False)]


_REFUSE_CHANGE = """
CREATE OR REPLACE FUNCTION cme_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$
"""


def _audit_table_sql(table: str, column: str) -> list[sql.Composable]:
    stamp = sql.Identifier(f"{table}_recorded_at")
    # The clock as the row is written (not the transaction's start), so rows written in one
    # transaction keep their order by time too.
    body = sql.SQL("BEGIN NEW.{} := clock_timestamp(); RETURN NEW; END;").format(
        sql.Identifier(column)
    )
    return [
        sql.SQL("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS {}").format(
            stamp, sql.Literal(body.as_string())
        ),
        sql.SQL(
            "CREATE OR REPLACE TRIGGER cme_recorded_at BEFORE INSERT ON {} "
            "FOR EACH ROW EXECUTE FUNCTION {}()"
        ).format(sql.Identifier(table), stamp),
        sql.SQL(
            "CREATE OR REPLACE TRIGGER cme_append_only BEFORE UPDATE OR DELETE ON {} "
            "FOR EACH ROW EXECUTE FUNCTION cme_refuse_change()"
        ).format(sql.Identifier(table)),
    ]


def _grant_sql(role: str, audit_tables: list[str]) -> list[sql.Composable]:
    who = sql.Identifier(role)
    audit = sql.SQL(", ").join(sql.Identifier(table) for table in audit_tables)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who),
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(who),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            who
        ),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(who),
        # Only migrate records migrations.
        sql.SQL("REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {}").format(who),
    ]
    if audit_tables:
        statements.append(sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(audit, who))
    return statements


def install(connection) -> None:
    """As the owner: the audit tables' triggers, and the application role's grants."""
    audit = [(m._meta.db_table, m.RECORDED_AT) for m in append_only_models()]
    statements: list = [sql.SQL(_REFUSE_CHANGE)]
    for table, column in audit:
        statements += _audit_table_sql(table, column)
    role = application_role_name()
    if role and role != connection.settings_dict["USER"]:
        statements += _grant_sql(role, [table for table, _ in audit])
    # In one transaction: the application's running processes never see its grants missing.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.as_string(cursor.connection))


def application_role_problems(connection) -> list[str]:
    """What would let the application's role rewrite the audit trail, if anything: being a
    superuser or bypassing row security, owning a table or being a member of a role that does,
    being able to create tables, or holding more than INSERT and SELECT on an audit table."""
    role = application_role_name() or connection.settings_dict["USER"]
    audit = [model._meta.db_table for model in append_only_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.rolsuper, r.rolbypassrls,
                   (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE pg_has_role(r.oid, c.relowner, 'MEMBER')
                      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                      AND n.nspname NOT LIKE 'pg_temp%%' AND n.nspname NOT LIKE 'pg_toast%%'),
                   has_schema_privilege(r.oid, 'public', 'CREATE'),
                   ARRAY(SELECT t FROM unnest(%s::text[]) AS t
                         WHERE to_regclass(t) IS NOT NULL
                           AND has_table_privilege(r.oid, t, 'UPDATE, DELETE, TRUNCATE, TRIGGER')
                         ORDER BY t)
            FROM pg_roles r WHERE r.rolname = COALESCE(NULLIF(%s, ''), current_user)
            """,
            [audit, role],
        )
        found = cursor.fetchone()
    if found is None:
        return [f"the database has no role {role!r}"]
    superuser, bypass_rls, owned, may_create, writable = found
    problems = []
    if superuser:
        problems.append(f"the application's database role {role!r} is a superuser")
    if bypass_rls:
        problems.append(f"the application's database role {role!r} bypasses row security")
    if owned:
        problems.append(
            f"the application's database role {role!r} owns {owned} table(s), itself or "
            "through a role it is a member of"
        )
    if may_create:
        problems.append(f"the application's database role {role!r} may create tables")
    if writable:
        problems.append(
            f"the application's database role {role!r} may change or empty " + ", ".join(writable)
        )
    return problems
