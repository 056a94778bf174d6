"""Reads for reports beyond the scorecard's own module: how a snapshot differs from the live
figures, and the DfE returns marked submitted."""

from datetime import date

from django.utils import timezone

from .models import DfeReturnSubmission
from .periods import Quarter
from .scorecard import scorecard
from .snapshots import heading


def current_submission(census_date: date) -> DfeReturnSubmission | None:
    """The return for ``census_date`` marked submitted that nothing has superseded."""
    return (
        DfeReturnSubmission.objects.select_related("submitted_by")
        .filter(census_date=census_date, superseded_by__isnull=True)
        .first()
    )


def submissions(census_date: date) -> list[DfeReturnSubmission]:
    """Every return marked submitted for ``census_date``, newest first."""
    return list(
        DfeReturnSubmission.objects.select_related("submitted_by")
        .filter(census_date=census_date)
        .order_by("-submitted_at", "-pk")
    )


def changes_since(submission: DfeReturnSubmission, rows) -> list[tuple[str, str, int, int]]:
    """(breakdown, category, as submitted, now) for each figure that differs, a category
    missing on one side counting as zero there."""
    submitted = {(b, c): n for b, c, n in submission.figures}
    now = {(b, c): n for b, c, n in rows}
    order = list(dict.fromkeys([*submitted, *now]))
    return [(b, c, submitted.get((b, c), 0), now.get((b, c), 0))
            for b, c in order if submitted.get((b, c), 0) != now.get((b, c), 0)]  # fmt: skip


def snapshot_changes(snapshot) -> list[dict]:
    """Figures of the snapshot's quarter that differ now from when it was taken."""
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
