"""Reads for reports that are not the scorecard's own: the DfE returns marked submitted."""

from datetime import date

from .models import DfeReturnSubmission


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
