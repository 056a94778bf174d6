"""Who may see and do what on which case: every role, every action, on their own case,
another officer's, an unallocated one, each ordinary and sensitive. Tried over HTTP.

The expected answers are written out here by hand from the rules a council signs off
(README, "Sensitive cases and record scope"); nothing is computed from the code under test.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import reverse

from cases.models import ClosureOutcome, ClosureProposal, EnquiryType, Episode
from cme_tracker.core import roles
from tests.cases.factories import (
    ChildFactory,
    ClosedEpisodeFactory,
    EnquiryFactory,
    EpisodeFactory,
    FamilyFactory,
    SchoolFactory,
)
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "7 Refuge Row"
SECRET_SCHOOL = "Faraway Primary School"

# The six cases each person is tried on, in this order.
RELATIONS = ["own", "other", "unallocated", "own sensitive", "other sensitive",
             "unallocated sensitive"]  # fmt: skip

# Y: allowed; .: refused; -: not tried (nobody allocates a case to that role).
EXPECTED = {
    "officer": {
        "see details":       "YYYY..",
        "change details":    "Y..Y..",
        "add an enquiry":    "Y..Y..",
        "record a home visit": "Y..Y..",
        "add a note":        "Y..Y..",
        "hand over":         "Y..Y..",
        "attach a document": "Y..Y..",
        "set a reminder":    "Y..Y..",
        "record a response": "Y..Y..",
        "close":             "Y..Y..",
        "take":              "..Y...",
        "allocate":          "......",
        "authorise removal": "......",
        "download letter":   "YYYY..",
        "mark sensitive":    "YYY...",
        "lift sensitivity":  "......",
        "who has looked":    "......",
        "approve closure":   "......",
        "review":            "......",
        "give a task":       "......",
    },
    "officer with sensitive access": {
        "see details":       "YYYYYY",
        "change details":    "Y..Y..",
        "add an enquiry":    "Y..Y..",
        "record a home visit": "Y..Y..",
        "add a note":        "Y..Y..",
        "hand over":         "Y..Y..",
        "attach a document": "Y..Y..",
        "set a reminder":    "Y..Y..",
        "record a response": "Y..Y..",
        "close":             "Y..Y..",
        "take":              "..Y..Y",
        "allocate":          "......",
        "authorise removal": "......",
        "download letter":   "YYYYYY",
        "mark sensitive":    "YYY...",
        "lift sensitivity":  "......",
        "who has looked":    "......",
        "approve closure":   "......",
        "review":            "......",
        "give a task":       "......",
    },
    "manager": {
        "see details":       "YYYYYY",
        "change details":    "YYYYYY",
        "add an enquiry":    "YYYYYY",
        "record a home visit": "YYYYYY",
        "add a note":        "YYYYYY",
        "hand over":         "YYYYYY",
        "attach a document": "YYYYYY",
        "set a reminder":    "YYYYYY",
        "record a response": "YYYYYY",
        "close":             "YYYYYY",
        "take":              "......",
        "allocate":          "YYYYYY",
        "authorise removal": "YYYYYY",
        "download letter":   "YYYYYY",
        "mark sensitive":    "YYY...",
        "lift sensitivity":  "...YYY",
        "who has looked":    "YYYYYY",
        "approve closure":   "YYYYYY",
        "review":            "YYYYYY",
        "give a task":       "YYYYYY",
    },
    "head of service": {
        "see details":       "-YY-..",
        "change details":    "-..-..",
        "add an enquiry":    "-..-..",
        "record a home visit": "-..-..",
        "add a note":        "-..-..",
        "hand over":         "-..-..",
        "attach a document": "-..-..",
        "set a reminder":    "-..-..",
        "record a response": "-..-..",
        "close":             "-..-..",
        "take":              "-..-..",
        "allocate":          "-..-..",
        "authorise removal": "-..-..",
        "download letter":   "-YY-..",
        "mark sensitive":    "-..-..",
        "lift sensitivity":  "-..-..",
        "who has looked":    "-..-..",
        "approve closure":   "-..-..",
        "review":            "-..-..",
        "give a task":       "-..-..",
    },
    "administrator": {
        "see details":       "-YY-..",
        "change details":    "-..-..",
        "add an enquiry":    "-..-..",
        "record a home visit": "-..-..",
        "add a note":        "-..-..",
        "hand over":         "-..-..",
        "attach a document": "-..-..",
        "set a reminder":    "-..-..",
        "record a response": "-..-..",
        "close":             "-..-..",
        "take":              "-..-..",
        "allocate":          "-..-..",
        "authorise removal": "-..-..",
        "download letter":   "-YY-..",
        "mark sensitive":    "-..-..",
        "lift sensitivity":  "-..-..",
        "who has looked":    "-YY-YY",
        "approve closure":   "-..-..",
        "review":            "-..-..",
        "give a task":       "-..-..",
    },
}  # fmt: skip

# Under team-wide working officers also work their colleagues' ordinary cases.
TEAM_WIDE = {
    **EXPECTED["officer"],
    "change details":    "YYYY..",
    "add an enquiry":    "YYYY..",
    "record a home visit": "YYYY..",
    "add a note":        "YYYY..",
    "hand over":         "YYYY..",
    "attach a document": "YYYY..",
    "set a reminder":    "YYYY..",
    "record a response": "YYYY..",
    "close":             "YYYY..",
}  # fmt: skip

# How each action is tried: a page (GET) answers 200 or 403.
PAGES = {
    "change details": "cases:edit",
    "add an enquiry": "cases:enquiry_add",
    "add a note": "cases:note_add",
    "review": "cases:review_add",
    "set a reminder": "cases:reminder_add",
    "hand over": "cases:handover_send",
    "record a home visit": "cases:home_visit_add",
    "attach a document": "cases:document_add",
    "give a task": "cases:task_assign",
    "close": "cases:close",
    "allocate": "cases:allocate",
    "authorise removal": "cases:removal_from_roll",
    "download letter": "cases:removal_from_roll_letter",
    "mark sensitive": "cases:sensitivity_mark",
    "lift sensitivity": "cases:sensitivity_lift",
    "who has looked": "cases:access_log",
}


def make_person(kind):
    role = {"officer": roles.CME_OFFICER, "officer with sensitive access": roles.CME_OFFICER,
            "manager": roles.TEAM_MANAGER, "head of service": roles.HEAD_OF_SERVICE,
            "administrator": roles.ADMINISTRATOR}[kind]  # fmt: skip
    person = _user_with_role(role)
    if kind == "officer with sensitive access":
        person.user_permissions.add(Permission.objects.get(codename="view_sensitive_episode"))
    return person


def make_case(relation, person, colleague, manager):
    family = FamilyFactory()
    family.carers.create(name="Dana Carer", relationship="Mother", phone="01632 960777")
    family.addresses.create(line_1=SECRET_ADDRESS, postcode="DB1 9ZZ")
    school = SchoolFactory(name=SECRET_SCHOOL)
    officer = {"own": person, "other": colleague, "unallocated": None}[relation.split()[0]]
    episode = EpisodeFactory(
        child=ChildFactory(family=family), allocated_officer=officer, last_school=school,
        removal_from_roll_authorised_on=datetime.date(2024, 10, 9),
        removal_from_roll_authorised_by=manager, removal_from_roll_school=school,
        is_sensitive=relation.endswith("sensitive"),
    )  # fmt: skip
    if episode.is_sensitive:
        family.is_sensitive = True
        family.save()
    episode.enquiry = EnquiryFactory(episode=episode, made_to="Headteacher, Faraway Primary")
    episode.proposal = ClosureProposal.objects.create(
        episode=episode, outcome=ClosureOutcome.objects.get(code="ENQUIRIES_EXHAUSTED"),
        closed_on=datetime.date(2024, 11, 1), proposed_by=colleague,
    )  # fmt: skip
    return episode


def outcome(client, action, episode):
    """Y when the person may, "." when refused."""
    pk = episode.pk
    if action == "see details":
        html = client.get(reverse("cases:detail", args=[pk])).content.decode()
        shown = SECRET_ADDRESS in html and SECRET_SCHOOL in html
        assert shown or ("Hidden: sensitive case" in html and SECRET_ADDRESS not in html)
        return "Y" if shown else "."
    if action == "take":
        response = client.post(reverse("cases:take", args=[pk]), {"version": episode.version})
        return "Y" if response.status_code == 302 else "."
    if action == "record a response":
        url = reverse("cases:enquiry_complete", args=[pk, episode.enquiry.pk])
    elif action == "approve closure":
        url = reverse("cases:closure_decide", args=[pk, episode.proposal.pk])
    else:
        url = reverse(PAGES[action], args=[pk])
    status = client.get(url).status_code
    assert status in (200, 403), (action, status)
    return "Y" if status == 200 else "."


def run_matrix(client, kind, expected):
    person = make_person(kind)
    colleague = _user_with_role(roles.CME_OFFICER)
    manager = _user_with_role(roles.TEAM_MANAGER)
    cases = [make_case(relation, person, colleague, manager) for relation in RELATIONS]
    client.force_login(person)
    wrong = []
    # Taking a case changes it, so it is tried last.
    for action, answers in sorted(expected.items(), key=lambda item: item[0] == "take"):
        for relation, episode, want in zip(RELATIONS, cases, answers, strict=True):
            if want == "-":
                continue
            got = outcome(client, action, _reloaded(episode))
            if got != want:
                wrong.append(f"{kind}: {action} on {relation} case: expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)


def _reloaded(episode):
    fresh = Episode.objects.get(pk=episode.pk)
    fresh.enquiry, fresh.proposal = episode.enquiry, episode.proposal
    return fresh


@pytest.mark.parametrize("kind", EXPECTED)
def test_the_scope_matrix(client, kind):
    run_matrix(client, kind, EXPECTED[kind])


@override_settings(CME_TEAM_WIDE_WORKING=True)
def test_the_scope_matrix_under_team_wide_working(client):
    run_matrix(client, "officer", TEAM_WIDE)


@override_settings(CME_TEAM_WIDE_WORKING=True)
def test_a_colleague_s_change_under_team_wide_working_is_marked_in_history(client):
    person, colleague = _user_with_role(roles.CME_OFFICER), _user_with_role(roles.CME_OFFICER)
    episode = EpisodeFactory(allocated_officer=colleague)
    client.force_login(person)
    response = client.post(
        reverse("cases:enquiry_add", args=[episode.pk]),
        {"enquiry_type": EnquiryType.objects.get(code="S2S").pk, "made_to": "S2S",
         "requested_on_0": "8", "requested_on_1": "10", "requested_on_2": "2024"},
    )  # fmt: skip
    assert response.status_code == 302
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Made by an officer other than the case&#x27;s allocated officer" in history
    client.force_login(colleague)  # their own change is not marked
    client.post(
        reverse("cases:enquiry_add", args=[episode.pk]),
        {"enquiry_type": episode.enquiries.first().enquiry_type_id, "made_to": "S2S again",
         "requested_on_0": "9", "requested_on_1": "10", "requested_on_2": "2024"},
    )  # fmt: skip
    events = episode.events.filter(verb="enquiry.added").order_by("pk")
    assert [e.payload.get("outside_allocation", False) for e in events] == [True, False]


def test_on_a_closed_case_only_a_manager_reopens_and_changes_are_turned_away(client):
    officer, manager = _user_with_role(roles.CME_OFFICER), _user_with_role(roles.TEAM_MANAGER)
    closed = ClosedEpisodeFactory(allocated_officer=officer)
    client.force_login(officer)
    assert client.get(reverse("cases:reopen", args=[closed.pk])).status_code == 403
    response = client.get(reverse("cases:edit", args=[closed.pk]))
    assert response.status_code == 302 and response.url == closed.get_absolute_url()
    client.force_login(manager)
    assert client.get(reverse("cases:reopen", args=[closed.pk])).status_code == 200


def test_an_officer_cannot_post_a_change_to_a_colleague_s_case(client):
    """Refused on POST as on GET: nothing is written."""
    person, colleague = _user_with_role(roles.CME_OFFICER), _user_with_role(roles.CME_OFFICER)
    episode = EpisodeFactory(allocated_officer=colleague)
    client.force_login(person)
    for name in ("cases:edit", "cases:close", "cases:enquiry_add", "cases:allocate"):
        response = client.post(reverse(name, args=[episode.pk]), {"version": episode.version})
        assert response.status_code == 403, name
    assert not episode.events.exists()


def test_taking_a_case_makes_it_yours_and_tells_no_one(client, mailoutbox):
    officer = _user_with_role(roles.CME_OFFICER)
    episode = EpisodeFactory()
    client.force_login(officer)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Take this case" in page and "Change case details" not in page
    client.post(reverse("cases:take", args=[episode.pk]), {"version": episode.version})
    episode.refresh_from_db()
    assert episode.allocated_officer == officer
    assert "Change case details" in client.get(episode.get_absolute_url()).content.decode()
    assert mailoutbox == []
