"""Case pages: who may do what, sensitive cases, headers, and query counts."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cases.models import AccessLogEntry, Enquiry, Event
from tests.cases.factories import (
    ChildFactory,
    ClosedEpisodeFactory,
    EnquiryFactory,
    EpisodeFactory,
    FamilyFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(officer):
    family = FamilyFactory()
    family.carers.create(name="Rosa Example", relationship="Mother", phone="01632 960123")
    family.addresses.create(line_1="7 Hidden Lane", postcode="DB1 1AA")
    school = SchoolFactory(name="Secret Primary School")
    return EpisodeFactory(child=ChildFactory(family=family), last_school=school)


def page(client, user, name, *args, method="get", data=None):
    client.force_login(user)
    url = reverse(name, args=args)
    return client.post(url, data or {}) if method == "post" else client.get(url)


ACTIONS = {
    # action: (url name, needs the episode, officer, manager, head of service, administrator,
    # school user: every other address is tried for them in tests/schools)
    "list": ("cases:list", False, 200, 200, 200, 200, 403),
    "view": ("cases:detail", True, 200, 200, 200, 200, 403),
    "history": ("cases:history", True, 200, 200, 200, 200, 403),
    # Case work on this unallocated case: see tests/cases/test_record_scope.py for the rest.
    "add enquiry": ("cases:enquiry_add", True, 403, 200, 403, 403, 403),
    "allocate": ("cases:allocate", True, 403, 200, 403, 403, 403),
    "removal from roll": ("cases:removal_from_roll", True, 403, 200, 403, 403, 403),
    "approve closures": ("cases:closures_pending", False, 403, 200, 403, 403, 403),
    "new referral": ("referrals:new", False, 200, 200, 403, 403, 403),
    "school portal": ("schools:home", False, 403, 403, 403, 403, 200),
    "new pupils queue": ("schools:queue", False, 200, 200, 403, 403, 403),
    "deletion notices queue": ("schools:deletions_queue", False, 200, 200, 403, 403, 403),
    "send a deletion notice": ("schools:deletion_new", False, 403, 403, 403, 403, 200),
    "joint enquiries": ("schools:enquiries_queue", False, 200, 200, 403, 403, 403),
    "start a joint enquiry": ("schools:enquiry_new", False, 403, 403, 403, 403, 200),
    "school users": ("schools:users", False, 403, 200, 403, 200, 403),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(
    action, client, episode, officer, manager, head_of_service, administrator, school_user
):
    name, needs_episode, *expected = ACTIONS[action]
    args = [episode.pk] if needs_episode else []
    people = [officer, manager, head_of_service, administrator, school_user]
    assert [page(client, who, name, *args).status_code for who in people] == expected


def test_reopen_is_for_managers(client, officer, manager):
    closed = ClosedEpisodeFactory()
    assert page(client, officer, "cases:reopen", closed.pk).status_code == 403
    assert page(client, manager, "cases:reopen", closed.pk).status_code == 200


def test_sensitive_details_are_absent_for_everyone_else(
    client, episode, officer, manager, head_of_service
):
    episode.is_sensitive = True
    episode.allocated_officer = officer
    episode.save()
    other_officer = type(officer).objects.create(username="other")
    other_officer.groups.set(officer.groups.all())
    secrets = ["7 Hidden Lane", "Secret Primary School", "01632 960123"]
    for allowed in (officer, manager):
        html = page(client, allowed, "cases:detail", episode.pk).content.decode()
        assert all(secret in html for secret in secrets), allowed
    for denied in (other_officer, head_of_service):
        html = page(client, denied, "cases:detail", episode.pk).content.decode()
        assert not any(secret in html for secret in [*secrets, "Rosa Example"]), denied
        assert "Hidden: sensitive case" in html
    assert page(client, other_officer, "cases:edit", episode.pk).status_code == 403


def test_every_view_of_a_sensitive_case_is_recorded_in_the_access_log(
    client, episode, head_of_service
):
    episode.is_sensitive = True
    episode.save()
    page(client, head_of_service, "cases:detail", episode.pk)
    page(client, head_of_service, "cases:history", episode.pk)
    looks = AccessLogEntry.objects.filter(episode=episode).order_by("pk")
    assert [(e.user, e.page) for e in looks] == [
        (head_of_service, f"/cases/{episode.pk}/"),
        (head_of_service, f"/cases/{episode.pk}/history/"),
    ]
    assert not Event.objects.filter(episode=episode).exists()  # History: changes only


def test_ordinary_cases_do_not_log_views(client, episode, officer):
    page(client, officer, "cases:detail", episode.pk)
    assert not AccessLogEntry.objects.exists()


def test_case_pages_are_never_stored(client, episode, officer):
    response = page(client, officer, "cases:detail", episode.pk)
    assert "no-store" in response["Cache-Control"]


def test_pages_do_not_change_data_on_get(client, episode, manager):
    before = Event.objects.count()
    for name in ["cases:close", "cases:allocate", "cases:edit", "cases:removal_from_roll"]:
        page(client, manager, name, episode.pk)
    assert Event.objects.count() == before
    client.force_login(manager)
    assert client.get(reverse("cases:allocate_many")).status_code == 405


def test_forms_are_csrf_protected(episode, officer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    response = strict.post(reverse("cases:enquiry_add", args=[episode.pk]), {})
    assert response.status_code == 403


# Query counts for every page: tests/test_query_counts.py (exact, and not growing with rows).


def test_search_by_name_upn_and_reference(client, officer):
    found = EpisodeFactory(
        child=ChildFactory(forename="Zofia", surname="Nowak", upn="M999200025001")
    )
    other = EpisodeFactory(child=ChildFactory(forename="Adam", surname="Smith"))
    client.force_login(officer)
    for term in ["nowak", "Zofia Nowak", "M999200025001", found.reference, found.reference.lower()]:
        # (a UPN or a reference naming one case goes straight to it)
        html = client.get(reverse("cases:list"), {"q": term}, follow=True).content.decode()
        assert found.reference in html and other.reference not in html, term


def test_filters_overdue_and_unallocated(client, manager):
    overdue = EpisodeFactory()
    EnquiryFactory(episode=overdue, due_on=datetime.date(2024, 10, 10))
    calm = EpisodeFactory(allocated_officer=manager)
    client.force_login(manager)
    html = client.get(reverse("cases:list"), {"overdue": "yes"}).content.decode()
    assert overdue.reference in html and calm.reference not in html
    html = client.get(reverse("cases:list"), {"officer": "none"}).content.decode()
    assert overdue.reference in html and calm.reference not in html


def test_removal_from_roll_letter_is_a_pdf(client, episode, manager):
    client.force_login(manager)
    response = client.post(
        reverse("cases:removal_from_roll", args=[episode.pk]),
        {"version": episode.version, "authorised_on_0": "8", "authorised_on_1": "10",
         "authorised_on_2": "2024", "school": str(episode.last_school.urn)},
    )  # fmt: skip
    assert response.status_code == 302
    letter = client.get(reverse("cases:removal_from_roll_letter", args=[episode.pk]))
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")


def test_stale_allocation_is_refused_with_what_changed(client, episode, manager, officer):
    from cases import services

    seen_version = episode.version  # the manager opens the allocation page
    services.episode_allocate(episode=episode, officer=officer, by=officer)  # someone else acts
    client.force_login(manager)
    response = client.post(
        reverse("cases:allocate", args=[episode.pk]), {"version": seen_version, "officer": ""}
    )
    html = response.content.decode()
    assert "changed this case while you were working on it" in html
    assert "Case allocated" in html and str(officer) in html
    episode.refresh_from_db()
    assert episode.allocated_officer == officer  # not silently overwritten


def test_closing_a_sibling_group_in_one_action(client, officer):
    family = FamilyFactory()
    first = EpisodeFactory(child=ChildFactory(family=family), allocated_officer=officer)
    second = EpisodeFactory(child=ChildFactory(family=family), allocated_officer=officer)
    client.force_login(officer)
    response = client.post(
        reverse("cases:close", args=[first.pk]),
        {
            "version": first.version,
            "outcome": _outcome_pk("LEFT_UK_VERIFIED"),
            "closed_on_0": "1", "closed_on_1": "11", "closed_on_2": "2024",
            f"how_verified_for_{_outcome_pk('LEFT_UK_VERIFIED')}": "Border Force record",
            "siblings": [second.pk],
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "CLOSED"
    assert second.closure_details["how_verified"] == "Border Force record"


def test_closure_form_asks_for_what_the_outcome_needs(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    response = client.post(
        reverse("cases:close", args=[episode.pk]),
        {"version": episode.version, "outcome": _outcome_pk("FOUND_SCHOOL_THIS_LA"),
         "closed_on_0": "1", "closed_on_1": "11", "closed_on_2": "2024"},
    )  # fmt: skip
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter the school the child is now at" in html
    assert "Enter the date the child started at the school" in html
    assert not Enquiry.objects.exists()


def _outcome_pk(code):
    from cases.models import ClosureOutcome

    return ClosureOutcome.objects.get(code=code).pk


def test_previously_cme_only_when_an_earlier_episode_exists(client, officer):
    first = ClosedEpisodeFactory()
    later = EpisodeFactory(child=first.child, referral_date=datetime.date(2025, 6, 2))
    client.force_login(officer)
    assert "Previously missing education" in client.get(later.get_absolute_url()).content.decode()
    assert (
        "Previously missing education" not in client.get(first.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize(
    "next_url", ["https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)"]
)
def test_an_off_site_next_is_refused(client, manager, next_url):
    episode = EpisodeFactory()
    client.force_login(manager)
    response = client.post(
        reverse("cases:allocate_many"),
        {"episodes": [episode.pk], "officer": manager.pk, "next": next_url},
    )
    assert response.status_code == 302 and response.url == reverse("cases:list")


def test_an_on_site_next_is_followed(client, manager):
    episode = EpisodeFactory()
    client.force_login(manager)
    response = client.post(
        reverse("cases:allocate_many"),
        {"episodes": [episode.pk], "officer": manager.pk, "next": "/cases/?status=open"},
    )
    assert response.url == "/cases/?status=open"


def test_each_brother_or_sister_shows_their_own_status(client, manager):
    from cases.models import ClosureOutcome, ClosureProposal

    family = FamilyFactory()
    waiting = EpisodeFactory(child=ChildFactory(family=family, forename="Waiting"))
    ClosureProposal.objects.create(
        episode=waiting, outcome=ClosureOutcome.objects.get(code="ENQUIRIES_EXHAUSTED"),
        closed_on=datetime.date(2024, 11, 1), proposed_by=manager,
    )  # fmt: skip
    sibling = EpisodeFactory(child=ChildFactory(family=family, forename="Sibling"))
    client.force_login(manager)
    html = client.get(waiting.get_absolute_url()).content.decode()
    siblings = html[html.index("Brothers and sisters") : html.index('id="enquiries"')]
    assert "Closure awaiting approval" not in siblings and ">Open<" in siblings
    assert "Closure awaiting approval" in html[: html.index("Brothers and sisters")]
    html = client.get(sibling.get_absolute_url()).content.decode()
    siblings = html[html.index("Brothers and sisters") : html.index('id="enquiries"')]
    assert "Closure awaiting approval" in siblings  # Waiting's own


def test_history_speaks_in_words_and_gov_uk_dates(client, officer):
    from cases import services
    from cases.models import ClosureOutcome

    episode = EpisodeFactory(allocated_officer=officer)
    services.episode_close(
        episode=episode, outcome=ClosureOutcome.objects.get(code="LEFT_UK_VERIFIED"),
        closed_on=datetime.date(2024, 11, 1), by=officer, details={"how_verified": "Border"},
    )  # fmt: skip
    client.force_login(officer)
    html = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Status: Open → Closed" in html
    assert "Closure date: – → 1 November 2024" in html
    assert "2024-11-01" not in html and "OPEN" not in html


def test_the_case_list_has_no_two_elements_with_one_id(client, manager):
    import re
    from collections import Counter

    EpisodeFactory()
    client.force_login(manager)
    html = client.get(reverse("cases:list")).content.decode()
    repeated = [i for i, n in Counter(re.findall(r'\bid="([^"]+)"', html)).items() if n > 1]
    assert repeated == []


@time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC), tick=False)
def test_the_referral_is_on_the_case_and_in_the_case_opened_entry(client, officer):
    from tests.referrals.test_referral_form import referral_data

    client.force_login(officer)
    data = referral_data(**{"referral-referrer_name": "A. Head", "referral-referrer_organisation":
                            "Brook Lane Primary", "referral-referrer_contact": "01632 960001",
                            "referral-reason": "Not seen since half term"})  # fmt: skip
    case_url = client.post(reverse("referrals:new"), data).url
    from referrals.models import Referral

    reference = Referral.objects.get().reference
    page = client.get(case_url).content.decode()
    history = client.get(case_url + "history/").content.decode()
    for html in (page, history):
        for said in (reference, "School", "A. Head", "Brook Lane Primary", "01632 960001",
                     "Not seen since half term", "20 November 2026"):  # fmt: skip
            assert said in html, said


def test_a_role_that_never_may_is_refused_before_anything_of_the_case(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    assert client.post(reverse("cases:reopen", args=[episode.pk]), {}).status_code == 403


def test_the_letter_prints_a_school_whose_name_looks_like_markup(client, manager):
    school = SchoolFactory(name="St <Mary> & St John's")
    episode = EpisodeFactory(removal_from_roll_authorised_on=datetime.date(2024, 10, 9),
                             removal_from_roll_authorised_by=manager,
                             removal_from_roll_school=school)  # fmt: skip
    client.force_login(manager)
    response = client.get(reverse("cases:removal_from_roll_letter", args=[episode.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC), tick=False)
def test_an_enquiry_is_made_today_unless_said_and_a_closed_case_has_nothing_due(client, officer):
    episode = EpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    form = client.get(reverse("cases:enquiry_add", args=[episode.pk])).content.decode()
    assert (
        'name="requested_on_0" value="23"' in form and 'name="requested_on_2" value="2026"' in form
    )
    closed = ClosedEpisodeFactory(allocated_officer=officer)
    assert "Next enquiry due" not in client.get(closed.get_absolute_url()).content.decode()
