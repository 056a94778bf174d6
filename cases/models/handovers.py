"""Handing a case to another council when the family has moved there: the handover sent to
that council's CME contact (the printable case, by email), and its acknowledgement, on which
the case closes as the other authority having accepted responsibility."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from .episodes import Episode


class Handover(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="handovers")
    local_authority = models.CharField(max_length=200)
    contact_name = models.CharField("CME contact", max_length=200)
    contact_email = models.EmailField("CME contact's email address")
    sensitive_shared = models.BooleanField(
        help_text="The officer confirmed the sensitive details may go to the other council."
    )
    sent_on = models.DateField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")  # fmt: skip
    sent_at = models.DateTimeField(db_default=Now())
    emailed_at = models.DateTimeField(null=True, blank=True)
    acknowledged_on = models.DateField(null=True, blank=True)
    accepted_by = models.CharField(max_length=200, blank=True)
    acknowledgement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["sent_on"], condition=Q(acknowledged_on__isnull=True),
                                name="handover_waiting")]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True, accepted_by="",
                            acknowledgement_recorded_by__isnull=True)
                | (Q(acknowledged_on__isnull=False, acknowledgement_recorded_by__isnull=False)
                   & ~Q(accepted_by="")),
                name="handover_acknowledged_by_someone",
            ),
            models.UniqueConstraint(fields=["episode"], condition=Q(acknowledged_on__isnull=True),
                                    name="one_handover_waiting_per_case"),
        ]  # fmt: skip

    def __str__(self):
        return f"Handover of case {self.episode_id} to {self.local_authority}"
