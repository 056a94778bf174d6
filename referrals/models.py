"""Intake: who referred which children, when and why."""

from django.conf import settings
from django.db import models

from cme_tracker.core.models import ReferenceItem


class ReferralSource(ReferenceItem):
    """Where a referral came from: a school, admissions, health, another LA, S2S..."""

    # A case handed over by another council: the referral names the council that sent it.
    FROM_ANOTHER_COUNCIL = "OTHER_LA"

    class Meta(ReferenceItem.Meta):
        verbose_name = "referral source"

    @property
    def names_sending_council(self) -> bool:
        return self.code == self.FROM_ANOTHER_COUNCIL


class Referral(models.Model):
    """One referral of one or more children, usually a sibling group, on one date."""

    source = models.ForeignKey(ReferralSource, on_delete=models.PROTECT)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_contact = models.CharField(
        max_length=200, blank=True, help_text="Phone number or email address."
    )
    received_on = models.DateField()
    sending_local_authority = models.CharField(
        "sending council", max_length=200, blank=True,
        help_text="For a case handed over by another local authority: which one.",
    )  # fmt: skip
    reason = models.TextField(blank=True)
    last_school = models.ForeignKey(
        "cases.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    children = models.ManyToManyField(
        "cases.Child", through="ReferredChild", related_name="referrals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    form_token = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The form it was saved from: a form saves one referral, however often sent.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"REF{self.pk:06d}"


class ReferredChild(models.Model):
    """A child named on a referral, and the episode the referral opened or joined."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT)
    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT)
    episode = models.ForeignKey("cases.Episode", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "child"], name="referral_child_once")
        ]

    def __str__(self):
        return f"child {self.child_id} on {self.referral}"
