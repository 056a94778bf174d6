"""A school's file of new-pupil notices (CSV or XLSX, a header row, one pupil a row), read
like the case history: as untrusted (``cases.bulk.reading``), every row checked before any
is kept, every problem named by line and column, and nothing kept unless all are good.

Columns (any order, any case): ``forename``, ``surname``, ``date_of_birth``,
``admitted_on`` (required), ``upn``, and ``school_urn`` when the user acts for several
schools. Dates are YYYY-MM-DD or DD/MM/YYYY."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.bulk.columns import Problem, parse_date, parse_upn
from cases.bulk.reading import FileProblem, read_table
from cases.names import name_problem

from . import services
from .selectors import schools_of

REQUIRED = ["forename", "surname", "date_of_birth", "admitted_on"]
KNOWN = [*REQUIRED, "upn", "school_urn"]
MOST_ROWS = 2000  # a school's new pupils at the start of a year, with room to spare
LONGEST_NAME = 100


@dataclass
class Outcome:
    sent: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def notices_from_file(source, name: str, *, by) -> Outcome:
    """Send every row's notice, or none: the problems, by line, when any row has one."""
    outcome = Outcome()
    schools = {school.urn: school for school in schools_of(by)}
    rows = []
    try:
        table = read_table(source, name)
        header = [cell.strip().casefold() for cell in next(table, (0, []))[1]]
        missing = [column for column in REQUIRED if column not in header]
        if missing:
            raise FileProblem("these columns are missing: " + ", ".join(missing))
        if len(schools) > 1 and "school_urn" not in header:
            raise FileProblem("you send for several schools, so the file needs a school_urn column")
        at = {column: header.index(column) for column in KNOWN if column in header}
        for line, cells in table:
            if not any(cells):
                continue
            if len(rows) >= MOST_ROWS:
                raise FileProblem(f"it has more than {MOST_ROWS:,} pupils: split it")
            row = _row(line, cells, at, schools, outcome.errors)
            if row:
                rows.append(row)
    except FileProblem as problem:
        outcome.errors.append(f"the file cannot be used: {problem}")
    if not rows and not outcome.errors:
        outcome.errors.append("the file has no pupils in it")
    if outcome.errors:
        return outcome
    with transaction.atomic():
        outcome.sent = [services.new_pupil_notice_send(by=by, **row) for row in rows]
    return outcome


def _row(line: int, cells: list[str], at: dict, schools: dict, errors: list[str]) -> dict | None:
    def cell(column: str) -> str:
        position = at.get(column)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    found = len(errors)
    row = {}
    for column in ("forename", "surname"):
        text = cell(column)
        if not text:
            errors.append(f"line {line}, {column}: is blank, and it is required")
        elif len(text) > LONGEST_NAME:
            errors.append(f"line {line}, {column}: is longer than {LONGEST_NAME} characters")
        elif problem := name_problem(text):
            errors.append(f"line {line}, {column}: {problem}")
        row[column] = text
    today = timezone.localdate()
    for column in ("date_of_birth", "admitted_on"):
        text = cell(column)
        try:
            row[column] = parse_date(text) if text else None
        except Problem as problem:
            errors.append(f'line {line}, {column} "{text[:20]}": {problem}')
            continue
        if row[column] is None:
            errors.append(f"line {line}, {column}: is blank, and it is required")
        elif row[column] > today:
            errors.append(f"line {line}, {column}: is in the future")
    born, admitted = row.get("date_of_birth"), row.get("admitted_on")
    if born and admitted and admitted < born:
        errors.append(f"line {line}, admitted_on: is before the date of birth")
    try:
        row["upn"] = parse_upn(cell("upn")) if cell("upn") else ""
    except Problem as problem:
        errors.append(f"line {line}, upn: {problem}")
    urn = cell("school_urn")
    if urn:
        school = schools.get(int(urn)) if urn.isdigit() else None
        if school is None:
            errors.append(f'line {line}, school_urn "{urn[:10]}": is not one of your schools')
        row["school"] = school
    else:
        row["school"] = next(iter(schools.values())) if len(schools) == 1 else None
        if row["school"] is None:
            errors.append(f"line {line}, school_urn: is blank, and you send for several schools")
    return row if len(errors) == found else None
