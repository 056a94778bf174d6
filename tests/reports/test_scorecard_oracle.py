"""The scorecard's figures, held against the domain notes' definitions worked out again here.

The counts test compares the kept counts with counts made afresh by the same SQL view, so a
wrong definition would pass it. Here each figure is worked out case by case in plain Python
from the case tables, by the rules in the domain notes ("Rules the figures depend on"), over
random but repeatable case histories; nothing from ``reports`` is used but the scorecard.
"""

import datetime
import functools
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable

import holidays
import pytest
from dateutil.relativedelta import relativedelta

from cases import services
from cases.models import (
    Area,
    ClosureOutcome,
    Enquiry,
    EnquiryType,
    Episode,
    Ethnicity,
    Gender,
    Locality,
    OpenToService,
    PresentingNeed,
    SchoolPhase,
)
from reports.scorecard import scorecard
from tests.cases.factories import ChildFactory, EpisodeFactory, FamilyFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = datetime.timedelta(days=1)
YEAR = 2018  # 2018/19, with 2016/17 and 2017/18 as its trend
TODAY = D(2019, 7, 15)  # every quarter of 2018/19 has ended
SEEDS = [11, 12, 13]

# The domain notes' words for what nothing recorded counts as, and the bands they name.
NO_LOCALITY = "No Locality Registered"
NOT_KNOWN = "Not known"
NO_DATA = "No data / other"
TIME_OPEN = [(6, "6 months or less"), (12, "7-12 months"), (18, "13-18 months"),
             (None, "over 18 months")]  # fmt: skip
FAMILY_SIZES = {1: "1 child", 2: "2 children", 3: "3 children", 4: "4 children",
                5: "5 or more children"}  # fmt: skip
TOTAL_FAMILIES = "Total families"

# Flows count what happened in a period, stocks what stood at its end; measures (a median,
# a share) are taken over the period's cases, a year's over all the year's.
FLOWS = {"1a", "1b", "2", "3", "4", "5", "presenting_need", "open_to", "7", "closure_outcome"}
STOCKS = {"6", "8", "9", "10", "11", "12", "13", "year_group", "ethnicity", "family_size",
          "overdue_at_end"}  # fmt: skip
MEASURES = {"median_days_to_close", "first_enquiry_5_days"}


def quarter(year: int, number: int) -> tuple[D, D]:
    """Q1 April-June ... Q4 January-March of the financial year beginning in April ``year``."""
    start = D(year, 4, 1) + relativedelta(months=3 * (number - 1))
    return start, start + relativedelta(months=3) - DAY


@functools.cache
def bank_holidays(year: int) -> set[D]:
    return set(holidays.UnitedKingdom(subdiv="ENG", years=year))


def fifth_working_day_after(day: D) -> D:
    """Weekends and England's bank holidays are not working days."""
    left = 5
    while left:
        day += DAY
        left -= day.weekday() < 5 and day not in bank_holidays(day.year)
    return day


def months_open(referred: D, on: D) -> int:
    return 12 * (on.year - referred.year) + on.month - referred.month - (on.day < referred.day)


def year_group(born: D, on: D) -> str:
    began = on.year if on.month >= 9 else on.year - 1
    group = began - born.year - (born.month >= 9) - 4
    if not 0 <= group <= 11:
        return "Unknown"
    return "Reception" if group == 0 else f"Year {group}"


class Expected:
    """Every figure of the scorecard, from the episodes read back one by one."""

    def __init__(self):
        self.episodes = list(
            Episode.objects.select_related(
                "child__ethnicity__group", "locality", "area", "presenting_need",
                "closure_outcome",
            ).prefetch_related("open_to_services", "enquiries")
        )  # fmt: skip
        self.referral_dates = defaultdict(list)
        for episode in self.episodes:
            self.referral_dates[episode.child_id].append(episode.referral_date)
        self.genders = dict(Gender.choices)
        self.phases = dict(SchoolPhase.choices)

    def family(self, episode):
        """A sibling group; a child with no family is a family of one."""
        child = episode.child
        return ("family", child.family_id) if child.family_id else ("child", child.pk)

    def ethnicity(self, episode) -> str:
        ethnicity = episode.child.ethnicity
        return ethnicity.group.label if ethnicity and ethnicity.group else NOT_KNOWN

    def place(self, episode) -> str:
        return episode.locality.label if episode.locality else NO_LOCALITY

    def new_referrals(self, first: D, last: D) -> Counter:
        counts = Counter()
        new = [e for e in self.episodes if first <= e.referral_date <= last]
        for episode in new:
            counts["1a", ""] += 1
            if any(day < episode.referral_date for day in self.referral_dates[episode.child_id]):
                counts["1b", ""] += 1
            counts["2", self.genders[episode.child.gender]] += 1
            counts["3", self.place(episode)] += 1
            counts["4", self.phases[episode.school_phase]] += 1
            counts["5", self.ethnicity(episode)] += 1
            need = episode.presenting_need
            counts["presenting_need", need.label if need else NO_DATA] += 1
            for service in episode.open_to_services.all():
                counts["open_to", service.label] += 1
        counts["1a", "Families"] = len({self.family(episode) for episode in new})
        return counts

    def resolved(self, first: D, last: D) -> Counter:
        counts = Counter()
        for episode in self.episodes:
            if episode.closed_on and first <= episode.closed_on <= last:
                counts["7", ""] += 1
                counts["closure_outcome", episode.closure_outcome.label] += 1
        return counts

    def caseload(self, on: D) -> Counter:
        """Active at ``on``: referred on or before it, and not closed or closed after it."""
        counts = Counter()
        active = [
            e for e in self.episodes
            if e.referral_date <= on and (e.closed_on is None or e.closed_on > on)
        ]  # fmt: skip
        children = defaultdict(set)
        for episode in active:
            child = episode.child
            counts["6", ""] += 1
            authorised = episode.removal_from_roll_authorised_on
            counts["8", ""] += authorised is not None and authorised <= on
            counts["9", self.genders[child.gender]] += 1
            counts["10", self.place(episode)] += 1
            if episode.area:
                counts["10", episode.area.label] += 1
            counts["11", self.phases[episode.school_phase]] += 1
            months = months_open(episode.referral_date, on)
            band = next(label for most, label in TIME_OPEN if most is None or months <= most)
            counts["12", band] += 1
            counts["13", ""] += episode.fsm_at_referral is True
            counts["year_group", year_group(child.date_of_birth, on)] += 1
            counts["ethnicity", self.ethnicity(episode)] += 1
            counts["overdue_at_end", ""] += any(
                enquiry.due_on < on and (enquiry.completed_on is None or enquiry.completed_on > on)
                for enquiry in episode.enquiries.all()
            )
            children[self.family(episode)].add(child.pk)
        counts["13", "%"] = round(100 * counts["13", ""] / len(active), 1) if active else None
        for family_children in children.values():
            counts["family_size", FAMILY_SIZES[min(len(family_children), 5)]] += 1
            counts["family_size", TOTAL_FAMILIES] += 1
        return counts

    def measures(self, first: D, last: D) -> dict:
        """The median days to close of the resolved cases, and the share of new referrals
        with a first enquiry on or before the fifth working day after referral."""
        days = [(e.closed_on - e.referral_date).days for e in self.episodes
                if e.closed_on and first <= e.closed_on <= last]  # fmt: skip
        new = [e for e in self.episodes if first <= e.referral_date <= last]
        quick = 0
        for episode in new:
            asked = [enquiry.requested_on for enquiry in episode.enquiries.all()]
            quick += bool(asked) and min(asked) <= fifth_working_day_after(episode.referral_date)
        return {
            ("median_days_to_close", ""): statistics.median(days) if days else None,
            ("first_enquiry_5_days", ""): round(100 * quick / len(new), 1) if new else None,
        }

    def period(self, first: D, last: D) -> Counter:
        """A period's flows and measures, and its stocks at its last day."""
        return Counter({**self.new_referrals(first, last), **self.resolved(first, last),
                        **self.caseload(last), **self.measures(first, last)})  # fmt: skip

    def year(self, year: int, today: D) -> tuple[list[Counter | None], Callable]:
        """The year's quarters (None before one begins; one not yet ended counted to today)
        and its year to date: flows summed over the quarters, stocks at the latest quarter
        end passed, measures over the whole year so far."""
        shown, ended = [], []
        for number in (1, 2, 3, 4):
            first, last = quarter(year, number)
            figures = self.period(first, min(last, today)) if first <= today else None
            shown.append(figures)
            if last <= today:
                ended.append(figures)
        measured = self.measures(quarter(year, 1)[0], min(quarter(year, 4)[1], today))

        def ytd(key):
            if key[0] in MEASURES:
                return measured[key]
            if key[0] in STOCKS:
                return ended[-1][key] if ended else None
            return sum(figures[key] for figures in shown if figures is not None)

        return shown, ytd


def make_history(seed: int) -> None:
    """Children, some in sibling groups, each referred one or more times in turn, with
    enquiries made, chased and answered, and later corrections. Dates often fall on the edges
    the rules turn on: a quarter's last or first day, the 31st of a month.

    A child's cases never overlap here (the counts test's ``History`` backdates and moves
    episodes into overlaps); one child with two cases active at once is the last test's."""
    rng = random.Random(seed)
    outcomes = list(ClosureOutcome.objects.all())
    areas = list(Area.objects.select_related("locality"))
    localities = list(Locality.objects.all())
    ethnicities = [*Ethnicity.objects.all(), None, None]
    needs = [*PresentingNeed.objects.all(), None]
    open_to = list(OpenToService.objects.all())
    enquiry_type = EnquiryType.objects.first()
    families = [FamilyFactory() for _ in range(10)]

    def near(day: D) -> D:
        if rng.random() < 0.3:  # moved to an edge
            month, last = rng.choice([(3, 31), (6, 30), (9, 30), (12, 31), (5, 31), (8, 31)])
            day = max(day, D(day.year, month, last) + DAY * rng.choice([0, 0, 1]))
        return day

    def after(day: D, most: int) -> D:
        return near(day + DAY * rng.randrange(most))

    def by_today(day: D | None) -> D | None:
        """Nothing is answered, authorised or closed in the future."""
        return None if day is None or day > TODAY else day

    for _ in range(60):
        child = ChildFactory(
            family=rng.choice([*families, None, None]), gender=rng.choice(Gender.values),
            date_of_birth=after(D(2002, 1, 1), 12 * 365), ethnicity=rng.choice(ethnicities),
        )  # fmt: skip
        referred = after(D(2015, 10, 1), 1300)
        while referred <= TODAY:
            fields = {"school_phase": rng.choice(SchoolPhase.values),
                      "fsm_at_referral": rng.choice([True, False, None]),
                      "presenting_need": rng.choice(needs)}  # fmt: skip
            place = rng.random()
            if place < 0.4:
                fields["area"] = rng.choice(areas)
                fields["locality"] = fields["area"].locality
            elif place < 0.7:
                fields["locality"] = rng.choice(localities)
            if rng.random() < 0.3:
                fields["removal_from_roll_authorised_on"] = by_today(after(referred, 120))
            closed = after(referred, rng.choice([1, 30, 500]))
            if closed <= TODAY and rng.random() < 0.8:
                fields.update(status="CLOSED", closed_on=closed,
                              closure_outcome=rng.choice(outcomes))  # fmt: skip
            episode = EpisodeFactory(child=child, referral_date=referred, **fields)
            episode.open_to_services.set(rng.sample(open_to, rng.randrange(3)))
            for _ in range(rng.randrange(5)):
                requested = referred + DAY * rng.randrange(-2, 12)
                due = after(requested, 60)
                completed = by_today(rng.choice([None, after(requested, 150), due, due + DAY]))
                Enquiry.objects.create(
                    episode=episode, enquiry_type=enquiry_type, made_to="Last school",
                    requested_on=requested, due_on=due, completed_on=completed,
                )  # fmt: skip
            if episode.status == "OPEN" or rng.random() < 0.4:
                break
            referred = after(closed, rng.choice([1, 2, 400]))
    # Later corrections, which the figures must follow: a child's details and family, an
    # answer recorded late, an open case closed.
    for episode in rng.sample(list(Episode.objects.select_related("child")), 6):
        child = episode.child
        child.gender, child.family = rng.choice(Gender.values), rng.choice([*families, None])
        child.save()
    for enquiry in rng.sample(list(Enquiry.objects.filter(completed_on=None)), 4):
        enquiry.completed_on = by_today(after(enquiry.due_on, 90))
        enquiry.save()
    for episode in rng.sample(list(Episode.objects.filter(status="OPEN")), 3):
        episode.status, episode.closure_outcome = "CLOSED", rng.choice(outcomes)
        episode.closed_on = min(after(episode.referral_date, 300), TODAY)
        episode.save()


@pytest.fixture(params=SEEDS)
def expected(request):
    """A random history, and the figures the domain's rules give for it."""
    make_history(request.param)
    return Expected()


def differences(card, expected: Expected, indicators) -> list[str]:
    """Every figure of ``indicators`` the scorecard shows otherwise than the rules give: each
    quarter of its year, the year to date, the two years before (their year to date) and the
    last quarter of the year before (which the first quarter's direction of travel is from)."""
    years = {year: expected.year(year, card.today) for year in (card.year - 2, card.year - 1,
                                                                card.year)}  # fmt: skip
    found = []
    for indicator in indicators:
        rows = {row.breakdown: row for row in card.rows_of(indicator)}
        assert rows, f"the scorecard has no indicator {indicator}"
        counted = {key[1] for shown, _ in years.values() for figures in shown if figures is not None
                   for key, value in figures.items() if key[0] == indicator and value}  # fmt: skip
        found += [f"{indicator}: no row for {label!r}" for label in counted - set(rows)]
        for breakdown, row in rows.items():
            key = (indicator, breakdown)
            shown, ytd = years[card.year]
            want = {
                "quarters": [None if figures is None else figures[key] for figures in shown],
                "ytd": ytd(key),
                "trend": [years[card.year - 2][1](key), years[card.year - 1][1](key)],
                "previous_q4": years[card.year - 1][0][3][key],
            }
            got = {name: getattr(row, name) for name in want}
            found += [f"{indicator} {breakdown!r} {name}: shown {got[name]}, expected {value}"
                      for name, value in want.items() if got[name] != value]  # fmt: skip
    return found


def test_new_referrals_are_counted_by_their_referral_date(expected):
    """Referrals, repeat referrals, families and every breakdown of the quarter's new cases."""
    card = scorecard(YEAR, today=TODAY)
    new = ["1a", "1b", "2", "3", "4", "5", "presenting_need", "open_to"]
    assert differences(card, expected, new) == []


def test_active_cases_are_those_referred_and_not_yet_closed_at_the_quarter_end(expected):
    """The caseload at each quarter end and every breakdown of it: authorised removals,
    months open, free school meals (and their share), year group on the day."""
    card = scorecard(YEAR, today=TODAY)
    caseload = ["6", "8", "9", "10", "11", "12", "13", "year_group", "ethnicity"]
    assert differences(card, expected, caseload) == []


def test_families_are_counted_by_their_children_active_at_the_quarter_end(expected):
    """Sibling groups moved between, into and out of families are sized as they are now."""
    card = scorecard(YEAR, today=TODAY)
    assert differences(card, expected, ["family_size"]) == []


def test_resolved_cases_are_counted_by_their_closure_date(expected):
    """Closures, their outcomes and the median days from referral to closure."""
    card = scorecard(YEAR, today=TODAY)
    assert differences(card, expected, ["7", "closure_outcome", "median_days_to_close"]) == []


def test_enquiries_chased_and_made_promptly_are_counted_as_the_rules_say(expected):
    """Cases with an enquiry overdue at the quarter end (due before it, not answered by it),
    and the share of new referrals with a first enquiry within 5 working days."""
    card = scorecard(YEAR, today=TODAY)
    assert differences(card, expected, ["overdue_at_end", "first_enquiry_5_days"]) == []


def test_a_year_in_progress_shows_its_quarters_so_far(expected):
    """In July 2019 the 2019/20 scorecard has one quarter ended, one so far (its flows to
    date, its stocks as at today) and two not begun; stocks' year to date is at 30 June."""
    card = scorecard(YEAR + 1, today=TODAY)
    assert card.row("6").quarters[2:] == [None, None]
    assert differences(card, expected, sorted(FLOWS | STOCKS | MEASURES)) == []


def test_a_child_with_two_active_cases_is_still_one_child_of_their_family(manager):
    """A case closed in error may be reopened after the child's later case closed (nothing else
    of theirs is open), so both are active at a quarter end. The domain notes size a family by
    its children with an active episode; a child with no family is a family of one."""
    outcome = ClosureOutcome.objects.get(code="FOUND_SCHOOL_THIS_LA")
    child = ChildFactory(family=None)
    first = EpisodeFactory(child=child, referral_date=D(2018, 4, 10), status="CLOSED",
                           closed_on=D(2018, 5, 1), closure_outcome=outcome)  # fmt: skip
    EpisodeFactory(child=child, referral_date=D(2018, 6, 1), status="CLOSED",
                   closed_on=D(2018, 11, 20), closure_outcome=outcome)  # fmt: skip
    services.episode_reopen(episode=first, reason="Closed in error: never started", by=manager)
    card = scorecard(YEAR, today=TODAY)
    at_30_june = {size: card.row("family_size", size).quarters[0] for size in FAMILY_SIZES.values()}
    assert at_30_june == {**dict.fromkeys(FAMILY_SIZES.values(), 0), "1 child": 1}
