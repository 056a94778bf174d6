"""The schools tests' shared setting: a school, its user, a child the team is looking for, and
a joint enquiry the school has started."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cme_tracker.core import roles
from schools.models import DeletionGround, JointEnquiry, SchoolMembership
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


def date_parts(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def start(client, school_user, riverside, ground="i", **changes):
    client.force_login(school_user)
    data = {
        "school": riverside.pk, "forename": "Amelia", "surname": "Nowak", "upn": "",
        **date_parts("date_of_birth", datetime.date(2014, 5, 9)),
        "address": "12 Canal Street, Dunmore DB1 4AB", "parent_name": "Ewa Nowak",
        "parent_phone": "07700 900123", "ground": DeletionGround.objects.get(code=ground).pk,
        **date_parts("clock_started_on", datetime.date(2026, 11, 2)),
    }  # fmt: skip
    data.update(changes)
    return client.post(reverse("schools:enquiry_new"), data)


@pytest.fixture
def enquiry(client, school_user, riverside):
    from django.utils import timezone

    start(client, school_user, riverside)
    enquiry = JointEnquiry.objects.get()
    JointEnquiry.objects.filter(pk=enquiry.pk).update(started_at=timezone.now())  # tests' clock
    enquiry.refresh_from_db()
    return enquiry


@pytest.fixture
def case(officer):
    child = ChildFactory(forename="Amelia", surname="Nowak",
                         date_of_birth=datetime.date(2014, 5, 9))  # fmt: skip
    return EpisodeFactory(child=child, allocated_officer=officer,
                          referral_date=datetime.date(2026, 11, 10))  # fmt: skip
