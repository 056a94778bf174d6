"""The reports' reads, all in one place: the scorecard, caseload aging, the DfE return,
snapshots and how one differs from the live figures, the returns marked submitted, and the
quarter the schedule freezes next. Views, tasks and commands read through here; the figures
are worked out in their own modules (scorecard, caseload, dfe), which never write.
"""

from datetime import date, timedelta

from django.utils import timezone

from cases.working_days import is_working_day

from .caseload import caseload_aging
from .dfe import dfe_return
from .models import DfeReturnSubmission
from .periods import Quarter, current_financial_year
from .scorecard import scorecard
from .snapshots import current_snapshot, heading, snapshot_for_page, snapshot_list

__all__ = [
    "caseload_aging", "changes_since", "current_snapshot", "current_submission", "dfe_return",
    "scorecard", "snapshot_changes", "snapshot_due", "snapshot_for_page", "snapshot_list",
    "submissions",
]  # fmt: skip


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


def snapshot_due(today):
    """The quarter to freeze today, when today is the first working day after its end."""
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
