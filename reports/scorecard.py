"""The quarterly CME scorecard, computed by the rules in the domain notes.

Every figure for three financial years (the year asked for and the two before, for the
year-on-year trend) comes from a handful of aggregate queries, each one scan with GROUPING
SETS, never a query per child or per episode.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from cases.models import (
    Area,
    ClosureOutcome,
    EthnicityGroup,
    Gender,
    Locality,
    OpenToService,
    PresentingNeed,
    SchoolPhase,
)
from cases.school_age import year_group_label

from .periods import Quarter, quarters, year_label

NO_LOCALITY = "No Locality Registered"
NOT_KNOWN = "Not known"
NO_DATA = "No data / other"
TIME_OPEN = ["6 months or less", "7-12 months", "13-18 months", "over 18 months"]
FAMILY_SIZES = ["1 child", "2 children", "3 children", "4 children", "5 or more children"]
YEAR_GROUPS = ["Reception", *[f"Year {n}" for n in range(1, 12)], "Unknown"]


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    kind: str  # "flow" (sum over quarters) or "stock" (value at a quarter end)
    polarity: str = "info"  # info, higher, lower
    definition: str = ""


INDICATORS = [
    Indicator("1a", "New referrals in the period", "flow",
              definition="Episodes whose referral date falls in the period; Families counts "
              "each sibling group once."),
    Indicator("1b", "Of those, previously CME", "flow",
              definition="New referrals of children with an earlier episode."),
    Indicator("2", "New referrals by gender", "flow"),
    Indicator("3", "New referrals by locality", "flow"),
    Indicator("4", "New referrals by school phase", "flow"),
    Indicator("5", "New referrals by ethnicity group", "flow"),
    Indicator("6", "Active cases at the period end", "stock",
              definition="Referred on or before the end and not closed by then."),
    Indicator("7", "Cases resolved in the period", "flow",
              definition="Episodes whose closure date falls in the period."),
    Indicator("8", "Active cases whose school is authorised to remove them from roll", "stock"),
    Indicator("9", "Active cases by gender", "stock"),
    Indicator("10", "Active cases by locality", "stock"),
    Indicator("11", "Active cases by school phase", "stock"),
    Indicator("12", "Active cases by time open", "stock",
              definition="Whole calendar months from referral to the period end."),
    Indicator("13", "Active cases eligible for free school meals", "stock"),
    Indicator("year_group", "Active cases by year group", "stock"),
    Indicator("ethnicity", "Active cases by ethnicity group", "stock"),
    Indicator("family_size", "Families with active cases by size", "stock"),
    Indicator("presenting_need", "New referrals by presenting need", "flow"),
    Indicator("open_to", "New referrals open to services", "flow"),
    Indicator("closure_outcome", "Resolved cases by outcome", "flow"),
    Indicator("median_days_to_close", "Median days from referral to closure, cases resolved",
              "measure", polarity="lower"),
    Indicator("first_enquiry_5_days",
              "New referrals with a first enquiry within 5 working days (%)", "measure",
              polarity="higher",
              definition="Share of the period's new referrals whose first enquiry was made "
              "within 5 working days (weekends and bank holidays excluded)."),
    Indicator("overdue_at_end", "Active cases with an overdue enquiry at the period end",
              "stock", polarity="lower"),
]  # fmt: skip
BY_ID = {indicator.id: indicator for indicator in INDICATORS}


@dataclass(frozen=True)
class Section:
    """A part of the scorecard: its heading (commentary is kept under it), its sheet name in
    the workbook (Excel allows 31 characters) and its indicators."""

    title: str
    sheet: str
    indicators: tuple[str, ...]


SECTIONS = [
    Section("New referrals", "New referrals",
            ("1a", "1b", "2", "3", "4", "5", "presenting_need", "open_to")),
    Section("Current caseload at the quarter end", "Current caseload",
            ("6", "8", "9", "10", "11", "12", "13", "year_group", "ethnicity", "family_size",
             "overdue_at_end")),
    Section("Resolved cases", "Resolved",
            ("7", "closure_outcome", "median_days_to_close", "first_enquiry_5_days")),
]  # fmt: skip


@dataclass
class Row:
    indicator: Indicator
    breakdown: str
    quarters: list  # Q1..Q4 values (None where the quarter has not begun or ended)
    ytd: float | int | None
    trend: list  # YTD of the two previous years, oldest first
    previous_q4: float | int | None = None
    target: object = None  # the indicator's IndicatorTarget, when one is set

    @property
    def polarity(self) -> str:
        return self.target.polarity if self.target else self.indicator.polarity

    @property
    def rags(self) -> list[str | None]:
        """RAG for each quarter and then the year to date (None without a target)."""
        if self.target is None:
            return [None] * 5
        return [self.target.rag(value) for value in [*self.quarters, self.ytd]]

    @property
    def directions(self) -> list[str | None]:
        """Each quarter against the one before: up, stable or down."""
        result = []
        before = self.previous_q4
        for value in self.quarters:
            if value is None or before is None:
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
    def trend_labels(self) -> list[str]:
        """The two previous years the trend columns show, oldest first."""
        return [year_label(self.year - 2), year_label(self.year - 1)]

    def row(self, indicator: str, breakdown: str = "") -> Row:
        return next(
            r for r in self.rows if r.indicator.id == indicator and r.breakdown == breakdown
        )

    def value(self, indicator: str, breakdown: str = "", quarter: int | None = None):
        row = self.row(indicator, breakdown)
        return row.ytd if quarter is None else row.quarters[quarter - 1]


class _Figures:
    """figures[(indicator, breakdown)][quarter] = value, for the twelve quarters."""

    def __init__(self):
        self.values: dict[tuple[str, str], dict[Quarter, float]] = defaultdict(dict)
        self._names = None

    @property
    def names(self) -> _Names:
        """Labels for the ids the queries group by, loaded once per scorecard."""
        if self._names is None:
            self._names = _Names.load()
        return self._names

    def add(self, indicator, breakdown, quarter, value):
        self.values[(indicator, breakdown or "")][quarter] = value


def _run(sql: str, periods: list) -> list[tuple]:
    """Run a flow query over consecutive quarters: ``%(first)s``/``%(last)s`` bound them and
    ``_quarter`` of a date column gives its quarter's position in ``periods``."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "n": list(range(len(periods))),
                "s": [p.start for p in periods],
                "e": [p.end for p in periods],
                "first": periods[0].start,
                "last": periods[-1].end,
                "first_quarter": periods[0].year * 4 if isinstance(periods[0], Quarter) else 0,
            },
        )
        return cursor.fetchall()


def _quarter(column: str) -> str:
    """The position of a date's financial quarter among the periods, by arithmetic."""
    return (
        f"((date_part('year', {column})::int * 12 + date_part('month', {column})::int - 4)"
        " / 3 - %(first_quarter)s)"
    )


def _grouped_by(grouping: int, dimensions: list[str]) -> str | None:
    """The one dimension a GROUPING SETS row is broken down by (None for the total row)."""
    names = [name for k, name in enumerate(dimensions)
             if not grouping & (1 << (len(dimensions) - 1 - k))]  # fmt: skip
    return names[0] if names else None


_PERIODS = "p(n, s, e) AS (SELECT * FROM unnest(%(n)s::int[], %(s)s::date[], %(e)s::date[]))"


def _new_referrals(periods, figures):
    rows = _run(
        f"""
        WITH ep AS (
            SELECT {_quarter("e.referral_date")} AS n, c.gender, e.locality_id,
                   e.school_phase, c.ethnicity_id, e.presenting_need_id,
                   EXISTS (SELECT 1 FROM cases_episode o WHERE o.child_id = e.child_id
                           AND o.referral_date < e.referral_date) AS previously
            FROM cases_episode e JOIN cases_child c ON c.id = e.child_id
            WHERE e.referral_date BETWEEN %(first)s AND %(last)s
        )
        SELECT n, GROUPING(gender, locality_id, school_phase, ethnicity_id, presenting_need_id,
                           previously),
               gender, locality_id, school_phase, ethnicity_id, presenting_need_id,
               previously, count(*)::int
        FROM ep
        GROUP BY GROUPING SETS ((n), (n, gender), (n, locality_id), (n, school_phase),
                                (n, ethnicity_id), (n, presenting_need_id), (n, previously))
        """,
        periods,
    )
    names = figures.names
    label = {
        "gender": ("2", names.gender.get),
        "locality": ("3", names.locality),
        "school_phase": ("4", names.phase.get),
        "ethnicity": ("5", names.ethnicity_group),
        "need": ("presenting_need", names.need),
    }
    dimensions = ["gender", "locality", "school_phase", "ethnicity", "need", "previously"]
    for n, grouping, *values, count in rows:
        quarter = periods[n]
        by = _grouped_by(grouping, dimensions)
        value = dict(zip(dimensions, values, strict=True)).get(by)
        if by is None:
            figures.add("1a", "", quarter, count)
        elif by == "previously":
            if value:
                figures.add("1b", "", quarter, count)
        else:
            indicator, name = label[by]
            key = (indicator, name(value))
            figures.values[key][quarter] = figures.values[key].get(quarter, 0) + count


def _new_families(periods, figures):
    """Sibling groups referred in each period; a child with no family is a family of one."""
    rows = _run(
        f"""
        SELECT n, count(*)::int FROM (
            SELECT DISTINCT {_quarter("e.referral_date")} AS n,
                   COALESCE(c.family_id, -c.id) AS family_key
            FROM cases_episode e JOIN cases_child c ON c.id = e.child_id
            WHERE e.referral_date BETWEEN %(first)s AND %(last)s
        ) AS families GROUP BY n
        """,
        periods,
    )
    for n, families in rows:
        figures.add("1a", "Families", periods[n], families)


def _open_to(periods, figures):
    rows = _run(
        f"""
        SELECT {_quarter("e.referral_date")} AS n, s.label, count(*) FROM cases_episode e
        JOIN cases_episode_open_to_services m ON m.episode_id = e.id
        JOIN cases_opentoservice s ON s.id = m.opentoservice_id
        WHERE e.referral_date BETWEEN %(first)s AND %(last)s
        GROUP BY 1, s.label
        """,
        periods,
    )
    for n, label, count in rows:
        figures.add("open_to", label, periods[n], count)


def _at_ends(sql: str, ends: list[Quarter]) -> list[tuple]:
    """Run a stock query: ``%(ends)s`` is the sorted period ends, ``%(first)s`` and
    ``%(last)s`` the first and last."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {"ends": [q.end for q in ends], "first": ends[0].end, "last": ends[-1].end,
             "count": len(ends)},
        )  # fmt: skip
        return cursor.fetchall()


# An episode is active at the period ends numbered r to c - 1: r counts the ends before its
# referral, c the ends before its closure (all of them while it is open). So each episode is
# read once, whatever the number of ends, and the stocks are summed over those ranges.
_RANGE = (
    "width_bucket(e.referral_date - 1, %(ends)s::date[]) AS r, "
    "COALESCE(width_bucket(e.closed_on - 1, %(ends)s::date[]), %(count)s) AS c"
)
_CAN_BE_ACTIVE = "e.referral_date <= %(last)s AND (e.closed_on IS NULL OR e.closed_on > %(first)s)"


def _active(ends: list[Quarter], figures):
    """Stocks at each period end: active cases and their breakdowns."""
    rows = _at_ends(
        f"""
        WITH ep AS (
            SELECT {_RANGE}, c.gender, c.ethnicity_id, e.locality_id, e.area_id,
                   e.school_phase, COALESCE(e.fsm_at_referral, false) AS fsm,
                   date_part('year', c.date_of_birth)::int
                   + (date_part('month', c.date_of_birth) >= 9)::int AS cohort,
                   date_part('year', e.referral_date)::int * 12
                   + date_part('month', e.referral_date)::int AS referral_month,
                   date_part('day', e.referral_date)::int AS referral_day,
                   width_bucket(e.removal_from_roll_authorised_on - 1, %(ends)s::date[])
                   AS removal
            FROM cases_episode e JOIN cases_child c ON c.id = e.child_id
            WHERE {_CAN_BE_ACTIVE}
        )
        SELECT r, c, GROUPING(gender, ethnicity_id, locality_id, area_id, school_phase, fsm,
                              cohort, referral_month, removal),
               gender, ethnicity_id, locality_id, area_id, school_phase, fsm, cohort,
               referral_month, referral_day, removal, count(*)::int
        FROM ep WHERE c > r
        GROUP BY GROUPING SETS ((r, c), (r, c, gender), (r, c, ethnicity_id),
                                (r, c, locality_id), (r, c, area_id), (r, c, school_phase),
                                (r, c, fsm), (r, c, cohort),
                                (r, c, referral_month, referral_day), (r, c, removal))
        """,
        ends,
    )
    names = figures.names
    dimensions = ["gender", "ethnicity", "locality", "area", "school_phase", "fsm", "cohort",
                  "months", "removal"]  # fmt: skip
    totals: dict[Quarter, int] = defaultdict(int)
    counts: dict[tuple[str, str], dict[Quarter, int]] = defaultdict(lambda: defaultdict(int))
    for r, c, grouping, *values, count in rows:
        by = _grouped_by(grouping, dimensions)
        gender, ethnicity, locality, area, phase, fsm, cohort, month, day, removal = values
        for k in range(r, c):
            end = ends[k]
            if by is None:
                totals[end] += count
                key = ("6", "")
            elif by == "gender":
                key = ("9", names.gender[gender])
            elif by == "ethnicity":
                key = ("ethnicity", names.ethnicity_group(ethnicity))
            elif by == "locality":
                key = ("10", names.locality(locality))
            elif by == "area":
                if area is None:
                    continue
                key = ("10", names.area[area])
            elif by == "school_phase":
                key = ("11", names.phase[phase])
            elif by == "fsm":
                if not fsm:
                    continue
                key = ("13", "")
            elif by == "cohort":
                key = ("year_group", year_group_label(_academic_year(end.end) - cohort - 4))
            elif by == "months":
                key = ("12", TIME_OPEN[_months_band(end.end, month, day)])
            else:  # removal from roll authorised by this end
                if removal is None or removal > k:
                    continue
                key = ("8", "")
            counts[key][end] += count
    for key, by_end in counts.items():
        for end, count in by_end.items():
            figures.add(*key, end, count)
    for end in ends:
        total = totals.get(end, 0)
        figures.add("6", "", end, total)
        fsm = counts[("13", "")].get(end, 0)
        figures.add("13", "%", end, round(100 * fsm / total, 1) if total else None)
    _overdue_at_ends(ends, figures)


def _academic_year(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _months_band(end: date, referral_month: int, referral_day: int) -> int:
    """Whole calendar months from referral to the period end, as a TIME_OPEN band."""
    months = end.year * 12 + end.month - referral_month - (end.day < referral_day)
    return 0 if months <= 6 else 1 if months <= 12 else 2 if months <= 18 else 3


def _overdue_at_ends(ends: list[Quarter], figures):
    """Active cases with an enquiry overdue at each period end (each case once)."""
    rows = _at_ends(
        f"""
        WITH overdue AS (
            SELECT q.episode_id,
                   greatest(width_bucket(q.requested_on - 1, %(ends)s::date[]),
                            width_bucket(q.due_on, %(ends)s::date[])) AS r,
                   COALESCE(width_bucket(q.completed_on - 1, %(ends)s::date[]), %(count)s) AS c
            FROM cases_enquiry q
            WHERE q.requested_on <= %(last)s AND q.due_on < %(last)s
              AND (q.completed_on IS NULL OR q.completed_on > %(first)s)
        )
        SELECT k, count(DISTINCT o.episode_id)::int
        FROM overdue o JOIN cases_episode e ON e.id = o.episode_id,
             LATERAL (SELECT {_RANGE}) AS active,
             generate_series(greatest(o.r, active.r), least(o.c, active.c) - 1) AS k
        GROUP BY k
        """,
        ends,
    )
    for k, count in rows:
        figures.add("overdue_at_end", "", ends[k], count)


@dataclass
class _Names:
    """Labels for the ids and codes the stock queries group by."""

    gender: dict
    phase: dict
    area: dict
    localities: dict
    groups: dict
    needs: dict

    @classmethod
    def load(cls) -> _Names:
        from cases.models import Ethnicity

        return cls(
            gender=dict(Gender.choices),
            phase=dict(SchoolPhase.choices),
            area={a.pk: a.label for a in Area.objects.all()},
            localities={loc.pk: loc.label for loc in Locality.objects.all()},
            groups={
                e.pk: e.group.label if e.group_id else NOT_KNOWN
                for e in Ethnicity.objects.select_related("group")
            },
            needs={need.pk: need.label for need in PresentingNeed.objects.all()},
        )

    def need(self, pk) -> str:
        return self.needs.get(pk, NO_DATA)

    def locality(self, pk) -> str:
        return self.localities.get(pk, NO_LOCALITY)

    def ethnicity_group(self, pk) -> str:
        return self.groups.get(pk, NOT_KNOWN)


def _deadlines(first: date, last: date) -> tuple[list[date], list[date]]:
    """Each date in the window, and the date five working days after it."""
    from datetime import timedelta

    from cases.working_days import add_working_days

    days, deadlines = [], []
    day = first
    while day <= last:
        days.append(day)
        deadlines.append(add_working_days(day, 5))
        day += timedelta(days=1)
    return days, deadlines


def _first_enquiry_share(spans, labels) -> dict:
    """{label: % of new referrals in the span with a first enquiry within 5 working days}."""
    days, deadlines = _deadlines(min(s.start for s in spans), max(s.end for s in spans))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH {_PERIODS},
            deadline(day, due) AS (SELECT * FROM unnest(%(days)s::date[], %(due)s::date[]))
            SELECT p.n, count(*),
                   count(*) FILTER (WHERE (SELECT min(q.requested_on) FROM cases_enquiry q
                                           WHERE q.episode_id = e.id) <= d.due)
            FROM cases_episode e JOIN p ON e.referral_date BETWEEN p.s AND p.e
            JOIN deadline d ON d.day = e.referral_date
            GROUP BY p.n
            """,
            {"n": list(range(len(spans))), "s": [x.start for x in spans],
             "e": [x.end for x in spans], "days": days, "due": deadlines},
        )  # fmt: skip
        rows = cursor.fetchall()
    return {labels[n]: round(100 * quick / total, 1) for n, total, quick in rows if total}


def _family_sizes(ends: list[Quarter], figures):
    """Families with active cases at each period end, by how many of their children."""
    rows = _at_ends(
        f"""
        WITH ep AS (
            SELECT {_RANGE}, COALESCE(c.family_id, -c.id) AS family_key
            FROM cases_episode e JOIN cases_child c ON c.id = e.child_id
            WHERE {_CAN_BE_ACTIVE}
        ), families AS (
            SELECT k, family_key, count(*) AS size
            FROM ep, generate_series(r, c - 1) AS k GROUP BY k, family_key
        )
        SELECT k, LEAST(size, 5)::int, count(*)::int FROM families
        GROUP BY ROLLUP (k, LEAST(size, 5))
        """,
        ends,
    )
    for k, size, count in rows:
        if k is None:
            continue
        label = "Total families" if size is None else FAMILY_SIZES[size - 1]
        figures.add("family_size", label, ends[k], count)


def _resolved(periods, figures):
    rows = _run(
        f"""
        SELECT {_quarter("e.closed_on")} AS n, GROUPING(o.label), o.label, count(*),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY e.closed_on - e.referral_date)
        FROM cases_episode e JOIN cases_closureoutcome o ON o.id = e.closure_outcome_id
        WHERE e.closed_on BETWEEN %(first)s AND %(last)s
        GROUP BY GROUPING SETS ((1), (1, o.label))
        """,
        periods,
    )
    for n, grouping, outcome, count, median in rows:
        if grouping:
            figures.add("7", "", periods[n], count)
            figures.add("median_days_to_close", "", periods[n], float(median))
        else:
            figures.add("closure_outcome", outcome, periods[n], count)


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


def scorecard(year: int, *, today: date | None = None) -> Scorecard:
    """The scorecard for financial year ``year`` (2017 for 2017/18) as it stands ``today``."""
    today = today or timezone.localdate()
    years = [year - 2, year - 1, year]
    periods = [quarter for y in years for quarter in quarters(y)]
    figures = _Figures()
    # Stocks are shown for this year's quarters; earlier years need only their year end.
    ends = [quarters(year - 2)[3], quarters(year - 1)[3], *quarters(year)]
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # Room to group a large caseload in memory rather than sorting it on disk.
        cursor.execute("SET LOCAL work_mem TO '64MB'")
        for compute in (_new_referrals, _new_families, _open_to, _resolved):
            compute(periods, figures)
        for compute in (_active, _family_sizes):
            compute(ends, figures)
    result = Scorecard(year=year, today=today)
    medians = _median_by_year(years, today)
    this_year = quarters(year)
    year_spans = [_Span(quarters(y)[0].start, min(quarters(y)[3].end, today)) for y in years]
    first_enquiry = _first_enquiry_share(this_year + year_spans,
                                         [*this_year, *[("year", y) for y in years]])  # fmt: skip
    for quarter in this_year:
        if quarter in first_enquiry:
            figures.add("first_enquiry_5_days", "", quarter, first_enquiry[quarter])
    breakdowns = _breakdowns()
    from .models import Commentary, IndicatorTarget

    targets = {target.indicator: target for target in IndicatorTarget.objects.all()}
    result.commentary = {
        (c.section, c.quarter): c.text for c in Commentary.objects.filter(year=year)
    }
    for indicator in INDICATORS:
        for breakdown in breakdowns[indicator.id]:
            values = figures.values.get((indicator.id, breakdown), {})
            per_year = {y: _year_values(indicator, values, y, today) for y in years}
            if indicator.id == "median_days_to_close":
                per_year = {y: (shown, medians[y]) for y, (shown, _) in per_year.items()}
            elif indicator.id == "first_enquiry_5_days":
                per_year = {y: (shown, first_enquiry.get(("year", y)))
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
                )
            )
    return result


def _year_values(indicator, values, year, today):
    """The year's four quarter values and its YTD, by the flow/stock rules."""
    shown = []
    for quarter in quarters(year):
        if quarter.start > today:
            shown.append(None)  # not begun
        elif indicator.kind != "flow" and quarter.end > today:
            shown.append(None)  # a stock is read at a quarter end that has passed
        else:
            shown.append(values.get(quarter, None if indicator.kind == "measure" else 0))
    return shown, _ytd(indicator, shown)


def _ytd(indicator, shown):
    present = [value for value in shown if value is not None]
    if not present or indicator.kind == "measure":
        return None  # measures' YTD is computed over the whole year, not from quarters
    if indicator.kind == "flow":
        return sum(present)
    return present[-1]


@dataclass(frozen=True)
class _Span:
    start: date
    end: date


def _median_by_year(years: list[int], today: date) -> dict[int, float | None]:
    spans = [_Span(quarters(y)[0].start, min(quarters(y)[3].end, today)) for y in years]
    rows = _run(
        f"""
        WITH {_PERIODS}
        SELECT p.n, percentile_cont(0.5) WITHIN GROUP (ORDER BY e.closed_on - e.referral_date)
        FROM cases_episode e JOIN p ON e.closed_on BETWEEN p.s AND p.e GROUP BY p.n
        """,
        spans,
    )
    found = {years[n]: float(median) for n, median in rows}
    return {y: found.get(y) for y in years}
