"""Management oversight: a manager records a case review. The review is kept as written; the
case keeps when it was last reviewed and when it is next due (``cases.reviews``), moving on a
version with History's entry like any change to it."""

from datetime import date

from django.db import transaction

from cme_tracker.core import clock

from .. import reviews
from ..errors import CaseError
from ..models import CaseReview, Episode
from .events import event_record
from .locking import bump_version, episode_for_update


@transaction.atomic
def case_review_record(*, episode: Episode, reviewed_on: date, decision: str, by,
                       next_review_on: date | None = None) -> CaseReview:  # fmt: skip
    """Record a review; the next review date defaults to the latest the rule allows."""
    decision = (decision or "").strip()
    if not decision:
        raise CaseError("Enter the decision or direction given.")
    if not by.has_perm("cases.add_casereview"):
        raise CaseError("Only a manager records a case review.")
    episode = episode_for_update(episode.pk)
    if not episode.is_open:
        raise CaseError("Only an open case is reviewed.")
    if reviewed_on > clock.today():
        raise CaseError("The date of the review cannot be in the future.")
    if reviewed_on < episode.referral_date:
        raise CaseError("The date of the review cannot be before the case was referred.")
    if episode.last_reviewed_on and reviewed_on < episode.last_reviewed_on:
        raise CaseError("The date of the review cannot be before the case's last review, on "
                        f"{episode.last_reviewed_on:%-d %B %Y}.")  # fmt: skip
    latest = reviews.latest_next_review(reviewed_on)
    next_review_on = next_review_on or latest
    if next_review_on <= reviewed_on:
        raise CaseError("The next review must be after this one.")
    if next_review_on > latest:
        raise CaseError(f"The next review must be by {latest:%-d %B %Y}: a case is reviewed "
                        f"at least every {reviews.every_working_days()} working days.")  # fmt: skip
    due_on = reviews.due_after(referral_date=episode.referral_date, reviewed_on=reviewed_on,
                               next_review_on=next_review_on)  # fmt: skip
    review = CaseReview.objects.create(
        episode=episode, reviewed_on=reviewed_on, decision=decision,
        next_review_on=next_review_on, due_on=due_on, reviewer=by,
    )  # fmt: skip
    episode.last_reviewed_on, episode.review_due_on = reviewed_on, due_on
    version = bump_version(episode, ["last_reviewed_on", "review_due_on"])
    event_record(actor=by, verb="review.recorded", episode=episode, payload={
        "version": version, "review": review.pk, "reviewed_on": reviewed_on,
        "decision": decision, "next_review_on": next_review_on, "due_on": due_on,
    })  # fmt: skip
    return review
