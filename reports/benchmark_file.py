"""Reading the DfE's published CME census file: every row checked, every problem named by
its line, before anything is loaded (``reports.services.benchmarks_load`` writes it).

The file is the explore education statistics download: one row per term, area and
breakdown. A cell that holds one of the DfE's markers (``low``, ``x``, ``z``, ``c``) keeps
the marker and no number; a blank share or rate stays blank; a blank count is a problem.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from cases.bulk.reading import FileProblem, read_table
from cme_tracker.core import clock

from .benchmark_models import BenchmarkFigure, BenchmarkPeriod, Marker

COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code",
           "country_name", "region_code", "region_name", "old_la_code", "new_la_code",
           "la_name", "breakdown_topic", "breakdown", "child_count", "child_percent",
           "rate_per_100"]  # fmt: skip
TOPICS = ["Total", "Sex", "Year group", "Duration", "Reason"]
MARKERS = {choice.value for choice in Marker if choice.value}
MAX_LISTED = 200  # problems listed in full; the count is always exact
# Rows read at most: the DfE's national file is some tens of thousands of rows a year, and a
# file is checked whole in memory before it loads.
MAX_ROWS = 500_000
_NEW_CODE = re.compile(r"^E\d{8}$")
_OLD_CODE = re.compile(r"^\d{3}$")
# The DfE's CME census began in 2024/25; a year before the tracker's oldest history, or
# one whose autumn is still to come, is a mistyped file (its census dates cannot be found).
FIRST_YEAR = 2000
MOST_CHILDREN = 2_000_000_000  # a count column's limit is 2,147,483,647
_PLAIN_NUMBER = re.compile(r"^(\d{1,12}(\.\d{1,12})?|\.\d{1,12})$")


@dataclass
class Parsed:
    """The file's figures by term, or the problems that stop it loading."""

    rows: int = 0
    terms: dict[tuple[int, str], list[dict]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    def problem(self, line: int | None, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(f"Line {line}: {text}" if line else text)

    def digest(self, term: tuple[int, str]) -> str:
        """The same rows, in any order, give the same digest."""
        lines = sorted(repr(sorted(row.items())) for row in self.terms[term])
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _number(text: str, name: str, *, whole: bool, blank_ok: bool, most=None):
    """(value, marker) for a cell, or raises ValueError with what is wrong with it."""
    if text.lower() in MARKERS:
        return None, text.lower()
    if not text:
        if blank_ok:
            return None, ""
        raise ValueError(f"{name} is empty: the DfE marks a figure it does not give with x")
    plain = text.replace(",", "")
    # Digits and a point only: no exponent, so no cell can ask for a number of a million
    # digits (as ``1E+2000000`` would), and no number too big for its column.
    if not _PLAIN_NUMBER.match(plain.removeprefix("-")):
        raise ValueError(f"{name} is '{text[:40]}', not a number or one of the DfE's markers "
                         "(low, x, z or c)")  # fmt: skip
    value = Decimal(plain)
    if whole and value > MOST_CHILDREN:
        raise ValueError(f"{name} is {text[:40]}: more children than any area has")
    if value < 0 or (most is not None and value > most):
        limit = f" or more than {most}" if most is not None else ""
        raise ValueError(f"{name} is {text}: it cannot be below 0{limit}")
    if whole:
        if value != value.to_integral_value():
            raise ValueError(f"{name} is {text}: a count of children is a whole number")
        return int(value), ""
    return value, ""


def _time_period(text: str) -> int:
    if re.fullmatch(r"\d{6}", text) and (int(text[:4]) + 1) % 100 == int(text[4:]):
        if FIRST_YEAR <= int(text[:4]) <= clock.today().year:
            return int(text)
        raise ValueError(f"time_period is {text}: the DfE publishes academic years from "
                         f"{FIRST_YEAR}/{(FIRST_YEAR + 1) % 100:02d} to this one")  # fmt: skip
    raise ValueError(f"time_period is '{text[:20]}', not an academic year as the DfE writes "
                     "it, such as 202526")  # fmt: skip


def _row(cells: dict[str, str]) -> dict:
    """One row's figure, or raises ValueError naming every problem in it."""
    problems, figure = [], {}

    def check(work):
        try:
            return work()
        except ValueError as error:
            problems.append(str(error))

    time_period = check(lambda: _time_period(cells["time_period"]))
    term = next((t for t in BenchmarkPeriod.TERMS
                 if t.lower() == cells["time_identifier"].lower()), None)  # fmt: skip
    if term is None:
        problems.append(f"time_identifier is '{cells['time_identifier'][:40]}': it must be "
                        "Autumn term, Spring term or Summer term")  # fmt: skip
    level = next((v for v in BenchmarkFigure.Level.values
                  if v.lower() == cells["geographic_level"].lower()), None)  # fmt: skip
    if level is None:
        problems.append(f"geographic_level is '{cells['geographic_level'][:40]}': it must be "
                        "National, Regional or Local authority")  # fmt: skip
    code = {"National": "country_code", "Regional": "region_code",
            "Local authority": "new_la_code"}.get(level)  # fmt: skip
    name = {"National": "country_name", "Regional": "region_name",
            "Local authority": "la_name"}.get(level)  # fmt: skip
    if code and not _NEW_CODE.match(cells[code]):
        problems.append(f"{code} is '{cells[code][:20]}': a {level.lower()} row needs its code, "
                        "such as E92000001 (England), E12000002 or E08000018")  # fmt: skip
    if (
        level == BenchmarkFigure.Level.LOCAL_AUTHORITY
        and cells["old_la_code"]
        and not (_OLD_CODE.match(cells["old_la_code"]))
    ):
        problems.append(f"old_la_code is '{cells['old_la_code'][:20]}', not a three-digit code")
    if name and not cells[name]:
        problems.append(f"{name} is empty")
    if code != "region_code" and cells["region_code"] and not _NEW_CODE.match(cells["region_code"]):
        problems.append(f"region_code is '{cells['region_code'][:20]}', not a region's code "
                        "such as E12000002")  # fmt: skip
    topic = next((t for t in TOPICS if t.lower() == cells["breakdown_topic"].lower()), None)
    if topic is None:
        problems.append(f"breakdown_topic is '{cells['breakdown_topic'][:40]}': it must be one "
                        f"of {', '.join(TOPICS)}")  # fmt: skip
    if not cells["breakdown"]:
        problems.append("breakdown is empty")
    elif len(cells["breakdown"]) > 120:
        problems.append("breakdown is longer than 120 characters")
    if topic == "Total" and cells["breakdown"].lower() != "total":
        problems.append(f"breakdown is '{cells['breakdown'][:40]}': a Total row's is Total")
    count = check(lambda: _number(cells["child_count"], "child_count", whole=True,
                                  blank_ok=False))  # fmt: skip
    share = check(lambda: _number(cells["child_percent"], "child_percent", whole=False,
                                  blank_ok=True, most=100))  # fmt: skip
    rate = check(lambda: _number(cells["rate_per_100"], "rate_per_100", whole=False,
                                 blank_ok=True, most=100))  # fmt: skip
    if problems:
        raise ValueError("; ".join(problems))
    figure.update(
        time_period=time_period, term=term, level=level, area_code=cells[code],
        old_la_code=cells["old_la_code"] if level == "Local authority" else "",
        area_name=cells[name][:120], region_code=cells["region_code"],
        topic=topic, breakdown="Total" if topic == "Total" else cells["breakdown"],
        child_count=count[0], child_count_marker=count[1],
        child_percent=share[0], child_percent_marker=share[1],
        rate_per_100=rate[0], rate_marker=rate[1],
    )  # fmt: skip
    return figure


def parse(source, name: str) -> Parsed:
    """Every row of the file, checked; ``problems`` lists what stops it loading."""
    parsed = Parsed()
    seen: dict[tuple, int] = {}
    try:
        rows = read_table(source, name)
        _, header = next(rows, (1, []))
        columns = [cell.strip().lower() for cell in header]
        missing = [column for column in COLUMNS if column not in columns]
        if missing:
            raise FileProblem(
                f"the first line must be the DfE's header row; it has no {', '.join(missing)} "
                "column" + ("s" if len(missing) > 1 else "")
            )
        where = {column: columns.index(column) for column in COLUMNS}
        for line, cells in rows:
            if not any(cells):
                continue
            parsed.rows += 1
            if parsed.rows > MAX_ROWS:
                raise FileProblem(f"it has more than {MAX_ROWS:,} rows, more than the DfE "
                                  "publishes: check it is the CME census file")  # fmt: skip
            values = {c: cells[i].strip() if i < len(cells) else "" for c, i in where.items()}
            try:
                figure = _row(values)
            except ValueError as error:
                parsed.problem(line, str(error))
                continue
            term = (figure.pop("time_period"), figure.pop("term"))
            key = (term, figure["level"], figure["area_code"], figure["topic"],
                   figure["breakdown"].lower())  # fmt: skip
            if key in seen:
                parsed.problem(
                    line,
                    f"the same figure as line {seen[key]} ({figure['area_name']}"
                    f", {figure['topic']}: {figure['breakdown']}, {term[1]})",
                )
                continue
            seen[key] = line
            parsed.terms.setdefault(term, []).append(figure)
    except FileProblem as problem:
        parsed.problem(None, f"The file cannot be loaded: {problem}")
        return parsed
    if not parsed.rows and not parsed.problem_count:
        parsed.problem(None, "The file has a header row but no figures")
    return parsed
