"""Which schools a school user acts for."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class SchoolMembership(models.Model):
    """A school user's school: the notices they send for it and may see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_memberships"
    )
    school = models.ForeignKey("cases.School", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    added_at = models.DateTimeField(db_default=Now())

    class Meta:
        permissions = [("invite_school_users", "Can invite school users for a school")]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="school_membership_once")
        ]

    def __str__(self):
        return f"{self.user} for {self.school}"
