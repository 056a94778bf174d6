"""Reference lists that reports break figures down by. Admins edit them; codes stay stable."""

from django.db import models

from cme_tracker.core.models import ReferenceItem


class SchoolPhase(models.TextChoices):
    PRIMARY = "PRIMARY", "Primary"
    SECONDARY = "SECONDARY", "Secondary"
    SPECIAL = "SPECIAL", "Special/Inclusion"
    UNKNOWN = "UNKNOWN", "Unknown"


class ClosureOutcome(ReferenceItem):
    """Why an episode closed. ``needs`` names the details live closure must record."""

    class Needs(models.TextChoices):
        NOTHING = "", "Nothing more"
        SCHOOL = "SCHOOL", "The school and start date"
        OTHER_LA = "OTHER_LA", "Which local authority and who accepted"
        LEFT_UK = "LEFT_UK", "How leaving the UK was verified"
        EHE = "EHE", "The date home education was notified"
        ENQUIRIES = "ENQUIRIES", "Core enquiries completed and a manager's approval"

    needs = models.CharField(max_length=20, choices=Needs.choices, blank=True, default="")
    is_historical_only = models.BooleanField(
        default=False, help_text="Only for imported history; officers cannot choose it."
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = "closure outcome"


class PresentingNeed(ReferenceItem):
    """Predominant need at referral: what the referrer or system checks showed, not assessed."""

    class Meta(ReferenceItem.Meta):
        verbose_name = "presenting need"


class DfeReason(ReferenceItem):
    """A primary reason in the DfE's termly CME collection, in the DfE's own words.

    The DfE changes its list between collections; an administrator adds a category here and
    maps local reasons to it. ``NOT_RECORDED`` is what a case with no reason counts as.
    """

    NOT_RECORDED = "NOT_RECORDED"

    class Meta(ReferenceItem.Meta):
        verbose_name = "DfE reason category"
        verbose_name_plural = "DfE reason categories"


class MissingReason(ReferenceItem):
    """Why the child is missing education: a DfE category, or a local reason counted under
    exactly one of them in the DfE return."""

    dfe_reason = models.ForeignKey(
        DfeReason, on_delete=models.PROTECT, related_name="reasons",
        verbose_name="DfE reason category", help_text="What the DfE return counts it as.",
    )  # fmt: skip

    class Meta(ReferenceItem.Meta):
        verbose_name = "reason for missing education"
        verbose_name_plural = "reasons for missing education"


class EthnicityGroup(ReferenceItem):
    """The group a report counts an ethnicity under (e.g. Gypsy/Roma, Not known)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = "ethnicity report group"


class Ethnicity(ReferenceItem):
    """A DfE school-census ethnicity code. A child with none is counted as Not known."""

    group = models.ForeignKey(EthnicityGroup, on_delete=models.PROTECT, related_name="codes")

    class Meta(ReferenceItem.Meta):
        verbose_name_plural = "ethnicities"


class EnquiryType(ReferenceItem):
    """Who an enquiry is made to; ``days_to_respond`` sets a new enquiry's due date."""

    days_to_respond = models.PositiveSmallIntegerField(default=10)
    is_core = models.BooleanField(
        default=False,
        help_text="Must be completed before a case closes as enquiries exhausted.",
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = "enquiry type"


class OpenToService(ReferenceItem):
    """A service the family was open to at referral."""

    class Meta(ReferenceItem.Meta):
        verbose_name = "open-to service"


class Locality(ReferenceItem):
    """A locality of the borough. No locality (a blank or out-of-area address) is null."""

    class Meta(ReferenceItem.Meta):
        verbose_name_plural = "localities"


class Area(ReferenceItem):
    locality = models.ForeignKey(Locality, on_delete=models.PROTECT, related_name="areas")
    postcode_districts = models.CharField(
        max_length=200,
        blank=True,
        help_text="Outward codes in this area, separated by spaces (e.g. S60 S65), so a "
        "referral's locality can be found from its address.",
    )


class ReferenceVersion(models.Model):
    """One row, set by a trigger whenever any reference list changes, so each process knows
    when the lists it keeps are out of date (``cases.reference_lists``)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="reference_version_one_row")
        ]

    def __str__(self):
        return f"reference lists version {self.version}"


class School(models.Model):
    """A school from the DfE register (Get Information About Schools), keyed by URN."""

    urn = models.PositiveIntegerField("URN", unique=True)
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=SchoolPhase.choices)
    local_authority = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10, blank=True)
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return f"{self.name} ({self.urn})"
