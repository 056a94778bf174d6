"""Import case history: validate every row, then write it all in one transaction.

Rows are read one at a time, checked against the reference lists in memory, and streamed
with COPY into a temporary table; checks across rows (one child's overlapping episodes, a
child with two dates of birth) and the writes themselves are set-based SQL. Memory does not
grow with the file and no query runs per row. Importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from ..models import CaseImport
from ..names import name_problem
from ..school_age import is_compulsory_school_age
from . import columns as col
from .reading import FileProblem, read_table
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
        self.plan = [(column.name, index.get(column.name), column.read, column.required,
                      column.longest) for column in col.COLUMNS]  # fmt: skip
        self.stages = [(column.name, column.stage) for column in col.COLUMNS]

    def parse(self, line: int, cells: list[str]) -> list | None:
        count = len(cells)
        problems = []
        v = {}
        for name, position, convert, required, longest in self.plan:
            raw = cells[position] if position is not None and position < count else ""
            if not raw:
                if required:
                    problems.append(f"line {line}, {name}: is blank, and it is required")
                v[name] = "" if convert is None else None
            elif convert is None:
                v[name] = raw
                if len(raw) > longest:
                    problems.append(
                        f"line {line}, {name} {_shown(raw)}: is {len(raw):,} characters long; "
                        f"the most it may have is {longest}"
                    )
            else:
                try:
                    v[name] = convert(raw, self.lookups)
                except col.Problem as problem:
                    problems.append(f"line {line}, {name} {_shown(raw)}: {problem}")
                    v[name] = None
        for name in col.NAMED:
            if v[name] and (problem := name_problem(v[name])):
                problems.append(f"line {line}, {name} {_shown(v[name])}: {problem}")
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


def _shown(raw: str) -> str:
    """A value quoted in a message: a long one is cut short, a control character shown."""
    text = raw if len(raw) <= 60 else raw[:57] + "…"
    return '"' + "".join(char if char.isprintable() else "?" for char in text) + '"'


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
        except FileProblem as problem:  # not a row's problem: skipping rows cannot mend it
            report.error(f"the file cannot be imported: {problem}")
            transaction.set_rollback(True)
            return report
        writer = Writer(cursor, report, present=set(header), by=by, dry_run=dry_run)
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
        if record is None and not dry_run:  # run now (``manage.py import_cases``), not queued
            record = CaseImport.objects.create(
                started_by=by, file_name=file_name[:255], dry_run=dry_run, rows=report.rows,
                status=CaseImport.Status.FINISHED, finished_at=timezone.now(),
            )  # fmt: skip
        writer.write(record and record.pk)
        if record is not None:
            record.rows = report.rows
            for name in ("rows_skipped", "children_created", "children_updated",
                         "episodes_created", "episodes_updated"):  # fmt: skip
                setattr(record, name, getattr(report, name))
            record.warnings = report.warning_count
            record.save()
            report.import_id = record.pk
        report.imported = True
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
    for name in col.NAMES:
        places = [_column_letter(i) for i, cell in enumerate(header) if cell == name]
        if len(places) > 1:
            raise FileProblem(
                f'the column "{name}" appears {len(places)} times (columns '
                + " and ".join(places)
                + "): keep one and delete the others"
            )
    unknown = [name for name in header if name and name not in col.NAMES]
    for name in unknown:
        report.warning(f'column "{name}" is not part of the format and was ignored', 1)
    missing = [name for name in col.REQUIRED if name not in header]
    if missing:
        raise FileProblem("required columns are missing: " + ", ".join(missing))
    return [name if name in col.NAMES else "" for name in header]


def _column_letter(position: int) -> str:
    """A spreadsheet's name for a column: 0 is A, 25 is Z, 26 is AA."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
