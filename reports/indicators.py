"""The measure registry: every scorecard indicator defined once.

Each ``Indicator`` holds its id and title, whether it is a flow (summed over quarters), a
stock (the value at a quarter end) or a measure (a median or share), its polarity, its
definition, and how episodes contribute to it: ``counts``, each a ``Count`` of episodes
referred in a quarter, active at a quarter end or resolved in a quarter, broken down ``by``
a ``Dimension``. The counting SQL (``reports.counting_sql``) is generated from these counts,
and the page, the exports, the snapshots and the figure links read the indicators' rows from
here. Adding a breakdown is one entry here, a migration that calls the installer, and a test
(docs/adr/0008-scorecard-counting.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from cases import aging
from cases.models import (
    Area,
    ClosureOutcome,
    Ethnicity,
    EthnicityGroup,
    Gender,
    Locality,
    OpenToService,
    PresentingNeed,
    SchoolPhase,
)
from cases.school_age import YEAR_GROUPS, academic_year_start, year_group_label

NO_LOCALITY = "No Locality Registered"
NOT_KNOWN = "Not known"
NO_DATA = "No data / other"
TIME_OPEN = [label for _, label, _, _ in aging.TIME_OPEN]  # the caseload page's bands
FAMILY_SIZES = ["1 child", "2 children", "3 children", "4 children", "5 or more children"]

# What the generated counting SQL counts each episode by, and where: referred and resolved
# are flows (in the quarter referred or closed), active a stock (at each quarter end from the
# one it was referred by to the one it was closed by). Other counts are kept by hand-written
# SQL beside the generated (reports.counting_sql) and are named for what they keep.
COUNTED = {"referred": "flow", "resolved": "flow", "active": "stock"}


def _by_id(rows) -> dict[str, str]:
    return {str(row.pk): row.label for row in rows}


@dataclass(frozen=True)
class Dimension:
    """What episodes are broken down by.

    ``key`` is SQL over an episode's fact row (``reports_episodefact``) giving the text the
    count is kept under: '' for nothing recorded, NULL for not counted at all (so a dimension
    can pick a subset, such as the previously known). ``labels`` loads what each key shows as,
    in the order the rows are shown; ``rows`` the rows shown, zero or not, when they are not
    just the labels; ``at`` a key's row at a date, for keys whose row depends on the date
    (age, months open). A dimension with no labels and no ``at`` picks a subset: its count is
    shown in the indicator's own row. ``many`` is for an array key: the episode counts once
    under each element.
    """

    name: str
    key: str
    labels: Callable[[], dict[str, str]] | None = None
    rows: Callable[[dict[str, str]], list[str]] | None = None
    not_recorded: str | None = None  # what a key with no label shows
    at: Callable[[str, date, bool], str | None] | None = None  # (key, on, at a quarter end)
    many: bool = False

    @property
    def is_subset(self) -> bool:
        return self.labels is None and self.at is None

    def shown(self, labels: dict[str, str]) -> list[str]:
        """Every row this dimension shows, in the reference data's order."""
        if self.rows is not None:
            return self.rows(labels)
        shown = list(dict.fromkeys(labels.values()))
        if self.not_recorded and self.not_recorded not in shown:
            shown.append(self.not_recorded)
        return shown

    def label(self, labels: dict[str, str], key: str, on: date, quarter_end: bool) -> str | None:
        """The row a key's count is shown in (None: not shown at this date)."""
        if self.at is not None:
            return self.at(key, on, quarter_end)
        if self.not_recorded is not None:
            return labels.get(key, self.not_recorded)
        return labels.get(key, key)


def months_band(end: date, referred: int) -> int:
    """Whole calendar months from referral to a quarter end, as a TIME_OPEN band.

    ``referred`` is the month referred (year * 12 + month) doubled, plus one when referred on
    a 31st: at a quarter end on the 30th that month has not yet been completed.
    """
    month, on_31st = divmod(referred, 2)
    months = end.year * 12 + end.month - month - (on_31st and end.day < 31)
    return next(band for band, (*_, most) in enumerate(aging.TIME_OPEN)
                if most is None or months <= most)  # fmt: skip


def _time_open(key: str, on: date, quarter_end: bool) -> str | None:
    # Months open to a day within a month need the day referred: a quarter not yet ended
    # has its time open counted from the cases (reports.scorecard._caseload_today).
    return TIME_OPEN[months_band(on, int(key))] if quarter_end else None


def _year_group(key: str, on: date, quarter_end: bool) -> str:
    return year_group_label(academic_year_start(on) - int(key) - 4)  # key: the cohort


DIMENSIONS = {d.name: d for d in [
    Dimension("gender", "gender", lambda: dict(Gender.choices)),
    Dimension("phase", "school_phase", lambda: dict(SchoolPhase.choices)),
    Dimension("locality", "COALESCE(locality_id::text, '')",
              lambda: _by_id(Locality.objects.all()), not_recorded=NO_LOCALITY),
    Dimension("area", "area_id::text",
              lambda: _by_id(Area.objects.order_by("locality__order", "order"))),
    Dimension("ethnicity", "COALESCE(ethnicity_id::text, '')",
              lambda: {str(e.pk): e.group.label if e.group_id else NOT_KNOWN
                       for e in Ethnicity.objects.select_related("group")},
              rows=lambda _: [group.label for group in EthnicityGroup.objects.all()],
              not_recorded=NOT_KNOWN),
    Dimension("need", "COALESCE(presenting_need_id::text, '')",
              lambda: _by_id(PresentingNeed.objects.all()), not_recorded=NO_DATA),
    Dimension("open_to", "open_to", lambda: _by_id(OpenToService.objects.all()), many=True),
    Dimension("outcome", "closure_outcome_id::text",
              lambda: _by_id(ClosureOutcome.objects.all())),
    Dimension("previously", "CASE WHEN previously THEN '' END"),
    Dimension("fsm", "CASE WHEN fsm THEN '' END"),
    Dimension("cohort", "cohort::text", at=_year_group, rows=lambda _: YEAR_GROUPS),
    Dimension("month", "referred_month::text", at=_time_open, rows=lambda _: TIME_OPEN),
    Dimension("days", "(closed_on - referral_date)::text"),  # read as days, for medians
    Dimension("size", "", at=lambda key, on, end: FAMILY_SIZES[int(key) - 1],
              rows=lambda _: FAMILY_SIZES),
]}  # fmt: skip


@dataclass(frozen=True)
class Count:
    """Some of an indicator's rows: the episodes ``of`` a counted kind (``COUNTED``) or a
    count kept by hand, broken down ``by`` a dimension, or not (shown in ``row``). ``total``
    also sums every key into that row."""

    of: str
    by: str | None = None
    row: str = ""
    total: str | None = None

    @property
    def measure(self) -> str:
        """The name the counts are kept under: 'referred.gender'."""
        return f"{self.of}.{self.by}" if self.by else self.of

    @property
    def generated(self) -> bool:
        return self.of in COUNTED

    @property
    def dimension(self) -> Dimension | None:
        return DIMENSIONS[self.by] if self.by else None


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    kind: str  # "flow" (sum over quarters), "stock" (value at a quarter end) or "measure"
    counts: tuple[Count, ...] = ()
    polarity: str = "info"  # info, higher, lower
    definition: str = ""
    derived_rows: tuple[str, ...] = field(default=())  # worked out from the others: a share

    @property
    def heading(self) -> str:
        """'1a. New referrals in the period': the seed scorecards' numbers; others unnumbered."""
        return f"{self.id}. {self.label}" if len(self.id) <= 3 else self.label

    def rows(self, labels: dict[str, dict[str, str]]) -> list[str]:
        """Every row the indicator shows, zero or not, given each dimension's labels."""
        shown = []
        for count in self.counts:
            dimension = count.dimension
            if dimension is None or dimension.is_subset:
                shown.append(count.row)
            else:
                shown.extend(dimension.shown(labels.get(dimension.name, {})))
            if count.total:
                shown.append(count.total)
        return list(dict.fromkeys([*shown, *self.derived_rows]))


# Counted from the schools' notices when the scorecard is read (``scorecard._found_by_school``).
FOUND_BY_SCHOOL_NOTICE = "found_by_school_notice"
# Worked out from the cases and their reviews when the scorecard is read
# (``scorecard._reviewed_on_time``).
REVIEWED_ON_TIME = "reviewed_on_time"
# Active cases per 10,000 children aged 5 to 16, and the DfE's published rates beside it
# (``scorecard._rates``, from ``reports.benchmarks``).
ACTIVE_RATE = "active_per_10000"
BENCHMARK_ROWS = {"england": "England", "region": "Region",
                  "neighbours": "Statistical neighbours' mean"}  # fmt: skip


def _referred(by=None) -> tuple[Count, ...]:
    return (Count("referred", by),)


def _active(*by) -> tuple[Count, ...]:
    return tuple(Count("active", b) for b in by) or (Count("active"),)


INDICATORS = [
    Indicator("1a", "New referrals in the period", "flow",
              (Count("referred"), Count("referred.families", row="Families")),
              definition="Episodes whose referral date falls in the period; Families counts "
              "each sibling group once."),
    Indicator("1b", "Of those, previously CME", "flow", _referred("previously"),
              definition="New referrals of children with an earlier episode."),
    Indicator("2", "New referrals by gender", "flow", _referred("gender")),
    Indicator("3", "New referrals by locality", "flow", _referred("locality")),
    Indicator("4", "New referrals by school phase", "flow", _referred("phase")),
    Indicator("5", "New referrals by ethnicity group", "flow", _referred("ethnicity")),
    Indicator("6", "Active cases at the period end", "stock", _active(),
              definition="Referred on or before the end and not closed by then."),
    Indicator("7", "Cases resolved in the period", "flow", (Count("resolved"),),
              definition="Episodes whose closure date falls in the period."),
    Indicator(ACTIVE_RATE, "Active cases per 10,000 children aged 5 to 16 at the period end",
              "stock", polarity="lower", derived_rows=("", *BENCHMARK_ROWS.values()),
              definition="Active cases at the period end for every 10,000 children aged 5 to "
              "16 in the area (as entered for the year, or estimated from the council's DfE "
              "published count and rate). Beside it, the DfE's published rates for the latest "
              "term whose census date is on or before the period end."),
    Indicator("8", "Active cases whose school is authorised to remove them from roll",
              "stock", (Count("active.removal"),)),
    Indicator("9", "Active cases by gender", "stock", _active("gender")),
    Indicator("10", "Active cases by locality", "stock", _active("locality", "area")),
    Indicator("11", "Active cases by school phase", "stock", _active("phase")),
    Indicator("12", "Active cases by time open", "stock", _active("month"),
              definition="Whole calendar months from referral to the period end."),
    Indicator("13", "Active cases eligible for free school meals", "stock", _active("fsm"),
              derived_rows=("%",)),
    Indicator("year_group", "Active cases by year group", "stock", _active("cohort")),
    Indicator("ethnicity", "Active cases by ethnicity group", "stock", _active("ethnicity")),
    Indicator("family_size", "Families with active cases by size", "stock",
              (Count("family", "size", total="Total families"),)),
    Indicator("presenting_need", "New referrals by presenting need", "flow",
              _referred("need")),
    Indicator("open_to", "New referrals open to services", "flow", _referred("open_to")),
    Indicator("closure_outcome", "Resolved cases by outcome", "flow",
              (Count("resolved", "outcome"),)),
    Indicator("found_by_school_notice",
              "Cases resolved because a school's new-pupil notice found the child", "flow",
              (Count(FOUND_BY_SCHOOL_NOTICE),),
              definition="Resolved cases closed by confirming a school's new-pupil notice "
              "(regulation 13(1)) as the child."),
    Indicator("median_days_to_close", "Median days from referral to closure, cases resolved",
              "measure", (Count("resolved", "days"),), polarity="lower"),
    Indicator("first_enquiry_5_days",
              "New referrals with a first enquiry within 5 working days (%)", "measure",
              (Count("first_enquiry"),), polarity="higher",
              definition="Share of the period's new referrals whose first enquiry was made "
              "within 5 working days (weekends and bank holidays excluded)."),
    Indicator("overdue_at_end", "Active cases with an overdue enquiry at the period end",
              "stock", (Count("active.overdue"),), polarity="lower"),
    Indicator(REVIEWED_ON_TIME, "Active cases reviewed on time at the period end (%)",
              "measure", (Count(REVIEWED_ON_TIME),), polarity="higher",
              definition="Share of the cases active at the period end that were not due a "
              "manager's review then: reviewed within the last 20 working days (or by the "
              "next review date set), and since 12 weeks open. Blank before the first review "
              "was recorded."),
]  # fmt: skip
BY_ID = {indicator.id: indicator for indicator in INDICATORS}


def counted_by(of: str, indicators=None) -> list[Dimension]:
    """The dimensions the generated SQL breaks the episodes ``of`` a kind down by."""
    names = {c.by for i in (indicators or INDICATORS) for c in i.counts if c.of == of and c.by}
    return [DIMENSIONS[name] for name in DIMENSIONS if name in names]


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
            ("6", ACTIVE_RATE, "8", "9", "10", "11", "12", "13", "year_group", "ethnicity",
             "family_size", "overdue_at_end", REVIEWED_ON_TIME)),
    Section("Resolved cases", "Resolved",
            ("7", "closure_outcome", "found_by_school_notice", "median_days_to_close",
             "first_enquiry_5_days")),
]  # fmt: skip
