"""The CME episode (the case), its enquiries, and the event log every change writes."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils import timezone

from ..references import CASE_REF
from .reference import SchoolPhase

# Where the case list sorts a case with no enquiry outstanding: after every due date. The
# key is indexed (with the id) for all cases and for open ones, so sorting by it, and
# "overdue" (a key before today), read index ranges.
NO_DUE_DATE = date(9999, 12, 31)
NEXT_DUE_KEY = Coalesce("next_due_on", Value(NO_DUE_DATE))


class Episode(models.Model):
    """One period of a child missing education, from referral to closure with an outcome.

    A child has at most one open episode; a later referral of the same child after closure
    opens a new episode, and that child counts as previously CME.
    """

    # What an officer edits on an open case, listed once for the form and the service; the
    # locality follows the area, and the rest changes through its own action.
    OFFICER_EDITS = (
        "area", "last_school", "school_phase", "presenting_need", "missing_reason",
        "open_to_services", "fsm_at_referral", "left_school_on",
    )  # fmt: skip

    class Status(models.TextChoices):
        OPEN = "OPEN", "Open"
        CLOSED = "CLOSED", "Closed"

    child = models.ForeignKey(
        "cases.Child",
        on_delete=models.PROTECT,
        related_name="episodes",
        db_index=False,  # the (child, referral_date) index serves it, and "previously CME"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
        help_text="The referral that opened this episode; imported history may have none.",
    )
    referral_date = models.DateField()
    referral_source = models.ForeignKey(
        "referrals.ReferralSource", on_delete=models.PROTECT, null=True, blank=True, db_index=False
    )
    episode_ref = models.CharField(
        "council's episode reference",
        max_length=60,
        blank=True,
        help_text="The id of this episode in the system history was imported from.",
    )
    left_school_on = models.DateField(
        "date left last school", null=True, blank=True, help_text="When known."
    )
    allocated_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="allocated_episodes",
    )
    locality = models.ForeignKey(
        "cases.Locality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Blank means No Locality Registered.",
    )
    area = models.ForeignKey(
        "cases.Area", on_delete=models.PROTECT, null=True, blank=True, db_index=False
    )
    last_school = models.ForeignKey(
        "cases.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    school_phase = models.CharField(
        max_length=20, choices=SchoolPhase.choices, default=SchoolPhase.UNKNOWN
    )
    presenting_need = models.ForeignKey(
        "cases.PresentingNeed", on_delete=models.PROTECT, null=True, blank=True, db_index=False
    )
    missing_reason = models.ForeignKey(
        "cases.MissingReason",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="reason for missing education",
        db_index=False,
    )
    open_to_services = models.ManyToManyField("cases.OpenToService", blank=True)
    fsm_at_referral = models.BooleanField("eligible for free school meals at referral", null=True)
    is_sensitive = models.BooleanField(
        "sensitive",
        default=False,
        help_text="Addresses, carers, schools and free text shown only to those who need to "
        "know; marking a case marks its child and family too (see cases.access).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closure_outcome = models.ForeignKey(
        "cases.ClosureOutcome", on_delete=models.PROTECT, null=True, blank=True, db_index=False
    )
    destination_school = models.ForeignKey(
        "cases.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    closure_details = models.JSONField(default=dict, blank=True)
    removal_from_roll_authorised_on = models.DateField(null=True, blank=True)
    removal_from_roll_authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    removal_from_roll_school = models.ForeignKey(
        "cases.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change, so a stale edit is refused."
    )
    next_due_on = models.DateField(
        "next enquiry due", null=True, blank=True, editable=False,
        help_text="The earliest due date of its outstanding enquiries, kept by the database "
        "(cases.derived).",
    )  # fmt: skip
    last_reviewed_on = models.DateField(null=True, blank=True, editable=False)
    review_due_on = models.DateField(
        "next review due", null=True, blank=True, editable=False,
        help_text="Set by a manager's review (cases.reviews); blank until the first.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referral_date", "-pk"]
        indexes = [
            # The case list pages by (key, id): keyset pagination reads an index range.
            models.Index(fields=["referral_date", "id"], name="episode_referral_keyset"),
            models.Index(NEXT_DUE_KEY, "id", name="episode_next_due_keyset"),
            # With the officer and the column itself, the home page counts open and overdue
            # cases from this index alone (PostgreSQL reads no expression back from an index).
            models.Index(
                NEXT_DUE_KEY,
                "id",
                condition=Q(status="OPEN"),
                include=["allocated_officer", "next_due_on", "referral_date", "review_due_on"],
                name="episode_open_next_due",
            ),  # fmt: skip
            models.Index(
                fields=["referral_date", "id"],
                condition=Q(status="OPEN"),
                name="episode_open_referral",
            ),  # fmt: skip
            # With the id, a name search reads its children's cases from the index alone.
            models.Index(
                fields=["child", "referral_date"], include=["id"], name="episode_child_referral"
            ),
            models.Index(fields=["closed_on"]),
            models.Index(fields=["status", "allocated_officer"]),
        ]
        permissions = [
            ("close_episode", "Can close a case"),
            ("allocate_episode", "Can allocate and reallocate cases"),
            ("approve_closure", "Can approve a closure as enquiries exhausted"),
            ("reopen_episode", "Can reopen a closed case"),
            ("view_sensitive_episode", "Can see every sensitive case's withheld details"),
            ("work_every_episode", "Can work on every case of the team, allocated or not"),
            ("lift_sensitivity", "Can lift a case's sensitivity, with a reason"),
            ("authorise_removal_from_roll", "Can authorise removal from a school roll"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["episode_ref"], condition=~Q(episode_ref=""), name="episode_ref_unique"
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status="OPEN"),
                name="episode_one_open_per_child",
                violation_error_message="This child already has an open case.",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("referral_date")),
                name="episode_closed_on_or_after_referral",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="CLOSED", closed_on__isnull=False, closure_outcome__isnull=False)
                    | Q(status="OPEN", closed_on__isnull=True, closure_outcome__isnull=True)
                ),
                name="episode_outcome_exactly_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["OPEN", "CLOSED"]), name="episode_status_known"
            ),
            models.CheckConstraint(
                condition=Q(removal_from_roll_authorised_by__isnull=True)
                | Q(removal_from_roll_authorised_on__isnull=False),
                name="episode_removal_authorisation_dated",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("cases:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk)

    @staticmethod
    def reference_of(pk: int) -> str:
        return CASE_REF.of(pk)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def days_missing_education(self, today: date | None = None) -> int:
        """From the referral date (or leaving the last school, when known) to closure or today."""
        start = self.left_school_on or self.referral_date
        end = self.closed_on or today or timezone.localdate()
        return max((end - start).days, 0)


class Enquiry(models.Model):
    """A check made to find the child: to a school, another LA, housing, a home visit..."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="enquiries")
    enquiry_type = models.ForeignKey("cases.EnquiryType", on_delete=models.PROTECT)
    made_to = models.CharField(max_length=200, help_text="The person or organisation asked.")
    requested_on = models.DateField()
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    response = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="enquiries"
    )
    family_group = models.UUIDField(
        null=True,
        blank=True,
        help_text="Shared by the copies of one family-level enquiry on each sibling's case.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "enquiries"
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(completed_on__isnull=True),
                name="enquiry_outstanding_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("requested_on")), name="enquiry_due_on_or_after_request"
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(completed_on__gte=F("requested_on")),
                name="enquiry_completed_on_or_after_request",
            ),
        ]

    def __str__(self):
        return f"{self.enquiry_type} enquiry on {self.episode}"

    def is_overdue(self, today: date | None = None) -> bool:
        return self.completed_on is None and self.due_on < (today or timezone.localdate())


class CaseImport(models.Model):
    """One run of the bulk import of cases: who, which file, and what it changed.

    An upload is queued with its file and run by a background worker
    (``cases.services.imports``); the file is kept only until the run has finished."""

    class Status(models.TextChoices):
        QUEUED = "QUEUED", "Waiting to start"
        RUNNING = "RUNNING", "In progress"
        FINISHED = "FINISHED", "Finished"
        FAILED = "FAILED", "Stopped by an error"

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file = models.FileField(upload_to="imports/", blank=True)
    status = models.CharField(max_length=8, choices=Status, default=Status.QUEUED)
    dry_run = models.BooleanField(default=False)
    skip_invalid = models.BooleanField(default=False)
    # What the person who ran the import is shown: problems, warnings and what changed.
    report = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    children_created = models.PositiveIntegerField(default=0)
    children_updated = models.PositiveIntegerField(default=0)
    episodes_created = models.PositiveIntegerField(default=0)
    episodes_updated = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("import_cases", "Can import and export cases in bulk")]

    def __str__(self):
        return f"import of {self.file_name} on {self.created_at:%Y-%m-%d}"


class ClosureProposal(models.Model):
    """A closure as enquiries exhausted, waiting for a manager: the case stays open until then."""

    class Decision(models.TextChoices):
        PENDING = "PENDING", "Awaiting approval"
        APPROVED = "APPROVED", "Approved"
        REJECTED = "REJECTED", "Not approved"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="closure_proposals")
    outcome = models.ForeignKey("cases.ClosureOutcome", on_delete=models.PROTECT)
    closed_on = models.DateField()
    details = models.JSONField(default=dict, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=Q(decision="PENDING"),
                name="closure_proposal_one_pending_per_episode",
            ),
            models.CheckConstraint(
                condition=Q(decision="PENDING", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(decision="PENDING") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="closure_proposal_decided_by_someone",
            ),
        ]

    def __str__(self):
        return f"closure proposal for {self.episode}"


class Event(models.Model):
    """One change to a case: who, what, when, and the values before and after.

    Append-only: the application's database role may only insert and read it, and a trigger
    refuses UPDATE and DELETE, so the history cannot be rewritten by the application or anyone
    with its credentials. Its time is the database's clock: an event cannot be back-dated.
    """

    APPEND_ONLY = True
    RECORDED_AT = "created_at"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Blank for the system (a scheduled job or an import).",
    )
    verb = models.CharField(max_length=60)
    episode = models.ForeignKey(
        Episode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,  # the (episode, -created_at) index serves every lookup
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_default=Now(), db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["episode", "-created_at"])]

    def __str__(self):
        return f"{self.verb} on {self.episode}"


class AccessLogEntry(models.Model):
    """One look at a sensitive case: who, when, which case, which page, from where.

    Apart from History, which records changes. Written once per request by every page, form,
    download, export and admin screen that opens a sensitive case, whether its withheld
    details were shown or not (``details_shown``). Append-only, timed by the database.
    """

    APPEND_ONLY = True
    RECORDED_AT = "viewed_at"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="access_log")
    page = models.CharField(max_length=300, help_text="The address of the page, no query string.")
    client_address = models.GenericIPAddressField(null=True, blank=True)
    details_shown = models.BooleanField(help_text="Whether the withheld details were shown.")
    viewed_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
        ordering = ["-viewed_at", "-pk"]
        indexes = [
            models.Index(fields=["episode", "-viewed_at"], name="access_log_episode"),
            models.Index(fields=["user", "-viewed_at"], name="access_log_user"),
            models.Index(fields=["viewed_at"], name="access_log_time"),
        ]

    def __str__(self):
        return f"{self.episode} viewed by user {self.user_id}"
