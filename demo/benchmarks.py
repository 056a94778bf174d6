"""A made-up DfE published CME census file for the demo: England, its nine regions and thirty
fictional local authorities (the demo council is 901, Demo Borough, in the North West, with
902 to 911 its statistical neighbours), every term of the two academic years before this
one, in the DfE's format with its rounding and markers. No figure is real."""

from __future__ import annotations

import csv
import io
import random
from datetime import date

from cases.school_age import YEAR_GROUPS, academic_year_start
from reports.benchmark_file import COLUMNS
from reports.benchmark_models import BenchmarkPeriod, BenchmarkSettings
from reports.dfe import BANDS
from reports.services import benchmarks_load

COUNCIL = "901"
NEIGHBOURS = [str(code) for code in range(902, 912)]
REGIONS = [("E12000001", "North East"), ("E12000002", "North West"),
           ("E12000003", "Yorkshire and The Humber"), ("E12000004", "East Midlands"),
           ("E12000005", "West Midlands"), ("E12000006", "East of England"),
           ("E12000007", "London"), ("E12000008", "South East"),
           ("E12000009", "South West")]  # fmt: skip
REASONS = ["Moved in from another local authority", "Moved in from another country",
           "School application awaiting outcome", "Unknown", "Other"]  # fmt: skip
SEXES = [("Female", 0.48), ("Male", 0.51), ("Unknown", 0.01)]


def _split(total: int, weights: list[float]) -> list[int]:
    counts = [int(total * w) for w in weights]
    counts[-1] += total - sum(counts)
    return counts


def _rows(rng: random.Random, term: str, year: int):
    """(level, codes, names, children aged 5-16, children missing) for every area."""
    period = f"{year}{(year + 1) % 100:02d}"
    areas = []
    for number in range(901, 931):
        region = REGIONS[1] if number <= 911 else REGIONS[number % 9]
        people = 40_000 if number == 901 else rng.randint(25_000, 90_000)  # the demo's own
        missing = round(people * rng.uniform(0.002, 0.007))
        name = "Demo Borough" if number == 901 else f"Demo Authority {number}"
        areas.append(("Local authority", region, (str(number), f"E08000{number}", name),
                      people, missing))  # fmt: skip
    for region in REGIONS:
        within = [a for a in areas if a[1] == region]
        people = sum(a[3] for a in within) * 12 + 400_000
        areas.append(("Regional", region, None, people, round(people * 0.0045)))
    people = sum(a[3] for a in areas if a[0] == "Regional")
    areas.append(("National", None, None, people, round(people * 0.0044)))
    for level, region, la, people, missing in areas:
        step = 100 if level == "National" else 10
        head = [period, term, level, "E92000001", "England", *(region or ("", "")),
                *(la or ("", "", ""))]  # fmt: skip

        def row(topic, breakdown, count, share, rate="z", head=head, step=step):
            shown = "low" if 0 < count < step / 2 else str(round(count / step) * step)
            yield [*head, topic, breakdown, shown,
                   "low" if shown == "low" else f"{share:.1f}", rate]  # fmt: skip

        rate = f"{100 * missing / people:.2f}"
        if la and la[0] == "911" and term == "Spring term":
            yield [*head, "Total", "Total", "x", "x", "x"]  # a neighbour that did not return
            continue
        yield from row("Total", "Total", missing, 100, rate)
        for (sex, _), count in zip(SEXES, _split(missing, [w for _, w in SEXES]),
                                        strict=True):  # fmt: skip
            yield from row("Sex", sex, count, 100 * count / max(missing, 1))
        groups = YEAR_GROUPS[:-1]
        for group, count in zip(groups, _split(missing, [1 / len(groups)] * len(groups)),
                                strict=True):  # fmt: skip
            yield from row("Year group", group, count, 100 * count / max(missing, 1))
        weights = [0.25, 0.2, 0.15, 0.1, 0.15, 0.1, 0.05]
        for band, count in zip(BANDS[:-1], _split(missing, weights), strict=True):
            yield from row("Duration", band, count, 100 * count / max(missing, 1))
        for reason, count in zip(REASONS, _split(missing, [0.3, 0.2, 0.2, 0.2, 0.1]),
                                 strict=True):  # fmt: skip
            yield from row("Reason", reason, count, 100 * count / max(missing, 1))


def demo_file(today: date, seed: int) -> str:
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    this_year = academic_year_start(today)
    for year in (this_year - 2, this_year - 1):
        for term in BenchmarkPeriod.TERMS:
            writer.writerows(_rows(rng, term, year))
    return buffer.getvalue()


def load(today: date, seed: int) -> None:
    """The demo council's benchmark settings and the made-up release."""
    BenchmarkSettings.objects.get_or_create(
        defaults={"la_code": COUNCIL, "statistical_neighbours": NEIGHBOURS}
    )
    published = date(academic_year_start(today), 6, 11)  # after the last summer term's census
    result = benchmarks_load(io.BytesIO(demo_file(today, seed).encode()),
                             file_name="demo-cme-census.csv", published_on=published)  # fmt: skip
    if not result.loaded:
        raise RuntimeError(f"the demo's benchmark file did not load: {result.problems[:3]}")
