"""Reminders and tasks on a case: a date and a short text for one person. An officer sets a
reminder for themselves; a manager gives an officer a task. Each is open until its person
marks it done; the daily alert run tells them on the day."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from .episodes import Episode

TEXT_LIMIT = 200  # a line saying what to do: the case holds the detail


class CaseTask(models.Model):
    class Kind(models.TextChoices):
        REMINDER = "REMINDER", "Reminder"
        TASK = "TASK", "Task"

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="case_tasks", help_text="Who it is for.")  # fmt: skip
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip
    due_on = models.DateField()
    text = models.CharField(max_length=TEXT_LIMIT)
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(
                fields=["owner", "due_on"],
                condition=Q(done_on__isnull=True),
                name="task_open_owner_due",
            ),  # fmt: skip
            models.Index(
                fields=["due_on"], condition=Q(done_on__isnull=True), name="task_open_due"
            ),  # fmt: skip
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="task_has_text"),
            models.CheckConstraint(
                condition=Q(kind__in=["REMINDER", "TASK"]), name="task_kind_known"
            ),  # fmt: skip
            # A reminder is one's own; a task is given to someone.
            models.CheckConstraint(
                condition=Q(kind="TASK") | Q(owner=F("set_by")), name="reminder_is_ones_own"
            ),  # fmt: skip
            models.CheckConstraint(
                condition=Q(done_on__isnull=True, done_by__isnull=True)
                | Q(done_on__isnull=False, done_by__isnull=False),
                name="task_done_by_someone",
            ),  # fmt: skip
        ]

        permissions = [("assign_casetask", "Can give an officer a task on a case")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk} on case {self.episode_id}"
