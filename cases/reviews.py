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


# The rule above at a past date ``e``: the case's last review on or before it set when it
# was next due; a case not yet reviewed then was due if referred by ``never_by``.
_ON_TIME_AT = """
SELECT x.e, count(*)::int,
       (count(*) FILTER (WHERE NOT CASE WHEN r.due_on IS NOT NULL THEN r.due_on <= x.e
                                        ELSE ep.referral_date <= x.never_by END))::int
FROM unnest(%(ends)s::date[], %(never_by)s::date[]) AS x(e, never_by)
JOIN cases_episode ep ON ep.referral_date <= x.e AND (ep.closed_on IS NULL OR ep.closed_on > x.e)
LEFT JOIN LATERAL (
    SELECT due_on FROM cases_casereview
    WHERE episode_id = ep.id AND reviewed_on <= x.e
    ORDER BY reviewed_on DESC, id DESC LIMIT 1
) AS r ON true
GROUP BY x.e
"""


def on_time_at(cursor, ends: list[date]) -> dict[date, tuple[int, int]]:
    """{day: (cases active at its end, those not due a review then)} for each of ``ends``,
    in one statement; active as the scorecard counts it (referred by the day, not closed by
    it)."""
    if not ends:
        return {}
    cursor.execute(_ON_TIME_AT, {
        "ends": ends, "never_by": [latest_day_before(end, every_working_days()) for end in ends],
    })  # fmt: skip
    return {end: (active, on_time) for end, active, on_time in cursor.fetchall()}
