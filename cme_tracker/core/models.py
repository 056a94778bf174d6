"""Users, the shape every reference list shares, and the record of background work."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower, Now
from django.utils import timezone


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role (a group)."""

    sso_subject = models.CharField(
        "single sign-on subject", max_length=255, blank=True, default="",
        help_text="Who the council's identity provider says this is (issuer and subject); "
        "blank for an account that signs in with a password.",
    )  # fmt: skip

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_when_present",
            ),
            models.UniqueConstraint(
                "sso_subject", condition=~models.Q(sso_subject=""), name="user_sso_subject_unique"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username


class AccountChange(models.Model):
    """A change to what someone may do: their roles, their own permissions, or whether they
    are active, staff or a superuser. Who made it, and the before and after. Append-only,
    timed by the database."""

    APPEND_ONLY = True
    RECORDED_AT = "changed_at"

    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Blank for the system (a command or the demo loader).",
    )  # fmt: skip
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="account_changes")
    changes = models.JSONField(help_text="For each thing changed: its value before and after.")
    changed_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["user", "-changed_at"], name="account_change_user")]

    def __str__(self):
        return f"change to user {self.user_id}"


class ReferenceItem(models.Model):
    """An entry in an admin-editable list: a stable code, the label people see, an order.

    Entries are retired with ``is_active`` rather than deleted, so history keeps its meaning.
    """

    code = models.SlugField(max_length=40, unique=True, allow_unicode=False)
    label = models.CharField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["order", "label"]

    def __str__(self):
        return self.label


class OutboxMessage(models.Model):
    """Background work a request asked for, written in the request's own transaction.

    The broker (Redis) may be down; the database is the record of what must still happen.
    A message is published after commit and, if that fails, by the periodic sweep.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(published_at__isnull=True),
                name="outbox_pending",
            )
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"


class JobRun(models.Model):
    """One run of a background job, for administrators: when, how it went, what it did."""

    class Status(models.TextChoices):
        RUNNING = "RUNNING", "Running"
        SUCCEEDED = "SUCCEEDED", "Succeeded"
        FAILED = "FAILED", "Failed"

    job = models.CharField(max_length=100)
    trigger = models.CharField(
        max_length=20, help_text="What started it: schedule, command, or a case change."
    )
    task_id = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, help_text="The failure, without any child's details.")

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="RUNNING", finished_at__isnull=True)
                | (~models.Q(status="RUNNING") & models.Q(finished_at__isnull=False)),
                name="jobrun_finished_when_not_running",
            )
        ]

    def __str__(self):
        return f"{self.job} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None
