"""The schools tests' shared setting: a school, its user, and a child the team is looking for."""

import datetime

import pytest
from django.contrib.auth.models import Group

from cme_tracker.core import roles
from schools.models import SchoolMembership
from tests.cases.factories import ChildFactory, EpisodeFactory, SchoolFactory
from tests.cases.test_bulk_import import frozen_today, upn  # noqa: F401 (a fixture, a helper)
from tests.core.factories import UserFactory


@pytest.fixture
def riverside():
    return SchoolFactory(name="Riverside Academy", urn=990201)


@pytest.fixture
def school_user(riverside):
    user = UserFactory(username="head.of.year")
    user.groups.add(Group.objects.get(name=roles.SCHOOL_USER))
    SchoolMembership.objects.create(user=user, school=riverside)
    return user


@pytest.fixture
def missing(officer):
    """A child the team is looking for: Muhammad Khan, born 3 March 2015."""
    child = ChildFactory(forename="Muhammad", surname="Khan", upn=upn(7),
                         date_of_birth=datetime.date(2015, 3, 3))  # fmt: skip
    return EpisodeFactory(child=child, allocated_officer=officer,
                          referral_date=datetime.date(2026, 9, 1))  # fmt: skip
