"""Management oversight: a manager's review of a case, with the decision or direction given and
the date of the next review. Kept as written (``APPEND_ONLY``), so a manager can show an
inspector when each case was reviewed and what was decided."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from .episodes import Episode


class CaseReview(models.Model):
    APPEND_ONLY = True
    RECORDED_AT = "recorded_at"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    decision = models.TextField(help_text="The decision or direction given.")
    next_review_on = models.DateField()
    due_on = models.DateField(
        help_text="When the case is next due a review: the next review date, or the case's "
        "12-week review if that comes first (cases.reviews).",
    )  # fmt: skip
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        indexes = [models.Index(fields=["episode", "-reviewed_on"], name="review_episode_date")]
        constraints = [
            models.CheckConstraint(condition=~Q(decision=""), name="review_has_decision"),
            models.CheckConstraint(
                condition=Q(next_review_on__gt=F("reviewed_on")), name="review_next_after_this"
            ),  # fmt: skip
            models.CheckConstraint(
                condition=Q(due_on__gt=F("reviewed_on")), name="review_due_after_this"
            ),  # fmt: skip
        ]

    def __str__(self):
        return f"Review of case {self.episode_id} on {self.reviewed_on}"
