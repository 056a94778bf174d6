"""The council beside England, its region and its statistical neighbours, from the DfE's
published figures as loaded (``reports.benchmark_loading``). Reads only.

Shares are compared for each category (a count of children means little beside England's),
rates per 100 children aged 5 to 16 for the total. A neighbour whose figure is a marker is
left out of the neighbours' mean, and the mean says how many it is of. The rank is among
every local authority with a published rate: 1 is the lowest rate. A rate of the council's
own live figures needs the population of children aged 5 to 16: as entered for the year,
else estimated from the council's published row (count / rate per 100 x 100), labelled so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q

from cases.school_age import academic_year_start

from .benchmark_models import (
    BenchmarkFigure,
    BenchmarkPeriod,
    BenchmarkSettings,
    ChildPopulation,
    Marker,
)

SOURCE = ("Department for Education, children missing education census "
          "(explore education statistics)")  # fmt: skip
# The return's breakdowns and the DfE's breakdown_topic each is published under.
TOPICS = {"total": "Total", "sex": "Sex", "year_group": "Year group",
          "time_missing": "Duration", "reason": "Reason"}  # fmt: skip
TERM_OF = {"Autumn": "Autumn term", "Spring": "Spring term", "Summer": "Summer term"}
Level = BenchmarkFigure.Level


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class Cell:
    """A published figure: a number, or the DfE's marker in its place, or nothing."""

    value: Decimal | None = None
    marker: str = ""

    @property
    def shown(self) -> str:
        if self.value is not None:
            return f"{self.value.normalize():f}"
        return self.marker or "–"


@dataclass(frozen=True)
class Mean:
    """The statistical neighbours' mean, of the ``used`` whose figure is a number."""

    value: float | None
    used: int
    of: int


@dataclass(frozen=True)
class Population:
    children: int
    academic_year: int
    estimated: bool

    @property
    def label(self) -> str:
        year = f"{self.academic_year}/{(self.academic_year + 1) % 100:02d}"
        how = ("estimated from the council's published count and rate" if self.estimated
               else "as entered")  # fmt: skip
        return f"{self.children:,} children aged 5 to 16 in {year}, {how}"


@dataclass
class Published:
    """What the loaded releases hold for the council and the areas it is compared with."""

    settings: BenchmarkSettings | None
    periods: list[BenchmarkPeriod]  # oldest first
    totals: dict[tuple[int, str, str], BenchmarkFigure]  # (period id, level, code): Total row
    council_codes: set[str] = field(default_factory=set)  # its old and new codes
    region_code: str = ""
    region_name: str = ""
    council_name: str = ""
    entered: dict[int, int] = field(default_factory=dict)  # academic year: children
    # Each neighbour once, never the council: one entered by old and new code, or twice, or
    # the council's own code among them would count twice or compare the council with itself.
    neighbours: list[str] = field(default_factory=list)

    def is_council(self, figure: BenchmarkFigure) -> bool:
        return figure.area_code in self.council_codes or figure.old_la_code in self.council_codes

    def total(self, period, level: str, code: str = "") -> BenchmarkFigure | None:
        return self.totals.get((period.pk, level, code))

    def council_total(self, period) -> BenchmarkFigure | None:
        return next((self.totals.get((period.pk, Level.LOCAL_AUTHORITY, code))
                     for code in self.council_codes
                     if (period.pk, Level.LOCAL_AUTHORITY, code) in self.totals), None)  # fmt: skip

    def neighbour_totals(self, period) -> list[BenchmarkFigure | None]:
        return [self.totals.get((period.pk, Level.LOCAL_AUTHORITY, code)) or self.totals.get(
            (period.pk, "old", code)) for code in self.neighbours]  # fmt: skip

    def population(self, academic_year: int) -> Population | None:
        """Children aged 5 to 16 in a year: entered, else estimated from the council's own
        published row that year; else the latest earlier year's, either way."""
        for year in sorted({*self.entered, *(p.academic_year for p in self.periods)},
                           reverse=True):  # fmt: skip
            if year > academic_year:
                continue
            if year in self.entered:
                return Population(self.entered[year], year, estimated=False)
            if estimate := self.estimate(year):
                return Population(estimate, year, estimated=True)
        return None

    def estimate(self, academic_year: int) -> int | None:
        """child_count / rate_per_100 x 100 from the year's latest term that has both."""
        for period in reversed(self.periods):
            row = self.council_total(period) if period.academic_year == academic_year else None
            if row and row.child_count and row.rate_per_100:
                return round(row.child_count / row.rate_per_100 * 100)
        return None

    def period_at(self, day: date, census: dict[tuple[int, str], date]) -> BenchmarkPeriod | None:
        """The latest term loaded whose census date is on or before ``day``."""
        held = [p for p in self.periods if census.get((p.academic_year, p.term), date.max) <= day]
        return held[-1] if held else None


def published() -> Published:
    """Everything the comparisons share, in four queries: the settings, the terms loaded
    with their releases, every Total row of England, the regions and the council and its
    neighbours, and the populations entered."""
    settings = BenchmarkSettings.objects.first()
    periods = sorted(BenchmarkPeriod.objects.select_related("release", "release__loaded_by"),
                     key=lambda p: p.order)  # fmt: skip
    result = Published(settings=settings, periods=periods, totals={})
    result.entered = dict(ChildPopulation.objects.values_list("academic_year", "children"))
    if settings is None:
        return result
    result.council_codes.add(settings.la_code)
    if periods:
        _read_totals(result, settings)
    result.neighbours = _one_each(result, settings.statistical_neighbours)
    return result


def _read_totals(result: Published, settings: BenchmarkSettings) -> None:
    """The Total rows of England, the regions, the council and its neighbours, by term, and
    the council's codes, region and name as they are published."""
    codes = [settings.la_code, *settings.statistical_neighbours]
    rows = BenchmarkFigure.objects.filter(
        Q(level__in=[Level.NATIONAL, Level.REGIONAL])
        | Q(level=Level.LOCAL_AUTHORITY) & (Q(area_code__in=codes) | Q(old_la_code__in=codes)),
        topic="Total",
    )
    for row in rows:
        result.totals[(row.period_id, row.level, row.area_code)] = row
        if row.old_la_code:
            result.totals[(row.period_id, "old", row.old_la_code)] = row
        if row.level == Level.LOCAL_AUTHORITY and settings.la_code in (
            row.area_code,
            row.old_la_code,
        ):
            result.council_codes |= {row.area_code, row.old_la_code} - {""}
            result.region_code, result.council_name = row.region_code, row.area_name
    for row in rows:
        if row.level == Level.REGIONAL and row.area_code == result.region_code:
            result.region_name = row.area_name


def _one_each(data: Published, codes: list[str]) -> list[str]:
    """The neighbours' codes with each authority once (by either of its codes, as the loaded
    rows pair them) and the council left out."""
    seen, kept = set(data.council_codes), []
    for code in codes:
        rows = (data.totals.get((p.pk, Level.LOCAL_AUTHORITY, code))
                or data.totals.get((p.pk, "old", code)) for p in data.periods)  # fmt: skip
        row = next((r for r in rows if r is not None), None)
        same = {code} | ({row.area_code, row.old_la_code} - {""} if row else set())
        if not same & seen:
            seen |= same
            kept.append(code)
    return kept


def neighbour_mean(figures: list[BenchmarkFigure | None], value) -> Mean:
    """The mean of ``value(figure)`` over the neighbours whose figure is a number."""
    numbers = [value(f) for f in figures if f is not None and value(f) is not None]
    mean = float(sum(numbers) / len(numbers)) if numbers else None
    return Mean(mean, len(numbers), len(figures))


def _cell(figure: BenchmarkFigure | None, name: str) -> Cell:
    if figure is None:
        return Cell(None, "")
    marker_name = "rate_marker" if name == "rate_per_100" else f"{name}_marker"
    value = getattr(figure, name)
    return Cell(Decimal(value) if value is not None else None, getattr(figure, marker_name))


@dataclass
class Line:
    """One category of the return beside its benchmarks."""

    category: str
    live: int
    live_share: float | None  # per cent of the total; for the total, the rate per 100
    council: Cell  # the council's own published count
    council_share: Cell  # its published share (for the total, its rate per 100)
    england: Cell
    region: Cell
    neighbours: Mean


@dataclass
class Comparison:
    """The DfE return at a census date beside one published term."""

    data: Published
    period: BenchmarkPeriod | None
    lines: dict[str, list[Line]] = field(default_factory=dict)  # breakdown key: lines
    population: Population | None = None
    rank: tuple[int, int] | None = None  # (rank, of) on the total rate per 100
    history: list[tuple[str, Cell, Cell, Mean]] = field(default_factory=list)
    problem: str = ""

    @property
    def release(self):
        return self.period.release if self.period else None

    @property
    def sections(self) -> list[tuple[str, str, list[Line]]]:
        """(breakdown key, heading, lines), in the return's order."""
        from .dfe import BREAKDOWNS

        return [(key, BREAKDOWNS[key], lines) for key, lines in self.lines.items()]

    def chart(self, width: int = 600, height: int = 200) -> list[dict]:
        """Lines for the rate per 100 term by term (council, England, neighbours' mean):
        an SVG polyline's points each; a term with no figure breaks nothing, it is left out.
        The history table beside it is the accessible alternative."""
        series = [
            ("The council", [c.value for _, c, _, _ in self.history], "#1d70b8", ""),
            ("England", [e.value for _, _, e, _ in self.history], "#505a5f", "6 4"),
            ("Statistical neighbours' mean",
             [m.value for _, _, _, m in self.history], "#d53880", "2 3"),
        ]  # fmt: skip
        values = [float(v) for _, vs, _, _ in series for v in vs if v is not None]
        if len(self.history) < 2 or not values:
            return []
        top = max(values) * 1.1 or 1
        step = width / (len(self.history) - 1)
        return [{
            "label": label, "colour": colour, "dash": dash,
            "points": " ".join(f"{i * step:.1f},{height - float(v) / top * height:.1f}"
                               for i, v in enumerate(vs) if v is not None),
        } for label, vs, colour, dash in series]  # fmt: skip

    @property
    def footnote(self) -> str:
        if self.period is None:
            return ""
        release = self.period.release
        return (f"Benchmarks: {SOURCE}, {self.period.label}, release published "
                f"{release.published_on:%-d %B %Y} (file {release.file_name}). Local "
                "authority counts are rounded to the nearest 10 and England's to the nearest "
                "100; low, x, z and c are the DfE's markers (rounds to zero, not available, "
                "not applicable, suppressed). Neighbours' means leave markers out.")  # fmt: skip


def _census(years) -> dict[tuple[int, str], date]:
    from .dfe import census_dates

    if not years:
        return {}
    first, last = min(years), max(years)
    dates = census_dates(first, years=last - first + 1)
    return {(academic_year_start(day), TERM_OF[term]): day for term, day in dates}


def problem(data: Published) -> str:
    """Why there is nothing to compare with, in plain words, or ''."""
    if data.settings is None:
        return ("No benchmarks: set the council's local authority code under Benchmark settings "
                "in the administration pages.")  # fmt: skip
    if not data.periods:
        return "No benchmarks: load the DfE's published CME census file first."
    if not any(data.council_total(p) for p in data.periods):
        return (f"The loaded figures have no local authority {data.settings.la_code}: check "
                "the council's code under Benchmark settings.")  # fmt: skip
    return ""


def compare(result, data: Published | None = None) -> Comparison:
    """The return ``result`` (``reports.dfe.Return``) beside the latest term loaded whose
    census date is on or before its own, with the council's rank and its rates term by term."""
    data = data or published()
    comparison = Comparison(data=data, period=None, problem=problem(data))
    if comparison.problem:
        return comparison
    census = _census([p.academic_year for p in data.periods] + [result.academic_year])
    period = data.period_at(result.census_date, census)
    if period is None:
        comparison.problem = ("No published term on or before this census date is loaded: the "
                              "DfE's figures start later.")  # fmt: skip
        return comparison
    comparison.period = period
    comparison.population = data.population(result.academic_year)
    codes = [c for c in {*data.council_codes, *data.neighbours} if c]
    figures = BenchmarkFigure.objects.filter(
        Q(level=Level.NATIONAL) | Q(level=Level.REGIONAL, area_code=data.region_code)
        | Q(level=Level.LOCAL_AUTHORITY) & (Q(area_code__in=codes) | Q(old_la_code__in=codes))
        | Q(level=Level.LOCAL_AUTHORITY, topic="Total"),
        period=period,
    )  # fmt: skip
    by_area: dict[tuple[str, str, str], dict[str, BenchmarkFigure]] = {}
    rates = []
    for figure in figures:
        if (
            figure.level == Level.LOCAL_AUTHORITY
            and figure.topic == "Total"
            and (figure.rate_per_100 is not None)
        ):
            rates.append(figure.rate_per_100)
        area = (
            "council"
            if figure.level == Level.LOCAL_AUTHORITY and data.is_council(figure)
            else figure.level
            if figure.level != Level.LOCAL_AUTHORITY
            else None
        )
        for code in ({figure.area_code, figure.old_la_code} - {""}) if area is None else {""}:
            if code in data.neighbours:
                by_area.setdefault((figure.topic, "neighbour", code), {})[
                    _key(figure.breakdown)
                ] = figure
        if area is not None:
            by_area.setdefault((figure.topic, area, ""), {})[_key(figure.breakdown)] = figure
    own = data.council_total(period)
    if own is not None and own.rate_per_100 is not None:
        comparison.rank = (1 + sum(rate < own.rate_per_100 for rate in rates), len(rates))
    items = [("total", [("Total", result.total)]), *[(k, i) for k, _, i in result.breakdowns()]]
    for key, categories in items:
        topic = TOPICS[key]
        measure = "rate_per_100" if key == "total" else "child_percent"

        def find(area, code="", category=""):
            return by_area.get((topic, area, code), {}).get(_key(category))  # noqa: B023

        lines = []
        for category, count in categories:
            if key == "total":
                people = comparison.population
                share = round(100 * count / people.children, 3) if people else None
            else:
                share = round(100 * count / result.total, 1) if result.total else None
            council = find("council", category=category)
            neighbours = [find("neighbour", code, category) for code in data.neighbours]
            lines.append(Line(
                category=category, live=count, live_share=share,
                council=_cell(council, "child_count"), council_share=_cell(council, measure),
                england=_cell(find(Level.NATIONAL, category=category), measure),
                region=_cell(find(Level.REGIONAL, category=category), measure),
                neighbours=neighbour_mean(neighbours, lambda f: getattr(f, measure)),  # noqa: B023
            ))  # fmt: skip
        comparison.lines[key] = lines
    comparison.history = [
        (p.label, _cell(data.council_total(p), "rate_per_100"),
         _cell(data.total(p, Level.NATIONAL, _england_code(data, p)), "rate_per_100"),
         neighbour_mean(data.neighbour_totals(p), lambda f: f.rate_per_100))
        for p in data.periods if p.order <= period.order
    ]  # fmt: skip
    return comparison


def _england_code(data: Published, period) -> str:
    return next((code for (pk, level, code) in data.totals
                 if pk == period.pk and level == Level.NATIONAL), "")  # fmt: skip


@dataclass(frozen=True)
class Rates:
    """Per 10,000 children aged 5 to 16 at one day: England, the region, the neighbours."""

    period: BenchmarkPeriod
    england: float | None
    region: float | None
    neighbours: Mean


def rates_at(data: Published, days: list[date]) -> dict[date, Rates]:
    """The latest published rates per 10,000 at each day (a term's census date on or before
    it), from the Total rows already read: no query but the census dates'."""
    if data.settings is None or not data.periods:
        return {}
    census = _census([p.academic_year for p in data.periods])
    found = {}
    for day in days:
        period = data.period_at(day, census)
        if period is None:
            continue

        def per_10000(figure):
            rate = figure.rate_per_100 if figure is not None else None
            return float(rate) * 100 if rate is not None else None

        mean = neighbour_mean(data.neighbour_totals(period), lambda f: f.rate_per_100)
        found[day] = Rates(
            period=period,
            england=per_10000(data.total(period, Level.NATIONAL, _england_code(data, period))),
            region=per_10000(data.total(period, Level.REGIONAL, data.region_code)),
            neighbours=Mean(mean.value * 100 if mean.value is not None else None,
                            mean.used, mean.of),
        )  # fmt: skip
    return found


MARKERS = {choice.value: choice.label for choice in Marker if choice.value}
