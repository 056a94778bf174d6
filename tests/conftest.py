import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from cme_tracker import embedded
from cme_tracker.core import database_roles, roles
from tests.core.factories import UserFactory


def pytest_sessionfinish(session, exitstatus):
    """Stop the embedded servers of the test data directory, so nothing outlives the run."""
    from django.db import connections

    connections.close_all()
    if settings.EMBEDDED_SERVERS["postgres"]:
        embedded.stop_postgres(settings.DATA_DIR)
    if settings.EMBEDDED_SERVERS["redis"]:
        embedded.stop_redis(settings.DATA_DIR)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database is made, migrated and dropped by the owner role, as in production..."""
    database_roles.connect_as(database_roles.OWNER)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """...and every test runs as the application's role, as the web server and worker do."""
    database_roles.connect_as(database_roles.APPLICATION)
    yield
    database_roles.connect_as(database_roles.OWNER)


@pytest.fixture(autouse=True)
def _changes_counted_as_they_are_made(request):
    """A test in a transaction never commits, so the scorecard's counts, which a commit brings
    up to date, are counted at the end of each changing statement instead."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(names) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional or (marker is None and "db" not in names):
        return
    from django.db import connection

    request.getfixturevalue("db")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS reports_count_at_commit IMMEDIATE")


def connect(role: str) -> psycopg.Connection:
    """A connection of its own to the test database as ``role``, committing each statement:
    for what only the owner may do (emptying tables, a bulk load with triggers off), or to
    show what the application's role may not."""
    from django.db import connection

    given = database_roles.credentials(role)
    return psycopg.connect(
        dbname=connection.settings_dict["NAME"], user=given["USER"],
        password=given["PASSWORD"] or None, host=given["HOST"] or None,
        port=given["PORT"] or None, autocommit=True, **given["OPTIONS"],
    )  # fmt: skip


@pytest.fixture
def owner_connection(transactional_db):
    with connect(database_roles.OWNER) as conn:
        yield conn


def load_reference_data():
    """Live-server tests run in real transactions and tables are flushed after each one,
    taking the reference lists the data migrations loaded; load them again (idempotent)."""
    from importlib import import_module

    from django.apps import apps

    for module in (
        "cases.migrations.0003_reference_data",
        "cases.migrations.0006_demo_postcode_districts",
        "referrals.migrations.0002_referral_sources",
    ):
        import_module(module).load(apps, None)
    import_module("cases.migrations.0019_dfe_reason_categories").categories(apps, None)
    import_module("schools.migrations.0003_deletion_grounds").load(apps, None)  # after 0019
    roles.sync_roles()


def _user_with_role(role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def officer(db):
    return _user_with_role(roles.CME_OFFICER)


@pytest.fixture
def manager(db):
    return _user_with_role(roles.TEAM_MANAGER)


@pytest.fixture
def head_of_service(db):
    return _user_with_role(roles.HEAD_OF_SERVICE)


@pytest.fixture
def administrator(db):
    return _user_with_role(roles.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def school_user(db):
    """Someone at a school, sending notices for it through the portal."""
    from schools.models import SchoolMembership
    from tests.cases.factories import SchoolFactory

    user = _user_with_role(roles.SCHOOL_USER)
    SchoolMembership.objects.create(user=user, school=SchoolFactory())
    return user


@pytest.fixture(scope="session")
def iam_configuration(iam_configuration):
    """pytest-iam's provider (Canaille), signing ID tokens with RS256 as Microsoft Entra ID
    does (its generated key names no algorithm, and Canaille would pick RS512)."""
    for key in iam_configuration["CANAILLE_OIDC"]["ACTIVE_JWKS"]:
        key["alg"] = "RS256"
    return iam_configuration
