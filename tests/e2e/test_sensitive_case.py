"""A family moves to a refuge, in Chromium: the officer marks the case sensitive, the head of
service sees only that details are hidden, the manager sees who has looked and lifts it with
a reason. Every page is checked with axe-core."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cme_tracker.core import roles
from tests.cases.factories import ChildFactory, EpisodeFactory, FamilyFactory, SchoolFactory
from tests.core.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def family_case(people):
    family = FamilyFactory()
    family.carers.create(name="Mara Stone", relationship="Mother", phone="01632 960888")
    family.addresses.create(line_1="4 Shelter Close", postcode="DB1 3CD")
    head = UserFactory(username="head", first_name="Alex", last_name="Morgan")
    head.groups.add(Group.objects.get(name=roles.HEAD_OF_SERVICE))
    return EpisodeFactory(
        child=ChildFactory(forename="Nina", surname="Stone", family=family),
        allocated_officer=people["officer"], last_school=SchoolFactory(name="Hillside School"),
    )  # fmt: skip


def test_a_case_marked_sensitive_hides_the_family_until_a_manager_lifts_it(journey, family_case):
    page = journey.page
    journey.sign_in("officer")
    journey.go(f"/cases/{family_case.pk}/")
    page.get_by_role("link", name="Mark as sensitive").click()
    expect(page.get_by_role("heading", name="Mark the family's cases sensitive")).to_be_visible()
    journey.check_accessibility()
    page.get_by_label("Why is the family's information sensitive? (optional)").fill(
        "Moved to a refuge"
    )
    page.get_by_role("button", name="Mark sensitive").click()
    expect(page.get_by_text("Marked sensitive: 1 case")).to_be_visible()
    expect(page.get_by_text("4 Shelter Close").first).to_be_visible()  # still hers to see
    journey.sign_out()

    journey.sign_in("head")
    journey.go(f"/cases/{family_case.pk}/")
    expect(page.get_by_text("Hidden: sensitive case").first).to_be_visible()
    expect(page.get_by_text("4 Shelter Close")).to_have_count(0)
    expect(page.get_by_text("Mara Stone")).to_have_count(0)
    expect(page.get_by_text("Hillside School")).to_have_count(0)
    journey.check_accessibility()
    journey.sign_out()

    journey.sign_in("manager")
    journey.go(f"/cases/{family_case.pk}/")
    page.get_by_role("link", name="Who has looked").click()
    expect(page.get_by_role("cell", name="Alex Morgan")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("link", name="Summary and enquiries").click()
    page.get_by_role("link", name="Lift sensitivity").click()
    page.get_by_role("button", name="Lift sensitivity").click()
    expect(
        page.get_by_role("link", name="Enter the reason for lifting the sensitivity")
    ).to_be_visible()
    journey.check_accessibility()
    page.get_by_label("Why can the family's details now be shown?").fill("Rehoused; risk closed")
    page.get_by_role("button", name="Lift sensitivity").click()
    expect(page.get_by_text("Sensitivity lifted on 1 case")).to_be_visible()
    page.get_by_role("link", name="History", exact=True).click()
    expect(page.get_by_text("Rehoused; risk closed")).to_be_visible()
    journey.check_accessibility()
