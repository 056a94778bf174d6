"""The cases behind a scorecard figure, for the case list to show when a figure is followed.

The scorecard counts from the totals PostgreSQL keeps (migration 0007); this says the same
rules again over the case tables, from the domain notes, so a figure and its list of cases
are worked out independently and the tests can hold one against the other. A figure is named
in the link as ``indicator|year|quarter|breakdown`` (quarter 0 for the year to date), for
example ``9|2026|2|Female``: active cases by gender, female, at the end of Q2 2026/27.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from cases import aging
from cases.models import Area, Enquiry, Episode, Gender, Locality, SchoolPhase
from cases.school_age import YEAR_GROUPS, academic_year_start

from .indicators import BY_ID, NO_DATA, NO_LOCALITY, NOT_KNOWN, TIME_OPEN
from .periods import FIRST_YEAR, LAST_YEAR, Quarter, quarters, year_label

# What each case-level indicator counts: cases referred or resolved in the period, or
# active at its end; and what its breakdowns are of.
REFERRED = {"1a": None, "1b": None, "2": "gender", "3": "locality", "4": "phase",
            "5": "ethnicity", "presenting_need": "need", "open_to": "service"}  # fmt: skip
RESOLVED = {"7": None, "closure_outcome": "outcome", "found_by_school_notice": None}
ACTIVE = {"6": None, "8": None, "9": "gender", "10": "locality", "11": "phase",
          "12": "time_open", "13": None, "year_group": "year_group", "ethnicity": "ethnicity",
          "overdue_at_end": None}  # fmt: skip
# Rows that count families or give a share are not lists of cases.
NOT_CASES = {("1a", "Families"), ("13", "%")}


class NotAFigure(ValueError):
    """A link that names no case-level scorecard figure."""


@dataclass(frozen=True)
class Figure:
    indicator: str
    year: int
    quarter: int  # 0 for the year to date
    breakdown: str = ""

    @classmethod
    def parse(cls, text: str) -> Figure:
        parts = text.split("|", 3)
        if (
            len(parts) != 4
            or not parts[1].isdigit()
            or not FIRST_YEAR <= int(parts[1]) <= LAST_YEAR
            or parts[2] not in ("0", "1", "2", "3", "4")
        ):
            raise NotAFigure("This link names no scorecard figure")
        figure = cls(parts[0], int(parts[1]), int(parts[2]), parts[3])
        if not figure.is_cases():
            raise NotAFigure("This link names no scorecard figure that counts cases")
        return figure

    def __str__(self) -> str:
        return f"{self.indicator}|{self.year}|{self.quarter}|{self.breakdown}"

    def is_cases(self) -> bool:
        known = (
            self.indicator in REFERRED or self.indicator in RESOLVED or (self.indicator in ACTIVE)
        )
        return known and (self.indicator, self.breakdown) not in NOT_CASES

    def names_area(self) -> bool:
        """Picks cases by area, which comes from an address: a case whose area is withheld
        from someone is counted but not listed to them."""
        return (
            self.indicator in ACTIVE
            and ACTIVE[self.indicator] == "locality"
            and isinstance(_place(self.breakdown), Area)
        )

    def link(self) -> str:
        return reverse("cases:list") + "?" + urlencode({"figure": str(self)})

    def scorecard_link(self) -> str:
        return reverse("reports:scorecard") + "?" + urlencode({"year": year_label(self.year)})

    def period(self, today: date) -> tuple[date, date] | None:
        """The first and last day a flow counts over; for a stock, the day it is read on
        (both the same). None for a stock whose year has no quarter end passed yet."""
        if self.quarter:
            quarter = Quarter(self.year, self.quarter)
            if self.indicator in ACTIVE:
                on = min(quarter.end, today)
                return on, on
            return quarter.start, quarter.end
        year = quarters(self.year)
        if self.indicator in ACTIVE:  # the year to date of a stock: the latest end passed
            ended = [q.end for q in year if q.end <= today]
            return (ended[-1], ended[-1]) if ended else None
        return year[0].start, year[-1].end

    def describe(self, today: date) -> str:
        """'9. Active cases by gender: Female, at 30 September 2026'."""
        heading = BY_ID[self.indicator].heading + (f": {self.breakdown}" if self.breakdown else "")
        period = self.period(today)
        if period is None:
            return heading
        first, last = period
        if self.indicator in ACTIVE:
            return f"{heading}, at {last:%-d %B %Y}"
        name = Quarter(self.year, self.quarter).label if self.quarter else year_label(self.year)
        return f"{heading}, {name} ({first:%-d %B %Y} to {last:%-d %B %Y})"

    def cases(self, today: date) -> Q:
        """The episodes the figure counts."""
        period = self.period(today)
        if period is None:
            return Q(pk__in=[])
        first, last = period
        if self.indicator in REFERRED:
            kind = REFERRED[self.indicator]
            base = Q(referral_date__gte=first, referral_date__lte=last)
        elif self.indicator in RESOLVED:
            kind = RESOLVED[self.indicator]
            base = Q(closed_on__gte=first, closed_on__lte=last)
        else:
            kind = ACTIVE[self.indicator]
            base = Q(referral_date__lte=last) & (Q(closed_on__isnull=True) | Q(closed_on__gt=last))
        return base & _own(self.indicator, last) & _breakdown(kind, self.breakdown, last)


def _own(indicator: str, on: date) -> Q:
    """What an indicator counts beyond its period: earlier episodes, authorisation..."""
    if indicator == "1b":
        earlier = Episode.objects.filter(
            child=OuterRef("child"), referral_date__lt=OuterRef("referral_date")
        )
        return Q(Exists(earlier))
    if indicator == "8":
        return Q(removal_from_roll_authorised_on__lte=on)
    if indicator == "13":
        return Q(fsm_at_referral=True)
    if indicator == "found_by_school_notice":
        return found_by_school_notice()
    if indicator == "overdue_at_end":
        overdue = Enquiry.objects.filter(episode=OuterRef("pk"), due_on__lt=on).exclude(
            completed_on__lte=on
        )
        return Q(Exists(overdue))
    return Q()


def _breakdown(kind: str | None, label: str, on: date) -> Q:
    if not label:
        return Q()
    if kind is None:
        raise NotAFigure(f"This link names no row ‘{label}’ of a scorecard figure")
    try:
        return _BREAKDOWNS[kind](label, on)
    except (KeyError, StopIteration, ValueError, ObjectDoesNotExist) as error:
        raise NotAFigure(f"This link names no row ‘{label}’ of a scorecard figure") from error


def _choice(choices, label: str) -> str:
    return next(value for value, text in choices if text == label)


def _place(label: str) -> Locality | Area | None:
    """A locality's row, or an area's (a locality is looked for first)."""
    if not label or label == NO_LOCALITY:
        return None
    return Locality.objects.filter(label=label).first() or Area.objects.get(label=label)


def _locality(label: str, on: date) -> Q:
    place = _place(label)
    if place is None:
        return Q(locality__isnull=True)
    return Q(locality=place) if isinstance(place, Locality) else Q(area=place)


def _ethnicity(label: str, on: date) -> Q:
    match = Q(child__ethnicity__group__label=label)
    if label == NOT_KNOWN:
        match |= Q(child__ethnicity__isnull=True) | Q(child__ethnicity__group__isnull=True)
    return match


def _need(label: str, on: date) -> Q:
    match = Q(presenting_need__label=label)
    return match | Q(presenting_need__isnull=True) if label == NO_DATA else match


def _year_group(label: str, on: date) -> Q:
    """Born in the twelve months from 1 September that make the year group on the day."""
    start = academic_year_start(on)
    if label == "Unknown":
        return ~Q(child__date_of_birth__gte=date(start - 16, 9, 1),
                  child__date_of_birth__lte=date(start - 4, 8, 31))  # fmt: skip
    group = YEAR_GROUPS.index(label)
    return Q(child__date_of_birth__gte=date(start - group - 5, 9, 1),
             child__date_of_birth__lte=date(start - group - 4, 8, 31))  # fmt: skip


_BREAKDOWNS = {
    "gender": lambda label, on: Q(child__gender=_choice(Gender.choices, label)),
    "phase": lambda label, on: Q(school_phase=_choice(SchoolPhase.choices, label)),
    "locality": _locality,
    "ethnicity": _ethnicity,
    "need": _need,
    "service": lambda label, on: Q(
        Exists(
            Episode.open_to_services.through.objects.filter(
                episode=OuterRef("pk"), opentoservice__label=label
            )
        )
    ),  # one row per case
    "outcome": lambda label, on: Q(closure_outcome__label=label),
    "time_open": lambda label, on: aging.time_open_q(
        aging.TIME_OPEN[TIME_OPEN.index(label)][0], on
    ),
    "year_group": _year_group,
}


def found_by_school_notice() -> Q:
    """Closed by confirming a school's new-pupil notice as the child: the scorecard's count
    of them, the list of its cases and caseload aging's count this year are this one rule.

    The closure itself must be the notice's (its details name the notice): a case reopened
    and then closed another way keeps its confirmed notice, but the school did not find it."""
    from schools.models import NewPupilNotice

    confirmed = NewPupilNotice.objects.filter(status=NewPupilNotice.Status.CONFIRMED)
    return Q(Exists(confirmed.filter(episode=OuterRef("pk"))),
             closure_details__has_key=NewPupilNotice.CLOSURE_KEY)  # fmt: skip
