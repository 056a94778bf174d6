"""Alerts about enquiries nobody has chased, and the notifications that deliver them."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Alert(models.Model):
    """Something that needs chasing. The database allows each one once, however often the
    scan runs or a task is delivered twice."""

    class Level(models.TextChoices):
        OVERDUE = "OVERDUE", "Enquiry overdue"
        ESCALATED = "ESCALATED", "Enquiry still overdue: escalated to managers"
        STALE = "STALE", "No enquiry activity on the case"
        ALLOCATED = "ALLOCATED", "Case allocated to you"
        TASK = "TASK", "Reminder or task due"

    level = models.CharField(max_length=10, choices=Level.choices)
    episode = models.ForeignKey("cases.Episode", on_delete=models.PROTECT, related_name="alerts")
    enquiry = models.ForeignKey(
        "cases.Enquiry", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    event = models.ForeignKey(
        "cases.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For an allocation: the change to the case it tells the officer about.",
    )
    task = models.ForeignKey("cases.CaseTask", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="alerts")  # fmt: skip
    quiet_since = models.DateField(
        null=True, blank=True, help_text="For a stale case: the last activity it was flagged after."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enquiry", "level"], condition=Q(enquiry__isnull=False),
                name="alert_once_per_enquiry_and_level",
            ),
            models.UniqueConstraint(
                fields=["episode", "quiet_since"], condition=Q(level="STALE"),
                name="alert_once_per_quiet_stretch",
            ),
            models.UniqueConstraint(
                fields=["event", "level"], condition=Q(event__isnull=False),
                name="alert_once_per_event",
            ),
            models.UniqueConstraint(fields=["task"], condition=Q(task__isnull=False),
                                    name="alert_once_per_task"),  # fmt: skip
            models.CheckConstraint(
                condition=(Q(level="STALE", enquiry__isnull=True, quiet_since__isnull=False,
                             event__isnull=True, task__isnull=True)
                           | Q(level="ALLOCATED", enquiry__isnull=True, event__isnull=False,
                               task__isnull=True)
                           | Q(level="TASK", enquiry__isnull=True, event__isnull=True,
                               task__isnull=False)
                           | (Q(level__in=["OVERDUE", "ESCALATED"], enquiry__isnull=False,
                                event__isnull=True, task__isnull=True))),
                name="alert_has_what_it_is_about_v3",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.get_level_display()} on {self.episode}"


class Notification(models.Model):
    """An alert delivered to one person: in the app, and by email."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The email sender's queue: each batch reads the next unsent, not all sent before.
            models.Index(fields=["id"], condition=Q(emailed_at__isnull=True),
                         name="notification_unsent"),
        ]  # fmt: skip
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient"], name="notify_each_person_once")
        ]

    def __str__(self):
        return f"notification to {self.recipient_id} of {self.alert}"
