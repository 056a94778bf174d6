"""Joint enquiries before a deletion on ground (h) or (i): the school and the council each
record what they did to find the child, in one place. The school sees its own side and the
council's conclusion, never the council's steps or its case. When the council concludes the
child cannot be found, a manager's authorisation goes on the child's case and the
removal-from-roll letter is the school's to download."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from cases.names import validate_name


class JointEnquiry(models.Model):
    class Status(models.TextChoices):
        OPEN = "OPEN", "Enquiries under way"
        NOT_FOUND = "NOT_FOUND", "Child not found: the council authorises the deletion"
        FOUND = "FOUND", "The council has concluded: see its conclusion"
        WITHDRAWN = "WITHDRAWN", "Ended by the school"

    school = models.ForeignKey("cases.School", on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")  # fmt: skip
    started_at = models.DateTimeField(db_default=Now())
    forename = models.CharField(max_length=100, validators=[validate_name])
    surname = models.CharField(max_length=100, validators=[validate_name])
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, blank=True)
    address = models.CharField("last known address", max_length=400)
    parent_name = models.CharField(max_length=200)
    parent_phone = models.CharField(max_length=40)
    ground = models.ForeignKey("schools.DeletionGround", on_delete=models.PROTECT)
    clock_started_on = models.DateField(
        help_text="For (h), the last day of the leave of absence; for (i), the first day of "
        "continuous absence."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    episode = models.ForeignKey(
        "cases.Episode", on_delete=models.PROTECT, null=True, blank=True,
        related_name="joint_enquiries", help_text="The child's case at the council.",
    )  # fmt: skip
    conclusion = models.TextField(blank=True, help_text="The council's conclusion, which the "
                                  "school sees.")  # fmt: skip
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name_plural = "joint enquiries"
        constraints = [
            models.CheckConstraint(
                condition=Q(status="OPEN")
                | Q(concluded_by__isnull=False, concluded_at__isnull=False),  # fmt: skip
                name="joint_enquiry_conclusion_is_attributed",
            ),
            models.CheckConstraint(
                condition=~Q(status="NOT_FOUND") | Q(episode__isnull=False),
                name="joint_enquiry_authorisation_is_on_a_case",
            ),
            models.CheckConstraint(
                condition=~Q(status="FOUND") | ~Q(conclusion=""),
                name="joint_enquiry_found_says_what",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"JE{self.pk:06d}"


class JointEnquiryStep(models.Model):
    """One enquiry one side made: when, what, and what it found. Kept as recorded: the
    database refuses to change or remove one (``APPEND_ONLY``)."""

    APPEND_ONLY = True
    RECORDED_AT = "recorded_at"

    class Side(models.TextChoices):
        SCHOOL = "SCHOOL", "School"
        COUNCIL = "COUNCIL", "Council"

    enquiry = models.ForeignKey(JointEnquiry, on_delete=models.PROTECT, related_name="steps")
    side = models.CharField(max_length=10, choices=Side.choices)
    made_on = models.DateField()
    made = models.CharField("what was done", max_length=300)
    found = models.TextField("what it found", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    recorded_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["made_on", "pk"]

    def __str__(self):
        return f"{self.get_side_display()} enquiry on {self.made_on}"


class JointEnquiryChase(models.Model):
    """The council's managers told, once, that an open joint enquiry needs the council: no
    council enquiry in time, or the earliest day of deletion come with no conclusion. The
    database allows each kind once an enquiry, however often the daily chase runs, and
    refuses to change or remove one (``APPEND_ONLY``)."""

    APPEND_ONLY = True
    RECORDED_AT = "created_at"

    class Kind(models.TextChoices):
        NO_COUNCIL_ENQUIRY = "NO_COUNCIL_ENQUIRY", "No council enquiry recorded in time"
        DELETION_DUE = "DELETION_DUE", "The earliest day of deletion has come, not concluded"

    enquiry = models.ForeignKey(JointEnquiry, on_delete=models.PROTECT, related_name="chases")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    chased_on = models.DateField()
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["chased_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "kind"], name="joint_enquiry_chased_once"),
        ]

    def __str__(self):
        return f"{self.enquiry.reference}: {self.get_kind_display()}"
