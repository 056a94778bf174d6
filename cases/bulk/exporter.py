"""Export case history in the import format: codes for coded columns, ISO dates.

Importing an export reproduces the data: records with no council reference are written
with their own references (CH…, FAM…, CME…), which the import recognises. No cell can run
as a formula (``cme_tracker.core.spreadsheets``).
"""

import csv
from collections.abc import Iterator

from cme_tracker.core.spreadsheets import csv_row, xlsx_row

from .. import access
from ..models import Episode
from .columns import COLUMNS, GENDER_LABELS, PHASE_LABELS


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _yes_no(value) -> str:
    return {True: "Y", False: "N"}.get(value, "")


def case_rows(queryset=None) -> Iterator[list[str]]:
    episodes = (queryset if queryset is not None else Episode.objects.all()).select_related(
        "child__ethnicity", "child__family", "locality", "area", "presenting_need",
        "closure_outcome", "allocated_officer", "referral_source", "missing_reason",
    ).prefetch_related("open_to_services").order_by("child_id", "referral_date", "pk")  # fmt: skip
    for e in episodes.iterator(chunk_size=2000):
        child = e.child
        family = child.family
        place = e.area or e.locality
        yield [
            e.episode_ref or e.reference,
            child.child_ref or child.reference,
            child.upn,
            child.forename,
            child.surname,
            _iso(child.date_of_birth),
            GENDER_LABELS[child.gender],
            child.ethnicity.code if child.ethnicity else "",
            (family.family_ref or family.reference) if family else "",
            place.code if place else "",
            PHASE_LABELS[e.school_phase],
            _iso(e.referral_date),
            e.presenting_need.code if e.presenting_need else "",
            _yes_no(e.fsm_at_referral),
            ";".join(sorted(service.code for service in e.open_to_services.all())),
            _iso(e.closed_on),
            e.closure_outcome.code if e.closure_outcome else "",
            _iso(e.removal_from_roll_authorised_on),
            e.allocated_officer.username if e.allocated_officer else "",
            e.referral_source.code if e.referral_source else "",
            e.missing_reason.code if e.missing_reason else "",
            "Y" if access.is_sensitive(e) else "N",
        ]


def export_file(path, queryset=None) -> int:
    """Write the history to ``path`` (.csv or .xlsx); returns the number of episodes."""
    count = 0
    if str(path).lower().endswith(".xlsx"):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("CME episodes")
        sheet.append(COLUMNS)
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
    yield writer.writerow(COLUMNS)
    for row in case_rows(queryset):
        yield writer.writerow(csv_row(row))
