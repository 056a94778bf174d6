"""The scorecard's share of active cases reviewed on time at each quarter end, on a small
hand-built history. Each case's state at each quarter end was worked out by hand from the rule
(no review for 20 working days, or open 12 weeks with none since)."""

import datetime

import pytest

from cases import services
from reports.scorecard import scorecard
from tests.cases.factories import ClosedEpisodeFactory, EpisodeFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_share_of_active_cases_reviewed_on_time_at_each_quarter_end(manager):
    never = EpisodeFactory(referral_date=D(2025, 5, 1))  # due by late May: late at both ends
    recent = EpisodeFactory(referral_date=D(2025, 6, 20))  # 6 working days by 30 June
    before_12_weeks = EpisodeFactory(referral_date=D(2025, 4, 1))  # 12 weeks on 24 June
    after_12_weeks = EpisodeFactory(referral_date=D(2025, 4, 1))
    ClosedEpisodeFactory(referral_date=D(2025, 4, 1), closed_on=D(2025, 6, 10))  # not active
    # Reviewed before its 12 weeks: due again on 24 June, so late at 30 June.
    services.case_review_record(episode=before_12_weeks, reviewed_on=D(2025, 6, 16),
                                next_review_on=D(2025, 7, 10), decision="Check S2S.",
                                by=manager)  # fmt: skip
    # Reviewed after its 12 weeks: next due 20 July, on time at 30 June, late at 30 September.
    services.case_review_record(episode=after_12_weeks, reviewed_on=D(2025, 6, 25),
                                next_review_on=D(2025, 7, 20), decision="Home visit.",
                                by=manager)  # fmt: skip
    # Never reviewed by 30 June (on time then); reviewed 20 September, next due 10 October.
    services.case_review_record(episode=recent, reviewed_on=D(2025, 9, 20),
                                next_review_on=D(2025, 10, 10), decision="Carry on.",
                                by=manager)  # fmt: skip
    assert never.pk
    card = scorecard(2025, today=D(2026, 6, 1))
    row = card.row("reviewed_on_time", "")
    # 30 June: recent and after_12_weeks of four active; 30 September: recent of four;
    # 31 December and 31 March: none of four (nobody reviewed since).
    assert row.quarters == [50.0, 25.0, 0.0, 0.0]
    assert row.ytd == 0.0  # the share at the year's last quarter end
    assert row.trend == [None, None]  # before the first review was recorded: nothing to show


def test_no_share_is_shown_before_any_review_is_recorded():
    EpisodeFactory(referral_date=D(2025, 5, 1))
    row = scorecard(2025, today=D(2026, 6, 1)).row("reviewed_on_time", "")
    assert row.quarters == [None, None, None, None] and row.ytd is None


def test_a_quarter_not_yet_ended_shows_the_share_as_at_today(manager):
    episode = EpisodeFactory(referral_date=D(2025, 4, 1))
    EpisodeFactory(referral_date=D(2025, 4, 1))
    services.case_review_record(episode=episode, reviewed_on=D(2025, 7, 1),
                                next_review_on=D(2025, 7, 25), decision="Carry on.",
                                by=manager)  # fmt: skip
    row = scorecard(2025, today=D(2025, 7, 15)).row("reviewed_on_time", "")
    assert row.quarters[:2] == [None, 50.0]  # Q1 ended before the first review
