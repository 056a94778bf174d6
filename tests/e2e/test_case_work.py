"""A day's case work, in Chromium: an officer writes a family note on a sibling group's cases,
adds to it later and prints the case; a manager reviews a case and sees it leave the cases
due a review, and approves a sibling group's closures in one action.
Every page is checked with axe-core."""

import datetime

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.cases.factories import ChildFactory, EpisodeFactory, FamilyFactory

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def siblings(people):
    family = FamilyFactory()
    referred = datetime.date.today() - datetime.timedelta(days=45)
    return [
        EpisodeFactory(child=ChildFactory(forename=name, surname="Okafor", family=family),
                       allocated_officer=people["officer"], referral_date=referred)
        for name in ("Ada", "Chidi")
    ]  # fmt: skip


def test_an_officer_writes_a_family_note_and_adds_to_it_later(journey, siblings):
    page = journey.page
    ada, chidi = siblings
    journey.sign_in("officer")
    journey.go(f"/cases/{ada.pk}/")
    page.get_by_role("link", name="Add a note").first.click()
    expect(page.get_by_role("heading", name="Add a note")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("button", name="Save note").click()  # nothing written yet
    expect(page.get_by_role("link", name="Enter what the note says")).to_be_visible()
    journey.check_accessibility()
    page.get_by_label("Phone call").check()
    page.get_by_label("Note", exact=True).fill("Rang the aunt: family staying in Leeds.")
    page.get_by_label("Record this note on every brother's and sister's open case too").check()
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved on 2 cases in the family")).to_be_visible()
    expect(page.get_by_text("Rang the aunt: family staying in Leeds.")).to_be_visible()
    journey.check_accessibility()
    journey.go(f"/cases/{chidi.pk}/")
    expect(page.get_by_text("Rang the aunt: family staying in Leeds.")).to_be_visible()
    with connection.cursor() as cursor:  # the correction window has passed
        cursor.execute("UPDATE cases_casenote SET created_at = now() - interval '1 hour'")
    journey.go(f"/cases/{ada.pk}/")
    page.get_by_role("link", name="Add to it").click()
    journey.check_accessibility()
    page.get_by_label("What you are adding").fill("Aunt called back: they moved on to Hull.")
    page.get_by_role("button", name="Save addition").click()
    expect(page.get_by_text("Aunt called back: they moved on to Hull.")).to_be_visible()
    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("Added to a note")).to_be_visible()
    journey.check_accessibility()
    journey.go(f"/cases/{ada.pk}/")
    page.get_by_role("link", name="Print the case").click()
    expect(page.get_by_text("OFFICIAL-SENSITIVE").first).to_be_visible()
    expect(page.get_by_text("Aunt called back: they moved on to Hull.").first).to_be_visible()
    journey.check_accessibility()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == f"case-{ada.reference}.pdf"


def test_a_manager_reviews_a_case_due_a_review(journey, siblings):
    page = journey.page
    ada, _ = siblings
    journey.sign_in("manager")
    page.get_by_role("link", name="2 cases due a manager's review").click()
    expect(page.get_by_role("link", name=ada.reference)).to_be_visible()
    journey.check_accessibility()
    journey.go(f"/cases/{ada.pk}/")
    expect(page.get_by_text("Review due", exact=True)).to_be_visible()
    page.get_by_role("link", name="Record a case review").first.click()
    expect(page.get_by_role("heading", name="Record a case review")).to_be_visible()
    journey.check_accessibility()
    page.get_by_label("Decision or direction").fill("Ask Hull CME to check their records.")
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Review recorded: next due")).to_be_visible()
    expect(page.get_by_text("Ask Hull CME to check their records.")).to_be_visible()
    expect(page.get_by_text("Review due", exact=True)).to_have_count(0)
    journey.check_accessibility()
    journey.go("/")
    expect(page.get_by_role("link", name="1 case due a manager's review")).to_be_visible()


def test_a_manager_approves_a_sibling_groups_closures_in_one_action(journey, siblings, people):
    from cases.models import ClosureOutcome, ClosureProposal, EnquiryType

    EnquiryType.objects.update(is_core=False)
    outcome = ClosureOutcome.objects.get(code="ENQUIRIES_EXHAUSTED")
    for episode in siblings:
        ClosureProposal.objects.create(episode=episode, outcome=outcome,
                                       closed_on=datetime.date.today(),
                                       proposed_by=people["officer"])  # fmt: skip
    page = journey.page
    journey.sign_in("manager")
    journey.go(f"/cases/{siblings[0].pk}/")
    page.get_by_role("link", name="Decide on the closure").click()
    expect(
        page.get_by_role("heading", name="Brothers' and sisters' closures also waiting")
    ).to_be_visible()
    journey.check_accessibility()
    page.get_by_label("Yes, close the case").check()
    page.get_by_label("Decide the same, with the same reason").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Closure approved: 2 cases closed")).to_be_visible()
    journey.check_accessibility()
    journey.go(f"/cases/{siblings[1].pk}/")
    expect(page.get_by_text("Reopen the case")).to_be_visible()


def test_an_officer_records_a_home_visit_with_a_photo(journey, siblings):
    page = journey.page
    ada, _ = siblings
    ada.child.family.addresses.create(line_1="14 Mill Road", postcode="DB3 1AA")
    journey.sign_in("officer")
    journey.go(f"/cases/{ada.pk}/")
    page.get_by_role("link", name="Record a home visit").click()
    expect(page.get_by_role("heading", name="Record a home visit")).to_be_visible()
    journey.check_accessibility()
    page.get_by_label("14 Mill Road").check()
    page.get_by_label("No answer").check()
    page.get_by_label("Yes").check()
    page.get_by_label("What neighbours or the occupant said (optional)").fill(
        "Neighbour has not seen them for a month."
    )
    page.get_by_label("Photos (optional)").set_input_files(
        files=[{"name": "front-door.jpg", "mimeType": "image/jpeg",
                "buffer": b"\xff\xd8\xff\xe0" + b"\0" * 200}])  # fmt: skip
    page.get_by_role("button", name="Save visit").click()
    expect(page.get_by_text("Home visit recorded")).to_be_visible()
    expect(page.get_by_text("No answer, calling card left").first).to_be_visible()
    expect(page.get_by_role("link", name="front-door.jpg", exact=True)).to_be_visible()
    journey.check_accessibility()
