"""Every error summary a person meets on the main forms links to something that takes
focus: following a link moves focus to the field (checked by ``Journey``), in Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.cases.factories import EpisodeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_error_summaries_on_the_referral_and_close_forms_lead_to_their_fields(journey, people):
    page = journey.page
    episode = EpisodeFactory(allocated_officer=people["officer"])
    journey.sign_in("officer")
    journey.go("/referrals/new/")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert page.title().startswith("Error: ")
    journey.check_accessibility()
    page.get_by_role("link", name="Choose the child's gender, or Not known").click()
    assert page.evaluate("document.activeElement.id") == "id_child-0-gender_1"

    journey.go(f"/cases/{episode.pk}/close/")
    page.get_by_label("Enquiries exhausted").check()
    page.get_by_role("button", name="Close case").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("Enquiries are not exhausted")).to_have_count(1)
    journey.check_accessibility()
    page.get_by_role("link", name="Enter the closure date").click()
    assert page.evaluate("document.activeElement.id") == "id_closed_on_0"


def test_the_header_finds_a_case_and_says_who_is_signed_in_and_the_menu_fits(journey, people):
    page = journey.page
    page.set_viewport_size({"width": 1280, "height": 800})
    episode = EpisodeFactory(allocated_officer=people["officer"])
    journey.sign_in("manager")
    expect(page.get_by_text("Signed in as Jo Walker")).to_be_visible()
    items = page.locator("#navigation > li")
    tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
    assert len(tops) == 1, f"the manager's menu wraps onto {len(tops)} lines at 1280 px"
    journey.check_accessibility()
    page.get_by_label("Find a case").fill(episode.reference)
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(rf"/cases/{episode.pk}/$"))  # one case: straight to it
    page.get_by_label("Find a case").fill(episode.child.surname)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=episode.reference)).to_be_visible()
