"""Management oversight: a manager records a case review (the date, the decision or direction,
the next review); a case with no review for 20 working days, or open 12 weeks with no review
since, shows as due on the team's caseload, the case list and caseload aging."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from cases import services
from cases.errors import CaseError
from cases.models import CaseReview, Event
from tests.cases.factories import ClosedEpisodeFactory, EpisodeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def review_data(text="Visit the last address again; check with Leeds CME.", day=TODAY,
                following=None):  # fmt: skip
    data = {"reviewed_on_0": str(day.day), "reviewed_on_1": str(day.month),
            "reviewed_on_2": str(day.year), "decision": text}  # fmt: skip
    if following:
        data |= {"next_review_on_0": str(following.day), "next_review_on_1": str(following.month),
                 "next_review_on_2": str(following.year)}  # fmt: skip
    return data


def weekdays_after(start, n):
    """``n`` weekdays after ``start``: the oracle for working days, written out here (the
    test's dates keep clear of bank holidays by being checked against 'a week or more')."""
    day = start
    while n:
        day += datetime.timedelta(days=1)
        n -= day.weekday() < 5
    return day


def test_a_manager_records_a_review_and_the_case_shows_when_the_next_is_due(client, manager):
    episode = EpisodeFactory(referral_date=days_ago(10))
    client.force_login(manager)
    following = TODAY + datetime.timedelta(days=7)
    response = client.post(reverse("cases:review_add", args=[episode.pk]),
                           review_data(following=following))  # fmt: skip
    assert response.status_code == 302
    review = CaseReview.objects.get()
    assert (review.episode, review.reviewer, review.reviewed_on, review.next_review_on) == (
        episode,
        manager,
        TODAY,
        following,
    )
    episode.refresh_from_db()
    assert (episode.last_reviewed_on, episode.review_due_on) == (TODAY, following)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert f"{TODAY:%-d %B %Y} by {manager}" in page
    assert f"{following:%-d %B %Y}" in page and "Review due" not in page
    assert "Visit the last address again" in page
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Case reviewed by a manager" in history and "check with Leeds CME" in history
    assert Event.objects.get(verb="review.recorded").actor == manager


def test_the_next_review_defaults_to_20_working_days_and_may_not_be_later(client, manager):
    episode = EpisodeFactory(referral_date=days_ago(10))
    review = services.case_review_record(episode=episode, reviewed_on=TODAY,
                                         decision="Carry on.", by=manager)  # fmt: skip
    latest = review.next_review_on
    assert weekdays_after(TODAY, 20) <= latest <= TODAY + datetime.timedelta(days=42)
    client.force_login(manager)
    too_late = client.post(
        reverse("cases:review_add", args=[episode.pk]),
        review_data(following=latest + datetime.timedelta(days=1)),
    )
    assert f"The next review must be by {latest:%-d %B %Y}" in too_late.content.decode()
    assert CaseReview.objects.count() == 1


def test_a_review_is_refused_clearly_and_nothing_is_saved(client, manager):
    episode = EpisodeFactory(referral_date=days_ago(10))
    client.force_login(manager)
    url = reverse("cases:review_add", args=[episode.pk])
    empty = client.post(url, review_data(text=""))
    assert "Enter the decision or direction given" in empty.content.decode()
    before = client.post(url, review_data(following=TODAY))
    assert "The next review must be after this one" in before.content.decode()
    early = client.post(url, review_data(day=days_ago(11)))
    assert "cannot be before the case was referred" in early.content.decode()
    assert not CaseReview.objects.exists()


def test_only_managers_review_and_only_open_cases(client, officer, manager, head_of_service):
    episode = EpisodeFactory(allocated_officer=officer, referral_date=days_ago(10))
    for person in (officer, head_of_service):
        client.force_login(person)
        assert client.get(reverse("cases:review_add", args=[episode.pk])).status_code == 403
        page = client.get(episode.get_absolute_url()).content.decode()
        assert "Record a case review" not in page
    with pytest.raises(CaseError, match="Only a manager"):
        services.case_review_record(episode=episode, reviewed_on=TODAY, decision="x", by=officer)
    closed = ClosedEpisodeFactory()
    client.force_login(manager)
    response = client.get(reverse("cases:review_add", args=[closed.pk]))
    assert response.status_code == 302 and response.url == closed.get_absolute_url()


def test_a_sensitive_cases_review_decision_is_hidden_from_those_without_need_to_know(
    client, manager, officer
):
    episode = EpisodeFactory(is_sensitive=True, referral_date=days_ago(10))
    services.case_review_record(episode=episode, reviewed_on=TODAY,
                                decision="Ask the refuge on Mill Lane.", by=manager)  # fmt: skip
    client.force_login(officer)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Mill Lane" not in page and f"{TODAY:%-d %B %Y} by {manager}" in page
    history = client.get(reverse("cases:history", args=[episode.pk])).content.decode()
    assert "Case reviewed by a manager" in history and "Mill Lane" not in history


def _due_on_list(client, episode) -> bool:
    page = client.get(reverse("cases:list") + "?status=open&review=due").content.decode()
    return episode.reference in page


def test_cases_are_due_after_20_working_days_without_a_review(client, manager):
    fresh = EpisodeFactory(referral_date=days_ago(7))  # under 20 working days
    old = EpisodeFactory(referral_date=days_ago(35))  # over 20 working days, never reviewed
    client.force_login(manager)
    assert not _due_on_list(client, fresh) and _due_on_list(client, old)
    home = client.get("/").content.decode()
    assert "due a manager's review" in home
    page = client.get(old.get_absolute_url()).content.decode()
    assert "Review due" in page
    services.case_review_record(episode=old, reviewed_on=TODAY, decision="Carry on.", by=manager)
    assert not _due_on_list(client, old)
    assert "Review due" not in client.get(old.get_absolute_url()).content.decode()


def test_a_case_open_12_weeks_is_due_a_review_then_even_when_reviewed_shortly_before(
    client, manager
):
    episode = EpisodeFactory(referral_date=days_ago(12 * 7 - 3))  # 12 weeks in 3 days' time
    services.case_review_record(episode=episode, reviewed_on=days_ago(1), decision="Carry on.",
                                by=manager)  # fmt: skip
    episode.refresh_from_db()
    assert episode.review_due_on == episode.referral_date + datetime.timedelta(weeks=12)
    client.force_login(manager)
    assert not _due_on_list(client, episode)
    later = EpisodeFactory(referral_date=days_ago(12 * 7 + 5))
    services.case_review_record(episode=later, reviewed_on=days_ago(9), decision="Carry on.",
                                by=manager)  # fmt: skip
    later.refresh_from_db()
    assert later.review_due_on == later.referral_date + datetime.timedelta(weeks=12)
    assert _due_on_list(client, later)  # reviewed before its 12 weeks, none since
    services.case_review_record(episode=later, reviewed_on=TODAY, decision="Still looking.",
                                by=manager)  # fmt: skip
    assert not _due_on_list(client, later)


@override_settings(CME_REVIEW_WORKING_DAYS=5)
def test_the_working_days_between_reviews_are_configurable(client, manager):
    episode = EpisodeFactory(referral_date=days_ago(10))  # over 5 working days
    client.force_login(manager)
    assert _due_on_list(client, episode)


def test_caseload_aging_counts_the_cases_due_a_review_by_officer(client, manager, officer):
    due = EpisodeFactory(allocated_officer=officer, referral_date=days_ago(40))
    EpisodeFactory(allocated_officer=officer, referral_date=days_ago(3))
    client.force_login(manager)
    response = client.get(reverse("reports:caseload"))
    page = response.content.decode()
    assert "Due a manager's review" in page
    officers = response.context["aging"]["officers"]
    [line] = [line for line in officers if line.filters == {"officer": officer.pk}]
    assert (line.reviews_due, line.total) == (1, 2)
    count, link = line.cells[-2]
    assert count == 1 and "review=due" in link
    assert due.reference in client.get(link).content.decode()


def test_the_case_list_csv_says_when_each_open_case_was_last_reviewed(client, manager):
    """What a manager shows an inspector: every open case, its last review and the next."""
    import csv
    import io

    reviewed = EpisodeFactory(referral_date=days_ago(30))
    never = EpisodeFactory(referral_date=days_ago(3))
    services.case_review_record(
        episode=reviewed,
        reviewed_on=days_ago(2),
        decision="Go on.",
        next_review_on=TODAY + datetime.timedelta(days=5),
        by=manager,
    )
    client.force_login(manager)
    response = client.get(reverse("cases:list_csv") + "?status=open")
    rows = {row["case"]: row for row in csv.DictReader(
        io.StringIO(b"".join(response.streaming_content).decode()))}  # fmt: skip
    assert rows[reviewed.reference]["last_reviewed"] == days_ago(2).isoformat()
    assert (
        rows[reviewed.reference]["next_review_due"]
        == (TODAY + datetime.timedelta(days=5)).isoformat()
    )
    assert rows[never.reference]["last_reviewed"] == ""
    first_due = datetime.date.fromisoformat(rows[never.reference]["next_review_due"])
    # 20 working days: at least 20 weekdays on, later only by bank holidays
    assert weekdays_after(days_ago(3), 20) <= first_due <= days_ago(3) + datetime.timedelta(42)
