"""The DfE's published CME census figures, loaded to compare the council with England, its
region and its statistical neighbours (docs/dfe-benchmarks.md).

A loaded file is a ``BenchmarkRelease``. Each term it holds is a ``BenchmarkPeriod``, held by
the newest release that had it: loading a newer release of a term replaces that term's
figures, loading the same one again changes nothing. A published cell may hold one of the
DfE's markers instead of a number; the marker is kept, never read as zero.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Now

# The old three-digit local authority code (372) or the new nine-character one (E08000018).
LA_CODE = RegexValidator(
    r"^(\d{3}|E\d{8})$",
    "Enter a local authority code: the old three-digit code, such as 372, or the new code, "
    "such as E08000018",
)


class Marker(models.TextChoices):
    """The DfE's symbols for a published cell that holds no number."""

    NONE = "", "A number"
    LOW = "low", "Low (rounds to zero, but is not zero)"
    NOT_AVAILABLE = "x", "Not available"
    NOT_APPLICABLE = "z", "Not applicable"
    CONFIDENTIAL = "c", "Suppressed to protect confidentiality"


class BenchmarkRelease(models.Model):
    """One DfE published file as it was loaded: when the DfE published it, and who loaded it."""

    published_on = models.DateField(help_text="The date the DfE published this release.")
    file_name = models.CharField(max_length=255)
    loaded_at = models.DateTimeField(db_default=Now())
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="Blank when loaded by the command.",
    )  # fmt: skip
    rows = models.PositiveIntegerField()

    class Meta:
        ordering = ["-published_on", "-loaded_at"]

    def __str__(self):
        return f"DfE release published {self.published_on:%-d %B %Y}"


class BenchmarkPeriod(models.Model):
    """One term of the DfE's figures, as the newest release loaded that holds it gives it."""

    TERMS = ["Autumn term", "Spring term", "Summer term"]  # the DfE's time_identifier values

    time_period = models.PositiveIntegerField(help_text="The DfE's academic year: 202526.")
    term = models.CharField(max_length=12, choices=[(t, t) for t in TERMS])
    release = models.ForeignKey(BenchmarkRelease, on_delete=models.PROTECT,
                                related_name="periods")  # fmt: skip
    digest = models.CharField(max_length=64, help_text="Of the term's rows, to tell a file "
                              "loaded again from a changed one.")  # fmt: skip

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["time_period", "term"], name="benchmark_term_once"),
        ]

    def __str__(self):
        return self.label

    @property
    def academic_year(self) -> int:
        return self.time_period // 100

    @property
    def label(self) -> str:
        """'Autumn term 2025/26'."""
        return f"{self.term} {self.academic_year}/{self.time_period % 100:02d}"

    @property
    def order(self) -> tuple[int, int]:
        return (self.academic_year, self.TERMS.index(self.term))


class BenchmarkFigure(models.Model):
    """One published row: an area's count, share and rate for one breakdown in one term."""

    class Level(models.TextChoices):
        NATIONAL = "National"
        REGIONAL = "Regional"
        LOCAL_AUTHORITY = "Local authority"

    period = models.ForeignKey(BenchmarkPeriod, on_delete=models.CASCADE, related_name="figures")
    level = models.CharField(max_length=16, choices=Level.choices)
    area_code = models.CharField(max_length=9, help_text="The country, region or new local "
                                 "authority code.")  # fmt: skip
    old_la_code = models.CharField(max_length=3, blank=True)
    area_name = models.CharField(max_length=120)
    region_code = models.CharField(max_length=9, blank=True)
    topic = models.CharField(max_length=20, help_text="The DfE's breakdown_topic.")
    breakdown = models.CharField(max_length=120)
    child_count = models.IntegerField(null=True)
    child_count_marker = models.CharField(max_length=3, choices=Marker.choices, blank=True)
    child_percent = models.DecimalField(max_digits=7, decimal_places=3, null=True)
    child_percent_marker = models.CharField(max_length=3, choices=Marker.choices, blank=True)
    rate_per_100 = models.DecimalField(max_digits=9, decimal_places=4, null=True)
    rate_marker = models.CharField(max_length=3, choices=Marker.choices, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["period", "level", "area_code", "topic", "breakdown"],
                                    name="benchmark_figure_once"),
            # A count is a number or a marker; a share or a rate may be neither (left blank).
            models.CheckConstraint(
                condition=models.Q(child_count__isnull=True) ^ models.Q(child_count_marker=""),
                name="benchmark_count_is_a_number_or_a_marker"),
            models.CheckConstraint(
                condition=models.Q(child_percent__isnull=True) | models.Q(child_percent_marker=""),
                name="benchmark_share_not_both"),
            models.CheckConstraint(
                condition=models.Q(rate_per_100__isnull=True) | models.Q(rate_marker=""),
                name="benchmark_rate_not_both"),
            models.CheckConstraint(condition=models.Q(child_count__gte=0),
                                   name="benchmark_count_not_negative"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.area_name}, {self.topic}: {self.breakdown}"


class BenchmarkSettings(models.Model):
    """Who the council is in the DfE's files, and whom it compares itself with. One row."""

    one = models.BooleanField(default=True, editable=False)
    la_code = models.CharField(
        "The council's local authority code", max_length=9, validators=[LA_CODE],
        help_text="The old three-digit code (such as 372) or the new code (such as E08000018).",
    )  # fmt: skip
    statistical_neighbours = ArrayField(
        models.CharField(max_length=9, validators=[LA_CODE]), default=list, blank=True,
        help_text="Local authority codes, separated by commas. The DfE's children's services "
        "statistical neighbour benchmarking tool gives the usual ten.",
    )  # fmt: skip

    class Meta:
        verbose_name = "benchmark settings"
        verbose_name_plural = "benchmark settings"
        constraints = [
            models.UniqueConstraint(fields=["one"], name="benchmark_settings_once"),
            models.CheckConstraint(condition=models.Q(one=True), name="benchmark_settings_one"),
        ]

    def __str__(self):
        return f"benchmark settings for local authority {self.la_code}"

    def clean(self):
        codes = self.statistical_neighbours or []  # each checked against LA_CODE already
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            problem = f"{', '.join(twice)} is entered more than once: enter each neighbour once"
        elif self.la_code in codes:
            problem = f"{self.la_code} is the council's own code: the neighbours are other councils"
        else:
            return
        raise ValidationError({"statistical_neighbours": problem})


class ChildPopulation(models.Model):
    """How many children aged 5 to 16 live in the council's area in an academic year: what
    a rate per 100 (or per 10,000) is of. Without one, the rate is estimated from the
    council's own published row and labelled as an estimate."""

    academic_year = models.PositiveSmallIntegerField(unique=True, help_text="2025 for 2025/26.")
    children = models.PositiveIntegerField(
        "Children aged 5 to 16", validators=[MinValueValidator(1)],
        help_text="The estimate the DfE's rates use: the ONS mid-year population estimate.",
    )  # fmt: skip
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-academic_year"]
        constraints = [models.CheckConstraint(condition=models.Q(children__gte=1),
                                              name="child_population_positive")]  # fmt: skip

    def __str__(self):
        return f"children aged 5 to 16 in {self.academic_year}/{(self.academic_year + 1) % 100:02d}"
