"""Regulation 13(1) new-pupil returns."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from cases.names import validate_name


class NewPupilNotice(models.Model):
    """Regulation 13(1): a school tells the council of each new pupil within five days of
    admission. Each is matched against the open CME cases: a match puts a suggested closure
    ("found in school") on the case for its officer to confirm or reject; nothing closes
    by itself. One not matched is kept 30 days and tried again as cases are opened."""

    # The key in a case's closure details naming the notice its confirmation closed it by.
    CLOSURE_KEY = "new_pupil_notice"

    class Status(models.TextChoices):
        UNMATCHED = "UNMATCHED", "Received"
        SUGGESTED = "SUGGESTED", "Being checked by the council"
        CONFIRMED = "CONFIRMED", "The council was looking for this child: thank you"
        REJECTED = "REJECTED", "Checked: no action needed"
        EXPIRED = "EXPIRED", "Received: no action needed"

    school = models.ForeignKey("cases.School", on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")  # fmt: skip
    sent_at = models.DateTimeField(db_default=Now())
    forename = models.CharField(max_length=100, validators=[validate_name])
    surname = models.CharField(max_length=100, validators=[validate_name])
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, blank=True)
    admitted_on = models.DateField("date of admission")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNMATCHED)
    episode = models.ForeignKey(
        "cases.Episode", on_delete=models.PROTECT, null=True, blank=True,
        related_name="new_pupil_notices",
        help_text="The open case it matched (kept when rejected, so it is not suggested again).",
    )  # fmt: skip
    match_reason = models.CharField(max_length=60, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        permissions = [
            ("send_notices", "Can send notices to the council for their school"),
        ]
        indexes = [models.Index(fields=["status", "sent_at"], name="new_pupil_notice_waiting")]
        constraints = [
            models.CheckConstraint(
                condition=Q(admitted_on__gte=F("date_of_birth")),
                name="new_pupil_admitted_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["UNMATCHED", "EXPIRED"]) | Q(episode__isnull=False),
                name="new_pupil_decision_names_its_case",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["CONFIRMED", "REJECTED"])
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="new_pupil_decision_is_attributed",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"NP{self.pk:06d}"
