"""Report settings (targets, commentary, census dates), snapshots, and the scorecard counts."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Now

from .periods import Quarter


class ReportAccess(models.Model):
    """No table: the permissions every report is guarded by."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_reports", "Can view the scorecard, caseload and DfE reports"),
            ("manage_scorecard", "Can write scorecard commentary and set targets"),
            ("submit_dfe_return", "Can mark a term's DfE return as submitted"),
            ("load_benchmarks", "Can load the DfE's published CME figures"),
        ]

    def __str__(self):
        return "report access"


class IndicatorTarget(models.Model):
    """A scorecard indicator's polarity, target and tolerance, which give its RAG rating.

    Higher is better: green at or above the target, amber at or above the amber limit, red
    below. Lower is better: the other way round.
    """

    class Polarity(models.TextChoices):
        INFO = "info", "Information only"
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Benchmark(models.TextChoices):
        NONE = "", "No benchmark: a fixed target"
        ENGLAND = "england", "England"
        REGION = "region", "The council's region"
        NEIGHBOURS = "neighbours", "The statistical neighbours' average"

    indicator = models.CharField(max_length=40, unique=True)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.INFO)
    target = models.DecimalField(max_digits=10, decimal_places=1, null=True, blank=True)
    amber_limit = models.DecimalField(
        max_digits=10, decimal_places=1, null=True, blank=True,
        help_text="The worst value still rated amber.",
    )  # fmt: skip
    owner = models.CharField(max_length=120, blank=True)
    benchmark = models.CharField(
        "Rate against a benchmark", max_length=10, choices=Benchmark.choices, blank=True,
        help_text="Green at or better than the benchmark, in place of a fixed target.",
    )  # fmt: skip
    benchmark_margin = models.DecimalField(
        max_digits=10, decimal_places=1, null=True, blank=True,
        help_text="Amber while no further than this from the benchmark, on the worse side.",
        validators=[MinValueValidator(0, "The margin cannot be below 0: it is how far on the "
                                         "worse side of the benchmark stays amber")],
    )  # fmt: skip
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator"]
        constraints = [
            # Against a benchmark, the benchmark is the target: not a fixed one as well.
            models.CheckConstraint(
                condition=models.Q(benchmark="")
                | (models.Q(target__isnull=True) & models.Q(amber_limit__isnull=True)),
                name="target_fixed_or_a_benchmark",
            ),
            models.CheckConstraint(
                condition=models.Q(benchmark_margin__isnull=True)
                | models.Q(benchmark_margin__gte=0),
                name="target_benchmark_margin_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(polarity="info")
                | models.Q(target__isnull=True)
                | models.Q(amber_limit__isnull=True)
                | (models.Q(polarity="higher") & models.Q(amber_limit__lte=models.F("target")))
                | (models.Q(polarity="lower") & models.Q(amber_limit__gte=models.F("target"))),
                name="target_amber_limit_on_the_right_side",
            ),
        ]

    def __str__(self):
        return f"target for {self.indicator}"

    def rag(self, value, benchmark=None) -> str | None:
        """Green, amber or red for ``value``; against a benchmark, ``benchmark`` is the
        benchmark's value at the same time (None when none is published)."""
        target, amber = self.target, self.amber_limit
        if self.benchmark:
            target, amber = benchmark, None
            if benchmark is not None and self.benchmark_margin is not None:
                worse = -1 if self.polarity == self.Polarity.HIGHER else 1
                amber = benchmark + worse * float(self.benchmark_margin)
        if value is None or target is None or self.polarity == self.Polarity.INFO:
            return None
        better = (lambda a, b: a >= b) if self.polarity == self.Polarity.HIGHER else (
            lambda a, b: a <= b
        )  # fmt: skip
        if better(value, target):
            return "green"
        if amber is not None and better(value, amber):
            return "amber"
        return "red"


class Commentary(models.Model):
    """The head of service's performance analysis for one section of one quarter."""

    year = models.PositiveSmallIntegerField(help_text="First year of the financial year.")
    quarter = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=60)
    text = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "commentaries"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter", "section"], name="commentary_once_per_section"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="commentary_quarter"
            ),
        ]

    def __str__(self):
        return f"commentary on {self.section}, Q{self.quarter} {self.year}"


class CensusDate(models.Model):
    """A census date of the DfE's termly elective home education and CME collection.

    Without one set for a term, the usual school census day is used (see reports.dfe).
    """

    class Term(models.TextChoices):
        AUTUMN = "AUTUMN", "Autumn"
        SPRING = "SPRING", "Spring"
        SUMMER = "SUMMER", "Summer"

    academic_year = models.PositiveSmallIntegerField(help_text="2024 for 2024/25.")
    term = models.CharField(max_length=6, choices=Term.choices)
    date = models.DateField()

    class Meta:
        ordering = ["academic_year", "date"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "term"], name="census_date_once")
        ]

    def __str__(self):
        return f"{self.get_term_display()} census {self.date:%-d %B %Y}"


class ScorecardSnapshot(models.Model):
    """A quarter's scorecard frozen as it was presented: figures, commentary and files.

    Never changes: the application's database role may only insert and read it, a trigger
    refuses updates and deletes, and downloads serve the stored bytes, so a snapshot says next
    year what it said on the day. The time it was taken is the database's clock.
    """

    APPEND_ONLY = True
    RECORDED_AT = "taken_at"

    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    taken_at = models.DateTimeField(db_default=Now())
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="Blank when taken by the schedule.",
    )  # fmt: skip
    scheduled = models.BooleanField(default=False)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by",
        help_text="The quarter's snapshot this one was taken to replace.",
    )  # fmt: skip
    reason = models.TextField(blank=True, help_text="Why the quarter was taken again.")
    figures = models.JSONField(help_text="The scorecard as JSON, commentary included.")
    csv = models.TextField()
    xlsx = models.BinaryField()
    pdf = models.BinaryField()

    class Meta:
        ordering = ["-year", "-quarter", "-taken_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"], condition=models.Q(scheduled=True),
                name="one_scheduled_snapshot_per_quarter",
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="snapshot_quarter"
            ),
            # A quarter's snapshots are one line: the first, then each taken again, with a
            # reason, in place of the one before (a snapshot is superseded at most once).
            models.UniqueConstraint(
                fields=["year", "quarter"], condition=models.Q(supersedes__isnull=True),
                name="one_first_snapshot_per_quarter",
            ),
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True) | ~models.Q(reason=""),
                name="snapshot_taken_again_has_a_reason",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"snapshot {self.pk}: Q{self.quarter} {self.year}"

    @property
    def period(self):
        return Quarter(self.year, self.quarter)


class DfeReturnSubmission(models.Model):
    """A term's DfE return as it was submitted: its figures frozen, as a snapshot is.

    Never changes (``APPEND_ONLY``: the database refuses updates and deletes). A return
    submitted again, with a reason, supersedes the one before, so the line of what was sent
    stays readable. ``figures`` holds the return's rows: breakdown, category, count.
    """

    APPEND_ONLY = True
    RECORDED_AT = "submitted_at"

    census_date = models.DateField()
    submitted_at = models.DateTimeField(db_default=Now())
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by",
        help_text="The return for the same census date this one replaced.",
    )  # fmt: skip
    reason = models.TextField(blank=True, help_text="Why the return was submitted again.")
    figures = models.JSONField(help_text="[breakdown, category, count] rows, as in the CSV.")

    class Meta:
        ordering = ["-census_date", "-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["census_date"], condition=models.Q(supersedes__isnull=True),
                name="one_first_dfe_return_per_census_date",
            ),
            models.CheckConstraint(
                condition=models.Q(supersedes__isnull=True) | ~models.Q(reason=""),
                name="dfe_return_submitted_again_has_a_reason",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"DfE return submitted for {self.census_date:%-d %B %Y}"


class QuarterSpans(models.Field):
    """Financial quarters as a PostgreSQL ``int4multirange``; only SQL reads and writes it."""

    def db_type(self, connection):
        return "int4multirange"


class EpisodeFact(models.Model):
    """What the scorecard counts one episode by, with its child's details alongside.

    Never written from Python: ``reports_count_changes()`` (``reports.counting_sql``) makes the
    rows of changed children again from the view ``reports_episodefact_source``, by column
    position: a new field here needs the view and ``FACT_COLUMNS`` there to match.
    """

    episode_id = models.BigIntegerField(primary_key=True)  # never counted twice
    child_id = models.BigIntegerField(db_index=True)
    family_key = models.BigIntegerField(db_index=True, help_text="The child's negated id "
                                        "when it has no family: a family of one.")  # fmt: skip
    referral_date = models.DateField()
    closed_on = models.DateField(null=True)
    referred_quarter = models.IntegerField(help_text="As ScorecardCount.period.")
    closed_quarter = models.IntegerField(null=True)
    referred_month = models.IntegerField(help_text="The month referred (year * 12 + month) "
                                         "doubled, plus one if on a 31st.")  # fmt: skip
    gender = models.TextField()
    ethnicity_id = models.BigIntegerField(null=True)
    locality_id = models.BigIntegerField(null=True)
    area_id = models.BigIntegerField(null=True)
    school_phase = models.TextField()
    presenting_need_id = models.BigIntegerField(null=True)
    closure_outcome_id = models.BigIntegerField(null=True)
    fsm = models.BooleanField()
    cohort = models.IntegerField(help_text="The calendar year the child's school year "
                                 "started in Reception, less four.")  # fmt: skip
    previously = models.BooleanField(help_text="The child has an earlier episode.")
    removal_quarter = models.IntegerField(null=True, help_text="The quarter the school was "
                                          "authorised to remove the child from roll.")  # fmt: skip
    first_enquiry_on = models.DateField(null=True)
    open_to = ArrayField(models.BigIntegerField())
    overdue = QuarterSpans(null=True, help_text="Quarters at whose end an enquiry was overdue.")

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"scorecard facts of episode {self.episode_id}"


class ScorecardCount(models.Model):
    """How many episodes (or families) count towards one scorecard figure in one period.

    Flows count in the quarter of their date; stocks are changes, +1 from the first quarter
    end an episode is active at and -1 from the first it is not, so a stock at a quarter end
    is the sum up to that quarter. Changed only with ``EpisodeFact``, by the same function.
    """

    pk = models.CompositePrimaryKey("measure", "key", "period")
    measure = models.CharField(max_length=24)
    key = models.CharField(max_length=24, blank=True)
    period = models.IntegerField(help_text="A quarter (year * 4 + quarter - 1), or for "
                                 "first enquiries the day referred (days since 2000).")  # fmt: skip
    count = models.IntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"{self.measure} {self.key} in {self.period}: {self.count}"


class CountingDue(models.Model):
    """A transaction with changes to count at its commit: one row, so that the commit's
    constraint trigger (``reports.counting_sql``) fires once, not once for each change."""

    transaction_id = models.BigIntegerField(primary_key=True)

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"counting due at the commit of transaction {self.transaction_id}"


class UncountedChange(models.Model):
    """A child (or an episode, for enquiries and services) changed since the scorecard's
    counts were last counted.

    Database triggers add a row in the changing statement (cheap); ``reports_count_changes()``
    takes the rows away and counts those children again, at the changing transaction's commit
    (``reports.counting_sql``) and on a schedule for any left over. An episode's child is
    looked up then, under the counting lock, in case it has moved.
    """

    child_id = models.BigIntegerField(null=True)
    episode_id = models.BigIntegerField(null=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(child_id__isnull=False) | models.Q(episode_id__isnull=False),
                name="uncounted_change_names_a_child_or_an_episode",
            )
        ]

    def __str__(self):
        return f"uncounted change to child {self.child_id} / episode {self.episode_id}"


from .benchmark_models import (  # noqa: E402, F401  (models of this app, in their own module)
    BenchmarkFigure,
    BenchmarkPeriod,
    BenchmarkRelease,
    BenchmarkSettings,
    ChildPopulation,
)
