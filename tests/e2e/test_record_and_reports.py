"""In Chromium: an officer keeps the record true from the case and records several core
enquiries on one page; a head of service follows a scorecard figure to its cases and takes a
quarter's snapshot again, with a reason. Every page on the way is checked with axe-core."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import EnquiryType, Episode
from cme_tracker.core import roles
from reports.models import ScorecardSnapshot
from tests.cases.factories import ChildFactory, EpisodeFactory
from tests.core.factories import UserFactory
from tests.e2e.forms import fill_date, fill_referral

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def lena_case(people):
    child = ChildFactory(
        forename="Lena", surname="Kowalsky", date_of_birth=datetime.date(2015, 2, 4)
    )
    referred = timezone.localdate() - datetime.timedelta(days=20)
    return EpisodeFactory(child=child, allocated_officer=people["officer"], referral_date=referred)


def test_an_officer_corrects_the_record_and_records_core_enquiries_at_once(journey, lena_case):
    page = journey.page
    EnquiryType.objects.update(is_core=False)
    EnquiryType.objects.filter(code__in=["S2S", "COUNCIL_TAX"]).update(is_core=True)
    journey.sign_in("officer")
    journey.go(lena_case.get_absolute_url())

    # The child's surname was misspelt at intake.
    page.get_by_role("link", name="Change the child's details").click()
    journey.check_accessibility()
    page.get_by_label("Last name").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    journey.check_accessibility()  # the summary's links land on the fields
    page.get_by_label("Last name").fill("Kowalska")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("The child's details are saved")).to_be_visible()

    # The family moved: a new address with its date.
    page.get_by_role("link", name="Record a move to a new address").click()
    journey.check_accessibility()
    page.get_by_label("Address line 1").fill("12 Elm Road")
    page.get_by_label("Postcode (optional)").fill("DB2 3CD")
    fill_date(page, "id_start_date", timezone.localdate() - datetime.timedelta(days=3))
    page.get_by_role("button", name="Record the move").click()
    expect(page.get_by_text("The move is recorded")).to_be_visible()
    expect(page.get_by_text("12 Elm Road").first).to_be_visible()
    journey.check_accessibility()

    page.get_by_role("link", name="History", exact=True).click()
    expect(page.get_by_text("Last name: Kowalsky → Kowalska")).to_be_visible()
    journey.check_accessibility()

    # Both core enquiries on one page: one answered, one only made.
    journey.go(f"/cases/{lena_case.pk}/enquiries/core/")
    journey.check_accessibility()
    page.get_by_role("button", name="Save enquiries").click()
    expect(page.get_by_text("Tick each enquiry you are recording")).to_be_visible()
    checks = page.get_by_role("checkbox")
    expect(checks).to_have_count(2)
    checks.nth(0).check()
    checks.nth(1).check()
    page.get_by_label("Name of the person or team asked").nth(0).fill("S2S database")
    page.get_by_label("Name of the person or team asked").nth(1).fill("Council tax team")
    fill_date(page, page.get_by_label("Day").nth(1).get_attribute("id")[:-2], timezone.localdate())
    page.get_by_label("What did they say?").nth(0).fill("No record of the child.")
    journey.check_accessibility()
    page.get_by_role("button", name="Save enquiries").click()
    expect(page.get_by_text("2 core enquiries recorded")).to_be_visible()
    journey.check_accessibility()
    episode = Episode.objects.get(pk=lena_case.pk)
    assert episode.enquiries.count() == 2
    assert episode.enquiries.filter(completed_on__isnull=False).count() == 1


def test_a_head_of_service_follows_a_figure_and_takes_a_quarter_again(journey, people):
    head = UserFactory(username="head", first_name="Pat", last_name="Reid")
    head.groups.add(Group.objects.get(name=roles.HEAD_OF_SERVICE))
    today = timezone.localdate()
    EpisodeFactory(referral_date=today - datetime.timedelta(days=400))
    page = journey.page
    journey.sign_in("head")
    journey.go("/reports/scorecard/")
    expect(page.get_by_text("(to date)").first).to_be_visible()
    journey.check_accessibility()
    # The active caseload to date: one case, opened from the figure.
    table = page.get_by_role("table", name="6. Active cases at the period end")
    table.get_by_role("link").first.click()
    expect(page.get_by_text("The cases behind the scorecard figure")).to_be_visible()
    expect(page.get_by_text(": 1 case.")).to_be_visible()
    journey.check_accessibility()

    journey.go("/reports/snapshots/")
    page.get_by_role("button", name="Take a snapshot").click()
    journey.check_accessibility()
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Take the snapshot").click()
    expect(page.get_by_text("Changed since the snapshot")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("link", name="Take this quarter again").click()
    page.get_by_role("button", name="Take the snapshot").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("link", name="say why it is being taken again").click()
    expect(page.get_by_label("Reason for taking it again")).to_be_focused()
    page.get_by_label("Reason for taking it again").fill("A closure was recorded late.")
    page.get_by_role("button", name="Take the snapshot").click()
    expect(page.get_by_text("Taken again, replacing")).to_be_visible()
    journey.check_accessibility()
    assert ScorecardSnapshot.objects.count() == 2


def test_linking_a_known_child_asks_which_family_and_says_so_in_history(journey, people):
    from cases.models import Child, Family
    from tests.cases.factories import ClosedEpisodeFactory

    family = Family.objects.create()
    family.carers.create(name="Olga Kowalska", relationship="Mother")
    family.addresses.create(line_1="1 Old Road", postcode="DB1 1AA",
                            start_date=datetime.date(2020, 1, 1))  # fmt: skip
    lena = ChildFactory(forename="Lena", surname="Kowalska", family=family,
                        date_of_birth=datetime.date(2015, 2, 4))  # fmt: skip
    closed = ClosedEpisodeFactory(child=lena, referral_date=datetime.date(2025, 1, 6),
                                  closed_on=datetime.date(2025, 3, 3))  # fmt: skip
    page = journey.page
    journey.sign_in("officer")
    page.get_by_role("link", name="New referral").first.click()
    fill_referral(
        page,
        children=[("Lena", "Kowalska", datetime.date(2015, 2, 4), "Female"),
                  ("Tomek", "Kowalski", datetime.date(2017, 6, 1), "Male")],
        carer=("Ania Nowak", "Aunt"), address=("2 New Street", "DB2 2BB"),
    )  # fmt: skip

    # Lena's known family is shown beside the referral's, and the officer must choose.
    expect(page.get_by_text("Olga Kowalska").first).to_be_visible()
    expect(page.get_by_text("1 Old Road").first).to_be_visible()
    journey.check_accessibility()
    page.get_by_label("This is known child 1, Lena Kowalska").check()
    page.get_by_role("button", name="Save referral").click()
    journey.check_accessibility()
    page.get_by_role("link", name="Say which family the children on this referral are in").click()
    expect(page.locator("#family-keep")).to_be_focused()
    page.get_by_label("This is known child 1, Lena Kowalska").check()
    page.get_by_label("The known child's family", exact=False).check()
    page.get_by_role("button", name="Save referral").click()
    expect(page.get_by_text("2 cases opened")).to_be_visible()
    tomek = Child.objects.get(forename="Tomek")
    assert tomek.family_id == family.pk == Child.objects.get(pk=lena.pk).family_id

    # Her closed case from before says what changed about her family.
    journey.go(f"/cases/{closed.pk}/history/")
    expect(page.get_by_text("Family's carer or address added").first).to_be_visible()
    journey.check_accessibility()


def test_a_head_of_service_marks_the_dfe_return_submitted_and_sees_what_changed(journey, people):
    from reports.dfe import census_dates
    from reports.models import DfeReturnSubmission

    head = UserFactory(username="head", first_name="Pat", last_name="Reid")
    head.groups.add(Group.objects.get(name=roles.HEAD_OF_SERVICE))
    today = timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    census = max(day for _, day in census_dates(year - 1, years=2) if day <= today)
    EpisodeFactory(referral_date=census - datetime.timedelta(days=30))
    page = journey.page
    journey.sign_in("head")
    journey.go(f"/reports/dfe-return/?date={census}")
    expect(page.get_by_text("Each breakdown below adds up to the total, 1.")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("link", name="Mark as submitted").click()
    journey.check_accessibility()
    page.get_by_role("button", name="Mark as submitted").click()
    expect(page.get_by_text("The live figures are the same as those submitted.")).to_be_visible()
    # A case found afterwards to have been open on the census date.
    EpisodeFactory(referral_date=census - datetime.timedelta(days=10))
    page.reload()
    expect(page.get_by_role("table", name="Changed since it was submitted")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("link", name="Mark as submitted again").click()
    page.get_by_role("button", name="Mark as submitted").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("link", name="say why it is being submitted again").click()
    expect(page.get_by_label("Reason for submitting it again")).to_be_focused()
    page.get_by_label("Reason for submitting it again").fill("A late referral was recorded.")
    page.get_by_role("button", name="Mark as submitted").click()
    expect(page.get_by_text("Earlier submissions for this census date")).to_be_visible()
    assert DfeReturnSubmission.objects.count() == 2
