"""Regulation 13(4) deletion returns: a school tells the council it has deleted a pupil from
its admission register, with the pupil's and parents' details and the regulation 9(1) ground.
An officer triages each one: a case opened, the notice attached to an open case, or no
children missing education concern (with the reason). The school sees the outcome only."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from cases.models import Gender
from cases.names import validate_name
from cme_tracker.core.models import ReferenceItem


class DeletionGround(ReferenceItem):
    """A regulation 9(1) ground, (a) to (o): ``code`` is its letter, ``label`` a plain-words
    summary, ``wording`` the regulation's text. The shipped wording is checked against the
    regulation only where ``wording_checked`` says so; an administrator completes the rest
    from legislation.gov.uk (docs/research/regulation-9-deletion-grounds.md)."""

    class Needs(models.TextChoices):
        NOTHING = "", "Nothing more"
        NEW_SCHOOL = "NEW_SCHOOL", "The school the pupil is now registered at"
        MOVED = "MOVED", "Where the pupil has moved to, if known"
        LEAVE = "LEAVE", "The end of a leave of absence, and 10 school days since"
        ABSENCE = "ABSENCE", "The first day of 20 school days' continuous absence"

    wording = models.TextField(
        blank=True, help_text="The regulation's words for this ground, once checked.",
    )  # fmt: skip
    wording_checked = models.BooleanField(
        default=False,
        help_text="Ticked once the wording is checked against the regulation as made.",
    )
    needs = models.CharField(
        max_length=20, choices=Needs.choices, blank=True, default="",
        help_text="What a school must also give with a deletion on this ground.",
    )  # fmt: skip
    missing_reason = models.ForeignKey(
        "cases.MissingReason", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Why the child is missing education, as a case opened from such a notice "
        "first says (the officer can change it).",
    )  # fmt: skip
    joint_enquiries = models.BooleanField(
        default=False,
        help_text="The school and the council must first have made reasonable enquiries "
        "together, as for (h) and (i).",
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = "ground for deletion"
        verbose_name_plural = "grounds for deletion"
        ordering = ["order", "code"]

    def __str__(self):
        return f"({self.code}) {self.label}"


class DeletionNotice(models.Model):
    """One deletion return. The pupil's details are kept as the school sent them; a case
    opened from it copies them into the referral, so the notice itself never changes."""

    class Status(models.TextChoices):
        RECEIVED = "RECEIVED", "Received: waiting for the council"
        CASE_OPENED = "CASE_OPENED", "The council is following this up"
        ATTACHED = "ATTACHED", "The council is following this up"
        NO_CONCERN = "NO_CONCERN", "Checked: no children missing education concern"

    school = models.ForeignKey("cases.School", on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="+")  # fmt: skip
    sent_at = models.DateTimeField(db_default=Now())
    # 13(4)(a) and (b): the pupil.
    forename = models.CharField(max_length=100, validators=[validate_name])
    surname = models.CharField(max_length=100, validators=[validate_name])
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices)
    address_line_1 = models.CharField(max_length=200)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # 13(4)(c) and (d): each parent the pupil normally lives with.
    parent_name = models.CharField(max_length=200)
    parent_address = models.CharField(
        max_length=400, blank=True, help_text="Blank when it is the pupil's address."
    )
    parent_phone = models.CharField(max_length=40)
    second_parent_name = models.CharField(max_length=200, blank=True)
    second_parent_address = models.CharField(max_length=400, blank=True)
    second_parent_phone = models.CharField(max_length=40, blank=True)
    # 13(4)(e), regulation 8(3): what the admission register says of a move, if anything.
    new_address = models.CharField(max_length=400, blank=True)
    destination_school = models.ForeignKey(
        "cases.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The school now registering the pupil, when it is one the council knows.",
    )  # fmt: skip
    destination_elsewhere = models.CharField(
        max_length=200, blank=True,
        help_text="A school or local authority elsewhere, when that is where the pupil went.",
    )  # fmt: skip
    # The deletion and its ground.
    deleted_on = models.DateField("date of deletion")
    ground = models.ForeignKey(DeletionGround, on_delete=models.PROTECT)
    leave_ended_on = models.DateField("last day of the leave of absence", null=True, blank=True)
    absence_started_on = models.DateField("first day of continuous absence", null=True,
                                          blank=True)  # fmt: skip
    joint_enquiries = models.TextField(
        blank=True, help_text="What the school and the council did together to find the child.",
    )  # fmt: skip
    # The council's triage.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    episode = models.ForeignKey(
        "cases.Episode", on_delete=models.PROTECT, null=True, blank=True,
        related_name="deletion_notices",
    )  # fmt: skip
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")  # fmt: skip
    no_concern_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        permissions = [("triage_deletion_notices", "Can triage schools' deletion notices")]
        indexes = [models.Index(fields=["status", "sent_at"], name="deletion_notice_waiting")]
        constraints = [
            models.CheckConstraint(
                condition=Q(deleted_on__gte=F("date_of_birth")), name="deletion_after_birth"
            ),  # fmt: skip
            models.CheckConstraint(
                condition=Q(leave_ended_on__isnull=True) | Q(leave_ended_on__lt=F("deleted_on")),
                name="deletion_after_leave",
            ),
            models.CheckConstraint(
                condition=Q(absence_started_on__isnull=True)
                | Q(absence_started_on__lt=F("deleted_on")),
                name="deletion_after_absence_began",
            ),
            models.CheckConstraint(
                condition=Q(status="RECEIVED")
                | Q(status__in=["CASE_OPENED", "ATTACHED"], episode__isnull=False)
                | (Q(status="NO_CONCERN") & ~Q(no_concern_reason="")),
                name="deletion_outcome_names_case_or_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="RECEIVED")
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="deletion_outcome_is_attributed",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"DN{self.pk:06d}"

    @property
    def address(self) -> str:
        parts = [self.address_line_1, self.address_line_2, self.town, self.postcode]
        return ", ".join(part for part in parts if part)
