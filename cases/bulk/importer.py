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

from cme_tracker.core.spreadsheets import csv_value

from ..models import CaseImport
from ..school_age import is_compulsory_school_age
from . import columns as col
from .writer import Writer

MAX_LISTED = 500  # problems listed in full; the count is always exact


@dataclass
class Report:
    file_name: str
    dry_run: bool = False
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    warning_lines: dict[str, list[int]] = field(default_factory=dict)
    warning_totals: dict[str, int] = field(default_factory=dict)
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
        self.warning_totals[kind] = self.warning_totals.get(kind, 0) + 1
        lines = self.warning_lines.setdefault(kind, [])
        if len(lines) < 20:  # enough to find them; memory stays flat however long the file
            lines.append(line)

    @property
    def warnings(self) -> list[str]:
        listed = []
        for kind, lines in self.warning_lines.items():
            total = self.warning_totals[kind]
            shown = ", ".join(str(line) for line in lines)
            more = f" and {total - len(lines)} more" if total > len(lines) else ""
            rows = "row" if total == 1 else "rows"
            listed.append(f"{total} {rows}: {kind} (line {shown}{more})")
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
                yield reader.line_num, [csv_value(cell.strip()) for cell in row]
        except UnicodeDecodeError as error:
            raise FileProblem(
                f"the file is not UTF-8 text (near line {reader.line_num + 1})"
            ) from error


# One row --------------------------------------------------------------------------------------


class _RowParser:
    """Turns one row's text into database values, collecting every problem it has.

    The plan (column, position, converter) is worked out once, so a row costs a loop.
    """

    def __init__(self, header: list[str], lookups: col.Lookups, report: Report):
        index = {name: position for position, name in enumerate(header) if name}
        self.lookups = lookups
        self.report = report
        self.today = timezone.localdate()
        self.positions = index
        self.plan = [(column.name, index.get(column.name), column.read, column.required)
                     for column in col.COLUMNS]  # fmt: skip
        self.stages = [(column.name, column.stage) for column in col.COLUMNS]

    def parse(self, line: int, cells: list[str]) -> list | None:
        count = len(cells)
        problems = []
        v = {}
        for name, position, convert, required in self.plan:
            raw = cells[position] if position is not None and position < count else ""
            if not raw:
                if required:
                    problems.append(f"line {line}, {name}: is blank, and it is required")
                v[name] = "" if convert is None else None
            elif convert is None:
                v[name] = raw
            else:
                try:
                    v[name] = convert(raw, self.lookups)
                except col.Problem as problem:
                    problems.append(f'line {line}, {name} "{raw}": {problem}')
                    v[name] = None
        dob, referral, closed = v["date_of_birth"], v["referral_date"], v["closed_date"]
        outcome = v["closure_outcome"]
        raw = _Cells(cells, self.positions)
        today = self.today
        for name, day in (("date_of_birth", dob), ("referral_date", referral),
                          ("closed_date", closed)):  # fmt: skip
            if day and day > today:
                problems.append(f'line {line}, {name} "{raw[name]}": is in the future')
        if dob and referral and dob > referral:
            problems.append(
                f'line {line}, date_of_birth "{raw["date_of_birth"]}": is after the referral '
                f"date {referral.isoformat()}"
            )
        if closed and referral and closed < referral:
            problems.append(
                f'line {line}, closed_date "{raw["closed_date"]}": is before the referral date '
                f"{referral.isoformat()}"
            )
        if closed and not outcome and not raw["closure_outcome"]:
            problems.append(
                f"line {line}, closure_outcome: is blank, and a closed episode needs one"
            )
        if outcome and not closed and not raw["closed_date"]:
            problems.append(
                f'line {line}, closure_outcome "{raw["closure_outcome"]}": is given but '
                "closed_date is blank"
            )
        if problems:
            for problem in problems:
                self.report.error(problem)
            return None
        self._warn(line, dob, referral, v["removal_from_roll_authorised_date"], outcome)
        row = [line]
        for name, stage in self.stages:
            if stage is None:
                row.append(v[name])
            else:
                row.extend(stage(v[name]))
        return row

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


class _Cells:
    """A row's text by column name, looked up only when a message needs it."""

    __slots__ = ("cells", "positions")

    def __init__(self, cells: list[str], positions: dict[str, int]):
        self.cells, self.positions = cells, positions

    def __getitem__(self, name: str) -> str:
        position = self.positions.get(name)
        return self.cells[position] if position is not None and position < len(self.cells) else ""


# The import -----------------------------------------------------------------------------------


def import_file(
    source,
    *,
    file_name: str,
    by=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    record: CaseImport | None = None,
) -> Report:
    """Validate and import a file of cases. Nothing is written when any row is invalid,
    unless ``skip_invalid``; ``dry_run`` reports what would change and writes nothing.
    ``record`` is the queued import this runs (else a record is made for it)."""
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
        cursor.execute("DROP TABLE IF EXISTS import_row, import_child, import_written")
        # An import can simply be run again, so it need not wait for its WAL to reach disk.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        # Room to sort and hash a large file's rows in memory rather than on disk.
        cursor.execute("SET LOCAL work_mem TO '64MB'")
        # Check foreign keys as rows go in, not in one long wait at commit; but the scorecard's
        # counts once, at the end: counting takes a lock officers' saves wait for, which is
        # held from the first count to the commit.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS reports_count_at_commit DEFERRED")
        cursor.execute(
            "CREATE TEMP TABLE import_row ("
            + ", ".join(f"{name} {kind}" for name, kind in col.STAGED)
            + ", child_id bigint, episode_id bigint, created boolean NOT NULL DEFAULT false,"
            + " changed boolean NOT NULL DEFAULT false)"
            + " ON COMMIT DROP"
        )
        names = ", ".join(name for name, _ in col.STAGED)
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
        if record is None:  # run here and now (``manage.py import_cases``), not queued
            record = CaseImport.objects.create(
                started_by=by, file_name=file_name[:255], dry_run=dry_run, rows=report.rows,
                status=CaseImport.Status.FINISHED, finished_at=timezone.now(),
            )  # fmt: skip
        record.rows = report.rows
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
        else:
            # The scorecard's counts of what it changed, counted once and now, before the
            # import reports that it has finished (the deferred count runs at this point).
            cursor.execute("SET CONSTRAINTS reports_count_at_commit IMMEDIATE")
    return report


def _header(cells: list[str], report: Report) -> list[str]:
    header = [cell.strip().casefold() for cell in cells]
    if not any(header):
        raise FileProblem("it has no header row")
    unknown = [name for name in header if name and name not in col.NAMES]
    for name in unknown:
        report.warning(f'column "{name}" is not part of the format and was ignored', 1)
    missing = [name for name in col.REQUIRED if name not in header]
    if missing:
        raise FileProblem("required columns are missing: " + ", ".join(missing))
    return [name if name in col.NAMES else "" for name in header]
