"""A school tells the council of a new pupil, and the officer looking for that child closes
the case from the school's notice, in Chromium, each page checked with axe-core."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Episode
from cme_tracker.core import roles
from referrals.models import ReferralSource
from schools.models import SchoolMembership
from tests.cases.factories import ChildFactory, EpisodeFactory, SchoolFactory
from tests.core.factories import UserFactory
from tests.e2e.forms import fill_date

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def setting(people):
    school = SchoolFactory(name="Riverside Academy", urn=990201)
    teacher = UserFactory(username="riverside.office", first_name="Ola", last_name="Bello")
    teacher.groups.add(Group.objects.get(name=roles.SCHOOL_USER))
    SchoolMembership.objects.create(user=teacher, school=school)
    child = ChildFactory(forename="Muhammad", surname="Khan",
                         date_of_birth=datetime.date(2015, 3, 3))  # fmt: skip
    referred = timezone.localdate() - datetime.timedelta(days=40)
    return EpisodeFactory(child=child, allocated_officer=people["officer"], referral_date=referred)


def test_a_school_sends_a_new_pupil_and_the_officer_closes_the_case(journey, setting):
    page = journey.page
    journey.sign_in("riverside.office")
    expect(page.get_by_role("heading", name="Your notices")).to_be_visible()
    expect(page.get_by_role("link", name="Caseload")).to_have_count(0)  # the portal's own menu
    journey.check_accessibility()
    page.get_by_role("link", name="Tell us about a new pupil").first.click()
    journey.check_accessibility()
    page.get_by_role("button", name="Send the notice").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the pupil's first name")
    journey.check_accessibility()
    page.get_by_label("First name").fill("Mohammed")
    page.get_by_label("Last name").fill("Khan")
    fill_date(page, "id_date_of_birth", datetime.date(2015, 3, 3))
    fill_date(page, "id_admitted_on", timezone.localdate() - datetime.timedelta(days=2))
    page.get_by_role("button", name="Send the notice").click()
    expect(page.get_by_role("heading", name="Notice sent")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("link", name="Send a file of new pupils").click()
    page.get_by_role("button", name="Send the file").click()  # no file chosen
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the file to send")
    journey.check_accessibility()
    page.get_by_role("link", name="Your notices").click()
    expect(page.get_by_text("Being checked by the council")).to_be_visible()
    journey.sign_out()

    journey.sign_in("officer")
    page.get_by_role("link", name="From schools").click()
    page.get_by_role("link", name="New pupils").click()
    expect(page.get_by_role("heading", name="New pupils from schools")).to_be_visible()
    journey.check_accessibility()
    journey.go(f"/cases/{setting.pk}/")
    expect(page.get_by_role("heading", name="A school may have found this child")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("button", name="Close the case: found in school").click()
    expect(page.get_by_text("Case closed: found in school at Riverside Academy.")).to_be_visible()
    journey.check_accessibility()
    episode = Episode.objects.get(pk=setting.pk)
    assert not episode.is_open and episode.destination_school.name == "Riverside Academy"
    journey.sign_out()

    journey.sign_in("riverside.office")
    expect(page.get_by_text("The council was looking for this child: thank you")).to_be_visible()


def test_a_school_sends_a_deletion_notice_and_an_officer_opens_a_case_from_it(journey, setting):
    page = journey.page
    journey.sign_in("riverside.office")
    page.get_by_role("link", name="Tell us about a deletion").first.click()
    expect(page.get_by_role("heading", name="Tell us about a deletion from your register")
           ).to_be_visible()  # fmt: skip
    journey.check_accessibility()
    page.get_by_label("First name").fill("Amelia")
    page.get_by_label("Last name").fill("Nowak")
    fill_date(page, "id_date_of_birth", datetime.date(2014, 5, 9))
    page.get_by_role("radio", name="Female").check()
    page.get_by_label("Pupil's address line 1").fill("12 Canal Street")
    page.get_by_label("Postcode").fill("DB1 4AB")
    page.get_by_label("Full name of a parent the pupil normally lives with").fill("Ewa Nowak")
    page.get_by_label("Their emergency phone number").first.fill("07700 900123")
    deleted = timezone.localdate() - datetime.timedelta(days=1)
    fill_date(page, "id_deleted_on", deleted)
    page.get_by_role("radio", name="(i) Continuously absent for 20 school days").check()
    page.get_by_role("button", name="Send the notice").click()  # (i) needs more
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the first day of continuous absence")
    expect(summary).to_contain_text("Ground (i) needs the enquiries the school and the council")
    journey.check_accessibility()
    fill_date(page, "id_absence_started_on", deleted - datetime.timedelta(days=60))
    page.get_by_label("I confirm the ground's conditions are met").check()
    page.get_by_label("The enquiries the school and the council made together").fill(
        "Home visit with the council's officer on 2 November: no answer."
    )
    page.get_by_role("button", name="Send the notice").click()
    expect(page.get_by_role("heading", name="Notice sent")).to_be_visible()
    journey.check_accessibility()
    journey.sign_out()

    journey.sign_in("officer")
    page.get_by_role("link", name="From schools").click()
    expect(page.get_by_role("heading", name="Deletion notices from schools")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("link", name="DN").first.click()
    expect(page.get_by_text("No known child has this pupil")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("link", name="Open a case from this notice").click()  # click one
    expect(page.get_by_label("Who made the referral?")).to_have_value(
        str(ReferralSource.objects.get(code="SCHOOL_DELETION_NOTICE").pk)
    )
    journey.check_accessibility()
    page.get_by_role("button", name="Continue").click()  # click two
    expect(page.get_by_text("1 case opened")).to_be_visible()
    journey.check_accessibility()
    episode = Episode.objects.exclude(pk=setting.pk).get()
    assert episode.child.surname == "Nowak" and episode.last_school.name == "Riverside Academy"
    journey.sign_out()

    journey.sign_in("riverside.office")
    expect(page.get_by_text("The council is following this up")).to_be_visible()
    expect(page.get_by_text(episode.reference)).to_have_count(0)
