"""Single sign-on in Chromium, through a real OpenID Connect provider on loopback: an officer
in the council's CME officers group signs in with their council account and lands on their
caseload with the officer's role; someone in no mapped group is told they have no role."""

import pytest
from playwright.sync_api import expect

from cme_tracker.core import roles
from cme_tracker.core.models import User
from tests.core.test_single_sign_on import configure, provider_client

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def council(iam_server, settings, live_server, transactional_db):
    from tests.conftest import load_reference_data

    load_reference_data()
    registered = provider_client(iam_server, live_server.url + "/oidc/callback/")
    configure(settings, iam_server)
    made = []
    yield made
    for item in [*made, registered]:
        iam_server.backend.delete(item)
    iam_server.logout()


def directory_person(iam_server, made, username, group):
    user = iam_server.random_user(user_name=username, emails=[f"{username}@council.example"],
                                  given_name="Dana", family_name="Okafor")  # fmt: skip
    made.append(user)
    made.append(iam_server.random_group(display_name=group, members=[user]))
    iam_server.login(user)  # signed in to the council's network already, as at work
    iam_server.consent(user)
    return user


def test_an_officer_signs_in_with_their_council_account(journey, iam_server, council):
    directory_person(iam_server, council, "dana.okafor", "cme-officers")
    page = journey.page
    journey.go("/cases/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    journey.check_accessibility()
    page.get_by_role("link", name="Sign in with your council account").click()
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()  # back where they began
    assert page.url.endswith("/cases/")
    user = User.objects.get(email="dana.okafor@council.example")
    assert [group.name for group in user.groups.all()] == [roles.CME_OFFICER]
    journey.go("/")
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.get_by_text("Signed in as Dana Okafor")).to_be_visible()
    journey.check_accessibility()


def test_someone_in_no_mapped_group_is_told_they_have_no_role(journey, iam_server, council):
    directory_person(iam_server, council, "pat.lee", "finance")
    page = journey.page
    journey.go("/sign-in/")
    page.get_by_role("link", name="Sign in with your council account").click()
    expect(page.get_by_role("heading", name="You have no role in this service yet")).to_be_visible()
    journey.check_accessibility()
