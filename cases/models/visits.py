"""Home visits: the structured record of a visit to an address, which counts as the case's
home-visit enquiry (made and answered on the day). Photos taken go on that enquiry as
documents."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from .episodes import Enquiry, Episode
from .people import Address


class HomeVisit(models.Model):
    class Outcome(models.TextChoices):
        NO_ANSWER = "NO_ANSWER", "No answer"
        SPOKE_TO_OCCUPANT = "SPOKE_TO_OCCUPANT", "Spoke to an occupant"
        CHILD_SEEN = "CHILD_SEEN", "Child seen"
        FAMILY_MOVED = "FAMILY_MOVED", "Family moved"
        REFUSED = "REFUSED", "Refused to speak"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="home_visits")
    enquiry = models.OneToOneField(Enquiry, on_delete=models.PROTECT, related_name="home_visit",
                                   help_text="The home-visit enquiry this visit is.")  # fmt: skip
    visited_on = models.DateField()
    visited_at = models.TimeField(null=True, blank=True)
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="One of the family's addresses.",
    )  # fmt: skip
    other_address = models.CharField(max_length=300, blank=True)
    visitors = models.CharField("who visited", max_length=200)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    calling_card_left = models.BooleanField()
    information = models.TextField("what neighbours or the occupant said", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-visited_on", "-pk"]
        constraints = [
            # Either one of the family's addresses or another, never both, never neither.
            models.CheckConstraint(
                condition=(Q(address__isnull=False) & Q(other_address=""))
                | (Q(address__isnull=True) & ~Q(other_address="")),
                name="visit_has_one_address",
            ),
            models.CheckConstraint(condition=~Q(visitors=""), name="visit_says_who_visited"),
            models.CheckConstraint(condition=Q(outcome__in=[
                "NO_ANSWER", "SPOKE_TO_OCCUPANT", "CHILD_SEEN", "FAMILY_MOVED", "REFUSED"]),
                name="visit_outcome_known"),
        ]  # fmt: skip

    def __str__(self):
        return f"Home visit {self.pk} on case {self.episode_id}"

    @property
    def where(self) -> str:
        return self.address.one_line if self.address_id else self.other_address
