"""The figures the DfE's termly elective home education and CME collection asks for.

CME at the census date by sex, year group, time missing and primary reason (each reason
mapped to the DfE's category in the admin), and the children who were CME at any point in
the academic year, each child once.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from cases import aging
from cases.models import Episode, Gender
from cases.school_age import year_group, year_group_label

from .models import CensusDate

# Time missing education at the census date, in days.
TIME_MISSING = [
    ("Less than 1 month", 0, 30),
    ("1 to 3 months", 31, 91),
    ("3 to 6 months", 92, 182),
    ("6 to 12 months", 183, 365),
    ("More than 12 months", 366, None),
]


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def census_dates(academic_year: int) -> list[tuple[str, date]]:
    """The year's census dates: those set in the admin, else the school census days (first
    Thursday of October, third Thursday of January, third Thursday of May)."""
    defaults = {
        CensusDate.Term.AUTUMN: _nth_weekday(academic_year, 10, 3, 1),
        CensusDate.Term.SPRING: _nth_weekday(academic_year + 1, 1, 3, 3),
        CensusDate.Term.SUMMER: _nth_weekday(academic_year + 1, 5, 3, 3),
    }
    for census in CensusDate.objects.filter(academic_year=academic_year):
        defaults[census.term] = census.date
    return [(CensusDate.Term(term).label, day) for term, day in defaults.items()]


@dataclass
class Return:
    census_date: date
    total: int
    by_sex: list[tuple[str, int]]
    by_year_group: list[tuple[str, int]]
    by_time_missing: list[tuple[str, int]]
    by_reason: list[tuple[str, int]]
    any_point_in_year: int
    academic_year: int

    def rows(self) -> list[tuple[str, str, int]]:
        rows = [("CME at the census date", "Total", self.total)]
        for title, items in (
            ("CME at the census date by sex", self.by_sex),
            ("CME at the census date by year group", self.by_year_group),
            ("CME at the census date by length of time missing", self.by_time_missing),
            ("CME at the census date by primary reason", self.by_reason),
        ):
            rows += [(title, label, count) for label, count in items]
        year = f"{self.academic_year}/{(self.academic_year + 1) % 100:02d}"
        rows.append((f"Children CME at any point in {year}", "Total", self.any_point_in_year))
        return rows


def dfe_return(census_date: date) -> Return:
    active = Episode.objects.filter(
        Q(referral_date__lte=census_date),
        Q(closed_on__isnull=True) | Q(closed_on__gt=census_date),
    ).annotate(missing_since=aging.MISSING_SINCE)
    sexes = dict(Gender.choices)
    by_sex = dict(active.values_list("child__gender").annotate(n=Count("pk")))
    groups: dict[str, int] = {}  # by birthday: a few thousand days, not every child
    for born, n in active.values_list("child__date_of_birth").annotate(n=Count("pk")).order_by():
        label = year_group_label(year_group(born, census_date))
        groups[label] = groups.get(label, 0) + n
    order = ["Reception", *[f"Year {n}" for n in range(1, 12)], "Unknown"]
    counted = active.aggregate(**{
        f"band{i}": Count("pk", filter=Q(missing_since__lte=census_date - timedelta(days=low))
                          & (Q() if high is None
                             else Q(missing_since__gte=census_date - timedelta(days=high))))
        for i, (_, low, high) in enumerate(TIME_MISSING)
    })  # fmt: skip
    bands = {label: counted[f"band{i}"] for i, (label, _, _) in enumerate(TIME_MISSING)}
    reasons = active.values_list("missing_reason__dfe_category").annotate(n=Count("pk"))
    academic_year = census_date.year if census_date.month >= 9 else census_date.year - 1
    start, end = date(academic_year, 9, 1), date(academic_year + 1, 8, 31)
    any_point = (
        Episode.objects.filter(Q(referral_date__lte=min(end, census_date)),
                               Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .values("child").distinct().count()
    )  # fmt: skip
    return Return(
        census_date=census_date,
        total=active.count(),
        by_sex=[(label, by_sex.get(code, 0)) for code, label in sexes.items()],
        by_year_group=[(label, groups.get(label, 0)) for label in order],
        by_time_missing=[(label, bands[label]) for label, _, _ in TIME_MISSING],
        by_reason=sorted(
            ((category or "Not recorded", n) for category, n in reasons), key=lambda item: item[0]
        ),  # fmt: skip
        any_point_in_year=any_point,
        academic_year=academic_year,
    )
