"""Case services: the state checks they make and the history they write."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from cases import selectors, services
from cases.errors import CaseError, StaleEdit
from cases.models import ClosureOutcome, ClosureProposal, EnquiryType, Episode, Event
from tests.cases.factories import (
    ChildFactory,
    ClosedEpisodeFactory,
    EpisodeFactory,
    FamilyFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC), tick=False):
        yield


def outcome(code):
    return ClosureOutcome.objects.get(code=code)


def kind(code):
    return EnquiryType.objects.get(code=code)


def test_opening_a_second_case_for_a_child_is_refused(officer):
    episode = EpisodeFactory()
    with pytest.raises(CaseError, match="already has an open case"):
        services.episode_open(child=episode.child, referral=None, referral_date=TODAY, by=officer)


def test_every_change_is_attributed_in_the_history(officer, manager):
    episode = EpisodeFactory(referral_date=datetime.date(2026, 11, 2))
    services.episode_allocate(episode=episode, officer=officer, by=manager)
    [enquiry] = services.enquiry_add(
        episode=episode, enquiry_type=kind("S2S"), made_to="S2S", requested_on=TODAY, by=officer
    )
    services.enquiry_complete(enquiry=enquiry, completed_on=TODAY, response="None", by=officer)
    services.episode_close(
        episode=episode, outcome=outcome("LEFT_UK_VERIFIED"), closed_on=TODAY, by=officer,
        details={"how_verified": "Border Force"},
    )  # fmt: skip
    history = list(Event.objects.filter(episode=episode).order_by("pk"))
    assert [(e.verb, e.actor) for e in history] == [
        ("episode.allocated", manager),
        ("enquiry.added", officer),
        ("enquiry.completed", officer),
        ("episode.closed", officer),
    ]
    assert history[0].payload["allocated_officer"] == {"before": None, "after": officer.pk}
    assert history[-1].payload["status"] == {"before": "OPEN", "after": "CLOSED"}


def test_due_date_defaults_from_the_enquiry_type(officer):
    [enquiry] = services.enquiry_add(
        episode=EpisodeFactory(), enquiry_type=kind("S2S"), made_to="S2S", requested_on=TODAY,
        by=officer,
    )  # fmt: skip
    assert enquiry.due_on == TODAY + datetime.timedelta(days=2)


def test_a_family_enquiry_is_recorded_and_completed_on_every_open_sibling_case(officer):
    family = FamilyFactory()
    first = EpisodeFactory(child=ChildFactory(family=family))
    second = EpisodeFactory(child=ChildFactory(family=family))
    ClosedEpisodeFactory(child=ChildFactory(family=family))  # a closed case gets nothing
    added = services.enquiry_add(
        episode=first, enquiry_type=kind("COUNCIL_TAX"), made_to="Council tax",
        requested_on=TODAY, by=officer,
        siblings=selectors.open_sibling_episodes(first)[1:],
    )  # fmt: skip
    assert {e.episode for e in added} == {first, second}
    services.enquiry_complete(enquiry=added[1], completed_on=TODAY, response="No", by=officer)
    assert all(e.completed_on == TODAY for e in first.enquiries.all() | second.enquiries.all())


def test_enquiry_dates_are_checked(officer):
    episode = EpisodeFactory()
    with pytest.raises(CaseError, match="cannot be in the future"):
        services.enquiry_add(
            episode=episode, enquiry_type=kind("S2S"), made_to="S2S",
            requested_on=TODAY + datetime.timedelta(days=1), by=officer,
        )  # fmt: skip
    [enquiry] = services.enquiry_add(
        episode=episode, enquiry_type=kind("S2S"), made_to="S2S", requested_on=TODAY, by=officer
    )
    with pytest.raises(CaseError, match="before the enquiry was made"):
        services.enquiry_complete(
            enquiry=enquiry, completed_on=TODAY - datetime.timedelta(days=1), response="x",
            by=officer,
        )  # fmt: skip


def test_closure_date_must_be_on_or_after_referral(officer):
    episode = EpisodeFactory(referral_date=datetime.date(2026, 10, 1))
    with pytest.raises(CaseError, match="on or after the referral date, 1 October 2026"):
        services.episode_close(
            episode=episode, outcome=outcome("FOUND_EHE"), closed_on=datetime.date(2026, 9, 30),
            by=officer,
        )  # fmt: skip


def test_enquiries_exhausted_needs_core_enquiries_then_another_manager(officer, manager):
    episode = EpisodeFactory(referral_date=datetime.date(2026, 9, 1))
    with pytest.raises(CaseError, match="needs a manager's approval"):
        services.episode_close(
            episode=episode, outcome=outcome("ENQUIRIES_EXHAUSTED"), closed_on=TODAY, by=officer
        )
    with pytest.raises(CaseError, match="complete these core enquiries first: Last school"):
        services.closure_propose(episode=episode, closed_on=TODAY, by=officer)
    for core in EnquiryType.objects.filter(is_core=True):
        [enquiry] = services.enquiry_add(
            episode=episode, enquiry_type=core, made_to="x",
            requested_on=datetime.date(2026, 9, 2), by=officer,
        )  # fmt: skip
        services.enquiry_complete(enquiry=enquiry, completed_on=TODAY, response="x", by=officer)
    proposal = services.closure_propose(episode=episode, closed_on=TODAY, by=officer)
    episode.refresh_from_db()
    assert episode.status == Episode.Status.OPEN  # not closed until approved
    with pytest.raises(CaseError, match="already waiting"):
        services.closure_propose(episode=episode, closed_on=TODAY, by=officer)
    services.closure_approve(proposal=proposal, by=manager)
    episode.refresh_from_db()
    assert episode.status == Episode.Status.CLOSED
    assert episode.closure_outcome.code == "ENQUIRIES_EXHAUSTED"
    assert episode.closure_details["approved_by"] == manager.pk


def test_a_manager_cannot_approve_their_own_proposal(manager):
    episode = EpisodeFactory()
    EnquiryType.objects.update(is_core=False)
    proposal = services.closure_propose(episode=episode, closed_on=TODAY, by=manager)
    with pytest.raises(CaseError, match="Another manager"):
        services.closure_approve(proposal=proposal, by=manager)


def test_a_rejected_proposal_leaves_the_case_open_with_the_reason(officer, manager):
    episode = EpisodeFactory()
    EnquiryType.objects.update(is_core=False)
    proposal = services.closure_propose(episode=episode, closed_on=TODAY, by=officer)
    services.closure_reject(proposal=proposal, by=manager, note="Try the GP again")
    proposal.refresh_from_db()
    assert proposal.decision == ClosureProposal.Decision.REJECTED
    assert Event.objects.filter(episode=episode, verb="closure.rejected").exists()
    services.closure_propose(episode=episode, closed_on=TODAY, by=officer)  # may propose again


def test_reopen_needs_a_reason_and_no_other_open_case(manager):
    episode = ClosedEpisodeFactory()
    with pytest.raises(CaseError, match="reason"):
        services.episode_reopen(episode=episode, reason="  ", by=manager)
    services.episode_reopen(episode=episode, reason="Seen in town", by=manager)
    episode.refresh_from_db()
    assert episode.is_open and episode.closed_on is None and episode.closure_outcome is None
    older = ClosedEpisodeFactory(
        child=episode.child, referral_date=datetime.date(2023, 1, 9),
        closed_on=datetime.date(2023, 2, 1),
    )  # fmt: skip
    with pytest.raises(CaseError, match="another open case"):
        services.episode_reopen(episode=older, reason="Mistake", by=manager)


def test_a_stale_edit_is_refused_and_says_what_changed(officer, manager):
    episode = EpisodeFactory()
    seen_version = episode.version
    services.episode_allocate(episode=episode, officer=officer, by=manager)
    with pytest.raises(StaleEdit) as refused:
        services.episode_update(
            episode=episode, expected_version=seen_version, by=officer, fsm_at_referral=True
        )
    assert "changed this case while you were working on it" in str(refused.value)
    assert [event.verb for event in refused.value.events] == ["episode.allocated"]
    episode.refresh_from_db()
    assert episode.fsm_at_referral is None


def test_update_records_before_and_after(officer):
    episode = EpisodeFactory()
    services.episode_update(
        episode=episode, expected_version=episode.version, by=officer, fsm_at_referral=True
    )
    event = Event.objects.get(episode=episode, verb="episode.updated")
    assert event.payload["fsm_at_referral"] == {"before": None, "after": True}


def test_bulk_allocation_moves_only_open_cases(officer, manager):
    open_cases = [EpisodeFactory(), EpisodeFactory()]
    closed = ClosedEpisodeFactory()
    changed = services.episodes_allocate(
        episode_ids=[e.pk for e in [*open_cases, closed]], officer=officer, by=manager
    )
    assert changed == 2
    assert Episode.objects.filter(allocated_officer=officer).count() == 2


def test_removal_from_roll_cannot_predate_the_referral(manager):
    episode = EpisodeFactory(referral_date=datetime.date(2026, 10, 1))
    with pytest.raises(CaseError, match="before the referral"):
        services.removal_from_roll_authorise(
            episode=episode, authorised_on=datetime.date(2026, 9, 1), school=None, by=manager
        )


def test_timezone_dates_are_london_dates():
    assert timezone.localdate() == TODAY
