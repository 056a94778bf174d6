"""Import case history: validate every row, then write it all in one transaction.

Rows are read one at a time, checked against the reference lists in memory, and streamed
with COPY into a temporary table; checks across rows (one child's overlapping episodes, a
child with two dates of birth) and the writes themselves are set-based SQL. Memory does not
grow with the file and no query runs per row. Importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from ..models import HistoryImport
from ..school_age import is_compulsory_school_age
from . import columns as col
from .writer import Writer

MAX_LISTED = 500  # problems listed in full; the count is always exact

_TEMP_COLUMNS = [
    ("line", "integer"), ("episode_ref", "text"), ("child_ref", "text"), ("upn", "text"),
    ("forename", "text"), ("surname", "text"), ("dob", "date"), ("gender", "text"),
    ("ethnicity_id", "bigint"), ("family_ref", "text"), ("locality_id", "bigint"),
    ("area_id", "bigint"), ("school_phase", "text"), ("referral_date", "date"),
    ("presenting_need_id", "bigint"), ("fsm", "boolean"), ("open_to", "bigint[]"),
    ("closed_on", "date"), ("outcome_id", "bigint"), ("removal_on", "date"),
    ("officer_id", "bigint"), ("source_id", "bigint"), ("reason_id", "bigint"),
]  # fmt: skip


@dataclass
class Report:
    file_name: str
    dry_run: bool = False
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    warning_lines: dict[str, list[int]] = field(default_factory=dict)
    warning_count: int = 0
    rows_skipped: int = 0
    children_created: int = 0
    children_updated: int = 0
    episodes_created: int = 0
    episodes_updated: int = 0
    imported: bool = False
    import_id: int | None = None

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED:
            self.errors.append(message)

    def warning(self, kind: str, line: int) -> None:
        """Warnings are grouped by kind: one sentence, with the lines it applies to."""
        self.warning_count += 1
        self.warning_lines.setdefault(kind, []).append(line)

    @property
    def warnings(self) -> list[str]:
        listed = []
        for kind, lines in self.warning_lines.items():
            shown = ", ".join(str(line) for line in lines[:20])
            more = f" and {len(lines) - 20} more" if len(lines) > 20 else ""
            rows = "row" if len(lines) == 1 else "rows"
            listed.append(f"{len(lines)} {rows}: {kind} (line {shown}{more})")
        return listed

    @property
    def summary(self) -> str:
        verb = "would change" if self.dry_run else "changed"
        if not self.imported:
            return f"Nothing imported: {self.error_count} problem(s) in {self.rows} rows."
        return (
            f"{self.rows} rows read; {verb}: {self.children_created} children created, "
            f"{self.children_updated} updated; {self.episodes_created} episodes created, "
            f"{self.episodes_updated} updated; {self.rows_skipped} rows skipped; "
            f"{self.warning_count} warning(s)."
        )


class FileProblem(Exception):
    """The file as a whole cannot be read (no header, required columns missing...)."""


# Reading ----------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(source, name: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) from a CSV (UTF-8, BOM or not) or an XLSX file's first sheet."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        workbook = load_workbook(source, read_only=True, data_only=True)
        try:
            for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
                yield number, [_cell(value) for value in row]
        finally:
            workbook.close()
        return
    if isinstance(source, str | Path):
        handle = open(source, encoding="utf-8-sig", newline="")  # noqa: SIM115
    else:
        handle = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    with handle:
        reader = csv.reader(handle)
        try:
            for row in reader:
                yield reader.line_num, [cell.strip() for cell in row]
        except UnicodeDecodeError as error:
            raise FileProblem(
                f"the file is not UTF-8 text (near line {reader.line_num + 1})"
            ) from error


# One row --------------------------------------------------------------------------------------


class _RowParser:
    """Turns one row's text into database values, collecting every problem it has."""

    def __init__(self, header: list[str], lookups: col.Lookups, report: Report):
        self.index = {name: position for position, name in enumerate(header) if name}
        self.lookups = lookups
        self.report = report

    def parse(self, line: int, cells: list[str]) -> tuple | None:
        text = {name: (cells[i] if i < len(cells) else "") for name, i in self.index.items()}
        problems = []

        def value(name, parse, *args):
            raw = text.get(name, "")
            if not raw:
                if name in col.REQUIRED:
                    problems.append(f"line {line}, {name}: is blank, and it is required")
                return None
            try:
                return parse(raw, *args)
            except col.Problem as problem:
                problems.append(f'line {line}, {name} "{raw}": {problem}')
                return None

        lk = self.lookups
        child_ref = text.get("child_ref", "")
        if not child_ref:
            problems.append(f"line {line}, child_ref: is blank, and it is required")
        forename, surname = text.get("forename", ""), text.get("surname", "")
        for name, raw in (("forename", forename), ("surname", surname)):
            if not raw:
                problems.append(f"line {line}, {name}: is blank, and it is required")
        upn = value("upn", col.parse_upn) or ""
        dob = value("date_of_birth", col.parse_date)
        gender = value("gender", col.parse_gender)
        ethnicity = value("ethnicity", col.coded, lk.ethnicity, "ethnicity code or group")
        place = value("locality", col.coded, lk.locality, "locality or area") or (None, None)
        phase = (
            col.parse_phase("")
            if not text.get("school_phase")
            else value("school_phase", col.parse_phase)
        )
        referral = value("referral_date", col.parse_date)
        need = value("presenting_need", col.coded, lk.presenting_need, "presenting need")
        fsm = value("fsm_eligible", col.parse_yes_no)
        open_to = []
        for part in filter(None, (p.strip() for p in text.get("open_to", "").split(";"))):
            found = value_of(part, lk.open_to, "service", line, "open_to", problems)
            if found:
                open_to.append(found)
        closed = value("closed_date", col.parse_date)
        outcome = value("closure_outcome", col.coded, lk.closure_outcome, "closure outcome")
        removal = value("removal_from_roll_authorised_date", col.parse_date)
        officer = value("allocated_officer", col.coded, lk.officers, "user (username or email)")
        source = value("referral_source", col.coded, lk.referral_source, "referral source")
        reason = value("cme_reason", col.coded, lk.cme_reason, "reason for missing education")

        today = timezone.localdate()
        for name, day in (("date_of_birth", dob), ("referral_date", referral),
                          ("closed_date", closed)):  # fmt: skip
            if day and day > today:
                problems.append(f'line {line}, {name} "{text[name]}": is in the future')
        if dob and referral and dob > referral:
            problems.append(
                f'line {line}, date_of_birth "{text["date_of_birth"]}": is after the referral '
                f"date {referral.isoformat()}"
            )
        if closed and referral and closed < referral:
            problems.append(
                f'line {line}, closed_date "{text["closed_date"]}": is before the referral date '
                f"{referral.isoformat()}"
            )
        if closed and not outcome and not text.get("closure_outcome"):
            problems.append(
                f"line {line}, closure_outcome: is blank, and a closed episode needs one"
            )
        if outcome and not closed and not text.get("closed_date"):
            problems.append(
                f'line {line}, closure_outcome "{text["closure_outcome"]}": is given but '
                "closed_date is blank"
            )
        if problems:
            for problem in problems:
                self.report.error(problem)
            return None
        self._warn(line, dob, referral, removal, outcome)
        return (
            line, text.get("episode_ref", ""), child_ref, upn, forename, surname, dob, gender,
            ethnicity, text.get("family_ref", ""), place[0], place[1], phase, referral, need,
            fsm, open_to, closed, outcome, removal, officer, source, reason,
        )  # fmt: skip

    def _warn(self, line, dob, referral, removal, outcome):
        """Rules that guard live case work do not block history; they are reported."""
        if not is_compulsory_school_age(dob, referral):
            self.report.warning("the child was not of compulsory school age when referred", line)
        if removal and removal < referral:
            self.report.warning("removal from roll was authorised before the referral", line)
        if outcome:
            code, needs = self.lookups.outcome_needs[outcome]
            if needs == "ENQUIRIES":
                self.report.warning(
                    "closed as enquiries exhausted with no manager's approval recorded", line
                )
            elif needs:
                self.report.warning(
                    f"closed as {code}, whose details (school, authority, how verified…) "
                    "the file does not carry",
                    line,
                )


def value_of(text, lookup, what, line, column, problems):
    try:
        return col.coded(text, lookup, what)
    except col.Problem as problem:
        problems.append(f'line {line}, {column} "{text}": {problem}')
        return None


# The import -----------------------------------------------------------------------------------


def import_history(
    source,
    *,
    file_name: str,
    by=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Validate and import a history file. Nothing is written when any row is invalid,
    unless ``skip_invalid``; ``dry_run`` reports what would change and writes nothing."""
    report = Report(file_name=file_name, dry_run=dry_run)
    lookups = col.Lookups.load()
    table = read_table(source, file_name)
    try:
        header = _header(next(table, (0, []))[1], report)
    except FileProblem as problem:
        report.error(f"the file cannot be imported: {problem}")
        return report
    parser = _RowParser(header, lookups, report)
    with transaction.atomic(), connection.cursor() as cursor:
        # ON COMMIT DROP tidies up, but imports inside one outer transaction share the table.
        cursor.execute("DROP TABLE IF EXISTS import_row, import_child")
        cursor.execute(
            "CREATE TEMP TABLE import_row ("
            + ", ".join(f"{name} {kind}" for name, kind in _TEMP_COLUMNS)
            + ", child_id bigint, episode_id bigint) ON COMMIT DROP"
        )
        names = ", ".join(name for name, _ in _TEMP_COLUMNS)
        try:
            with cursor.connection.cursor().copy(f"COPY import_row ({names}) FROM STDIN") as copy:
                for line, cells in table:
                    if not any(cells):
                        continue
                    report.rows += 1
                    row = parser.parse(line, cells)
                    if row is not None:
                        copy.write_row(row)
                    if progress:
                        progress(1)
        except FileProblem as problem:
            report.error(f"the file cannot be imported: {problem}")
        writer = Writer(cursor, report, present=set(header), by=by)
        writer.prepare()
        bad = writer.check_across_rows()
        if report.error_count and not skip_invalid:
            transaction.set_rollback(True)
            return report
        if skip_invalid:
            while bad:  # dropping a row can leave another's problem behind; look again
                writer.drop_lines(bad)
                bad = writer.check_across_rows()
            report.rows_skipped = report.rows - writer.count_rows()
        record = HistoryImport.objects.create(
            started_by=by, file_name=file_name[:255], dry_run=dry_run, rows=report.rows
        )
        writer.write(record.pk)
        for name in ("rows_skipped", "children_created", "children_updated",
                     "episodes_created", "episodes_updated"):  # fmt: skip
            setattr(record, name, getattr(report, name))
        record.warnings = report.warning_count
        record.save()
        report.imported = True
        report.import_id = record.pk
        if dry_run:
            transaction.set_rollback(True)
    return report


def _header(cells: list[str], report: Report) -> list[str]:
    header = [cell.strip().casefold() for cell in cells]
    if not any(header):
        raise FileProblem("it has no header row")
    unknown = [name for name in header if name and name not in col.COLUMNS]
    for name in unknown:
        report.warning(f'column "{name}" is not part of the format and was ignored', 1)
    missing = [name for name in col.REQUIRED if name not in header]
    if missing:
        raise FileProblem("required columns are missing: " + ", ".join(missing))
    return [name if name in col.COLUMNS else "" for name in header]
