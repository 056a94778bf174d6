"""A sibling group's closures as enquiries exhausted decided in one action, with one reason;
the approval page shows each case's core enquiries with their responses and dates."""

import datetime

import pytest
from django.urls import reverse

from cases.models import ClosureOutcome, ClosureProposal, Enquiry, EnquiryType, Episode
from cme_tracker.core import roles
from tests.cases.factories import ChildFactory, EpisodeFactory, FamilyFactory
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def group(officer):
    """Three brothers and sisters, each case's core enquiries done and its closure waiting."""
    EnquiryType.objects.update(is_core=False)
    EnquiryType.objects.filter(code__in=["LAST_SCHOOL", "S2S"]).update(is_core=True)
    family = FamilyFactory()
    outcome = ClosureOutcome.objects.get(code="ENQUIRIES_EXHAUSTED")
    cases = []
    for name in ("Ada", "Chidi", "Ngozi"):
        episode = EpisodeFactory(
            child=ChildFactory(forename=name, family=family),
            allocated_officer=officer,
            referral_date=D(2024, 10, 7),
        )
        for code, said in (("LAST_SCHOOL", f"{name} not seen since July"), ("S2S", "No trace")):
            Enquiry.objects.create(
                episode=episode, enquiry_type=EnquiryType.objects.get(code=code),
                made_to=f"{code} for {name}", requested_on=D(2024, 10, 8),
                due_on=D(2024, 10, 15), completed_on=D(2024, 10, 10), response=said,
            )  # fmt: skip
        episode.proposal = ClosureProposal.objects.create(
            episode=episode, outcome=outcome, closed_on=D(2024, 11, 1), proposed_by=officer
        )
        cases.append(episode)
    return cases


def decide(client, episode, **data):
    url = reverse("cases:closure_decide", args=[episode.pk, episode.proposal.pk])
    return client.post(url, data)


def test_the_approval_page_lists_each_core_enquiry_with_its_response_and_date(
    client, manager, group
):
    ada = group[0]
    client.force_login(manager)
    page = client.get(reverse("cases:closure_decide",
                              args=[ada.pk, ada.proposal.pk])).content.decode()  # fmt: skip
    assert "10 October 2024: Ada not seen since July" in page
    assert "10 October 2024: No trace" in page and "LAST_SCHOOL for Ada" in page
    assert "All completed" not in page
    for sibling in group[1:]:  # the brothers' and sisters' closures waiting, with their own
        assert sibling.reference in page
        assert f"{sibling.child.forename} not seen since July" in page
    assert "Decide the same, with the same reason" in page


def test_a_manager_approves_a_sibling_groups_closures_in_one_action(client, manager, group):
    client.force_login(manager)
    response = decide(client, group[0], decision="approve", note="All checks done twice.",
                      for_family="on")  # fmt: skip
    assert response.status_code == 302
    assert set(Episode.objects.values_list("status", flat=True)) == {"CLOSED"}
    proposals = ClosureProposal.objects.all()
    assert {(p.decision, p.decided_by_id, p.decision_note) for p in proposals} == {
        (ClosureProposal.Decision.APPROVED, manager.pk, "All checks done twice.")
    }


def test_a_manager_refuses_them_all_with_one_reason(client, manager, group):
    client.force_login(manager)
    assert (
        "Say why the closure is not approved"
        in decide(client, group[0], decision="reject", for_family="on").content.decode()
    )
    response = decide(client, group[0], decision="reject", note="Try the GP first.",
                      for_family="on")  # fmt: skip
    assert response.status_code == 302
    assert set(Episode.objects.values_list("status", flat=True)) == {"OPEN"}
    assert {(p.decision, p.decision_note) for p in ClosureProposal.objects.all()} == {
        (ClosureProposal.Decision.REJECTED, "Try the GP first.")
    }
    history = client.get(reverse("cases:history", args=[group[2].pk])).content.decode()
    assert "Closure not approved" in history and "Try the GP first." in history


def test_without_the_tick_only_this_case_is_decided(client, manager, group):
    client.force_login(manager)
    decide(client, group[0], decision="approve", note="")
    statuses = dict(Episode.objects.values_list("pk", "status"))
    assert [statuses[e.pk] for e in group] == ["CLOSED", "OPEN", "OPEN"]


def test_one_closure_that_cannot_be_approved_stops_them_all(client, manager, group):
    """The manager proposed one of them: another manager must approve it, so none closes."""
    group[2].proposal.proposed_by = manager
    group[2].proposal.save()
    client.force_login(manager)
    page = decide(client, group[0], decision="approve", note="", for_family="on")
    assert f"Another manager must approve the closure of case {group[2].reference}" in (
        page.content.decode()
    )
    assert set(Episode.objects.values_list("status", flat=True)) == {"OPEN"}
    assert not ClosureProposal.objects.exclude(decision=ClosureProposal.Decision.PENDING).exists()


def test_a_sensitive_brothers_closure_shown_on_the_page_is_in_the_access_log(
    client, manager, group
):
    from cases.models import AccessLogEntry

    group[1].is_sensitive = True
    group[1].save()
    before = AccessLogEntry.objects.filter(episode=group[1]).count()
    client.force_login(manager)
    client.get(reverse("cases:closure_decide", args=[group[0].pk, group[0].proposal.pk]))
    assert AccessLogEntry.objects.filter(episode=group[1], user=manager).count() == before + 1


def test_an_officer_cannot_decide_closures(client, group):
    officer = _user_with_role(roles.CME_OFFICER)
    client.force_login(officer)
    assert decide(client, group[0], decision="approve", for_family="on").status_code == 403
    assert set(Episode.objects.values_list("status", flat=True)) == {"OPEN"}
