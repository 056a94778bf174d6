"""Writes for reports: the head of service's commentary, indicators' targets, snapshots."""

from django.db import transaction

from cme_tracker.core import locks

from .models import Commentary, IndicatorTarget


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


class SnapshotRefused(Exception):
    """Why a snapshot was not taken, in words for the person taking it."""

    def __init__(self, message: str, field: str = "quarter"):
        super().__init__(message)
        self.field = field


@transaction.atomic
def snapshot_take(*, year: int, quarter: int, by=None, scheduled: bool = False, reason: str = ""):
    """Freeze an ended quarter's scorecard: its figures, commentary, CSV, XLSX and PDF as made
    now. A quarter taken again needs a reason, and the new snapshot supersedes the last."""
    import json

    from django.utils import timezone

    from .exports import scorecard_csv, scorecard_json, scorecard_pdf, scorecard_xlsx
    from .models import ScorecardSnapshot
    from .periods import Quarter
    from .scorecard import scorecard
    from .snapshots import current_snapshot, quarter_name

    period = Quarter(year, quarter)
    today = timezone.localdate()
    if period.end >= today:
        raise SnapshotRefused(f"{quarter_name(period)} has not ended: take a snapshot of a "
                              "quarter that has ended")  # fmt: skip
    locks.hold(locks.SNAPSHOT)  # two taken at once would both supersede the same one
    before = current_snapshot(period)
    reason = reason.strip()
    if before is not None and not reason:
        raise SnapshotRefused(
            f"{quarter_name(period)} already has a snapshot, taken "
            f"{timezone.localtime(before.taken_at):%-d %B %Y}: say why it is being taken again",
            field="reason",
        )
    card = scorecard(year, today=period.end)
    return ScorecardSnapshot.objects.create(
        year=year, quarter=quarter, taken_by=by, scheduled=scheduled,
        supersedes=before, reason=reason if before else "",
        figures=json.loads(scorecard_json(card)), csv=scorecard_csv(card),
        xlsx=scorecard_xlsx(card), pdf=scorecard_pdf(card),
    )  # fmt: skip


def snapshot_due(today):
    """The quarter to freeze today, when today is the first working day after its end."""
    from datetime import timedelta

    from cases.working_days import is_working_day

    from .periods import Quarter, current_financial_year

    if not is_working_day(today):
        return None
    day = today - timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    # The quarter that ended after the previous working day and before today.
    for year in (current_financial_year(today), current_financial_year(today) - 1):
        for number in (1, 2, 3, 4):
            quarter = Quarter(year, number)
            if day <= quarter.end < today:
                return quarter
    return None


def snapshot_changes(snapshot) -> list[dict]:
    """Figures of the snapshot's quarter that differ now from when it was taken."""
    from django.utils import timezone

    from .periods import Quarter
    from .scorecard import scorecard
    from .snapshots import heading

    end = Quarter(snapshot.year, snapshot.quarter).end
    live = scorecard(snapshot.year, today=min(timezone.localdate(), end))
    now = {
        (row.indicator.id, row.breakdown): row.quarters[snapshot.quarter - 1] for row in live.rows
    }
    column = f"Q{snapshot.quarter}"
    changes = []
    for row in snapshot.figures["rows"]:
        key = (row["indicator"], row["breakdown"])
        if key in now and now[key] != row[column]:
            changes.append({
                "indicator": row["indicator"], "label": heading(row["indicator"], row["label"]),
                "breakdown": row["breakdown"], "then": row[column], "now": now[key],
            })  # fmt: skip
    return changes


@transaction.atomic
def counts_rebuild() -> int:
    """Make every scorecard count afresh from the case tables; returns how many were made.

    The database's triggers keep the counts exact as cases change. This is for data loaded
    with triggers off (for example ``session_replication_role = replica``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_rebuild_counts()")
        cursor.execute("SELECT count(*) FROM reports_scorecardcount")
        return cursor.fetchone()[0]


@transaction.atomic
def counts_bring_up_to_date() -> int:
    """Count the changes to cases noted since the last time; returns how many children.

    Triggers note each changed child in the changing transaction; the scorecard does this
    before it reads, and an import asks for it in the background."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_count_pending()")
        return cursor.fetchone()[0]


class SubmissionRefused(Exception):
    """Why a DfE return was not marked submitted, in words for the head of service."""

    def __init__(self, message: str, field: str = "reason"):
        super().__init__(message)
        self.field = field


@transaction.atomic
def dfe_return_submit(*, census_date, by, reason: str = ""):
    """Freeze the return at a census date that has come, as submitted to the DfE. Submitted
    again, it needs a reason, and the new one supersedes the last."""
    from django.utils import timezone

    from .dfe import dfe_return
    from .models import DfeReturnSubmission
    from .selectors import current_submission

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
