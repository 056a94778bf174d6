"""Caseload aging: the counts are right, and every number links to exactly those cases."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from cases.models import Locality
from reports.caseload import caseload_aging
from tests.cases.factories import ClosedEpisodeFactory, EnquiryFactory, EpisodeFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def caseload(officer, manager):
    central = Locality.objects.get(code="CENTRAL")
    # Whole months open on 23 November 2026, worked by hand:
    EpisodeFactory(referral_date=datetime.date(2026, 11, 1), allocated_officer=officer,
                   locality=central)  # 0 months  # fmt: skip
    EpisodeFactory(referral_date=datetime.date(2026, 4, 24), allocated_officer=officer)  # 6
    EpisodeFactory(referral_date=datetime.date(2026, 4, 23), allocated_officer=officer)  # 7
    late = EpisodeFactory(referral_date=datetime.date(2025, 5, 1), allocated_officer=manager)  # 18
    EnquiryFactory(episode=late, requested_on=datetime.date(2026, 10, 1),
                   due_on=datetime.date(2026, 10, 10))  # overdue  # fmt: skip
    EpisodeFactory(referral_date=datetime.date(2024, 1, 5), locality=central)  # 34, unallocated
    ClosedEpisodeFactory(allocated_officer=officer)  # closed: not counted


def case_links(html):
    return set(re.findall(r'href="/cases/(\d+)/"', html))


def test_counts_by_officer_and_band(caseload, officer):
    aging = caseload_aging(TODAY)
    by_officer = {line.label: (line.bands, line.overdue, line.total) for line in aging["officers"]}
    assert by_officer[str(officer)] == ([2, 1, 0, 0], 0, 3)
    assert by_officer["Unallocated"] == ([0, 0, 0, 1], 0, 1)
    assert aging["total"].bands == [2, 1, 1, 1]
    assert aging["total"].overdue == 1
    by_locality = {line.label: line.total for line in aging["localities"]}
    assert by_locality == {"Central": 2, "No Locality Registered": 3}
    assert [count for _, count, _ in aging["spread"]] == [1, 0, 0, 2, 2]


def test_every_number_links_to_exactly_those_cases(client, caseload, manager):
    client.force_login(manager)
    aging = caseload_aging(TODAY)
    lines = [*aging["officers"], *aging["localities"], aging["total"]]
    checked = 0
    for line in lines:
        for count, link in line.cells:
            listed = case_links(client.get(link).content.decode())
            assert len(listed) == count, (line.label, link)
            checked += 1
    for _, count, link in aging["spread"]:
        assert len(case_links(client.get(link).content.decode())) == count, link
    assert checked > 20


def test_the_page_is_for_managers(client, caseload, officer, manager):
    client.force_login(officer)
    assert client.get(reverse("reports:caseload")).status_code == 403
    client.force_login(manager)
    html = client.get(reverse("reports:caseload")).content.decode()
    assert "Caseload aging" in html and "Oldest open cases" in html
