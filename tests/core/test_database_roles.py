"""The application's database role cannot rewrite the audit trail; the owner's changes the
schema. Tried against the real server: the suite itself runs as the application's role."""

import datetime

import psycopg
import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.db import ProgrammingError, connection, transaction
from django.test import override_settings

from cases.models import Event
from cme_tracker.core import database_roles
from tests.cases.factories import EpisodeFactory

pytestmark = pytest.mark.django_db

# The oracle: the tables a council's auditor relies on, written out by hand.
AUDIT_TABLES = {
    "cases_event": "created_at",
    "cases_accesslogentry": "viewed_at",
    "reports_scorecardsnapshot": "taken_at",
    "core_accountchange": "changed_at",
}


def test_the_suite_runs_as_the_application_s_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == database_roles.application_role_name() == "cme_app"


def test_every_audit_table_is_append_only():
    marked = {m._meta.db_table: m.RECORDED_AT for m in database_roles.append_only_models()}
    assert AUDIT_TABLES.items() <= marked.items()


@pytest.mark.parametrize("table", AUDIT_TABLES)
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE {table}",
        "UPDATE {table} SET id = id",
        "DELETE FROM {table}",
        "ALTER TABLE {table} ADD COLUMN extra text",
        "ALTER TABLE {table} DISABLE TRIGGER ALL",
        "ALTER TABLE {table} DISABLE TRIGGER cme_append_only",
        "DROP TRIGGER cme_recorded_at ON {table}",
        "DROP TABLE {table}",
    ],
)
def test_the_application_s_role_may_not_change_an_audit_table(table, statement):
    with (
        pytest.raises(ProgrammingError, match="permission denied|must be owner"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table))


def test_the_application_s_role_may_not_switch_triggers_off_for_its_session():
    with (
        pytest.raises(ProgrammingError, match="permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET session_replication_role = replica")


def test_the_application_s_role_may_not_truncate_any_table():
    with (
        pytest.raises(ProgrammingError, match="permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE cases_episode CASCADE")


def test_a_forged_event_time_is_ignored():
    """The database's clock, not the application's word, times every event."""
    episode = EpisodeFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        [before] = cursor.fetchone()
        cursor.execute(
            "INSERT INTO cases_event (verb, episode_id, payload, created_at) "
            "VALUES ('episode.closed', %s, '{}', '2001-01-01') RETURNING created_at",
            [episode.pk],
        )
        [stored] = cursor.fetchone()
    forged = Event.objects.create(
        verb="episode.closed", episode=episode, payload={},
        created_at=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    forged.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        [after] = cursor.fetchone()
    assert before <= stored <= forged.created_at <= after  # the clock as each was written


@pytest.mark.django_db(transaction=True)
def test_even_the_owner_meets_the_append_only_trigger(owner_connection):
    episode = EpisodeFactory()
    Event.objects.create(verb="episode.opened", episode=episode, payload={})
    for statement in ("UPDATE cases_event SET verb = 'x'", "DELETE FROM cases_event"):
        with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
            owner_connection.execute(statement)
    assert Event.objects.get().verb == "episode.opened"


def test_the_owner_owns_every_table_and_the_application_s_role_none():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v')"
        )
        assert [owner for (owner,) in cursor.fetchall()] == ["cme_owner"]
    assert database_roles.application_role_problems(connection) == []


def test_the_application_s_role_reads_and_writes_case_tables_but_not_the_migrations():
    EpisodeFactory()  # inserts into children, families, episodes
    with (
        pytest.raises(ProgrammingError, match="permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM django_migrations")


def _with_application_role(name):
    roles = {**settings.DATABASE_ROLES}
    roles["application"] = {**roles["application"], "USER": name}
    return override_settings(DATABASE_ROLES=roles, CME_CHECK_DATABASE_ROLE=True)


def test_in_production_the_check_passes_for_an_unprivileged_role():
    with _with_application_role("cme_app"):
        assert not [m for m in run_checks() if m.id.startswith("cme.")]


@pytest.mark.parametrize(
    ("role", "problem"), [("cme_owner", "owns"), ("postgres", "is a superuser")]
)
def test_in_production_the_check_fails_for_a_role_that_owns_tables_or_is_a_superuser(role, problem):
    with _with_application_role(role):
        errors = [m for m in run_checks() if m.id == "cme.E001"]
    assert errors and problem in errors[0].msg
    assert errors[0].is_serious()


def test_off_production_the_check_is_quiet():
    with override_settings(CME_CHECK_DATABASE_ROLE=False):
        assert not [m for m in run_checks() if m.id.startswith("cme.")]


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_grants_again(owner_connection):
    """A grant taken away (or a new table) is put right by the next migrate."""
    from django.core.management import call_command

    owner_connection.execute("REVOKE SELECT ON cases_episode FROM cme_app")
    with pytest.raises(ProgrammingError, match="permission denied"):
        EpisodeFactory()
    call_command("migrate", verbosity=0)
    assert EpisodeFactory().pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == "cme_app"  # back to the application's role


@pytest.fixture
def superuser_connection():
    """The embedded server's superuser, to make roles a DBA might make by mistake."""
    from cme_tracker import embedded

    if not settings.EMBEDDED_SERVERS["postgres"]:
        pytest.skip("needs the embedded server's superuser")
    with psycopg.connect(embedded.postgres_urls(settings.DATA_DIR).superuser,
                         autocommit=True) as conn:  # fmt: skip
        yield conn


def test_the_check_fails_for_a_role_that_is_a_member_of_the_owner(superuser_connection):
    superuser_connection.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cme_member') THEN "
        "CREATE ROLE cme_member LOGIN IN ROLE cme_owner; END IF; END $$"
    )
    with _with_application_role("cme_member"):
        errors = [m.msg for m in run_checks() if m.id == "cme.E001"]
    assert any("through a role it is a member of" in error for error in errors), errors


@pytest.mark.django_db(transaction=True)
def test_the_check_fails_when_an_audit_table_was_granted_more_and_migrate_puts_it_right(
    owner_connection,
):
    from django.core.management import call_command

    owner_connection.execute("GRANT UPDATE, DELETE ON cases_event TO cme_app")
    with _with_application_role("cme_app"):
        [error] = [m for m in run_checks() if m.id == "cme.E001"]
    assert "may change or empty cases_event" in error.msg
    call_command("migrate", verbosity=0)
    with _with_application_role("cme_app"):
        assert not [m for m in run_checks() if m.id == "cme.E001"]
