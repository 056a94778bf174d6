"""The quarterly CME scorecard, computed by the rules in the domain notes.

Every figure for three financial years (the year asked for and the two before, for the
year-on-year trend) comes from two queries of the counts PostgreSQL keeps as each change
commits (reports.counting_sql, ADR 0008): a few thousand counts are read and turned into the
scorecard's rows here. Never a query per child or per episode. The indicators themselves are
defined in reports.indicators.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from cases import aging, reviews
from cases.models import Episode
from cases.school_age import academic_year_start
from cases.working_days import add_working_days
from cme_tracker.core import reads

from . import benchmarks
from . import indicators as registry
from .caseload import aging_counts
from .figures import Figure
from .indicators import TIME_OPEN, Indicator, Section
from .models import Commentary, IndicatorTarget
from .periods import Quarter, quarters, year_label


@dataclass
class Row:
    indicator: Indicator
    breakdown: str
    quarters: list  # Q1..Q4 values (None where the quarter has not begun or ended)
    ytd: float | int | None
    trend: list  # YTD of the two previous years, oldest first
    previous_q4: float | int | None = None
    target: object = None  # the indicator's IndicatorTarget, when one is set
    to_date: int | None = None  # index of the quarter not yet ended, shown so far
    against: list | None = None  # a target set against a benchmark: its Q1..Q4 and YTD values

    @property
    def _partial_flow(self) -> int | None:
        """A flow's unfinished quarter: not comparable with a whole one, nor with a target."""
        return self.to_date if self.indicator.kind == "flow" else None

    @property
    def polarity(self) -> str:
        return self.target.polarity if self.target else self.indicator.polarity

    @property
    def rags(self) -> list[str | None]:
        """RAG for each quarter and then the year to date (None without a target)."""
        if self.target is None:
            return [None] * 5
        against = self.against or [None] * 5
        rags = [
            self.target.rag(value, benchmark)
            for value, benchmark in zip([*self.quarters, self.ytd], against, strict=True)
        ]
        if self._partial_flow is not None:
            rags[self._partial_flow] = None
        return rags

    @property
    def directions(self) -> list[str | None]:
        """Each quarter against the one before: up, stable or down."""
        result = []
        before = self.previous_q4
        for index, value in enumerate(self.quarters):
            if value is None or before is None or index == self._partial_flow:
                result.append(None)
            else:
                result.append("up" if value > before else "down" if value < before else "stable")
            before = value
        return result


@dataclass
class Scorecard:
    year: int
    today: date
    rows: list[Row] = field(default_factory=list)
    commentary: dict = field(default_factory=dict)  # {(section, quarter number): text}
    notes: dict = field(default_factory=dict)  # {section title: [footnote]}: the sources

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def quarters(self) -> list[Quarter]:
        return quarters(self.year)

    @property
    def to_date(self) -> Quarter | None:
        """The year's quarter that has begun but not ended: its figures are so far."""
        return next((q for q in self.quarters if q.start <= self.today < q.end), None)

    @property
    def quarter_labels(self) -> list[str]:
        """'Q3 Oct - Dec 2026 (to date)' for the quarter not yet ended."""
        return [q.label + (" (to date)" if q == self.to_date else "") for q in self.quarters]

    @property
    def trend_labels(self) -> list[str]:
        """The two previous years the trend columns show, oldest first."""
        return [year_label(self.year - 2), year_label(self.year - 1)]

    def rows_of(self, indicator: str) -> list[Row]:
        """An indicator's rows: its total, then each breakdown, in the reference order."""
        return [row for row in self.rows if row.indicator.id == indicator]

    def section_commentary(self, section: Section) -> list[str]:
        """The section's performance analysis for Q1 to Q4 ('' where none was written)."""
        return [self.commentary.get((section.title, number), "") for number in (1, 2, 3, 4)]

    def row(self, indicator: str, breakdown: str = "") -> Row:
        return next(
            r for r in self.rows if r.indicator.id == indicator and r.breakdown == breakdown
        )

    def value(self, indicator: str, breakdown: str = "", quarter: int | None = None):
        row = self.row(indicator, breakdown)
        return row.ytd if quarter is None else row.quarters[quarter - 1]


class _Figures:
    """figures[(indicator, breakdown)][quarter] = value, for the twelve quarters, and the
    days from referral to closure of each quarter's resolved cases (for medians)."""

    def __init__(self):
        self.values: dict[tuple[str, str], dict[Quarter, float]] = defaultdict(dict)
        self.days_to_close: dict[Quarter, Counter] = defaultdict(Counter)

    def add(self, indicator, breakdown, quarter, count):
        by_quarter = self.values[(indicator, breakdown)]
        by_quarter[quarter] = by_quarter.get(quarter, 0) + count


def _measures(kind: str) -> list[str]:
    """The kept counts the flows (kind 'flow', medians' days included) or the stocks read."""
    return list(dict.fromkeys(
        count.measure for indicator in registry.INDICATORS for count in indicator.counts
        if count.of not in (FIRST_ENQUIRY, registry.FOUND_BY_SCHOOL_NOTICE,
                            registry.REVIEWED_ON_TIME)
        and (indicator.kind == kind or (indicator.kind == "measure" and kind == "flow"))
    ))  # fmt: skip


FIRST_ENQUIRY = "first_enquiry"  # kept by the day referred, read by _first_enquiry_counts
MEDIAN_DAYS = "median_days_to_close"


def _read_counts(periods: list[Quarter], ends: list[Quarter]) -> list[tuple]:
    """Flows counted in each period, and stocks at each end: the sum of their changes up to
    it."""
    with reads.cursor() as cursor:
        cursor.execute(
            """
            SELECT measure, key, period, count FROM reports_scorecardcount
            WHERE measure = ANY(%(flows)s) AND period BETWEEN %(first)s AND %(last)s
              AND count <> 0
            UNION ALL
            SELECT c.measure, c.key, e.period, sum(c.count)::int
            FROM reports_scorecardcount c JOIN unnest(%(ends)s::int[]) AS e(period)
                 ON c.period <= e.period
            WHERE c.measure = ANY(%(stocks)s)
            GROUP BY c.measure, c.key, e.period HAVING sum(c.count) <> 0
            """,
            {"flows": _measures("flow"), "stocks": _measures("stock"), "first": periods[0].index,
             "last": periods[-1].index, "ends": [end.index for end in ends]},
        )  # fmt: skip
        return cursor.fetchall()


def _add_counts(rows: list[tuple], figures: _Figures, labels: dict, today: date) -> None:
    """Each kept count into the rows of the indicators that show it, by the registry."""
    shown_in = defaultdict(list)
    for indicator in registry.INDICATORS:
        for count in indicator.counts:
            shown_in[count.measure].append((indicator, count))
    for measure, key, index, value in rows:
        quarter = Quarter.at(index)
        on = min(quarter.end, today)  # a quarter not yet ended: as at today
        for indicator, count in shown_in[measure]:
            if indicator.id == MEDIAN_DAYS:
                figures.days_to_close[quarter][int(key)] += value
                continue
            dimension = count.dimension
            if dimension is None or dimension.is_subset:
                row = count.row
            else:
                row = dimension.label(labels.get(dimension.name, {}), key, on, on == quarter.end)
            if row is not None:
                figures.add(indicator.id, row, quarter, value)
            if count.total:
                figures.add(indicator.id, count.total, quarter, value)


def _caseload_today(figures: _Figures, quarter: Quarter, today: date) -> None:
    """Time open and overdue enquiries of the cases active today, for a quarter not yet
    ended: the counts keep these only at quarter ends (months open to a day within a month
    need the day referred), so they come from the cases, as caseload aging counts them."""
    # Active and overdue as at a quarter end, with today as the end: the case list's rules.
    active = Figure("6", quarter.year, quarter.number).cases(today)
    overdue = Figure("overdue_at_end", quarter.year, quarter.number).cases(today)
    counts = (
        aging.with_bands(Episode.objects.filter(active), today)
        .annotate(has_overdue=Q(overdue))
        .aggregate(**aging_counts())
    )
    for band, label in enumerate(TIME_OPEN):
        figures.values[("12", label)][quarter] = counts[f"band{band}"]
    figures.values[("overdue_at_end", "")][quarter] = counts["overdue"]


def _median(days: Counter) -> float | None:
    """The median of a count of values (as PostgreSQL's percentile_cont(0.5))."""
    return float(statistics.median(days.elements())) if days.total() else None


def _labels() -> dict[str, dict[str, str]]:
    """What each key shows as, for the dimensions of the registry's indicators."""
    names = {c.by for i in registry.INDICATORS for c in i.counts if c.dimension}
    return {name: registry.DIMENSIONS[name].labels() for name in names
            if registry.DIMENSIONS[name].labels}  # fmt: skip


_DAY_ZERO = date(2000, 1, 1)  # the counts keep the day referred as days since this


def _first_enquiry_counts(periods: list[Quarter]) -> dict[Quarter, tuple[int, int]]:
    """{quarter: (new referrals, those with a first enquiry within 5 working days)}."""
    first, last = periods[0].start, periods[-1].end
    allowed = [
        (add_working_days(first + timedelta(days=n), 5) - first - timedelta(days=n)).days
        for n in range((last - first).days + 1)
    ]
    assert max(allowed) < 21, "the counts keep days to a first enquiry only up to 21"
    with reads.cursor() as cursor:
        cursor.execute(
            """
            SELECT reports_quarter(date '2000-01-01' + period), sum(count)::int,
                   (sum(count) FILTER (WHERE CASE WHEN key = 'none' THEN false ELSE
                       key::int <= (%(allowed)s::int[])[period - %(first)s + 1] END))::int
            FROM reports_scorecardcount
            WHERE measure = %(measure)s AND period BETWEEN %(first)s AND %(last)s
            GROUP BY 1
            """,
            {"allowed": allowed, "measure": FIRST_ENQUIRY, "first": (first - _DAY_ZERO).days,
             "last": (last - _DAY_ZERO).days},
        )  # fmt: skip
        return {Quarter.at(index): (total, quick or 0) for index, total, quick in cursor}


def _found_by_school(figures: _Figures, periods: list[Quarter]) -> None:
    """Cases resolved in each quarter because a school's new-pupil notice found the child:
    counted from the cases as read (a handful a quarter), by the figure's own rule."""
    from django.db.models import Count as Counted
    from django.db.models import Func, IntegerField

    from .figures import found_by_school_notice

    first, last = periods[0].start, periods[-1].end
    rows = (Episode.objects.filter(found_by_school_notice(), closed_on__gte=first,
                                   closed_on__lte=last)
            .annotate(quarter=Func("closed_on", function="reports_quarter",
                                   output_field=IntegerField()))
            .values("quarter").annotate(cases=Counted("pk")))  # fmt: skip
    found = figures.values[(registry.FOUND_BY_SCHOOL_NOTICE, "")]
    for row in rows:
        found[Quarter.at(row["quarter"])] = row["cases"]


def _reviewed_on_time(ends: list[Quarter], today: date) -> dict[Quarter, float | None]:
    """The share of cases active at each quarter end (today, for one not yet ended) that
    were not due a manager's review then (``cases.reviews``). None before the first review
    recorded: the tracker holds no oversight to count before it."""
    from django.db.models import Min

    from cases.models import CaseReview

    first = CaseReview.objects.aggregate(first=Min("reviewed_on"))["first"]
    if first is None:
        return {}
    days = {quarter: min(quarter.end, today) for quarter in ends
            if quarter.start <= today and quarter.end >= first}  # fmt: skip
    with reads.cursor() as cursor:
        counts = reviews.on_time_at(cursor, sorted(set(days.values())))
    return {quarter: _share([counts.get(day, (0, 0))]) for quarter, day in days.items()}


def _rates(figures: _Figures, quarters_shown: list[Quarter], today: date) -> list[str]:
    """Active cases per 10,000 children aged 5 to 16 at each quarter end (today, for one not
    yet ended), and the DfE's published rates then; the footnotes naming their sources."""
    data = benchmarks.published()
    days = {quarter: min(quarter.end, today) for quarter in quarters_shown
            if quarter.start <= today}  # fmt: skip
    published = benchmarks.rates_at(data, sorted(set(days.values())))
    rows = {key: figures.values[(registry.ACTIVE_RATE, label)]
            for key, label in [("", ""), *registry.BENCHMARK_ROWS.items()]}  # fmt: skip
    populations, terms = set(), set()
    for quarter, day in days.items():
        people = data.population(academic_year_start(day))
        active = figures.values[("6", "")].get(quarter, 0)
        rows[""][quarter] = round(active / people.children * 10_000, 1) if people else None
        if people:
            populations.add(people.label)
        rates = published.get(day)
        for key in registry.BENCHMARK_ROWS:
            value = getattr(rates, key) if rates else None
            if isinstance(value, benchmarks.Mean):
                value = value.value
            rows[key][quarter] = round(value, 1) if value is not None else None
        if rates:
            terms.add((rates.period.order, rates.period.label, rates.period.release.published_on))
    notes = [f"Rates per 10,000 are of {label}." for label in sorted(populations)]
    if terms:
        named = "; ".join(f"{label}, release published {published_on:%-d %B %Y}"
                          for _, label, published_on in sorted(terms))  # fmt: skip
        notes.append(f"Benchmarks: {benchmarks.SOURCE}, the latest term whose census date is "
                     f"on or before each period end ({named}). Region: {data.region_name}; "
                     f"statistical neighbours' mean of those of the {len(data.neighbours)} set "
                     "with a published rate.")  # fmt: skip
    return notes


def _share(counts: list[tuple[int, int]]) -> float | None:
    total = sum(total for total, _ in counts)
    return round(100 * sum(quick for _, quick in counts) / total, 1) if total else None


@reads.one_snapshot()
def scorecard(year: int, *, today: date | None = None) -> Scorecard:
    """The scorecard for financial year ``year`` (2017 for 2017/18) as it stands ``today``:
    every read from one moment of the database, on the replica when there is one."""
    today = today or timezone.localdate()
    years = [year - 2, year - 1, year]
    periods = [quarter for y in years for quarter in quarters(y)]
    # Stocks are shown for this year's quarters; earlier years need only their year end.
    ends = [quarters(year - 2)[3], quarters(year - 1)[3], *quarters(year)]
    figures = _Figures()
    # Each change was counted as it committed, so reading writes nothing.
    labels = _labels()
    _add_counts(_read_counts(periods, ends), figures, labels, today)
    first_enquiry = _first_enquiry_counts(periods)
    _found_by_school(figures, periods)
    on_time = _reviewed_on_time(ends, today)
    figures.values[(registry.REVIEWED_ON_TIME, "")].update(on_time)
    to_date = next((q for q in quarters(year) if q.start <= today < q.end), None)
    if to_date:
        _caseload_today(figures, to_date, today)
    notes = _rates(figures, list(dict.fromkeys([*ends, *quarters(year)])), today)
    for end in ends:
        total = figures.values[("6", "")].get(end, 0)
        fsm = figures.values[("13", "")].get(end, 0)
        figures.values[("13", "%")][end] = round(100 * fsm / total, 1) if total else None
    begun = {y: [q for q in quarters(y) if q.start <= today] for y in years}
    for quarter in periods:
        if quarter in figures.days_to_close:
            median = _median(figures.days_to_close[quarter])
            figures.values[(MEDIAN_DAYS, "")][quarter] = median
        if quarter in first_enquiry:
            share = _share([first_enquiry[quarter]])
            figures.values[("first_enquiry_5_days", "")][quarter] = share
    # Measures over a year are taken over all its cases, not from the quarters' figures.
    year_measures = {
        MEDIAN_DAYS: {
            y: _median(sum((figures.days_to_close[q] for q in begun[y]), Counter())) for y in years
        },
        "first_enquiry_5_days": {
            y: _share([first_enquiry[q] for q in begun[y] if q in first_enquiry]) for y in years
        },
        # A share at a quarter end: the year's is at its latest quarter end passed.
        registry.REVIEWED_ON_TIME: {
            y: next(
                (on_time[q] for q in reversed(quarters(y)) if q.end <= today and q in on_time), None
            )
            for y in years
        },
    }
    result = Scorecard(year=year, today=today)
    if notes:
        caseload = next(s for s in registry.SECTIONS if registry.ACTIVE_RATE in s.indicators)
        result.notes[caseload.title] = notes
    targets = {target.indicator: target for target in IndicatorTarget.objects.all()}
    result.commentary = {
        (c.section, c.quarter): c.text for c in Commentary.objects.filter(year=year)
    }
    for indicator in registry.INDICATORS:
        for breakdown in indicator.rows(labels):
            values = figures.values.get((indicator.id, breakdown), {})
            per_year = {y: _year_values(indicator, values, y, today) for y in years}
            if indicator.id in year_measures:
                per_year = {y: (shown, year_measures[indicator.id][y])
                            for y, (shown, _) in per_year.items()}  # fmt: skip
            this = per_year[year]
            result.rows.append(
                Row(
                    indicator=indicator,
                    breakdown=breakdown,
                    quarters=this[0],
                    ytd=this[1],
                    trend=[per_year[year - 2][1], per_year[year - 1][1]],
                    previous_q4=per_year[year - 1][0][3],
                    target=targets.get(indicator.id) if not breakdown else None,
                    to_date=to_date.number - 1 if to_date else None,
                )
            )
    _against_benchmarks(result)
    return result


def _against_benchmarks(card: Scorecard) -> None:
    """A target set against a benchmark is rated, quarter by quarter, against its row."""
    for row in card.rows_of(registry.ACTIVE_RATE):
        if row.target is not None and row.target.benchmark:
            benchmark = card.row(
                registry.ACTIVE_RATE, registry.BENCHMARK_ROWS[row.target.benchmark]
            )
            row.against = [*benchmark.quarters, benchmark.ytd]


def _year_values(indicator, values, year, today):
    """The year's four quarter values and its YTD, by the flow/stock rules. A quarter not yet
    ended shows its figures so far: flows to date, stocks as at today."""
    shown = []
    for quarter in quarters(year):
        if quarter.start > today:
            shown.append(None)  # not begun
        else:
            shown.append(values.get(quarter, None if indicator.kind == "measure" else 0))
    if indicator.kind == "stock":  # the latest quarter end passed (a share may have none)
        ended = [value for quarter, value in zip(quarters(year), shown, strict=True)
                 if quarter.end <= today]  # fmt: skip
        return shown, ended[-1] if ended else None
    return shown, _ytd(indicator, shown)


def _ytd(indicator, shown):
    present = [value for value in shown if value is not None]
    if not present or indicator.kind == "measure":
        return None  # measures' YTD is computed over the whole year, not from quarters
    return sum(present)
