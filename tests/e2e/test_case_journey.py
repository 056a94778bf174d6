"""The officer's day, end to end in Chromium: refer two siblings, spot a known child, make
enquiries, see one go overdue, record responses, close both cases (one with a manager's
approval) and reopen one. Every page on the way is checked with axe-core."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Child, ClosureOutcome, EnquiryType, Episode
from tests.cases.factories import ChildFactory, ClosedEpisodeFactory, SchoolFactory
from tests.e2e.forms import fill_date, fill_referral

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def known_child(people):
    """Jakub was missing education once before; his case closed last year."""
    child = ChildFactory(
        forename="Jakub", surname="Horváth", date_of_birth=datetime.date(2016, 3, 14)
    )
    ClosedEpisodeFactory(
        child=child,
        referral_date=datetime.date(2025, 1, 6),
        closed_on=datetime.date(2025, 3, 3),
    )
    return child


@pytest.fixture
def setting(known_child):
    SchoolFactory(name="Oakwood Primary School", urn=990001)
    # The council's core enquiries, configured short for this journey.
    EnquiryType.objects.update(is_core=False)
    EnquiryType.objects.filter(code__in=["LAST_SCHOOL", "S2S", "COUNCIL_TAX"]).update(is_core=True)


def test_officer_runs_two_sibling_cases_to_closure(journey, people, setting, known_child):
    page = journey.page
    today = timezone.localdate()

    # Sign in: an officer lands on their own caseload.
    journey.sign_in("officer")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    journey.check_accessibility()

    # Refer two siblings.
    page.get_by_role("link", name="New referral").first.click()
    journey.check_accessibility()
    fill_referral(
        page,
        children=[("Jakub", "Horvath", datetime.date(2016, 3, 14), "Male"),
                  ("Eva", "Horváthová", datetime.date(2013, 5, 2), "Female")],
        carer=("Maria Horváthová", "Mother"), address=("1 Test Street", "db1 2ab"),
        last_school="Oakwood Primary School (990001)",
        check=lambda _: journey.check_accessibility(),
    )  # fmt: skip

    # Jakub is already known: the duplicate check shows him side by side.
    expect(page.get_by_role("heading", name="Check for children already known")).to_be_visible()
    expect(page.get_by_text("Same date of birth and a similar name")).to_be_visible()
    journey.check_accessibility()
    page.get_by_label("This is known child 1, Jakub Horváth").check()
    page.get_by_role("button", name="Save referral").click()
    expect(page.get_by_text("2 cases opened")).to_be_visible()

    jakub = Episode.objects.get(child=known_child, status="OPEN")
    eva = Episode.objects.get(child__forename="Eva")
    assert Child.objects.filter(forename__in=["Jakub", "Eva"]).count() == 2  # no duplicate Jakub
    assert eva.locality.code == "CENTRAL"  # worked out from the DB1 postcode
    expect(page.get_by_text("Previously missing education")).to_be_visible()
    journey.check_accessibility()

    # Three enquiries, each for the whole family.
    for kind, made_to in [
        ("Last school", "Headteacher, Oakwood"),
        ("School-to-school lost pupil database (S2S)", "S2S"),
        ("Council tax", "Council tax team"),
    ]:
        page.get_by_role("link", name="Add an enquiry").click()
        page.get_by_label("Who is the enquiry to?").select_option(label=kind)
        page.get_by_label("Name of the person or team asked").fill(made_to)
        fill_date(page, "id_requested_on", today)
        page.get_by_label(
            "Record this enquiry on every brother's and sister's open case too"
        ).check()
        journey.check_accessibility()
        page.get_by_role("button", name="Save enquiry").click()
        expect(page.get_by_text("recorded on 2 cases in the family")).to_be_visible()
    assert eva.enquiries.count() == 3

    # Ten days on, the S2S check (due in 2 days) is overdue, and it shows.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10), tick=True):
        later = timezone.localdate()
        journey.sign_in("officer")  # the session ended long ago
        expect(page.locator(".govuk-tag--red").first).to_be_visible()
        journey.go(f"/cases/{jakub.pk}/")
        expect(page.get_by_text("Overdue").first).to_be_visible()
        journey.check_accessibility()

        # Record every response; a family enquiry's response completes it for both children.
        for made_to in ["Headteacher, Oakwood", "S2S", "Council tax team"]:
            page.get_by_role("link", name=f"Record the response from {made_to}").click()
            fill_date(page, "id_completed_on", later)
            page.get_by_label("What did they say?").fill("No trace of the family.")
            journey.check_accessibility()
            page.get_by_role("button", name="Save response").click()
            expect(page.get_by_text(f"Response from {made_to} recorded")).to_be_visible()
        assert not eva.enquiries.filter(completed_on__isnull=True).exists()

        # Jakub is found at a school in the borough.
        page.get_by_role("link", name="Close the case").click()
        page.get_by_label("Found - in school in this local authority").check()
        fill_date(page, "id_closed_on", later)
        this_la = ClosureOutcome.objects.get(code="FOUND_SCHOOL_THIS_LA").pk
        # Only the chosen outcome's questions show (GOV.UK conditional reveal).
        expect(
            page.locator(
                "#id_how_verified_for_"
                + str(ClosureOutcome.objects.get(code="LEFT_UK_VERIFIED").pk)
            )
        ).to_be_hidden()
        page.locator(f"#id_school_for_{this_la}").fill("990001")
        fill_date(page, f"id_school_start_date_for_{this_la}", later)
        journey.check_accessibility()
        page.get_by_role("button", name="Close case").click()
        expect(page.get_by_text("1 case closed")).to_be_visible()
        jakub.refresh_from_db()
        assert jakub.status == "CLOSED" and jakub.closure_outcome.code == "FOUND_SCHOOL_THIS_LA"

        # Eva: enquiries exhausted, which needs a manager.
        journey.go(f"/cases/{eva.pk}/")
        page.get_by_role("link", name="Close the case").click()
        page.get_by_label("Enquiries exhausted").check()
        fill_date(page, "id_closed_on", later)
        page.get_by_role("button", name="Close case").click()
        expect(page.get_by_text("sent to a manager for approval")).to_be_visible()
        expect(page.get_by_text("Closure awaiting approval").first).to_be_visible()
        eva.refresh_from_db()
        assert eva.status == "OPEN"
        journey.sign_out()

        # The manager approves, then reopens the case with a reason.
        journey.sign_in("manager")
        expect(page.get_by_role("heading", name="Team caseload")).to_be_visible()
        journey.check_accessibility()
        page.get_by_role("link", name="Approvals").click()
        journey.check_accessibility()
        page.get_by_role("link", name=f"Decide on {eva.reference}").click()
        page.get_by_label("Yes, close the case").check()
        journey.check_accessibility()
        page.get_by_role("button", name="Save decision").click()
        expect(page.get_by_text("Closure approved")).to_be_visible()
        eva.refresh_from_db()
        assert eva.status == "CLOSED" and eva.closure_outcome.code == "ENQUIRIES_EXHAUSTED"

        page.get_by_role("link", name="Reopen the case").click()
        page.get_by_label("Why does this case need to reopen?").fill("The family was seen in town.")
        journey.check_accessibility()
        page.get_by_role("button", name="Reopen case").click()
        expect(page.get_by_text("Case reopened")).to_be_visible()
        eva.refresh_from_db()
        assert eva.status == "OPEN" and eva.closed_on is None

        page.get_by_role("link", name="History", exact=True).click()
        expect(page.get_by_text("Case reopened")).to_be_visible()
        expect(page.get_by_text("The family was seen in town.")).to_be_visible()
        journey.check_accessibility()
    assert len(journey.checked) >= 15
