"""Writes for reports: the head of service's commentary, indicators' targets, snapshots,
DfE returns marked submitted, and the DfE's published figures loaded (in its own module,
``reports.benchmark_loading``). Bringing the counts up to date is ``reports.counting``."""

import json

from django.db import transaction
from django.utils import timezone

from cme_tracker.core import locks

from .benchmark_loading import load as benchmarks_load  # noqa: F401
from .exports import scorecard_csv, scorecard_json, scorecard_pdf, scorecard_xlsx
from .models import Commentary, DfeReturnSubmission, IndicatorTarget, ScorecardSnapshot
from .periods import Quarter
from .selectors import current_snapshot, current_submission, dfe_return, scorecard
from .snapshots import quarter_name


@transaction.atomic
def commentary_save(*, year: int, quarter: int, section: str, text: str, by) -> Commentary:
    """Write (or rewrite) a section's performance analysis for one quarter."""
    commentary, _ = Commentary.objects.select_for_update().get_or_create(
        year=year, quarter=quarter, section=section, defaults={"text": text, "updated_by": by}
    )
    if commentary.text != text or commentary.updated_by_id != by.pk:
        commentary.text, commentary.updated_by = text, by
        commentary.save(update_fields=["text", "updated_by", "updated_at"])
    return commentary


@transaction.atomic
def target_save(*, indicator: str, by, **fields) -> IndicatorTarget:
    target, _ = IndicatorTarget.objects.select_for_update().get_or_create(indicator=indicator)
    for name, value in fields.items():
        setattr(target, name, value)
    target.updated_by = by
    target.full_clean()
    target.save()
    return target


class Refused(Exception):
    """Why a report's write was not made, in words for the person making it, and the form
    field it is about."""

    field = ""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field or self.field


class SnapshotRefused(Refused):
    field = "quarter"


def _refuse_to_take(period: Quarter, before, reason: str) -> None:
    if before is not None and not reason:
        raise SnapshotRefused(
            f"{quarter_name(period)} already has a snapshot, taken "
            f"{timezone.localtime(before.taken_at):%-d %B %Y}: say why it is being taken again",
            field="reason",
        )


def snapshot_take(*, year: int, quarter: int, by=None, scheduled: bool = False, reason: str = ""):
    """Freeze an ended quarter's scorecard: its figures, commentary, CSV, XLSX and PDF as made
    now. A quarter taken again needs a reason, and the new snapshot supersedes the last. The
    schedule takes a quarter once: scheduled, it returns None when the quarter has a snapshot.

    The files are made before the lock is taken, so taking a snapshot holds up no one for
    the seconds a PDF takes; under the lock the quarter is looked at again."""
    period = Quarter(year, quarter)
    today = timezone.localdate()
    if period.end >= today:
        raise SnapshotRefused(f"{quarter_name(period)} has not ended: take a snapshot of a "
                              "quarter that has ended")  # fmt: skip
    reason = reason.strip()
    before = current_snapshot(period)
    if scheduled and before is not None:
        return None
    _refuse_to_take(period, before, reason)  # before the work, so a refusal is quick
    card = scorecard(year, today=period.end)
    files = {"figures": json.loads(scorecard_json(card)), "csv": scorecard_csv(card),
             "xlsx": scorecard_xlsx(card), "pdf": scorecard_pdf(card)}  # fmt: skip
    with transaction.atomic():
        locks.hold(locks.SNAPSHOT)  # two taken at once would both supersede the same one
        latest = current_snapshot(period)
        if latest != before:  # another was taken while this one was made
            if scheduled:
                return None
            _refuse_to_take(period, latest, reason)
        return ScorecardSnapshot.objects.create(
            year=year, quarter=quarter, taken_by=by, scheduled=scheduled,
            supersedes=latest, reason=reason if latest else "", **files,
        )  # fmt: skip


class SubmissionRefused(Refused):
    field = "reason"


@transaction.atomic
def dfe_return_submit(*, census_date, by, reason: str = ""):
    """Freeze the return at a census date that has come, as submitted to the DfE. Submitted
    again, it needs a reason, and the new one supersedes the last."""
    if census_date > timezone.localdate():
        raise SubmissionRefused(
            f"The census date, {census_date:%-d %B %Y}, has not come yet: submit a return "
            "on or after its census date", field="census_date",
        )  # fmt: skip
    locks.hold(locks.DFE_RETURN)  # two at once would both supersede the same one
    before = current_submission(census_date)
    reason = reason.strip()
    if before is not None and not reason:
        raise SubmissionRefused(
            f"The return for {census_date:%-d %B %Y} was marked submitted on "
            f"{timezone.localtime(before.submitted_at):%-d %B %Y}: say why it is being "
            "submitted again"
        )
    result = dfe_return(census_date)
    return DfeReturnSubmission.objects.create(
        census_date=census_date, submitted_by=by, supersedes=before,
        reason=reason, figures=[list(row) for row in result.rows()],
    )  # fmt: skip
