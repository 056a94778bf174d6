"""When a case is due a manager's review: the one statement of the rule, for a case (its page)
and as a filter (lists, caseload aging, the scorecard).

A case is due a review once it has had none for ``CME_REVIEW_WORKING_DAYS`` working days
(counted from its referral until its first review), on the next review date its last review
set if that is sooner, and when it has been open ``CME_REVIEW_OPEN_WEEKS`` weeks with no
review since. A review sets its case's ``review_due_on``; a case never reviewed is due
``CME_REVIEW_WORKING_DAYS`` working days after its referral (never later than the weeks'
review, which is always further off).
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q

from .working_days import add_working_days, latest_day_before


def every_working_days() -> int:
    """A case is reviewed at least this often, in working days."""
    return settings.CME_REVIEW_WORKING_DAYS


def weeks_review_on(referral_date: date) -> date:
    return referral_date + timedelta(weeks=settings.CME_REVIEW_OPEN_WEEKS)


def latest_next_review(reviewed_on: date) -> date:
    """The latest next review date a review may set."""
    return add_working_days(reviewed_on, every_working_days())


def due_after(*, referral_date: date, reviewed_on: date, next_review_on: date) -> date:
    """When a case reviewed on ``reviewed_on`` is next due: its next review date, or its
    weeks' review if this review came before it and it is sooner."""
    weeks = weeks_review_on(referral_date)
    return min(next_review_on, weeks) if reviewed_on < weeks else next_review_on


def due_on(episode) -> date:
    """When this case is (or was) next due a review."""
    return episode.review_due_on or add_working_days(episode.referral_date, every_working_days())


def due_q(today: date, prefix: str = "") -> Q:
    """Open cases due a review on ``today``, as a filter on episodes."""
    never_by = latest_day_before(today, every_working_days())
    return Q(**{f"{prefix}status": "OPEN"}) & (
        Q(**{f"{prefix}review_due_on__lte": today})
        | Q(**{f"{prefix}review_due_on__isnull": True, f"{prefix}referral_date__lte": never_by})
    )
