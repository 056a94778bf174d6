"""Export case history in the import format: codes for coded columns, ISO dates.

Importing an export reproduces the data: records with no council reference are written
with their own references (CH…, FAM…, CME…), which the import recognises. No cell can run
as a formula (``cme_tracker.core.spreadsheets``).
"""

import csv
from collections.abc import Iterator

from cme_tracker.core.spreadsheets import csv_row, xlsx_row

from ..models import Episode
from .columns import COLUMNS, NAMES


def case_rows(queryset=None) -> Iterator[list[str]]:
    episodes = (queryset if queryset is not None else Episode.objects.all()).select_related(
        "child__ethnicity", "child__family", "locality", "area", "presenting_need",
        "closure_outcome", "allocated_officer", "referral_source", "missing_reason",
    ).prefetch_related("open_to_services").order_by("child_id", "referral_date", "pk")  # fmt: skip
    for episode in episodes.iterator(chunk_size=2000):
        yield [column.export(episode) for column in COLUMNS]


def export_file(path, queryset=None) -> int:
    """Write the history to ``path`` (.csv or .xlsx); returns the number of episodes."""
    count = 0
    if str(path).lower().endswith(".xlsx"):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("CME episodes")
        sheet.append(NAMES)
        for row in case_rows(queryset):
            sheet.append(xlsx_row(sheet, row))
            count += 1
        workbook.save(path)
        return count
    with open(path, "w", encoding="utf-8", newline="") as handle:
        lines = cases_csv_lines(queryset)
        handle.write(next(lines))  # the header
        for line in lines:
            handle.write(line)
            count += 1
    return count


class _Echo:
    """A file for csv.writer that hands each line back instead of storing it."""

    def write(self, value):
        return value


def cases_csv_lines(queryset=None):
    """The history as CSV, a line at a time: a download streams it without holding it all."""
    writer = csv.writer(_Echo())
    yield writer.writerow(NAMES)
    for row in case_rows(queryset):
        yield writer.writerow(csv_row(row))
