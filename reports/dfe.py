"""The DfE's termly CME return, in the DfE's own categories, from the case data.

CME at the census date is every episode active on it: referred on or before it and not
closed, or closed after it (an episode closed on the census date is not counted). It is
broken down by sex, year group, length of time missing and primary reason, every category
listed, zeros included. CME at any point in the academic year counts each child once.
docs/dfe-return.md gives the rules and how the tracker's own values map to the DfE's.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)

from cases import aging
from cases.models import DfeReason, Episode, Gender
from cases.school_age import (
    YEAR_GROUPS,
    academic_year_start,
    is_compulsory_school_age,
    year_group,
    year_group_label,
)
from cme_tracker.core import reads

from .models import CensusDate

TOTAL = "Total"
# The DfE's sex categories, and the tracker's values each one counts.
SEXES = [("Female", {Gender.FEMALE}), ("Male", {Gender.MALE}),
         ("Unknown", {Gender.OTHER, Gender.NOT_KNOWN})]  # fmt: skip
# Length of time missing: whole days from going missing to the census date, fewest and most.
TIME_MISSING = [
    ("Less than 2 weeks", 0, 13),
    ("2 to 4 weeks", 14, 27),
    ("4 to 8 weeks", 28, 55),
    ("8 to 12 weeks", 56, 83),
    ("12 to 26 weeks", 84, 181),
    ("26 to 52 weeks", 182, 363),
    ("Over 52 weeks", 364, None),
]
NO_DATE = "Unknown"  # the band of an episode with no date it went missing
BANDS = [label for label, _, _ in TIME_MISSING] + [NO_DATE]
# The CSV's breakdown keys, in order, and the headings the page gives them.
BREAKDOWNS = {
    "total": "CME at the census date",
    "sex": "By sex",
    "year_group": "By year group",
    "time_missing": "By length of time missing",
    "reason": "By primary reason",
    "any_point_in_year": "CME at any point in the academic year",
}
FIX_FIRST_SHOWN = 25  # cases listed under each thing to fix; the rest are counted


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def census_dates(academic_year: int, years: int = 1) -> list[tuple[str, date]]:
    """(term, date) of each census date of ``years`` academic years from ``academic_year``:
    those set in the admin, else the school census days (first Thursday of October, third
    Thursday of January, third Thursday of May). One query."""
    chosen = {(c.academic_year, c.term): c.date for c in CensusDate.objects.filter(
        academic_year__gte=academic_year, academic_year__lt=academic_year + years)}  # fmt: skip
    dates = []
    for year in range(academic_year, academic_year + years):
        defaults = {
            CensusDate.Term.AUTUMN: _nth_weekday(year, 10, 3, 1),
            CensusDate.Term.SPRING: _nth_weekday(year + 1, 1, 3, 3),
            CensusDate.Term.SUMMER: _nth_weekday(year + 1, 5, 3, 3),
        }
        dates += [(CensusDate.Term(term).label, chosen.get((year, term), day))
                  for term, day in defaults.items()]  # fmt: skip
    return dates


YEARS_OFFERED = 3  # census dates of this academic year and the two before


def offered_dates(today: date) -> list[tuple[str, date]]:
    """(term, census date) for each census date the page offers, newest first."""
    year = academic_year_start(today)
    dates = census_dates(year - YEARS_OFFERED + 1, years=YEARS_OFFERED)
    return sorted(dates, key=lambda item: item[1], reverse=True)


def active_on_q(day: date) -> Q:
    """Episodes active on ``day``: referred on or before it, not closed on or before it."""
    return Q(referral_date__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def active_between_q(first: date, last: date) -> Q:
    """Episodes active on any day from ``first`` to ``last``."""
    return Q(referral_date__lte=last) & (Q(closed_on__isnull=True) | Q(closed_on__gt=first))


def _band(census_date: date) -> Case:
    """The episode's length-of-time-missing band at the census date, by index in BANDS. A
    school left after the census date (a late correction) counts as less than 2 weeks."""
    return Case(
        *[When(Q(missing_since__gte=census_date - timedelta(days=high)), then=Value(i))
          for i, (_, _, high) in enumerate(TIME_MISSING) if high is not None],
        When(missing_since__isnull=False, then=Value(len(TIME_MISSING) - 1)),
        default=Value(len(TIME_MISSING)),
        output_field=IntegerField(),
    )  # fmt: skip


@dataclass
class Return:
    """One census date's figures. Each breakdown is [(category, count)], every category."""

    census_date: date
    academic_year: int
    total: int
    by_sex: list[tuple[str, int]]
    by_year_group: list[tuple[str, int]]
    by_time_missing: list[tuple[str, int]]
    by_reason: list[tuple[str, int]]
    any_point_in_year: int
    # reason, its count in each band of BANDS, and its total: the team's own cross-table
    reasons_by_time_missing: list[tuple[str, list[int], int]] = field(default_factory=list)
    # for what to fix first: the children's birthdays outside compulsory school age at the
    # census date, with the cases each has, and the cases with no reason
    outside_school_age: dict = field(default_factory=dict)
    no_reason: int = 0

    @property
    def year_label(self) -> str:
        return f"{self.academic_year}/{(self.academic_year + 1) % 100:02d}"

    def breakdowns(self) -> list[tuple[str, str, list[tuple[str, int]]]]:
        """(key, heading, items) for each breakdown of the total."""
        return [
            ("sex", BREAKDOWNS["sex"], self.by_sex),
            ("year_group", BREAKDOWNS["year_group"], self.by_year_group),
            ("time_missing", BREAKDOWNS["time_missing"], self.by_time_missing),
            ("reason", BREAKDOWNS["reason"], self.by_reason),
        ]

    def adds_up(self) -> bool:
        """Every breakdown sums to the total, as the DfE's checks require."""
        return all(sum(n for _, n in items) == self.total for _, _, items in self.breakdowns())

    def rows(self) -> list[tuple[str, str, int]]:
        """(breakdown, category, count): the CSV's rows and what a submission freezes."""
        rows = [("total", TOTAL, self.total)]
        for key, _, items in self.breakdowns():
            rows += [(key, category, count) for category, count in items]
        rows.append(("any_point_in_year", TOTAL, self.any_point_in_year))
        return rows


@reads.one_snapshot()
def dfe_return(census_date: date) -> Return:
    """The return at ``census_date``, in three reads of the episodes active on it: by reason
    and band (the reasons' table is tiny), by birthday with each sex counted (the one join to
    the children, a few thousand rows, not a row a child), and the children in the year. All
    from one moment of the database, on the replica when there is one."""
    active = Episode.objects.filter(active_on_q(census_date))
    counted = (
        active.annotate(missing_since=aging.MISSING_SINCE, band=_band(census_date))
        .values_list("missing_reason__dfe_reason", "band").annotate(n=Count("pk")).order_by()
    )  # fmt: skip
    reasons = list(DfeReason.objects.order_by("order", "label"))
    not_recorded = next((r.pk for r in reasons if r.code == DfeReason.NOT_RECORDED), None)
    cross, no_reason = {}, 0
    for reason, band, n in counted:
        no_reason += n if reason is None else 0
        key = reason if reason is not None else not_recorded
        cross.setdefault(key, [0] * len(BANDS))[band] += n
    by_birthday = active.values_list("child__date_of_birth").annotate(
        n=Count("pk"), **{label: Count("pk", filter=Q(child__gender__in=values))
                          for label, values in SEXES},
    ).order_by()  # fmt: skip
    groups: dict[str, int] = {}
    sexes = {label: 0 for label, _ in SEXES}
    outside = {}
    for born, n, *by_sex in by_birthday:
        label = year_group_label(year_group(born, census_date))
        groups[label] = groups.get(label, 0) + n
        for (sex, _), count in zip(SEXES, by_sex, strict=True):
            sexes[sex] += count
        if not is_compulsory_school_age(born, census_date):
            outside[born] = n
    academic_year = academic_year_start(census_date)
    any_point = (
        Episode.objects.filter(active_between_q(date(academic_year, 9, 1), census_date))
        .values("child").distinct().count()
    )  # fmt: skip
    # Every category the DfE asks for (a retired one while cases still count under it), and
    # Not recorded always: it is where a case with no reason goes.
    shown = [r for r in reasons if r.is_active or r.pk in cross or r.pk == not_recorded]
    cross_table = [(r.label, cross.get(r.pk, [0] * len(BANDS))) for r in shown]
    if None in cross:  # no Not recorded category in the list (it cannot be deleted)
        cross_table.append(("Not recorded", cross[None]))
    return Return(
        census_date=census_date,
        academic_year=academic_year,
        total=sum(groups.values()),
        by_sex=[(label, sexes[label]) for label, _ in SEXES],
        by_year_group=[(label, groups.get(label, 0)) for label in YEAR_GROUPS],
        by_time_missing=[(band, sum(counts[i] for _, counts in cross_table))
                         for i, band in enumerate(BANDS)],
        by_reason=[(label, sum(counts)) for label, counts in cross_table],
        any_point_in_year=any_point,
        reasons_by_time_missing=[(label, counts, sum(counts)) for label, counts in cross_table],
        outside_school_age=outside,
        no_reason=no_reason,
    )  # fmt: skip


@dataclass
class ToFix:
    """Active cases an officer should put right before the return is submitted."""

    title: str
    why: str
    count: int
    episodes: list  # the first FIX_FIRST_SHOWN, oldest referral first


def _listed(queryset) -> list:
    """The oldest referrals first. Sorted by an expression, not the column, so the planner
    finds the active cases by what makes them active and sorts those few thousand, rather
    than walking the referral-date index from 2014 past a million closed ones."""
    oldest_first = ExpressionWrapper(F("referral_date") + Value(0), output_field=DateField())
    return list(
        queryset.only("pk", "referral_date", "child_id")
        .order_by(oldest_first, "pk")[:FIX_FIRST_SHOWN]
    )  # fmt: skip


def to_fix(result: Return) -> list[ToFix]:
    """What to fix first: active cases whose child is outside compulsory school age at the
    census date, and cases with no reason. (Every child has a date of birth: the database
    requires one, so no case counts in year group Unknown for want of one.)"""
    active = Episode.objects.filter(active_on_q(result.census_date))
    outside = result.outside_school_age
    return [
        ToFix("Outside compulsory school age",
              "The child is too young or too old for compulsory school age at the census "
              "date: check the date of birth, or close the case.",
              sum(outside.values()),
              _listed(active.filter(child__date_of_birth__in=outside)) if outside else []),
        ToFix("No reason for missing education",
              "These count as Not recorded: record the reason on the case.",
              result.no_reason,
              _listed(active.filter(missing_reason__isnull=True)) if result.no_reason else []),
    ]  # fmt: skip
