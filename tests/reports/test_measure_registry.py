"""Adding a breakdown to the scorecard is one registry entry, the installer and a test.

A breakdown the scorecard does not have (active cases by presenting need) is added here as
one ``Indicator``; once the installer has put the SQL generated from the registry into the
database and the counts are made afresh, its rows are the figures worked out case by case,
and every other figure is as it was.
"""

import datetime
import random

import pytest
from django.db import connection

from cases.models import ClosureOutcome, Episode, PresentingNeed
from reports import counting_sql, indicators
from reports.indicators import Count, Indicator
from reports.scorecard import scorecard
from tests.cases.factories import ChildFactory, EpisodeFactory
from tests.conftest import load_reference_data

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date
YEAR = 2018
TODAY = D(2019, 7, 15)
QUARTER_ENDS = [D(2018, 6, 30), D(2018, 9, 30), D(2018, 12, 31), D(2019, 3, 31)]
NO_DATA = "No data / other"  # the domain notes' words for no presenting need recorded
ORIGINAL = list(indicators.INDICATORS)


def _cases(seed: int) -> None:
    rng = random.Random(seed)
    needs = [*PresentingNeed.objects.all(), None]
    outcome = ClosureOutcome.objects.first()
    for _ in range(60):
        referred = D(2017, 1, 1) + datetime.timedelta(days=rng.randrange(900))
        closed = referred + datetime.timedelta(days=rng.randrange(1, 400))
        closed = closed if rng.random() < 0.6 and closed < TODAY else None
        EpisodeFactory(
            child=ChildFactory(), referral_date=referred, presenting_need=rng.choice(needs),
            status="CLOSED" if closed else "OPEN", closed_on=closed,
            closure_outcome=outcome if closed else None,
        )  # fmt: skip


def _active_by_need(end: D) -> dict[str, int]:
    counts: dict[str, int] = {}
    for episode in Episode.objects.select_related("presenting_need"):
        if episode.referral_date <= end and (episode.closed_on is None or episode.closed_on > end):
            label = episode.presenting_need.label if episode.presenting_need else NO_DATA
            counts[label] = counts.get(label, 0) + 1
    return counts


def _figures(card, leave_out=()) -> dict:
    return {(row.indicator.id, row.breakdown): (row.quarters, row.ytd, row.trend)
            for row in card.rows if row.indicator.id not in leave_out}  # fmt: skip


@pytest.fixture
def reinstall(owner_connection):
    """Install the counting SQL from the registry as it stands, as a migration would (only
    the owner may), and put back what the registry itself generates afterwards."""
    load_reference_data()

    def install():
        with owner_connection.cursor() as cursor:
            counting_sql.install(cursor)
            cursor.execute("SELECT reports_count_afresh()")

    yield install
    with owner_connection.cursor() as cursor:
        counting_sql.install(cursor, indicators=ORIGINAL)


@pytest.mark.parametrize("seed", [1, 2])
def test_one_registry_entry_adds_a_breakdown(seed, monkeypatch, reinstall):
    _cases(seed)
    before = _figures(scorecard(YEAR, today=TODAY))
    new = Indicator("active_need", "Active cases by presenting need", "stock",
                    (Count("active", "need"),))  # fmt: skip
    monkeypatch.setattr(indicators, "INDICATORS", [*indicators.INDICATORS, new])
    reinstall()

    card = scorecard(YEAR, today=TODAY)

    rows = card.rows_of("active_need")
    assert [row.breakdown for row in rows] == [
        *(need.label for need in PresentingNeed.objects.all())
    ] + ([NO_DATA] if NO_DATA not in {n.label for n in PresentingNeed.objects.all()} else [])
    for number, end in enumerate(QUARTER_ENDS):
        expected = _active_by_need(end)
        assert {row.breakdown: row.quarters[number] for row in rows} == {
            row.breakdown: expected.get(row.breakdown, 0) for row in rows
        }, end
        assert sum(expected.values()) == card.value("6", quarter=number + 1)
    assert _figures(card, leave_out={"active_need"}) == before


def test_every_count_kept_is_shown_by_an_indicator(reinstall):
    """No count is kept that no indicator reads, and each generated count is kept."""
    _cases(3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT measure FROM reports_scorecardcount")
        kept = {measure for (measure,) in cursor}
    named = {count.measure for i in indicators.INDICATORS for count in i.counts}
    assert kept <= named
    generated = {c.measure for i in indicators.INDICATORS for c in i.counts if c.generated}
    # Every generated count but those nothing here is in: the previously known, the eligible
    # for FSM, areas (from addresses) and services (no case here is open to one).
    assert generated - kept <= {
        "referred.previously",
        "active.fsm",
        "active.area",
        "referred.open_to",
    }
    assert {"referred", "active", "resolved", "active.gender", "resolved.outcome"} <= kept
