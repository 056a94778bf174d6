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

from cases import aging
from cases.models import (
    Area,
    ClosureOutcome,
    Episode,
    EthnicityGroup,
    Gender,
    Locality,
    OpenToService,
    PresentingNeed,
    SchoolPhase,
)
from cases.school_age import YEAR_GROUPS, academic_year_start, year_group_label
from cases.working_days import add_working_days
from cme_tracker.core import reads

from .caseload import aging_counts
from .figures import Figure
from .indicators import (
    FAMILY_SIZES,
    INDICATORS,
    NO_DATA,
    NO_LOCALITY,
    NOT_KNOWN,
    TIME_OPEN,
    Indicator,
    Section,
)
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
        rags = [self.target.rag(value) for value in [*self.quarters, self.ytd]]
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


# How each kept count is shown: its indicator, and the kind of thing its key names (None for
# the indicator's total row). Counts of other measures are turned into rows in _add_counts.
_SHOWN_AS = {
    "referred": ("1a", None),
    "referred.previously": ("1b", None),
    "referred.gender": ("2", "gender"),
    "referred.locality": ("3", "locality"),
    "referred.phase": ("4", "phase"),
    "referred.ethnicity": ("5", "ethnicity"),
    "referred.need": ("presenting_need", "need"),
    "referred.open_to": ("open_to", "service"),
    "resolved": ("closure_outcome", "outcome"),
    "active": ("6", None),
    "active.removal": ("8", None),
    "active.gender": ("9", "gender"),
    "active.locality": ("10", "locality"),
    "active.area": ("10", "area"),
    "active.phase": ("11", "phase"),
    "active.fsm": ("13", None),
    "active.ethnicity": ("ethnicity", "ethnicity"),
    "active.overdue": ("overdue_at_end", None),
}
_FLOWS = [measure for measure in _SHOWN_AS if measure.startswith(("referred", "resolved"))]
_FLOWS += ["referred.families", "resolved.days"]
_STOCKS = [measure for measure in _SHOWN_AS if measure.startswith("active")]
_STOCKS += ["active.cohort", "active.month", "family_size"]


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
            {"flows": _FLOWS, "stocks": _STOCKS, "first": periods[0].index,
             "last": periods[-1].index, "ends": [end.index for end in ends]},
        )  # fmt: skip
        return cursor.fetchall()


def _add_counts(rows: list[tuple], figures: _Figures, names: _Names, today: date) -> None:
    for measure, key, index, count in rows:
        quarter = Quarter.at(index)
        on = min(quarter.end, today)  # a quarter not yet ended: as at today
        if measure in _SHOWN_AS:
            indicator, kind = _SHOWN_AS[measure]
            figures.add(indicator, names.label(kind, key) if kind else "", quarter, count)
            if measure == "resolved":
                figures.add("7", "", quarter, count)
        elif measure == "referred.families":
            figures.add("1a", "Families", quarter, count)
        elif measure == "resolved.days":
            figures.days_to_close[quarter][int(key)] += count
        elif measure == "active.cohort":
            year_group = academic_year_start(on) - int(key) - 4
            figures.add("year_group", year_group_label(year_group), quarter, count)
        elif measure == "active.month" and on == quarter.end:  # to date: _caseload_today
            band = _months_band(quarter.end, int(key))
            figures.add("12", TIME_OPEN[band], quarter, count)
        elif measure == "family_size":
            figures.add("family_size", FAMILY_SIZES[int(key) - 1], quarter, count)
            figures.add("family_size", "Total families", quarter, count)


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


def _months_band(end: date, referred: int) -> int:
    """Whole calendar months from referral to a quarter end, as a TIME_OPEN band.

    ``referred`` is the month referred (year * 12 + month) doubled, plus one when referred on
    a 31st: at a quarter end on the 30th that month has not yet been completed.
    """
    month, on_31st = divmod(referred, 2)
    months = end.year * 12 + end.month - month - (on_31st and end.day < 31)
    return next(band for band, (*_, most) in enumerate(aging.TIME_OPEN)
                if most is None or months <= most)  # fmt: skip


def _median(days: Counter) -> float | None:
    """The median of a count of values (as PostgreSQL's percentile_cont(0.5))."""
    return float(statistics.median(days.elements())) if days.total() else None


# What a key of '' (nothing recorded) shows, for the kinds that may have nothing recorded.
_NOT_RECORDED = {"locality": NO_LOCALITY, "ethnicity": NOT_KNOWN, "need": NO_DATA}


@dataclass
class _Names:
    """Labels for the keys the counts are kept by: codes, or ids as text."""

    labels: dict[str, dict[str, str]]

    @classmethod
    def load(cls) -> _Names:
        from cases.models import Ethnicity

        def by_id(rows) -> dict[str, str]:
            return {str(row.pk): row.label for row in rows}

        return cls({
            "gender": dict(Gender.choices),
            "phase": dict(SchoolPhase.choices),
            "area": by_id(Area.objects.all()),
            "locality": by_id(Locality.objects.all()),
            "ethnicity": {str(e.pk): e.group.label if e.group_id else NOT_KNOWN
                          for e in Ethnicity.objects.select_related("group")},
            "need": by_id(PresentingNeed.objects.all()),
            "service": by_id(OpenToService.objects.all()),
            "outcome": by_id(ClosureOutcome.objects.all()),
        })  # fmt: skip

    def label(self, kind: str, key: str) -> str:
        labels = self.labels[kind]
        if kind in _NOT_RECORDED:
            return labels.get(key, _NOT_RECORDED[kind])
        return labels.get(key, key) if kind in ("gender", "phase") else labels[key]


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
            WHERE measure = 'first_enquiry' AND period BETWEEN %(first)s AND %(last)s
            GROUP BY 1
            """,
            {"allowed": allowed, "first": (first - _DAY_ZERO).days,
             "last": (last - _DAY_ZERO).days},
        )  # fmt: skip
        return {Quarter.at(index): (total, quick or 0) for index, total, quick in cursor}


def _share(counts: list[tuple[int, int]]) -> float | None:
    total = sum(total for total, _ in counts)
    return round(100 * sum(quick for _, quick in counts) / total, 1) if total else None


def _breakdowns() -> dict[str, list[str]]:
    """Every row each indicator shows, in the reference data's order, zero or not."""
    localities = [loc.label for loc in Locality.objects.all()] + [NO_LOCALITY]
    areas = [area.label for area in Area.objects.order_by("locality__order", "order")]
    groups = [group.label for group in EthnicityGroup.objects.all()]
    genders = [label for _, label in Gender.choices]
    phases = [label for _, label in SchoolPhase.choices]
    return {
        "1a": ["", "Families"],
        "1b": [""],
        "2": genders,
        "3": localities,
        "4": phases,
        "5": groups,
        "6": [""],
        "7": [""],
        "8": [""],
        "9": genders,
        "10": localities + areas,
        "11": phases,
        "12": TIME_OPEN,
        "13": ["", "%"],
        "year_group": YEAR_GROUPS,
        "ethnicity": groups,
        "family_size": [*FAMILY_SIZES, "Total families"],
        "presenting_need": [need.label for need in PresentingNeed.objects.all()],
        "open_to": [service.label for service in OpenToService.objects.all()],
        "closure_outcome": [outcome.label for outcome in ClosureOutcome.objects.all()],
        "median_days_to_close": [""],
        "first_enquiry_5_days": [""],
        "overdue_at_end": [""],
    }


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
    _add_counts(_read_counts(periods, ends), figures, _Names.load(), today)
    first_enquiry = _first_enquiry_counts(periods)
    to_date = next((q for q in quarters(year) if q.start <= today < q.end), None)
    if to_date:
        _caseload_today(figures, to_date, today)
    for end in ends:
        total = figures.values[("6", "")].get(end, 0)
        fsm = figures.values[("13", "")].get(end, 0)
        figures.values[("13", "%")][end] = round(100 * fsm / total, 1) if total else None
    begun = {y: [q for q in quarters(y) if q.start <= today] for y in years}
    for quarter in periods:
        if quarter in figures.days_to_close:
            median = _median(figures.days_to_close[quarter])
            figures.values[("median_days_to_close", "")][quarter] = median
        if quarter in first_enquiry:
            share = _share([first_enquiry[quarter]])
            figures.values[("first_enquiry_5_days", "")][quarter] = share
    # Measures over a year are taken over all its cases, not from the quarters' figures.
    year_measures = {
        "median_days_to_close": {
            y: _median(sum((figures.days_to_close[q] for q in begun[y]), Counter())) for y in years
        },
        "first_enquiry_5_days": {
            y: _share([first_enquiry[q] for q in begun[y] if q in first_enquiry]) for y in years
        },
    }
    result = Scorecard(year=year, today=today)
    breakdowns = _breakdowns()
    targets = {target.indicator: target for target in IndicatorTarget.objects.all()}
    result.commentary = {
        (c.section, c.quarter): c.text for c in Commentary.objects.filter(year=year)
    }
    for indicator in INDICATORS:
        for breakdown in breakdowns[indicator.id]:
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
    return result


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
