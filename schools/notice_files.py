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
    """Send every row's new-pupil notice, or none: the problems, by line, when any row has
    one."""
    return read_notices(source, name, by=by, required=REQUIRED, known=KNOWN,
                        parse_row=_row, send=services.new_pupil_notice_send,
                        noun="pupils")  # fmt: skip


def read_notices(source, name: str, *, by, required, known, parse_row, send, noun: str,
                 most_rows: int = MOST_ROWS) -> Outcome:  # fmt: skip
    """A file of notices: its header checked for ``required`` columns, each row read by
    ``parse_row(line, cells, at, schools, errors)``, and ``send(by=, **row)`` for every row
    in one transaction, or for none when any row has a problem."""
    outcome = Outcome()
    schools = {school.urn: school for school in schools_of(by)}
    rows = []
    try:
        table = read_table(source, name)
        header = [cell.strip().casefold() for cell in next(table, (0, []))[1]]
        missing = [column for column in required if column not in header]
        if missing:
            raise FileProblem("these columns are missing: " + ", ".join(missing))
        if len(schools) > 1 and "school_urn" not in header:
            raise FileProblem("you send for several schools, so the file needs a school_urn column")
        at = {column: header.index(column) for column in known if column in header}
        for line, cells in table:
            if not any(cells):
                continue
            if len(rows) >= most_rows:
                raise FileProblem(f"it has more than {most_rows:,} {noun}: split it")
            row = parse_row(line, cells, at, schools, outcome.errors)
            if row:
                rows.append(row)
    except FileProblem as problem:
        outcome.errors.append(f"the file cannot be used: {problem}")
    if not rows and not outcome.errors:
        outcome.errors.append(f"the file has no {noun} in it")
    if outcome.errors:
        return outcome
    with transaction.atomic():
        outcome.sent = [send(by=by, **row) for row in rows]
    return outcome


def cell_reader(cells: list[str], at: dict):
    """A row's cell by column name: stripped, and blank for a column the file lacks."""

    def cell(column: str) -> str:
        position = at.get(column)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    return cell


def names_in(line: int, cell, columns, errors: list[str], *, required=True, longest=LONGEST_NAME,
             row: dict) -> None:  # fmt: skip
    """Each of ``columns`` a person's name: a letter in it, within ``longest``."""
    for column in columns:
        text = cell(column)
        if not text:
            if required:
                errors.append(f"line {line}, {column}: is blank, and it is required")
        elif len(text) > longest:
            errors.append(f"line {line}, {column}: is longer than {longest} characters")
        elif problem := name_problem(text):
            errors.append(f"line {line}, {column}: {problem}")
        row[column] = text


def dates_in(line: int, cell, columns, errors: list[str], *, required=True, row: dict) -> None:
    """Each of ``columns`` a date no later than today."""
    today = timezone.localdate()
    for column in columns:
        text = cell(column)
        try:
            row[column] = parse_date(text) if text else None
        except Problem as problem:
            errors.append(f'line {line}, {column} "{text[:20]}": {problem}')
            continue
        if row[column] is None:
            if required:
                errors.append(f"line {line}, {column}: is blank, and it is required")
        elif row[column] > today:
            errors.append(f"line {line}, {column}: is in the future")


def upn_in(line: int, cell, errors: list[str], row: dict) -> None:
    try:
        row["upn"] = parse_upn(cell("upn")) if cell("upn") else ""
    except Problem as problem:
        errors.append(f"line {line}, upn: {problem}")


def school_in(line: int, cell, schools: dict, errors: list[str], row: dict) -> None:
    """The row's school: its ``school_urn``, or the user's one school."""
    urn = cell("school_urn")
    if urn:
        school = schools.get(int(urn)) if urn.isascii() and urn.isdecimal() else None
        if school is None:
            errors.append(f'line {line}, school_urn "{urn[:10]}": is not one of your schools')
        row["school"] = school
    else:
        row["school"] = next(iter(schools.values())) if len(schools) == 1 else None
        if row["school"] is None:
            errors.append(f"line {line}, school_urn: is blank, and you send for several schools")


def _row(line: int, cells: list[str], at: dict, schools: dict, errors: list[str]) -> dict | None:
    cell = cell_reader(cells, at)
    found = len(errors)
    row = {}
    names_in(line, cell, ("forename", "surname"), errors, row=row)
    dates_in(line, cell, ("date_of_birth", "admitted_on"), errors, row=row)
    born, admitted = row.get("date_of_birth"), row.get("admitted_on")
    if born and admitted and admitted < born:
        errors.append(f"line {line}, admitted_on: is before the date of birth")
    upn_in(line, cell, errors, row)
    school_in(line, cell, schools, errors, row)
    return row if len(errors) == found else None
