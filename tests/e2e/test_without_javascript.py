"""Core journeys work with JavaScript switched off, and the remaining case pages pass axe."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Episode
from tests.cases.factories import ChildFactory, EnquiryFactory, EpisodeFactory, SchoolFactory

from .conftest import PASSWORD, Journey

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def open_case(people):
    school = SchoolFactory(name="Riverside Academy", urn=990201)
    episode = EpisodeFactory(
        child=ChildFactory(forename="Nina", surname="Stone"),
        allocated_officer=people["officer"],
        last_school=school,
        referral_date=timezone.localdate() - datetime.timedelta(days=30),
    )
    EnquiryFactory(
        episode=episode, made_to="Riverside Academy office",
        requested_on=timezone.localdate() - datetime.timedelta(days=20),
        due_on=timezone.localdate() - datetime.timedelta(days=15),
    )  # fmt: skip
    return episode


def test_an_officer_works_a_case_with_javascript_off(browser, live_server, open_case):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=open_case.reference).click()
    expect(page.get_by_text("Overdue").first).to_be_visible()

    page.get_by_role("link", name="Record the response from Riverside Academy office").click()
    page.get_by_role("button", name="Save response").click()  # empty: errors, nothing saved
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the response")).to_be_visible()
    today = timezone.localdate()
    page.locator("#id_completed_on_0").fill(str(today.day))
    page.locator("#id_completed_on_1").fill(str(today.month))
    page.locator("#id_completed_on_2").fill(str(today.year))
    page.get_by_label("What did they say?").fill("Left for Leeds in October.")
    page.get_by_role("button", name="Save response").click()
    expect(page.get_by_text("Response from Riverside Academy office recorded")).to_be_visible()

    page.get_by_role("link", name="Close the case").click()
    page.get_by_label("Other local authority accepted responsibility").check()
    page.locator("#id_closed_on_0").fill(str(today.day))
    page.locator("#id_closed_on_1").fill(str(today.month))
    page.locator("#id_closed_on_2").fill(str(today.year))
    page.get_by_label("Local authority that accepted responsibility").fill("Leeds")
    page.get_by_label("Who accepted it (name and role)").fill("CME officer, Leeds")
    page.get_by_role("button", name="Close case").click()
    expect(page.get_by_text("1 case closed")).to_be_visible()
    assert Episode.objects.get(pk=open_case.pk).status == "CLOSED"
    context.close()


def test_manager_pages_are_accessible(journey: Journey, open_case):
    journey.sign_in("manager")
    for path in [
        "/cases/",
        "/cases/?status=open&overdue=yes&sort=next_due",
        f"/cases/{open_case.pk}/edit/",
        f"/cases/{open_case.pk}/allocate/",
        f"/cases/{open_case.pk}/removal-from-roll/",
        f"/cases/{open_case.pk}/history/",
        "/reports/caseload/",
        "/reports/scorecard/",
        "/reports/dfe-return/",
        "/cases/import/",
    ]:
        journey.go(path)
        expect(journey.page.locator("h1")).to_be_visible()
        journey.check_accessibility()
    journey.go(f"/cases/{open_case.pk}/removal-from-roll/")
    journey.page.get_by_role("button", name="Record authorisation").click()
    expect(journey.page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(
        journey.page.get_by_role(
            "link", name="Enter the date the local authority authorised removal"
        )
    ).to_be_visible()
    journey.check_accessibility()
