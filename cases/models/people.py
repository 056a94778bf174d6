"""Children and the families they go missing with."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.names import validate_name
from cases.references import CHILD_REF, FAMILY_REF
from cases.school_age import year_group, year_group_label
from cases.upn import UPN_PATTERN


class Gender(models.TextChoices):
    MALE = "MALE", "Male"
    FEMALE = "FEMALE", "Female"
    OTHER = "OTHER", "Other"
    NOT_KNOWN = "NOT_KNOWN", "Not known"


class SENStatus(models.TextChoices):
    NONE = "NONE", "No special educational needs"
    SUPPORT = "SUPPORT", "SEN support"
    EHC_PLAN = "EHC_PLAN", "Education, health and care plan"
    NOT_KNOWN = "NOT_KNOWN", "Not known"


class Family(models.Model):
    """A sibling group. A child with no family is counted as a family of one."""

    family_ref = models.CharField(
        "council's family reference",
        max_length=60,
        blank=True,
        help_text="The id of this family in the system history was imported from.",
    )
    is_sensitive = models.BooleanField(
        "sensitive",
        default=False,
        db_default=False,
        help_text="Every case of the family's children is sensitive (see cases.access).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "families"
        constraints = [
            models.UniqueConstraint(
                fields=["family_ref"], condition=~Q(family_ref=""), name="family_ref_unique"
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return FAMILY_REF.of(self.pk)


class Carer(models.Model):
    """A parent or carer of a family's children."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="carers")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=60, help_text="For example mother, grandfather")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    ended_on = models.DateField(
        "no longer a carer from", null=True, blank=True,
        help_text="A carer who has left the family stays on record for earlier cases.",
    )  # fmt: skip
    is_sensitive = models.BooleanField(
        "sensitive",
        default=False,
        db_default=False,
        help_text="Name and contact details shown only to those who need to know, always.",
    )

    def __str__(self):
        return f"{self.relationship} of {self.family}"


class Address(models.Model):
    """Where a family lives or lived. A sensitive address (a refuge, say) is shown only to
    those who need to know, even after the family's sensitivity is lifted."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="addresses")
    line_1 = models.CharField("address line 1", max_length=200)
    line_2 = models.CharField("address line 2", max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    area = models.ForeignKey("cases.Area", on_delete=models.PROTECT, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_sensitive = models.BooleanField("sensitive", default=False)

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="address_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"address of {self.family}"

    @property
    def one_line(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)


class Child(models.Model):
    """A child who has been missing education at least once."""

    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    child_ref = models.CharField(
        "council's child reference",
        max_length=60,
        blank=True,
        help_text="The id of this child in the system history was imported from.",
    )
    forename = models.CharField(max_length=100, validators=[validate_name])
    surname = models.CharField(max_length=100, validators=[validate_name])
    preferred_name = models.CharField(max_length=100, blank=True)
    other_names = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=10, choices=Gender.choices)
    ethnicity = models.ForeignKey(
        "cases.Ethnicity", on_delete=models.PROTECT, null=True, blank=True
    )
    upn = models.CharField("UPN", max_length=13, blank=True)
    former_upn = models.CharField("former UPN", max_length=13, blank=True)
    fsm_eligible = models.BooleanField("eligible for free school meals", null=True)
    sen_status = models.CharField(
        "SEN status", max_length=10, choices=SENStatus.choices, default=SENStatus.NOT_KNOWN
    )
    first_language = models.CharField(max_length=60, blank=True)
    is_sensitive = models.BooleanField(
        "sensitive",
        default=False,
        db_default=False,
        help_text="Every case of this child is sensitive, whichever family they are in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "children"
        ordering = ["surname", "forename"]
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["surname", "id"], name="child_surname_keyset"),
            models.Index(
                fields=["former_upn"], condition=~Q(former_upn=""), name="child_former_upn"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["upn"], condition=~Q(upn=""), name="child_upn_unique"),
            models.CheckConstraint(
                condition=Q(upn="") | Q(upn__regex=UPN_PATTERN), name="child_upn_format"
            ),
            models.UniqueConstraint(
                fields=["child_ref"], condition=~Q(child_ref=""), name="child_ref_unique"
            ),
        ]

    def __str__(self):
        return f"child {self.pk}"

    @property
    def reference(self) -> str:
        return CHILD_REF.of(self.pk)

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}"

    def age_on(self, on: date | None = None) -> int:
        on = on or timezone.localdate()
        before_birthday = (on.month, on.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return on.year - self.date_of_birth.year - before_birthday

    def year_group_on(self, on: date | None = None) -> str:
        return year_group_label(year_group(self.date_of_birth, on or timezone.localdate()))


class ChildNamePart(models.Model):
    """A word of a child's names, folded, or a tail of one: what name search reads. Kept by
    the database from ``Child`` (``cases.derived``); never written by the application."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=200)

    class Meta:
        indexes = [
            models.Index(
                fields=["part", "child"], name="child_name_part",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            )
        ]  # fmt: skip

    def __str__(self):
        return f"name part of child {self.child_id}"
