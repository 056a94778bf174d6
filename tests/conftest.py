import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from cme_tracker import embedded
from cme_tracker.core import roles
from tests.core.factories import UserFactory


def pytest_sessionfinish(session, exitstatus):
    """Stop the embedded servers of the test data directory, so nothing outlives the run."""
    from django.db import connections

    connections.close_all()
    if settings.EMBEDDED_SERVERS["postgres"]:
        embedded.stop_postgres(settings.DATA_DIR)
    if settings.EMBEDDED_SERVERS["redis"]:
        embedded.stop_redis(settings.DATA_DIR)


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
